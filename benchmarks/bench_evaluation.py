"""How long one evaluation of the bundled test set takes, and whether the window stalls meanwhile.

Prints the time of ``evaluate`` on the GUI thread's view (request to result) and the longest gap
between ticks of a 5 ms QTimer while the evaluation runs on the thread pool.

    cd <checkout> && QT_QPA_PLATFORM=offscreen python benchmarks/bench_evaluation.py [weights.npz]
"""

from __future__ import annotations

import os as _os
import sys
import time
from pathlib import Path as _Path

_os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(_Path(__file__).resolve().parents[1]))  # run from a checkout

import numpy as np
from PySide6.QtCore import QElapsedTimer, QTimer

from digitviz.core.edit import switch_off
from digitviz.core.evaluate import evaluate
from digitviz.core.mnist import bundled_test_set
from digitviz.core.network import Network
from digitviz.core.weightfile import load_weights
from digitviz.gui.app import ensure_app
from digitviz.gui.models.evaluator import Evaluator
from digitviz.gui.models.state import AppState


def main() -> None:
    app = ensure_app()
    if len(sys.argv) > 1:
        network = load_weights(sys.argv[1])
    else:
        network = Network.random([784, 16, 16, 10], np.random.default_rng(0))
    digits = bundled_test_set()
    start = time.perf_counter()
    evaluate(network, digits)
    print(f"evaluate() on {len(digits):,} digits, direct call: {1000 * (time.perf_counter() - start):.1f} ms")

    state = AppState(network)
    evaluator = Evaluator(state)
    clock = QElapsedTimer()
    gaps: list[float] = []
    last = [0]

    def tick() -> None:
        now = clock.nsecsElapsed()
        gaps.append((now - last[0]) / 1e6)
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    for label, net in (("first network", network), ("after switching a neuron off", switch_off(network, 1, 0))):
        gaps.clear()
        done = []
        evaluator.currentChanged.connect(lambda ev, done=done: ev is not None and done.append(1))
        clock.start()
        last[0] = 0
        timer.start(5)
        started = time.perf_counter()
        state.set_network(net)  # the first call finds it running already since construction
        while not done and evaluator.current is None:
            app.processEvents()
        elapsed = time.perf_counter() - started
        timer.stop()
        evaluator.currentChanged.disconnect()
        print(f"{label}: result after {1000 * elapsed:.1f} ms; {len(gaps)} timer ticks, "
              f"longest gap {max(gaps, default=0):.1f} ms")


if __name__ == "__main__":
    main()
