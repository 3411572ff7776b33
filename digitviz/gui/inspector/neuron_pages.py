"""The inspector's three neuron pages: one kind of neuron's pictures and bars, and what the mouse is over.

- :class:`FirstLayerPage`: a first-hidden-layer neuron's 784 weights as a 28x28 image, the weights
  times the current input beside it, and "what excites it";
- :class:`LaterLayerPage`: a later neuron's incoming weights as a clickable bar chart, d a / d x for
  the current drawing, and "what excites it";
- :class:`InputPage`: an input pixel's outgoing weights to the first hidden layer.

Each page builds its pyqtgraph view (``view``) once; ``show_*`` only hands new arrays to existing
items. A page tells what the mouse is over with ``hoverTextChanged`` and asks for the neuron a bar
or a pixel stands for with ``neuronRequested``; the panel puts the page in its stack.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from ...core.names import grid_side, layer_name, neuron_name
from ...core.network import Network
from ..models.state import AppState
from .bar_chart import WeightBars
from .weight_image import INK, DivergingImage, graphics_widget


def _equal_columns(view) -> None:
    """Two columns of the same width, whatever the length of their titles."""
    layout = view.ci.layout
    for col in (0, 1):
        layout.setColumnMinimumWidth(col, 190)
        layout.setColumnStretchFactor(col, 1)


class _Page(QObject):
    """A neuron page: its view, and the clicks and hovers of its 28x28 images.

    Signals
    -------
    neuronRequested(int layer, int index) : a click on a bar or a pixel that stands for a neuron.
    hoverTextChanged(str text) : what the mouse is over (" " when it is over nothing).
    """

    neuronRequested = Signal(int, int)
    hoverTextChanged = Signal(str)

    def __init__(self, state: AppState, parent: QObject | None = None):
        super().__init__(parent)
        self._state = state
        self.view = graphics_widget()

    def _connect_pixels(self, image: DivergingImage, label: str) -> None:
        """Clicks on ``image`` select the input pixel; hovers tell its value, called ``label``."""
        image.item.pixelClicked.connect(self._on_image_pixel_clicked)
        image.item.pixelHovered.connect(
            lambda r, c, image=image, label=label: self._on_image_pixel_hovered(image, label, r, c))

    @Slot(int, int)
    def _on_image_pixel_clicked(self, row: int, col: int) -> None:
        side = grid_side(self._state.network.sizes[0])
        if side:
            self.neuronRequested.emit(0, row * side + col)

    def _on_image_pixel_hovered(self, image: DivergingImage, label: str, row: int, col: int) -> None:
        value = image.value_at(row, col)
        if value is None:
            self.hoverTextChanged.emit(" ")
            return
        self.hoverTextChanged.emit(f"pixel (row {row}, col {col}): {label} = {value:+.4f}  (click: select the pixel)")


class FirstLayerPage(_Page):
    """Page 1: ``weights``, ``contribution`` (w x x) and ``excite`` images, with a legend."""

    def __init__(self, state: AppState, parent: QObject | None = None):
        super().__init__(state, parent)
        view = self.view
        self.weights = DivergingImage("weights w")
        self.contribution = DivergingImage("w &times; x: this drawing")
        self.excite = DivergingImage("what excites it", colormap=INK, symmetric=False)
        view.addItem(self.weights, row=0, col=0)
        view.addItem(self.contribution, row=0, col=1)
        view.addItem(self.excite, row=1, col=0)
        legend = view.addLabel("<b style='color:#2b8fb0'>blue</b>: ink here<br>turns it on<br>"
                               "<b style='color:#e0453a'>red</b>: ink here<br>turns it off<br>"
                               "white: no say", row=1, col=1, size="8pt", justify="left")
        legend.setMaximumWidth(120)
        _equal_columns(view)
        self._connect_pixels(self.weights, "w")
        self._connect_pixels(self.contribution, "w×x")
        self._connect_pixels(self.excite, "x")
        view.setMinimumSize(400, 250)

    def show_neuron(self, net: Network, index: int, x: np.ndarray) -> None:
        """Neuron ``index`` of the first hidden layer, for the (784,) input ``x``."""
        side = grid_side(net.sizes[0])
        w = net.weights[0][index]
        self.weights.set_image(w.reshape(side, side))
        limit = float(np.max(np.abs(w))) or 1.0
        self.contribution.set_image((w * x).reshape(side, side), limit=limit)


class LaterLayerPage(_Page):
    """Page 2: ``bars`` of the incoming weights above the ``gradient`` and ``excite`` images."""

    def __init__(self, state: AppState, parent: QObject | None = None):
        super().__init__(state, parent)
        view = self.view
        self.bars = WeightBars()
        self.gradient = DivergingImage("d a / d x: each pixel's pull now")
        self.excite = DivergingImage("what excites it", colormap=INK, symmetric=False)
        view.addItem(self.bars, row=0, col=0, colspan=2)
        view.addItem(self.gradient, row=1, col=0)
        view.addItem(self.excite, row=1, col=1)
        _equal_columns(view)
        view.ci.layout.setRowStretchFactor(0, 2)
        view.ci.layout.setRowStretchFactor(1, 3)
        self.bars.barClicked.connect(self._on_bars_clicked)
        self.bars.barHovered.connect(self._on_bars_hovered)
        self._connect_pixels(self.gradient, "da/dx")
        self._connect_pixels(self.excite, "x")
        view.setMinimumSize(400, 270)
        self._shown_bars: tuple | None = None  # what the bar chart was last built for
        self._layer: int | None = None
        self._w: np.ndarray | None = None  # the incoming weights and the activations they read
        self._a: np.ndarray | None = None

    def show_neuron(self, net: Network, layer: int, index: int, acts: list[np.ndarray], generation: int) -> None:
        """Neuron ``index`` of ``layer`` (>= 1) for the activations ``acts`` of the current input;
        ``generation`` counts the weights' changes (the bars are rebuilt only when it or the neuron changes)."""
        w = net.weights[layer - 1][index]
        if self._shown_bars != (generation, layer, index):
            labels = [str(i) for i in range(w.size)]
            self.bars.set_bars(w, labels)
            self.bars.setTitle(f"incoming weights from {layer_name(net, layer - 1)}", size="9pt")
            self._shown_bars = (generation, layer, index)
        self.bars.set_flow(w * acts[layer - 1])
        x = acts[0]
        side = grid_side(net.sizes[0])
        gradient = net.input_gradient(x, layer, index)
        if side:
            self.gradient.set_image(gradient.reshape(side, side))
        self._layer, self._w, self._a = layer, w, acts[layer - 1]

    @Slot(int)
    def _on_bars_clicked(self, i: int) -> None:
        if self._layer is not None:
            self.neuronRequested.emit(self._layer - 1, i)

    @Slot(int)
    def _on_bars_hovered(self, i: int) -> None:
        if i < 0 or self._a is None:
            self.hoverTextChanged.emit(" ")
            return
        w, a = float(self._w[i]), float(self._a[i])
        name = neuron_name(self._state.network, self._layer - 1, i)
        self.hoverTextChanged.emit(f"from {name}: w = {w:+.3f}, a = {a:.3f}, w×a = {w * a:+.3f}  (click: select it)")


class InputPage(_Page):
    """Page 3: ``bars`` of an input pixel's outgoing weights."""

    def __init__(self, state: AppState, parent: QObject | None = None):
        super().__init__(state, parent)
        self.bars = WeightBars()
        self.view.addItem(self.bars, row=0, col=0)
        self.bars.barClicked.connect(self._on_bars_clicked)
        self.bars.barHovered.connect(self._on_bars_hovered)
        self.view.setMinimumHeight(180)
        self._shown_bars: tuple | None = None  # what the bar chart was last built for
        self._w: np.ndarray | None = None  # the outgoing weights and the pixel's value
        self._x: float | None = None

    def show_pixel(self, net: Network, index: int, value: float, generation: int) -> None:
        """Input ``index``, whose value is ``value`` now; ``generation`` as in :class:`LaterLayerPage`."""
        w = net.weights[0][:, index]
        if self._shown_bars != (generation, 0, index):
            self.bars.set_bars(w, [str(i) for i in range(w.size)])
            self.bars.setTitle(f"outgoing weights to {layer_name(net, 1)}", size="9pt")
            self._shown_bars = (generation, 0, index)
        self.bars.set_flow(w * value)
        self._w, self._x = w, value

    @Slot(int)
    def _on_bars_clicked(self, i: int) -> None:
        self.neuronRequested.emit(1, i)

    @Slot(int)
    def _on_bars_hovered(self, i: int) -> None:
        if i < 0 or self._x is None:
            self.hoverTextChanged.emit(" ")
            return
        w, x = float(self._w[i]), self._x
        self.hoverTextChanged.emit(f"to {neuron_name(self._state.network, 1, i)}: w = {w:+.3f}, x×w = {x * w:+.3f}"
                                   "  (click: select it)")
