"""SARIF 2.1.0 for GitHub code scanning, built with sarif-om and serialised with
jschema-to-python (its documented companion)."""

from __future__ import annotations

from typing import Any

from aksnetlint import __version__
from aksnetlint.findings import FINGERPRINT_VERSION, Finding, Kind, LintResult
from aksnetlint.report import ReportOptions
from aksnetlint.repository import artifact_uri
from aksnetlint.rules import Rule
from aksnetlint.values import Location

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/aksnetlint/aksnetlint"
SRCROOT = "%SRCROOT%"


def _region(loc: Location) -> Any:
    import sarif_om as om

    region = om.Region(start_line=loc.line, start_column=loc.column)
    if loc.end_line is not None:
        region.end_line = loc.end_line
        region.end_column = loc.end_column if loc.end_column is not None else loc.column + 1
    return region


def _location(loc: Location, message: str | None = None, id_: int | None = None) -> Any:
    import sarif_om as om

    location = om.Location(physical_location=om.PhysicalLocation(
        artifact_location=om.ArtifactLocation(uri=artifact_uri(loc.path), uri_base_id=SRCROOT),
        region=_region(loc)))
    if message:
        location.message = om.Message(text=message)
    if id_ is not None:
        location.id = id_
    return location


def _rule(rule: Rule) -> Any:
    import sarif_om as om

    markdown = rule.description + "\n## Remediation\n" + "\n".join(
        f"**{fmt}**\n```\n{text.rstrip()}\n```\n" for fmt, text in rule.remediation.items()
    ) + "\n## References\n" + "\n".join(f"- {ref}" for ref in rule.references)
    first_paragraph = rule.description.split("## Why is this bad?")[0]
    full = " ".join(line.strip() for line in first_paragraph.splitlines()
                    if line.strip() and not line.startswith("#"))
    return om.ReportingDescriptor(
        id=rule.id,
        name=rule.name,
        short_description=om.MultiformatMessageString(text=rule.title[:1024]),
        full_description=om.MultiformatMessageString(text=(full or rule.title)[:1024]),
        help_uri=rule.help_uri,
        help=om.MultiformatMessageString(text=f"{rule.title}. See {rule.help_uri}",
                                         markdown=markdown),
        default_configuration=om.ReportingConfiguration(level=rule.severity.sarif_level),
        properties={
            "tags": ["security", "aks", "networking", rule.category],
            "security-severity": rule.severity.security_severity,
            "precision": "high",
            "problem.severity": {"error": "error", "warning": "warning"}.get(
                rule.severity.sarif_level, "recommendation"),
        },
    )


def _result(finding: Finding, index: dict[str, int]) -> Any:
    import sarif_om as om

    result = om.Result(
        rule_id=finding.rule_id,
        rule_index=index.get(finding.rule_id, -1),
        level=finding.severity.sarif_level,
        kind="fail",
        message=om.Message(text=finding.message),
        locations=[_location(finding.location)],
        partial_fingerprints={"primaryLocationLineHash": finding.fingerprint,
                              f"aksnetlint/v{FINGERPRINT_VERSION}": finding.fingerprint},
    )
    if finding.related:
        result.related_locations = [_location(r.location, r.message, i + 1)
                                    for i, r in enumerate(finding.related)]
    properties = dict(finding.properties)
    if finding.variant is not None:
        properties["variant"] = finding.variant
    if properties:
        result.properties = properties
    if finding.suppressed is not None:
        result.suppressions = [om.Suppression(kind="inSource",
                                              justification=finding.suppressed or "")]
    return result


def _automation_id(category: str) -> str:
    return category if category.endswith("/") else category + "/"


def render(result: LintResult, rules: list[Rule], options: ReportOptions) -> str:
    import sarif_om as om
    from jschema_to_python.to_json import to_json

    findings = [f for f in result.findings if f.kind is Kind.FINDING]
    fired = sorted({f.rule_id for f in findings})
    described = [r for r in rules if r.id in fired] or []
    index = {rule.id: i for i, rule in enumerate(described)}
    notifications = [
        om.Notification(
            level="error",
            message=om.Message(text=error.message),
            locations=[_location(Location(error.path, error.line or 1, error.column or 1))],
            descriptor=om.ReportingDescriptorReference(id="input-error"),
        )
        for error in result.errors
    ]
    # `--show-unresolved` notes say a rule could not decide: no alert, a notification
    notifications += [
        om.Notification(
            level="note",
            message=om.Message(text=note.message),
            locations=[_location(note.location)],
            descriptor=om.ReportingDescriptorReference(id="unresolved"),
            associated_rule=om.ReportingDescriptorReference(id=note.rule_id),
            properties={"variant": note.variant} if note.variant is not None else None,
        )
        for note in result.findings if note.kind is Kind.UNRESOLVED
    ]
    notifications += [
        om.Notification(
            level="warning",
            message=om.Message(text=warning.message),
            locations=[_location(warning.location)],
            descriptor=om.ReportingDescriptorReference(id="suppression"),
        )
        for warning in [*result.invalid_suppressions, *result.unused_suppressions]
    ]
    run = om.Run(
        tool=om.Tool(driver=om.ToolComponent(
            name="aksnetlint", version=__version__, semantic_version=__version__,
            information_uri=INFORMATION_URI, rules=[_rule(r) for r in described])),
        results=[_result(f, index) for f in findings],
        invocations=[om.Invocation(execution_successful=not result.errors,
                                   tool_execution_notifications=notifications or None)],
        # `category/`: code scanning keeps one analysis per category (several uploads for
        # one commit need distinct ones); without one, upload-sarif fills it in
        automation_details=om.RunAutomationDetails(id=_automation_id(options.category))
        if options.category else None,
        # no absolute path of this machine in the log: the consumer (GitHub: the checkout)
        # decides where %SRCROOT% is; SARIF allows a base id without a uri (3.14.14)
        original_uri_base_ids={SRCROOT: {"description": {
            "text": "The folder aksnetlint was run from (the repository root)."}}},
        column_kind="unicodeCodePoints",
    )
    log = om.SarifLog(version="2.1.0", schema_uri=SCHEMA_URI, runs=[run])
    return str(to_json(log)) + "\n"

