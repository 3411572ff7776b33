"""``digitviz train``: train a network on MNIST and save it, with a progress bar on stderr."""

from __future__ import annotations

import shlex
import sys
import time

from ..core.augment import AugmentParams
from ..core.mnist import DataError, bundled_test_set, load_mnist
from ..core.network import Network
from ..core.train import EpochReport, TrainConfig, accuracy, initial_network, split_validation, train
from ..core.weightfile import save_weights


def command_text(args) -> str:
    """The full command that reproduces this run, every option spelled out."""
    parts = ["digitviz", "train", "--data", str(args.data), "--hidden", *map(str, args.hidden),
             "--activation", args.activation, "--output-activation", args.output_activation,
             "--epochs", str(args.epochs), "--batch-size", str(args.batch_size), "--lr", repr(args.lr),
             "--seed", str(args.seed), "--augment" if args.augment else "--no-augment",
             "--validation", str(args.validation)]
    if args.limit is not None:
        parts += ["--limit", str(args.limit)]
    if args.name:
        parts += ["--name", args.name]
    if args.description:
        parts += ["--description", args.description]
    parts += ["--out", str(args.out)]
    return shlex.join(parts)


class Progress:
    """A plain-text progress bar on stderr: redrawn in place on a terminal, one line per epoch otherwise."""

    def __init__(self, epochs: int, stream=None, quiet: bool = False):
        stream = sys.stderr if stream is None else stream
        self.epochs, self.stream, self.quiet = epochs, stream, quiet
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.start = time.perf_counter()

    def batch(self, epoch: int, done: int, total: int, loss: float) -> None:
        if self.quiet or not self.tty or (done % 50 and done != total):
            return
        filled = int(30 * done / total)
        bar = "#" * filled + "." * (30 - filled)
        self.stream.write(f"\repoch {epoch:>3}/{self.epochs} [{bar}] {100 * done // total:3d}%  loss {loss:.4f}")
        self.stream.flush()

    def epoch(self, report: EpochReport) -> None:
        if self.quiet:
            return
        val = "-" if report.validation_accuracy is None else f"{100 * report.validation_accuracy:.2f}%"
        line = (f"epoch {report.epoch:>3}/{self.epochs}  loss {report.loss:.4f}  validation {val}  "
                f"lr {report.lr:.2e}  {time.perf_counter() - self.start:.1f} s")
        self.stream.write(("\r" + line.ljust(79) if self.tty else line) + "\n")
        self.stream.flush()


def run(args) -> int:
    def fail(message: str) -> int:
        print(f"digitviz train: error: {message}", file=sys.stderr)
        return 2

    try:
        data = load_mnist(args.data, "train")
    except DataError as exc:
        return fail(str(exc))
    if args.limit is not None:
        if args.limit < 1:
            return fail(f"--limit must be at least 1, got {args.limit}")
        data = data.subset(slice(0, args.limit))
    try:
        training, validation = split_validation(data, args.validation)
    except ValueError as exc:
        return fail(f"--validation: {exc}")
    try:
        test = load_mnist(args.data, "test")
        test_source = "the MNIST test set in --data"
    except DataError:
        test = bundled_test_set()
        test_source = "the bundled MNIST test set"

    config = TrainConfig(
        hidden=tuple(args.hidden), activation=args.activation, output_activation=args.output_activation,
        epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, seed=args.seed,
        augment=AugmentParams() if args.augment else None,
    )
    progress = Progress(args.epochs, quiet=args.quiet)
    if args.epochs == 0:
        network, history = initial_network(config), []
    else:
        network, history = train(config, training, validation, progress.batch, progress.epoch)

    val_acc = history[-1].validation_accuracy if history else (
        accuracy(network, validation) if len(validation) else None)
    test_acc = accuracy(network, test)
    network = Network(network.weights, network.biases, network.hidden_activation,
                      network.output_activation, _metadata(args, config, history, val_acc, test_acc,
                                                           len(training), len(validation), test_source))
    try:
        save_weights(network, args.out)
    except OSError as exc:
        return fail(f"{args.out}: cannot write ({exc.strerror or exc})")
    if not args.quiet:
        print(f"saved {args.out}: {network.shape_text}, validation "
              f"{'-' if val_acc is None else f'{100 * val_acc:.2f}%'}, test {100 * test_acc:.2f}%",
              file=sys.stderr)
    return 0


def _metadata(args, config, history, val_acc, test_acc, n_train, n_val, test_source) -> dict:
    return {
        "name": args.name or f"{'-'.join(map(str, [784, *args.hidden, 10]))} {args.activation}",
        "description": args.description,
        "command": command_text(args),
        "training": {
            **config.as_dict(),
            "optimizer": "Adam (beta1 0.9, beta2 0.999), cosine learning-rate decay",
            "loss": "cross-entropy",
            "training_images": n_train,
            "validation_images": n_val,
        },
        "history": [
            {"epoch": r.epoch, "loss": round(r.loss, 6),
             "validation_accuracy": None if r.validation_accuracy is None else round(r.validation_accuracy, 6)}
            for r in history
        ],
        "validation_accuracy": None if val_acc is None else round(val_acc, 6),
        "test_accuracy": round(test_acc, 6),
        "test_set": test_source + " (measured after training; never used to choose anything)",
    }
