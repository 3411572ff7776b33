"""A second network beside the first: both answers for the same drawing, disagreements highlighted."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog
from weight_cases import close_message_boxes, random_network, visible_message_boxes

from digitviz import save_weights
from digitviz.core.mnist import bundled_test_set
from digitviz.gui import MainWindow
from digitviz.gui.panels.compare import AGREE_STYLE, DISAGREE_STYLE


@pytest.fixture
def window(qtbot):
    w = MainWindow(weights=random_network(seed=1, name="main net"))
    qtbot.addWidget(w)
    yield w
    close_message_boxes(w)


@pytest.fixture
def other(tmp_path):
    net = random_network((784, 30, 10), seed=2, name="other net")
    return net, save_weights(net, tmp_path / "other.npz")


def first_digit_where(window, second, agree: bool) -> np.ndarray:
    """A test image on which the two networks agree (or disagree)."""
    images = bundled_test_set().images[:500]
    main_answers = window.network.predict(images)
    second_answers = second.predict(images)
    index = np.flatnonzero((main_answers == second_answers) == agree)[0]
    return images[index]


def test_compare_with_shows_both_answers_for_the_same_drawing(window, other, qtbot):
    net, path = other
    assert window.comparison is None
    assert window.compare_with(path) is True
    assert window.compare_dock.isVisibleTo(window)
    assert window.comparison is None  # nothing drawn yet
    digit = bundled_test_set().images[7]
    window.show_input(digit.reshape(28, 28))
    second_digit, outputs = window.comparison
    assert second_digit == net.predict(digit)
    np.testing.assert_allclose(outputs, net.forward(digit)[-1])
    assert window.prediction[0] == window.network.predict(digit)
    panel = window.compare_panel
    assert "other net" in panel.second_label.text() and "784-30-10" in panel.second_label.text()
    assert "main net" in panel.main_label.text()
    assert f"<b>{second_digit}</b>" in panel.second_label.text()


def test_a_disagreement_is_highlighted_and_an_agreement_is_not(window, other):
    net, path = other
    assert window.compare_with(path)
    panel = window.compare_panel

    window.show_input(first_digit_where(window, net, agree=False).reshape(28, 28))
    main, second = window.prediction[0], window.comparison[0]
    assert main != second
    assert window.comparison_model.disagrees
    assert panel.verdict_label.text() == f"They disagree: {main} against {second}"
    assert panel.verdict_label.styleSheet() == DISAGREE_STYLE

    window.show_input(first_digit_where(window, net, agree=True).reshape(28, 28))
    assert window.prediction[0] == window.comparison[0]
    assert not window.comparison_model.disagrees
    assert panel.verdict_label.text() == f"Both read {window.prediction[0]}"
    assert panel.verdict_label.styleSheet() == AGREE_STYLE


def test_the_comparison_follows_the_drawing_live(window, other, qtbot):
    net, path = other
    assert window.compare_with(path)
    digits = bundled_test_set().images[:3]
    seen = []
    window.comparison_model.changed.connect(lambda: seen.append(window.comparison))
    for x in digits:
        window.state.set_input(x, final=False)  # while the pen moves
    assert [s[0] for s in seen] == list(net.predict(digits))
    window.show_input(np.zeros((28, 28)))
    assert window.comparison is None


def test_changing_the_main_network_keeps_the_comparison_and_updates_the_verdict(window, other, tmp_path):
    net, path = other
    assert window.compare_with(path)
    digit = first_digit_where(window, net, agree=False)
    window.show_input(digit.reshape(28, 28))
    assert window.comparison_model.disagrees
    assert window.open_weights(path)  # now the same network on both sides
    assert window.comparison_network is not None
    assert not window.comparison_model.disagrees
    assert window.compare_panel.verdict_label.styleSheet() == AGREE_STYLE


def test_a_bad_file_to_compare_with_is_refused_and_the_comparison_kept(window, other, tmp_path):
    _, path = other
    assert window.compare_with(path)
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"PK\x03\x04 not really")
    assert window.compare_with(bad) is False
    assert "bad.npz" in window.last_error and "compare with" in window.last_error
    assert visible_message_boxes(window)
    assert window.comparison_network.sizes == [784, 30, 10]


def test_stop_comparing(window, other):
    _, path = other
    assert window.compare_with(path)
    window.show_input(bundled_test_set().images[0].reshape(28, 28))
    assert window.comparison is not None
    window.compare_panel.stop_button.click()
    assert window.comparison is None and window.comparison_network is None
    assert not window.compare_panel.stop_button.isEnabled()
    assert "Choose a second network" in window.compare_panel.verdict_label.text()


def test_the_compare_menu_offers_another_file_the_bundled_ones_and_stop(window, other, monkeypatch):
    _, path = other
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a: (str(path), "")))
    menu = window.weights_menu.compare_menu
    assert window.compare_panel.choose_button.menu() is menu
    menu.aboutToShow.emit()
    actions = {a.text().replace("&", ""): a for a in menu.actions() if a.text()}
    assert not actions["Stop comparing"].isEnabled()
    actions["Other file…"].trigger()
    assert window.comparison_network.sizes == [784, 30, 10]
    menu.aboutToShow.emit()
    stop = next(a for a in menu.actions() if a.text().replace("&", "") == "Stop comparing")
    assert stop.isEnabled()
    stop.trigger()
    assert window.comparison_network is None


def test_the_second_networks_accuracy_is_measured_too(window, other, qtbot):
    net, path = other
    assert window.compare_with(path)
    job = window.compare_panel.second_accuracy
    qtbot.waitUntil(lambda: job.accuracy is not None, timeout=10_000)
    digits = bundled_test_set()
    assert job.accuracy == pytest.approx(np.mean(net.predict(digits.images) == digits.labels))


def test_trained_versus_untrained_the_classic_lesson(qtbot):
    from digitviz.core.resources import default_weights_path, weights_path

    assert default_weights_path().is_file()
    window = MainWindow()  # the shipped, trained network
    qtbot.addWidget(window)
    assert window.compare_with(weights_path("untrained.npz"))
    digits = bundled_test_set()
    trained_right = disagreements = 0
    for image, label in zip(digits.images[:50], digits.labels[:50]):
        window.show_input(image.reshape(28, 28))
        trained_right += window.prediction[0] == label
        disagreements += window.compare_panel.verdict_label.styleSheet() == DISAGREE_STYLE
    assert trained_right >= 45
    assert disagreements >= 30
    close_message_boxes(window)


def test_a_digit_drawn_with_the_mouse_is_read_by_both_and_again_after_opening_another(qtbot):
    from drawn import draw_digit, place

    from digitviz import load_weights
    from digitviz.core.resources import weights_path

    window = MainWindow()  # the shipped, trained network
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.animation_enabled = False
    untrained = load_weights(weights_path("untrained.npz"))
    assert window.compare_with(weights_path("untrained.npz"))
    seven = [[(0.15, 0.1), (0.5, 0.1), (0.85, 0.1), (0.7, 0.4), (0.55, 0.7), (0.45, 0.95)]]
    draw_digit(window.canvas, place(seven, 0.6, (0.5, 0.5)))
    x = window.state.input
    assert window.prediction[0] == 7
    assert window.comparison[0] == untrained.predict(x)
    np.testing.assert_allclose(window.comparison[1], untrained.forward(x)[-1])

    # Opening another network reads the same drawing again; the comparison stays.
    relu = load_weights(weights_path("relu.npz"))
    assert window.open_weights(weights_path("relu.npz"))
    np.testing.assert_array_equal(window.state.input, x)
    np.testing.assert_allclose(window.prediction[1], relu.forward(x)[-1])
    assert window.comparison[0] == untrained.predict(x)
    assert window.compare_panel.verdict_label.text().startswith(
        "They disagree" if relu.predict(x) != untrained.predict(x) else "Both read")
    close_message_boxes(window)
