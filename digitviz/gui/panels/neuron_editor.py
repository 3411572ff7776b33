"""Editing one neuron live: switch it off, shift its bias, scale its weights; undo; save.

Edits are :mod:`digitviz.core.edit` functions, each giving a new network that is shown with
``AppState.set_network`` so every view follows. Each edit is a step on the window's one undo
history (Ctrl+Z: "Undo switch-off of neuron 3 (layer 2)"). Test accuracy before and after comes
from the :class:`Evaluator`'s cache.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMenu,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.edit import NeuronEdit
from ...core.names import neuron_name
from ...core.network import Network
from ...core.weightfiles import save_weights
from ..models.evaluator import Evaluator
from ..models.messages import Messages
from ..models.state import AppState
from ..models.undo import NeuronEditCommand, network_chain
from ..widgets.docks import is_covered
from ..widgets.scrolling import put_in_scroll_area


def _percent(evaluator: Evaluator, network: Network | None) -> str:
    if network is None:
        return "–"
    evaluation = evaluator.evaluation_for(network)
    return "…" if evaluation is None else f"{100 * evaluation.accuracy:.2f}%"


class NeuronEditor(QWidget):
    """The "Edit neuron" panel (a dock's widget) and the edit/undo/save logic behind it.

    Parameters
    ----------
    state : the network edited.
    evaluator : gives test accuracies.
    undo_stack : the window's undo history; each edit is a step on it.
    messages : where problems and "saved" notes go.
    selection : the window's NeuronSelection, or None; the spin boxes follow the selected neuron.
    """

    def __init__(self, state: AppState, evaluator: Evaluator, undo_stack: QUndoStack, messages: Messages,
                 selection=None, parent: QWidget | None = None):
        super().__init__(parent)
        self._stale = False  # weights changed while covered: shown by catch_up
        self._state = state
        self._evaluator = evaluator
        self._stack = undo_stack
        self._messages = messages
        self._selection = selection

        self.layer_spin = QSpinBox()
        self.index_spin = QSpinBox()
        self.layer_spin.valueChanged.connect(self._on_layer_spin_value_changed)
        self.index_spin.valueChanged.connect(self._update_neuron_info)
        self.neuron_info = QLabel()
        self.neuron_info.setWordWrap(True)
        pick = QFormLayout()
        pick.addRow("Layer:", self.layer_spin)
        pick.addRow("Neuron:", self.index_spin)

        self.off_button = QPushButton("Switch off")
        self.off_button.setToolTip("Zero its outgoing weights: the next layer no longer hears it "
                                   "(an output is pinned to 0 instead)")
        self.bias_spin = QDoubleSpinBox()
        self.bias_spin.setRange(-50.0, 50.0)
        self.bias_spin.setSingleStep(0.5)
        self.bias_spin.setValue(1.0)
        self.bias_spin.setPrefix("by ")
        self.bias_button = QPushButton("Shift bias")
        self.scale_spin = QDoubleSpinBox()
        self.scale_spin.setRange(-20.0, 20.0)
        self.scale_spin.setSingleStep(0.25)
        self.scale_spin.setValue(0.5)
        self.scale_spin.setPrefix("× ")
        self.scale_button = QPushButton("Scale weights")
        self.scale_button.setToolTip("Multiply its incoming weights")
        self.undo_button = QPushButton("Undo edit")
        self.save_button = QPushButton("Save edited…")
        self.off_button.clicked.connect(self._on_off_button_clicked)
        self.bias_button.clicked.connect(self._on_bias_button_clicked)
        self.scale_button.clicked.connect(self._on_scale_button_clicked)
        self.undo_button.clicked.connect(self.undo)
        self.save_action = QAction("Save &edited network…", self)
        self.save_action.triggered.connect(self._on_save_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        edits = QGridLayout()
        edits.addWidget(self.off_button, 0, 0, 1, 2)
        edits.addWidget(self.bias_spin, 1, 0)
        edits.addWidget(self.bias_button, 1, 1)
        edits.addWidget(self.scale_spin, 2, 0)
        edits.addWidget(self.scale_button, 2, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.undo_button)
        bottom.addWidget(self.save_button)

        self.accuracy_label = QLabel()
        self.accuracy_label.setWordWrap(True)
        self.accuracy_label.setTextFormat(Qt.TextFormat.RichText)
        self.history = QListWidget()
        self.history.setMaximumHeight(90)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addLayout(pick)
        layout.addWidget(self.neuron_info)
        layout.addLayout(edits)
        layout.addLayout(bottom)
        layout.addWidget(self.accuracy_label)
        layout.addWidget(QLabel("Edits (newest last):"))
        layout.addWidget(self.history)
        layout.addStretch(1)
        put_in_scroll_area(self, content)

        self._state.networkChanged.connect(self._on_state_network_changed)
        self._state.parametersChanged.connect(self._on_state_parameters_changed)
        undo_stack.indexChanged.connect(self._on_history_changed)
        evaluator.evaluated.connect(self._on_evaluator_evaluated)
        self._on_state_network_changed()
        self.layer_spin.setValue(1)
        if selection is not None:
            selection.selectionChanged.connect(self._on_selection_changed)
            self._on_selection_changed()

    # -- public -------------------------------------------------------------------------------

    def _chain(self) -> list[NeuronEditCommand]:
        """The edit steps that made the shown network, oldest first (ending at any other change)."""
        chain = network_chain(self._stack, self._state.network)
        while chain and not isinstance(chain[0], NeuronEditCommand):
            chain.pop(0)
        return chain if all(isinstance(c, NeuronEditCommand) for c in chain) else []

    @property
    def edits(self) -> list[NeuronEdit]:
        """The edits that made the shown network, oldest first (undoable with Ctrl+Z)."""
        return [command.edit for command in self._chain()]

    @property
    def original(self) -> Network:
        """The network before the first of :attr:`edits` (the current one if there is none)."""
        chain = self._chain()
        return chain[0].before if chain else self._state.network

    def select(self, layer: int, index: int) -> None:
        """Point the spin boxes at neuron ``index`` of ``layer`` (0 = input, 1 = first hidden layer)."""
        self.layer_spin.setValue(layer)
        self.index_spin.setValue(index)

    def apply_edit(self, layer: int, index: int, off: bool = False, bias_shift: float | None = None,
                   weight_scale: float | None = None) -> Network:
        """Edit one neuron (exactly one of ``off``, ``bias_shift``, ``weight_scale``); returns the new network.

        Raises ValueError for an unknown neuron or not exactly one edit.
        """
        chosen = [off, bias_shift is not None, weight_scale is not None]
        if sum(bool(c) for c in chosen) != 1:
            raise ValueError("give exactly one of off=True, bias_shift=..., weight_scale=...")
        if off:
            edit = NeuronEdit(layer, index, "off")
        elif bias_shift is not None:
            edit = NeuronEdit(layer, index, "bias", float(bias_shift))
        else:
            edit = NeuronEdit(layer, index, "scale", float(weight_scale))
        before = self._state.network
        command = NeuronEditCommand(self._state, edit)  # raises ValueError for a neuron that does not exist
        self._evaluator.request(before, keep=True)
        self._stack.push(command)
        return command.after

    @Slot()
    def undo(self) -> Network | None:
        """Undo the last step if it is a neuron edit; returns the network restored (None if the
        last step is no neuron edit, e.g. a stroke)."""
        chain = self._chain()
        if not chain or self._stack.index() == 0 or self._stack.command(self._stack.index() - 1) is not chain[-1]:
            return None
        self._stack.undo()
        return self._state.network

    def save(self, path) -> Path | None:
        """Write the current (edited) network to ``path``; problems are reported, not raised."""
        try:
            return save_weights(self._state.network, path)
        except OSError as exc:
            self._messages.report_error(f"{path}: could not save the network ({exc.strerror or exc})")
            return None

    def fill_menu(self, menu: QMenu) -> None:
        """Put "Save edited network…" in ``menu`` (undo is the window's Edit -> Undo)."""
        menu.addAction(self.save_action)

    # -- internals ----------------------------------------------------------------------------

    @Slot()
    def _on_state_network_changed(self) -> None:
        n_layers = len(self._state.network.weights)
        self.layer_spin.blockSignals(True)
        self.layer_spin.setRange(0, n_layers)
        self.layer_spin.blockSignals(False)
        self._on_layer_spin_value_changed(self.layer_spin.value())
        self._on_history_changed()

    @Slot()
    def _on_state_parameters_changed(self) -> None:
        # Same shape, new weights (training shows ten a second): the layers and the history stay.
        if is_covered(self):  # caught up when its tab comes to the front
            self._stale = True
            return
        self.catch_up(force=True)

    def catch_up(self, force: bool = False) -> None:
        """Show the weights that changed while the editor was covered (the window calls this)."""
        if self._stale or force:
            self._stale = False
            self._update_neuron_info()
            self._update_accuracy()

    @Slot()
    def _on_history_changed(self) -> None:
        edits = self.edits
        self.history.clear()
        self.history.addItems([edit.describe() for edit in edits])
        self.undo_button.setEnabled(bool(edits) and self._chain()[-1] is self._stack.command(self._stack.index() - 1))
        self._update_accuracy()

    @Slot()
    def _on_selection_changed(self) -> None:
        if self._selection.current is not None:
            self.select(*self._selection.current)

    @Slot(int)
    def _on_layer_spin_value_changed(self, layer: int) -> None:
        size = self._state.network.sizes[layer]
        self.index_spin.setRange(0, size - 1)
        # An input pixel has no bias or incoming weights: it can only be switched off.
        self.bias_button.setEnabled(layer > 0)
        self.scale_button.setEnabled(layer > 0)
        self._update_neuron_info()

    @Slot()
    def _update_neuron_info(self) -> None:
        net = self._state.network
        layer, index = self.layer_spin.value(), self.index_spin.value()
        if layer == 0:
            text = neuron_name(net, 0, index)
        else:
            kind = f"output (digit {index})" if layer == len(net.weights) else f"hidden layer {layer}"
            bias = float(net.biases[layer - 1][index])
            weights = net.weights[layer - 1][index]
            text = (f"{kind}: bias {bias:+.3f}, {weights.size} incoming weights "
                    f"in [{weights.min():+.2f}, {weights.max():+.2f}]")
        if layer < len(net.weights) and not np.any(net.weights[layer][:, index]):
            text += " — switched off (no outgoing weights)"
        self.neuron_info.setText(text)

    @Slot(str, object)
    def _on_evaluator_evaluated(self, _key: str, _evaluation) -> None:
        self._update_accuracy()

    def _update_accuracy(self) -> None:
        ev = self._evaluator
        now = _percent(ev, self._state.network)
        chain = self._chain()
        if not chain:
            self.accuracy_label.setText(f"Test accuracy: <b>{now}</b> (no edits)")
            return
        before, original = chain[-1].before, chain[0].before
        change = ""
        first, last = ev.evaluation_for(original), ev.evaluation_for(self._state.network)
        if first is not None and last is not None:
            change = f" ({100 * (last.accuracy - first.accuracy):+.2f} points)"
        self.accuracy_label.setText(
            f"Test accuracy: before edits {_percent(ev, original)} · "
            f"before last edit {_percent(ev, before)} · now <b>{now}</b>{change}"
        )

    @Slot()
    def _on_off_button_clicked(self) -> None:
        self._apply_from_widgets(off=True)

    @Slot()
    def _on_bias_button_clicked(self) -> None:
        self._apply_from_widgets(bias_shift=self.bias_spin.value())

    @Slot()
    def _on_scale_button_clicked(self) -> None:
        self._apply_from_widgets(weight_scale=self.scale_spin.value())

    def _apply_from_widgets(self, **edit) -> None:
        try:
            self.apply_edit(self.layer_spin.value(), self.index_spin.value(), **edit)
        except ValueError as exc:
            self._messages.report_error(str(exc))

    @Slot()
    def _on_save_button_clicked(self) -> None:
        name = self._state.network.name.replace(" ", "-").replace("(", "").replace(")", "")
        path, _ = QFileDialog.getSaveFileName(self, "Save the edited network", f"{name}.npz",
                                              "Weight files (*.npz *.json)")
        if path:
            saved = self.save(path)
            if saved is not None:
                self._messages.show_status(f"Saved {saved}", 5000)
