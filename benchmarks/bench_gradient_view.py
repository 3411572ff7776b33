"""How fast "learn from this" follows a new drawing or target: prints figures, asserts nothing.

    python benchmarks/bench_gradient_view.py [--weights FILE] [--digits 60] [--size 1600x900]

Offscreen main window, animation off, the scene in the gradient view with a target set. For each
MNIST test digit it measures:

- input: ``AppState.set_input`` -> the core's backprop, the nudges and the gradient lines sorted
  into their batches (every listener of the state, the scene, prediction and inspector included),
  then the scene's viewport repainted (``repaint()``, which paints every item synchronously);
- target: ``LearnModel.set_target`` -> the same, and the repaint;
- its parts: ``Network.backprop`` of one example, ``GradientView.set_gradient`` (levels, sort),
  and a repaint of the gradient view alone.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from PySide6 import QtWidgets

from digitviz.core import load_weights
from digitviz.core.mnist import bundled_test_set
from digitviz.core.resources import default_weights_path


def _stats(times: list[float]) -> str:
    ms = np.asarray(times) * 1000.0
    return f"median {np.median(ms):6.2f} ms   p95 {np.percentile(ms, 95):6.2f} ms   (n={len(ms)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", default=None, help="weight file (default: weights/default.npz)")
    parser.add_argument("--digits", type=int, default=60, help="MNIST test digits per measurement")
    parser.add_argument("--size", default="1600x900")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    from digitviz.gui import MainWindow

    net = load_weights(Path(args.weights) if args.weights else default_weights_path())
    digits = bundled_test_set()
    images = digits.images[: args.digits].astype(np.float64)
    window = MainWindow(weights=net)
    window.resize(width, height)
    window.show()
    window.animation_enabled = False
    for _ in range(5):
        app.processEvents()
    scene, model, state = window.scene, window.learning, window.state
    scene.view_mode = "gradient"
    state.set_input(images[0])
    model.set_target(int(digits.labels[0]))
    viewport = scene.viewport()
    for _ in range(3):
        viewport.repaint()
    print(f"network {net.shape_text} ({net.name}), output {net.output_activation}, cost {model.cost_name}; "
          f"window {width}x{height}, offscreen, scene viewport {viewport.width()}x{viewport.height()}")

    per_input, per_target, core, sort, paint = [], [], [], [], []
    lines = []
    for i, x in enumerate(images):
        t0 = time.perf_counter()
        state.set_input(x, final=True)
        viewport.repaint()
        per_input.append(time.perf_counter() - t0)
        lines.append(sum(len(b) for b in scene.gradient_view.batches))
        t0 = time.perf_counter()
        model.set_target((model.target + 1 + i % 9) % 10)
        viewport.repaint()
        per_target.append(time.perf_counter() - t0)
        y = np.zeros(10)
        y[model.target] = 1.0
        t0 = time.perf_counter()
        r = net.backprop(state.input, y, model.cost_name)
        core.append(time.perf_counter() - t0)
        nudges = [None] + [r.nudges(layer) for layer in range(1, len(r.dW) + 1)]
        t0 = time.perf_counter()
        scene.gradient_view.set_gradient(r.dW, nudges, scene.line_cap)
        sort.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        viewport.repaint()
        paint.append(time.perf_counter() - t0)
    print(f"gradient lines drawn per digit: median {int(np.median(lines)):,}")
    print(f"new input  -> gradient view repainted   {_stats(per_input)}")
    print(f"new target -> gradient view repainted   {_stats(per_target)}")
    print(f"  core backprop of one example          {_stats(core)}")
    print(f"  GradientView.set_gradient (levels)    {_stats(sort)}")
    print(f"  repaint of the viewport               {_stats(paint)}")
    for n in (100, 1000):
        model.set_average("label", n)
        t0 = time.perf_counter()
        model.set_average("label", n)
        viewport.repaint()
        print(f"average over {n:4d} digits -> repainted  {(time.perf_counter() - t0) * 1000:6.2f} ms")
    model.set_average(None)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
