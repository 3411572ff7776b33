"""What each layer's connection lines draw, view by view: the scene's line batches and levels.

:class:`LineLevels` belongs to a :class:`NetworkScene`. For a layout it keeps every layer's line
end points (``segments``, and ``signal_segments`` for the signal view, whose input lines start at
the grid's edge); for a view mode, an input and a :class:`LinePlan` it hands each
:class:`ConnectionsItem` its batches and keeps the levels drawn (``levels``, for the selection's
bright lines). The signal view's batches are made afresh for every input; the weights view's
only when the weights, the layout or the cap change; the gradient view's come from the
:class:`GradientView`.
"""

from __future__ import annotations

import numpy as np

from .connections import ConnectionsItem, LineBatches
from .layout import SceneLayout, clip_starts_to_rect_exit
from .lines import LinePlan


class LineLevels:
    """Line end points and batches of one scene, per layer of connections (k: into layer k + 1).

    ``segments[k]`` (n_out * n_in, 4) end points from neuron to neuron; ``signal_segments[k]``
    the same with the input lines starting at the grid's edge; ``signal_batches[k]`` the signal
    view's lines for the current input (also what the forward pulse runs along); ``levels[k]``
    (n_out * n_in,) the signed levels the items show now.
    """

    def __init__(self) -> None:
        self.segments: list[np.ndarray] = []
        self.signal_segments: list[np.ndarray] = []
        self.signal_batches: list[LineBatches] = []
        self.levels: list[np.ndarray] = []
        self._weight_batches: list[LineBatches] = []

    def lay_out(self, layout: SceneLayout) -> None:
        """The end points of every line of ``layout``, no levels yet."""
        self.segments, self.signal_segments, self.signal_batches = [], [], []
        for layer in range(1, len(layout.sizes)):
            segs = layout.segments(layer)
            self.segments.append(segs)
            # The signal view (redrawn for every pen frame) draws input lines from the grid's
            # edge: the part under the grid would double their cost, hidden by the lit pixels.
            if layer == 1 and layout.grid_rect is not None:
                segs = np.ascontiguousarray(clip_starts_to_rect_exit(segs, layout.grid_rect))
            self.signal_segments.append(segs)
            self.signal_batches.append(LineBatches(segs))
        self.forget_weights()

    def apply(self, conns: list[ConnectionsItem], plan: LinePlan, activations, view_mode: str,
              gradient_batches: list[LineBatches], line_cap: int) -> str:
        """Quantise line strengths for ``view_mode`` and ``activations`` (``Network.forward``'s
        list, or None), capped at ``line_cap``, into ``conns``. Returns the on-screen notice when
        the cap hides lines, else ""."""
        acts = activations
        total_drawable, shown = 0, 0
        self.levels = []
        for k, item in enumerate(conns):
            levels, capped = plan.signal_levels(k, None if acts is None else acts[k])
            sig = LineBatches(self.signal_segments[k])  # a new object: the old one may still show
            sig.set_levels(capped)
            self.signal_batches[k] = sig
            if view_mode == "weights":
                drawable = len(levels)
                item.set_batches(self._weights_view_batches(k, plan), changed=False)
                self.levels.append(plan.weight_levels[k])
            elif view_mode == "gradient":
                grad = gradient_batches[k]
                drawable = len(grad)
                item.set_batches(grad)
                self.levels.append(grad.levels())
            else:
                drawable = int(np.count_nonzero(levels))
                item.set_batches(sig)
                self.levels.append(levels)
            item.set_cached(view_mode == "weights")
            total_drawable += drawable
            shown += item.line_count()
        return (f"Showing the strongest {shown:,} of {total_drawable:,} connections "
                f"(line cap {line_cap:,})" if shown < total_drawable else "")

    def forget_weights(self) -> None:
        """Forget the weights view's lines: they change only with the weights, the layout or the
        cap, and are sorted again when the weights view next shows them."""
        self._weight_batches = []

    def _weights_view_batches(self, k: int, plan: LinePlan) -> LineBatches:
        if not self._weight_batches:
            for j in range(len(self.segments)):
                batches = LineBatches(self.segments[j])  # from each pixel, under the see-through grid
                batches.set_levels(plan.weight_levels[j])
                self._weight_batches.append(batches)
        return self._weight_batches[k]
