"""The example landing zone shows the network rules with their arithmetic, and keeps the
API server and DNS findings it was written for."""

from __future__ import annotations

import shutil
from pathlib import Path

from aksnetlint.lint import Options, lint
from conftest import REPO

EXAMPLE = REPO / "examples" / "terraform" / "landing-zone"


def test_landing_zone_findings(tmp_path: Path) -> None:
    target = tmp_path / "landing-zone"
    shutil.copytree(EXAMPLE, target)
    result = lint([target], Options(root=tmp_path))
    assert not result.errors
    found = {(f.rule_id, f.location.path, f.location.line) for f in result.active}
    expected = {
        ("AKS001", "landing-zone/terraform.tfvars", 4),
        ("AKS101", "landing-zone/spoke-prod.tf", 58),
        ("AKS205", "landing-zone/spoke-dev.tf", 52),
        ("AKS209", "landing-zone/spoke-prod.tf", 85),
        ("AKS301", "landing-zone/spoke-dev.tf", 21),
        ("AKS302", "landing-zone/spoke-prod.tf", 82),
        ("AKS303", "landing-zone/spoke-dev.tf", 52),
    }
    assert expected <= found
    capacity = next(f for f in result.active if f.rule_id == "AKS301")
    props = dict(capacity.properties)
    assert (props["usable"], props["demand"], props["shortfall"]) == (251, 434, 183)
    assert "need 14 × 31 = 434 with flat Azure CNI" in capacity.message
    overlap = next(f for f in result.active if f.rule_id == "AKS205")
    assert "10.0.0.0/16 (the default)" in overlap.message
    assert "VNet 'vnet-hub-westeurope' 10.0.0.0/16 (peered through 'peer-dev-to-hub')" \
        in overlap.message
    assert "use 172.17.0.0/16 (DNS service IP 172.17.0.10), free in this network" \
        in overlap.message
    assert "A /23 (507 usable addresses) holds it: 10.20.0.0/23 (the subnet enlarged) is " \
        "free in VNet 'vnet-aks-dev'" in capacity.message
    onprem = next(f for f in result.active if f.rule_id == "AKS209")
    assert "overlaps on-premises range 192.168.0.0/16 of local network gateway " \
        "'lgw-datacenter' (through gateway connection 'cn-datacenter' to VNet " \
        "'vnet-hub-westeurope', peered through 'peer-prod-to-hub')" in onprem.message
    # the range is reported where it is written: the variable's default
    assert [(r.location.path, r.location.line) for r in onprem.related] == [
        ("landing-zone/variables.tf", 10)]


def test_every_example_finding(tmp_path: Path) -> None:
    """`aksnetlint scan examples/` as the README tells it: every finding, where it points."""
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    result = lint([tmp_path / "examples"], Options(root=tmp_path))
    assert not result.errors and result.deployments == 5
    found = sorted((f.rule_id, f.location.path.removeprefix("examples/"), f.location.line)
                   for f in result.active)
    assert found == sorted([
        ("AKS301", "arm/spoke-analytics/azuredeploy.json", 31),
        ("AKS105", "arm/spoke-analytics/azuredeploy.json", 79),
        ("AKS110", "arm/spoke-analytics/azuredeploy.json", 86),
        ("AKS111", "arm/spoke-analytics/azuredeploy.json", 86),
        ("AKS104", "arm/spoke-analytics/azuredeploy.json", 87),
        ("AKS203", "arm/spoke-analytics/azuredeploy.json", 110),
        ("AKS205", "arm/spoke-analytics/azuredeploy.json", 111),
        # the Dublin office's VPN site on the North Europe hub (parameter default)
        ("AKS205", "arm/wan-northeurope/azuredeploy.json", 27),
        ("AKS307", "bicep/spoke-payments/main.bicep", 45),
        ("AKS007", "bicep/spoke-payments/main.bicepparam", 6),
        ("AKS206", "bicep/spoke-payments/main.bicepparam", 21),
        ("AKS305", "bicep/spoke-payments/main.bicepparam", 27),
        ("AKS008", "bicep/spoke-payments/modules/aks.bicep", 10),
        # the acquirer's settlement network behind the payments spoke's own VPN
        ("AKS209", "bicep/spoke-payments/modules/aks.bicep", 36),
        ("AKS301", "terraform/landing-zone/spoke-dev.tf", 21),
        ("AKS008", "terraform/landing-zone/spoke-dev.tf", 52),
        ("AKS202", "terraform/landing-zone/spoke-dev.tf", 52),
        ("AKS205", "terraform/landing-zone/spoke-dev.tf", 52),
        ("AKS303", "terraform/landing-zone/spoke-dev.tf", 52),
        ("AKS101", "terraform/landing-zone/spoke-prod.tf", 58),
        ("AKS302", "terraform/landing-zone/spoke-prod.tf", 82),
        # the data centre behind the hub's VPN gateway
        ("AKS209", "terraform/landing-zone/spoke-prod.tf", 85),
        ("AKS001", "terraform/landing-zone/terraform.tfvars", 4),
        # what is deployed: the reporting cluster's managed NAT gateway egress IP (from the
        # node resource group) misses its allow-list; a portal-made legacy cluster
        ("AKS007", "deployed/aks-reporting.json", 54),
        ("AKS008", "deployed/aks-reporting.json", 58),
        ("AKS001", "deployed/subscription.json", 4),
        ("AKS202", "deployed/subscription.json", 4),
        ("AKS008", "deployed/subscription.json", 53),
        ("AKS201", "deployed/subscription.json", 91),
        # its default service CIDR and the hub its managed VNet was peered to by hand
        ("AKS205", "deployed/subscription.json", 99),
    ])
