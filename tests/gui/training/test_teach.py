"""Teach it your handwriting: the personal set, kept across restarts, and fine-tuning on it.

The MNIST digits mixed into fine-tuning here are a slice of the bundled test set, a stand-in
for the training set for the mechanics only; the accuracy asserted is the personal set's.
"""

import numpy as np
import pytest
from drawn import draw_digit, load_drawn_digits
from PySide6.QtCore import Qt

from digitviz.core.mnist import bundled_test_set
from digitviz.gui import MainWindow
from digitviz.gui.models import personal as personal_module
from digitviz.gui.models.personal import FILE_NAME


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """The user's data folder, a temporary one."""
    monkeypatch.setattr(personal_module, "default_folder", lambda: tmp_path / "data")
    return tmp_path / "data"


def make_window(qtbot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    return window


def test_teach_then_fine_tune_learns_the_personal_digits_and_undo_brings_the_network_back(qtbot, folder):
    window = make_window(qtbot)
    original = window.network
    digits = bundled_test_set()
    predictions = original.predict(digits.images[:3000])
    mistakes = np.flatnonzero(predictions != digits.labels[:3000])[:12]
    assert len(mistakes) == 12
    for i in mistakes:
        window.show_input(digits.images[i].reshape(28, 28))
        qtbot.mouseClick(window.teach_panel.digit_buttons[int(digits.labels[i])], Qt.MouseButton.LeftButton)
    images, labels = window.personal_digits()
    assert images.shape == (12, 784) and images.dtype == np.float32
    np.testing.assert_array_equal(labels, digits.labels[mistakes])
    np.testing.assert_allclose(images, digits.images[mistakes], atol=1e-6)
    assert window.teach_panel.count_label.text() == "My digits: 12"
    before = np.mean(original.predict(images) == labels)
    assert before == 0.0

    window.training.set_training_data(digits.images[5000:9000], digits.labels[5000:9000])
    results = []
    window.training_actions.fineTuneFinished.connect(results.append)
    qtbot.mouseClick(window.teach_panel.fine_tune_button, Qt.MouseButton.LeftButton)
    assert not window.teach_panel.fine_tune_button.isEnabled()  # busy
    qtbot.waitUntil(lambda: len(results) == 1, timeout=60_000)
    result = results[0]
    tuned = window.network
    assert tuned is result.network and tuned is not original
    after = np.mean(tuned.predict(images) == labels)
    assert after > before
    assert result.personal_before == before and result.personal_after == after
    assert "Your digits: 0%" in window.teach_panel.result_label.text()
    assert window.teach_panel.fine_tune_button.isEnabled()

    window.undo_stack.undo()
    assert window.network is original
    window.undo_stack.redo()
    assert window.network is tuned


def test_a_drawn_digit_is_stored_as_the_network_sees_it(qtbot, folder):
    window = make_window(qtbot)
    window.show()
    qtbot.waitExposed(window)
    drawn = load_drawn_digits()[0]
    assert not window.teach_panel.digit_buttons[0].isEnabled()  # nothing drawn yet
    draw_digit(window.canvas, drawn.strokes)
    assert window.teach_panel.digit_buttons[0].isEnabled()
    assert window.teach(drawn.label)
    images, labels = window.personal_digits()
    assert labels.tolist() == [drawn.label]
    np.testing.assert_allclose(images[0], window.state.input, atol=1e-6)


def test_nothing_drawn_nothing_stored(qtbot, folder):
    window = make_window(qtbot)
    assert not window.teach(4)
    assert "Draw a digit first" in window.last_error
    assert len(window.personal_digits()[1]) == 0
    assert not (folder / FILE_NAME).exists()


def test_the_personal_set_survives_a_restart_and_entries_can_be_deleted(qtbot, folder):
    digits = bundled_test_set()
    first = make_window(qtbot)
    for i in range(3):
        first.show_input(digits.images[i].reshape(28, 28))
        assert first.teach(int(digits.labels[i]))
    stored = first.personal_digits()
    first.close()
    first.deleteLater()

    second = make_window(qtbot)
    images, labels = second.personal_digits()
    np.testing.assert_array_equal(images, stored[0])
    np.testing.assert_array_equal(labels, stored[1])
    assert second.last_error is None

    dialog = second.personal_dialog
    dialog.show()
    assert dialog.list.count() == 3
    dialog.list.item(1).setSelected(True)
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert dialog.list.count() == 2
    third = make_window(qtbot)
    np.testing.assert_array_equal(third.personal_digits()[1], stored[1][[0, 2]])


@pytest.mark.parametrize("content", [b"not a zip file at all", "bad labels"])
def test_a_corrupt_personal_file_is_reported_and_kept(qtbot, folder, content):
    folder.mkdir(parents=True)
    path = folder / FILE_NAME
    if content == "bad labels":
        with open(path, "wb") as f:
            np.savez(f, images=np.zeros((2, 784), np.float32), labels=np.array([3, 12]))
    else:
        path.write_bytes(content)
    original = path.read_bytes()

    window = make_window(qtbot)
    assert "Your personal digits could not be read" in window.last_error
    assert str(path) in window.last_error
    kept = folder / (FILE_NAME + ".corrupt")
    assert f"It was kept as {kept}" in window.last_error
    assert kept.read_bytes() == original  # never deleted, never overwritten
    assert len(window.personal_digits()[1]) == 0

    # A new set starts beside it; the kept file stays as it was.
    window.show_input(bundled_test_set().images[0].reshape(28, 28))
    assert window.teach(7)
    assert path.exists()
    assert kept.read_bytes() == original
