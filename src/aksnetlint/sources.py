"""Reading scanned files: size limit, UTF-8 (with or without BOM), positioned errors."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aksnetlint.errors import ParseError

MAX_FILE_BYTES = 20 * 1024 * 1024

# (absolute path, sha256 of its bytes) of every file read while recording: what a cached
# result depends on
_recorders: list[dict[str, str]] = []


@contextmanager
def recording() -> Iterator[dict[str, str]]:
    """Record every file `read_text` reads (and its content hash) inside the block."""
    record: dict[str, str] = {}
    _recorders.append(record)
    try:
        yield record
    finally:
        _recorders.remove(record)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_text(path: Path, rel: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The file's text with a BOM removed and CRLF kept; a `ParseError` when it cannot be
    read, is larger than `max_bytes`, holds NUL bytes or is not valid UTF-8."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ParseError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit; "
                             "skipped", rel)
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read file: {exc.strerror or exc}", rel) from None
    if _recorders:
        digest = content_hash(data)
        for record in _recorders:
            record[str(path.resolve())] = digest
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        raise ParseError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", rel, line,
                         column) from None
    nul = text.find("\x00")
    if nul >= 0:
        line, column = _position(data, len(text[:nul].encode("utf-8")))
        raise ParseError("file contains a NUL byte (binary file?)", rel, line, column)
    return text


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1
