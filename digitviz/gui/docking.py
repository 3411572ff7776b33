"""The window's docks: made with stable names, kept inside the screen, remembered between runs.

:class:`DockingWindow` is the QMainWindow that :class:`~digitviz.gui.main_window.MainWindow`
builds its parts into. It knows docks, the screen and QSettings, not the parts: which docks may
be tabbed together to fit a small screen, and how a first run is laid out, come from the main
window (:meth:`DockingWindow.fit_stacks`, :meth:`DockingWindow.first_run_layout`).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer, Slot
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QWidget

from .models.settings import read_bytes
from .widgets.docks import available_area, clamp_to, fit_docks, show_full_tab_titles


class DockingWindow(QMainWindow):
    """A main window whose docks stay on its screen and come back where the user left them.

    The subclass sets ``view_menu`` (each dock's show/hide action goes there) before the first
    :meth:`add_dock`, and calls :meth:`restore_layout` once every dock exists.
    """

    view_menu: QMenu

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self._fit_pending = False  # a fit to the screen is scheduled for the next event-loop turn

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
        # Docks in a tab group all stay "visible": a panel that skips work while covered
        # (``catch_up``) is told when its tab comes to the front.
        catch_up = getattr(widget, "catch_up", None)
        if catch_up is not None:
            dock.visibilityChanged.connect(lambda visible: catch_up() if visible else None)
        return dock

    def bring_forward(self, dock: QDockWidget) -> None:
        """Show ``dock`` and bring its tab to the front."""
        dock.show()
        dock.raise_()

    # -- fitting the screen -----------------------------------------------------------------------

    def fit_stacks(self) -> list[tuple[QDockWidget, list[QDockWidget]]]:
        """Which docks may be tabbed onto which, in order, when the window is too tall for its
        screen (see :func:`~digitviz.gui.widgets.docks.fit_docks`). None here; subclasses say."""
        return []

    def fit_to_screen(self, area=None) -> None:
        """Tabify docks until the window fits ``area`` (default: its screen's available area)
        with every shown dock, then keep the window inside it."""
        area = area if area is not None else available_area(self)
        if area is None:
            return
        fit_docks(self, area, self.fit_stacks())

    @Slot()
    def _schedule_fit(self) -> None:
        if not self._fit_pending and self.isVisible():
            self._fit_pending = True
            QTimer.singleShot(0, self._on_fit_timer)

    @Slot()
    def _on_fit_timer(self) -> None:
        self._fit_pending = False
        self.fit_to_screen()

    # -- remembering the layout -------------------------------------------------------------------

    def restore_layout(self) -> None:
        """The size, place and docks of the last session; on a first run, a size that suits the
        screen and :meth:`first_run_layout`. Either way the window then fits its screen."""
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
        self.first_run_layout()

    def first_run_layout(self) -> None:
        """Arrange the docks for a first run (subclasses say how)."""

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
