"""Opening a file that must be a regular file, without ever blocking on a pipe or a device.

``stat()`` and then ``open()`` leaves a gap in which the file can be swapped for a FIFO, whose
``open()`` blocks until a writer appears. Here the file is opened non-blocking first, and the
*open descriptor* is checked with ``fstat``: what was checked is what is read.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

try:  # POSIX; on Windows there are no FIFOs of this kind to guard against
    import fcntl
except ImportError:  # pragma: no cover - not on Linux
    fcntl = None


class NotRegularFile(OSError):
    """The path names a directory, pipe, socket or device; ``kind`` says which (``"a directory"``)."""

    def __init__(self, path, kind: str):
        self.kind = kind
        super().__init__(f"{path}: is {kind}, not a regular file")


class FileTooLarge(OSError):
    """The file holds more than the caller's limit; ``size`` is what it holds (at least)."""

    def __init__(self, path, size: int, limit: int):
        self.size = size
        self.limit = limit
        super().__init__(f"{path}: {size} bytes, more than the {limit}-byte limit")


def describe_mode(mode: int) -> str:
    """What kind of file ``st_mode`` describes, for messages: ``"a named pipe (FIFO)"``, ..."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def open_regular(path) -> BinaryIO:
    """Open ``path`` for reading in binary mode if, once open, it is a regular file.

    Raises :class:`NotRegularFile` for anything else (never blocks on a FIFO), and the usual
    ``OSError`` subclasses (FileNotFoundError, PermissionError, ...) when it cannot be opened.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(path, describe_mode(mode))
        if fcntl is not None:  # reads of a regular file never block, but keep the usual semantics
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path, limit: int) -> bytes:
    """All of regular file ``path``, refusing (:class:`FileTooLarge`) more than ``limit`` bytes.

    The size is checked on the open descriptor and again while reading, so a file that grows
    meanwhile is still cut off at ``limit + 1`` bytes read.
    """
    with open_regular(path) as f:
        size = os.fstat(f.fileno()).st_size
        if size > limit:
            raise FileTooLarge(path, size, limit)
        # read(n) reserves n bytes at once: ask for what fstat promised (plus one, to notice
        # growth), then for any growth in bounded chunks.
        chunks = [f.read(size + 1)]
        total = len(chunks[0])
        while total > size and total <= limit:
            chunk = f.read(min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    if total > limit:
        raise FileTooLarge(path, total, limit)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
