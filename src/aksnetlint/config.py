"""Configuration: `.aksnetlint.yaml` (or `.aksnetlint.yml`) or `[tool.aksnetlint]` in
`pyproject.toml`, found by walking up from the scanned path, or named with `--config`.

Every key is checked: an unknown key or a value of the wrong kind is a `ConfigError` naming
the key and the file. The result is a frozen `Config`; command-line options override it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aksnetlint.environments import Environment, parse_environments
from aksnetlint.errors import ConfigError
from aksnetlint.findings import Severity
from aksnetlint.model import Field
from aksnetlint.values import Location

CONFIG_NAMES = (".aksnetlint.yaml", ".aksnetlint.yml")
CODE_RE = re.compile(r"^AKS\d{0,3}$")
FAIL_ON = ("info", "low", "medium", "high", "critical")
NETWORK_KEYS = {"hybrid", "on_premises"}
MAX_CONFIG_BYTES = 1024 * 1024
MAX_CONFIG_DEPTH = 32
KEYS = ("select", "ignore", "severity", "per_path_ignores", "rules", "network", "rules_dirs",
        "exclude", "fail_on", "var_files", "show_unresolved", "root", "environments",
        "suppressions")


@dataclass(frozen=True, slots=True)
class Config:
    source: str | None = None  # the file it came from
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    hybrid: bool | None = None
    rules_dirs: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = ()
    fail_on: str | None = None
    var_files: tuple[Path, ...] = ()
    show_unresolved: bool | None = None
    root: Path | None = None  # what report paths are relative to (default: the git top level)
    # network.on_premises: on-premises ranges connected to every cluster, where written
    on_premises: tuple[Field[str], ...] = ()
    environments: tuple[Environment, ...] = ()
    require_suppression_reason: bool = False  # suppressions: {require_reason: true}


def find_config(start: Path) -> Path | None:
    """The nearest `.aksnetlint.yaml` / `.yml`, or `pyproject.toml` with a
    `[tool.aksnetlint]` table, in `start` or any folder above it."""
    folder = start.resolve()
    if folder.is_file():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            if (candidate / name).is_file():
                return candidate / name
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return "[tool.aksnetlint" in text


def load_config(path: Path) -> Config:
    """Read and check one configuration file."""
    from aksnetlint.errors import ParseError
    from aksnetlint.sources import escape, read_text

    source = escape(path.as_posix())
    try:  # a regular file, up to the size limit (a configuration found in the repository
        text = read_text(path, source, MAX_CONFIG_BYTES)  # is input like any other file)
    except ParseError as exc:
        raise ConfigError(f"cannot read configuration: {exc.message}", source, exc.line,
                          exc.column) from None
    try:
        data = _toml_table(text, source) if path.name == "pyproject.toml" \
            else _yaml(text, source)
    except RecursionError:
        raise ConfigError(f"nested deeper than {MAX_CONFIG_DEPTH} levels", source) from None
    if _depth(data) > MAX_CONFIG_DEPTH:
        raise ConfigError(f"nested deeper than {MAX_CONFIG_DEPTH} levels", source)
    config = parse_config(data, path)
    if config.on_premises:
        from dataclasses import replace

        config = replace(config, on_premises=_located_ranges(config.on_premises, text, path))
    return config


def _depth(data: object) -> int:
    """How deeply `data` nests (iteratively: no recursion limit to hit)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_CONFIG_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else \
            item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _repository(folder: Path) -> Path:
    """The repository a configuration belongs to (nearest folder holding `.git`), else
    its own folder: the paths it names must stay inside."""
    folder = folder.resolve()
    return next((f for f in (folder, *folder.parents) if (f / ".git").exists()), folder)


def _inside_repository(paths: tuple[Path, ...], key: str, base: Path, source: str) -> None:
    import os

    top = Path(os.path.realpath(_repository(base)))
    for path in paths:
        real = Path(os.path.realpath(path))
        if real != top and top not in real.parents:
            raise ConfigError(f"'{key}': {path.name!r} is outside the repository of the "
                              "configuration; not read", source)


def _yaml(text: str, source: str) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(f"invalid YAML: {getattr(exc, 'problem', exc)}", source,
                          mark.line + 1 if mark else None,
                          mark.column + 1 if mark else None) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError("the configuration must be a mapping", source)
    return data


def _toml_table(text: str, source: str) -> dict[str, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", source) from None
    table = data.get("tool", {}).get("aksnetlint", {})
    if not isinstance(table, dict):
        raise ConfigError("[tool.aksnetlint] must be a table", source)
    return {key.replace("-", "_"): value for key, value in table.items()}


def _codes(value: object, key: str, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    if not isinstance(value, list):
        raise ConfigError(f"'{key}' must be a list of rule ids or prefixes", source)
    codes = []
    for item in value:
        code = str(item).strip().upper()
        if not CODE_RE.match(code):
            raise ConfigError(f"'{key}': {item!r} is not a rule id or prefix (AKS001, AKS1)",
                              source)
        codes.append(code)
    return tuple(codes)


def _strings(value: object, key: str, source: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"'{key}' must be a list of strings", source)
    return tuple(value)


def parse_config(data: dict[str, Any], path: Path) -> Config:
    source = path.as_posix()
    base = path.parent
    for key in data:
        if key not in KEYS:
            raise ConfigError(f"unknown key '{key}' (known: {', '.join(KEYS)})", source)
    severity: dict[str, Severity] = {}
    raw_severity = data.get("severity") or {}
    if not isinstance(raw_severity, dict):
        raise ConfigError("'severity' must map rule ids to severities", source)
    for rule_id, level in raw_severity.items():
        if not re.match(r"^AKS\d{3}$", str(rule_id).upper()):
            raise ConfigError(f"'severity': {rule_id!r} is not a rule id", source)
        if level not in [s.value for s in Severity]:
            raise ConfigError(f"'severity.{rule_id}': {level!r} is not one of "
                              f"{', '.join(s.value for s in Severity)}", source)
        severity[str(rule_id).upper()] = Severity(level)
    per_path = []
    raw_per_path = data.get("per_path_ignores") or {}
    if not isinstance(raw_per_path, dict):
        raise ConfigError("'per_path_ignores' must map path globs to rule ids", source)
    for glob, codes in raw_per_path.items():
        # globs are relative to the configuration file's folder
        pattern = (base.resolve() / str(glob)).as_posix()
        per_path.append((pattern, _codes(codes, f"per_path_ignores.{glob}", source)))
    rule_options: dict[str, dict[str, Any]] = {}
    raw_rules = data.get("rules") or {}
    if not isinstance(raw_rules, dict):
        raise ConfigError("'rules' must map rule ids to their options", source)
    for rule_id, options in raw_rules.items():
        if not re.match(r"^AKS\d{3}$", str(rule_id).upper()) or not isinstance(options, dict):
            raise ConfigError(f"'rules.{rule_id}': options must be a mapping under a rule id",
                              source)
        rule_options[str(rule_id).upper()] = dict(options)
    network = data.get("network") or {}
    if not isinstance(network, dict) or set(network) - NETWORK_KEYS:
        unknown = sorted(set(network) - NETWORK_KEYS) if isinstance(network, dict) else []
        raise ConfigError(f"'network': unknown key {unknown[0]!r}" if unknown else
                          "'network' must be a mapping", source)
    hybrid = network.get("hybrid")
    if hybrid is not None and not isinstance(hybrid, bool):
        raise ConfigError("'network.hybrid' must be true or false", source)
    on_premises = _on_premises(network.get("on_premises", []), path)
    fail_on = data.get("fail_on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise ConfigError(f"'fail_on': {fail_on!r} is not one of {', '.join(FAIL_ON)}", source)
    show = data.get("show_unresolved")
    if show is not None and not isinstance(show, bool):
        raise ConfigError("'show_unresolved' must be true or false", source)
    rules_dirs = tuple((base / d).resolve() for d in
                       _strings(data.get("rules_dirs", []), "rules_dirs", source))
    _inside_repository(rules_dirs, "rules_dirs", base, source)
    var_files = tuple((base / v).resolve() for v in
                      _strings(data.get("var_files", []), "var_files", source))
    _inside_repository(var_files, "var_files", base, source)
    for folder in rules_dirs:
        if not folder.is_dir():
            raise ConfigError(f"'rules_dirs': {folder} is not a folder", source)
    root = data.get("root")
    if root is not None:
        if not isinstance(root, str):
            raise ConfigError("'root' must be a folder (relative to this file)", source)
        root = (base / root).resolve()
        if not root.is_dir():
            raise ConfigError(f"'root': {root} is not a folder", source)
    suppressions = data.get("suppressions") or {}
    if not isinstance(suppressions, dict) or set(suppressions) - {"require_reason"} or \
            not isinstance(suppressions.get("require_reason", False), bool):
        raise ConfigError("'suppressions' must be a mapping with require_reason: true or "
                          "false", source)
    return Config(
        source=source,
        root=root,
        require_suppression_reason=bool(suppressions.get("require_reason", False)),
        environments=parse_environments(data.get("environments"), base, source),
        select=_codes(data.get("select", []), "select", source),
        ignore=_codes(data.get("ignore", []), "ignore", source),
        severity=severity,
        per_path_ignores=tuple(per_path),
        rule_options=rule_options,
        hybrid=hybrid,
        rules_dirs=rules_dirs,
        exclude=_strings(data.get("exclude", []), "exclude", source),
        fail_on=fail_on,
        var_files=var_files,
        show_unresolved=show,
        on_premises=on_premises,
    )


def _on_premises(value: object, path: Path) -> tuple[Field[str], ...]:
    """`network.on_premises`: a list of IPv4/IPv6 ranges (located at the file until
    `_located_ranges` finds their lines)."""
    from aksnetlint import netmath

    source = path.as_posix()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError("'network.on_premises' must be a list of address ranges "
                          "(10.50.0.0/16)", source)
    where = Location(_shown(path), 1)
    ranges = []
    for text in value:
        parsed = netmath.parse_range(text.strip())
        if isinstance(parsed, netmath.InvalidRange):
            raise ConfigError(f"'network.on_premises': {parsed}", source)
        ranges.append(Field(text.strip(), where))
    return tuple(ranges)


def _located_ranges(ranges: tuple[Field[str], ...], text: str, path: Path
                    ) -> tuple[Field[str], ...]:
    """Each configured range at the line and column where the file writes it: the first
    occurrence of the range (quoted or bare) after the `on_premises` key, in order."""
    start = text.find("on_premises")
    if start < 0:
        start = text.find("on-premises")
    cursor = max(start, 0)
    located = []
    for entry in ranges:
        value = entry.value
        assert isinstance(value, str)
        found = text.find(value, cursor)
        if found < 0:
            located.append(entry)
            continue
        line = text.count("\n", 0, found) + 1
        column = found - (text.rfind("\n", 0, found) + 1) + 1
        located.append(Field(value, Location(_shown(path), line, column, line,
                                             column + len(value))))
        cursor = found + len(value)
    return tuple(located)


def _shown(path: Path) -> str:
    """The configuration file's absolute path (`ranges_relative_to` makes it
    root-relative, as every report path is)."""
    return path.resolve().as_posix()


def ranges_relative_to(ranges: tuple[Field[str], ...], root: Path) -> tuple[Field[str], ...]:
    """The configured ranges located relative to the scan root."""
    import os
    from dataclasses import replace

    found = []
    for entry in ranges:
        loc = entry.loc
        if loc is not None and Path(loc.path).is_absolute():
            target = Path(loc.path)
            try:
                shown = target.relative_to(root.resolve()).as_posix()
            except ValueError:
                shown = os.path.relpath(target, root.resolve()).replace(os.sep, "/")
            entry = replace(entry, loc=replace(loc, path=shown))
        found.append(entry)
    return tuple(found)


def check_rule_options(config: Config, rules: list[Any]) -> None:
    """Every `rules.<ID>.<option>` in the configuration names a rule and one of its options,
    with a value of the option's type."""
    known = {rule.id: rule for rule in rules}
    for rule_id, options in config.rule_options.items():
        rule = known.get(rule_id)
        if rule is None:
            raise ConfigError(f"'rules.{rule_id}': no such rule", config.source)
        defaults = rule.options or {}
        for name, value in options.items():
            if name not in defaults:
                offered = ", ".join(sorted(defaults)) or "none"
                raise ConfigError(f"'rules.{rule_id}.{name}': unknown option (options: "
                                  f"{offered})", config.source)
            default = defaults[name]
            if isinstance(default, bool) != isinstance(value, bool) or (
                    isinstance(default, int | float) and not isinstance(value, int | float)):
                raise ConfigError(f"'rules.{rule_id}.{name}': {value!r} is not a "
                                  f"{type(default).__name__}", config.source)
