"""A network's test accuracy as it is measured: a label and a progress bar."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from ...core.network import Network
from ..models.evaluator import Evaluator


class AccuracyJob(QWidget):
    """A label and a progress bar that show one network's test accuracy as it is computed.

    ``keep``: have the evaluation finish even when the shown network changes meanwhile (for a
    network other than the shown one, such as the one compared with).

    Signals
    -------
    accuracyReady(float) : the accuracy of the network last given to :meth:`start`.
    """

    accuracyReady = Signal(float)

    def __init__(self, evaluator: Evaluator, keep: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self._evaluator = evaluator
        self._keep = keep
        self._key: str | None = None
        self.accuracy: float | None = None
        self.label = QLabel("—")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.bar.setFormat("testing %v / %m digits")
        self.bar.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        evaluator.evaluated.connect(self._on_evaluator_evaluated)
        evaluator.progress.connect(self._on_evaluator_progress)
        evaluator.failed.connect(self._on_evaluator_failed)

    @property
    def is_running(self) -> bool:
        return self._key is not None and self.accuracy is None and self._evaluator.is_pending(self._key)

    def start(self, network: Network | None) -> None:
        """Show the accuracy of ``network`` (None: show nothing), measuring it if need be."""
        self.accuracy = None
        if network is None:
            self._key = None
            self.label.setText("—")
            self.bar.hide()
            return
        self._key = network.fingerprint()
        cached = self._evaluator.evaluation_for(network)
        if cached is not None:
            self._show(cached.accuracy)
            return
        self.label.setText("measuring on the 10,000 MNIST test digits…")
        self.bar.setRange(0, 0)  # busy until the first progress report
        self.bar.show()
        self._evaluator.request(network, keep=self._keep)

    def _show(self, accuracy: float) -> None:
        self.bar.hide()
        self.accuracy = float(accuracy)
        self.label.setText(f"<b>{100 * self.accuracy:.2f}%</b> of the 10,000 MNIST test digits")
        self.accuracyReady.emit(self.accuracy)

    @Slot(str, int, int)
    def _on_evaluator_progress(self, key: str, done: int, total: int) -> None:
        if key == self._key and self.accuracy is None:
            self.bar.setRange(0, total)
            self.bar.setValue(done)

    @Slot(str, object)
    def _on_evaluator_evaluated(self, key: str, evaluation) -> None:
        if key == self._key and self.accuracy is None:
            self._show(evaluation.accuracy)

    @Slot(str)
    def _on_evaluator_failed(self, message: str) -> None:
        if self._key is not None and self.accuracy is None and not self._evaluator.is_pending(self._key):
            self.bar.hide()
            self.label.setText(f"could not be measured: {message.splitlines()[0]}")
