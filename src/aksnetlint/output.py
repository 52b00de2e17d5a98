"""Writing reports to files (`-o`) so that the output cannot be turned against its reader,
and stderr lines that stay one line each.

- A regular file (or a new one) is replaced atomically: the report goes to a temporary
  file beside it, is flushed to disk, and is renamed over the target; an interrupted write
  (SIGTERM, Ctrl-C, a full disk) leaves the old file as it was and no temporary behind.
  Missing parent folders are created. A new file gets the usual permissions (0666 less the
  umask, not mkstemp's 0600); a replaced file keeps its own.
- A FIFO or a character device (`-o /dev/stdout`, a named pipe with a reader) is written
  through, never replaced. A symbolic link, a block device, a socket or a folder is
  refused: a link planted in a checkout must not make the report overwrite its target.
- Text that is not UTF-8 (a file name that is not) is written with backslash escapes.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path


class OutputError(OSError):
    """The report cannot be written to this path (the message says why)."""

    def __init__(self, message: str) -> None:
        super().__init__(errno.EINVAL, message)


def write_report(text: str, output: Path) -> None:
    """Write `text` to `output` as described in the module docstring; `OSError` (with a
    message for the user in `strerror`) when it cannot be written."""
    data = text.encode("utf-8", "backslashreplace")
    try:
        info: os.stat_result | None = os.lstat(output)
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode):
        try:
            target = os.stat(output)
        except OSError:
            target = None
        if target is not None and _streams(target):
            _write_through(output, data)
            return
        raise OutputError("is a symbolic link; not replaced (name the file it points to)")
    if info is not None and _streams(info):
        _write_through(output, data)
        return
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise OutputError("is not a regular file; not replaced")
    folder = output.absolute().parent
    folder.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
    fd, temporary = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _streams(info: os.stat_result) -> bool:
    return stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode)


def _write_through(output: Path, data: bytes) -> None:
    """Write into a FIFO or a character device without replacing it; a FIFO with no reader
    is an error, not a hang."""
    try:
        fd = os.open(output, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OutputError("is a FIFO with no reader") from None
        raise
    try:
        os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def one_line(text: str) -> str:
    """A message as one line: line breaks folded into ` | `, other control characters and
    undecodable bytes escaped (a terminal escape in a scanned file must not reach the
    terminal raw)."""
    from aksnetlint.sources import escape

    if "\n" in text or "\r" in text:
        text = " | ".join(part.strip() for part in text.replace("\r\n", "\n")
                          .replace("\r", "\n").split("\n") if part.strip())
    return escape(text)
