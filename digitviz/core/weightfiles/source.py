"""Reading a weight file's bytes: regular files only, never blocking, never more than the limit."""

from __future__ import annotations

from pathlib import Path

from ..regular_file import FileTooLarge, NotRegularFile, read_regular
from . import limits
from .common import WeightFileError


def read_bytes(path: Path) -> bytes:
    """All bytes of weight file ``path`` (at most ``limits.MAX_FILE_BYTES``); WeightFileError else."""
    try:
        data = read_regular(path, limits.MAX_FILE_BYTES)
    except NotRegularFile as exc:
        if exc.kind == "a directory":
            raise WeightFileError(path, "is a directory, not a weight file") from None
        # A pipe would block the read forever, a device could stream without end.
        raise WeightFileError(path, f"is {exc.kind}, not a regular file") from None
    except FileTooLarge as exc:
        raise WeightFileError(
            path, f"is {exc.size / 2**20:.0f} MiB, more than the {limits.MAX_FILE_BYTES / 2**20:.0f} MiB limit"
        ) from None
    except FileNotFoundError:
        raise WeightFileError(path, "file not found") from None
    except PermissionError:
        raise WeightFileError(path, "permission denied: the file cannot be read") from None
    except IsADirectoryError:
        raise WeightFileError(path, "is a directory, not a weight file") from None
    except OSError as exc:
        raise WeightFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    if not data:
        raise WeightFileError(path, "the file is empty")
    return data
