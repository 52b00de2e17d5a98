"""Reading scanned files: only regular files inside the scanned tree, up to a size limit,
as UTF-8 (with or without BOM), with positioned errors.

Every reader of input goes through `read_bytes` (or `read_text`, or `peek_text` for the
cheap pre-scans): the file's real path (symlinks resolved) must lie inside the allowed roots
of the scan (`confine`: the repository of each scanned path, or the path itself outside a
repository, plus the files named on the command line); it must be a regular file (a FIFO,
a device or a socket is never opened for reading: it is checked with `stat` before and
`fstat` after a non-blocking open); and it is read only up to the size limit. A file
outside the tree raises `OutsideTree`, whose message names the file and never its content.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from aksnetlint.errors import ParseError

MAX_FILE_BYTES = 20 * 1024 * 1024
MISSING = "-"  # the recorded "hash" of a file that did not exist when it was looked for

# (absolute path, sha256 of its bytes) of every file read while recording: what a cached
# result depends on
_recorders: list[dict[str, str]] = []
# the roots reads are confined to (innermost `confine` block); None: not confined
_confined: list[tuple[Path, ...]] = []


class OutsideTree(ParseError):
    """The file resolves (through `..` or a symlink) outside the scanned tree: not read."""


class NotRegularFile(ParseError):
    """A FIFO, a device, a socket or a folder where a file was expected: not read."""


@contextmanager
def recording() -> Iterator[dict[str, str]]:
    """Record every file read (and its content hash) inside the block."""
    record: dict[str, str] = {}
    _recorders.append(record)
    try:
        yield record
    finally:
        # by identity: recordings nest, and two of them may hold equal contents (the
        # same files read for two parameter files of one Bicep deployment)
        _recorders[:] = [other for other in _recorders if other is not record]


@contextmanager
def confine(roots: tuple[Path, ...]) -> Iterator[None]:
    """Inside the block, only files under `roots` (folders, or single files) are read."""
    _confined.append(tuple(Path(os.path.realpath(r)) for r in roots))
    try:
        yield
    finally:
        _confined.pop()


def allowed_roots() -> tuple[Path, ...] | None:
    return _confined[-1] if _confined else None


def inside(path: Path) -> bool:
    """Whether `path` (symlinks resolved) lies inside the allowed roots."""
    roots = allowed_roots()
    if roots is None:
        return True
    try:
        real = Path(os.path.realpath(path))
    except (OSError, ValueError):
        return False
    return any(real == root or root in real.parents for root in roots)


def check_inside(path: Path, rel: str) -> None:
    if not inside(path):
        raise OutsideTree(f"{escape(rel)} resolves outside the scanned tree; not read", rel)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _record(path: Path, digest: str) -> None:
    if _recorders:
        try:
            name = os.path.realpath(path)
        except (OSError, ValueError):
            return
        for record in _recorders:
            record[name] = digest


def read_bytes(path: Path, rel: str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes; `OutsideTree`, `NotRegularFile` or `ParseError` (missing, too
    large, unreadable) otherwise. Never blocks: a FIFO is never opened."""
    check_inside(path, rel)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        _record(path, MISSING)
        raise ParseError("cannot read file: No such file or directory", rel) from None
    except (OSError, ValueError) as exc:
        raise ParseError(f"cannot read file: {_reason(exc)}", rel) from None
    _regular(info, rel)
    _size(info.st_size, max_bytes, rel)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | \
        getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError) as exc:
        raise ParseError(f"cannot read file: {_reason(exc)}", rel) from None
    try:
        info = os.fstat(fd)  # what was opened, not what the path named a moment ago
        _regular(info, rel)
        _size(info.st_size, max_bytes, rel)
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise ParseError(f"cannot read file: {_reason(exc)}", rel) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    _size(len(data), max_bytes, rel)  # it grew while being read
    _record(path, content_hash(data))
    return data


def _regular(info: os.stat_result, rel: str) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else \
            "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else \
            "a socket" if stat.S_ISSOCK(info.st_mode) else \
            "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise NotRegularFile(f"{kind}, not a regular file; not read", rel)


def _size(size: int, max_bytes: int, rel: str) -> None:
    if size > max_bytes:
        raise ParseError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit; "
                         "skipped", rel)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def read_text(path: Path, rel: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The file's text with a BOM removed and CRLF kept; a `ParseError` when it cannot be
    read (see `read_bytes`), holds NUL bytes or cannot be decoded (see `decode_text`)."""
    return decode_text(read_bytes(path, rel, max_bytes), rel)


# byte-order marks and their codecs; UTF-32 LE before UTF-16 LE, whose mark it starts with
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"),
         (b"\xfe\xff", "utf-16-be"))


def decode_text(data: bytes, rel: str) -> str:
    """Bytes as text: UTF-8, or UTF-16 / UTF-32 when a byte-order mark says so (Windows
    tools write those, and Azure accepts them); the mark is removed. `ParseError` at the
    first byte that cannot be decoded, or at a NUL character (a binary file)."""
    codec = "utf-8"
    for mark, name in _BOMS:
        if data.startswith(mark):
            data, codec = data[len(mark):], name
            break
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        if codec == "utf-8":
            line, column = _position(data, exc.start)
        else:
            prefix = data[:exc.start].decode(codec, errors="replace")
            line = prefix.count("\n") + 1
            column = len(prefix) - (prefix.rfind("\n") + 1) + 1
        raise ParseError(f"not valid {codec.upper().removesuffix('-LE').removesuffix('-BE')}"
                         f" (byte 0x{data[exc.start]:02x})", rel, line, column) from None
    nul = text.find("\x00")
    if nul >= 0 and codec != "utf-8":
        prefix = text[:nul]
        raise ParseError("file contains a NUL byte (binary file?)", rel, prefix.count("\n") + 1,
                         len(prefix) - (prefix.rfind("\n") + 1) + 1)
    if nul >= 0:
        line, column = _position(data, len(text[:nul].encode("utf-8")))
        raise ParseError("file contains a NUL byte (binary file?)", rel, line, column)
    return text


def peek_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """A file's text for a cheap pre-scan (undecodable bytes replaced), or None when it may
    not or cannot be read. Not recorded: the real read happens later."""
    recorders = _recorders[:]
    _recorders.clear()
    try:
        data = read_bytes(path, path.name, max_bytes)
        codec = next((name for mark, name in _BOMS if data.startswith(mark)), "utf-8")
        return data.decode(codec, errors="replace").removeprefix("\ufeff")
    except ParseError:
        return None
    finally:
        _recorders.extend(recorders)


def file_hash(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """The content hash of a regular file (`MISSING` when absent), None when it cannot be
    read safely: what the result cache compares its dependencies with."""
    recorders = _recorders[:]
    _recorders.clear()
    try:
        return content_hash(read_bytes(path, path.name, max_bytes))
    except ParseError:
        return MISSING if not os.path.lexists(path) else None
    finally:
        _recorders.extend(recorders)


def walk(top: Path, keep: Callable[[str], bool] = lambda name: True
         ) -> Iterator[tuple[Path, list[str]]]:
    """Every folder under `top` (symlinked folders not followed, folders whose name `keep`
    rejects skipped) with the names of its files, top-down and in name order. Iterative:
    a tree of any depth is walked without hitting Python's recursion limit."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except (OSError, ValueError):
            continue
        files, folders = [], []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if keep(entry.name):
                        folders.append(Path(entry.path))
                elif entry.is_file():
                    files.append(entry.name)
            except OSError:
                continue
        yield folder, files
        stack.extend(reversed(folders))


def escape(text: str) -> str:
    """`text` with control characters and undecodable bytes (surrogate escapes from a file
    name that is not UTF-8) written as escapes: safe on a terminal and in one line."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's escape of a byte that is not UTF-8
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char.isprintable() or char == " ":
            out.append(char)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out)


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1
