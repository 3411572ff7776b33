"""The inspector dock: what the selected neuron computes, and what it sees in the current drawing.

- a first-hidden-layer neuron: its 784 weights as a 28x28 image (blue +, white 0, red -), the
  weights times the current input beside it, and ``a = f(w . x + b)`` filled in;
- a later neuron: its incoming weights as a clickable bar chart, and d a / d x, the exact gradient
  of its activation with respect to every pixel for the current drawing (``Network.input_gradient``);
- an input pixel: its outgoing weights to the first hidden layer, its position and value;
- for every non-input neuron, "what excites it" (``core.excite``), computed on the thread pool
  and cached per network.

Everything is built once; a selection or a new drawing only hands new arrays to existing items.
The pages' pictures and bars are in :mod:`.neuron_pages`, the search in :mod:`.excite_search`;
this panel chooses the page, fills in the formula and offers the scripting interface.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from ...core.names import grid_side, neuron_name
from ...core.network import Network
from ..models.selection import NeuronSelection
from ..models.state import AppState
from ..widgets.docks import is_covered
from .excite_search import ExciteSearch
from .neuron_pages import FirstLayerPage, InputPage, LaterLayerPage
from .text import formula_html, pixel_html

SEARCHING = "what excites it: searching&hellip;"

PLACEHOLDER = ("<p><b>Click a neuron</b> in the network (or a weight image) to see what it "
               "computes.</p><p>Arrow keys move the selection: up/down within a layer, left/right "
               "across layers. Esc or a click on empty space deselects.</p>")


def _made_with_page(page: int, name: str) -> property:
    """A view of neuron page ``page`` (1-3), made with its page when first asked for."""
    def get(self: InspectorPanel):
        self._ensure_page(page)
        return getattr(self, name)

    return property(get)


class InspectorPanel(QWidget):
    """The inspector's content; lives in a dock of the main window.

    Signals
    -------
    neuronRequested(int layer, int index) : the user clicked a bar or a pixel that stands for
        another neuron; the window selects it.
    """

    neuronRequested = Signal(int, int)

    def __init__(self, state: AppState, selection: NeuronSelection, parent: QWidget | None = None):
        super().__init__(parent)
        self._state = state
        self._selection = selection
        self._dirty = True
        self._generation = 0  # bumped whenever the weights change: the key of every cache below
        self._excite = ExciteSearch(state, self)
        self._excite.found.connect(self._on_excite_found)
        self._shown: tuple[int, int] | None = None

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.formula = QLabel()
        self.formula.setTextFormat(Qt.TextFormat.RichText)
        self.formula.setWordWrap(True)
        self.hover = QLabel(" ")
        self.hover.setStyleSheet("color: gray")
        self.pages = QStackedWidget()

        placeholder = QLabel(PLACEHOLDER)
        placeholder.setWordWrap(True)
        placeholder.setAlignment(Qt.AlignmentFlag.AlignTop)
        placeholder.setMargin(8)
        self.pages.addWidget(placeholder)
        # The three neuron pages (pyqtgraph views, a third of the window's construction) are made
        # when first shown; until then empty stand-ins of their minimum size keep the layout.
        self._builders = {1: self._build_first_page, 2: self._build_later_page, 3: self._build_input_page}
        for size in ((400, 250), (400, 270), (0, 180)):
            stand_in = QWidget()
            stand_in.setMinimumSize(*size)
            self.pages.addWidget(stand_in)
        self._first_page: FirstLayerPage | None = None
        self._later_page: LaterLayerPage | None = None
        self._input_page: InputPage | None = None
        self._weights_view = self._contribution_view = self._first_excite_view = None
        self._incoming_bars = self._gradient_view = self._later_excite_view = self._outgoing_bars = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.hover)
        layout.addWidget(self.formula)
        self.setMinimumWidth(412)

        selection.selectionChanged.connect(self._on_selection_changed)
        state.networkChanged.connect(self._on_state_network_changed)
        state.parametersChanged.connect(self._on_state_network_changed)
        state.activationsChanged.connect(self._on_state_activations_changed)
        self._refresh()

    # -- pages ------------------------------------------------------------------------------------

    def _ensure_page(self, index: int) -> None:
        builder = self._builders.pop(index, None)
        if builder is not None:
            page = builder()
            page.neuronRequested.connect(self.neuronRequested)
            page.hoverTextChanged.connect(self.hover.setText)
            stand_in = self.pages.widget(index)
            self.pages.removeWidget(stand_in)
            stand_in.deleteLater()
            self.pages.insertWidget(index, page.view)

    weights_view = _made_with_page(1, "_weights_view")
    contribution_view = _made_with_page(1, "_contribution_view")
    first_excite_view = _made_with_page(1, "_first_excite_view")
    incoming_bars = _made_with_page(2, "_incoming_bars")
    gradient_view = _made_with_page(2, "_gradient_view")
    later_excite_view = _made_with_page(2, "_later_excite_view")
    outgoing_bars = _made_with_page(3, "_outgoing_bars")

    def _build_first_page(self) -> FirstLayerPage:
        page = self._first_page = FirstLayerPage(self._state, self)
        self._weights_view, self._contribution_view = page.weights, page.contribution
        self._first_excite_view = page.excite
        return page

    def _build_later_page(self) -> LaterLayerPage:
        page = self._later_page = LaterLayerPage(self._state, self)
        self._incoming_bars, self._gradient_view, self._later_excite_view = page.bars, page.gradient, page.excite
        return page

    def _build_input_page(self) -> InputPage:
        page = self._input_page = InputPage(self._state, self)
        self._outgoing_bars = page.bars
        return page

    # -- scripting / test interface ---------------------------------------------------------------

    def weight_image(self) -> np.ndarray | None:
        """The 28x28 weight image on display (first hidden layer only: ``weights[0][j].reshape(28, 28)``)."""
        self._ensure_fresh()
        return self.weights_view.image() if self._page_of(self._shown) == 1 else None

    def contribution_image(self) -> np.ndarray | None:
        """weights x current input, (28, 28), for a first-hidden neuron; else None."""
        self._ensure_fresh()
        return self.contribution_view.image() if self._page_of(self._shown) == 1 else None

    def gradient_image(self) -> np.ndarray | None:
        """d activation / d input, (28, 28), for a neuron after the first hidden layer; else None."""
        self._ensure_fresh()
        return self.gradient_view.image() if self._page_of(self._shown) == 2 else None

    def bar_values(self) -> np.ndarray | None:
        """The weights shown as bars: incoming (later layers) or outgoing (input pixel); else None."""
        self._ensure_fresh()
        page = self._page_of(self._shown)
        if page not in (2, 3):
            return None
        return (self.incoming_bars if page == 2 else self.outgoing_bars).heights()

    def excite_image(self) -> np.ndarray | None:
        """The "what excites it" input of the selected neuron, (784,) in [0, 1], once computed; else None."""
        self._ensure_fresh()
        page = self._page_of(self._shown)
        key = self._excite_key_for(self._shown) if page in (1, 2) else None
        return self._excite.result(key) if key is not None else None

    @property
    def shown_neuron(self) -> tuple[int, int] | None:
        return self._shown

    def add_section(self, widget: QWidget) -> None:
        """Put another part's section (e.g. inspector/gradient.py) under the formula; it shares the
        room left over with the pictures."""
        self.layout().addWidget(widget, 1)

    # -- updates ----------------------------------------------------------------------------------

    def _page_of(self, neuron: tuple[int, int] | None) -> int:
        if neuron is None:
            return 0
        layer = neuron[0]
        if layer == 0:
            return 3
        return 1 if layer == 1 and grid_side(self._state.network.sizes[0]) else 2

    @Slot()
    def _on_selection_changed(self) -> None:
        self._refresh()

    @Slot()
    def _on_state_network_changed(self) -> None:
        # The one invalidation: every cache below is keyed by this generation of the weights.
        # The state announces the new activations next, and that refreshes the page.
        self._generation += 1
        self._excite.clear()
        self._dirty = True

    @Slot(bool)
    def _on_state_activations_changed(self, final: bool) -> None:
        self._refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._ensure_fresh()

    def catch_up(self) -> None:
        """Show what changed while the panel was covered (its dock a tab behind another): the
        window calls this when the dock comes to the front."""
        self._ensure_fresh()

    def _ensure_fresh(self) -> None:
        if self._dirty:
            self._refresh(force=True)

    def _refresh(self, force: bool = False) -> None:
        """Show the selected neuron for the current input (skipped while the panel is hidden or
        covered by another tab, as while the Training tab is in front during a run)."""
        if not force and is_covered(self):
            self._dirty = True
            return
        self._dirty = False
        neuron = self._selection.current
        net = self._state.network
        if neuron is not None and not (0 <= neuron[0] < len(net.sizes) and 0 <= neuron[1] < net.sizes[neuron[0]]):
            neuron = None
        self._shown = neuron
        page = self._page_of(neuron)
        self._ensure_page(page)
        self.pages.setCurrentIndex(page)
        if neuron is None:
            self.title.setText("<b>Inspector</b>: no neuron selected")
            self.formula.setText("")
            self.hover.setText(" ")
            self._excite.cancel()
            return
        layer, index = neuron
        self.title.setText(f"<b>{neuron_name(net, layer, index)}</b>")
        blank = self._state.activations is None
        zs, acts = self._evaluation(net)
        if page == 3:
            value = float(acts[0][index])
            self._input_page.show_pixel(net, index, value, self._generation)
            self.formula.setText(pixel_html(net, index, value, blank))
            self._excite.cancel()
            return
        wx = float(zs[layer - 1][index] - net.biases[layer - 1][index])
        self.formula.setText(formula_html(net, layer, index, wx, float(net.biases[layer - 1][index]),
                                          float(zs[layer - 1][index]), float(acts[layer][index]), blank))
        if page == 1:
            self._first_page.show_neuron(net, index, acts[0])
        else:
            self._later_page.show_neuron(net, layer, index, acts, self._generation)
        self._show_excite(net, layer, index, page)

    def _evaluation(self, net: Network) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """zs and activations of the current input, or of a blank one when nothing is drawn."""
        if self._state.activations is not None:
            return self._state.weighted_inputs, self._state.activations
        return net.forward_full(np.zeros(net.sizes[0]))

    # -- what excites it --------------------------------------------------------------------------

    def _excite_key_for(self, neuron: tuple[int, int] | None) -> tuple | None:
        if neuron is None or neuron[0] == 0:
            return None
        return (self._generation, *neuron)

    def _show_excite(self, net: Network, layer: int, index: int, page: int) -> None:
        view = self.first_excite_view if page == 1 else self.later_excite_view
        side = grid_side(net.sizes[0])
        if not side:
            return
        key = self._excite_key_for((layer, index))
        if self._excite.has(key):
            image = self._excite.result(key)  # None: the search failed (said in the title)
            view.set_title("what excites it" if image is not None else "what excites it: search failed")
            view.set_image(image.reshape(side, side) if image is not None else np.zeros((side, side)))
            return
        if self._excite.is_pending(key):
            return  # still searching, or about to
        if view.title.text != SEARCHING:  # training: already searching for the previous weights
            view.set_title(SEARCHING)
            view.set_image(np.zeros((side, side)))
        self._excite.search(key)

    @Slot(object)
    def _on_excite_found(self, key: tuple) -> None:
        if self._excite_key_for(self._shown) == key:
            self._refresh()
