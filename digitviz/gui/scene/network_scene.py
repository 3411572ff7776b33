"""The network scene: every neuron, every connection, activations propagating layer by layer.

:class:`NetworkScene` is a self-contained widget. Feed it a network (``set_network``, or
``update_parameters`` for new weights of the same shape) and the activations of every layer for
an input (``show_activations``, from ``Network.forward``); it never computes network maths
itself. Line strengths and layouts are display arithmetic on the weights, done once per set of
weights (or per view size) and once per input with NumPy; nothing is copied or compared per frame.

The network is laid out for the view's size (``layout_network``), so it fills the view with big
circles in tall columns, and again whenever the view is resized (unless the user zoomed).
An animated input flows from the picture on screen to the new one, layer by layer.

The scene owns the network, the layout and its items (``items.py``) and keeps its helpers in
step: ``line_levels.py`` (what the lines draw in each view), ``selection.py`` (the selected
neuron's bright lines), ``forward.py`` (the values on screen and the forward animation),
``gradient_view.py`` (the gradient and the backward animation) and ``geometry.py`` (the view).
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from .connections import ConnectionsItem, LineBatches, PenTable
from .forward import ForwardAnimation
from .geometry import ScreenGeometry
from .gradient_view import GradientView
from .items import add_layout_items
from .layout import layout_network
from .line_levels import LineLevels
from .lines import LinePlan
from .neurons import InputGridItem, NeuronsItem
from .selection import SceneSelection
from .view import Box, View, describe_neuron

VIEW_MODES = ("signal", "weights", "gradient")


class NetworkScene(ScreenGeometry, QtWidgets.QWidget):
    """The whole network, zoomable: see the module docstring.

    Signals: ``neuronClicked(layer, index)``, ``neuronHovered(layer, index)``, ``emptyClicked()``,
    ``animationFinished()``, and ``outputsShown(values)`` with the (n_out,) output values the
    output column shows now (None when unlit): during an animation, when the signal arrives.
    """

    neuronClicked = QtCore.Signal(int, int)
    neuronHovered = QtCore.Signal(int, int)
    emptyClicked = QtCore.Signal()
    animationFinished = QtCore.Signal()
    outputsShown = QtCore.Signal(object)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        QtGui.QPixmapCache.setCacheLimit(max(QtGui.QPixmapCache.cacheLimit(), 96 * 1024))
        self.network = None
        self.layout_ = None  # before the view: it reports resizes from the start
        self._user_view = False  # the user zoomed or panned: keep their view on resize
        box = QtWidgets.QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self._view = View(self)
        box.addWidget(self._view)
        self._box = Box(lockAspect=True, invertY=True, enableMenu=False)
        self._box.emptyClicked.connect(self.emptyClicked)
        self._box.setLimits(minXRange=40.0, maxXRange=8000.0)
        self._box.sigRangeChangedManually.connect(self._on_box_range_changed_manually)
        self._view.setCentralItem(self._box)
        self._pens = PenTable(1.0)
        self._dim_pens = PenTable(1.0, dim=0.28)
        self._pulse_pens = PenTable(2.2, dim=2.0)
        self._layout_key: tuple | None = None
        self._line_cap = 13_000
        self._layer_duration = 0.2
        self._plan: LinePlan | None = None
        self._lines = LineLevels()
        self._animation_enabled = True
        self._view_mode = "signal"
        self._activations: list[np.ndarray] | None = None
        self._conns: list[ConnectionsItem] = []
        self._neurons: NeuronsItem | None = None
        self._grid: InputGridItem | None = None
        self._selection = SceneSelection(self._box)
        self._forward = ForwardAnimation(self._box, self._pulse_pens, self._selection.item, self._lines,
                                         self.outputsShown.emit, self)
        self._forward.finished.connect(self._on_forward_finished)
        self._gradient = GradientView(self._box, self._pulse_pens, self)
        self._notice = ""

    # -- network ------------------------------------------------------------------------------

    def set_network(self, network) -> None:
        """Show ``network`` (any perceptron) with no input. A network of the same shape keeps the
        layout, the zoom and the selection; another shape is laid out afresh and fitted."""
        self._forward.stop()
        same_shape = self.network is not None and list(self.network.sizes) == list(network.sizes)
        self.network = network
        if not same_shape:
            self._selection.neuron = None
            self._build_items()
        self._load_weights()
        self._activations = None
        self._redraw()
        if not same_shape:
            self.fit_view()

    def update_parameters(self, network, *, show: bool = True) -> None:
        """New weights for the shown shape (a training step, an edit, ``AppState.refresh``):
        rebuild what is derived from the weights, keep layout, zoom, selection and input.
        A network of another shape is shown with :meth:`set_network` instead.

        ``show=False`` when :meth:`show_activations` follows at once (as the AppState's signals
        do): the lines are then levelled once, for the new input, instead of twice."""
        if self.network is None or list(self.network.sizes) != list(network.sizes):
            self.set_network(network)
            return
        self._forward.stop()
        self.network = network
        self._load_weights()
        if show:
            self._redraw()
        elif self._neurons is not None:
            # Dirty an item now, before the other views ask the window to repaint: Qt then handles
            # the scene's changes ahead of that repaint, and the view paints once, not twice.
            self._neurons.update()

    def _build_items(self) -> None:
        """Lay the network out for the view's size and make its items (no levels yet)."""
        for item in self._conns + [i for i in (self._neurons, self._grid) if i is not None]:
            self._box.removeItem(item)
        w, h, top = self._layout_key = self._layout_size()
        self.layout_ = lay = layout_network(self.network.sizes, w, h, top)
        self._lines.lay_out(lay)
        self._conns, self._grid, self._neurons = add_layout_items(self._box, lay, self._lines.segments,
                                                                  self._pens, self._dim_pens)
        self._neurons.clicked.connect(self._on_neurons_clicked)
        self._neurons.hovered.connect(self._on_neurons_hovered)
        self._neurons.hoverLeft.connect(self._on_neurons_hover_left)
        self._neurons.emptyClicked.connect(self.emptyClicked)
        self._selection.rebuild(lay, self._conns, self._neurons, self._grid)
        self._forward.rebuild(self._conns, self._neurons, self._grid)
        same_shape = self._gradient.layout is not None and self._gradient.layout.sizes == lay.sizes
        dW, nudges = (self._gradient.dW, self._gradient.nudges()) if same_shape else (None, None)
        self._gradient.rebuild(lay, self._conns)
        if dW is not None or nudges is not None:  # a relayout keeps the gradient shown
            self._gradient.set_gradient(dW, nudges, self._line_cap)

    def _relayout(self) -> None:
        """The view changed size: lay the same network out again for it. A running forward
        animation ends at once; the wishes flowing back (the gradient) start over."""
        backward = self._gradient.is_running() or self._gradient.pending
        self._forward.stop()
        self._build_items()  # forgets the weights view's lines too
        self._redraw()
        if backward and self._animation_enabled:
            self._gradient.start(self._layer_duration * 1.5, self._view_mode == "gradient")

    def _load_weights(self) -> None:
        """What the lines show, from the weights: once per set of weights, not per input."""
        self._plan = LinePlan(self.network.weights, self._line_cap)
        self._lines.forget_weights()

    # -- input --------------------------------------------------------------------------------

    def show_activations(self, activations, animate: bool = False) -> None:
        """Show every layer's activations (``Network.forward(x)``: a list, input first, of (n_l,)
        arrays), or the empty state for None. With ``animate`` (and animation enabled) the signal
        travels layer by layer from the picture shown now to the new one; a running animation is
        interrupted either way."""
        if self.network is None:
            raise RuntimeError("set_network first")
        if activations is not None:
            activations = [np.asarray(a, dtype=float).reshape(-1) for a in activations]
            if [len(a) for a in activations] != list(self.network.sizes):
                raise ValueError(f"activations of sizes {[len(a) for a in activations]} do not fit "
                                 f"the {self.network.shape_text} network")
        self._forward.stop()
        previous = [item.batches for item in self._conns]
        self._activations = activations
        self._apply_levels()
        if animate and self._animation_enabled and activations is not None:
            self._start_animation(previous)
        else:
            self._show_final()

    def activations(self) -> list[np.ndarray] | None:
        return self._activations

    def replay(self) -> None:
        """Play the propagation of the current input again (even with animation turned off),
        from an unlit network."""
        if self._activations is not None:
            self._forward.stop()
            self._start_animation(None)

    def _apply_levels(self) -> None:
        """Quantise line strengths for the current view and input, capped at ``line_cap``."""
        self._notice = self._lines.apply(self._conns, self._plan, self._activations, self._view_mode,
                                         self._gradient.batches, self._line_cap)
        self._apply_selection()

    def _redraw(self) -> None:
        """The lines levelled anew and the picture at rest."""
        self._apply_levels()
        self._show_final()

    @property
    def line_cap(self) -> int:
        """At most this many lines are drawn at once (the strongest); 13,000 by default, so the
        12,960 lines of 784-16-16-10 are all drawn."""
        return self._line_cap

    @line_cap.setter
    def line_cap(self, cap: int) -> None:
        self._line_cap = max(int(cap), 1)
        if self.network is not None:
            self._load_weights()
            self._gradient.set_gradient(self._gradient.dW, self._gradient.nudges(), self._line_cap)
            self._redraw()

    # -- animation ----------------------------------------------------------------------------

    def _start_animation(self, previous: list[LineBatches | None] | None) -> None:
        """``previous``: each layer's lines shown until now; None: start from an unlit network."""
        self._gradient.hide_for_forward()
        self._forward.play(self._activations, self._view_mode, previous, self._layer_duration)

    @QtCore.Slot()
    def _on_forward_finished(self) -> None:
        self._show_final()
        if self._gradient.pending and self._animation_enabled:
            self._gradient.start(self._layer_duration * 1.5, self._view_mode == "gradient")
        self.animationFinished.emit()

    def _show_final(self) -> None:
        self._gradient.show_final()  # before the outputs are announced: no animation then
        self._forward.show_final(self._activations)
        self._view.viewport().update()

    def shown_outputs(self) -> np.ndarray | None:
        """The (n_out,) output values on screen now (mid-animation: not yet the new ones)."""
        return self._forward.shown_outputs()

    def is_animating(self) -> bool:
        """The forward propagation or the backward flow of the wishes is playing."""
        return self._forward.is_running() or self._gradient.is_running()

    @property
    def animation_enabled(self) -> bool:
        return self._animation_enabled

    @animation_enabled.setter
    def animation_enabled(self, enabled: bool) -> None:
        self._animation_enabled = bool(enabled)
        if not enabled and self._forward.is_running():
            self._forward.stop()
            self._show_final()
            self.animationFinished.emit()

    @property
    def layer_duration(self) -> float:
        """Seconds the signal takes to cross one layer of connections."""
        return self._layer_duration

    @layer_duration.setter
    def layer_duration(self, seconds: float) -> None:
        self._layer_duration = max(float(seconds), 0.01)
        self._forward.clock.layer_duration = self._layer_duration

    @property
    def view_mode(self) -> str:
        """``"signal"``: line strength |w * a| for the current input; ``"weights"``: |w|;
        ``"gradient"``: |dC/dw| of :meth:`set_gradient`, blue where the step raises w, red lowers."""
        return self._view_mode

    @view_mode.setter
    def view_mode(self, mode: str) -> None:
        if mode not in VIEW_MODES:
            raise ValueError(f"view mode must be one of {VIEW_MODES}, got {mode!r}")
        if mode != self._view_mode:
            self._view_mode = mode
            if self.network is not None:
                self._forward.stop()
                self._redraw()
                self._fit_if_needed()

    # -- backpropagation (scene/gradient_view.py) ---------------------------------------------

    def set_gradient(self, dW, nudges, animate: bool = False) -> None:
        """Show what the cost wants: ``dW`` (one (n_out, n_in) dC/dW per layer, for the gradient
        view) and ``nudges`` (per layer, input first: None, then (n_l,) -dC/da, drawn as arrows),
        both from the core's backpropagation; None for both hides them. With ``animate`` the
        wishes flow back layer by layer (after a running forward propagation)."""
        self._gradient.set_gradient(dW, nudges, self._line_cap)
        if self._view_mode == "gradient":
            for k, item in enumerate(self._conns):
                item.set_batches(self._gradient.batches[k])
        if self._forward.is_running():
            self._gradient.hide_for_forward()
        elif animate and self._animation_enabled and nudges is not None:
            self._gradient.start(self._layer_duration * 1.5, self._view_mode == "gradient")
        else:
            self._show_final()

    @property
    def gradient_view(self) -> GradientView:
        """The gradient lines (``batches``), the arrows (``nudges_item``) and their animation."""
        return self._gradient

    # -- selection (the inspector calls these) -------------------------------------------------

    def set_selection(self, layer: int, index: int) -> None:
        """Mark neuron (layer, index), bring out its incoming connections (an input pixel's
        outgoing ones, from the pixel) and dim the other lines."""
        self._selection.select(layer, index)
        self._apply_selection()

    def clear_selection(self) -> None:
        self._selection.neuron = None
        self._apply_selection()

    def selection(self) -> tuple[int, int] | None:
        return self._selection.neuron

    def emphasised_lines(self) -> np.ndarray:
        """(m, 4) end points of the selection's bright lines, weakest first (empty: none)."""
        return self._selection.lines()

    def _apply_selection(self) -> None:
        if self.network is not None:
            self._selection.apply(self.network.weights, self._plan, self._lines,
                                  self._view_mode == "weights")

    # -- hovering and clicking ----------------------------------------------------------------

    def tooltip_text(self, layer: int, index: int) -> str:
        """What hovering neuron (layer, index) shows: activation, bias, weighted input z."""
        text = describe_neuron(self.network, self.layout_, self._activations, layer, index)
        extra = self._gradient.describe(layer, index)
        return f"{text}\n{extra}" if extra else text

    @QtCore.Slot(int, int)
    def _on_neurons_clicked(self, layer: int, index: int) -> None:
        self.neuronClicked.emit(layer, index)

    @QtCore.Slot(int, int)
    def _on_neurons_hovered(self, layer: int, index: int) -> None:
        self._neurons.setToolTip(self.tooltip_text(layer, index))
        self.neuronHovered.emit(layer, index)

    @QtCore.Slot()
    def _on_neurons_hover_left(self) -> None:
        self._neurons.setToolTip("")

    # -- geometry, view, export ---------------------------------------------------------------

    def line_count(self) -> int:
        """Connection lines drawn in the current (final) picture."""
        return sum(item.line_count() for item in self._conns)

    def notice(self) -> str:
        """The on-screen note shown when the line cap hides lines, or ""."""
        return self._notice

    def hint(self) -> str:
        if self.network is not None and self._activations is None and self._view_mode == "signal":
            return "Draw a digit: its signal will flow from left to right"
        if self.network is not None and self._view_mode == "gradient" and not self._gradient.has_gradient():
            return "Pick a target digit under \"Learn from this\" and draw a digit to see the gradient"
        return ""
