"""Weight files for the GUI tests: valid ones of every format, and every way a file can be bad."""

from __future__ import annotations

import io
import json
import os
import pickle
from pathlib import Path

import numpy as np
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from digitviz import Network, save_weights
from digitviz.core.weightfiles import limits


def random_network(sizes=(784, 16, 16, 10), seed=0, name=None, **kwargs) -> Network:
    metadata = {"name": name or f"random-{seed}", "description": f"random weights, seed {seed}"}
    return Network.random(list(sizes), np.random.default_rng(seed), metadata=metadata, **kwargs)


def npz_bytes(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def network_arrays(net: Network) -> dict:
    arrays = {"sizes": np.array(net.sizes)}
    for i, (w, b) in enumerate(zip(net.weights, net.biases)):
        arrays[f"weight_{i}"] = w
        arrays[f"bias_{i}"] = b
    return arrays


def write_safetensors(path: Path, net: Network, metadata: dict | None = None) -> Path:
    """A PyTorch ``nn.Sequential(Linear, act, Linear, act, Linear)`` state dict, as torch saves it."""
    from safetensors.numpy import save_file

    tensors = {}
    for i, (w, b) in enumerate(zip(net.weights, net.biases)):
        tensors[f"{2 * i}.weight"] = w.astype(np.float32)
        tensors[f"{2 * i}.bias"] = b.astype(np.float32)
    save_file(tensors, str(path), metadata=metadata)
    return path


def write_valid(tmp_path: Path, fmt: str, net: Network) -> Path:
    """``net`` written as ``fmt``: npz, json (Nielsen), pickle (3Blue1Brown) or safetensors."""
    if fmt == "npz":
        return save_weights(net, tmp_path / "net.npz")
    if fmt == "json":
        return save_weights(net, tmp_path / "net.json")
    if fmt == "pickle":
        path = tmp_path / "net.pickle"
        biases = [b.reshape(-1, 1) for b in net.biases]
        # Protocol 4: Python 3's protocols 0-2 spell bytes with _codecs.encode, which the
        # restricted unpickler refuses (the 3Blue1Brown file itself is a Python 2 protocol-0 pickle).
        path.write_bytes(pickle.dumps((list(net.weights), biases), protocol=4))
        return path
    if fmt == "safetensors":
        return write_safetensors(tmp_path / "net.safetensors", net)
    raise ValueError(fmt)


class Evil:
    """Unpickling this would create a file: the restricted unpickler must refuse it."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


# Each builder returns (path, a fragment of the problem the message must name).


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _good(tmp_path: Path) -> bytes:
    return (save_weights(random_network(seed=5), tmp_path / "good-source.npz")).read_bytes()


def case_empty(tmp_path, monkeypatch):
    return _write(tmp_path, "empty.npz", b""), "empty"


def case_truncated(tmp_path, monkeypatch):
    data = _good(tmp_path)
    return _write(tmp_path, "truncated.npz", data[: len(data) // 2]), "truncated"


def case_not_an_archive(tmp_path, monkeypatch):
    return _write(tmp_path, "notes.npz", b"these are my notes, not weights\n"), "not a recognised"


def case_wrong_keys(tmp_path, monkeypatch):
    return _write(tmp_path, "keys.npz", npz_bytes(foo=np.zeros(3))), "no 'sizes' key"


def case_wrong_shapes(tmp_path, monkeypatch):
    data = npz_bytes(sizes=np.array([700, 10]), weight_0=np.zeros((10, 700)), bias_0=np.zeros(10))
    return _write(tmp_path, "shapes.npz", data), "700 inputs"


def case_shapes_do_not_chain(tmp_path, monkeypatch):
    arrays = network_arrays(random_network(seed=2))
    arrays["weight_1"] = np.zeros((16, 15))
    return _write(tmp_path, "chain.npz", npz_bytes(**arrays)), "do not chain"


def case_nan(tmp_path, monkeypatch):
    arrays = network_arrays(random_network(seed=3))
    arrays["weight_1"][0, 0] = np.nan
    return _write(tmp_path, "nan.npz", npz_bytes(**arrays)), "NaN"


def case_object_arrays(tmp_path, monkeypatch):
    buf = io.BytesIO()
    np.savez(buf, sizes=np.array([784, 10]), weight_0=np.array([None, 1], dtype=object))
    return _write(tmp_path, "objects.npz", buf.getvalue()), "object arrays"


def case_directory(tmp_path, monkeypatch):
    path = tmp_path / "folder.npz"
    path.mkdir()
    return path, "directory"


def case_missing(tmp_path, monkeypatch):
    return tmp_path / "gone.npz", "not found"


def case_unreadable(tmp_path, monkeypatch):
    path = _write(tmp_path, "locked.npz", _good(tmp_path))
    path.chmod(0)
    if os.access(path, os.R_OK):
        # Running as root: permissions do not stop reading, so make open() fail the way the
        # kernel would for anyone else.
        real_open = os.open

        def refusing_open(file, *args, **kwargs):
            if Path(file) == path:
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(os, "open", refusing_open)
    return path, "permission denied"


def case_parent_not_a_directory(tmp_path, monkeypatch):
    parent = _write(tmp_path, "plain-file", b"x")
    return parent / "inside.npz", "Not a directory"


def case_fifo(tmp_path, monkeypatch):
    path = tmp_path / "pipe.npz"
    os.mkfifo(path)
    return path, "named pipe"


def case_oversized(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    return _write(tmp_path, "huge.npz", _good(tmp_path)), "limit"


def case_random_bytes(tmp_path, monkeypatch):
    data = np.random.default_rng(7).bytes(4096)
    return _write(tmp_path, "noise.bin", data), "not a recognised"


def case_malicious_pickle(tmp_path, monkeypatch):
    marker = tmp_path / "PWNED"
    path = _write(tmp_path, "evil.pkl", pickle.dumps(Evil(marker), protocol=2))
    return path, "refused"


def case_malicious_pickle_protocol_0(tmp_path, monkeypatch):
    marker = tmp_path / "PWNED"
    data = f"(cbuiltins\nopen\n(S'{marker}'\nS'w'\ntR.".encode()
    return _write(tmp_path, "evil0.pickle", data), "refused"


def case_bad_json(tmp_path, monkeypatch):
    return _write(tmp_path, "broken.json", b'{"sizes": [784, 10], "weights": [[1, 2'), "not valid JSON"


def case_json_sizes_lie(tmp_path, monkeypatch):
    net = random_network((784, 10), seed=4)
    doc = {"sizes": [784, 30, 10], "weights": [w.tolist() for w in net.weights],
           "biases": [b.reshape(-1, 1).tolist() for b in net.biases]}
    return _write(tmp_path, "lies.json", json.dumps(doc).encode()), "'sizes' says"


def case_safetensors_not_sequential(tmp_path, monkeypatch):
    from safetensors.numpy import save_file

    path = tmp_path / "resnet.safetensors"
    save_file({"conv1.kernel": np.zeros((3, 3), dtype=np.float32)}, str(path))
    return path, "not a Linear layer"


MALFORMED = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def visible_message_boxes(window) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox) if box.isVisible()]


def close_message_boxes(window) -> None:
    for box in window.findChildren(QMessageBox):
        box.close()


def drop_files(widget, paths) -> tuple[bool, bool]:
    """Drag ``paths`` (as file URLs) onto ``widget`` and drop them; (enter accepted, drop accepted)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = QPoint(widget.width() // 2, widget.height() // 2)
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime, buttons, modifiers)
    QApplication.sendEvent(widget, enter)
    drop = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime, buttons, modifiers)
    QApplication.sendEvent(widget, drop)
    return enter.isAccepted(), drop.isAccepted()
