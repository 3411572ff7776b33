"""Building hostile weight files byte by byte, and loading one that must be refused.

Shared by ``test_hostile_pickles.py``, ``test_hostile_files.py`` and
``benchmarks/hostile_files.py``. The pickles are protocol 0, as the 3Blue1Brown file is, and use
only the globals such a file uses: every refusal comes from what the bytes ask for.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from digitviz import WeightFileError, load_weights

RECONSTRUCT = b"cnumpy.core.multiarray\n_reconstruct\n"
NDARRAY = b"cnumpy\nndarray\n"
DTYPE = b"cnumpy\ndtype\n"
PLAIN_STATE = b"(I3\nS'<'\nNNNI-1\nI-1\nI0\ntb"


def dtype_p0(code: bytes = b"f8", state: bytes = PLAIN_STATE) -> bytes:
    """numpy.dtype(code) and its BUILD, as Python 2 pickles it."""
    return DTYPE + b"(S'" + code + b"'\nI0\nI1\ntR" + state


def array_p0(shape: bytes, data: bytes, dtype: bytes | None = None) -> bytes:
    """_reconstruct(ndarray, (0,), 'b') and BUILD (1, shape, dtype, False, data), protocol 0."""
    return (RECONSTRUCT + b"(" + NDARRAY + b"(I0\ntS'b'\ntR(I1\n" + shape + (dtype or dtype_p0())
            + b"I00\nS'" + data + b"'\ntb")


def pair_p0(weights: list[bytes], biases: list[bytes]) -> bytes:
    """The file's structure: a tuple of a list of weight arrays and a list of bias arrays."""
    out = b"((l"
    for w in weights:
        out += w + b"a"
    out += b"(l"
    for b in biases:
        out += b + b"a"
    return out + b"t."


def load_refused(path: Path, data: bytes) -> tuple[WeightFileError, int]:
    """Write ``data`` to ``path`` and load it, which must raise WeightFileError; returns the
    error and the peak of Python memory allocated while loading (tracemalloc), in bytes."""
    path.write_bytes(data)
    tracemalloc.start()
    try:
        try:
            load_weights(path)
        except WeightFileError as error:
            _, peak = tracemalloc.get_traced_memory()
            return error, peak
    finally:
        tracemalloc.stop()
    raise AssertionError(f"{path} was loaded, but it should have been refused")
