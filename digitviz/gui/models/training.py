"""A training run inside the app: the core :class:`Trainer` in a worker process.

:class:`TrainingSession` owns a :class:`TrainerProcess` (the core's Trainer in a child process:
a worker *thread* would fight the GUI thread for Python's GIL, stalling both); the GUI thread
never runs a step. The child reports the timeline (snapshots after 0, 1, 2, 4, ... batches and
at every epoch's end), the test accuracy at checkpoints on a subset of the bundled test digits,
the costs and a live copy of the network. A QTimer on the GUI thread collects those 12 times a
second, folds them into the run's :class:`RunHistory` (training_history.py: the curves and the
snapshots, thinned to a bounded list) and announces the live network with ``networkUpdated``
through a :class:`LiveRelay` (training_live.py).

The session's training digits are :class:`TrainingDigitsMixin`'s (training_digits.py); the
start network and the test subset come from training_inputs.py.

The snapshots depend only on the seed, the settings, the start network and the data (never on
timing), so the same run replays as the same film, bit for bit.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from ...core.mnist import DataError, bundled_test_set
from ...core.network import Network
from ...core.trainer_process import TrainerProcess
from .state import AppState
from .training_digits import TrainingDigitsMixin
from .training_history import RunHistory
from .training_inputs import AccuracySubset, start_network_for
from .training_live import LiveRelay
from .training_settings import TrainingSettings

# The window takes the worker's reports 12 times a second and shows the newest network each time.
# The worker sends a live copy only after the previous one was taken, and at most every
# LIVE_MIN_SPACING_MS: a fresh one is waiting at every poll, so the window redraws at the poll's
# steady rate (a copy sent every poll interval would arrive one poll late now and then).
LIVE_INTERVAL_MS = 80
LIVE_MIN_SPACING_MS = 40


class TrainingSession(TrainingDigitsMixin, QObject):
    """One training run: start, pause, step, reset, and its timeline of snapshots.

    Parameters
    ----------
    state : the window's AppState, read (never written) for the "current" start network; the
        window connects ``networkUpdated`` to ``state.update_parameters``.
    test_digits : ``(images (n, 784), labels (n,))`` for the accuracy at checkpoints; default
        every 10th digit of the bundled test set.

    Signals
    -------
    networkUpdated(object network, bool final) : show this network (live while running and
        while scrubbing, final=False; the end of a run or a reset, final=True).
    progressChanged() : new costs, accuracies or epoch times (read :meth:`cost_curve`,
        :meth:`accuracy_curve`, ``seconds_per_epoch``, ``batches_done``).
    snapshotAdded(int count) : the timeline grew (or was thinned); ``count`` snapshots now.
    snapshotShown(int index) : :meth:`show_snapshot` showed that snapshot.
    runningChanged(bool running)
    dataChanged() : training data arrived or went (``has_data``, ``data_text``).
    cleared() : the run was reset: no snapshots, no curves.
    problem(str message) : something the user must be told (no data, a bad folder, a diverged run).
    """

    networkUpdated = Signal(object, bool)
    progressChanged = Signal()
    snapshotAdded = Signal(int)
    snapshotShown = Signal(int)
    runningChanged = Signal(bool)
    dataChanged = Signal()
    cleared = Signal()
    problem = Signal(str)

    def __init__(self, state: AppState, test_digits=None, parent: QObject | None = None):
        super().__init__(parent)
        self._state = state
        self._settings = TrainingSettings()
        self._init_digits()
        self._test = AccuracySubset(test_digits, bundled_test_set)
        self._process: TrainerProcess | None = None
        self._start_network: Network | None = None
        self._latest: Network | None = None
        self._history = RunHistory()
        self._shown_snapshot: int | None = None
        self._broken = False  # the worker failed: only Reset helps
        # What the window showed before training took it over ("Use this network" undoes to it).
        self.network_before: Network | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(LIVE_INTERVAL_MS)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse timer may slip by 5%
        self._timer.timeout.connect(self._on_timer_timeout)
        self._live = LiveRelay(self)
        self._live.networkUpdated.connect(self.networkUpdated)

    # -- settings ---------------------------------------------------------------------------------

    @property
    def settings(self) -> TrainingSettings:
        return self._settings

    def configure(self, settings: TrainingSettings | None = None, **changes) -> None:
        """Use ``settings`` (or the current ones with ``changes``) for the next run.

        A run that has begun keeps its settings: call :meth:`reset` first (RuntimeError otherwise).
        """
        new = replace(settings or self._settings, **changes)
        if self._process is not None and new != self._settings:
            raise RuntimeError("a run has begun with other settings: reset it first")
        self._settings = new

    # -- the run ------------------------------------------------------------------------------------

    def start_network(self) -> Network:
        """The network this run starts (or started) from."""
        if self._start_network is not None:
            return self._start_network
        return start_network_for(self._settings, self._state.network)

    def _ensure_process(self) -> bool:
        if self._process is not None:
            return True
        try:
            start = self.start_network()
        except DataError as exc:
            self.problem.emit(f"Cannot start training: {exc}")
            return False
        start.metadata["name"] = f"trained in digitviz (seed {self._settings.seed})"
        self._process = TrainerProcess(start, self.data.digits, seed=self._settings.seed,
                                       settings=self._settings.trainer_settings(),
                                       test=self._test.arrays() if len(self._test) else None,
                                       live_interval=LIVE_MIN_SPACING_MS / 1000)
        self._start_network = start
        self._latest = start
        self._history.batches_done = 0
        if self.network_before is None:
            self.network_before = self._state.network
        return True

    @property
    def total_batches(self) -> int:
        """Mini-batches in the whole run (epochs x batches per epoch); 0 before it exists."""
        return self._settings.epochs * self.batches_per_epoch

    @property
    def batches_done(self) -> int:
        return self._history.batches_done

    @property
    def batches_per_epoch(self) -> int:
        return 0 if self._process is None else self._process.batches_per_epoch

    @property
    def has_run(self) -> bool:
        """Whether a run exists (started or stepped, not reset)."""
        return self._process is not None

    def is_running(self) -> bool:
        return self._process is not None and self._process.running

    def start(self) -> bool:
        """Train in the worker until the last epoch ends or :meth:`pause`; False if it cannot.

        Without training data yet, the remembered MNIST folder is read first (off the GUI thread)
        and the run starts when it arrives.
        """
        if self.is_running():
            return True
        ready = self._data_ready_or_loading(self.start)
        if ready is not True:
            return ready is None
        if not self._ensure_process():
            return False
        if self.batches_done >= self.total_batches:
            self.problem.emit(f"The run is complete ({self._settings.epochs} epochs): Reset to start again.")
            return False
        return self._launch(self.total_batches)

    def step(self) -> bool:
        """Train one mini-batch in the worker (the window shows it when done)."""
        if self.is_running():
            return False
        ready = self._data_ready_or_loading(self.step)
        if ready is not True:
            return ready is None
        return self._ensure_process() and self._launch(self.batches_done + 1)

    def _launch(self, target: int) -> bool:
        if self._broken or not self._process.alive:
            self.problem.emit("The training stopped with an error: Reset to start again.")
            return False
        self._shown_snapshot = None
        self._process.run(target)
        self._timer.start()
        self.runningChanged.emit(True)
        return True

    def pause(self) -> None:
        """Stop after the batch in flight; when this returns the weights no longer change."""
        if self.is_running():
            self._handle(self._process.stop())

    def wait(self, timeout: float = 60.0) -> bool:
        """Block until the run stops (for scripts and tests); True if it did. No redraws meanwhile."""
        if self.is_running():
            self._handle(self._process.poll(until_stopped=True, timeout=timeout))
        return not self.is_running()

    def reset(self) -> None:
        """Forget the run: back to its start network, no snapshots, no curves."""
        self.pause()
        start = self._start_network
        self._close_process()
        self._broken = False
        self._start_network = self._latest = None
        self._history = RunHistory()
        self._shown_snapshot = None
        self.cleared.emit()
        self.snapshotAdded.emit(0)
        self.progressChanged.emit()
        self.runningChanged.emit(False)
        if start is not None:
            self._live.show_now(start.copy(), True)
        else:
            self._live.drop()

    def _close_process(self) -> None:
        if self._process is not None:
            self._process.close()
            self._process = None
        self._timer.stop()

    def shutdown(self) -> None:
        """Stop the worker and free the shared data (the window is closing)."""
        self._close_process()
        self.data.close()

    def current_network(self) -> Network | None:
        """The latest network the worker reported (a copy of the one training), or None."""
        return self._latest

    # -- reports from the worker -------------------------------------------------------------------

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self._process is not None:
            self._handle(self._process.poll())

    def _handle(self, reports: list[tuple]) -> None:
        """Fold the worker's reports into the run's history; announce them."""
        grew = progressed = stopped = False
        live = error = None
        for report in reports:
            kind = report[0]
            if kind == "live":
                live = report[2]
            elif kind == "stopped":
                stopped, error = True, report[3]
                self._broken = self._broken or report[1] < 0
                if report[2] is not None:
                    self._history.batches_done, live = report[1], report[2]
            else:
                recorded = self._history.record(report)
                grew = grew or recorded == "snapshot"
                progressed = progressed or recorded == "progress"
        if live is not None:
            self._latest = live
        if grew:
            self.snapshotAdded.emit(len(self._history.snapshots))
        if progressed or stopped:
            self.progressChanged.emit()
        if stopped:
            self._timer.stop()
            self.runningChanged.emit(False)
        if live is not None and not stopped:
            self._live.show_later(live)  # not in this poll's event: see training_live.py
        elif live is not None:
            self._live.show_now(live, True)
        if error:
            self.problem.emit(error)

    def test_accuracy(self, net: Network) -> float:
        """Fraction of the test subset ``net`` classifies right (NaN without test digits)."""
        return self._test.accuracy(net)

    # -- curves ---------------------------------------------------------------------------------------

    def cost_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(batches (n,), smoothed training cost (n,)), one point per mini-batch."""
        return self._history.costs.arrays()

    def accuracy_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(batches (m,), accuracy (m,) in [0, 1]) on the test subset at the checkpoints."""
        return self._history.accuracy.arrays()

    @property
    def last_accuracy(self) -> float | None:
        return self._history.accuracy.last

    @property
    def epoch_seconds(self) -> list[float]:
        """Seconds the steps of each finished epoch took in the worker."""
        return list(self._history.epoch_seconds)

    @property
    def seconds_per_epoch(self) -> float | None:
        """The last whole epoch's time in the worker, or an estimate from this epoch's pace so far."""
        return self._history.seconds_per_epoch(self.batches_per_epoch)

    # -- timeline --------------------------------------------------------------------------------------

    @property
    def snapshots(self) -> list[tuple[int, Network]]:
        """``(batches_done, Network)`` in order: after 0, 1, 2, 4, ... batches and each epoch's end."""
        return list(self._history.snapshots)

    @property
    def shown_snapshot(self) -> int | None:
        """Index of the snapshot last shown with :meth:`show_snapshot` (None once training moved on)."""
        return self._shown_snapshot

    def show_snapshot(self, index: int) -> Network:
        """Show snapshot ``index`` in the whole window (pauses a running run); returns its network."""
        if not self._history.snapshots:
            raise IndexError("no snapshots yet: start or step the training first")
        self.pause()
        snapshots = self._history.snapshots  # the pause may have brought more
        batches, net = snapshots[index]
        self._shown_snapshot = index % len(snapshots)
        # Not final: scrubbing and playing change the network many times a second; no animation.
        self._live.show_now(net, False)
        self.snapshotShown.emit(self._shown_snapshot)
        return net

    def run_metadata(self, network: Network) -> dict:
        """Metadata for saving ``network`` from this run: settings, batches and accuracy."""
        meta = dict(network.metadata)
        meta["training"] = {**self._settings.as_dict(), **dict(meta.get("training") or {}),
                            "made_in": "digitviz training panel"}
        if self.data.digits is not None:
            meta["training"]["training_images"] = len(self.data.digits)
        meta["test_accuracy_subset"] = {"accuracy": self.test_accuracy(network), "digits": len(self._test)}
        meta.setdefault("description", f"Trained in digitviz's training panel: {self.data.text}.")
        return meta
