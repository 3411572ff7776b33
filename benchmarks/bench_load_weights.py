"""How long weight files take to read, and whether the window stays responsive meanwhile.

Prints load_weights times for the usual 784-16-16-10 in every format and for a network near the
parameter limit; then opens files through ``window.open_weights`` (read on a worker thread while
a local event loop runs) and reports the longest gap between ticks of a 10 ms timer on the GUI
thread while the file was read, next to what a synchronous read would have frozen. Showing the
network afterwards (scene layout, docks) is timed separately, for the 784-16-16-10 file only:
the scene is not meant for millions of connections.

    python benchmarks/bench_load_weights.py [--hidden 4000 4000]
"""

from __future__ import annotations

import argparse
import os
import os as _os
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path
from pathlib import Path as _Path

import numpy as np
from screen import offscreen as _offscreen  # benchmarks/screen.py

_os.environ.setdefault("QT_QPA_PLATFORM", _offscreen(1600, 900))  # a screen as large as the window
sys.path.insert(0, str(_Path(__file__).resolve().parents[1]))  # run from a checkout

from digitviz import Network, load_weights, save_weights


def timed(fn, repeat: int) -> float:
    """Median seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def write_all_formats(net: Network, folder: Path, formats) -> dict[str, Path]:
    from safetensors.numpy import save_file

    paths = {}
    if "npz" in formats:
        paths["npz"] = save_weights(net, folder / "w.npz")
    if "json" in formats:
        paths["json"] = save_weights(net, folder / "w.json")
    if "pickle" in formats:
        paths["pickle"] = folder / "w.pickle"
        paths["pickle"].write_bytes(pickle.dumps((net.weights, [b[:, None] for b in net.biases]), protocol=4))
    if "safetensors" in formats:
        paths["safetensors"] = folder / "w.safetensors"
        save_file({f"{2 * i}.{k}": a.astype(np.float32) for i, (w, b) in enumerate(zip(net.weights, net.biases))
                   for k, a in (("weight", w), ("bias", b))}, str(paths["safetensors"]))
    return paths


def responsiveness(path: Path, show: bool) -> tuple[float, float, float]:
    """Seconds open_weights took; the longest gap between 10 ms timer ticks while the file was
    read; seconds the GUI thread then spent showing the network (set_network: scene, docks)."""
    os.environ.setdefault("QT_QPA_PLATFORM", _offscreen(1600, 900))
    from PySide6.QtCore import QTimer

    from digitviz.gui.app import ensure_app
    from digitviz.gui.main_window import MainWindow

    ensure_app()
    window = MainWindow(weights=Network.random([784, 16, 16, 10], np.random.default_rng(0)))
    shown: list[float] = []
    real_set_network = window.state.set_network

    def timed_set_network(network):
        shown.append(time.perf_counter())
        if show:
            real_set_network(network)
        shown.append(time.perf_counter())

    window.state.set_network = timed_set_network
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    start = time.perf_counter()
    ticks.append(start)
    ok = window.open_weights(path)
    end = time.perf_counter()
    timer.stop()
    assert ok, window.last_error
    reading = [t for t in ticks if t <= shown[0]] + [shown[0]]
    window.evaluator.cancel_all()  # measuring 19 M parameters takes long; not benchmarked here
    window.close()
    return end - start, float(np.diff(reading).max()), shown[1] - shown[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, nargs="+", default=[4000, 4000],
                        help="hidden layers of the large network (default 4000 4000: 19.2 M parameters)")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        small = Network.random([784, 16, 16, 10], rng)
        for fmt, path in write_all_formats(small, folder, ("npz", "json", "pickle", "safetensors")).items():
            t = timed(lambda p=path: load_weights(p), 20)
            print(f"784-16-16-10 {fmt:12s} {path.stat().st_size / 1024:8.0f} KiB  load {t * 1000:8.2f} ms")
        total, gap, showing = responsiveness(folder / "w.npz", show=True)
        print(f"window.open_weights(784-16-16-10 npz) took {total * 1000:.0f} ms; longest GUI-thread gap "
              f"while reading {gap * 1000:.0f} ms; showing it (scene, docks) {showing * 1000:.0f} ms")
        for p in folder.iterdir():
            p.unlink()

        sizes = [784, *args.hidden, 10]
        big = Network.random(sizes, rng)
        print(f"writing a {'-'.join(map(str, sizes))} network ({big.n_parameters:,} parameters)...", flush=True)
        paths = write_all_formats(big, folder, ("npz", "safetensors"))
        del big
        for fmt, path in paths.items():
            t = timed(lambda p=path: load_weights(p), 2)
            print(f"{'-'.join(map(str, sizes))} {fmt:12s} {path.stat().st_size / 2**20:8.0f} MiB  "
                  f"load {t:6.2f} s (a synchronous read would freeze the window this long)")
        total, gap, _ = responsiveness(paths["npz"], show=False)
        print(f"window.open_weights(npz) read it in {total:.2f} s; the longest gap between 10 ms timer "
              f"ticks on the GUI thread meanwhile was {gap * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
