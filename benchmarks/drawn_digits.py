"""Accuracy on the drawn-digit set: digits drawn through the real canvas with mouse events.

    python benchmarks/drawn_digits.py [WEIGHTS ...] [--pen-width 20 ...] [--sheet drawn.png]

Replays every digit of ``tests/data/drawn_digits.json`` on a ``DrawingCanvas`` (offscreen, real
``QMouseEvent``s, the canvas's default pen unless ``--pen-width`` is given), then prints, for
each weight file (default: every ``weights/*.npz``), the per-class and overall accuracy with the
application's preprocessing (``to_mnist``: crop, scale into 20x20, centre by centre of mass) and
with a naive one (the whole canvas scaled straight down to 28x28), for comparison.

Also prints how wide the pen's stroke is once a digit is scaled into the 20-pixel box (MNIST
strokes are about 2-3 pixels), and the mean ink per 28x28 image next to the MNIST test set's.
``--sheet`` writes a contact sheet of what the network saw, for looking at; ``--live`` times one
live update in the main window (what happens once per display frame while the pen moves).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np
from drawn import draw_digit, load_drawn_digits
from PySide6.QtWidgets import QApplication

from digitviz.core import load_weights
from digitviz.core.mnist import bundled_test_set
from digitviz.core.preprocess import to_mnist
from digitviz.gui.drawing.canvas import DrawingCanvas
from digitviz.gui.drawing.input_view import scaled_down as naive


def replay(digits, pen_width: float | None) -> tuple[list[np.ndarray], float]:
    """The canvas image of every digit, and the canvas's pen width in image pixels."""
    canvas = DrawingCanvas()
    canvas.resize(280, 280)
    canvas.show()
    if pen_width is not None:
        canvas.set_pen_width(pen_width)
    images = []
    for d in digits:
        canvas.clear()
        draw_digit(canvas, d.strokes)
        images.append(canvas.image().copy())
    width = canvas.pen_width
    canvas.close()
    return images, width


def stroke_width_28(image: np.ndarray, pen_width: float) -> float:
    """The pen's width once the ink's bounding box is scaled so its longer side is 20 pixels."""
    rows = np.flatnonzero(image.any(axis=1))
    cols = np.flatnonzero(image.any(axis=0))
    longer = max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1)
    return pen_width * 20.0 / longer


def accuracy_table(name: str, labels: np.ndarray, predicted: dict[str, np.ndarray]) -> None:
    print(f"\n{name}")
    print("  preprocessing   " + " ".join(f"{d:>4}" for d in range(10)) + "   overall")
    for kind, pred in predicted.items():
        per_class = [np.mean(pred[labels == d] == d) * 100 if np.any(labels == d) else float("nan")
                     for d in range(10)]
        overall = np.mean(pred == labels) * 100
        print(f"  {kind:<15} " + " ".join(f"{p:4.0f}" for p in per_class) + f"   {overall:5.1f}%")


def contact_sheet(inputs: list[np.ndarray], labels: np.ndarray, path: Path) -> None:
    from PySide6.QtGui import QImage

    cols = 20
    rows = -(-len(inputs) // cols)
    sheet = np.zeros((rows * 30, cols * 30), dtype=np.uint8)
    for i, x in enumerate(inputs):
        r, c = divmod(i, cols)
        sheet[r * 30 + 1 : r * 30 + 29, c * 30 + 1 : c * 30 + 29] = np.round(x * 255).astype(np.uint8)
    sheet = np.ascontiguousarray(np.kron(sheet, np.ones((3, 3), dtype=np.uint8)))
    h, w = sheet.shape
    QImage(sheet.data, w, h, w, QImage.Format.Format_Grayscale8).save(str(path))
    print(f"wrote {path} ({len(inputs)} digits, labels in order: {''.join(map(str, labels))})")


def live_cost(digits, weights: Path) -> None:
    """How long one live update takes in the window: preprocessing, forward, every listener, paint."""
    import time

    from digitviz.gui import MainWindow

    window = MainWindow(weights=weights)
    window.resize(1366, 740)
    window.show()
    QApplication.processEvents()
    panel = window.drawing_panel
    feed, paint = [], []
    for d in digits[::10]:
        window.canvas.clear()
        draw_digit(window.canvas, d.strokes)
        QApplication.processEvents()
        for _ in range(3):
            start = time.perf_counter()
            panel._feed(final=False)
            fed = time.perf_counter()
            window.canvas.update()  # the stroke moved on
            QApplication.processEvents()  # paint what changed, as the next frame would
            feed.append(fed - start)
            paint.append(time.perf_counter() - fed)
    window.close()
    feed, paint = np.array(feed) * 1000, np.array(paint) * 1000
    print(f"\nlive update in the window at 1366x740, {len(feed)} updates (a display frame is 16.7 ms):\n"
          f"  mnist_steps + forward + every listener: median {np.median(feed):.1f} ms, "
          f"95% {np.percentile(feed, 95):.1f} ms\n"
          f"  painting what changed (canvas, input view, prediction, scene): median {np.median(paint):.1f} ms, "
          f"95% {np.percentile(paint, 95):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", nargs="*", type=Path, help="weight files (default: weights/*.npz)")
    parser.add_argument("--pen-width", type=float, nargs="*", default=[None],
                        help="pen widths in canvas image pixels (default: the canvas's default)")
    parser.add_argument("--sheet", type=Path, help="write a PNG of the preprocessed digits")
    parser.add_argument("--live", action="store_true", help="also time one live update in the main window")
    args = parser.parse_args()
    files = args.weights or sorted((ROOT / "weights").glob("*.npz"))
    if not files:
        sys.exit("no weight files given and none in weights/*.npz")
    networks = [(str(f), load_weights(f)) for f in files]

    app = QApplication.instance() or QApplication([])  # noqa: F841 - widgets need it
    digits = load_drawn_digits()
    labels = np.array([d.label for d in digits])
    mnist = bundled_test_set()
    print(f"{len(digits)} drawn digits ({np.bincount(labels, minlength=10).min()}+ per class); "
          f"MNIST test set mean ink per image: {mnist.images.sum(axis=1).mean():.0f}")
    for pen in args.pen_width:
        images, width = replay(digits, pen)
        inputs = [to_mnist(im) for im in images]
        naive_inputs = [naive(im) for im in images]
        widths = np.array([stroke_width_28(im, width) for im in images])
        ink = np.mean([x.sum() for x in inputs])
        print(f"\npen width {width:g} px on the {images[0].shape[0]} px canvas: stroke in the 20 px box "
              f"median {np.median(widths):.2f} px (10-90%: {np.percentile(widths, 10):.2f}-"
              f"{np.percentile(widths, 90):.2f}); mean ink per 28x28 image {ink:.0f}")
        if args.sheet:
            contact_sheet(inputs, labels, args.sheet)
        for name, net in networks:
            predicted = {
                "to_mnist": np.array([net.predict(x.reshape(784)) for x in inputs]),
                "naive (scaled)": np.array([net.predict(x.reshape(784)) for x in naive_inputs]),
            }
            accuracy_table(name, labels, predicted)
            misread = Counter((d.label, d.variant, int(p)) for d, p in zip(digits, predicted["to_mnist"])
                              if p != d.label)
            if misread:
                print("  misread (to_mnist): " + "; ".join(
                    f"{label} {variant} -> {p} x{n}" for (label, variant, p), n in sorted(misread.items())))
    if args.live:
        live_cost(digits, files[0])


if __name__ == "__main__":
    main()
