"""Editing one neuron live: switch it off, shift its bias, scale its weights; undo; save.

Edits are :mod:`digitviz.core.edit` functions, each giving a new network that is shown with
``AppState.set_network`` so every view follows. The undo stack is a list of the networks before
each edit. Test accuracy before and after comes from the :class:`Evaluator`'s cache.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction
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

from ..core.edit import NeuronEdit
from ..core.network import Network
from ..core.weightfiles import save_weights
from .evaluation_view import put_in_scroll_area
from .evaluator import Evaluator


def _percent(evaluator: Evaluator, network: Network | None) -> str:
    if network is None:
        return "–"
    evaluation = evaluator.evaluation_for(network)
    return "…" if evaluation is None else f"{100 * evaluation.accuracy:.2f}%"


class NeuronEditor(QWidget):
    """The "Edit neuron" panel (a dock's widget) and the edit/undo/save logic behind it.

    Parameters
    ----------
    window : the MainWindow (``state``, ``report_error``, ``statusBar``).
    evaluator : gives test accuracies.
    selection : the window's NeuronSelection, or None; the spin boxes follow the selected neuron.
    """

    def __init__(self, window, evaluator: Evaluator, selection=None, parent: QWidget | None = None):
        super().__init__(parent)
        self._window = window
        self._state = window.state
        self._evaluator = evaluator
        self._selection = selection
        self._undo: list[tuple[Network, NeuronEdit]] = []
        self._original: Network | None = None  # the network before the first edit of the stack
        self._ours: Network | None = None  # the network we last set, to tell our changes from others'

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
        self.undo_action = QAction("Undo &neuron edit", self)
        self.undo_action.triggered.connect(self.undo)
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
        evaluator.evaluated.connect(self._on_evaluator_evaluated)
        self._on_state_network_changed()
        self.layer_spin.setValue(1)
        if selection is not None:
            selection.selectionChanged.connect(self._on_selection_changed)
            self._on_selection_changed()

    # -- public -------------------------------------------------------------------------------

    @property
    def edits(self) -> list[NeuronEdit]:
        """The edits on the undo stack, oldest first."""
        return [edit for _, edit in self._undo]

    @property
    def original(self) -> Network:
        """The network before the first edit on the stack (the current one if there is none)."""
        return self._original if self._original is not None else self._state.network

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
        edited = edit.apply(before)
        if not self._undo:
            self._original = before
        self._undo.append((before, edit))
        self._evaluator.request(before, keep=True)
        self._set_network(edited)
        return edited

    @Slot()
    def undo(self) -> Network | None:
        """Go back to the network before the last edit; returns it (None if there is nothing to undo)."""
        if not self._undo:
            return None
        before, _ = self._undo.pop()
        if not self._undo:
            self._original = None
        self._set_network(before)
        return before

    def save(self, path) -> Path | None:
        """Write the current (edited) network to ``path``; problems are reported, not raised."""
        try:
            return save_weights(self._state.network, path)
        except OSError as exc:
            self._window.report_error(f"{path}: could not save the network ({exc.strerror or exc})")
            return None

    def fill_menu(self, menu: QMenu) -> None:
        """Put "Undo neuron edit" and "Save edited network…" in ``menu`` (no keys: Ctrl+Z is the canvas's)."""
        menu.addAction(self.undo_action)
        menu.addAction(self.save_action)

    # -- internals ----------------------------------------------------------------------------

    def _set_network(self, network: Network) -> None:
        self._ours = network
        self._state.set_network(network)

    @Slot()
    def _on_state_network_changed(self) -> None:
        network = self._state.network
        if network is not self._ours:  # opened from a file, or set by a script: a fresh start
            self._undo.clear()
            self._original = None
            self._ours = network
        n_layers = len(network.weights)
        self.layer_spin.blockSignals(True)
        self.layer_spin.setRange(0, n_layers)
        self.layer_spin.blockSignals(False)
        self._on_layer_spin_value_changed(self.layer_spin.value())
        self.history.clear()
        self.history.addItems([edit.describe() for edit in self.edits])
        self.undo_button.setEnabled(bool(self._undo))
        self.undo_action.setEnabled(bool(self._undo))
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
            side = round(np.sqrt(net.sizes[0]))
            text = f"input pixel {index}" + (f" (row {index // side}, column {index % side})"
                                              if side * side == net.sizes[0] else "")
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
        if not self._undo:
            self.accuracy_label.setText(f"Test accuracy: <b>{now}</b> (no edits)")
            return
        before = self._undo[-1][0]
        change = ""
        first, last = ev.evaluation_for(self._original), ev.evaluation_for(self._state.network)
        if first is not None and last is not None:
            change = f" ({100 * (last.accuracy - first.accuracy):+.2f} points)"
        self.accuracy_label.setText(
            f"Test accuracy: before edits {_percent(ev, self._original)} · "
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
            self._window.report_error(str(exc))

    @Slot()
    def _on_save_button_clicked(self) -> None:
        name = self._state.network.name.replace(" ", "-").replace("(", "").replace(")", "")
        path, _ = QFileDialog.getSaveFileName(self, "Save the edited network", f"{name}.npz",
                                              "Weight files (*.npz *.json)")
        if path:
            saved = self.save(path)
            if saved is not None:
                self._window.statusBar().showMessage(f"Saved {saved}", 5000)
