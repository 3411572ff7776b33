"""Michael Nielsen's ``network2.py`` JSON: ``{"sizes", "weights", "biases", "cost"}``.

``weights[i]`` is a list of rows (n_out, n_in), ``biases[i]`` a list of one-element rows
(n_out, 1). digitviz adds optional ``hidden_activation``, ``output_activation`` and
``metadata``. The number of values is bounded from a count of commas before parsing, and the
declared ``sizes`` are checked before any matrix is converted.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..network import Network
from . import limits
from .common import WeightFileError, brief, build_network, check_sizes


def looks_like_json(data: bytes) -> bool:
    return data.lstrip()[:1] in (b"{", b"[")


def read_nielsen_json(path: Path, data: bytes) -> Network:
    """A Network from the bytes of a Nielsen-style JSON file; WeightFileError for anything else."""
    # Every JSON value but the last in a list is followed by a comma: a cheap upper bound on
    # what parsing would build, checked before a single value is made.
    if data.count(b",") > limits.MAX_JSON_VALUES + limits.MAX_METADATA_CHARS:
        raise WeightFileError(
            path, f"the JSON holds more than {limits.MAX_JSON_VALUES:,} values: too large for JSON (use .npz)"
        )
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise WeightFileError(path, "not valid JSON: the text is not UTF-8") from None
    except ValueError as exc:
        raise WeightFileError(path, f"not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise WeightFileError(path, "the JSON is not an object with 'sizes', 'weights' and 'biases'")
    missing = [k for k in ("sizes", "weights", "biases") if k not in doc]
    if missing:
        raise WeightFileError(path, f"the JSON lacks {', '.join(repr(k) for k in missing)}")
    sizes = doc["sizes"]
    if not (isinstance(sizes, list) and all(type(s) is int for s in sizes[: limits.MAX_LAYERS + 2])):
        raise WeightFileError(path, f"'sizes' must be a list of layer widths, not {brief(sizes)}")
    check_sizes(path, sizes, what=f"'sizes' {brief(sizes)}")
    if not isinstance(doc["weights"], list) or not isinstance(doc["biases"], list):
        raise WeightFileError(path, "'weights' and 'biases' must be lists of matrices")
    if max(len(doc["weights"]), len(doc["biases"])) > limits.MAX_LAYERS:
        raise WeightFileError(path, f"more than {limits.MAX_LAYERS} weight matrices or bias vectors")
    weights = [_json_array(path, w, f"weights[{i}]") for i, w in enumerate(doc["weights"])]
    biases = [_json_array(path, b, f"biases[{i}]") for i, b in enumerate(doc["biases"])]
    hidden = doc.get("hidden_activation", "sigmoid")
    output = doc.get("output_activation", "sigmoid")
    metadata = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    metadata.setdefault("format", f"Nielsen network2 JSON (cost: {brief(doc.get('cost', 'unknown'), 40)})")
    network = build_network(path, weights, biases, hidden, output, metadata)
    if sizes != network.sizes:
        raise WeightFileError(path, f"'sizes' says {brief(sizes)} but the matrices are {brief(network.sizes)}")
    return network


def _json_array(path: Path, value, what: str) -> np.ndarray:
    try:
        array = np.array(value, dtype=np.float64)
    except (ValueError, TypeError, OverflowError):
        raise WeightFileError(path, f"{what} is not a rectangular array of numbers") from None
    return array
