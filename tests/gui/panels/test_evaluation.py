
import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer

from digitviz.core.edit import scale_weights, switch_off
from digitviz.core.resources import default_weights_path
from digitviz.core.weightfiles import save_weights
from digitviz.gui import MainWindow


def _independent_confusion(network, digits):
    predicted = network.predict(digits.images)
    counts = np.zeros((10, 10), dtype=np.int64)
    for t, p in zip(digits.labels, predicted):
        counts[t, p] += 1
    return counts


@pytest.mark.parametrize("which", ["random", "trained"])
def test_the_confusion_matrix_matches_an_independent_count(qtbot, which, network, trained, digits):
    network = {"random": network, "trained": trained}[which]
    window = MainWindow(weights=network)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.evaluation_view.evaluation is not None, timeout=10_000)
    counts = _independent_confusion(network, digits)
    evaluation = window.evaluation_view.evaluation
    np.testing.assert_array_equal(evaluation.confusion, counts)
    for i in range(10):
        for j in range(10):
            assert window.evaluation_view.cell_text(i, j) == (str(counts[i, j]) if counts[i, j] else "")
        acc = 100 * counts[i, i] / counts[i].sum()
        assert window.evaluation_view.table.item(i, 10).text() == f"{acc:.1f}"
    accuracy = np.trace(counts) / len(digits)
    assert f"{100 * accuracy:.2f}%" in window.evaluation_view.summary.text()
    assert network.name in window.evaluation_view.summary.text()


def test_the_event_loop_keeps_running_while_evaluating(qtbot, network, gate):
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    window = MainWindow(weights=network)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=5000)
    # The evaluation is still held on its worker thread, and the window answers meanwhile.
    assert window.evaluation_view.evaluation is None
    assert "Evaluating" in window.evaluation_view.summary.text()
    window.test_digits.show_next()
    assert window.prediction is not None
    gate.set()
    qtbot.waitUntil(lambda: window.evaluation_view.evaluation is not None, timeout=10_000)
    timer.stop()


def _click_cell(qtbot, table, row, col):
    rect = table.visualItemRect(table.item(row, col))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_clicking_a_confusion_cell_browses_exactly_those_digits(qtbot, trained, digits):
    network = trained
    window = MainWindow(weights=default_weights_path())
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.evaluation_view.evaluation is not None, timeout=10_000)
    counts = _independent_confusion(network, digits)
    off = counts.copy()
    np.fill_diagonal(off, 0)
    i, j = np.unravel_index(np.argmax(off), off.shape)
    assert counts[i, j] > 1
    _click_cell(qtbot, window.evaluation_view.table, int(i), int(j))
    predicted = network.predict(digits.images)
    expected = np.flatnonzero((digits.labels == i) & (predicted == j))
    browser = window.test_digits
    np.testing.assert_array_equal(browser.indices, expected)
    assert browser.current_index == expected[0]
    browser.show_next()
    assert browser.current_index == expected[1]
    assert window.prediction[0] == j
    assert browser.filters == {"true_class": i, "predicted": j, "only_wrong": False}


def test_clicking_a_diagonal_cell_browses_the_right_answers(qtbot, window, network, digits):
    predicted = network.predict(digits.images)
    d = int(np.bincount(predicted[predicted == digits.labels], minlength=10).argmax())
    _click_cell(qtbot, window.evaluation_view.table, d, d)
    expected = np.flatnonzero((digits.labels == d) & (predicted == d))
    np.testing.assert_array_equal(window.test_digits.indices, expected)


def test_most_confident_mistakes_are_wrong_sorted_and_clickable(qtbot, window, network, digits):
    out = network.forward(digits.images)[-1]
    predicted = out.argmax(axis=1)
    wrong = np.flatnonzero(predicted != digits.labels)
    confidence = out[wrong, predicted[wrong]]
    mistakes = window.evaluation_view.evaluation.mistakes[:12]
    assert set(mistakes.tolist()) <= set(wrong.tolist())
    shown_confidence = out[mistakes, predicted[mistakes]]
    assert np.all(np.diff(shown_confidence) <= 1e-12)
    np.testing.assert_allclose(shown_confidence[0], confidence.max())
    button = window.evaluation_view.mistake_buttons[2]
    assert button.isVisibleTo(window.evaluation_view)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.test_digits.current_index == mistakes[2]
    assert window.test_digits.filters["only_wrong"]
    t, p = int(digits.labels[mistakes[2]]), int(predicted[mistakes[2]])
    assert button.text().startswith(f"{t}→{p}")


def test_in_place_edits_are_not_served_from_a_stale_cache(qtbot, network, digits):
    window = MainWindow(weights=network.copy())
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.evaluator.current is not None, timeout=10_000)
    first = window.evaluator.current
    window.show_input(digits.images[0].reshape(28, 28))
    window.network.weights[1][:, :8] = 0.0
    window.state.refresh()
    assert window.evaluator.current is None
    qtbot.waitUntil(lambda: window.evaluator.current is not None, timeout=10_000)
    assert window.evaluator.current is not first
    np.testing.assert_array_equal(window.evaluator.current.confusion,
                                  _independent_confusion(window.network, digits))


# -- neuron editing ---------------------------------------------------------------------------


def test_clicking_an_empty_cell_changes_nothing(qtbot, window, network, digits):
    counts = _independent_confusion(network, digits)
    empty = np.argwhere(counts == 0)
    assert len(empty)
    window.test_digits.show_index(42)
    i, j = (int(v) for v in empty[0])
    _click_cell(qtbot, window.evaluation_view.table, i, j)
    assert window.test_digits.current_index == 42
    assert window.test_digits.filters == {"true_class": None, "predicted": None, "only_wrong": False}


def test_a_slow_re_evaluation_keeps_the_old_figures_then_says_so(qtbot, network, gate):
    gate.set()
    window = MainWindow(weights=network)
    qtbot.addWidget(window)
    view = window.evaluation_view
    qtbot.waitUntil(lambda: view.evaluation is not None, timeout=10_000)
    first = view.evaluation
    gate.clear()
    window.edit_neuron(1, 0, weight_scale=3.0)
    assert view.evaluation is first and view.table.isEnabled()  # no flash for a quick one
    qtbot.waitUntil(lambda: "Evaluating" in view.summary.text(), timeout=5000)
    assert not view.table.isEnabled()
    assert view.evaluation is first
    gate.set()
    qtbot.waitUntil(lambda: view.evaluation is not first, timeout=10_000)
    assert view.table.isEnabled()
    assert "Evaluating" not in view.summary.text()


def test_the_test_menu_brings_the_evaluation_forward(qtbot, window):
    window.show()
    qtbot.waitExposed(window)
    window.inspector_dock.raise_()
    qtbot.waitUntil(lambda: window.evaluation_view.visibleRegion().isEmpty())
    action = next(a for a in window.test_menu.actions() if a.text() == "&Evaluation")
    action.trigger()
    qtbot.waitUntil(lambda: not window.evaluation_view.visibleRegion().isEmpty())
    # The window saves its dock layout on close; leave it as found for the windows of later tests.
    window.inspector_dock.raise_()


@pytest.mark.parametrize("edited", [False, True])
def test_the_view_and_digitviz_evaluate_agree_to_the_digit(qtbot, tmp_path, capsys, trained, edited):
    from digitviz.__main__ import main

    path = default_weights_path()
    if edited:
        path = tmp_path / "edited.npz"
        save_weights(switch_off(trained, 1, 2), path)
    assert main(["evaluate", str(path)]) == 0
    report = capsys.readouterr().out.splitlines()
    window = MainWindow(weights=path)
    qtbot.addWidget(window)
    view = window.evaluation_view
    qtbot.waitUntil(lambda: view.evaluation is not None, timeout=10_000)

    accuracy = next(line for line in report if line.startswith("Test accuracy:")).split()[2]
    assert f"Test accuracy <b>{accuracy}</b>" in view.summary.text()
    start = next(i for i, line in enumerate(report) if line.startswith("true\\pred")) + 1
    for d, line in enumerate(report[start:start + 10]):
        counts = [int(c) for c in line.split()[1:]]
        assert [view.cell_text(d, j) for j in range(10)] == [str(c) if c else "" for c in counts]
    per_digit = report[report.index("Per digit:") + 2:][:10]
    for d, line in enumerate(per_digit):
        digit, count, correct = (int(v) for v in line.split()[:3])
        assert digit == d
        assert view.table.item(d, 10).text() == f"{100 * (correct / count):.1f}"
    first = report.index("Most confident mistakes (test index: true -> answer, confidence):") + 1
    listed = [int(line.split(":")[0].strip().lstrip("#")) for line in report[first:first + 5]]
    shown = [int(b.toolTip().split("#")[1].split(":")[0]) for b in view.mistake_buttons[:5]]
    assert listed == shown


@pytest.mark.parametrize("screen", [(1366, 768), (1600, 900)])
def test_the_view_fits_its_column_without_sideways_scrolling(qtbot, trained, screen):
    """Issue 13: the last column and the mistake captions are never cut off."""
    from PySide6.QtWidgets import QScrollArea

    window = MainWindow(weights=trained)
    qtbot.addWidget(window)
    window.resize(int(screen[0] * 0.95), int(screen[1] * 0.92))
    window.show()
    window.evaluation_dock.show()
    window.evaluation_dock.raise_()
    view = window.evaluation_view
    qtbot.waitUntil(lambda: view.evaluation is not None and view.isVisible(), timeout=10_000)
    scroll = view.findChild(QScrollArea)
    assert scroll.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    table = view.table
    assert table.geometry().right() <= scroll.viewport().width()  # the "%" column is on view
    header = table.horizontalHeader()
    assert header.sectionViewportPosition(10) + header.sectionSize(10) <= table.viewport().width()
    metrics = table.fontMetrics()
    for row in range(10):
        for col in range(11):
            assert metrics.horizontalAdvance(table.item(row, col).text()) + 4 <= header.sectionSize(col)
    for button in view.mistake_buttons:
        if button.isVisible():
            assert button.geometry().right() <= scroll.viewport().width()
            for line in button.text().splitlines():
                assert button.fontMetrics().horizontalAdvance(line) + 4 <= button.width()


def test_an_edited_network_is_evaluated_again_and_undo_hits_the_cache(qtbot, window, network, digits):
    first = window.evaluation_view.evaluation
    edited = window.edit_neuron(1, 3, weight_scale=4.0)
    assert edited.fingerprint() != network.fingerprint()
    qtbot.waitUntil(lambda: window.evaluation_view.evaluation is not first, timeout=10_000)
    np.testing.assert_array_equal(window.evaluation_view.evaluation.confusion,
                                  _independent_confusion(scale_weights(network, 1, 3, 4.0), digits))
    restored = window.undo_edit()
    assert restored is network
    # Cached: the result is there at once, without waiting for a thread.
    assert window.evaluator.current is first
    assert window.evaluation_view.evaluation is first
