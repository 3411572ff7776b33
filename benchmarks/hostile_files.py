"""Hostile files through ``digitviz evaluate`` (and ``render``), each in a fresh process.

Writes every case into a temporary folder, runs it with a 5 s timeout under a 500 MB
address-space limit (``RLIMIT_AS``), and prints one row per case: exit status (a negative number
is a signal), seconds, the child's peak RSS (from ``wait4``), and the first line it printed.
What should hold: status 2 (bad input) or 0 (the valid controls), within the limits, never a
signal or a timeout.

    python benchmarks/hostile_files.py [--keep DIR]
    python benchmarks/hostile_files.py --gui     # the weight files through window.open_weights

With ``--gui`` each weight file is opened by ``window.open_weights`` in a fresh process with a
window (offscreen): it must return False with the window's network unchanged (exit 2 here), the
call itself within 5 s; the process may take 20 s in all (Qt's start-up), and its peak RSS is
reported (no address-space limit: Qt's libraries alone map more than 500 MB of address space).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout
sys.path.insert(0, str(ROOT / "tests" / "core"))  # the hostile-file builders the tests use

from hostile import DTYPE, NDARRAY, array_p0, dtype_p0  # noqa: E402

TIMEOUT = 5.0
ADDRESS_SPACE = 500 * 2**20

def _npy(array) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asarray(array), allow_pickle=False)
    return buf.getvalue()


def _npy_header(shape, descr="<f8") -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue()


def _zip(members: dict[str, bytes | tuple[bytes, int]]) -> bytes:
    """Members as bytes, or (header, n) for a header followed by n zero bytes, streamed."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            if isinstance(data, tuple):
                header, n = data
                with zf.open(name, "w", force_zip64=True) as member:
                    member.write(header)
                    zeros = bytes(1 << 20)
                    for start in range(0, n, len(zeros)):
                        member.write(zeros[: min(len(zeros), n - start)])
            else:
                zf.writestr(name, data)
    return buf.getvalue()


def _safetensors(header: dict, payload: bytes = b"") -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + payload


def _gzip_bomb(declared_images: int, unpacked: int) -> bytes:
    pack = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [pack.compress(struct.pack(">IIII", 0x803, declared_images, 28, 28))]
    zeros = bytes(1 << 24)
    out += [pack.compress(zeros) for _ in range(unpacked // len(zeros))]
    return b"".join(out) + pack.flush()


def weight_cases(folder: Path) -> dict[str, Path]:
    """name -> weight file."""
    from digitviz import Network, save_weights

    files: dict[str, bytes] = {
        "pickle: V8 dtype given an object field by BUILD": (
            b"((l" + array_p0(b"(I8\nt", b"A" * 8, dtype_p0(b"V8", b"(I3\nS'|'\nN(S'x'\nt(S'x'\n(" + dtype_p0(b"O8")
                                                      + b"I0\nttI8\nI1\nI0\ntb")) + b"a(lt."),
        "pickle: ndarray at offset -2**40": NDARRAY + b"((I4\ntS'u1'\nS'abcd'\nI-1099511627776\ntR.",
        "pickle: ndarray without a buffer": NDARRAY + b"((I1000\nI784\ntS'f8'\ntR.",
        "pickle: BUILD on numpy.dtype": DTYPE + b"(S'__doc__'\nI1\ntb.",
        "pickle: memo PUT 400,000,000": b"(Np400000000\n.",
        "pickle: object reconstruct, 800M elements": array_p0(b"(I800000000\nt", b"", dtype_p0(b"O8")) + b".",
        "pickle: float reconstruct, 800M elements": array_p0(b"(I800000000\nt", b"") + b".",
        "pickle: protocol 5 BYTEARRAY8 2**40": b"\x80\x05\x96" + struct.pack("<Q", 2**40) + b"abc.",
        "pickle: protocol 4 BINBYTES8 2**63": b"\x80\x04\x8e" + struct.pack("<Q", 2**63) + b"abc.",
        "pickle: protocol 4 FRAME 2**40": b"\x80\x04\x95" + struct.pack("<Q", 2**40) + b"N.",
        "pickle: os.system": b"cos\nsystem\n(S'touch /tmp/digitviz-pwned'\ntR.",
        "pickle: 100,000 nested MARKs": b"(" * 100_000 + b".",
        "npz: sizes with 10^7 entries": _zip({"sizes.npy": _npy(np.zeros(10_000_000, np.int64))}),
        "npz: 20 MB network name": _zip({"sizes.npy": _npy(np.array([784, 10])),
                                         "weight_0.npy": _npy(np.zeros((10, 784))), "bias_0.npy": _npy(np.zeros(10)),
                                         "metadata.npy": _npy(np.array(json.dumps({"name": "n" * 20_000_000})))}),
        "npz: 784-25000-10 of zeros": _zip({"sizes.npy": _npy(np.array([784, 25000, 10])),
                                            "weight_0.npy": (_npy_header((25000, 784)), 25000 * 784 * 8),
                                            "bias_0.npy": _npy(np.zeros(25000)),
                                            "weight_1.npy": (_npy_header((10, 25000)), 10 * 25000 * 8),
                                            "bias_1.npy": _npy(np.zeros(10))}),
        "npz: .npy member declaring 80 GB": _zip({"sizes.npy": _npy(np.array([784, 10])),
                                                  "weight_0.npy": _npy_header((100_000, 100_000)),
                                                  "bias_0.npy": _npy(np.zeros(10))}),
        "npz: zip bomb member (1 GiB of zeros)": _zip({"sizes.npy": (_npy_header((2**27,), "<i8"), 2**30)}),
        "npz: object array": _zip({"sizes.npy": _npy(np.array([784, 10])),
                                   "weight_0.npy": b"\x93NUMPY\x01\x00v\x00" + b"{'descr': '|O', 'fortran_order': "
                                   b"False, 'shape': (10, 784), }".ljust(117) + b"\n" + b"\x80\x02N.",
                                   "bias_0.npy": _npy(np.zeros(10))}),
        "json: sizes with 10^6 entries": json.dumps({"sizes": list(range(10**6)), "weights": [],
                                                      "biases": []}).encode(),
        "json: 100,000 nested lists": b"[" * 100_000 + b"]" * 100_000,
        "json: 20M zeros": b'{"sizes": [784, 10], "weights": [[' + b"0," * 20_000_000 + b"0]], \"biases\": []}",
        "json: 5M zeros (just under the limit)": (
            b'{"sizes": [784, 10], "weights": [[' + b"0," * 4_999_000 + b"0]], \"biases\": []}"),
        "json: NaN weights": json.dumps({"sizes": [784, 10], "weights": [[[float("nan")] * 784] * 10],
                                         "biases": [[[0]] * 10]}).encode(),
        "safetensors: shape 10^10": _safetensors(
            {"0.weight": {"dtype": "F64", "shape": [100_000, 100_000], "data_offsets": [0, 8]}}, b"\0" * 8),
        "safetensors: offsets past the end": _safetensors(
            {"0.weight": {"dtype": "F64", "shape": [1], "data_offsets": [0, 2**62]}}, b"\0" * 8),
        "safetensors: header length 2**40": struct.pack("<Q", 2**40) + b'{"a": 1}' + b" " * 64,
    }
    paths = {}
    for i, (name, data) in enumerate(files.items()):
        paths[name] = folder / f"case{i:02d}.bin"
        paths[name].write_bytes(data)
    fifo = folder / "fifo.npz"
    os.mkfifo(fifo)
    paths["FIFO"] = fifo
    paths["/dev/zero"] = Path("/dev/zero")
    paths["a directory"] = folder
    paths["missing file"] = folder / "missing.npz"
    paths["control: valid 784-16-16-10 npz"] = save_weights(
        Network.random([784, 16, 16, 10], np.random.default_rng(0)), folder / "valid.npz")
    return paths


def data_cases(folder: Path) -> dict[str, Path]:
    """name -> an MNIST folder whose test images are hostile (labels are fine)."""
    from digitviz.core.mnist import bundled_test_set

    labels = bundled_test_set().labels.astype(np.uint8)
    label_file = gzip.compress(struct.pack(">II", 0x801, len(labels)) + labels.tobytes())
    cases = {}
    for name in ("images FIFO", "images /dev/zero", "images gzip bomb 3 GiB", "images declare 2**32 digits"):
        d = folder / name.replace(" ", "_").replace("/", "")
        d.mkdir()
        (d / "t10k-labels-idx1-ubyte.gz").write_bytes(label_file)
        images = d / "t10k-images-idx3-ubyte.gz"
        if name == "images FIFO":
            os.mkfifo(images)
        elif name == "images /dev/zero":
            images.symlink_to("/dev/zero")
        elif name.startswith("images gzip bomb"):
            images.write_bytes(_gzip_bomb(10_000, 3 * 2**30))
        else:
            images.write_bytes(gzip.compress(struct.pack(">IIII", 0x803, 2**32 - 1, 28, 28) + bytes(1000)))
        cases[f"evaluate --data: {name}"] = d
    return cases


def render_cases(folder: Path) -> dict[str, list[str]]:
    """name -> render arguments."""
    fifo = folder / "out-fifo.png"
    os.mkfifo(fifo)
    np.save(folder / "blank.npy", np.zeros((28, 28)))
    np.save(folder / "nan.npy", np.full((28, 28), np.nan))
    np.save(folder / "inf.npy", np.full((28, 28), np.inf))
    (folder / "huge.npy").write_bytes(_npy_header((100_000, 100_000)))
    out = str(folder / "out.png")
    return {
        "render --out FIFO": ["--input", "mnist:7", "--out", str(fifo)],
        "render --input blank .npy": ["--input", str(folder / "blank.npy"), "--out", out],
        "render --input NaN .npy": ["--input", str(folder / "nan.npy"), "--out", out],
        "render --input inf .npy": ["--input", str(folder / "inf.npy"), "--out", out],
        "render --input .npy declaring 80 GB": ["--input", str(folder / "huge.npy"), "--out", out],
        "control: render --input mnist:7": ["--input", "mnist:7", "--out", out, "--size", "320x200"],
    }


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


GUI_CHILD = """
import sys, time
from digitviz.gui.app import ensure_app
app = ensure_app()
from digitviz.gui import MainWindow
w = MainWindow(); w.show(); app.processEvents()
before = w.network
start = time.perf_counter()
ok = w.open_weights(sys.argv[1])
seconds = time.perf_counter() - start
app.processEvents()
if ok:
    print(f"opened in {seconds:.2f} s"); sys.exit(0)
unchanged = w.network is before and w.scene.network is before
print(f"refused in {seconds:.2f} s, window {'unchanged' if unchanged else 'CHANGED'}: "
      + (w.last_error or "").splitlines()[0], file=sys.stderr)
sys.exit(2 if unchanged and seconds < 5 else 3)
"""


def run_case(args: list[str], gui: bool = False) -> tuple[int | str, float, float, str]:
    """(exit status or 'timeout', seconds, peak RSS in MB, first line of output)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen",
               XDG_CONFIG_HOME=tempfile.mkdtemp(prefix="digitviz-hostile-config-"))
    command = [sys.executable, "-c", GUI_CHILD, *args] if gui else [sys.executable, "-m", "digitviz", *args]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env,
                                preexec_fn=None if gui else _limit, cwd=ROOT)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            proc.kill()

        timer = threading.Timer(4 * TIMEOUT if gui else TIMEOUT, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        # The message of a refusal is on stderr, a report on stdout (Qt's notices go to stderr too).
        chosen = out if proc.returncode == 0 else err
        chosen.seek(0)
        text = chosen.read().decode("utf-8", "replace").strip()
    lines = [line for line in text.splitlines() if "propagateSizeHints" not in line]
    first = lines[0] if lines else ""
    code: int | str = "timeout" if timed_out.is_set() else proc.returncode
    return code, seconds, usage.ru_maxrss / 1024, first


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="write the cases here and keep them")
    parser.add_argument("--gui", action="store_true", help="open each weight file with window.open_weights")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="digitviz-hostile-")) if options.keep is None else options.keep
    folder.mkdir(parents=True, exist_ok=True)
    try:
        runs: list[tuple[str, list[str]]] = []
        for name, path in weight_cases(folder).items():
            runs.append((name, [str(path)] if options.gui else ["evaluate", str(path)]))
        if not options.gui:
            for name, data in data_cases(folder).items():
                runs.append((name, ["evaluate", str(ROOT / "weights" / "default.npz"), "--data", str(data)]))
            for name, args in render_cases(folder).items():
                runs.append((name, ["render", *args]))
        print(f"python {sys.version.split()[0]}, numpy {np.__version__}; timeout {TIMEOUT:.0f} s, "
              f"address space {ADDRESS_SPACE // 2**20} MB")
        print(f"| {'case':46s} | exit | seconds | peak RSS MB | first line |")
        print(f"|{'-' * 48}|------|---------|-------------|------------|")
        bad = 0
        for name, args in runs:
            code, seconds, rss, first = run_case(args, gui=options.gui)
            expected = 0 if name.startswith("control") else 2
            bad += code != expected
            first = first.replace(str(folder), "…").replace(str(ROOT), ".")[:110]
            print(f"| {name:46s} | {code!s:>4} | {seconds:7.2f} | {rss:11.0f} | {first} |", flush=True)
        print(f"{len(runs) - bad} of {len(runs)} cases ended as expected (2 for hostile input, 0 for the controls)")
        return 1 if bad else 0
    finally:
        if options.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
