""""Learn from this": the gradient shown is the core's backpropagation (checked against finite
differences and a two-layer example worked by hand), a step moves the outputs toward the target
and is undone by the window's undo, the gradient view colours lines by the step's sign, and
set_target(None) leaves the mode."""

import math

import numpy as np
import pytest
from drawn import draw_stroke
from PySide6 import QtCore

from digitviz.core import Network
from digitviz.core import activations as act
from digitviz.core.mnist import bundled_test_set
from digitviz.gui import MainWindow
from digitviz.gui.inspector.gradient import GradientSection
from digitviz.gui.scene.network_scene import NetworkScene


@pytest.fixture(scope="module")
def digits():
    return bundled_test_set()


def _window(qtbot, net=None) -> MainWindow:
    window = MainWindow(weights=net)
    qtbot.addWidget(window)
    window.animation_enabled = False
    return window


def _one_hot(label: int, n: int = 10) -> np.ndarray:
    y = np.zeros(n)
    y[label] = 1.0
    return y


def _cost(net: Network, x: np.ndarray, y: np.ndarray, cost: str) -> float:
    """The cost from the forward pass only: the finite differences' oracle."""
    a = net.forward(x)[-1]
    if cost == "quadratic":
        return float(np.sum((a - y) ** 2))
    return float(-np.sum(y * np.log(a)))  # softmax output


def _cost_from_layer(net: Network, layer: int, a: np.ndarray, y: np.ndarray) -> float:
    """Quadratic cost as a function of layer ``layer``'s activations (forward from there)."""
    for i in range(layer, len(net.weights)):
        a = act.FUNCTIONS[net.activation_of(i + 1)](net.weights[i] @ a + net.biases[i])
    return float(np.sum((a - y) ** 2))


@pytest.mark.parametrize("output, cost", [("sigmoid", "quadratic"), ("softmax", "cross_entropy")])
def test_gradient_is_the_cores_backprop_and_matches_finite_differences(qtbot, digits, output, cost):
    net = Network.random([784, 8, 6, 10], np.random.default_rng(3), output_activation=output)
    window = _window(qtbot, net)
    x = digits.images[1].astype(np.float64)
    window.show_input(x.reshape(28, 28))
    assert window.gradient() is None  # the mode is off
    window.set_target(4)
    assert window.learning.cost_name == cost  # the default for this output
    dW, db, c = window.gradient()
    y = _one_hot(4)
    core = window.network.backprop(window.state.input, y, cost)
    assert c == core.cost and c == pytest.approx(_cost(window.network, x, y, cost))
    for mine, theirs, w in zip(dW, core.dW, window.network.weights):
        assert mine.shape == w.shape
        np.testing.assert_array_equal(mine, theirs)
    rng, h = np.random.default_rng(0), 1e-5
    for layer, w in enumerate(window.network.weights):
        rows, cols = np.nonzero(np.abs(dW[layer]) > 1e-6)  # skip the inputs' blank pixels
        pick = rng.choice(len(rows), size=min(6, len(rows)), replace=False)
        for i, j in zip(rows[pick], cols[pick]):
            probe = window.network.copy()
            probe.weights[layer][i, j] += h
            up = _cost(probe, x, y, cost)
            probe.weights[layer][i, j] -= 2 * h
            down = _cost(probe, x, y, cost)
            assert dW[layer][i, j] == pytest.approx((up - down) / (2 * h), rel=1e-4, abs=1e-8)
        k = int(rng.integers(len(db[layer])))
        probe = window.network.copy()
        probe.biases[layer][k] += h
        up = _cost(probe, x, y, cost)
        probe.biases[layer][k] -= 2 * h
        assert db[layer][k] == pytest.approx((up - _cost(probe, x, y, cost)) / (2 * h), rel=1e-4, abs=1e-8)
    # The arrows are the core's -dC/da, layer by layer ...
    nudges = window.scene.gradient_view.nudges()
    for layer in range(1, 4):
        np.testing.assert_array_equal(nudges[layer], -core.dC_da[layer - 1][0])
    if cost != "quadratic":
        return
    # ... and, for the hidden neurons too, minus the cost's finite differences in that activation.
    acts, h = window.state.activations, 1e-6
    for layer in (1, 2, 3):
        for j in range(len(acts[layer])):
            a = acts[layer].copy()
            a[j] += h
            up = _cost_from_layer(window.network, layer, a, y)
            a[j] -= 2 * h
            down = _cost_from_layer(window.network, layer, a, y)
            assert nudges[layer][j] == pytest.approx(-(up - down) / (2 * h), rel=1e-5, abs=1e-9)


def test_a_two_layer_example_worked_by_hand(qtbot):
    # 784 -> 2 -> 10, sigmoid, quadratic cost; only pixels 0 and 1 are lit (1.0 and 0.5).
    w1 = np.zeros((2, 784))
    w1[0, 0], w1[0, 1], w1[1, 0], w1[1, 1] = 0.5, -1.0, -0.3, 0.8
    b1 = np.array([0.1, -0.2])
    w2 = np.linspace(-1.0, 1.0, 20).reshape(10, 2)
    b2 = np.linspace(0.5, -0.5, 10)
    window = _window(qtbot, Network([w1, w2], [b1, b2]))
    image = np.zeros(784)
    image[0], image[1] = 1.0, 0.5
    window.show_input(image.reshape(28, 28))
    np.testing.assert_array_equal(window.state.input, image)
    window.set_target(6)
    dW, db, cost = window.gradient()

    def sig(z):
        return 1.0 / (1.0 + math.exp(-z))

    x = (1.0, 0.5)
    a1 = [sig(w1[j, 0] * x[0] + w1[j, 1] * x[1] + b1[j]) for j in range(2)]
    a2 = [sig(w2[i, 0] * a1[0] + w2[i, 1] * a1[1] + b2[i]) for i in range(10)]
    y = [1.0 if i == 6 else 0.0 for i in range(10)]
    assert cost == pytest.approx(sum((a2[i] - y[i]) ** 2 for i in range(10)), rel=1e-12)
    delta2 = [2 * (a2[i] - y[i]) * a2[i] * (1 - a2[i]) for i in range(10)]
    for i in range(10):
        assert db[1][i] == pytest.approx(delta2[i], rel=1e-12)
        for j in range(2):
            assert dW[1][i, j] == pytest.approx(delta2[i] * a1[j], rel=1e-12)
    for j in range(2):
        dc_da1 = sum(w2[i, j] * delta2[i] for i in range(10))
        delta1 = dc_da1 * a1[j] * (1 - a1[j])
        assert db[0][j] == pytest.approx(delta1, rel=1e-12)
        assert dW[0][j, 0] == pytest.approx(delta1 * 1.0, rel=1e-12)
        assert dW[0][j, 1] == pytest.approx(delta1 * 0.5, rel=1e-12)
        assert window.scene.gradient_view.nudges()[1][j] == pytest.approx(-dc_da1, rel=1e-12)
    assert not np.any(dW[0][:, 2:])  # unlit pixels: a_prev = 0, no say


def test_take_step_moves_the_outputs_toward_the_target_and_undo_restores(qtbot, digits):
    window = _window(qtbot)
    window.test_digits.show_index(0)
    target = 3  # test digit 0 is a 7; teach it that it is a 3
    window.set_target(target)
    old = window.network
    before_out = window.prediction[1]
    before, after = window.take_step(0.5)
    assert after < before
    assert window.learning.result.cost == after
    assert window.prediction[1][target] > before_out[target]
    assert window.network is not old
    assert window.undo_stack.undoText() == "gradient step"
    assert window.undo_action.text() == "&Undo gradient step"  # Edit menu
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    window.undo_action.trigger()
    assert window.network is old
    np.testing.assert_array_equal(window.prediction[1], before_out)
    assert window.learning.result.cost == before


def test_gradient_view_draws_the_cores_lines_coloured_by_the_steps_sign(qtbot, digits):
    window = _window(qtbot)
    window.show()
    window.test_digits.show_index(3)
    window.set_target(5)
    action = window.scene_controller.gradient_action  # View > Lines show the gradient
    assert action.shortcut().toString() == "Ctrl+3"
    action.trigger()
    assert window.scene.view_mode == "gradient"
    view = window.scene.gradient_view
    dW = window.gradient()[0]
    for k, item in enumerate(window.scene._conns):
        assert item.batches is view.batches[k]
        drawn = item.batches.drawn
        assert len(drawn) > 0
        positive = (item.batches.keys & 1).astype(bool)  # blue pens
        np.testing.assert_array_equal(positive, -dW[k].ravel()[drawn] > 0)
        assert np.all(dW[k].ravel()[drawn] != 0)
    window.set_target(None)
    assert all(len(b) == 0 for b in view.batches)
    assert "target" in window.scene.hint()


def _blue_red_pixels(scene) -> tuple[int, int]:
    image = scene.grab().toImage().convertToFormat(scene.grab().toImage().Format.Format_RGB32)
    w, h = image.width(), image.height()
    rgb = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(h, image.bytesPerLine() // 4, 4)[:, :w, :3]
    rgb = rgb[h // 5:, :, ::-1].astype(int)  # below the legend; BGRA -> RGB
    blue = np.sum((rgb[..., 2] > rgb[..., 0] + 40) & (rgb[..., 1] > rgb[..., 0]))
    red = np.sum(rgb[..., 0] > rgb[..., 2] + 40)
    return int(blue), int(red)


@pytest.mark.parametrize("sign", [-1.0, 1.0])
def test_gradient_view_renders_blue_where_the_step_raises_a_weight(qtbot, sign):
    net = Network.random([784, 16, 16, 10], np.random.default_rng(1))
    scene = NetworkScene()
    qtbot.addWidget(scene)
    scene.resize(900, 540)
    scene.show()
    qtbot.waitExposed(scene)
    scene.set_network(net)
    scene.view_mode = "gradient"
    rng = np.random.default_rng(2)
    dW = [sign * (0.1 + rng.random(w.shape)) for w in net.weights]
    scene.set_gradient(dW, None)
    blue, red = _blue_red_pixels(scene)
    if sign < 0:  # dC/dw < 0: the step raises every weight
        assert blue > 2000 and red == 0
    else:
        assert red > 2000 and blue == 0
    assert np.all((scene.gradient_view.batches[0].keys & 1) == (sign < 0))


def test_a_test_digit_sets_its_label_and_set_target_none_leaves_the_mode(qtbot, digits):
    window = _window(qtbot)
    window.select_neuron(1, 2)
    window.set_target(0)
    window.test_digits.show_index(5)  # a 1: the target follows the true label
    assert window.learning.target == int(digits.labels[5]) == window.learning.true_label == 1
    panel = window.learn_panel
    assert panel.target_buttons.checkedId() == 1
    assert window.scene.gradient_view.has_gradient()
    assert "desired nudge" in window.scene.tooltip_text(2, 4)
    # A stroke drawn with the mouse: the gradient follows the drawing while the pen moves.
    window.canvas.clear()
    window.show()
    qtbot.waitExposed(window)
    costs = []

    def on_move():
        qtbot.wait(25)  # a display frame: the drawing panel feeds the network once per frame
        costs.append(window.learning.result.cost if window.learning.result else None)

    # A curve, so that the shape (not only its length, which preprocessing scales away) changes.
    draw_stroke(window.canvas, [(0.5 + 0.2 * np.sin(k / 3), 0.15 + 0.05 * k) for k in range(15)], on_move=on_move)
    assert window.learning.true_label is None and window.learning.target == 1
    assert len({c for c in costs if c is not None}) > 2  # recomputed live, not only at the end
    core = window.network.backprop(window.state.input, np.eye(10)[1], window.learning.cost_name)
    np.testing.assert_array_equal(window.gradient()[0][0], core.dW[0])
    window.set_target(None)
    assert window.learning.target is None and window.gradient() is None
    assert panel.target_buttons.checkedButton() is panel.off_button
    assert not window.scene.gradient_view.has_gradient()
    assert all(n is None for n in window.scene.gradient_view.nudges_item.nudges())
    assert "desired nudge" not in window.scene.tooltip_text(2, 4)
    assert window.inspector.findChild(GradientSection).image() is None


def test_panel_buttons_cost_formula_average_and_step(qtbot, digits):
    window = _window(qtbot)
    window.test_digits.show_index(7)
    panel, model = window.learn_panel, window.learning
    qtbot.mouseClick(panel.target_buttons.button(8), QtCore.Qt.MouseButton.LeftButton)
    assert model.target == 8
    panel.cost_combo.setCurrentIndex(panel.cost_combo.findData("quadratic"))
    assert model.cost_name == "quadratic"
    cost = window.gradient()[2]
    assert f"{cost:.3f}" in panel.formula.text() and "&Sigma;" in panel.formula.text()
    # Average over 12 digits labelled 8: the core's backprop of exactly those digits.
    panel.average_spin.setValue(12)
    panel.average_check.setChecked(True)
    assert model.average == ("label", 12) and model.examples == 12
    images, labels = model._batch
    assert np.all(labels == 8)
    ys = np.zeros((12, 10))
    ys[:, 8] = 1.0
    np.testing.assert_array_equal(model.result.dW[0], window.network.backprop(images, ys, "quadratic").dW[0])
    assert np.all(model.result.nudges(3) == -model.result.dC_da[2].mean(axis=0))
    average_before = model.result.cost
    qtbot.mouseClick(panel.step_button, QtCore.Qt.MouseButton.LeftButton)
    assert model.result.cost < average_before
    assert "after" in panel.step_result.text()
    # A mini-batch: each digit toward its own label.
    panel.average_combo.setCurrentIndex(panel.average_combo.findData("batch"))
    assert model.average == ("batch", 12)
    assert len(set(model._batch[1].tolist())) > 1
    panel.average_check.setChecked(False)
    assert model.average is None and model.examples == 1


def test_inspector_chain_rule_first_layer_image_and_the_wishes_flowing_back(qtbot, digits):
    window = _window(qtbot)
    window.show()
    window.test_digits.show_index(4)
    window.set_target(2)
    window.select_neuron(1, 6)
    window.inspector_dock.raise_()
    section = window.inspector.findChild(GradientSection)
    r = window.learning.result
    np.testing.assert_array_equal(section.image(), -r.dW[0][6].reshape(28, 28))
    assert section.isVisible()
    assert "f′(z)" in section.text.text() and "&Sigma;" in section.text.text()
    window.select_neuron(3, 2)
    assert section.image() is None and "∂C/∂a" in section.text.text()
    window.set_target(None)
    assert not section.isVisible()
    # The wishes flow back layer by layer: the outputs' arrows first, the first hidden layer's last.
    window.animation_enabled = True
    window.scene.layer_duration = 0.05
    item = window.scene.gradient_view.nudges_item
    window.set_target(3)
    assert window.scene.is_animating()
    first = item.grow()
    assert first[3] < 1.0 and first[1] == 0.0  # the outputs first, the first hidden layer last
    qtbot.waitUntil(lambda: not window.scene.is_animating(), timeout=3000)
    assert item.grow() == [1.0, 1.0, 1.0, 1.0]


