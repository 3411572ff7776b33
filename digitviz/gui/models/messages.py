"""What the parts of the window want to tell the user: errors and passing status messages.

A part is handed the one :class:`Messages` object and calls :meth:`Messages.report_error` or
:meth:`Messages.show_status`; the main window shows them (a message box, the status bar). No part
needs the window for it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

MAX_MESSAGE = 2000  # characters; a message naming a hostile file's content is cut, never megabytes


def bounded(message: str, limit: int = MAX_MESSAGE) -> str:
    """``message`` cut to ``limit`` characters (with an ellipsis when cut)."""
    message = str(message)
    return message if len(message) <= limit else message[: limit - 1] + "…"


class Messages(QObject):
    """Signals
    -------
    errorReported(str message, str title) : a problem the user must see; nothing stopped.
    statusShown(str message, int timeout_ms) : a passing note for the status bar (0 = until replaced).
    """

    errorReported = Signal(str, str)
    statusShown = Signal(str, int)

    def report_error(self, message: str, title: str = "digitviz") -> None:
        self.errorReported.emit(bounded(message), bounded(title, 200))

    def show_status(self, message: str, timeout_ms: int = 5000) -> None:
        self.statusShown.emit(bounded(message, 500), int(timeout_ms))
