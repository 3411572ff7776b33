"""The colours of digitviz, shared by the scene and the inspector.

Blue is positive and red is negative, as 3Blue1Brown draws them. Lookup tables are NumPy
arrays built once; the scene turns them into QPens/QBrushes once per table, never per frame.
"""

from __future__ import annotations

import numpy as np

# (r, g, b) 0-255
BACKGROUND = (14, 17, 22)
POSITIVE = (88, 196, 221)  # 3Blue1Brown's BLUE_C
NEGATIVE = (252, 98, 85)  # 3Blue1Brown's RED_C
NEUTRAL = (255, 255, 255)  # zero on the diverging map
TEXT = (200, 205, 212)
DIM_TEXT = (120, 128, 138)
NEURON_OUTLINE = (140, 148, 158)
NEURON_OFF = (24, 28, 34)  # fill of a neuron at activation 0
NEURON_ON = (255, 255, 255)  # fill at activation 1
GRID_LINE = (46, 52, 60)
WINNER = (255, 205, 60)
SELECTION = (255, 140, 0)


def grey_ramp(n: int = 256, off=NEURON_OFF, on=NEURON_ON) -> np.ndarray:
    """(n, 3) uint8 colours from ``off`` (value 0) to ``on`` (value 1), for activations."""
    t = np.linspace(0.0, 1.0, n)[:, None]
    return np.round(np.asarray(off) * (1 - t) + np.asarray(on) * t).astype(np.uint8)


def line_colours(levels: int, background=BACKGROUND, dim: float = 1.0) -> np.ndarray:
    """(2, levels + 1, 3) uint8: opaque colours of a line of strength ``k / levels``.

    Index 0 is negative (red), 1 positive (blue). The colours are pre-blended over the solid
    scene background, so lines are drawn opaque: Qt draws opaque lines several times faster than
    translucent ones, and with the strongest lines drawn last the result reads the same.
    ``dim`` scales every strength (below 1: the dimmed lines around a selection; above 1:
    the brighter travelling pulses), clipped to full colour.
    """
    alpha = np.clip(dim * np.linspace(0.0, 1.0, levels + 1), 0.0, 1.0)[:, None]
    bg = np.asarray(background, dtype=float)
    out = np.empty((2, levels + 1, 3), dtype=np.uint8)
    for s, colour in enumerate((NEGATIVE, POSITIVE)):
        out[s] = np.round(bg * (1 - alpha) + np.asarray(colour, dtype=float) * alpha)
    return out
