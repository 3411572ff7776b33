"""The desired nudges: an arrow beside each neuron, up for "more", down for "less".

Each arrow is ``-dC/da`` of its neuron (from the core's backpropagation), its length the magnitude
relative to the largest in its layer (whose value is written above the column), centred on the
neuron so that neighbours never overlap. The numbers are in the neuron's hover text.
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from ..widgets import colors
from .layout import SceneLayout

MIN_LENGTH = 3.0  # scene units: a non-zero wish stays visible


def _colour(rgb, alpha: int = 255) -> QtGui.QColor:
    return QtGui.QColor(int(rgb[0]), int(rgb[1]), int(rgb[2]), alpha)


def arrow_geometry(layout: SceneLayout, layer: int, nudges: np.ndarray, grow: float = 1.0):
    """Where the arrows of ``layer`` go: ``(x, y_tail, y_head)``, each (n_l,) float64.

    ``nudges`` is (n_l,) ``-dC/da``; the longest arrow of the layer spans 85% of the spacing
    between neurons (times ``grow``, 0..1 during the animation); positive points up (smaller y).
    """
    pos, r = layout.positions[layer], layout.radii[layer]
    spacing = float(pos[1, 1] - pos[0, 1]) if len(pos) > 1 else 4.0 * r
    scale = float(np.max(np.abs(nudges))) if len(nudges) else 0.0
    t = np.abs(nudges) / scale if scale > 0 else np.zeros(len(nudges))
    length = np.where(t > 0, np.maximum(t * 0.85 * spacing, MIN_LENGTH), 0.0) * grow
    half = np.sign(nudges) * length / 2.0
    x = pos[:, 0] - r - 1.6 * shaft_width(r) - 3.0
    return x, pos[:, 1] + half, pos[:, 1] - half


def shaft_width(radius: float) -> float:
    """Scene units: the arrows' shaft, about a third of the neuron's radius."""
    return max(0.4 * radius, 3.0)


class NudgesItem(QtWidgets.QGraphicsObject):
    """The arrows of every layer after the input.

    ``set_nudges(nudges)``: per layer (input first) an (n_l,) array of ``-dC/da`` or None;
    ``set_grow(grow)``: per layer a factor 0..1 (the backward animation grows layers one by one).
    """

    def __init__(self, layout: SceneLayout, parent=None) -> None:
        super().__init__(parent)
        self.layout = layout
        self._nudges: list[np.ndarray | None] = [None] * len(layout.sizes)
        self._grow = [1.0] * len(layout.sizes)
        self._brushes = (QtGui.QBrush(_colour(colors.NEGATIVE)), QtGui.QBrush(_colour(colors.POSITIVE)))
        self._text_pen = QtGui.QPen(_colour(colors.DIM_TEXT))
        x0, y0, x1, y1 = layout.bounds
        self._bounds = QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)

    def set_layout(self, layout: SceneLayout) -> None:
        """The same network laid out again (the view was resized): the arrows move with it."""
        self.prepareGeometryChange()
        self.layout = layout
        x0, y0, x1, y1 = layout.bounds
        self._bounds = QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)
        self.update()

    def set_nudges(self, nudges: list[np.ndarray | None] | None) -> None:
        self._nudges = list(nudges) if nudges is not None else [None] * len(self.layout.sizes)
        self.update()

    def nudges(self) -> list[np.ndarray | None]:
        return list(self._nudges)

    def set_grow(self, grow: list[float]) -> None:
        if list(grow) != self._grow:
            self._grow = list(grow)
            self.update()

    def grow(self) -> list[float]:
        return list(self._grow)

    def boundingRect(self) -> QtCore.QRectF:
        return self._bounds

    def paint(self, painter: QtGui.QPainter, option, widget=None) -> None:
        lay = self.layout
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        font = painter.font()
        font.setPixelSize(14)
        painter.setFont(font)
        for layer in range(1, len(lay.sizes)):
            nudges, grow = self._nudges[layer], self._grow[layer]
            if nudges is None or grow <= 0.0:
                continue
            x, tails, heads = arrow_geometry(lay, layer, nudges, grow)
            r = lay.radii[layer]
            shaft = shaft_width(r)
            painter.setPen(QtCore.Qt.PenStyle.NoPen)
            for xi, y0, y1, v in zip(x.tolist(), tails.tolist(), heads.tolist(), nudges.tolist()):
                if y0 == y1:
                    continue
                painter.setBrush(self._brushes[v > 0])
                painter.drawPath(_arrow(xi, y0, y1, shaft))
            pos = lay.positions[layer]
            top = float(pos[:, 1].min()) - r - 22.0
            painter.setPen(self._text_pen)
            scale = float(np.max(np.abs(nudges)))
            # As wide as the gap to the nearest other column allows: neighbours' labels never overlap.
            xs = [float(lay.positions[k][0, 0]) for k in range(len(lay.sizes)) if k != layer]
            width = min(200.0, 0.9 * min((abs(v - float(pos[0, 0])) for v in xs), default=200.0))
            text = QtGui.QFontMetrics(font).elidedText(f"longest {scale:.2g}",
                                                       QtCore.Qt.TextElideMode.ElideMiddle, int(width))
            painter.drawText(QtCore.QRectF(float(pos[0, 0]) - width / 2, top, width, 18),
                             QtCore.Qt.AlignmentFlag.AlignCenter, text)


def _arrow(x: float, y_tail: float, y_head: float, shaft: float) -> QtGui.QPainterPath:
    """A vertical arrow from ``y_tail`` to ``y_head`` at ``x``, its shaft ``shaft`` wide."""
    length = abs(y_head - y_tail)
    d = 1.0 if y_head > y_tail else -1.0
    head = min(1.8 * shaft, length)
    neck = y_head - d * head
    path = QtGui.QPainterPath()
    path.moveTo(x - shaft / 2, y_tail)
    path.lineTo(x - shaft / 2, neck)
    path.lineTo(x - 1.6 * shaft, neck)
    path.lineTo(x, y_head)
    path.lineTo(x + 1.6 * shaft, neck)
    path.lineTo(x + shaft / 2, neck)
    path.lineTo(x + shaft / 2, y_tail)
    path.closeSubpath()
    return path
