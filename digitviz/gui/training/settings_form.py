"""The Training dock's settings form: the start network, its shape and how it is trained.

Built from the :class:`TrainingSession` whose settings it shows; it emits what the widgets now
say (``settingsEdited``; the window hands it to ``session.configure``) or what is wrong with it
(``problem``). A run keeps its settings: while one exists (``session.has_run``) the form is
locked. Model -> widget updates happen with the widgets' signals blocked.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from ...core.trainer import DEFAULT_LEARNING_RATES
from ..models.training import TrainingSession
from ..models.training_settings import MAX_HIDDEN_LAYERS, MAX_HIDDEN_NEURONS, TrainingSettings

STARTS = [("fresh", "fresh random"), ("untrained", "shipped untrained"), ("current", "current network")]


def parse_hidden(text: str) -> tuple[int, ...]:
    """``"16 16"`` -> (16, 16); ValueError naming the problem otherwise."""
    parts = [p for p in re.split(r"[\s,x]+", text.strip()) if p]
    if not parts or any(not p.isdigit() for p in parts):
        raise ValueError(f"hidden layers: give 1 to {MAX_HIDDEN_LAYERS} sizes, e.g. 16 16")
    return tuple(int(p) for p in parts)


class TrainingSettingsForm(QWidget):
    """A grid of the settings widgets; ``widgets`` lists them in the order of the grid's rows.

    Signals
    -------
    settingsEdited(object TrainingSettings) : the settings widgets now say this.
    problem(str message) : the widgets say nothing valid (e.g. a hidden layer of 0 neurons).
    """

    settingsEdited = Signal(object)
    problem = Signal(str)

    def __init__(self, session: TrainingSession, parent: QWidget | None = None):
        super().__init__(parent)
        self._session = session
        self.start_combo = QComboBox()
        for key, text in STARTS:
            self.start_combo.addItem(text, key)
        self.start_combo.setToolTip("Train a fresh random network (drawn from the seed), the shipped untrained "
                                    "network, or the network the window shows now")
        self.hidden_edit = QLineEdit()
        self.hidden_edit.setValidator(QRegularExpressionValidator(r"^\s*\d{1,3}(\s+\d{1,3}){0,3}\s*$"))
        self.hidden_edit.setToolTip(f"Neurons per hidden layer, 1 to {MAX_HIDDEN_LAYERS} layers of at most "
                                    f"{MAX_HIDDEN_NEURONS}: e.g. 16 16 (the video), 32, 64 32 16")
        self.activation_combo = QComboBox()
        self.activation_combo.addItem("sigmoid", "sigmoid")
        self.activation_combo.addItem("ReLU", "relu")
        self.cost_combo = QComboBox()
        self.cost_combo.addItem("cross-entropy", "cross_entropy")
        self.cost_combo.addItem("quadratic (video)", "quadratic")
        self.optimizer_combo = QComboBox()
        self.optimizer_combo.addItem("Adam", "adam")
        self.optimizer_combo.addItem("SGD (video)", "sgd")
        self.lr_spin = QDoubleSpinBox()
        self.lr_spin.setDecimals(4)
        self.lr_spin.setRange(0.0001, 10.0)
        self.lr_spin.setSingleStep(0.001)
        self.lr_spin.setToolTip("Learning rate (step size)")
        self.momentum_spin = QDoubleSpinBox()
        self.momentum_spin.setRange(0.0, 0.99)
        self.momentum_spin.setSingleStep(0.1)
        self.momentum_spin.setToolTip("Momentum of SGD (0: plain mini-batch gradient descent)")
        self.batch_spin = QSpinBox()
        self.batch_spin.setRange(1, 4096)
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 1000)
        self.augment_check = QCheckBox("augment")
        self.augment_check.setToolTip("Randomly shift, rotate, scale and warp the training digits")
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.widgets = (self.start_combo, self.hidden_edit, self.activation_combo, self.cost_combo,
                        self.optimizer_combo, self.lr_spin, self.momentum_spin, self.batch_spin,
                        self.epochs_spin, self.augment_check, self.seed_spin)
        self._lay_out()

        for combo in (self.start_combo, self.activation_combo, self.cost_combo, self.optimizer_combo):
            combo.currentIndexChanged.connect(self._on_settings_widget_changed)
        for spin in (self.lr_spin, self.momentum_spin, self.batch_spin, self.epochs_spin, self.seed_spin):
            spin.valueChanged.connect(self._on_settings_widget_changed)
        self.augment_check.toggled.connect(self._on_settings_widget_changed)
        self.hidden_edit.editingFinished.connect(self._on_settings_widget_changed)
        # A new optimiser or cost brings its own default learning rate.
        self.optimizer_combo.currentIndexChanged.connect(self._on_optimizer_or_cost_changed)
        self.cost_combo.currentIndexChanged.connect(self._on_optimizer_or_cost_changed)

        session.runningChanged.connect(self._on_session_running_changed)
        session.cleared.connect(self._on_session_cleared)
        self.show_settings(session.settings)
        self._on_session_running_changed(session.is_running())

    def _lay_out(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(3)

        def row(r, c, text, widget, span=1):
            label = QLabel(text)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(label, r, c)
            grid.addWidget(widget, r, c + 1, 1, span)

        row(0, 0, "Start from", self.start_combo)
        row(0, 2, "Seed", self.seed_spin)
        row(1, 0, "Hidden", self.hidden_edit)
        row(1, 2, "Activation", self.activation_combo)
        row(2, 0, "Cost", self.cost_combo)
        row(2, 2, "Optimiser", self.optimizer_combo)
        row(3, 0, "Learning rate", self.lr_spin)
        row(3, 2, "Momentum", self.momentum_spin)
        row(4, 0, "Batch size", self.batch_spin)
        epochs = QHBoxLayout()
        epochs.addWidget(self.epochs_spin, 1)
        epochs.addWidget(self.augment_check)
        grid.addWidget(QLabel("Epochs"), 4, 2, Qt.AlignmentFlag.AlignRight)
        grid.addLayout(epochs, 4, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

    def settings_from_widgets(self) -> TrainingSettings:
        """The settings the widgets show; ValueError naming the problem."""
        return TrainingSettings(
            start=self.start_combo.currentData(), hidden=parse_hidden(self.hidden_edit.text()),
            activation=self.activation_combo.currentData(), cost=self.cost_combo.currentData(),
            optimizer=self.optimizer_combo.currentData(), learning_rate=round(self.lr_spin.value(), 6),
            momentum=self.momentum_spin.value(), batch_size=self.batch_spin.value(),
            epochs=self.epochs_spin.value(), augment=self.augment_check.isChecked(), seed=self.seed_spin.value(),
        )

    def show_settings(self, s: TrainingSettings) -> None:
        """Show ``s`` in the widgets (with their signals blocked: nothing is emitted)."""
        blockers = [QSignalBlocker(w) for w in self.widgets]
        self.start_combo.setCurrentIndex(self.start_combo.findData(s.start))
        self.hidden_edit.setText(" ".join(str(n) for n in s.hidden))
        self.activation_combo.setCurrentIndex(self.activation_combo.findData(s.activation))
        self.cost_combo.setCurrentIndex(self.cost_combo.findData(s.cost))
        self.optimizer_combo.setCurrentIndex(self.optimizer_combo.findData(s.optimizer))
        lr = s.learning_rate if s.learning_rate is not None else DEFAULT_LEARNING_RATES[s.optimizer, s.cost]
        self.lr_spin.setValue(lr)
        self.momentum_spin.setValue(s.momentum)
        self.batch_spin.setValue(s.batch_size)
        self.epochs_spin.setValue(s.epochs)
        self.augment_check.setChecked(s.augment)
        self.seed_spin.setValue(s.seed)
        del blockers
        self._update_shape_widgets()

    def _update_shape_widgets(self) -> None:
        fresh = self.start_combo.currentData() == "fresh"
        self.hidden_edit.setEnabled(fresh and not self._session.has_run)
        self.activation_combo.setEnabled(fresh and not self._session.has_run)
        self.momentum_spin.setEnabled(self.optimizer_combo.currentData() == "sgd" and not self._session.has_run)

    @Slot()
    def _on_optimizer_or_cost_changed(self) -> None:
        key = (self.optimizer_combo.currentData(), self.cost_combo.currentData())
        with QSignalBlocker(self.lr_spin):
            self.lr_spin.setValue(DEFAULT_LEARNING_RATES[key])
        self._on_settings_widget_changed()

    @Slot()
    def _on_settings_widget_changed(self) -> None:
        self._update_shape_widgets()
        try:
            settings = self.settings_from_widgets()
        except ValueError as exc:
            self.hidden_edit.setToolTip(str(exc))
            self.problem.emit(str(exc))
            return
        self.settingsEdited.emit(settings)

    # -- following the session -----------------------------------------------------------------

    @Slot(bool)
    def _on_session_running_changed(self, running: bool) -> None:
        for w in self.widgets:
            w.setEnabled(not self._session.has_run)
        self._update_shape_widgets()

    @Slot()
    def _on_session_cleared(self) -> None:
        self._on_session_running_changed(self._session.is_running())
        self.show_settings(self._session.settings)
