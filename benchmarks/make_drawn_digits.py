"""Generate the drawn-digit sets: digits drawn the way people draw with a mouse or a tablet.

Nothing here comes from MNIST. Two outputs:

* ``--benchmark`` (the default) writes ``benchmarks/data/drawn_benchmark.json``, the benchmark
  that ``benchmarks/drawn_digits.py`` measures, with two sets drawn from the writing styles of
  ``benchmarks/drawn_styles.py`` (several countries' 1, 4, 7, 9, ...):

  - ``pen``: full pen trajectories, several strokes with pen lifts, sizes from a fifth of the
    canvas to filling it (log-uniform), placed anywhere it fits, slant, rotation, a slow wobble
    and a fast tremor of the hand, and mouse events from dense (a slow hand) to sparse (a fast
    one);
  - ``polyline``: tablet-style data, every digit one stroke of 8 points (the strokes joined,
    pen-up travel included, resampled evenly along their length, as pen-digit corpora store
    them), sizes from a third of the canvas to filling it.

  Its seed (``BENCHMARK_SEED``) and styles are fixed: nothing that is tuned on it may change them.
* ``--legacy`` writes ``tests/data/drawn_digits.json``, the small set the GUI tests use (its own
  templates, ``TEMPLATES`` below, kept as they were so that file stays reproducible).

Each stroke piece is a smooth Catmull-Rom curve through control points in a unit box; every sample
gets shape noise on the control points, an aspect ratio, a slant, a small rotation, a size, a
position, the irregular spacing of mouse events at varying speed, and jitter.

Run from the repository root::

    python benchmarks/make_drawn_digits.py               # benchmarks/data/drawn_benchmark.json
    python benchmarks/make_drawn_digits.py --legacy      # tests/data/drawn_digits.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from drawn_styles import arc  # noqa: E402 - benchmarks/ is on sys.path above

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "drawn_digits.json"
BENCHMARK_OUT = ROOT / "benchmarks" / "data" / "drawn_benchmark.json"
BENCHMARK_SEED = 14
# Digits per class in each benchmark set.
BENCHMARK_SETS = {"pen": 45, "polyline": 25}


# Each template: (variant name, width / height ratio, strokes); a stroke is a list of pieces,
# a piece a list of control points in the unit box.
TEMPLATES: dict[int, list[tuple[str, float, list]]] = {
    0: [
        ("oval from the top", 0.7, [[arc(0.5, 0.5, 0.5, 0.5, 90, 455, 14)]]),
        ("oval, open at the top", 0.65, [[arc(0.5, 0.5, 0.5, 0.5, 70, 420, 14)]]),
        ("round, clockwise", 0.85, [[arc(0.5, 0.5, 0.5, 0.5, 100, -270, 14)]]),
    ],
    1: [
        ("plain stroke", 0.12, [[[(0.5, 0.0), (0.5, 1.0)]]]),
        # The flag is a short steep up-stroke, a third of the height: a long flat one is a 7.
        ("with a flag", 0.3, [[[(0.15, 0.32), (0.7, 0.0)], [(0.7, 0.0), (0.7, 1.0)]]]),
        ("with a flag and a base", 0.65,
         [[[(0.25, 0.28), (0.55, 0.0)], [(0.55, 0.0), (0.55, 1.0)]], [[(0.1, 1.0), (1.0, 1.0)]]]),
    ],
    2: [
        ("swan, one stroke", 0.75,
         [[[(0.05, 0.25), (0.25, 0.03), (0.6, 0.0), (0.92, 0.22), (0.85, 0.45), (0.0, 1.0)],
           [(0.0, 1.0), (1.0, 0.98)]]]),
        ("curly, with a loop", 0.75,
         [[[(0.05, 0.28), (0.35, 0.0), (0.8, 0.05), (0.85, 0.4), (0.35, 0.8), (0.1, 0.98),
            (0.25, 0.82), (0.45, 0.92), (0.75, 1.0), (1.0, 0.95)]]]),
        ("round top, flat base", 0.7,
         [[[(0.0, 0.3), (0.2, 0.05), (0.55, 0.0), (0.95, 0.2), (0.8, 0.55), (0.45, 0.8), (0.05, 1.0)],
           [(0.05, 1.0), (0.95, 1.0)]]]),
    ],
    3: [
        ("two bumps", 0.7,
         [[[(0.05, 0.12), (0.45, 0.0), (0.9, 0.18), (0.75, 0.4), (0.4, 0.48), (0.8, 0.6), (0.95, 0.82),
            (0.55, 1.0), (0.0, 0.88)]]]),
        ("flat top", 0.7,
         [[[(0.0, 0.0), (0.95, 0.0)], [(0.95, 0.0), (0.4, 0.4)],
           [(0.4, 0.4), (0.8, 0.5), (0.95, 0.75), (0.6, 1.0), (0.05, 0.9)]]]),
        ("two bumps, pointed middle", 0.65,
         [[[(0.0, 0.15), (0.5, 0.0), (0.9, 0.2), (0.35, 0.48)], [(0.35, 0.48), (0.95, 0.7), (0.6, 1.0),
                                                                  (0.0, 0.85)]]]),
    ],
    4: [
        ("open, two strokes", 0.8,
         [[[(0.15, 0.0), (0.05, 0.6)], [(0.05, 0.6), (1.0, 0.6)]], [[(0.72, 0.05), (0.72, 1.0)]]]),
        ("closed, two strokes", 0.8,
         [[[(0.62, 0.0), (0.0, 0.68)], [(0.0, 0.68), (1.0, 0.68)]], [[(0.68, 0.0), (0.68, 1.0)]]]),
        ("closed, one stroke", 0.75,
         [[[(0.7, 1.0), (0.7, 0.0)], [(0.7, 0.0), (0.0, 0.65)], [(0.0, 0.65), (1.0, 0.65)]]]),
    ],
    5: [
        ("body then bar", 0.7,
         [[[(0.22, 0.0), (0.15, 0.42)],
           [(0.15, 0.42), (0.55, 0.35), (0.92, 0.6), (0.8, 0.9), (0.45, 1.0), (0.0, 0.88)]],
          [[(0.22, 0.0), (0.95, 0.0)]]]),
        ("one stroke from the bar", 0.7,
         [[[(0.95, 0.0), (0.2, 0.02)], [(0.2, 0.02), (0.12, 0.45)],
           [(0.12, 0.45), (0.6, 0.38), (0.95, 0.65), (0.75, 0.95), (0.35, 1.0), (0.0, 0.85)]]]),
        ("round belly, bar first", 0.75,
         [[[(0.25, 0.0), (1.0, 0.0)]],
          [[(0.25, 0.0), (0.18, 0.45)], [(0.18, 0.45), (0.6, 0.42), (0.9, 0.72), (0.6, 1.0), (0.05, 0.9)]]]),
    ],
    6: [
        ("one stroke, loop at the bottom", 0.7,
         [[[(0.85, 0.0), (0.4, 0.2), (0.08, 0.6), (0.25, 0.95), (0.65, 0.95), (0.8, 0.7), (0.5, 0.5),
            (0.15, 0.65)]]]),
        ("straight back", 0.65,
         [[[(0.7, 0.0), (0.25, 0.35), (0.05, 0.75), (0.4, 1.0), (0.85, 0.8), (0.65, 0.5), (0.2, 0.6)]]]),
        ("round", 0.75,
         [[[(0.9, 0.05), (0.45, 0.05), (0.1, 0.45), (0.15, 0.85), (0.5, 1.0), (0.9, 0.8), (0.75, 0.52),
            (0.35, 0.55), (0.1, 0.72)]]]),
    ],
    7: [
        ("plain", 0.75, [[[(0.0, 0.0), (1.0, 0.0)], [(1.0, 0.0), (0.35, 1.0)]]]),
        ("with a crossbar", 0.75,
         [[[(0.0, 0.0), (1.0, 0.0)], [(1.0, 0.0), (0.3, 1.0)]], [[(0.3, 0.5), (0.95, 0.5)]]]),
        ("curved stem, serif", 0.7,
         [[[(0.0, 0.15), (0.02, 0.0)], [(0.02, 0.0), (1.0, 0.02)], [(1.0, 0.02), (0.6, 0.45), (0.4, 1.0)]]]),
    ],
    8: [
        ("one stroke, S and back", 0.65,
         [[[(0.85, 0.12), (0.5, 0.0), (0.12, 0.15), (0.3, 0.4), (0.7, 0.58), (0.92, 0.82), (0.5, 1.0),
            (0.08, 0.82), (0.3, 0.58), (0.7, 0.4), (0.88, 0.15), (0.6, 0.02)]]]),
        ("two loops", 0.65,
         [[arc(0.5, 0.25, 0.4, 0.25, 270, 630, 10)], [arc(0.5, 0.74, 0.5, 0.26, 90, 450, 10)]]),
        ("one stroke from the middle", 0.6,
         [[[(0.5, 0.5), (0.05, 0.25), (0.45, 0.0), (0.9, 0.22), (0.5, 0.5), (0.05, 0.78), (0.5, 1.0),
            (0.95, 0.75), (0.5, 0.5)]]]),
    ],
    9: [
        ("loop and straight tail", 0.65,
         [[[(0.9, 0.12), (0.45, 0.0), (0.05, 0.2), (0.3, 0.45), (0.8, 0.35), (0.92, 0.1)],
           [(0.92, 0.1), (0.85, 0.6), (0.8, 1.0)]]]),
        ("loop and curved tail", 0.7,
         [[[(0.85, 0.15), (0.4, 0.0), (0.05, 0.25), (0.35, 0.48), (0.85, 0.3)],
           [(0.85, 0.3), (0.8, 0.75), (0.5, 1.0), (0.2, 0.92)]]]),
        ("round loop, two strokes", 0.65,
         [[arc(0.5, 0.25, 0.45, 0.25, 20, 390, 11)], [[(0.95, 0.2), (0.9, 1.0)]]]),
    ],
}


def _catmull_rom(points: np.ndarray, per_segment: int = 16) -> np.ndarray:
    """(m, 2) dense points of a centripetal-free (uniform) Catmull-Rom curve through ``points``."""
    if len(points) == 2:
        t = np.linspace(0.0, 1.0, per_segment + 1)[:, None]
        return points[0] * (1 - t) + points[1] * t
    p = np.vstack([2 * points[0] - points[1], points, 2 * points[-1] - points[-2]])
    out = []
    t = np.linspace(0.0, 1.0, per_segment, endpoint=False)[:, None]
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        out.append(0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2
                          + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3))
    out.append(points[-1:])
    return np.vstack(out)


def _resample(curve: np.ndarray, rng: np.random.Generator, spacing: float) -> np.ndarray:
    """Points along ``curve`` as a mouse reports them: denser where the hand is slow."""
    seg = np.linalg.norm(np.diff(curve, axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    length = s[-1]
    if length < 1e-9:
        return curve[:1]
    samples = [0.0]
    while samples[-1] < length:
        u = samples[-1] / length
        # Slow at the start and the end of a stroke, faster in the middle.
        step = spacing * (0.35 + 1.3 * np.sin(np.pi * u)) * rng.uniform(0.6, 1.4)
        samples.append(min(length, samples[-1] + max(step, 0.002)))
    return np.column_stack([np.interp(samples, s, curve[:, 0]), np.interp(samples, s, curve[:, 1])])


def draw_sample(label: int, template: tuple[str, float, list], rng: np.random.Generator) -> dict:
    """One drawn digit: strokes of (x, y) points in the 0..1 canvas square."""
    name, aspect, strokes = template
    height = rng.uniform(0.3, 0.85)
    width = height * aspect * rng.uniform(0.8, 1.2)
    slant = rng.uniform(-0.12, 0.38)  # horizontal shift of the top per unit of height; most lean right
    angle = np.radians(rng.uniform(-7, 7))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    shape_noise = rng.uniform(0.0, 0.05)
    wobble_amp = rng.uniform(0.0, 0.012)
    wobble_freq = rng.uniform(1.0, 3.0, size=2)
    wobble_phase = rng.uniform(0, 2 * np.pi, size=2)
    spacing = rng.uniform(0.006, 0.035)
    jitter = rng.uniform(0.0, 0.004)

    dense_strokes = []
    for stroke in strokes:
        pieces = []
        for piece in stroke:
            ctrl = np.asarray(piece, dtype=float)
            ctrl = ctrl + rng.normal(0.0, shape_noise, ctrl.shape)
            if pieces:  # a piece starts where the previous one ended: a sharp corner, no gap
                ctrl[0] = pieces[-1][-1]
            pieces.append(_catmull_rom(ctrl))
        dense_strokes.append(np.vstack(pieces))
    # Separate strokes start where the hand puts the pen down: near, not exactly on, the template.
    box = np.vstack(dense_strokes)
    lo, hi = box.min(axis=0), box.max(axis=0)
    placed = []
    # A plain 1 is a line: its box is as narrow as the noise, which must not be blown up to the
    # digit's width (that made some 1s lean far to the left), so narrow boxes keep their scale.
    span = np.maximum(hi - lo, 0.25)
    for curve in dense_strokes:
        unit = (curve - lo) / span
        x = (unit[:, 0] - 0.5) * width + slant * (0.5 - unit[:, 1]) * height
        y = (unit[:, 1] - 0.5) * height
        xy = np.column_stack([x, y]) @ rot.T
        placed.append(xy)
    allxy = np.vstack(placed)
    lo, hi = allxy.min(axis=0), allxy.max(axis=0)
    margin = 0.03
    # Position: anywhere it fits, which puts many digits off centre.
    cx = rng.uniform(margin - lo[0], 1 - margin - hi[0]) if hi[0] - lo[0] < 1 - 2 * margin else 0.5
    cy = rng.uniform(margin - lo[1], 1 - margin - hi[1]) if hi[1] - lo[1] < 1 - 2 * margin else 0.5
    out = []
    for xy in placed:
        xy = xy + [cx, cy]
        s = np.linspace(0, 1, len(xy))
        for k in range(2):
            xy[:, k] += wobble_amp * np.sin(2 * np.pi * wobble_freq[k] * s + wobble_phase[k])
        pts = _resample(xy, rng, spacing)
        pts = pts + rng.normal(0.0, jitter, pts.shape)
        pts = np.clip(pts, 0.0, 1.0)
        out.append([[round(float(a), 4), round(float(b), 4)] for a, b in pts])
    return {"label": label, "variant": name, "strokes": out}


def generate(per_class: int, seed: int) -> list[dict]:
    """The legacy set (tests/data/drawn_digits.json)."""
    rng = np.random.default_rng(seed)
    digits = []
    for label, templates in TEMPLATES.items():
        for i in range(per_class):
            digits.append(draw_sample(label, templates[i % len(templates)], rng))
    return digits


def _template_strokes(strokes: list, rng: np.random.Generator, noise: float) -> list[np.ndarray]:
    """Dense (m, 2) curves of a template's strokes, control points moved by ``noise``."""
    dense = []
    for stroke in strokes:
        pieces = []
        for piece in stroke:
            ctrl = np.asarray(piece, dtype=float)
            ctrl = ctrl + rng.normal(0.0, noise, ctrl.shape)
            if pieces:  # a piece starts where the previous one ended: a sharp corner, no gap
                ctrl[0] = pieces[-1][-1]
            pieces.append(_catmull_rom(ctrl))
        dense.append(np.vstack(pieces))
    return dense


def _even_points(curve: np.ndarray, n: int) -> np.ndarray:
    """``n`` points evenly spaced along the polyline ``curve`` (m, 2), both ends included."""
    s = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(curve, axis=0), axis=1))])
    t = np.linspace(0.0, s[-1], n)
    return np.column_stack([np.interp(t, s, curve[:, 0]), np.interp(t, s, curve[:, 1])])


def draw_benchmark_sample(label: int, template: tuple[str, float, list], kind: str,
                          rng: np.random.Generator) -> dict:
    """One benchmark digit of set ``kind`` ("pen" or "polyline"): strokes in the 0..1 square."""
    name, aspect, strokes = template
    low = 0.2 if kind == "pen" else 0.33
    height = float(np.exp(rng.uniform(np.log(low), np.log(0.97))))
    width = height * aspect * rng.uniform(0.75, 1.25)
    if width > 0.95:
        height, width = height * 0.95 / width, 0.95
    slant = rng.uniform(-0.15, 0.4)  # horizontal shift of the top per unit of height
    angle = np.radians(rng.uniform(-10, 10))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    dense = _template_strokes(strokes, rng, rng.uniform(0.0, 0.06))
    box = np.vstack(dense)
    lo, hi = box.min(axis=0), box.max(axis=0)
    span = np.maximum(hi - lo, 0.25)  # a plain 1 keeps its narrowness
    placed = []
    for curve in dense:
        unit = (curve - lo) / span
        x = (unit[:, 0] - 0.5) * width + slant * (0.5 - unit[:, 1]) * height
        y = (unit[:, 1] - 0.5) * height
        placed.append(np.column_stack([x, y]) @ rot.T)
    allxy = np.vstack(placed)
    lo, hi = allxy.min(axis=0), allxy.max(axis=0)
    fit = min(1.0, 0.96 / max(hi[0] - lo[0], hi[1] - lo[1]))  # slant and rotation may overflow
    placed = [xy * fit for xy in placed]
    lo, hi = lo * fit, hi * fit
    margin = 0.02
    cx = rng.uniform(margin - lo[0], 1 - margin - hi[0]) if hi[0] - lo[0] < 1 - 2 * margin else 0.5
    cy = rng.uniform(margin - lo[1], 1 - margin - hi[1]) if hi[1] - lo[1] < 1 - 2 * margin else 0.5
    placed = [xy + [cx, cy] for xy in placed]
    size = max(hi - lo) * 1.0
    if kind == "polyline":
        # Tablet corpora join the strokes (pen-up travel included) and keep 8 evenly spaced points.
        pts = _even_points(np.vstack(placed), 8)
        pts = pts + rng.normal(0.0, rng.uniform(0.0, 0.01) * size, pts.shape)
        strokes_out = [np.clip(pts, 0.0, 1.0)]
    else:
        wobble = rng.uniform(0.0, 0.025) * size
        tremor = rng.uniform(0.0, 0.008) * size
        freq, phase = rng.uniform(0.5, 2.5, size=2), rng.uniform(0, 2 * np.pi, size=4)
        tremor_freq = rng.uniform(8.0, 16.0)
        # Mouse events: from dense (a slow hand) to sparse (a fast one), in units of the digit's size.
        spacing = max(0.004, size * float(np.exp(rng.uniform(np.log(0.015), np.log(0.15)))))
        jitter = rng.uniform(0.0, 0.004)
        strokes_out = []
        for k, xy in enumerate(placed):
            s = np.linspace(0, 1, len(xy)) + k  # the hand's wobble goes on across pen lifts
            for axis in range(2):
                xy[:, axis] += wobble * np.sin(2 * np.pi * freq[axis] * s / 2 + phase[axis])
                xy[:, axis] += tremor * np.sin(2 * np.pi * tremor_freq * s + phase[2 + axis])
            pts = _resample(xy, rng, spacing)
            pts = pts + rng.normal(0.0, jitter, pts.shape)
            strokes_out.append(np.clip(pts, 0.0, 1.0))
    return {"label": label, "set": kind, "variant": name,
            "strokes": [[[round(float(a), 4), round(float(b), 4)] for a, b in pts] for pts in strokes_out]}


def generate_benchmark(seed: int = BENCHMARK_SEED, sets: dict[str, int] = BENCHMARK_SETS) -> list[dict]:
    """Every set's digits; within a class the styles take turns."""
    from drawn_styles import STYLES

    digits = []
    for kind, per_class in sets.items():
        rng = np.random.default_rng([seed, len(kind)])
        for label, styles in STYLES.items():
            for i in range(per_class):
                digits.append(draw_benchmark_sample(label, styles[i % len(styles)], kind, rng))
    return digits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legacy", action="store_true", help="write the GUI tests' small set instead")
    parser.add_argument("--per-class", type=int, default=15, help="legacy set only")
    parser.add_argument("--seed", type=int, default=2026, help="legacy set only")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.legacy:
        digits = generate(args.per_class, args.seed)
        how = f"--legacy --per-class {args.per_class} --seed {args.seed}"
        out = args.out or OUT
    else:
        digits = generate_benchmark()
        how = f"(benchmark, seed {BENCHMARK_SEED}, per class {BENCHMARK_SETS})"
        out = args.out or BENCHMARK_OUT
    doc = {
        "description": f"Digits drawn as mouse strokes, generated by benchmarks/make_drawn_digits.py {how}; "
                       "not derived from MNIST.",
        "coordinates": "each stroke is a list of [x, y] points in the 0..1 canvas square, x right, y down",
        "digits": digits,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"wrote {len(digits)} digits to {out}")


if __name__ == "__main__":
    main()
