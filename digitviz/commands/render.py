"""``digitviz render``: the network scene for one input, written to a PNG or SVG, no window."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def parse_size(text: str) -> tuple[int, int]:
    """``"1600x900"`` -> (1600, 900); raises ValueError for anything else."""
    parts = text.lower().split("x")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"--size {text!r}: expected WIDTHxHEIGHT, e.g. 1600x900")
    width, height = (int(p) for p in parts)
    if not (100 <= width <= 10000 and 100 <= height <= 10000):
        raise ValueError(f"--size {text!r}: width and height must be between 100 and 10000 pixels")
    return width, height


def _fail(message: str) -> int:
    print(f"digitviz render: {message}", file=sys.stderr)
    return 2


def run(args) -> int:
    try:
        width, height = parse_size(args.size)
    except ValueError as exc:
        return _fail(str(exc))
    out = Path(args.out)
    if not out.parent.is_dir():
        return _fail(f"{out}: folder {out.parent} does not exist")

    from ..core.resources import default_weights_path
    from ..core.weightfile import WeightFileError, load_weights

    weights = Path(args.weights) if args.weights else default_weights_path()
    try:
        network = load_weights(weights)
    except WeightFileError as exc:
        return _fail(str(exc))

    # No window: render offscreen unless the caller chose a platform (or Qt is already running).
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ..gui.app import ensure_app
    from ..gui.drawing.image_input import InputError, load_input
    from ..gui.scene import NetworkScene

    app = ensure_app()
    try:
        x = load_input(args.input)
    except InputError as exc:
        return _fail(str(exc))
    if x.size != network.sizes[0]:
        return _fail(f"{args.input}: gives {x.size} input values but the network takes {network.sizes[0]}")

    scene = NetworkScene()
    scene.resize(width, height)
    scene.set_network(network)
    scene.view_mode = args.view
    scene.show()
    app.processEvents()
    scene.fit_view()
    activations = network.forward(x)
    scene.show_activations(activations, animate=False)
    app.processEvents()
    try:
        scene.export_image(out)
    except OSError as exc:
        return _fail(str(exc))
    finally:
        scene.close()
        scene.deleteLater()
    out_values = activations[-1]
    digit = int(out_values.argmax())
    print(f"wrote {out} ({width}x{height}, {args.view} view): {network.name} "
          f"({network.shape_text}) reads {args.input} as {digit} ({out_values[digit]:.2f})")
    return 0
