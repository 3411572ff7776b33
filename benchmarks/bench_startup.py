"""Start-up: a fresh process to a painted digitviz window, against a bare PySide6 window.

Each run is a new interpreter (imports included), timed from before the first import to the
end of the window's first paint. Prints the median of several runs of each and their ratio.

    python benchmarks/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

from screen import offscreen  # benchmarks/screen.py

ROOT = Path(__file__).resolve().parents[1]

BARE = """
import time; t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
from PySide6.QtCore import QTimer
app = QApplication([])
class W(QMainWindow):
    def paintEvent(self, e):
        super().paintEvent(e); print(time.perf_counter() - t0); QTimer.singleShot(0, app.quit)
w = W(); w.setCentralWidget(QLabel("hello")); w.resize(1600, 900); w.show(); app.exec()
"""

# The same bare window after importing NumPy and pyqtgraph (which every picture of the network
# scene needs): the least any window with a pyqtgraph scene can take.
FLOOR = BARE.replace("from PySide6.QtCore import QTimer\n",
                     "from PySide6.QtCore import QTimer\nimport numpy, pyqtgraph\n")

DIGITVIZ = """
import time; t0 = time.perf_counter()
from digitviz.gui.app import ensure_app
app = ensure_app()
from digitviz.gui.main_window import MainWindow
from PySide6.QtCore import QObject, QEvent, QTimer
class FirstPaint(QObject):
    done = False
    def eventFilter(self, obj, e):
        if e.type() == QEvent.Type.Paint and not self.done and obj is w.scene.viewport():
            self.done = True
            QTimer.singleShot(0, lambda: (print(time.perf_counter() - t0), app.quit()))
        return False
w = MainWindow(); f = FirstPaint(); w.scene.viewport().installEventFilter(f); w.show(); app.exec()
"""


def run(code: str) -> float:
    # As installed: byte-code cached (pip compiles it; this machine's PYTHONDONTWRITEBYTECODE would not).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env = {**env, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", offscreen(1600, 900)),
           "XDG_CONFIG_HOME": "/tmp/digitviz-bench-config"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    run(BARE), run(FLOOR), run(DIGITVIZ)  # warm the file cache
    times = {name: [] for name in ("bare", "floor", "digitviz")}
    for _ in range(args.runs):  # in turn: this machine's speed drifts
        for name, code in (("bare", BARE), ("floor", FLOOR), ("digitviz", DIGITVIZ)):
            times[name].append(run(code))
    bare, floor, full = (statistics.median(times[name]) for name in ("bare", "floor", "digitviz"))
    print(f"bare PySide6 window:                  {bare * 1000:.0f} ms (median of {args.runs})")
    print(f"bare window after numpy + pyqtgraph:  {floor * 1000:.0f} ms ({floor / bare:.1f}x bare)")
    print(f"digitviz window:                      {full * 1000:.0f} ms (median of {args.runs})")
    print(f"ratio: {full / bare:.1f}x (target <= 4x)")


if __name__ == "__main__":
    main()
