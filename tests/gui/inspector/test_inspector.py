"""Selecting neurons (real clicks and keys) and what the inspector shows for them."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from digitviz.core.excite import excite
from digitviz.core.mnist import bundled_test_set
from digitviz.core.network import Network
from digitviz.gui import MainWindow


def make_net(sizes=(784, 16, 16, 10), seed=0, **kw) -> Network:
    rng = np.random.default_rng(seed)
    net = Network.random(list(sizes), rng, **kw)
    net.biases = [rng.normal(0.0, 0.3, b.shape) for b in net.biases]
    return net


@pytest.fixture(scope="module")
def digits():
    d = bundled_test_set()
    return d.images[:3].astype(np.float64)


@pytest.fixture
def window(qtbot):
    w = MainWindow(weights=make_net())
    w.animation_enabled = False
    qtbot.addWidget(w)
    w.resize(1500, 900)
    w.show()
    qtbot.waitExposed(w)
    return w


def click_neuron(window, layer, index):
    scene = window.scene
    QTest.mouseClick(scene.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     scene.neuron_viewport_pos(layer, index))


def click_scene_item(graphics_widget, scene_pos):
    """A real left click at a scene position of a pyqtgraph GraphicsLayoutWidget.

    ``scene_pos`` is a function, called once pending layout requests have been handled (a page
    that has just been switched to lays its items out on the next turn of the event loop).
    """
    QApplication.processEvents()
    point = graphics_widget.mapFromScene(scene_pos())
    QTest.mouseClick(graphics_widget.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     point)


def scene_view(window):
    """The scene's GraphicsView: the widget that has the keyboard focus after a click."""
    return window.scene.viewport().parentWidget()


# -- clicking in the scene ----------------------------------------------------------------------


@pytest.mark.parametrize("j", [0, 7, 15])
def test_clicking_hidden_neuron_shows_exactly_its_weight_image(window, j):
    click_neuron(window, 1, j)
    assert window.selected_neuron == (1, j)
    assert window.scene.selection() == (1, j)
    shown = window.inspector.weight_image()
    assert shown.shape == (28, 28)
    np.testing.assert_array_equal(shown, window.network.weights[0][j].reshape(28, 28))


def test_weight_colours_are_symmetric_around_zero(window, digits):
    window.show_input(digits[0].reshape(28, 28))
    window.select_neuron(1, 4)
    m = np.abs(window.network.weights[0][4]).max()
    assert window.inspector.weights_view.levels() == pytest.approx((-m, m))
    # w x x is drawn on the weights' scale, so it reads as the weights masked by the drawing
    assert window.inspector.contribution_view.levels() == pytest.approx((-m, m))
    window.select_neuron(2, 0)
    g = np.abs(window.inspector.gradient_image()).max()
    assert window.inspector.gradient_view.levels() == pytest.approx((-g, g))


def test_clicking_an_input_pixel_shows_its_outgoing_weights(window, digits):
    window.show_input(digits[0].reshape(28, 28))
    index = 14 * 28 + 13
    click_neuron(window, 0, index)
    assert window.selected_neuron == (0, index)
    np.testing.assert_array_equal(window.inspector.bar_values(), window.network.weights[0][:, index])
    assert window.inspector.weight_image() is None
    assert "row 14, col 13" in window.inspector.title.text()
    assert f"{digits[0][index]:.3f}" in window.inspector.formula.text()


def test_click_on_empty_space_deselects(window):
    click_neuron(window, 2, 4)
    assert window.selected_neuron == (2, 4)
    a = window.scene.neuron_viewport_pos(1, 0)
    b = window.scene.neuron_viewport_pos(2, 0)
    empty = QPoint((a.x() + b.x()) // 2, a.y() + 3)  # among the lines, between two layers
    QTest.mouseClick(window.scene.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, empty)
    assert window.selected_neuron is None
    assert window.scene.selection() is None
    assert window.inspector.shown_neuron is None
    assert window.inspector.pages.currentIndex() == 0


def test_escape_deselects(window, qtbot):
    click_neuron(window, 3, 2)
    assert window.selected_neuron == (3, 2)
    qtbot.keyClick(scene_view(window), Qt.Key.Key_Escape)
    assert window.selected_neuron is None
    assert window.scene.selection() is None


def test_arrow_keys_move_the_selection(window, qtbot):
    click_neuron(window, 1, 3)
    view = scene_view(window)
    steps = [
        (Qt.Key.Key_Down, (1, 4)),
        (Qt.Key.Key_Up, (1, 3)),
        (Qt.Key.Key_Right, (2, 3)),
        (Qt.Key.Key_Right, (3, 2)),   # 16 -> 10 neurons: same relative height
        (Qt.Key.Key_Right, (3, 2)),   # nothing right of the output
        (Qt.Key.Key_Left, (2, 3)),
        (Qt.Key.Key_Left, (1, 3)),
        (Qt.Key.Key_Left, (0, 5 * 28 + 27)),  # the input grid's right column, same height
        (Qt.Key.Key_Left, (0, 5 * 28 + 26)),
        (Qt.Key.Key_Up, (0, 4 * 28 + 26)),
        (Qt.Key.Key_Right, (0, 4 * 28 + 27)),
        (Qt.Key.Key_Right, (1, 2)),
    ]
    for key, expected in steps:
        qtbot.keyClick(view, key)
        assert window.selected_neuron == expected, key
        assert window.scene.selection() == expected
    window.select_neuron(1, 15)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert window.selected_neuron == (1, 15)


def test_keys_without_a_selection_do_nothing(window, qtbot):
    qtbot.keyClick(scene_view(window), Qt.Key.Key_Down)
    qtbot.keyClick(scene_view(window), Qt.Key.Key_Escape)
    assert window.selected_neuron is None


# -- scripting interface ------------------------------------------------------------------------


def test_select_neuron_does_what_a_click_does_and_refuses_nonsense(window):
    window.select_neuron(2, 9)
    assert window.selected_neuron == (2, 9)
    assert window.scene.selection() == (2, 9)
    for layer, index in [(4, 0), (1, 16), (0, 784), (-1, 0)]:
        with pytest.raises(ValueError):
            window.select_neuron(layer, index)
    assert window.selected_neuron == (2, 9)
    window.clear_selection()
    assert window.selected_neuron is None and window.scene.selection() is None


# -- what the inspector shows -------------------------------------------------------------------


def test_first_hidden_neuron_shows_weights_times_input_and_the_filled_in_formula(window, digits):
    x = digits[1]
    window.show_input(x.reshape(28, 28))
    window.select_neuron(1, 5)
    w = window.network.weights[0][5]
    np.testing.assert_allclose(window.inspector.contribution_image(), (w * x).reshape(28, 28))
    zs, acts = window.network.forward_full(x)
    text = window.inspector.formula.text()
    assert "sigmoid(" in text
    assert f"{acts[1][5]:.3f}" in text
    assert f"{abs(zs[0][5]):.3f}" in text
    assert f"{abs(window.network.biases[0][5]):.3f}" in text


def test_formula_names_the_networks_activation(qtbot, digits):
    w = MainWindow(weights=make_net(hidden_activation="relu", output_activation="softmax"))
    qtbot.addWidget(w)
    w.show_input(digits[0].reshape(28, 28))
    w.select_neuron(2, 1)
    assert "relu(" in w.inspector.formula.text()
    w.select_neuron(3, 4)
    assert "softmax" in w.inspector.formula.text()


def test_later_neuron_shows_incoming_bars_and_the_exact_input_gradient(window, digits):
    x = digits[2]
    window.show_input(x.reshape(28, 28))
    window.select_neuron(3, 6)
    net = window.network
    np.testing.assert_array_equal(window.inspector.bar_values(), net.weights[2][6])
    shown = window.inspector.gradient_image()
    assert shown.shape == (28, 28)
    eps = 1e-6
    bump = eps * np.eye(784)
    numeric = (net.forward(x + bump)[3][:, 6] - net.forward(x - bump)[3][:, 6]) / (2 * eps)
    np.testing.assert_allclose(shown.reshape(-1), numeric, atol=1e-6 * np.abs(numeric).max() + 1e-10)
    assert np.abs(numeric).max() > 0


def test_updates_live_while_the_pen_moves(window, digits):
    window.select_neuron(2, 3)
    window.state.set_input(digits[0], final=False)
    first = window.inspector.gradient_image().copy()
    window.state.set_input(digits[1], final=False)
    second = window.inspector.gradient_image()
    assert not np.allclose(first, second)
    np.testing.assert_allclose(second.reshape(-1), window.network.input_gradient(digits[1], 2, 3))


def test_selection_survives_a_new_drawing(window, digits):
    window.show_input(digits[0].reshape(28, 28))
    window.select_neuron(1, 2)
    window.show_input(digits[1].reshape(28, 28))
    assert window.selected_neuron == (1, 2)
    assert window.scene.selection() == (1, 2)
    w = window.network.weights[0][2]
    np.testing.assert_allclose(window.inspector.contribution_image(), (w * digits[1]).reshape(28, 28))


def test_selection_is_cleared_by_a_network_of_another_shape(window):
    window.select_neuron(2, 12)
    window.set_network(make_net((784, 30, 10), seed=4))
    assert window.selected_neuron is None
    assert window.scene.selection() is None
    assert window.inspector.shown_neuron is None
    window.select_neuron(1, 29)
    np.testing.assert_array_equal(window.inspector.weight_image(), window.network.weights[0][29].reshape(28, 28))


def test_selection_is_kept_and_refreshed_for_a_network_of_the_same_shape(window):
    window.select_neuron(1, 6)
    other = make_net(seed=9)
    window.set_network(other)
    assert window.selected_neuron == (1, 6)
    assert window.scene.selection() == (1, 6)
    np.testing.assert_array_equal(window.inspector.weight_image(), other.weights[0][6].reshape(28, 28))


# -- clicks inside the inspector and the gallery ------------------------------------------------


def test_clicking_a_bar_selects_the_source_neuron(window):
    window.select_neuron(3, 4)
    bars = window.inspector.incoming_bars
    view = window.inspector.pages.currentWidget()
    click_scene_item(view, lambda: bars.bar_center(11))
    assert window.selected_neuron == (2, 11)
    window.select_neuron(0, 400)
    view = window.inspector.pages.currentWidget()
    click_scene_item(view, lambda: window.inspector.outgoing_bars.bar_center(9))
    assert window.selected_neuron == (1, 9)


def test_arrow_keys_work_in_the_inspector_after_a_bar_click(window, qtbot):
    window.activateWindow()
    qtbot.waitActive(window)
    window.select_neuron(2, 0)
    view = window.inspector.pages.currentWidget()
    click_scene_item(view, lambda: window.inspector.incoming_bars.bar_center(6))
    assert window.selected_neuron == (1, 6)
    # Nothing in the inspector took the keyboard focus (a focused ViewBox eats every key).
    assert view.scene().focusItem() is None
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert window.selected_neuron == (1, 7)
    qtbot.keyClick(window.weight_gallery.view, Qt.Key.Key_Up)
    assert window.selected_neuron == (1, 6)
    qtbot.keyClick(window.inspector.pages.currentWidget(), Qt.Key.Key_Escape)
    assert window.selected_neuron is None


def test_clicking_a_weight_image_pixel_selects_that_pixel(window):
    window.select_neuron(1, 0)
    image = window.inspector.weights_view.item
    view = window.inspector.pages.currentWidget()
    click_scene_item(view, lambda: image.mapToScene(10.5, 20.5))  # col 10, row 20
    assert window.selected_neuron == (0, 20 * 28 + 10)


def test_gallery_tile_click_selects_that_neuron(window):
    gallery = window.weight_gallery
    for j in (0, 13):
        click_scene_item(gallery.view, lambda j=j: gallery.tile_center(j))
        assert window.selected_neuron == (1, j)
        assert gallery.frame.isVisible()
    window.clear_selection()
    assert not gallery.frame.isVisible()


def test_gallery_follows_the_network_shape(window):
    window.set_network(make_net((784, 30, 10), seed=2))
    gallery = window.weight_gallery
    click_scene_item(gallery.view, lambda: gallery.tile_center(29))
    assert window.selected_neuron == (1, 29)


def test_gallery_redraws_weights_edited_in_place_on_refresh(window):
    gallery = window.weight_gallery
    before = gallery.image().copy()
    window.network.weights[0][3] = -window.network.weights[0][3]
    window.state.refresh()  # AppState.parametersChanged: the mosaic follows the new weights
    assert not np.array_equal(gallery.image(), before)


# -- what excites it ----------------------------------------------------------------------------


def test_what_excites_it_arrives_from_the_background_and_matches_the_core(window, qtbot):
    window.select_neuron(2, 7)
    qtbot.waitUntil(lambda: window.inspector.excite_image() is not None, timeout=10_000)
    np.testing.assert_array_equal(window.inspector.excite_image(), excite(window.network, 2, 7))
    shown = window.inspector.later_excite_view.image()
    np.testing.assert_array_equal(shown, excite(window.network, 2, 7).reshape(28, 28))


# -- the selection model on its own -------------------------------------------------------------


def test_arrow_mapping_across_layers_of_different_sizes():
    from digitviz.gui.models.selection import NeuronSelection
    from digitviz.gui.models.state import AppState

    state = AppState(make_net((784, 64, 32, 16, 10)))
    selection = NeuronSelection(state)
    selection.select(1, 63)
    assert selection.neighbour(Qt.Key.Key_Right) == (2, 31)  # bottom stays bottom
    selection.select(4, 0)
    assert selection.neighbour(Qt.Key.Key_Left) == (3, 0)  # top stays top
    assert selection.neighbour(Qt.Key.Key_Right) is None
    assert selection.neighbour(Qt.Key.Key_Up) is None
    selection.select(0, 0)
    assert selection.neighbour(Qt.Key.Key_Up) is None and selection.neighbour(Qt.Key.Key_Left) is None
    selection.select(0, 27 * 28 + 27)  # bottom-right pixel
    assert selection.neighbour(Qt.Key.Key_Down) is None
    assert selection.neighbour(Qt.Key.Key_Right) == (1, 63)


def test_a_non_square_input_is_a_plain_column():
    from digitviz.gui.models.selection import NeuronSelection
    from digitviz.gui.models.state import AppState

    selection = NeuronSelection(AppState(make_net((20, 7, 3))))
    selection.select(0, 19)
    assert selection.neighbour(Qt.Key.Key_Up) == (0, 18)
    assert selection.neighbour(Qt.Key.Key_Down) is None
    assert selection.neighbour(Qt.Key.Key_Right) == (1, 6)
    selection.select(1, 0)
    assert selection.neighbour(Qt.Key.Key_Left) == (0, 0)


def test_deep_network_bars_and_gradients(qtbot, digits):
    w = MainWindow(weights=make_net((784, 64, 32, 16, 10), seed=5))
    qtbot.addWidget(w)
    w.show_input(digits[0].reshape(28, 28))
    w.select_neuron(2, 31)
    np.testing.assert_array_equal(w.inspector.bar_values(), w.network.weights[1][31])
    w.select_neuron(4, 9)
    assert w.inspector.bar_values().shape == (16,)
    np.testing.assert_allclose(w.inspector.gradient_image().reshape(-1),
                               w.network.input_gradient(digits[0], 4, 9))


def test_hovering_a_pixel_tells_its_value(window):
    window.select_neuron(1, 2)
    view = window.inspector.pages.currentWidget()
    QApplication.processEvents()
    point = view.mapFromScene(window.inspector.weights_view.item.mapToScene(3.5, 12.5))  # col 3, row 12
    QTest.mouseMove(view.viewport(), point)
    QTest.mouseMove(view.viewport(), point + QPoint(1, 0))
    w = window.network.weights[0][2].reshape(28, 28)[12, 3]
    assert "row 12, col 3" in window.inspector.hover.text()
    assert f"{w:+.4f}" in window.inspector.hover.text()


def test_a_covered_inspector_waits_and_catches_up_when_its_tab_comes_to_the_front(qtbot):
    """While another tab covers it (the Training tab during a run), new weights cost it nothing;
    brought to the front it shows them at once."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.select_neuron(1, 2)
    old = window.network
    window.bring_forward(window.training_dock)
    qtbot.waitUntil(lambda: window.inspector.visibleRegion().isEmpty())
    new = old.copy()
    new.weights[0][2] += 1.0
    window.state.update_parameters(new, False)
    shown = window.inspector.weights_view.image()  # what is drawn, not refreshed on asking
    np.testing.assert_array_equal(shown, old.weights[0][2].reshape(28, 28))
    window.inspector_dock.raise_()
    qtbot.waitUntil(lambda: np.array_equal(window.inspector.weights_view.image(), new.weights[0][2].reshape(28, 28)),
                    timeout=2_000)


def test_the_neuron_pages_are_made_when_first_needed(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    inspector = window.inspector
    assert inspector._weights_view is None and inspector._outgoing_bars is None  # start-up skips them
    pages = inspector.pages.minimumSizeHint()
    window.select_neuron(1, 3)
    assert inspector._weights_view is not None and inspector._outgoing_bars is None
    assert inspector.pages.minimumSizeHint() == pages  # the stand-in kept the layout
    inspector.outgoing_bars  # noqa: B018 - asking for it makes its page
    assert inspector._outgoing_bars is not None
    window.select_neuron(0, 400)
    np.testing.assert_array_equal(inspector.bar_values(), window.network.weights[0][:, 400])
