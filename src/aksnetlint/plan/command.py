"""`aksnetlint plan [PATH]...`: the configuration, options and exit code of the command
(cli.py declares it; this module does the work, printing nothing itself)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class PlanRequest:
    paths: tuple[Path, ...]
    fmt: str = "text"
    config_path: Path | None = None
    root_dir: Path | None = None
    var_files: tuple[Path, ...] = ()
    param_files: tuple[Path, ...] = ()
    hybrid: bool | None = None
    jobs: int | None = None


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    text: str
    errors: tuple[str, ...]  # `path:line:col: error: …` lines, as the scan reports them
    notes: tuple[str, ...]


def run_plan(request: PlanRequest) -> PlanOutcome:
    """Scan as `aksnetlint scan` would (the same configuration, rules and findings) and
    render the estate plan. Raises `AksnetlintError` for configuration errors."""
    from dataclasses import replace

    from aksnetlint.config import (
        Config,
        check_rule_options,
        find_config,
        load_config,
        ranges_relative_to,
    )
    from aksnetlint.discover import DEFAULT_EXCLUDES
    from aksnetlint.lint import Options
    from aksnetlint.plan import render, scan_plan
    from aksnetlint.repository import display_path, scan_root
    from aksnetlint.rules import load_rules

    targets = list(request.paths) or [Path(".")]
    found = request.config_path or find_config(targets[0])
    config = load_config(found) if found else Config()
    rules = load_rules(list(config.rules_dirs))
    check_rule_options(config, rules)
    root = scan_root(request.root_dir, config.root, targets[0])
    options = Options(
        root=root, select=config.select, ignore=config.ignore,
        var_files=tuple(config.var_files) + request.var_files,
        param_files=request.param_files,
        hybrid=bool(request.hybrid if request.hybrid is not None else config.hybrid),
        excludes=DEFAULT_EXCLUDES + config.exclude, rule_options=config.rule_options,
        severity=config.severity, per_path_ignores=config.per_path_ignores,
        jobs=request.jobs, cache=False,
        on_premises=ranges_relative_to(config.on_premises, root),
        environments=config.environments,
        named_files=request.var_files + request.param_files)
    estate, result = scan_plan(targets, options, rules)
    errors = tuple(str(replace(e, path=display_path(e.path, result.root)))
                   for e in result.errors)
    return PlanOutcome(render(estate, request.fmt), errors, tuple(result.notes))
