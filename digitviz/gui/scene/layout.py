"""Where every neuron of a perceptron goes in the scene, and the end points of every connection.

Pure NumPy geometry, in scene units with y pointing down (the scene's ViewBox inverts y). The
design size is 1600 x 900, the window the benchmarks use, so at "fit view" one scene unit is
about one screen pixel. The input layer is a square image grid when its size is a perfect square
(784 -> 28 x 28) and a column otherwise; every later layer is a column of circles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

WIDTH = 1600.0
HEIGHT = 900.0
GRID_SIDE = 380.0  # the 28 x 28 input grid, 13.6 units a pixel
LEFT = 40.0
RIGHT_MARGIN = 130.0  # room for the output labels "0".."9" and their values
TOP = 100.0  # room for the legend above the columns
BOTTOM = 60.0  # room for the captions
MAX_SPACING = 40.0
MAX_RADIUS = 14.0


@dataclass(frozen=True)
class SceneLayout:
    """Positions of all neurons of a network with ``sizes`` (input first).

    ``positions[l]`` is (n_l, 2) float64 (x, y) centres; for an image grid input, pixel
    ``r * side + c`` sits at row r, column c. ``radii[l]`` is the circle radius of layer l
    (for the grid: half a pixel). ``grid_rect`` is (x, y, w, h) of the input grid, or None when
    the input is drawn as a column. ``captions[l]`` is (x, y) of the caption's top centre.
    """

    sizes: tuple[int, ...]
    positions: tuple[np.ndarray, ...]
    radii: tuple[float, ...]
    grid_side: int  # pixels per side of the input grid; 0 when the input is a column
    grid_rect: tuple[float, float, float, float] | None
    captions: tuple[tuple[float, float], ...]
    bounds: tuple[float, float, float, float]

    def segments(self, layer: int) -> np.ndarray:
        """End points of the connections into ``layer`` (1 = first hidden layer).

        Returns (n_out * n_in, 4) float64 C-contiguous rows (x0, y0, x1, y1), row
        ``j * n_in + i`` for the weight ``weights[layer - 1][j, i]`` (same order as ``W.ravel()``),
        from source neuron i to target neuron j. Lines that start inside the input grid begin where
        they leave it: the grid is drawn over them, so the hidden part would be wasted ink.
        """
        src = self.positions[layer - 1]
        dst = self.positions[layer]
        n_in, n_out = len(src), len(dst)
        seg = np.empty((n_out, n_in, 4))
        seg[:, :, 0:2] = src[None, :, :]
        seg[:, :, 2:4] = dst[:, None, :]
        seg = seg.reshape(n_out * n_in, 4)
        if layer == 1 and self.grid_rect is not None:
            _clip_starts_to_rect_exit(seg, self.grid_rect)
        return np.ascontiguousarray(seg)


def _clip_starts_to_rect_exit(seg: np.ndarray, rect) -> None:
    """Move each start point (inside ``rect``) to where its segment leaves ``rect``; in place."""
    x, y, w, h = rect
    x0, y0 = seg[:, 0], seg[:, 1]
    dx, dy = seg[:, 2] - x0, seg[:, 3] - y0
    with np.errstate(divide="ignore", invalid="ignore"):
        tx = np.where(dx > 0, (x + w - x0) / dx, np.where(dx < 0, (x - x0) / dx, np.inf))
        ty = np.where(dy > 0, (y + h - y0) / dy, np.where(dy < 0, (y - y0) / dy, np.inf))
    t = np.clip(np.minimum(tx, ty), 0.0, 1.0)
    seg[:, 0] = x0 + t * dx
    seg[:, 1] = y0 + t * dy


def _column(n: int, x: float, centre_y: float, height: float) -> tuple[np.ndarray, float]:
    spacing = min(height / max(n, 1), MAX_SPACING)
    radius = min(0.38 * spacing, MAX_RADIUS)
    ys = centre_y + (np.arange(n) - (n - 1) / 2.0) * spacing
    return np.column_stack([np.full(n, x), ys]), radius


def layout_network(sizes) -> SceneLayout:
    """Lay out a perceptron with layer ``sizes`` (input first, e.g. ``[784, 16, 16, 10]``)."""
    sizes = tuple(int(n) for n in sizes)
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"need an input and at least one more layer, got sizes {sizes}")
    centre_y = TOP + (HEIGHT - TOP - BOTTOM) / 2.0
    column_height = HEIGHT - TOP - BOTTOM - 20.0
    side = math.isqrt(sizes[0])
    positions, radii, captions = [], [], []
    if side * side == sizes[0] and side > 1:
        pixel = GRID_SIDE / side
        gx, gy = LEFT, centre_y - GRID_SIDE / 2.0
        rows, cols = np.divmod(np.arange(sizes[0]), side)
        positions.append(np.column_stack([gx + (cols + 0.5) * pixel, gy + (rows + 0.5) * pixel]))
        radii.append(pixel / 2.0)
        grid_rect = (gx, gy, GRID_SIDE, GRID_SIDE)
        captions.append((gx + GRID_SIDE / 2.0, gy + GRID_SIDE + 14.0))
        first_x = gx + GRID_SIDE
        grid_side = side
    else:
        pos, r = _column(sizes[0], LEFT + 40.0, centre_y, column_height)
        positions.append(pos)
        radii.append(r)
        grid_rect = None
        captions.append((LEFT + 40.0, HEIGHT - BOTTOM + 10.0))
        first_x = LEFT + 40.0
        grid_side = 0
    # The first hidden column sits a bit closer to the grid than the later columns sit to each
    # other: its lines are the most numerous, and drawing cost grows with their length.
    n_later = len(sizes) - 1
    last_x = WIDTH - RIGHT_MARGIN
    weights = np.array([0.75] + [1.0] * (n_later - 1))
    xs = first_x + np.cumsum(weights) / weights.sum() * (last_x - first_x)
    for n, x in zip(sizes[1:], xs):
        pos, r = _column(n, float(x), centre_y, column_height)
        positions.append(pos)
        radii.append(r)
    # Captions of the columns share one line, just under the tallest column.
    caption_y = max(float(p[:, 1].max()) + r for p, r in zip(positions[1:], radii[1:])) + 16.0
    captions += [(float(x), caption_y) for x in xs]
    return SceneLayout(
        sizes=sizes,
        positions=tuple(positions),
        radii=tuple(radii),
        grid_side=grid_side,
        grid_rect=grid_rect,
        captions=tuple(captions),
        bounds=(0.0, 0.0, WIDTH, HEIGHT),
    )
