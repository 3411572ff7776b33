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

from ..widgets import colors
from .animation import Propagation, arrival
from .connections import (
    LEVELS,
    ConnectionsItem,
    EmphasisItem,
    LineBatches,
    PenTable,
    PulseItem,
    cap_levels,
    quantise,
    selection_mask,
    share_cap,
)
from .export import export_widget
from .layout import clip_starts_to_rect_exit, layout_network
from .neurons import InputGridItem, NeuronsItem
from .overlay import legend_height
from .view import Box, View, describe_neuron

VIEW_MODES = ("signal", "weights")
WEIGHTS_GAMMA = 2.0  # the weights view draws |w|^2: the many middling weights fade, the strong stand out


class NetworkScene(QtWidgets.QWidget):
    """The whole network, zoomable: see the module docstring and ``notes/README-scene.md``.

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
        self._weight_batches: list[LineBatches] = []
        self._weight_levels: list[np.ndarray] = []
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
        self._weight_strength: list[np.ndarray] = []
        self._positive: list[np.ndarray] = []
        self._signal_batches: list[LineBatches] = []
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

    def update_parameters(self, network) -> None:
        """New weights for the shown shape (a training step, an edit, ``AppState.refresh``):
        rebuild what is derived from the weights, keep layout, zoom, selection and input.
        A network of another shape is shown with :meth:`set_network` instead."""
        if self.network is None or list(self.network.sizes) != list(network.sizes):
            self.set_network(network)
            return
        self._anim.stop()
        self.network = network
        self._load_weights()
        self._apply_levels()
        self._show_final()

    def _layout_size(self) -> tuple[float, float, float]:
        size = self._view.viewport().size()
        w, h = (size.width(), size.height()) if size.width() >= 160 and size.height() >= 120 else (1600, 900)
        return float(w), float(h), float(legend_height(w, self._view_mode))

    def _build_items(self) -> None:
        """Lay the network out for the view's size and make its items (no levels yet)."""
        for item in self._conns + [i for i in (self._neurons, self._grid) if i is not None]:
            self._box.removeItem(item)
        w, h, top = self._layout_key = self._layout_size()
        self.layout_ = lay = layout_network(self.network.sizes, w, h, top)
        self._conns, self._signal_batches = [], []
        for layer in range(1, len(lay.sizes)):
            segs = lay.segments(layer)
            item = ConnectionsItem(segs, self._pens, self._dim_pens)
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

    def _relayout(self) -> None:
        """The view changed size: lay the same network out again for it."""
        self._anim.stop()
        self._build_items()
        self._build_weight_batches()
        self._apply_levels()
        self._show_final()

    def _load_weights(self) -> None:
        """Line strengths |w| / (99th percentile of the layer's |w|) and signs, and the weights
        view's batches: computed once per set of weights, not per input."""
        self._weight_strength, self._positive = [], []
        for w in self.network.weights:
            mag = np.abs(w).ravel()
            scale = float(np.percentile(mag, 99)) or float(mag.max()) or 1.0
            self._weight_strength.append(np.clip(mag / scale, 0.0, 1.0))
            self._positive.append(w.ravel() > 0)
        self._build_weight_batches()

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
        acts = self._activations
        allow = share_cap([len(s) for s in self._weight_strength], self._line_cap)
        total_drawable, shown = 0, 0
        self._levels = []
        for k, item in enumerate(self._conns):
            strength_w, positive = self._weight_strength[k], self._positive[k]
            if acts is None:
                signal = np.zeros_like(strength_w)
            else:
                n_out, n_in = self.network.weights[k].shape
                source = np.clip(np.abs(acts[k]), 0.0, 1.0)
                signal = (strength_w.reshape(n_out, n_in) * source[None, :]).ravel()
            levels = quantise(signal, positive)
            drawable = int(np.count_nonzero(levels))
            sig = LineBatches(item.batches.segments)  # a new object: the old one may fade out
            sig.set_levels(cap_levels(levels, signal, allow[k]))
            self._signal_batches[k] = sig
            if self._view_mode == "weights":
                drawable = len(strength_w)
                item.set_batches(self._weight_batches[k], changed=False)
                self._levels.append(self._weight_levels[k])
            else:
                item.set_batches(sig)
                self._levels.append(levels)
            item.set_cached(self._view_mode == "weights")
            total_drawable += drawable
            shown += item.line_count()
        self._notice = (f"Showing the strongest {shown:,} of {total_drawable:,} connections "
                        f"(line cap {self._line_cap:,})" if shown < total_drawable else "")
        self._apply_selection()

    def _build_weight_batches(self) -> None:
        """The weights view's lines: they change only with the weights, the layout or the cap."""
        allow = share_cap([len(s) for s in self._weight_strength], self._line_cap)
        self._weight_batches, self._weight_levels = [], []
        for k, item in enumerate(self._conns):
            strength = self._weight_strength[k] ** WEIGHTS_GAMMA
            levels = cap_levels(quantise(strength, self._positive[k], floor=1), strength, allow[k])
            batches = LineBatches(item.batches.segments)
            batches.set_levels(levels)
            self._weight_batches.append(batches)
            self._weight_levels.append(levels)

    @property
    def line_cap(self) -> int:
        """At most this many lines are drawn at once (the strongest); 13,000 by default, so the
        12,960 lines of 784-16-16-10 are all drawn."""
        return self._line_cap

    @line_cap.setter
    def line_cap(self, cap: int) -> None:
        self._line_cap = max(int(cap), 1)
        if self.network is not None:
            self._build_weight_batches()
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
        for k, item in enumerate(self._conns):
            item.set_reveal((1.0 if k < step else (t if k == step else 0.0)) if signal_view else 1.0)
        k = self._emphasis.layer - 1
        self._emphasis.set_reveal((1.0 if k < step else (t if k == step else 0.0)) if signal_view else 1.0)
        self._pulse.set_progress(t)
        # Layer l (l >= 1) turns from its old values to the new ones as the signal arrives.
        mix = [1.0] + [1.0 if k < step else (arrival(t) if k == step else 0.0) for k in range(n)]
        self._set_shown([a0 + f * (a1 - a0) for a0, a1, f in zip(self._from, self._activations, mix)])

    @QtCore.Slot()
    def _on_anim_finished(self) -> None:
        self.animationFinished.emit()

    def _show_final(self) -> None:
        self._step = -1
        self._pulse.set_batches(None)
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
        self._grid.set_values(self._shown[0])
        out = self._shown[-1]
        if (out is None) != (old_out is None) or (out is not None and not np.array_equal(out, old_out)):
            self.outputsShown.emit(None if out is None else out.copy())

    def shown_outputs(self) -> np.ndarray | None:
        """The (n_out,) output values on screen now (mid-animation: not yet the new ones)."""
        out = self._shown[-1] if self._shown else None
        return None if out is None else out.copy()

    def is_animating(self) -> bool:
        return self._anim.is_running()

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
        """``"signal"``: line strength |w * a| for the current input; ``"weights"``: |w|."""
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
        override = None
        if sel is None or (sel[0] == 0 and len(self._conns) == 0):
            self._emphasis.set_lines(0, None, None)
        else:
            layer, index = sel
            into = max(layer, 1)
            n_out, n_in = self.network.weights[into - 1].shape
            segments = self._conns[into - 1].batches.segments
            if layer == 0:  # an input's outgoing lines, from the pixel, shown even when it is dark
                idx = index + n_in * np.arange(n_out)
                w = self.network.weights[0][:, index]
                strength = 0.3 + 0.7 * np.abs(w) / (float(np.abs(w).max()) or 1.0)  # its own scale
                self._emphasis.set_lines(1, segments[idx], quantise(strength, w > 0))
            else:
                idx = np.arange(index * n_in, (index + 1) * n_in)
                segs = segments[idx]
                if layer == 1 and self.layout_.grid_rect is not None:
                    segs = clip_starts_to_rect_exit(segs, self.layout_.grid_rect)
                    if self._view_mode == "weights":  # the neuron's pattern, in the grid itself
                        keys = np.abs(self._weight_levels[0][idx])
                        override = colors.line_colours(LEVELS)[
                            self._positive[0][idx].astype(int), keys]
                self._emphasis.set_lines(into, segs, self._levels[into - 1][idx])
        if self._grid is not None:
            self._grid.set_override(override)

    # -- hovering and clicking ----------------------------------------------------------------

    def tooltip_text(self, layer: int, index: int) -> str:
        """What hovering neuron (layer, index) shows: activation, bias, weighted input z."""
        return describe_neuron(self.network, self.layout_, self._activations, layer, index)

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

    def neuron_scene_pos(self, layer: int, index: int) -> QtCore.QPointF:
        """Centre of neuron (layer, index) in scene units (layout coordinates)."""
        x, y = self.layout_.positions[layer][index]
        return QtCore.QPointF(float(x), float(y))

    def neuron_viewport_pos(self, layer: int, index: int) -> QtCore.QPoint:
        """Centre of neuron (layer, index) in ``viewport()`` pixels: send mouse events there."""
        scene_pt = self._neurons.mapToScene(self.neuron_scene_pos(layer, index))
        return self._view.mapFromScene(scene_pt)

    def neuron_widget_pos(self, layer: int, index: int) -> QtCore.QPoint:
        """Centre of neuron (layer, index) in this widget's coordinates."""
        return self._view.viewport().mapTo(self, self.neuron_viewport_pos(layer, index))

    def viewport(self) -> QtWidgets.QWidget:
        """The widget that receives the scene's mouse events."""
        return self._view.viewport()

    @QtCore.Slot(object)
    def _on_box_range_changed_manually(self, _mask) -> None:
        self._user_view = True

    def _on_view_resized(self) -> None:
        # Called by the view once its box has the new size: lay out and fit for that size.
        if not self._user_view:
            self.fit_view()

    def fit_view(self) -> None:
        """Lay the network out to fill the view and show all of it (and keep it so when the
        widget resizes, until the user zooms or pans)."""
        self._user_view = False
        if self.layout_ is None:
            return
        if self._layout_size() != self._layout_key:
            self._relayout()
        x0, y0, x1, y1 = self.layout_.bounds
        self._box.setRange(QtCore.QRectF(x0, y0, x1 - x0, y1 - y0), padding=0.0)

    def _fit_if_needed(self) -> None:
        if not self._user_view:
            self.fit_view()

    def fill_fraction(self) -> float:
        """How much of the shorter side of the view the neurons span (1.0: all of it)."""
        x0, y0, x1, y1 = self.layout_.neuron_extent()
        a = self._view.mapFromScene(self._neurons.mapToScene(QtCore.QPointF(x0, y0)))
        b = self._view.mapFromScene(self._neurons.mapToScene(QtCore.QPointF(x1, y1)))
        size = self._view.viewport().size()
        if size.width() <= size.height():
            return abs(b.x() - a.x()) / size.width()
        return abs(b.y() - a.y()) / size.height()

    def line_count(self) -> int:
        """Connection lines drawn in the current (final) picture."""
        return sum(item.line_count() for item in self._conns)

    def notice(self) -> str:
        """The on-screen note shown when the line cap hides lines, or ""."""
        return self._notice

    def hint_rect(self) -> QtCore.QRectF | None:
        """Where the hint goes, in viewport pixels: the empty space above the input grid."""
        lay = self.layout_
        if lay is None or lay.grid_rect is None:
            return None
        x, y, w, _ = lay.grid_rect
        right = float(lay.positions[1][0, 0]) - lay.radii[1] - 8
        a = self._view.mapFromScene(self._neurons.mapToScene(QtCore.QPointF(x, lay.bounds[1])))
        b = self._view.mapFromScene(self._neurons.mapToScene(QtCore.QPointF(right, y - 6)))
        top = legend_height(self._view.viewport().width(), self._view_mode)
        return QtCore.QRectF(QtCore.QPointF(a.x(), max(a.y(), top)), QtCore.QPointF(b.x(), b.y()))

    def hint(self) -> str:
        if self.network is not None and self._activations is None and self._view_mode == "signal":
            return "Draw a digit: its signal will flow from left to right"
        return ""

    def export_image(self, path) -> None:
        """Write the scene as it is on screen to ``path``: SVG for ``.svg``, else PNG/JPEG/...

        Raises OSError when the file cannot be written.
        """
        vector = str(path).lower().endswith(".svg")
        if vector:  # cached items would go into the SVG as pictures instead of lines
            for item in self._conns:
                item.set_cached(False)
        try:
            export_widget(self, path)
        finally:
            if vector:
                for item in self._conns:
                    item.set_cached(self._view_mode == "weights")
