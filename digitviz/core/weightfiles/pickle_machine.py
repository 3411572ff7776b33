"""The bounded stack machine that reads a weight pickle's opcodes, never calling anything.

:class:`PickleMachine` knows the opcodes a pickle of lists, tuples, numbers, strings and a few
globals uses, and nothing else: any other opcode is refused. It reads the bytes, keeps the stack,
the MARKs and the memo, and bounds them all (:mod:`.limits`); lengths declared in the file are
checked against the bytes that remain before anything is sliced. What a global *is*, and what
REDUCE and BUILD do with it, it leaves to the :class:`Objects` it is given
(:mod:`.pickle_numpy`), which admits a few NumPy names and calls none of them.
"""

from __future__ import annotations

import codecs
import struct
from pathlib import Path
from typing import Protocol

from . import limits
from .common import WeightFileError, brief


class Objects(Protocol):
    """What the admitted globals mean: the three opcodes that touch them are handed over."""

    def find_global(self, module: str, name: str) -> object:
        """GLOBAL / STACK_GLOBAL: the value pushed for ``module.name``, or WeightFileError."""

    def call(self, func, args) -> object:
        """REDUCE: the value pushed for ``func(*args)``, or WeightFileError."""

    def build(self, target, state) -> None:
        """BUILD: give ``target`` (the top of the stack) its ``state``, or WeightFileError."""


class PickleMachine:
    """Runs the admitted opcodes over ``data``; ``run()`` returns the object STOP finds."""

    def __init__(self, path: Path, data: bytes, objects: Objects):
        self.path = path
        self.data = data
        self.objects = objects
        self.pos = 0
        self.stack: list = []
        self.marks: list[list] = []
        self.saved = 0  # values on the stacks that MARKs set aside
        self.memo: dict[int, object] = {}
        self.items = 0  # values put in lists and tuples, in all
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

    # -- globals, calls and BUILD: handed to the objects ----------------------------------------

    def _global_line(self) -> None:
        module = self._line(128).decode("latin1")
        name = self._line(128).decode("latin1")
        self._push(self.objects.find_global(module, name))

    def _stack_global(self) -> None:
        name, module = self._pop(), self._pop()
        if not (isinstance(module, str) and isinstance(name, str)):
            self.fail("the pickle's STACK_GLOBAL names are not text (malformed)")
        self._push(self.objects.find_global(module, name))

    def _reduce(self) -> None:
        args = self._pop()
        func = self._pop()
        self._push(self.objects.call(func, args))

    def _build(self) -> None:
        state = self._pop()
        if not self.stack:
            self.fail("the pickle builds on an empty stack (malformed)")
        self.objects.build(self.stack[-1], state)
