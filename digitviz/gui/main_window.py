"""The main window: the one place that builds the parts and connects their signals.

Every part is built from the models it shows (``AppState``, ``NeuronSelection``, ``Evaluator``,
``Comparison``, ``Messages``, the undo stack) and says what it wants done with signals; the
``_make_*`` methods below create the parts and wire them to each other. No part holds the window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QMessageBox, QWidget

from ..core.mnist import DataError
from ..core.network import Network
from ..core.resources import default_weights_path
from .docking import DockingWindow
from .drawing.panel import DrawingPanel
from .files.weight_sources import initial_network
from .files.weights_menu import WeightsMenu
from .inspector.gallery import WeightGallery
from .inspector.panel import InspectorPanel
from .models.comparison import Comparison
from .models.evaluator import Evaluator
from .models.messages import Messages
from .models.selection import NeuronSelection, SelectionKeys
from .models.state import AppState
from .models.undo import make_undo_actions, make_undo_stack
from .panels.compare import ComparePanel
from .panels.digit_browser import DigitBrowser
from .panels.evaluation import EvaluationView
from .panels.network_info import NetworkInfoPanel
from .panels.neuron_editor import NeuronEditor
from .panels.prediction import PredictionPanel
from .scene.controller import SceneController
from .scene.network_scene import NetworkScene
from .scripting import ScriptingInterface
from .widgets.help import fill_help_menu

RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea


class MainWindow(ScriptingInterface, DockingWindow):
    """The digitviz window.

    Parameters
    ----------
    weights : None for the shipped default network, a path to a weight file, or a Network.

    Scripting interface: ``canvas``, ``prediction``, ``predictionChanged``, ``show_input``,
    ``network``, ``state``, ``open_weights``, ``compare_with``, ``comparison``, ``select_neuron``,
    ``inspector``, ``scene``, ``animation_enabled``, ``test_digits``, ``edit_neuron``,
    ``undo_edit``, ``undo_stack`` (see README.md).
    """

    predictionChanged = Signal(object)

    def __init__(self, weights=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("digitviz")
        # The side columns run to the bottom; the weight images sit under the scene only, so they
        # add to the centre's height, not to the tall side columns' (and stay on view at 768 px).
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.last_error: str | None = None
        network, problem = initial_network(weights)

        # The models: what every part shows.
        self.state = AppState(network, self)
        self.messages = Messages(self)
        self.undo_stack = make_undo_stack(self)
        self.selection = NeuronSelection(self.state, self)
        self.evaluator = Evaluator(self.state, self)
        self.comparison_model = Comparison(self.state, self)

        self._build_menus()
        self._make_scene()
        self._make_drawing_panel()
        self._make_prediction_panel()
        self._make_inspector()
        self._make_test_digits()
        self._make_weight_tools(weights, problem)
        self._make_learning()
        self._make_training()
        self._finish_menus()

        self.messages.errorReported.connect(self.report_error)
        self.messages.statusShown.connect(self._on_messages_status_shown)
        self.state.networkChanged.connect(self._on_state_network_changed)
        self.state.activationsChanged.connect(self._on_state_activations_changed)
        self._on_state_network_changed()
        self.restore_layout()
        if problem:
            self.report_error(problem)

    # -- the parts --------------------------------------------------------------------------------

    def _make_scene(self) -> None:
        """The network scene (``self.scene``, the central widget) and its controller's actions."""
        self.scene = NetworkScene(self)
        self.scene.setMinimumSize(480, 320)
        self.setCentralWidget(self.scene)
        self.scene_controller = SceneController(self.scene, self.state, self.messages, self)
        for action in self.scene_controller.shortcut_actions:
            self.addAction(action)  # their keys work with the menus closed

    def _make_drawing_panel(self) -> None:
        """``self.canvas`` and the view of what the network sees, in a dock; strokes on the undo stack."""
        self.drawing_panel = DrawingPanel(self.state, self.undo_stack)
        self.canvas = self.drawing_panel.canvas
        self.drawing_dock = self.add_dock("Draw", self.drawing_panel, LEFT, "drawing_dock")
        self.clear_action = self.drawing_panel.make_clear_action(self)

    def _make_prediction_panel(self) -> None:
        """The winning digit, its confidence and the ten output bars, in a dock that stays open."""
        self.prediction_panel = PredictionPanel(self.state)
        # The answer settles with the scene's output column, not before the signal gets there.
        self.scene.outputsShown.connect(self.prediction_panel.show_outputs)
        self.prediction_dock = self.add_dock("Prediction", self.prediction_panel, RIGHT, "prediction_dock")
        # Always visible: it can move or float, but not close.
        self.prediction_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )

    def _make_inspector(self) -> None:
        """The inspector and "All weight images" docks; clicks anywhere select through the selection model."""
        self.inspector = InspectorPanel(self.state, self.selection)
        self.weight_gallery = WeightGallery(self.state, self.selection)
        self.inspector_dock = self.add_dock("Inspector", self.inspector, RIGHT, "inspector")
        self.gallery_dock = self.add_dock("Weight images", self.weight_gallery, BOTTOM, "weight_gallery")
        self.resizeDocks([self.gallery_dock], [130], Qt.Orientation.Vertical)  # a strip under the scene
        self.inspector.neuronRequested.connect(self.select_neuron)
        self.weight_gallery.neuronRequested.connect(self.select_neuron)
        self.scene.neuronClicked.connect(self.select_neuron)
        self.scene.emptyClicked.connect(self.clear_selection)
        self.selection.selectionChanged.connect(self._on_selection_changed)
        # The scene forgets its ring when it lays out a new network; a same-shape network keeps
        # the selection, so ring it again.
        self.state.networkChanged.connect(self._ring_selection)
        self._selection_keys = SelectionKeys(self.selection, self)
        for widget in (self.scene, self.inspector, self.weight_gallery):
            widget.installEventFilter(self._selection_keys)

    def _make_test_digits(self) -> None:
        """Test-digit browser, evaluation view and neuron editor (docks), and the Test menu."""
        self.test_digits = DigitBrowser(self.state, self.evaluator)
        self.test_digits.digitChosen.connect(self._on_test_digits_digit_chosen)
        # Beside the drawing canvas: both feed the network an input.
        self.test_digits_dock = self.add_dock("Test digits", self.test_digits, LEFT, "testDigitsDock")
        self.evaluation_view = EvaluationView(self.evaluator)
        self.evaluation_dock = self.add_dock("Evaluation", self.evaluation_view, RIGHT, "evaluationDock")
        self.neuron_editor = NeuronEditor(self.state, self.evaluator, self.undo_stack, self.messages, self.selection)
        self.neuron_edit_dock = self.add_dock("Edit neuron", self.neuron_editor, RIGHT, "neuronEditDock")
        # Tabs behind the inspector: the right column is already tall; Test > Evaluation raises it.
        self.tabifyDockWidget(self.inspector_dock, self.evaluation_dock)
        self.tabifyDockWidget(self.evaluation_dock, self.neuron_edit_dock)
        self.inspector_dock.raise_()
        self.evaluation_view.cellActivated.connect(self.test_digits.browse_confusion)
        self.evaluation_view.mistakeActivated.connect(self.test_digits.show_mistake)
        self.test_menu = QMenu("&Test", self)
        self.menuBar().insertMenu(self.help_menu.menuAction(), self.test_menu)
        self.test_digits.fill_menu(self.test_menu)
        self.test_menu.addSeparator()
        for text, dock in (("&Evaluation", self.evaluation_dock), ("Edit a &neuron", self.neuron_edit_dock)):
            self.test_menu.addAction(text, lambda dock=dock: self.bring_forward(dock))

    def _make_weight_tools(self, weights, problem: str | None) -> None:
        """File menu entries for weight files, drag and drop, the network panel, the comparison."""
        self.weights_menu = WeightsMenu(self.state, self.comparison_model, self.messages, self.file_menu, self)
        self.setAcceptDrops(True)
        self.installEventFilter(self.weights_menu)
        if problem is None and not isinstance(weights, Network):
            # A --weights file joins the recent list; the default network just shows its file.
            opened = default_weights_path() if weights is None else weights
            self.weights_menu.adopt(self.state.network, opened, remember=weights is not None)
        self.network_info = NetworkInfoPanel(self.state, self.evaluator, lambda: self.weights_menu.current_path)
        self.weights_menu.sourceChanged.connect(self.network_info.refresh_source)
        self.network_info_dock = self.add_dock("Network", self.network_info, RIGHT, "network_info_dock")
        self.compare_panel = ComparePanel(self.state, self.comparison_model, self.evaluator)
        self.compare_panel.choose_button.setMenu(self.weights_menu.compare_menu)
        self.compare_dock = self.add_dock("Compare", self.compare_panel, RIGHT, "compare_dock")
        # Tabs behind the inspector (the right column is tall already); Compare sits beside the
        # network's facts and comes to the front when comparing.
        self.tabifyDockWidget(self.inspector_dock, self.network_info_dock)
        self.tabifyDockWidget(self.network_info_dock, self.compare_dock)
        self.inspector_dock.raise_()
        self.compare_dock.hide()
        self.weights_menu.comparisonStarted.connect(lambda: self.bring_forward(self.compare_dock))

    def _make_learning(self) -> None:
        """'Learn from this': the LearnModel, its dock, the scene's nudges and gradient view, the
        inspector's chain rule; gradient steps go on the window's undo stack."""
        from .inspector.gradient import GradientSection
        from .learning.panel import LearnPanel
        from .models.learning import LearnModel

        self.learning = LearnModel(self.state, self.undo_stack, lambda: self.evaluator.digits, parent=self)
        self.learn_panel = LearnPanel(self.learning, self.state)
        self.learn_dock = self.add_dock("Learn from this", self.learn_panel, RIGHT, "learn_dock")
        self.tabifyDockWidget(self.inspector_dock, self.learn_dock)
        self.inspector_dock.raise_()
        panel, model = self.learn_panel, self.learning
        panel.targetRequested.connect(self.set_target)
        panel.costRequested.connect(model.set_cost)
        panel.averageRequested.connect(self._on_learn_panel_average_requested)
        panel.stepRequested.connect(self.take_step)
        panel.gradientViewRequested.connect(lambda: self.scene_controller.set_view_mode("gradient"))
        self.test_digits.digitChosen.connect(lambda image, label: model.set_true_label(label))  # after show_input
        model.gradientChanged.connect(self._on_learning_gradient_changed)
        self.inspector.add_section(GradientSection(model, self.state, self.selection))

    @Slot(bool)
    def _on_learning_gradient_changed(self, final: bool) -> None:
        r = self.learning.result
        nudges = None if r is None else [None] + [r.nudges(layer) for layer in range(1, len(r.dW) + 1)]
        self.scene.set_gradient(None if r is None else r.dW, nudges, animate=final)

    @Slot(object, int)
    def _on_learn_panel_average_requested(self, kind, n: int) -> None:
        try:
            self.learning.set_average(kind, n)
        except DataError as exc:
            self.report_error(str(exc), "Average over test digits")

    # -- training and teaching (issue 11) ---------------------------------------------------------

    def _make_training(self) -> None:
        """The Training dock and Train menu; "Wrong? It is a ..." under the prediction; the personal set."""
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtWidgets import QVBoxLayout

        from .models.personal import PersonalDigits
        from .models.training import TrainingSession
        from .training.actions import TrainingActions
        from .training.menu import ask_data_folder, ask_save_path, fill_train_menu
        from .training.panel import TrainingPanel
        from .training.teach import PersonalDigitsDialog, TeachPanel

        messages = self.messages
        self.training = session = TrainingSession(self.state, parent=self)
        self.personal = PersonalDigits(parent=self)
        self.training_actions = actions = TrainingActions(self.state, session, self.personal, self.undo_stack,
                                                          messages, self)
        session.networkUpdated.connect(self.state.update_parameters)
        session.runningChanged.connect(self.evaluator.set_paused)  # the panel shows its own accuracy
        session.problem.connect(messages.report_error)
        if not self.personal.load():  # said now: the window's messages are wired after the parts
            self.report_error(self.personal.load_problem)
        self.personal.problem.connect(messages.report_error)
        QCoreApplication.instance().aboutToQuit.connect(session.shutdown)

        panel = self.training_panel = TrainingPanel(session)
        self.training_dock = self.add_dock("Training", panel, RIGHT, "training_dock")
        self.tabifyDockWidget(self.inspector_dock, self.training_dock)
        self.inspector_dock.raise_()
        panel.settingsEdited.connect(session.configure)
        panel.startRequested.connect(session.start)
        panel.pauseRequested.connect(session.pause)
        panel.stepRequested.connect(session.step)
        panel.resetRequested.connect(session.reset)
        panel.snapshotRequested.connect(session.show_snapshot)
        panel.useRequested.connect(actions.use_shown)
        actions.saved.connect(lambda path: self.weights_menu.adopt(self.state.network, path))  # Open recent

        panel.saveRequested.connect(lambda: ask_save_path(self, session, self.state.network, actions.save_shown))
        panel.chooseFolderRequested.connect(lambda: ask_data_folder(self, session))

        # Under the prediction, in the same dock: "Wrong? It is a: 0 1 ... 9".
        self.teach_panel = teach = TeachPanel(self.state, self.personal)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.prediction_dock.widget())
        column.addWidget(teach)
        self.prediction_dock.setWidget(holder)
        teach.labelChosen.connect(self.teach)
        teach.fineTuneRequested.connect(actions.fine_tune)
        self.personal_dialog = PersonalDigitsDialog(self.personal, self)
        self.personal_dialog.deleteRequested.connect(actions.delete_personal)
        teach.browseRequested.connect(self.personal_dialog.show)
        actions.fineTuneStarted.connect(lambda: teach.set_busy(True, "Fine-tuning on your digits…"))
        actions.fineTuneFinished.connect(
            lambda result: teach.set_busy(False, result.html() if result is not None else ""))

        self.train_menu = QMenu("T&rain", self)
        self.menuBar().insertMenu(self.help_menu.menuAction(), self.train_menu)
        self.train_action = fill_train_menu(self.train_menu, session, actions.fine_tune, self.personal_dialog.show,
                                            lambda: self.bring_forward(self.training_dock))

    # -- menus ------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.edit_menu = bar.addMenu("&Edit")
        self.view_menu = bar.addMenu("&View")
        self.help_menu = bar.addMenu("&Help")

        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.file_menu.addAction(self.quit_action)

        # One undo history for strokes and network edits: the menu names what comes back.
        self.undo_action, self.redo_action = make_undo_actions(self.undo_stack, self)
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        self.edit_menu.addSeparator()
        fill_help_menu(self.help_menu, self)

    def _finish_menus(self) -> None:
        """The parts' actions, placed: Edit gets Clear and Save edited; View and File the scene's."""
        self.edit_menu.addAction(self.clear_action)
        self.edit_menu.addSeparator()
        self.neuron_editor.fill_menu(self.edit_menu)
        controller = self.scene_controller
        self.file_menu.insertAction(self.quit_action, controller.export_action)
        self.file_menu.insertSeparator(self.quit_action)
        first = self.view_menu.actions()[0] if self.view_menu.actions() else None
        for action in controller.view_actions:
            if action is None:
                self.view_menu.insertSeparator(first)
            else:
                self.view_menu.insertAction(first, action)

    # -- selection --------------------------------------------------------------------------------

    @Slot()
    def _on_selection_changed(self) -> None:
        self._ring_selection()
        if self.selection.current is not None and not self.inspector_dock.isFloating():
            self.bring_forward(self.inspector_dock)  # the inspector shows what was picked

    @Slot()
    def _ring_selection(self) -> None:
        current = self.selection.current
        if current is None:
            self.scene.clear_selection()
        else:
            self.scene.set_selection(*current)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        # Keys no child used: Esc and the arrows still drive the selection.
        if not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier) and self.selection.handle_key(
            Qt.Key(event.key())
        ):
            return
        super().keyPressEvent(event)

    # -- network ----------------------------------------------------------------------------------

    @Slot()
    def _on_state_network_changed(self) -> None:
        net = self.state.network
        # The shape once: many names already say it ("784-16-16-10 sigmoid (default)").
        title = net.name if net.shape_text in net.name else f"{net.name} ({net.shape_text})"
        self.setWindowTitle(f"digitviz — {title}")
        self.statusBar().showMessage(f"{title}, {net.n_parameters:,} parameters", 10_000)

    # -- input and prediction ---------------------------------------------------------------------

    @Slot(object, int)
    def _on_test_digits_digit_chosen(self, image, label: int) -> None:
        self.show_input(image)

    @Slot(bool)
    def _on_state_activations_changed(self, final: bool) -> None:
        self.predictionChanged.emit(self.state.prediction)

    # -- messages ---------------------------------------------------------------------------------

    @Slot(str, str)
    def report_error(self, message: str, title: str = "digitviz") -> None:
        """Tell the user about a problem without stopping anything (a non-blocking message box)."""
        self.last_error = message
        self.statusBar().showMessage(message.splitlines()[0] if message else title, 10_000)
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    @Slot(str, int)
    def _on_messages_status_shown(self, message: str, timeout_ms: int) -> None:
        self.statusBar().showMessage(message, timeout_ms)

    # -- the window's layout ----------------------------------------------------------------------

    def fit_stacks(self):
        """Docks tabbed, in this order, onto the inspector or the canvas when the screen is short."""
        return [
            (self.inspector_dock, [self.network_info_dock, self.compare_dock, self.gallery_dock]),
            (self.drawing_dock, [self.test_digits_dock]),
            (self.inspector_dock, [self.prediction_dock]),
        ]

    def first_run_layout(self) -> None:
        self.inspector_dock.raise_()
        self.drawing_dock.raise_()
        # Side columns only as wide as their contents need, the rest for the network.
        self.resizeDocks([self.drawing_dock, self.prediction_dock], [290, 420], Qt.Orientation.Horizontal)
