"""Keep NumPy's BLAS to one thread while small matrix products run in a loop.

OpenBLAS splits a matrix product over all cores once it exceeds about 260,000 multiply-adds.
The trainer's first-layer products (a batch of 128 x 784 inputs times 16 neurons) are just past
that, and on a busy machine (the window redrawing in another thread, other programs) the BLAS
threads wait for each other: measured here at 3-12 s per 60,000-image epoch instead of
0.4-0.8 s single-threaded. This module finds ``openblas_set_num_threads_local`` (OpenBLAS
0.3.27 and later) in the OpenBLAS that NumPy bundles and sets one thread while a
:func:`single_threaded_blas` block runs. Despite its name, in NumPy's build that setting holds
for the whole process (measured: a thread's change is seen by the others), so the blocks are
counted and the previous setting comes back when the last one ends; meanwhile every thread's
products run single-threaded, which for this application's small products costs nothing. With
any other BLAS, or an OpenBLAS without that function, it does nothing.
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
_active = 0  # blocks in progress, in any thread
_previous = 0  # the setting before the first of them


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
    """Within the block, BLAS uses one thread; the previous setting is back after the last block."""
    global _active, _previous
    setter = _find_setter()
    if setter is None:
        yield
        return
    with _lock:
        if _active == 0:
            _previous = setter(1)
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                setter(_previous)
