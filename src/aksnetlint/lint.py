"""`lint(paths, options) -> LintResult`: the whole scan, without printing anything.

discover -> load (parse, resolve, normalise) -> document -> rules -> findings.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from aksnetlint.deployments import LOADERS, UNRESOLVED_NOTE, Loaded, LoadOptions
from aksnetlint.discover import DEFAULT_EXCLUDES, Unit, discover
from aksnetlint.environments import Environment
from aksnetlint.findings import FileError, Finding, LintResult, Severity
from aksnetlint.model import Deployment, Field
from aksnetlint.rules import Rule

Progress = Callable[[int, int], None]
# below this many units a process pool costs more than it saves
PARALLEL_THRESHOLD = 24


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
    jobs: int | None = None  # worker processes; None = one per CPU
    cache: bool = False  # reuse per-deployment results from the user cache folder
    # on-premises ranges from the configuration, connected to every cluster (AKS205/AKS209)
    on_premises: tuple[Field[str], ...] = ()
    environments: tuple[Environment, ...] = ()  # named parameter variants (configuration)
    only_environments: frozenset[str] | None = None  # `--environment`: scan only these
    require_suppression_reason: bool = False  # an inline ignore without a reason is invalid
    # files named on the command line (--var-file, --param-file): readable wherever they are;
    # everything else is read only inside the scanned tree (see `scanned_tree`)
    named_files: tuple[Path, ...] = ()


def selected(rules: list[Rule], select: tuple[str, ...], ignore: tuple[str, ...]) -> list[Rule]:
    """ruff-style selection: ids or prefixes (`AKS1` = every AKS1xx rule)."""

    def matches(rule: Rule, codes: tuple[str, ...]) -> bool:
        return any(rule.id.startswith(c.upper()) or c.upper() in rule.aliases for c in codes)

    chosen = [r for r in rules if not select or matches(r, select)]
    return [r for r in chosen if not matches(r, ignore)]


@dataclass(slots=True)
class UnitOutcome:
    """What scanning one discovered unit produced (picklable, for worker processes)."""

    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: int = 0
    deployments: int = 0
    called: set[Path] = field(default_factory=set)
    supersedes: set[Path] = field(default_factory=set)
    rules_run: bool = True  # False: loaded only, because another unit covers it
    # (root, format, variant) of each of its deployments
    deployed: list[tuple[str, str, str | None]] = field(default_factory=list)
    models: list[Deployment] = field(default_factory=list)  # kept for `aksnetlint plan`


@dataclass(frozen=True, slots=True)
class _Context:
    rules: tuple[Rule, ...]
    load_options: LoadOptions
    hybrid: bool
    show_unresolved: bool
    rule_options: dict[str, dict[str, Any]]
    use_cache: bool
    cache_key: str
    on_premises: tuple[Field[str], ...] = ()
    keep_models: bool = False  # outcomes carry their deployments (never cached)


def _scan_unit(unit: Unit, context: _Context) -> UnitOutcome:
    """Load one unit and run every rule on its deployments (no reporting, no filtering)."""
    from aksnetlint import cache
    from aksnetlint.sources import recording

    key = cache.unit_key(unit.identity, unit.path, unit.files, context.cache_key) \
        if context.use_cache else None
    cached = _cached(key)
    if cached is not None:
        return cached
    with recording() as read:
        outcome = _evaluate_unit(unit, context)
    if key is not None and not outcome.errors:
        cache.store(key, _outcome_to_json(outcome), cache.dependencies(read))
    return outcome


def _evaluate_unit(unit: Unit, context: _Context) -> UnitOutcome:
    loaded = LOADERS[unit.format](unit, context.load_options)
    outcome = _bare_outcome(loaded)
    outcome.findings = _apply_rules(loaded.deployments, context)
    if context.keep_models:
        outcome.models = loaded.deployments
    return outcome


def _bare_outcome(loaded: Loaded) -> UnitOutcome:
    return UnitOutcome(errors=loaded.errors, notes=loaded.notes, files=loaded.files,
                       deployments=len(loaded.deployments), called=loaded.called,
                       supersedes=loaded.supersedes,
                       deployed=[(d.root, d.format, d.variant) for d in loaded.deployments])


def _apply_rules(deployments: list[Deployment], context: _Context) -> list[Finding]:
    from aksnetlint.document import build_document
    from aksnetlint.engine import run_rule

    findings: list[Finding] = []
    for deployment in deployments:
        document = build_document(deployment, hybrid_declared=context.hybrid,
                                  on_premises=context.on_premises)
        for rule in context.rules:
            if deployment.format in rule.formats:
                found = run_rule(rule, document, context.rule_options.get(rule.id),
                                 context.show_unresolved)
                found = [replace(f, variant=deployment.variant, deployment=deployment.root)
                         for f in found]
                findings.extend(found)
    return findings


def _number_duplicates(findings: list[Finding]) -> list[Finding]:
    """Distinct findings that would share a fingerprint (the same message about two objects
    of one name in one file) get occurrence numbers in source order, the first keeping 0:
    no two findings of a report share a fingerprint, and the first keeps its fingerprint
    when a later one goes away."""
    seen: dict[str, int] = {}
    numbered = []
    for finding in findings:
        count = seen.get(finding.fingerprint, 0)
        seen[finding.fingerprint] = count + 1
        numbered.append(replace(finding, occurrence=count) if count else finding)
    return numbered


def _scan_serially(units: list[Unit], context: _Context,
                   progress: Progress | None) -> list[UnitOutcome]:
    """Load every unit first, then run the rules only on units that are deployments of
    their own (not a module, parameter file or compiled template another unit covers)."""
    from aksnetlint import cache
    from aksnetlint.discover import called_folders

    likely_called = called_folders(units)
    staged: list[tuple[UnitOutcome, Loaded | None, str | None, dict[str, str]]] = []
    for done, unit in enumerate(units, 1):
        if unit.path in likely_called:
            # a local module (or parameter file) of another scanned unit: that unit's scan
            # covers it; it is loaded and judged on its own only if nothing turns out to
            # cover it
            staged.append((UnitOutcome(rules_run=False), None, None, {}))
            if progress is not None:
                progress(done, len(units))
            continue
        key = cache.unit_key(unit.identity, unit.path, unit.files, context.cache_key) \
            if context.use_cache else None
        cached = _cached(key)
        if cached is not None:
            staged.append((cached, None, key, {}))
        else:
            staged.append(_load_recorded(unit, context, key))
        if progress is not None:
            progress(done, len(units))
    called = {folder for outcome, *_ in staged for folder in outcome.called}
    superseded = {path for outcome, *_ in staged for path in outcome.supersedes}
    outcomes = []
    for unit, (outcome, fresh, key, read) in zip(units, staged, strict=True):
        covered = _covered(unit, called, superseded)
        if fresh is None and not covered and not outcome.rules_run:
            # cached while another unit covered it; on its own now, so it needs its rules
            outcome, fresh, key, read = _load_recorded(unit, context, key)
        if fresh is not None:
            if not covered:
                outcome.findings = _apply_rules(fresh.deployments, context)
                if context.keep_models:
                    outcome.models = fresh.deployments
            outcome.rules_run = not covered
            if key is not None and not outcome.errors:
                cache.store(key, _outcome_to_json(outcome), cache.dependencies(read))
        outcomes.append(outcome)
    return outcomes


def _load_recorded(unit: Unit, context: _Context, key: str | None
                   ) -> tuple[UnitOutcome, Loaded, str | None, dict[str, str]]:
    from aksnetlint.sources import recording

    with recording() as read:
        loaded = LOADERS[unit.format](unit, context.load_options)
    return _bare_outcome(loaded), loaded, key, read


def _covered(unit: Unit, called: set[Path], superseded: set[Path]) -> bool:
    """Whether another unit's deployment already covers this one."""
    return (unit.format == "terraform" and unit.path in called) or unit.path in superseded


def _outcome_to_json(outcome: UnitOutcome) -> dict[str, Any]:
    from aksnetlint.cache import error_to_json, finding_to_json

    return {"findings": [finding_to_json(f) for f in outcome.findings],
            "errors": [error_to_json(e) for e in outcome.errors], "notes": outcome.notes,
            "files": outcome.files, "deployments": outcome.deployments,
            "called": sorted(str(p) for p in outcome.called),
            "supersedes": sorted(str(p) for p in outcome.supersedes),
            "rules_run": outcome.rules_run, "deployed": [list(d) for d in outcome.deployed]}


def _cached(key: str | None) -> UnitOutcome | None:
    """The cached outcome for `key`; None when there is none, or the entry is not a valid
    outcome (wrong shape, unknown severity or kind): it is then rewritten after the scan."""
    from aksnetlint import cache

    if key is None:
        return None
    data = cache.load(key)
    if data is None:
        return None
    try:
        return _outcome_from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _outcome_from_json(data: dict[str, Any]) -> UnitOutcome:
    from aksnetlint.cache import finding_from_json

    return UnitOutcome(
        findings=[finding_from_json(f) for f in data["findings"]],
        errors=[FileError(e["path"], e["message"], e.get("line"), e.get("column"))
                for e in data["errors"]],
        notes=list(data["notes"]), files=int(data["files"]),
        deployments=int(data["deployments"]),
        called={Path(p) for p in data["called"]},
        supersedes={Path(p) for p in data["supersedes"]},
        rules_run=bool(data.get("rules_run", True)),
        deployed=[(str(r), str(f), v) for r, f, v in data.get("deployed", [])])


def _context_key(rules: list[Rule], options: Options, search_roots: tuple[Path, ...],
                 root: Path, allowed: tuple[Path, ...]) -> str:
    """What besides the files decides an outcome: the rules (their files' content) and the
    options that reach the rules or the loaders."""
    import hashlib

    from aksnetlint.cache import code_fingerprint

    digest = hashlib.sha256(code_fingerprint().encode())
    for rule in rules:
        digest.update(repr((rule.id, rule.source, rule.severity.value)).encode())
        try:
            digest.update(Path(rule.source).read_bytes())
        except OSError:
            digest.update(b"?")
    # paths in a cached outcome are relative to the scan root
    digest.update(repr(str((options.root or Path.cwd()).resolve())).encode())
    digest.update(repr((options.hybrid, options.show_unresolved, options.on_premises,
                        sorted((k, sorted(v.items())) for k, v in options.rule_options.items()),
                        [str(p) for p in options.var_files],
                        [str(p) for p in options.param_files],
                        [(e.name, [str(p) for p in (*e.var_files, *e.param_files, *e.modules)])
                         for e in options.environments],
                        [str(p) for p in search_roots], str(root), allowed,
                        options.excludes)).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _run_units(units: list[Unit], context: _Context, jobs: int,
               progress: Progress | None) -> list[UnitOutcome]:
    """Scan units serially, or across processes when there are many; results keep the
    units' order either way."""
    if jobs > 1 and len(units) >= PARALLEL_THRESHOLD:
        return _scan_in_parallel(units, context, jobs, progress)
    return _scan_serially(units, context, progress)


def _scan_in_parallel(units: list[Unit], context: _Context, jobs: int,
                      progress: Progress | None) -> list[UnitOutcome]:
    """Each worker loads and judges whole units. Local modules of other scanned units are
    left out (their callers cover them) unless no caller turns out to call them."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from aksnetlint.discover import called_folders

    likely_called = called_folders(units)
    dispatch = [i for i, u in enumerate(units) if u.path not in likely_called]
    outcomes: list[UnitOutcome] = [UnitOutcome(rules_run=False) for _ in units]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method),
                               initializer=_worker_started)
    try:
        chunk = max(1, min(16, len(dispatch) // (jobs * 4)))
        results = pool.map(_scan_unit, [units[i] for i in dispatch],
                           [context] * len(dispatch), chunksize=chunk)
        for done, (i, outcome) in enumerate(zip(dispatch, results, strict=True), 1):
            outcomes[i] = outcome
            if progress is not None:
                progress(done, len(dispatch))
    except BaseException:
        # SIGTERM (SystemExit from the CLI's handler), Ctrl-C, an error: no worker may
        # outlive the scan
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)
    called = {folder for outcome in outcomes for folder in outcome.called}
    superseded = {path for outcome in outcomes for path in outcome.supersedes}
    for i, unit in enumerate(units):
        if not outcomes[i].rules_run and not _covered(unit, called, superseded):
            outcomes[i] = _scan_unit(unit, context)
    return outcomes


def scanned_tree(paths: list[Path]) -> tuple[Path, ...]:
    """Where a scan may read: for each path, the repository it is in (the nearest folder
    above it holding `.git`), else the folder itself (a file's folder)."""
    roots: list[Path] = []
    for given in paths:
        try:
            start = given.resolve()
        except (OSError, ValueError):
            continue
        folder = start if start.is_dir() else start.parent
        repository = next((f for f in (folder, *folder.parents) if (f / ".git").exists()),
                           None)
        root = repository or folder
        if root not in roots:
            roots.append(root)
    return tuple(roots)


MAX_FINDINGS_PER_RULE = 100
"""Findings of one rule in one deployment beyond which the rest are left out (with a
note): a template that expands into thousands of identical findings must not make a
report that GitHub rejects or nobody reads."""


def _capped(findings: list[Finding], where: str) -> tuple[list[Finding], list[str]]:
    kept: list[Finding] = []
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.rule_id] = counts.get(finding.rule_id, 0) + 1
        if counts[finding.rule_id] <= MAX_FINDINGS_PER_RULE:
            kept.append(finding)
    notes = [f"{where}: {count - MAX_FINDINGS_PER_RULE:,} more {rule_id} findings left out "
             f"(at most {MAX_FINDINGS_PER_RULE} per rule and deployment are reported)"
             for rule_id, count in sorted(counts.items()) if count > MAX_FINDINGS_PER_RULE]
    return kept, notes


def _worker_started() -> None:
    """In a worker: the default SIGTERM action (end at once; the parent's handler would
    turn it into an exception the pool survives), and Ctrl-C is the parent's to handle."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_workers(pool: Any) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)


def lint(paths: list[Path], options: Options, rules: list[Rule] | None = None,
         progress: Progress | None = None, models: list[Deployment] | None = None
         ) -> LintResult:
    """The scan. With `models`, the deployments judged are appended to it (in the units'
    order; the cache is not used, since it keeps findings, not models)."""
    from aksnetlint import suppress
    from aksnetlint.discover import relative
    from aksnetlint.rules import load_rules

    root = (options.root or Path.cwd()).resolve()
    catalogue = rules if rules is not None else load_rules()
    active = [replace(rule, severity=options.severity[rule.id])
              if rule.id in options.severity else rule
              for rule in selected(catalogue, options.select, options.ignore)]
    result = LintResult(root=root.as_posix(), rules=tuple(r.id for r in active),
                        environments=tuple(
        e.name for e in options.environments
        if options.only_environments is None or e.name in options.only_environments))
    found = discover(paths, root, options.excludes, options.environments,
                     options.only_environments)
    result.errors.extend(found.errors)
    units = [unit for unit in found.units if unit.format in LOADERS]
    search_roots = tuple(p.resolve() for p in paths if p.is_dir())
    # an explicit `root` (library use) is part of the tree; the working folder is not
    allowed = scanned_tree(paths) + tuple(p.resolve() for p in options.named_files) + \
        ((root,) if options.root is not None else ())
    load_options = LoadOptions(root, options.var_files, options.param_files, search_roots,
                               options.environments, allowed)
    context = _Context(tuple(active), load_options,
                       options.hybrid, options.show_unresolved, options.rule_options,
                       options.cache and models is None,
                       _context_key(active, options, search_roots, root, allowed)
                       if options.cache else "",
                       options.on_premises, keep_models=models is not None)
    outcomes = _run_units(units, context, options.jobs or (os.cpu_count() or 1), progress)
    # a folder another scanned module calls is part of that deployment, not a root of its
    # own: scanning it alone would judge its variables without the caller's values
    called = {folder for outcome in outcomes for folder in outcome.called}
    superseded = {path for outcome in outcomes for path in outcome.supersedes}
    collected: list[Finding] = []
    for unit, outcome in zip(units, outcomes, strict=True):
        # errors count even for a unit that is scanned as part of another deployment
        result.errors.extend(outcome.errors)
        result.notes.extend(n for n in outcome.notes
                            if options.show_unresolved or UNRESOLVED_NOTE not in n)
        if _covered(unit, called, superseded):
            continue
        result.files_scanned += outcome.files
        result.deployments += outcome.deployments
        result.variants.update(variant for _, _, variant in outcome.deployed)
        result.deployed.extend(outcome.deployed)
        kept, notes = _capped(sorted(set(outcome.findings), key=lambda f: f.sort_key()),
                              relative(unit.path, root))
        collected.extend(kept)
        result.notes.extend(notes)
        if models is not None:
            models.extend(outcome.models)
    findings = [f for f in set(collected)
                if not suppress.per_path_ignored(f, options.per_path_ignores, root)]
    scanned = {relative(path, root) for unit in found.units
               for path in (*unit.files, *unit.var_files, *unit.param_files)}
    result.scanned_files = scanned | {relative(p, root) for p in options.var_files}
    result.scanned_folders = tuple(
        "" if relative(p, root) == "." else relative(p, root) for p in paths if p.is_dir())
    written, result.invalid_suppressions = suppress.check(
        suppress.collect(root, scanned | {f.location.path for f in findings}),
        {r.id for r in catalogue} | {a.upper() for r in catalogue for a in r.aliases},
        options.require_suppression_reason)
    result.findings, result.unused_suppressions = suppress.apply(
        # a total order (ties broken by everything else), so numbering is deterministic
        _number_duplicates(sorted(findings, key=lambda f: (f.sort_key(), repr(f)))), written,
        {r.id for r in active})
    unique = {(e.path, e.line, e.column, e.message): e for e in result.errors}
    result.errors = sorted(unique.values(), key=lambda e: (e.path, e.line or 0, e.column or 0,
                                                           e.message))
    return result


__all__ = ["FileError", "LintResult", "Options", "lint", "selected"]
