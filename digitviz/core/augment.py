"""Random distortions of MNIST digits, vectorised over the batch.

Each image gets its own small affine map (shift, rotation, scale, a little anisotropy), an
optional mild elastic displacement field and a stroke-width change (a blend towards its 3x3
dilation or erosion). All samples are bilinearly resampled at once with fancy indexing: there
is no Python loop over images. Randomness comes only from the generator passed in.

Drawn digits go through :func:`digitviz.core.preprocess.to_mnist`, which crops, scales the
longer side to 20 pixels and centres the mass; what remains different from MNIST is slant,
proportions, stroke width and wobble, which is what these distortions imitate.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

SIDE = 28
# Rotation and scaling pivot: where MNIST puts each digit's centre of mass (row, column).
PIVOT = 14.0


@dataclass(frozen=True)
class AugmentParams:
    """How strong each distortion may be; every value 0 means "leave the image alone".

    ``shift``: largest translation in pixels (uniform per axis); ``rotation``: largest rotation
    in degrees; ``scale``: largest relative size change (0.1 -> factor in [0.9, 1.1]);
    ``aspect``: largest extra relative change of one axis against the other; ``shear``: largest
    shear factor; ``stroke``: largest blend towards the dilated (thicker) or eroded (thinner)
    image, in [0, 1]; ``elastic``: largest displacement of the smooth random field, in pixels;
    ``probability``: fraction of images distorted at all (the others pass unchanged).
    """

    shift: float = 2.0
    rotation: float = 12.0
    scale: float = 0.12
    aspect: float = 0.10
    shear: float = 0.15
    stroke: float = 0.5
    elastic: float = 0.8
    probability: float = 0.75

    def as_dict(self) -> dict:
        return asdict(self)

    def scaled(self, strength: float, probability: float | None = None) -> AugmentParams:
        """These magnitudes times ``strength`` (stroke capped at 1), with another probability."""
        return AugmentParams(
            shift=self.shift * strength,
            rotation=self.rotation * strength,
            scale=self.scale * strength,
            aspect=self.aspect * strength,
            shear=self.shear * strength,
            stroke=min(1.0, self.stroke * strength),
            elastic=self.elastic * strength,
            probability=self.probability if probability is None else probability,
        )


NO_AUGMENTATION = AugmentParams(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def augment(images: np.ndarray, rng: np.random.Generator, params: AugmentParams = AugmentParams()) -> np.ndarray:
    """Distort every image independently.

    ``images`` is (n, 784) or (n, 28, 28) with values in [0, 1]; returns a new float32 array of
    the same shape, values in [0, 1]. With all parameters zero the images come back unchanged.
    """
    src = np.asarray(images, dtype=np.float32)
    shape = src.shape
    n = shape[0]
    imgs = src.reshape(n, SIDE, SIDE)
    if n == 0:
        return src.copy()
    # Draw every number for every image (so results do not depend on how a set is chunked),
    # then compute only the images that were chosen.
    chosen = np.flatnonzero(rng.random(n) < params.probability)
    u = rng.uniform(-1.0, 1.0, size=(n, 7))[chosen]
    coarse = rng.uniform(-1.0, 1.0, size=(2, n, 4, 4))[:, chosen]

    rows, cols = _affine_grid(u, params)
    if params.elastic > 0:
        dr, dc = _smooth_field(coarse * params.elastic)
        rows, cols = rows + dr, cols + dc
    part = bilinear_sample(imgs[chosen], rows, cols)
    if params.stroke > 0:
        part = change_stroke(part, u[:, 6] * params.stroke)
    out = imgs.copy()
    out[chosen] = np.clip(part, 0.0, 1.0)
    return out.reshape(shape)


def _affine_grid(u: np.ndarray, p: AugmentParams) -> tuple[np.ndarray, np.ndarray]:
    """Source coordinates (n, 28, 28) for every output pixel, from uniform draws u (n, 7)."""
    angle = np.deg2rad(u[:, 0] * p.rotation)
    size = 1.0 + u[:, 1] * p.scale
    stretch = 1.0 + u[:, 2] * p.aspect
    s_row, s_col = size * stretch, size / stretch
    shear = u[:, 3] * p.shear
    t_row = (u[:, 4] * p.shift).astype(np.float32)
    t_col = (u[:, 5] * p.shift).astype(np.float32)

    # Forward map A = R(angle) @ Shear @ diag(s_row, s_col); we need its inverse to know, for each
    # output pixel, where to read the input.
    cos, sin = np.cos(angle), np.sin(angle)
    a = np.empty((len(u), 2, 2))
    a[:, 0, 0] = cos * s_row
    a[:, 0, 1] = (cos * shear - sin) * s_col
    a[:, 1, 0] = sin * s_row
    a[:, 1, 1] = (sin * shear + cos) * s_col
    inv = np.linalg.inv(a)

    inv = inv.astype(np.float32)
    grid = np.arange(SIDE, dtype=np.float32) - np.float32(PIVOT)
    dr = grid[None, :, None] - t_row[:, None, None]
    dc = grid[None, None, :] - t_col[:, None, None]
    rows = inv[:, 0, 0, None, None] * dr + inv[:, 0, 1, None, None] * dc + np.float32(PIVOT)
    cols = inv[:, 1, 0, None, None] * dr + inv[:, 1, 1, None, None] * dc + np.float32(PIVOT)
    return rows, cols


def _smooth_field(coarse: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column displacement fields (n, 28, 28) interpolated from (2, n, 4, 4) coarse values."""
    up = _upsample_matrix(coarse.shape[-1], SIDE).astype(np.float32)
    field = up @ coarse.astype(np.float32) @ up.T
    return field[0], field[1]


def _upsample_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) linear interpolation matrix spanning the whole output range."""
    pos = np.linspace(0.0, n_in - 1.0, n_out)
    left = np.minimum(np.floor(pos).astype(int), n_in - 2)
    frac = pos - left
    m = np.zeros((n_out, n_in))
    m[np.arange(n_out), left] = 1.0 - frac
    m[np.arange(n_out), left + 1] = frac
    return m


def bilinear_sample(images: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Read (n, h, w) images at fractional (row, column) positions, zero outside.

    ``rows`` and ``cols`` are (n, H, W) source coordinates; returns (n, H, W) float32.
    """
    n, h, w = images.shape
    padded = np.zeros((n, h + 2, w + 2), dtype=np.float32)
    padded[:, 1:-1, 1:-1] = images
    flat = padded.reshape(-1)
    # Shift by the one-pixel zero border and clamp: anything outside reads that border.
    r = np.clip(np.asarray(rows, dtype=np.float32) + 1, 0, h + 1)
    c = np.clip(np.asarray(cols, dtype=np.float32) + 1, 0, w + 1)
    r0 = np.minimum(r.astype(np.intp), h)  # truncation is floor here: r, c >= 0
    c0 = np.minimum(c.astype(np.intp), w)
    fr = r - r0.astype(np.float32)
    fc = c - c0.astype(np.float32)
    base = (np.arange(n, dtype=np.intp) * (h + 2) * (w + 2))[:, None, None]
    i00 = base + r0 * (w + 2) + c0
    top = flat[i00] * (1 - fc) + flat[i00 + 1] * fc
    bottom = flat[i00 + w + 2] * (1 - fc) + flat[i00 + w + 3] * fc
    return top * (1 - fr) + bottom * fr


def _neighbourhood(images: np.ndarray, reduce) -> np.ndarray:
    """3x3 max or min filter over (n, h, w) images (zero outside), as two separable passes."""
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    rows = reduce(reduce(padded[:, :-2], padded[:, 1:-1]), padded[:, 2:])
    return reduce(reduce(rows[:, :, :-2], rows[:, :, 1:-1]), rows[:, :, 2:])


def change_stroke(images: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """Thicken (``amount`` > 0) or thin (< 0) each stroke; ``amount`` is (n,) in [-1, 1].

    The result blends each (n, 28, 28) image towards its 3x3 dilation or erosion by ``|amount|``;
    0 leaves it unchanged. Each filter is computed only for the images that need it.
    """
    amount = np.asarray(amount, dtype=np.float32)
    out = images.copy()
    for sign, reduce in ((1, np.maximum), (-1, np.minimum)):
        idx = np.flatnonzero(amount * sign > 0)
        if len(idx):
            part = images[idx]
            target = _neighbourhood(part, reduce)
            out[idx] = part + np.abs(amount[idx])[:, None, None] * (target - part)
    return out
