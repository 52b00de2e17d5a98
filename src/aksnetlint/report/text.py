"""Human-readable report: `path:line:col: RULE [severity] message`, a source excerpt, and
related locations; colour only when asked (a TTY without NO_COLOR)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from aksnetlint.findings import Finding, Kind, LintResult
from aksnetlint.output import one_line
from aksnetlint.report import ReportOptions, summary
from aksnetlint.repository import display_path
from aksnetlint.rules import Rule
from aksnetlint.sources import peek_text
from aksnetlint.values import Location

_COLOURS = {"critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m",
            "low": "\033[36m", "info": "\033[37m", "note": "\033[2m"}
_RESET = "\033[0m"
_BOLD = "\033[1m"

Paint = Callable[[str, str], str]


class _Sources:
    def __init__(self, root: str) -> None:
        self.root = Path(root)
        self.cache: dict[str, list[str] | None] = {}

    def line(self, path: str, line: int) -> str | None:
        if path not in self.cache:
            text = peek_text(self.root / path)  # a regular file, up to the size limit
            self.cache[path] = text.splitlines() if text is not None else None
        lines = self.cache[path]
        if lines is None or not 0 < line <= len(lines):
            return None
        return lines[line - 1]


def render(result: LintResult, rules: list[Rule], options: ReportOptions) -> str:
    del rules
    sources = _Sources(result.root)
    out: list[str] = []
    paint = _painter(options.colour)
    for finding in result.findings:
        if finding.suppressed is None:  # counted in the summary; JSON and SARIF keep them
            out.extend(_finding(finding, sources, paint, _shown(result.root)))
    if options.quiet:
        return "".join(line + "\n" for line in out)
    out.append(_summary(result, paint))
    if result.environments:
        counts = dict(summary.by_variant(result))
        out.append("Per environment: " + ", ".join(
            f"{name} {counts.get(name, 0)}" for name in result.environments) + ".")
    out.extend(_stale(result))
    if options.statistics:
        out.extend(_statistics(result))
    return "\n".join(out) + "\n"


def _stale(result: LintResult) -> list[str]:
    outcome = result.baseline
    if outcome is None or not outcome.stale:
        return []
    count = len(outcome.stale)
    verb = "entries no longer match" if count != 1 else "entry no longer matches"
    lines = [f"Baseline {outcome.source}: {count} {verb} a finding (fixed or changed; record "
             "the baseline again to drop stale entries):"]
    for entry in outcome.stale:
        variant = f" (variant: {entry.variant})" if entry.variant is not None else ""
        lines.append(f"  {display_path(entry.path, result.root)}: {entry.rule} "
                     f"{entry.message}{variant}")
    return lines


def _painter(colour: bool) -> Paint:
    def paint(text: str, style: str) -> str:
        if not colour:
            return text
        code = _COLOURS.get(style, _BOLD if style == "bold" else "")
        return f"{code}{text}{_RESET}" if code else text

    return paint


def _shown(root: str) -> Callable[[Location], str]:
    """`path:line:col` as the user types the path from the current folder (report paths are
    relative to the repository root)."""
    def where(loc: Location) -> str:
        return str(replace(loc, path=display_path(loc.path, root)))

    return where


def _finding(finding: Finding, sources: _Sources, paint: Paint,
             where: Callable[[Location], str] = str) -> list[str]:
    loc = finding.location
    if finding.kind is Kind.UNRESOLVED:
        label = paint("note", "note")
    else:
        label = paint(finding.severity.value, finding.severity.value)
    suppressed = f" (suppressed: {finding.suppressed})" if finding.suppressed is not None else ""
    variant = f" (variant: {finding.variant})" if finding.variant is not None else ""
    lines = [f"{paint(_safe(where(loc)), 'bold')}: {paint(finding.rule_id, 'bold')} [{label}] "
             f"{_safe(finding.message + variant + suppressed)}"]
    source = sources.line(loc.path, loc.line)
    if source is not None and finding.kind is Kind.FINDING:
        gutter = f"{loc.line:>5} | "
        lines.append(f"{gutter}{_safe(source.rstrip())}")
        caret = paint("^", finding.severity.value)
        lines.append(" " * (len(gutter) + max(loc.column - 1, 0)) + caret)
    for related in finding.related:
        lines.append(f"      related: {_safe(where(related.location))}: "
                     f"{_safe(related.message)}")
    for name, value in finding.properties:
        if name == "explain":
            lines.extend(f"      {_safe(line)}" for line in str(value).splitlines())
    return lines


def _safe(text: str) -> str:
    """Text from scanned files as one printable line: control characters (a terminal
    escape sequence in a template) escaped, tabs as one space (the caret stays aligned)."""
    return one_line(text.replace("\t", " "))


def _summary(result: LintResult, paint: Paint) -> str:
    active = result.active
    suppressed = sum(1 for f in result.findings if f.suppressed is not None)
    notes = sum(1 for f in result.findings if f.kind is Kind.UNRESOLVED)
    counts = Counter(f.severity.value for f in active)
    by_severity = ", ".join(f"{counts[s]} {s}" for s in ("critical", "high", "medium", "low",
                                                        "info") if counts[s])
    text = (f"Found {len(active)} finding{'s' if len(active) != 1 else ''}"
            f"{f' ({by_severity})' if by_severity else ''} in {result.deployments} "
            f"deployment{'s' if result.deployments != 1 else ''} "
            f"({result.files_scanned} file{'s' if result.files_scanned != 1 else ''})")
    extras = []
    if suppressed:
        extras.append(f"{suppressed} suppressed")
    if result.baseline is not None:
        extras.append(f"{result.baseline.absorbed} in the baseline")
    if notes:
        extras.append(f"{notes} unresolved note{'s' if notes != 1 else ''}")
    if result.errors:
        extras.append(f"{len(result.errors)} file error{'s' if len(result.errors) != 1 else ''}"
                      " — scan incomplete")
    if extras:
        text += "; " + ", ".join(extras)
    return paint(text + ".", "bold")


def _statistics(result: LintResult) -> list[str]:
    counts = Counter((f.rule_id, f.severity.value) for f in result.active)
    return [f"{count:>5}  {rule_id}  [{severity}]"
            for (rule_id, severity), count in sorted(counts.items())]
