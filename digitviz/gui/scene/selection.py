"""The selected neuron in the scene: marked, its lines brought out, the other lines dimmed.

:class:`SceneSelection` belongs to a :class:`NetworkScene` and holds which neuron is selected
(the inspector's) and the :class:`EmphasisItem` that draws its lines bright above the input grid.
``apply`` puts the selection on the scene's items for the lines drawn now
(:func:`selection_lines`); the scene calls it whenever the levels or the selection change.
"""

from __future__ import annotations

import numpy as np

from .connections import ConnectionsItem, EmphasisItem, PenTable, selection_mask
from .layout import SceneLayout
from .line_levels import LineLevels
from .lines import LinePlan, selection_lines
from .neurons import InputGridItem, NeuronsItem


class SceneSelection:
    """``neuron`` is the selected (layer, index) or None; ``item`` its bright lines."""

    def __init__(self, box) -> None:
        self.neuron: tuple[int, int] | None = None
        self.item = EmphasisItem(PenTable(1.8, dim=1.4))
        self.item.setZValue(2)  # above the input grid, below the neurons
        box.addItem(self.item, ignoreBounds=True)
        self._layout: SceneLayout | None = None
        self._conns: list[ConnectionsItem] = []
        self._neurons: NeuronsItem | None = None
        self._grid: InputGridItem | None = None

    def rebuild(self, layout: SceneLayout, conns: list[ConnectionsItem], neurons: NeuronsItem,
                grid: InputGridItem) -> None:
        """The scene's items for a new layout (the selection is kept)."""
        self._layout, self._conns, self._neurons, self._grid = layout, conns, neurons, grid

    def select(self, layer: int, index: int) -> None:
        """Select neuron (layer, index); ValueError when the laid-out network has no such neuron."""
        if self._layout is None or not (0 <= layer < len(self._layout.sizes)
                                        and 0 <= index < self._layout.sizes[layer]):
            raise ValueError(f"no neuron ({layer}, {index}) in this network")
        self.neuron = (int(layer), int(index))

    def apply(self, weights, plan: LinePlan, lines: LineLevels, weights_view: bool) -> None:
        """Mark the selection on the items: ``weights`` the network's, ``lines`` the levels drawn
        now, ``weights_view`` when the scene shows the weights view."""
        sel = self.neuron
        if self._neurons is None:
            return
        self._neurons.set_selection(sel)
        for k, item in enumerate(self._conns, start=1):
            shape = weights[k - 1].shape
            item.set_emphasis(None if sel is None else selection_mask(shape, k, *sel))
        grid = None
        if sel is None:
            self.item.set_lines(0, None, None)
        else:
            into = max(sel[0], 1)
            into, segs, levels, grid = selection_lines(
                self._layout, weights, lines.segments[into - 1], lines.levels[into - 1], plan, sel,
                weights_view)
            self.item.set_lines(into, segs, levels)
        self._grid.set_override(grid)

    def lines(self) -> np.ndarray:
        """(m, 4) end points of the selection's bright lines, weakest first (empty: none)."""
        return self.item.batches.sorted
