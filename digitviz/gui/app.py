"""Creating the QApplication and running the main window."""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QCoreApplication, Qt, QTimer, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from .models.settings import guard_settings_file

ORGANIZATION = "digitviz"
APPLICATION = "digitviz"
SETTINGS_PROBLEM: str | None = None  # why the settings file was stepped around, if it was


def ensure_app(argv: list[str] | None = None) -> QApplication:
    """The running QApplication, created (with names used by QSettings) if there is none."""
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(argv if argv is not None else sys.argv[:1])
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    global SETTINGS_PROBLEM
    SETTINGS_PROBLEM = guard_settings_file() or SETTINGS_PROBLEM
    return app


def quiet_platform_notices() -> None:
    """Drop the offscreen platform's "does not support propagateSizeHints()" notice (noise on
    stderr for every window drawn without a screen); every other Qt message is printed as usual."""
    def handler(mode, context, message: str) -> None:
        if "propagateSizeHints" not in message:
            sys.stderr.write(message + "\n")

    qInstallMessageHandler(handler)


def freeze_startup_heap() -> None:
    """Collect once, then leave the objects made at start-up (Qt wrappers, pyqtgraph's items, the
    modules) out of every later garbage collection. Python's full collections otherwise walk all
    of them now and then, about 75 ms here: a visible stall in the middle of a training run. Run
    once the window is up, before the user starts to draw."""
    gc.collect()
    gc.freeze()


def run(weights: str | None = None) -> int:
    """Open the main window (optionally with a weight file) and run until it is closed."""
    app = ensure_app()
    from .main_window import MainWindow

    window = MainWindow(weights=weights)
    window.show()
    QTimer.singleShot(0, freeze_startup_heap)  # once the first picture is painted
    if SETTINGS_PROBLEM:
        window.messages.show_status(SETTINGS_PROBLEM, 0)
    code = app.exec()
    del window  # the window goes before the QApplication, never after it
    return code
