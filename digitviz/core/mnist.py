"""Reading the MNIST IDX files (gzip-compressed or plain).

IDX layout: big-endian int32 magic (0x00000803 for images, 0x00000801 for labels), the dimension
sizes as big-endian int32, then the raw bytes, row-major.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .regular_file import NotRegularFile, open_regular

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


# Bounds: the training images are 47 MB unpacked (9.9 MB gzipped); allow about seven times that.
MAX_IDX_BYTES = 320 * 1024 * 1024
_CHUNK = 1 << 20


def read_idx(path) -> np.ndarray:
    """Read one IDX file (``.gz`` or not) into a uint8 array of its declared shape.

    Only regular files are read (a FIFO or ``/dev/zero`` is refused without blocking). The
    header is read first and the data must be exactly as long as it declares, at most
    ``MAX_IDX_BYTES``; a gzip member is unpacked in bounded chunks and abandoned as soon as it
    holds more than that, so a small gzip bomb costs neither time nor memory.
    """
    path = Path(path)
    try:
        with open_regular(path) as f:
            if os.fstat(f.fileno()).st_size > MAX_IDX_BYTES:
                raise DataError(f"{path}: larger than {MAX_IDX_BYTES // 2**20} MiB, too large for an MNIST file")
            compressed = f.read(2) == b"\x1f\x8b"
            f.seek(0)
            stream = gzip.GzipFile(fileobj=f, mode="rb") if compressed else f
            return _read_idx_stream(path, stream)
    except DataError:
        raise
    except NotRegularFile as exc:
        raise DataError(f"{path}: is {exc.kind}, not an IDX file") from None
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, not an IDX file") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"{path}: cannot be read ({exc})") from None


def _read_idx_stream(path: Path, stream) -> np.ndarray:
    head = stream.read(4)
    if len(head) < 4:
        raise DataError(f"{path}: too short to be an IDX file")
    zero, dtype_code, ndim = struct.unpack(">HBB", head)
    if zero != 0 or dtype_code != 0x08 or ndim not in (1, 3):
        raise DataError(f"{path}: not an MNIST IDX file of unsigned bytes (bad magic number)")
    dims_raw = stream.read(4 * ndim)
    if len(dims_raw) < 4 * ndim:
        raise DataError(f"{path}: truncated header")
    dims = struct.unpack(f">{ndim}I", dims_raw)
    expected = math.prod(dims)
    if expected > MAX_IDX_BYTES:
        raise DataError(
            f"{path}: the header declares {expected:,} bytes of data, more than the {MAX_IDX_BYTES:,} allowed"
        )
    data = bytearray()
    while len(data) <= expected:
        chunk = stream.read(min(_CHUNK, expected + 1 - len(data)))
        if not chunk:
            break
        data += chunk
    if len(data) > expected:
        raise DataError(f"{path}: holds more than the {expected:,} data bytes the header promises")
    if len(data) != expected:
        raise DataError(f"{path}: holds {len(data):,} data bytes but the header promises {expected:,}")
    return np.frombuffer(data, dtype=np.uint8).reshape(dims)


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


def bundled_test_set_is_read() -> bool:
    """Whether :func:`bundled_test_set` would return at once (the set was read already)."""
    return _bundled is not None


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
