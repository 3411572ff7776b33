"""The ``digitviz`` command: no subcommand opens the window; ``train``, ``evaluate``, ``render``."""

from __future__ import annotations

import argparse
import math
import os
import sys

from . import __version__


def _int_between(low: int, high: int):
    """An argparse type: an integer in [low, high], with a message naming the range."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low:,} and {high:,}, got {value:,}")
        return value

    return parse


def _float_between(low: float, high: float, *, low_open: bool = False, high_open: bool = False):
    """An argparse type: a finite number in the given range (NaN and infinities refused)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
        ok = math.isfinite(value) and (value > low if low_open else value >= low)
        ok = ok and (value < high if high_open else value <= high)
        if not ok:
            lo = f"more than {low:g}" if low_open else f"at least {low:g}"
            hi = f"less than {high:g}" if high_open else f"at most {high:g}"
            raise argparse.ArgumentTypeError(f"must be a finite number {lo} and {hi}, got {text}")
        return value

    return parse


def _text_up_to(limit: int):
    """An argparse type: a string of at most ``limit`` characters."""

    def parse(text: str) -> str:
        if len(text) > limit:
            raise argparse.ArgumentTypeError(f"at most {limit:,} characters, got {len(text):,}")
        return text

    return parse


class _DefaultsFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows "(default: ...)" after each option, except where the default is None, False or
    empty, or the help already says it."""

    def _get_help_string(self, action):
        hidden = action.default is None or action.default is False or action.default in ("", argparse.SUPPRESS)
        if hidden or "(default:" in (action.help or ""):
            return action.help
        return super()._get_help_string(action)


def _add_train_parser(sub) -> None:
    from .commands.train import LIMITS as L
    from .core.trainer import DEFAULT_LEARNING_RATES as R

    train = sub.add_parser("train", help="train a network on MNIST and save its weights",
                           formatter_class=_DefaultsFormatter,
                           description="Train a fresh network on the MNIST training files and save it as .npz. "
                           "The same command and seed give the same file, bit for bit.")
    train.add_argument("--data", required=True, metavar="DIR", help="folder with the four MNIST .gz files")
    train.add_argument("--hidden", type=_int_between(1, L.max_width), nargs="+", default=[16, 16], metavar="N",
                       help=f"hidden layer sizes: 1 to {L.max_layers} layers of 1 to {L.max_width} neurons "
                       "(default: 16 16)")
    train.add_argument("--activation", choices=["sigmoid", "relu", "tanh"], default="sigmoid",
                       help="hidden-layer activation")
    train.add_argument("--output-activation", choices=["sigmoid", "softmax"], default="softmax",
                       help="output activation")
    train.add_argument("--cost", choices=["cross_entropy", "quadratic"], default="cross_entropy",
                       help="cross-entropy, or the quadratic cost sum (a - y)^2 of 3Blue1Brown's video")
    train.add_argument("--optimizer", choices=["adam", "sgd"], default="adam",
                       help="Adam, or plain mini-batch gradient descent (with --momentum)")
    train.add_argument("--epochs", type=_int_between(0, L.max_epochs), default=30,
                       help="passes over the training set (0 saves the untrained network)")
    train.add_argument("--batch-size", type=_int_between(1, L.max_batch_size), default=L.batch_size,
                       help="mini-batch size")
    train.add_argument("--lr", type=_float_between(0, L.max_lr, low_open=True), default=None,
                       help=f"peak learning rate, decayed along a cosine (default: {L.adam_lr:g} for Adam; "
                       f"{R['sgd', 'cross_entropy']:g} for SGD with cross-entropy, {R['sgd', 'quadratic']:g} "
                       "with the quadratic cost)")
    train.add_argument("--momentum", type=_float_between(0, 1, high_open=True), default=0.0,
                       help="SGD momentum")
    train.add_argument("--seed", type=_int_between(0, 2**32 - 1), default=0,
                       help="random seed; same seed, same file")
    train.add_argument("--augment", action=argparse.BooleanOptionalAction, default=True,
                       help="random shifts, rotations, scaling and stroke changes")
    train.add_argument("--augment-strength", type=_float_between(0, L.max_augment_strength), default=1.0,
                       metavar="S", help="multiply every augmentation magnitude by S")
    train.add_argument("--augment-probability", type=_float_between(0, 1), default=0.75, metavar="P",
                       help="fraction of images distorted in each epoch")
    train.add_argument("--validation", type=_int_between(0, 60_000), default=None, metavar="N",
                       help="hold out the last N training images for validation (default: a sixth of "
                       "the images, at most 10000; at most half, and at least 1000 must remain for training)")
    train.add_argument("--limit", type=_int_between(1, 10**9), default=None, metavar="N",
                       help="train on the first N training images only (for quick checks)")
    train.add_argument("--name", type=_text_up_to(L.max_name), default=None,
                       help="name stored in the file's metadata")
    train.add_argument("--description", type=_text_up_to(L.max_description), default="",
                       help="description stored in the metadata")
    train.add_argument("--out", required=True, metavar="FILE", help="where to write the .npz")
    train.add_argument("--quiet", action="store_true", help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digitviz",
        description="Draw a digit and watch a neural network read it. "
        "With no subcommand, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"digitviz {__version__}")
    parser.add_argument("--weights", metavar="FILE", help="open this weight file instead of the default")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    _add_train_parser(sub)

    evaluate = sub.add_parser("evaluate", help="test accuracy, per-digit accuracy, confusion matrix")
    evaluate.add_argument("file", metavar="FILE", help="weight file")
    evaluate.add_argument("--data", metavar="DIR", default=None,
                          help="folder with the MNIST test files (default: the bundled test set)")

    render = sub.add_parser("render", help="render the network scene for an image, without a window")
    render.add_argument("--input", required=True, metavar="IMAGE",
                        help="a picture of a digit (PNG, ...; dark ink on light or light on dark), "
                             "a .npy array, or mnist:N for test digit N")
    render.add_argument("--out", required=True, metavar="FILE", help="PNG or SVG to write")
    render.add_argument("--weights", metavar="FILE", default=argparse.SUPPRESS,
                        help="weight file (default: shipped; `digitviz --weights FILE render` works too)")
    render.add_argument("--size", default="1600x900", metavar="WxH", help="image size (default 1600x900)")
    render.add_argument("--view", choices=["weights", "signal"], default="signal",
                        help="line strength by |w| or by |w*a| (default: signal)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "train":
        from .commands import train as command
    elif args.command == "evaluate":
        from .commands import evaluate as command
    elif args.command == "render":
        from .commands import render as command
    else:
        from .commands import window as command
    try:
        return command.run(args)
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
