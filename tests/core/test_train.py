"""Training: deterministic by seed, the loss goes down, validation never touches the test set."""

import numpy as np
import pytest

from digitviz.core.mnist import Digits, bundled_test_set
from digitviz.core.train import Adam, TrainConfig, split_validation, train, validation_size
from digitviz.core.trainer import TrainerSettings


@pytest.fixture(scope="module")
def small():
    d = bundled_test_set()  # a convenient small labelled set; real training reads the training files
    return d.subset(slice(0, 1200)), d.subset(slice(1200, 1500))


def _config(**kw):
    base = dict(hidden=(16, 16), epochs=2, batch_size=32, seed=3, augment_strength=0.5, augment_probability=0.5)
    base.update(kw)
    return TrainConfig(**base)


def test_same_seed_same_network(small):
    a, _ = train(_config(), *small)
    b, _ = train(_config(), *small)
    for x, y in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_array_equal(x, y)


def test_another_seed_another_network(small):
    a, _ = train(_config(), *small)
    c, _ = train(_config(seed=4), *small)
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_loss_goes_down_and_validation_is_reported(small):
    net, history = train(_config(epochs=6, augment=False, lr=1e-2), *small)
    assert len(history) == 6
    assert history[-1].loss < 0.7 * history[0].loss
    assert all(0 <= h.validation_accuracy <= 1 for h in history)
    train_set, val = small
    assert np.mean(net.predict(train_set.images) == train_set.labels) > 0.8


def test_zero_epochs_gives_the_initial_network(small):
    net, history = train(_config(epochs=0), *small)
    assert history == [] and net.sizes == [784, 16, 16, 10]
    assert np.all(net.biases[0] == 0)


def test_validation_is_the_tail_of_the_training_data():
    d = Digits(np.arange(20, dtype=np.float32).reshape(10, 2), np.arange(10) % 10)
    tr, val = split_validation(d, 3)
    assert list(val.labels) == [7, 8, 9] and len(tr) == 7
    with pytest.raises(ValueError):
        split_validation(d, 10)


def test_adam_minimises_a_quadratic():
    opt = Adam([np.array([5.0, -3.0])])
    (x,) = opt.params
    for _ in range(2000):
        opt.step([2 * (x - [1.0, 2.0])], 0.05)
    np.testing.assert_allclose(x, [1.0, 2.0], atol=1e-3)


def test_adam_works_on_the_networks_own_arrays():
    from digitviz.core.network import Network

    net = Network.random([6, 4, 3], np.random.default_rng(0))
    before = [w.copy() for w in net.weights]
    opt = Adam.for_network(net)
    gw, gb, _ = net.gradients(np.ones((2, 6)), np.eye(3)[:2])
    opt.step(gw + gb, 0.1)
    assert all(not np.array_equal(a, b) for a, b in zip(before, net.weights))
    assert all(np.shares_memory(p, opt.flat) for p in net.weights + net.biases)


def test_learning_rate_warms_up_then_decays():
    cfg = TrainConfig(lr=1e-2, warmup_epochs=1, final_lr_fraction=0.1, epochs=10)
    settings = TrainerSettings(**cfg.trainer_settings(batches_per_epoch=10))
    rates = [settings.learning_rate_at(s) for s in range(100)]
    assert rates[0] < rates[9] == pytest.approx(1e-2)
    assert rates[-1] == pytest.approx(1e-3, rel=0.05)
    assert all(a >= b for a, b in zip(rates[10:], rates[11:]))
    assert settings.learning_rate_at(10_000) == pytest.approx(1e-3)


def test_default_validation_scales_with_the_data():
    assert validation_size(60_000) == 10_000
    assert validation_size(5_000) == 833
    assert validation_size(1) == 0


def test_adam_matches_the_textbook_update():
    rng = np.random.default_rng(0)
    p = rng.standard_normal(50)
    opt = Adam([p.copy()])
    m = np.zeros(50)
    v = np.zeros(50)
    for t in range(1, 30):
        g = rng.standard_normal(50) * (1 + t % 3)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        p = p - 0.01 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        opt.step([g], 0.01)
        np.testing.assert_allclose(opt.params[0], p, rtol=1e-12, atol=1e-14)


def test_sgd_with_and_without_momentum():
    from digitviz.core.optimizers import SGD

    plain = SGD([np.array([1.0, 2.0])])
    plain.step([np.array([0.5, -1.0])], 0.1)
    np.testing.assert_allclose(plain.params[0], [0.95, 2.1])
    heavy = SGD([np.array([1.0])], momentum=0.5)
    for _ in range(2):
        heavy.step(np.array([1.0]), 0.1)  # v = -0.1, then -0.15
    np.testing.assert_allclose(heavy.params[0], [1.0 - 0.1 - 0.15])
