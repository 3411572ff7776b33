"""Scoring a network on labelled digits: accuracy, per-digit accuracy, confusion matrix, mistakes.

Pure NumPy, so the command line and the GUI's evaluation view share the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .mnist import Digits
from .network import Network

N_CLASSES = 10


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray, n_classes: int = N_CLASSES) -> np.ndarray:
    """(n_classes, n_classes) int64 counts: row = true label, column = predicted label."""
    labels = np.asarray(labels, dtype=np.int64)
    predictions = np.asarray(predictions, dtype=np.int64)
    flat = np.bincount(labels * n_classes + predictions, minlength=n_classes * n_classes)
    return flat.reshape(n_classes, n_classes)


def per_class_accuracy(confusion: np.ndarray) -> np.ndarray:
    """(n_classes,) float: the diagonal over each row's total (NaN for a label never seen)."""
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(confusion) / np.maximum(totals, 1), np.nan)


@dataclass(frozen=True)
class Mistake:
    """One wrongly classified digit: its index in the set, true label, guess and confidence."""

    index: int
    label: int
    predicted: int
    confidence: float


@dataclass(frozen=True)
class Evaluation:
    """A network's results on a set of n digits.

    ``labels``, ``predictions``: (n,) int64; ``confidences``: (n,) float, the output activation
    of the predicted digit; ``outputs``: (n, 10) output activations; ``accuracy``: float in
    [0, 1]; ``per_class_accuracy``: (10,) float; ``confusion``: (10, 10) int64, rows = true
    label, columns = predicted.
    """

    labels: np.ndarray
    predictions: np.ndarray
    confidences: np.ndarray
    outputs: np.ndarray
    accuracy: float
    per_class_accuracy: np.ndarray
    confusion: np.ndarray

    @property
    def n(self) -> int:
        return len(self.labels)

    @property
    def n_correct(self) -> int:
        return int(np.trace(self.confusion))

    def mistakes(self, limit: int | None = None, label: int | None = None,
                 predicted: int | None = None) -> list[Mistake]:
        """Wrong answers, most confident first (optionally one confusion-matrix cell only)."""
        wrong = self.predictions != self.labels
        if label is not None:
            wrong &= self.labels == label
        if predicted is not None:
            wrong &= self.predictions == predicted
        idx = np.flatnonzero(wrong)
        idx = idx[np.argsort(-self.confidences[idx], kind="stable")][:limit]
        return [Mistake(int(i), int(self.labels[i]), int(self.predictions[i]), float(self.confidences[i]))
                for i in idx]


def evaluate(network: Network, digits: Digits, chunk: int = 10_000) -> Evaluation:
    """Run ``network`` on every image of ``digits`` ((n, 784) in [0, 1]) and score it."""
    outputs = np.concatenate(
        [network.forward(digits.images[s : s + chunk])[-1] for s in range(0, len(digits), chunk)]
    ) if len(digits) else np.zeros((0, network.sizes[-1]))
    predictions = np.argmax(outputs, axis=1).astype(np.int64)
    confidences = outputs[np.arange(len(outputs)), predictions]
    labels = np.asarray(digits.labels, dtype=np.int64)
    confusion = confusion_matrix(labels, predictions, outputs.shape[1])
    acc = float(np.mean(predictions == labels)) if len(labels) else float("nan")
    return Evaluation(labels, predictions, confidences, outputs, acc, per_class_accuracy(confusion), confusion)
