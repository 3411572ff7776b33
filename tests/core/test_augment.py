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


def _box(im, threshold=0.1):
    rows = np.flatnonzero((im > threshold).any(axis=1))
    cols = np.flatnonzero((im > threshold).any(axis=0))
    return max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1)


def test_restroke_draws_a_thicker_or_thinner_pen_along_the_same_path():
    from digitviz.core.augment import restroke

    x = _digits(50).reshape(-1, 28, 28)
    thick = restroke(x, np.ones(50))
    same = restroke(x, np.zeros(50))
    thin = restroke(x, -np.ones(50))
    ink = [a.sum(axis=(1, 2)) / x.sum(axis=(1, 2)) for a in (thin, same, thick)]
    assert np.all(ink[0] < ink[1]) and np.all(ink[1] < ink[2])
    assert 0.8 < np.median(ink[1]) < 1.3 and np.median(ink[2]) > 1.5 and np.median(ink[0]) < 0.7
    # Along the same path: every pixel of the thin stroke is ink in the original.
    assert np.mean(x[thin > 0.5] > 0.2) > 0.99


def test_normalised_distortions_fill_the_20_pixel_box_centred_by_mass():
    x = _digits(100)
    params = AugmentParams(shift=3, rotation=20, scale=0.3, aspect=0.2, shear=0.3, stroke=0, elastic=0,
                           probability=1.0, pen=0.0, normalise=True)
    out = augment(x, np.random.default_rng(2), params).reshape(-1, 28, 28)
    boxes = np.array([_box(im) for im in out])
    assert np.all(np.abs(boxes - 20) <= 1)
    coms = np.array([centre_of_mass(im) for im in out])
    assert np.all(np.abs(coms - 14) < 0.6)
    # Without normalising, the same distortions move and resize the digits.
    loose = augment(x, np.random.default_rng(2), AugmentParams(**{**params.as_dict(), "normalise": False}))
    assert np.abs(np.array([centre_of_mass(im.reshape(28, 28)) for im in loose]) - 14).max() > 1.5


def test_add_styles_gives_flagged_ones_and_crossed_sevens():
    from digitviz.core.augment import add_styles

    d = bundled_test_set()
    images, labels = d.images[:400], d.labels[:400]
    extra, extra_labels = add_styles(images, labels, np.random.default_rng(0), fraction=1.0)
    assert set(extra_labels) == {1, 7}
    n17 = np.sum((labels == 1) | (labels == 7))
    assert 0.9 * n17 <= len(extra) <= n17
    assert extra.shape == (len(extra), 784) and extra.dtype == np.float32
    assert 0 <= extra.min() and extra.max() <= 1
    # A flag makes a 1 wider: wider than the plain 1s on average.
    def width(im):
        return np.ptp(np.flatnonzero((im.reshape(28, 28) > 0.3).any(axis=0))) + 1
    plain = np.mean([width(im) for im in images[labels == 1]])
    flagged = np.mean([width(im) for im in extra[extra_labels == 1]])
    assert flagged > plain + 2
    again, _ = add_styles(images, labels, np.random.default_rng(0), fraction=1.0)
    np.testing.assert_array_equal(extra, again)
