"""How fast "learn from this" follows a new drawing or target: prints figures, asserts nothing.

    python benchmarks/bench_gradient_view.py [--weights FILE] [--digits 60] [--size 1600x900]

Offscreen, a 1600x900 scene (as ``bench_scene.py``) wired to an ``AppState`` and a ``LearnModel``
the way the main window wires them, animation off, a target set. For MNIST test digits it measures
the time from

- a new input (``AppState.set_input``: forward pass, the scene's signal levels, the core's
  backprop, the nudges and the gradient lines sorted into their batches) to a fully rendered
  scene (``grab()``, which paints every item), in the gradient view and, for comparison on the
  same machine at the same moment, with the mode off in the signal view (``bench_scene``'s case);
- a new target (``LearnModel.set_target``) to a fully rendered gradient view;
- and its parts: the core's backprop of one example, ``GradientView.set_gradient``.
Then the same in the main window (every listener: prediction, inspector, learn panel).
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
from PySide6 import QtWidgets

from digitviz.core import load_weights
from digitviz.core.mnist import bundled_test_set
from digitviz.core.resources import default_weights_path


def _stats(times: list[float]) -> str:
    ms = np.asarray(times) * 1000.0
    return f"median {np.median(ms):6.2f} ms   p95 {np.percentile(ms, 95):6.2f} ms   (n={len(ms)})"


def _timed(images, action, render) -> list[float]:
    times = []
    for i, x in enumerate(images):
        t0 = time.perf_counter()
        action(i, x)
        render()
        times.append(time.perf_counter() - t0)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", default=None, help="weight file (default: weights/default.npz)")
    parser.add_argument("--digits", type=int, default=60, help="MNIST test digits per measurement")
    parser.add_argument("--size", default="1600x900")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    from digitviz.gui import MainWindow
    from digitviz.gui.models.learning import LearnModel
    from digitviz.gui.models.state import AppState
    from digitviz.gui.models.undo import make_undo_stack
    from digitviz.gui.scene.network_scene import NetworkScene

    net = load_weights(Path(args.weights) if args.weights else default_weights_path())
    digits = bundled_test_set()
    images = digits.images[: args.digits].astype(np.float64)

    state = AppState(net)
    model = LearnModel(state, make_undo_stack(), lambda: digits)
    scene = NetworkScene()
    scene.resize(width, height)
    scene.show()
    scene.set_network(net)
    scene.animation_enabled = False
    state.activationsChanged.connect(lambda final: scene.show_activations(state.activations, animate=final))

    def on_gradient(final: bool) -> None:  # as MainWindow._on_learning_gradient_changed
        r = model.result
        nudges = None if r is None else [None] + [r.nudges(k) for k in range(1, len(r.dW) + 1)]
        scene.set_gradient(None if r is None else r.dW, nudges, animate=final)

    model.gradientChanged.connect(on_gradient)
    for _ in range(5):
        app.processEvents()
    scene.fit_view()
    print(f"network {net.shape_text} ({net.name}), output {net.output_activation}, cost {model.cost_name}; "
          f"scene {width}x{height}, offscreen")

    def new_input(i, x):
        state.set_input(x, final=True)

    scene.view_mode = "signal"
    _timed(images[:5], new_input, scene.grab)
    baseline = _timed(images, new_input, scene.grab)
    model.set_target(int(digits.labels[0]))
    scene.view_mode = "gradient"
    _timed(images[:5], new_input, scene.grab)
    per_input = _timed(images, new_input, scene.grab)
    lines = sum(len(b) for b in scene.gradient_view.batches)
    per_target = _timed(images, lambda i, x: model.set_target((model.target + 1 + i % 9) % 10), scene.grab)
    core, sort = [], []
    for i, x in enumerate(images):
        y = np.eye(10)[int(digits.labels[i])]
        t0 = time.perf_counter()
        r = net.backprop(x, y, model.cost_name)
        core.append(time.perf_counter() - t0)
        nudges = [None] + [r.nudges(k) for k in range(1, len(r.dW) + 1)]
        t0 = time.perf_counter()
        scene.gradient_view.set_gradient(r.dW, nudges, scene.line_cap)
        sort.append(time.perf_counter() - t0)
    print("new input -> fully rendered (grab), animation off, MNIST test digits")
    print(f"  mode off, signal view (bench_scene's case)  {_stats(baseline)}")
    print(f"  gradient view with the nudges               {_stats(per_input)}   lines (last) {lines:,}")
    print(f"new target -> fully rendered gradient view    {_stats(per_target)}")
    print(f"  the core's backprop of one example          {_stats(core)}")
    print(f"  GradientView.set_gradient (levels, sorting) {_stats(sort)}")
    for n in (100, 500):
        t0 = time.perf_counter()
        model.set_average("label", n)
        scene.grab()
        print(f"average over {n:4d} digits -> rendered         {(time.perf_counter() - t0) * 1000:6.2f} ms")
    model.set_average(None)

    window = MainWindow(weights=net)
    window.resize(width, height)
    window.show()
    window.animation_enabled = False
    for _ in range(5):
        app.processEvents()
    window.scene.view_mode = "gradient"
    window.state.set_input(images[0])
    window.set_target(int(digits.labels[0]))
    viewport = window.scene.viewport()
    in_window = _timed(images, lambda i, x: window.state.set_input(x, final=True), viewport.repaint)
    print(f"in the main window (every listener), new input -> scene repainted {_stats(in_window)}   "
          f"(viewport {viewport.width()}x{viewport.height()})")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
