"""Formats CI systems read: Markdown (job summary, pull-request comment), JUnit XML, Azure
Pipelines logging commands, GitLab code quality; several reports from one run; --quiet."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from aksnetlint.baseline import Entry, Outcome
from aksnetlint.cli import _ci_link_template, main
from aksnetlint.findings import FileError, Finding, Kind, LintResult, Severity
from aksnetlint.lint import Options, lint
from aksnetlint.report import ReportOptions, reporter
from aksnetlint.report.azure import escape_data, escape_property
from aksnetlint.report.markdown import MAX_CHARS, cell, link_target
from aksnetlint.rules import load_rules
from aksnetlint.values import Location
from conftest import FIXTURES, REPO

HOSTILE = "a|b <script>x</script> [link](javascript:alert(1)) *bold* `code`\n## heading %0A;]"


@pytest.fixture(scope="module")
def examples() -> tuple[LintResult, list]:  # type: ignore[type-arg]
    """The example estate: every format and rule family, several deployments and variants."""
    rules = load_rules()
    return lint([REPO / "examples"], Options(root=REPO), rules), rules


def _render(fmt: str, result: LintResult, rules: list, **options: object) -> str:  # type: ignore[type-arg]
    return reporter(fmt)(result, rules, ReportOptions(root=result.root, **options))  # type: ignore[arg-type]


def _finding(rule: str = "AKS001", message: str = "open", path: str = "infra/main.tf",
             line: int = 3, severity: Severity = Severity.HIGH, **kw: object) -> Finding:
    return Finding(rule, severity, message, Location(path, line, 5), f"k{line}",
                   **kw)  # type: ignore[arg-type]


# -- markdown ------------------------------------------------------------------------------

def _rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines()
            if line.startswith("| ") and not line.startswith(("| Rule |", "| Where |"))]


def test_markdown_lists_every_finding_with_a_link_grouped_by_severity(examples) -> None:  # type: ignore[no-untyped-def]
    result, rules = examples
    assert len(result.active) >= 10
    text = _render("markdown", result, rules)
    rows = _rows(text)
    assert len(rows) == len(result.active)
    for finding in result.active:
        loc = finding.location
        link = f"]({link_target(loc.path, loc.line, None)})"
        matching = [r for r in rows if link in r and f"[{finding.rule_id}](" in r
                    and cell(finding.message) in r]
        assert matching, (finding.rule_id, loc)
    # one section per severity present, most severe first, each counting its rows
    sections = re.findall(r"^### (\w+) \((\d+)\)$", text, re.M)
    order = ["Critical", "High", "Medium", "Low", "Info"]
    assert [s for s, _ in sections] == sorted((s for s, _ in sections), key=order.index)
    counts = {s.lower(): int(n) for s, n in sections}
    for severity, count in counts.items():
        assert count == sum(1 for f in result.active if f.severity.value == severity)
    assert text.startswith("## aksnetlint\n\n**")
    assert f"**{len(result.active)} findings**" in text


def test_markdown_escapes_what_the_scanned_files_say() -> None:
    result = LintResult(root="/r", findings=[
        _finding(message=HOSTILE, path="infra/a b(1).tf", variant="pr|od")],
        deployments=1, files_scanned=1)
    text = _render("markdown", result, load_rules())
    [row] = _rows(text)
    assert "<script>" not in text and "&lt;script&gt;" in row
    assert "\\[link\\](javascript:" in row  # brackets escaped: no link
    assert re.search(r"(?<!\\)\[link(?<!\\)\]", row) is None
    assert "\\|" in row and "\\*bold\\*" in row and "\\`code\\`" in row
    assert "<br>\\#\\# heading" in row
    # the cells of the row: exactly three (escaped pipes do not split it)
    assert len(re.split(r"(?<!\\)\|", row.strip("|"))) == 3
    assert "(infra/a%20b%281%29.tf#L3)" in row
    assert "*(variant: pr\\|od)*" in row


def test_markdown_links_follow_the_ci_system(monkeypatch: pytest.MonkeyPatch) -> None:
    github = {"GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": "https://github.com",
              "GITHUB_REPOSITORY": "o/r", "GITHUB_SHA": "abc123"}
    template = _ci_link_template(github)
    assert template == "https://github.com/o/r/blob/abc123/{path}#L{line}"
    assert link_target("infra/a b.tf", 7, template) == \
        "https://github.com/o/r/blob/abc123/infra/a%20b.tf#L7"
    gitlab = {"GITLAB_CI": "true", "CI_PROJECT_URL": "https://gitlab.example/g/p",
              "CI_COMMIT_SHA": "def"}
    assert _ci_link_template(gitlab) == "https://gitlab.example/g/p/-/blob/def/{path}#L{line}"
    azure = {"TF_BUILD": "True", "BUILD_REPOSITORY_PROVIDER": "TfsGit",
             "BUILD_REPOSITORY_URI": "https://dev.azure.com/o/p/_git/r",
             "BUILD_SOURCEVERSION": "fed"}
    assert _ci_link_template(azure).startswith(  # type: ignore[union-attr]
        "https://dev.azure.com/o/p/_git/r?path=/{path}&version=GCfed&line={line}")
    assert _ci_link_template({}) is None


def test_markdown_stays_within_a_pull_request_comment() -> None:
    findings = [_finding(message="x" * 300, line=i) for i in range(1, 2001)]
    result = LintResult(root="/r", findings=findings, deployments=1, files_scanned=1)
    text = _render("markdown", result, load_rules())
    assert len(text) < 65_536 and len(text) <= MAX_CHARS + 500
    shown = len(_rows(text))
    assert 0 < shown < 2000
    assert f"… and {2000 - shown} more findings not listed here" in text


def test_markdown_reports_errors_baseline_and_clean_scans() -> None:
    clean = LintResult(root="/r", deployments=2, files_scanned=3)
    assert "**No findings** in 2 deployments (3 files)." in _render("markdown", clean, [])
    broken = LintResult(root="/r", errors=[FileError("a|b.tf", "bad <x>", 3, 1)],
                        deployments=1, files_scanned=1)
    broken.baseline = Outcome("b.json", absorbed=4, stale=[Entry("f", "AKS001", "x.tf", "m")])
    text = _render("markdown", broken, [])
    assert "> [!WARNING]" in text and "the scan is incomplete" in text
    assert "| a\\|b.tf:3 | bad &lt;x&gt; |" in text
    assert "4 in the baseline" in text and "Stale baseline entries (1)" in text


# -- junit ---------------------------------------------------------------------------------

def test_junit_one_case_per_rule_and_deployment(examples) -> None:  # type: ignore[no-untyped-def]
    result, rules = examples
    tree = ET.fromstring(_render("junit", result, rules))
    assert tree.tag == "testsuites"
    suites = tree.findall("testsuite")
    deployments = {(root, variant): fmt for root, fmt, variant in result.deployed}
    assert len(suites) == len(deployments)
    by_id = {r.id: r for r in rules}
    failures = 0
    for suite in suites:
        cases = suite.findall("testcase")
        names = [c.get("name", "").split()[0] for c in cases]
        assert len(names) == len(set(names))  # one case per rule
        fmt = next(f for (root, variant), f in deployments.items()
                   if suite.get("name") == (f"{root} ({variant})" if variant else root))
        assert set(names) == {r for r in result.rules if fmt in by_id[r].formats}
        assert int(suite.get("tests", -1)) == len(cases)
        failed = [c for c in cases if c.find("failure") is not None]
        assert int(suite.get("failures", -1)) == len(failed)
        failures += len(failed)
        for case in failed:
            failure = case.find("failure")
            assert failure is not None and failure.get("type") == case.get("name", "").split()[0]
            assert failure.text and ": " + failure.get("type", "") in failure.text
    assert int(tree.get("failures", -1)) == failures
    assert failures == len({(f.deployment, f.variant, f.rule_id) for f in result.active})
    assert int(tree.get("tests", -1)) == sum(int(s.get("tests", 0)) for s in suites)


def test_junit_survives_control_characters_and_reports_errors() -> None:
    result = LintResult(root="/r", findings=[
        _finding(message="bad\x00\x1b[31m value & <tag>", deployment="infra")],
        errors=[FileError("x\x07.tf", "cannot parse \x01")], deployments=1,
        rules=("AKS001",), deployed=[("infra", "terraform", None)])
    tree = ET.fromstring(_render("junit", result, load_rules()))  # parses: valid XML
    [suite, errors] = tree.findall("testsuite")
    [case] = suite.findall("testcase")
    failure = case.find("failure")
    assert failure is not None and "& <tag>" in (failure.text or "")
    assert errors.get("name") == "aksnetlint" and errors.get("errors") == "1"
    assert tree.get("errors") == "1" and tree.get("failures") == "1"


# -- azure pipelines -----------------------------------------------------------------------

def _unescape_azure(text: str) -> str:
    for token, char in (("%0D", "\r"), ("%0A", "\n"), ("%5D", "]"), ("%3B", ";"),
                        ("%AZP25", "%")):
        text = text.replace(token, char)
    return text


def test_azure_logging_commands_are_escaped() -> None:
    path = "infra/x;y]z%.tf"
    message = "m]\n##vso[task.setvariable variable=pwned]1;%"
    result = LintResult(root="/r", findings=[
        _finding(message=message, path=path),
        _finding(rule="AKS202", severity=Severity.MEDIUM, line=9),
        _finding(rule="AKS003", line=11, suppressed="accepted")],
        errors=[FileError("bad.tf", "no\nway", 2, 3)], deployments=1)
    lines = _render("azure", result, load_rules()).splitlines()
    commands = [line for line in lines if line.startswith("##vso[")]
    assert len(commands) == 3  # two findings (not the suppressed one) and the error
    first = commands[0]
    assert first.startswith("##vso[task.logissue type=error;sourcepath=")
    header, _, data = first.partition("]")
    props = dict(p.split("=", 1) for p in header[len("##vso[task.logissue "):].split(";") if p)
    assert _unescape_azure(props["sourcepath"]) == path
    assert (props["linenumber"], props["columnnumber"], props["code"]) == ("3", "5", "AKS001")
    assert _unescape_azure(data).endswith(message)
    # the message stays data of this one line (the agent reads a command from a line's start)
    assert first.count("##vso[") == 2 and not first[1:].startswith("##vso[")
    assert len(lines) == 4
    assert commands[1].startswith("##vso[task.logissue type=warning;")
    assert commands[2].startswith("##vso[task.logissue type=error;sourcepath=bad.tf;"
                                  "linenumber=2;columnnumber=3;code=input-error;]")
    assert lines[-1].startswith("aksnetlint: 2 findings")
    assert escape_property("a;b]c%\r\n") == "a%3Bb%5Dc%AZP25%0D%0A"
    assert escape_data("a;b]c%") == "a;b]c%AZP25"


# -- gitlab --------------------------------------------------------------------------------

def test_gitlab_code_quality(examples) -> None:  # type: ignore[no-untyped-def]
    result, rules = examples
    issues = json.loads(_render("gitlab", result, rules))
    assert len(issues) == len(result.active)
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= \
            set(issue)
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["path"] and issue["location"]["lines"]["begin"] >= 1
        assert not issue["location"]["path"].startswith(("/", ".."))
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert {i["check_name"] for i in issues} == {f.rule_id for f in result.active}


# -- several reports in one run; --quiet ---------------------------------------------------

def test_several_outputs_in_one_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    shutil.copy2(FIXTURES / "AKS001" / "no_ranges.tf", folder / "main.tf")
    out = tmp_path / "out"
    out.mkdir()
    code = main(["scan", "--select", "AKS001", str(folder), "--format", "sarif", "-o",
                 str(out / "a.sarif"), "--output-format", f"markdown={out / 'summary.md'}",
                 "--output-format", f"junit={out / 'junit.xml'}", "--output-format",
                 f"gitlab={out / 'gl.json'}"])
    assert code == 1
    assert capsys.readouterr().out == ""
    assert json.loads((out / "a.sarif").read_text())["runs"][0]["results"]
    assert "| [AKS001](" in (out / "summary.md").read_text()
    assert ET.parse(out / "junit.xml").getroot().get("failures") == "1"
    assert json.loads((out / "gl.json").read_text())[0]["check_name"] == "AKS001"
    # the main report can stay on standard output beside the files
    assert main(["scan", "--select", "AKS001", str(folder), "--output-format",
                 f"azure={out / 'azure.txt'}"]) == 1
    assert "AKS001 [high]" in capsys.readouterr().out
    assert (out / "azure.txt").read_text().startswith("##vso[task.logissue")
    for bad in ("markdown", "pdf=x.pdf", "junit="):
        assert main(["scan", str(folder), "--output-format", bad]) == 2
        assert "FORMAT=FILE" in capsys.readouterr().err


def test_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    shutil.copy2(FIXTURES / "AKS001" / "no_ranges.tf", folder / "main.tf")
    assert main(["scan", "--select", "AKS001", str(folder), "-q"]) == 1
    captured = capsys.readouterr()
    assert "AKS001 [high]" in captured.out and "Found" not in captured.out
    (folder / "main.tf").write_text(FIXTURES.joinpath("AKS001", "ranges_set_v4.tf").read_text())
    assert main(["scan", "--select", "AKS001", str(folder), "--quiet"]) == 0
    assert capsys.readouterr().out == ""


def test_unresolved_notes_are_not_ci_issues(tmp_path: Path) -> None:
    result = LintResult(root="/r", findings=[
        Finding("AKS001", Severity.HIGH, "could not be decided", Location("a.tf", 1),
                "k", kind=Kind.UNRESOLVED)], deployments=1)
    rules = load_rules()
    assert json.loads(_render("gitlab", result, rules)) == []
    assert not [line for line in _render("azure", result, rules).splitlines()
                if line.startswith("##vso")]
    assert _rows(_render("markdown", result, rules)) == []
