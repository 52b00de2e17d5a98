"""Expand the paths given on the command line into deployments to scan.

A deployment is what one `terraform plan` or one ARM/Bicep deployment sees: a Terraform
module folder (its `.tf` files and variable files), an ARM template (with its parameter
files) or a Bicep file. Excluded folders (`.terraform`, `.git`, `node_modules` by default)
are skipped; symlinks that loop or leave the scanned tree are not followed.
"""

from __future__ import annotations

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

DEFAULT_EXCLUDES = (".terraform", ".git", "node_modules", ".venv", "__pycache__")
TERRAFORM_SUFFIXES = (".tf",)
VAR_FILE_SUFFIXES = (".tfvars", ".tfvars.json")
JSON_SUFFIXES = (".json", ".jsonc")
BICEP_SUFFIXES = (".bicep", ".bicepparam")
MAX_FILES = 100_000


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
    """A POSIX path relative to the scan root (never an absolute path of this machine)."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return os.path.relpath(path.resolve(), root).replace(os.sep, "/")


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
            _walk(given, given.resolve(), excludes, files, seen, result, root)
        elif _is_configuration(given):
            # a changed configuration (pre-commit names it): scan everything it covers
            _walk(given.parent, given.parent.resolve(), excludes, files, seen, result, root)
        else:
            real = given.resolve()
            named.add(real)
            if real not in seen:
                seen.add(real)
                files.append(given)
    tf_folders: dict[Path, list[Path]] = {}
    named_var_files: list[Path] = []
    for path in files:
        name = path.name
        if name.endswith(TERRAFORM_SUFFIXES):
            tf_folders.setdefault(path.parent.resolve(), []).append(path.resolve())
        elif name.endswith(VAR_FILE_SUFFIXES):
            real = path.resolve()
            if real in named and not (is_auto_var_file(real) and _has_tf(real.parent)):
                # named alone (pre-commit): its module, with this file applied
                named_var_files.append(real)
            else:
                tf_folders.setdefault(real.parent, [])
        elif name.endswith(JSON_SUFFIXES):
            result.units.append(Unit("json", path.resolve(), [path.resolve()]))
        elif name.endswith(BICEP_SUFFIXES):
            result.units.append(Unit("bicep", path.resolve(), [path.resolve()]))
    _group_deployed_estates(result, paths, excludes)
    named_files = {p.resolve().parent for p in paths if p.is_file()}
    for folder in sorted(tf_folders):
        if folder in named_files:
            # a file named on its own (pre-commit): scan the deployment it belongs to, i.e.
            # the root modules that call its folder, if any
            for caller in sorted(callers_of(folder, _repository_of(folder, root), excludes)):
                if caller not in tf_folders:
                    tf_files = sorted(p.resolve() for p in caller.glob("*.tf") if p.is_file())
                    result.units.append(Unit("terraform", caller, tf_files))
        # the module is the whole folder, whichever of its files was named
        tf_files = _tf_files(folder)
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


def _tf_files(folder: Path) -> list[Path]:
    return sorted(p.resolve() for p in folder.glob("*.tf") if p.is_file())


def _has_tf(folder: Path) -> bool:
    return any(p.is_file() for p in folder.glob("*.tf"))


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
        units += [Unit("terraform", m, _tf_files(m), var_files=env.var_files, variant=env.name)
                  for m in targets]
    if module is not None and var_file not in claimed(environments):
        units.append(Unit("terraform", module, _tf_files(module), var_files=(var_file,)))
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
        real = current.resolve()
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
                target = path.resolve()
                if not _inside(target, top):
                    continue  # a link that leaves the scanned tree is not followed
            if entry.is_dir():
                subfolders.append(path)
            elif entry.is_file() and entry.name.endswith(
                    TERRAFORM_SUFFIXES + VAR_FILE_SUFFIXES + JSON_SUFFIXES + BICEP_SUFFIXES):
                target = path.resolve()
                if target in seen:
                    continue
                seen.add(target)
                files.append(path)
                if len(files) > MAX_FILES:
                    result.errors.append(FileError(relative(folder, root),
                                                   f"more than {MAX_FILES} files; rest skipped"))
                    return
        stack.extend(reversed(subfolders))


def _inside(path: Path, top: Path) -> bool:
    try:
        path.relative_to(top)
    except ValueError:
        return False
    return True


_SOURCE_RE = re.compile(r'^\s*source\s*=\s*"(\.{1,2}/[^"]*)"', re.M)


def callers_of(folder: Path, top: Path, excludes: tuple[str, ...] = DEFAULT_EXCLUDES,
               limit: int = 5000) -> set[Path]:
    """Root modules under `top` whose `module` blocks call `folder` (directly or through
    other local modules). A cheap text scan of `source = "./..."` lines; the real parse
    happens when the callers are scanned."""
    folder = folder.resolve()
    edges: dict[Path, set[Path]] = {}
    seen = 0
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = [d for d in dirnames if not _excluded(d, d, excludes)]
        for name in filenames:
            if not name.endswith(".tf"):
                continue
            seen += 1
            if seen > limit:
                break
            path = Path(dirpath) / name
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            for source in _SOURCE_RE.findall(text):
                target = (path.parent / source).resolve()
                edges.setdefault(target, set()).add(path.parent.resolve())
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
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if "source" not in text:
                continue
            for source in _SOURCE_RE.findall(text):
                target = (path.parent / source).resolve()
                if target != unit.path:
                    called.add(target)
    return called


def _bicep_uses(unit: Unit, scanned: set[Path]) -> set[Path]:
    try:
        text = unit.path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    covered = set()
    for keyword, target in _BICEP_USE_RE.findall(text):
        path = (unit.path.parent / target).resolve()
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
