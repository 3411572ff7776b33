"""Gradient ascent for "what excites this neuron"."""

import numpy as np
import pytest

from digitviz.core.excite import excite, laplacian, roughness
from digitviz.core.network import Network
from digitviz.core.resources import default_weights_path
from digitviz.core.weightfiles import load_weights


@pytest.fixture(scope="module")
def net():
    rng = np.random.default_rng(3)
    network = Network.random([784, 16, 16, 10], rng, output_activation="softmax")
    network.biases = [rng.normal(0.0, 0.5, b.shape) for b in network.biases]
    return network


def activation(net, x, layer, index):
    return net.forward(x)[layer][index]


@pytest.mark.parametrize("layer,index", [(1, 0), (2, 5), (3, 7)])
def test_result_excites_the_neuron_more_than_blank_or_random_images(net, layer, index):
    x = excite(net, layer, index, steps=120)
    assert x.shape == (784,)
    assert x.min() >= 0.0 and x.max() <= 1.0
    found = activation(net, x, layer, index)
    assert found > activation(net, np.zeros(784), layer, index)
    rng = np.random.default_rng(0)
    randoms = [activation(net, rng.uniform(0, 1, 784), layer, index) for _ in range(20)]
    assert found > max(randoms)


def test_a_silent_relu_neuron_still_finds_its_picture():
    rng = np.random.default_rng(4)
    net = Network.random([784, 16, 10], rng, hidden_activation="relu")
    net.biases[0][:] = -0.5  # silent on a blank image: d a / d x is zero there
    assert net.forward(np.zeros(784))[1][3] == 0.0
    x = excite(net, 1, 3, steps=120)
    assert net.forward(x)[1][3] > 1.0


def test_softmax_output_climbs_its_own_weighted_input(net):
    z = excite(net, 3, 5, steps=120)
    rng = np.random.default_rng(1)
    others = [np.zeros(784)] + [rng.uniform(0, 1, 784) for _ in range(20)]
    assert net.forward_full(z)[0][2][5] > max(net.forward_full(o)[0][2][5] for o in others)


def test_the_shipped_network_reads_each_digits_picture_as_that_digit():
    net = load_weights(default_weights_path())
    last = len(net.sizes) - 1
    for digit in range(10):
        assert net.predict(excite(net, last, digit)) == digit


def test_first_layer_result_lights_pixels_with_positive_weights(net):
    x = excite(net, 1, 2, steps=120)
    w = net.weights[0][2]
    assert x[w > 0].mean() > x[w < 0].mean() + 0.2


def test_smoothness_penalty_makes_a_smoother_image(net):
    rough = excite(net, 1, 4, steps=120, smoothness=0.0)
    smooth = excite(net, 1, 4, steps=120, smoothness=0.5)
    assert roughness(smooth.reshape(28, 28)) < 0.7 * roughness(rough.reshape(28, 28))


def test_same_seed_same_image_other_seed_other_image(net):
    a = excite(net, 2, 1, steps=30, seed=5)
    b = excite(net, 2, 1, steps=30, seed=5)
    c = excite(net, 2, 1, steps=30, seed=6)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_progress_is_reported_and_cancel_stops_early(net):
    seen = []
    excite(net, 1, 0, steps=60, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(20, 60), (40, 60), (60, 60)]
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 3

    excite(net, 1, 0, steps=60, cancelled=cancelled)
    assert len(calls) == 4


def test_laplacian_is_minus_the_gradient_of_the_roughness():
    rng = np.random.default_rng(0)
    img = rng.uniform(0, 1, (6, 5))
    eps = 1e-6
    numeric = np.zeros_like(img)
    for i in range(6):
        for j in range(5):
            bump = np.zeros_like(img)
            bump[i, j] = eps
            numeric[i, j] = (roughness(img + bump) - roughness(img - bump)) / (2 * eps)
    np.testing.assert_allclose(laplacian(img), -0.5 * numeric, atol=1e-6)
    np.testing.assert_array_equal(laplacian(np.full((4, 4), 0.3)), np.zeros((4, 4)))
