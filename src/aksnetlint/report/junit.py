"""JUnit XML (Azure DevOps, GitLab, Jenkins read it): one test suite per deployment (and
parameter variant), one test case per rule that applies to it; a finding fails its rule's
case, a file that could not be scanned is an error case of the suite `aksnetlint`."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from aksnetlint.findings import Finding, Kind, LintResult
from aksnetlint.report import ReportOptions
from aksnetlint.rules import Rule

# characters XML 1.0 cannot carry, even escaped
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return _INVALID.sub("\ufffd", value)


def suite_name(root: str, variant: str | None) -> str:
    return f"{root} ({variant})" if variant is not None else root


def render(result: LintResult, rules: list[Rule], options: ReportOptions) -> str:
    del options
    by_id = {rule.id: rule for rule in rules}
    selected = [by_id[r] for r in result.rules if r in by_id]
    failures: dict[tuple[str | None, str | None, str], list[Finding]] = defaultdict(list)
    for finding in result.findings:
        if finding.kind is Kind.FINDING and finding.suppressed is None:
            failures[(finding.deployment, finding.variant, finding.rule_id)].append(finding)
    top = ET.Element("testsuites", name="aksnetlint")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    seen: set[tuple[str, str | None]] = set()
    for root, fmt, variant in result.deployed:
        if (root, variant) in seen:
            continue
        seen.add((root, variant))
        name = _text(suite_name(root, variant))
        suite = ET.SubElement(top, "testsuite", name=name)
        counts = {"tests": 0, "failures": 0}
        for rule in selected:
            if fmt not in rule.formats:
                continue
            counts["tests"] += 1
            case = ET.SubElement(suite, "testcase", classname=name,
                                 name=_text(f"{rule.id} {rule.name}"))
            found = failures.get((root, variant, rule.id), [])
            if found:
                counts["failures"] += 1
                case.set("file", _text(found[0].location.path))
                failure = ET.SubElement(
                    case, "failure", type=rule.id,
                    message=_text(f"{len(found)} finding{'s' if len(found) != 1 else ''}: "
                                  f"{rule.title}"))
                failure.text = _text("\n".join(
                    f"{f.location}: {f.rule_id} [{f.severity.value}] {f.message}"
                    for f in found))
        _counts(suite, counts["tests"], counts["failures"], 0)
        totals["tests"] += counts["tests"]
        totals["failures"] += counts["failures"]
    if result.errors:
        suite = ET.SubElement(top, "testsuite", name="aksnetlint")
        for error in result.errors:
            case = ET.SubElement(suite, "testcase", classname="aksnetlint",
                                 name=_text(f"scan {error.path}"), file=_text(error.path))
            element = ET.SubElement(case, "error", type="input-error",
                                    message=_text(error.message))
            element.text = _text(str(error))
        _counts(suite, len(result.errors), 0, len(result.errors))
        totals["tests"] += len(result.errors)
        totals["errors"] += len(result.errors)
    _counts(top, totals["tests"], totals["failures"], totals["errors"])
    ET.indent(top)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(top, encoding="unicode") \
        + "\n"


def _counts(element: ET.Element, tests: int, failures: int, errors: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", str(errors))
    element.set("skipped", "0")
