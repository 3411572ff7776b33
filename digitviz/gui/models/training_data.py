"""The digits a training run learns from: the MNIST training set from a folder the user chose.

The folder is remembered in QSettings; the files are read off the GUI thread, straight into
shared memory (:class:`SharedDigits`) so that the worker process maps them without a copy. The
bundled test digits are never offered instead: without a training folder, training is refused
with a message that says where the files were looked for.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QSettings, Signal, Slot

from ...core.mnist import TRAIN_IMAGES, TRAIN_LABELS, load_mnist
from ...core.trainer_process import SharedDigits
from ..workers.background import BackgroundTask

DATA_FOLDER_KEY = "training/mnist_folder"


def read_training_folder(folder, *, progress=None, cancelled=None) -> SharedDigits:
    """The MNIST training set in ``folder``, already in shared memory (run off the GUI thread)."""
    digits = load_mnist(folder, "train")
    return SharedDigits(digits.images, digits.labels)


def missing_message(folder: str) -> str:
    return (f"MNIST training files not found in {folder or '(no folder chosen yet)'}; "
            "choose the folder with the four .gz files.")


class TrainingData(QObject):
    """Signals
    -------
    changed() : digits arrived, or reading started or failed (``digits``, ``text``).
    arrived() : a folder was read; ``digits`` holds it.
    failed() : a folder could not be read (``problem`` said why).
    problem(str message)
    """

    changed = Signal()
    arrived = Signal()
    failed = Signal()
    problem = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.digits: SharedDigits | None = None
        self.text = ""
        self._task: BackgroundTask | None = None

    def set(self, images, labels=None, text: str = "") -> None:
        """Use ``images`` (n, 784) in [0, 1] with ``labels`` (n,), or a :class:`SharedDigits`.

        The previous block is not closed here: a worker may still be mapping it; it goes when
        nothing holds it any more.
        """
        if not isinstance(images, SharedDigits):
            images, labels = np.asarray(images), np.asarray(labels)
            if images.ndim != 2 or images.shape[1] != 784 or labels.shape != (len(images),) or not len(images):
                raise ValueError(f"need (n, 784) images and (n,) labels, got {images.shape} and {labels.shape}")
            images = SharedDigits(images, labels)
        self.digits = images
        self.text = text or f"{len(images):,} training digits"
        self.changed.emit()

    @staticmethod
    def folder() -> str:
        """The MNIST folder the user chose last time ("" if none)."""
        return str(QSettings().value(DATA_FOLDER_KEY, "", type=str) or "")

    @property
    def is_loading(self) -> bool:
        return self._task is not None

    def load(self, folder: str | None = None) -> bool:
        """Read the training set in ``folder`` (default: the remembered one) off the GUI thread.

        False at once (with ``problem``) when the files are not there; otherwise ``arrived`` or
        ``failed`` follows.
        """
        folder = folder if folder is not None else self.folder()
        if not folder or not all((Path(folder) / name).is_file() for name in (TRAIN_IMAGES, TRAIN_LABELS)):
            self.text = f"MNIST training files not found in {folder or '(no folder chosen yet)'}"
            self.changed.emit()
            self.problem.emit(missing_message(folder))
            return False
        if self._task is not None:
            self._task.cancel()
        self.text = f"Reading the MNIST training digits in {folder}…"
        self.changed.emit()
        task = BackgroundTask(read_training_folder, folder, parent=self)
        task.finished.connect(lambda digits, f=folder: self._on_task_finished(f, digits))
        task.failed.connect(self._on_task_failed)
        self._task = task.start()
        return True

    def _on_task_finished(self, folder: str, digits: SharedDigits) -> None:
        self._task = None
        QSettings().setValue(DATA_FOLDER_KEY, str(folder))
        self.set(digits, text=f"{len(digits):,} MNIST training digits from {folder}")
        self.arrived.emit()

    @Slot(str)
    def _on_task_failed(self, message: str) -> None:
        self._task = None
        self.text = "No training data"
        self.changed.emit()
        self.problem.emit(f"Could not read the MNIST training digits: "
                          f"{message.splitlines()[0].removeprefix('DataError: ')}")
        self.failed.emit()

    def close(self) -> None:
        """Stop reading and release the shared block (the window is closing)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if self.digits is not None:
            self.digits.close()
            self.digits = None
