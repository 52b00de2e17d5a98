"""Machine-readable report; the shape is documented in README.md and kept stable
(`schema_version` changes on any incompatible change)."""

from __future__ import annotations

import json

from aksnetlint import __version__
from aksnetlint.findings import Finding, LintResult
from aksnetlint.report import ReportOptions, summary
from aksnetlint.rules import Rule
from aksnetlint.values import Location

SCHEMA_VERSION = 1


def _location(loc: Location) -> dict[str, object]:
    return {"path": loc.path, "line": loc.line, "column": loc.column,
            "end_line": loc.end_line, "end_column": loc.end_column}


def finding_dict(finding: Finding) -> dict[str, object]:
    return {
        "rule": finding.rule_id,
        "severity": finding.severity.value,
        "kind": finding.kind.value,
        "message": finding.message,
        **_location(finding.location),
        "related": [{**_location(r.location), "message": r.message} for r in finding.related],
        "properties": dict(finding.properties),
        "fingerprint": finding.fingerprint,
        "suppressed": finding.suppressed,
        "variant": finding.variant,
    }


def render(result: LintResult, rules: list[Rule], options: ReportOptions) -> str:
    del rules, options
    outcome = result.baseline
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "aksnetlint", "version": __version__},
        "summary": {
            "findings": len(result.active),
            "suppressed": sum(1 for f in result.findings if f.suppressed is not None),
            "unresolved_notes": sum(1 for f in result.findings if f.kind.value == "unresolved"),
            "deployments": result.deployments,
            "files": result.files_scanned,
            "errors": len(result.errors),
            "complete": not result.errors,
            "baseline": None if outcome is None else {
                "absorbed": outcome.absorbed, "stale": len(outcome.stale)},
            "variants": [{"variant": label, "findings": count}
                         for label, count in summary.by_variant(result)],
        },
        "findings": [finding_dict(f) for f in result.findings],
        "errors": [{"path": e.path, "line": e.line, "column": e.column, "message": e.message}
                   for e in result.errors],
        # suppressions that name no or an unknown rule, lack a required reason, or are unused
        "suppression_warnings": [
            {**_location(w.location), "message": w.message}
            for w in [*result.invalid_suppressions, *result.unused_suppressions]],
        "baseline": None if outcome is None else {
            "file": outcome.source, "absorbed": outcome.absorbed,
            "stale": [entry.to_json() for entry in outcome.stale]},
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"
