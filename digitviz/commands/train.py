"""``digitviz train``: train a network on the MNIST files in a folder and save it as .npz."""

from __future__ import annotations

import shlex
import sys
import time
from dataclasses import dataclass

import numpy as np

from ..core.evaluate import evaluate
from ..core.mnist import DataError, load_mnist
from ..core.train import EpochReport, TrainConfig, TrainingDiverged, split_validation, train, validation_size
from ..core.trainer import DEFAULT_LEARNING_RATES
from ..core.weightfile import save_weights


@dataclass(frozen=True)
class Limits:
    """What ``digitviz train`` accepts (the parser and :func:`run` check against these), and
    the defaults that depend on it."""

    max_layers: int = 4
    max_width: int = 4096  # the widest hidden layer the weight-file readers accept
    max_parameters: int = 20_000_000  # as many as the weight-file readers accept
    max_epochs: int = 10_000
    batch_size: int = TrainConfig.batch_size
    adam_lr: float = TrainConfig.lr
    max_batch_size: int = 60_000
    max_lr: float = 100.0
    max_augment_strength: float = 10.0
    min_training: int = 1_000
    max_name: int = 120
    max_description: int = 4_000


LIMITS = Limits()


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


def _fail(message: str) -> int:
    print(f"digitviz train: {message}", file=sys.stderr)
    return 2


def check_shape(hidden: list[int]) -> str | None:
    """Why ``--hidden`` cannot be trained and saved, or None."""
    if not 1 <= len(hidden) <= LIMITS.max_layers:
        return f"--hidden takes 1 to {LIMITS.max_layers} layer sizes, got {len(hidden)}"
    sizes = [784, *hidden, 10]
    n = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    if n > LIMITS.max_parameters:
        return (f"--hidden {' '.join(map(str, hidden))} makes {n:,} parameters; weight files hold at most "
                f"{LIMITS.max_parameters:,}")
    return None


def choose_split(n: int, requested: int | None) -> tuple[int, str | None]:
    """(validation images, None) for ``n`` images, or (0, why not)."""
    n_val = validation_size(n) if requested is None else requested
    if n_val > n // 2:
        return 0, (f"--validation {n_val:,} would hold out more than half of the {n:,} training images; "
                   f"use at most {n // 2:,}")
    if n - n_val < LIMITS.min_training:
        need = LIMITS.min_training + n_val
        return 0, (f"only {n - n_val:,} of {n:,} images would be left for training (after {n_val:,} for "
                   f"validation); at least {LIMITS.min_training:,} are needed: use --limit {need} or more, "
                   "or a smaller --validation")
    return n_val, None


def run(args) -> int:
    problem = check_shape(args.hidden)
    if problem:
        return _fail(problem)
    try:
        data = load_mnist(args.data, "train")
        test = load_mnist(args.data, "test")
    except DataError as exc:
        return _fail(str(exc))
    if args.limit is not None:
        data = data.subset(slice(0, args.limit))
    n_val, problem = choose_split(len(data), args.validation)
    if problem:
        return _fail(problem)
    training, validation = split_validation(data, n_val)
    print(f"training on {len(training):,} images, validating on the last {len(validation):,} "
          f"of the {len(data):,} training images")
    lr = args.lr
    if lr is None:
        lr = LIMITS.adam_lr if args.optimizer == "adam" else DEFAULT_LEARNING_RATES[args.optimizer, args.cost]
    config = TrainConfig(
        hidden=tuple(args.hidden),
        activation=args.activation,
        output_activation=args.output_activation,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=lr,
        seed=args.seed,
        cost=args.cost,
        optimizer=args.optimizer,
        momentum=args.momentum,
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
    try:
        network, history = train(config, training, validation, on_batch=on_batch, on_epoch=on_epoch)
    except TrainingDiverged as exc:
        return _fail(f"{exc}; nothing was saved")
    if not all(np.all(np.isfinite(p)) for p in network.weights + network.biases):
        return _fail("the trained network holds NaN or infinite values; nothing was saved")

    shape = "-".join(str(n) for n in network.sizes)
    result = evaluate(network, test)
    network.metadata = {
        "name": args.name or f"{shape} {config.activation}" + (" (untrained)" if config.epochs == 0 else ""),
        "description": args.description,
        "command": "digitviz train " + " ".join(shlex.quote(a) for a in _argv_for_record(args, lr, n_val)),
        "training": {
            **config.as_dict(),
            "training_images": len(training),
            "validation_images": len(validation),
            "schedule": "linear warm-up, cosine decay",
        },
        "validation_accuracy": history[-1].validation_accuracy if history else None,
        "test_accuracy": result.accuracy,
    }
    try:
        save_weights(network, args.out)
    except OSError as exc:
        return _fail(f"cannot write {args.out}: {exc.strerror or exc}")
    print(f"{shape}: test accuracy {100 * result.accuracy:.2f}% "
          f"({result.n_correct:,} / {len(test):,}); saved {args.out}")
    return 0


def _argv_for_record(args, lr: float, n_val: int) -> list[str]:
    """The command line that reproduces this run, with the data folder as given."""
    argv = ["--data", str(args.data), "--hidden", *map(str, args.hidden),
            "--activation", args.activation, "--output-activation", args.output_activation,
            "--cost", args.cost, "--optimizer", args.optimizer,
            "--epochs", str(args.epochs), "--batch-size", str(args.batch_size), "--lr", repr(lr)]
    if args.optimizer == "sgd":
        argv += ["--momentum", repr(args.momentum)]
    argv += ["--seed", str(args.seed)]
    argv += (["--augment", "--augment-strength", repr(args.augment_strength),
              "--augment-probability", repr(args.augment_probability)] if args.augment else ["--no-augment"])
    argv += ["--validation", str(n_val)]
    if args.limit is not None:
        argv += ["--limit", str(args.limit)]
    if args.name:
        argv += ["--name", args.name]
    if args.description:
        argv += ["--description", args.description]
    return argv + ["--out", str(args.out)]
