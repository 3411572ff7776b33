"""Accuracy on the drawn-digit benchmark: digits drawn through the real canvas with mouse events.

    python benchmarks/drawn_digits.py [WEIGHTS ...] [--data FILE] [--pipeline strokes image]
                                      [--stroke-width 2.2 ...] [--pen-width 20 ...] [--sheet drawn.png]

Replays every digit of ``benchmarks/data/drawn_benchmark.json`` (made by
``benchmarks/make_drawn_digits.py``: a "pen" set of multi-stroke pen trajectories and a "polyline"
set of coarse 8-point tablet strokes; ``--data tests/data/drawn_digits.json`` for the GUI tests'
small set) on a ``DrawingCanvas`` (offscreen, real ``QMouseEvent``s, the canvas's default pen
unless ``--pen-width`` is given), then prints, for each weight file (default: every
``weights/*.npz``) and each preprocessing pipeline, the accuracy per set and per digit, and the
commonest confusions:

* ``strokes``: the canvas's recorded strokes rendered at MNIST's stroke width
  (``stroke_steps``, what the application feeds the network);
* ``image``: the canvas image cropped, scaled into 20x20 and centred (``to_mnist``), whose
  strokes get thicker the smaller the digit is drawn.

Also prints how wide the pen's stroke is once a digit's image is scaled into the 20-pixel box
(MNIST strokes are about 2-3 pixels) and the mean ink per 28x28 input next to MNIST's.
``--sheet`` writes a contact sheet of what the network saw, for looking at; ``--save-inputs``
keeps the inputs in an .npz for quick re-scoring; ``--live`` times one live update in the main window.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

from screen import offscreen  # benchmarks/screen.py

os.environ.setdefault("QT_QPA_PLATFORM", offscreen(1600, 900))  # a screen as large as the window
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np
from drawn import BENCHMARK, draw_digit, load_drawn_digits
from PySide6.QtWidgets import QApplication

from digitviz.core import load_weights
from digitviz.core.mnist import bundled_test_set
from digitviz.core.preprocess import STROKE_WIDTH, strokes_to_mnist, to_mnist
from digitviz.gui.drawing.canvas import DrawingCanvas

PIPELINES = ("strokes", "image")


def replay(digits, pen_width: float | None) -> tuple[list[np.ndarray], list[list], float]:
    """Every digit's canvas image and recorded strokes, and the canvas's pen width in image pixels."""
    canvas = DrawingCanvas()
    canvas.resize(280, 280)
    canvas.show()
    if pen_width is not None:
        canvas.set_pen_width(pen_width)
    images, strokes = [], []
    for d in digits:
        canvas.clear()
        draw_digit(canvas, d.strokes)
        images.append(canvas.image().copy())
        strokes.append(canvas.strokes())
    width = canvas.pen_width
    canvas.close()
    return images, strokes, width


def stroke_width_28(image: np.ndarray, pen_width: float) -> float:
    """The pen's width once the ink's bounding box is scaled so its longer side is 20 pixels."""
    rows = np.flatnonzero(image.any(axis=1))
    cols = np.flatnonzero(image.any(axis=0))
    longer = max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1)
    return pen_width * 20.0 / longer


def accuracy_table(name: str, labels: np.ndarray, groups: np.ndarray, predicted: dict[str, np.ndarray]) -> None:
    """Per set, per pipeline: accuracy per digit and overall, then the commonest confusions."""
    print(f"\n{name}")
    print("  set       pipeline  " + " ".join(f"{d:>4}" for d in range(10)) + "   overall")
    for group in sorted(set(groups), key=lambda g: (g != "pen", g)):
        sel = groups == group
        for kind, pred in predicted.items():
            lab, pr = labels[sel], pred[sel]
            per_class = [np.mean(pr[lab == d] == d) * 100 if np.any(lab == d) else float("nan")
                         for d in range(10)]
            print(f"  {group or 'tests':<9} {kind:<9} " + " ".join(f"{p:4.0f}" for p in per_class)
                  + f"   {np.mean(pr == lab) * 100:5.1f}%")
    total = ", ".join(f"{kind} {np.mean(pred == labels) * 100:.1f}%" for kind, pred in predicted.items())
    print(f"  all sets: {total}")
    for kind, pred in predicted.items():
        confusions = Counter((int(a), int(b)) for a, b in zip(labels, pred) if a != b)
        print(f"  confusions ({kind}): " + ", ".join(f"{a}->{b} x{n}" for (a, b), n in confusions.most_common(12)))


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
    parser.add_argument("--data", type=Path, default=BENCHMARK, help=f"drawn digits (default: {BENCHMARK})")
    parser.add_argument("--pipeline", nargs="+", choices=PIPELINES, default=list(PIPELINES))
    parser.add_argument("--stroke-width", type=float, default=STROKE_WIDTH,
                        help="pen width of the strokes pipeline in 28-pixel units")
    parser.add_argument("--pen-width", type=float, nargs="*", default=[None],
                        help="pen widths in canvas image pixels (default: the canvas's default)")
    parser.add_argument("--sheet", type=Path, help="write a PNG of the preprocessed digits (first pipeline)")
    parser.add_argument("--save-inputs", type=Path, help="write labels, sets and every pipeline's inputs (.npz)")
    parser.add_argument("--variants", action="store_true", help="also list misread digits by writing style")
    parser.add_argument("--live", action="store_true", help="also time one live update in the main window")
    args = parser.parse_args()
    files = args.weights or sorted((ROOT / "weights").glob("*.npz"))
    if not files:
        sys.exit("no weight files given and none in weights/*.npz")
    networks = [(str(f), load_weights(f)) for f in files]

    app = QApplication.instance() or QApplication([])  # noqa: F841 - widgets need it
    digits = load_drawn_digits(args.data)
    labels = np.array([d.label for d in digits])
    groups = np.array([d.group for d in digits])
    mnist = bundled_test_set()
    sets = ", ".join(f"{g or 'tests'} {np.sum(groups == g)}" for g in sorted(set(groups)))
    print(f"{len(digits)} drawn digits from {args.data.name} ({sets}); "
          f"MNIST test set mean ink per image: {mnist.images.sum(axis=1).mean():.0f}")
    for pen in args.pen_width:
        images, strokes, width = replay(digits, pen)
        inputs = {}
        for kind in args.pipeline:
            if kind == "image":
                inputs[kind] = np.array([to_mnist(im).reshape(784) for im in images])
            else:
                inputs[kind] = np.array([strokes_to_mnist(s, args.stroke_width).reshape(784) for s in strokes])
        widths = np.array([stroke_width_28(im, width) for im in images])
        ink = ", ".join(f"{kind} {x.sum(axis=1).mean():.0f}" for kind, x in inputs.items())
        print(f"\npen width {width:g} px on the {images[0].shape[0]} px canvas: stroke in the 20 px box "
              f"median {np.median(widths):.2f} px (10-90%: {np.percentile(widths, 10):.2f}-"
              f"{np.percentile(widths, 90):.2f}); strokes pipeline pen {args.stroke_width:g} px; "
              f"mean ink per 28x28 input: {ink}")
        if args.sheet:
            contact_sheet(list(next(iter(inputs.values())).reshape(-1, 28, 28)), labels, args.sheet)
        if args.save_inputs:
            np.savez_compressed(args.save_inputs, labels=labels, groups=groups, **inputs)
        for name, net in networks:
            predicted = {kind: net.predict(x) for kind, x in inputs.items()}
            accuracy_table(name, labels, groups, predicted)
            if args.variants:
                first = next(iter(predicted))
                misread = Counter((d.group, d.label, d.variant, int(p)) for d, p in zip(digits, predicted[first])
                                  if p != d.label)
                print(f"  misread ({first}): " + "; ".join(
                    f"{g} {label} {variant} -> {p} x{n}" for (g, label, variant, p), n in sorted(misread.items())))
    if args.live:
        live_cost(digits, files[0])


if __name__ == "__main__":
    main()
