"""The network scene: colours follow the network, every connection is drawn from its two neurons,
the animation ends in the final picture and can be interrupted, any perceptron is laid out,
clicks on a neuron's screen position name that neuron."""

import numpy as np
import pytest
from PySide6 import QtCore

from digitviz.core import Network
from digitviz.core.mnist import bundled_test_set
from digitviz.gui.scene.connections import LEVELS, quantise
from digitviz.gui.scene.network_scene import NetworkScene
from digitviz.gui.scene.neurons import DARK_PIXEL_ALPHA
from digitviz.gui.widgets import colors

SIZE = (1000, 600)


@pytest.fixture(scope="module")
def digits():
    return bundled_test_set().images[:4].astype(np.float64)


@pytest.fixture
def net():
    return Network.random([784, 16, 16, 10], np.random.default_rng(7))


@pytest.fixture
def scene(qtbot, net):
    s = NetworkScene()
    qtbot.addWidget(s)
    s.resize(*SIZE)
    s.show()
    qtbot.waitExposed(s)
    s.set_network(net)
    s.fit_view()
    return s


def _pixel(image, point):
    c = image.pixelColor(point)
    return np.array([c.red(), c.green(), c.blue()])


def _neuron_colours(scene):
    """Rendered fill colour at the centre of every circle neuron: {(layer, index): rgb}."""
    image = scene.grab().toImage()
    ratio = image.devicePixelRatio()
    out = {}
    for layer in range(1, len(scene.network.sizes)):
        for index in range(scene.network.sizes[layer]):
            p = scene.neuron_widget_pos(layer, index)
            out[layer, index] = _pixel(image, QtCore.QPoint(int(p.x() * ratio), int(p.y() * ratio)))
    return out


def _expected_fill(value):
    return colors.grey_ramp()[round(float(np.clip(value, 0, 1)) * 255)].astype(int)


def test_neuron_colours_follow_forward(scene, net, digits):
    for x in digits[:2]:
        acts = net.forward(x)
        scene.show_activations(acts, animate=False)
        rendered = _neuron_colours(scene)
        for (layer, index), rgb in rendered.items():
            assert np.abs(rgb - _expected_fill(acts[layer][index])).max() <= 3, (layer, index)


def test_input_grid_shows_the_digit(scene, net, digits):
    x = digits[0]
    scene.show_activations(net.forward(x), animate=False)
    image = scene.grab().toImage()
    bright, dark = int(np.argmax(x)), 0  # pixel 0, top left: no line passes under it
    p = scene.neuron_widget_pos(0, bright)
    rgb = _pixel(image, p + QtCore.QPoint(2, 2))  # off the centre: clear of grid lines
    assert np.abs(rgb - _expected_fill(x[bright])).max() <= 3
    # An unlit pixel lets the lines under it show through a little: over the background here.
    a = DARK_PIXEL_ALPHA
    expected = a * _expected_fill(0.0) + (1 - a) * np.array(colors.BACKGROUND)
    rgb = _pixel(image, scene.neuron_widget_pos(0, dark) + QtCore.QPoint(2, 2))
    assert x[dark] == 0 and np.abs(rgb - expected).max() <= 3


def test_empty_state_draws_no_signal(scene, net):
    scene.show_activations(None, animate=False)
    assert scene.line_count() == 0
    assert scene.hint()
    for rgb in _neuron_colours(scene).values():
        assert np.abs(rgb - _expected_fill(0.0)).max() <= 3


def test_weights_view_draws_every_connection(scene, net, digits):
    scene.view_mode = "weights"
    scene.show_activations(net.forward(digits[0]), animate=False)
    assert scene.line_count() == sum(w.size for w in net.weights) == 12_960
    assert scene.notice() == ""


def test_signal_view_draws_only_what_flows(scene, net, digits):
    x = digits[1]
    acts = net.forward(x)
    scene.show_activations(acts, animate=False)
    item = scene._conns[0]
    drawn = item.batches.drawn
    n_in = net.sizes[0]
    assert len(drawn) == scene._conns[0].line_count() > 0
    assert np.all(x[drawn % n_in] > 0), "a line from a dark pixel carries no signal"
    # Exactly the lines whose |w * a| reaches the first strength level are drawn.
    w = net.weights[0]
    scale = np.percentile(np.abs(w), 99)
    strength = np.clip(np.abs(w) / scale, 0, 1) * x[None, :]
    expected = np.flatnonzero(quantise(strength.ravel(), w.ravel() > 0))
    np.testing.assert_array_equal(np.sort(drawn), expected)
    assert 0 < len(expected) < w.size
    # Weakest first: levels never decrease in drawing order, so strong lines end up on top.
    assert np.all(np.diff(item.batches.keys // 2) >= 0)
    assert item.batches.keys.max() // 2 <= LEVELS


def test_lines_run_between_their_two_neurons(scene, net):
    lay = scene.layout_
    for layer in (1, 2, 3):
        segs = lay.segments(layer)
        n_out, n_in = net.weights[layer - 1].shape
        src = np.repeat(lay.positions[layer - 1][None], n_out, 0).reshape(-1, 2)
        dst = np.repeat(lay.positions[layer], n_in, 0)
        r_src = 0.0 if layer == 1 else lay.radii[layer - 1]  # from the pixel itself for the grid
        d = (dst - src) / np.hypot(*(dst - src).T)[:, None]
        np.testing.assert_allclose(segs[:, 0:2], src + r_src * d)  # from circle edge to circle edge
        np.testing.assert_allclose(segs[:, 2:4], dst - lay.radii[layer] * d)


def test_animation_reaches_the_final_state(qtbot, scene, net, digits):
    scene.layer_duration = 0.05
    final = net.forward(digits[0])
    with qtbot.waitSignal(scene.animationFinished, timeout=3000):
        scene.show_activations(final, animate=True)
        assert scene.is_animating()
        assert scene._conns[-1].reveal() == 0.0  # the last layer is not reached yet
    assert not scene.is_animating()
    assert all(item.reveal() == 1.0 for item in scene._conns)
    for (layer, index), rgb in _neuron_colours(scene).items():
        assert np.abs(rgb - _expected_fill(final[layer][index])).max() <= 3


def test_new_input_interrupts_the_animation(qtbot, scene, net, digits):
    scene.layer_duration = 5.0
    scene.show_activations(net.forward(digits[0]), animate=True)
    qtbot.wait(30)
    assert scene.is_animating()
    second = net.forward(digits[2])
    scene.show_activations(second, animate=False)
    assert not scene.is_animating()
    for (layer, index), rgb in _neuron_colours(scene).items():
        assert np.abs(rgb - _expected_fill(second[layer][index])).max() <= 3
    # An animated new input restarts from the first layer.
    scene.show_activations(net.forward(digits[3]), animate=True)
    assert scene.is_animating() and scene._conns[0].reveal() < 0.5
    scene.animation_enabled = False  # turning animation off finishes at once
    assert not scene.is_animating()
    assert all(item.reveal() == 1.0 for item in scene._conns)


def test_replay_animates_even_when_animation_is_off(qtbot, scene, net, digits):
    scene.animation_enabled = False
    scene.layer_duration = 0.03
    scene.show_activations(net.forward(digits[0]), animate=True)
    assert not scene.is_animating()
    with qtbot.waitSignal(scene.animationFinished, timeout=3000):
        scene.replay()
        assert scene.is_animating()


@pytest.mark.parametrize("sizes", [[784, 30, 10], [784, 64, 32, 16, 10], [784, 128, 128, 128, 128, 10]])
def test_relayout_for_other_networks(qtbot, scene, sizes, digits):
    other = Network.random(sizes, np.random.default_rng(1))
    scene.set_network(other)
    scene.view_mode = "weights"
    scene.show_activations(other.forward(digits[0]), animate=False)
    lay = scene.layout_
    assert lay.sizes == tuple(sizes)
    x0, y0, x1, y1 = lay.bounds
    for layer, pos in enumerate(lay.positions):
        assert pos.shape == (sizes[layer], 2)
        assert (pos[:, 0] >= x0).all() and (pos[:, 0] <= x1).all()
        assert (pos[:, 1] >= y0).all() and (pos[:, 1] <= y1).all()
        assert len(np.unique(pos, axis=0)) == sizes[layer]
    n_weights = sum(w.size for w in other.weights)
    assert n_weights > scene.line_cap
    assert scene.line_count() == scene.line_cap
    assert "strongest" in scene.notice()
    # small layers keep all their lines; the cap falls on the big first layer
    assert scene._conns[-1].line_count() == other.weights[-1].size
    rendered = _neuron_colours(scene)
    acts = other.forward(digits[0])
    for (layer, index), rgb in rendered.items():
        if scene.layout_.radii[layer] >= 3:  # big enough to have a fill pixel
            assert np.abs(rgb - _expected_fill(acts[layer][index])).max() <= 3


def test_clicking_a_neuron_emits_its_layer_and_index(qtbot, scene, net, digits):
    scene.show_activations(net.forward(digits[0]), animate=False)
    for layer, index in [(1, 3), (2, 15), (3, 7), (0, 14 * 28 + 9)]:
        with qtbot.waitSignal(scene.neuronClicked, timeout=1000) as blocker:
            qtbot.mouseClick(scene.viewport(), QtCore.Qt.MouseButton.LeftButton,
                             pos=scene.neuron_viewport_pos(layer, index))
        assert blocker.args == [layer, index]
    with qtbot.waitSignal(scene.emptyClicked, timeout=1000):
        qtbot.mouseClick(scene.viewport(), QtCore.Qt.MouseButton.LeftButton,
                         pos=scene.viewport().rect().bottomRight() - QtCore.QPoint(5, 5))


def test_clicks_after_zooming_still_hit(qtbot, scene):
    scene._box.scaleBy((0.5, 0.5), center=scene.neuron_scene_pos(2, 4))
    with qtbot.waitSignal(scene.neuronClicked, timeout=1000) as blocker:
        qtbot.mouseClick(scene.viewport(), QtCore.Qt.MouseButton.LeftButton,
                         pos=scene.neuron_viewport_pos(2, 4))
    assert blocker.args == [2, 4]
    scene.fit_view()


def test_hover_tooltip_gives_bias_z_and_activation(qtbot, scene, net, digits):
    x = digits[0]
    scene.show_activations(net.forward(x), animate=False)
    zs, acts = net.forward_full(x)
    text = scene.tooltip_text(2, 5)
    assert f"{net.biases[1][5]:+.3f}" in text
    assert f"{zs[1][5]:+.3f}" in text
    assert f"{acts[2][5]:.3f}" in text
    with qtbot.waitSignal(scene.neuronHovered, timeout=1000) as blocker:
        qtbot.mouseMove(scene.viewport(), scene.neuron_viewport_pos(2, 5) + QtCore.QPoint(1, 0))
        qtbot.mouseMove(scene.viewport(), scene.neuron_viewport_pos(2, 5))
    assert blocker.args == [2, 5]


def test_selection_rings_the_neuron_and_emphasises_its_inputs(scene, net, digits):
    scene.show_activations(net.forward(digits[0]), animate=False)
    scene.set_selection(1, 3)
    assert scene.selection() == (1, 3)
    mask = scene._conns[0]._emphasis
    n_in = net.sizes[0]
    assert mask.sum() == n_in and mask[3 * n_in:4 * n_in].all()
    assert not scene._conns[1]._emphasis.any()
    image = scene.grab().toImage()
    p = scene.neuron_widget_pos(1, 3)
    half = scene._neurons.layout.radii[1] + 3.5  # a square around the circle
    scale = scene.neuron_widget_pos(1, 4).y() - p.y()
    scale /= scene.layout_.positions[1][4, 1] - scene.layout_.positions[1][3, 1]
    rgb = _pixel(image, QtCore.QPoint(round(p.x() + half * scale), p.y()))
    assert np.abs(rgb - np.array(colors.SELECTION)).max() <= 40
    scene.set_selection(0, 100)  # an input pixel: its outgoing lines
    assert scene._conns[0]._emphasis[100::n_in].all()
    scene.clear_selection()
    assert scene.selection() is None and scene._conns[0]._emphasis is None
    with pytest.raises(ValueError):
        scene.set_selection(4, 0)


def test_bad_arguments_are_refused(scene, net):
    with pytest.raises(ValueError, match="view mode"):
        scene.view_mode = "sideways"
    with pytest.raises(ValueError, match="do not fit"):
        scene.show_activations([np.zeros(10)], animate=False)


def test_export_png_and_svg(scene, net, digits, tmp_path):
    scene.show_activations(net.forward(digits[0]), animate=False)
    png, svg = tmp_path / "scene.png", tmp_path / "scene.svg"
    scene.export_image(png)
    scene.export_image(svg)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = svg.read_text()
    assert "<svg" in text and text.count("<polyline") + text.count("<path") > scene.line_count() // 2
    with pytest.raises(OSError):
        scene.export_image(tmp_path / "missing-folder" / "scene.png")


# -- in the main window ---------------------------------------------------------------------------

@pytest.fixture
def window(qtbot, net):
    from digitviz.gui import MainWindow

    w = MainWindow(weights=net)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_window_scene_follows_the_state(qtbot, window, net, digits):
    scene = window.scene
    assert isinstance(scene, NetworkScene) and window.centralWidget() is scene
    assert scene.network is window.network
    window.animation_enabled = False
    assert not window.animation_enabled and not scene.animation_enabled
    assert not window.scene_controller.animate_action.isChecked()
    window.show_input(digits[0].reshape(28, 28))
    assert not scene.is_animating()
    np.testing.assert_allclose(scene.activations()[-1], net.forward(digits[0])[-1])
    window.animation_enabled = True
    scene.layer_duration = 0.05
    window.state.set_input(digits[1], final=False)  # the pen is moving: follow live
    assert not scene.is_animating()
    np.testing.assert_allclose(scene.activations()[1], net.forward(digits[1])[1])
    with qtbot.waitSignal(scene.animationFinished, timeout=3000):
        window.show_input(digits[2].reshape(28, 28))  # a final input animates
        assert scene.is_animating()
    window.show_input(np.zeros((28, 28)))
    assert scene.activations() is None and scene.line_count() == 0


def test_window_actions(qtbot, window, net, digits, tmp_path):
    scene, ctl = window.scene, window.scene_controller
    window.show_input(digits[0].reshape(28, 28))
    ctl.weights_action.trigger()
    assert scene.view_mode == "weights" and scene.line_count() == 12_960
    ctl.signal_action.trigger()
    assert scene.view_mode == "signal"
    window.animation_enabled = False
    scene.layer_duration = 0.05
    with qtbot.waitSignal(scene.animationFinished, timeout=3000):
        ctl.replay_action.trigger()
    assert ctl.replay_action.shortcut().toString() == "Space"
    assert ctl.export(tmp_path / "scene.png") and (tmp_path / "scene.png").is_file()
    assert not ctl.export(tmp_path / "missing" / "scene.png")
    assert "missing" in window.last_error


def test_window_relayouts_for_a_new_network(qtbot, window, digits):
    other = Network.random([784, 30, 10], np.random.default_rng(2))
    window.animation_enabled = False
    window.show_input(digits[0].reshape(28, 28))
    window.set_network(other)
    assert window.scene.layout_.sizes == (784, 30, 10)
    np.testing.assert_allclose(window.scene.activations()[1], other.forward(digits[0])[1])


def test_view_keeps_the_network_fitted_until_the_user_zooms(qtbot, scene):
    def all_inside():
        rect = scene.viewport().rect()
        return all(rect.contains(scene.neuron_viewport_pos(layer, index))
                   for layer in range(4) for index in (0, scene.network.sizes[layer] - 1))

    scene.resize(700, 700)
    qtbot.waitUntil(all_inside, timeout=2000)
    scene.resize(1200, 400)
    qtbot.waitUntil(all_inside, timeout=2000)


def test_same_shape_network_keeps_the_selection_and_edited_weights_redraw(scene, net, digits):
    scene.set_selection(2, 1)
    other = Network.random([784, 16, 16, 10], np.random.default_rng(11))
    scene.set_network(other)
    assert scene.selection() == (2, 1) and scene.network is other
    scene.view_mode = "weights"
    scene.show_activations(other.forward(digits[0]), animate=False)
    first = scene._conns[2].batches
    before = first.drawn.copy()
    other.weights[2][:] = 0.0  # edited in place and announced (AppState.refresh): redrawn
    other.weights[2][4, 7] = 1.0
    scene.update_parameters(other)
    scene.show_activations(other.forward(digits[0]), animate=False)
    after = scene._conns[2].batches
    assert after is not first and len(after) == other.weights[2].size
    assert after.drawn[-1] == 4 * 16 + 7 != before[-1]  # the only strong line is drawn last
    scene.set_network(Network.random([784, 30, 10], np.random.default_rng(1)))
    assert scene.selection() is None


# -- issue 13: a scene that fills its space, honest animation, readable lines -----------------------

@pytest.mark.parametrize("size", [(798, 675), (575, 665), (1000, 600), (1600, 900)])
def test_the_fit_fills_the_shorter_side_and_follows_resizes(qtbot, scene, size):
    scene.resize(*size)
    qtbot.waitUntil(lambda: scene.viewport().size() == QtCore.QSize(*size), timeout=2000)
    assert scene.fill_fraction() >= 0.8
    rect = scene.viewport().rect()
    for layer in range(4):
        for index in (0, scene.network.sizes[layer] - 1):
            assert rect.contains(scene.neuron_viewport_pos(layer, index))
    # One scene unit is one pixel: circles and labels keep a legible size on a small screen.
    x0, _, x1, _ = scene.layout_.bounds
    assert x1 - x0 == pytest.approx(size[0])
    assert min(scene.layout_.radii[1:]) >= 8


def test_no_line_crosses_a_caption(scene, net):
    lay = scene.layout_
    assert len({y for _, y in lay.captions}) == 1  # one line, "784 inputs" included
    lowest = max(lay.segments(layer)[:, [1, 3]].max() for layer in range(1, 4))
    assert lowest < lay.captions[0][1]  # every line ends above it
    scene.set_selection(0, 27 * 28 + 3)  # a pixel of the bottom row: its lines too
    assert scene.emphasised_lines()[:, [1, 3]].max() < lay.captions[0][1]


def test_a_selected_pixel_sends_its_lines_from_the_pixel_even_when_dark(scene, net, digits):
    x = digits[0]
    scene.show_activations(net.forward(x), animate=False)
    for index in (int(np.argmax(x)), 0):  # a lit pixel and a dark one
        scene.set_selection(0, index)
        lines = scene.emphasised_lines()
        assert len(lines) == net.sizes[1]
        np.testing.assert_allclose(lines[:, 0:2], np.repeat(scene.layout_.positions[0][index][None], 16, 0))
        targets = scene.layout_.positions[1]  # each line ends at the edge of its own neuron
        gap = np.hypot(*(lines[:, None, 2:4] - targets[None]).transpose(2, 0, 1)).min(axis=0)
        np.testing.assert_allclose(gap, scene.layout_.radii[1])
    # A hidden neuron's incoming lines start at the grid's edge, leaving the grid readable.
    scene.set_selection(1, 2)
    gx, gy, gw, gh = scene.layout_.grid_rect
    starts = scene.emphasised_lines()[:, 0:2]
    assert len(starts) and np.all(np.isclose(starts[:, 0], gx + gw) | np.isclose(starts[:, 1], gy)
                                  | np.isclose(starts[:, 1], gy + gh))


def test_weights_view_shows_a_selected_neurons_pattern_in_the_grid(scene, net):
    scene.view_mode = "weights"
    w = net.weights[0][5]
    scene.set_selection(1, 5)
    assert scene._grid.showing_override()
    image = scene.grab().toImage()
    for index, blue in ((int(np.argmax(w)), True), (int(np.argmin(w)), False)):
        r, _, b = _pixel(image, scene.neuron_widget_pos(0, index) + QtCore.QPoint(2, 2))
        assert (b > r + 40) if blue else (r > b + 40)
    scene.set_selection(2, 5)
    assert not scene._grid.showing_override()
    # Strength-sorted with the weakest faded: a weight at half the strong ones is drawn faint.
    plan = scene._plan
    half = np.flatnonzero(np.abs(plan.strength[0] - 0.5) < 0.02)
    assert len(half) and np.abs(plan.weight_levels[0][half]).max() <= LEVELS // 4 + 1


def test_the_answer_ring_and_the_selection_look_different(scene, net, digits):
    acts = net.forward(digits[0])
    scene.show_activations(acts, animate=False)
    winner = int(np.argmax(acts[-1]))
    scene.set_selection(3, winner)
    neurons, lay = scene._neurons, scene.layout_
    r = lay.radii[3]
    ring = neurons.ring_radius(3)
    assert neurons.winner() == winner
    assert lay.label_gap - (ring - r) >= 4  # the label keeps clear of the ring (3 px pen)
    image = scene.grab().toImage()
    p = scene.neuron_widget_pos(3, winner)
    top = scene.neuron_widget_pos(3, winner - 1 if winner else winner + 1)
    scale = abs(top.y() - p.y()) / abs(lay.positions[3][1, 1] - lay.positions[3][0, 1])
    ring_rgb = _pixel(image, QtCore.QPoint(p.x(), round(p.y() - ring * scale)))
    square_rgb = _pixel(image, QtCore.QPoint(round(p.x() - (ring + 3.5) * scale), p.y()))
    assert np.abs(ring_rgb - np.array(colors.WINNER)).max() <= 40
    assert np.abs(square_rgb - np.array(colors.SELECTION)).max() <= 40


def test_the_animation_starts_from_the_picture_shown(qtbot, scene, net, digits):
    first, second = net.forward(digits[0]), net.forward(digits[1])
    scene.show_activations(first, animate=False)
    scene.layer_duration = 0.3
    shown = []
    scene.outputsShown.connect(shown.append)
    scene.show_activations(second, animate=True)
    assert scene.is_animating()
    # Not dark: the hidden and output layers still show the first input's values ...
    np.testing.assert_allclose(scene.shown_outputs(), first[-1])
    for (layer, index), rgb in _neuron_colours(scene).items():
        assert np.abs(rgb - _expected_fill(first[layer][index])).max() <= 3
    # ... and end on the second's; the outputs were announced when they changed on screen.
    qtbot.waitUntil(lambda: not scene.is_animating(), timeout=3000)
    np.testing.assert_allclose(shown[-1], second[-1])
    for (layer, index), rgb in _neuron_colours(scene).items():
        assert np.abs(rgb - _expected_fill(second[layer][index])).max() <= 3


def test_weights_are_reread_on_a_signal_never_per_frame(qtbot, window, net, digits, monkeypatch):
    from digitviz.gui.scene import network_scene

    made = []
    real = network_scene.LinePlan
    monkeypatch.setattr(network_scene, "LinePlan", lambda *a: made.append(1) or real(*a))
    window.animation_enabled = False
    for x in digits:  # pen frames and strokes: no weights re-read
        window.state.set_input(x, final=False)
        window.state.set_input(x, final=True)
    assert made == []
    net.weights[2][:] = 0.0  # an edit in place, announced
    net.weights[2][4, 7] = 1.0
    window.state.refresh()
    assert len(made) == 1
    window.scene.view_mode = "weights"
    assert window.scene._conns[2].batches.drawn[-1] == 4 * 16 + 7


def test_the_prediction_settles_with_the_output_layer(qtbot, window, net, digits):
    scene, panel = window.scene, window.prediction_panel
    window.animation_enabled = False
    window.show_input(digits[0].reshape(28, 28))
    before = net.forward(digits[0])[-1]
    np.testing.assert_allclose(panel.outputs(), before)
    window.animation_enabled = True
    scene.layer_duration = 0.2
    window.show_input(digits[1].reshape(28, 28))
    assert scene.is_animating()
    np.testing.assert_allclose(panel.outputs(), before)  # the signal has not arrived yet
    with qtbot.waitSignal(scene.animationFinished, timeout=3000):
        pass
    np.testing.assert_allclose(panel.outputs(), net.forward(digits[1])[-1])
    assert panel.digit_label.text() == str(int(np.argmax(net.forward(digits[1])[-1])))


def test_the_tooltip_writes_the_formula_as_the_inspector_does(scene, net, digits):
    scene.show_activations(net.forward(digits[0]), animate=False)
    assert "z = w · x + b" in scene.tooltip_text(1, 0)
    assert "z = w · a⁽¹⁾ + b" in scene.tooltip_text(2, 0)
    assert " . " not in scene.tooltip_text(3, 0)


def test_a_same_shape_network_animates_from_the_picture_shown(qtbot, window, net, digits):
    scene = window.scene
    window.animation_enabled = False
    window.show_input(digits[0].reshape(28, 28))
    before = scene.shown_outputs()
    window.animation_enabled = True
    scene.layer_duration = 0.3
    other = Network.random([784, 16, 16, 10], np.random.default_rng(5))
    window.set_network(other)
    assert scene.network is other and scene.is_animating()
    np.testing.assert_allclose(scene.shown_outputs(), before)  # not dark while the signal travels
    qtbot.waitUntil(lambda: not scene.is_animating(), timeout=3000)
    np.testing.assert_allclose(scene.shown_outputs(), other.forward(digits[0])[-1])


def test_the_lines_99th_percentile_is_numpys():
    from digitviz.gui.scene.lines import percentile_99

    rng = np.random.default_rng(5)
    for n in (1, 2, 3, 99, 100, 101, 160, 256, 12_544):
        values = np.abs(rng.normal(size=n))
        assert percentile_99(values) == pytest.approx(float(np.percentile(values, 99)), rel=1e-12, abs=0)
