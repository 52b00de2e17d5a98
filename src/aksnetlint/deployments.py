"""Load one discovered unit into the model: parse -> resolve -> normalise, per format.

Each loader returns the deployments it built and the errors it met; an error in one file
never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aksnetlint.discover import Unit, relative
from aksnetlint.errors import AksnetlintError
from aksnetlint.findings import FileError
from aksnetlint.model import Deployment


@dataclass(slots=True)
class Loaded:
    deployments: list[Deployment] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: int = 0


@dataclass(frozen=True, slots=True)
class LoadOptions:
    root: Path
    var_files: tuple[Path, ...] = ()
    param_files: tuple[Path, ...] = ()


def file_error(exc: AksnetlintError, default_path: str) -> FileError:
    return FileError(exc.path or default_path, exc.message, exc.line, exc.column)


def load_terraform(unit: Unit, options: LoadOptions) -> Loaded:
    from aksnetlint.normalise.terraform import normalise_terraform
    from aksnetlint.parsers.terraform import parse_terraform
    from aksnetlint.resolve.terraform import TerraformModule, load_var_file, resolve_terraform
    from aksnetlint.sources import read_text

    loaded = Loaded()
    folder_rel = relative(unit.path, options.root)
    module = TerraformModule(folder_rel)
    for path in unit.files:
        rel = relative(path, options.root)
        loaded.files += 1
        try:
            module.files.append(parse_terraform(read_text(path, rel), rel))
        except AksnetlintError as exc:
            loaded.errors.append(file_error(exc, rel))
    for path in _var_files(unit.path, options.var_files):
        rel = relative(path, options.root)
        loaded.files += 1
        try:
            module.var_files.append(load_var_file(path, rel))
        except AksnetlintError as exc:
            loaded.errors.append(file_error(exc, rel))
    if not module.files:
        return loaded
    resolution = resolve_terraform(module)
    loaded.errors.extend(file_error(e, folder_rel) for e in resolution.errors)
    loaded.notes.extend(resolution.notes)
    loaded.deployments.append(normalise_terraform(resolution.resources, folder_rel))
    return loaded


def _var_files(folder: Path, extra: tuple[Path, ...]) -> list[Path]:
    """Terraform's order (later wins): terraform.tfvars(.json), *.auto.tfvars(.json) in
    lexical order, then -var-file arguments."""
    ordered = [folder / "terraform.tfvars", folder / "terraform.tfvars.json"]
    ordered += sorted(p for p in folder.glob("*.auto.tfvars"))
    ordered += sorted(p for p in folder.glob("*.auto.tfvars.json"))
    ordered = [p for p in ordered if p.is_file()]
    return ordered + [p.resolve() for p in extra]


LOADERS: dict[str, Callable[[Unit, LoadOptions], Loaded]] = {
    "terraform": load_terraform,
}
