"""The network scene: every neuron, every connection, activations propagating layer by layer.

:class:`NetworkScene` is a self-contained widget. Feed it a network (``set_network``) and the
activations of every layer for an input (``show_activations``, from ``Network.forward``); it
never computes network maths itself. Line strengths and layouts are display arithmetic on the
weights, done once per network or once per input with NumPy.
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from .animation import Propagation
from .connections import (
    ConnectionsItem,
    LineBatches,
    PenTable,
    PulseItem,
    cap_levels,
    quantise,
    selection_mask,
    share_cap,
)
from .export import export_widget
from .layout import layout_network
from .neurons import NeuronsItem
from .view import Box, View, describe_neuron

VIEW_MODES = ("signal", "weights")


class NetworkScene(QtWidgets.QWidget):
    """The whole network, zoomable: see the module docstring."""

    neuronClicked = QtCore.Signal(int, int)
    neuronHovered = QtCore.Signal(int, int)
    emptyClicked = QtCore.Signal()
    animationFinished = QtCore.Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        QtGui.QPixmapCache.setCacheLimit(max(QtGui.QPixmapCache.cacheLimit(), 96 * 1024))
        box = QtWidgets.QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self._view = View(self)
        box.addWidget(self._view)
        self._box = Box(lockAspect=True, invertY=True, enableMenu=False)
        self._box.emptyClicked.connect(self.emptyClicked)
        self._box.setLimits(minXRange=40.0, maxXRange=8000.0)
        self._box.sigRangeChangedManually.connect(self._on_box_range_changed_manually)
        self._user_view = False  # the user zoomed or panned: keep their view on resize
        self._view.setCentralItem(self._box)
        self._pens = PenTable(1.0)
        self._dim_pens = PenTable(1.0, dim=0.28)
        self._bold_pens = PenTable(1.8, dim=1.4)
        self._pulse_pens = PenTable(2.2, dim=2.0)
        self._anim = Propagation(self)
        self._anim.frame.connect(self._on_anim_frame)
        self._anim.finished.connect(self._on_anim_finished)
        self.network = None
        self.layout_ = None
        self._line_cap = 13_000
        self._weight_batches: list[LineBatches] = []
        self._weights_seen: list[np.ndarray] = []
        self._animation_enabled = True
        self._view_mode = "signal"
        self._activations: list[np.ndarray] | None = None
        self._conns: list[ConnectionsItem] = []
        self._neurons: NeuronsItem | None = None
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
            self._build_items(network.sizes)
        self._load_weights()
        self._activations = None
        self._apply_levels()
        self._show_final()
        if not same_shape:
            self.fit_view()

    def _build_items(self, sizes) -> None:
        for item in self._conns + ([self._neurons] if self._neurons else []):
            self._box.removeItem(item)
        self.layout_ = lay = layout_network(sizes)
        self._conns, self._signal_batches = [], []
        for layer in range(1, len(sizes)):
            segs = lay.segments(layer)
            item = ConnectionsItem(segs, self._pens, self._dim_pens, self._bold_pens)
            item.setZValue(0)
            self._box.addItem(item, ignoreBounds=True)
            self._conns.append(item)
            self._signal_batches.append(LineBatches(segs))
        self._neurons = NeuronsItem(lay)
        self._neurons.setZValue(10)
        self._neurons.clicked.connect(self._on_neurons_clicked)
        self._neurons.hovered.connect(self._on_neurons_hovered)
        self._neurons.hoverLeft.connect(self._on_neurons_hover_left)
        self._neurons.emptyClicked.connect(self.emptyClicked)
        self._box.addItem(self._neurons)
        self._selection = None

    def _load_weights(self) -> None:
        """Line strengths |w| / (99th percentile of the layer's |w|) and signs, and the weights
        view's batches: computed once per set of weights, not per input."""
        self._weight_strength, self._positive = [], []
        for w in self.network.weights:
            mag = np.abs(w).ravel()
            scale = float(np.percentile(mag, 99)) or float(mag.max()) or 1.0
            self._weight_strength.append(np.clip(mag / scale, 0.0, 1.0))
            self._positive.append(w.ravel() > 0)
        self._weights_seen = [w.copy() for w in self.network.weights]
        self._build_weight_batches()

    def _weights_edited(self) -> bool:
        """True when the network's arrays were changed in place since they were last drawn."""
        return any(w.shape != seen.shape or not np.array_equal(w, seen)
                   for w, seen in zip(self.network.weights, self._weights_seen))

    # -- input --------------------------------------------------------------------------------

    def show_activations(self, activations, animate: bool = False) -> None:
        """Show every layer's activations (``Network.forward(x)``: a list, input first, of (n_l,)
        arrays), or the empty state for None. With ``animate`` (and animation enabled) the signal
        travels layer by layer; a running animation is interrupted either way."""
        if self.network is None:
            raise RuntimeError("set_network first")
        if activations is not None:
            activations = [np.asarray(a, dtype=float).reshape(-1) for a in activations]
            if [len(a) for a in activations] != list(self.network.sizes):
                raise ValueError(f"activations of sizes {[len(a) for a in activations]} do not fit "
                                 f"the {self.network.shape_text} network")
        self._anim.stop()
        self._activations = activations
        if self._weights_edited():
            self._load_weights()
        self._apply_levels()
        if animate and self._animation_enabled and activations is not None:
            self._start_animation()
        else:
            self._show_final()

    def activations(self) -> list[np.ndarray] | None:
        return self._activations

    def replay(self) -> None:
        """Play the propagation of the current input again (even with animation turned off)."""
        if self._activations is not None:
            self._anim.stop()
            self._start_animation()

    def _apply_levels(self) -> None:
        """Quantise line strengths for the current view and input, capped at ``line_cap``."""
        acts = self._activations
        allow = share_cap([len(s) for s in self._weight_strength], self._line_cap)
        total_drawable, shown = 0, 0
        for k, (item, sig) in enumerate(zip(self._conns, self._signal_batches)):
            strength_w, positive = self._weight_strength[k], self._positive[k]
            if acts is None:
                signal = np.zeros_like(strength_w)
            else:
                n_out, n_in = self.network.weights[k].shape
                source = np.clip(np.abs(acts[k]), 0.0, 1.0)
                signal = (strength_w.reshape(n_out, n_in) * source[None, :]).ravel()
            levels = quantise(signal, positive)
            drawable = int(np.count_nonzero(levels))
            sig.set_levels(cap_levels(levels, signal, allow[k]))
            if self._view_mode == "weights":
                drawable = len(strength_w)
                item.set_batches(self._weight_batches[k], changed=False)
            else:
                item.set_batches(sig)
            item.set_cached(self._view_mode == "weights")
            total_drawable += drawable
            shown += item.line_count()
        self._notice = (f"Showing the strongest {shown:,} of {total_drawable:,} connections "
                        f"(line cap {self._line_cap:,})" if shown < total_drawable else "")
        self._apply_selection()

    def _build_weight_batches(self) -> None:
        """The weights view's lines: they change only with the network or the line cap."""
        allow = share_cap([len(s) for s in self._weight_strength], self._line_cap)
        self._weight_batches = []
        for k, item in enumerate(self._conns):
            strength = self._weight_strength[k]
            batches = LineBatches(item.batches.segments)
            batches.set_levels(cap_levels(quantise(strength, self._positive[k], floor=1),
                                            strength, allow[k]))
            self._weight_batches.append(batches)

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

    def _start_animation(self) -> None:
        self._step = -1
        self._anim.layer_duration = self.layer_duration
        self._anim.start(len(self._conns))

    @QtCore.Slot(float)
    def _on_anim_frame(self, progress: float) -> None:
        n = len(self._conns)
        step = min(int(progress), n - 1)
        t = progress - step
        if progress >= n:
            self._show_final()
            return
        if step != self._step:
            self._step = step
            item = self._conns[step]
            self._pulse.set_batches(self._signal_batches[step], item.boundingRect())
        signal_view = self._view_mode == "signal"
        for k, item in enumerate(self._conns):
            if signal_view:
                item.set_reveal(1.0 if k < step else (t if k == step else 0.0))
            else:
                item.set_reveal(1.0)
        self._pulse.set_progress(t)
        lit = [1.0] + [1.0 if k < step else 0.0 for k in range(n)]
        lit[step + 1] = min(max((t - 0.8) / 0.2, 0.0), 1.0)
        self._neurons.set_values(self._activations, lit)

    @QtCore.Slot()
    def _on_anim_finished(self) -> None:
        self.animationFinished.emit()

    def _show_final(self) -> None:
        self._step = -1
        self._pulse.set_batches(None)
        for item in self._conns:
            item.set_reveal(1.0)
        if self._neurons is not None:
            values = self._activations or [None] * len(self.layout_.sizes)
            self._neurons.set_values(values)
        self._view.viewport().update()

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
        return getattr(self, "_layer_duration", 0.2)

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

    # -- selection (the inspector calls these) -------------------------------------------------

    def set_selection(self, layer: int, index: int) -> None:
        """Ring neuron (layer, index), emphasise its incoming connections (an input pixel's
        outgoing ones) and dim the other lines."""
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

    def _apply_selection(self) -> None:
        sel = self._selection
        if self._neurons is not None:
            self._neurons.set_selection(sel)
        for k, item in enumerate(self._conns, start=1):
            shape = self.network.weights[k - 1].shape
            item.set_emphasis(None if sel is None else selection_mask(shape, k, *sel))

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

    def resizeEvent(self, event) -> None:  # Qt override
        super().resizeEvent(event)
        if not self._user_view:
            self.fit_view()

    def fit_view(self) -> None:
        """Zoom and pan so the whole network fits (and keep it fitted when the widget resizes)."""
        self._user_view = False
        if self.layout_ is not None:
            x0, y0, x1, y1 = self.layout_.bounds
            self._box.setRange(QtCore.QRectF(x0, y0, x1 - x0, y1 - y0), padding=0.0)

    def line_count(self) -> int:
        """Connection lines drawn in the current (final) picture."""
        return sum(item.line_count() for item in self._conns)

    def notice(self) -> str:
        """The on-screen note shown when the line cap hides lines, or ""."""
        return self._notice

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
