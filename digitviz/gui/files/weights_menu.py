"""Opening, remembering and saving weight files: the File menu's weight entries and drag and drop.

Every way in (File -> Open, Recent, Bundled, a file dropped on the window, ``--weights``,
``window.open_weights``) ends in :meth:`WeightsMenu.open_weights`, so they all behave the same:
the file is read off the GUI thread, a bad file gets a message naming it and the problem, and
the network shown changes only when a complete, valid one was read.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QWidget

from ...core.network import Network
from ...core.resources import weights_path
from ...core.weightfile import WeightFileError, save_weights
from ..models.comparison import Comparison
from ..models.messages import Messages
from ..models.state import AppState
from ..workers.loading import read_network_responsively
from .weight_sources import (
    bundled_weights,
    clear_recent,
    forget_recent,
    menu_text,
    read_last_folder,
    read_recent,
    remember_last_folder,
    remember_recent,
)

OPEN_FILTERS = (
    "Weight files (*.npz *.json *.pkl *.pickle *.safetensors);;"
    "digitviz weights (*.npz);;"
    "Nielsen network2 JSON (*.json);;"
    "3Blue1Brown video pickle (*.pkl *.pickle);;"
    "PyTorch nn.Sequential state dict (*.safetensors);;"
    "All files (*)"
)
NPZ_FILTER = "digitviz weights (*.npz)"
JSON_FILTER = "Nielsen network2 JSON (*.json)"


# -- the controller ------------------------------------------------------------------------------


class WeightsMenu(QObject):
    """Adds Open, Recent, Bundled, Compare with and Save as to ``file_menu``; takes drops.

    Parameters
    ----------
    state : the shown network (opened files are set on it).
    comparison : the second network held beside it (Compare with).
    messages : where errors and status notes go.
    file_menu : the menu to fill, above its first entry.
    dialog_parent : the widget file dialogs belong to.

    Install it as an event filter on the widget that takes dropped files.

    Signals
    -------
    sourceChanged() : the file the shown network belongs to changed (opened or saved as).
    comparisonStarted() : a second network is now compared with the shown one.
    """

    sourceChanged = Signal()
    comparisonStarted = Signal()

    def __init__(self, state: AppState, comparison: Comparison, messages: Messages, file_menu: QMenu,
                 dialog_parent: QWidget | None = None):
        super().__init__(file_menu)
        self._state = state
        self._comparison = comparison
        self._messages = messages
        self._dialog_parent = dialog_parent
        self._busy = False
        self._source: tuple[Network, Path] | None = None
        menu = file_menu
        # Opening files comes first in the File menu, above what other parts added.
        before = menu.actions()[0] if menu.actions() else None

        self.open_action = QAction("&Open weights…", self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.setStatusTip("Open a weight file: .npz, Nielsen JSON, 3Blue1Brown pickle, .safetensors")
        self.open_action.triggered.connect(self._on_open_triggered)
        menu.insertAction(before, self.open_action)

        self.recent_menu = QMenu("Open &recent", menu)
        self.recent_menu.aboutToShow.connect(self._on_recent_menu_about_to_show)
        menu.insertMenu(before, self.recent_menu)
        self.bundled_menu = QMenu("Open &bundled", menu)
        self.bundled_menu.setToolTipsVisible(True)
        self.bundled_menu.aboutToShow.connect(self._on_bundled_menu_about_to_show)
        menu.insertMenu(before, self.bundled_menu)

        self.save_action = QAction("&Save weights as…", self)
        self.save_action.setShortcut(QKeySequence.StandardKey.SaveAs)
        self.save_action.triggered.connect(self._on_save_triggered)
        menu.insertAction(before, self.save_action)
        menu.insertSeparator(before)

        self.compare_menu = QMenu("&Compare with", menu)
        self.compare_menu.setToolTipsVisible(True)
        self.compare_menu.aboutToShow.connect(self._on_compare_menu_about_to_show)
        menu.insertMenu(before, self.compare_menu)
        menu.insertSeparator(before)

    # -- public -----------------------------------------------------------------------------------

    @property
    def current_path(self) -> Path | None:
        """The file the shown network was read from; None once another network was set."""
        if self._source is not None and self._source[0] is self._state.network:
            return self._source[1]
        return None

    @property
    def is_loading(self) -> bool:
        return self._busy

    def adopt(self, network: Network, path, remember: bool = True) -> None:
        """Record that ``network`` came from ``path`` (e.g. ``--weights``); add it to Recent."""
        self._source = (network, Path(path).absolute())
        if remember:
            remember_recent(path)
        self.sourceChanged.emit()

    def read(self, path, purpose: str = "open") -> Network | None:
        """Read ``path`` off the GUI thread; None (after telling the user why) if it is refused."""
        path = Path(path).expanduser()
        if self._busy:
            self._messages.report_error(
                f"Could not {purpose} {path}:\nanother weight file is still being read; try again in a moment."
            )
            return None
        self._busy = True
        self._messages.show_status(f"Reading {path.name}…", 0)
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        try:
            return read_network_responsively(path)
        except WeightFileError as exc:
            if not path.exists():
                forget_recent(path)
            current = self._state.network
            self._messages.report_error(
                f"Could not {purpose} the weight file {path}: {exc.problem}.\n\n"
                f"Still showing {current.name} ({current.shape_text})."
            )
            return None
        finally:
            QApplication.restoreOverrideCursor()
            self._busy = False

    def open_weights(self, path) -> bool:
        """Show the network in ``path``; False (with a message, nothing changed) if refused."""
        network = self.read(path, "open")
        if network is None:
            return False
        self.adopt(network, path)
        self._state.set_network(network)
        self._messages.show_status(
            f"Opened {Path(path).name}: {network.name}, {network.shape_text}", 5000
        )
        return True

    def compare_with(self, path) -> bool:
        """Read ``path`` as the comparison's second network; False (with a message) if refused."""
        network = self.read(path, "compare with")
        if network is None:
            return False
        self._comparison.set_network(network, Path(path).absolute())
        self.comparisonStarted.emit()
        self._messages.show_status(
            f"Comparing with {Path(path).name}: {network.name}, {network.shape_text}", 5000
        )
        return True

    def save_to(self, path) -> bool:
        """Write the shown network to ``path`` (Nielsen JSON for .json, else .npz)."""
        path = Path(path).expanduser()
        if path.suffix.lower() not in (".npz", ".json"):
            path = path.with_name(path.name + ".npz")
        network = self._state.network
        try:
            save_weights(network, path)
        except (OSError, ValueError, TypeError) as exc:
            self._messages.report_error(f"Could not save the weights to {path}: {exc}")
            return False
        self.adopt(network, path)
        self._messages.show_status(f"Saved {network.name} to {path}", 5000)
        return True

    # -- menu handlers ----------------------------------------------------------------------------

    @staticmethod
    def _start_folder() -> str:
        """The folder the user last chose a file in, else their home (never the installed package)."""
        folder = read_last_folder()
        return str(folder) if folder is not None else str(Path.home())

    @Slot()
    def _on_open_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self._dialog_parent, "Open weights", self._start_folder(), OPEN_FILTERS)
        if path:
            remember_last_folder(Path(path).parent)
            self.open_weights(path)

    @Slot()
    def _on_save_triggered(self) -> None:
        name = f"{self._state.network.name}.npz".replace("/", "_")
        path, chosen = QFileDialog.getSaveFileName(
            self._dialog_parent, "Save weights as", str(Path(self._start_folder()) / name),
            f"{NPZ_FILTER};;{JSON_FILTER}",
        )
        if not path:
            return
        if chosen == JSON_FILTER and Path(path).suffix.lower() != ".json":
            path += ".json"
        remember_last_folder(Path(path).parent)
        self.save_to(path)

    @Slot()
    def _on_compare_other_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self._dialog_parent, "Compare with", self._start_folder(), OPEN_FILTERS
        )
        if path:
            remember_last_folder(Path(path).parent)
            self.compare_with(path)

    @Slot()
    def _on_recent_menu_about_to_show(self) -> None:
        self.recent_menu.clear()
        recent = read_recent()
        for i, path in enumerate(recent):
            prefix = f"&{i + 1} " if i < 9 else ""
            action = self.recent_menu.addAction(prefix + f"{path.name}  —  {path.parent}".replace("&", "&&"))
            action.setToolTip(str(path))
            action.triggered.connect(lambda _=False, p=path: self.open_weights(p))
        if not recent:
            self.recent_menu.addAction("(none yet)").setEnabled(False)
        self.recent_menu.addSeparator()
        clear = self.recent_menu.addAction("Clear list")
        clear.setEnabled(bool(recent))
        clear.triggered.connect(clear_recent)

    def _fill_bundled(self, menu: QMenu, on_pick) -> None:
        items = bundled_weights()
        for item in items:
            action = menu.addAction(menu_text(item))
            if item.problem is None:
                # Shown in the status bar while the entry is hovered, and as its tooltip.
                action.setStatusTip(item.description or item.title)
                action.setToolTip(f"{item.description}\n{item.path}".strip())
            else:
                action.setStatusTip(f"{item.path.name} cannot be read: {item.problem}")
                action.setToolTip(f"Cannot be read: {item.problem}")
            action.setEnabled(item.problem is None)
            action.triggered.connect(lambda _=False, p=item.path: on_pick(p))
        if not items:
            menu.addAction(f"(no weight files in {weights_path()})").setEnabled(False)

    @Slot()
    def _on_bundled_menu_about_to_show(self) -> None:
        self.bundled_menu.clear()
        self._fill_bundled(self.bundled_menu, self.open_weights)

    @Slot()
    def _on_compare_menu_about_to_show(self) -> None:
        menu = self.compare_menu
        menu.clear()
        other = menu.addAction("Other &file…")
        other.triggered.connect(self._on_compare_other_triggered)
        menu.addSeparator()
        self._fill_bundled(menu, self.compare_with)
        menu.addSeparator()
        stop = menu.addAction("&Stop comparing")
        stop.setEnabled(self._comparison.network is not None)
        stop.triggered.connect(lambda: self._comparison.set_network(None))

    # -- drag and drop ----------------------------------------------------------------------------

    @staticmethod
    def _dropped_files(event) -> list[Path]:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    def eventFilter(self, watched, event) -> bool:  # Qt override
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if self._dropped_files(event) and not self._busy:
                event.acceptProposedAction()
            else:
                event.ignore()
            return True
        if kind == QEvent.Type.Drop:
            files = self._dropped_files(event)
            if not files:
                event.ignore()
                return True
            event.acceptProposedAction()
            if len(files) > 1:
                self._messages.show_status(f"Several files dropped: opening {files[0].name}", 5000)
            # Read after the drop returns: the drag source is waiting for our answer.
            QTimer.singleShot(0, self, lambda p=files[0]: self.open_weights(p))
            return True
        return super().eventFilter(watched, event)

