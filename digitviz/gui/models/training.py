"""A training run inside the app: the core :class:`Trainer` in a worker process.

:class:`TrainingSession` owns a :class:`TrainerProcess` (the core's Trainer in a child process:
a worker *thread* would fight the GUI thread for Python's GIL, stalling both); the GUI thread
never runs a step. The child reports the timeline (snapshots after 0, 1, 2, 4, ... batches and
at every epoch's end, thinned here to a bounded list by the core's timeline helpers), the test
accuracy at checkpoints on a subset of the bundled test digits, the costs and a live copy of the
network. A QTimer on the GUI thread collects those 12 times a second and announces the
live network with ``networkUpdated``.

The snapshots depend only on the seed, the settings, the start network and the data (never on
timing), so the same run replays as the same film, bit for bit.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from ...core.mnist import DataError, bundled_test_set
from ...core.network import Network
from ...core.resources import weights_path
from ...core.timeline import MAX_SNAPSHOTS, thin_snapshots
from ...core.trainer import spawn_generators
from ...core.trainer_process import TrainerProcess
from ...core.weightfiles import WeightFileError, load_weights
from .state import AppState
from .training_data import TrainingData, missing_message
from .training_settings import TrainingSettings, _Series

# The window takes the worker's reports 12 times a second and shows the newest network each time.
# The worker sends a live copy only after the previous one was taken, and at most every
# LIVE_MIN_SPACING_MS: a fresh one is waiting at every poll, so the window redraws at the poll's
# steady rate (a copy sent every poll interval would arrive one poll late now and then).
LIVE_INTERVAL_MS = 80
LIVE_MIN_SPACING_MS = 40
ACCURACY_SUBSET = 1000  # test digits used for the accuracy at checkpoints
COST_SMOOTHING = 0.05  # weight of the newest step in the smoothed cost curve


class TrainingSession(QObject):
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
        self.data = TrainingData(self)
        self.data.changed.connect(self.dataChanged)
        self.data.problem.connect(self.problem)
        self.data.arrived.connect(self._on_data_arrived)
        self.data.failed.connect(lambda: setattr(self, "_then", None))
        self._then: str | None = None  # what to do once the data being read arrive
        self._test_digits = test_digits  # read when first needed: start-up never waits for them
        self._test_cache: tuple[np.ndarray, np.ndarray] | None = None
        self._process: TrainerProcess | None = None
        self._start_network: Network | None = None
        self._latest: Network | None = None
        self._pending_live: Network | None = None  # received by the last poll, shown by _live_timer
        self._batches_done = 0
        self._snapshots: list[tuple[int, Network]] = []
        self._shown_snapshot: int | None = None
        self._broken = False  # the worker failed: only Reset helps
        # What the window showed before training took it over ("Use this network" undoes to it).
        self.network_before: Network | None = None
        self._clear_history()
        self._timer = QTimer(self)
        self._timer.setInterval(LIVE_INTERVAL_MS)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse timer may slip by 5%
        self._timer.timeout.connect(self._on_timer_timeout)
        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(0)
        self._live_timer.timeout.connect(self._announce_live)

    def _clear_history(self) -> None:
        self._costs = _Series()
        self._smoothed: float | None = None
        self._accuracy = _Series()
        self._epoch_seconds: list[float] = []
        self._epoch_busy = 0.0  # seconds the worker's steps took so far in the current epoch

    # -- settings and data ------------------------------------------------------------------------

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

    # -- data (see training_data.py) -----------------------------------------------------------------

    @property
    def has_data(self) -> bool:
        return self.data.digits is not None

    @property
    def data_text(self) -> str:
        """What the training data is ("60,000 MNIST training digits from ..."), or why there is none."""
        return self.data.text

    def set_training_data(self, images, labels=None, text: str = "") -> None:
        """Train on ``images`` (n, 784) in [0, 1] and ``labels`` (n,) digits (never test digits)."""
        self.data.set(images, labels, text)

    def training_data(self) -> tuple[np.ndarray, np.ndarray] | None:
        """``(images (n, 784) float32, labels (n,))`` to train on, or None before any were read."""
        digits = self.data.digits
        return None if digits is None else (digits.images, digits.labels)

    @staticmethod
    def data_folder() -> str:
        return TrainingData.folder()

    def load_data_folder(self, folder: str | None = None) -> bool:
        """Read the MNIST training set off the GUI thread; False (with ``problem``) if it is not there."""
        return self.data.load(folder)

    @property
    def is_loading(self) -> bool:
        return self.data.is_loading

    @Slot()
    def _on_data_arrived(self) -> None:
        then, self._then = self._then, None
        if then == "start":
            self.start()
        elif then == "step":
            self.step()

    def _data_ready_or_loading(self, then: str) -> bool | None:
        """True: data ready. None: being read, ``then`` ("start", "step") follows. False: told why not."""
        if self.has_data:
            return True
        if self.is_loading or (self.data_folder() and self.load_data_folder()):
            self._then = then
            return None
        if not self.data_folder():
            self.problem.emit(missing_message(""))
        return False

    # -- the run ------------------------------------------------------------------------------------

    def start_network(self) -> Network:
        """The network this run starts (or started) from."""
        if self._start_network is not None:
            return self._start_network
        s = self._settings
        if s.start == "current":
            return self._state.network.copy()
        if s.start == "untrained":
            try:
                return load_weights(weights_path("untrained.npz"))
            except WeightFileError as exc:
                raise DataError(str(exc)) from None
        output = "softmax" if s.cost == "cross_entropy" else "sigmoid"
        return Network.random([784, *s.hidden, 10], spawn_generators(s.seed)[0], s.activation, output)

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
                                       test=self._test if len(self._test[1]) else None,
                                       live_interval=LIVE_MIN_SPACING_MS / 1000)
        self._start_network = start
        self._latest = start
        self._batches_done = 0
        if self.network_before is None:
            self.network_before = self._state.network
        return True

    @property
    def total_batches(self) -> int:
        """Mini-batches in the whole run (epochs x batches per epoch); 0 before it exists."""
        return self._settings.epochs * self.batches_per_epoch

    @property
    def batches_done(self) -> int:
        return self._batches_done

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
        ready = self._data_ready_or_loading("start")
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
        ready = self._data_ready_or_loading("step")
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
        self._batches_done = 0
        self._snapshots = []
        self._shown_snapshot = None
        self._clear_history()
        self.cleared.emit()
        self.snapshotAdded.emit(0)
        self.progressChanged.emit()
        self.runningChanged.emit(False)
        if start is not None:
            self._announce(start.copy(), True)
        else:
            self._pending_live = None

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
        """Fold the worker's reports into the curves and the timeline; announce them."""
        grew = progressed = stopped = False
        live = error = None
        for report in reports:
            kind = report[0]
            if kind == "costs":
                smoothed = self._smoothed
                for done, cost in zip(report[1], report[2]):
                    smoothed = cost if smoothed is None else smoothed + COST_SMOOTHING * (cost - smoothed)
                    self._costs.append(done, smoothed)
                self._smoothed = smoothed
                self._batches_done = max(self._batches_done, report[1][-1])
                self._epoch_busy = report[3]
                progressed = True
            elif kind == "accuracy":
                self._accuracy.append(report[1], report[2])
                progressed = True
            elif kind == "snapshot":
                self._snapshots = thin_snapshots(self._snapshots + [(report[1], report[2])], MAX_SNAPSHOTS)
                grew = True
            elif kind == "live":
                live = report[2]
            elif kind == "epoch":
                self._epoch_seconds.append(report[1])
                progressed = True
            elif kind == "stopped":
                stopped, error = True, report[3]
                self._broken = self._broken or report[1] < 0
                if report[2] is not None:
                    self._batches_done, live = report[1], report[2]
        if live is not None:
            self._latest = live
        if grew:
            self.snapshotAdded.emit(len(self._snapshots))
        if progressed or stopped:
            self.progressChanged.emit()
        if stopped:
            self._timer.stop()
            self.runningChanged.emit(False)
        if live is not None and not stopped:
            # The views update in the next event-loop turn and paint in the one after: input and
            # timers get their turn in between, where one long event would have held them up.
            self._pending_live = live
            self._live_timer.start()
        elif live is not None:
            self._announce(live, True)
        if error:
            self.problem.emit(error)

    @Slot()
    def _announce_live(self) -> None:
        """Show the live network the last poll received (a zero timer after that poll)."""
        live, self._pending_live = self._pending_live, None
        if live is not None:  # None: something newer was announced meanwhile
            self.networkUpdated.emit(live, False)

    def _announce(self, net: Network, final: bool) -> None:
        """Show ``net`` now, dropping any live network still waiting to be shown."""
        self._pending_live = None
        self.networkUpdated.emit(net, final)

    @property
    def _test(self) -> tuple[np.ndarray, np.ndarray]:
        """The test subset for accuracy checkpoints: every 10th bundled test digit (empty if the
        bundled set cannot be read), read on first use."""
        if self._test_cache is None:
            digits = self._test_digits
            if digits is None:
                try:
                    test = bundled_test_set()
                    step = len(test) // ACCURACY_SUBSET  # every 10th: all ten classes in their proportions
                    digits = (test.images[::step], test.labels[::step])
                except DataError:
                    digits = (np.zeros((0, 784), dtype=np.float32), np.zeros(0, dtype=np.int64))
            self._test_cache = (np.ascontiguousarray(digits[0], dtype=np.float32), np.asarray(digits[1]))
        return self._test_cache

    def test_accuracy(self, net: Network) -> float:
        """Fraction of the test subset ``net`` classifies right."""
        if not len(self._test[1]):
            return float("nan")  # no test digits to measure on (the bundled set could not be read)
        return float(np.mean(net.predict(self._test[0]) == self._test[1]))

    # -- curves ---------------------------------------------------------------------------------------

    def cost_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(batches (n,), smoothed training cost (n,)), one point per mini-batch."""
        return self._costs.arrays()

    def accuracy_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(batches (m,), accuracy (m,) in [0, 1]) on the test subset at the checkpoints."""
        return self._accuracy.arrays()

    @property
    def last_accuracy(self) -> float | None:
        return self._accuracy.last

    @property
    def epoch_seconds(self) -> list[float]:
        """Seconds the steps of each finished epoch took in the worker."""
        return list(self._epoch_seconds)

    @property
    def seconds_per_epoch(self) -> float | None:
        """The last whole epoch's time in the worker, or an estimate from this epoch's pace so far."""
        if self._epoch_seconds:
            return self._epoch_seconds[-1]
        done = self._batches_done % max(1, self.batches_per_epoch)
        if not done or self._epoch_busy <= 0:
            return None
        return self._epoch_busy * self.batches_per_epoch / done

    # -- timeline --------------------------------------------------------------------------------------

    @property
    def snapshots(self) -> list[tuple[int, Network]]:
        """``(batches_done, Network)`` in order: after 0, 1, 2, 4, ... batches and each epoch's end."""
        return list(self._snapshots)

    @property
    def shown_snapshot(self) -> int | None:
        """Index of the snapshot last shown with :meth:`show_snapshot` (None once training moved on)."""
        return self._shown_snapshot

    def show_snapshot(self, index: int) -> Network:
        """Show snapshot ``index`` in the whole window (pauses a running run); returns its network."""
        if not self._snapshots:
            raise IndexError("no snapshots yet: start or step the training first")
        self.pause()
        batches, net = self._snapshots[index]
        self._shown_snapshot = index % len(self._snapshots)
        # Not final: scrubbing and playing change the network many times a second; no animation.
        self._announce(net, False)
        self.snapshotShown.emit(self._shown_snapshot)
        return net

    def run_metadata(self, network: Network) -> dict:
        """Metadata for saving ``network`` from this run: settings, batches and accuracy."""
        meta = dict(network.metadata)
        meta["training"] = {**self._settings.as_dict(), **dict(meta.get("training") or {}),
                            "made_in": "digitviz training panel"}
        if self.data.digits is not None:
            meta["training"]["training_images"] = len(self.data.digits)
        meta["test_accuracy_subset"] = {"accuracy": self.test_accuracy(network), "digits": len(self._test[1])}
        meta.setdefault("description", f"Trained in digitviz's training panel: {self.data.text}.")
        return meta
