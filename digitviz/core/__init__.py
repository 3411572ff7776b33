"""The Qt-free core: network, weight files, preprocessing, MNIST reading, training.

Only NumPy and the standard library may be imported here (checked by import-linter and by
``tests/core/test_core_is_qt_free.py``).
"""

from .mnist import DataError, Digits, load_mnist
from .network import Network
from .preprocess import mnist_steps, to_mnist
from .trainer import Trainer
from .weightfile import WeightFileError, load_weights, save_weights

__all__ = [
    "DataError",
    "Digits",
    "Network",
    "Trainer",
    "WeightFileError",
    "load_mnist",
    "load_weights",
    "mnist_steps",
    "save_weights",
    "to_mnist",
]
