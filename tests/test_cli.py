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
    for split, n in (("train", 600), ("t10k", 200)):
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


# -- bad input: exit status 2 and one clear line; Ctrl-C: 130 ------------------------------------


@pytest.mark.parametrize("command", ["evaluate", "render", "train", "window"])
def test_ctrl_c_exits_130_with_one_line(command, monkeypatch, capsys, tmp_path):
    import importlib

    module = importlib.import_module(f"digitviz.commands.{command}")

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(module, "run", interrupted)
    argv = {"evaluate": ["evaluate", "x.npz"], "render": ["render", "--input", "mnist:0", "--out", "x.png"],
            "train": ["train", "--data", str(tmp_path), "--out", "x.npz"], "window": []}[command]
    assert main(argv) == 130
    err = capsys.readouterr().err
    assert err == "digitviz: interrupted\n"


def test_evaluate_refuses_a_fifo_and_a_hostile_pickle(tmp_path, capsys):
    import os

    fifo = tmp_path / "w.npz"
    os.mkfifo(fifo)
    assert main(["evaluate", str(fifo)]) == 2
    assert "named pipe" in capsys.readouterr().err
    evil = tmp_path / "evil.pickle"
    evil.write_bytes(b"cnumpy\nndarray\n((I4\ntS'u1'\nS'abcd'\nI-100\ntR.")
    assert main(["evaluate", str(evil)]) == 2
    err = capsys.readouterr().err
    assert "refused" in err and "Traceback" not in err and err.count("\n") == 1


def _render_fails(tmp_path, capsys, *, spec="mnist:0", out=None) -> str:
    out = out or tmp_path / "out.png"
    assert main(["render", "--input", spec, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("digitviz render: ") and err.count("\n") == 1
    return err


def test_render_refuses_to_write_to_a_fifo_or_a_directory(tmp_path, capsys):
    import os

    fifo = tmp_path / "out.png"
    os.mkfifo(fifo)
    assert "named pipe" in _render_fails(tmp_path, capsys, out=fifo)
    assert "directory" in _render_fails(tmp_path, capsys, out=tmp_path)
    assert "does not exist" in _render_fails(tmp_path, capsys, out=tmp_path / "no" / "x.png")


@pytest.mark.parametrize("values, message", [
    (np.zeros((28, 28)), "the image is blank"),
    (np.ones(784), "the image is blank"),
    (np.where(np.eye(28) > 0, np.nan, 0.5), "NaN or infinite"),
    (np.full((28, 28), np.inf), "NaN or infinite"),
])
def test_render_says_when_an_image_is_blank_or_not_finite(tmp_path, capsys, values, message):
    spec = tmp_path / "digit.npy"
    np.save(spec, values)
    assert message in _render_fails(tmp_path, capsys, spec=str(spec))
    assert not (tmp_path / "out.png").exists()


def test_render_refuses_an_npy_declaring_80_gb_from_its_header(tmp_path, capsys):
    import io

    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": (100_000, 100_000)})
    spec = tmp_path / "huge.npy"
    spec.write_bytes(buf.getvalue())
    assert "10,000,000,000 values" in _render_fails(tmp_path, capsys, spec=str(spec))


def test_render_of_a_test_digit_names_its_true_label(qapp, tmp_path, capsys):
    out = tmp_path / "seven.png"
    assert main(["render", "--input", "mnist:7", "--out", str(out), "--size", "320x200"]) == 0
    label = int(bundled_test_set().labels[7])
    printed = capsys.readouterr().out
    assert "reads mnist:7 as" in printed and f"its true label is {label}" in printed
    assert out.is_file() and [p.name for p in tmp_path.iterdir()] == ["seven.png"]  # no temporary left
