"""Reading the MNIST IDX files (gzip-compressed or plain).

IDX layout: big-endian int32 magic (0x00000803 for images, 0x00000801 for labels), the dimension
sizes as big-endian int32, then the raw bytes, row-major.
"""

from __future__ import annotations

import gzip
import struct
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"


class DataError(ValueError):
    """A missing or malformed data folder or file; the message names it and the problem."""


@dataclass(frozen=True)
class Digits:
    """``images``: (n, 784) float32 in [0, 1]; ``labels``: (n,) int64 digits 0-9."""

    images: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, index) -> Digits:
        return Digits(self.images[index], self.labels[index])


def read_idx(path) -> np.ndarray:
    """Read one IDX file (``.gz`` or not) into a uint8 array of its declared shape."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, not an IDX file") from None
    except (OSError, EOFError) as exc:
        raise DataError(f"{path}: cannot be read ({exc})") from None
    if len(raw) < 4:
        raise DataError(f"{path}: too short to be an IDX file")
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != 0x08 or ndim not in (1, 3):
        raise DataError(f"{path}: not an MNIST IDX file of unsigned bytes (bad magic number)")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"{path}: truncated header")
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    expected = int(np.prod(dims))
    if len(raw) - header != expected:
        raise DataError(f"{path}: holds {len(raw) - header} data bytes but the header promises {expected}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def load_digits(images_path, labels_path) -> Digits:
    """Read an images file and its labels file into :class:`Digits`."""
    images = read_idx(images_path)
    labels = read_idx(labels_path)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise DataError(f"{images_path}: images are shaped {images.shape[1:]}, not 28x28")
    if labels.ndim != 1 or len(labels) != len(images):
        raise DataError(f"{labels_path}: {len(labels)} labels for {len(images)} images")
    if labels.size and labels.max() > 9:
        raise DataError(f"{labels_path}: labels must be digits 0-9")
    return Digits(
        images.reshape(len(images), 784).astype(np.float32) / 255.0, labels.astype(np.int64)
    )


def load_mnist(folder, split: str = "train") -> Digits:
    """The ``"train"`` (60,000) or ``"test"`` (10,000) set from a folder of the standard files."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder}: data folder not found (it should hold the four MNIST .gz files)")
    names = {"train": (TRAIN_IMAGES, TRAIN_LABELS), "test": (TEST_IMAGES, TEST_LABELS)}[split]
    return load_digits(folder / names[0], folder / names[1])


_bundled: Digits | None = None
_bundled_lock = threading.Lock()


def bundled_test_set() -> Digits:
    """The MNIST test set shipped under ``resources/mnist`` (CC BY-SA 3.0, see its README).

    Read once per process, from whichever thread asks first; treat the arrays as read-only.
    """
    global _bundled
    with _bundled_lock:
        if _bundled is None:
            from .resources import resource_path

            _bundled = load_mnist(resource_path("mnist"), "test")
        return _bundled
