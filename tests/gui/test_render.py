"""``digitviz render``: a picture of the scene for an input, without a window."""

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from digitviz import Network, save_weights
from digitviz.__main__ import main
from digitviz.core.mnist import bundled_test_set
from digitviz.gui.drawing.image_input import InputError, load_input


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    path = tmp_path_factory.mktemp("w") / "random.npz"
    save_weights(Network.random([784, 16, 16, 10], np.random.default_rng(3)), path)
    return path


def _render(qapp, weights, tmp_path, spec, name, *extra):
    out = tmp_path / name
    code = main(["render", "--input", spec, "--out", str(out), "--weights", str(weights),
                 "--size", "640x360", *extra])
    return code, out


def _pixels(path):
    image = QtGui.QImage(str(path)).convertToFormat(QtGui.QImage.Format.Format_RGB32)
    h = image.height()
    # copy: the array must outlive the QImage that owns the memory
    return np.frombuffer(image.constBits(), dtype=np.uint8, count=h * image.bytesPerLine()).reshape(h, -1).copy()


def test_render_writes_a_png_that_changes_with_the_input(qapp, weights, tmp_path, capsys):
    code0, a = _render(qapp, weights, tmp_path, "mnist:0", "a.png")
    code1, b = _render(qapp, weights, tmp_path, "mnist:1", "b.png")
    code2, c = _render(qapp, weights, tmp_path, "mnist:0", "c.png")
    assert code0 == code1 == code2 == 0
    image = QtGui.QImage(str(a))
    assert (image.width(), image.height()) == (640, 360)
    assert np.any(_pixels(a) != _pixels(b)), "a different digit must give a different picture"
    np.testing.assert_array_equal(_pixels(a), _pixels(c))  # and the same digit the same picture
    assert "reads mnist:0 as" in capsys.readouterr().out


def test_render_svg_and_weights_view(qapp, weights, tmp_path):
    code, out = _render(qapp, weights, tmp_path, "mnist:5", "scene.svg", "--view", "weights")
    assert code == 0
    text = out.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text


def test_png_dark_ink_on_light_paper_reads_like_the_digit(qapp, tmp_path):
    digit = bundled_test_set().images[0].reshape(28, 28)
    big = np.kron(digit, np.ones((6, 6)))  # 168 x 168, ink high
    paper = np.ascontiguousarray((255 - big * 255).astype(np.uint8))  # black ink on white
    image = QtGui.QImage(paper.data, 168, 168, 168, QtGui.QImage.Format.Format_Grayscale8)
    path = tmp_path / "scan.png"
    assert image.save(str(path))
    x = load_input(str(path)).reshape(28, 28)
    assert x.max() > 0.9 and x[0, 0] == 0.0  # inverted: ink high, background zero
    assert np.corrcoef(x.ravel(), digit.ravel())[0, 1] > 0.8


def test_transparent_png_with_black_ink(qapp, tmp_path):
    image = QtGui.QImage(100, 100, QtGui.QImage.Format.Format_ARGB32)
    image.fill(QtCore.Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(image)
    painter.setPen(QtGui.QPen(QtCore.Qt.GlobalColor.black, 10))
    painter.drawLine(50, 10, 50, 90)
    painter.end()
    path = tmp_path / "one.png"
    image.save(str(path))
    x = load_input(str(path)).reshape(28, 28)
    assert x.sum() > 10
    cols = np.flatnonzero(x.sum(axis=0))
    assert cols.max() - cols.min() < 8  # a vertical stroke stays a narrow "1"


def test_npy_inputs(qapp, tmp_path):
    digit = bundled_test_set().images[2]
    p28 = tmp_path / "d.npy"
    np.save(p28, (digit.reshape(28, 28) * 255).astype(np.uint8))
    np.testing.assert_allclose(load_input(str(p28)), digit, atol=1 / 255)
    big = tmp_path / "big.npy"
    np.save(big, np.kron(digit.reshape(28, 28), np.ones((3, 3))))
    assert load_input(str(big)).shape == (784,)


@pytest.mark.parametrize("spec, message", [
    ("mnist:abc", "number"),
    ("mnist:10000", "numbered 0 to 9999"),
    ("nowhere.png", "not found"),
])
def test_bad_inputs_name_the_problem(qapp, spec, message):
    with pytest.raises(InputError, match=message):
        load_input(spec)


def test_bad_files_exit_2_with_a_message(qapp, weights, tmp_path, capsys):
    text = tmp_path / "notes.png"
    text.write_text("not a picture")
    code, _ = _render(qapp, weights, tmp_path, str(text), "x.png")
    assert code == 2 and "notes.png" in capsys.readouterr().err
    blank = tmp_path / "blank.png"
    white = QtGui.QImage(50, 50, QtGui.QImage.Format.Format_RGB32)
    white.fill(QtCore.Qt.GlobalColor.white)
    white.save(str(blank))
    code, _ = _render(qapp, weights, tmp_path, str(blank), "x.png")
    assert code == 2 and "blank" in capsys.readouterr().err
    arr = tmp_path / "strings.npy"
    np.save(arr, np.array(["a", "b"]))
    code, _ = _render(qapp, weights, tmp_path, str(arr), "x.png")
    assert code == 2 and "strings.npy" in capsys.readouterr().err
    code = main(["render", "--input", "mnist:0", "--out", str(tmp_path / "x.png"),
                 "--weights", str(tmp_path / "missing.npz")])
    assert code == 2 and "missing.npz" in capsys.readouterr().err
    code = main(["render", "--input", "mnist:0", "--out", str(tmp_path / "no" / "x.png"),
                 "--weights", str(weights)])
    assert code == 2 and "does not exist" in capsys.readouterr().err
    code, _ = _render(qapp, weights, tmp_path, "mnist:0", "x.png", "--size", "big")
    assert code == 2 and "WIDTHxHEIGHT" in capsys.readouterr().err


def test_global_weights_option_reaches_render(qapp, weights, tmp_path):
    out = tmp_path / "g.png"
    assert main(["--weights", str(weights), "render", "--input", "mnist:0", "--out", str(out),
                 "--size", "320x200"]) == 0
    assert out.is_file()


def test_render_prints_no_qt_platform_noise(tmp_path):
    import os
    import subprocess
    import sys

    out = tmp_path / "scene.png"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}  # render picks offscreen itself
    done = subprocess.run([sys.executable, "-m", "digitviz", "render", "--input", "mnist:3", "--out", str(out),
                           "--size", "320x200"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.is_file()
    assert "propagateSizeHints" not in done.stderr
