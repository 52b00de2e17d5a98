"""Parameter variants are first-class: every finding says which variant (parameter file,
variable files, configured environment) it comes from, in text, JSON, SARIF and the baseline,
so a finding new in `prod` is never hidden by the same finding in `dev`. Baselines report
what they absorbed and which entries are stale."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aksnetlint.cli import main
from aksnetlint.config import load_config
from aksnetlint.errors import ConfigError

ONLY = ["--select", "AKS001"]

BICEP = """\
param authorizedRanges array = []

resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks-payments'
  location: resourceGroup().location
  properties: {
    dnsPrefix: 'payments'
    apiServerAccessProfile: {
      authorizedIPRanges: authorizedRanges
    }
  }
}
"""
SAFE = "param authorizedRanges = ['203.0.113.0/24']\n"

TERRAFORM = """\
variable "authorized_ranges" {
  type    = list(string)
  default = ["203.0.113.0/24"]
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks-tf"
  location            = "westeurope"
  resource_group_name = "rg-aks"
  dns_prefix          = "akstf"

  api_server_access_profile {
    authorized_ip_ranges = var.authorized_ranges
  }

  default_node_pool {
    name       = "system"
    node_count = 2
    vm_size    = "Standard_D4s_v5"
  }
}
"""


def _json(args: list[str], capsys: pytest.CaptureFixture[str], code: int) -> dict[str, Any]:
    assert main(["scan", *ONLY, "--format", "json", *args]) == code
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def _bicep(folder: Path, prod: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.bicep").write_text(BICEP)
    (folder / "dev.bicepparam").write_text("using 'main.bicep'\n")  # the default: open
    (folder / "prod.bicepparam").write_text("using 'main.bicep'\n" + prod)
    return folder


def test_a_finding_new_in_prod_is_not_hidden_by_the_same_in_dev(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], shared_dir: Path) -> None:
    folder = _bicep(tmp_path / "infra", SAFE)
    data = _json([str(folder)], capsys, 1)
    [dev] = data["findings"]
    # the value is written in main.bicep (its default), so only the variant tells them apart
    assert (dev["path"], dev["line"], dev["variant"]) == ("main.bicep", 1, "dev.bicepparam")
    baseline = tmp_path / "baseline.json"
    assert main(["scan", *ONLY, str(folder), "--write-baseline", str(baseline)]) == 0
    [entry] = json.loads(baseline.read_text())["findings"]
    assert entry["variant"] == "dev.bicepparam" and entry["severity"] == "high"
    # prod loses its allow-list: the same rule, file, line and message, another variant
    (folder / "prod.bicepparam").write_text("using 'main.bicep'\n")
    data = _json([str(folder), "--baseline", str(baseline)], capsys, 1)
    [prod] = data["findings"]
    assert prod["variant"] == "prod.bicepparam"
    assert prod["fingerprint"] != dev["fingerprint"]
    assert data["summary"]["baseline"] == {"absorbed": 1, "stale": 0}
    # text and SARIF name the variant too
    assert main(["scan", *ONLY, str(folder), "--baseline", str(baseline)]) == 1
    text = capsys.readouterr().out
    assert "main.bicep:1:" in text and "(variant: prod.bicepparam)" in text
    assert "1 in the baseline" in text
    assert main(["scan", *ONLY, str(folder), "--format", "sarif"]) == 1
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert sorted(r["properties"]["variant"] for r in results) == ["dev.bicepparam",
                                                                   "prod.bicepparam"]
    assert len({r["partialFingerprints"]["primaryLocationLineHash"] for r in results}) == 2


def _terraform(folder: Path, dev: str = "authorized_ranges = []\n",
               prod: str = 'authorized_ranges = ["198.51.100.0/24"]\n') -> Path:
    (folder / "aks" / "env").mkdir(parents=True, exist_ok=True)
    (folder / ".git").mkdir(exist_ok=True)  # a repository: paths are relative to its top
    (folder / "aks" / "main.tf").write_text(TERRAFORM)
    (folder / "aks" / "env" / "dev.tfvars").write_text(dev)
    (folder / "aks" / "env" / "prod.tfvars").write_text(prod)
    (folder / ".aksnetlint.yaml").write_text(
        "environments:\n"
        "  dev:\n    var_files: [aks/env/dev.tfvars]\n"
        "  prod:\n    var_files: [aks/env/prod.tfvars]\n")
    return folder


def test_configured_terraform_environments_report_per_environment(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _terraform(tmp_path / "repo")
    data = _json([str(repo)], capsys, 1)
    [finding] = data["findings"]
    assert (finding["path"], finding["line"], finding["variant"]) == \
        ("aks/env/dev.tfvars", 1, "dev")
    assert data["summary"]["deployments"] == 2  # the module once per environment
    assert data["summary"]["variants"] == [{"variant": "dev", "findings": 1},
                                           {"variant": "prod", "findings": 0}]
    assert main(["scan", *ONLY, str(repo)]) == 1
    text = capsys.readouterr().out
    assert "(variant: dev)" in text
    assert "Per environment: dev 1, prod 0." in text
    # one environment alone
    assert main(["scan", *ONLY, str(repo), "--environment", "prod"]) == 0
    assert "in 1 deployment" in capsys.readouterr().out
    assert main(["scan", *ONLY, str(repo), "--environment", "staging"]) == 2
    assert "no such environment (configured: dev, prod)" in capsys.readouterr().err


def test_same_finding_in_two_environments_is_two_findings(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _terraform(tmp_path / "repo", prod="authorized_ranges = []\n")
    data = _json([str(repo)], capsys, 1)
    assert [(f["path"], f["variant"]) for f in data["findings"]] == [
        ("aks/env/dev.tfvars", "dev"), ("aks/env/prod.tfvars", "prod")]
    # both read the module's own default when neither sets the ranges: same line, two
    # variants, two fingerprints, and a baseline of one does not hide the other
    text = TERRAFORM.replace('default = ["203.0.113.0/24"]', "default = []")
    (repo / "aks" / "main.tf").write_text(text)
    (repo / "aks" / "env" / "dev.tfvars").write_text("")
    (repo / "aks" / "env" / "prod.tfvars").write_text('authorized_ranges = ["1.2.3.0/24"]\n')
    baseline = tmp_path / "baseline.json"
    assert main(["scan", *ONLY, str(repo), "--write-baseline", str(baseline)]) == 0
    (repo / "aks" / "env" / "prod.tfvars").write_text("")
    data = _json([str(repo), "--baseline", str(baseline)], capsys, 1)
    [new] = data["findings"]
    assert (new["path"], new["line"], new["variant"]) == ("aks/main.tf", 3, "prod")


def test_arm_environment_replaces_the_templates_own_parameter_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                   "deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"ranges": {"type": "array", "defaultValue": []}},
        "resources": [{
            "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-02-01",
            "name": "aks", "location": "westeurope",
            "properties": {"dnsPrefix": "x", "apiServerAccessProfile": {
                "authorizedIPRanges": "[parameters('ranges')]"}}}],
    }

    def parameters(ranges: list[str]) -> str:
        return json.dumps({
            "$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                       "deploymentParameters.json#",
            "contentVersion": "1.0.0.0", "parameters": {"ranges": {"value": ranges}}},
            indent=2)

    repo = tmp_path / "repo"
    (repo / "arm" / "env").mkdir(parents=True)
    (repo / "arm" / "aks.json").write_text(json.dumps(template, indent=2))
    (repo / "arm" / "aks.parameters.json").write_text(parameters(["203.0.113.0/24"]))
    (repo / "arm" / "env" / "prod.json").write_text(parameters([]))
    (repo / ".aksnetlint.yaml").write_text(
        "environments:\n  prod:\n    param_files: [arm/env/prod.json]\n"
        "    modules: [arm/aks.json]\n")
    data = _json([str(repo)], capsys, 1)
    [finding] = data["findings"]
    assert (finding["path"], finding["variant"]) == ("arm/env/prod.json", "prod")
    # the template's own parameter file (no environment names it) is still scanned
    assert data["summary"]["deployments"] == 2
    assert {v["variant"] for v in data["summary"]["variants"]} == {
        "prod", "arm/aks.parameters.json"}


def test_stale_baseline_entries(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _terraform(tmp_path / "repo", prod="authorized_ranges = []\n")
    other = tmp_path / "repo" / "other"
    other.mkdir()
    (other / "main.tf").write_text(TERRAFORM.replace('"aks"', '"other"').replace(
        'default = ["203.0.113.0/24"]', "default = []"))
    baseline = tmp_path / "baseline.json"
    assert main(["scan", *ONLY, str(repo), "--write-baseline", str(baseline)]) == 0
    assert "recorded 3 findings" in capsys.readouterr().err
    # dev gets fixed: its entry is stale; prod and other are absorbed
    (repo / "aks" / "env" / "dev.tfvars").write_text('authorized_ranges = ["1.2.3.0/24"]\n')
    data = _json([str(repo), "--baseline", str(baseline)], capsys, 0)
    assert data["findings"] == []
    assert data["summary"]["baseline"] == {"absorbed": 2, "stale": 1}
    [stale] = data["baseline"]["stale"]
    assert (stale["path"], stale["variant"], stale["rule"]) == \
        ("aks/env/dev.tfvars", "dev", "AKS001")
    assert main(["scan", *ONLY, str(repo), "--baseline", str(baseline)]) == 0
    text = capsys.readouterr().out
    assert "2 in the baseline" in text
    assert ": 1 entry no longer matches a finding" in text
    assert "aks/env/dev.tfvars: AKS001" in text
    # a scan of another folder alone says nothing about entries outside it
    data = _json([str(other), "--baseline", str(baseline)], capsys, 0)
    assert data["summary"]["baseline"] == {"absorbed": 1, "stale": 0}


def test_baseline_never_hides_another_clusters_finding(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    open_cluster = TERRAFORM.replace('default = ["203.0.113.0/24"]', "default = []")
    (folder / "main.tf").write_text(open_cluster)
    baseline = tmp_path / "baseline.json"
    assert main(["scan", *ONLY, str(folder), "--write-baseline", str(baseline)]) == 0
    second = open_cluster.split("\n\n", 1)[1].replace('"aks"', '"aks2"').replace(
        '"aks-tf"', '"aks-tf2"')
    (folder / "main.tf").write_text(open_cluster + "\n" + second)
    data = _json([str(folder), "--baseline", str(baseline)], capsys, 1)
    [new] = data["findings"]
    assert "aks-tf2" in new["message"] and new["severity"] == "high"


def test_write_baseline_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "m"
    (folder / "bad").mkdir(parents=True)
    (folder / "main.tf").write_text(TERRAFORM.replace('["203.0.113.0/24"]', "[]"))
    baseline = tmp_path / "baseline.json"
    # findings do not fail the recording
    assert main(["scan", *ONLY, str(folder / "main.tf"), "--write-baseline",
                 str(baseline)]) == 0
    (folder / "bad" / "main.tf").write_text('resource "x" "y" {\n  a = \n}\n')
    # an incomplete scan does: the baseline is written, without the broken file's findings
    baseline.unlink()
    assert main(["scan", *ONLY, str(folder), "--write-baseline", str(baseline)]) == 2
    assert baseline.is_file()
    assert "(scan incomplete)" in capsys.readouterr().err


def test_old_baseline_format_is_a_clear_error(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "main.tf").write_text(TERRAFORM)
    old = tmp_path / "old.json"
    old.write_text('{"aksnetlint_baseline": 1, "findings": []}')
    assert main(["scan", *ONLY, str(folder), "--baseline", str(old)]) == 2
    assert "record it again with --write-baseline" in capsys.readouterr().err


@pytest.mark.parametrize(("text", "message"), [
    ("environments: [prod]\n", "'environments' must map"),
    ("environments:\n  prod: {var_file: [a.tfvars]}\n", "unknown key 'var_file'"),
    ("environments:\n  prod: {var_files: [missing.tfvars]}\n", "is not a file"),
    ("environments:\n  prod: {modules: [.]}\n", "names no var_files or param_files"),
    ("environments:\n  'pr od': {var_files: [a.tfvars]}\n", "an environment name is"),
    ("environments:\n  prod: {var_files: a.tfvars}\n", "must be a list of paths"),
])
def test_environment_configuration_errors(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "a.tfvars").write_text("")
    path = tmp_path / ".aksnetlint.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert message in str(err.value)
