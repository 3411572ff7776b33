"""Opening weight files in the window: every format, every bad file, menus, drops, recent, accuracy."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog
from weight_cases import (
    MALFORMED,
    close_message_boxes,
    drop_files,
    random_network,
    visible_message_boxes,
    write_safetensors,
    write_valid,
)

from digitviz import load_weights, save_weights
from digitviz.core.mnist import bundled_test_set
from digitviz.gui import MainWindow
from digitviz.gui.files import weight_sources, weights_menu
from digitviz.gui.files.weight_sources import RECENT_KEY, read_recent
from digitviz.gui.models import evaluator as evaluator_module
from digitviz.gui.workers import loading

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def start_file(tmp_path):
    return save_weights(random_network(seed=1, name="starting network"), tmp_path / "start.npz")


@pytest.fixture
def window(qtbot, start_file):
    QSettings().remove(RECENT_KEY)
    w = MainWindow(weights=start_file)
    qtbot.addWidget(w)
    yield w
    close_message_boxes(w)


@pytest.fixture(scope="module")
def shared_window(qapp, tmp_path_factory):
    """One window for the many bad-file cases (a window costs far more than a case)."""
    start = save_weights(random_network(seed=1, name="starting network"),
                         tmp_path_factory.mktemp("shared") / "start.npz")
    w = MainWindow(weights=start)
    w.start_file = start
    yield w
    close_message_boxes(w)
    w.close()
    w.deleteLater()


@pytest.fixture
def reused_window(shared_window):
    """The shared window, back on its starting network with no message showing."""
    assert shared_window.open_weights(shared_window.start_file)
    shared_window.last_error = None
    yield shared_window
    close_message_boxes(shared_window)


def same_network(a, b) -> bool:
    return a.sizes == b.sizes and all(
        np.array_equal(x, y) for x, y in zip(a.weights + a.biases, b.weights + b.biases)
    )


# -- valid files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["npz", "json", "pickle", "safetensors"])
def test_every_format_opens_and_is_shown(window, tmp_path, fmt):
    net = random_network(seed=11)
    path = write_valid(tmp_path, fmt, net)
    assert window.open_weights(path) is True
    shown = window.network
    assert shown.sizes == [784, 16, 16, 10]
    for got, want in zip(shown.weights + shown.biases, net.weights + net.biases):
        np.testing.assert_allclose(got, want, rtol=1e-6)  # safetensors stores float32
    assert window.weights_menu.current_path == path.absolute()
    assert read_recent()[0] == path.absolute()
    info = window.network_info
    assert info.shape_label.text() == "784-16-16-10"
    assert info.parameters_label.text() == "13,002"
    assert info.file_label.text() == path.name
    assert info.file_label.toolTip() == str(path.absolute())
    assert window.last_error is None


def test_safetensors_state_dict_of_a_pytorch_sequential(window, tmp_path):
    net = random_network((784, 30, 20, 10), seed=12)
    path = write_safetensors(tmp_path / "torch.safetensors", net,
                             metadata={"hidden_activation": "relu", "output_activation": "softmax"})
    assert window.open_weights(path)
    shown = window.network
    assert shown.sizes == [784, 30, 20, 10]
    assert (shown.hidden_activation, shown.output_activation) == ("relu", "softmax")
    x = bundled_test_set().images[:5].astype(np.float64)
    # Independent oracle: the forward pass of nn.Sequential written out by hand.
    h = np.maximum(x @ net.weights[0].astype(np.float32).T + net.biases[0].astype(np.float32), 0)
    h = np.maximum(h @ net.weights[1].astype(np.float32).T + net.biases[1].astype(np.float32), 0)
    z = h @ net.weights[2].astype(np.float32).T + net.biases[2].astype(np.float32)
    expected = np.exp(z - z.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(shown.forward(x)[-1], expected, rtol=1e-4, atol=1e-6)


def test_open_dialog_offers_safetensors_and_every_format():
    for pattern in ("*.npz", "*.json", "*.pkl", "*.pickle", "*.safetensors"):
        assert pattern in weights_menu.OPEN_FILTERS.split(";;")[0]


def test_a_784_30_10_network_re_lays_out_and_re_evaluates_the_drawing(window, tmp_path, qtbot):
    digit = bundled_test_set().images[3]
    window.show_input(digit.reshape(28, 28))
    net = random_network((784, 30, 10), seed=13)
    path = save_weights(net, tmp_path / "small.npz")
    finals = []
    window.state.activationsChanged.connect(finals.append)
    with qtbot.waitSignal(window.state.networkChanged), qtbot.waitSignal(window.predictionChanged) as pred:
        assert window.open_weights(path)
    assert window.state.network.sizes == [784, 30, 10]
    assert len(window.state.activations) == 3
    assert pred.args[0][0] == net.predict(digit)
    np.testing.assert_allclose(window.prediction[1], net.forward(digit)[-1])
    assert finals == [True]  # a final update: views animate it
    scene = window.scene
    assert scene.network is window.network
    assert scene.layout_.sizes == (784, 30, 10)
    assert [len(a) for a in scene.activations()] == [784, 30, 10]
    assert scene.is_animating() == scene.animation_enabled
    assert window.network_info.shape_label.text() == "784-30-10"
    assert window.network_info.parameters_label.text() == f"{784 * 30 + 30 + 30 * 10 + 10:,}"
    assert "784-30-10" in window.windowTitle()


# -- bad files: through open_weights and through drag and drop --------------------------------------


@pytest.mark.parametrize("how", ["open_weights", "drop"])
@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_bad_file_is_refused_with_a_message_and_changes_nothing(reused_window, tmp_path, monkeypatch, qtbot,
                                                                   case, how):
    window = reused_window
    digit = bundled_test_set().images[0]
    window.show_input(digit.reshape(28, 28))
    before = window.network
    arrays_before = [a.copy() for a in before.weights + before.biases]
    prediction_before = window.prediction
    path, problem = MALFORMED[case](tmp_path, monkeypatch)

    if how == "open_weights":
        assert window.open_weights(path) is False
    else:
        entered, dropped = drop_files(window, [path])
        assert entered and dropped
        qtbot.waitUntil(lambda: window.last_error is not None, timeout=5000)
        qtbot.waitUntil(lambda: not window.weights_menu.is_loading)

    assert str(path) in window.last_error
    assert problem in window.last_error
    assert "Still showing starting network" in window.last_error
    boxes = visible_message_boxes(window)
    assert boxes and str(path) in boxes[-1].text()
    assert window.network is before
    assert all(np.array_equal(a, b) for a, b in zip(before.weights + before.biases, arrays_before))
    assert window.prediction[0] == prediction_before[0]
    assert window.weights_menu.current_path is not None  # still the starting file
    assert not (tmp_path / "PWNED").exists()
    assert Path(path).absolute() not in read_recent()
    # ... and everything keeps working: another, good file opens.
    monkeypatch.undo()
    good = save_weights(random_network(seed=21), tmp_path / "good-after.npz")
    assert window.open_weights(good)


def test_drop_on_a_child_widget_reaches_the_window(window, tmp_path, qtbot):
    path = save_weights(random_network((784, 12, 10), seed=22), tmp_path / "dropped.npz")
    entered, dropped = drop_files(window.network_info, [path])
    assert entered and dropped
    qtbot.waitUntil(lambda: window.network.sizes == [784, 12, 10], timeout=5000)
    assert read_recent()[0] == path.absolute()


def test_a_drop_of_something_that_is_not_a_file_is_ignored(window):
    from PySide6.QtCore import QMimeData, QPoint, Qt
    from PySide6.QtGui import QDragEnterEvent
    from PySide6.QtWidgets import QApplication

    mime = QMimeData()
    mime.setText("784-16-16-10")
    event = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)
    assert not event.isAccepted()


# -- files that change under us; slow files -------------------------------------------------------


def test_a_file_that_changes_while_it_is_read_is_refused(window, tmp_path, monkeypatch):
    path = save_weights(random_network(seed=23), tmp_path / "growing.npz")
    real = loading.load_weights

    def load_then_someone_writes(p):
        net = real(p)
        with open(p, "ab") as f:
            f.write(b"more bytes from a writer that was not finished")
        return net

    monkeypatch.setattr(loading, "load_weights", load_then_someone_writes)
    before = window.network
    assert window.open_weights(path) is False
    assert "changed while it was being read" in window.last_error
    assert window.network is before


def test_a_file_that_disappears_while_it_is_read_is_refused(window, tmp_path, monkeypatch):
    path = save_weights(random_network(seed=24), tmp_path / "vanishing.npz")
    real = loading.load_weights

    def load_then_delete(p):
        net = real(p)
        os.remove(p)
        return net

    monkeypatch.setattr(loading, "load_weights", load_then_delete)
    before = window.network
    assert window.open_weights(path) is False
    assert "disappeared" in window.last_error
    assert window.network is before


def test_an_unexpected_reader_failure_is_still_a_clean_refusal(window, tmp_path, monkeypatch):
    path = save_weights(random_network(seed=25), tmp_path / "odd.npz")

    def broken(p):
        raise KeyError("a reader bug")

    monkeypatch.setattr(loading, "load_weights", broken)
    assert window.open_weights(path) is False
    assert "odd.npz" in window.last_error and "a reader bug" in window.last_error


def test_a_slow_file_is_read_off_the_gui_thread_and_the_window_keeps_running(window, tmp_path,
                                                                               monkeypatch):
    path = save_weights(random_network(seed=26), tmp_path / "slow.npz")
    real = loading.load_weights
    release = threading.Event()
    reader_threads = []

    def slow_load(p):
        reader_threads.append(threading.get_ident())
        release.wait(10)
        return real(p)

    monkeypatch.setattr(loading, "load_weights", slow_load)
    ticks = []
    timer = QTimer()
    timer.setInterval(5)

    def tick():
        ticks.append(1)
        if len(ticks) == 20:  # the event loop ran 20 timer events while the file was being read
            release.set()

    timer.timeout.connect(tick)
    timer.start()
    try:
        assert window.open_weights(path) is True
    finally:
        timer.stop()
    assert len(ticks) >= 20
    assert reader_threads and reader_threads[0] != threading.get_ident()


def test_opening_while_another_file_is_being_read_is_refused_cleanly(window, tmp_path, monkeypatch):
    first = save_weights(random_network((784, 20, 10), seed=27), tmp_path / "first.npz")
    second = save_weights(random_network((784, 21, 10), seed=28), tmp_path / "second.npz")
    real = loading.load_weights
    release = threading.Event()

    def slow_load(p):
        release.wait(10)
        return real(p)

    monkeypatch.setattr(loading, "load_weights", slow_load)
    nested = []

    def open_second():
        nested.append(window.open_weights(second))
        release.set()

    QTimer.singleShot(10, open_second)
    assert window.open_weights(first) is True
    assert nested == [False]
    assert "still being read" in window.last_error
    assert window.network.sizes == [784, 20, 10]


# -- menus ---------------------------------------------------------------------------------------


def test_file_open_action_uses_the_same_path(window, tmp_path, monkeypatch):
    path = save_weights(random_network((784, 40, 10), seed=29), tmp_path / "via-menu.npz")
    asked = []

    def fake_dialog(parent, caption, folder, filters):
        asked.append(filters)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_dialog))
    assert window.weights_menu.open_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert window.file_menu.actions()[0] is window.weights_menu.open_action
    window.weights_menu.open_action.trigger()
    assert window.network.sizes == [784, 40, 10]
    assert "*.safetensors" in asked[0]


def test_the_recent_list_survives_a_restart(qtbot, tmp_path, start_file):
    QSettings().remove(RECENT_KEY)
    a = save_weights(random_network(seed=31), tmp_path / "a.npz")
    b = save_weights(random_network(seed=32), tmp_path / "b.json")
    first = MainWindow(weights=start_file)
    qtbot.addWidget(first)
    assert first.open_weights(a) and first.open_weights(b) and first.open_weights(a)
    first.close()

    second = MainWindow(weights=random_network(seed=33))
    qtbot.addWidget(second)
    menu = second.weights_menu.recent_menu
    menu.aboutToShow.emit()
    texts = [action.text() for action in menu.actions() if action.toolTip().startswith("/")]
    assert [t.split("  —  ")[0] for t in texts] == ["&1 a.npz", "&2 b.json", "&3 start.npz"]
    # Picking an entry opens it.
    next(act for act in menu.actions() if act.toolTip() == str(b.absolute())).trigger()
    assert same_network(second.network, load_weights(b))
    assert read_recent()[:2] == [b.absolute(), a.absolute()]

    # A new process (a real restart) reads the same list from the settings file.
    names = (QCoreApplication.organizationName(), QCoreApplication.applicationName())
    code = (
        "from PySide6.QtCore import QCoreApplication as A; app = A([]); "
        f"A.setOrganizationName({names[0]!r}); A.setApplicationName({names[1]!r}); "
        "from digitviz.gui.files.weight_sources import read_recent; print([str(p) for p in read_recent()])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, check=True).stdout
    assert str(b.absolute()) in out and str(a.absolute()) in out


def test_a_recent_file_that_is_gone_leaves_the_list(window, tmp_path):
    path = save_weights(random_network(seed=34), tmp_path / "temporary.npz")
    assert window.open_weights(path)
    path.unlink()
    assert window.open_weights(path) is False
    assert path.absolute() not in read_recent()


def test_the_weights_argument_is_remembered(qtbot, tmp_path):
    QSettings().remove(RECENT_KEY)
    path = save_weights(random_network((784, 25, 10), seed=35), tmp_path / "argument.npz")
    w = MainWindow(weights=str(path))
    qtbot.addWidget(w)
    assert w.network.sizes == [784, 25, 10]
    assert read_recent() == [path.absolute()]
    assert w.network_info.file_label.toolTip() == str(path.absolute())


def test_bundled_menu_lists_every_shipped_file_with_its_description(window, tmp_path, monkeypatch):
    folder = tmp_path / "weights"
    folder.mkdir()
    save_weights(random_network(seed=36, name="trained"), folder / "default.npz")
    plain = random_network(seed=37, name="plain")
    plain.metadata.pop("description")
    save_weights(plain, folder / "plain.npz")
    scored = random_network(seed=38, name="scored")
    scored.metadata.update(description="", test_accuracy=0.9612)
    save_weights(scored, folder / "scored.npz")
    (folder / "broken.npz").write_bytes(b"PK\x03\x04broken")
    (folder / "README.md").write_text("# Model card\n\n## `plain.npz`\n\nA network described only by the "
                                      "model card.\nSecond line.\n\n- bullet\n")
    (folder / "__init__.py").write_text("")
    monkeypatch.setattr(weight_sources, "weights_path", lambda *parts: folder.joinpath(*parts))
    menu = window.weights_menu.bundled_menu
    menu.aboutToShow.emit()
    actions = {a.text().split(":")[0]: a for a in menu.actions()}
    assert set(actions) == {"broken.npz", "default.npz", "plain.npz", "scored.npz"}
    assert actions["default.npz"].text() == "default.npz: trained (784-16-16-10)"
    assert actions["default.npz"].statusTip() == "random weights, seed 36"
    assert actions["scored.npz"].text() == "scored.npz: scored (784-16-16-10), 96.1% on the MNIST test set"
    assert actions["plain.npz"].statusTip() == "A network described only by the model card. Second line."
    assert not actions["broken.npz"].isEnabled()
    assert "cannot be read" in actions["broken.npz"].statusTip()
    actions["plain.npz"].trigger()
    assert same_network(window.network, plain)


def test_model_card_paragraph_under_the_heading_that_names_the_file():
    card = ("# Weights\n\nIntro.\n\n## default.npz (784-16-16-10)\n\n```\ndigitviz train ...\n```\n"
            "Trained with Adam,\naugmented.\n\n## relu.npz\nReLU variant.\n")
    assert weight_sources.model_card_descriptions(card) == {
        "default.npz": "Trained with Adam, augmented.", "relu.npz": "ReLU variant."}


def test_save_as_npz_and_json_round_trip(window, tmp_path, monkeypatch):
    net = window.network
    assert window.weights_menu.save_to(tmp_path / "copy.npz")
    assert same_network(load_weights(tmp_path / "copy.npz"), net)
    assert window.network_info.file_label.text() == "copy.npz"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a: (str(tmp_path / "book"), weights_menu.JSON_FILTER)))
    window.weights_menu.save_action.trigger()
    loaded = load_weights(tmp_path / "book.json")
    assert loaded.sizes == net.sizes
    np.testing.assert_allclose(loaded.weights[0], net.weights[0])
    assert read_recent()[0] == (tmp_path / "book.json").absolute()


def test_save_into_a_missing_folder_reports_it(window, tmp_path):
    target = tmp_path / "no-such-folder" / "x.npz"
    assert window.weights_menu.save_to(target) is False
    assert str(target) in window.last_error


# -- accuracy ------------------------------------------------------------------------------------


def test_accuracy_is_measured_in_the_background_with_progress(window, tmp_path, monkeypatch, qtbot):
    real = evaluator_module.evaluate
    worker_threads = set()

    def slow_evaluate(network, digits, batch_size=2000, progress=None):
        worker_threads.add(threading.get_ident())

        def slow_progress(done, total):
            time.sleep(0.02)  # slow enough that the GUI thread visibly runs meanwhile
            progress(done, total)

        return real(network, digits, batch_size=batch_size, progress=slow_progress)

    monkeypatch.setattr(evaluator_module, "evaluate", slow_evaluate)
    net = random_network((784, 30, 10), seed=38)
    path = save_weights(net, tmp_path / "measured.npz")
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    job = window.network_info.accuracy
    progress = []
    window.evaluator.progress.connect(lambda key, done, total: progress.append((done, total)))
    assert window.open_weights(path)
    assert job.is_running and job.bar.isVisibleTo(window.network_info)
    qtbot.waitUntil(lambda: job.accuracy is not None, timeout=10_000)
    timer.stop()

    digits = bundled_test_set()
    expected = np.mean(net.predict(digits.images) == digits.labels)
    assert job.accuracy == pytest.approx(expected)
    assert f"{100 * expected:.2f}%" in job.label.text()
    assert not job.bar.isVisibleTo(window.network_info)
    assert ticks  # the event loop kept running while it computed
    assert worker_threads and threading.get_ident() not in worker_threads
    assert len(progress) >= 2 and progress[-1] == (10_000, 10_000)
    assert job.bar.maximum() == 10_000 and job.bar.value() == 10_000

    # Cached: the same network again, from the same or another file, costs no evaluation.
    worker_threads.clear()
    copy = save_weights(net, tmp_path / "same-arrays.npz")
    assert window.open_weights(tmp_path / "start.npz") and window.open_weights(copy)
    qtbot.waitUntil(lambda: job.accuracy is not None, timeout=5000)
    assert job.accuracy == pytest.approx(expected)
    assert len(worker_threads) <= 1  # only start.npz, which was not cached, was evaluated


def test_opening_another_network_stops_the_old_measurement_early(window, tmp_path, monkeypatch, qtbot):
    real = evaluator_module.evaluate
    gate = threading.Event()
    batches = []
    outcome = []

    def gated_evaluate(network, digits, batch_size=2000, progress=None):
        def held_progress(done, total):
            batches.append(done)
            gate.wait(10)  # the first batch waits here until another network is opened
            progress(done, total)

        try:
            result = real(network, digits, batch_size=batch_size, progress=held_progress)
        except BaseException as exc:
            outcome.append((network.sizes[1], type(exc).__name__))
            raise
        outcome.append((network.sizes[1], "finished"))
        return result

    monkeypatch.setattr(evaluator_module, "evaluate", gated_evaluate)
    big = save_weights(random_network((784, 500, 10), seed=43), tmp_path / "big.npz")
    assert evaluator_module.batch_size_for(load_weights(big)) < 10_000 // 10  # many steps
    assert window.open_weights(big)
    qtbot.waitUntil(lambda: len(batches) == 1, timeout=5000)
    window.set_network(random_network((784, 10), seed=44))
    gate.set()
    qtbot.waitUntil(lambda: (500, "_Superseded") in outcome, timeout=10_000)  # not after all batches
    assert batches[:1] == [evaluator_module.batch_size_for(load_weights(big))]


def test_a_superseded_accuracy_job_does_not_overwrite_the_new_one(window, tmp_path, qtbot):
    a = save_weights(random_network((784, 10), seed=39), tmp_path / "a.npz")
    b = random_network((784, 11, 10), seed=40)
    assert window.open_weights(a)
    window.set_network(b)
    job = window.network_info.accuracy
    qtbot.waitUntil(lambda: job.accuracy is not None, timeout=10_000)
    qtbot.wait(50)
    digits = bundled_test_set()
    assert job.accuracy == pytest.approx(np.mean(b.predict(digits.images) == digits.labels))
    assert window.network_info.file_label.text() == "(not from a file)"


def test_the_accuracy_follows_an_edit_in_place(window, qtbot):
    job = window.network_info.accuracy
    qtbot.waitUntil(lambda: job.accuracy is not None, timeout=10_000)
    window.network.weights[-1][:] = 0.0
    window.network.biases[-1][:] = np.arange(10.0)  # now it always answers 9
    window.state.refresh()
    qtbot.waitUntil(lambda: job.accuracy is not None, timeout=10_000)
    labels = bundled_test_set().labels
    assert job.accuracy == pytest.approx(np.mean(labels == 9))


def test_quitting_while_a_file_is_read_leaves_the_network_alone(window, tmp_path, monkeypatch):
    # Quitting ends every event loop, including the one that waits for the read: simulated by a
    # loop that returns at once, as QEventLoop.exec does once the application is quitting.
    class QuittingLoop:
        def exec(self):
            return -1

        def quit(self):
            pass

    monkeypatch.setattr(loading, "QEventLoop", QuittingLoop)
    path = save_weights(random_network(seed=41), tmp_path / "late.npz")
    before = window.network
    assert window.open_weights(path) is False
    assert "interrupted" in window.last_error
    assert window.network is before


def test_the_default_network_shows_its_file_but_is_not_added_to_recent(qtbot, tmp_path, monkeypatch):
    from digitviz.gui import main_window

    QSettings().remove(RECENT_KEY)
    default = save_weights(random_network(seed=42, name="shipped"), tmp_path / "default.npz")
    monkeypatch.setattr(main_window, "default_weights_path", lambda: default)
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.network.name == "shipped"
    assert w.weights_menu.current_path == default.absolute()
    assert w.network_info.file_label.text() == "default.npz"
    assert read_recent() == []
