from itertools import pairwise

import numpy as np
import pytest

from digitviz.core.augment import AugmentParams
from digitviz.core.mnist import bundled_test_set
from digitviz.core.network import Network
from digitviz.core.train import Adam, TrainConfig, accuracy, learning_rate, one_hot, split_validation, train


@pytest.fixture(scope="module")
def slice_():
    return bundled_test_set().subset(slice(0, 1200))


def _run(digits, **kw):
    config = TrainConfig(**{"epochs": 2, "batch_size": 32, "seed": 0, "augment": AugmentParams(), **kw})
    training, validation = split_validation(digits, 200)
    return train(config, training, validation)


def test_same_seed_gives_identical_weights(slice_):
    a, _ = _run(slice_, seed=5)
    b, _ = _run(slice_, seed=5)
    for wa, wb in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_array_equal(wa, wb)


def test_different_seed_gives_different_weights(slice_):
    a, _ = _run(slice_, seed=5)
    c, _ = _run(slice_, seed=6)
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_loss_decreases_and_learns(slice_):
    net, history = _run(slice_, epochs=6, augment=None, lr=1e-2)
    losses = [r.loss for r in history]
    assert losses[-1] < losses[0] * 0.7
    assert all(r.validation_accuracy is not None for r in history)
    assert history[-1].validation_accuracy > 0.6  # chance is 0.1
    training, _ = split_validation(slice_, 200)
    assert accuracy(net, training) > 0.7


def test_zero_epochs_is_the_initial_network(slice_):
    net, history = _run(slice_, epochs=0)
    again, _ = _run(slice_, epochs=0)
    assert history == []
    np.testing.assert_array_equal(net.weights[0], again.weights[0])
    assert net.sizes == [784, 16, 16, 10]


def test_adam_minimises_a_quadratic():
    x = np.array([5.0, -3.0])
    opt = Adam([x])
    for _ in range(2000):
        opt.step([2 * x], 0.05)
    np.testing.assert_allclose(x, 0.0, atol=1e-2)


def test_network_gradients_are_cross_entropy_gradients():
    # The trainer relies on Network.gradients; check it against finite differences of the
    # softmax cross-entropy it promises.
    rng = np.random.default_rng(0)
    net = Network.random([6, 4, 3], rng, "sigmoid", "softmax")
    x = rng.random((5, 6))
    y = one_hot(np.array([0, 2, 1, 1, 0]), 3)

    def cost():
        out = net.forward(x)[-1]
        return -np.sum(y * np.log(out)) / len(x)

    gw, _, c = net.gradients(x, y)
    assert c == pytest.approx(cost())
    eps = 1e-6
    w = net.weights[0]
    for i, j in [(0, 0), (1, 3), (3, 5)]:
        old = w[i, j]
        w[i, j] = old + eps
        up = cost()
        w[i, j] = old - eps
        down = cost()
        w[i, j] = old
        assert gw[0][i, j] == pytest.approx((up - down) / (2 * eps), rel=1e-5, abs=1e-9)


def test_learning_rate_warms_up_then_decays():
    config = TrainConfig(lr=1e-2, final_lr_fraction=0.1, warmup_epochs=1)
    rates = [learning_rate(config, s, 100, 10) for s in range(100)]
    assert rates[0] < rates[9] == pytest.approx(1e-2)
    assert rates[-1] == pytest.approx(1e-3, rel=0.01)
    assert all(a >= b for a, b in pairwise(rates[10:]))


def test_split_validation_holds_out_the_tail(slice_):
    training, validation = split_validation(slice_, 200)
    assert len(training) == 1000 and len(validation) == 200
    np.testing.assert_array_equal(validation.labels, slice_.labels[-200:])
    with pytest.raises(ValueError):
        split_validation(slice_, 1200)
