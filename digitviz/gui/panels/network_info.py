"""What network is shown: name, description, shape, parameters, file, and its test accuracy.

The accuracy on the bundled MNIST test set comes from the window's :class:`Evaluator` (the
same background, cached computation as the Evaluation dock and ``digitviz evaluate``), with a
progress bar while it runs; the window never waits for it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from ..models.evaluator import Evaluator
from ..models.state import AppState
from ..widgets.accuracy import AccuracyJob


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
        self.name_label.setText(f"<b>{html.escape(net.name)}</b>")
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
