"""The pickle of ``(weights, biases)`` made for 3Blue1Brown's videos, read without unpickling.

The file is a Python 2 protocol-0 pickle of two lists of float64 NumPy arrays (weights (out, in),
biases (out, 1)); Python 3 pickles of the same lists (protocols 0-5) are read too. Nothing is
ever passed to :mod:`pickle`: a small stack machine (:mod:`.pickle_machine`) interprets the
opcodes such a file uses and nothing else, and knows what each admitted global *means* instead
of calling it (:mod:`.pickle_numpy`: a few NumPy names, which make arrays only with
``np.frombuffer(bytes_from_the_file).copy()``).

Memo indices, stack depth, nesting, element counts and total bytes are bounded; lengths declared
in the file are checked against the bytes that remain before anything is sliced.
"""

from __future__ import annotations

from pathlib import Path

from ..network import Network
from .common import WeightFileError, build_network
from .pickle_machine import PickleMachine
from .pickle_numpy import NumpyObjects

FIRST_BYTES = (b"(", b"\x80", b"c", b"]", b"}")


def looks_like_pickle(data: bytes) -> bool:
    return data[:1] in FIRST_BYTES


def read_pickle(path: Path, data: bytes) -> Network:
    """A Network from a 3Blue1Brown-style pickle; WeightFileError for anything else."""
    objects = NumpyObjects(path)
    obj = PickleMachine(path, data, objects).run()
    if not (isinstance(obj, (tuple, list)) and len(obj) == 2):
        raise WeightFileError(path, "the pickle does not hold a (weights, biases) pair")
    weights, biases = obj
    if not (isinstance(weights, (list, tuple)) and isinstance(biases, (list, tuple))):
        raise WeightFileError(path, "the pickle's weights and biases must be lists of arrays")
    return build_network(path, objects.filled_arrays("weights", weights), objects.filled_arrays("biases", biases),
                         "sigmoid", "sigmoid", {"format": "3Blue1Brown video pickle (weights, biases)"})
