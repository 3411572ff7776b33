
import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer

from digitviz.core.edit import scale_weights, switch_off
from digitviz.core.mnist import bundled_test_set
from digitviz.core.network import Network
from digitviz.core.resources import default_weights_path
from digitviz.core.weightfile import load_weights, save_weights
from digitviz.gui import MainWindow


@pytest.fixture(scope="module")
def digits():
    return bundled_test_set()


@pytest.fixture(scope="module")
def network():
    return Network.random([784, 16, 16, 10], np.random.default_rng(11), output_activation="softmax",
                          metadata={"name": "random eleven"})


@pytest.fixture(scope="module")
def trained():
    return load_weights(default_weights_path())


@pytest.fixture
def window(qtbot, network):
    window = MainWindow(weights=network)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.evaluation_view.evaluation is not None, timeout=10_000)
    return window


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


def test_switching_a_neuron_off_live(qtbot, window, network, digits):
    window.test_digits.show_index(0)
    edited = window.edit_neuron(2, 5, off=True)
    assert window.network is edited
    expected = switch_off(network, 2, 5)
    for a, b in zip(edited.weights, expected.weights):
        np.testing.assert_array_equal(a, b)
    # The shown digit is re-evaluated by the edited network.
    np.testing.assert_allclose(window.prediction[1], expected.forward(digits.images[0])[-1])
    assert window.neuron_editor.history.count() == 1
    assert window.neuron_editor.history.item(0).text() == "layer 2 neuron 5: off"


def test_accuracy_before_and_after_an_edit(qtbot, window, network, digits):
    before = np.mean(network.predict(digits.images) == digits.labels)
    editor = window.neuron_editor
    assert f"{100 * before:.2f}%" in editor.accuracy_label.text()
    editor.select(3, int(np.bincount(network.predict(digits.images), minlength=10).argmax()))
    qtbot.mouseClick(editor.off_button, Qt.MouseButton.LeftButton)
    after_net = window.network
    after = np.mean(after_net.predict(digits.images) == digits.labels)
    assert after != before
    qtbot.waitUntil(lambda: f"now <b>{100 * after:.2f}%</b>" in editor.accuracy_label.text(), timeout=10_000)
    assert f"before edits {100 * before:.2f}%" in editor.accuracy_label.text()


def test_edit_buttons_follow_the_spin_boxes_and_undo(qtbot, window, network):
    editor = window.neuron_editor
    editor.select(1, 7)
    editor.bias_spin.setValue(-2.5)
    qtbot.mouseClick(editor.bias_button, Qt.MouseButton.LeftButton)
    assert window.network.biases[0][7] == pytest.approx(network.biases[0][7] - 2.5)
    editor.scale_spin.setValue(0.0)
    qtbot.mouseClick(editor.scale_button, Qt.MouseButton.LeftButton)
    assert np.all(window.network.weights[0][7] == 0)
    assert [e.describe() for e in editor.edits] == ["layer 1 neuron 7: bias -2.5", "layer 1 neuron 7: weights x0"]
    qtbot.mouseClick(editor.undo_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.undo_button, Qt.MouseButton.LeftButton)
    assert window.network is network
    assert not editor.undo_button.isEnabled()
    assert window.undo_edit() is None


def test_the_index_range_follows_the_layer(window):
    editor = window.neuron_editor
    editor.layer_spin.setValue(3)
    assert editor.index_spin.maximum() == 9
    editor.layer_spin.setValue(1)
    assert editor.index_spin.maximum() == 15
    assert editor.layer_spin.maximum() == 3
    assert editor.bias_button.isEnabled() and editor.scale_button.isEnabled()
    editor.layer_spin.setValue(0)
    assert editor.index_spin.maximum() == 783
    assert not editor.bias_button.isEnabled() and not editor.scale_button.isEnabled()
    assert editor.off_button.isEnabled()


def test_the_editor_starts_on_the_first_hidden_layer_and_follows_the_selection(qtbot, window, network):
    editor = window.neuron_editor
    assert (editor.layer_spin.value(), editor.index_spin.value()) == (1, 0)
    window.select_neuron(2, 7)
    assert (editor.layer_spin.value(), editor.index_spin.value()) == (2, 7)
    qtbot.mouseClick(editor.off_button, Qt.MouseButton.LeftButton)
    assert np.all(window.network.weights[2][:, 7] == 0)
    assert "switched off" in editor.neuron_info.text()
    window.select_neuron(0, 14 * 28 + 14)
    assert "row 14, col 14" in editor.neuron_info.text()
    qtbot.mouseClick(editor.off_button, Qt.MouseButton.LeftButton)
    assert np.all(window.network.weights[0][:, 14 * 28 + 14] == 0)
    assert [e.describe() for e in editor.edits] == ["layer 2 neuron 7: off", "layer 0 neuron 406: off"]


def test_bad_edits_are_refused(window, network):
    with pytest.raises(ValueError, match="exactly one"):
        window.edit_neuron(1, 0, off=True, bias_shift=1.0)
    with pytest.raises(ValueError, match="layer 1 has neurons 0..15"):
        window.edit_neuron(1, 16, off=True)
    assert window.network is network
    assert window.neuron_editor.edits == []


def test_loading_another_network_clears_the_undo_stack(window):
    window.edit_neuron(1, 0, off=True)
    other = Network.random([784, 16, 16, 10], np.random.default_rng(99))
    window.set_network(other)
    assert window.neuron_editor.edits == []
    assert window.undo_edit() is None
    assert window.network is other


def test_save_the_edited_network(window, tmp_path):
    window.edit_neuron(1, 2, off=True)
    saved = window.neuron_editor.save(tmp_path / "edited.npz")
    loaded = load_weights(saved)
    for a, b in zip(loaded.weights, window.network.weights):
        np.testing.assert_array_equal(a, b)
    assert loaded.metadata["edits"] == ["layer 1 neuron 2: off"]


def test_a_failed_save_is_reported_and_the_app_keeps_its_state(window, tmp_path):
    edited = window.edit_neuron(1, 2, off=True)
    assert window.neuron_editor.save(tmp_path / "no-such-folder" / "x.npz") is None
    assert "no-such-folder" in window.last_error
    assert window.network is edited


def test_clicking_an_empty_cell_changes_nothing(qtbot, window, network, digits):
    counts = _independent_confusion(network, digits)
    empty = np.argwhere(counts == 0)
    assert len(empty)
    window.test_digits.show_index(42)
    i, j = (int(v) for v in empty[0])
    _click_cell(qtbot, window.evaluation_view.table, i, j)
    assert window.test_digits.current_index == 42
    assert window.test_digits.filters == {"true_class": None, "predicted": None, "only_wrong": False}


def test_one_undo_for_strokes_and_neuron_edits(qtbot, window, network):
    from drawn import draw_stroke

    canvas = window.canvas
    window.edit_neuron(1, 1, off=True)
    edited = window.network
    assert window.undo_action in window.edit_menu.actions()
    assert window.undo_action.text() == "&Undo switch-off of neuron 1 (layer 1)"
    draw_stroke(canvas, [(0.3, 0.2), (0.5, 0.5), (0.4, 0.8)])
    assert window.undo_action.text() == "&Undo stroke"
    # Ctrl+Z takes back whichever came last: the stroke, then the edit.
    window.undo_action.trigger()
    assert canvas.is_empty() and window.network is edited
    assert window.undo_action.text() == "&Undo switch-off of neuron 1 (layer 1)"
    window.undo_action.trigger()
    assert window.network is network
    assert not window.undo_action.isEnabled()
    window.redo_action.trigger()
    assert window.network is edited


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
