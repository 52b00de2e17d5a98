"""A user-level cache of per-deployment scan outcomes, keyed by content.

An entry is found by a key made of the tool version, the rules and options in force, the
deployment's kind and path, and the content of its own files. It is used only when every
file the scan read (modules, variable and parameter files included) still has the recorded
content and the folders holding them still list the same files. Entries are JSON (never
pickle: a cache is data, not code); a corrupt or unreadable entry is ignored and rewritten.
Outcomes with input errors are not cached, so a fixed problem never hides behind a stale entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from aksnetlint import __version__
from aksnetlint.findings import FileError, Finding, Kind, Related, Severity
from aksnetlint.values import Location

FORMAT = 1
SCANNED_SUFFIXES = (".tf", ".tfvars", ".json", ".jsonc", ".bicep", ".bicepparam")


def cache_root() -> Path:
    from aksnetlint.parsers.terraform import cache_dir

    return cache_dir() / f"results-v{FORMAT}"


def _hash_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _listing(folder: Path) -> list[str]:
    try:
        return sorted(e.name for e in os.scandir(folder) if e.name.endswith(SCANNED_SUFFIXES))
    except OSError:
        return []


def code_fingerprint() -> str:
    """Size and modification time of aksnetlint's own modules: an edited checkout (same
    version number, different code) never reuses an older result."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}\n"
                      .encode())
    return digest.hexdigest()


def unit_key(kind: str, unit_path: Path, files: list[Path], context: str) -> str | None:
    """The lookup key; None when one of the unit's files cannot be read."""
    digest = hashlib.sha256()
    for part in (__version__, str(FORMAT), context, kind, str(unit_path)):
        digest.update(part.encode("utf-8") + b"\0")
    for path in sorted(files):
        file_hash = _hash_file(path)
        if file_hash is None:
            return None
        digest.update(f"{path}\0{file_hash}\0".encode())
    return digest.hexdigest()


def dependencies(read: dict[str, str]) -> dict[str, Any]:
    folders = sorted({str(Path(p).parent) for p in read})
    return {"files": dict(sorted(read.items())),
            "folders": {folder: _listing(Path(folder)) for folder in folders}}


def _valid(deps: dict[str, Any]) -> bool:
    files = deps.get("files", {})
    folders = deps.get("folders", {})
    if not isinstance(files, dict) or not isinstance(folders, dict):
        return False
    return all(_hash_file(Path(p)) == h for p, h in files.items()) and \
        all(_listing(Path(f)) == names for f, names in folders.items())


def load(key: str, root: Path | None = None) -> dict[str, Any] | None:
    """The cached outcome for `key`, or None (missing, stale, corrupt)."""
    path = (root or cache_root()) / key[:2] / f"{key}.json"
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        _discard(path)
        return None
    if not isinstance(entry, dict) or entry.get("format") != FORMAT or \
            not isinstance(entry.get("outcome"), dict) or \
            not _valid(entry.get("dependencies") or {}):
        return None
    outcome: dict[str, Any] = entry["outcome"]
    return outcome


def store(key: str, outcome: dict[str, Any], deps: dict[str, Any],
          root: Path | None = None) -> None:
    """Write an entry atomically; a cache that cannot be written is silently skipped."""
    folder = (root or cache_root()) / key[:2]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".entry.", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"format": FORMAT, "outcome": outcome, "dependencies": deps}, handle)
        os.replace(tmp, folder / f"{key}.json")
    except OSError:
        return


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


# -- (de)serialising findings --------------------------------------------------------------

def _location(data: dict[str, Any]) -> Location:
    return Location(data["path"], data["line"], data["column"], data.get("end_line"),
                    data.get("end_column"))


def finding_to_json(finding: Finding) -> dict[str, Any]:
    data = asdict(finding)
    data["severity"] = finding.severity.value
    data["kind"] = finding.kind.value
    data["properties"] = [list(p) for p in finding.properties]
    return data


def finding_from_json(data: dict[str, Any]) -> Finding:
    return Finding(
        rule_id=data["rule_id"], severity=Severity(data["severity"]), message=data["message"],
        location=_location(data["location"]), subject=data["subject"], kind=Kind(data["kind"]),
        related=tuple(Related(_location(r["location"]), r["message"])
                      for r in data["related"]),
        properties=tuple((str(k), v) for k, v in data["properties"]),
        suppressed=data.get("suppressed"), variant=data.get("variant"),
        occurrence=int(data.get("occurrence") or 0),
    )


def error_to_json(error: FileError) -> dict[str, Any]:
    return {"path": error.path, "message": error.message, "line": error.line,
            "column": error.column}
