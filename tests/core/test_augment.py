import numpy as np
import pytest

from digitviz.core.augment import NO_AUGMENTATION, AugmentParams, augment, bilinear_sample, change_stroke
from digitviz.core.mnist import bundled_test_set


@pytest.fixture(scope="module")
def images():
    return bundled_test_set().images[:200]


def test_shape_dtype_and_range(images):
    out = augment(images, np.random.default_rng(0), AugmentParams(probability=1.0))
    assert out.shape == images.shape and out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0
    square = augment(images.reshape(-1, 28, 28), np.random.default_rng(0))
    assert square.shape == (200, 28, 28)


def test_zero_parameters_are_the_identity(images):
    out = augment(images, np.random.default_rng(3), NO_AUGMENTATION)
    np.testing.assert_array_equal(out, images)
    # Probability 1 but every strength zero: still the identity (the affine map is exact).
    zero = AugmentParams(0, 0, 0, 0, 0, 0, 0, probability=1.0)
    np.testing.assert_array_equal(augment(images, np.random.default_rng(3), zero), images)


def test_same_seed_same_result_other_seed_differs(images):
    a = augment(images, np.random.default_rng(7))
    b = augment(images, np.random.default_rng(7))
    c = augment(images, np.random.default_rng(8))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_distortions_change_images_and_roughly_keep_ink(images):
    out = augment(images, np.random.default_rng(1), AugmentParams(probability=1.0, stroke=0.0))
    changed = np.any(out != images, axis=1)
    assert changed.mean() > 0.95
    ratio = out.sum(axis=1) / images.sum(axis=1)
    assert 0.7 < np.median(ratio) < 1.3
    assert np.all(ratio > 0.4)


def test_probability_leaves_the_rest_untouched(images):
    out = augment(images, np.random.default_rng(2), AugmentParams(probability=0.5))
    same = np.all(out == images, axis=1).mean()
    assert 0.3 < same < 0.7


def test_bilinear_sample_shift_by_whole_pixel():
    img = np.zeros((1, 5, 5), dtype=np.float32)
    img[0, 2, 2] = 1.0
    r, c = np.meshgrid(np.arange(5.0), np.arange(5.0), indexing="ij")
    out = bilinear_sample(img, r[None] - 1, c[None])  # read one row above: content moves down
    assert out[0, 3, 2] == 1.0 and out.sum() == 1.0
    half = bilinear_sample(img, r[None] - 0.5, c[None])
    np.testing.assert_allclose(half[0, 2:4, 2], [0.5, 0.5])
    outside = bilinear_sample(img, r[None] + 100, c[None])
    assert outside.sum() == 0


def test_stroke_thickens_and_thins(images):
    x = images[:20].reshape(-1, 28, 28)
    thick = change_stroke(x, np.ones(20))
    thin = change_stroke(x, -np.ones(20))
    assert np.all(thick.sum(axis=(1, 2)) > x.sum(axis=(1, 2)))
    assert np.all(thin.sum(axis=(1, 2)) < x.sum(axis=(1, 2)))
    np.testing.assert_array_equal(change_stroke(x, np.zeros(20)), x)
