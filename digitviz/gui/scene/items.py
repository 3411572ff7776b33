"""The items one layout of the network is drawn with, stacked in the scene's box.

From the bottom up: the connection lines (z 0), the input grid (1), the selection's bright lines
(2, :class:`SceneSelection`), the pulses (5), the nudge arrows (8) and the neurons (10), which
alone count for the box's bounds. The scene lays the network out and wires the neurons' signals.
"""

from __future__ import annotations

import numpy as np

from .connections import ConnectionsItem, PenTable
from .layout import SceneLayout
from .neurons import InputGridItem, NeuronsItem


def add_layout_items(box, layout: SceneLayout, segments: list[np.ndarray], pens: PenTable,
                     dim_pens: PenTable) -> tuple[list[ConnectionsItem], InputGridItem, NeuronsItem]:
    """Add to ``box`` one :class:`ConnectionsItem` per layer of connections (``segments[k]``
    (n_out * n_in, 4) end points of the lines into layer k + 1), the input grid and the neurons of
    ``layout``, none showing values yet. Returns ``(conns, grid, neurons)``."""
    conns = []
    for segs in segments:
        item = ConnectionsItem(segs, pens, dim_pens)
        item.setZValue(0)
        box.addItem(item, ignoreBounds=True)
        conns.append(item)
    grid = InputGridItem(layout)
    grid.setZValue(1)
    box.addItem(grid, ignoreBounds=True)
    neurons = NeuronsItem(layout)
    neurons.setZValue(10)
    box.addItem(neurons)
    return conns, grid, neurons
