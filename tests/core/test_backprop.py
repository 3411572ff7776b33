"""The one backpropagation, against finite differences and against a hand computation."""

import numpy as np
import pytest

from digitviz.core import activations as act
from digitviz.core.backprop import backprop, example_costs, one_hot
from digitviz.core.network import Network

CASES = [(h, o, c) for h in ("sigmoid", "relu", "tanh") for o in ("sigmoid", "softmax")
         for c in ("quadratic", "cross_entropy")]


def _net_and_batch(hidden, output, seed=7):
    rng = np.random.default_rng(seed)
    net = Network.random([5, 4, 3, 3], rng, hidden, output)
    for b in net.biases:
        b[:] = rng.normal(0, 0.3, b.shape)
    x = rng.random((3, 5))
    # Soft targets too: nothing assumes one-hot (the categorical cross-entropy of a softmax
    # output assumes rows summing to 1, as these do).
    y = np.eye(3)[rng.integers(0, 3, 3)] * 0.91 + 0.03
    return net, x, y


def _cost(net, x, y, cost):
    return float(np.mean(example_costs(net.forward(x)[-1], y, cost, net.output_activation)))


def _cost_from_layer(net, a, layer, y, cost):
    """Mean cost when layer ``layer``'s activations are replaced by ``a`` (n, n_l)."""
    for i in range(layer, len(net.weights)):
        a = act.FUNCTIONS[net.activation_of(i + 1)](a @ net.weights[i].T + net.biases[i])
    return float(np.mean(example_costs(a, y, cost, net.output_activation)))


@pytest.mark.parametrize("hidden,output,cost", CASES)
def test_parameter_gradients_agree_with_finite_differences(hidden, output, cost):
    net, x, y = _net_and_batch(hidden, output)
    result = net.backprop(x, y, cost)
    assert result.cost == pytest.approx(_cost(net, x, y, cost), rel=1e-12)
    eps = 1e-6
    for params, grads in ((net.weights, result.dW), (net.biases, result.db)):
        for p, g in zip(params, grads):
            assert g.shape == p.shape
            for idx in np.ndindex(p.shape):
                old = p[idx]
                p[idx] = old + eps
                up = _cost(net, x, y, cost)
                p[idx] = old - eps
                down = _cost(net, x, y, cost)
                p[idx] = old
                assert g[idx] == pytest.approx((up - down) / (2 * eps), abs=2e-7)


@pytest.mark.parametrize("hidden,output,cost", CASES)
def test_nudges_and_input_gradient_agree_with_finite_differences(hidden, output, cost):
    net, x, y = _net_and_batch(hidden, output, seed=11)
    result = net.backprop(x, y, cost, input_gradient=True)
    n = len(x)
    acts = net.forward(x)
    eps = 1e-6
    for layer in range(0, len(net.weights) + 1):
        exact = result.dC_dx if layer == 0 else result.dC_da[layer - 1]
        assert exact.shape == acts[layer].shape
        for idx in np.ndindex(acts[layer].shape):
            plus, minus = acts[layer].copy(), acts[layer].copy()
            plus[idx] += eps
            minus[idx] -= eps
            numeric = (_cost_from_layer(net, plus, layer, y, cost)
                       - _cost_from_layer(net, minus, layer, y, cost)) / (2 * eps)
            # dC_da is per example (d C_x / d a); the batch's mean cost divides by n.
            assert exact[idx] / n == pytest.approx(numeric, abs=2e-7)
    for layer in range(1, len(net.weights) + 1):
        np.testing.assert_allclose(result.nudges(layer), -result.dC_da[layer - 1].mean(axis=0))
        # d C / d b of a layer is d C / d z averaged over the batch.
        np.testing.assert_allclose(result.db[layer - 1], result.dC_dz[layer - 1].mean(axis=0), rtol=1e-12)


def _hand_network():
    # 2 inputs -> 2 ReLU -> 2 sigmoid outputs, with numbers chosen so that z2 = 0 (a2 = 1/2).
    w1 = np.array([[1.0, -1.0], [0.5, 0.25]])
    b1 = np.array([0.5, 0.0])
    w2 = np.array([[2.0, -1.0], [3.0, 0.0]])
    b2 = np.array([1.0, 0.0])
    return Network([w1, w2], [b1, b2], "relu", "sigmoid")


def test_a_two_layer_example_computed_by_hand():
    net = _hand_network()
    x = np.array([[1.0, 2.0]])
    y = np.array([[1.0, 0.0]])
    r = net.backprop(x, y, "quadratic", input_gradient=True)
    # Forward: z1 = (1 - 2 + 0.5, 0.5 + 0.5) = (-0.5, 1); a1 = relu = (0, 1);
    # z2 = (0 - 1 + 1, 0 + 0) = (0, 0); a2 = (1/2, 1/2).
    np.testing.assert_array_equal(r.zs[0], [[-0.5, 1.0]])
    np.testing.assert_array_equal(r.activations[1], [[0.0, 1.0]])
    np.testing.assert_array_equal(r.activations[2], [[0.5, 0.5]])
    # C = (1/2 - 1)^2 + (1/2 - 0)^2 = 1/2.
    assert r.cost == 0.5
    # dC/da2 = 2 (a2 - y) = (-1, 1): the first output wants up, the second down.
    np.testing.assert_array_equal(r.dC_da[1], [[-1.0, 1.0]])
    np.testing.assert_array_equal(r.nudges(2), [1.0, -1.0])
    # sigma'(0) = 1/4, so dC/dz2 = (-1/4, 1/4); dW2 = dC/dz2 a1^T; db2 = dC/dz2.
    np.testing.assert_array_equal(r.dC_dz[1], [[-0.25, 0.25]])
    np.testing.assert_array_equal(r.dW[1], [[0.0, -0.25], [0.0, 0.25]])
    np.testing.assert_array_equal(r.db[1], [-0.25, 0.25])
    # dC/da1 = W2^T dC/dz2 = (2 (-1/4) + 3 (1/4), -1 (-1/4) + 0) = (1/4, 1/4).
    np.testing.assert_array_equal(r.dC_da[0], [[0.25, 0.25]])
    # ReLU slope: 0 where z1 = -0.5, 1 where z1 = 1. dC/dz1 = (0, 1/4).
    np.testing.assert_array_equal(r.dC_dz[0], [[0.0, 0.25]])
    np.testing.assert_array_equal(r.dW[0], [[0.0, 0.0], [0.25, 0.5]])
    np.testing.assert_array_equal(r.db[0], [0.0, 0.25])
    # dC/dx = W1^T dC/dz1 = (0.5 / 4, 0.25 / 4).
    np.testing.assert_array_equal(r.dC_dx, [[0.125, 0.0625]])


def test_the_hand_example_with_cross_entropy_and_a_batch_of_two():
    net = _hand_network()
    # The same example, and one whose hidden layer is silent (x = 0: z1 = (0.5, 0), a1 = (0.5, 0),
    # z2 = (2, 1.5)): the batch's gradient is the mean of the two.
    x = np.array([[1.0, 2.0], [0.0, 0.0]])
    y = np.array([[1.0, 0.0], [1.0, 0.0]])
    r = net.backprop(x, y, "cross_entropy")
    one = net.backprop(x[:1], y[:1], "cross_entropy")
    two = net.backprop(x[1:], y[1:], "cross_entropy")
    # Binary cross-entropy of (1/2, 1/2) against (1, 0): -log(1/2) - log(1/2) = 2 log 2.
    assert one.cost == pytest.approx(2 * np.log(2), rel=1e-15)
    # dC/dz2 = a - y = (-1/2, 1/2), so dW2 = (-1/2, 1/2)^T (0, 1).
    np.testing.assert_array_equal(one.dW[1], [[0.0, -0.5], [0.0, 0.5]])
    np.testing.assert_allclose(r.costs, [one.cost, two.cost])
    assert r.cost == pytest.approx((one.cost + two.cost) / 2)
    for g, g1, g2 in zip(r.dW + r.db, one.dW + one.db, two.dW + two.db):
        np.testing.assert_allclose(g, (g1 + g2) / 2, rtol=1e-12)


def test_gradients_keeps_its_meaning():
    net, x, y = _net_and_batch("sigmoid", "softmax")
    y = np.eye(3)[[0, 2, 1]]
    gw, gb, cost = net.gradients(x, y)
    r = net.backprop(x, y, "cross_entropy")
    assert cost == r.cost == pytest.approx(-np.mean(np.log(np.sum(net.forward(x)[-1] * y, axis=1))))
    for a, b in zip(gw + gb, r.dW + r.db):
        np.testing.assert_array_equal(a, b)


def test_float32_in_float32_out_and_preallocated_gradients():
    net, x, y = _net_and_batch("sigmoid", "softmax")
    w32 = [w.astype(np.float32) for w in net.weights]
    b32 = [b.astype(np.float32) for b in net.biases]
    out = ([np.empty_like(w) for w in w32], [np.empty_like(b) for b in b32])
    r = backprop(w32, b32, "sigmoid", "softmax", x.astype(np.float32), y.astype(np.float32), out=out)
    assert all(g is o for g, o in zip(r.dW + r.db, out[0] + out[1]))
    assert all(g.dtype == np.float32 for g in r.dW + r.db)
    ref = net.backprop(x, y)
    for a, b in zip(r.dW + r.db, ref.dW + ref.db):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_unknown_cost_is_refused():
    net, x, y = _net_and_batch("sigmoid", "softmax")
    with pytest.raises(ValueError, match="unknown cost"):
        net.backprop(x, y, "hinge")


def test_one_hot_targets():
    np.testing.assert_array_equal(one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    np.testing.assert_array_equal(one_hot(1, 3), [0, 1, 0])
    assert one_hot(np.arange(10), dtype=np.float32).dtype == np.float32


@pytest.mark.parametrize("cost", ["quadratic", "cross_entropy"])
def test_one_step_moves_the_outputs_toward_the_target(cost):
    net = Network.random([784, 16, 16, 10], np.random.default_rng(4), "sigmoid", "sigmoid")
    x = np.random.default_rng(5).random(784)
    target = one_hot(3)
    before = net.backprop(x, target, cost)
    after_net = net.gradient_step(before.dW, before.db, 0.5)
    after = after_net.backprop(x, target, cost)
    assert after.cost < before.cost
    moved = after.activations[-1][0] - before.activations[-1][0]
    # Each output moved the way its nudge asked (up for the target, down for the others).
    assert np.all(np.sign(moved) == np.sign(before.nudges(3)))
    assert net.fingerprint() != after_net.fingerprint() and net.weights[0] is not after_net.weights[0]
