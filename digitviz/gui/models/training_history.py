"""What a training run in the app recorded so far: its curves, epoch times and snapshots.

Plain Python (no Qt). :class:`RunHistory` folds the worker's ``costs``, ``accuracy``,
``snapshot`` and ``epoch`` reports (see :mod:`digitviz.core.trainer_process`) into the smoothed
cost per mini-batch, the test accuracy at checkpoints, the seconds each epoch took and the
timeline of snapshots, thinned to a bounded list by the core's timeline helpers.
:class:`digitviz.gui.models.training.TrainingSession` holds one per run and starts a new one
on a reset.
"""

from __future__ import annotations

import numpy as np

from ...core.network import Network
from ...core.timeline import MAX_SNAPSHOTS, thin_snapshots

COST_SMOOTHING = 0.05  # weight of the newest step in the smoothed cost curve


class Series:
    """A growing pair of float arrays (x, y), appended to without copying everything each time."""

    def __init__(self) -> None:
        self._x = np.empty(1024)
        self._y = np.empty(1024)
        self._n = 0

    def append(self, x: float, y: float) -> None:
        if self._n == len(self._x):
            self._x = np.concatenate([self._x, np.empty_like(self._x)])
            self._y = np.concatenate([self._y, np.empty_like(self._y)])
        self._x[self._n] = x
        self._y[self._n] = y
        self._n += 1

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Views (n,), (n,) of what was appended; valid until the next append."""
        return self._x[: self._n], self._y[: self._n]

    @property
    def last(self) -> float | None:
        return float(self._y[self._n - 1]) if self._n else None

    def __len__(self) -> int:
        return self._n


class RunHistory:
    """The record of one run, read by the session (which hands out copies).

    Attributes
    ----------
    batches_done : mini-batches the worker reported done.
    costs : (batches, smoothed training cost), one point per mini-batch.
    accuracy : (batches, accuracy in [0, 1]) on the test subset at the checkpoints.
    epoch_seconds : seconds the steps of each finished epoch took in the worker.
    snapshots : ``(batches_done, Network)`` in order: after 0, 1, 2, 4, ... batches and each
        epoch's end, thinned to at most MAX_SNAPSHOTS.
    """

    def __init__(self) -> None:
        self.batches_done = 0
        self.costs = Series()
        self._smoothed: float | None = None
        self.accuracy = Series()
        self.epoch_seconds: list[float] = []
        self._epoch_busy = 0.0  # seconds the worker's steps took so far in the current epoch
        self.snapshots: list[tuple[int, Network]] = []

    def record(self, report: tuple) -> str | None:
        """Fold in one of the worker's reports.

        Returns "progress" (new costs, an accuracy or an epoch's time), "snapshot" (the timeline
        grew or was thinned), or None for the kinds a history does not keep (``live``,
        ``stopped``).
        """
        kind = report[0]
        if kind == "costs":
            smoothed = self._smoothed
            for done, cost in zip(report[1], report[2]):
                smoothed = cost if smoothed is None else smoothed + COST_SMOOTHING * (cost - smoothed)
                self.costs.append(done, smoothed)
            self._smoothed = smoothed
            self.batches_done = max(self.batches_done, report[1][-1])
            self._epoch_busy = report[3]
            return "progress"
        if kind == "accuracy":
            self.accuracy.append(report[1], report[2])
            return "progress"
        if kind == "snapshot":
            self.snapshots = thin_snapshots(self.snapshots + [(report[1], report[2])], MAX_SNAPSHOTS)
            return "snapshot"
        if kind == "epoch":
            self.epoch_seconds.append(report[1])
            return "progress"
        return None

    def seconds_per_epoch(self, batches_per_epoch: int) -> float | None:
        """The last whole epoch's time in the worker, or an estimate from this epoch's pace so far."""
        if self.epoch_seconds:
            return self.epoch_seconds[-1]
        done = self.batches_done % max(1, batches_per_epoch)
        if not done or self._epoch_busy <= 0:
            return None
        return self._epoch_busy * batches_per_epoch / done
