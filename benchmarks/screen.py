"""A virtual screen for benchmarks run offscreen: Qt's offscreen platform defaults to 800x600,
which the window (kept inside its screen) would shrink to. ``offscreen(1600, 900)`` gives the
platform string for a screen of that size."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path


def offscreen(width: int = 1600, height: int = 900) -> str:
    """``offscreen:configfile=...`` describing one ``width`` x ``height`` screen at 96 dpi."""
    config = {"synchronousWindowSystemEvents": False, "windowFrameMargins": False,
              "screens": [{"name": f"bench-{width}x{height}", "x": 0, "y": 0, "width": width, "height": height,
                           "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}
    path = Path(tempfile.gettempdir()) / f"digitviz-screen-{width}x{height}.json"
    path.write_text(json.dumps(config))
    return f"offscreen:configfile={path}"
