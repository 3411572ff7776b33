"""How much the inspector and the weight gallery add to each new input: prints figures, asserts nothing.

    python benchmarks/bench_inspector.py [--weights FILE] [--digits 60]

Offscreen, the inspector and the gallery alone (no scene, no window), each shown at dock size.
For a first-hidden neuron, a second-hidden neuron, an output and an input pixel it measures the
time from ``AppState.set_input(x, final=False)`` (what the pen does while it moves) to the
inspector and gallery repainted (``grab()`` paints every item); then the same without a
selection; then how long "what excites it" takes on the thread pool.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PySide6 import QtWidgets  # noqa: E402

from digitviz.core import Network, load_weights  # noqa: E402
from digitviz.core.excite import excite  # noqa: E402
from digitviz.core.mnist import bundled_test_set  # noqa: E402
from digitviz.core.resources import default_weights_path  # noqa: E402
from digitviz.gui.inspector.gallery import WeightGallery  # noqa: E402
from digitviz.gui.inspector.panel import InspectorPanel  # noqa: E402
from digitviz.gui.models.selection import NeuronSelection  # noqa: E402
from digitviz.gui.models.state import AppState  # noqa: E402


def network(path: str | None) -> Network:
    try:
        return load_weights(path or default_weights_path())
    except Exception as exc:  # noqa: BLE001 - a benchmark falls back and says so
        print(f"({exc}; using a random 784-16-16-10 network)")
        return Network.random([784, 16, 16, 10], np.random.default_rng(0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights")
    parser.add_argument("--digits", type=int, default=60)
    args = parser.parse_args()
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    net = network(args.weights)
    state = AppState(net)
    selection = NeuronSelection(state)
    inspector = InspectorPanel(state, selection)
    gallery = WeightGallery(state, selection)
    inspector.resize(420, 520)
    gallery.resize(420, 200)
    inspector.show()
    gallery.show()
    app.processEvents()
    images = bundled_test_set().images[: args.digits].astype(np.float64)
    last = len(net.sizes) - 1
    cases = [("no selection", None), ("hidden layer 1, neuron 3", (1, 3)),
             ("hidden layer 2, neuron 5", (2, 5)) if last > 2 else None,
             ("output 7", (last, 7)), ("input pixel (14, 14)", (0, 14 * 28 + 14))]
    print(f"{net.shape_text}, {len(images)} MNIST test digits, median / max per input (ms):")
    for case in cases:
        if case is None:
            continue
        name, neuron = case
        if neuron is None:
            selection.clear()
        else:
            selection.select(*neuron)
        app.processEvents()
        update, paint = [], []
        for x in images:
            t0 = time.perf_counter()
            state.set_input(x, final=False)
            t1 = time.perf_counter()
            inspector.grab()
            gallery.grab()
            t2 = time.perf_counter()
            update.append((t1 - t0) * 1e3)
            paint.append((t2 - t0) * 1e3)
        print(f"  {name:28s} model+inspector update {np.median(update):6.2f} / {np.max(update):6.2f}"
              f"   updated and painted {np.median(paint):6.2f} / {np.max(paint):6.2f}")
    for layer, index in ((1, 3), (last, 7)):
        t0 = time.perf_counter()
        excite(net, layer, index)
        print(f"  what excites ({layer}, {index}): {(time.perf_counter() - t0) * 1e3:.0f} ms (background thread)")


if __name__ == "__main__":
    main()
