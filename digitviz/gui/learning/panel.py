"""The "Learn from this" dock: the target digit, the cost filled in, one gradient step.

Built from the :class:`LearnModel` it shows; it never changes the model itself but emits what the
user asks for (``targetRequested``, ``costRequested``, ``averageRequested``, ``stepRequested``,
``gradientViewRequested``), and the main window connects those to the model and the scene.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.backprop import COSTS
from ..models.learning import AVERAGE_KINDS, MAX_AVERAGE, LearnModel
from ..models.state import AppState
from .formulas import average_formula_html, cost_formula_html

COST_TITLES = {"quadratic": "quadratic: Σ (a − y)²", "cross_entropy": "cross-entropy"}
AVERAGE_TITLES = {"label": "digits of the target", "batch": "random test digits"}
OFF = 1_000_000  # the "Off" button's id (QButtonGroup takes -1 for "pick one")

HELP = ("<span style='color:gray'>Arrows beside the neurons: −∂C/∂a, how this example wants each "
        "neuron to move (up: more, down: less); they flow back from the outputs. "
        "View ▸ gradient (Ctrl+3): each line is |∂C/∂w|, blue where the step raises the weight, "
        "red where it lowers it.</span>")


class LearnPanel(QWidget):
    """The panel's widgets, following a :class:`LearnModel` (signals blocked while they follow).

    Signals
    -------
    targetRequested(object) : a target digit (int) or None (the mode off) was clicked.
    costRequested(str) : a cost name from ``core.backprop.COSTS``.
    averageRequested(object kind, int n) : average over n digits of kind "label" / "batch", or
        None for this example alone.
    stepRequested(float learning_rate) : "Take one step".
    gradientViewRequested() : show the gradient's lines in the scene.
    """

    targetRequested = Signal(object)
    costRequested = Signal(str)
    averageRequested = Signal(object, int)
    stepRequested = Signal(float)
    gradientViewRequested = Signal()

    def __init__(self, model: LearnModel, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self._model = model
        self._state = state

        self.note = QLabel()
        self.note.setWordWrap(True)
        self.cost_combo = QComboBox()
        for name in COSTS:
            self.cost_combo.addItem(COST_TITLES.get(name, name), name)
        self.cost_combo.currentIndexChanged.connect(self._on_cost_combo_changed)
        self.formula = QLabel()
        self.formula.setTextFormat(Qt.TextFormat.RichText)
        self.formula.setWordWrap(True)
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        targets = self._make_targets(state.network.sizes[-1])
        grid = self._make_controls()
        self.view_button = QPushButton("Show the gradient in the scene")
        self.view_button.clicked.connect(self.gradientViewRequested)
        help_label = QLabel(HELP)
        help_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(targets)
        layout.addWidget(self.note)
        layout.addLayout(grid)
        layout.addWidget(self.formula)
        layout.addWidget(self.step_result)
        layout.addWidget(self.view_button)
        layout.addWidget(help_label)
        layout.addStretch(1)

        model.targetChanged.connect(self._on_model_target_changed)
        model.gradientChanged.connect(self._on_model_gradient_changed)
        model.stepTaken.connect(self._on_model_step_taken)
        self._sync()

    def _make_targets(self, n_outputs: int) -> QHBoxLayout:
        """The row of target buttons 0..n-1 and Off."""
        self.target_buttons = QButtonGroup(self)
        self.target_buttons.setExclusive(True)
        targets = QHBoxLayout()
        targets.setSpacing(2)
        targets.addWidget(QLabel("Target:"))
        for d in range(n_outputs):
            button = self._small_button(str(d), f"This example should be a {d}")
            self.target_buttons.addButton(button, d)
            targets.addWidget(button)
        self.off_button = self._small_button("Off", "Leave 'learn from this'")
        self.off_button.setFixedWidth(34)
        self.target_buttons.addButton(self.off_button, OFF)
        targets.addWidget(self.off_button)
        targets.addStretch(1)
        self.target_buttons.idClicked.connect(self._on_target_buttons_clicked)

        return targets

    def _make_controls(self) -> QGridLayout:
        """Cost, averaging, learning rate and "Take one step"."""
        self.average_check = QCheckBox("Average over")
        self.average_spin = QSpinBox()
        self.average_spin.setRange(1, MAX_AVERAGE)
        self.average_spin.setValue(20)
        self.average_combo = QComboBox()
        for kind in AVERAGE_KINDS:
            self.average_combo.addItem(AVERAGE_TITLES[kind], kind)
        self.resample_button = QPushButton("New")
        self.resample_button.setToolTip("Average over other digits")
        self.average_check.toggled.connect(self._on_average_widgets_changed)
        self.average_spin.editingFinished.connect(self._on_average_widgets_changed)
        self.average_combo.currentIndexChanged.connect(self._on_average_widgets_changed)
        self.resample_button.clicked.connect(self._on_average_widgets_changed)

        self.rate_spin = QDoubleSpinBox()
        self.rate_spin.setRange(0.001, 100.0)
        self.rate_spin.setDecimals(3)
        self.rate_spin.setSingleStep(0.05)
        # One example's gradient is large: 0.05 moves a wrong answer visibly, not all the way.
        self.rate_spin.setValue(0.05)
        self.rate_spin.setToolTip("η: every weight moves by −η ∂C/∂w")
        self.step_button = QPushButton("Take one step")
        self.step_button.setMinimumWidth(110)
        self.step_button.setToolTip("w ← w − η ∂C/∂w for every weight and bias (Edit ▸ Undo takes it back)")
        self.step_button.clicked.connect(self._on_step_button_clicked)
        self.step_result = QLabel(" ")
        self.step_result.setTextFormat(Qt.TextFormat.RichText)
        self.step_result.setWordWrap(True)

        grid = QGridLayout()
        grid.addWidget(QLabel("Cost:"), 0, 0)
        grid.addWidget(self.cost_combo, 0, 1, 1, 3)
        grid.addWidget(self.average_check, 1, 0)
        grid.addWidget(self.average_spin, 1, 1)
        grid.addWidget(self.average_combo, 1, 2)
        grid.addWidget(self.resample_button, 1, 3)
        grid.addWidget(QLabel("Learning rate η:"), 2, 0)
        grid.addWidget(self.rate_spin, 2, 1)
        grid.addWidget(self.step_button, 2, 2, 1, 2)
        grid.setColumnStretch(2, 1)
        self.resample_button.setMaximumWidth(52)

        return grid

    @staticmethod
    def _small_button(text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setCheckable(True)
        button.setFixedWidth(24)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    # -- user -> signals --------------------------------------------------------------------------

    @Slot(int)
    def _on_target_buttons_clicked(self, button_id: int) -> None:
        self.targetRequested.emit(None if button_id == OFF else button_id)

    @Slot()
    def _on_cost_combo_changed(self) -> None:
        self.costRequested.emit(self.cost_combo.currentData())

    @Slot()
    def _on_average_widgets_changed(self) -> None:
        on = self.average_check.isChecked()
        self.averageRequested.emit(self.average_combo.currentData() if on else None, self.average_spin.value())

    @Slot()
    def _on_step_button_clicked(self) -> None:
        self.stepRequested.emit(self.rate_spin.value())

    # -- model -> widgets -------------------------------------------------------------------------

    @Slot(object)
    def _on_model_target_changed(self, target) -> None:
        self.step_result.setText(" ")
        self._sync()

    @Slot(bool)
    def _on_model_gradient_changed(self, final: bool) -> None:
        self._sync()

    @Slot(float, float)
    def _on_model_step_taken(self, before: float, after: float) -> None:
        change = "lower" if after < before else "higher" if after > before else "the same"
        self.step_result.setText(f"Cost before the step <b>{before:.4f}</b> &rarr; after <b>{after:.4f}</b> "
                                 f"({change})")

    def _sync(self) -> None:
        """Show the model's state; the widgets' own signals stay silent meanwhile."""
        model = self._model
        widgets = (self.target_buttons, self.cost_combo, self.average_check, self.average_spin,
                   self.average_combo)
        for w in widgets:
            w.blockSignals(True)
        button = self.target_buttons.button(OFF if model.target is None else model.target)
        if button is not None:
            button.setChecked(True)
        self.cost_combo.setCurrentIndex(max(self.cost_combo.findData(model.cost_name), 0))
        average = model.average
        self.average_check.setChecked(average is not None)
        if average is not None:
            self.average_combo.setCurrentIndex(max(self.average_combo.findData(average[0]), 0))
            self.average_spin.setValue(average[1])
        for w in widgets:
            w.blockSignals(False)
        self._show_texts()

    def _show_texts(self) -> None:
        model, result = self._model, self._model.result
        truth = model.true_label
        if model.target is None:
            known = f" (This test digit is a {truth}.)" if truth is not None else ""
            self.note.setText("Pick the digit this example should be: the network's wishes for it "
                              "appear on the scene." + known)
        elif result is None:
            self.note.setText("Draw a digit (or show a test digit) to see what it wants of the network."
                              if model.average is None else "No test digits of this label to average over.")
        elif model.average is not None:
            self.note.setText(f"The gradient averaged over {model.examples} test digits, as training does.")
        else:
            source = f"test digit, true label {truth}" if truth is not None else "your drawing"
            note = f"Learning that this example ({source}) is a {model.target}."
            if model.cost_name == "cross_entropy" and self._state.network.output_activation == "softmax":
                note += (" With softmax and cross-entropy only the target's output has a wish of its own "
                         "(−∂C/∂a = 1/a); the others move through the softmax.")
            self.note.setText(note)
        self.step_button.setEnabled(result is not None)
        for w in (self.average_spin, self.average_combo, self.resample_button):
            w.setEnabled(self.average_check.isChecked())
        if result is None:
            self.formula.setText("")
            return
        out_act = self._state.network.output_activation
        if model.average is not None:
            kind, _ = model.average
            self.formula.setText(average_formula_html(model.cost_name, model.examples, result.cost, kind,
                                                      model.target))
        else:
            targets = model.targets()
            self.formula.setText(cost_formula_html(model.cost_name, out_act, result.activations[-1][0],
                                                   targets[0], float(result.costs[0])))
