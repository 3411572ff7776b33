"""The neurons: the input grid lit by pixel value, columns of circles lit by activation.

:class:`InputGridItem` draws the 28x28 input grid under the connection lines: bright pixels
opaque, dark ones partly see-through, so the lines visibly leave from each pixel. It can show
a neuron's weights instead (the weights view with a first-layer neuron selected).
:class:`NeuronsItem` draws the circles with brushes from a prebuilt 256-entry table (no QBrush per
neuron per frame), the captions, the output labels with the answer ring, and the selection
square. It also answers "which neuron is here" for clicks and hovering, grid pixels included.
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from ..widgets import colors
from .connections import draw_segments
from .layout import SceneLayout, label_font_px
from .overlay import selection_pen

_RAMP = 256
DARK_PIXEL_ALPHA = 0.72  # opacity of an unlit input pixel over the lines that leave from it


def _qcolor(rgb) -> QtGui.QColor:
    return QtGui.QColor(int(rgb[0]), int(rgb[1]), int(rgb[2]))


def _pen(rgb, width: float, cosmetic: bool = True) -> QtGui.QPen:
    pen = QtGui.QPen(_qcolor(rgb))
    pen.setWidthF(width)
    pen.setCosmetic(cosmetic)
    return pen


def _argb_premultiplied(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """(n, 3) uint8 colours and (n,) opacities in [0, 1] -> (n,) uint32 premultiplied ARGB."""
    a = np.clip(alpha, 0.0, 1.0)
    pre = np.round(rgb.astype(float) * a[:, None]).astype(np.uint32)
    return ((np.round(a * 255).astype(np.uint32) << 24) | (pre[:, 0] << 16) | (pre[:, 1] << 8)
            | pre[:, 2])


class InputGridItem(QtWidgets.QGraphicsObject):
    """The input grid of a :class:`SceneLayout` with an image input (nothing otherwise)."""

    def __init__(self, layout: SceneLayout, parent=None) -> None:
        super().__init__(parent)
        self.layout = layout
        ramp = colors.grey_ramp(_RAMP)
        alpha = DARK_PIXEL_ALPHA + (1.0 - DARK_PIXEL_ALPHA) * np.linspace(0.0, 1.0, _RAMP) ** 0.5
        self._lut = _argb_premultiplied(ramp, alpha)
        side = max(layout.grid_side, 1)
        self._pixels = np.zeros((side, side), dtype=np.uint32)
        self._image = QtGui.QImage(self._pixels.data, side, side, 4 * side,
                                   QtGui.QImage.Format.Format_ARGB32_Premultiplied)
        self._grid_pen = _pen(colors.GRID_LINE, 1.0)
        self._lines = self._make_grid_lines()
        self._values: np.ndarray | None = None
        self._override: np.ndarray | None = None
        # Kept as a pixmap between inputs: an animation repaints the view 60 times a second.
        self.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.set_values(None)

    def _make_grid_lines(self) -> np.ndarray:
        if self.layout.grid_rect is None:
            return np.zeros((0, 4))
        x, y, w, h = self.layout.grid_rect
        k = np.linspace(0.0, 1.0, self.layout.grid_side + 1)
        vertical = np.column_stack([x + k * w, np.full_like(k, y), x + k * w, np.full_like(k, y + h)])
        horizontal = np.column_stack([np.full_like(k, x), y + k * h, np.full_like(k, x + w), y + k * h])
        return np.ascontiguousarray(np.vstack([vertical, horizontal]))

    def set_values(self, values: np.ndarray | None) -> None:
        """(n_in,) pixel values in [0, 1], or None for an unlit grid."""
        self._values = values
        if self._override is None:
            self._fill()

    def values(self) -> np.ndarray | None:
        return self._values

    def set_override(self, rgb: np.ndarray | None) -> None:
        """(n_in, 3) uint8 opaque colours to show instead of the input (a neuron's weights), or None."""
        self._override = rgb
        self._fill()

    def showing_override(self) -> bool:
        return self._override is not None

    def _fill(self) -> None:
        if self.layout.grid_rect is None:
            return
        if self._override is not None:
            ones = np.ones(len(self._override))
            self._pixels[:] = _argb_premultiplied(self._override, ones).reshape(self._pixels.shape)
        elif self._values is None:
            self._pixels[:] = self._lut[0]
        else:
            level = np.round(np.clip(self._values, 0.0, 1.0) * (_RAMP - 1)).astype(np.intp)
            self._pixels[:] = self._lut[level].reshape(self._pixels.shape)
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        if self.layout.grid_rect is None:
            return QtCore.QRectF()
        return QtCore.QRectF(*self.layout.grid_rect).adjusted(-1, -1, 1, 1)

    def paint(self, painter: QtGui.QPainter, option, widget=None) -> None:
        if self.layout.grid_rect is None:
            return
        painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.drawImage(QtCore.QRectF(*self.layout.grid_rect), self._image)
        painter.setPen(self._grid_pen)
        draw_segments(painter, self._lines)


class NeuronsItem(QtWidgets.QGraphicsObject):
    """Every neuron of the network but the input grid's pixels, given a :class:`SceneLayout`.

    ``set_values(layer_values, settled)``: per layer an (n_l,) array in [0, 1] (or None for
    unlit); ``settled`` False (mid-animation) holds back the answer ring and the output values.
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
        self._outline = _pen(colors.NEURON_OUTLINE, 1.0)  # 1.2 costs twice as much to antialias
        self._winner_pen = _pen(colors.WINNER, 3.0)
        self._selection_pen = selection_pen(2.5)
        self._text_pen = _pen(colors.TEXT, 1.0)
        self._values: list[np.ndarray | None] = [None] * len(layout.sizes)
        self._settled = True
        self._sprite_key: tuple | None = None
        self._sprites: dict[int, QtGui.QPixmap] = {}
        self._winner: int | None = None
        self.selection: tuple[int, int] | None = None
        x0, y0, x1, y1 = layout.bounds
        self._bounds = QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)
        self.setAcceptHoverEvents(True)

    # -- geometry -----------------------------------------------------------------------------

    def ring_radius(self, layer: int) -> float:
        """Radius of the answer ring around an output circle (the label starts beyond it)."""
        r = self.layout.radii[layer]
        return r + min(4.0, 0.25 * r + 1.5)

    def layer_rect(self, layer: int) -> QtCore.QRectF:
        """Scene rectangle around layer ``layer``'s neurons (and the output labels)."""
        if layer == 0 and self.layout.grid_rect is not None:
            return QtCore.QRectF(*self.layout.grid_rect).adjusted(-4, -4, 4, 4)
        pos, r = self.layout.positions[layer], self.layout.radii[layer] + 8
        right = self.layout.label_gap + 120.0 if layer == len(self.layout.sizes) - 1 else 0.0
        return QtCore.QRectF(pos[:, 0].min() - r, pos[:, 1].min() - r,
                             pos[:, 0].max() - pos[:, 0].min() + 2 * r + right,
                             pos[:, 1].max() - pos[:, 1].min() + 2 * r)

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

    def set_values(self, values: list[np.ndarray | None], settled: bool = True) -> None:
        """Per layer an (n_l,) array in [0, 1] or None; ``settled``: the output layer is final."""
        self._values = list(values)
        self._settled = bool(settled)
        out = values[-1]
        self._winner = int(np.argmax(out)) if out is not None and settled else None
        self.update()

    def winner(self) -> int | None:
        """The output ringed as the answer, or None (no input, or not settled yet)."""
        return self._winner

    def set_selection(self, selection: tuple[int, int] | None) -> None:
        old = self.selection
        self.selection = selection
        for sel in (old, selection):
            if sel is not None:
                self.update(self.layer_rect(sel[0]))

    # -- QGraphicsItem ------------------------------------------------------------------------

    def boundingRect(self) -> QtCore.QRectF:
        return self._bounds

    def paint(self, painter: QtGui.QPainter, option, widget=None) -> None:
        lay = self.layout
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        painter.setPen(self._outline)
        scale = painter.worldTransform().m11()
        vector = painter.paintEngine().type() == QtGui.QPaintEngine.Type.SVG
        for layer in range(len(lay.sizes)):
            if layer == 0 and lay.grid_rect is not None:
                continue
            values = self._values[layer]
            pos, r = lay.positions[layer], lay.radii[layer]
            if values is None:
                levels = np.zeros(len(pos), dtype=int)
            else:
                levels = np.round(np.clip(values, 0, 1) * (_RAMP - 1)).astype(int)
            if vector or not 3.0 <= r * scale <= 80.0:
                for (x, y), k in zip(pos.tolist(), levels.tolist()):
                    painter.setBrush(self._brushes[k])
                    painter.drawEllipse(QtCore.QPointF(x, y), r, r)
            else:
                self._paint_sprites(painter, pos, levels, r * scale)
        self._paint_captions(painter)
        self._paint_output_labels(painter)
        self._paint_selection(painter)

    def _paint_sprites(self, painter: QtGui.QPainter, pos: np.ndarray, levels: np.ndarray,
                       radius: float) -> None:
        """Circles of ``radius`` device pixels as prerendered pixmaps, one per brightness level:
        antialiasing 42 big circles 60 times a second costs more than the thousands of lines."""
        ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        key = (round(radius * 4) / 4, ratio)
        if self._sprite_key != key:
            self._sprite_key, self._sprites = key, {}
        centres = painter.worldTransform().map(QtGui.QPolygonF([QtCore.QPointF(x, y) for x, y in pos.tolist()]))
        painter.save()
        painter.resetTransform()
        for centre, k in zip(centres, levels.tolist()):
            sprite = self._sprites.get(k)
            if sprite is None:
                sprite = self._sprites[k] = self._make_sprite(key[0], ratio, k)
            half = sprite.width() / sprite.devicePixelRatio() / 2
            painter.drawPixmap(QtCore.QPointF(round(centre.x() - half), round(centre.y() - half)), sprite)
        painter.restore()

    def _make_sprite(self, radius: float, ratio: float, level: int) -> QtGui.QPixmap:
        side = int(np.ceil(2 * radius + 4))
        sprite = QtGui.QPixmap(round(side * ratio), round(side * ratio))
        sprite.setDevicePixelRatio(ratio)
        sprite.fill(QtCore.Qt.GlobalColor.transparent)
        p = QtGui.QPainter(sprite)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        p.setPen(self._outline)
        p.setBrush(self._brushes[level])
        p.drawEllipse(QtCore.QPointF(side / 2, side / 2), radius, radius)
        p.end()
        return sprite

    def _paint_captions(self, painter: QtGui.QPainter) -> None:
        sizes = self.layout.sizes
        font = painter.font()
        font.setPixelSize(14)
        font.setBold(False)
        painter.setFont(font)
        painter.setPen(self._text_pen)
        for layer, (x, y) in enumerate(self.layout.captions):
            n = sizes[layer]
            if layer == 0:
                side = self.layout.grid_side
                text = f"{n} inputs ({side}×{side})" if side else f"{n} inputs"
            elif layer == len(sizes) - 1:
                text = f"{n} outputs"
            else:
                text = f"{n} hidden"
            painter.drawText(QtCore.QRectF(x - 110, y, 220, 22),
                             QtCore.Qt.AlignmentFlag.AlignHCenter | QtCore.Qt.AlignmentFlag.AlignTop, text)

    def _paint_output_labels(self, painter: QtGui.QPainter) -> None:
        lay = self.layout
        last = len(lay.sizes) - 1
        pos, r = lay.positions[last], lay.radii[last]
        spacing = float(pos[1, 1] - pos[0, 1]) if len(pos) > 1 else 30.0
        font = painter.font()
        font.setPixelSize(label_font_px(spacing))
        painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        out = self._values[-1]
        left = r + lay.label_gap
        for i, (x, y) in enumerate(pos.tolist()):
            winner = i == self._winner
            font.setBold(winner)
            painter.setFont(font)
            painter.setPen(self._winner_pen if winner else self._text_pen)
            text = str(i)
            if out is not None and self._settled:
                text += f"  {out[i]:.2f}"
            painter.drawText(QtCore.QRectF(x + left, y - spacing / 2, 140, spacing),
                             QtCore.Qt.AlignmentFlag.AlignVCenter | QtCore.Qt.AlignmentFlag.AlignLeft,
                             text)
            if winner:
                ring = self.ring_radius(last)
                painter.drawEllipse(QtCore.QPointF(x, y), ring, ring)

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
            half = r + 1.5
        else:  # a square around the circle and, for an output, around its answer ring too
            half = (self.ring_radius(layer) if layer == len(lay.sizes) - 1 else r) + 3.5
        painter.drawRect(QtCore.QRectF(x - half, y - half, 2 * half, 2 * half))

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
