"""``digitviz`` with no subcommand: open the window."""

from __future__ import annotations


def run(args) -> int:
    from ..gui.app import run as run_window

    return run_window(args.weights)
