"""A status line that changes often without laying its window out again.

QLabel.setText always asks the layouts around the label to be computed again (updateGeometry):
for a line that changes ten times a second during a training run, that is the dock and the main
window around it, and then the scene repainted a second time. :class:`StatusLine` keeps a fixed
height of a few lines, wraps rich text to its width, and only repaints itself when its text
changes.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QPainter, QStaticText
from PySide6.QtWidgets import QSizePolicy, QWidget


class StatusLine(QWidget):
    """Rich text ("batch 5 · test accuracy <b>91%</b>") in ``lines`` lines' room, wrapped to the
    widget's width; more text than fits is cut at the bottom. With ``widest`` it is exactly as
    wide as that text instead of following its layout. ``setText``/``text`` as QLabel's."""

    def __init__(self, text: str = "", lines: int = 2, widest: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._text = ""
        self._static = QStaticText()
        self._static.setTextFormat(Qt.TextFormat.RichText)
        metrics = self.fontMetrics()
        self.setFixedHeight(lines * metrics.lineSpacing() + 2)
        if widest is None:
            self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        else:
            self.setFixedWidth(metrics.horizontalAdvance(widest) + 2)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - QLabel's name: the panel treats it as one
        if text != self._text:
            self._text = text
            self._static.setText(text)
            self.update()  # a repaint of its own rectangle; no layout is touched

    def text(self) -> str:
        return self._text

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(max(200, self.minimumWidth()), self.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.minimumWidth(), self.height())

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setClipRect(self.rect())
        painter.setPen(self.palette().windowText().color())
        if self._static.textWidth() != self.width():
            self._static.setTextWidth(self.width())
        painter.drawStaticText(QPointF(0, 0), self._static)
