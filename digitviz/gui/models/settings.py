"""Reading QSettings safely: every value with its type, lists capped, defaults on anything odd.

The settings file is the user's and may hold anything (an int where a byte string belongs, 100,000
recent entries, bytes in a list of paths): a bad value costs the user that setting, never the
start-up. :func:`guard_settings_file` steps around a settings "file" that is a FIFO or a device, which would
otherwise block start-up on its first read.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, QStandardPaths

MAX_LIST = 50  # entries kept from any list setting
MAX_TEXT = 4096  # characters kept from one text entry


def read_bool(key: str, default: bool) -> bool:
    """A boolean setting: True/False, "true"/"false", 1/0; else ``default``."""
    value = _raw(key)
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("true", "1", "yes", "on", "false", "0", "no", "off"):
        return value.lower() in ("true", "1", "yes", "on")
    return default


def read_choice(key: str, choices: tuple[str, ...], default: str) -> str:
    """A text setting that must be one of ``choices``; else ``default``."""
    value = _raw(key)
    return value if isinstance(value, str) and value in choices else default


def read_text(key: str, default: str = "") -> str:
    value = _raw(key)
    return value[:MAX_TEXT] if isinstance(value, str) else default


def read_bytes(key: str) -> QByteArray | None:
    """A QByteArray setting (window geometry and state), or None when absent or of another type."""
    value = _raw(key)
    if isinstance(value, QByteArray):
        return value
    if isinstance(value, (bytes, bytearray)):
        return QByteArray(bytes(value))
    return None


def read_text_list(key: str, limit: int = MAX_LIST) -> list[str]:
    """A list of strings, at most ``limit``; entries of any other type are dropped."""
    value = _raw(key)
    if isinstance(value, str):  # the INI backend gives back a one-element list as a plain string
        value = [value]
    if not isinstance(value, (list, tuple)):
        return []
    found = []
    for item in value[: limit * 4]:  # a huge list is not walked to its end
        if isinstance(item, str) and item and len(item) <= MAX_TEXT and "\0" not in item:
            found.append(item)
            if len(found) == limit:
                break
    return found


def _raw(key: str):
    try:
        return QSettings().value(key)
    except Exception:  # noqa: BLE001 - a value Qt cannot convert: as if absent
        return None


def settings_file() -> Path | None:
    """Where QSettings keeps this application's settings on Linux and other INI platforms (None on
    Windows and macOS, whose native stores are no plain file), computed without opening it."""
    if sys.platform in ("win32", "darwin"):
        return None
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    org = QCoreApplication.organizationName() or "Unknown Organization"
    return Path(base) / org / f"{QCoreApplication.applicationName() or 'digitviz'}.conf"


def guard_settings_file() -> str | None:
    """Make sure reading the settings cannot block or fail; None if all is well, else why not.

    A settings "file" that is a FIFO, a device or a folder would block or break start-up on its
    first read (even constructing a QSettings reads it). Then settings go to a fresh temporary
    folder for this run, and the returned message says so.
    """
    path = settings_file()
    if path is None:
        return None
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # absent (first run) or unreadable: QSettings copes
    if stat.S_ISREG(mode):
        return None
    folder = tempfile.mkdtemp(prefix="digitviz-settings-")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
    return f"The settings file {path} is not a regular file: settings are neither read nor saved this time."
