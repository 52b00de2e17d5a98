"""GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per finding,
so findings show as annotations on the pull request without SARIF."""

from __future__ import annotations

from aksnetlint.findings import Kind, LintResult
from aksnetlint.report import ReportOptions
from aksnetlint.rules import Rule
from aksnetlint.sources import escape

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def _escape_data(text: str) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return escape(text)  # no other control character reaches the log raw


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: LintResult, rules: list[Rule], options: ReportOptions) -> str:
    del options
    titles = {rule.id: rule.title for rule in rules}
    lines = []
    for finding in result.findings:
        if finding.suppressed is not None:
            continue
        level = "note" if finding.kind is Kind.UNRESOLVED else finding.severity.sarif_level
        loc = finding.location
        props = [f"file={_escape_property(loc.path)}", f"line={loc.line}", f"col={loc.column}"]
        if loc.end_line is not None:
            props.append(f"endLine={loc.end_line}")
        title = f"{finding.rule_id} {titles.get(finding.rule_id, '')}".strip()
        props.append(f"title={_escape_property(title)}")
        lines.append(f"::{_COMMAND[level]} {','.join(props)}::{_escape_data(finding.message)}")
    for error in result.errors:
        props = [f"file={_escape_property(error.path)}"]
        if error.line is not None:
            props.append(f"line={error.line}")
        if error.column is not None:
            props.append(f"col={error.column}")
        props.append("title=aksnetlint input error")
        lines.append(f"::error {','.join(props)}::{_escape_data(error.message)}")
    return "\n".join(lines) + ("\n" if lines else "")
