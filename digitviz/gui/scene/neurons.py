"""The neurons: the input grid lit by pixel value, columns of circles lit by activation.

One item draws every neuron with brushes taken from a prebuilt 256-entry table (no QBrush per
neuron per frame), the output labels and the winner mark, and the selection ring. It also
answers "which neuron is here" for clicks and hovering.
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from ..widgets import colors
from .connections import draw_segments
from .layout import SceneLayout

_RAMP = 256


def _qcolor(rgb) -> QtGui.QColor:
    return QtGui.QColor(int(rgb[0]), int(rgb[1]), int(rgb[2]))


def _pen(rgb, width: float, cosmetic: bool = True) -> QtGui.QPen:
    pen = QtGui.QPen(_qcolor(rgb))
    pen.setWidthF(width)
    pen.setCosmetic(cosmetic)
    return pen


class NeuronsItem(QtWidgets.QGraphicsObject):
    """Every neuron of the network, given a :class:`SceneLayout`.

    ``set_values(layer_values, lit)``: per layer an (n_l,) array in [0, 1] (or None for unlit),
    and per layer a brightness factor in [0, 1] (the animation lights layers one by one).
    """

    clicked = QtCore.Signal(int, int)
    hovered = QtCore.Signal(int, int)
    emptyClicked = QtCore.Signal()
    hoverLeft = QtCore.Signal()

    def __init__(self, layout: SceneLayout, parent=None) -> None:
        super().__init__(parent)
        self.layout = layout
        ramp = colors.grey_ramp(_RAMP)
        self._brushes = [QtGui.QBrush(_qcolor(c)) for c in ramp]
        self._grid_lut = (0xFF000000 | (ramp[:, 0].astype(np.uint32) << 16)
                          | (ramp[:, 1].astype(np.uint32) << 8) | ramp[:, 2].astype(np.uint32))
        self._outline = _pen(colors.NEURON_OUTLINE, 1.2)
        self._winner_pen = _pen(colors.WINNER, 3.0)
        self._selection_pen = _pen(colors.SELECTION, 3.0)
        self._grid_pen = _pen(colors.GRID_LINE, 1.0)
        self._text_pen = _pen(colors.TEXT, 1.0)
        self._dim_text_pen = _pen(colors.DIM_TEXT, 1.0)
        self._values: list[np.ndarray | None] = [None] * len(layout.sizes)
        self._lit = [1.0] * len(layout.sizes)
        self._winner: int | None = None
        self.selection: tuple[int, int] | None = None
        self._grid_pixels = np.zeros((max(layout.grid_side, 1),) * 2, dtype=np.uint32)
        self._grid_image = self._image_of(self._grid_pixels)
        self._grid_lines = self._make_grid_lines()
        x0, y0, x1, y1 = layout.bounds
        self._bounds = QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)
        self.setAcceptHoverEvents(True)

    # -- geometry -----------------------------------------------------------------------------

    def _make_grid_lines(self) -> np.ndarray:
        if self.layout.grid_rect is None:
            return np.zeros((0, 4))
        x, y, w, h = self.layout.grid_rect
        k = np.linspace(0.0, 1.0, self.layout.grid_side + 1)
        vertical = np.column_stack([x + k * w, np.full_like(k, y), x + k * w, np.full_like(k, y + h)])
        horizontal = np.column_stack([np.full_like(k, x), y + k * h, np.full_like(k, x + w), y + k * h])
        return np.ascontiguousarray(np.vstack([vertical, horizontal]))

    @staticmethod
    def _image_of(pixels: np.ndarray) -> QtGui.QImage:
        h, w = pixels.shape
        return QtGui.QImage(pixels.data, w, h, 4 * w, QtGui.QImage.Format.Format_RGB32)

    def layer_rect(self, layer: int) -> QtCore.QRectF:
        """Scene rectangle around layer ``layer``'s neurons (and the output labels)."""
        if layer == 0 and self.layout.grid_rect is not None:
            return QtCore.QRectF(*self.layout.grid_rect).adjusted(-4, -4, 4, 4)
        pos, r = self.layout.positions[layer], self.layout.radii[layer]
        right = 110.0 if layer == len(self.layout.sizes) - 1 else 0.0
        return QtCore.QRectF(pos[:, 0].min() - r - 4, pos[:, 1].min() - r - 4,
                             pos[:, 0].max() - pos[:, 0].min() + 2 * r + 8 + right,
                             pos[:, 1].max() - pos[:, 1].min() + 2 * r + 8)

    def neuron_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The (layer, index) of the neuron at scene point (x, y), or None."""
        lay = self.layout
        if lay.grid_rect is not None:
            gx, gy, gw, gh = lay.grid_rect
            if gx <= x < gx + gw and gy <= y < gy + gh:
                c = int((x - gx) / gw * lay.grid_side)
                r = int((y - gy) / gh * lay.grid_side)
                return 0, r * lay.grid_side + c
        for layer in range(len(lay.sizes)):
            if layer == 0 and lay.grid_rect is not None:
                continue
            pos, radius = lay.positions[layer], lay.radii[layer]
            d2 = (pos[:, 0] - x) ** 2 + (pos[:, 1] - y) ** 2
            i = int(np.argmin(d2))
            if d2[i] <= max(radius * 1.25, 3.0) ** 2:
                return layer, i
        return None

    # -- state --------------------------------------------------------------------------------

    def set_values(self, values: list[np.ndarray | None], lit: list[float] | None = None) -> None:
        """Per layer an (n_l,) array in [0, 1] or None, and per layer a brightness in [0, 1]."""
        self._values = list(values)
        self._lit = list(lit) if lit is not None else [1.0] * len(values)
        out = values[-1]
        self._winner = int(np.argmax(out)) if out is not None and self._lit[-1] >= 1.0 else None
        self._update_grid()
        self.update()

    def set_lit(self, layer: int, factor: float) -> None:
        if self._lit[layer] != factor:
            self._lit[layer] = factor
            if layer == len(self._lit) - 1:
                out = self._values[-1]
                self._winner = int(np.argmax(out)) if out is not None and factor >= 1.0 else None
            if layer == 0:
                self._update_grid()
            self.update(self.layer_rect(layer))

    def set_selection(self, selection: tuple[int, int] | None) -> None:
        old = self.selection
        self.selection = selection
        for sel in (old, selection):
            if sel is not None:
                self.update(self.layer_rect(sel[0]))

    def _update_grid(self) -> None:
        if self.layout.grid_rect is None:
            return
        v = self._values[0]
        if v is None:
            self._grid_pixels[:] = self._grid_lut[0]
        else:
            level = np.clip(np.asarray(v, dtype=float) * self._lit[0], 0, 1) * (_RAMP - 1)
            self._grid_pixels[:] = self._grid_lut[np.round(level).astype(int)].reshape(
                self._grid_pixels.shape)

    # -- QGraphicsItem ------------------------------------------------------------------------

    def boundingRect(self) -> QtCore.QRectF:
        return self._bounds

    def paint(self, painter: QtGui.QPainter, option, widget=None) -> None:
        lay = self.layout
        if lay.grid_rect is not None:
            painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, False)
            painter.drawImage(QtCore.QRectF(*lay.grid_rect), self._grid_image)
            painter.setPen(self._grid_pen)
            draw_segments(painter, self._grid_lines)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        painter.setPen(self._outline)
        for layer in range(len(lay.sizes)):
            if layer == 0 and lay.grid_rect is not None:
                continue
            values = self._values[layer]
            pos, r = lay.positions[layer], lay.radii[layer]
            if values is None:
                levels = np.zeros(len(pos), dtype=int)
            else:
                levels = np.round(np.clip(values * self._lit[layer], 0, 1) * (_RAMP - 1)).astype(int)
            brushes = self._brushes
            for (x, y), k in zip(pos.tolist(), levels.tolist()):
                painter.setBrush(brushes[k])
                painter.drawEllipse(QtCore.QPointF(x, y), r, r)
        self._paint_captions(painter)
        self._paint_output_labels(painter)
        self._paint_selection(painter)

    def _paint_captions(self, painter: QtGui.QPainter) -> None:
        sizes = self.layout.sizes
        font = painter.font()
        font.setPixelSize(16)
        font.setBold(False)
        painter.setFont(font)
        painter.setPen(self._text_pen)
        for layer, (x, y) in enumerate(self.layout.captions):
            n = sizes[layer]
            if layer == 0:
                text = f"{n} inputs"
            elif layer == len(sizes) - 1:
                text = f"{n} outputs"
            else:
                text = f"{n} hidden"
            painter.drawText(QtCore.QRectF(x - 100, y, 200, 24),
                             QtCore.Qt.AlignmentFlag.AlignHCenter | QtCore.Qt.AlignmentFlag.AlignTop, text)

    def _paint_output_labels(self, painter: QtGui.QPainter) -> None:
        lay = self.layout
        pos, r = lay.positions[-1], lay.radii[-1]
        spacing = float(pos[1, 1] - pos[0, 1]) if len(pos) > 1 else 30.0
        font = painter.font()
        font.setPixelSize(max(6, int(min(20.0, spacing * 0.55))))
        painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        out = self._values[-1]
        for i, (x, y) in enumerate(pos.tolist()):
            winner = i == self._winner
            font.setBold(winner)
            painter.setFont(font)
            painter.setPen(self._winner_pen if winner else self._text_pen)
            text = str(i)
            if out is not None and self._lit[-1] >= 1.0:
                text += f"  {out[i]:.2f}"
            painter.drawText(QtCore.QRectF(x + r + 8, y - spacing / 2, 100, spacing),
                             QtCore.Qt.AlignmentFlag.AlignVCenter | QtCore.Qt.AlignmentFlag.AlignLeft,
                             text)
            if winner:
                painter.drawEllipse(QtCore.QPointF(x, y), r + 4, r + 4)

    def _paint_selection(self, painter: QtGui.QPainter) -> None:
        if self.selection is None:
            return
        layer, index = self.selection
        lay = self.layout
        painter.setPen(self._selection_pen)
        painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        x, y = lay.positions[layer][index]
        r = lay.radii[layer]
        if layer == 0 and lay.grid_rect is not None:
            painter.drawRect(QtCore.QRectF(x - r, y - r, 2 * r, 2 * r))
        else:
            painter.drawEllipse(QtCore.QPointF(x, y), r + 5, r + 5)

    # -- mouse (pyqtgraph's GraphicsScene delivers these) ---------------------------------------

    def mouseClickEvent(self, ev) -> None:
        if ev.button() != QtCore.Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        hit = self.neuron_at(ev.pos().x(), ev.pos().y())
        ev.accept()
        if hit is None:
            self.emptyClicked.emit()
        else:
            self.clicked.emit(*hit)

    def hoverEvent(self, ev) -> None:
        if ev.isExit():
            self.hoverLeft.emit()
            return
        hit = self.neuron_at(ev.pos().x(), ev.pos().y())
        if hit is None:
            self.hoverLeft.emit()
        else:
            self.hovered.emit(*hit)
