"""Reading PyTorch ``nn.Sequential(Linear, activation, Linear, ...)`` state dicts from .safetensors.

Parsing is left to the ``safetensors`` library. Keys look like ``0.weight``, ``0.bias``,
``2.weight`` ... (optionally under a prefix such as ``model.``); the linear layers are taken in
the order of their index. PyTorch stores ``Linear.weight`` as (out, in), as digitviz does. The
activations cannot be read from a state dict: they come from the file's ``__metadata__``
(``hidden_activation``, ``output_activation``) when present, else sigmoid.
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

from .core.network import Network
from .core.weightfile import WeightFileError, build_network, register_reader

_KEY = re.compile(r"^(?P<prefix>.*?)(?P<index>\d+)\.(?P<kind>weight|bias)$")


def looks_like_safetensors(data: bytes) -> bool:
    if len(data) < 10:
        return False
    (header_len,) = struct.unpack("<Q", data[:8])
    return 2 <= header_len <= len(data) - 8 and data[8:9] == b"{"


def read_safetensors(path: Path, data: bytes) -> Network:
    try:
        from safetensors.numpy import load
    except ImportError:  # pragma: no cover - safetensors is a declared dependency
        raise WeightFileError(path, "reading .safetensors needs the 'safetensors' package") from None
    try:
        tensors = load(data)
    except Exception as exc:
        raise WeightFileError(path, f"not a readable .safetensors file ({exc})") from None
    layers: dict[int, dict[str, object]] = {}
    for key, value in tensors.items():
        m = _KEY.match(key)
        if not m:
            raise WeightFileError(
                path, f"tensor {key!r} is not a Linear layer's weight or bias of an nn.Sequential"
            )
        layers.setdefault(int(m["index"]), {})[m["kind"]] = value
    if not layers:
        raise WeightFileError(path, "holds no tensors")
    order = sorted(layers)
    for i in order:
        if set(layers[i]) != {"weight", "bias"}:
            raise WeightFileError(path, f"layer {i} needs both a weight and a bias")
    (header_len,) = struct.unpack("<Q", data[:8])
    try:
        meta = json.loads(data[8 : 8 + header_len]).get("__metadata__") or {}
    except (ValueError, AttributeError):
        meta = {}
    return build_network(
        path,
        [layers[i]["weight"] for i in order],
        [layers[i]["bias"] for i in order],
        meta.get("hidden_activation", "sigmoid"),
        meta.get("output_activation", "sigmoid"),
        {"format": "PyTorch nn.Sequential state dict (.safetensors)"},
    )


register_reader(looks_like_safetensors, read_safetensors)
