"""Training in the app, with its live redraws, against the same training headless.

Prints the headless epoch time (the core Trainer alone), the epoch time in the window while the
scene, the weight images, the inspector and the prediction follow the training, how often the
window redrew, and the longest event-loop stall while training ran. This machine's speed drifts
by a fifth from one second to the next, so the headless and the in-app runs are taken in turn,
``--rounds`` times, in the same window (Reset between runs), and the medians are printed.

    PYTHONPATH=$PWD python benchmarks/bench_training_gui.py [--data ../shared/mnist] [--epochs 1] [--rounds 3]

Without ``--data`` (or without the files there) it times on the bundled test digits instead,
as a stand-in of 10,000 images for speed only (never to report an accuracy).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from screen import offscreen  # benchmarks/screen.py

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", offscreen(1600, 900))  # a screen as large as the window
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="digitviz-bench-")  # the first-run layout, every time


def load(folder: str | None):
    from digitviz.core.mnist import DataError, bundled_test_set, load_mnist

    if folder:
        try:
            d = load_mnist(folder, "train")
            return d.images, d.labels, f"{len(d):,} MNIST training digits"
        except DataError as exc:
            print(f"({exc}; timing on the bundled test digits instead)")
    d = bundled_test_set()
    return d.images, d.labels, f"{len(d):,} bundled test digits (stand-in for timing only)"


def headless(images, labels, epochs: int, start) -> float:
    from digitviz.core.trainer import Trainer

    trainer = Trainer(start, images, labels, seed=0)
    t0 = time.perf_counter()
    trainer.step(epochs * trainer.batches_per_epoch)
    return (time.perf_counter() - t0) / epochs


def session_only(images, labels, epochs: int) -> float:
    """The app's TrainingSession (worker process, live copies collected) with no window to redraw."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from digitviz.core.network import Network
    from digitviz.gui.models.state import AppState
    from digitviz.gui.models.training import TrainingSession

    state = AppState(Network.random([784, 16, 16, 10], np.random.default_rng(0)))
    session = TrainingSession(state)
    session.networkUpdated.connect(state.update_parameters)
    session.set_training_data(images, labels)
    session.configure(epochs=epochs)
    session.start()
    while session.is_running():
        app.processEvents()
        time.sleep(0.01)
    seconds = sum(session.epoch_seconds) / epochs
    session.shutdown()
    return seconds


def make_window(images, labels, epochs: int, size: tuple[int, int], floating: bool):
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName("digitviz-bench")
    QCoreApplication.setApplicationName("digitviz-bench")
    app = QApplication.instance() or QApplication([])
    from digitviz.core.mnist import bundled_test_set
    from digitviz.gui.main_window import MainWindow

    window = MainWindow()
    window.resize(*size)
    window.show()
    test = bundled_test_set()
    window.show_input(test.images[0].reshape(28, 28))
    window.select_neuron(1, 0)
    window.training.set_training_data(images, labels)
    window.training.configure(epochs=epochs)
    window.training_dock.show()
    window.training_dock.raise_()
    if floating:  # the Training dock in a window of its own: the inspector stays in front too
        window.training_dock.setFloating(True)
        window.training_dock.resize(440, 520)
        window.training_dock.move(window.x() + 40, window.y() + 40)
        window.inspector_dock.raise_()
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)
    from digitviz.gui.app import freeze_startup_heap

    freeze_startup_heap()  # as `digitviz` does once its window is up
    return app, window


def in_app(app, window, epochs: int) -> dict:
    """One run of ``epochs`` in the window (reset first), timed from the worker's first report."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

    window.training.reset()
    for _ in range(50):  # the evaluation of the reset network settles before the run
        app.processEvents()
        time.sleep(0.01)
    stamps: list[float] = []  # when each live network was shown

    def count():
        stamps.append(time.perf_counter())

    window.state.parametersChanged.connect(count)
    gaps: list[float] = []
    clock = QElapsedTimer()
    ticker = QTimer()
    ticker.setInterval(5)

    at: list[int] = []

    def tick():
        gaps.append(clock.restart() / 1000.0)
        at.append(len(stamps))

    ticker.timeout.connect(tick)
    done = {}
    loop = QEventLoop()

    def finished(running: bool):
        if not running:
            done["wall"] = time.perf_counter() - done["t0"]
            done["ready"] = done.get("ready", done["t0"])
            ticker.stop()
            loop.quit()

    def first_snapshot(count: int):
        # The worker process is up and its trainer built: training starts now.
        done.setdefault("ready", time.perf_counter())

    window.training.runningChanged.connect(finished)
    window.training.snapshotAdded.connect(first_snapshot)
    done["t0"] = time.perf_counter()
    clock.start()
    ticker.start()
    if not window.training.start():
        raise SystemExit(f"training did not start: {window.last_error}")
    loop.exec()
    window.training.runningChanged.disconnect(finished)
    window.training.snapshotAdded.disconnect(first_snapshot)
    window.state.parametersChanged.disconnect(count)
    startup = done["ready"] - done["t0"]
    # Redraws a second while it runs: between the first live network shown and the last.
    rate = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
    return {"wall": (done["wall"] - startup) / epochs, "startup": startup, "rate": rate,
            "stall": max(gaps[1:], default=0.0),
            "stall_at": at[1:][gaps[1:].index(max(gaps[1:]))] if len(gaps) > 1 else 0,
            "worker": sum(window.training.epoch_seconds) / epochs, "accuracy": window.training.last_accuracy}


def close(window) -> None:
    from PySide6.QtCore import QThreadPool

    window.training.shutdown()
    window.close()
    QThreadPool.globalInstance().waitForDone()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="folder with the MNIST .gz files")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3,
                        help="headless and in-app runs taken in turn (this machine's speed drifts)")
    parser.add_argument("--size", default="1600x900")
    parser.add_argument("--floating", action="store_true",
                        help="float the Training dock so that the inspector is on view (and redrawn) too")
    args = parser.parse_args()
    from digitviz.core.network import Network
    from digitviz.core.trainer import spawn_generators

    images, labels, what = load(args.data)
    start = Network.random([784, 16, 16, 10], spawn_generators(0)[0], "sigmoid", "softmax")
    size = tuple(int(v) for v in args.size.split("x"))
    print(f"Training 784-16-16-10 (Adam, cross-entropy, batches of 32) on {what}; load {os.getloadavg()[0]:.1f}")
    t_session = session_only(images, labels, args.epochs)
    print(f"worker, no window: {t_session:.3f} s per epoch in its steps")
    app, window = make_window(images, labels, args.epochs, size, args.floating)
    shown = [name for name, dock in (("scene", window.scene), ("weight images", window.gallery_dock),
                                     ("inspector", window.inspector_dock), ("prediction", window.prediction_dock),
                                     ("training", window.training_dock))
             if dock.isVisible() and not dock.visibleRegion().isEmpty() or name == "scene"]
    print(f"on view while training: {', '.join(shown)}")
    ratios, stalls, rates = [], [], []
    for k in range(args.rounds):
        t_headless = headless(images, labels, args.epochs, start)
        r = in_app(app, window, args.epochs)
        ratios.append(r["wall"] / t_headless)
        stalls.append(r["stall"])
        rates.append(r["rate"])
        print(f"round {k + 1}: headless {t_headless:.3f} s per epoch; in the app {r['wall']:.3f} s "
              f"(worker's steps {r['worker']:.3f} s, start-up {r['startup']:.2f} s before): "
              f"{ratios[-1]:.2f}x; {rates[-1]:.1f} redraws per second; longest stall {r['stall'] * 1000:.0f} ms "
              f"(before redraw {r['stall_at'] + 1})")
    close(window)
    print(f"median of {args.rounds} rounds: in the app {statistics.median(ratios):.2f}x headless; "
          f"{statistics.median(rates):.1f} redraws per second (slowest round {min(rates):.1f}); "
          f"longest event-loop stall median {statistics.median(stalls) * 1000:.0f} ms, "
          f"worst {max(stalls) * 1000:.0f} ms")
    if r["accuracy"] is not None and "test digits" not in what:
        print(f"test accuracy (1,000-digit subset) after {args.epochs} epoch(s): {r['accuracy']:.1%}")
    print(f"machine load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
