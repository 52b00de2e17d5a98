"""Report formats: SARIF validates against the 2.1.0 schema and carries what GitHub reads;
JSON has its documented shape; text shows location, excerpt and related lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aksnetlint.lint import Options, lint
from aksnetlint.report import ReportOptions, reporter
from aksnetlint.rules import load_rules
from conftest import FIXTURES, isolate


def _scan(case: Path, tmp_path: Path, **options: object):  # type: ignore[no-untyped-def]
    folder = isolate(case, tmp_path)
    rules = load_rules()
    options.setdefault("select", ("AKS001", "AKS101"))
    return lint([folder], Options(root=folder, **options), rules), rules  # type: ignore[arg-type]


def _sarif(result, rules) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(reporter("sarif")(result, rules, ReportOptions(root=result.root)))


def validate_sarif(log: dict, shared: Path) -> None:  # type: ignore[type-arg]
    import jsonschema

    schema = json.loads((shared / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)


def test_sarif_valid_with_related_locations(tmp_path: Path, shared_dir: Path) -> None:
    result, rules = _scan(FIXTURES / "AKS101" / "hub_peering_custom_dns", tmp_path)
    log = _sarif(result, rules)
    validate_sarif(log, shared_dir)
    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    driver = run["tool"]["driver"]
    assert driver["name"] == "aksnetlint"
    rule = next(r for r in driver["rules"] if r["id"] == "AKS101")
    assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
    assert rule["helpUri"].startswith("https://learn.microsoft.com/")
    assert "## Why is this bad?" in rule["help"]["markdown"]
    assert rule["properties"]["security-severity"] == "8.0"
    assert "security" in rule["properties"]["tags"]
    [res] = [r for r in run["results"] if r["ruleId"] == "AKS101"]
    assert res["level"] == "error"
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "spoke.tf", "uriBaseId": "%SRCROOT%"}
    assert loc["region"]["startLine"] == 29
    assert res["partialFingerprints"]["primaryLocationLineHash"]
    related = {(r["physicalLocation"]["artifactLocation"]["uri"],
                r["physicalLocation"]["region"]["startLine"]) for r in res["relatedLocations"]}
    assert ("hub.tf", 7) in related  # the custom DNS servers of the hub
    assert ("spoke.tf", 14) in related  # the attribute that takes the variable
    assert run["invocations"][0]["executionSuccessful"] is True
    assert "automationDetails" not in run  # no category given: upload-sarif fills it in
    assert "%SRCROOT%" in run["originalUriBaseIds"]
    assert str(tmp_path) not in json.dumps(log), "absolute paths must not leak into SARIF"


def test_sarif_reports_input_errors(tmp_path: Path, shared_dir: Path) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "main.tf").write_text('resource "x" "y" {\n  a = \n}\n')
    result = lint([tmp_path / "bad"], Options(root=tmp_path, select=("AKS001",)))
    log = _sarif(result, load_rules())
    validate_sarif(log, shared_dir)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad/main.tf"


def test_sarif_clean_scan_is_valid(tmp_path: Path, shared_dir: Path) -> None:
    result, rules = _scan(FIXTURES / "AKS001" / "ranges_set_v4.tf", tmp_path)
    log = _sarif(result, rules)
    validate_sarif(log, shared_dir)
    assert log["runs"][0]["results"] == []


def test_json_shape(tmp_path: Path) -> None:
    result, rules = _scan(FIXTURES / "AKS001" / "tfvars_empty", tmp_path)
    data = json.loads(reporter("json")(result, rules, ReportOptions(root=result.root)))
    assert data["schema_version"] == 1
    assert data["tool"]["name"] == "aksnetlint"
    assert data["summary"] == {"findings": 1, "suppressed": 0, "unresolved_notes": 0,
                               "deployments": 1, "files": 2, "errors": 0, "complete": True,
                               "baseline": None, "variants": []}
    assert data["baseline"] is None
    [finding] = data["findings"]
    assert set(finding) == {"rule", "severity", "kind", "message", "path", "line", "column",
                            "end_line", "end_column", "related", "properties", "fingerprint",
                            "suppressed", "variant"}
    assert finding["variant"] is None
    assert (finding["rule"], finding["path"], finding["line"]) == ("AKS001",
                                                                  "terraform.tfvars", 2)
    assert finding["related"][0]["path"] == "main.tf"
    assert finding["related"][0]["line"] == 13
    assert data["errors"] == []


def test_text_report_has_excerpt_and_no_colour_by_default(tmp_path: Path) -> None:
    result, rules = _scan(FIXTURES / "AKS001" / "empty_ranges_v3.tf", tmp_path)
    text = reporter("text")(result, rules, ReportOptions(root=result.root))
    assert "empty_ranges_v3.tf:6:3: AKS001 [high]" in text
    assert "    6 |   api_server_authorized_ip_ranges = []" in text
    assert "\033[" not in text
    assert text.rstrip().endswith("in 1 deployment (1 file).")


def test_unresolved_notes_only_when_asked(tmp_path: Path) -> None:
    case = FIXTURES / "AKS001" / "variable_no_default.tf"
    quiet, _ = _scan(case, tmp_path / "a")
    assert quiet.findings == []
    loud, _ = _scan(case, tmp_path / "b", show_unresolved=True)
    [note] = loud.findings
    assert note.kind.value == "unresolved"
    assert "no default" in note.message
    assert loud.active == []


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_reports_are_deterministic(fmt: str, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    case = FIXTURES / "AKS101" / "hub_peering_custom_dns"
    first, rules = _scan(case, tmp_path / "a")
    second, _ = _scan(case, tmp_path / "b")
    render = reporter(fmt)
    # each copy is rendered from its own scan root, as a user runs it: the text report shows
    # paths relative to the working folder, which would otherwise differ between the copies
    # whenever the checkout and the temporary folder share a parent (a clone under /tmp)
    monkeypatch.chdir(first.root)
    one = render(first, rules, ReportOptions(root=first.root))
    monkeypatch.chdir(second.root)
    two = render(second, rules, ReportOptions(root=second.root))
    assert one.replace(str(tmp_path / "a"), "") == two.replace(str(tmp_path / "b"), "")
