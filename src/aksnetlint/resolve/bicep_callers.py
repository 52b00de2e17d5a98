"""Who uses a Bicep file: the files that call it as a local module, and the `.bicepparam`
files whose `using` names it, anywhere under the scan root.

A module is part of its caller's deployment, and a `.bicepparam` file is one of the
deployments of the file it names, wherever either sits in the tree. The scanner asks this
index when a file is scanned alone (named by pre-commit or on the command line) to scan
the deployments it belongs to instead. The index is a cheap text pre-filter (one regular
expression over each `.bicep`/`.bicepparam` file, read through `read_text`); every edge
it proposes is confirmed by parsing the user before it is followed.

The index is built once per scan (`token`: an object that lives as long as the scan) and
reused while the token is the same object; for an equal token (a worker process given a
copy) it is reused when the folders and files under the root have the same modification
times and sizes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from aksnetlint.discover import relative as _relative
from aksnetlint.errors import ParseError
from aksnetlint.resolve.bicep import bicepparam_target, load_bicep, local_modules
from aksnetlint.sources import read_text, walk

MAX_INDEXED_FILES = 20_000
"""At most this many Bicep files are read for the index; the rest are not searched."""

SKIPPED_FOLDERS = frozenset({".git", ".terraform", "node_modules", ".venv", "__pycache__"})

# `module name 'path'` (a decorator or `existing` never comes between) and `using 'path'`;
# strings in paths are plain (Bicep allows no interpolation there)
_USE_RE = re.compile(r"^[ \t]*(?:module[ \t]+[A-Za-z_][A-Za-z0-9_]*|using)[ \t]+'([^'\r\n]+)'",
                     re.M)


@dataclass(slots=True)
class UseIndex:
    """Edges from a used file (resolved path) to the files that may use it."""

    users: dict[Path, set[Path]] = field(default_factory=dict)
    signature: tuple[tuple[str, int, int], ...] = ()
    truncated: bool = False

    def candidates(self, target: Path) -> set[Path]:
        return self.users.get(target.resolve(), set())


_memo: dict[Path, tuple[object, UseIndex]] = {}


def use_index(root: Path, token: object) -> UseIndex:
    """The index of Bicep uses under `root`, built once per scan token."""
    root = root.resolve()
    found = _memo.get(root)
    if found is not None and found[0] is token:
        return found[1]
    files, signature = _bicep_files(root)
    if found is not None and found[0] == token and found[1].signature == signature:
        _memo[root] = (token, found[1])
        return found[1]
    index = UseIndex(signature=signature, truncated=len(files) > MAX_INDEXED_FILES)
    for path in files[:MAX_INDEXED_FILES]:
        try:
            text = read_text(path, _relative(path, root))
        except ParseError:
            continue
        for written in _USE_RE.findall(text):
            if written.lower().endswith(".bicep") and ":" not in written:
                index.users.setdefault((path.parent / written).resolve(), set()).add(path)
    if len(_memo) > 8:
        _memo.clear()
    _memo[root] = (token, index)
    return index


def _bicep_files(root: Path) -> tuple[list[Path], tuple[tuple[str, int, int], ...]]:
    files: list[Path] = []
    signature: list[tuple[str, int, int]] = []
    for dirpath, filenames in walk(root, lambda d: d not in SKIPPED_FOLDERS):  # any depth
        for name in filenames:
            if not name.lower().endswith((".bicep", ".bicepparam")):
                continue
            path = Path(dirpath) / name
            try:
                stat = path.stat()
            except OSError:
                continue
            files.append(path.resolve())
            signature.append((str(path), stat.st_mtime_ns, stat.st_size))
    return files, tuple(signature)


def _confirmed_callers(index: UseIndex, target: Path, root: Path) -> list[Path]:
    """The `.bicep` files that really call `target` as a local module."""
    callers = []
    for user in sorted(index.candidates(target)):
        if user.suffix.lower() != ".bicep":
            continue
        try:
            if target in local_modules(user, _relative(user, root)):
                callers.append(user)
        except ParseError:
            continue  # reported when that file is scanned
    return callers


def deployment_roots(path: Path, root: Path, token: object,
                     search_root: Path | None = None) -> list[Path]:
    """The top-level Bicep files under `search_root` (default: the scan `root`) that use
    `path` as a module, directly or through other modules; empty when nothing does (the
    file is a root itself). Paths in messages stay relative to `root`."""
    index = use_index(search_root or root, token)
    target = path.resolve()
    roots: set[Path] = set()
    seen = {target}
    stack = [target]
    while stack:
        current = stack.pop()
        callers = _confirmed_callers(index, current, root)
        if not callers and current != target:
            roots.add(current)
        for caller in callers:
            if caller not in seen:
                seen.add(caller)
                stack.append(caller)
    return sorted(roots)


def bicepparam_users(path: Path, root: Path, token: object,
                     search_root: Path | None = None) -> list[Path]:
    """The `.bicepparam` files anywhere under `search_root` (default: the scan `root`)
    whose `using` names `path`."""
    index = use_index(search_root or root, token)
    target = path.resolve()
    found = []
    for user in sorted(index.candidates(target)):
        if user.suffix.lower() != ".bicepparam":
            continue
        try:
            named = bicepparam_target(user, load_bicep(user, _relative(user, root)))
        except ParseError:
            continue
        if named is not None and named.resolve() == target:
            found.append(user)
    return found


def module_closure(path: Path, root: Path) -> set[Path]:
    """Every local module file `path` uses, directly or through other modules (resolved
    paths of files that exist)."""
    found: set[Path] = set()
    stack = [path.resolve()]
    while stack:
        current = stack.pop()
        try:
            modules = local_modules(current, _relative(current, root))
        except ParseError:
            continue
        for module in modules:
            if module not in found and module.is_file():
                found.add(module)
                if module.suffix.lower() == ".bicep":  # an ARM template uses no modules
                    stack.append(module)
    found.discard(path.resolve())
    return found
