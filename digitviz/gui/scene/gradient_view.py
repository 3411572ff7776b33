"""The scene's backpropagation: the gradient view of the lines, the nudges, the backward animation.

:class:`GradientView` belongs to a :class:`NetworkScene`. Given ``dW`` (one (n_out, n_in) array
per layer, from the core's backpropagation) it sorts the lines into the same :class:`LineBatches`
the other views use: brightness ``|dC/dw|`` relative to the layer's 99th percentile, blue where the
step would increase the weight (``-dC/dw > 0``), red where it would decrease it. Its segments run
backwards (target to source), so the scene's ``reveal`` draws them from right to left and a
:class:`PulseItem` on them travels backwards: the animation of the wishes flowing back.

The backward animation (reverse of the forward propagation): first the output arrows grow, then
for each layer of connections, from the last to the first, the gradient lines appear from their
target end while dashes run back along them, and the arrows of the layer they reach grow.
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore

from .animation import Propagation
from .connections import ConnectionsItem, LineBatches, PenTable, PulseItem, cap_levels, quantise, share_cap
from .layout import SceneLayout
from .nudges import NudgesItem


def gradient_strength(dw: np.ndarray) -> np.ndarray:
    """(n_out * n_in,) |dC/dw| relative to the 99th percentile of the non-zero ones, clipped to 1."""
    mag = np.abs(dw).ravel()
    nonzero = mag[mag > 0]
    if not len(nonzero):
        return np.zeros_like(mag)
    scale = float(np.percentile(nonzero, 99)) or float(nonzero.max())
    return np.minimum(mag / scale, 1.0)


def gradient_levels(dw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Signed strength levels of the lines of one layer (``quantise``): positive (blue) where
    ``-dC/dw > 0``. Returns ``(levels, strength)``, each (n_out * n_in,)."""
    strength = gradient_strength(dw)
    return quantise(strength, dw.ravel() < 0), strength


class GradientView(QtCore.QObject):
    """Gradient lines, nudge arrows and the backward animation of one scene.

    ``rebuild(layout, box)`` for a new shape; ``set_gradient(dW, nudges, line_cap)`` for new
    values; ``batches[k]`` are the lines into layer k + 1 for the scene's ConnectionsItems.
    """

    def __init__(self, box, pulse_pens: PenTable, parent=None) -> None:
        super().__init__(parent)
        self._box = box
        self.batches: list[LineBatches] = []
        self.nudges_item: NudgesItem | None = None
        self.layout: SceneLayout | None = None
        self._conns: list[ConnectionsItem] = []
        self._dW: list[np.ndarray] | None = None
        self._nudges: list[np.ndarray | None] | None = None
        self._pulse = PulseItem(pulse_pens)
        self._pulse.setZValue(5)
        box.addItem(self._pulse, ignoreBounds=True)
        self._anim = Propagation(self)
        self._anim.frame.connect(self._on_anim_frame)
        self._anim.finished.connect(self._on_anim_finished)
        self._lines_shown = False  # the scene's lines are the gradient's (the "gradient" view)
        self._step = -1
        self.pending = False  # play the backward animation when the forward one ends

    # -- shape and values -----------------------------------------------------------------------

    def rebuild(self, layout: SceneLayout, conns: list[ConnectionsItem]) -> None:
        """A network of a new shape (or laid out anew): segments reversed, no values; the arrows
        item stays when the shape does."""
        self.stop()
        same_shape = self.nudges_item is not None and self.nudges_item.layout.sizes == layout.sizes
        if self.nudges_item is not None and not same_shape:
            self._box.removeItem(self.nudges_item)
        self.layout, self._conns = layout, conns
        self.batches = []
        for layer in range(1, len(layout.sizes)):
            segs = layout.segments(layer)
            self.batches.append(LineBatches(np.ascontiguousarray(segs[:, [2, 3, 0, 1]])))
        if same_shape:
            self.nudges_item.set_layout(layout)
        else:
            self.nudges_item = NudgesItem(layout)
            self.nudges_item.setZValue(8)  # over the lines and pulses, under the neurons
            self._box.addItem(self.nudges_item, ignoreBounds=True)
        self._dW, self._nudges = None, None

    def set_gradient(self, dW: list[np.ndarray] | None, nudges: list[np.ndarray | None] | None,
                     line_cap: int) -> None:
        """``dW[k]`` (n_out, n_in) per layer of connections and ``nudges`` per layer (input first:
        None, then (n_l,) ``-dC/da``), or None for both when there is no gradient to show."""
        self._dW = dW
        self._nudges = nudges
        allow = share_cap([len(b.segments) for b in self.batches], line_cap)
        for k, batches in enumerate(self.batches):
            if dW is None:
                batches.set_levels(np.zeros(len(batches.segments), dtype=np.int16))
            else:
                levels, strength = gradient_levels(dW[k])
                batches.set_levels(cap_levels(levels, strength, allow[k]))
        if self.nudges_item is not None:
            self.nudges_item.set_nudges(nudges)
        if nudges is None:
            self.pending = False

    @property
    def dW(self) -> list[np.ndarray] | None:
        return self._dW

    def has_gradient(self) -> bool:
        return self._dW is not None

    def nudges(self) -> list[np.ndarray | None] | None:
        return self._nudges

    def describe(self, layer: int, index: int) -> str:
        """The hover lines of neuron (layer, index): its desired nudge; "" when none is shown."""
        if self._nudges is None or layer == 0 or self._nudges[layer] is None:
            return ""
        v = float(self._nudges[layer][index])
        way = "more" if v > 0 else "less" if v < 0 else "no change"
        return f"desired nudge −∂C/∂a = {v:+.4f} ({way})"

    # -- the backward animation ----------------------------------------------------------------

    def start(self, layer_duration: float, lines_shown: bool) -> None:
        """Play the wishes flowing back; ``lines_shown``: the scene shows the gradient lines."""
        if self._nudges is None or self.nudges_item is None:
            return
        self.pending = False
        self._lines_shown = lines_shown
        self._step = -1
        self._anim.layer_duration = layer_duration
        self._anim.start(len(self.batches) + 1)

    def stop(self) -> None:
        """Stop the animation and forget a pending one (the picture is left as it is)."""
        self.pending = False
        self._anim.stop()

    def hide_for_forward(self) -> None:
        """The forward animation starts: arrows hidden, replayed backwards once it ends."""
        self._anim.stop()
        self.pending = self._nudges is not None
        if self.nudges_item is not None and self.pending:
            self.nudges_item.set_grow([0.0] * len(self.layout.sizes))

    def show_final(self) -> None:
        """Everything at rest: every arrow at full length, no dashes (a pending replay stays)."""
        self._anim.stop()
        self._pulse.set_batches(None)
        if self.nudges_item is not None:
            self.nudges_item.set_grow([1.0] * len(self.layout.sizes))

    def is_running(self) -> bool:
        return self._anim.is_running()

    @QtCore.Slot(float)
    def _on_anim_frame(self, progress: float) -> None:
        n = len(self.batches)  # layers of connections; step 0 grows the outputs' arrows
        if progress >= n + 1:
            self._finish()
            return
        step = int(progress)
        t = progress - step
        grow = [0.0] * (n + 1)
        grow[n] = t if step == 0 else 1.0
        k = n - step  # the connections into layer k + 1 carry the wishes back during this step
        for layer in range(k + 1, n):
            grow[layer] = 1.0
        if step >= 1:
            grow[k] = min(max((t - 0.75) / 0.25, 0.0), 1.0) if k >= 1 else 0.0
            if step != self._step and self._lines_shown:
                self._pulse.set_batches(self.batches[k], self._conns[k].boundingRect())
        self._step = step
        if self._lines_shown:
            for j, item in enumerate(self._conns):
                item.set_reveal(1.0 if j > k else (t if (j == k and step >= 1) else 0.0))
            if step >= 1:
                self._pulse.set_progress(t)
        self.nudges_item.set_grow(grow)

    def _finish(self) -> None:
        self.show_final()
        for item in self._conns:
            item.set_reveal(1.0)

    @QtCore.Slot()
    def _on_anim_finished(self) -> None:
        self._finish()
