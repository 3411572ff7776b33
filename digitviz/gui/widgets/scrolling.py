"""A panel's body in a scroll area, so a short dock can still hold it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget


def put_in_scroll_area(widget: QWidget, content: QWidget) -> None:
    """Make ``content`` the scrollable body of ``widget``, so a short dock can still hold it."""
    scroll = QScrollArea(widget)
    scroll.setWidget(content)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    # It shares a column with the inspector: let it scroll sideways rather than widen the column
    # (and so narrow the network scene) for everyone.
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    scroll.setMinimumWidth(min(content.sizeHint().width() + scroll.verticalScrollBar().sizeHint().width(), 320))
    outer = QVBoxLayout(widget)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroll)
