"""The Training dock: settings, Start / Pause / Step / Reset, live curves and the timeline.

Built from the :class:`TrainingSession` it shows; it reads the session and emits what the user
asks for (``startRequested``, ``snapshotRequested(i)``, ...). The main window connects those to
the session. Model -> widget updates happen with the widgets' signals blocked.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.trainer import DEFAULT_LEARNING_RATES
from ..models.training import TrainingSession
from ..models.training_settings import MAX_HIDDEN_LAYERS, MAX_HIDDEN_NEURONS, TrainingSettings
from .curves import MIN_HEIGHT, TrainingCurves

PLAY_INTERVAL_MS = 180  # one snapshot per frame when the timeline plays
STARTS = [("fresh", "fresh random"), ("untrained", "shipped untrained"), ("current", "current network")]


def parse_hidden(text: str) -> tuple[int, ...]:
    """``"16 16"`` -> (16, 16); ValueError naming the problem otherwise."""
    parts = [p for p in re.split(r"[\s,x]+", text.strip()) if p]
    if not parts or any(not p.isdigit() for p in parts):
        raise ValueError(f"hidden layers: give 1 to {MAX_HIDDEN_LAYERS} sizes, e.g. 16 16")
    return tuple(int(p) for p in parts)


class TrainingPanel(QWidget):
    """Signals (what the user asked for; the window acts on them)
    -------
    settingsEdited(object TrainingSettings) : the settings widgets now say this.
    startRequested(), pauseRequested(), stepRequested(), resetRequested()
    snapshotRequested(int index) : show that snapshot (the slider moved, or Play advanced it).
    useRequested() : make the shown network the window's network.
    saveRequested() : save the shown network.
    chooseFolderRequested() : pick the MNIST training folder.
    """

    settingsEdited = Signal(object)
    startRequested = Signal()
    pauseRequested = Signal()
    stepRequested = Signal()
    resetRequested = Signal()
    snapshotRequested = Signal(int)
    useRequested = Signal()
    saveRequested = Signal()
    chooseFolderRequested = Signal()

    def __init__(self, session: TrainingSession, parent: QWidget | None = None):
        super().__init__(parent)
        self._session = session
        self._build_settings()
        self._build_controls()
        # The curves (two pyqtgraph plots, a tenth of the window's start-up) are made when the
        # panel first comes to the front (:meth:`catch_up`) or they are asked for: the dock
        # starts as a tab behind the inspector.
        self._plots: TrainingCurves | None = None
        self._marked: int | None = None
        self._plots_holder = QWidget()
        self._plots_holder.setMinimumHeight(MIN_HEIGHT)
        holder_layout = QVBoxLayout(self._plots_holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        self._build_timeline()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        layout.addLayout(self._settings_grid)
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_label, 1)
        data_row.addWidget(self.folder_button)
        layout.addLayout(data_row)
        layout.addLayout(self._buttons)
        layout.addWidget(self.status_label)
        layout.addWidget(self._plots_holder, 1)
        layout.addLayout(self._timeline)
        layout.addLayout(self._result_buttons)

        session.progressChanged.connect(self._on_session_progress_changed)
        session.snapshotAdded.connect(self._on_session_snapshot_added)
        session.snapshotShown.connect(self._on_session_snapshot_shown)
        session.runningChanged.connect(self._on_session_running_changed)
        session.dataChanged.connect(self._on_session_data_changed)
        session.cleared.connect(self._on_session_cleared)
        self._show_settings(session.settings)
        self._on_session_data_changed()
        self._on_session_running_changed(session.is_running())
        self._on_session_progress_changed()

    @property
    def plots(self) -> TrainingCurves:
        """The live cost and accuracy curves (made on first use)."""
        return self._ensure_plots()

    def catch_up(self) -> None:
        """The panel came to the front (its dock's tab was chosen): make the curves if need be."""
        self._ensure_plots()

    def _ensure_plots(self) -> TrainingCurves:
        if self._plots is None:
            self._plots = TrainingCurves(self._session)
            self._plots_holder.layout().addWidget(self._plots)
            self._plots.mark(self._marked)
            self._plots.redraw()
        return self._plots

    def _follow(self) -> None:
        if self._plots is not None:
            self._plots.follow()

    def _mark(self, batches: int | None) -> None:
        self._marked = batches
        if self._plots is not None:
            self._plots.mark(batches)

    # -- building ---------------------------------------------------------------------------------

    def _build_settings(self) -> None:
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

        grid = QGridLayout()
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
        self._settings_grid = grid
        self._settings_widgets = [self.start_combo, self.hidden_edit, self.activation_combo, self.cost_combo,
                                  self.optimizer_combo, self.lr_spin, self.momentum_spin, self.batch_spin,
                                  self.epochs_spin, self.augment_check, self.seed_spin]
        for combo in (self.start_combo, self.activation_combo, self.cost_combo, self.optimizer_combo):
            combo.currentIndexChanged.connect(self._on_settings_widget_changed)
        for spin in (self.lr_spin, self.momentum_spin, self.batch_spin, self.epochs_spin, self.seed_spin):
            spin.valueChanged.connect(self._on_settings_widget_changed)
        self.augment_check.toggled.connect(self._on_settings_widget_changed)
        self.hidden_edit.editingFinished.connect(self._on_settings_widget_changed)
        # A new optimiser or cost brings its own default learning rate.
        self.optimizer_combo.currentIndexChanged.connect(self._on_optimizer_or_cost_changed)
        self.cost_combo.currentIndexChanged.connect(self._on_optimizer_or_cost_changed)

        self.data_label = QLabel()
        self.data_label.setWordWrap(True)
        self.data_label.setStyleSheet("color: gray")
        self.folder_button = QPushButton("MNIST folder…")
        self.folder_button.setToolTip("Choose the folder with the four MNIST .gz files (training uses the "
                                      "60,000 training digits; the test digits are only for measuring)")
        self.folder_button.clicked.connect(self.chooseFolderRequested)

    def _build_controls(self) -> None:
        self.start_button = QPushButton("Start")
        self.pause_button = QPushButton("Pause")
        self.step_button = QPushButton("Step")
        self.step_button.setToolTip("Train one mini-batch")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Forget this run and go back to its start network")
        self.start_button.clicked.connect(self.startRequested)
        self.pause_button.clicked.connect(self.pauseRequested)
        self.step_button.clicked.connect(self.stepRequested)
        self.reset_button.clicked.connect(self.resetRequested)
        self._buttons = QHBoxLayout()
        for b in (self.start_button, self.pause_button, self.step_button, self.reset_button):
            self._buttons.addWidget(b)
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.RichText)
        # It changes ten times a second while training: it wraps within the dock, in two lines'
        # room from the start, so a longer text never widens the dock or relays the window out.
        self.status_label.setWordWrap(True)
        self.status_label.setMinimumHeight(2 * self.status_label.fontMetrics().lineSpacing())

    def _build_timeline(self) -> None:
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setPageStep(1)
        self.slider.setToolTip("Scrub through the snapshots: the whole window shows the network as it was")
        self.slider.valueChanged.connect(self._on_slider_value_changed)
        self.play_button = QPushButton("Play")
        self.play_button.setCheckable(True)
        self.play_button.setToolTip("Replay the learning like a film")
        self.play_button.toggled.connect(self._on_play_button_toggled)
        self.snapshot_label = QLabel("no snapshots")
        # As wide as its longest text from the start ("64/64: 937,500 batches"): a snapshot added
        # while training must not widen the dock.
        widest = self.snapshot_label.fontMetrics().horizontalAdvance("64/64: 937,500 batches")
        self.snapshot_label.setMinimumWidth(widest)
        self._play_timer = QTimer(self)
        self._play_timer.setInterval(PLAY_INTERVAL_MS)
        self._play_timer.timeout.connect(self._on_play_timer_timeout)
        self._timeline = QHBoxLayout()
        self._timeline.addWidget(QLabel("Timeline"))
        self._timeline.addWidget(self.slider, 1)
        self._timeline.addWidget(self.snapshot_label)
        self._timeline.addWidget(self.play_button)

        self.use_button = QPushButton("Use this network")
        self.use_button.setToolTip("Make the network shown the window's network (undoable)")
        self.use_button.clicked.connect(self.useRequested)
        self.save_button = QPushButton("Save…")
        self.save_button.setToolTip("Save the network shown, with its settings and accuracy, as .npz")
        self.save_button.clicked.connect(self.saveRequested)
        self._result_buttons = QHBoxLayout()
        self._result_buttons.addStretch(1)
        self._result_buttons.addWidget(self.use_button)
        self._result_buttons.addWidget(self.save_button)

    # -- settings ------------------------------------------------------------------------------

    def settings_from_widgets(self) -> TrainingSettings:
        """The settings the widgets show; ValueError naming the problem."""
        return TrainingSettings(
            start=self.start_combo.currentData(), hidden=parse_hidden(self.hidden_edit.text()),
            activation=self.activation_combo.currentData(), cost=self.cost_combo.currentData(),
            optimizer=self.optimizer_combo.currentData(), learning_rate=round(self.lr_spin.value(), 6),
            momentum=self.momentum_spin.value(), batch_size=self.batch_spin.value(),
            epochs=self.epochs_spin.value(), augment=self.augment_check.isChecked(), seed=self.seed_spin.value(),
        )

    def _show_settings(self, s: TrainingSettings) -> None:
        blockers = [QSignalBlocker(w) for w in self._settings_widgets]
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
            self.status_label.setText(f"<span style='color:#FC6255'>{exc}</span>")
            return
        self.settingsEdited.emit(settings)

    # -- following the session -----------------------------------------------------------------

    @Slot()
    def _on_session_data_changed(self) -> None:
        self.data_label.setText(self._session.data_text or "Training data: none yet")

    @Slot(bool)
    def _on_session_running_changed(self, running: bool) -> None:
        has_run = self._session.has_run
        for w in self._settings_widgets:
            w.setEnabled(not has_run)
        self._update_shape_widgets()
        self.folder_button.setEnabled(not running)
        complete = has_run and self._session.batches_done >= self._session.total_batches
        self.start_button.setEnabled(not running and not complete)
        self.start_button.setText("Continue" if has_run and not running else "Start")
        self.start_button.setToolTip("The run is complete: Reset to start again" if complete
                                     else "Train until the last epoch ends (Ctrl+T)")
        self.pause_button.setEnabled(running)
        self.step_button.setEnabled(not running)
        self.reset_button.setEnabled(has_run)
        self.use_button.setEnabled(has_run and not running)
        self.save_button.setEnabled(has_run and not running)
        if running:
            with QSignalBlocker(self.play_button):
                self.play_button.setChecked(False)
            self._play_timer.stop()
        self._on_session_progress_changed()

    @Slot()
    def _on_session_cleared(self) -> None:
        self._on_session_running_changed(self._session.is_running())
        self._show_settings(self._session.settings)

    @Slot()
    def _on_session_progress_changed(self) -> None:
        s = self._session
        self._follow()
        if not s.has_run:
            self.status_label.setText("Not started: press Start, or Step for one mini-batch.")
            return
        parts = [f"batch {s.batches_done:,} / {s.total_batches:,}",
                 f"epoch {s.batches_done / max(1, s.batches_per_epoch):.2f}"]
        seconds = s.seconds_per_epoch
        if seconds is not None:
            parts.append(f"{seconds:.2f} s per epoch")
        if s.last_accuracy is not None:
            parts.append(f"test accuracy <b>{s.last_accuracy:.1%}</b>")
        self.status_label.setText(" · ".join(parts))

    @Slot(int)
    def _on_session_snapshot_added(self, count: int) -> None:
        with QSignalBlocker(self.slider):
            self.slider.setRange(0, max(0, count - 1))
            if self._session.is_running() or self._session.shown_snapshot is None:
                self.slider.setValue(max(0, count - 1))
        self.play_button.setEnabled(count > 1)
        self._label_snapshot(self.slider.value())

    @Slot(int)
    def _on_session_snapshot_shown(self, index: int) -> None:
        with QSignalBlocker(self.slider):
            self.slider.setValue(index)
        self._label_snapshot(index)

    def _label_snapshot(self, index: int) -> None:
        snapshots = self._session.snapshots
        if not snapshots:
            self.snapshot_label.setText("no snapshots")
            self._mark(None)
            return
        batches = snapshots[min(index, len(snapshots) - 1)][0]
        self.snapshot_label.setText(f"{index + 1}/{len(snapshots)}: {batches:,} batches")
        self._mark(None if self._session.is_running() else batches)

    # -- timeline ------------------------------------------------------------------------------

    @Slot(int)
    def _on_slider_value_changed(self, index: int) -> None:
        self._label_snapshot(index)
        self.snapshotRequested.emit(index)

    @Slot(bool)
    def _on_play_button_toggled(self, playing: bool) -> None:
        if playing:
            if self.slider.value() >= self.slider.maximum():
                self.slider.setValue(0)
            self._play_timer.start()
        else:
            self._play_timer.stop()

    @Slot()
    def _on_play_timer_timeout(self) -> None:
        if self.slider.value() >= self.slider.maximum():
            self.play_button.setChecked(False)
            return
        self.slider.setValue(self.slider.value() + 1)

    @property
    def is_playing(self) -> bool:
        return self._play_timer.isActive()
