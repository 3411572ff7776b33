"""The digitviz command line: --help and --version, evaluate on the shipped weights, train."""

import subprocess
import sys

import numpy as np
import pytest

from digitviz import __version__, load_weights
from digitviz.__main__ import main
from digitviz.core.mnist import bundled_test_set
from digitviz.core.resources import default_weights_path, weights_path


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and __version__ in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--help"], ["train", "--help"], ["evaluate", "--help"], ["render", "--help"]])
def test_help_everywhere(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0 and "usage: digitviz" in capsys.readouterr().out


def test_evaluate_the_shipped_default_weights(capsys):
    assert main(["evaluate", str(default_weights_path())]) == 0
    out = capsys.readouterr().out
    digits = bundled_test_set()
    net = load_weights(default_weights_path())
    correct = int(np.sum(net.predict(digits.images) == digits.labels))
    assert f"Test accuracy: {correct / 100:.2f}% ({correct:,} / 10,000)" in out
    assert correct >= 9550  # the shipped network keeps its promise of at least 95.5%
    for d in range(10):
        assert f"\n  {d:5d}" in out


def test_every_shipped_file_loads_and_has_a_model_card_entry():
    card = weights_path("README.md").read_text()
    files = sorted(weights_path().glob("*.npz"))
    assert {"default.npz", "untrained.npz", "relu.npz"} <= {f.name for f in files}
    for f in files:
        net = load_weights(f)
        assert net.metadata.get("name") and net.metadata.get("description"), f
        assert f.name in card
        assert net.metadata["command"].startswith("digitviz train")


def test_evaluate_refuses_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"garbage")
    assert main(["evaluate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.npz" in err and "Traceback" not in err


def test_train_with_a_missing_data_folder(tmp_path, capsys):
    assert main(["train", "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "x.npz")]) == 2
    err = capsys.readouterr().err
    assert "nowhere" in err and "not found" in err
    assert not (tmp_path / "x.npz").exists()


def test_train_is_reproducible_from_the_command_line(tmp_path):
    # A tiny data folder in the standard layout, made from the bundled test set.
    import gzip
    import struct

    digits = bundled_test_set()
    folder = tmp_path / "mnist"
    folder.mkdir()
    for split, n in (("train", 1200), ("t10k", 200)):
        imgs = (digits.images[:n] * 255).round().astype(np.uint8)
        labels = digits.labels[:n].astype(np.uint8)
        (folder / f"{split}-images-idx3-ubyte.gz").write_bytes(
            gzip.compress(struct.pack(">IIII", 0x803, n, 28, 28) + imgs.tobytes(), mtime=0))
        (folder / f"{split}-labels-idx1-ubyte.gz").write_bytes(
            gzip.compress(struct.pack(">II", 0x801, n) + labels.tobytes(), mtime=0))
    outs = []
    out = tmp_path / "a.npz"
    for _ in range(2):  # the same command twice, so the same file (the command is in the metadata)
        cmd = [sys.executable, "-m", "digitviz", "train", "--data", str(folder), "--epochs", "2",
               "--validation", "100", "--seed", "7", "--out", str(out), "--quiet"]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        assert "test accuracy" in result.stdout
        outs.append(out.read_bytes())
        out.unlink()
    assert outs[0] == outs[1]
    out.write_bytes(outs[0])
    net = load_weights(out)
    assert net.metadata["training"]["epochs"] == 2 and net.metadata["validation_accuracy"] is not None


# -- digitviz train: arguments, the validation split, nothing non-finite saved ------------------


def _tiny_mnist(folder, n_train, n_test=100):
    """A data folder in the standard layout, made from the bundled test set."""
    import gzip
    import struct

    digits = bundled_test_set()
    folder.mkdir()
    for split, start, n in (("train", 0, n_train), ("t10k", 9000, n_test)):
        imgs = (digits.images[start : start + n] * 255).round().astype(np.uint8)
        labels = digits.labels[start : start + n].astype(np.uint8)
        (folder / f"{split}-images-idx3-ubyte.gz").write_bytes(
            gzip.compress(struct.pack(">IIII", 0x803, n, 28, 28) + imgs.tobytes(), mtime=0))
        (folder / f"{split}-labels-idx1-ubyte.gz").write_bytes(
            gzip.compress(struct.pack(">II", 0x801, n) + labels.tobytes(), mtime=0))
    return folder


@pytest.mark.parametrize("args,message", [
    (["--hidden", "1000000000"], "--hidden: must be between 1 and 4,096"),
    (["--hidden", "30000"], "--hidden: must be between 1 and 4,096"),
    (["--hidden", "0"], "--hidden: must be between 1 and 4,096"),
    (["--hidden", "abc"], "--hidden: must be a whole number"),
    (["--lr", "nan"], "--lr: must be a finite number more than 0"),
    (["--lr", "inf"], "--lr: must be a finite number"),
    (["--lr", "-1"], "--lr: must be a finite number more than 0"),
    (["--lr", "0"], "--lr: must be a finite number more than 0"),
    (["--augment-strength", "nan"], "--augment-strength: must be a finite number at least 0"),
    (["--augment-strength", "-0.5"], "--augment-strength: must be a finite number at least 0"),
    (["--augment-probability", "5"], "--augment-probability: must be a finite number at least 0 and at most 1"),
    (["--limit", "-1"], "--limit: must be between 1"),
    (["--limit", "0"], "--limit: must be between 1"),
    (["--epochs", "100000000"], "--epochs: must be between 0 and 10,000"),
    (["--batch-size", "0"], "--batch-size: must be between 1"),
    (["--momentum", "1"], "--momentum: must be a finite number at least 0 and less than 1"),
    (["--seed", "-1"], "--seed: must be between 0"),
    (["--validation", "-5"], "--validation: must be between 0"),
    (["--optimizer", "rmsprop"], "invalid choice"),
    (["--cost", "hinge"], "invalid choice"),
    (["--name", "x" * 1000], "--name: at most 120 characters"),
])
def test_train_refuses_bad_arguments(tmp_path, capsys, args, message):
    out = tmp_path / "x.npz"
    with pytest.raises(SystemExit) as info:
        main(["train", "--data", str(tmp_path), "--out", str(out), *args])
    err = capsys.readouterr().err
    assert info.value.code == 2 and message in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("hidden,message", [
    (["16", "16", "16", "16", "16"], "--hidden takes 1 to 4 layer sizes, got 5"),
    (["4096", "4096"], "makes 20,037,642 parameters; weight files hold at most 20,000,000"),
])
def test_train_refuses_shapes_it_could_not_save(tmp_path, capsys, hidden, message):
    out = tmp_path / "x.npz"
    assert main(["train", "--data", str(tmp_path / "nowhere"), "--out", str(out), "--hidden", *hidden]) == 2
    assert message in capsys.readouterr().err and not out.exists()


def test_train_help_shows_the_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for text in ("(default: 16 16)", "(default: 30)", "(default: sigmoid)", "(default: 0.75)",
                 "(default: cross_entropy)", "(default: adam)"):
        assert text in out


@pytest.fixture(scope="module")
def small_mnist(tmp_path_factory):
    return _tiny_mnist(tmp_path_factory.mktemp("data") / "mnist", 1500)


def test_train_split_scales_with_the_data(small_mnist, tmp_path, capsys):
    # The bug: --limit 5000 held out 4,999 and trained on one image. Now a sixth is held out.
    out = tmp_path / "a.npz"
    argv = ["train", "--data", str(small_mnist), "--epochs", "1", "--quiet", "--no-augment", "--out", str(out)]
    assert main([*argv, "--limit", "1300"]) == 0
    printed = capsys.readouterr().out
    assert "training on 1,084 images, validating on the last 216 of the 1,300 training images" in printed
    net = load_weights(out)
    assert net.metadata["training"]["training_images"] == 1084
    assert net.metadata["training"]["validation_images"] == 216
    assert "--validation 216" in net.metadata["command"] and "--limit 1300" in net.metadata["command"]


@pytest.mark.parametrize("args,message", [
    (["--limit", "1100"], "only 917 of 1,100 images would be left for training"),
    (["--limit", "5"], "only 5 of 5 images would be left for training"),
    (["--validation", "800"], "--validation 800 would hold out more than half of the 1,500 training images"),
    (["--validation", "600"], "only 900 of 1,500 images would be left for training"),
])
def test_train_refuses_a_split_that_leaves_too_little(small_mnist, tmp_path, capsys, args, message):
    out = tmp_path / "a.npz"
    code = main(["train", "--data", str(small_mnist), "--epochs", "1", "--quiet", "--out", str(out), *args])
    err = capsys.readouterr().err
    assert code == 2 and message in err and not out.exists()


def test_train_never_saves_a_network_with_nan(small_mnist, tmp_path, capsys, monkeypatch):
    from digitviz.commands import train as command
    from digitviz.core.network import Network

    def diverging(config, training, validation, **callbacks):
        net = Network.random([784, 16, 16, 10], np.random.default_rng(0))
        net.weights[1][3, 4] = np.nan
        return net, []

    monkeypatch.setattr(command, "train", diverging)
    out = tmp_path / "a.npz"
    assert main(["train", "--data", str(small_mnist), "--epochs", "1", "--quiet", "--out", str(out)]) == 2
    assert "NaN or infinite" in capsys.readouterr().err and not out.exists()


def test_train_with_sgd_and_the_quadratic_cost(small_mnist, tmp_path):
    out = tmp_path / "a.npz"
    assert main(["train", "--data", str(small_mnist), "--epochs", "2", "--quiet", "--no-augment",
                 "--optimizer", "sgd", "--momentum", "0.5", "--cost", "quadratic", "--batch-size", "32",
                 "--output-activation", "sigmoid", "--out", str(out)]) == 0
    net = load_weights(out)
    training = net.metadata["training"]
    assert (training["optimizer"], training["cost"], training["momentum"], training["lr"]) == ("sgd", "quadratic",
                                                                                              0.5, 3.0)
    assert "--optimizer sgd --epochs 2" in net.metadata["command"].replace("--cost quadratic ", "")
    assert net.metadata["test_accuracy"] > 0.2  # learning from 1,250 images in 80 steps: above chance
