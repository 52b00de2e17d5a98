"""SARIF that GitHub code scanning files correctly (../shared/schemas/GITHUB-CODE-SCANNING.md):
URIs relative to the repository root whatever folder the scan ran from, percent-encoded;
`--show-unresolved` notes are notifications, never alerts; no two findings share a
fingerprint; the category reaches `automationDetails.id`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from aksnetlint.cli import main
from aksnetlint.repository import artifact_uri, display_path, repository_root
from conftest import FIXTURES

FIRING = FIXTURES / "AKS001" / "no_ranges.tf"
ONLY = ["--select", "AKS001"]


def validate(log: dict[str, Any], shared: Path) -> None:
    """The 2.1.0 schema, then what GitHub requires beyond it."""
    import jsonschema

    schema = json.loads((shared / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    assert log["version"] == "2.1.0" and log["$schema"]
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        assert driver["name"]
        ids = [rule["id"] for rule in driver["rules"]]
        assert len(ids) == len(set(ids))
        for rule in driver["rules"]:
            for key in ("shortDescription", "fullDescription", "help"):
                assert rule[key]["text"].strip(), (rule["id"], key)
            assert len(rule["shortDescription"]["text"]) <= 1024
            assert len(rule["fullDescription"]["text"]) <= 1024
            severity = rule["properties"].get("security-severity")
            if severity is not None:
                assert isinstance(severity, str) and 0.0 < float(severity) <= 10.0
        fingerprints = []
        for result in run["results"]:
            assert result["ruleId"] in ids
            assert ids[result["ruleIndex"]] == result["ruleId"]
            assert result["message"]["text"].strip()
            assert result["locations"], "code scanning shows a result only with a location"
            for location in result["locations"] + result.get("relatedLocations", []):
                physical = location["physicalLocation"]
                uri = physical["artifactLocation"]["uri"]
                assert uri and not uri.startswith(("/", "file:", "..")), uri
                assert " " not in uri and "#" not in uri, uri
                region = physical["region"]
                assert region["startLine"] >= 1 and region["startColumn"] >= 1
            fingerprints.append(result["partialFingerprints"]["primaryLocationLineHash"])
        assert len(fingerprints) == len(set(fingerprints)), "two results share a fingerprint"


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)  # a git top level, as far as the scan can tell
    module = repo / "infra" / "a b#c&d"
    module.mkdir(parents=True)
    shutil.copy2(FIRING, module / "main.tf")
    return repo


def _sarif(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["scan", *ONLY, "--format", "sarif", *args]) == 1
    log: dict[str, Any] = json.loads(capsys.readouterr().out)
    return log


def _uris(log: dict[str, Any]) -> list[str]:
    return [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]]


def test_uri_encoding() -> None:
    assert artifact_uri("a b#c.tf") == "a%20b%23c.tf"
    assert artifact_uri("infra/x%y?.tf") == "infra/x%25y%3F.tf"
    assert artifact_uri("é/main.tf") == "%C3%A9/main.tf"
    assert artifact_uri("plain/main.tf") == "plain/main.tf"


@pytest.mark.parametrize("where", ["repo", "subfolder", "module", "outside"])
def test_sarif_uris_are_repository_relative_wherever_the_scan_runs(
        where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, shared_dir: Path) -> None:
    repo = _repo(tmp_path)
    cwd, target = {
        "repo": (repo, "infra"),
        "subfolder": (repo / "infra", "."),
        "module": (repo / "infra" / "a b#c&d", "main.tf"),
        "outside": (tmp_path, "repo/infra"),
    }[where]
    monkeypatch.chdir(cwd)
    log = _sarif([target], capsys)
    validate(log, shared_dir)
    assert _uris(log) == ["infra/a%20b%23c%26d/main.tf"]
    assert str(tmp_path) not in json.dumps(log)
    # `--format github`: the same path (not percent-encoded; `,` and `:` escaped)
    assert main(["scan", *ONLY, "--format", "github", target]) == 1
    [line] = capsys.readouterr().out.splitlines()
    assert "file=infra/a b#c&d/main.tf," in line
    # the text report shows the path as typed from the current folder
    assert main(["scan", *ONLY, target]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    shown = display_path("infra/a b#c&d/main.tf", repo)
    assert first.startswith(f"{shown}:1:1: AKS001"), first
    assert (cwd / shown).is_file()


def test_root_option_and_configuration_without_git(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    (project / "infra").mkdir(parents=True)
    shutil.copy2(FIRING, project / "infra" / "main.tf")
    assert repository_root(project) is None
    monkeypatch.chdir(project / "infra")
    assert _uris(_sarif(["."], capsys)) == ["main.tf"]  # no repository: the current folder
    assert _uris(_sarif([".", "--root", str(project)], capsys)) == ["infra/main.tf"]
    (project / ".aksnetlint.yaml").write_text("root: .\n")
    assert _uris(_sarif(["."], capsys)) == ["infra/main.tf"]
    (project / ".aksnetlint.yaml").write_text("root: nowhere\n")
    assert main(["scan", "."]) == 2
    assert "'root'" in capsys.readouterr().err


def test_errors_are_shown_from_the_current_folder(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _repo(tmp_path)
    (repo / "infra" / "bad").mkdir()
    (repo / "infra" / "bad" / "main.tf").write_text('resource "x" "y" {\n  a = \n}\n')
    monkeypatch.chdir(repo / "infra")
    assert main(["scan", *ONLY, "bad", "--format", "sarif"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("bad/main.tf:"), captured.err
    log = json.loads(captured.out)
    [note] = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "infra/bad/main.tf"


def test_unresolved_notes_are_notifications_not_alerts(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str],
                                                       shared_dir: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    shutil.copy2(FIXTURES / "AKS001" / "variable_no_default.tf", folder / "main.tf")
    assert main(["scan", *ONLY, str(folder), "--format", "sarif", "--show-unresolved"]) == 0
    log = json.loads(capsys.readouterr().out)
    validate(log, shared_dir)
    run = log["runs"][0]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is True
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "note"
    assert note["descriptor"]["id"] == "unresolved"
    assert note["associatedRule"]["id"] == "AKS001"
    assert "could not be decided" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def _nested_clusters_template() -> dict[str, Any]:
    """One subscription template deploying a cluster named 'aks' into two resource groups:
    two findings with the same rule, file, object name and message."""
    def nested(group: str) -> dict[str, Any]:
        return {
            "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
            "name": f"d-{group}", "resourceGroup": group,
            "properties": {"mode": "Incremental", "template": {
                "$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                           "deploymentTemplate.json#",
                "contentVersion": "1.0.0.0",
                "resources": [{"type": "Microsoft.ContainerService/managedClusters",
                               "apiVersion": "2024-02-01", "name": "aks",
                               "location": "westeurope",
                               "properties": {"dnsPrefix": "x"}}]}}}
    return {"$schema": "https://schema.management.azure.com/schemas/2018-05-01/"
                       "subscriptionDeploymentTemplate.json#",
            "contentVersion": "1.0.0.0", "resources": [nested("rg-a"), nested("rg-b")]}


def test_two_clusters_of_one_name_in_one_file_have_distinct_fingerprints(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], shared_dir: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    text = json.dumps(_nested_clusters_template(), indent=2)
    (folder / "azuredeploy.json").write_text(text)
    log = _sarif([str(folder)], capsys)
    validate(log, shared_dir)
    results = log["runs"][0]["results"]
    assert len(results) == 2
    first = [r["partialFingerprints"]["primaryLocationLineHash"] for r in results]
    # stable across unrelated edits: the same two fingerprints after lines move
    (folder / "azuredeploy.json").write_text(text.replace("{\n", "{\n\n", 1))
    moved = log = _sarif([str(folder)], capsys)
    assert [r["partialFingerprints"]["primaryLocationLineHash"]
            for r in moved["runs"][0]["results"]] == first
    # and the baseline records both: fixing one does not hide the other
    baseline = tmp_path / "baseline.json"
    assert main(["scan", *ONLY, str(folder), "--write-baseline", str(baseline)]) == 0
    assert len(json.loads(baseline.read_text())["findings"]) == 2
    capsys.readouterr()


def test_category_sets_automation_details(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          shared_dir: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    shutil.copy2(FIRING, folder / "main.tf")
    log = _sarif([str(folder), "--sarif-category", "aksnetlint-infra"], capsys)
    validate(log, shared_dir)
    assert log["runs"][0]["automationDetails"] == {"id": "aksnetlint-infra/"}
    log = _sarif([str(folder), "--sarif-category", "infra/prod/"], capsys)
    assert log["runs"][0]["automationDetails"] == {"id": "infra/prod/"}
    assert "automationDetails" not in _sarif([str(folder)], capsys)["runs"][0]
