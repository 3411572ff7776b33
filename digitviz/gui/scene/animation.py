"""The clock of the layer-by-layer animation.

``progress`` runs from 0 to ``steps`` (the number of weight layers): during step k (progress in
[k, k + 1)) the signal travels along the connections into layer k + 1, which lights up when it
arrives. Frames come from a precise timer at display rate; the scene turns a progress value into
a picture with array operations only.
"""

from __future__ import annotations

import time

from PySide6 import QtCore


class Propagation(QtCore.QObject):
    """Emits ``frame(progress)`` about 60 times a second, then ``finished()``."""

    frame = QtCore.Signal(float)
    finished = QtCore.Signal()

    FRAME_MS = 15

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.layer_duration = 0.2
        self.steps = 1
        self._start = 0.0
        self._timer = QtCore.QTimer(self)
        self._timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        self._timer.setInterval(self.FRAME_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.frames = 0

    def start(self, steps: int) -> None:
        """Start (or restart, interrupting a running animation) from progress 0."""
        self.steps = max(int(steps), 1)
        self._start = time.perf_counter()
        self.frames = 0
        self._timer.start()
        self.frame.emit(0.0)

    def stop(self) -> None:
        """Stop without emitting ``finished`` (the caller shows whatever comes next)."""
        self._timer.stop()

    def is_running(self) -> bool:
        return self._timer.isActive()

    def progress(self) -> float:
        if not self._timer.isActive():
            return float(self.steps)
        return min((time.perf_counter() - self._start) / max(self.layer_duration, 1e-3),
                   float(self.steps))

    @QtCore.Slot()
    def _on_timer_timeout(self) -> None:
        p = self.progress()
        self.frames += 1
        if p >= self.steps:
            self._timer.stop()
            self.frame.emit(float(self.steps))
            self.finished.emit()
        else:
            self.frame.emit(p)
