"""The training digits of a TrainingSession: given as arrays, or read from the MNIST folder on demand.

:class:`TrainingDigitsMixin` is the data half of
:class:`digitviz.gui.models.training.TrainingSession`. It holds the session's
:class:`TrainingData` (training_data.py: the remembered folder, the reading off the GUI thread,
the shared memory), offers the scripting names around it (``set_training_data``,
``load_data_folder``, ``has_data``, ...) and remembers what was asked while a folder is being
read: Start or Step pressed before the digits arrived runs once they do.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Slot

from .training_data import TrainingData, missing_message


class TrainingDigitsMixin:
    """The data half of a QObject with the signals ``dataChanged()`` and ``problem(str)``.

    Its ``__init__`` calls :meth:`_init_digits`.
    """

    def _init_digits(self) -> None:
        self.data = TrainingData(self)
        self.data.changed.connect(self.dataChanged)
        self.data.problem.connect(self.problem)
        self.data.arrived.connect(self._on_data_arrived)
        self.data.failed.connect(lambda: setattr(self, "_then", None))
        self._then: Callable[[], object] | None = None  # what to do once the data being read arrive

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
        if then is not None:
            then()

    def _data_ready_or_loading(self, then: Callable[[], object]) -> bool | None:
        """True: data ready. None: being read, ``then`` (start, step) follows. False: told why not."""
        if self.has_data:
            return True
        if self.is_loading or (self.data_folder() and self.load_data_folder()):
            self._then = then
            return None
        if not self.data_folder():
            self.problem.emit(missing_message(""))
        return False
