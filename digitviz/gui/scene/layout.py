"""Where every neuron of a perceptron goes in the scene, and the end points of every connection.

Pure NumPy geometry, in scene units with y pointing down (the scene's ViewBox inverts y). The
scene lays the network out for the size of its view, so at "fit view" one scene unit is one
screen pixel: the columns fill the height, the circles are as big as the space allows and the
text keeps its size on any screen. The input layer is a square image grid when its size is a
perfect square (784 -> 28 x 28) and a column otherwise; every later layer is a column of circles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

WIDTH = 1600.0  # the default size: ``digitviz render`` and the benchmarks
HEIGHT = 900.0
MARGIN = 14.0  # around the network, inside the view
CAPTION = 26.0  # the captions' line under the columns
LABEL_WIDTH = 66.0  # the output labels "9  0.00" right of the output column
FULL_COLUMN = 16  # a column of this many neurons (or more) fills the height; fewer keep its spacing
MAX_RADIUS = 30.0


@dataclass(frozen=True)
class SceneLayout:
    """Positions of all neurons of a network with ``sizes`` (input first).

    ``positions[l]`` is (n_l, 2) float64 (x, y) centres; for an image grid input, pixel
    ``r * side + c`` sits at row r, column c. ``radii[l]`` is the circle radius of layer l
    (for the grid: half a pixel). ``grid_rect`` is (x, y, w, h) of the input grid, or None when
    the input is drawn as a column. ``captions[l]`` is (x, y) of the caption's top centre, all
    on one line below every neuron and every connection. ``label_gap`` is how far right of an
    output circle's edge its label starts (clear of the answer ring).
    """

    sizes: tuple[int, ...]
    positions: tuple[np.ndarray, ...]
    radii: tuple[float, ...]
    grid_side: int  # pixels per side of the input grid; 0 when the input is a column
    grid_rect: tuple[float, float, float, float] | None
    captions: tuple[tuple[float, float], ...]
    bounds: tuple[float, float, float, float]
    label_gap: float = 12.0

    def segments(self, layer: int) -> np.ndarray:
        """End points of the connections into ``layer`` (1 = first hidden layer).

        Returns (n_out * n_in, 4) float64 C-contiguous rows (x0, y0, x1, y1), row
        ``j * n_in + i`` for the weight ``weights[layer - 1][j, i]`` (same order as ``W.ravel()``),
        from source neuron i to target neuron j: from the edge of one circle to the edge of the
        other. Lines from the input grid start at their pixel's centre (the grid is drawn over
        them, its dark pixels see-through).
        """
        src = self.positions[layer - 1]
        dst = self.positions[layer]
        n_in, n_out = len(src), len(dst)
        seg = np.empty((n_out, n_in, 4))
        seg[:, :, 0:2] = src[None, :, :]
        seg[:, :, 2:4] = dst[:, None, :]
        seg = seg.reshape(n_out * n_in, 4)
        # The circles are drawn over the lines' ends: leave those hidden bits out (fewer pixels
        # to draw, for every frame).
        from_grid = layer == 1 and self.grid_rect is not None
        return trim_ends(seg, 0.0 if from_grid else self.radii[layer - 1], self.radii[layer])

    def neuron_extent(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) around every neuron (circles with their radius, the whole grid)."""
        boxes = []
        for pos, r in zip(self.positions, self.radii):
            boxes.append((pos[:, 0].min() - r, pos[:, 1].min() - r, pos[:, 0].max() + r, pos[:, 1].max() + r))
        b = np.array(boxes)
        return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())


def trim_ends(seg: np.ndarray, start: float, end: float) -> np.ndarray:
    """(n, 4) segments shortened by ``start`` units at the start and ``end`` at the end (never
    past each other): C-contiguous float64."""
    seg = np.array(seg, dtype=float, copy=True).reshape(-1, 4)
    d = seg[:, 2:4] - seg[:, 0:2]
    length = np.hypot(d[:, 0], d[:, 1])
    with np.errstate(divide="ignore", invalid="ignore"):
        unit = np.where(length[:, None] > start + end, d / length[:, None], 0.0)
    seg[:, 0:2] += start * unit
    seg[:, 2:4] -= end * unit
    return np.ascontiguousarray(seg)


def clip_starts_to_rect_exit(seg: np.ndarray, rect) -> np.ndarray:
    """(n, 4) segments whose start points (inside ``rect`` (x, y, w, h)) are moved to where each
    segment leaves the rectangle: the part of a line that is outside the input grid."""
    seg = np.array(seg, dtype=float, copy=True).reshape(-1, 4)
    x, y, w, h = rect
    x0, y0 = seg[:, 0], seg[:, 1]
    dx, dy = seg[:, 2] - x0, seg[:, 3] - y0
    with np.errstate(divide="ignore", invalid="ignore"):
        tx = np.where(dx > 0, (x + w - x0) / dx, np.where(dx < 0, (x - x0) / dx, np.inf))
        ty = np.where(dy > 0, (y + h - y0) / dy, np.where(dy < 0, (y - y0) / dy, np.inf))
    t = np.clip(np.minimum(tx, ty), 0.0, 1.0)
    seg[:, 0] = x0 + t * dx
    seg[:, 1] = y0 + t * dy
    return seg


def _column(n: int, x: float, centre_y: float, spacing: float) -> np.ndarray:
    ys = centre_y + (np.arange(n) - (n - 1) / 2.0) * spacing
    return np.column_stack([np.full(n, x), ys])


def layout_network(sizes, width: float = WIDTH, height: float = HEIGHT, top: float = 0.0) -> SceneLayout:
    """Lay out a perceptron with layer ``sizes`` (input first, e.g. ``[784, 16, 16, 10]``) to fill
    a view of ``width`` x ``height`` units, below a band of ``top`` units (the legend)."""
    sizes = tuple(int(n) for n in sizes)
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"need an input and at least one more layer, got sizes {sizes}")
    width, height = max(float(width), 160.0), max(float(height), 120.0)
    top = min(max(float(top), 0.0), height / 3)
    col_top = top + MARGIN + 10.0  # the gradient view writes the arrows' scale above a column
    col_height = max(height - col_top - CAPTION - MARGIN, 40.0)
    centre_y = col_top + col_height / 2.0
    # One spacing for the columns up to FULL_COLUMN neurons: same-size circles, as in the video.
    later = sizes[1:]
    full = col_height / max(min(max(later), FULL_COLUMN), 1)
    spacings = [min(col_height / n, full) for n in later]
    radii_later = [min(0.36 * s, MAX_RADIUS) for s in spacings]
    out_r = radii_later[-1]
    label_gap = max(10.0, 0.5 * out_r + 8.0)
    font = label_font_px(spacings[-1])
    right = out_r + label_gap + LABEL_WIDTH * font / 18.0 + MARGIN
    left = MARGIN
    inner = width - left - right
    side = math.isqrt(sizes[0])
    positions, radii = [], []
    if side * side == sizes[0] and side > 1:
        grid = max(min(0.72 * col_height, 0.36 * inner), 28.0)
        pixel = grid / side
        gx, gy = left, centre_y - grid / 2.0
        rows, cols = np.divmod(np.arange(sizes[0]), side)
        positions.append(np.column_stack([gx + (cols + 0.5) * pixel, gy + (rows + 0.5) * pixel]))
        radii.append(pixel / 2.0)
        grid_rect = (gx, gy, grid, grid)
        first_x, grid_side, input_x = gx + grid, side, gx + grid / 2.0
    else:
        in_spacing = col_height / sizes[0]
        r0 = min(0.36 * in_spacing, MAX_RADIUS)
        x = left + max(r0, 8.0)
        positions.append(_column(sizes[0], x, centre_y, in_spacing))
        radii.append(r0)
        grid_rect, first_x, grid_side, input_x = None, x, 0, x
    # The first hidden column sits a bit closer to the grid than the later columns sit to each
    # other: its lines are the most numerous, and drawing cost grows with their length.
    last_x = width - right
    steps = np.array([0.75] + [1.0] * (len(later) - 1))
    xs = first_x + np.cumsum(steps) / steps.sum() * (last_x - first_x)
    for n, x, s, r in zip(later, xs, spacings, radii_later):
        positions.append(_column(n, float(x), centre_y, s))
        radii.append(r)
    # Captions share one line below every neuron, so no connection ever crosses one.
    lowest = max(float(p[:, 1].max()) + r for p, r in zip(positions, radii))
    caption_y = lowest + 6.0
    captions = [(input_x, caption_y)] + [(float(x), caption_y) for x in xs]
    return SceneLayout(
        sizes=sizes,
        positions=tuple(positions),
        radii=tuple(radii),
        grid_side=grid_side,
        grid_rect=grid_rect,
        captions=tuple(captions),
        bounds=(0.0, 0.0, width, height),
        label_gap=label_gap,
    )


def label_font_px(spacing: float) -> int:
    """Pixel size of the output labels for outputs ``spacing`` units apart."""
    return max(7, int(min(18.0, spacing * 0.55)))
