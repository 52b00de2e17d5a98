"""Expand the paths given on the command line into deployments to scan.

A deployment is what one `terraform plan` or one ARM/Bicep deployment sees: a Terraform
module folder (its `.tf` files and variable files), an ARM template (with its parameter
files) or a Bicep file. Excluded folders (`.terraform`, `.git`, `node_modules` by default)
are skipped; symlinks that loop or leave the scanned tree are not followed.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from aksnetlint.environments import (
    Environment,
    claimed,
    covers,
    is_auto_var_file,
    module_of_var_file,
)
from aksnetlint.findings import FileError
from aksnetlint.sources import escape, peek_text, walk

DEFAULT_EXCLUDES = (".terraform", ".git", "node_modules", ".venv", "__pycache__")
TERRAFORM_SUFFIXES = (".tf", ".tf.json")  # native and JSON syntax
VAR_FILE_SUFFIXES = (".tfvars", ".tfvars.json")
JSON_SUFFIXES = (".json", ".jsonc")
BICEP_SUFFIXES = (".bicep", ".bicepparam")
MAX_FILES = 100_000
SCANNED_SUFFIXES = TERRAFORM_SUFFIXES + VAR_FILE_SUFFIXES + JSON_SUFFIXES + BICEP_SUFFIXES


@dataclass(slots=True)
class Unit:
    """One deployment to scan: its format, anchor path and files (absolute paths)."""

    format: str  # "terraform" | "json" (ARM or plan, by content) | "bicep" | "azure-resources"
    path: Path  # module folder, template file, bicep file, first file of a deployed estate
    files: list[Path] = field(default_factory=list)
    # a parameter variant (see environments.py): Terraform variable files applied after the
    # automatic ones; ARM/Bicep parameter files applied instead of the template's own
    var_files: tuple[Path, ...] = ()
    param_files: tuple[Path, ...] = ()
    variant: str | None = None  # an environment's name
    # a template some environments cover: scan it only with the parameter files of its own
    # that no environment names (and not at all when there are none)
    others_only: bool = False

    @property
    def identity(self) -> str:
        """What tells two units of one path apart (for the result cache)."""
        return "\0".join([self.format, self.variant or "", str(self.others_only),
                          *map(str, self.var_files), "|", *map(str, self.param_files)])


@dataclass(slots=True)
class Discovery:
    units: list[Unit] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files: int = 0


def relative(path: Path, root: Path) -> str:
    """A POSIX path relative to the scan root (never an absolute path of this machine),
    with undecodable bytes and control characters escaped (`sources.escape`)."""
    try:
        shown = _real(path).relative_to(root).as_posix()
    except ValueError:
        shown = os.path.relpath(_real(path), root).replace(os.sep, "/")
    # a name that is not UTF-8, or holds control characters, is shown escaped
    return escape(shown)


def discover(paths: list[Path], root: Path, excludes: tuple[str, ...] = DEFAULT_EXCLUDES,
             environments: tuple[Environment, ...] = (),
             selected: frozenset[str] | None = None) -> Discovery:
    """Walk the given files and folders; group Terraform files by folder; expand the
    modules and templates that configured environments cover into one unit per environment
    (only the `selected` ones, when given)."""
    result = Discovery()
    files: list[Path] = []
    seen: set[Path] = set()
    named: set[Path] = set()
    for given in paths:
        if not given.exists():
            result.errors.append(FileError(relative(given, root), "no such file or folder"))
            continue
        if given.is_dir():
            _walk(given, _real(given), excludes, files, seen, result, root)
        elif _is_configuration(given):
            # a changed configuration (pre-commit names it): scan everything it covers
            _walk(given.parent, _real(given.parent), excludes, files, seen, result, root)
        else:
            kind = _not_regular(given)
            if kind is not None:
                result.errors.append(FileError(escape(given.as_posix()),
                                               f"{kind}, not a regular file; not read"))
                continue
            real = _real(given)
            named.add(real)
            if real not in seen:
                seen.add(real)
                files.append(given)
    tf_folders: dict[Path, list[Path]] = {}
    named_var_files: list[Path] = []
    for path in files:
        name = path.name
        if name.endswith(TERRAFORM_SUFFIXES):
            tf_folders.setdefault(_real(path.parent), []).append(_real(path))
        elif name.endswith(VAR_FILE_SUFFIXES):
            real = _real(path)
            if real in named and not (is_auto_var_file(real) and _has_tf(real.parent)):
                # named alone (pre-commit): its module, with this file applied
                named_var_files.append(real)
            else:
                tf_folders.setdefault(real.parent, [])
        elif name.endswith(JSON_SUFFIXES):
            result.units.append(Unit("json", _real(path), [_real(path)]))
        elif name.endswith(BICEP_SUFFIXES):
            result.units.append(Unit("bicep", _real(path), [_real(path)]))
    _group_deployed_estates(result, paths, excludes)
    named_files = {_real(p).parent for p in paths if p.is_file()}
    for folder in sorted(tf_folders):
        if folder in named_files:
            # a file named on its own (pre-commit): scan the deployment it belongs to, i.e.
            # the root modules that call its folder, if any
            for caller in sorted(callers_of(folder, _repository_of(folder, root), excludes)):
                if caller not in tf_folders:
                    result.units.append(Unit("terraform", caller, terraform_files(caller)))
        # the module is the whole folder, whichever of its files was named
        tf_files = terraform_files(folder)
        if tf_files:
            result.units.append(Unit("terraform", folder, tf_files))
    result.units = _variants(result.units, environments, selected, root)
    for var_file in named_var_files:
        result.units.extend(_var_file_units(var_file, environments, selected, root))
    result.files = len(files)
    unique = {(u.path, u.identity): u for u in result.units}
    result.units = sorted(unique.values(), key=lambda u: (u.path.as_posix(), u.format,
                                                          u.identity))
    return result


def _group_deployed_estates(result: Discovery, paths: list[Path],
                            excludes: tuple[str, ...]) -> None:
    """Azure resource JSON (az CLI, Resource Graph output) is recognised by its content and
    grouped into deployed estates, one unit each (see `aksnetlint.deployed`)."""
    json_units = [unit.path for unit in result.units if unit.format == "json"]
    if not json_units:
        return
    from aksnetlint.deployed import estates

    grouped = estates(json_units, paths, excludes)
    members = {path for files in grouped for path in files}
    result.units = [unit for unit in result.units
                    if not (unit.format == "json" and unit.path in members)]
    result.units.extend(Unit("azure-resources", files[0], files) for files in grouped)


def terraform_files(folder: Path) -> list[Path]:
    """A module's configuration files: `*.tf` and `*.tf.json` (Terraform's JSON syntax)."""
    found = [*folder.glob("*.tf"), *folder.glob("*.tf.json")]
    return sorted(_real(p) for p in found if p.is_file())


def _has_tf(folder: Path) -> bool:
    return any(p.is_file() for p in (*folder.glob("*.tf"), *folder.glob("*.tf.json")))


def _is_configuration(path: Path) -> bool:
    """`.aksnetlint.yaml` / `.yml`, or a `pyproject.toml` with a `[tool.aksnetlint]` table."""
    if path.name in (".aksnetlint.yaml", ".aksnetlint.yml"):
        return True
    if path.name != "pyproject.toml":
        return False
    try:
        return "[tool.aksnetlint" in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _variants(units: list[Unit], environments: tuple[Environment, ...],
              selected: frozenset[str] | None, root: Path) -> list[Unit]:
    """Each module or template an environment covers becomes one unit per environment
    (a template keeps a unit for its own parameter files no environment names)."""
    if not environments:
        return units
    expanded: list[Unit] = []
    for unit in units:
        if unit.format == "terraform":
            envs = [e for e in environments if e.var_files
                    and covers(e, unit.path, _repository_of(unit.path, root))]
        elif unit.path.suffix.lower() in (".json", ".jsonc", ".bicep"):
            envs = [e for e in environments if e.param_files and covers(e, unit.path)]
        else:
            envs = []
        if not envs:
            expanded.append(unit)
            continue
        for env in envs:
            if selected is None or env.name in selected:
                expanded.append(Unit(unit.format, unit.path, unit.files,
                                     var_files=env.var_files if unit.format == "terraform"
                                     else (), param_files=env.param_files
                                     if unit.format != "terraform" else (), variant=env.name))
        if unit.format != "terraform" and selected is None:
            expanded.append(Unit(unit.format, unit.path, unit.files, others_only=True))
    return expanded


def _var_file_units(var_file: Path, environments: tuple[Environment, ...],
                    selected: frozenset[str] | None, root: Path) -> list[Unit]:
    """The deployments a variable file named alone belongs to: each environment naming it
    (its modules, or the module above the file), else the module above it with this file
    applied."""
    stop = _repository_of(var_file.parent, root)
    module = module_of_var_file(var_file, stop)
    units = []
    for env in environments:
        if var_file not in env.var_files or (selected is not None and env.name not in selected):
            continue
        targets = [m for m in env.modules if m.is_dir()] or ([module] if module else [])
        units += [Unit("terraform", m, terraform_files(m), var_files=env.var_files,
                       variant=env.name) for m in targets]
    if module is not None and var_file not in claimed(environments):
        units.append(Unit("terraform", module, terraform_files(module), var_files=(var_file,)))
    return units


def _excluded(name: str, rel: str, excludes: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(rel, pattern)
               for pattern in excludes)


def _walk(folder: Path, top: Path, excludes: tuple[str, ...], files: list[Path],
          seen: set[Path], result: Discovery, root: Path) -> None:
    visited: set[Path] = set()
    stack = [folder]
    while stack:
        current = stack.pop()
        real = _real(current)
        if real in visited:
            result.errors.append(FileError(relative(current, root),
                                           "symlink loop: folder already scanned; not followed"))
            continue
        visited.add(real)
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            result.errors.append(FileError(relative(current, root),
                                           f"cannot list folder: {exc.strerror or exc}"))
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            rel = relative(path, top) if not entry.is_symlink() else entry.name
            if _excluded(entry.name, rel, excludes):
                continue
            if entry.is_symlink():
                target = _real(path)
                if not _inside(target, top):
                    continue  # a link that leaves the scanned tree is not followed
            try:
                is_dir, is_file = entry.is_dir(), entry.is_file()
            except OSError:  # a symlink loop
                is_dir = is_file = False
            if is_dir:
                subfolders.append(path)
            elif entry.name.endswith(SCANNED_SUFFIXES) and not is_file:
                kind = _not_regular(path)
                if kind is not None and kind != "a folder":
                    result.errors.append(FileError(escape(relative(path, root)),
                                                   f"{kind}, not a regular file; not read"))
            elif is_file and entry.name.endswith(SCANNED_SUFFIXES):
                target = _real(path)
                if target in seen:
                    continue
                seen.add(target)
                files.append(path)
                if len(files) > MAX_FILES:
                    result.errors.append(FileError(relative(folder, root),
                                                   f"more than {MAX_FILES} files; rest skipped"))
                    return
        stack.extend(reversed(subfolders))


def _real(path: Path) -> Path:
    """The real path (symlinks resolved); never raises, even for a symlink loop."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):
        return path


def _not_regular(path: Path) -> str | None:
    """What `path` is when it is not a regular file (a FIFO, a device...), else None."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return "a symlink loop" if exc.errno == errno.ELOOP else None  # missing: reported
    except ValueError:
        return None
    if stat.S_ISREG(mode):
        return None
    return "a FIFO" if stat.S_ISFIFO(mode) else \
        "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else \
        "a socket" if stat.S_ISSOCK(mode) else "a folder" if stat.S_ISDIR(mode) else \
        "not a regular file"


def _inside(path: Path, top: Path) -> bool:
    try:
        path.relative_to(top)
    except ValueError:
        return False
    return True


_SOURCE_RE = re.compile(r'^\s*source\s*=\s*"(\.{1,2}/[^"]*)"'  # HCL: source = "./x"
                        r'|"source"\s*:\s*"(\.{1,2}/[^"]*)"', re.M)  # JSON: "source": "./x"


def _sources(text: str) -> list[str]:
    return [hcl or json for hcl, json in _SOURCE_RE.findall(text)]


def callers_of(folder: Path, top: Path, excludes: tuple[str, ...] = DEFAULT_EXCLUDES,
               limit: int = 5000) -> set[Path]:
    """Root modules under `top` whose `module` blocks call `folder` (directly or through
    other local modules). A cheap text scan of `source = "./..."` lines; the real parse
    happens when the callers are scanned."""
    folder = _real(folder)
    edges: dict[Path, set[Path]] = {}
    seen = 0
    for dirpath, filenames in walk(top, lambda d: not _excluded(d, d, excludes)):
        for name in filenames:
            if not name.endswith(TERRAFORM_SUFFIXES):
                continue
            seen += 1
            if seen > limit:
                break
            path = Path(dirpath) / name
            text = peek_text(path)
            if text is None:
                continue
            for source in _sources(text):
                target = _real(path.parent / source)
                edges.setdefault(target, set()).add(_real(path.parent))
    roots: set[Path] = set()
    stack, visited = [folder], {folder}
    while stack:
        current = stack.pop()
        parents = edges.get(current, set())
        if not parents and current != folder:
            roots.add(current)
        for parent in parents - visited:
            visited.add(parent)
            stack.append(parent)
    return roots


_BICEP_USE_RE = re.compile(
    r"^[ \t]*(module[ \t]+[A-Za-z_][A-Za-z0-9_]*|using)[ \t]+'([^'\r\n:]+)'", re.M)


def called_folders(units: list[Unit]) -> set[Path]:
    """Units another scanned unit covers, found by a cheap text scan: Terraform folders
    called as local modules (`source = "./..."`), Bicep files used as local modules, and
    `.bicepparam` files whose `using` file is scanned too. Such a unit is part of another
    deployment and needs no scan of its own (the loaders confirm this after the real
    parse; a unit no caller turns out to cover is scanned after all)."""
    called: set[Path] = set()
    scanned = {unit.path for unit in units}
    for unit in units:
        if unit.format == "bicep":
            called |= _bicep_uses(unit, scanned)
        if unit.format != "terraform":
            continue
        for path in unit.files:
            text = peek_text(path)
            if text is None or "source" not in text:
                continue
            for source in _sources(text):
                target = _real(path.parent / source)
                if target != unit.path:
                    called.add(target)
    return called


def _bicep_uses(unit: Unit, scanned: set[Path]) -> set[Path]:
    text = peek_text(unit.path)
    if text is None:
        return set()
    covered = set()
    for keyword, target in _BICEP_USE_RE.findall(text):
        path = _real(unit.path.parent / target)
        if keyword.startswith("module") and path != unit.path:
            covered.add(path)
        elif keyword == "using" and path in scanned:
            covered.add(unit.path)  # the .bicepparam is one of its target's deployments
    return covered


def _repository_of(path: Path, fallback: Path) -> Path:
    """The repository a file belongs to (the nearest folder holding `.git`), where its
    callers are looked for; else the scan root."""
    for folder in (path, *path.parents):
        if (folder / ".git").exists():
            return folder
    return fallback
