"""Accuracy on MNIST test digits made to look more like mouse drawings, per weight file.

    python benchmarks/robustness.py [WEIGHTS ...] [--n 2000]

Each condition distorts the first N bundled test digits with one fixed, deterministic change,
then puts every digit through the application's own preprocessing (``to_mnist``: crop, scale
into 20x20, centre by mass), as a drawn digit would be. Conditions: none (to_mnist only);
thick and thin strokes (3x3 dilation / erosion, blended); rotated by +-15 degrees; squashed
and stretched (aspect 0.75 / 1.33); sheared (slant 0.3). A synthetic check to complement the
drawn-digit set (``benchmarks/drawn_digits.py``), which is small.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from digitviz.core import load_weights, to_mnist
from digitviz.core.augment import NO_AUGMENTATION, bilinear_sample, change_stroke
from digitviz.core.augment import _affine_grid as affine_grid  # the exact maps training uses
from digitviz.core.mnist import bundled_test_set

ROOT = Path(__file__).resolve().parents[1]


def _affine(images: np.ndarray, column: int, value: float) -> np.ndarray:
    """One affine distortion for all (n, 28, 28) images; column picks it (see augment._affine_grid)."""
    u = np.zeros((len(images), 7))
    u[:, column] = 1.0
    params = {0: {"rotation": value}, 2: {"aspect": value}, 3: {"shear": value}}[column]
    p = replace(NO_AUGMENTATION, **params)
    rows, cols = affine_grid(u, p)
    return bilinear_sample(images, rows, cols)


def conditions(images: np.ndarray) -> dict[str, np.ndarray]:
    ones = np.ones(len(images))
    return {
        "plain": images,
        "thick": change_stroke(images, ones),
        "thin": change_stroke(images, -0.5 * ones),
        "rot+15": _affine(images, 0, 15.0),
        "rot-15": _affine(images, 0, -15.0),
        "squash": _affine(images, 2, 0.25),
        "stretch": _affine(images, 2, -0.25),
        "shear": _affine(images, 3, 0.3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", nargs="*", default=sorted(str(p) for p in (ROOT / "weights").glob("*.npz")))
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()

    digits = bundled_test_set().subset(slice(0, args.n))
    images = digits.images.reshape(-1, 28, 28)
    prepared = {
        name: np.stack([to_mnist(im) for im in distorted]).reshape(len(images), 784)
        for name, distorted in conditions(images).items()
    }
    names = list(prepared)
    print(f"{len(images)} MNIST test digits, each condition then to_mnist; accuracy in %")
    print(f"{'weights':<28}" + "".join(f"{n:>8}" for n in names) + "    mean")
    for path in args.weights:
        net = load_weights(path)
        accs = [100 * np.mean(net.predict(prepared[n]) == digits.labels) for n in names]
        print(f"{Path(path).name:<28}" + "".join(f"{a:8.1f}" for a in accs) + f"{np.mean(accs):8.1f}")


if __name__ == "__main__":
    main()
