"""``digitviz train``: train a network on the MNIST files in a folder and save it as .npz."""

from __future__ import annotations

import shlex
import sys
import time

from ..core.evaluate import evaluate
from ..core.mnist import DataError, load_mnist
from ..core.train import EpochReport, TrainConfig, split_validation, train
from ..core.weightfile import save_weights


class ProgressBar:
    """A one-line progress bar on stderr; plain lines when stderr is not a terminal."""

    def __init__(self, stream=sys.stderr, width: int = 30):
        self.stream = stream
        self.width = width
        self.tty = stream.isatty()
        self._last = -1

    def batch(self, epoch: int, epochs: int, done: int, total: int, loss: float) -> None:
        if not self.tty:
            return
        filled = self.width * done // total
        percent = 100 * done // total
        if percent == self._last and done != total:
            return
        self._last = percent
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\repoch {epoch}/{epochs} [{bar}] {percent:3d}% loss {loss:.4f}")
        self.stream.flush()

    def epoch(self, report: EpochReport, epochs: int, seconds: float) -> None:
        val = "" if report.validation_accuracy is None else f", validation {100 * report.validation_accuracy:.2f}%"
        prefix = "\r" if self.tty else ""
        self.stream.write(
            f"{prefix}epoch {report.epoch}/{epochs}: loss {report.loss:.4f}{val}, lr {report.lr:.2e}, "
            f"{seconds:.1f} s" + " " * 20 + "\n"
        )
        self.stream.flush()


def run(args) -> int:
    try:
        data = load_mnist(args.data, "train")
        test = load_mnist(args.data, "test")
    except DataError as exc:
        print(f"digitviz train: {exc}", file=sys.stderr)
        return 2
    if args.limit is not None:
        data = data.subset(slice(0, args.limit))
    try:
        training, validation = split_validation(data, min(args.validation, len(data) - 1))
    except ValueError as exc:
        print(f"digitviz train: {exc}", file=sys.stderr)
        return 2
    config = TrainConfig(
        hidden=tuple(args.hidden),
        activation=args.activation,
        output_activation=args.output_activation,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        seed=args.seed,
        augment=args.augment,
        augment_strength=args.augment_strength,
        augment_probability=args.augment_probability,
    )
    bar = None if args.quiet else ProgressBar()
    started = [time.perf_counter()]

    def on_epoch(report: EpochReport) -> None:
        now = time.perf_counter()
        if bar:
            bar.epoch(report, config.epochs, now - started[0])
        started[0] = now

    on_batch = (lambda e, d, t, loss: bar.batch(e, config.epochs, d, t, loss)) if bar else None
    network, history = train(config, training, validation, on_batch=on_batch, on_epoch=on_epoch)

    shape = "-".join(str(n) for n in network.sizes)
    result = evaluate(network, test)
    network.metadata = {
        "name": args.name or f"{shape} {config.activation}" + (" (untrained)" if config.epochs == 0 else ""),
        "description": args.description,
        "command": "digitviz train " + " ".join(shlex.quote(a) for a in _argv_for_record(args)),
        "training": {
            **config.as_dict(),
            "training_images": len(training),
            "validation_images": len(validation),
            "optimizer": "Adam, cosine learning-rate decay",
            "cost": "cross-entropy",
        },
        "validation_accuracy": history[-1].validation_accuracy if history else None,
        "test_accuracy": result.accuracy,
    }
    try:
        save_weights(network, args.out)
    except OSError as exc:
        print(f"digitviz train: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"{shape}: test accuracy {100 * result.accuracy:.2f}% "
          f"({result.n_correct:,} / {len(test):,}); saved {args.out}")
    return 0


def _argv_for_record(args) -> list[str]:
    """The command line that reproduces this run, with the data folder as given."""
    argv = ["--data", str(args.data), "--hidden", *map(str, args.hidden),
            "--activation", args.activation, "--output-activation", args.output_activation,
            "--epochs", str(args.epochs), "--batch-size", str(args.batch_size), "--lr", str(args.lr),
            "--seed", str(args.seed)]
    argv += (["--augment", "--augment-strength", str(args.augment_strength),
              "--augment-probability", str(args.augment_probability)] if args.augment else ["--no-augment"])
    argv += ["--validation", str(args.validation)]
    if args.limit is not None:
        argv += ["--limit", str(args.limit)]
    if args.name:
        argv += ["--name", args.name]
    if args.description:
        argv += ["--description", args.description]
    return argv + ["--out", str(args.out)]
