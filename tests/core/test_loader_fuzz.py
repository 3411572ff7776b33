"""Property-based tests: whatever bytes or JSON a file holds, load_weights either returns a valid
network or raises WeightFileError, and nothing else (no other exception, no crash, no hang)."""

from __future__ import annotations

import json
import pickle
import struct
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from digitviz import Network, WeightFileError, load_weights, save_weights

# Derandomized, without an example database: the same examples on every run and machine, so a
# failure is reproducible and the suite never fails "once" (hypothesis still shrinks).
FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])

SMALL = Network.random([784, 3, 10], np.random.default_rng(0), metadata={"name": "small"})


@pytest.fixture(scope="module")
def target(tmp_path_factory):
    """One file, rewritten for every example."""
    return tmp_path_factory.mktemp("fuzz") / "weights.bin"


def load_or_refuse(path, data: bytes):
    """Write ``data`` and load it: the Network if valid, None if refused with WeightFileError."""
    path.write_bytes(data)
    try:
        net = load_weights(path)
    except WeightFileError as exc:
        assert str(path) in str(exc)
        assert exc.problem
        return None
    # Anything that loads is a network the application can show.
    assert net.sizes[0] == 784 and net.sizes[-1] == 10
    assert all(np.all(np.isfinite(a)) for a in net.weights + net.biases)
    out = net.forward(np.zeros(784))[-1]
    assert out.shape == (10,) and np.all(np.isfinite(out))
    return net


def valid_files() -> dict[str, bytes]:
    """SMALL written in every format: native npz, Nielsen JSON, pickles, safetensors."""
    from safetensors.numpy import save_file

    files = {}
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        files["npz"] = save_weights(SMALL, folder / "w.npz").read_bytes()
        files["json"] = save_weights(SMALL, folder / "w.json").read_bytes()
        tensors = {f"{2 * i}.{k}": a.astype(np.float32)
                   for i, (w, b) in enumerate(zip(SMALL.weights, SMALL.biases))
                   for k, a in (("weight", w), ("bias", b))}
        save_file(tensors, str(folder / "w.safetensors"))
        files["safetensors"] = (folder / "w.safetensors").read_bytes()
    biases = [b.reshape(-1, 1) for b in SMALL.biases]
    files["pickle0"] = pickle.dumps((list(SMALL.weights), biases), protocol=0)
    files["pickle4"] = pickle.dumps((list(SMALL.weights), biases), protocol=4)
    files["pickle5"] = pickle.dumps((list(SMALL.weights), biases), protocol=5)
    return files


VALID = valid_files()


def test_every_valid_file_loads(target):
    for fmt, data in VALID.items():
        net = load_or_refuse(target, data)
        assert net is not None, fmt
        np.testing.assert_allclose(net.weights[0], SMALL.weights[0], rtol=1e-6, err_msg=fmt)


# -- random bytes ------------------------------------------------------------------------------


@FUZZ
@given(data=st.binary(min_size=0, max_size=4096))
def test_random_bytes(target, data):
    load_or_refuse(target, data)


SAFETENSORS_HEADER = struct.pack("<Q", 64) + b"{"
PREFIXES = [b"PK\x03\x04", b"{", b"[", b"(", b"(l", b"c", b"\x80\x02", b"\x80\x04", b"\x80\x05",
            b"\x93NUMPY", SAFETENSORS_HEADER, b"  \n{"]


@FUZZ
@given(prefix=st.sampled_from(PREFIXES), tail=st.binary(max_size=2048))
def test_random_bytes_behind_each_formats_signature(target, prefix, tail):
    # Each reader's sniffing sends these to that reader: they must all refuse cleanly.
    load_or_refuse(target, prefix + tail)


@FUZZ
@given(
    fmt=st.sampled_from(sorted(VALID)),
    edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=8),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_damaged_valid_files(target, fmt, edits, cut):
    data = bytearray(VALID[fmt])
    for where, value in edits:
        data[int(where * len(data))] = value
    if cut is not None:
        data = data[: int(cut * len(data))]
    load_or_refuse(target, bytes(data))


# -- random JSON ---------------------------------------------------------------------------------

json_scalars = (st.none() | st.booleans() | st.integers(-(2**70), 2**70)
                | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12))
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=8), children, max_size=6),
    max_leaves=40,
)
KEYS = ["sizes", "weights", "biases", "cost", "hidden_activation", "output_activation", "metadata"]


@FUZZ
@given(doc=json_values)
def test_random_json_documents(target, doc):
    load_or_refuse(target, json.dumps(doc).encode())


@FUZZ
@given(doc=st.dictionaries(st.sampled_from(KEYS), json_values, min_size=1))
def test_random_json_with_nielsens_keys(target, doc):
    load_or_refuse(target, json.dumps(doc).encode())


def _nielsen_doc() -> dict:
    return json.loads(VALID["json"])


@FUZZ
@given(key=st.sampled_from(KEYS), replacement=json_values)
def test_nielsen_json_with_one_field_replaced(target, key, replacement):
    doc = _nielsen_doc()
    doc[key] = replacement
    load_or_refuse(target, json.dumps(doc).encode())


@FUZZ
@given(
    which=st.sampled_from(["weights", "biases"]),
    layer=st.integers(0, 1),
    row=st.integers(0, 9),
    replacement=json_values,
)
def test_nielsen_json_with_one_matrix_row_replaced(target, which, layer, row, replacement):
    doc = _nielsen_doc()
    rows = doc[which][layer]
    rows[row % len(rows)] = replacement
    net = load_or_refuse(target, json.dumps(doc).encode())
    if net is not None:  # only a harmless replacement (same shape, finite numbers) may load
        assert net.sizes == SMALL.sizes


@FUZZ
@given(value=st.sampled_from([float("nan"), float("inf"), float("-inf")]),
       layer=st.integers(0, 1), index=st.integers(0, 1000))
def test_non_finite_numbers_in_json_are_refused(target, value, layer, index):
    doc = _nielsen_doc()
    flat = doc["weights"][layer]
    row = flat[index % len(flat)]
    row[index % len(row)] = value
    with pytest.raises(WeightFileError, match="NaN or infinite"):
        load_weights(_write(target, json.dumps(doc).encode()))


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


# -- structured pickles and safetensors ------------------------------------------------------------

small_arrays = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.float32, np.int64, np.uint8, np.bool_, np.complex128]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=12),
    elements=None,
)
# Shapes that sometimes fit: 784 inputs, 10 outputs, (n, 1) biases.
fitting_arrays = st.builds(
    lambda rows, cols, fill: np.full((rows, cols), fill),
    st.sampled_from([1, 3, 10, 16]), st.sampled_from([1, 3, 16, 784]),
    st.floats(allow_nan=True, allow_infinity=True),
)
pickle_leaves = small_arrays | fitting_arrays | st.integers() | st.text(max_size=5) | st.none()
pickle_objects = st.recursive(
    pickle_leaves,
    lambda children: st.lists(children, max_size=4) | st.lists(children, max_size=4).map(tuple),
    max_leaves=12,
)


@FUZZ
@given(obj=pickle_objects, protocol=st.sampled_from([0, 2, 4, 5]))
def test_pickles_of_random_objects(target, obj, protocol):
    load_or_refuse(target, pickle.dumps(obj, protocol=protocol))


@FUZZ
@given(weights=st.lists(pickle_objects, max_size=3), biases=st.lists(pickle_objects, max_size=3))
def test_pickled_pairs_of_random_weights_and_biases(target, weights, biases):
    load_or_refuse(target, pickle.dumps((weights, biases), protocol=2))


tensor_names = st.sampled_from(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "1.bias",
                                "model.0.weight", "model.0.bias", "conv.kernel", "weight", "3.weight"])
tensors = hnp.arrays(dtype=st.sampled_from([np.float32, np.float64, np.int32, np.float16]),
                     shape=hnp.array_shapes(min_dims=1, max_dims=2, max_side=20)) | fitting_arrays


@FUZZ
@given(state=st.dictionaries(tensor_names, tensors, max_size=6),
       metadata=st.one_of(st.none(), st.dictionaries(
           st.sampled_from(["hidden_activation", "output_activation", "other"]),
           st.sampled_from(["sigmoid", "relu", "softmax", "tanh", "gelu", ""]))))
def test_safetensors_state_dicts_of_random_tensors(target, state, metadata):
    from safetensors.numpy import save

    state = {k: np.ascontiguousarray(v) for k, v in state.items()}
    load_or_refuse(target, save(state, metadata=metadata) if state else b"")
