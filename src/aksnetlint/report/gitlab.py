"""GitLab code quality report (`artifacts: reports: codequality`): a JSON array of issues
with description, check name, fingerprint, severity and location; GitLab shows them in the
merge request widget and the diff."""

from __future__ import annotations

import json

from aksnetlint.findings import Kind, LintResult
from aksnetlint.report import ReportOptions
from aksnetlint.rules import Rule

SEVERITY = {"info": "info", "low": "minor", "medium": "major", "high": "critical",
            "critical": "blocker"}


def render(result: LintResult, rules: list[Rule], options: ReportOptions) -> str:
    del options
    titles = {rule.id: rule.title for rule in rules}
    issues: list[dict[str, object]] = []
    for finding in result.findings:
        if finding.kind is not Kind.FINDING or finding.suppressed is not None:
            continue
        loc = finding.location
        variant = f" (variant: {finding.variant})" if finding.variant is not None else ""
        issues.append({
            "type": "issue",
            "engine_name": "aksnetlint",
            "check_name": finding.rule_id,
            "description": f"{finding.rule_id} {titles.get(finding.rule_id, '')}: "
                           f"{finding.message}{variant}",
            "categories": ["Security"],
            "fingerprint": finding.fingerprint,
            "severity": SEVERITY[finding.severity.value],
            "location": {"path": loc.path,
                         "lines": {"begin": loc.line, "end": loc.end_line or loc.line}},
        })
    for error in result.errors:
        issues.append({
            "type": "issue", "engine_name": "aksnetlint", "check_name": "input-error",
            "description": f"aksnetlint could not scan this file: {error.message}",
            "categories": ["Bug Risk"],
            "fingerprint": _error_fingerprint(error.path, error.message),
            "severity": "blocker",
            "location": {"path": error.path, "lines": {"begin": error.line or 1}},
        })
    return json.dumps(issues, indent=2) + "\n"


def _error_fingerprint(path: str, message: str) -> str:
    import hashlib

    return hashlib.sha256(f"input-error\x1f{path}\x1f{message}".encode()).hexdigest()[:32]
