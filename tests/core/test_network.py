"""The engine against independent oracles: hand computation and finite differences."""

import numpy as np
import pytest

from digitviz.core.network import Network


def _tiny(hidden="sigmoid", output="sigmoid"):
    # 3 -> 2 -> 2, numbers small enough to check by hand.
    w1 = np.array([[0.5, -1.0, 0.25], [1.5, 0.0, -0.5]])
    b1 = np.array([0.1, -0.2])
    w2 = np.array([[1.0, -1.0], [-2.0, 0.5]])
    b2 = np.array([0.0, 0.3])
    return Network([w1, w2], [b1, b2], hidden, output)


def _sig(z):
    return 1 / (1 + np.exp(-z))


def test_forward_matches_a_hand_computation():
    net = _tiny()
    x = np.array([1.0, 0.5, 0.0])
    z1 = [0.5 * 1 - 1.0 * 0.5 + 0.25 * 0 + 0.1, 1.5 * 1 + 0 - 0.5 * 0 - 0.2]  # [0.1, 1.3]
    a1 = [_sig(z1[0]), _sig(z1[1])]
    z2 = [a1[0] - a1[1], -2 * a1[0] + 0.5 * a1[1] + 0.3]
    a2 = [_sig(z2[0]), _sig(z2[1])]
    acts = net.forward(x)
    assert len(acts) == 3
    np.testing.assert_allclose(acts[0], x)
    np.testing.assert_allclose(acts[1], a1, rtol=1e-12)
    np.testing.assert_allclose(acts[2], a2, rtol=1e-12)


def test_activations_by_name():
    x = np.array([1.0, 0.5, 0.0])
    z1 = np.array([0.1, 1.3])
    relu = _tiny("relu", "softmax").forward(x)
    np.testing.assert_allclose(relu[1], np.maximum(z1, 0))
    z2 = np.array([[1.0, -1.0], [-2.0, 0.5]]) @ relu[1] + [0.0, 0.3]
    np.testing.assert_allclose(relu[2], np.exp(z2) / np.exp(z2).sum())
    np.testing.assert_allclose(_tiny("tanh").forward(x)[1], np.tanh(z1))


def test_batch_forward_equals_per_sample_forward():
    rng = np.random.default_rng(1)
    net = Network.random([784, 16, 16, 10], rng)
    xs = rng.random((5, 784))
    batch = net.forward(xs)
    for i in range(5):
        for layer, a in enumerate(net.forward(xs[i])):
            np.testing.assert_allclose(batch[layer][i], a, rtol=1e-12)
    assert [a.shape for a in batch] == [(5, 784), (5, 16), (5, 16), (5, 10)]
    assert list(net.predict(xs)) == [int(np.argmax(batch[-1][i])) for i in range(5)]
    assert isinstance(net.predict(xs[0]), int)


def test_shape_properties():
    net = Network.random([784, 16, 16, 10], np.random.default_rng(0))
    assert net.sizes == [784, 16, 16, 10]
    assert net.n_parameters == 13_002
    assert net.shape_text == "784-16-16-10"
    assert net.weights[0].shape == (16, 784) and net.biases[0].shape == (16,)


def test_shapes_that_do_not_chain_are_refused():
    with pytest.raises(ValueError, match="chain|inputs"):
        Network([np.zeros((16, 784)), np.zeros((10, 15))], [np.zeros(16), np.zeros(10)])
    with pytest.raises(ValueError):
        Network([np.zeros((16, 784))], [np.zeros(16)], hidden_activation="swish")


def _loss(net, x, y):
    return net.gradients(x, y)[2]


@pytest.mark.parametrize("hidden,output", [("sigmoid", "sigmoid"), ("relu", "softmax"), ("tanh", "softmax")])
def test_backprop_agrees_with_finite_differences(hidden, output):
    rng = np.random.default_rng(7)
    net = Network.random([6, 5, 4, 3], rng, hidden, output)
    for b in net.biases:
        b[:] = rng.normal(0, 0.3, b.shape)
    x = rng.random((4, 6))
    y = np.eye(3)[rng.integers(0, 3, 4)]
    gw, gb, _ = net.gradients(x, y)
    eps = 1e-6
    for params, grads in ((net.weights, gw), (net.biases, gb)):
        for p, g in zip(params, grads):
            assert g.shape == p.shape
            for idx in np.ndindex(p.shape):
                old = p[idx]
                p[idx] = old + eps
                up = _loss(net, x, y)
                p[idx] = old - eps
                down = _loss(net, x, y)
                p[idx] = old
                assert g[idx] == pytest.approx((up - down) / (2 * eps), abs=1e-7)


@pytest.mark.parametrize("hidden,output", [("sigmoid", "sigmoid"), ("relu", "softmax"), ("tanh", "sigmoid")])
def test_input_gradient_agrees_with_finite_differences(hidden, output):
    rng = np.random.default_rng(3)
    net = Network.random([8, 6, 5, 4], rng, hidden, output)
    x = rng.random(8)
    eps = 1e-6
    for layer in (1, 2, 3):
        for index in range(net.sizes[layer]):
            g = net.input_gradient(x, layer, index)
            numeric = np.empty(8)
            for i in range(8):
                xp, xm = x.copy(), x.copy()
                xp[i] += eps
                xm[i] -= eps
                numeric[i] = (net.forward(xp)[layer][index] - net.forward(xm)[layer][index]) / (2 * eps)
            np.testing.assert_allclose(g, numeric, atol=1e-7)


def test_random_initialisation_is_seeded():
    a = Network.random([784, 16, 10], np.random.default_rng(5))
    b = Network.random([784, 16, 10], np.random.default_rng(5))
    c = Network.random([784, 16, 10], np.random.default_rng(6))
    np.testing.assert_array_equal(a.weights[0], b.weights[0])
    assert not np.array_equal(a.weights[0], c.weights[0])
