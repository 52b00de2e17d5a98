"""Markdown for a CI job summary (`$GITHUB_STEP_SUMMARY`) or a pull-request comment: the
counts, then one table per severity with a link to the file and line of every finding.

Links follow `ReportOptions.link_template` (`{path}` and `{line}` filled in; the command line
builds it for GitHub Actions, Azure Pipelines and GitLab CI from their environment), else
they are relative (`infra/main.tf#L12`). Text from the scanned files (names, values) is
escaped: it never becomes markup, a link or HTML. A report is kept under the size of a
pull-request comment; findings beyond it are counted, not listed.
"""

from __future__ import annotations

import re

from aksnetlint.findings import Finding, Kind, LintResult
from aksnetlint.report import ReportOptions, summary
from aksnetlint.repository import artifact_uri
from aksnetlint.rules import Rule

# a GitHub pull-request comment holds 65,536 characters; leave room for the closing note
MAX_CHARS = 60_000
MAX_ROWS = 100  # of the tables of errors and stale baseline entries
_SPECIAL = re.compile(r"([\\`*_\[\]|~#!])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
TITLES = {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low",
          "info": "Info"}


def cell(text: str) -> str:
    """Text as one table cell: markup characters escaped, HTML as entities, line breaks as
    `<br>`, control characters dropped."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text).replace("\n", "<br>")


def link_target(path: str, line: int, template: str | None) -> str:
    """The URL of a file and line, safe inside `[text](...)`."""
    encoded = artifact_uri(path)
    url = (template or "{path}#L{line}").replace("{path}", encoded).replace(
        "{line}", str(line))
    return "".join(f"%{ord(c):02X}" if c in " ()<>\"'\\`" else c for c in url)


def render(result: LintResult, rules: list[Rule], options: ReportOptions) -> str:
    by_id = {rule.id: rule for rule in rules}
    out = ["## aksnetlint", "", _headline(result), ""]
    if result.environments:
        counts = dict(summary.by_variant(result))
        out += ["Per environment: " + ", ".join(
            f"**{cell(name)}** {counts.get(name, 0)}" for name in result.environments) + ".",
            ""]
    if result.errors:
        count = len(result.errors)
        out += ["> [!WARNING]",
                f"> {count} file{'s' if count != 1 else ''} could not be scanned: the scan is "
                "incomplete (see below).", ""]
    findings = [f for f in result.findings
                if f.kind is Kind.FINDING and f.suppressed is None]
    budget = MAX_CHARS - sum(len(line) + 1 for line in out)
    shown, full = 0, False
    for severity in summary.SEVERITY_ORDER:
        group = [f for f in findings if f.severity.value == severity]
        if not group or full:
            continue
        header = [f"### {TITLES[severity]} ({len(group)})", "",
                  "| Rule | Where | Finding |", "|---|---|---|"]
        rows: list[str] = []
        cost = sum(len(line) + 1 for line in header) + 1
        for finding in group:
            row = _row(finding, by_id.get(finding.rule_id), options.link_template)
            if cost + len(row) + 1 > budget:
                full = True
                break
            rows.append(row)
            cost += len(row) + 1
        if rows:
            out += [*header, *rows, ""]
            budget -= cost
            shown += len(rows)
    if shown < len(findings):
        out += [f"… and {len(findings) - shown} more finding"
                f"{'s' if len(findings) - shown != 1 else ''} not listed here (too many for "
                "one comment): see the SARIF or JSON report.", ""]
    out += _errors(result) + _stale(result)
    return "\n".join(out).rstrip("\n") + "\n"


def _headline(result: LintResult) -> str:
    active = len(result.active)
    counts = summary.by_severity(result)
    text = (f"**{active} finding{'s' if active != 1 else ''}**" if active else
            "**No findings**")
    if counts:
        text += " (" + ", ".join(f"{n} {s}" for s, n in counts.items()) + ")"
    text += (f" in {result.deployments} deployment{'s' if result.deployments != 1 else ''} "
             f"({result.files_scanned} file{'s' if result.files_scanned != 1 else ''})")
    extras = []
    if summary.suppressed(result):
        extras.append(f"{summary.suppressed(result)} suppressed")
    if result.baseline is not None:
        extras.append(f"{result.baseline.absorbed} in the baseline")
    if summary.unresolved(result):
        extras.append(f"{summary.unresolved(result)} unresolved notes")
    return text + ("; " + ", ".join(extras) if extras else "") + "."


def _row(finding: Finding, rule: Rule | None, template: str | None) -> str:
    loc = finding.location
    rule_text = f"[{finding.rule_id}]({link_target_uri(rule.help_uri)})" \
        if rule is not None and rule.help_uri else finding.rule_id
    if rule is not None:
        rule_text += f" {cell(rule.title)}"
    where = f"[{cell(f'{loc.path}:{loc.line}')}]({link_target(loc.path, loc.line, template)})"
    message = cell(finding.message)
    if finding.variant is not None:
        message += f" *(variant: {cell(finding.variant)})*"
    return f"| {rule_text} | {where} | {message} |"


def link_target_uri(uri: str) -> str:
    return "".join(f"%{ord(c):02X}" if c in " ()<>\"'\\`" else c for c in uri)


def _errors(result: LintResult) -> list[str]:
    if not result.errors:
        return []
    lines = ["<details><summary>Files that could not be scanned "
             f"({len(result.errors)})</summary>", "", "| Where | Error |", "|---|---|"]
    for error in result.errors[:MAX_ROWS]:
        where = error.path + (f":{error.line}" if error.line is not None else "")
        lines.append(f"| {cell(where)} | {cell(error.message)} |")
    return lines + _more(len(result.errors)) + ["", "</details>", ""]


def _stale(result: LintResult) -> list[str]:
    outcome = result.baseline
    if outcome is None or not outcome.stale:
        return []
    lines = ["<details><summary>Stale baseline entries "
             f"({len(outcome.stale)})</summary>", "",
             "They match no finding any more (fixed, or changed): record the baseline again "
             "to drop them.", "", "| Rule | File | Variant | Message |", "|---|---|---|---|"]
    for entry in outcome.stale[:MAX_ROWS]:
        lines.append(f"| {cell(entry.rule)} | {cell(entry.path)} | "
                     f"{cell(entry.variant or '')} | {cell(entry.message)} |")
    return lines + _more(len(outcome.stale)) + ["", "</details>", ""]


def _more(count: int) -> list[str]:
    return ["", f"… and {count - MAX_ROWS} more."] if count > MAX_ROWS else []
