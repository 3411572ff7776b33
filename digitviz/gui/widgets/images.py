"""NumPy arrays as Qt images: one conversion for the canvas, the input view and the digit thumbnails."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap


def grey_image(values: np.ndarray) -> QImage:
    """(h, w) values in [0, 1] (ink high) -> a Grayscale8 QImage that owns its pixels."""
    data = np.ascontiguousarray(np.round(np.clip(np.nan_to_num(values), 0.0, 1.0) * 255.0).astype(np.uint8))
    h, w = data.shape
    return QImage(data.data, w, h, w, QImage.Format.Format_Grayscale8).copy()


def digit_pixmap(image: np.ndarray, size: int) -> QPixmap:
    """A (784,) or (28, 28) image in [0, 1] as a ``size`` x ``size`` grey pixmap, ink white."""
    return QPixmap.fromImage(grey_image(np.asarray(image).reshape(28, 28))).scaled(
        size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation)
