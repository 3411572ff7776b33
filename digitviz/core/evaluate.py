"""How well a network reads a set of digits: accuracy, per-digit accuracy, confusion, mistakes.

``digitviz evaluate`` and the in-app evaluation view both call :func:`evaluate`, so they agree
to the digit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .mnist import Digits
from .network import Network


@dataclass(frozen=True)
class Evaluation:
    """The result of :func:`evaluate` over n digits.

    ``predictions`` (n,) int, ``confidences`` (n,) the winning output's activation, ``labels``
    (n,) int, ``accuracy`` in [0, 1], ``per_class_accuracy`` (10,) (NaN for a digit absent from
    the set), ``confusion`` (10, 10) int counts with rows = true label and columns = prediction,
    ``mistakes`` indices of the wrongly read digits, most confident first.
    """

    predictions: np.ndarray
    confidences: np.ndarray
    labels: np.ndarray
    accuracy: float
    per_class_accuracy: np.ndarray
    confusion: np.ndarray
    mistakes: np.ndarray

    @property
    def n_correct(self) -> int:
        return int(np.trace(self.confusion))

    def most_confident_mistakes(self, k: int = 10) -> np.ndarray:
        """Indices of the k wrong answers given with the highest confidence."""
        return self.mistakes[:k]

    def cell(self, true_label: int, predicted: int) -> np.ndarray:
        """Indices of the digits labelled ``true_label`` that were read as ``predicted``."""
        return np.flatnonzero((self.labels == true_label) & (self.predictions == predicted))


def evaluate(
    network: Network,
    digits: Digits,
    batch_size: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> Evaluation:
    """Run ``network`` over ``digits`` in batches; ``progress(done, total)`` after each batch."""
    n = len(digits)
    outputs = np.empty((n, network.sizes[-1]))
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        outputs[start:stop] = network.forward(digits.images[start:stop])[-1]
        if progress is not None:
            progress(stop, n)
    predictions = np.argmax(outputs, axis=1) if n else np.zeros(0, dtype=np.int64)
    confidences = outputs[np.arange(n), predictions]
    labels = np.asarray(digits.labels, dtype=np.int64)
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (labels, predictions), 1)
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.where(totals > 0, np.diag(confusion) / np.maximum(totals, 1), np.nan)
    wrong = np.flatnonzero(predictions != labels)
    wrong = wrong[np.argsort(-confidences[wrong], kind="stable")]
    accuracy = float(np.mean(predictions == labels)) if n else float("nan")
    return Evaluation(predictions, confidences, labels, accuracy, per_class, confusion, wrong)


def format_report(evaluation: Evaluation, title: str = "") -> str:
    """A plain-text report: accuracy, per-digit accuracy and the confusion matrix."""
    n = len(evaluation.labels)
    lines = []
    if title:
        lines += [title, ""]
    lines.append(f"Test accuracy: {100 * evaluation.accuracy:.2f}% ({evaluation.n_correct:,} / {n:,})")
    lines += ["", "Per digit:", "  digit  count  correct  accuracy"]
    for d in range(10):
        count = int(evaluation.confusion[d].sum())
        acc = evaluation.per_class_accuracy[d]
        acc_text = "     -" if np.isnan(acc) else f"{100 * acc:8.2f}%"
        lines.append(f"  {d:5d}  {count:5d}  {int(evaluation.confusion[d, d]):7d}  {acc_text}")
    lines += ["", "Confusion matrix (rows: true digit, columns: the network's answer):"]
    lines.append("true\\pred " + "".join(f"{d:6d}" for d in range(10)))
    for d in range(10):
        lines.append(f"{d:9d} " + "".join(f"{int(c):6d}" for c in evaluation.confusion[d]))
    mistakes = evaluation.most_confident_mistakes(5)
    if len(mistakes):
        lines += ["", "Most confident mistakes (test index: true -> answer, confidence):"]
        for i in mistakes:
            lines.append(
                f"  #{int(i)}: {int(evaluation.labels[i])} -> {int(evaluation.predictions[i])}, "
                f"{evaluation.confidences[i]:.3f}"
            )
    return "\n".join(lines)
