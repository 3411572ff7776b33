"""``digitviz render``: the network scene for one input, written to a PNG or SVG, no window."""

from __future__ import annotations

import math
import os
import stat
import sys
import tempfile
from pathlib import Path

import numpy as np

MAX_NPY_VALUES = 4096 * 4096  # a 16-megapixel picture; more is not a digit


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


def check_output(out: Path) -> str | None:
    """Why ``out`` cannot be written to, or None: its folder must exist, and if it exists it
    must be a regular file (never a FIFO, whose opening would block, or a device)."""
    if not out.parent.is_dir():
        return f"{out}: folder {out.parent} does not exist"
    try:
        mode = os.stat(out).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"{out}: cannot be written ({exc.strerror or exc})"
    if stat.S_ISDIR(mode):
        return f"{out}: is a directory; give a file name ending in .png or .svg"
    if not stat.S_ISREG(mode):
        from ..core.regular_file import describe_mode

        return f"{out}: is {describe_mode(mode)}, not a regular file; refusing to write to it"
    return None


def check_npy_input(spec: str) -> str | None:
    """Why the ``.npy`` input ``spec`` is not a usable image, or None.

    The header is read first (a file may declare 80 GB), then the values are checked: NaN or
    infinite values are named rather than quietly zeroed.
    """
    from ..core.regular_file import NotRegularFile, open_regular

    try:
        with open_regular(spec) as f:
            version = np.lib.format.read_magic(f)
            if version not in ((1, 0), (2, 0)):
                return f"{spec}: .npy format version {version} is not supported"
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else \
                np.lib.format.read_array_header_2_0
            shape, _fortran, dtype = read_header(f)
            count = math.prod(shape)
            if dtype.hasobject or dtype.kind not in "biuf":
                return f"{spec}: holds {dtype} values, not numbers"
            if count > MAX_NPY_VALUES:
                return (f"{spec}: declares {count:,} values (shape {shape}); an image of at most "
                        f"{MAX_NPY_VALUES:,} is expected")
            raw = f.read(count * dtype.itemsize + 1)
    except NotRegularFile as exc:
        return f"{spec}: is {exc.kind}, not an image file"
    except FileNotFoundError:
        return f"{spec}: file not found"
    except (OSError, ValueError, SyntaxError) as exc:
        return f"{spec}: not a readable NumPy array ({str(exc)[:200]})"
    if len(raw) != count * dtype.itemsize:
        return f"{spec}: holds {len(raw):,} data bytes but its header promises {count * dtype.itemsize:,}"
    values = np.frombuffer(raw, dtype=dtype, count=count)
    if dtype.kind == "f" and not np.all(np.isfinite(values)):
        return f"{spec}: the image holds NaN or infinite values"
    if count == 0 or np.all(values == values[0]):
        return f"{spec}: the image is blank (every pixel the same); there is no digit to read"
    return None


def run(args) -> int:
    try:
        width, height = parse_size(args.size)
    except ValueError as exc:
        return _fail(str(exc))
    out = Path(args.out)
    problem = check_output(out)
    if problem:
        return _fail(problem)
    if not args.input.startswith("mnist:") and args.input.lower().endswith(".npy"):
        problem = check_npy_input(args.input)
        if problem:
            return _fail(problem)

    from ..core.resources import default_weights_path
    from ..core.weightfiles import WeightFileError, load_weights

    weights = Path(args.weights) if args.weights else default_weights_path()
    try:
        network = load_weights(weights)
    except WeightFileError as exc:
        return _fail(str(exc))

    # No window: render offscreen unless the caller chose a platform (or Qt is already running).
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ..gui.app import ensure_app, quiet_platform_notices
    from ..gui.drawing.image_input import InputError, load_input
    from ..gui.scene import NetworkScene

    app = ensure_app()
    quiet_platform_notices()
    try:
        x = load_input(args.input)
    except InputError as exc:
        return _fail(str(exc))
    if x.size != network.sizes[0]:
        return _fail(f"{args.input}: gives {x.size} input values but the network takes {network.sizes[0]}")
    if not np.all(np.isfinite(x)):
        return _fail(f"{args.input}: the image holds NaN or infinite values")
    if float(x.max() - x.min()) < 1e-3:
        return _fail(f"{args.input}: the image is blank (every pixel the same); there is no digit to read")

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
        _export_atomically(scene, out)
    except OSError as exc:
        return _fail(str(exc))
    finally:
        scene.close()
        scene.deleteLater()
    out_values = activations[-1]
    digit = int(out_values.argmax())
    truth = _true_label(args.input)
    shape = "" if network.shape_text in network.name else f" ({network.shape_text})"
    print(f"wrote {out} ({width}x{height}, {args.view} view): {network.name}{shape} "
          f"reads {args.input} as {digit} ({out_values[digit]:.2f})"
          + (f"; its true label is {truth}" if truth is not None else ""))
    return 0


def _true_label(spec: str) -> int | None:
    """The label of test digit ``mnist:N``, else None."""
    if not spec.startswith("mnist:"):
        return None
    from ..core.mnist import bundled_test_set

    return int(bundled_test_set().labels[int(spec[len("mnist:"):])])


def _export_atomically(scene, out: Path) -> None:
    """Write beside ``out`` and rename into place: nothing half-written, and a FIFO swapped in
    at ``out`` after the check is replaced, never opened."""
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=out.suffix, dir=out.parent)
    os.close(fd)
    try:
        scene.export_image(tmp)
        mask = os.umask(0o022)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
