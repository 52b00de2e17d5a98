"""The per-user cache folder, and private files in it that are safe to trust.

A file is trusted only when it lives in a folder this user owns and nobody else can enter
(created 0700; checked on the open folder, so a swapped path cannot slip in), is a regular
file owned by this user that nobody else can write, and carries the SHA-256 of its own
content. Cached data is JSON, never pickle: a cache is data, not code, so even a tampered
file could not run anything. Where no such folder can be had (a read-only home, a folder
owned by someone else), callers rebuild what they need in memory and store nothing; they
never fall back to a folder others can write.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 32 * 1024 * 1024
_POSIX = hasattr(os, "geteuid") and hasattr(os, "O_NOFOLLOW") and hasattr(os, "O_DIRECTORY")


def cache_dir() -> Path:
    """The user cache folder of aksnetlint (created on demand)."""
    base = os.environ.get("AKSNETLINT_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    root = Path(xdg) if xdg else Path.home() / ".cache"
    return root / "aksnetlint"


def _candidate_folders(name: str) -> list[Path]:
    import tempfile

    folders = [cache_dir() / name]
    if _POSIX:
        # a per-user folder under the temporary directory, verified like the other one:
        # someone who creates it first can only make us rebuild, never feed us a file
        folders.append(Path(tempfile.gettempdir()) / f"aksnetlint-{os.geteuid()}" / name)
    return folders


def _open_private_folder(folder: Path) -> int | None:
    """A file descriptor of `folder` (created 0700), or None when it is not private."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, 0o700)
    except OSError:
        return None
    if not _POSIX:
        return -1  # no ownership model to check: the user's own profile folder
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return None
    info = os.fstat(fd)
    if info.st_uid != os.geteuid() or info.st_mode & 0o077:
        os.close(fd)
        return None
    return fd


class PrivateStore:
    """JSON documents in a private folder, each with the hash of its content."""

    def __init__(self, folder_name: str) -> None:
        self.folder_name = folder_name
        self._folder: Path | None = None
        self._fd: int | None = None
        for folder in _candidate_folders(folder_name):
            fd = _open_private_folder(folder)
            if fd is not None:
                self._folder, self._fd = folder, fd
                break

    @property
    def available(self) -> bool:
        return self._fd is not None

    def close(self) -> None:
        if self._fd is not None and self._fd >= 0:
            os.close(self._fd)
        self._fd = None

    def read(self, name: str) -> object | None:
        """The document stored under `name`, or None (missing, not private, or altered)."""
        raw = self._read_bytes(name)
        if raw is None:
            return None
        digest, _, payload = raw.partition(b"\n")
        if hashlib.sha256(payload).hexdigest().encode() != digest:
            return None
        try:
            document: object = json.loads(payload)
        except ValueError:
            return None
        return document

    def write(self, name: str, document: object) -> bool:
        """Store `document` atomically; False when it could not be stored."""
        if self._fd is None or self._folder is None:
            return False
        import secrets

        payload = json.dumps(document, separators=(",", ":")).encode()
        data = hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
        temp = f".{name}.{secrets.token_hex(8)}.tmp"
        try:
            if _POSIX:
                fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600,
                             dir_fd=self._fd)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(temp, name, src_dir_fd=self._fd, dst_dir_fd=self._fd)
            else:
                path = self._folder / temp
                path.write_bytes(data)
                os.replace(path, self._folder / name)
        except OSError:
            with contextlib.suppress(OSError):
                if _POSIX:
                    os.unlink(temp, dir_fd=self._fd)
                else:
                    (self._folder / temp).unlink()
            return False
        return True

    def _read_bytes(self, name: str) -> bytes | None:
        if self._fd is None or self._folder is None:
            return None
        try:
            if not _POSIX:
                path = self._folder / name
                if path.is_symlink() or not path.is_file():
                    return None
                return path.read_bytes()[:MAX_FILE_BYTES + 1] or None
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=self._fd)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or \
                    info.st_mode & 0o022 or info.st_size > MAX_FILE_BYTES:
                return None
            return handle.read(MAX_FILE_BYTES + 1)
