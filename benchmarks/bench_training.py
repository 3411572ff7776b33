"""One epoch over 60,000 MNIST images, 784-16-16-10, augmentation off: our trainer against the
algorithm of Nielsen's network.py (per-example backprop in a Python loop, mini-batches of 10,
plain SGD, quadratic cost, column vectors), both timed in this one run on this machine.

    python benchmarks/bench_training.py [--data DIR] [--baseline-images N]

The baseline is timed over its first N images (default 60,000, the full epoch); with a smaller
N its time is scaled to 60,000 images, and the output says so.
"""

from __future__ import annotations

import argparse
import time
from itertools import pairwise
from pathlib import Path

import numpy as np

from digitviz.core.mnist import load_mnist
from digitviz.core.network import Network
from digitviz.core.train import Adam, TrainConfig, initial_network, learning_rate, train_epoch


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class PerExampleBaseline:
    """The textbook algorithm, written from its description: one example at a time."""

    def __init__(self, sizes, rng):
        self.weights = [rng.standard_normal((n_out, n_in)) for n_in, n_out in pairwise(sizes)]
        self.biases = [rng.standard_normal((n_out, 1)) for n_out in sizes[1:]]

    def backprop(self, x, y):
        """Gradients of the quadratic cost for one (784, 1) column x and (10, 1) target y."""
        activation, activations, zs = x, [x], []
        for w, b in zip(self.weights, self.biases):
            z = w @ activation + b
            zs.append(z)
            activation = _sigmoid(z)
            activations.append(activation)
        gw = [None] * len(self.weights)
        gb = [None] * len(self.weights)
        s = activations[-1]
        delta = (s - y) * s * (1 - s)
        for i in range(len(self.weights) - 1, -1, -1):
            gb[i] = delta
            gw[i] = delta @ activations[i].T
            if i:
                a = activations[i]
                delta = (self.weights[i].T @ delta) * a * (1 - a)
        return gw, gb

    def epoch(self, xs, ys, batch_size, eta, rng):
        order = rng.permutation(len(xs))
        for start in range(0, len(xs), batch_size):
            batch = order[start : start + batch_size]
            sum_w = [np.zeros_like(w) for w in self.weights]
            sum_b = [np.zeros_like(b) for b in self.biases]
            for k in batch:  # the per-example loop being measured
                gw, gb = self.backprop(xs[k], ys[k])
                sum_w = [s + g for s, g in zip(sum_w, gw)]
                sum_b = [s + g for s, g in zip(sum_b, gb)]
            self.weights = [w - (eta / len(batch)) * g for w, g in zip(self.weights, sum_w)]
            self.biases = [b - (eta / len(batch)) * g for b, g in zip(self.biases, sum_b)]


def main() -> None:
    here = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(here.parent.parent / "shared" / "mnist"))
    parser.add_argument("--baseline-images", type=int, default=60_000)
    args = parser.parse_args()

    digits = load_mnist(args.data, "train")
    n = len(digits)
    print(f"{n} training images, network 784-16-16-10 sigmoid, augmentation off")

    config = TrainConfig(augment=None, epochs=1, seed=0)
    net: Network = initial_network(config)
    opt = Adam(net.weights + net.biases)
    rng = np.random.default_rng(0)
    steps = int(np.ceil(n / config.batch_size))
    t0 = time.perf_counter()
    train_epoch(net, opt, digits.images, digits.labels, config.batch_size, rng,
                lambda s: learning_rate(config, s, steps, steps))
    ours = time.perf_counter() - t0
    print(f"digitviz trainer (vectorised mini-batches of {config.batch_size}, Adam): {ours:.2f} s per epoch")

    m = min(args.baseline_images, n)
    xs = [digits.images[i].astype(np.float64).reshape(784, 1) for i in range(m)]
    ys = []
    for label in digits.labels[:m]:
        y = np.zeros((10, 1))
        y[label] = 1.0
        ys.append(y)
    base = PerExampleBaseline([784, 16, 16, 10], np.random.default_rng(0))
    t0 = time.perf_counter()
    base.epoch(xs, ys, 10, 3.0, np.random.default_rng(0))
    elapsed = time.perf_counter() - t0
    baseline = elapsed * n / m
    note = "" if m == n else f" (measured on {m} images: {elapsed:.2f} s, scaled to {n})"
    print(f"per-example baseline (Python loop, mini-batches of 10, SGD): {baseline:.2f} s per epoch{note}")
    print(f"speed-up: {baseline / ours:.1f}x")


if __name__ == "__main__":
    main()
