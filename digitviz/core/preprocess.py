"""Turn any drawing into the 28x28 image an MNIST network expects.

The MNIST digits were made by cropping each digit to its ink, scaling the longer side to 20
pixels with anti-aliasing (aspect ratio kept), and placing the result in a 28x28 field so that
its centre of mass sits at the centre. Measured on the MNIST test set, that centre is pixel
(14.0, 14.0) in (row, column) index coordinates, reached by whole-pixel shifts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIZE = 28
BOX = 20
CENTRE = 14.0


@dataclass(frozen=True)
class MnistSteps:
    """The stages of :func:`to_mnist`, for showing why each one matters.

    ``cropped``: the ink's bounding box, values in [0, 1]; ``scaled``: that box with its longer
    side resampled to 20 pixels; ``result``: (28, 28) float32, centred by centre of mass.
    ``shift``: the (row, column) offset of ``scaled`` inside ``result``.
    """

    cropped: np.ndarray
    scaled: np.ndarray
    result: np.ndarray
    shift: tuple[int, int]


def _resample_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) linear map that resamples a 1-D signal from n_in to n_out samples.

    Shrinking averages the input over each output pixel's footprint (area resampling, which
    anti-aliases); enlarging interpolates linearly between pixel centres. n_in == n_out gives
    the identity, so an image that is already 20 pixels tall is left exactly as it is.
    """
    if n_out == n_in:
        return np.eye(n_in)
    scale = n_in / n_out
    m = np.zeros((n_out, n_in))
    if n_out < n_in:
        for i in range(n_out):
            lo, hi = i * scale, (i + 1) * scale
            for j in range(int(np.floor(lo)), min(int(np.ceil(hi)), n_in)):
                m[i, j] = min(hi, j + 1) - max(lo, j)
        return m / scale
    centres = (np.arange(n_out) + 0.5) * scale - 0.5
    centres = np.clip(centres, 0, n_in - 1)
    left = np.floor(centres).astype(int)
    right = np.minimum(left + 1, n_in - 1)
    frac = centres - left
    m[np.arange(n_out), left] += 1 - frac
    m[np.arange(n_out), right] += frac
    return m


def _clean(image) -> np.ndarray:
    a = np.asarray(image, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"expected a 2-D image, got an array shaped {a.shape}")
    a = np.nan_to_num(a, nan=0.0, posinf=0.0, neginf=0.0)
    return np.clip(a, 0.0, None)


def mnist_steps(image) -> MnistSteps:
    """Run the MNIST preprocessing on ``image`` and keep every stage (see :class:`MnistSteps`)."""
    a = _clean(image)
    peak = a.max() if a.size else 0.0
    if peak <= 0:
        empty = np.zeros((SIZE, SIZE), dtype=np.float32)
        return MnistSteps(np.zeros((0, 0)), np.zeros((0, 0)), empty, (0, 0))
    a = a / peak
    rows = np.flatnonzero(a.any(axis=1))
    cols = np.flatnonzero(a.any(axis=0))
    cropped = a[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    h, w = cropped.shape
    longer = max(h, w)
    new_h = max(1, int(round(h * BOX / longer)))
    new_w = max(1, int(round(w * BOX / longer)))
    scaled = _resample_matrix(h, new_h) @ cropped @ _resample_matrix(w, new_w).T
    scaled = np.clip(scaled / scaled.max(), 0.0, 1.0)

    result, shift = _place_by_centre_of_mass(scaled)
    return MnistSteps(cropped, scaled, result, shift)


def _place_by_centre_of_mass(box: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    """``box`` (h, w) with ink placed in a (28, 28) float32 image so that its centre of mass lands
    on (14, 14), shifted by whole pixels and kept inside so no ink is lost; and ``(top, left)``."""
    h, w = box.shape
    com_r, com_c = centre_of_mass(box)
    top = int(np.clip(np.round(CENTRE - com_r), 0, SIZE - h))
    left = int(np.clip(np.round(CENTRE - com_c), 0, SIZE - w))
    result = np.zeros((SIZE, SIZE), dtype=np.float32)
    result[top : top + h, left : left + w] = box
    return result, (top, left)


def to_mnist(image) -> np.ndarray:
    """Preprocess a drawing the way the MNIST digits were made.

    ``image`` is any 2-D array with ink high on a zero background (any scale; NaN and negative
    values count as background). Returns (28, 28) float32 in [0, 1]; all zeros for an empty image.
    """
    return mnist_steps(image).result


def centre_of_mass(image) -> tuple[float, float]:
    """(row, column) centre of mass of a 2-D image in pixel index coordinates."""
    a = _clean(image)
    mass = a.sum()
    if mass <= 0:
        return (float("nan"), float("nan"))
    return (
        float(a.sum(axis=1) @ np.arange(a.shape[0]) / mass),
        float(a.sum(axis=0) @ np.arange(a.shape[1]) / mass),
    )


# MNIST's strokes are about 2-3 pixels wide in the 28x28 field; a pen of this width (in 28-pixel
# units, with a one-pixel anti-aliased edge) gives the same mean ink per digit as the MNIST
# training set (measured by benchmarks/drawn_digits.py).
STROKE_WIDTH = 2.4


def smooth_polyline(points: np.ndarray, per_curve: int = 4) -> np.ndarray:
    """The path the canvas draws through ``points`` (m, 2), as a dense (k, 2) polyline.

    The canvas joins the midpoints of successive segments with quadratic curves whose control
    points are the mouse positions (and draws the first and last half segments straight), which
    rounds the corners of sparse mouse events; this follows the same path.
    """
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if len(p) < 3:
        return p
    mids = (p[1:-1] + p[2:]) / 2  # curve i runs from start[i] to mids[i] with control p[i + 1]
    starts = np.vstack([p[:1], mids[:-1]])
    t = (np.arange(1, per_curve + 1) / per_curve)[None, :, None]
    curves = ((1 - t) ** 2 * starts[:, None] + 2 * (1 - t) * t * p[1:-1, None] + t**2 * mids[:, None])
    return np.vstack([p[:1], curves.reshape(-1, 2), p[-1:]])


def _segment_distance(px: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(n,) distance from each point of ``px`` (n, 2) to the nearest of the segments a[i]-b[i]."""
    d = b - a
    length2 = np.maximum((d * d).sum(axis=1), 1e-12)
    rel = px[:, None, :] - a[None, :, :]
    t = np.clip((rel * d[None]).sum(axis=2) / length2[None], 0.0, 1.0)
    near = rel - t[..., None] * d[None]
    return np.sqrt((near * near).sum(axis=2).min(axis=1))


def render_segments(segments: list[tuple[np.ndarray, np.ndarray]], pen_width: float,
                     shape: tuple[int, int]) -> np.ndarray:
    """Anti-aliased round-capped strokes: (h, w) float image, 1 within the pen, a 1-pixel ramp.

    ``segments`` are (a, b) pairs of (k, 2) (x, y) endpoints in pixel index coordinates.
    """
    a = np.vstack([s[0] for s in segments])
    b = np.vstack([s[1] for s in segments])
    h, w = shape
    reach = pen_width / 2 + 1.0
    lo = np.floor(np.minimum(a, b).min(axis=0) - reach).astype(int)
    hi = np.ceil(np.maximum(a, b).max(axis=0) + reach).astype(int)
    x0, y0 = max(lo[0], 0), max(lo[1], 0)
    x1, y1 = min(hi[0], w - 1), min(hi[1], h - 1)
    out = np.zeros(shape)
    if x1 < x0 or y1 < y0:
        return out
    ys, xs = np.mgrid[y0 : y1 + 1, x0 : x1 + 1]
    px = np.column_stack([xs.ravel(), ys.ravel()]).astype(np.float64)
    dist = np.full(len(px), np.inf)
    for start in range(0, len(a), 256):  # bounded memory for long drawings
        dist = np.minimum(dist, _segment_distance(px, a[start : start + 256], b[start : start + 256]))
    out[y0 : y1 + 1, x0 : x1 + 1] = np.clip(pen_width / 2 + 0.5 - dist, 0.0, 1.0).reshape(ys.shape)
    return out


def stroke_steps(strokes, pen_width: float = STROKE_WIDTH) -> MnistSteps:
    """Render pen strokes the way MNIST's digits look, whatever size they were drawn at.

    ``strokes`` is a sequence of strokes, each a sequence of (x, y) points in canvas coordinates
    (any unit, y down), in the order drawn. The path through each stroke's points (smoothed as the
    canvas draws it) is scaled so that, with a pen ``pen_width`` pixels wide, the ink's longer
    side is 20 pixels, drawn anti-aliased with round caps and joins, and moved so that its centre
    of mass is at (14, 14), as :func:`mnist_steps` does with an image. Unlike scaling the canvas
    image, the stroke width is the same for a digit drawn tiny or filling the canvas.

    Returns :class:`MnistSteps`: ``cropped`` and ``scaled`` both hold the 20-pixel box of ink,
    ``result`` is (28, 28) float32 in [0, 1] (all zeros for no strokes), ``shift`` the whole-pixel
    (row, column) position of the box in ``result``.
    """
    paths = [np.asarray(s, dtype=np.float64).reshape(-1, 2) for s in strokes]
    paths = [p[np.all(np.isfinite(p), axis=1)] for p in paths]
    paths = [p for p in paths if len(p)]
    if not paths:
        empty = np.zeros((SIZE, SIZE), dtype=np.float32)
        return MnistSteps(np.zeros((0, 0)), np.zeros((0, 0)), empty, (0, 0))
    allp = np.vstack(paths)
    lo, hi = allp.min(axis=0), allp.max(axis=0)
    longer = float(max(hi - lo))
    inner = BOX - pen_width  # the pen's width fills the rest of the 20-pixel box
    scale = inner / longer if longer > 0 else 1.0
    segments = []
    for p in paths:
        q = (smooth_polyline(p) - lo) * scale
        # Segments shorter than half a pixel once scaled add nothing but cost: keep one point
        # per half pixel along the path (and both ends).
        along = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(q, axis=0), axis=1))])
        keep = np.concatenate([[True], np.diff(np.floor(along * 2)) > 0])
        keep[-1] = True
        q = q[keep]
        if len(q) == 1:
            segments.append((q, q))
        else:
            segments.append((q[:-1], q[1:]))
    # The box of ink (pen included), in pixel index coordinates: points sit half a pen inside.
    size_xy = np.ceil((hi - lo) * scale + pen_width - 1e-6).astype(int)
    w, h = int(max(size_xy[0], 1)), int(max(size_xy[1], 1))
    offset = np.array([(w - (hi - lo)[0] * scale) / 2, (h - (hi - lo)[1] * scale) / 2]) - 0.5
    box = render_segments([(a + offset, b + offset) for a, b in segments], pen_width, (h, w))
    if box.sum() <= 0:
        empty = np.zeros((SIZE, SIZE), dtype=np.float32)
        return MnistSteps(box, box, empty, (0, 0))
    result, shift = _place_by_centre_of_mass(box)
    return MnistSteps(box, box, result, shift)


def strokes_to_mnist(strokes, pen_width: float = STROKE_WIDTH) -> np.ndarray:
    """(28, 28) float32 in [0, 1]: ``strokes`` rendered as MNIST digits look (see :func:`stroke_steps`)."""
    return stroke_steps(strokes, pen_width).result
