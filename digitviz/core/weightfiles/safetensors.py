"""PyTorch ``nn.Sequential(Linear, activation, Linear, ...)`` state dicts in ``.safetensors``.

Read with NumPy and the standard library only. The format: an 8-byte little-endian header
length N, N bytes of JSON (``{name: {"dtype", "shape", "data_offsets": [begin, end]}, ...,
"__metadata__": {str: str}}``), then the tensors' raw little-endian bytes, back to back; offsets
count from the end of the header. Every offset, length and shape is checked against the file and
the limits before a tensor is copied out of it.

Keys look like ``0.weight``, ``0.bias``, ``2.weight`` ... (optionally under a prefix such as
``model.``); the linear layers are taken in the order of their index. PyTorch stores
``Linear.weight`` as (out, in), as digitviz does. The activations cannot be read from a state
dict: they come from ``__metadata__`` (``hidden_activation``, ``output_activation``) when
present, else sigmoid.
"""

from __future__ import annotations

import json
import math
import re
import struct
from pathlib import Path

import numpy as np

from ..network import Network
from . import limits
from .common import WeightFileError, brief, build_network

_KEY = re.compile(r"^(?P<prefix>.{0,100}?)(?P<index>\d{1,6})\.(?P<kind>weight|bias)$")
_DTYPES = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2",
    "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
    "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1",
}


def looks_like_safetensors(data: bytes) -> bool:
    if len(data) < 10:
        return False
    (header_len,) = struct.unpack("<Q", data[:8])
    return 2 <= header_len <= len(data) - 8 and data[8:9] == b"{"


def read_safetensors(path: Path, data: bytes) -> Network:
    """A Network from the bytes of a ``.safetensors`` state dict; WeightFileError for anything else."""
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > limits.MAX_SAFETENSORS_HEADER:
        raise WeightFileError(path, f"the .safetensors header is {header_len:,} bytes: too large")
    try:
        header = json.loads(data[8 : 8 + header_len].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise WeightFileError(path, f"not a readable .safetensors file (bad header: {exc})") from None
    if not isinstance(header, dict):
        raise WeightFileError(path, "not a readable .safetensors file (the header is not a JSON object)")
    meta = header.pop("__metadata__", None) or {}
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise WeightFileError(path, "not a readable .safetensors file ('__metadata__' must map text to text)")
    if len(header) > 2 * limits.MAX_LAYERS:
        raise WeightFileError(path, f"holds {len(header):,} tensors; at most {limits.MAX_LAYERS} layers are supported")
    buffer = memoryview(data)[8 + header_len :]
    entries = {name: _entry(path, name, info, len(buffer)) for name, info in header.items()}
    _check_layout(path, entries, len(buffer))

    layers: dict[int, dict[str, np.ndarray]] = {}
    for name, (dtype, shape, begin, end) in entries.items():
        m = _KEY.match(name)
        if not m:
            raise WeightFileError(
                path, f"tensor {brief(name)} is not a Linear layer's weight or bias of an nn.Sequential"
            )
        layers.setdefault(int(m["index"]), {})[m["kind"]] = _tensor(buffer[begin:end], dtype, shape)
    if not layers:
        raise WeightFileError(path, "holds no tensors")
    order = sorted(layers)
    for i in order:
        if set(layers[i]) != {"weight", "bias"}:
            raise WeightFileError(path, f"layer {i} needs both a weight and a bias")
    return build_network(
        path,
        [layers[i]["weight"] for i in order],
        [layers[i]["bias"] for i in order],
        meta.get("hidden_activation", "sigmoid"),
        meta.get("output_activation", "sigmoid"),
        {"format": "PyTorch nn.Sequential state dict (.safetensors)"},
    )


def _entry(path: Path, name: str, info, buffer_len: int) -> tuple[str, tuple, int, int]:
    """(dtype code, shape, begin, end) of one header entry, every field checked."""
    if not isinstance(info, dict) or not {"dtype", "shape", "data_offsets"} <= set(info):
        raise WeightFileError(path, f"tensor {brief(name)} has no dtype, shape and data_offsets")
    dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
    if dtype not in _DTYPES:
        raise WeightFileError(path, f"tensor {brief(name)} has dtype {brief(dtype)}, which is not a plain number")
    if not (isinstance(shape, list) and len(shape) <= 4 and all(type(d) is int and d >= 0 for d in shape)):
        raise WeightFileError(path, f"tensor {brief(name)} has a bad shape {brief(shape)}")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(type(o) is int for o in offsets)):
        raise WeightFileError(path, f"tensor {brief(name)} has bad data_offsets {brief(offsets)}")
    begin, end = offsets
    count = math.prod(shape)
    if count > limits.MAX_PARAMETERS:
        raise WeightFileError(path, f"tensor {brief(name)} holds {count:,} values: too many")
    if not 0 <= begin <= end <= buffer_len or end - begin != count * np.dtype(_DTYPES[dtype]).itemsize:
        raise WeightFileError(
            path, f"tensor {brief(name)}: its data_offsets {brief(offsets)} do not fit its shape and the file"
        )
    return dtype, tuple(shape), begin, end


def _check_layout(path: Path, entries: dict, buffer_len: int) -> None:
    """Tensors lie back to back, without overlap or gap, and fill the file (as safetensors writes)."""
    position = 0
    for _dtype, _shape, begin, end in sorted(entries.values(), key=lambda e: (e[2], e[3])):
        if begin != position:
            raise WeightFileError(path, "not a readable .safetensors file (tensors overlap or leave gaps)")
        position = end
    if position != buffer_len:
        raise WeightFileError(path, "not a readable .safetensors file (bytes after the last tensor)")


def _tensor(raw: memoryview, dtype: str, shape: tuple) -> np.ndarray:
    """A copy of the tensor in ``raw``; bfloat16 becomes float32 (its upper 16 bits)."""
    array = np.frombuffer(raw, dtype=_DTYPES[dtype]).reshape(shape).copy()
    if dtype == "BF16":
        array = (array.astype(np.uint32) << 16).view(np.float32)
    return array
