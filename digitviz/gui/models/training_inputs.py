"""What a training run in the app starts from and what its networks are measured on.

Plain Python (no Qt), for :class:`digitviz.gui.models.training.TrainingSession`: the start
network the settings ask for (:func:`start_network_for`) and the test subset for the accuracy
at checkpoints (:class:`AccuracySubset`). The training digits themselves are training_data.py's.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...core.mnist import DataError, Digits
from ...core.network import Network
from ...core.resources import weights_path
from ...core.trainer import spawn_generators
from ...core.weightfiles import WeightFileError, load_weights
from .training_settings import TrainingSettings

ACCURACY_SUBSET = 1000  # test digits used for the accuracy at checkpoints


def start_network_for(settings: TrainingSettings, current: Network) -> Network:
    """A new network to start a run from, as ``settings.start`` says (``current``: a copy of it).

    Raises DataError if the shipped untrained network cannot be read.
    """
    s = settings
    if s.start == "current":
        return current.copy()
    if s.start == "untrained":
        try:
            return load_weights(weights_path("untrained.npz"))
        except WeightFileError as exc:
            raise DataError(str(exc)) from None
    output = "softmax" if s.cost == "cross_entropy" else "sigmoid"
    return Network.random([784, *s.hidden, 10], spawn_generators(s.seed)[0], s.activation, output)


class AccuracySubset:
    """The test digits a run's accuracy is measured on, read on first use.

    Parameters
    ----------
    digits : ``(images (n, 784), labels (n,))``, or None for every 10th digit of ``read()``.
    read : returns the test set (the session passes the bundled one); if it raises DataError
        the subset is empty and accuracies are NaN.
    """

    def __init__(self, digits: tuple[np.ndarray, np.ndarray] | None, read: Callable[[], Digits]):
        self._digits = digits  # read when first needed: start-up never waits for them
        self._read = read
        self._arrays: tuple[np.ndarray, np.ndarray] | None = None

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``(images (n, 784) float32, labels (n,))``; n is 0 if the test set cannot be read."""
        if self._arrays is None:
            digits = self._digits
            if digits is None:
                try:
                    test = self._read()
                    step = len(test) // ACCURACY_SUBSET  # every 10th: all ten classes in their proportions
                    digits = (test.images[::step], test.labels[::step])
                except DataError:
                    digits = (np.zeros((0, 784), dtype=np.float32), np.zeros(0, dtype=np.int64))
            self._arrays = (np.ascontiguousarray(digits[0], dtype=np.float32), np.asarray(digits[1]))
        return self._arrays

    def __len__(self) -> int:
        return len(self.arrays()[1])

    def accuracy(self, net: Network) -> float:
        """Fraction of the subset ``net`` classifies right."""
        images, labels = self.arrays()
        if not len(labels):
            return float("nan")  # no test digits to measure on (the bundled set could not be read)
        return float(np.mean(net.predict(images) == labels))
