"""Docks that always fit the screen: tabify what does not fit, clamp the window, full tab titles."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar, QWidget

FRAME = 40  # pixels of title bar and frame a window manager adds above and below


def available_area(window: QMainWindow) -> QRect | None:
    """The available geometry of the screen the window is on (or the primary one)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return None if screen is None else screen.availableGeometry()


def fit_docks(window: QMainWindow, area: QRect, stacks: list[tuple[QDockWidget, list[QDockWidget]]]) -> None:
    """Tabify docks until the window's minimum height fits ``area``, then clamp the window into it.

    ``stacks`` lists ``(host, candidates)``: each visible candidate docked beside ``host`` is made a
    tab of it, in order, while the window is still too tall. Tabs keep their full titles.
    """
    limit = area.height() - FRAME
    # Docks on view now stay on view: a dock tucked in as a tab must not cover the tab in front.
    in_front = [dock for dock in window.findChildren(QDockWidget)
                if dock.isVisible() and not dock.visibleRegion().isEmpty()]
    for host, candidates in stacks:
        for dock in candidates:
            if window.minimumSizeHint().height() <= limit:
                break
            if dock.isVisible() and not dock.isFloating() and dock not in window.tabifiedDockWidgets(host):
                window.tabifyDockWidget(host, dock)
    for dock in in_front:
        if dock.visibleRegion().isEmpty():
            dock.raise_()
    # The window's minimum follows its layout only when the layout next runs; run it now.
    window.layout().activate()
    clamp_to(window, area)
    show_full_tab_titles(window)


def clamp_to(window: QMainWindow, area: QRect) -> None:
    """Resize and move ``window`` so that its frame lies inside ``area``."""
    width = min(window.width(), area.width())
    height = min(window.height(), area.height() - FRAME)
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
    frame = window.frameGeometry()
    if not area.contains(frame):
        x = min(max(frame.x(), area.x()), area.right() - frame.width())
        y = min(max(frame.y(), area.y()), area.bottom() - frame.height())
        window.move(max(x, area.x()), max(y, area.y()))


def show_full_tab_titles(window: QMainWindow) -> None:
    """Dock tabs show whole titles ("Inspector", not "Inspe…") and scroll when they do not fit."""
    for bar in window.findChildren(QTabBar):
        bar.setElideMode(Qt.TextElideMode.ElideNone)
        bar.setUsesScrollButtons(True)
        bar.setExpanding(False)


def is_covered(widget: QWidget) -> bool:
    """Whether ``widget`` cannot be seen in a window that is on screen: hidden, or in a dock that
    is a tab behind another (Qt keeps those "visible"). A panel may skip work then and do it in
    its ``catch_up``, which the window calls when the dock comes to the front."""
    return widget.window().isVisible() and (not widget.isVisible() or widget.visibleRegion().isEmpty())
