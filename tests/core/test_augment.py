import numpy as np

from digitviz.core.augment import NO_AUGMENTATION, AugmentParams, augment, bilinear_sample, change_stroke
from digitviz.core.mnist import bundled_test_set
from digitviz.core.preprocess import centre_of_mass


def _digits(n=200):
    return bundled_test_set().images[:n]


def test_shapes_range_and_dtype():
    x = _digits()
    out = augment(x, np.random.default_rng(0))
    assert out.shape == x.shape and out.dtype == np.float32
    assert out.min() >= 0 and out.max() <= 1
    assert augment(x.reshape(-1, 28, 28), np.random.default_rng(0)).shape == (200, 28, 28)


def test_zero_parameters_leave_images_alone():
    x = _digits()
    np.testing.assert_array_equal(augment(x, np.random.default_rng(0), NO_AUGMENTATION), x)
    only_chosen = AugmentParams(0, 0, 0, 0, 0, 0, 0, probability=1.0)
    np.testing.assert_allclose(augment(x, np.random.default_rng(0), only_chosen), x, atol=1e-5)


def test_deterministic_by_seed_and_varied_otherwise():
    x = _digits()
    a = augment(x, np.random.default_rng(5))
    b = augment(x, np.random.default_rng(5))
    c = augment(x, np.random.default_rng(6))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert np.mean(np.any(a != x, axis=1)) > 0.5


def test_ink_is_roughly_preserved_and_stays_near_the_centre():
    x = _digits()
    out = augment(x, np.random.default_rng(1), AugmentParams().scaled(0.5, 1.0))
    ratio = out.sum(axis=1) / x.sum(axis=1)
    assert 0.6 < np.median(ratio) < 1.5
    coms = np.array([centre_of_mass(im.reshape(28, 28)) for im in out])
    assert np.all(np.abs(coms - 14) < 4)


def test_a_pure_shift_moves_the_image():
    img = np.zeros((1, 28, 28), np.float32)
    img[0, 10, 12] = 1
    rows = np.arange(28, dtype=np.float32)[None, :, None] - 2 + np.zeros((1, 28, 28), np.float32)
    cols = np.arange(28, dtype=np.float32)[None, None, :] + np.zeros((1, 28, 28), np.float32)
    out = bilinear_sample(img, rows, cols)
    assert out[0, 12, 12] == 1 and out.sum() == 1


def test_stroke_change_thickens_and_thins():
    img = np.zeros((2, 28, 28), np.float32)
    img[:, 10:18, 13:15] = 1
    out = change_stroke(img, np.array([1.0, -1.0]))
    assert out[0].sum() > img[0].sum() and out[1].sum() < img[1].sum()
    np.testing.assert_array_equal(change_stroke(img, np.zeros(2)), img)
