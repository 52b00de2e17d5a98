"""The work budget: every bomb finishes within its budget with one positioned error naming
the construct that ran out, and a good deployment beside it keeps its finding.

The bombs are generated here (never committed): nested `count`, doubling lists, shared
parts that multiply, huge strings via `format`/`join`/`replace`/`padLeft`, catastrophic
regular expressions, ARM nested `copy` and linked-template fan-out, Bicep nested loops.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from aksnetlint import budget
from aksnetlint.lint import Options, lint

# Each bomb must stop well inside this (the budget allows 5 s of CPU at most).
SECONDS = 20.0
# The default run uses a tenth of the step and memory budgets (the same code paths, a tenth
# of the time); AKSNETLINT_BUDGET_FULL=1 runs every bomb against the real budget.
FULL = bool(os.environ.get("AKSNETLINT_BUDGET_FULL"))


@pytest.fixture(autouse=True)
def _smaller_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    if not FULL:
        monkeypatch.setattr(budget, "MAX_STEPS", budget.MAX_STEPS // 10)
        monkeypatch.setattr(budget, "MAX_CELLS", budget.MAX_CELLS // 10)

GOOD_TF = """
resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks-good"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "good"
  default_node_pool {
    name       = "system"
    node_count = 2
    vm_size    = "Standard_D4s_v5"
  }
}
"""

GOOD_BICEP = """
resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks-good'
  location: 'westeurope'
  properties: {
    dnsPrefix: 'good'
  }
}
"""

GOOD_ARM = {
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
               "deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "resources": [{
        "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-02-01",
        "name": "aks-good", "location": "westeurope",
        "properties": {"dnsPrefix": "good"},
    }],
}


def _arm(resources: list[object], variables: dict[str, object] | None = None,
         use: str | None = None) -> str:
    """A template; `use` names the variable a cluster's property reads (so it is
    evaluated)."""
    if use is not None:
        resources = [*resources, {
            "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-02-01",
            "name": "aks-bomb", "location": "westeurope",
            "properties": {"dnsPrefix": "bomb", "apiServerAccessProfile": {
                "authorizedIPRanges": f"[array(variables('{use}'))]"}}}]
    template = dict(GOOD_ARM, resources=resources, variables=variables or {})
    return json.dumps(template, indent=1)


def _bicep(variables: str, use: str) -> str:
    return variables + f"""
resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {{
  name: 'aks-bomb'
  location: 'westeurope'
  properties: {{
    dnsPrefix: 'bomb'
    apiServerAccessProfile: {{
      authorizedIPRanges: [string({use})]
    }}
  }}
}}
"""


def _tf_locals(lines: list[str]) -> str:
    return "locals {\n" + "\n".join(f"  {line}" for line in lines) + "\n}\n"


def _doubling(n: int) -> str:
    lines = ['l0 = ["x", "y"]'] + [f"l{i} = concat(local.l{i - 1}, local.l{i - 1})"
                                   for i in range(1, n)]
    return _tf_locals(lines) + f'output "o" {{ value = length(local.l{n - 1}) }}\n' + \
        CLUSTER_USING.format(expr=f"local.l{n - 1}")


def _shared(levels: int) -> str:
    lines = ["l0 = range(1000)"] + [f"l{i} = [for i in range(1000) : local.l{i - 1}]"
                                    for i in range(1, levels)]
    return _tf_locals(lines) + CLUSTER_USING.format(expr=f"flatten(local.l{levels - 1})")


CLUSTER_USING = """
resource "azurerm_kubernetes_cluster" "bomb" {{
  name                = "aks-bomb"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "bomb"
  api_server_access_profile {{
    authorized_ip_ranges = {expr}
  }}
  default_node_pool {{
    name       = "system"
    node_count = 2
    vm_size    = "Standard_D4s_v5"
  }}
}}
"""

NESTED_MODULE = """
variable "n" { default = 0 }
module "inner" {
  source = "./inner"
  count  = 1000
}
resource "azurerm_subnet" "s" {
  count                = 1000
  name                 = "s${count.index}"
  virtual_network_name = "v"
  address_prefixes     = [cidrsubnet("10.0.0.0/8", 16, count.index)]
}
"""

TERRAFORM_BOMBS: dict[str, dict[str, str]] = {
    "doubling_lists": {"main.tf": _doubling(40)},
    "shared_parts": {"main.tf": _shared(4)},
    "nested_count": {
        "main.tf": 'module "outer" {\n  source = "./m"\n  count  = 1000\n}\n',
        "m/main.tf": NESTED_MODULE.replace("./inner", "../n"),
        "n/main.tf": NESTED_MODULE.replace('module "inner" {\n  source = "./inner"\n'
                                           '  count  = 1000\n}\n', ""),
    },
    "format_width": {"main.tf": CLUSTER_USING.format(expr='[format("%999999999d", 1)]')},
    "format_precision": {"main.tf": CLUSTER_USING.format(expr='[format("%.999999999f", 1)]')},
    "join_shared": {"main.tf": _tf_locals([
        'big = join("", [for i in range(1000) : "0123456789abcdef0123456789abcdef"])',
        'huge = join("", [for i in range(1000) : local.big])',
        'vast = join("", [for i in range(1000) : local.huge])']) +
        CLUSTER_USING.format(expr="[local.vast]")},
    "replace_amplifies": {"main.tf": _tf_locals([
        'a = join("", [for i in range(1000) : "aaaaaaaaaaaaaaaa"])',
        'b = join("", [for i in range(1000) : local.a])',
        'c = replace(local.b, "a", local.a)']) + CLUSTER_USING.format(expr="[local.c]")},
    "regex_replace_amplifies": {"main.tf": _tf_locals([
        'a = join("", [for i in range(1000) : "aaaaaaaaaaaaaaaa"])',
        'b = join("", [for i in range(1000) : local.a])',
        'c = replace(local.b, "/a/", "$0$0$0$0$0$0$0$0$0$0$0$0$0$0$0$0$0$0")']) +
        CLUSTER_USING.format(expr="[local.c]")},
    "regex_catastrophic": {"main.tf": _tf_locals([
        'a = join("", [for i in range(4000) : "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"])',
        'm = [for i in range(200) : regexall("(a+)+$", "${local.a}b")]',
        'n = [for i in range(200) : regexall("a(?:a*b)?", local.a)]']) +
        CLUSTER_USING.format(expr="[length(local.m), length(local.n)]")},
}

ARM_BOMBS: dict[str, dict[str, str]] = {
    "nested_copy": {"azuredeploy.json": _arm([], variables={
        "copy": [{"name": "outer", "count": 800, "input": {
            "copy": [{"name": "inner", "count": 800, "input": {
                "copy": [{"name": "deep", "count": 800, "input": "[copyIndex('deep')]"}]}}]}}]},
        use="outer")},
    "pad_left": {"azuredeploy.json": _arm([], variables={
        "x": "[padLeft('a', 2000000000, 'b')]"}, use="x")},
    "doubling_concat": {"azuredeploy.json": _arm([], variables={
        "v0": "[createArray('x', 'y')]",
        **{f"v{i}": f"[concat(variables('v{i - 1}'), variables('v{i - 1}'))]"
           for i in range(1, 40)},
        "out": "[length(variables('v39'))]"}, use="out")},
    "string_doubling": {"azuredeploy.json": _arm([], variables={
        "s0": "0123456789abcdef",
        **{f"s{i}": f"[concat(variables('s{i - 1}'), variables('s{i - 1}'))]"
           for i in range(1, 40)},
        "out": "[length(variables('s39'))]"}, use="out")},
    "linked_fan_out": {
        "azuredeploy.json": _arm([{
            "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
            "name": "[concat('fan', copyIndex())]", "copy": {"name": "fan", "count": 800},
            "properties": {"mode": "Incremental",
                           "templateLink": {"relativePath": "linked.json"}}}]),
        "linked.json": _arm([{
            "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
            "name": "[concat('again', copyIndex())]", "copy": {"name": "again", "count": 800},
            "properties": {"mode": "Incremental",
                           "templateLink": {"relativePath": "linked.json"}}}]),
    },
}

BICEP_BOMBS: dict[str, dict[str, str]] = {
    "nested_loops": {"main.bicep": _bicep(
        "var a = [for i in range(0, 800): [for j in range(0, 800): "
        "[for k in range(0, 800): k]]]\n", "length(a)")},
    "string_doubling": {"main.bicep": _bicep("var s0 = '0123456789abcdef'\n" + "".join(
        f"var s{i} = concat(s{i - 1}, s{i - 1})\n" for i in range(1, 40)), "length(s39)")},
    "format_join": {"main.bicep": _bicep(
        "var big = join(map(range(0, 10000), i => '0123456789abcdef0123456789abcdef'), '')\n"
        "var huge = join(map(range(0, 10000), i => big), '')\n", "length(huge)")},
    "pad_left": {"main.bicep": _bicep("var p = padLeft('a', 2000000000, 'b')\n", "p")},
}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _scan_bomb(tmp_path: Path, bomb: dict[str, str], good: dict[str, str]) -> tuple[
        list[str], list[str], float]:
    _write(tmp_path / "bomb", bomb)
    _write(tmp_path / "good", good)
    start = time.perf_counter()
    result = lint([tmp_path], Options(root=tmp_path, select=("AKS001",), jobs=1))
    elapsed = time.perf_counter() - start
    findings = sorted(f"{f.rule_id} {f.location.path}" for f in result.active)
    return findings, [str(e) for e in result.errors], elapsed


# linear-time regular expressions need no budget: they simply finish
NO_BUDGET_ERROR = {"regex_catastrophic"}


def _check(findings: list[str], errors: list[str], elapsed: float, good: str,
           expect_error: bool = True) -> None:
    assert elapsed < SECONDS, f"took {elapsed:.1f} s"
    assert f"AKS001 {good}" in findings, (findings, errors)
    budget_errors = [e for e in errors if "work budget exceeded" in e]
    if not expect_error:
        assert not errors, errors
        return
    assert budget_errors, errors
    for error in budget_errors:
        assert error.startswith("bomb/"), error
        assert ": error: " in error and "\n" not in error


@pytest.mark.parametrize("name", sorted(TERRAFORM_BOMBS))
def test_terraform_bomb_stays_within_budget(tmp_path: Path, name: str) -> None:
    findings, errors, elapsed = _scan_bomb(tmp_path, TERRAFORM_BOMBS[name],
                                           {"main.tf": GOOD_TF})
    _check(findings, errors, elapsed, "good/main.tf", name not in NO_BUDGET_ERROR)


@pytest.mark.parametrize("name", sorted(ARM_BOMBS))
def test_arm_bomb_stays_within_budget(tmp_path: Path, name: str) -> None:
    findings, errors, elapsed = _scan_bomb(tmp_path, ARM_BOMBS[name],
                                           {"azuredeploy.json": json.dumps(GOOD_ARM)})
    _check(findings, errors, elapsed, "good/azuredeploy.json")


@pytest.mark.parametrize("name", sorted(BICEP_BOMBS))
def test_bicep_bomb_stays_within_budget(tmp_path: Path, name: str) -> None:
    findings, errors, elapsed = _scan_bomb(tmp_path, BICEP_BOMBS[name],
                                           {"main.bicep": GOOD_BICEP})
    _check(findings, errors, elapsed, "good/main.bicep")


def test_error_is_positioned_and_names_the_construct(tmp_path: Path) -> None:
    _write(tmp_path, {"main.tf": CLUSTER_USING.format(expr='[format("%999999999d", 1)]')})
    result = lint([tmp_path], Options(root=tmp_path, jobs=1))
    assert [str(e) for e in result.errors] == [
        "main.tf:8:29: error: work budget exceeded in this format(): a value of 999,999,999 "
        "characters would be over the limit of 4,194,304; this deployment is not scanned"]


def test_budget_cannot_be_swallowed_by_try(tmp_path: Path) -> None:
    _write(tmp_path, {"main.tf": _tf_locals([
        'x = try(format("%999999999d", 1), "fallback")']) +
        CLUSTER_USING.format(expr="[local.x]")})
    result = lint([tmp_path], Options(root=tmp_path, jobs=1))
    assert any("work budget exceeded" in str(e) for e in result.errors)
    assert not result.findings


def test_each_deployment_has_its_own_budget() -> None:
    with budget.scope(budget.Budget(steps=10)):
        with budget.scope():
            for _ in range(100):
                budget.step(None)
        with pytest.raises(budget.BudgetExceeded):
            for _ in range(100):
                budget.step(None)


def test_nothing_is_counted_outside_a_scope() -> None:
    for _ in range(10):
        budget.step(None)
        budget.value("x" * (budget.MAX_STRING + 1))
