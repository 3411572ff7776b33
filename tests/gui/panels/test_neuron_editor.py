"""The neuron editor: live edits, accuracy before and after, one undo history, saving."""


import numpy as np
import pytest
from PySide6.QtCore import Qt

from digitviz.core.edit import switch_off
from digitviz.core.network import Network
from digitviz.core.weightfiles import load_weights


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


def test_a_covered_editor_waits_for_new_weights_and_catches_up_when_shown(qtbot, window):
    """Training shows ten networks a second; the editor, a tab behind the inspector, skips them
    and shows the latest when its tab comes to the front."""
    window.show()
    qtbot.waitExposed(window)
    editor = window.neuron_editor
    editor.select(1, 0)
    qtbot.waitUntil(lambda: editor.visibleRegion().isEmpty())  # the inspector's tab is in front
    shown = editor.neuron_info.text()
    new = window.network.copy()
    new.biases[0][0] = 2.5
    window.state.update_parameters(new, False)
    assert editor.neuron_info.text() == shown
    window.bring_forward(window.neuron_edit_dock)
    qtbot.waitUntil(lambda: "bias +2.500" in editor.neuron_info.text(), timeout=2_000)
