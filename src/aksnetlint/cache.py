"""A user-level cache of per-deployment scan outcomes, keyed by content.

An entry is found by a key made of the tool version, the rules and options in force (the
scan root included, so paths in it are right whichever folder the scan runs from), the
deployment's kind and path, and the content of its own files. It is used only when every
file the scan read or looked for (modules, variable and parameter files, linked templates,
`.terraform/modules/modules.json`) still has the recorded content, or is still missing,
and the folders holding them still list the same files.

Entries are JSON (never pickle: a cache is data, not code) in a private folder of this
user (`user_cache.PrivateStore`: 0700, owned by the user, checked on the open folder), and
each carries an HMAC made with a secret of this user on this machine: an entry edited by
hand, or copied from another machine (a restored CI cache), is not authentic and is
ignored and rewritten, as is one that is not a valid outcome. Without a private folder
nothing is cached. Outcomes with input errors are not cached, so a fixed problem never
hides behind a stale entry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict
from pathlib import Path
from typing import Any

from aksnetlint import __version__
from aksnetlint.findings import FileError, Finding, Kind, Related, Severity
from aksnetlint.values import Location

FORMAT = 2
SCANNED_SUFFIXES = (".tf", ".tfvars", ".json", ".jsonc", ".bicep", ".bicepparam")
_stores: dict[str, Any] = {}


def cache_root() -> Path:
    from aksnetlint.user_cache import cache_dir

    return cache_dir() / f"results-v{FORMAT}"


def _store() -> Any:
    """The private store of entries (one per cache folder and process), or None."""
    from aksnetlint.user_cache import PrivateStore

    folder = str(cache_root())
    found = _stores.get(folder)
    if found is None:
        found = _stores[folder] = PrivateStore(f"results-v{FORMAT}")
    return found if found.available else None


def _secret(store: Any) -> bytes | None:
    """This user's key for entries: a random secret kept in the private store, mixed with
    what identifies this machine (so a copied cache folder is not trusted)."""
    found = store.read("secret")
    if not (isinstance(found, str) and len(found) == 64):
        found = secrets.token_hex(32)
        if not store.write("secret", found):
            return None
        if store.read("secret") != found:  # someone else's write won
            return None
    machine = b""
    for name in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            with open(name, "rb") as handle:
                machine = handle.read(256)
            break
        except OSError:
            continue
    uid = str(os.geteuid()).encode() if hasattr(os, "geteuid") else b""
    return hashlib.sha256(found.encode() + b"\0" + machine + b"\0" + uid).digest()


def _mac(secret: bytes, key: str, body: str) -> str:
    return hmac.new(secret, key.encode() + b"\0" + body.encode(), hashlib.sha256).hexdigest()


def _hash_file(path: Path) -> str | None:
    from aksnetlint.sources import file_hash

    return file_hash(path)


def _listing(folder: Path) -> list[str]:
    try:
        return sorted(e.name for e in os.scandir(folder) if e.name.endswith(SCANNED_SUFFIXES))
    except (OSError, ValueError):
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
    """The lookup key; None when one of the unit's files cannot be read safely."""
    digest = hashlib.sha256()
    for part in (__version__, str(FORMAT), context, kind, str(unit_path)):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for path in sorted(files):
        file_hash = _hash_file(path)
        if file_hash is None:
            return None
        digest.update(f"{path}\0{file_hash}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def dependencies(read: dict[str, str]) -> dict[str, Any]:
    folders = sorted({str(Path(p).parent) for p in read})
    return {"files": dict(sorted(read.items())),
            "folders": {folder: _listing(Path(folder)) for folder in folders}}


def _valid(deps: object) -> bool:
    if not isinstance(deps, dict):
        return False
    files = deps.get("files", {})
    folders = deps.get("folders", {})
    if not isinstance(files, dict) or not isinstance(folders, dict):
        return False
    return all(isinstance(p, str) and _hash_file(Path(p)) == h for p, h in files.items()) and \
        all(isinstance(f, str) and _listing(Path(f)) == names for f, names in folders.items())


def load(key: str) -> dict[str, Any] | None:
    """The cached outcome for `key`, or None (missing, stale, not authentic, corrupt)."""
    store = _store()
    if store is None or not all(c in "0123456789abcdef" for c in key):
        return None
    entry = store.read(f"{key}.json")
    if not isinstance(entry, dict) or entry.get("format") != FORMAT or \
            not isinstance(entry.get("body"), str) or not isinstance(entry.get("mac"), str):
        return None
    secret = _secret(store)
    if secret is None or not hmac.compare_digest(_mac(secret, key, entry["body"]),
                                                 entry["mac"]):
        return None
    try:
        body = json.loads(entry["body"])
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("outcome"), dict) or \
            not _valid(body.get("dependencies")):
        return None
    outcome: dict[str, Any] = body["outcome"]
    return outcome


def store(key: str, outcome: dict[str, Any], deps: dict[str, Any]) -> None:
    """Write an entry atomically; a cache that cannot be written is silently skipped."""
    entries = _store()
    if entries is None:
        return
    secret = _secret(entries)
    if secret is None:
        return
    body = json.dumps({"outcome": outcome, "dependencies": deps}, separators=(",", ":"))
    entries.write(f"{key}.json", {"format": FORMAT, "body": body,
                                  "mac": _mac(secret, key, body)})


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
        deployment=data.get("deployment"),
        occurrence=int(data.get("occurrence") or 0),
    )


def error_to_json(error: FileError) -> dict[str, Any]:
    return {"path": error.path, "message": error.message, "line": error.line,
            "column": error.column}
