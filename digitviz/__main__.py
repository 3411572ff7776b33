"""The ``digitviz`` command: no subcommand opens the window; ``train``, ``evaluate``, ``render``."""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digitviz",
        description="Draw a digit and watch a neural network read it. "
        "With no subcommand, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"digitviz {__version__}")
    parser.add_argument("--weights", metavar="FILE", help="open this weight file instead of the default")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    train = sub.add_parser("train", help="train a network on MNIST and save its weights")
    train.add_argument("--data", required=True, metavar="DIR", help="folder with the four MNIST .gz files")
    train.add_argument("--hidden", type=_positive_int, nargs="*", default=[16, 16], metavar="N",
                       help="hidden layer sizes (default: 16 16)")
    train.add_argument("--activation", choices=["sigmoid", "relu", "tanh"], default="sigmoid",
                       help="hidden-layer activation (default: sigmoid)")
    train.add_argument("--output-activation", choices=["sigmoid", "softmax"], default="softmax",
                       help="output activation (default: softmax, trained with cross-entropy)")
    train.add_argument("--epochs", type=_count, default=30,
                       help="passes over the training set (0 saves the untrained network)")
    train.add_argument("--batch-size", type=_positive_int, default=32, help="mini-batch size")
    train.add_argument("--lr", type=float, default=3e-3, help="peak Adam learning rate (cosine decay)")
    train.add_argument("--seed", type=int, default=0, help="random seed; same seed, same file")
    train.add_argument("--augment", action=argparse.BooleanOptionalAction, default=True,
                       help="random shifts, rotations, scaling and stroke changes (default: on)")
    train.add_argument("--augment-strength", type=float, default=1.0, metavar="S",
                       help="multiply every augmentation magnitude by S (default: 1.0)")
    train.add_argument("--augment-probability", type=float, default=0.75, metavar="P",
                       help="fraction of images distorted in each epoch (default: 0.75)")
    train.add_argument("--validation", type=int, default=10_000, metavar="N",
                       help="hold out the last N training images for validation (default: 10000)")
    train.add_argument("--limit", type=int, default=None, metavar="N",
                       help="train on the first N training images only (for quick checks)")
    train.add_argument("--name", default=None, help="name stored in the file's metadata")
    train.add_argument("--description", default="", help="description stored in the metadata")
    train.add_argument("--out", required=True, metavar="FILE", help="where to write the .npz")
    train.add_argument("--quiet", action="store_true", help="no progress bar")

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
    """Run the ``digitviz`` command; returns the exit status (2 for bad input, 130 for Ctrl-C)."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        # One line, no traceback; 130 = 128 + SIGINT, what shells report for Ctrl-C.
        print("digitviz: interrupted", file=sys.stderr)
        return 130


def _main(argv: list[str] | None) -> int:
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
