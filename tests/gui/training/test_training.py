"""The Training dock and ``window.training``: stepping, pausing, the timeline, determinism.

The training digits here are a slice of the bundled test set, used for the mechanics only:
nothing here reports or asserts an accuracy measured on them.
"""

import numpy as np
import pytest
from PySide6.QtCore import QTimer

from digitviz.core.mnist import bundled_test_set
from digitviz.core.network import Network
from digitviz.core.trainer import Trainer
from digitviz.core.weightfiles import load_weights
from digitviz.gui import MainWindow
from digitviz.gui.files.weight_sources import read_recent
from digitviz.gui.inspector.gallery import mosaic
from digitviz.gui.training.curves import cost_axis_top

N_IMAGES = 640  # 20 mini-batches of 32 per epoch


@pytest.fixture
def digits():
    d = bundled_test_set()
    return d.images[2000:2000 + N_IMAGES], d.labels[2000:2000 + N_IMAGES]


@pytest.fixture
def window(qtbot, digits):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.training.set_training_data(*digits)
    yield window
    window.training.shutdown()


def weights_of(net: Network) -> list[np.ndarray]:
    return [w.copy() for w in net.weights] + [b.copy() for b in net.biases]


def same(a: Network, b: Network) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(weights_of(a), weights_of(b)))


def test_step_run_and_scrub_through_the_timeline(window, qtbot):
    session = window.training
    session.configure(epochs=3)
    start = session.start_network()

    assert session.step()
    qtbot.waitUntil(lambda: not session.is_running(), timeout=30_000)
    assert session.batches_done == 1
    assert not same(window.network, start)  # the window shows the network after one batch

    assert session.start()  # on to the end of the third epoch
    qtbot.waitUntil(lambda: not session.is_running(), timeout=60_000)
    assert session.batches_done == 60
    # Snapshots after 0, 1, 2, 4, ... batches and at every epoch's end (20, 40, 60).
    assert [b for b, _ in session.snapshots] == [0, 1, 2, 4, 8, 16, 20, 32, 40, 60]
    cost_x, cost_y = session.cost_curve()
    assert len(cost_x) == 60 and np.all(np.isfinite(cost_y))
    assert len(session.epoch_seconds) == 3

    # Scrubbing: the whole window shows exactly that snapshot.
    window.select_neuron(1, 2)
    window.inspector_dock.raise_()
    window.training_panel.slider.setValue(3)  # as dragging the slider does
    batches, snap = session.snapshots[3]
    assert batches == 4
    assert window.network is snap
    assert window.scene.network is snap
    np.testing.assert_array_equal(window.inspector.weight_image(), snap.weights[0][2].reshape(28, 28))
    gallery = window.weight_gallery
    np.testing.assert_array_equal(gallery.image(), mosaic(snap.weights[0], gallery._columns, gallery._lut))
    assert window.training_panel.snapshot_label.text().startswith("4/10")

    session.show_snapshot(0)
    # The trainer computes in float32: the first snapshot is the start network rounded to it.
    assert all(np.array_equal(a.astype(np.float32), b) for a, b in zip(weights_of(start), weights_of(window.network)))
    assert window.training_panel.slider.value() == 0


def test_pause_stops_the_weights_and_start_continues(window, qtbot):
    session = window.training
    session.configure(epochs=500)  # long enough that the pause lands mid-run on any machine
    # While it runs the window follows it (live updates) and keeps handling events.
    updates, ticks = [], []
    window.state.parametersChanged.connect(lambda: updates.append(session.batches_done))
    ticker = QTimer()
    ticker.timeout.connect(lambda: ticks.append(1))
    ticker.start(5)
    assert session.start()
    qtbot.waitUntil(lambda: session.batches_done >= 8, timeout=30_000)
    session.pause()
    ticker.stop()
    assert not session.is_running()
    assert ticks and updates

    # Paused: the weights stay as they are.
    paused_at = session.batches_done
    assert paused_at < session.total_batches
    shown = weights_of(window.network)
    qtbot.wait(300)
    assert session.batches_done == paused_at
    assert all(np.array_equal(a, b) for a, b in zip(shown, weights_of(window.network)))
    assert same(session.current_network(), window.network)

    assert session.start()  # and it continues from there
    qtbot.waitUntil(lambda: session.batches_done > paused_at, timeout=30_000)
    session.pause()
    assert not session.is_running()


def test_play_replays_the_timeline(window, qtbot):
    session = window.training
    session.configure(epochs=1)
    session.start()
    qtbot.waitUntil(lambda: not session.is_running(), timeout=30_000)
    shown = []
    session.snapshotShown.connect(shown.append)
    window.training_panel.slider.setValue(0)
    window.training_panel.play_button.click()
    qtbot.waitUntil(lambda: not window.training_panel.is_playing, timeout=10_000)
    assert shown == list(range(len(session.snapshots)))
    assert window.network is session.snapshots[-1][1]


def test_snapshots_are_the_same_bit_for_bit_and_match_the_core_trainer(window, qtbot, digits):
    session = window.training
    session.configure(epochs=2, seed=7)
    session.start()
    qtbot.waitUntil(lambda: not session.is_running(), timeout=30_000)
    first = session.snapshots
    start = session.start_network()

    session.reset()
    assert session.snapshots == [] and session.batches_done == 0
    assert same(window.network, start)
    session.start()
    qtbot.waitUntil(lambda: not session.is_running(), timeout=30_000)
    second = session.snapshots
    assert [b for b, _ in first] == [b for b, _ in second] == [0, 1, 2, 4, 8, 16, 20, 32, 40]
    assert all(same(a, b) for (_, a), (_, b) in zip(first, second))

    # The same film as the core Trainer stepped headless.
    trainer = Trainer(start, *digits, seed=7, **session.settings.trainer_settings())
    for batches, snap in first[1:]:
        trainer.step(batches - trainer.batches_done)
        assert same(trainer.network, snap)


def test_without_training_data_it_refuses_and_says_where_to_look(qtbot, tmp_path):
    window = MainWindow()
    qtbot.addWidget(window)
    assert not window.training.start()
    assert "MNIST training files not found in (no folder chosen yet)" in window.last_error
    assert "choose the folder with the four .gz files" in window.last_error
    assert not window.training.has_run

    assert not window.training.load_data_folder(str(tmp_path))
    assert f"MNIST training files not found in {tmp_path}" in window.last_error
    # Never the test digits instead.
    assert not window.training.has_data


def test_use_and_save_the_trained_network(window, qtbot, tmp_path):
    before = window.network
    session = window.training
    session.start()
    qtbot.waitUntil(lambda: not session.is_running(), timeout=30_000)
    trained = window.network
    assert trained is not before

    path = tmp_path / "mine"
    assert window.training_actions.save_shown(path)
    saved = load_weights(tmp_path / "mine.npz")
    assert same(saved, trained)
    assert saved.metadata["training"]["hidden"] == [16, 16]
    assert saved.metadata["training"]["batch_size"] == 32
    assert 0.0 <= saved.metadata["test_accuracy_subset"]["accuracy"] <= 1.0
    assert read_recent()[0] == (tmp_path / "mine.npz").absolute()

    window.training_panel.use_button.click()
    assert same(window.network, trained)
    window.undo_stack.undo()
    assert window.network is before
    window.undo_stack.redo()
    assert same(window.network, trained)


def test_the_train_menu_starts_and_pauses(window, qtbot):
    window.training.configure(epochs=50)
    window.train_action.trigger()
    assert window.training.is_running()
    assert window.train_action.text() == "&Pause training"
    qtbot.waitUntil(lambda: window.training.batches_done > 0, timeout=30_000)
    window.train_action.trigger()
    assert not window.training.is_running()
    assert window.train_action.text() == "&Start training"
    assert window.training_panel.reset_button.isEnabled()
    assert not window.training_panel.hidden_edit.isEnabled()  # a run keeps its settings


def test_start_reads_the_remembered_folder_first_then_trains(qtbot, tmp_path, digits):
    import gzip
    import struct

    from PySide6.QtCore import QSettings

    from digitviz.core.mnist import TRAIN_IMAGES, TRAIN_LABELS

    # A small stand-in for the MNIST training files (made of bundled test digits: mechanics only).
    images = np.round(digits[0][:320] * 255).astype(np.uint8)
    labels = digits[1][:320].astype(np.uint8)
    (tmp_path / TRAIN_IMAGES).write_bytes(gzip.compress(struct.pack(">IIII", 0x803, 320, 28, 28) + images.tobytes()))
    (tmp_path / TRAIN_LABELS).write_bytes(gzip.compress(struct.pack(">II", 0x801, 320) + labels.tobytes()))
    QSettings().setValue("training/mnist_folder", str(tmp_path))

    window = MainWindow()
    qtbot.addWidget(window)
    session = window.training
    assert not session.has_data  # read only when needed
    assert session.start()
    qtbot.waitUntil(lambda: session.has_run and not session.is_running(), timeout=60_000)
    assert session.batches_done == 10
    assert "320 MNIST training digits from" in session.data_text
    assert window.training_panel.data_label.text() == session.data_text
    session.shutdown()


def test_a_missing_test_set_leaves_a_window_that_trains_without_checkpoints(qtbot, monkeypatch, digits):
    from digitviz.core.mnist import DataError
    from digitviz.gui.models import training

    def missing():
        raise DataError("/nowhere/mnist: data folder not found")

    monkeypatch.setattr(training, "bundled_test_set", missing)
    window = MainWindow()
    qtbot.addWidget(window)
    session = window.training
    session.set_training_data(*digits)
    assert np.isnan(session.test_accuracy(window.network))
    assert session.step()
    qtbot.waitUntil(lambda: not session.is_running(), timeout=30_000)
    assert session.batches_done == 1
    session.shutdown()


def test_a_diverging_run_says_so_and_keeps_the_last_finite_network(window, qtbot):
    session = window.training
    session.configure(epochs=10, optimizer="sgd", learning_rate=1e300)  # overflows within batches
    assert session.start()
    qtbot.waitUntil(lambda: not session.is_running(), timeout=30_000)
    assert "diverged" in window.last_error
    net = window.network
    assert all(np.all(np.isfinite(a)) for a in net.weights + net.biases)
    assert not session.start()  # only Reset helps
    assert "Reset" in window.last_error
    session.reset()
    assert session.step()
    qtbot.waitUntil(lambda: not session.is_running(), timeout=30_000)


def test_the_test_set_is_not_evaluated_while_training_runs(window, qtbot):
    session, evaluator = window.training, window.evaluator
    session.configure(epochs=20)
    assert session.start()
    assert evaluator.paused
    qtbot.waitUntil(lambda: session.batches_done >= 40, timeout=30_000)
    # Live networks arrive ten times a second; none of them is sent to the test set.
    assert not evaluator.is_pending(window.network.fingerprint())
    assert evaluator.current is None
    session.pause()
    assert not evaluator.paused
    # Once the weights hold still, the shown network is evaluated as usual.
    qtbot.waitUntil(lambda: evaluator.current is not None, timeout=30_000)
    assert evaluator.current is evaluator.evaluation_for(window.network)


def test_the_curves_are_made_when_the_panel_is_first_shown_and_show_the_run_so_far(window, qtbot):
    panel, session = window.training_panel, window.training
    assert panel._plots is None  # start-up does not pay for the two plots
    session.configure(epochs=1)
    assert session.start()
    qtbot.waitUntil(lambda: not session.is_running(), timeout=30_000)
    window.bring_forward(window.training_dock)
    qtbot.waitUntil(lambda: panel._plots is not None, timeout=5_000)
    x, y = panel.plots.cost_curve.getData()
    assert len(x) == session.batches_done == 20
    np.testing.assert_allclose(y, session.cost_curve()[1])
    # The cost axis ends at a round number a little above the highest cost.
    top = panel.plots.cost_plot.viewRange()[1][1]
    assert top == pytest.approx(cost_axis_top(float(np.max(y)))) and top >= 1.1 * np.max(y)


@pytest.mark.parametrize("highest, top", [(2.35, 3.0), (0.41, 0.5), (0.09, 0.1), (12.0, 15.0), (0.0, 1.0)])
def test_the_cost_axis_grows_in_round_steps(highest, top):
    assert cost_axis_top(highest) == pytest.approx(top)


def test_the_changing_training_labels_never_widen_the_dock(window):
    """The status line and the snapshot label change ten times a second while training: a longer
    text must not widen the panel, or the window (and the scene) is laid out again mid-run."""
    panel = window.training_panel
    width = panel.minimumSizeHint().width()
    panel.status_label.setText("batch 937,500 / 937,500 · epoch 100.00 · 12.34 s per epoch · "
                               "test accuracy <b>99.9%</b>")
    panel.snapshot_label.setText("64/64: 937,500 batches")
    assert panel.minimumSizeHint().width() == width


def test_the_changing_training_labels_never_lay_the_window_out_again(window, qtbot):
    """A QLabel's new text asks every layout up to the main window to be computed again (and the
    scene is then painted twice): the status line and the snapshot label only repaint themselves."""
    from PySide6.QtCore import QEvent, QObject

    panel = window.training_panel
    window.show()
    window.bring_forward(window.training_dock)
    qtbot.waitExposed(window)
    panel.plots  # noqa: B018 - the curves are made when first shown: not part of what is counted

    class Count(QObject):
        requests = 0

        def eventFilter(self, obj, event):  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.LayoutRequest:
                Count.requests += 1
            return False

    counter = Count()
    panel.installEventFilter(counter)
    for _ in range(40):  # the window settles: no layout asked for during 100 ms
        Count.requests = 0
        qtbot.wait(100)
        if not Count.requests:
            break
    for k in range(5):
        panel.status_label.setText(f"batch {k:,} / 1,875 · epoch 0.0{k} · test accuracy <b>9{k}.0%</b>")
        panel.snapshot_label.setText(f"{k + 1}/9: {2 ** k:,} batches")
        qtbot.wait(5)
    assert Count.requests == 0
    assert panel.status_label.text().startswith("batch 4 /")


def test_a_live_network_is_shown_in_the_next_event_loop_turn_and_never_over_a_newer_one(window, qtbot):
    """The poll that receives a live network does not also redraw the window: the views update in
    a later turn of the event loop (input and timers get a turn in between). A live network still
    waiting when a final one is shown (a reset, a snapshot) is dropped, not shown over it."""
    session = window.training
    session.configure(epochs=1)
    assert session.step()
    qtbot.waitUntil(lambda: not session.is_running(), timeout=30_000)
    before = window.network
    live = Network.random(before.sizes, np.random.default_rng(5), before.hidden_activation,
                          before.output_activation)
    session._handle([("live", 1, live)])
    assert window.network is before  # not in the poll's own event
    qtbot.waitUntil(lambda: window.network is live, timeout=2_000)

    session._handle([("live", 1, live.copy())])
    net = session.show_snapshot(0)  # shown at once; the waiting live network is dropped
    assert window.network is net
    qtbot.wait(50)
    assert window.network is net
