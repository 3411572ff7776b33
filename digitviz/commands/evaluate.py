"""``digitviz evaluate FILE``: test accuracy, per-digit accuracy and confusion matrix."""

from __future__ import annotations

import sys

from ..core.evaluate import evaluate, format_report
from ..core.mnist import DataError, bundled_test_set, load_mnist
from ..core.weightfiles import WeightFileError, load_weights


def run(args) -> int:
    try:
        network = load_weights(args.file)
        digits = bundled_test_set() if args.data is None else load_mnist(args.data, "test")
    except (WeightFileError, DataError) as exc:
        print(f"digitviz evaluate: {exc}", file=sys.stderr)
        return 2
    source = "bundled MNIST test set" if args.data is None else f"MNIST test set in {args.data}"
    title = f"{network.name} ({network.shape_text}, {network.n_parameters:,} parameters) on the {source}"
    print(format_report(evaluate(network, digits), title))
    return 0
