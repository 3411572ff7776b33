import numpy as np
import pytest

from digitviz.core.activations import sigmoid, softmax
from digitviz.core.edit import OUTPUT_OFF_BIAS, NeuronEdit, scale_weights, shift_bias, switch_off
from digitviz.core.network import Network


@pytest.fixture
def net():
    return Network.random([784, 16, 16, 10], np.random.default_rng(3), output_activation="softmax",
                          metadata={"name": "tiny"})


@pytest.fixture
def x():
    return np.random.default_rng(4).random(784)


def _hand_forward(weights, biases, x):
    """Independent forward pass: sigmoid hidden layers, softmax output."""
    a = x
    for w, b in zip(weights[:-1], biases[:-1]):
        a = sigmoid(w @ a + b)
    return softmax(weights[-1] @ a + biases[-1])


def test_switching_a_hidden_neuron_off_removes_exactly_its_contribution(net, x):
    before = net.forward(x)
    edited = switch_off(net, 1, 5)
    after = edited.forward(x)
    # Its own layer is untouched: the neuron still computes its activation, and so do its neighbours.
    np.testing.assert_array_equal(after[1], before[1])
    # The next layer sees it as if its activation were 0.
    silenced = before[1].copy()
    silenced[5] = 0.0
    np.testing.assert_allclose(after[2], sigmoid(net.weights[1] @ silenced + net.biases[1]), rtol=1e-12)
    # Output equals a hand computation with the neuron's activation forced to 0.
    h2 = sigmoid(net.weights[1] @ silenced + net.biases[1])
    np.testing.assert_allclose(after[3], softmax(net.weights[2] @ h2 + net.biases[2]), rtol=1e-12)
    # Only column 5 of the next weight matrix changed, and it is zero.
    changed = np.argwhere(edited.weights[1] != net.weights[1])
    assert set(changed[:, 1]) == {5}
    assert np.all(edited.weights[1][:, 5] == 0)
    for i in (0, 2):
        np.testing.assert_array_equal(edited.weights[i], net.weights[i])
    for b0, b1 in zip(net.biases, edited.biases):
        np.testing.assert_array_equal(b0, b1)
    # The change is real for this input (the neuron was contributing).
    assert not np.allclose(after[3], before[3])


def test_switch_off_leaves_the_original_untouched(net):
    w1 = net.weights[1].copy()
    switch_off(net, 1, 0)
    np.testing.assert_array_equal(net.weights[1], w1)
    assert "edits" not in net.metadata


def test_switching_a_second_layer_neuron_off(net, x):
    edited = switch_off(net, 2, 7)
    before, after = net.forward(x), edited.forward(x)
    np.testing.assert_array_equal(after[2], before[2])
    h2 = before[2].copy()
    h2[7] = 0.0
    np.testing.assert_allclose(after[3], softmax(net.weights[2] @ h2 + net.biases[2]), rtol=1e-12)


def test_switching_an_input_pixel_off_is_like_a_blank_pixel(net, x):
    edited = switch_off(net, 0, 400)
    blank = x.copy()
    blank[400] = 0.0
    np.testing.assert_allclose(edited.forward(x)[-1], net.forward(blank)[-1], rtol=1e-12)


@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
def test_switching_an_output_off_silences_it(output, x):
    net = Network.random([784, 16, 16, 10], np.random.default_rng(5), output_activation=output)
    edited = switch_off(net, 3, 2)
    out = edited.forward(x)[-1]
    assert out[2] == pytest.approx(0.0, abs=1e-200)
    assert edited.biases[-1][2] == OUTPUT_OFF_BIAS
    np.testing.assert_array_equal(edited.forward(x)[2], net.forward(x)[2])
    if output == "sigmoid":
        # The other outputs do not depend on output 2 at all.
        np.testing.assert_array_equal(np.delete(out, 2), np.delete(net.forward(x)[-1], 2))
    # A batch never predicts the switched-off digit.
    batch = np.random.default_rng(6).random((200, 784))
    assert not np.any(edited.predict(batch) == 2)


def test_shift_bias_matches_a_hand_computation(net, x):
    edited = shift_bias(net, 2, 3, -1.5)
    biases = [b.copy() for b in net.biases]
    biases[1][3] -= 1.5
    np.testing.assert_allclose(edited.forward(x)[-1], _hand_forward(net.weights, biases, x), rtol=1e-12)
    assert edited.biases[1][3] == pytest.approx(net.biases[1][3] - 1.5)


def test_scale_weights_scales_only_the_incoming_row(net, x):
    edited = scale_weights(net, 1, 4, 0.25)
    np.testing.assert_allclose(edited.weights[0][4], net.weights[0][4] * 0.25)
    np.testing.assert_array_equal(np.delete(edited.weights[0], 4, axis=0), np.delete(net.weights[0], 4, axis=0))
    weights = [w.copy() for w in net.weights]
    weights[0][4] *= 0.25
    np.testing.assert_allclose(edited.forward(x)[-1], _hand_forward(weights, net.biases, x), rtol=1e-12)


def test_edits_are_recorded_in_the_metadata(net):
    net.metadata.update(test_accuracy=0.95, description="trained", per_class_accuracy=[0.9] * 10)
    edited = scale_weights(switch_off(net, 1, 5), 2, 0, 2.0)
    assert edited.metadata["edits"] == ["layer 1 neuron 5: off", "layer 2 neuron 0: weights x2"]
    assert edited.metadata["name"] == "tiny (edited)"
    # Figures of the unedited network are dropped; the rest is kept.
    assert "test_accuracy" not in edited.metadata and "per_class_accuracy" not in edited.metadata
    assert edited.metadata["description"] == "trained"
    assert net.metadata["test_accuracy"] == 0.95


@pytest.mark.parametrize("layer, index", [(4, 0), (-1, 0), (1, 16), (3, 10), (1, -1)])
def test_a_neuron_that_does_not_exist_is_refused(net, layer, index):
    with pytest.raises(ValueError, match="layer"):
        switch_off(net, layer, index)


def test_bias_and_scale_refuse_the_input_layer(net):
    with pytest.raises(ValueError, match="layer must be 1..3"):
        shift_bias(net, 0, 0, 1.0)
    with pytest.raises(ValueError, match="layer must be 1..3"):
        scale_weights(net, 0, 0, 1.0)


def test_neuron_edit_applies_and_describes(net, x):
    edit = NeuronEdit(1, 5, "bias", 0.5)
    np.testing.assert_allclose(edit.apply(net).forward(x)[-1], shift_bias(net, 1, 5, 0.5).forward(x)[-1])
    assert edit.describe() == "layer 1 neuron 5: bias +0.5"
    with pytest.raises(ValueError, match="unknown edit"):
        NeuronEdit(1, 5, "melt").apply(net)
