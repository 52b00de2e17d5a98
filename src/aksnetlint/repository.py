"""Where a scan's paths are relative to: the repository root.

Reports that other systems file (SARIF for code scanning, GitHub annotations, GitLab code
quality, Azure Pipelines issues) need paths relative to the repository, whatever folder the
scan ran from; so do fingerprints and baselines, or an alert would reopen whenever someone
scans from a subfolder. The root is `--root`, else the configuration's `root`, else the git
top level of the first scanned path (the nearest folder holding `.git`, a folder or, in a
worktree or submodule, a file), else the current folder when the scan is inside it, else the
scanned folder. Nothing is executed to find it.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding `.git`; None outside a repository."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def scan_root(explicit: Path | None, configured: Path | None, first_target: Path) -> Path:
    """The folder every reported path is relative to (see the module docstring)."""
    for choice in (explicit, configured):
        if choice is not None:
            return choice.resolve()
    found = repository_root(first_target)
    if found is not None:
        return found
    here, target = Path.cwd().resolve(), first_target.resolve()
    if target == here or here in target.parents:
        return here
    # outside any repository and outside the current folder: the scanned folder itself,
    # never a path that climbs out with `..`
    return target if target.is_dir() else target.parent


def display_path(path: str, root: str | Path, cwd: Path | None = None) -> str:
    """A root-relative report path as the user at `cwd` (default: the current folder) would
    type it; unchanged when the scan root is the current folder."""
    here = (cwd or Path.cwd()).resolve()
    base = Path(root)
    if base == here:
        return path
    shown = os.path.relpath(base / path, here).replace(os.sep, "/")
    return shown


def artifact_uri(path: str) -> str:
    """A relative URI reference for a root-relative POSIX path: every character that is not
    unreserved or `/` percent-encoded as UTF-8 (`a b#c.tf` -> `a%20b%23c.tf`), so `#`, `?`,
    `%` and spaces in file names survive the trip through a URI parser."""
    return quote(path, safe="/")
