"""One training epoch over the 60,000 MNIST training images, 784-16-16-10, no augmentation:
``digitviz train``'s loop (the Trainer, with the command's defaults: Adam, cross-entropy,
softmax output) against the algorithm of Nielsen's network.py (per-example backpropagation in
a Python loop, mini-batches of 10, plain SGD), measured in one run.

    python benchmarks/bench_training.py [--data ../shared/mnist] [--repeats 2] [--batch-size 32 128]
    python benchmarks/bench_training.py --one-epoch    # the Trainer's defaults: accuracy after one epoch

Our epochs are timed through ``core.train.train`` as the command runs them (validation of the
last 10,000 images included), best of ``--repeats``, half of them before the baseline and half
after it, so that a machine busy with other work hurts both sides alike. The baseline is written
here from the algorithm's description (column vectors, sigmoid everywhere, quadratic cost), not
copied. Prints seconds per epoch, the one-epoch validation accuracy and the speed-up.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from digitviz.commands.train import LIMITS  # noqa: E402
from digitviz.core.mnist import load_mnist  # noqa: E402
from digitviz.core.network import Network  # noqa: E402
from digitviz.core.train import TrainConfig, accuracy, split_validation, train  # noqa: E402
from digitviz.core.trainer import Trainer  # noqa: E402


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


def time_ours(digits, batch_size: int) -> tuple[float, float]:
    """Seconds of the faster of two epochs of ``digitviz train``'s loop, and its last validation accuracy."""
    _, validation = split_validation(digits, 10_000)
    # One pass over all 60,000 images is what Nielsen's epoch does: time the epoch on all of them
    # and validate on the last 10,000 (seen in training here; only a sanity figure).
    config = TrainConfig(epochs=2, batch_size=batch_size, augment=False, seed=0)  # else the command's defaults
    stamps = [time.perf_counter()]
    _, history = train(config, digits, validation, on_epoch=lambda report: stamps.append(time.perf_counter()))
    return min(b - a for a, b in zip(stamps, stamps[1:])), history[0].validation_accuracy


def one_epoch(data_dir: str) -> None:
    """The Trainer's defaults, one epoch from a fresh 784-16-16-10 sigmoid network.

    Trained on the first 50,000 training images, judged on the last 10,000 (validation, what
    the defaults were chosen on); the test set's figure is printed for the record only.
    """
    training, validation = split_validation(load_mnist(data_dir, "train"), 10_000)
    test = load_mnist(data_dir, "test")
    for output in ("softmax", "sigmoid"):
        for settings in ({}, {"cost": "quadratic"}, {"cost": "quadratic", "optimizer": "sgd"}):
            net = Network.random([784, 16, 16, 10], np.random.default_rng(0), "sigmoid", output)
            trainer = Trainer(net, training.images, training.labels, seed=0, **settings)
            start = time.perf_counter()
            trainer.run_epoch()
            seconds = time.perf_counter() - start
            net = trainer.network
            s = trainer.settings
            print(f"{output:7s} output, {s.cost:13s} {s.optimizer:4s} lr {s.learning_rate:g} batch {s.batch_size}: "
                  f"one epoch {seconds:.2f} s, validation {100 * accuracy(net, validation):.2f}%, "
                  f"test {100 * accuracy(net, test):.2f}%")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "mnist"))
    parser.add_argument("--repeats", type=int, default=2, help="runs of two epochs of ours, best kept")
    parser.add_argument("--batch-size", type=int, nargs="+", default=sorted({LIMITS.batch_size, 32}),
                        help="batch sizes of ours to time (default: the command's default, and 32)")
    parser.add_argument("--one-epoch", action="store_true",
                        help="instead, the Trainer's defaults: accuracy after one epoch")
    args = parser.parse_args()
    if args.one_epoch:
        one_epoch(args.data)
        return 0
    digits = load_mnist(args.data, "train")
    n = len(digits)
    print(f"{n:,} training images, 784-16-16-10, no augmentation, one epoch each")

    ours: dict[int, list[tuple[float, float]]] = {b: [] for b in args.batch_size}

    def run_ours(repeats: int) -> None:
        for _ in range(repeats):
            for b in args.batch_size:
                ours[b].append(time_ours(digits, b))

    run_ours((args.repeats + 1) // 2)

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

    run_ours(args.repeats // 2)
    print(f"network.py algorithm (per example, batches of 10, SGD): {theirs:7.2f} s per epoch "
          f"(after it: {100 * acc_b:.1f}% on the last 2,000 training images)")
    for b, results in ours.items():
        best = min(t for t, _ in results)
        default = " (the command's default)" if b == LIMITS.batch_size else ""
        print(f"digitviz train, batches of {b}{default}: {best:7.3f} s per epoch (best of {len(results)} "
              f"runs of 2 epochs; all: {', '.join(f'{t:.3f}' for t, _ in results)}); after one epoch "
              f"{100 * results[0][1]:.1f}% on the last 10,000 training images; speed-up {theirs / best:.1f}x")
    return 0 if math.isfinite(theirs) else 1


if __name__ == "__main__":
    sys.exit(main())
