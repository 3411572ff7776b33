"""Weight files: round trips, every format, and every way a file can be bad."""

import io
import json
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

import digitviz
from digitviz import Network, WeightFileError, load_weights, save_weights
from digitviz.core.weightfiles import limits


@pytest.fixture
def net():
    n = Network.random([784, 16, 16, 10], np.random.default_rng(0), "relu", "softmax",
                       metadata={"name": "test net", "test_accuracy": 0.5})
    for b in n.biases:
        b[:] = np.random.default_rng(1).normal(size=b.shape)
    return n


def _same(a: Network, b: Network):
    assert a.sizes == b.sizes
    assert (a.hidden_activation, a.output_activation) == (b.hidden_activation, b.output_activation)
    for x, y in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_array_equal(x, y)


# -- round trips and formats ---------------------------------------------------------------------


def test_npz_round_trip_keeps_everything(net, tmp_path):
    path = save_weights(net, tmp_path / "n.npz")
    back = load_weights(path)
    _same(net, back)
    assert back.metadata["name"] == "test net" and back.metadata["test_accuracy"] == 0.5
    with np.load(path, allow_pickle=False) as npz:
        assert set(npz.files) == {"format_version", "sizes", "hidden_activation", "output_activation",
                                  "metadata", "weight_0", "bias_0", "weight_1", "bias_1", "weight_2", "bias_2"}


def test_saving_twice_gives_identical_bytes(net, tmp_path):
    a = save_weights(net, tmp_path / "a.npz").read_bytes()
    b = save_weights(net, tmp_path / "b.npz").read_bytes()
    assert a == b


def test_save_leaves_no_temporary_files_and_an_ordinary_mode(net, tmp_path):
    path = save_weights(net, tmp_path / "n.npz")
    assert [p.name for p in tmp_path.iterdir()] == ["n.npz"]
    mask = os.umask(0o022)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
    path.chmod(0o640)
    save_weights(net, path)
    assert path.stat().st_mode & 0o777 == 0o640


def test_nielsen_json_round_trip(net, tmp_path):
    back = load_weights(save_weights(net, tmp_path / "n.json"))
    _same(net, back)


def test_reads_a_file_written_like_nielsens_network2(tmp_path):
    rng = np.random.default_rng(2)
    sizes = [784, 30, 10]
    weights = [rng.normal(size=(y, x)) for x, y in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(size=(y, 1)) for y in sizes[1:]]
    doc = {"sizes": sizes, "weights": [w.tolist() for w in weights],
           "biases": [b.tolist() for b in biases], "cost": "CrossEntropyCost"}
    path = tmp_path / "network2.json"
    path.write_text(json.dumps(doc))
    net = load_weights(path)
    assert net.sizes == sizes and net.hidden_activation == "sigmoid"
    np.testing.assert_array_equal(net.biases[0], biases[0][:, 0])
    x = rng.random(784)
    a = x.reshape(-1, 1)
    for w, b in zip(weights, biases):  # Nielsen's feedforward, column vectors
        a = 1 / (1 + np.exp(-(w @ a + b)))
    np.testing.assert_allclose(net.forward(x)[-1], a[:, 0])


@pytest.mark.parametrize("protocol", [0, 2, 5])
def test_reads_a_3blue1brown_style_pickle(tmp_path, protocol):
    rng = np.random.default_rng(3)
    weights = [rng.normal(size=(16, 784)), rng.normal(size=(16, 16)), rng.normal(size=(10, 16))]
    biases = [rng.normal(size=(16, 1)), rng.normal(size=(16, 1)), rng.normal(size=(10, 1))]
    path = tmp_path / "pretrained_weights_and_biases"
    path.write_bytes(pickle.dumps((weights, biases), protocol=protocol))
    net = load_weights(path)
    assert net.sizes == [784, 16, 16, 10]
    np.testing.assert_array_equal(net.weights[1], weights[1])
    np.testing.assert_array_equal(net.biases[2], biases[2][:, 0])


class _Boom:
    def __reduce__(self):
        return (os.system, ("touch /nonexistent-dir/should-not-run",))


class _Marker:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_a_malicious_pickle_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "ran"
    weights = [np.zeros((16, 784)), np.zeros((10, 16))]
    biases = [np.zeros((16, 1)), np.zeros((10, 1))]
    for protocol in (0, 2):
        path = tmp_path / f"evil{protocol}.pickle"
        path.write_bytes(pickle.dumps((weights, [biases[0], _Marker(str(marker))]), protocol=protocol))
        with pytest.raises(WeightFileError, match="refused") as info:
            load_weights(path)
        assert "builtins" in str(info.value) or "io" in str(info.value)
        assert not marker.exists()
    path = tmp_path / "system.pickle"
    path.write_bytes(b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR.")
    with pytest.raises(WeightFileError, match="os.system"):
        load_weights(path)
    assert not marker.exists()
    path.write_bytes(pickle.dumps(_Boom(), protocol=0))
    with pytest.raises(WeightFileError, match="refused"):
        load_weights(path)


def test_the_codecs_escape_hatch_admits_only_latin1(tmp_path):
    path = tmp_path / "codec.pickle"
    path.write_bytes(b"c_codecs\nencode\n(Vabc\nVzlib\ntR.")
    with pytest.raises(WeightFileError):
        load_weights(path)


def test_safetensors_sequential_state_dict(tmp_path):
    from safetensors.numpy import save_file

    rng = np.random.default_rng(4)
    tensors = {"0.weight": rng.normal(size=(16, 784)).astype(np.float32), "0.bias": np.ones(16, np.float32),
               "2.weight": rng.normal(size=(10, 16)).astype(np.float32), "2.bias": np.zeros(10, np.float32)}
    path = tmp_path / "model.safetensors"
    save_file(tensors, str(path), metadata={"hidden_activation": "relu"})
    net = digitviz.load_weights(path)
    assert net.sizes == [784, 16, 10] and net.hidden_activation == "relu"
    np.testing.assert_allclose(net.weights[1], tensors["2.weight"])
    save_file({"0.weight": tensors["0.weight"]}, str(path))
    with pytest.raises(WeightFileError, match="bias"):
        load_weights(path)


# -- every malformed file raises WeightFileError naming the file -----------------------------------


def _npz_bytes(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _good_arrays(net):
    return {"sizes": np.array(net.sizes), "weight_0": net.weights[0], "bias_0": net.biases[0],
            "weight_1": net.weights[1], "bias_1": net.biases[1], "weight_2": net.weights[2],
            "bias_2": net.biases[2]}


def _malformed_cases(net, tmp_path):
    good = save_weights(net, tmp_path / "good.npz").read_bytes()
    arrays = _good_arrays(net)
    nan_w = dict(arrays, weight_1=np.full((16, 16), np.nan))
    inf_b = dict(arrays, bias_2=np.full(10, np.inf))
    wrong_shape = dict(arrays, weight_1=np.zeros((16, 15)))
    wrong_in = {"sizes": np.array([100, 10]), "weight_0": np.zeros((10, 100)), "bias_0": np.zeros(10)}
    wrong_out = {"sizes": np.array([784, 5]), "weight_0": np.zeros((5, 784)), "bias_0": np.zeros(5)}
    no_bias = {k: v for k, v in arrays.items() if k != "bias_1"}
    obj = dict(arrays, weight_0=np.array([None, 1], dtype=object))
    bad_act = dict(arrays, hidden_activation=np.array("swish"))
    bad_meta = dict(arrays, metadata=np.array("{not json"))
    lying_sizes = dict(arrays, sizes=np.array([784, 16, 16, 11]))
    vector_w = dict(arrays, weight_2=np.zeros(160))
    string_w = dict(arrays, weight_0=np.full((16, 784), "a"))
    return {
        "empty": (b"", "empty"),
        "truncated": (good[: len(good) // 2], "truncated|corrupt|archive"),
        "not an archive": (b"PK\x03\x04 this is not really a zip file at all", "archive|corrupt"),
        "text": (b"hello, I am a text file\n", "not a recognised"),
        "random bytes": (bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8)), ""),
        "wrong keys": (_npz_bytes(a=np.zeros(3)), "sizes"),
        "missing bias": (_npz_bytes(**no_bias), "missing"),
        "wrong shapes": (_npz_bytes(**wrong_shape), "chain"),
        "wrong input size": (_npz_bytes(**wrong_in), "784"),
        "wrong output size": (_npz_bytes(**wrong_out), "10"),
        "NaN": (_npz_bytes(**nan_w), "NaN"),
        "infinite": (_npz_bytes(**inf_b), "infinite"),
        "object arrays": (_npz_bytes(**obj), "object|pickle"),
        "unknown activation": (_npz_bytes(**bad_act), "activation"),
        "bad metadata": (_npz_bytes(**bad_meta), "metadata"),
        "sizes disagree": (_npz_bytes(**lying_sizes), "sizes"),
        "vector weights": (_npz_bytes(**vector_w), "matrix"),
        "string weights": (_npz_bytes(**string_w), "not numbers"),
        "json not object": (b"[1, 2, 3]", "JSON"),
        "json bad": (b'{"sizes": [784, 10], "weights": ', "JSON"),
        "json ragged": (
            json.dumps({"sizes": [784, 10], "weights": [[[1, 2], [3]]], "biases": [[0]]}).encode(), "rectangular"
        ),
        "json missing": (json.dumps({"sizes": [784, 10]}).encode(), "lacks"),
        "json NaN": (json.dumps({"sizes": [784, 10], "weights": [np.full((10, 784), np.nan).tolist()],
                                 "biases": [[[0]] * 10]}).encode(), "NaN"),
        "pickle of a dict": (pickle.dumps({"a": 1}, protocol=0), "pair"),
        "pickle of strings": (pickle.dumps(("a", "b"), protocol=0), "lists of arrays"),
        "truncated pickle": (pickle.dumps(([np.zeros((10, 784))], [np.zeros(10)]), protocol=0)[:200], "pickle"),
    }


def test_every_malformed_file_raises_weightfileerror(net, tmp_path):
    cases = _malformed_cases(net, tmp_path)
    for name, (data, pattern) in cases.items():
        path = tmp_path / f"case-{name.replace(' ', '_')}.npz"
        path.write_bytes(data)
        with pytest.raises(WeightFileError) as info:
            load_weights(path)
        message = str(info.value)
        assert str(path) in message, name
        if pattern:
            assert any(p.lower() in message.lower() for p in pattern.split("|")), (name, message)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(WeightFileError, match="not found"):
        load_weights(tmp_path / "nope.npz")
    with pytest.raises(WeightFileError, match="directory"):
        load_weights(tmp_path)


def test_pipes_and_devices_are_refused_without_blocking(tmp_path):
    fifo = tmp_path / "weights.fifo"
    os.mkfifo(fifo)
    with pytest.raises(WeightFileError, match="not a regular file"):
        load_weights(fifo)  # would block forever if it tried to read
    with pytest.raises(WeightFileError, match="not a regular file"):
        load_weights("/dev/zero")


def test_unreadable_file(tmp_path, monkeypatch):
    path = save_weights(Network.random([784, 10], np.random.default_rng(0)), tmp_path / "locked.npz")
    real_open = os.open

    def deny(file, *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    with pytest.raises(WeightFileError, match="permission denied"):
        load_weights(path)


def test_an_io_error_while_reading(tmp_path):
    # /proc/self/mem cannot be read at offset 0: a real OSError from the kernel, even for root.
    with pytest.raises(WeightFileError, match="cannot be read|empty"):
        load_weights("/proc/self/mem")


def test_oversized_file(tmp_path, monkeypatch):
    path = save_weights(Network.random([784, 10], np.random.default_rng(0)), tmp_path / "big.npz")
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100)
    with pytest.raises(WeightFileError, match="limit"):
        load_weights(path)


def test_too_many_parameters(tmp_path, monkeypatch):
    path = save_weights(Network.random([784, 10], np.random.default_rng(0)), tmp_path / "many.npz")
    monkeypatch.setattr(limits, "MAX_PARAMETERS", 1000)
    with pytest.raises(WeightFileError, match="parameters"):
        load_weights(path)


def test_zip_bomb_is_refused_before_unpacking(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 50_000)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("sizes.npy", b"\0" * 1_000_000)
    path = tmp_path / "bomb.npz"
    path.write_bytes(buf.getvalue())
    with pytest.raises(WeightFileError, match="unpacks"):
        load_weights(path)


def test_weightfileerror_is_a_valueerror():
    err = WeightFileError("x.npz", "broken")
    assert isinstance(err, ValueError) and str(err) == "x.npz: broken" and err.problem == "broken"


def test_the_registry_is_plain_code_in_the_order_formats_are_tried():
    from digitviz.core import weightfiles

    assert [reader.__name__ for _, reader in weightfiles.READERS] == [
        "read_safetensors", "read_npz", "read_nielsen_json", "read_pickle"]


def test_reading_every_format_needs_no_third_party_library_but_numpy(net, tmp_path):
    import subprocess
    import sys

    from safetensors.numpy import save_file

    save_file({"0.weight": np.zeros((10, 784), np.float32), "0.bias": np.zeros(10, np.float32)},
              str(tmp_path / "m.safetensors"))
    save_weights(net, tmp_path / "n.npz")
    code = ("import sys, digitviz\n"
            f"for name in ('m.safetensors', 'n.npz'): digitviz.load_weights({str(tmp_path)!r} + '/' + name)\n"
            "extra = {m.split('.')[0] for m in sys.modules} & {'safetensors', 'PySide6', 'torch'}\n"
            "print(sorted(extra))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(Path(digitviz.__file__).parents[1])})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", out.stdout
