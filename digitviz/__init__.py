"""digitviz: watch a neural network read a handwritten digit.

The public scripting API; see README.md. The GUI lives in :mod:`digitviz.gui` and is imported
only when asked for, so scripts that use the core never load Qt.
"""

from . import safetensors_format as _safetensors_format  # registers the .safetensors reader
from .core import (
    DataError,
    Digits,
    Network,
    Trainer,
    WeightFileError,
    load_mnist,
    load_weights,
    mnist_steps,
    save_weights,
    to_mnist,
)

__version__ = "0.1.0"

__all__ = [
    "DataError",
    "Digits",
    "Network",
    "Trainer",
    "WeightFileError",
    "__version__",
    "load_mnist",
    "load_weights",
    "mnist_steps",
    "save_weights",
    "to_mnist",
]

del _safetensors_format
