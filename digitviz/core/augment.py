"""Random distortions of MNIST digits, vectorised over the batch.

Each image gets its own small affine map (shift, rotation, scale, a little anisotropy, shear),
an optional elastic displacement field, a stroke-width change (a blend towards its 3x3 dilation
or erosion) and a re-stroke with another pen width (the image blurred and cut at a level: a low
level gives a thick pen, a high one a thin pen); then, optionally, it is normalised again as the
application normalises a drawing: its ink box scaled so the longer side is 20 pixels and its
centre of mass moved to (14, 14). All samples are bilinearly resampled at once with fancy
indexing: there is no Python loop over images. Randomness comes only from the generator passed in.

Drawn digits reach the network through :mod:`digitviz.core.preprocess` (strokes drawn at MNIST's
stroke width, or the image cropped and scaled), always in a 20-pixel box and centred; what remains
different from MNIST is slant, proportions, stroke width and wobble, which is what these
distortions imitate. Shifts and size changes are undone by the normalisation, as they are for a
drawing.
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
    ``pen``: largest change of the pen width when re-stroking, in [0, 1] (1: from about half to
    about twice MNIST's width); ``normalise``: scale each distorted image's ink box back to 20
    pixels and centre its mass, as drawings are;
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
    pen: float = 0.0
    normalise: bool = False

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
            pen=min(1.0, self.pen * strength),
            normalise=self.normalise,
        )


NO_AUGMENTATION = AugmentParams(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, False)


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
    pens = rng.uniform(-1.0, 1.0, size=n)[chosen] if params.pen > 0 else None

    # Pen changes first, so that the normalisation sees the ink as it will be.
    part = imgs[chosen]
    if params.stroke > 0:
        part = change_stroke(part, u[:, 6] * params.stroke)
    if pens is not None:
        part = restroke(part, pens * params.pen)
    if params.normalise:
        rows, cols = _normalised_grid(part, _affine_matrices(u, params)[0])
    else:
        rows, cols = _affine_grid(u, params)
    if params.elastic > 0:
        dr, dc = _smooth_field(coarse * params.elastic)
        rows, cols = rows + dr, cols + dc
    part = bilinear_sample(part, rows, cols)
    out = imgs.copy()
    out[chosen] = np.clip(part, 0.0, 1.0)
    return out.reshape(shape)


def _affine_matrices(u: np.ndarray, p: AugmentParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forward maps (n, 2, 2) in (row, column) about the pivot and translations (n,), (n,)."""
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
    return a, t_row, t_col


def _affine_grid(u: np.ndarray, p: AugmentParams) -> tuple[np.ndarray, np.ndarray]:
    """Source coordinates (n, 28, 28) for every output pixel, from uniform draws u (n, 7)."""
    a, t_row, t_col = _affine_matrices(u, p)
    inv = np.linalg.inv(a).astype(np.float32)
    grid = np.arange(SIDE, dtype=np.float32) - np.float32(PIVOT)
    dr = grid[None, :, None] - t_row[:, None, None]
    dc = grid[None, None, :] - t_col[:, None, None]
    rows = inv[:, 0, 0, None, None] * dr + inv[:, 0, 1, None, None] * dc + np.float32(PIVOT)
    cols = inv[:, 1, 0, None, None] * dr + inv[:, 1, 1, None, None] * dc + np.float32(PIVOT)
    return rows, cols


def _normalised_grid(images: np.ndarray, a: np.ndarray, threshold: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Source coordinates (n, 28, 28) of the images mapped by ``a`` (n, 2, 2) and then normalised
    as a drawing is: the ink box's longer side 20 pixels, the centre of mass at (14, 14).

    Linear maps keep the centre of mass, so the output reads the source at
    ``com + inv(a) @ (out - 14) / f``, with ``f`` making the mapped ink box 20 pixels long:
    shifts and overall size do not matter any more, only the shape of the map.
    """
    n = len(images)
    flat = images.reshape(n, -1).astype(np.float32)
    r = np.repeat(np.arange(SIDE, dtype=np.float32), SIDE)
    c = np.tile(np.arange(SIDE, dtype=np.float32), SIDE)
    mass = np.maximum(flat.sum(axis=1), 1e-6)
    com = np.column_stack([flat @ r / mass, flat @ c / mass])  # (n, 2)
    has = flat.max(axis=1) > threshold
    com[~has] = PIVOT
    a32 = a.astype(np.float32)
    rel_r, rel_c = r[None] - com[:, :1], c[None] - com[:, 1:]
    mapped_r = a32[:, 0, 0, None] * rel_r + a32[:, 0, 1, None] * rel_c
    mapped_c = a32[:, 1, 0, None] * rel_r + a32[:, 1, 1, None] * rel_c
    ink = flat > threshold
    extent = [np.where(ink, m, -np.inf).max(axis=1) - np.where(ink, m, np.inf).min(axis=1) + 1
              for m in (mapped_r, mapped_c)]
    longer = np.where(has, np.maximum(extent[0], extent[1]), 20.0)
    inv = (np.linalg.inv(a) / (20.0 / np.maximum(longer, 1.0))[:, None, None]).astype(np.float32)
    grid = np.arange(SIDE, dtype=np.float32) - np.float32(PIVOT)
    dr, dc = grid[None, :, None], grid[None, None, :]
    rows = inv[:, 0, 0, None, None] * dr + inv[:, 0, 1, None, None] * dc + com[:, 0, None, None]
    cols = inv[:, 1, 0, None, None] * dr + inv[:, 1, 1, None, None] * dc + com[:, 1, None, None]
    return rows.astype(np.float32), cols.astype(np.float32)


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


def _blur(images: np.ndarray) -> np.ndarray:
    """(n, h, w) images smoothed with a separable 5-tap binomial kernel (sigma about 1 pixel)."""
    k = np.array([1, 4, 6, 4, 1], dtype=np.float32) / 16
    p = np.pad(images, ((0, 0), (2, 2), (2, 2)))
    rows = sum(k[i] * p[:, i : i + images.shape[1], :] for i in range(5))
    return sum(k[i] * rows[:, :, i : i + images.shape[2]] for i in range(5))


def restroke(images: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """Redraw each stroke with another pen: ``amount`` (n,) in [-1, 1], > 0 thicker, < 0 thinner.

    The (n, 28, 28) images are blurred and cut at a level with a one-level-wide soft edge: the
    blurred stroke is wider than the pen at low levels and narrower at high ones, so the result
    is a clean stroke of another width along the same path (unlike a blend, which only greys
    the edge). 0 gives about the original width; returns float32 in [0, 1].
    """
    amount = np.asarray(amount, dtype=np.float32)
    level = (0.42 - 0.22 * amount)[:, None, None]  # 0.2 (about twice as wide) to 0.64 (thinner)
    b = _blur(images.astype(np.float32))
    return np.clip((b - level) / 0.3 + 0.5, 0.0, 1.0).astype(np.float32)



def add_styles(images: np.ndarray, labels: np.ndarray, rng: np.random.Generator,
               fraction: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Copies of some 1s and 7s written the continental way: a flag (and sometimes a base) added
    to a 1, a crossbar to a 7, in the digit's own stroke width, normalised again as MNIST is.

    MNIST's writers were American: their 1 is mostly a plain stick and their 7 is rarely
    crossed, while many people write a 1 with a long flag and a base and cross their 7. The
    shapes here come from handwriting conventions, not from any benchmark: a flag 20-50% of the
    stem's height at 20-60 degrees below the horizontal, a base on a third of the 1s, a crossbar
    through the stem's middle third. ``images`` (n, 784) in [0, 1], ``labels`` (n,); returns
    (m, 784) float32 new images and their (m,) labels, about ``fraction`` of the 1s and 7s.
    """
    from .preprocess import render_segments, to_mnist

    images = np.asarray(images, dtype=np.float32).reshape(-1, SIDE, SIDE)
    picked = [i for i in np.flatnonzero((labels == 1) | (labels == 7)) if rng.random() < fraction]
    out = []
    for i in picked:
        img = images[i]
        ink = img > 0.3
        rows = np.flatnonzero(ink.any(axis=1))
        if len(rows) < 5:
            continue
        top, bottom = rows[0], rows[-1]
        height = bottom - top + 1
        width_px = float(np.clip(img.sum() / (height * 1.6 if labels[i] == 1 else height * 3.0), 1.6, 3.5))
        segments = []
        if labels[i] == 1:
            # (x, y) of the stem's top and bottom: the middle of the ink in the first and last rows.
            top_xy = np.array([np.flatnonzero(ink[top]).mean(), top])
            bottom_xy = np.array([np.flatnonzero(ink[bottom]).mean(), bottom])
            length = rng.uniform(0.2, 0.5) * height
            angle = np.radians(rng.uniform(20, 60))
            start = top_xy + [-length * np.cos(angle), length * np.sin(angle)]
            segments.append((start, top_xy))
            if rng.random() < 1 / 3:
                half = rng.uniform(0.2, 0.4) * height
                segments.append((bottom_xy - [half, 0], bottom_xy + [half * rng.uniform(0.8, 1.2), 0]))
        else:
            row = top + int(round(rng.uniform(0.45, 0.65) * (height - 1)))
            cols = np.flatnonzero(ink[row])
            if len(cols) == 0:
                continue
            centre = np.array([cols.mean() + rng.uniform(0.0, 0.1) * height, row])
            half = rng.uniform(0.15, 0.3) * height
            tilt = np.tan(np.radians(rng.uniform(-8, 8))) * half
            segments.append((centre - [half, tilt], centre + [half, tilt]))
        big = np.zeros((56, 56))
        big[14:42, 14:42] = img  # room for a flag or a bar that reaches outside the 28x28 field
        a = np.array([s[0] for s in segments]) + 14
        b = np.array([s[1] for s in segments]) + 14
        added = render_segments([(a, b)], width_px, big.shape)
        out.append((to_mnist(np.maximum(big, added)).reshape(-1), labels[i]))
    if not out:
        return np.zeros((0, SIDE * SIDE), np.float32), np.zeros(0, dtype=np.asarray(labels).dtype)
    return np.array([o[0] for o in out], dtype=np.float32), np.array([o[1] for o in out])
