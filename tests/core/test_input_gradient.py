"""Network.input_gradient against central finite differences, for every layer and activation."""

import numpy as np
import pytest

from digitviz.core.network import Network

EPS = 1e-6


def finite_difference(net: Network, x: np.ndarray, layer: int, index: int) -> np.ndarray:
    """Central differences for every input at once: one batched forward of 2 * n_in inputs."""
    n = x.size
    bump = EPS * np.eye(n)
    up = net.forward(x + bump)[layer][:, index]
    down = net.forward(x - bump)[layer][:, index]
    return (up - down) / (2 * EPS)


@pytest.mark.parametrize("hidden", ["sigmoid", "relu", "tanh"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
@pytest.mark.parametrize("sizes", [[784, 16, 16, 10], [784, 30, 10]])
def test_input_gradient_matches_finite_differences(hidden, output, sizes):
    rng = np.random.default_rng(7)
    net = Network.random(sizes, rng, hidden_activation=hidden, output_activation=output)
    # Non-zero biases, so that relu units are neither all on nor all off.
    net.biases = [rng.normal(0.0, 0.5, b.shape) for b in net.biases]
    x = rng.uniform(0.0, 1.0, 784)
    for layer in range(1, len(sizes)):
        for index in (0, sizes[layer] // 2, sizes[layer] - 1):
            exact = net.input_gradient(x, layer, index)
            assert exact.shape == (784,)
            numeric = finite_difference(net, x, layer, index)
            scale = max(np.abs(numeric).max(), 1e-8)
            np.testing.assert_allclose(exact, numeric, rtol=0, atol=1e-5 * scale + 1e-9,
                                       err_msg=f"{hidden}/{output} layer {layer} neuron {index}")


@pytest.mark.parametrize("hidden,output", [("relu", "softmax"), ("sigmoid", "sigmoid"), ("tanh", "softmax")])
def test_weighted_input_gradient_matches_finite_differences(hidden, output):
    rng = np.random.default_rng(11)
    net = Network.random([784, 16, 16, 10], rng, hidden_activation=hidden, output_activation=output)
    net.biases = [rng.normal(0.0, 0.5, b.shape) for b in net.biases]
    x = rng.uniform(0.0, 1.0, 784)
    bump = EPS * np.eye(784)
    for layer in (1, 2, 3):
        exact = net.input_gradient(x, layer, 4, of="weighted_input")
        up = net.forward_full(x + bump)[0][layer - 1][:, 4]
        down = net.forward_full(x - bump)[0][layer - 1][:, 4]
        numeric = (up - down) / (2 * EPS)
        np.testing.assert_allclose(exact, numeric, atol=1e-5 * np.abs(numeric).max())
    np.testing.assert_array_equal(net.input_gradient(x, 1, 4, of="weighted_input"), net.weights[0][4])
    with pytest.raises(ValueError, match="weighted_input"):
        net.input_gradient(x, 1, 4, of="bias")


def test_first_layer_gradient_is_the_weight_row_times_the_slope():
    rng = np.random.default_rng(1)
    net = Network.random([784, 16, 10], rng)
    x = rng.uniform(0.0, 1.0, 784)
    a = net.forward(x)[1][3]
    np.testing.assert_allclose(net.input_gradient(x, 1, 3), net.weights[0][3] * a * (1 - a))


def test_gradient_depends_on_the_drawing():
    rng = np.random.default_rng(2)
    net = Network.random([784, 16, 16, 10], rng)
    g1 = net.input_gradient(rng.uniform(0, 1, 784), 3, 4)
    g2 = net.input_gradient(np.zeros(784), 3, 4)
    assert not np.allclose(g1, g2)


@pytest.mark.parametrize("layer", [0, 4, -1])
def test_layer_out_of_range_is_refused(layer):
    net = Network.random([784, 16, 16, 10], np.random.default_rng(0))
    with pytest.raises(ValueError, match="layer"):
        net.input_gradient(np.zeros(784), layer, 0)
