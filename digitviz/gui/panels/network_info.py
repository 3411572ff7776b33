"""What network is shown: name, description, shape, parameters, file, and its test accuracy.

The accuracy on the bundled MNIST test set comes from the window's :class:`Evaluator` (the
same background, cached computation as the Evaluation dock and ``digitviz evaluate``), with a
progress bar while it runs; the window never waits for it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFormLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from ...core.network import Network
from ..models.evaluator import Evaluator, network_fingerprint
from ..models.state import AppState


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
        self._key = network_fingerprint(network)
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


class NetworkInfoPanel(QWidget):
    """Name, description, shape, parameter count, activations, file and test accuracy.

    ``source()`` gives the file the shown network came from, or None.
    """

    def __init__(self, state: AppState, evaluator: Evaluator, source: Callable[[], Path | None],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._state = state
        self._source = source
        self.name_label = QLabel()
        self.name_label.setTextFormat(Qt.TextFormat.RichText)
        self.description_label = QLabel()
        self.description_label.setWordWrap(True)
        self.shape_label = QLabel()
        self.parameters_label = QLabel()
        self.activation_label = QLabel()
        self.file_label = QLabel()  # the name; the whole path in its tooltip
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.accuracy = AccuracyJob(evaluator)

        form = QFormLayout()
        form.addRow("Shape", self.shape_label)
        form.addRow("Parameters", self.parameters_label)
        form.addRow("Activations", self.activation_label)
        form.addRow("File", self.file_label)
        form.addRow("Accuracy", self.accuracy)
        layout = QVBoxLayout(self)
        layout.addWidget(self.name_label)
        layout.addWidget(self.description_label)
        layout.addLayout(form)
        layout.addStretch(1)

        state.networkChanged.connect(self._on_state_network_changed)
        # Edits in place (the neuron editor) change the network without a networkChanged.
        evaluator.currentChanged.connect(self._on_evaluator_current_changed)
        self._on_state_network_changed()

    @Slot()
    def _on_state_network_changed(self) -> None:
        net = self._state.network
        self.name_label.setText(f"<b>{_escape(net.name)}</b>")
        description = str(net.metadata.get("description", "") or net.metadata.get("format", ""))
        self.description_label.setText(description)
        self.description_label.setVisible(bool(description))
        self.shape_label.setText(net.shape_text)
        self.parameters_label.setText(f"{net.n_parameters:,}")
        self.activation_label.setText(f"{net.hidden_activation} hidden, {net.output_activation} output")
        self.refresh_source()
        self.accuracy.start(net)

    @Slot(object)
    def _on_evaluator_current_changed(self, evaluation) -> None:
        self.accuracy.start(self._state.network)

    @Slot()
    def refresh_source(self) -> None:
        """Show the file the network came from again (after Save as, say)."""
        path = self._source()
        self.file_label.setText(path.name if path is not None else "(not from a file)")
        self.file_label.setToolTip(str(path) if path is not None else "")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
