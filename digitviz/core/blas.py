"""Keep NumPy's BLAS to one thread in the calling thread, where small products run in a loop.

OpenBLAS splits a matrix product over all cores once it exceeds about 260,000 multiply-adds.
The trainer's first-layer products (a batch of 128 x 784 inputs times 16 neurons) are just past
that, and on a busy machine (the window redrawing in another thread, other programs) the BLAS
threads wait for each other: measured here at 3-12 s per 60,000-image epoch instead of
0.4-0.8 s single-threaded. OpenBLAS (0.3.27 and later) has a per-thread setting,
``openblas_set_num_threads_local``; this module finds it in the OpenBLAS that NumPy bundles and
sets it for the calling thread only, so other threads keep their BLAS threads. With any other
BLAS, or an OpenBLAS without that function, it does nothing.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

_lock = threading.Lock()
_looked = False
_setter: Callable[[int], int] | None = None


def _candidates() -> list[Path]:
    numpy_dir = Path(np.__file__).resolve().parent
    places = [numpy_dir.parent / "numpy.libs", numpy_dir / ".dylibs"]  # Linux and Windows; macOS
    found = []
    for place in places:
        if place.is_dir():
            found += sorted(p for p in place.iterdir() if "openblas" in p.name.lower())
    return found


def _find_setter() -> Callable[[int], int] | None:
    """``openblas_set_num_threads_local`` of NumPy's OpenBLAS, or None."""
    global _looked, _setter
    with _lock:
        if not _looked:
            _looked = True
            for path in _candidates():
                try:
                    function = ctypes.CDLL(str(path)).openblas_set_num_threads_local
                except (OSError, AttributeError):
                    continue
                function.argtypes = [ctypes.c_int]
                function.restype = ctypes.c_int
                _setter = function
                break
        return _setter


def can_limit_threads() -> bool:
    """Whether :func:`single_threaded_blas` has an effect here."""
    return _find_setter() is not None


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Within the block, BLAS calls made from this thread use one thread; restored after."""
    setter = _find_setter()
    if setter is None:
        yield
        return
    previous = setter(1)
    try:
        yield
    finally:
        setter(previous)
