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

from aksnetlint.errors import ConfigError
from aksnetlint.findings import Severity

CONFIG_NAMES = (".aksnetlint.yaml", ".aksnetlint.yml")
CODE_RE = re.compile(r"^AKS\d{0,3}$")
FAIL_ON = ("info", "low", "medium", "high", "critical")
KEYS = ("select", "ignore", "severity", "per_path_ignores", "rules", "network", "rules_dirs",
        "exclude", "fail_on", "var_files", "show_unresolved", "root")


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
    source = path.as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read configuration: {exc}", source) from None
    data = _toml_table(text, source) if path.name == "pyproject.toml" else _yaml(text, source)
    return parse_config(data, path)


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
    if not isinstance(network, dict) or set(network) - {"hybrid"}:
        unknown = sorted(set(network) - {"hybrid"}) if isinstance(network, dict) else []
        raise ConfigError(f"'network': unknown key {unknown[0]!r}" if unknown else
                          "'network' must be a mapping", source)
    hybrid = network.get("hybrid")
    if hybrid is not None and not isinstance(hybrid, bool):
        raise ConfigError("'network.hybrid' must be true or false", source)
    fail_on = data.get("fail_on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise ConfigError(f"'fail_on': {fail_on!r} is not one of {', '.join(FAIL_ON)}", source)
    show = data.get("show_unresolved")
    if show is not None and not isinstance(show, bool):
        raise ConfigError("'show_unresolved' must be true or false", source)
    rules_dirs = tuple((base / d).resolve() for d in
                       _strings(data.get("rules_dirs", []), "rules_dirs", source))
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
    return Config(
        source=source,
        root=root,
        select=_codes(data.get("select", []), "select", source),
        ignore=_codes(data.get("ignore", []), "ignore", source),
        severity=severity,
        per_path_ignores=tuple(per_path),
        rule_options=rule_options,
        hybrid=hybrid,
        rules_dirs=rules_dirs,
        exclude=_strings(data.get("exclude", []), "exclude", source),
        fail_on=fail_on,
        var_files=tuple((base / v).resolve() for v in
                        _strings(data.get("var_files", []), "var_files", source)),
        show_unresolved=show,
    )


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
