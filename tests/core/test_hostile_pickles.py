"""The 3Blue1Brown pickle reader against pickles written to break an unpickler.

Every case is built here from bytes (protocol-0 text is readable as is). Each must raise
WeightFileError, allocate little (traced by tracemalloc, which NumPy reports to) and never reach
NumPy with anything but bytes held in the file.
"""

from __future__ import annotations

import pickle
import struct

import numpy as np
import pytest
from hostile import DTYPE, NDARRAY, PLAIN_STATE, RECONSTRUCT, array_p0, dtype_p0, load_refused, pair_p0

from digitviz import load_weights


def test_the_helpers_make_a_pickle_the_reader_accepts(tmp_path):
    # The hostile cases below are small edits of this valid file: the refusals come from the edits.
    zeros_w = "".join("\\x00" * 8 for _ in range(10 * 784)).encode()
    data = pair_p0([array_p0(b"(I10\nI784\nt", zeros_w)], [array_p0(b"(I10\nt", b"\\x00" * 80)])
    path = tmp_path / "ok.pickle"
    path.write_bytes(data)
    net = load_weights(path)
    assert net.sizes == [784, 10] and not net.weights[0].any()
    assert pickle.loads(data, encoding="latin1")[0][0].shape == (10, 784)  # the real unpickler agrees


def _refused(tmp_path, data: bytes, pattern: str, max_bytes: int = 4_000_000) -> str:
    path = tmp_path / "hostile.pickle"
    error, peak = load_refused(path, data)
    message = str(error)
    assert pattern.lower() in message.lower(), message
    assert len(message) < len(str(path)) + 310
    assert peak < max_bytes + 3 * len(data), peak
    return message


SHAPE_8 = b"(I8\nt"


HOSTILE = {
    # numpy.dtype('V8') is not a number type: refused before any field could be given to it.
    "void dtype": (pair_p0([array_p0(SHAPE_8, b"A" * 8, dtype_p0(b"V8"))], []), "dtype"),
    # The segfault: a dtype given an object field through BUILD, after an array uses it.
    "object field given to a dtype by BUILD": (
        pair_p0([array_p0(SHAPE_8, b"A" * 8, dtype_p0(
            b"f8", b"(I3\nS'|'\nN(S'x'\nt(S'x'\n" + dtype_p0(b"f8") + b"I0\ntI8\nI1\nI0\ntb"))], []),
        "fields",
    ),
    "second BUILD on a dtype already used": (
        DTYPE + b"(S'f8'\nI0\nI1\ntRp0\n" + PLAIN_STATE + b"g0\n(I3\nS'|'\nNNNI8\nI1\nI0\ntb.", "already"),
    "BUILD on an array already filled": (
        b"(l" + array_p0(SHAPE_8, b"A" * 64) + b"(I1\n" + SHAPE_8 + dtype_p0() + b"I00\nS'" + b"B" * 64
        + b"'\ntba.", "already"),
    # numpy.ndarray(shape, 'u1', buffer, offset=-N) reads heap memory before the buffer.
    "ndarray with a negative offset": (NDARRAY + b"((I4\ntS'u1'\nS'abcd'\nI-100\ntR.", "ndarray directly"),
    "ndarray without a buffer": (NDARRAY + b"((I4\ntS'u1'\ntR.", "ndarray directly"),
    "BUILD on a function": (DTYPE + b"(S'__doc__'\nI1\ntb.", "attributes"),
    "BUILD on a function, protocol 4": (
        b"\x80\x04\x8c\x05numpy\x8c\x05dtype\x93)b.", "attributes"),
    "memo PUT 400,000,000": (b"(Np400000000\n.", "memo"),
    "memo LONG_BINPUT 400,000,000": (b"\x80\x02Nr" + struct.pack("<I", 400_000_000) + b".", "memo"),
    "memo GET of an entry never stored": (b"\x80\x02j" + struct.pack("<I", 400_000_000) + b".", "memo"),
    "object dtype reconstruct of 800M elements": (
        array_p0(b"(I800000000\nt", b"", dtype_p0(b"O8")) + b".", "dtype"),
    "float reconstruct of 800M elements": (array_p0(b"(I800000000\nt", b"") + b".", "800,000,000"),
    "array data shorter than its shape": (array_p0(b"(I16\nI784\nt", b"\\x00" * 8) + b".", "bytes"),
    "array data given as a list": (
        RECONSTRUCT + b"(" + NDARRAY + b"(I0\ntS'b'\ntR(I1\n(I2\nt" + dtype_p0() + b"I00\n(lI1\naI2\natb.",
        "not bytes"),
    "three-dimensional array": (array_p0(b"(I1\nI1\nI1\nt", b"A" * 8) + b".", "shape"),
    "protocol 5 BYTEARRAY8 of 2**40 bytes": (b"\x80\x05\x96" + struct.pack("<Q", 2**40) + b"abc.", "length"),
    "protocol 4 BINBYTES8 of 2**63 bytes": (b"\x80\x04\x8e" + struct.pack("<Q", 2**63) + b"abc.", "length"),
    "protocol 4 BINUNICODE8 of 2**40 bytes": (b"\x80\x04\x8d" + struct.pack("<Q", 2**40) + b"abc.", "length"),
    "protocol 4 FRAME of 2**40 bytes": (b"\x80\x04\x95" + struct.pack("<Q", 2**40) + b"N.", "frame"),
    "out-of-band buffer": (b"\x80\x05\x97.", "refused"),
    "deep nesting": (b"(" * 100_000 + b".", "nests"),
    "two hundred thousand Nones": (b"(" + b"N" * 200_000 + b"l.", "stack"),
    "_reconstruct of another class": (
        RECONSTRUCT + b"(" + DTYPE + b"(I0\ntS'b'\ntR.", "_reconstruct"),
    "codecs with another codec": (b"c_codecs\nencode\n(Vabc\nVzlib\ntR.", "latin1"),
    "a global outside numpy": (b"cnumpy\nload\n.", "numpy.load"),
    "persistent id": (b"(P0\n.", "refused"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_pickles_are_refused_cheaply(tmp_path, name):
    data, pattern = HOSTILE[name]
    _refused(tmp_path, data, pattern)


def test_fortran_order_and_big_endian_arrays_are_read_as_numpy_writes_them(tmp_path):
    rng = np.random.default_rng(8)
    w = np.asfortranarray(rng.normal(size=(10, 784))).astype(">f8")
    b = rng.normal(size=(10, 1)).astype("<f4")
    for protocol in (0, 2, 4, 5):
        path = tmp_path / f"p{protocol}.pickle"
        path.write_bytes(pickle.dumps(([w], [b]), protocol=protocol))
        net = load_weights(path)
        np.testing.assert_array_equal(net.weights[0], w)
        np.testing.assert_array_equal(net.biases[0], b[:, 0])
