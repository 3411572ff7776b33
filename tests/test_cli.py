import gzip
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from digitviz import __version__
from digitviz.__main__ import main
from digitviz.core.mnist import bundled_test_set
from digitviz.core.resources import default_weights_path
from digitviz.core.weightfile import load_weights

ROOT = Path(__file__).resolve().parents[1]


def _write_idx(path: Path, array: np.ndarray) -> None:
    magic = 0x0803 if array.ndim == 3 else 0x0801
    header = struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(gzip.compress(header + array.astype(np.uint8).tobytes(), mtime=0))


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A small MNIST-like folder: 600 'training' and 200 'test' digits from the bundled set."""
    folder = tmp_path_factory.mktemp("mnist")
    digits = bundled_test_set()
    images = np.round(digits.images * 255).reshape(-1, 28, 28)
    _write_idx(folder / "train-images-idx3-ubyte.gz", images[:600])
    _write_idx(folder / "train-labels-idx1-ubyte.gz", digits.labels[:600])
    _write_idx(folder / "t10k-images-idx3-ubyte.gz", images[600:800])
    _write_idx(folder / "t10k-labels-idx1-ubyte.gz", digits.labels[600:800])
    return folder


@pytest.mark.parametrize("command", [[], ["train"], ["evaluate"], ["render"]])
def test_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*command, "--help"])
    assert exc.value.code == 0
    assert "usage: digitviz" in capsys.readouterr().out


@pytest.mark.parametrize("command", [[], ["train"], ["evaluate"]])
def test_version(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*command, "--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"digitviz {__version__}"


def test_evaluate_shipped_weights_prints_the_true_accuracy():
    # A real process, as a user would run it.
    out = subprocess.run([sys.executable, "-m", "digitviz", "evaluate", str(default_weights_path())],
                         capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    digits = bundled_test_set()
    net = load_weights(default_weights_path())
    correct = int(np.sum(net.predict(digits.images) == digits.labels))
    assert f"accuracy: {correct / 100:.2f}%  ({correct} of 10000 correct)" in out.stdout
    assert "confusion matrix" in out.stdout and correct >= 9550


def test_evaluate_with_data_folder(data_dir, capsys):
    assert main(["evaluate", str(default_weights_path()), "--data", str(data_dir)]) == 0
    assert "of 200 correct" in capsys.readouterr().out


def test_evaluate_bad_weight_file(tmp_path, capsys):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a weight file")
    assert main(["evaluate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.npz" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_bad_data_folder_exits_2_with_one_line(command, tmp_path, capsys):
    missing = tmp_path / "nowhere"
    args = ["train", "--data", str(missing), "--out", str(tmp_path / "x.npz")] if command == "train" \
        else ["evaluate", str(default_weights_path()), "--data", str(missing)]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert "nowhere" in err and "not found" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "x.npz").exists()


def test_malformed_data_folder(tmp_path, capsys):
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(b"garbage")
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(b"garbage")
    assert main(["train", "--data", str(tmp_path), "--out", str(tmp_path / "x.npz")]) == 2
    assert "train-images" in capsys.readouterr().err


def test_train_is_reproducible_and_records_metadata(data_dir, tmp_path, capsys):
    args = ["train", "--data", str(data_dir), "--epochs", "2", "--seed", "3", "--validation", "100",
            "--name", "tiny", "--description", "a test"]
    assert main([*args, "--out", str(tmp_path / "a.npz")]) == 0
    assert main([*args, "--out", str(tmp_path / "a2.npz")]) == 0
    err = capsys.readouterr().err
    assert "epoch   2/2" in err and "validation" in err
    assert main([*args[:-6], "--seed", "4", "--validation", "100", "--name", "tiny", "--description",
                 "a test", "--out", str(tmp_path / "b.npz"), "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    net = load_weights(tmp_path / "a.npz")
    net2 = load_weights(tmp_path / "a2.npz")
    other = load_weights(tmp_path / "b.npz")
    for w, w2 in zip(net.weights, net2.weights):
        np.testing.assert_array_equal(w, w2)
    assert not np.array_equal(net.weights[0], other.weights[0])
    meta = net.metadata
    assert meta["name"] == "tiny" and meta["description"] == "a test"
    assert "--seed 3" in meta["command"] and "--epochs 2" in meta["command"]
    assert meta["training"]["lr"] == 3e-3 and len(meta["history"]) == 2
    digits = bundled_test_set().subset(slice(600, 800))
    assert meta["test_accuracy"] == round(float(np.mean(net.predict(digits.images) == digits.labels)), 6)
    assert meta["validation_accuracy"] == meta["history"][-1]["validation_accuracy"]


def test_same_command_same_bytes(data_dir, tmp_path):
    args = ["train", "--data", str(data_dir), "--epochs", "1", "--seed", "9", "--validation", "100",
            "--quiet", "--out", str(tmp_path / "same.npz")]
    assert main(args) == 0
    first = (tmp_path / "same.npz").read_bytes()
    assert main(args) == 0
    assert (tmp_path / "same.npz").read_bytes() == first


def test_zero_epochs_saves_the_random_network(data_dir, tmp_path):
    out = tmp_path / "untrained.npz"
    assert main(["train", "--data", str(data_dir), "--epochs", "0", "--validation", "100", "--quiet",
                 "--out", str(out)]) == 0
    meta = load_weights(out).metadata
    assert meta["history"] == [] and meta["test_accuracy"] < 0.4
