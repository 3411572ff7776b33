"""Hostile .npz, JSON, .safetensors and MNIST files: refused from what they declare, before
anything large is built, with short messages; pipes, devices and gzip bombs never hang."""

from __future__ import annotations

import gzip
import io
import json
import os
import struct
import tracemalloc
import zipfile
import zlib

import numpy as np
import pytest
from hostile import load_refused

from digitviz import Network, WeightFileError, load_weights, save_weights
from digitviz.core.mnist import DataError, read_idx
from digitviz.core.weightfiles import limits


def _npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _npy_header_only(shape, descr="<f8") -> bytes:
    """A .npy member that declares ``shape`` but holds only a header (a few bytes on disk)."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _refused(tmp_path, data: bytes, pattern: str, name: str = "hostile.bin", max_bytes: int = 20_000_000) -> str:
    error, peak = load_refused(tmp_path / name, data)
    message = str(error)
    assert pattern.lower() in message.lower(), message
    assert len(error.problem) <= limits.MAX_MESSAGE_CHARS
    assert peak < max_bytes + 3 * len(data), peak
    return message


def test_npz_sizes_with_a_million_entries(tmp_path):
    message = _refused(tmp_path, _npz(sizes=np.arange(1_000_000)), "layers")
    assert "1,000,000" in message and "999999" not in message


def test_npz_that_declares_a_wide_layer_is_refused_before_reading_its_matrix(tmp_path):
    # 784-25000-10: 20 M parameters of zeros would need 160 MB; refused from 'sizes' alone.
    data = _npz(sizes=np.array([784, 25000, 10]), weight_0=np.zeros((1, 1)), bias_0=np.zeros(1),
                weight_1=np.zeros((1, 1)), bias_1=np.zeros(1))
    assert "25,000 neurons" in _refused(tmp_path, data, "at most 4,096")


def test_npy_member_declaring_80_gb_is_refused_from_its_header(tmp_path):
    data = _zip({"sizes.npy": _npz_member(np.array([784, 10])),
                 "weight_0.npy": _npy_header_only((100_000, 100_000)),
                 "bias_0.npy": _npz_member(np.zeros(10))})
    assert "10,000,000,000 values" in _refused(tmp_path, data, "parameters")


def _npz_member(array) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, allow_pickle=False)
    return buf.getvalue()


def test_npy_member_shorter_than_its_header(tmp_path):
    data = _zip({"sizes.npy": _npz_member(np.array([784, 10])),
                 "weight_0.npy": _npy_header_only((10, 784)), "bias_0.npy": _npz_member(np.zeros(10))})
    _refused(tmp_path, data, "fewer bytes than its header")


def test_a_long_name_in_the_metadata_is_refused_without_unpacking_it(tmp_path):
    net = Network.random([784, 10], np.random.default_rng(0))
    good = {"sizes": np.array(net.sizes), "weight_0": net.weights[0], "bias_0": net.biases[0]}
    metadata = np.array(json.dumps({"name": "x" * 1_000_000}))  # 4 MB unpacked, 4 KB packed
    _refused(tmp_path, _npz(**good, metadata=metadata), "1,000,", max_bytes=2_000_000)


def test_long_names_are_cut_and_moderate_metadata_kept(tmp_path):
    net = Network.random([784, 10], np.random.default_rng(0), metadata={"name": "n" * 5000, "note": "kept"})
    back = load_weights(save_weights(net, tmp_path / "long.npz"))
    assert len(back.name) == limits.MAX_NAME_CHARS and back.metadata["note"] == "kept"


def test_an_archive_listing_a_million_members_is_refused_from_its_directory_record(tmp_path):
    data = bytearray(_npz(sizes=np.array([784, 10])))
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 16] = struct.pack("<HHL", 0xFFFF, 0xFFFF, 50_000_000)
    _refused(tmp_path, bytes(data), "members")


def test_json_sizes_with_a_hundred_thousand_entries(tmp_path):
    doc = {"sizes": list(range(100_000)), "weights": [], "biases": []}
    message = _refused(tmp_path, json.dumps(doc).encode(), "layers", "big.json")
    assert "100,000" in message


def test_json_with_more_values_than_parameters_is_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_JSON_VALUES", 1000)
    monkeypatch.setattr(limits, "MAX_METADATA_CHARS", 100)
    _refused(tmp_path, b"[" + b"0," * 5000 + b"0]", "more than 1,000 values", "many.json")


def test_json_with_a_huge_cost_field_gives_a_short_network_name(tmp_path):
    net = Network.random([784, 10], np.random.default_rng(0))
    doc = json.loads(save_weights(net, tmp_path / "n.json").read_bytes())
    doc["cost"] = "c" * 100_000
    del doc["metadata"]
    path = tmp_path / "cost.json"
    path.write_text(json.dumps(doc))
    assert len(load_weights(path).metadata["format"]) < 100


def _safetensors(header: dict, payload: bytes = b"") -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + payload


def test_safetensors_written_here_and_by_the_library_read_alike(tmp_path):
    from safetensors.numpy import save

    rng = np.random.default_rng(5)
    w = rng.normal(size=(10, 784)).astype(np.float32)
    b = rng.normal(size=10).astype(np.float32)
    ours = _safetensors({"0.weight": {"dtype": "F32", "shape": [10, 784], "data_offsets": [0, w.nbytes]},
                         "0.bias": {"dtype": "F32", "shape": [10], "data_offsets": [w.nbytes, w.nbytes + 40]}},
                        w.tobytes() + b.tobytes())
    theirs = save({"0.weight": w, "0.bias": b})
    for name, data in (("ours", ours), ("theirs", theirs)):
        path = tmp_path / f"{name}.safetensors"
        path.write_bytes(data)
        net = load_weights(path)
        np.testing.assert_array_equal(net.weights[0], w)
        np.testing.assert_array_equal(net.biases[0], b)


def test_safetensors_bfloat16_is_widened(tmp_path):
    w = np.full((10, 784), 1.5, np.float32)
    b = np.zeros(10, np.float32)
    bf = lambda a: (a.view(np.uint32) >> 16).astype("<u2").tobytes()  # noqa: E731
    data = _safetensors({"0.weight": {"dtype": "BF16", "shape": [10, 784], "data_offsets": [0, 15680]},
                         "0.bias": {"dtype": "BF16", "shape": [10], "data_offsets": [15680, 15700]}},
                        bf(w) + bf(b))
    path = tmp_path / "bf16.safetensors"
    path.write_bytes(data)
    assert np.all(load_weights(path).weights[0] == 1.5)


@pytest.mark.parametrize("entry, pattern", [
    ({"dtype": "F64", "shape": [100_000, 100_000], "data_offsets": [0, 8]}, "10,000,000,000 values"),
    ({"dtype": "F64", "shape": [1], "data_offsets": [0, 2**62]}, "data_offsets"),
    ({"dtype": "F64", "shape": [1], "data_offsets": [-8, 0]}, "data_offsets"),
    ({"dtype": "F64", "shape": [-1], "data_offsets": [0, 8]}, "shape"),
    ({"dtype": "OBJ", "shape": [1], "data_offsets": [0, 8]}, "dtype"),
    ({"dtype": "F64", "shape": [1] * 40, "data_offsets": [0, 8]}, "shape"),
])
def test_safetensors_entries_that_do_not_fit_the_file(tmp_path, entry, pattern):
    _refused(tmp_path, _safetensors({"0.weight": entry}, b"\0" * 8), pattern)


def test_safetensors_overlapping_tensors_and_huge_headers(tmp_path):
    overlap = _safetensors({"0.weight": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]},
                            "0.bias": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}}, b"\0" * 8)
    _refused(tmp_path, overlap, "overlap")
    header = b'{"0.weight": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}}'
    huge = struct.pack("<Q", limits.MAX_SAFETENSORS_HEADER + 1) + header + b" " * limits.MAX_SAFETENSORS_HEADER
    _refused(tmp_path, huge, "header is 1,048,577 bytes")


def test_error_messages_are_bounded():
    err = WeightFileError("x.npz", "y" * 10**6)
    assert len(err.problem) == limits.MAX_MESSAGE_CHARS and err.problem.endswith("…")


# -- FIFOs, devices and gzip bombs as MNIST files -------------------------------------------------


def test_idx_from_a_fifo_or_a_device_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "train-images-idx3-ubyte.gz"
    os.mkfifo(fifo)
    with pytest.raises(DataError, match="named pipe"):
        read_idx(fifo)
    with pytest.raises(DataError, match="device"):
        read_idx("/dev/zero")


def test_idx_gzip_bomb_stops_at_what_the_header_declares(tmp_path):
    pack = zlib.compressobj(9, zlib.DEFLATED, 31)
    body = pack.compress(struct.pack(">IIII", 0x803, 10, 28, 28))
    zeros = bytes(1 << 20)
    body += b"".join(pack.compress(zeros) for _ in range(32)) + pack.flush()  # 32 MiB from ~32 KB
    path = tmp_path / "bomb.gz"
    path.write_bytes(body)
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match="more than the 7,840 data bytes"):
            read_idx(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000


def test_idx_header_declaring_terabytes_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.gz"
    path.write_bytes(gzip.compress(struct.pack(">IIII", 0x803, 0xFFFFFFFF, 28, 28) + bytes(64)))
    with pytest.raises(DataError, match="declares"):
        read_idx(path)


def test_idx_exact_files_still_read(tmp_path):
    images = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    for name, data in (("a.gz", gzip.compress(struct.pack(">IIII", 0x803, 2, 28, 28) + images.tobytes())),
                       ("a.idx", struct.pack(">IIII", 0x803, 2, 28, 28) + images.tobytes())):
        (tmp_path / name).write_bytes(data)
        np.testing.assert_array_equal(read_idx(tmp_path / name), images)
    (tmp_path / "short.idx").write_bytes(struct.pack(">IIII", 0x803, 2, 28, 28) + bytes(10))
    with pytest.raises(DataError, match="promises"):
        read_idx(tmp_path / "short.idx")


def test_a_file_swapped_for_a_fifo_after_stat_is_refused_by_fstat(tmp_path, monkeypatch):
    # What is checked is the open descriptor: even a stat() that said "regular file" (the file
    # was swapped after it) cannot make load_weights block on the pipe.
    fifo = tmp_path / "swapped.npz"
    os.mkfifo(fifo)
    regular = os.stat(__file__)
    real_stat = os.stat
    monkeypatch.setattr(os, "stat", lambda p, *a, **k: regular if str(p) == str(fifo) else real_stat(p, *a, **k))
    with pytest.raises(WeightFileError, match="named pipe"):
        load_weights(fifo)
    with pytest.raises(DataError, match="named pipe"):
        read_idx(fifo)
