"""Writing weight files: native ``.npz`` or Nielsen JSON, atomically (temporary file + rename)."""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from ..network import Network

NPZ_FORMAT_VERSION = 1


def save_weights(network: Network, path) -> Path:
    """Write ``network`` to ``path``: Nielsen JSON if the name ends in ``.json``, else ``.npz``.

    The file is written beside its target and renamed into place, so an interrupted save never
    leaves a half-written file. Returns the path written.
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        payload = _nielsen_json_bytes(network)
    else:
        payload = _npz_bytes(network)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        # mkstemp makes the file private (0600); give it the mode a plain open() would have.
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _mode_for(path: Path) -> int:
    """The existing file's permissions, or 0666 less the process umask for a new file."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _npz_bytes(network: Network) -> bytes:
    arrays = {
        "format_version": np.array(NPZ_FORMAT_VERSION),
        "sizes": np.array(network.sizes, dtype=np.int64),
        "hidden_activation": np.array(network.hidden_activation),
        "output_activation": np.array(network.output_activation),
        "metadata": np.array(json.dumps(network.metadata, sort_keys=True, default=str)),
    }
    for i, (w, b) in enumerate(zip(network.weights, network.biases)):
        arrays[f"weight_{i}"] = w
        arrays[f"bias_{i}"] = b
    # Written member by member with a fixed timestamp, so the same network gives the same bytes.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key, value in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(value), allow_pickle=False)
    return buf.getvalue()


def _nielsen_json_bytes(network: Network) -> bytes:
    doc = {
        "sizes": network.sizes,
        "weights": [w.tolist() for w in network.weights],
        "biases": [b.reshape(-1, 1).tolist() for b in network.biases],
        "cost": "CrossEntropyCost",
        "hidden_activation": network.hidden_activation,
        "output_activation": network.output_activation,
        "metadata": network.metadata,
    }
    return json.dumps(doc, default=str).encode("utf-8")
