"""Evaluating networks on the bundled MNIST test set in the background, with a cache.

:class:`Evaluator` runs :func:`digitviz.core.evaluate.evaluate` (the same function as
``digitviz evaluate``) on the thread pool for the state's network and caches the results by a
hash of the network's arrays, so an edited network never reuses a stale result and undoing an
edit finds its old result at once.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from ...core.evaluate import Evaluation, evaluate
from ...core.mnist import Digits, bundled_test_set, bundled_test_set_is_read
from ...core.network import Network
from ..workers.background import BackgroundTask
from .state import AppState

CACHE_SIZE = 32
SETTLE_MS = 250  # how long the weights must stay put before they are evaluated

# Digits per batch: about 50 million multiply-adds, so a huge network still reports progress
# (and notices it was superseded) several times a second, and a small one is not slowed down.
WORK_PER_BATCH = 50_000_000


def batch_size_for(network: Network) -> int:
    """Test digits per evaluation batch for ``network``: between 10 and 2,000."""
    return int(np.clip(WORK_PER_BATCH // max(network.n_parameters, 1), 10, 2000))


class _Superseded(Exception):
    """Raised through evaluate()'s progress callback to stop a job nobody waits for."""


def _evaluate_job(network: Network, fingerprint: str, *, progress, cancelled):
    if cancelled():  # superseded while it waited in the pool: cost nothing
        return None

    def report(done: int, total: int) -> None:
        if cancelled():
            raise _Superseded
        progress(done, total)

    try:
        result = evaluate(network, bundled_test_set(), batch_size=batch_size_for(network), progress=report)
    except _Superseded:
        return None
    # Someone edited the arrays in place while we ran: the result belongs to no network.
    return result if network.fingerprint() == fingerprint else None


class Evaluator(QObject):
    """Background, cached evaluation of networks on the bundled test set.

    Signals
    -------
    evaluated(str fingerprint, object Evaluation) : a result is ready (also for older networks).
    progress(str fingerprint, int done, int total) : digits evaluated so far for that network.
    currentChanged(object) : the state's network got its Evaluation, or None while it is pending.
    failed(str) : evaluation raised; the message says why.
    """

    evaluated = Signal(str, object)
    progress = Signal(str, int, int)
    currentChanged = Signal(object)
    failed = Signal(str)

    def __init__(self, state: AppState, parent: QObject | None = None):
        super().__init__(parent)
        self._state = state
        self._cache: dict[str, Evaluation] = {}
        self._tasks: dict[str, BackgroundTask] = {}
        self._kept: set[str] = set()
        self._current_key = ""
        self._paused = False
        state.networkChanged.connect(self._on_state_network_changed)
        # New weights of the same shape (an edit, a training step): evaluate them afresh, once
        # they have stopped changing for a moment (training changes them ten times a second).
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._on_state_network_changed)
        state.parametersChanged.connect(self._on_state_parameters_changed)
        app = QCoreApplication.instance()
        if app is not None:  # the thread pool waits for running jobs at exit: stop them first
            app.aboutToQuit.connect(self.cancel_all)
        # Not before the window is first shown: the test digits are read on the worker meanwhile.
        QTimer.singleShot(0, self, self._on_state_network_changed)

    @property
    def state(self) -> AppState:
        return self._state

    @property
    def digits(self) -> Digits:
        return bundled_test_set()

    @property
    def digits_ready(self) -> bool:
        """Whether :attr:`digits` returns at once (the first evaluation reads them off the GUI thread)."""
        return bundled_test_set_is_read()

    @property
    def current(self) -> Evaluation | None:
        """The evaluation of the state's network, or None while it is being computed."""
        return self._cache.get(self._current_key)

    def is_pending(self, fingerprint: str) -> bool:
        """Whether the network with this fingerprint is being evaluated."""
        return fingerprint in self._tasks

    @Slot()
    def cancel_all(self) -> None:
        """Stop every running evaluation; their results are dropped."""
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()
        self._kept.clear()

    @property
    def paused(self) -> bool:
        return self._paused

    @Slot(bool)
    def set_paused(self, paused: bool) -> None:
        """While paused (a training run changes the weights ten times a second and shows its own
        accuracy), the state's networks are not evaluated and running jobs for them stop; the
        jobs asked for with ``keep`` go on. Once unpaused, the network shown is evaluated when its
        weights have held still for a moment."""
        self._paused = bool(paused)
        if self._paused:
            self._settle.stop()
            self._current_key = ""
            self._cancel_unkept("")
        else:
            self._settle.start()

    def _cancel_unkept(self, key: str) -> None:
        for other, task in list(self._tasks.items()):
            if other != key and other not in self._kept:
                task.cancel()
                del self._tasks[other]

    def evaluation_for(self, network: Network) -> Evaluation | None:
        """The cached evaluation of ``network``, or None if it has not been computed."""
        return self._cache.get(network.fingerprint())

    def request(self, network: Network, keep: bool = False) -> str:
        """Start evaluating ``network`` unless it is cached or running; returns its fingerprint.

        ``keep``: finish even after the state moves to another network (for "before" figures).
        """
        key = network.fingerprint()
        if keep:
            self._kept.add(key)
        if key in self._cache or key in self._tasks:
            return key
        task = BackgroundTask(_evaluate_job, network, key)
        # Bound slots (not lambdas): if this evaluator is deleted first, Qt drops the connections.
        task.finished.connect(self._on_task_finished)
        task.failed.connect(self._on_task_failed)
        task.progress.connect(self._on_task_progress)
        self._tasks[key] = task
        task.start()
        return key

    # -- state --------------------------------------------------------------------------------

    @Slot()
    def _on_state_network_changed(self) -> None:
        if self._paused:
            if self._current_key:
                self._current_key = ""
                self.currentChanged.emit(None)
            return
        key = self._state.network.fingerprint()
        if key == self._current_key:
            return
        self._current_key = key
        self._cancel_unkept(key)
        self.request(self._state.network)
        self.currentChanged.emit(self._cache.get(key))

    @Slot()
    def _on_state_parameters_changed(self) -> None:
        if self._current_key:
            self._current_key = ""  # the old result no longer belongs to what is shown
            self.currentChanged.emit(None)
        if not self._paused:
            self._settle.start()

    # -- tasks --------------------------------------------------------------------------------

    def _forget_sender(self) -> str | None:
        """The fingerprint of the task that sent the signal, which is done and forgotten."""
        sender = self.sender()
        for key, task in self._tasks.items():
            if task is sender:
                del self._tasks[key]
                self._kept.discard(key)
                return key
        return None  # a cancelled task: its result belongs to nobody

    @Slot(object)
    def _on_task_finished(self, result) -> None:
        key = self._forget_sender()
        if key is None or result is None:
            return
        self._cache[key] = result
        while len(self._cache) > CACHE_SIZE:
            self._cache.pop(next(iter(self._cache)))
        self.evaluated.emit(key, result)
        if key == self._current_key:
            self.currentChanged.emit(result)

    @Slot(int, int)
    def _on_task_progress(self, done: int, total: int) -> None:
        sender = self.sender()
        for key, task in self._tasks.items():
            if task is sender:
                self.progress.emit(key, done, total)
                return

    @Slot(str)
    def _on_task_failed(self, message: str) -> None:
        if self._forget_sender() is None:
            return
        self.failed.emit(message)
