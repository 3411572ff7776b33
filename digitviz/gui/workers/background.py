"""Running slow work off the GUI thread, with progress, without freezing the window.

``BackgroundTask(fn, ...)`` calls ``fn(*args, progress=report, cancelled=is_cancelled)`` on a
worker thread; ``report(done, total)`` may be called from there. Results and errors come back
as signals on the GUI thread. A task whose owner lost interest calls ``cancel()``; its late
result is then dropped.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Signals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)


class _Runnable(QRunnable):
    def __init__(self, task: BackgroundTask):
        super().__init__()
        self._task = task

    def run(self) -> None:
        task = self._task
        try:
            result = task._fn(*task._args, progress=task._report, cancelled=task._cancel.is_set)
        except Exception as exc:  # reported to the GUI, which shows it; never kills the app
            task._emit("failed", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}")
            return
        task._emit("finished", result)


class BackgroundTask(QObject):
    """One call of ``fn`` on the global thread pool.

    Signals
    -------
    progress(int done, int total), finished(object result), failed(str message): all delivered
    on the thread that owns the task (the GUI thread).
    """

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, fn: Callable, *args, parent: QObject | None = None):
        super().__init__(parent)
        self._fn = fn
        self._args = args
        self._cancel = threading.Event()
        # The signals object lives in this (GUI) thread; emitting it from the worker queues the call.
        self._signals = _Signals()
        self._signals.progress.connect(self.progress)
        self._signals.finished.connect(self._on_worker_finished)
        self._signals.failed.connect(self._on_worker_failed)

    def _report(self, done: int, total: int) -> None:
        self._emit("progress", int(done), int(total))

    def _emit(self, name: str, *args) -> None:
        """Emit from the worker unless cancelled; if the window went away meanwhile, drop it."""
        if self._cancel.is_set():
            return
        try:
            getattr(self._signals, name).emit(*args)
        except RuntimeError:  # "Signal source has been deleted": nobody is left to tell
            self._cancel.set()

    def start(self) -> BackgroundTask:
        QThreadPool.globalInstance().start(_Runnable(self))
        return self

    def cancel(self) -> None:
        """Ask the work to stop (it sees ``cancelled()`` become True) and drop its result."""
        self._cancel.set()

    @Slot(object)
    def _on_worker_finished(self, result) -> None:
        if not self._cancel.is_set():
            self.finished.emit(result)

    @Slot(str)
    def _on_worker_failed(self, message: str) -> None:
        if not self._cancel.is_set():
            self.failed.emit(message)
