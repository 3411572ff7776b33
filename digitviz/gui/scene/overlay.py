"""What the scene writes over the picture in screen coordinates: the legend and notices."""

from __future__ import annotations

from PySide6 import QtCore, QtGui

from ..widgets import colors

_LEGEND = {
    "signal": "line brightness: |weight x activation|, what flows now",
    "weights": "line brightness: |weight|",
}


def _c(rgb, alpha: int = 255) -> QtGui.QColor:
    return QtGui.QColor(int(rgb[0]), int(rgb[1]), int(rgb[2]), alpha)


def paint_overlay(painter: QtGui.QPainter, size: QtCore.QSize, view_mode: str,
                  notice: str = "", hint: str = "") -> None:
    """Draw the legend (top left), ``notice`` (bottom left) and ``hint`` (centre) on a viewport
    of ``size`` pixels; the painter is in viewport coordinates."""
    painter.save()
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
    # Shrink with the view (as the network does at "fit"), so the legend stays in its corner.
    f = max(0.8, min(1.0, size.width() / 1600.0, size.height() / 900.0))
    painter.scale(f, f)
    size = QtCore.QSize(int(size.width() / f), int(size.height() / f))
    font = QtGui.QFont(painter.font())
    font.setPixelSize(12)
    painter.setFont(font)
    metrics = QtGui.QFontMetrics(font)
    rows = [
        ("line", colors.POSITIVE, "positive weight"),
        ("line", colors.NEGATIVE, "negative weight"),
        ("text", None, _LEGEND.get(view_mode, "")),
        ("dot", colors.NEURON_ON, "neuron brightness: activation, 0 dark - 1 white"),
        ("ring", colors.WINNER, "the network's answer"),
    ]
    line_h = metrics.height() + 3
    width = 34 + max(metrics.horizontalAdvance(r[2]) for r in rows) + 10
    box = QtCore.QRectF(8, 8, width, 8 + line_h * len(rows))
    painter.setPen(QtCore.Qt.PenStyle.NoPen)
    painter.setBrush(_c(colors.BACKGROUND, 215))
    painter.drawRoundedRect(box, 4, 4)
    y = box.top() + 4
    for kind, rgb, text in rows:
        mid = y + line_h / 2
        if kind == "line":
            painter.setPen(QtGui.QPen(_c(rgb), 2))
            painter.drawLine(QtCore.QPointF(16, mid), QtCore.QPointF(36, mid))
        elif kind == "dot":
            painter.setPen(QtGui.QPen(_c(colors.NEURON_OUTLINE), 1))
            grad = QtGui.QLinearGradient(16, 0, 36, 0)
            grad.setColorAt(0, _c(colors.NEURON_OFF))
            grad.setColorAt(1, _c(colors.NEURON_ON))
            painter.setBrush(grad)
            painter.drawRoundedRect(QtCore.QRectF(16, mid - 5, 20, 10), 5, 5)
        elif kind == "ring":
            painter.setPen(QtGui.QPen(_c(rgb), 2))
            painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QtCore.QPointF(26, mid), 5, 5)
        painter.setPen(_c(colors.TEXT))
        painter.drawText(QtCore.QRectF(44, y, width, line_h),
                         QtCore.Qt.AlignmentFlag.AlignVCenter | QtCore.Qt.AlignmentFlag.AlignLeft, text)
        y += line_h
    if notice:
        painter.setPen(_c(colors.WINNER))
        painter.drawText(QtCore.QRectF(12, size.height() - line_h - 8, size.width() - 24, line_h),
                         QtCore.Qt.AlignmentFlag.AlignVCenter | QtCore.Qt.AlignmentFlag.AlignLeft, notice)
    if hint:
        font.setPixelSize(16)
        painter.setFont(font)
        painter.setPen(_c(colors.DIM_TEXT))
        # Below the legend, so the two never overlap in a narrow view.
        top = max(box.bottom() + 8, size.height() * 0.06)
        painter.drawText(QtCore.QRectF(0, top, size.width(), 40),
                         QtCore.Qt.AlignmentFlag.AlignCenter, hint)
    painter.restore()
