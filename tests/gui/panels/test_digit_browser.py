import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from digitviz.core.mnist import bundled_test_set
from digitviz.core.network import Network
from digitviz.gui import MainWindow
from digitviz.gui.panels.digit_browser import browse_indices


@pytest.fixture(scope="module")
def digits():
    return bundled_test_set()


@pytest.fixture(scope="module")
def network():
    return Network.random([784, 16, 16, 10], np.random.default_rng(7), output_activation="softmax")


@pytest.fixture
def window(qtbot, network):
    window = MainWindow(weights=network)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.evaluator.current is not None, timeout=10_000)
    return window


def test_browse_indices_filters():
    labels = np.array([3, 1, 3, 0, 3, 1])
    predictions = np.array([3, 3, 1, 0, 3, 1])
    np.testing.assert_array_equal(browse_indices(labels, predictions), np.arange(6))
    np.testing.assert_array_equal(browse_indices(labels, predictions, true_class=3), [0, 2, 4])
    np.testing.assert_array_equal(browse_indices(labels, predictions, only_wrong=True), [1, 2])
    np.testing.assert_array_equal(browse_indices(labels, predictions, true_class=3, only_wrong=True), [2])
    np.testing.assert_array_equal(browse_indices(labels, predictions, true_class=1, predicted=3), [1])
    assert browse_indices(labels, None, only_wrong=True) is None
    np.testing.assert_array_equal(browse_indices(labels, None, true_class=1), [1, 5])


def test_next_and_previous_walk_in_order_and_wrap(window, digits):
    browser = window.test_digits
    shown = []
    browser.digitShown.connect(shown.append)
    browser.show_next()
    browser.show_next()
    assert shown == [0, 1]
    browser.show_previous()
    browser.show_previous()
    assert shown == [0, 1, 0, len(digits) - 1]
    browser.show_next()
    assert shown[-1] == 0
    # Each digit is fed to the window as if drawn.
    np.testing.assert_allclose(window.state.input, digits.images[0].astype(np.float64))


def test_jump_to_a_digit_class(window, digits):
    browser = window.test_digits
    browser.set_filter(true_class=3)
    threes = np.flatnonzero(digits.labels == 3)
    np.testing.assert_array_equal(browser.indices, threes)
    assert browser.current_index == threes[0]
    browser.show_next()
    assert browser.current_index == threes[1]
    browser.show_previous()
    browser.show_previous()
    assert browser.current_index == threes[-1]
    assert browser.class_combo.currentText() == "3"


def test_only_mistakes_lists_exactly_the_wrong_answers(window, digits, network):
    browser = window.test_digits
    browser.wrong_check.click()
    wrong = np.flatnonzero(network.predict(digits.images) != digits.labels)
    assert 0 < len(wrong) < len(digits)
    np.testing.assert_array_equal(browser.indices, wrong)
    assert browser.current_index == wrong[0]
    seen = [browser.current_index]
    for _ in range(4):
        browser.show_next()
        seen.append(browser.current_index)
    np.testing.assert_array_equal(seen, wrong[:5])
    assert "✗ wrong" in browser.verdict.text()


def test_the_verdict_shows_the_true_label_and_the_answer(window, digits, network):
    browser = window.test_digits
    right = int(np.flatnonzero(network.predict(digits.images) == digits.labels)[0])
    browser.show_index(right)
    label = int(digits.labels[right])
    text = browser.verdict.text()
    assert f"True label <b>{label}</b>" in text and f"network says <b>{label}</b>" in text
    assert "✓ right" in text
    assert "✗" not in text


def test_random_is_seeded_stays_in_the_list_and_moves(qtbot, network, digits):
    sequences = []
    for _ in range(2):
        window = MainWindow(weights=network)
        qtbot.addWidget(window)
        browser = window.test_digits
        browser.set_filter(true_class=5)
        seq = [browser.current_index]
        for _ in range(20):
            browser.show_random()
            seq.append(browser.current_index)
        sequences.append(seq)
    assert sequences[0] == sequences[1]
    fives = set(np.flatnonzero(digits.labels == 5).tolist())
    assert set(sequences[0]) <= fives
    assert all(a != b for a, b in zip(sequences[0], sequences[0][1:]))
    assert len(set(sequences[0])) > 10


def test_keys_browse(qtbot, window):
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    browser = window.test_digits
    QTest.keyClick(window, Qt.Key.Key_N)
    QTest.keyClick(window, Qt.Key.Key_N)
    assert browser.current_index == 1
    QTest.keyClick(window, Qt.Key.Key_PageDown)
    assert browser.current_index == 2
    QTest.keyClick(window, Qt.Key.Key_P)
    QTest.keyClick(window, Qt.Key.Key_PageUp)
    assert browser.current_index == 0
    QTest.keyClick(window, Qt.Key.Key_R)
    assert browser.current_index != 0
    QTest.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.AltModifier)
    assert browser.filters["true_class"] == 7
    QTest.keyClick(window, Qt.Key.Key_M)
    assert browser.filters == {"true_class": 7, "predicted": None, "only_wrong": True}
    assert browser.wrong_check.isChecked()
    QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # keeps "only mistakes"
    assert browser.filters == {"true_class": 2, "predicted": None, "only_wrong": True}
    QTest.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert browser.filters == {"true_class": None, "predicted": None, "only_wrong": False}
    assert browser.class_combo.currentText() == "any" and not browser.wrong_check.isChecked()


def test_mistake_filter_waits_for_the_answers(qtbot, network, digits, gate):
    window = MainWindow(weights=network)
    qtbot.addWidget(window)
    browser = window.test_digits
    browser.set_filter(only_wrong=True)
    assert browser.indices is None
    assert browser.current_index is None
    assert "waiting" in browser.position_label.text()
    gate.set()
    qtbot.waitUntil(lambda: browser.current_index is not None, timeout=10_000)
    wrong = np.flatnonzero(network.predict(digits.images) != digits.labels)
    assert browser.current_index == wrong[0]
    np.testing.assert_array_equal(browser.indices, wrong)


def test_a_drawn_input_clears_the_verdict(window):
    browser = window.test_digits
    browser.show_next()
    assert "network says" in browser.verdict.text()
    image = np.zeros((28, 28))
    image[10:18, 12:15] = 1.0
    window.show_input(image)
    assert "network says" not in browser.verdict.text()


def test_a_missing_test_set_leaves_a_working_window(qtbot, network, monkeypatch):
    from digitviz.core.mnist import DataError
    from digitviz.gui.models import evaluator

    def missing():
        raise DataError("/nowhere/mnist: data folder not found")

    monkeypatch.setattr(evaluator, "bundled_test_set", missing)
    window = MainWindow(weights=network)
    qtbot.addWidget(window)
    browser = window.test_digits
    # The digits are read after the window is shown; the failure then reaches the browser.
    qtbot.waitUntil(lambda: "data folder not found" in browser.position_label.text(), timeout=10_000)
    browser.show_next()
    browser.show_random()
    assert browser.current_index is None
    assert not browser.next_button.isEnabled()
    qtbot.waitUntil(lambda: "Evaluation failed" in window.evaluation_view.summary.text(), timeout=10_000)
    assert "data folder not found" in window.evaluation_view.summary.text()
    # Drawing and editing still work.
    window.show_input(np.ones((28, 28)))
    assert window.prediction is not None
    window.edit_neuron(1, 0, off=True)
    assert window.neuron_editor.edits


def test_a_covered_browser_waits_for_new_answers_and_catches_up_when_shown(qtbot, window, digits):
    window.show()
    qtbot.waitExposed(window)
    browser = window.test_digits
    window.bring_forward(window.test_digits_dock)
    browser.show_index(0)
    qtbot.waitUntil(lambda: "network says" in browser.verdict.text(), timeout=2_000)
    window.evaluator.set_paused(True)  # as while training runs: no test-set answers meanwhile
    window.test_digits_dock.hide()  # closed (or a tab behind another): it skips the new answers
    before = browser.verdict.text()
    new = window.network.copy()
    new.biases[-1][:] = 0.0
    new.biases[-1][int(digits.labels[0]) - 1] = 50.0  # now it answers the digit below the truth
    window.state.update_parameters(new, False)
    assert browser.verdict.text() == before
    window.bring_forward(window.test_digits_dock)
    answer = int(digits.labels[0]) - 1
    qtbot.waitUntil(lambda: f"network says <b>{answer % 10}</b>" in browser.verdict.text(), timeout=2_000)
