"""The Training dock: settings, Start / Pause / Step / Reset, live curves and the timeline.

Built from the :class:`TrainingSession` it shows; it reads the session and emits what the user
asks for (``startRequested``, ``snapshotRequested(i)``, ...). The main window connects those to
the session. Model -> widget updates happen with the widgets' signals blocked. The settings form
is :class:`TrainingSettingsForm` (settings_form.py), the curves :class:`TrainingCurves`
(curves.py).
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from ..models.training import TrainingSession
from ..models.training_settings import TrainingSettings
from ..widgets.status_line import StatusLine
from .curves import MIN_HEIGHT, TrainingCurves
from .settings_form import TrainingSettingsForm

PLAY_INTERVAL_MS = 180  # one snapshot per frame when the timeline plays


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
        self.settings_form = form = TrainingSettingsForm(session)
        # The settings widgets stay the panel's too (``panel.hidden_edit``, ...).
        (self.start_combo, self.hidden_edit, self.activation_combo, self.cost_combo, self.optimizer_combo,
         self.lr_spin, self.momentum_spin, self.batch_spin, self.epochs_spin, self.augment_check,
         self.seed_spin) = form.widgets
        form.settingsEdited.connect(self.settingsEdited)
        form.problem.connect(self._on_settings_form_problem)
        self._build_data_row()
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
        layout.addWidget(form)
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

    def _build_data_row(self) -> None:
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
        # It changes ten times a second while training: it wraps within the dock, in two lines'
        # room, and changing it never widens the dock or lays the window out again.
        self.status_label = StatusLine(lines=2)

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
        # As wide as its longest text from the start: a snapshot added while training must not
        # widen the dock (nor lay the window out again, as a QLabel's new text does).
        self.snapshot_label = StatusLine("no snapshots", lines=1, widest="64/64: 937,500 batches")
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
        return self.settings_form.settings_from_widgets()

    @Slot(str)
    def _on_settings_form_problem(self, message: str) -> None:
        self.status_label.setText(f"<span style='color:#FC6255'>{message}</span>")

    # -- following the session -----------------------------------------------------------------

    @Slot()
    def _on_session_data_changed(self) -> None:
        self.data_label.setText(self._session.data_text or "Training data: none yet")

    @Slot(bool)
    def _on_session_running_changed(self, running: bool) -> None:
        has_run = self._session.has_run
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
