"""Suppressions that say what they do: an `aksnetlint:ignore` naming no rule or an unknown
rule is reported (and suppresses nothing for that rule); the configuration can require a
reason, and a suppression without one then suppresses nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aksnetlint.cli import main
from aksnetlint.lint import Options, lint
from aksnetlint.suppress import inline_suppressions
from conftest import FIXTURES

FIRING = (FIXTURES / "AKS001" / "no_ranges.tf").read_text()
HEAD = 'resource "azurerm_kubernetes_cluster" "aks" { # expect: AKS001'


def _module(tmp_path: Path, directive: str) -> Path:
    folder = tmp_path / "m"
    folder.mkdir(exist_ok=True)
    (folder / "main.tf").write_text(FIRING.replace(
        HEAD, f"{directive}\nresource \"azurerm_kubernetes_cluster\" \"aks\" {{"))
    return folder


@pytest.mark.parametrize(("directive", "active", "warning"), [
    ("# aksnetlint:ignore AKS001 sandbox", 0, None),
    ("# aksnetlint:ignore", 1, "suppression names no rule"),
    ("# aksnetlint:ignore sandbox cluster, torn down nightly", 1, "names no rule"),
    ("// aksnetlint:ignore AKS999 typo", 1, "suppression names unknown rule AKS999"),
    ("/* aksnetlint:ignore AKS001, AKS998 two rules */", 0, "unknown rule AKS998"),
    ("# AKSNETLINT:IGNORE aks001 case does not matter", 0, None),
])
def test_inline_suppression_warnings(directive: str, active: int, warning: str | None,
                                     tmp_path: Path) -> None:
    folder = _module(tmp_path, directive)
    result = lint([folder], Options(root=tmp_path, select=("AKS001",)))
    assert len(result.active) == active
    messages = [w.message for w in result.invalid_suppressions]
    if warning is None:
        assert messages == []
    else:
        [message] = messages
        assert warning in message
        [w] = result.invalid_suppressions
        assert (w.location.path, w.location.line) == ("m/main.tf", 1)


def test_directive_parsing_keeps_the_reason() -> None:
    [sup] = inline_suppressions("a.bicep", "// aksnetlint:ignore AKS001 , AKS002 lab only\n")
    assert sup.rules == ("AKS001", "AKS002") and sup.reason == "lab only"
    [none] = inline_suppressions("a.tf", "# aksnetlint:ignore   \n")
    assert none.rules == () and none.reason == ""


def test_warnings_reach_stderr_json_and_sarif(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    folder = _module(tmp_path, "# aksnetlint:ignore AKS999 typo")
    assert main(["scan", "--select", "AKS001", str(folder), "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert "main.tf:1:1: warning: suppression names unknown rule AKS999" in captured.err
    [warning] = json.loads(captured.out)["suppression_warnings"]
    assert warning["line"] == 1 and "AKS999" in warning["message"]
    assert main(["scan", "--select", "AKS001", str(folder), "--format", "sarif"]) == 1
    notes = json.loads(capsys.readouterr().out)["runs"][0]["invocations"][0][
        "toolExecutionNotifications"]
    # "warning" is the default level of a notification (SARIF 3.58.6): omitted
    assert [(n.get("level", "warning"), n["descriptor"]["id"]) for n in notes] == [
        ("warning", "suppression")]


def test_configuration_can_require_a_reason(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    folder = _module(tmp_path, "# aksnetlint:ignore AKS001")
    assert main(["scan", "--select", "AKS001", str(folder)]) == 0  # no reason needed yet
    (tmp_path / ".aksnetlint.yaml").write_text("suppressions:\n  require_reason: true\n")
    assert main(["scan", "--select", "AKS001", str(folder)]) == 1
    captured = capsys.readouterr()
    assert "gives no reason, which the configuration requires" in captured.err
    assert "AKS001 [high]" in captured.out
    _module(tmp_path, "# aksnetlint:ignore AKS001 sandbox, destroyed nightly")
    assert main(["scan", "--select", "AKS001", str(folder)]) == 0
    (tmp_path / ".aksnetlint.yaml").write_text("suppressions:\n  require_reasons: true\n")
    assert main(["scan", "--select", "AKS001", str(folder)]) == 2
    assert "'suppressions'" in capsys.readouterr().err


def test_arm_metadata_suppression_warnings(tmp_path: Path) -> None:
    def template(entry: object) -> str:
        return json.dumps({
            "$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                       "deploymentTemplate.json#",
            "contentVersion": "1.0.0.0",
            "resources": [{
                "type": "Microsoft.ContainerService/managedClusters",
                "apiVersion": "2024-02-01", "name": "aks", "location": "westeurope",
                "metadata": {"aksnetlint": {"ignore": [entry]}},
                "properties": {"dnsPrefix": "x"}}]}, indent=2)

    for index, (entry, active, warning) in enumerate([
        ({"rule": "AKS001", "reason": "lab"}, 0, None),
        ({"reason": "lab"}, 1, "names no rule"),
        ({"rule": "AKS0O1", "reason": "lab"}, 1, "unknown rule AKS0O1"),
    ]):
        folder = tmp_path / f"t{index}"
        folder.mkdir()
        (folder / "azuredeploy.json").write_text(template(entry))
        result = lint([folder], Options(root=folder, select=("AKS001",)))
        assert len(result.active) == active, entry
        messages = [w.message for w in result.invalid_suppressions]
        assert (messages == []) if warning is None else (warning in messages[0]), messages
