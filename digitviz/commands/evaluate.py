"""``digitviz evaluate FILE``: accuracy, per-digit accuracy and confusion matrix as tables."""

from __future__ import annotations

import sys

from ..core.evaluate import Evaluation, evaluate
from ..core.mnist import DataError, bundled_test_set, load_mnist
from ..core.weightfile import WeightFileError, load_weights


def format_report(evaluation: Evaluation, title: str, mistakes: int = 5) -> str:
    """The readable text report: overall accuracy, a per-digit table, the confusion matrix."""
    e = evaluation
    lines = [title, "", f"accuracy: {100 * e.accuracy:.2f}%  ({e.n_correct} of {e.n} correct)", ""]
    lines.append("digit  count  correct  accuracy")
    for d in range(len(e.per_class_accuracy)):
        count = int(e.confusion[d].sum())
        lines.append(f"{d:>5}  {count:>5}  {int(e.confusion[d, d]):>7}  {100 * e.per_class_accuracy[d]:>7.2f}%")
    lines += ["", "confusion matrix (rows: true digit, columns: predicted digit)", ""]
    width = max(5, len(str(int(e.confusion.max()))) + 1)
    lines.append("true\\pred" + "".join(f"{d:>{width}}" for d in range(e.confusion.shape[1])))
    for d, row in enumerate(e.confusion):
        lines.append(f"{d:>9}" + "".join(f"{int(v):>{width}}" for v in row))
    worst = e.mistakes(mistakes)
    if worst:
        lines += ["", "most confident mistakes (index in the set: true -> predicted, confidence)"]
        lines += [f"  #{m.index}: {m.label} -> {m.predicted}, {m.confidence:.3f}" for m in worst]
    return "\n".join(lines)


def run(args) -> int:
    def fail(message: str) -> int:
        print(f"digitviz evaluate: error: {message}", file=sys.stderr)
        return 2

    try:
        network = load_weights(args.file)
    except WeightFileError as exc:
        return fail(str(exc))
    try:
        if args.data is None:
            digits, source = bundled_test_set(), "the bundled MNIST test set"
        else:
            digits, source = load_mnist(args.data, "test"), f"the MNIST test set in {args.data}"
    except DataError as exc:
        return fail(str(exc))
    result = evaluate(network, digits)
    title = f"{network.name} ({network.shape_text}, {network.hidden_activation}/{network.output_activation}) on {source}"
    print(format_report(result, title))
    return 0
