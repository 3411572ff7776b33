"""to_mnist: the MNIST recipe (crop, scale into 20x20, centre by centre of mass) and its edge cases."""

import numpy as np
import pytest

from digitviz import mnist_steps, to_mnist
from digitviz.core.mnist import bundled_test_set
from digitviz.core.preprocess import centre_of_mass


def _box(image):
    rows = np.flatnonzero(image.any(axis=1))
    cols = np.flatnonzero(image.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def _stroke_image(shape, points, width):
    """A thick polyline drawn by hand-rolled distance maths (no Qt, no preprocessing code)."""
    yy, xx = np.mgrid[0 : shape[0], 0 : shape[1]]
    img = np.zeros(shape)
    for (y0, x0), (y1, x1) in zip(points[:-1], points[1:]):
        d = np.array([y1 - y0, x1 - x0], float)
        t = np.clip(((yy - y0) * d[0] + (xx - x0) * d[1]) / max(d @ d, 1e-9), 0, 1)
        dist = np.hypot(yy - (y0 + t * d[0]), xx - (x0 + t * d[1]))
        img = np.maximum(img, np.clip(width / 2 - dist + 0.5, 0, 1))
    return img


@pytest.mark.parametrize("shape,points", [
    ((400, 400), [(50, 300), (350, 320)]),                       # a "1" off to the right
    ((300, 500), [(60, 100), (60, 400), (280, 180)]),            # a "7", wide canvas
    ((600, 600), [(100, 100), (120, 160), (150, 140)]),          # small, in a corner
])
def test_centre_of_mass_at_14_14_and_longer_side_20(shape, points):
    out = to_mnist(_stroke_image(shape, points, width=shape[0] / 14))
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert 0 <= out.min() and out.max() == pytest.approx(1.0)
    cy, cx = centre_of_mass(out)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
    assert max(_box(out)) == 20


def test_aspect_ratio_is_kept():
    img = np.zeros((200, 200))
    img[20:180, 90:130] = 1.0  # 160 tall, 40 wide
    h, w = _box(to_mnist(img))
    assert (h, w) == (20, 5)


def test_near_idempotent_on_mnist_digits():
    digits = bundled_test_set()
    exact = 0
    for x in digits.images[:500]:
        img = x.reshape(28, 28)
        out = to_mnist(img)
        if np.array_equal(out, img):
            exact += 1
        # Never more than a one-pixel shift or a rescale of the brightest value.
        best = min(
            np.abs(np.roll(np.roll(out, dy, 0), dx, 1) - img / img.max()).max()
            for dy in (-1, 0, 1) for dx in (-1, 0, 1)
        )
        assert best < 1e-5
    assert exact >= 400


def test_steps_show_crop_scale_and_centre():
    img = np.zeros((100, 100))
    img[10:60, 30:40] = 1.0
    steps = mnist_steps(img)
    assert steps.cropped.shape == (50, 10)
    assert steps.scaled.shape == (20, 4)
    top, left = steps.shift
    np.testing.assert_array_equal(steps.result[top : top + 20, left : left + 4], steps.scaled)


def test_empty_image_gives_zeros():
    assert not to_mnist(np.zeros((50, 80))).any()
    assert not to_mnist(np.zeros((0, 0))).any()
    assert not to_mnist(np.full((10, 10), np.nan)).any()
    assert not to_mnist(-np.ones((10, 10))).any()


def test_single_dot():
    img = np.zeros((300, 300))
    img[150, 40] = 0.7
    out = to_mnist(img)
    assert out.max() == pytest.approx(1.0)
    cy, cx = centre_of_mass(out)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5


def test_stroke_touching_every_edge():
    img = np.zeros((90, 90))
    img[:, 0:8] = 1
    img[0:8, :] = 1
    out = to_mnist(img)
    assert max(_box(out)) == 20 and np.isfinite(out).all()


def test_very_large_and_very_thin_images():
    big = np.zeros((3000, 3000), dtype=np.float32)
    big[500:2500, 1400:1600] = 255
    out = to_mnist(big)
    assert _box(out) == (20, 2)
    thin = np.ones((1, 500))
    out = to_mnist(thin)
    assert _box(out) == (1, 20)
    tall = np.ones((700, 1))
    assert _box(to_mnist(tall)) == (20, 1)


def test_nan_and_negative_values_are_background():
    img = np.full((100, 100), np.nan)
    img[40:60, 45:55] = 1
    img[0:10, 0:10] = -5
    clean = np.zeros((100, 100))
    clean[40:60, 45:55] = 1
    np.testing.assert_array_equal(to_mnist(img), to_mnist(clean))


def test_any_scale_of_ink():
    img = np.zeros((60, 60))
    img[10:50, 25:35] = 1
    np.testing.assert_allclose(to_mnist(img * 255), to_mnist(img), atol=1e-6)


def test_rejects_non_2d():
    with pytest.raises(ValueError, match="2-D"):
        to_mnist(np.zeros((3, 4, 5)))


# -- stroke_steps: strokes rendered at MNIST's stroke width ----------------------------------------

from digitviz.core.preprocess import STROKE_WIDTH, smooth_polyline, stroke_steps, strokes_to_mnist  # noqa: E402

SEVEN = [[(0.0, 0.0), (1.0, 0.0), (0.4, 1.0)], [(0.35, 0.5), (0.9, 0.5)]]


def _placed(strokes, scale, dx, dy):
    return [np.array(s) * scale + (dx, dy) for s in strokes]


def _width_at_row(image, row):
    """Ink across one row of a vertical stroke, in pixels (the sum of the anti-aliased values)."""
    return float(image[row].sum())


@pytest.mark.parametrize("scale", [30.0, 120.0, 280.0])
def test_a_stroke_has_the_same_width_whatever_the_drawing_size(scale):
    one = strokes_to_mnist([[(5.0, 0.0), (5.0, scale)]])
    assert _box(one)[0] == 20  # the ink's longer side fills the 20-pixel box
    assert _width_at_row(one, 14) == pytest.approx(STROKE_WIDTH, abs=0.05)


def test_small_and_large_drawings_of_a_digit_give_the_same_input():
    small = strokes_to_mnist(_placed(SEVEN, 40.0, 200.0, 10.0))
    large = strokes_to_mnist(_placed(SEVEN, 260.0, 5.0, 8.0))
    np.testing.assert_allclose(small, large, atol=1e-6)


def test_the_stroke_input_is_centred_by_mass_inside_the_field():
    steps = stroke_steps(_placed(SEVEN, 100.0, 50.0, 60.0))
    x = steps.result
    assert x.dtype == np.float32 and x.shape == (28, 28)
    assert 0.0 <= x.min() and x.max() == pytest.approx(1.0)
    r, c = centre_of_mass(x)
    assert abs(r - 14) <= 0.5 and abs(c - 14) <= 0.5
    assert max(steps.scaled.shape) == 20
    # The ink is as much as MNIST's digits carry, not the blob a small image scaled up gives.
    assert 50 < x.sum() < 150


def test_no_strokes_a_dot_and_bad_points():
    assert not strokes_to_mnist([]).any()
    assert not strokes_to_mnist([np.zeros((0, 2))]).any()
    dot = strokes_to_mnist([[(10.0, 10.0)]])
    assert dot.any() and abs(centre_of_mass(dot)[0] - 14) <= 0.5
    with_nan = strokes_to_mnist([[(0.0, 0.0), (np.nan, 3.0), (0.0, 50.0)]])
    np.testing.assert_array_equal(with_nan, strokes_to_mnist([[(0.0, 0.0), (0.0, 50.0)]]))


def test_smooth_polyline_follows_the_canvas_path():
    p = np.array([(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)])
    q = smooth_polyline(p)
    np.testing.assert_array_equal(q[0], p[0])
    np.testing.assert_array_equal(q[-1], p[-1])
    # The corner is rounded: the path passes inside it, through the quadratic's midpoint.
    assert np.min(np.linalg.norm(q - (10.0, 0.0), axis=1)) > 1.0
    assert np.min(np.linalg.norm(q - (7.5, 1.25), axis=1)) < 1e-9
    np.testing.assert_array_equal(smooth_polyline(p[:2]), p[:2])
