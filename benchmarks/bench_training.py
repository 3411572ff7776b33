"""One training epoch over the 60,000 MNIST training images, 784-16-16-10, no augmentation:
digitviz's vectorised trainer against the algorithm of Nielsen's network.py (per-example
backpropagation in a Python loop, mini-batches of 10, plain SGD), measured in one run.

    python benchmarks/bench_training.py [--data ../shared/mnist] [--repeats 3]

The baseline is written here from the algorithm's description (column vectors, sigmoid
everywhere, quadratic cost), not copied. Prints seconds per epoch and the speed-up.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from digitviz.core.mnist import load_mnist  # noqa: E402
from digitviz.core.network import Network  # noqa: E402
from digitviz.core.train import Adam, train_epoch  # noqa: E402


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class PerExampleSGD:
    """The network.py algorithm: for each mini-batch, backpropagate every example on its own."""

    def __init__(self, sizes, rng):
        self.weights = [rng.standard_normal((y, x)) for x, y in zip(sizes[:-1], sizes[1:])]
        self.biases = [rng.standard_normal((y, 1)) for y in sizes[1:]]

    def backprop(self, x, y):
        activation, activations, zs = x, [x], []
        for w, b in zip(self.weights, self.biases):
            z = w @ activation + b
            zs.append(z)
            activation = _sigmoid(z)
            activations.append(activation)
        grad_b = [None] * len(self.biases)
        grad_w = [None] * len(self.weights)
        delta = (activations[-1] - y) * _sigmoid(zs[-1]) * (1 - _sigmoid(zs[-1]))
        grad_b[-1], grad_w[-1] = delta, delta @ activations[-2].T
        for layer in range(2, len(self.weights) + 1):
            sp = _sigmoid(zs[-layer]) * (1 - _sigmoid(zs[-layer]))
            delta = (self.weights[-layer + 1].T @ delta) * sp
            grad_b[-layer], grad_w[-layer] = delta, delta @ activations[-layer - 1].T
        return grad_b, grad_w

    def update_mini_batch(self, batch, eta):
        sum_b = [np.zeros_like(b) for b in self.biases]
        sum_w = [np.zeros_like(w) for w in self.weights]
        for x, y in batch:
            gb, gw = self.backprop(x, y)
            sum_b = [s + g for s, g in zip(sum_b, gb)]
            sum_w = [s + g for s, g in zip(sum_w, gw)]
        self.weights = [w - eta / len(batch) * g for w, g in zip(self.weights, sum_w)]
        self.biases = [b - eta / len(batch) * g for b, g in zip(self.biases, sum_b)]

    def epoch(self, data, rng, batch_size=10, eta=3.0):
        order = rng.permutation(len(data))
        for k in range(0, len(data), batch_size):
            self.update_mini_batch([data[i] for i in order[k : k + batch_size]], eta)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "mnist"))
    parser.add_argument("--repeats", type=int, default=3, help="epochs timed for our trainer (best kept)")
    args = parser.parse_args()
    digits = load_mnist(args.data, "train")
    n = len(digits)
    print(f"{n:,} training images, 784-16-16-10, no augmentation, one epoch each")

    ours = []
    for r in range(args.repeats):
        net = Network.random([784, 16, 16, 10], np.random.default_rng(r), "sigmoid", "softmax")
        opt = Adam.for_network(net)
        start = time.perf_counter()
        train_epoch(net, opt, digits.images, digits.labels, 32, np.random.default_rng(r), lambda step: 3e-3)
        ours.append(time.perf_counter() - start)
    acc = float(np.mean(net.predict(digits.images[-10_000:]) == digits.labels[-10_000:]))
    print(f"digitviz (vectorised, batches of 32, Adam):   {min(ours):7.2f} s per epoch "
          f"(best of {args.repeats}; after it: {100 * acc:.1f}% on the last 10,000 training images)")

    # The baseline's data layout: a list of (784x1, 10x1) column-vector pairs, as network.py uses.
    eye = np.eye(10)
    data = [(digits.images[i].astype(np.float64).reshape(784, 1), eye[digits.labels[i]].reshape(10, 1))
            for i in range(n)]
    base = PerExampleSGD([784, 16, 16, 10], np.random.default_rng(0))
    start = time.perf_counter()
    base.epoch(data, np.random.default_rng(0))
    theirs = time.perf_counter() - start
    outs = [int(np.argmax(base.weights[-1] @ _sigmoid(base.weights[1] @ _sigmoid(base.weights[0] @ x
            + base.biases[0]) + base.biases[1]) + base.biases[2])) for x, _ in data[-2000:]]
    acc_b = float(np.mean(np.array(outs) == digits.labels[-2000:]))
    print(f"network.py algorithm (per example, batches of 10, SGD): {theirs:7.2f} s per epoch "
          f"(after it: {100 * acc_b:.1f}% on the last 2,000 training images)")
    print(f"speed-up: {theirs / min(ours):.1f}x")
    return 0 if math.isfinite(theirs) else 1


if __name__ == "__main__":
    sys.exit(main())
