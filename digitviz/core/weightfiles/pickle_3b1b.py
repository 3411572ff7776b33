"""The pickle of ``(weights, biases)`` made for 3Blue1Brown's videos, read without unpickling.

The file is a Python 2 protocol-0 pickle of two lists of float64 NumPy arrays (weights (out, in),
biases (out, 1)); Python 3 pickles of the same lists (protocols 0-5) are read too. Nothing is
ever passed to :mod:`pickle`: a small stack machine here interprets the opcodes such a file uses
and nothing else, and knows what each admitted global *means* instead of calling it:

* ``numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')`` starts an empty array, which
  one ``BUILD`` with the state ``(1, shape, dtype, is_fortran, data)`` fills;
* ``numpy.dtype(code, False, True)`` names a plain number type (float, signed or unsigned int;
  never object, void, structured, string or time), which one ``BUILD`` with the state
  ``(3, byte_order, None, None, None, -1, -1, 0)`` gives its byte order;
* ``numpy.core.numeric._frombuffer(data, dtype, shape, order)`` (protocol 5) is an array;
* ``_codecs.encode(text, 'latin1')`` turns text into the bytes it spells.

Arrays are made only with ``np.frombuffer(bytes_from_the_file).copy()`` after checking that
the data is exactly shape x item size long; no offsets, no other buffers, nothing uninitialised.
Memo indices, stack depth, nesting, element counts and total bytes are bounded; lengths declared
in the file are checked against the bytes that remain before anything is sliced.
"""

from __future__ import annotations

import codecs
import math
import struct
from pathlib import Path

import numpy as np

from ..network import Network
from . import limits
from .common import WeightFileError, brief, build_network

FIRST_BYTES = (b"(", b"\x80", b"c", b"]", b"}")

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


def looks_like_pickle(data: bytes) -> bool:
    return data[:1] in FIRST_BYTES


def read_pickle(path: Path, data: bytes) -> Network:
    """A Network from a 3Blue1Brown-style pickle; WeightFileError for anything else."""
    obj = _Machine(path, data).run()
    if not (isinstance(obj, (tuple, list)) and len(obj) == 2):
        raise WeightFileError(path, "the pickle does not hold a (weights, biases) pair")
    weights, biases = obj
    if not (isinstance(weights, (list, tuple)) and isinstance(biases, (list, tuple))):
        raise WeightFileError(path, "the pickle's weights and biases must be lists of arrays")
    arrays = {}
    for what, items in (("weights", weights), ("biases", biases)):
        arrays[what] = []
        for i, item in enumerate(items):
            if not isinstance(item, _Array):
                raise WeightFileError(path, f"{what}[{i}] is {brief(item)}, not an array")
            if item.array is None:
                raise WeightFileError(path, f"{what}[{i}] is an array the pickle never fills with data")
            arrays[what].append(item.array)
    return build_network(path, arrays["weights"], arrays["biases"], "sigmoid", "sigmoid",
                         {"format": "3Blue1Brown video pickle (weights, biases)"})


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


class _Machine:
    """Runs the admitted opcodes over ``data``; ``run()`` returns the object STOP finds."""

    def __init__(self, path: Path, data: bytes):
        self.path = path
        self.data = data
        self.pos = 0
        self.stack: list = []
        self.marks: list[list] = []
        self.saved = 0  # values on the stacks that MARKs set aside
        self.memo: dict[int, object] = {}
        self.items = 0  # values put in lists and tuples, in all
        self.arrays = 0
        self.array_bytes = 0
        self.ops = {
            b"(": self._mark, b".": None, b"\x80": self._proto, b"\x95": self._frame,
            b"N": lambda: self._push(None), b"\x88": lambda: self._push(True), b"\x89": lambda: self._push(False),
            b"I": self._int_line, b"L": self._int_line, b"J": lambda: self._push(self._unpack("<i")),
            b"K": lambda: self._push(self._take(1)[0]), b"M": lambda: self._push(self._unpack("<H")),
            b"\x8a": lambda: self._long(self._take(1)[0]), b"\x8b": lambda: self._long(self._unpack("<i")),
            b"S": self._string_line, b"V": self._unicode_line,
            b"T": lambda: self._push(self._take(self._unpack("<i"))),
            b"U": lambda: self._push(self._take(self._take(1)[0])),
            b"B": lambda: self._push(self._take(self._unpack("<I"))),
            b"C": lambda: self._push(self._take(self._take(1)[0])),
            b"\x8e": lambda: self._push(self._take(self._unpack("<Q"))),
            b"\x96": lambda: self._push(self._take(self._unpack("<Q"))),  # bytearray, read as bytes
            b"X": lambda: self._push(self._utf8(self._unpack("<I"))),
            b"\x8c": lambda: self._push(self._utf8(self._take(1)[0])),
            b"\x8d": lambda: self._push(self._utf8(self._unpack("<Q"))),
            b"]": lambda: self._push([]), b")": lambda: self._push(()),
            b"l": lambda: self._push(self._container(self._pop_mark(), list)),
            b"t": lambda: self._push(self._container(self._pop_mark(), tuple)),
            b"\x85": lambda: self._tuple_n(1), b"\x86": lambda: self._tuple_n(2), b"\x87": lambda: self._tuple_n(3),
            b"a": self._append, b"e": self._appends,
            b"p": lambda: self._put(self._int_from_line()), b"q": lambda: self._put(self._take(1)[0]),
            b"r": lambda: self._put(self._unpack("<I")), b"\x94": lambda: self._put(len(self.memo)),
            b"g": lambda: self._get(self._int_from_line()), b"h": lambda: self._get(self._take(1)[0]),
            b"j": lambda: self._get(self._unpack("<I")),
            b"c": self._global_line, b"\x93": self._stack_global,
            b"R": self._reduce, b"b": self._build,
        }

    # -- reading the file -----------------------------------------------------------------------

    def fail(self, problem: str):
        raise WeightFileError(self.path, problem)

    def _take(self, n: int) -> bytes:
        if n < 0 or n > len(self.data) - self.pos:
            self.fail(f"the pickle ends early or declares a length of {n:,} bytes that it does not hold "
                      f"(at byte {self.pos:,})")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def _unpack(self, fmt: str) -> int:
        return struct.unpack(fmt, self._take(struct.calcsize(fmt)))[0]

    def _line(self, max_len: int | None = 256) -> bytes:
        end = self.data.find(b"\n", self.pos)
        if end < 0:
            self.fail(f"the pickle ends early (truncated at byte {len(self.data):,})")
        if max_len is not None and end - self.pos > max_len:
            self.fail(f"the pickle has a {end - self.pos:,}-byte argument where a short one belongs")
        line = self.data[self.pos : end]
        self.pos = end + 1
        return line

    def _int_from_line(self) -> int:
        text = self._line(32).strip()
        if not text.lstrip(b"-").isdigit():
            self.fail(f"the pickle has {brief(text)} where a number belongs")
        return int(text)

    # -- the machine ------------------------------------------------------------------------------

    def run(self):
        while True:
            at = self.pos
            op = self._take(1)
            if op == b".":
                if self.marks or len(self.stack) != 1:
                    self.fail("the pickle stops with a malformed stack")
                return self.stack[0]
            handler = self.ops.get(op)
            if handler is None:
                self.fail(f"the pickle uses opcode {op!r} (at byte {at:,}), which is not part of a (weights, "
                          "biases) pair of NumPy arrays; refused (nothing in the file was run)")
            handler()

    def _push(self, value) -> None:
        if len(self.stack) + self.saved >= limits.MAX_PICKLE_STACK:
            self.fail("the pickle's stack grows beyond any weight file's")
        self.stack.append(value)

    def _pop(self):
        if not self.stack:
            self.fail("the pickle pops from an empty stack (malformed)")
        return self.stack.pop()

    def _mark(self) -> None:
        if len(self.marks) >= limits.MAX_PICKLE_NESTING:
            self.fail("the pickle nests deeper than any weight file")
        self.marks.append(self.stack)
        self.saved += len(self.stack)
        self.stack = []

    def _pop_mark(self) -> list:
        if not self.marks:
            self.fail("the pickle closes a MARK it never opened (malformed)")
        items = self.stack
        self.stack = self.marks.pop()
        self.saved -= len(self.stack)
        return items

    def _proto(self) -> None:
        version = self._take(1)[0]
        if version > 5:
            self.fail(f"pickle protocol {version} is not supported")

    def _frame(self) -> None:
        if self._unpack("<Q") > len(self.data) - self.pos:
            self.fail("the pickle declares a frame longer than the file (truncated)")

    def _int_line(self) -> None:
        text = self._line(64).strip().rstrip(b"L")
        if text == b"00":
            self._push(False)
        elif text == b"01":
            self._push(True)
        elif text.lstrip(b"-").isdigit():
            self._push(int(text))
        else:
            self.fail(f"the pickle has {brief(text)} where a number belongs")

    def _long(self, n: int) -> None:
        if not 0 <= n <= 64:
            self.fail("the pickle holds an integer far too large for a weight file")
        self._push(int.from_bytes(self._take(n), "little", signed=True))

    def _string_line(self) -> None:  # Python 2 str, as bytes
        line = self._line(None)
        if len(line) < 2 or line[:1] != line[-1:] or line[:1] not in (b"'", b'"'):
            self.fail("the pickle's STRING argument is not quoted (malformed)")
        self._push(codecs.escape_decode(line[1:-1])[0])

    def _unicode_line(self) -> None:
        self._push(self._line(None).decode("raw-unicode-escape"))

    def _utf8(self, n: int) -> str:
        return self._take(n).decode("utf-8", "surrogatepass")

    def _container(self, items: list, kind):
        self.items += len(items)
        if self.items > limits.MAX_PICKLE_STACK:
            self.fail("the pickle holds more values than any weight file")
        return kind(items)

    def _tuple_n(self, n: int) -> None:
        if len(self.stack) < n:
            self.fail("the pickle builds a tuple from an empty stack (malformed)")
        items = self.stack[-n:]
        del self.stack[-n:]
        self._push(self._container(items, tuple))

    def _append(self) -> None:
        value = self._pop()
        self._list_top().append(value)
        self._container([value], list)

    def _appends(self) -> None:
        items = self._pop_mark()
        self._list_top().extend(items)
        self._container(items, list)

    def _list_top(self) -> list:
        if not self.stack or not isinstance(self.stack[-1], list):
            self.fail("the pickle appends to something that is not a list; refused")
        return self.stack[-1]

    def _put(self, index: int) -> None:
        if not 0 <= index < limits.MAX_PICKLE_MEMO or len(self.memo) >= limits.MAX_PICKLE_MEMO:
            self.fail(f"the pickle stores memo entry {brief(index)}, beyond the {limits.MAX_PICKLE_MEMO:,} "
                      "a weight file needs; refused")
        if not self.stack:
            self.fail("the pickle memoizes an empty stack (malformed)")
        self.memo[index] = self.stack[-1]

    def _get(self, index: int) -> None:
        if index not in self.memo:
            self.fail(f"the pickle refers to memo entry {brief(index)}, which it never stored (malformed)")
        self._push(self.memo[index])

    # -- globals, calls and BUILD --------------------------------------------------------------

    def _global_line(self) -> None:
        module = self._line(128).decode("latin1")
        name = self._line(128).decode("latin1")
        self._push(self._global(module, name))

    def _stack_global(self) -> None:
        name, module = self._pop(), self._pop()
        if not (isinstance(module, str) and isinstance(name, str)):
            self.fail("the pickle's STACK_GLOBAL names are not text (malformed)")
        self._push(self._global(module, name))

    def _global(self, module: str, name: str) -> _Global:
        known = _GLOBALS.get((module, name))
        if known is None:
            self.fail(f"the pickle asks for {brief(module, 80)[1:-1]}.{brief(name, 80)[1:-1]}, which is "
                      "refused: only NumPy arrays are allowed (nothing in the file was run)")
        return _Global(known)

    def _reduce(self) -> None:
        args = self._pop()
        func = self._pop()
        if not isinstance(func, _Global):
            self.fail(f"the pickle calls {brief(func)}, which is not an admitted NumPy function; refused")
        if not isinstance(args, tuple):
            self.fail("the pickle calls a function without an argument tuple (malformed)")
        self._push(getattr(self, f"_call_{func.name}")(args))

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

    def _build(self) -> None:
        state = self._pop()
        if not self.stack:
            self.fail("the pickle builds on an empty stack (malformed)")
        target = self.stack[-1]
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
            what = "an array or dtype already read" if isinstance(target, (_Array, _Dtype)) else brief(target)
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
