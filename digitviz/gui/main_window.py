"""The main window: the one place that builds the parts and connects their signals.

Every part is built from the models it shows (``AppState``, ``NeuronSelection``, ``Evaluator``,
``Comparison``, ``Messages``, the undo stack) and says what it wants done with signals; the
``_make_*`` methods below create the parts and wire them to each other. No part holds the window.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QMessageBox, QWidget

from .. import __version__
from ..core.network import Network
from ..core.resources import default_weights_path
from ..core.weightfile import WeightFileError, load_weights
from .drawing.panel import DrawingPanel
from .files.weights_menu import WeightsMenu
from .inspector.gallery import WeightGallery
from .inspector.panel import InspectorPanel
from .models.comparison import Comparison
from .models.evaluator import Evaluator
from .models.messages import Messages
from .models.selection import NeuronSelection, SelectionKeys
from .models.settings import read_bytes
from .models.state import AppState
from .models.undo import make_undo_stack
from .panels.compare import ComparePanel
from .panels.digit_browser import DigitBrowser
from .panels.evaluation import EvaluationView
from .panels.network_info import NetworkInfoPanel
from .panels.neuron_editor import NeuronEditor
from .panels.prediction import PredictionPanel
from .scene.controller import SceneController
from .scene.network_scene import NetworkScene
from .widgets.docks import available_area, clamp_to, fit_docks, show_full_tab_titles

HELP_TEXT = """<h3>How to read this</h3>
<p><b>Draw</b> a digit on the canvas with the left mouse button (right button erases).
It is cropped, scaled into a 20x20 box and centred by its centre of mass in a 28x28 grid,
the way the MNIST digits were made: that small picture is what the network sees.</p>
<p><b>The scene</b> shows every neuron: the 784 input pixels as a 28x28 grid, then each
hidden layer and the 10 outputs as columns of circles, bright when active (near 1), dark
when silent (near 0). Lines are the weights: <span style="color:#58C4DD">blue</span>
positive, <span style="color:#FC6255">red</span> negative, stronger lines for larger
weights (or, in the signal view, for larger weight x activation: what flows now).</p>
<p>Each neuron computes <i>a = &sigma;(w &middot; x + b)</i>: a weighted sum of the layer
before, plus a bias, squashed into 0..1. The brightest output is the network's answer.</p>
<p><b>Click a neuron</b> to see its weights as an image: blue pixels push it on, red
pixels push it off.</p>"""

RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea


class MainWindow(QMainWindow):
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
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self.last_error: str | None = None
        network, problem = self._initial_network(weights)

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
        self._finish_menus()

        self.messages.errorReported.connect(self.report_error)
        self.messages.statusShown.connect(self._on_messages_status_shown)
        self.state.networkChanged.connect(self._on_state_network_changed)
        self.state.activationsChanged.connect(self._on_state_activations_changed)
        self._on_state_network_changed()
        self._restore_settings()
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

    @property
    def animation_enabled(self) -> bool:
        """Whether a final input propagates through the scene layer by layer (View menu)."""
        return self.scene.animation_enabled

    @animation_enabled.setter
    def animation_enabled(self, enabled: bool) -> None:
        self.scene_controller.set_animation_enabled(enabled)

    def _make_drawing_panel(self) -> None:
        """``self.canvas`` and the view of what the network sees, in a dock; strokes on the undo stack."""
        self.drawing_panel = DrawingPanel(self.state, self.undo_stack)
        self.canvas = self.drawing_panel.canvas
        self.drawing_dock = self.add_dock("Draw", self.drawing_panel, LEFT, "drawing_dock")
        self.clear_action = self.drawing_panel.make_clear_action(self)

    def _make_prediction_panel(self) -> None:
        """The winning digit, its confidence and the ten output bars, in a dock that stays open."""
        self.prediction_panel = PredictionPanel(self.state)
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
        # A tab beside the network's facts: it appears (and comes to the front) when comparing.
        self.tabifyDockWidget(self.network_info_dock, self.compare_dock)
        self.network_info_dock.raise_()
        self.compare_dock.hide()
        self.weights_menu.comparisonStarted.connect(lambda: self.bring_forward(self.compare_dock))

    def add_dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea, name: str) -> QDockWidget:
        """Put ``widget`` in a dock with a stable object name (QSettings restores docks by name)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        self.view_menu.addAction(dock.toggleViewAction())
        # Whatever is shown, the window stays on its screen (checked once the layout settled).
        dock.visibilityChanged.connect(self._schedule_fit)
        dock.topLevelChanged.connect(self._schedule_fit)
        return dock

    def bring_forward(self, dock: QDockWidget) -> None:
        """Show ``dock`` and bring its tab to the front."""
        dock.show()
        dock.raise_()

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
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        # Ctrl+Shift+Z everywhere, plus the platform's own redo key (Ctrl+Y on Windows).
        shift_z = QKeySequence("Ctrl+Shift+Z")
        self.redo_action.setShortcuts([shift_z] + [k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
                                                   if k != shift_z])
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        self.edit_menu.addSeparator()

        help_action = QAction("&How to read this", self)
        help_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        help_action.triggered.connect(self._on_help_triggered)
        self.help_menu.addAction(help_action)
        about_action = QAction("&About digitviz", self)
        about_action.triggered.connect(self._on_about_triggered)
        self.help_menu.addAction(about_action)

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

    @Slot()
    def _on_help_triggered(self) -> None:
        box = QMessageBox(QMessageBox.Icon.NoIcon, "How to read this", HELP_TEXT,
                          QMessageBox.StandardButton.Close, self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.open()

    @Slot()
    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            "About digitviz",
            f"<h3>digitviz {__version__}</h3><p>See, with your own eyes, how a neural network "
            "reads a handwritten digit.</p><p>MNIST test digits: Yann LeCun, Corinna Cortes and "
            "Christopher J.C. Burges, CC BY-SA 3.0.</p>",
        )

    # -- selection --------------------------------------------------------------------------------

    @property
    def selected_neuron(self) -> tuple[int, int] | None:
        """``(layer, index)`` of the selected neuron (layer 0 = input), or None."""
        return self.selection.current

    @Slot(int, int)
    def select_neuron(self, layer: int, index: int) -> None:
        """Select a neuron as a click on it does (layer 0 = input); ValueError if it does not exist."""
        self.selection.select(layer, index)

    @Slot()
    def clear_selection(self) -> None:
        self.selection.clear()

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

    @staticmethod
    def _initial_network(weights) -> tuple[Network, str | None]:
        if isinstance(weights, Network):
            return weights, None
        path = Path(weights) if weights is not None else default_weights_path()
        try:
            return load_weights(path), None
        except WeightFileError as exc:
            problem = str(exc)
        if weights is not None:
            try:
                return load_weights(default_weights_path()), f"{problem}\nThe default network was opened instead."
            except WeightFileError:
                pass
        fallback = Network.random([784, 16, 16, 10], np.random.default_rng(0),
                                  metadata={"name": "untrained (no weights could be loaded)"})
        return fallback, f"{problem}\nAn untrained network was opened instead."

    @property
    def network(self) -> Network:
        return self.state.network

    def set_network(self, network: Network) -> None:
        """Show ``network``: the scene re-lays out and the current input is re-evaluated."""
        self.state.set_network(network)

    def open_weights(self, path) -> bool:
        """Show the network in weight file ``path``, as File -> Open does.

        Returns False when the file was refused: a message names the file and the problem, and
        the previous network stays. The file is read off the GUI thread; the window keeps working.
        """
        return self.weights_menu.open_weights(path)

    def compare_with(self, path) -> bool:
        """Hold the network in ``path`` beside the shown one; False (with a message) if refused."""
        return self.weights_menu.compare_with(path)

    def stop_comparing(self) -> None:
        self.comparison_model.set_network(None)

    @property
    def comparison(self) -> tuple[int, np.ndarray] | None:
        """``(digit, activations)`` of the second network (10 outputs) for the current input, or None."""
        return self.comparison_model.result

    @property
    def comparison_network(self) -> Network | None:
        return self.comparison_model.network

    def edit_neuron(self, layer: int, index: int, **edit) -> Network:
        """Edit a neuron live: ``off=True``, ``bias_shift=...`` or ``weight_scale=...``; returns the new network."""
        return self.neuron_editor.apply_edit(layer, index, **edit)

    def undo_edit(self) -> Network | None:
        """Undo the last step if it is a neuron edit; returns the network restored (else None)."""
        return self.neuron_editor.undo()

    @Slot()
    def _on_state_network_changed(self) -> None:
        net = self.state.network
        # The shape once: many names already say it ("784-16-16-10 sigmoid (default)").
        title = net.name if net.shape_text in net.name else f"{net.name} ({net.shape_text})"
        self.setWindowTitle(f"digitviz — {title}")
        self.statusBar().showMessage(f"{title}, {net.n_parameters:,} parameters", 10_000)

    # -- input and prediction ---------------------------------------------------------------------

    @property
    def prediction(self) -> tuple[int, np.ndarray] | None:
        """``(digit, activations)`` with the 10 output values, or None for an empty canvas."""
        return self.state.prediction

    def show_input(self, image) -> None:
        """Feed a 28x28 image (values in [0, 1]) as if it had been drawn."""
        image = np.asarray(image, dtype=np.float64)
        if image.size != 784:
            raise ValueError(f"show_input takes a 28x28 image, got shape {image.shape}")
        # The canvas shows it (upscaled, undoable); the network gets exactly this image.
        self.drawing_panel.show_input(image.reshape(28, 28))

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

    # -- fitting the screen and settings ----------------------------------------------------------

    def fit_to_screen(self, area=None) -> None:
        """Tabify docks until the window fits ``area`` (default: its screen's available area)
        with every shown dock, then keep the window inside it."""
        area = area if area is not None else available_area(self)
        if area is None:
            return
        fit_docks(self, area, [
            (self.inspector_dock, [self.network_info_dock, self.compare_dock, self.gallery_dock]),
            (self.drawing_dock, [self.test_digits_dock]),
            (self.inspector_dock, [self.prediction_dock]),
        ])

    @Slot()
    def _schedule_fit(self) -> None:
        if not getattr(self, "_fit_pending", False) and self.isVisible():
            self._fit_pending = True
            QTimer.singleShot(0, self._on_fit_timer)

    @Slot()
    def _on_fit_timer(self) -> None:
        self._fit_pending = False
        self.fit_to_screen()

    def _restore_settings(self) -> None:
        geometry = read_bytes("window/geometry")
        if geometry is not None and self.restoreGeometry(geometry):
            state = read_bytes("window/state")
            if state is not None:
                self.restoreState(state)
            self.fit_to_screen()
            return
        area = available_area(self)
        width = min(1600, int(area.width() * 0.95)) if area else 1300
        height = min(1000, int(area.height() * 0.92)) if area else 720
        self.resize(width, height)
        self.fit_to_screen()
        self.inspector_dock.raise_()
        self.drawing_dock.raise_()
        # First run: side columns only as wide as their contents need, the rest for the network.
        self.resizeDocks([self.drawing_dock, self.prediction_dock], [290, 420], Qt.Orientation.Horizontal)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        show_full_tab_titles(self)
        area = available_area(self)
        if area is not None:
            clamp_to(self, area)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        super().closeEvent(event)
