"""What the scene writes over the picture in screen coordinates: the legend, notices, the hint.

The legend is a strip along the top of the view that wraps into as many rows as its width
needs; the scene lays the network out below it (:func:`legend_height`), so the two never overlap.
"""

from __future__ import annotations

import functools

from PySide6 import QtCore, QtGui

from ..widgets import colors

_LEGEND = {
    "signal": "line brightness: |weight × activation|, what flows now",
    "weights": "line brightness: |weight|, weak ones faded",
    "gradient": "line brightness: |dC/dw| of the target's cost",
}
FONT_PX = 12
PAD = 6
SWATCH = 24
GAP = 18


def _c(rgb, alpha: int = 255) -> QtGui.QColor:
    return QtGui.QColor(int(rgb[0]), int(rgb[1]), int(rgb[2]), alpha)


def _font(base: QtGui.QFont | None = None, px: int = FONT_PX) -> QtGui.QFont:
    font = QtGui.QFont(base) if base is not None else QtGui.QFont()
    font.setPixelSize(px)
    return font


def _rows(view_mode: str):
    gradient = view_mode == "gradient"
    return [
        ("line", colors.POSITIVE, "the step raises the weight" if gradient else "positive weight"),
        ("line", colors.NEGATIVE, "the step lowers the weight" if gradient else "negative weight"),
        ("dot", None, "neuron: activation 0 (dark) to 1 (white)"),
        ("ring", colors.WINNER, "the network's answer"),
        ("square", colors.SELECTION, "selected"),
        ("text", None, _LEGEND.get(view_mode, "")),
    ]


def _flow(metrics: QtGui.QFontMetrics, width: float, view_mode: str):
    """Legend entries placed left to right, wrapping: [(x, row, kind, rgb, text)], row count."""
    placed, x, row = [], PAD, 0
    for kind, rgb, text in _rows(view_mode):
        w = (0 if kind == "text" else SWATCH + 6) + metrics.horizontalAdvance(text)
        if x > PAD and x + w > width - PAD:
            x, row = PAD, row + 1
        placed.append((x, row, kind, rgb, text))
        x += w + GAP
    return placed, row + 1


def legend_height(width: float, view_mode: str = "signal") -> float:
    """Pixels the legend strip takes at the top of a view ``width`` pixels wide."""
    metrics = QtGui.QFontMetrics(_font())
    _, rows = _flow(metrics, width, view_mode)
    return rows * (metrics.height() + 3) + 2 * PAD


@functools.lru_cache(maxsize=8)
def _legend_pixmap(width: int, view_mode: str, ratio: float) -> QtGui.QPixmap:
    """The legend strip for a view ``width`` pixels wide, drawn once (it is the same on every
    frame; drawing its antialiased text took a millisecond per frame of a training run)."""
    height = int(legend_height(width, view_mode))
    pixmap = QtGui.QPixmap(max(1, round(width * ratio)), max(1, round(height * ratio)))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(QtCore.Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(pixmap)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
    font = _font()
    painter.setFont(font)
    metrics = QtGui.QFontMetrics(font)
    line_h = metrics.height() + 3
    placed, _ = _flow(metrics, width, view_mode)
    for x, row, kind, rgb, text in placed:
        y = PAD + row * line_h
        mid = y + line_h / 2
        if kind == "line":
            painter.setPen(QtGui.QPen(_c(rgb), 2))
            painter.drawLine(QtCore.QPointF(x, mid), QtCore.QPointF(x + SWATCH, mid))
        elif kind == "dot":
            painter.setPen(QtGui.QPen(_c(colors.NEURON_OUTLINE), 1))
            grad = QtGui.QLinearGradient(x, 0, x + SWATCH, 0)
            grad.setColorAt(0, _c(colors.NEURON_OFF))
            grad.setColorAt(1, _c(colors.NEURON_ON))
            painter.setBrush(grad)
            painter.drawRoundedRect(QtCore.QRectF(x, mid - 5, SWATCH, 10), 5, 5)
        elif kind == "ring":
            painter.setPen(QtGui.QPen(_c(rgb), 2.5))
            painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QtCore.QPointF(x + SWATCH / 2, mid), 5.5, 5.5)
        elif kind == "square":
            painter.setPen(selection_pen(2.0))
            painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
            painter.drawRect(QtCore.QRectF(x + SWATCH / 2 - 6, mid - 6, 12, 12))
        painter.setPen(_c(colors.DIM_TEXT if kind == "text" else colors.TEXT))
        left = x if kind == "text" else x + SWATCH + 6
        painter.drawText(QtCore.QRectF(left, y, width, line_h),
                         QtCore.Qt.AlignmentFlag.AlignVCenter | QtCore.Qt.AlignmentFlag.AlignLeft, text)
    painter.end()
    return pixmap


def paint_overlay(painter: QtGui.QPainter, size: QtCore.QSize, view_mode: str,
                  notice: str = "", hint: str = "", hint_rect: QtCore.QRectF | None = None) -> None:
    """Draw the legend (a strip along the top), ``notice`` (bottom left) and ``hint`` (in
    ``hint_rect``, an empty part of the picture, else the centre) on a viewport of ``size``
    pixels; the painter is in viewport coordinates."""
    painter.save()
    ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
    painter.drawPixmap(QtCore.QPointF(0, 0), _legend_pixmap(size.width(), view_mode, ratio))
    if not notice and not hint:
        painter.restore()
        return
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
    font = _font(painter.font())
    painter.setFont(font)
    line_h = QtGui.QFontMetrics(font).height() + 3
    if notice:
        painter.setPen(_c(colors.WINNER))
        painter.drawText(QtCore.QRectF(12, size.height() - line_h - 2, size.width() - 24, line_h),
                         QtCore.Qt.AlignmentFlag.AlignVCenter | QtCore.Qt.AlignmentFlag.AlignLeft, notice)
    if hint:
        big = _font(font, 16)
        painter.setFont(big)
        if hint_rect is None or hint_rect.width() < 120 or hint_rect.height() < 40:
            hint_rect = QtCore.QRectF(0, size.height() * 0.4, size.width(), size.height() * 0.2)
        painter.setPen(_c(colors.TEXT))
        painter.drawText(hint_rect, QtCore.Qt.AlignmentFlag.AlignCenter | QtCore.Qt.TextFlag.TextWordWrap,
                         hint)
    painter.restore()


def selection_pen(width: float) -> QtGui.QPen:
    """The selection's look: an orange square around the neuron (the answer: a yellow circle)."""
    pen = QtGui.QPen(_c(colors.SELECTION), width)
    pen.setCosmetic(True)
    pen.setJoinStyle(QtCore.Qt.PenJoinStyle.MiterJoin)
    return pen
