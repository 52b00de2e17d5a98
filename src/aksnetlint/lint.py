"""`lint(paths, options) -> LintResult`: the whole scan, without printing anything.

discover -> load (parse, resolve, normalise) -> document -> rules -> findings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from aksnetlint.deployments import LOADERS, LoadOptions
from aksnetlint.discover import DEFAULT_EXCLUDES, discover
from aksnetlint.findings import FileError, LintResult, Severity
from aksnetlint.rules import Rule

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Options:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    show_unresolved: bool = False
    var_files: tuple[Path, ...] = ()
    param_files: tuple[Path, ...] = ()
    hybrid: bool = False
    excludes: tuple[str, ...] = DEFAULT_EXCLUDES
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    root: Path | None = None


def selected(rules: list[Rule], select: tuple[str, ...], ignore: tuple[str, ...]) -> list[Rule]:
    """ruff-style selection: ids or prefixes (`AKS1` = every AKS1xx rule)."""

    def matches(rule: Rule, codes: tuple[str, ...]) -> bool:
        return any(rule.id.startswith(c.upper()) or c.upper() in rule.aliases for c in codes)

    chosen = [r for r in rules if not select or matches(r, select)]
    return [r for r in chosen if not matches(r, ignore)]


def lint(paths: list[Path], options: Options, rules: list[Rule] | None = None,
         progress: Progress | None = None) -> LintResult:
    from aksnetlint import suppress
    from aksnetlint.document import build_document
    from aksnetlint.engine import run_rule
    from aksnetlint.rules import load_rules

    root = (options.root or Path.cwd()).resolve()
    active = [replace(rule, severity=options.severity[rule.id])
              if rule.id in options.severity else rule
              for rule in selected(rules if rules is not None else load_rules(),
                                   options.select, options.ignore)]
    result = LintResult(root=root.as_posix())
    found = discover(paths, root, options.excludes)
    result.errors.extend(found.errors)
    load_options = LoadOptions(root, options.var_files, options.param_files)
    loadable = [unit for unit in found.units if unit.format in LOADERS]
    loads = []
    for done, unit in enumerate(loadable, 1):
        loads.append((unit, LOADERS[unit.format](unit, load_options)))
        if progress is not None:
            progress(done, len(loadable))
    # a folder another scanned module calls is part of that deployment, not a root of its
    # own: scanning it alone would judge its variables without the caller's values
    called = {folder for _, loaded in loads for folder in loaded.called}
    superseded = {folder for _, loaded in loads for folder in loaded.supersedes}
    for unit, loaded in loads:
        # errors count even for a unit that is scanned as part of another deployment
        result.errors.extend(loaded.errors)
        result.notes.extend(loaded.notes)
        if (unit.format == "terraform" and unit.path in called) or unit.path in superseded:
            continue
        result.files_scanned += loaded.files
        for deployment in loaded.deployments:
            result.deployments += 1
            document = build_document(deployment, hybrid_declared=options.hybrid)
            for rule in active:
                if deployment.format not in rule.formats:
                    continue
                result.findings.extend(run_rule(rule, document,
                                                options.rule_options.get(rule.id),
                                                options.show_unresolved))
    findings = [f for f in set(result.findings)
                if not suppress.per_path_ignored(f, options.per_path_ignores, root)]
    from aksnetlint.discover import relative

    scanned = {relative(path, root) for unit in found.units for path in unit.files}
    written = suppress.collect(root, scanned | {f.location.path for f in findings})
    result.findings, result.unused_suppressions = suppress.apply(
        sorted(findings, key=lambda f: f.sort_key()), written, {r.id for r in active})
    unique = {(e.path, e.line, e.column, e.message): e for e in result.errors}
    result.errors = sorted(unique.values(), key=lambda e: (e.path, e.line or 0, e.column or 0,
                                                           e.message))
    return result


__all__ = ["FileError", "LintResult", "Options", "lint", "selected"]
