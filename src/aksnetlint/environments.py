"""Parameter variants: the same template or module deployed with different values.

A Bicep file is scanned once per `.bicepparam` (and `<name>.parameters.json`), an ARM
template with its parameter files, a Terraform module with its automatic variable files.
The configuration can name *environments*; each is one deployment of the modules and
templates it covers, with its own variable and parameter files:

    environments:
      prod:
        var_files: [infra/env/prod.tfvars]   # Terraform (after terraform.tfvars, *.auto.tfvars)
        param_files: [arm/aks.prod.parameters.json]  # ARM / Bicep (instead of their own)
        modules: [infra]                     # optional: what it covers (default: found from
                                             # the files: the module above each var file,
                                             # the template of each parameter file)

A module or template an environment covers is scanned once per environment (and, for a
template, once more with any parameter files of its own no environment names); every
finding carries the variant it comes from (the environment's name, else the parameter or
variable files applied), so the same finding in `dev` and `prod` is two findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aksnetlint.errors import ConfigError

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
KEYS = ("var_files", "param_files", "modules")
AUTO_VAR_FILES = ("terraform.tfvars", "terraform.tfvars.json")
AUTO_VAR_SUFFIXES = (".auto.tfvars", ".auto.tfvars.json")
# how far above a variable file its module is looked for
MAX_MODULE_DEPTH = 8


@dataclass(frozen=True, slots=True)
class Environment:
    name: str
    var_files: tuple[Path, ...] = ()  # absolute
    param_files: tuple[Path, ...] = ()  # absolute
    modules: tuple[Path, ...] = ()  # absolute: module folders, template or Bicep files


def parse_environments(data: object, base: Path, source: str) -> tuple[Environment, ...]:
    """`environments:` of a configuration file; files and folders are relative to `base`
    (the file's folder) and must exist."""
    if data is None:
        return ()
    if not isinstance(data, dict):
        raise ConfigError("'environments' must map environment names to their files", source)
    found = []
    for name, body in data.items():
        where = f"environments.{name}"
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise ConfigError(f"'{where}': an environment name is letters, digits, '_', '.' "
                              "or '-'", source)
        if not isinstance(body, dict):
            raise ConfigError(f"'{where}' must be a mapping with var_files, param_files or "
                              "modules", source)
        for key in body:
            if key not in KEYS:
                raise ConfigError(f"'{where}': unknown key '{key}' (known: {', '.join(KEYS)})",
                                  source)
        lists = {key: _paths(body.get(key, []), f"{where}.{key}", base, source) for key in KEYS}
        if not lists["var_files"] and not lists["param_files"]:
            raise ConfigError(f"'{where}' names no var_files or param_files", source)
        for key in ("var_files", "param_files"):
            for path in lists[key]:
                if not path.is_file():
                    raise ConfigError(f"'{where}.{key}': {path} is not a file", source)
        for path in lists["modules"]:
            if not path.exists():
                raise ConfigError(f"'{where}.modules': {path} does not exist", source)
        found.append(Environment(name, lists["var_files"], lists["param_files"],
                                 lists["modules"]))
    return tuple(found)


def _paths(value: Any, key: str, base: Path, source: str) -> tuple[Path, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"'{key}' must be a list of paths", source)
    return tuple((base / v).resolve() for v in value)


def is_auto_var_file(path: Path) -> bool:
    """A file Terraform loads by itself from the module folder it sits in."""
    name = path.name
    return name in AUTO_VAR_FILES or name.endswith(AUTO_VAR_SUFFIXES)


def module_of_var_file(path: Path, stop: Path | None = None) -> Path | None:
    """The module a variable file belongs to: the nearest folder at or above it holding
    `.tf` or `.tf.json` files (not above `stop`, the repository root, when given)."""
    folder = path.resolve().parent
    for _ in range(MAX_MODULE_DEPTH):
        if any(p.is_file() for p in (*folder.glob("*.tf"), *folder.glob("*.tf.json"))):
            return folder
        if folder == stop or folder.parent == folder:
            return None
        folder = folder.parent
    return None


def template_of_parameter_file(path: Path) -> Path | None:
    """The template or Bicep file a parameter file belongs to: the file a `.bicepparam`'s
    `using` names; `x.json` or else `x.bicep` for `x.parameters.json`; `template.json` for
    `parameters.json`."""
    name = path.name.lower()
    if name.endswith(".bicepparam"):
        return _using_target(path)
    if name == "parameters.json":
        candidates = [path.with_name("template.json")]
    elif name.endswith(".parameters.json"):
        stem = path.name[: -len(".parameters.json")]
        candidates = [path.with_name(stem + ".json"), path.with_name(stem + ".bicep")]
    else:
        return None
    return next((c.resolve() for c in candidates if c.is_file()), None)


_USING_RE = re.compile(r"^[ \t]*using[ \t]+'([^'\r\n:]+)'", re.M)


def _using_target(path: Path) -> Path | None:
    """The local file a `.bicepparam` names in `using` (a cheap text scan: the resolver
    reads the file properly when it is scanned)."""
    from aksnetlint.errors import AksnetlintError
    from aksnetlint.sources import read_text

    try:
        text = read_text(path, path.name)
    except AksnetlintError:
        return None
    match = _USING_RE.search(text)
    if match is None:
        return None
    target = (path.parent / match.group(1)).resolve()
    return target if target.is_file() else None


def covers(environment: Environment, target: Path, stop: Path | None = None) -> bool:
    """Whether an environment is a deployment of `target` (a module folder, a template or
    Bicep file)."""
    target = target.resolve()
    if environment.modules:
        return target in environment.modules
    return any(module_of_var_file(v, stop) == target for v in environment.var_files) or \
        any(template_of_parameter_file(p) == target for p in environment.param_files)


def claimed(environments: tuple[Environment, ...]) -> frozenset[Path]:
    """Every variable and parameter file an environment names: such a file is applied in
    its environments, never on its own as an anonymous variant."""
    return frozenset(p for env in environments for p in (*env.var_files, *env.param_files))


def label(files: tuple[Path, ...] | list[Path], root: Path) -> str | None:
    """The variant label of an anonymous variant: the files applied, relative to the root
    (POSIX), joined with ' + '; None when no file is applied."""
    import os

    return " + ".join(os.path.relpath(p.resolve(), root).replace(os.sep, "/")
                      for p in files) or None
