"""A labelled bar chart of one neuron's weights (and what flows through them now), clickable.

One bar per connection: a wide pale bar for the weight, a narrow dark bar inside it for the
weight times the source's current activation (what this drawing sends). Blue positive, red
negative. Both are single BarGraphItems updated with ``setOpts``; the brushes are made once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal

from ..widgets.colors import NEGATIVE, POSITIVE


def _toward_white(rgb, t: float) -> tuple[int, ...]:
    return tuple(round(c + (255 - c) * t) for c in rgb)


_PALE_POSITIVE = pg.mkBrush(*_toward_white(POSITIVE, 0.55))
_PALE_NEGATIVE = pg.mkBrush(*_toward_white(NEGATIVE, 0.55))
# Darkened a little: the narrow bars must stand out from the pale ones around them.
_DARK_POSITIVE = pg.mkBrush(*(round(c * 0.6) for c in POSITIVE))
_DARK_NEGATIVE = pg.mkBrush(*(round(c * 0.7) for c in NEGATIVE))
_NO_PEN = pg.mkPen(None)


class _BarViewBox(pg.ViewBox):
    """A fixed ViewBox that reports the x of left clicks and hovers in data coordinates."""

    clickedAt = Signal(float)
    hoveredAt = Signal(float)

    def __init__(self):
        super().__init__(enableMouse=False, enableMenu=False)
        # A focused ViewBox swallows every key; the arrows must reach the selection instead.
        self.setFlag(self.GraphicsItemFlag.ItemIsFocusable, False)

    def mouseClickEvent(self, ev) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self.clickedAt.emit(self.mapSceneToView(ev.scenePos()).x())

    def hoverEvent(self, ev) -> None:
        if ev.isExit():
            self.hoveredAt.emit(float("nan"))
            return
        ev.acceptClicks(Qt.MouseButton.LeftButton)
        self.hoveredAt.emit(self.mapSceneToView(ev.scenePos()).x())


class WeightBars(pg.PlotItem):
    """Bars for n connections, labelled along the bottom.

    Signals
    -------
    barClicked(int index) : a left click over bar ``index`` (anywhere in its column).
    barHovered(int index) : the mouse is over bar ``index``'s column; -1 when it leaves.
    """

    barClicked = Signal(int)
    barHovered = Signal(int)

    def __init__(self, title: str = ""):
        self._box = _BarViewBox()
        super().__init__(viewBox=self._box, title=title)
        self.hideButtons()
        self.setMenuEnabled(False)
        self.setMinimumHeight(90)
        self.getAxis("left").setWidth(42)
        self._weights = pg.BarGraphItem(x=[], height=[], width=0.8, pen=_NO_PEN, brush=_PALE_POSITIVE)
        self._flow = pg.BarGraphItem(x=[], height=[], width=0.36, pen=_NO_PEN, brush=_DARK_POSITIVE)
        self.addItem(self._weights)
        self.addItem(self._flow)
        self.addLine(y=0, pen=pg.mkPen(120, 120, 120, width=0))
        self._n = 0
        self._heights = np.zeros(0)
        self._flows: np.ndarray | None = None
        self._box.clickedAt.connect(self._on_box_clicked)
        self._box.hoveredAt.connect(self._on_box_hovered)

    # -- data -------------------------------------------------------------------------------------

    def set_bars(self, heights: np.ndarray, labels: Sequence[str]) -> None:
        """New bars: (n,) weights with one label each. Clears the flow bars."""
        heights = np.asarray(heights, dtype=float)
        n = heights.size
        self._n = n
        self._heights = heights
        x = np.arange(n)
        brushes = [_PALE_POSITIVE if h >= 0 else _PALE_NEGATIVE for h in heights]
        self._weights.setOpts(x=x, height=heights, brushes=brushes)
        self._set_flow_data(None)
        step = max(1, int(np.ceil(n / 16)))
        self.getAxis("bottom").setTicks([[(i, labels[i]) for i in range(0, n, step)], []])
        m = max(float(np.max(np.abs(heights))) if n else 0.0, 1e-9)
        self.setRange(xRange=(-0.6, n - 0.4), yRange=(-m * 1.08, m * 1.08), padding=0)

    def set_flow(self, flows: np.ndarray | None) -> None:
        """(n,) weight x source activation shown inside the weight bars; None hides them."""
        self._set_flow_data(None if flows is None else np.asarray(flows, dtype=float))

    def _set_flow_data(self, flows: np.ndarray | None) -> None:
        self._flows = flows
        if flows is None:
            self._flow.setOpts(x=[], height=[], brushes=None)
            return
        brushes = [_DARK_POSITIVE if f >= 0 else _DARK_NEGATIVE for f in flows]
        self._flow.setOpts(x=np.arange(flows.size), height=flows, brushes=brushes)

    def heights(self) -> np.ndarray:
        """The (n,) weights on display."""
        return self._heights

    def flows(self) -> np.ndarray | None:
        """The (n,) flow bars on display, or None."""
        return self._flows

    def bar_center(self, index: int):
        """Scene position of the middle of bar ``index``'s column (for tests and tooltips)."""
        return self._box.mapViewToScene(pg.Point(index, 0.0))

    # -- mouse ------------------------------------------------------------------------------------

    def _index_at(self, x: float) -> int:
        if not np.isfinite(x):
            return -1
        i = round(x)
        return i if 0 <= i < self._n and abs(x - i) <= 0.5 else -1

    def _on_box_clicked(self, x: float) -> None:
        i = self._index_at(x)
        if i >= 0:
            self.barClicked.emit(i)

    def _on_box_hovered(self, x: float) -> None:
        self.barHovered.emit(self._index_at(x))
