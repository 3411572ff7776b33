"""What every weight-file reader shares: the exception, bounded messages, and the checks that
turn arrays read from a file into a :class:`Network` (or refuse them)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import activations as act
from ..network import Network
from . import limits

N_INPUTS = 784
N_OUTPUTS = 10


class WeightFileError(ValueError):
    """A weight file that cannot be used; the message names the file and the problem.

    The problem is cut to ``limits.MAX_MESSAGE_CHARS`` characters, so no file can make an
    error message (or the dialog that shows it) huge.
    """

    def __init__(self, path, problem: str):
        problem = str(problem)
        if len(problem) > limits.MAX_MESSAGE_CHARS:
            problem = problem[: limits.MAX_MESSAGE_CHARS - 1] + "…"
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


def brief(value, limit: int = 60, _depth: int = 0) -> str:
    """A short, bounded description of ``value`` read from a file, for an error message.

    Never builds the full ``repr`` of a long list or string: a list of 10^7 entries shows its
    first few and its length.
    """
    if isinstance(value, (list, tuple)):
        if _depth >= 2:
            return "[…]"
        shown = ", ".join(brief(v, 20, _depth + 1) for v in value[:6])
        more = f", … ({len(value):,} entries)" if len(value) > 6 else ""
        text = f"[{shown}{more}]"
    elif isinstance(value, dict):
        text = f"{{…}} ({len(value):,} keys)"
    elif isinstance(value, str):
        text = repr(value[:limit])
    elif isinstance(value, bytes):
        text = repr(value[:limit])
    elif isinstance(value, bool) or value is None:
        text = repr(value)
    elif isinstance(value, int):
        text = repr(value) if value.bit_length() <= 128 else f"a {value.bit_length()}-bit integer"
    elif isinstance(value, float):
        text = repr(value)
    else:
        text = f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_sizes(path, sizes, what: str = "the network") -> None:
    """Refuse layer widths ``sizes`` (list of ints, input first) beyond the limits.

    Cheap: call it on widths a file *declares* before reading any matrix.
    """
    n = len(sizes)
    if n < 2:
        raise WeightFileError(path, f"{what} holds no layers")
    if n - 1 > limits.MAX_LAYERS:
        raise WeightFileError(
            path, f"{what} has {n - 1:,} layers; at most {limits.MAX_LAYERS} are supported"
        )
    if sizes[0] != N_INPUTS:
        raise WeightFileError(path, f"{what} takes {brief(sizes[0])} inputs, not 784 (28x28 pixels)")
    if sizes[-1] != N_OUTPUTS:
        raise WeightFileError(path, f"{what} has {brief(sizes[-1])} outputs, not 10 digits")
    for i, width in enumerate(sizes[1:-1], start=1):
        if width < 1:
            raise WeightFileError(path, f"{what}: layer {i} has no neurons")
        if width > limits.MAX_HIDDEN_WIDTH:
            raise WeightFileError(
                path,
                f"{what}: hidden layer {i} has {width:,} neurons; at most {limits.MAX_HIDDEN_WIDTH:,} "
                "per hidden layer are supported",
            )
    total = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    if total > limits.MAX_PARAMETERS:
        raise WeightFileError(
            path, f"{what} has {total:,} parameters, more than the {limits.MAX_PARAMETERS:,} supported"
        )


def clean_metadata(path, metadata) -> dict:
    """``metadata`` as a dict of bounded size, with the name cut to ``MAX_NAME_CHARS``."""
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise WeightFileError(path, "the metadata is not a JSON object")
    import json

    try:
        size = len(json.dumps(metadata, default=str))
    except (TypeError, ValueError, RecursionError):
        raise WeightFileError(path, "the metadata cannot be written back as JSON") from None
    if size > limits.MAX_METADATA_CHARS:
        raise WeightFileError(
            path, f"the metadata is {size:,} characters long, more than the {limits.MAX_METADATA_CHARS:,} allowed"
        )
    metadata = dict(metadata)
    name = metadata.get("name")
    if name is not None:
        name = str(name)
        if len(name) > limits.MAX_NAME_CHARS:
            name = name[: limits.MAX_NAME_CHARS - 1] + "…"
        metadata["name"] = name
    return metadata


def build_network(path, weights, biases, hidden: str, output: str, metadata: dict) -> Network:
    """Check arrays read from ``path`` and make a Network; raises WeightFileError on any flaw.

    ``weights[i]`` is (n_out, n_in), ``biases[i]`` is (n_out,) or (n_out, 1); any real numeric
    dtype, converted to float64. The shapes are checked (and bounded, see :mod:`.limits`) before
    anything is converted or copied.
    """
    path = Path(path)
    if not isinstance(hidden, str) or hidden not in act.HIDDEN_ACTIVATIONS:
        known = ", ".join(act.HIDDEN_ACTIVATIONS)
        raise WeightFileError(path, f"unknown hidden activation {brief(hidden)} (known: {known})")
    if not isinstance(output, str) or output not in act.OUTPUT_ACTIVATIONS:
        known = ", ".join(act.OUTPUT_ACTIVATIONS)
        raise WeightFileError(path, f"unknown output activation {brief(output)} (known: {known})")
    if not weights:
        raise WeightFileError(path, "holds no layers")
    if len(weights) != len(biases):
        raise WeightFileError(path, f"{len(weights)} weight matrices but {len(biases)} bias vectors")
    if len(weights) > limits.MAX_LAYERS:
        raise WeightFileError(path, f"has {len(weights):,} layers; at most {limits.MAX_LAYERS} are supported")
    shaped_w, shaped_b = [], []
    for i, (w, b) in enumerate(zip(weights, biases)):
        w = np.asarray(w)
        b = np.asarray(b)
        for what, a in (("weights", w), ("biases", b)):
            if a.dtype.kind not in "fiu":
                raise WeightFileError(path, f"layer {i + 1} {what} have dtype {brief(str(a.dtype))}, not numbers")
        if w.ndim != 2:
            raise WeightFileError(path, f"layer {i + 1} weights are shaped {brief(w.shape)}, not a matrix")
        if b.ndim == 2 and b.shape[1] == 1:
            b = b[:, 0]  # Nielsen and 3Blue1Brown keep biases as (n, 1) columns
        if b.ndim != 1 or b.shape[0] != w.shape[0]:
            raise WeightFileError(
                path, f"layer {i + 1} biases are shaped {brief(b.shape)} but the layer has {w.shape[0]} neurons"
            )
        if i and w.shape[1] != shaped_w[-1].shape[0]:
            raise WeightFileError(
                path,
                f"layer {i + 1} takes {w.shape[1]} inputs but layer {i} has {shaped_w[-1].shape[0]} "
                "neurons: the shapes do not chain",
            )
        shaped_w.append(w)
        shaped_b.append(b)
    if any(w.shape[0] == 0 for w in shaped_w):
        raise WeightFileError(path, "a layer has no neurons")
    check_sizes(path, [shaped_w[0].shape[1]] + [w.shape[0] for w in shaped_w])
    checked_w, checked_b = [], []
    for i, (w, b) in enumerate(zip(shaped_w, shaped_b)):
        w = w.astype(np.float64)
        b = b.astype(np.float64)
        if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
            raise WeightFileError(path, f"layer {i + 1} holds NaN or infinite values")
        checked_w.append(w)
        checked_b.append(b)
    metadata = clean_metadata(path, metadata)
    metadata.setdefault("name", path.stem[: limits.MAX_NAME_CHARS])
    return Network(checked_w, checked_b, hidden, output, metadata)
