"""The forward propagation on screen: the values each layer shows, and the animation to new ones.

:class:`ForwardAnimation` belongs to a :class:`NetworkScene`. It keeps the values on screen per
layer, so that an animation starts from the picture shown, and plays the signal travelling
layer by layer on its clock (:class:`Propagation`): during step k the lines into layer k + 1
appear (signal view) while a :class:`PulseItem` runs along them, and layer k + 1 turns from its
old values to the new ones as the signal arrives (:func:`arrival`). Array operations only, per
frame. The scene shows the picture at rest (``show_final``) when the animation has finished.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6 import QtCore

from .animation import Propagation, arrival
from .connections import ConnectionsItem, EmphasisItem, LineBatches, PenTable, PulseItem
from .line_levels import LineLevels
from .neurons import InputGridItem, NeuronsItem


class ForwardAnimation(QtCore.QObject):
    """The values on screen (``shown``: per layer, input first, (n_l,) or None when unlit) and
    the forward animation; ``outputs_shown(values)`` is called with a copy of the output values
    (None when unlit) whenever those on screen change.

    Signals: ``finished()`` when the signal has reached the last layer (not when stopped).
    """

    finished = QtCore.Signal()

    def __init__(self, box, pulse_pens: PenTable, emphasis: EmphasisItem, lines: LineLevels,
                 outputs_shown: Callable[[np.ndarray | None], None], parent=None) -> None:
        super().__init__(parent)
        self.clock = Propagation(self)
        self.clock.frame.connect(self._on_clock_frame)
        self.clock.finished.connect(self.finished)
        self.pulse = PulseItem(pulse_pens)
        self.pulse.setZValue(5)
        box.addItem(self.pulse, ignoreBounds=True)
        self._emphasis = emphasis
        self._lines = lines
        self._outputs_shown = outputs_shown
        self._conns: list[ConnectionsItem] = []
        self._neurons: NeuronsItem | None = None
        self._grid: InputGridItem | None = None
        self.shown: list[np.ndarray | None] = []  # the values on screen now, per layer
        self._from: list[np.ndarray] = []  # where an animation started
        self._to: list[np.ndarray] = []  # where it ends
        self._view_mode = "signal"
        self._step = -1

    def rebuild(self, conns: list[ConnectionsItem], neurons: NeuronsItem, grid: InputGridItem) -> None:
        """The scene's items for a new layout."""
        self._conns, self._neurons, self._grid = conns, neurons, grid

    def play(self, activations: list[np.ndarray], view_mode: str,
             previous: list[LineBatches | None] | None, layer_duration: float) -> None:
        """Carry the picture shown to ``activations`` (every layer's), ``layer_duration`` seconds
        per layer of connections. ``previous``: each layer's lines shown until now, faded out as
        the new ones come in (signal view); None starts from an unlit network."""
        n_layers = len(activations)
        if previous is None:
            self.shown, previous = [None] * n_layers, [None] * len(self._conns)
        shown = self.shown if len(self.shown) == n_layers else [None] * n_layers
        self._from = [np.zeros_like(a) if s is None else s for s, a in zip(shown, activations)]
        self._to = activations
        self._view_mode = view_mode
        for item, old in zip(self._conns, previous):
            item.set_previous(old if view_mode == "signal" else None)
        self._step = -1
        self.clock.layer_duration = layer_duration
        self.clock.start(len(self._conns))

    def stop(self) -> None:
        """Stop where it is, without ``finished`` (the caller shows whatever comes next)."""
        self.clock.stop()

    def is_running(self) -> bool:
        return self.clock.is_running()

    @QtCore.Slot(float)
    def _on_clock_frame(self, progress: float) -> None:
        n = len(self._conns)
        if progress >= n:  # arrived: the scene shows the picture at rest on ``finished``
            return
        step = min(int(progress), n - 1)
        t = progress - step
        if step != self._step:
            self._step = step
            self.pulse.set_batches(self._lines.signal_batches[step], self._conns[step].boundingRect())
        signal_view = self._view_mode == "signal"
        still = 0.0 if self._view_mode == "gradient" else 1.0  # the gradient appears flowing back, after
        for k, item in enumerate(self._conns):
            item.set_reveal((1.0 if k < step else (t if k == step else 0.0)) if signal_view else still)
        k = self._emphasis.layer - 1
        self._emphasis.set_reveal((1.0 if k < step else (t if k == step else 0.0)) if signal_view else 1.0)
        self.pulse.set_progress(t)
        # Layer l (l >= 1) turns from its old values to the new ones as the signal arrives.
        mix = [1.0] + [1.0 if k < step else (arrival(t) if k == step else 0.0) for k in range(n)]
        self._set_shown([a1 if f >= 1.0 else (a0 if f <= 0.0 else a0 + f * (a1 - a0))
                         for a0, a1, f in zip(self._from, self._to, mix)])

    def show_final(self, activations: list[np.ndarray] | None) -> None:
        """The picture at rest: every line in full, ``activations`` (None: unlit) on the neurons."""
        self._step = -1
        self.pulse.set_batches(None)
        for item in self._conns:
            item.set_previous(None)
            item.set_reveal(1.0)
        self._emphasis.set_reveal(1.0)
        if self._neurons is not None:
            self._set_shown(activations or [None] * len(self._neurons.layout.sizes))

    def shown_outputs(self) -> np.ndarray | None:
        """The (n_out,) output values on screen now (mid-animation: not yet the new ones)."""
        out = self.shown[-1] if self.shown else None
        return None if out is None else out.copy()

    def _set_shown(self, values: list[np.ndarray | None]) -> None:
        old_out = self.shown[-1] if self.shown else None
        self.shown = list(values)
        self._neurons.set_values(self.shown)
        if self.shown[0] is not self._grid.values():  # the same input all through an animation
            self._grid.set_values(self.shown[0])
        out = self.shown[-1]
        if (out is None) != (old_out is None) or (out is not None and not np.array_equal(out, old_out)):
            self._outputs_shown(None if out is None else out.copy())
