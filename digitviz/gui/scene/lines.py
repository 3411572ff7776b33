"""What the connection lines show, as arrays: strengths from the weights, levels per input.

:class:`LinePlan` is made once per set of weights (and line cap): every line's strength
|w| / (99th percentile of its layer's |w|), its sign, and the weights view's levels. Per input
it gives the signal view's levels with a few array operations. :func:`selection_lines` picks out
a selected neuron's lines. NumPy only: the scene turns levels into drawn batches.
"""

from __future__ import annotations

import numpy as np

from ..widgets import colors
from .connections import LEVELS, cap_levels, quantise, share_cap
from .layout import SceneLayout, clip_starts_to_rect_exit

WEIGHTS_GAMMA = 2.0  # the weights view draws |w|^2: the many middling weights fade, the strong stand out


def percentile_99(values: np.ndarray) -> float:
    """``np.percentile(values, 99)`` (linear interpolation) with one partial sort, in a fraction
    of its time; ``values`` is a non-empty 1-D array."""
    pos = 0.99 * (len(values) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(values) - 1)
    part = np.partition(values, [lo, hi])
    return float(part[lo] + (part[hi] - part[lo]) * (pos - lo))


class LinePlan:
    """Line strengths of ``weights`` (list of (n_out, n_in) arrays) with at most ``cap`` lines.

    ``strength[k]`` (n_out * n_in,) in [0, 1] and ``positive[k]`` (bool) in ``W.ravel()`` order;
    ``weight_levels[k]`` the weights view's signed levels (every line kept, the faintest at 1).
    """

    def __init__(self, weights, cap: int) -> None:
        self.shapes = [w.shape for w in weights]
        self.strength, self.positive = [], []
        for w in weights:
            mag = np.abs(w).ravel()
            scale = percentile_99(mag) or float(mag.max()) or 1.0
            self.strength.append(np.clip(mag / scale, 0.0, 1.0))
            self.positive.append(w.ravel() > 0)
        self.allow = share_cap([len(s) for s in self.strength], cap)
        self._weight_levels: list[np.ndarray] | None = None

    @property
    def weight_levels(self) -> list[np.ndarray]:
        """The weights view's levels, worked out when first asked for (live training shows the
        signal view ten times a second and never needs them)."""
        if self._weight_levels is None:
            self._weight_levels = []
            for k, s in enumerate(self.strength):
                faded = s ** WEIGHTS_GAMMA
                self._weight_levels.append(cap_levels(quantise(faded, self.positive[k], floor=1), faded,
                                                      self.allow[k]))
        return self._weight_levels

    def signal_levels(self, k: int, source: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Levels of the lines into layer k + 1 for ``source`` activations (n_in,) of layer k
        (None: no input): (all levels, the ones drawn under the cap), both (n_out * n_in,)."""
        strength = self.strength[k]
        if source is None:
            signal = np.zeros_like(strength)
        else:
            n_out, n_in = self.shapes[k]
            signal = (strength.reshape(n_out, n_in) * np.clip(np.abs(source), 0.0, 1.0)[None, :]).ravel()
        levels = quantise(signal, self.positive[k])
        return levels, cap_levels(levels, signal, self.allow[k])


def selection_lines(layout: SceneLayout, weights, segments: np.ndarray, levels: np.ndarray,
                    plan: LinePlan, selection: tuple[int, int], weights_view: bool):
    """The bright lines of a selected neuron and what the input grid shows meanwhile.

    ``segments`` and ``levels`` are those of the layer of connections the selection belongs to
    (into ``max(layer, 1)``), as drawn now. Returns ``(into, segs (m, 4), levels (m,), grid)``:
    an input pixel's m outgoing lines start at the pixel and are shown even when it is dark
    (strengths on the pixel's own scale); a neuron's incoming lines from the grid start at the
    grid's edge, and in the weights view ``grid`` is the neuron's weights as (n_in, 3) uint8
    colours to paint the grid with (else None).
    """
    layer, index = selection
    into = max(layer, 1)
    n_out, n_in = weights[into - 1].shape
    if layer == 0:
        idx = index + n_in * np.arange(n_out)
        w = weights[0][:, index]
        strength = 0.3 + 0.7 * np.abs(w) / (float(np.abs(w).max()) or 1.0)
        return 1, segments[idx], quantise(strength, w > 0), None
    idx = np.arange(index * n_in, (index + 1) * n_in)
    segs, grid = segments[idx], None
    if layer == 1 and layout.grid_rect is not None:
        segs = clip_starts_to_rect_exit(segs, layout.grid_rect)
        if weights_view:  # the neuron's pattern, in the grid itself
            keys = np.abs(plan.weight_levels[0][idx])
            grid = colors.line_colours(LEVELS)[plan.positive[0][idx].astype(int), keys]
    return into, segs, levels[idx], grid
