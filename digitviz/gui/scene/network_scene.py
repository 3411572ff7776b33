"""The network scene: every neuron, every connection, activations propagating layer by layer.

:class:`NetworkScene` is a self-contained widget. Feed it a network (``set_network``, or
``update_parameters`` for new weights of the same shape) and the activations of every layer for
an input (``show_activations``, from ``Network.forward``); it never computes network maths
itself. Line strengths and layouts are display arithmetic on the weights, done once per set of
weights (or per view size) and once per input with NumPy; nothing is copied or compared per frame.

The network is laid out for the view's size (``layout_network``), so it fills the view with big
circles in tall columns, and again whenever the view is resized (unless the user zoomed).
An animated input flows from the picture on screen to the new one, layer by layer.
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from .animation import Propagation, arrival
from .connections import ConnectionsItem, EmphasisItem, LineBatches, PenTable, PulseItem, selection_mask
from .geometry import ScreenGeometry
from .gradient_view import GradientView
from .layout import clip_starts_to_rect_exit, layout_network
from .lines import LinePlan, selection_lines
from .neurons import InputGridItem, NeuronsItem
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
        self._bold_pens = PenTable(1.8, dim=1.4)
        self._pulse_pens = PenTable(2.2, dim=2.0)
        self._anim = Propagation(self)
        self._anim.frame.connect(self._on_anim_frame)
        self._anim.finished.connect(self._on_anim_finished)
        self._layout_key: tuple | None = None
        self._line_cap = 13_000
        self._layer_duration = 0.2
        self._plan: LinePlan | None = None
        self._weight_batches: list[LineBatches] = []
        self._levels: list[np.ndarray] = []
        self._animation_enabled = True
        self._view_mode = "signal"
        self._activations: list[np.ndarray] | None = None
        self._shown: list[np.ndarray | None] = []  # the values on screen now, per layer
        self._from: list[np.ndarray] = []  # where an animation started
        self._conns: list[ConnectionsItem] = []
        self._neurons: NeuronsItem | None = None
        self._grid: InputGridItem | None = None
        self._emphasis = EmphasisItem(self._bold_pens)
        self._emphasis.setZValue(2)  # above the input grid, below the neurons
        self._box.addItem(self._emphasis, ignoreBounds=True)
        self._pulse = PulseItem(self._pulse_pens)
        self._pulse.setZValue(5)
        self._box.addItem(self._pulse, ignoreBounds=True)
        self._gradient = GradientView(self._box, self._pulse_pens, self)
        self._signal_batches: list[LineBatches] = []
        self._segments: list[np.ndarray] = []  # per layer of connections: (n, 4) end points
        self._signal_segments: list[np.ndarray] = []  # the same, input lines from the grid's edge
        self._selection: tuple[int, int] | None = None
        self._step = -1
        self._notice = ""

    # -- network ------------------------------------------------------------------------------

    def set_network(self, network) -> None:
        """Show ``network`` (any perceptron) with no input. A network of the same shape keeps the
        layout, the zoom and the selection; another shape is laid out afresh and fitted."""
        self._anim.stop()
        same_shape = self.network is not None and list(self.network.sizes) == list(network.sizes)
        self.network = network
        if not same_shape:
            self._selection = None
            self._build_items()
        self._load_weights()
        self._activations = None
        self._apply_levels()
        self._show_final()
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
        self._anim.stop()
        self.network = network
        self._load_weights()
        if show:
            self._apply_levels()
            self._show_final()
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
        self._conns, self._signal_batches, self._segments, self._signal_segments = [], [], [], []
        for layer in range(1, len(lay.sizes)):
            segs = lay.segments(layer)
            self._segments.append(segs)
            # The signal view (redrawn for every pen frame) draws input lines from the grid's
            # edge: the part under the grid would double their cost, hidden by the lit pixels.
            if layer == 1 and lay.grid_rect is not None:
                segs = np.ascontiguousarray(clip_starts_to_rect_exit(segs, lay.grid_rect))
            self._signal_segments.append(segs)
            item = ConnectionsItem(self._segments[-1], self._pens, self._dim_pens)
            item.setZValue(0)
            self._box.addItem(item, ignoreBounds=True)
            self._conns.append(item)
            self._signal_batches.append(LineBatches(segs))
        self._grid = InputGridItem(lay)
        self._grid.setZValue(1)
        self._box.addItem(self._grid, ignoreBounds=True)
        self._neurons = NeuronsItem(lay)
        self._neurons.setZValue(10)
        self._neurons.clicked.connect(self._on_neurons_clicked)
        self._neurons.hovered.connect(self._on_neurons_hovered)
        self._neurons.hoverLeft.connect(self._on_neurons_hover_left)
        self._neurons.emptyClicked.connect(self.emptyClicked)
        self._box.addItem(self._neurons)
        same_shape = self._gradient.layout is not None and self._gradient.layout.sizes == lay.sizes
        dW, nudges = (self._gradient.dW, self._gradient.nudges()) if same_shape else (None, None)
        self._gradient.rebuild(lay, self._conns)
        if dW is not None or nudges is not None:  # a relayout keeps the gradient shown
            self._gradient.set_gradient(dW, nudges, self._line_cap)

    def _relayout(self) -> None:
        """The view changed size: lay the same network out again for it. A running forward
        animation ends at once; the wishes flowing back (the gradient) start over."""
        backward = self._gradient.is_running() or self._gradient.pending
        self._anim.stop()
        self._build_items()
        self._forget_weight_batches()
        self._apply_levels()
        self._show_final()
        if backward and self._animation_enabled:
            self._gradient.start(self._layer_duration * 1.5, self._view_mode == "gradient")

    def _load_weights(self) -> None:
        """What the lines show, from the weights: once per set of weights, not per input."""
        self._plan = LinePlan(self.network.weights, self._line_cap)
        self._forget_weight_batches()

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
        self._anim.stop()
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
            self._anim.stop()
            self._shown = [None] * len(self._activations)
            self._start_animation([None] * len(self._conns))

    def _apply_levels(self) -> None:
        """Quantise line strengths for the current view and input, capped at ``line_cap``."""
        acts, plan = self._activations, self._plan
        total_drawable, shown = 0, 0
        self._levels = []
        for k, item in enumerate(self._conns):
            levels, capped = plan.signal_levels(k, None if acts is None else acts[k])
            sig = LineBatches(self._signal_segments[k])  # a new object: the old one may still show
            sig.set_levels(capped)
            self._signal_batches[k] = sig
            if self._view_mode == "weights":
                drawable = len(levels)
                item.set_batches(self._weights_view_batches(k), changed=False)
                self._levels.append(plan.weight_levels[k])
            elif self._view_mode == "gradient":
                grad = self._gradient.batches[k]
                drawable = len(grad)
                item.set_batches(grad)
                self._levels.append(grad.levels())
            else:
                drawable = int(np.count_nonzero(levels))
                item.set_batches(sig)
                self._levels.append(levels)
            item.set_cached(self._view_mode == "weights")
            total_drawable += drawable
            shown += item.line_count()
        self._notice = (f"Showing the strongest {shown:,} of {total_drawable:,} connections "
                        f"(line cap {self._line_cap:,})" if shown < total_drawable else "")
        self._apply_selection()

    def _forget_weight_batches(self) -> None:
        """Forget the weights view's lines: they change only with the weights, the layout or the
        cap, and are sorted again when the weights view next shows them."""
        self._weight_batches = []

    def _weights_view_batches(self, k: int) -> LineBatches:
        if not self._weight_batches:
            for j in range(len(self._conns)):
                batches = LineBatches(self._segments[j])  # from each pixel, under the see-through grid
                batches.set_levels(self._plan.weight_levels[j])
                self._weight_batches.append(batches)
        return self._weight_batches[k]

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
            self._apply_levels()
            self._show_final()

    # -- animation ----------------------------------------------------------------------------

    def _start_animation(self, previous: list[LineBatches | None]) -> None:
        n_layers = len(self._activations)
        shown = self._shown if len(self._shown) == n_layers else [None] * n_layers
        self._from = [np.zeros_like(a) if s is None else s for s, a in zip(shown, self._activations)]
        for item, old in zip(self._conns, previous):
            item.set_previous(old if self._view_mode == "signal" else None)
        self._step = -1
        self._gradient.hide_for_forward()
        self._anim.layer_duration = self._layer_duration
        self._anim.start(len(self._conns))

    @QtCore.Slot(float)
    def _on_anim_frame(self, progress: float) -> None:
        n = len(self._conns)
        if progress >= n:
            self._show_final()
            return
        step = min(int(progress), n - 1)
        t = progress - step
        if step != self._step:
            self._step = step
            self._pulse.set_batches(self._signal_batches[step], self._conns[step].boundingRect())
        signal_view = self._view_mode == "signal"
        still = 0.0 if self._view_mode == "gradient" else 1.0  # the gradient appears flowing back, after
        for k, item in enumerate(self._conns):
            item.set_reveal((1.0 if k < step else (t if k == step else 0.0)) if signal_view else still)
        k = self._emphasis.layer - 1
        self._emphasis.set_reveal((1.0 if k < step else (t if k == step else 0.0)) if signal_view else 1.0)
        self._pulse.set_progress(t)
        # Layer l (l >= 1) turns from its old values to the new ones as the signal arrives.
        mix = [1.0] + [1.0 if k < step else (arrival(t) if k == step else 0.0) for k in range(n)]
        self._set_shown([a1 if f >= 1.0 else (a0 if f <= 0.0 else a0 + f * (a1 - a0))
                         for a0, a1, f in zip(self._from, self._activations, mix)])

    @QtCore.Slot()
    def _on_anim_finished(self) -> None:
        if self._gradient.pending and self._animation_enabled:
            self._gradient.start(self._layer_duration * 1.5, self._view_mode == "gradient")
        self.animationFinished.emit()

    def _show_final(self) -> None:
        self._step = -1
        self._pulse.set_batches(None)
        self._gradient.show_final()
        for item in self._conns:
            item.set_previous(None)
            item.set_reveal(1.0)
        self._emphasis.set_reveal(1.0)
        if self._neurons is not None:
            self._set_shown(self._activations or [None] * len(self.layout_.sizes))
        self._view.viewport().update()

    def _set_shown(self, values: list[np.ndarray | None]) -> None:
        old_out = self._shown[-1] if self._shown else None
        self._shown = list(values)
        self._neurons.set_values(self._shown)
        if self._shown[0] is not self._grid.values():  # the same input all through an animation
            self._grid.set_values(self._shown[0])
        out = self._shown[-1]
        if (out is None) != (old_out is None) or (out is not None and not np.array_equal(out, old_out)):
            self.outputsShown.emit(None if out is None else out.copy())

    def shown_outputs(self) -> np.ndarray | None:
        """The (n_out,) output values on screen now (mid-animation: not yet the new ones)."""
        out = self._shown[-1] if self._shown else None
        return None if out is None else out.copy()

    def is_animating(self) -> bool:
        """The forward propagation or the backward flow of the wishes is playing."""
        return self._anim.is_running() or self._gradient.is_running()

    @property
    def animation_enabled(self) -> bool:
        return self._animation_enabled

    @animation_enabled.setter
    def animation_enabled(self, enabled: bool) -> None:
        self._animation_enabled = bool(enabled)
        if not enabled and self._anim.is_running():
            self._anim.stop()
            self._show_final()
            self.animationFinished.emit()

    @property
    def layer_duration(self) -> float:
        """Seconds the signal takes to cross one layer of connections."""
        return self._layer_duration

    @layer_duration.setter
    def layer_duration(self, seconds: float) -> None:
        self._layer_duration = max(float(seconds), 0.01)
        self._anim.layer_duration = self._layer_duration

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
                self._anim.stop()
                self._apply_levels()
                self._show_final()
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
        if self._anim.is_running():
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
        if self.layout_ is None or not (0 <= layer < len(self.layout_.sizes)
                                        and 0 <= index < self.layout_.sizes[layer]):
            raise ValueError(f"no neuron ({layer}, {index}) in this network")
        self._selection = (int(layer), int(index))
        self._apply_selection()

    def clear_selection(self) -> None:
        self._selection = None
        self._apply_selection()

    def selection(self) -> tuple[int, int] | None:
        return self._selection

    def emphasised_lines(self) -> np.ndarray:
        """(m, 4) end points of the selection's bright lines, weakest first (empty: none)."""
        return self._emphasis.batches.sorted

    def _apply_selection(self) -> None:
        sel = self._selection
        if self._neurons is None:
            return
        self._neurons.set_selection(sel)
        for k, item in enumerate(self._conns, start=1):
            shape = self.network.weights[k - 1].shape
            item.set_emphasis(None if sel is None else selection_mask(shape, k, *sel))
        grid = None
        if sel is None:
            self._emphasis.set_lines(0, None, None)
        else:
            into = max(sel[0], 1)
            into, segs, levels, grid = selection_lines(
                self.layout_, self.network.weights, self._segments[into - 1],
                self._levels[into - 1], self._plan, sel, self._view_mode == "weights")
            self._emphasis.set_lines(into, segs, levels)
        self._grid.set_override(grid)

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
