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

    mass = scaled.sum()
    com_r = (scaled.sum(axis=1) @ np.arange(new_h)) / mass
    com_c = (scaled.sum(axis=0) @ np.arange(new_w)) / mass
    # Whole-pixel shift that puts the centre of mass at (14, 14), kept so that no ink is lost.
    top = int(np.clip(np.round(CENTRE - com_r), 0, SIZE - new_h))
    left = int(np.clip(np.round(CENTRE - com_c), 0, SIZE - new_w))
    result = np.zeros((SIZE, SIZE), dtype=np.float32)
    result[top : top + new_h, left : left + new_w] = scaled
    return MnistSteps(cropped, scaled, result, (top, left))


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
