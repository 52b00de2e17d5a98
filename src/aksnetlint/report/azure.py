"""Azure Pipelines logging commands: one `##vso[task.logissue ...]` line per finding (error
for high and critical, warning below), so findings show in the run's summary and on the
pull request, and one per file that could not be scanned. Properties and the message are
escaped as the Azure Pipelines task library does: nothing in a scanned file can end a
property, the command or the line."""

from __future__ import annotations

from aksnetlint.findings import Kind, LintResult
from aksnetlint.report import ReportOptions, summary
from aksnetlint.rules import Rule


def escape_data(text: str) -> str:
    return text.replace("%", "%AZP25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace("]", "%5D").replace(";", "%3B")


def _command(kind: str, properties: dict[str, object], message: str) -> str:
    props = "".join(f"{key}={escape_property(str(value))};"
                    for key, value in properties.items() if value is not None)
    return f"##vso[task.logissue type={kind};{props}]{escape_data(message)}"


def render(result: LintResult, rules: list[Rule], options: ReportOptions) -> str:
    del options
    titles = {rule.id: rule.title for rule in rules}
    lines = []
    for finding in result.findings:
        if finding.kind is not Kind.FINDING or finding.suppressed is not None:
            continue
        kind = "error" if finding.severity.value in ("high", "critical") else "warning"
        loc = finding.location
        variant = f" (variant: {finding.variant})" if finding.variant is not None else ""
        lines.append(_command(kind, {
            "sourcepath": loc.path, "linenumber": loc.line, "columnnumber": loc.column,
            "code": finding.rule_id,
        }, f"{finding.rule_id} {titles.get(finding.rule_id, '')}: {finding.message}{variant}"))
    for error in result.errors:
        lines.append(_command("error", {
            "sourcepath": error.path, "linenumber": error.line, "columnnumber": error.column,
            "code": "input-error",
        }, f"aksnetlint could not scan this file: {error.message}"))
    active = len(result.active)
    counts = ", ".join(f"{n} {s}" for s, n in summary.by_severity(result).items())
    lines.append(f"aksnetlint: {active} finding{'s' if active != 1 else ''}"
                 f"{f' ({counts})' if counts else ''} in {result.deployments} deployment"
                 f"{'s' if result.deployments != 1 else ''}"
                 f"{'; scan incomplete' if result.errors else ''}.")
    return "\n".join(lines) + "\n"
