"""Generate tests/data/drawn_digits.json: digits drawn the way people draw with a mouse.

Nothing here comes from MNIST. Each digit class has a few hand-written templates (the ways
people actually write it: a 1 with or without a flag and a base, a 7 with or without a
crossbar, an open or closed 4, ...), each a list of strokes; a stroke is a list of pieces
joined at sharp corners, each piece a smooth Catmull-Rom curve through control points in a
unit box (x right, y down). Every sample then gets, from a seeded generator: shape noise on
the control points, an aspect ratio, a slant, a small rotation, a size (30-85% of the canvas
height), a position (often off centre), a slow wobble of the hand, the irregular spacing of
mouse events at varying speed, and jitter of a pixel or so.

Run from the repository root::

    python benchmarks/make_drawn_digits.py            # writes tests/data/drawn_digits.json
    python benchmarks/make_drawn_digits.py --per-class 15 --seed 2026 --out other.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "drawn_digits.json"


def _arc(cx, cy, rx, ry, a0, a1, n=7):
    """Control points on an ellipse from angle a0 to a1 (degrees, 0 = right, 90 = up)."""
    t = np.radians(np.linspace(a0, a1, n))
    return [(cx + rx * np.cos(a), cy - ry * np.sin(a)) for a in t]


# Each template: (variant name, width / height ratio, strokes); a stroke is a list of pieces,
# a piece a list of control points in the unit box.
TEMPLATES: dict[int, list[tuple[str, float, list]]] = {
    0: [
        ("oval from the top", 0.7, [[_arc(0.5, 0.5, 0.5, 0.5, 90, 455, 14)]]),
        ("oval, open at the top", 0.65, [[_arc(0.5, 0.5, 0.5, 0.5, 70, 420, 14)]]),
        ("round, clockwise", 0.85, [[_arc(0.5, 0.5, 0.5, 0.5, 100, -270, 14)]]),
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
         [[_arc(0.5, 0.25, 0.4, 0.25, 270, 630, 10)], [_arc(0.5, 0.74, 0.5, 0.26, 90, 450, 10)]]),
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
         [[_arc(0.5, 0.25, 0.45, 0.25, 20, 390, 11)], [[(0.95, 0.2), (0.9, 1.0)]]]),
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
    rng = np.random.default_rng(seed)
    digits = []
    for label, templates in TEMPLATES.items():
        for i in range(per_class):
            digits.append(draw_sample(label, templates[i % len(templates)], rng))
    return digits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=15)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    digits = generate(args.per_class, args.seed)
    doc = {
        "description": "Digits drawn as mouse strokes, generated by benchmarks/make_drawn_digits.py "
                       f"--per-class {args.per_class} --seed {args.seed}; not derived from MNIST.",
        "coordinates": "each stroke is a list of [x, y] points in the 0..1 canvas square, x right, y down",
        "digits": digits,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"wrote {len(digits)} digits to {args.out}")


if __name__ == "__main__":
    main()
