"""How fast the network scene renders: prints figures, asserts nothing.

    python benchmarks/bench_scene.py [--weights FILE] [--digits 60] [--size 1600x900] [--window]

Offscreen, a 1600x900 scene. For each view (signal, weights) it measures the time from a new
input (``Network.forward`` + ``show_activations``, animation off) to a fully rendered picture
(``widget.grab()``, which paints every item), for MNIST test digits and for an input with every
pixel lit; then the frames actually painted per second during a replayed animation, and the
resident memory of the process. With ``--window``, also in the main window: a pen frame
(``state.set_input(final=False)``, which every view follows) -> the scene painted, and the
animation's frame rate there. Runs in about a minute.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from screen import offscreen  # benchmarks/screen.py

os.environ.setdefault("QT_QPA_PLATFORM", offscreen(1600, 900))  # a screen as large as the window
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from PySide6 import QtCore, QtWidgets

from digitviz.core import Network, load_weights
from digitviz.core.mnist import bundled_test_set
from digitviz.core.resources import default_weights_path
from digitviz.gui.scene.network_scene import NetworkScene


class _PaintCounter(QtCore.QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, obj, event) -> bool:  # Qt override
        if event.type() == QtCore.QEvent.Type.Paint:
            self.count += 1
        return False


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def _stats(times: list[float]) -> str:
    ms = np.asarray(times) * 1000.0
    return f"median {np.median(ms):6.1f} ms   p95 {np.percentile(ms, 95):6.1f} ms   (n={len(ms)})"


CPU_TIMES: list[float] = []  # the process's CPU time of the last _render_times run


def _render_times(app, scene: NetworkScene, net: Network, inputs: np.ndarray) -> list[float]:
    times = []
    CPU_TIMES.clear()
    for x in inputs:
        t0, c0 = time.perf_counter(), time.process_time()
        scene.show_activations(net.forward(x), animate=False)
        scene.grab()
        times.append(time.perf_counter() - t0)
        CPU_TIMES.append(time.process_time() - c0)
        app.processEvents()
    return times


def _cpu() -> str:
    """The CPU-time median: on a shared machine the wall time also counts the others' work."""
    return f"   CPU median {1000 * np.median(CPU_TIMES):5.1f} ms"


def _event_loop_times(app, scene: NetworkScene, net: Network, inputs, counter) -> list[float]:
    """New input -> the viewport has painted, through the event loop as in the application."""
    times = []
    for x in inputs:
        before = counter.count
        t0 = time.perf_counter()
        scene.show_activations(net.forward(x), animate=False)
        while counter.count == before and time.perf_counter() - t0 < 1.0:
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents)
        times.append(time.perf_counter() - t0)
    return times


def _animation_fps(app, scene: NetworkScene, counter, repeats: int = 3) -> tuple[float, float]:
    fps, ticks = [], []
    for _ in range(repeats):
        before = counter.count
        t0 = time.perf_counter()
        scene.replay()
        while scene.is_animating():
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
        elapsed = time.perf_counter() - t0
        fps.append((counter.count - before) / elapsed)
        ticks.append(scene._forward.clock.frames / elapsed)
    return float(np.median(fps)), float(np.median(ticks))


def _window_figures(app, window, digits) -> None:
    """In the main window, as a user sees it: a pen frame (``state.set_input(final=False)``,
    which every panel follows) -> the scene's viewport has painted; then the animation."""
    scene = window.scene
    counter = _PaintCounter()
    scene.viewport().installEventFilter(counter)
    size = scene.viewport().size()
    times = []
    for x in digits:
        before = counter.count
        t0 = time.perf_counter()
        window.state.set_input(x, final=False)
        while counter.count == before and time.perf_counter() - t0 < 1.0:
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents)
        times.append(time.perf_counter() - t0)
    print(f"[main window, scene {size.width()}x{size.height()}, signal view] pen frame -> scene painted "
          f"{_stats(times)}")
    window.animation_enabled = True
    window.state.set_input(digits[0], final=True)
    while scene.is_animating():
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
    fps, ticks = _animation_fps(app, scene, counter)
    print(f"  animation in the window: {fps:.0f} frames painted per second ({ticks:.0f} timer ticks per second)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", default=None, help="weight file (default: weights/default.npz, "
                        "else a seeded random 784-16-16-10 network)")
    parser.add_argument("--digits", type=int, default=60, help="MNIST test digits per measurement")
    parser.add_argument("--size", default="1600x900")
    parser.add_argument("--window", action="store_true", help="also open the main window and "
                        "report the resident memory with it")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    path = Path(args.weights) if args.weights else default_weights_path()
    if path.is_file():
        net, source = load_weights(path), str(path)
    else:
        net, source = Network.random([784, 16, 16, 10], np.random.default_rng(0)), "random (seed 0)"
    digits = bundled_test_set().images[: args.digits].astype(np.float64)
    all_lit = np.ones((max(args.digits // 3, 10), 784))

    scene = NetworkScene()
    scene.resize(width, height)
    scene.show()
    counter = _PaintCounter()
    scene.viewport().installEventFilter(counter)
    scene.set_network(net)
    for _ in range(5):
        app.processEvents()
    scene.fit_view()
    print(f"network {net.shape_text} from {source}; scene {width}x{height}, offscreen; "
          f"Qt platform {app.platformName()}")
    for mode in ("signal", "weights"):
        scene.view_mode = mode
        _render_times(app, scene, net, digits[:5])  # warm up caches
        print(f"[{mode} view] new input -> fully rendered (grab), animation off")
        print(f"  MNIST test digits  {_stats(_render_times(app, scene, net, digits))}{_cpu()}"
              f"   lines drawn (last) {scene.line_count():,}")
        print(f"  every pixel lit    {_stats(_render_times(app, scene, net, all_lit))}{_cpu()}"
              f"   lines drawn {scene.line_count():,}")
        print(f"  MNIST, via the event loop (paint of changed region) "
              f"{_stats(_event_loop_times(app, scene, net, digits, counter))}")
        scene.show_activations(net.forward(digits[0]), animate=False)
        app.processEvents()
        fps, ticks = _animation_fps(app, scene, counter)
        print(f"  animation ({scene.layer_duration:.2f} s per layer, digit 0): "
              f"{fps:.0f} frames painted per second ({ticks:.0f} timer ticks per second)")
    print(f"resident memory, scene alone {_rss_mb():.0f} MB")
    if args.window:
        from digitviz.gui import MainWindow

        window = MainWindow(weights=net)
        window.resize(width, height)
        window.show()
        window.animation_enabled = False
        for x in digits:
            window.show_input(x.reshape(28, 28))
            app.processEvents()
        print(f"resident memory with the main window too {_rss_mb():.0f} MB")
        _window_figures(app, window, digits)
    return 0


if __name__ == "__main__":
    sys.exit(main())
