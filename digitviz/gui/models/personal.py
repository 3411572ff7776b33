"""The user's own digits: the drawings they labelled with "Wrong? It is a ...", kept across restarts.

The set lives in one ``.npz`` file in the user's data folder (``QStandardPaths.AppDataLocation``):
``images`` (n, 784) float32 in [0, 1] and ``labels`` (n,) int64, written with
``allow_pickle=False`` beside the target and renamed into place, so an interrupted write never
leaves half a file. It is read with ``allow_pickle=False`` too. A file that cannot be read is
never deleted or overwritten: it is renamed ``*.corrupt`` (the user can look at it) and the
message says where it went.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QStandardPaths, Signal

FILE_NAME = "personal_digits.npz"
MAX_DIGITS = 2000  # oldest entries make room beyond this: the file stays under 7 MB, a write ~10 ms
MAX_FILE_BYTES = 64 * 1024 * 1024


class PersonalSetError(ValueError):
    """The personal-digits file cannot be used; the message names the file and the problem."""

    def __init__(self, path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = Path(path)
        self.problem = problem


def default_folder() -> Path:
    """The user's data folder for digitviz (made on first write)."""
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def read_personal_file(path) -> tuple[np.ndarray, np.ndarray]:
    """``(images (n, 784) float32 in [0, 1], labels (n,) int64)`` from ``path``.

    Raises :class:`PersonalSetError` for anything but a well-formed personal-digits file.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise PersonalSetError(path, f"{size:,} bytes is too large for a personal digits file")
        data = path.read_bytes()
    except OSError as exc:
        raise PersonalSetError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            if "images" not in npz.files or "labels" not in npz.files:
                raise PersonalSetError(path, "it holds no 'images' and 'labels' arrays")
            images = npz["images"]
            labels = npz["labels"]
    except PersonalSetError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as exc:
        raise PersonalSetError(path, f"not a readable .npz file ({type(exc).__name__}: {exc})") from None
    if images.dtype.kind != "f" or images.ndim != 2 or images.shape[1] != 784:
        raise PersonalSetError(path, f"images must be (n, 784) floats, found {images.dtype} {images.shape}")
    if labels.dtype.kind not in "iu" or labels.shape != (len(images),):
        raise PersonalSetError(path, f"labels must be {len(images)} integers, found {labels.dtype} {labels.shape}")
    if not np.all(np.isfinite(images)) or images.size and (images.min() < 0 or images.max() > 1):
        raise PersonalSetError(path, "image values must lie in [0, 1]")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise PersonalSetError(path, "labels must be digits 0-9")
    return images.astype(np.float32), labels.astype(np.int64)


def write_personal_file(path, images: np.ndarray, labels: np.ndarray) -> None:
    """Write the set to ``path`` atomically (a temporary file renamed into place)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    np.savez(buf, images=np.asarray(images, np.float32), labels=np.asarray(labels, np.int64))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(buf.getvalue())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def set_aside(path: Path) -> Path:
    """Rename an unreadable file to ``<name>.corrupt`` (``.corrupt-2``, ... if taken); the new path."""
    target = path.with_name(path.name + ".corrupt")
    k = 2
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{k}")
        k += 1
    path.rename(target)
    return target


class PersonalDigits(QObject):
    """The personal set: add, remove, read; saved after every change.

    Parameters
    ----------
    folder : where ``personal_digits.npz`` lives; default the user's data folder.

    Signals
    -------
    changed() : entries were added or removed.
    problem(str message) : the file could not be read or written (nothing was lost).
    """

    changed = Signal()
    problem = Signal(str)

    def __init__(self, folder=None, parent: QObject | None = None):
        super().__init__(parent)
        self._folder = Path(folder) if folder is not None else default_folder()
        self._images = np.zeros((0, 784), np.float32)
        self._labels = np.zeros(0, np.int64)
        self.load_problem: str | None = None

    @property
    def path(self) -> Path:
        return self._folder / FILE_NAME

    def load(self) -> bool:
        """Read the file if there is one; False (with ``problem``, the file kept aside) if unreadable."""
        self.load_problem = None
        if not self.path.exists():
            return True
        try:
            self._images, self._labels = read_personal_file(self.path)
        except PersonalSetError as exc:
            try:
                kept = f"It was kept as {set_aside(self.path)}"
            except OSError as err:
                kept = f"It could not be renamed ({err.strerror or err}) and stays untouched"
            self.load_problem = (f"Your personal digits could not be read: {exc.path} {exc.problem}.\n"
                                 f"{kept}; a new, empty set is started.")
            self.problem.emit(self.load_problem)
            self.changed.emit()
            return False
        self.changed.emit()
        return True

    def __len__(self) -> int:
        return len(self._labels)

    @property
    def images(self) -> np.ndarray:
        """(n, 784) float32 in [0, 1] (a copy)."""
        return self._images.copy()

    @property
    def labels(self) -> np.ndarray:
        """(n,) int64 digits (a copy)."""
        return self._labels.copy()

    def counts(self) -> np.ndarray:
        """(10,) how many of each digit."""
        return np.bincount(self._labels, minlength=10)

    def add(self, image, label: int) -> bool:
        """Store a 28x28 image (or 784 values in [0, 1]) labelled ``label``; False if it was not saved."""
        x = np.clip(np.asarray(image, dtype=np.float32).reshape(-1), 0.0, 1.0)
        if x.size != 784:
            raise ValueError(f"a personal digit is 28x28, got {np.asarray(image).shape}")
        if not 0 <= int(label) <= 9:
            raise ValueError(f"label must be a digit 0-9, got {label}")
        images = np.vstack([self._images, x[None, :]])[-MAX_DIGITS:]
        labels = np.append(self._labels, np.int64(label))[-MAX_DIGITS:]
        return self._commit(images, labels)

    def remove(self, indices) -> bool:
        """Delete the entries at ``indices``; False if the file could not be written."""
        keep = np.ones(len(self._labels), bool)
        keep[np.asarray(list(indices), dtype=np.int64)] = False
        return self._commit(self._images[keep], self._labels[keep])

    def _commit(self, images: np.ndarray, labels: np.ndarray) -> bool:
        if self.load_problem and self.path.exists():
            # The unreadable file could not be set aside: never write over it.
            self.problem.emit(f"Not saved: {self.path} is unreadable and was left as it is.")
            return False
        try:
            write_personal_file(self.path, images, labels)
        except OSError as exc:
            self.problem.emit(f"Could not save your personal digits to {self.path}: {exc.strerror or exc}")
            return False
        self._images, self._labels = images, labels
        self.changed.emit()
        return True
