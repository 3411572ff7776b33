"""Reading a digit from a file for ``digitviz render``: a picture, a NumPy array or a test digit.

Everything ends as the (784,) float64 input in [0, 1] the network reads, made by the same MNIST
preprocessing as a drawing (``to_mnist``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtGui

from ...core.mnist import DataError, bundled_test_set
from ...core.preprocess import to_mnist


class InputError(ValueError):
    """An input the renderer cannot read; the message names the input and the problem."""


def image_to_ink(image: QtGui.QImage) -> np.ndarray:
    """A picture as ink values: (h, w) float64 in [0, 1], high where the digit is.

    Transparency is laid over white; a light background (dark ink, like a scan) is inverted.
    """
    flat = QtGui.QImage(image.size(), QtGui.QImage.Format.Format_RGB32)
    flat.fill(QtCore.Qt.GlobalColor.white)
    painter = QtGui.QPainter(flat)
    painter.drawImage(0, 0, image)
    painter.end()
    grey = flat.convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
    h, w, stride = grey.height(), grey.width(), grey.bytesPerLine()
    values = np.frombuffer(grey.constBits(), dtype=np.uint8, count=h * stride)
    values = values.reshape(h, stride)[:, :w].astype(np.float64) / 255.0
    border = np.concatenate([values[0], values[-1], values[:, 0], values[:, -1]])
    return 1.0 - values if np.median(border) > 0.5 else values


def _from_array(a: np.ndarray, name: str) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    if a.size == 784 and a.ndim in (1, 2):
        a = a.reshape(28, 28)
    if a.ndim != 2 or min(a.shape) < 1:
        raise InputError(f"{name}: expected a 2-D image or 784 values, got an array shaped {a.shape}")
    a = np.nan_to_num(a, nan=0.0, posinf=0.0, neginf=0.0)
    if a.max() > 1.0:
        a = a / 255.0 if a.max() <= 255.0 else a / a.max()
    a = np.clip(a, 0.0, 1.0)
    if a.shape == (28, 28):
        return a.reshape(784)  # already an MNIST-sized input: take it as it is
    return to_mnist(a).astype(np.float64).reshape(784)


def load_input(spec: str) -> np.ndarray:
    """The network input named by ``spec``: (784,) float64 in [0, 1].

    ``spec`` is ``mnist:N`` (bundled test digit N), a ``.npy`` file (28x28, 784 values, or any
    2-D ink-high image), or a picture Qt can read (PNG, JPEG, ...; dark on light or light on
    dark). Raises :class:`InputError` with a message naming the problem.
    """
    if spec.startswith("mnist:"):
        try:
            index = int(spec[len("mnist:"):])
        except ValueError:
            raise InputError(f"{spec}: expected mnist:N with N a number from 0 to 9999") from None
        try:
            digits = bundled_test_set()
        except DataError as exc:
            raise InputError(f"{spec}: the bundled test set cannot be read ({exc})") from None
        if not 0 <= index < len(digits):
            raise InputError(f"{spec}: there are {len(digits)} test digits, numbered 0 to {len(digits) - 1}")
        return digits.images[index].astype(np.float64).reshape(784)
    path = Path(spec)
    if not path.is_file():
        raise InputError(f"{spec}: file not found")
    if path.suffix.lower() == ".npy":
        try:
            array = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise InputError(f"{spec}: not a readable NumPy array ({exc})") from None
        if not np.issubdtype(array.dtype, np.number) and array.dtype != bool:
            raise InputError(f"{spec}: holds {array.dtype} values, not numbers")
        return _from_array(array, spec)
    image = QtGui.QImage(str(path))
    if image.isNull():
        raise InputError(f"{spec}: not an image file Qt can read (try PNG, JPEG or .npy)")
    ink = image_to_ink(image)
    if not np.any(ink > 0.05):
        raise InputError(f"{spec}: the picture is blank; no digit found")
    return to_mnist(ink).astype(np.float64).reshape(784)
