"""All weight images: the first hidden layer's neurons side by side, as in 3Blue1Brown's picture.

One mosaic ImageItem holds every tile (each tile scaled to its own max |w|, so every neuron's
pattern is visible); a click on a tile selects that neuron. The caption under each tile shows the
neuron's activation for the current drawing, and the selected tile is framed.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..models.selection import NeuronSelection
from ..models.state import AppState
from .text import grid_side
from .weight_image import Caption, PixelImageItem, diverging_lut, graphics_widget

GAP = 2          # pixels between tiles
CAPTION = 7      # pixel rows under each tile for its caption
MAX_TILES = 256  # a wider first layer shows its first 256 neurons (each tile has a caption item)
_GAP_COLOUR = np.array([225, 225, 228, 0], dtype=np.ubyte)


def mosaic(weights: np.ndarray, columns: int, lut: np.ndarray) -> np.ndarray:
    """(n, side*side) weights -> (H, W, 4) uint8 RGBA tiles, each scaled to its own max |w|.

    Tile k sits at row k // columns, column k % columns, with ``GAP`` pixels between tiles and
    ``CAPTION`` rows under each for its label; the rest is transparent.
    """
    n, n_in = weights.shape
    side = grid_side(n_in)
    rows = math.ceil(n / columns)
    cell_w, cell_h = side + GAP, side + GAP + CAPTION
    out = np.zeros((rows * cell_h, columns * cell_w, 4), dtype=np.ubyte)
    out[:] = _GAP_COLOUR
    limits = np.max(np.abs(weights), axis=1, keepdims=True)
    limits[limits == 0] = 1.0
    scaled = weights / limits  # in [-1, 1]
    idx = np.clip(np.round((scaled + 1.0) * 0.5 * (len(lut) - 1)), 0, len(lut) - 1).astype(np.intp)
    tiles = lut[idx].reshape(n, side, side, 4)
    for k in range(n):
        r, c = divmod(k, columns)
        y, x = r * cell_h + GAP // 2, c * cell_w + GAP // 2
        out[y:y + side, x:x + side] = tiles[k]
    return out


class WeightGallery(QWidget):
    """Every first-hidden-layer neuron's weight image, clickable.

    Signals
    -------
    neuronRequested(int layer, int index) : a tile was clicked (layer is always 1).
    """

    neuronRequested = Signal(int, int)

    def __init__(self, state: AppState, selection: NeuronSelection, parent: QWidget | None = None):
        super().__init__(parent)
        self._state = state
        self._selection = selection
        self._lut = diverging_lut()
        self._columns = 1
        self._side = 0
        self._cell = (0, 0)
        self._captions: list[Caption] = []
        self._caption_font = QFont()
        self._caption_font.setPointSizeF(7.5)

        self.view = graphics_widget()
        self.box = self.view.addViewBox(lockAspect=True, enableMouse=False, enableMenu=False, invertY=True)
        self.box.setFlag(self.box.GraphicsItemFlag.ItemIsFocusable, False)  # keys go to the selection
        self.item = PixelImageItem()
        self.box.addItem(self.item)
        self.frame = pg.QtWidgets.QGraphicsRectItem()
        self.frame.setPen(pg.mkPen(20, 20, 20, width=2, cosmetic=True))
        self.frame.setZValue(5)
        self.frame.hide()
        self.box.addItem(self.frame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.setMinimumSize(200, 90)

        self.item.pixelClicked.connect(self._on_item_pixel_clicked)
        state.networkChanged.connect(self._on_state_network_changed)
        state.parametersChanged.connect(self._paint)  # same shape, new weights: the tiles only
        state.activationsChanged.connect(self._on_state_activations_changed)
        selection.selectionChanged.connect(self._on_selection_changed)
        self._rebuild()

    # -- scripting / test interface ---------------------------------------------------------------

    def tile_center(self, index: int):
        """Scene position of the centre of neuron ``index``'s tile."""
        r, c = divmod(index, self._columns)
        cw, ch = self._cell
        return self.box.mapViewToScene(pg.Point(c * cw + cw / 2, r * ch + GAP // 2 + self._side / 2))

    def image(self) -> np.ndarray | None:
        """The (H, W, 4) RGBA mosaic on display."""
        return self.item.image

    # -- updates ----------------------------------------------------------------------------------

    def _tiles(self) -> int:
        """How many first-layer neurons get a tile: all of them, up to :data:`MAX_TILES`."""
        return min(self._state.network.sizes[1], MAX_TILES)

    def _paint(self) -> None:
        """The tiles' pixels for the current weights (the layout stays)."""
        w = self._state.network.weights[0]
        if not self._side or grid_side(w.shape[1]) != self._side:
            self._rebuild()
            return
        self.item.setImage(mosaic(w[: self._tiles()], self._columns, self._lut), autoLevels=False, levels=None)

    def _rebuild(self) -> None:
        """Lay the tiles out for the widget's shape, with their captions, and paint them."""
        net = self._state.network
        w = net.weights[0]
        side = grid_side(w.shape[1])
        if not side:
            self._side = 0
            self.item.clear()
            return
        n = self._tiles()
        best = self._best_columns(n, side)
        self._columns, self._side = best, side
        self._cell = (side + GAP, side + GAP + CAPTION)
        self.item.setImage(mosaic(w[:n], best, self._lut), autoLevels=False, levels=None)
        for text in self._captions:
            self.box.removeItem(text)
        self._captions = []
        for k in range(n):
            r, c = divmod(k, best)
            text = Caption(str(k), self._caption_font)
            text.setPos(c * self._cell[0] + self._cell[0] / 2, r * self._cell[1] + side + GAP // 2 - 1)
            self.box.addItem(text)
            self._captions.append(text)
        rows = math.ceil(n / best)
        self.box.setRange(xRange=(0, best * self._cell[0]), yRange=(0, rows * self._cell[1]), padding=0.01)
        self._update_captions()
        self._update_frame()

    def _update_captions(self) -> None:
        acts = self._state.activations
        for k, text in enumerate(self._captions):
            text.set_text(f"{k}: {acts[1][k]:.2f}" if acts is not None else str(k))

    def _update_frame(self) -> None:
        current = self._selection.current
        if current is None or current[0] != 1 or not self._side or current[1] >= len(self._captions):
            self.frame.hide()
            return
        r, c = divmod(current[1], self._columns)
        cw, ch = self._cell
        self.frame.setRect(c * cw, r * ch, cw, ch)
        self.frame.show()

    @Slot()
    def _on_state_network_changed(self) -> None:
        self._rebuild()

    @Slot(bool)
    def _on_state_activations_changed(self, final: bool) -> None:
        self._update_captions()

    @Slot()
    def _on_selection_changed(self) -> None:
        self._update_frame()

    @Slot(int, int)
    def _on_item_pixel_clicked(self, row: int, col: int) -> None:
        cw, ch = self._cell
        if not cw:
            return
        r, c = row // ch, col // cw
        k = r * self._columns + c
        if c < self._columns and k < self._tiles():
            self.neuronRequested.emit(1, k)

    def _best_columns(self, n: int, side: int) -> int:
        """As many columns as makes the tiles largest in the current shape of the widget."""
        box_w, box_h = max(self.width(), 1), max(self.height(), 1)
        return max(range(1, n + 1), key=lambda c: min(box_w / (c * (side + GAP)),
                                                      box_h / (math.ceil(n / c) * (side + GAP + CAPTION))))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._side and self._best_columns(self._tiles(), self._side) != self._columns:
            self._rebuild()
