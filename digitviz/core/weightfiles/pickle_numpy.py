"""The few NumPy names a weight pickle may use, and what each *means*: none is ever called.

:class:`NumpyObjects` is the :class:`~.pickle_machine.Objects` of a 3Blue1Brown weight file;
the pickle's globals, REDUCE and BUILD are read as follows:

* ``numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')`` starts an empty array, which
  one ``BUILD`` with the state ``(1, shape, dtype, is_fortran, data)`` fills;
* ``numpy.dtype(code, False, True)`` names a plain number type (float, signed or unsigned int;
  never object, void, structured, string or time), which one ``BUILD`` with the state
  ``(3, byte_order, None, None, None, -1, -1, 0)`` gives its byte order;
* ``numpy.core.numeric._frombuffer(data, dtype, shape, order)`` (protocol 5) is an array;
* ``_codecs.encode(text, 'latin1')`` turns text into the bytes it spells.

Arrays are made only with ``np.frombuffer(bytes_from_the_file).copy()`` after checking that
the data is exactly shape x item size long; no offsets, no other buffers, nothing uninitialised.
Their number, element counts and total bytes are bounded (:mod:`.limits`).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from . import limits
from .common import WeightFileError, brief

_RECONSTRUCT = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct")}
_FROMBUFFER = {("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer")}
_GLOBALS = {
    **{key: "reconstruct" for key in _RECONSTRUCT},
    **{key: "frombuffer" for key in _FROMBUFFER},
    ("numpy", "ndarray"): "ndarray",
    ("numpy", "dtype"): "dtype",
    ("_codecs", "encode"): "encode",
}
# What numpy.dtype is called with when a plain numeric dtype is pickled.
NUMERIC_CODES = frozenset({"f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"})
MAX_ARRAYS = 2 * limits.MAX_LAYERS


# The three kinds of value the machine can hold besides plain data. Their class names appear in
# error messages ("the pickle calls a _Dtype, ...").
class _Global:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


class _Dtype:
    """A numeric dtype named by ``numpy.dtype(code)``; ``dtype`` is set by its one BUILD."""

    __slots__ = ("code", "dtype")

    def __init__(self, code: str):
        self.code = code
        self.dtype: np.dtype | None = None


class _Array:
    """An array being read; ``array`` is set once, by BUILD or ``_frombuffer``."""

    __slots__ = ("array",)

    def __init__(self, array: np.ndarray | None = None):
        self.array = array


def _text(value) -> str | None:
    """A short string argument given as text (Python 3) or bytes (Python 2 ``str``)."""
    if isinstance(value, bytes):
        value = value.decode("latin1")
    return value if isinstance(value, str) else None


class NumpyObjects:
    """The globals, calls and BUILDs of one weight pickle; counts the arrays it makes."""

    def __init__(self, path: Path):
        self.path = path
        self.arrays = 0
        self.array_bytes = 0

    def fail(self, problem: str):
        raise WeightFileError(self.path, problem)

    def filled_arrays(self, what: str, items: list | tuple) -> list[np.ndarray]:
        """The arrays of ``items``, a list read from the pickle; WeightFileError naming ``what[i]``
        for an item that is not an array, or one the pickle never fills."""
        arrays = []
        for i, item in enumerate(items):
            if not isinstance(item, _Array):
                self.fail(f"{what}[{i}] is {brief(item)}, not an array")
            if item.array is None:
                self.fail(f"{what}[{i}] is an array the pickle never fills with data")
            arrays.append(item.array)
        return arrays

    # -- globals and calls ------------------------------------------------------------------------

    def find_global(self, module: str, name: str) -> _Global:
        known = _GLOBALS.get((module, name))
        if known is None:
            self.fail(f"the pickle asks for {brief(module, 80)[1:-1]}.{brief(name, 80)[1:-1]}, which is "
                      "refused: only NumPy arrays are allowed (nothing in the file was run)")
        return _Global(known)

    def call(self, func, args):
        if not isinstance(func, _Global):
            self.fail(f"the pickle calls {brief(func)}, which is not an admitted NumPy function; refused")
        if not isinstance(args, tuple):
            self.fail("the pickle calls a function without an argument tuple (malformed)")
        return getattr(self, f"_call_{func.name}")(args)

    def _call_reconstruct(self, args: tuple) -> _Array:
        ok = (len(args) == 3 and isinstance(args[0], _Global) and args[0].name == "ndarray"
              and args[1] in ((0,), (False,)) and _text(args[2]) == "b")
        if not ok:
            self.fail("the pickle calls _reconstruct with arguments other than (ndarray, (0,), b'b'); refused")
        return _Array()

    def _call_ndarray(self, args: tuple):
        self.fail("the pickle calls numpy.ndarray directly (it could read memory outside the file); refused")

    def _call_dtype(self, args: tuple) -> _Dtype:
        code = _text(args[0]) if len(args) == 3 else None
        if code not in NUMERIC_CODES or args[1] not in (0, False) or args[2] not in (1, True):
            asked = brief(_text(args[0]) or args[0] if args else None)
            self.fail(f"the pickle asks for dtype {asked}; only plain float and integer dtypes are allowed, refused")
        return _Dtype(code)

    def _call_encode(self, args: tuple) -> bytes:
        codec = _text(args[1]) if len(args) == 2 else None
        if codec is None or codec.lower().replace("-", "") != "latin1" or not isinstance(args[0], str):
            self.fail("the pickle calls _codecs.encode with something other than text and 'latin1'; refused")
        return args[0].encode("latin1")

    def _call_frombuffer(self, args: tuple) -> _Array:
        if len(args) != 4 or _text(args[3]) not in ("C", "F"):
            self.fail("the pickle calls _frombuffer with unexpected arguments; refused")
        data, dtype, shape, order = args
        return _Array(self._make_array(data, dtype, shape, _text(order) == "F"))

    # -- BUILD ------------------------------------------------------------------------------------

    def build(self, target, state) -> None:
        if isinstance(target, _Dtype) and target.dtype is None:
            self._build_dtype(target, state)
        elif isinstance(target, _Array) and target.array is None:
            if not (isinstance(state, tuple) and len(state) == 5 and state[0] == 1):
                self.fail("the pickle gives an array a state other than (1, shape, dtype, fortran, data); refused")
            _, shape, dtype, fortran, data = state
            if fortran not in (0, 1):
                self.fail("the pickle gives an array a malformed Fortran flag")
            target.array = self._make_array(data, dtype, shape, bool(fortran))
        elif isinstance(target, _Global):
            self.fail(f"the pickle sets attributes on numpy's {target.name}; refused (nothing in the file was run)")
        else:
            read = isinstance(target, (_Array, _Dtype))
            what = "an array or dtype already read" if read else brief(target)
            self.fail(f"the pickle sets the state of {what}; only a dtype or an array being read may "
                      "receive one, once; refused")

    def _build_dtype(self, target: _Dtype, state) -> None:
        ok = (isinstance(state, tuple) and len(state) == 8 and state[0] == 3
              and _text(state[1]) in ("<", ">", "|", "=") and state[2:5] == (None, None, None)
              and state[5:] == (-1, -1, 0))
        if not ok:
            self.fail("the pickle gives a dtype fields, a sub-array or flags: only plain numbers are allowed, "
                      "refused")
        order = _text(state[1])
        dtype = np.dtype(target.code)
        target.dtype = dtype.newbyteorder(order) if order in "<>" else dtype

    def _make_array(self, data, dtype, shape, fortran: bool) -> np.ndarray:
        if not (isinstance(dtype, _Dtype) and dtype.dtype is not None):
            self.fail("the pickle makes an array without a plain numeric dtype; refused")
        if not (isinstance(shape, tuple) and len(shape) <= 2 and all(type(d) is int and d >= 0 for d in shape)):
            self.fail(f"the pickle makes an array of shape {brief(shape)}: weights are matrices and vectors")
        if isinstance(data, str):  # Python 2 str read as text
            data = data.encode("latin1")
        if not isinstance(data, bytes):
            self.fail(f"the pickle's array data is {brief(data)}, not bytes; refused")
        self.arrays += 1
        if self.arrays > MAX_ARRAYS:
            self.fail(f"the pickle holds more than {MAX_ARRAYS} arrays: at most {limits.MAX_LAYERS} layers")
        count = math.prod(shape)
        if count > limits.MAX_PARAMETERS:
            self.fail(f"the pickle declares an array of {count:,} values, more than the "
                      f"{limits.MAX_PARAMETERS:,} parameters supported")
        nbytes = count * dtype.dtype.itemsize
        if len(data) != nbytes:
            self.fail(f"the pickle's array of shape {brief(shape)} needs {nbytes:,} bytes of data but holds "
                      f"{len(data):,}; refused")
        self.array_bytes += nbytes
        if self.array_bytes > 8 * limits.MAX_PARAMETERS:
            self.fail(f"the pickle's arrays hold more than the {limits.MAX_PARAMETERS:,} parameters supported")
        if count == 0:
            return np.zeros(shape, dtype=dtype.dtype)
        flat = np.frombuffer(data, dtype=dtype.dtype, count=count)
        return flat.reshape(shape, order="F" if fortran else "C").copy(order="C")
