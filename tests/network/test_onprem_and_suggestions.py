"""On-premises ranges (local network gateways, VPN sites, the configuration) in the address
plan, and the free ranges the plan proposes instead of overlapping ones."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from aksnetlint import netmath
from aksnetlint.cli import main
from aksnetlint.config import load_config
from aksnetlint.errors import ConfigError
from aksnetlint.facts_address_plan import (
    address_plan,
    subnet_prefix_for,
    suggest_block,
)
from aksnetlint.lint import Options, lint
from aksnetlint.model import Field
from aksnetlint.values import Location
from conftest import FIXTURES

SPOKE = """
resource "azurerm_virtual_network" "spoke" {
  name                = "vnet-spoke"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.1.0.0/16"]
}
resource "azurerm_subnet" "nodes" {
  name                 = "snet-nodes"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.1.0.0/22"]
}
resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "aks"
  default_node_pool {
    name           = "system"
    node_count     = 2
    vnet_subnet_id = azurerm_subnet.nodes.id
  }
  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    service_cidr        = "%s"
    dns_service_ip      = "%s"
  }
}
"""


def _spoke(tmp_path: Path, service: str = "172.16.0.0/16") -> Path:
    folder = tmp_path / "spoke"
    folder.mkdir()
    dns = str(ipaddress.ip_network(service).network_address + 10)
    (folder / "main.tf").write_text(SPOKE % (service, dns))
    return folder


# -- the configuration -----------------------------------------------------------------------


def test_config_ranges_are_located_where_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                 ) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / ".aksnetlint.yaml"
    path.write_text("network:\n  hybrid: true\n  on_premises:\n"
                    "    - 10.50.0.0/16   # Frankfurt\n    - '192.168.0.0/16'\n")
    config = load_config(path)
    assert [(r.value, r.loc) for r in config.on_premises] == [
        ("10.50.0.0/16", Location(f"{tmp_path.resolve()}/.aksnetlint.yaml", 4, 7, 4, 19)),
        ("192.168.0.0/16", Location(f"{tmp_path.resolve()}/.aksnetlint.yaml", 5, 8, 5, 22)),
    ]


def test_config_ranges_in_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n\n[tool.aksnetlint.network]\n'
                    'on_premises = ["10.50.0.0/16", "fd00:50::/48"]\n')
    config = load_config(path)
    assert [(r.value, r.loc.line if r.loc else 0) for r in config.on_premises] == [
        ("10.50.0.0/16", 5), ("fd00:50::/48", 5)]


@pytest.mark.parametrize(("text", "message"), [
    ("network:\n  on_premises: 10.50.0.0/16\n", "must be a list of address ranges"),
    ("network:\n  on_premises: [10.50.0.0/33]\n", "longer than IPv4 allows"),
    ("network:\n  on_premises: [datacentre]\n", "'datacentre'"),
    ("network:\n  onprem: [10.50.0.0/16]\n", "unknown key 'onprem'"),
])
def test_config_ranges_are_checked(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / ".aksnetlint.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_config_range_fires_with_the_config_line_related(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _spoke(tmp_path, "10.50.0.0/16")
    (tmp_path / ".aksnetlint.yaml").write_text(
        "network:\n  on_premises:\n    - 10.48.0.0/12\n")
    code = main(["scan", "spoke", "--select", "AKS205", "--no-cache"])
    out = capsys.readouterr().out
    assert code == 1
    assert "spoke/main.tf:27:5: AKS205" in out
    assert "on-premises range 10.48.0.0/12 declared in the configuration" in out
    assert ".aksnetlint.yaml:3:7: overlapping range" in out
    # a range elsewhere overlaps nothing
    (tmp_path / ".aksnetlint.yaml").write_text("network:\n  on_premises: [10.60.0.0/16]\n")
    assert main(["scan", "spoke", "--select", "AKS205", "--no-cache"]) == 0


def test_config_ranges_reach_the_cache_key(tmp_path: Path) -> None:
    folder = _spoke(tmp_path, "10.50.0.0/16")
    on_prem = (Field("10.50.0.0/16", Location(".aksnetlint.yaml", 3, 7)),)
    first = lint([folder], Options(root=tmp_path, cache=True, jobs=1, select=("AKS205",)))
    second = lint([folder], Options(root=tmp_path, cache=True, jobs=1, select=("AKS205",),
                                    on_premises=on_prem))
    assert not first.active and [f.rule_id for f in second.active] == ["AKS205"]


# -- the address plan ------------------------------------------------------------------------


def _deployment(case: Path, tmp_path: Path) -> object:
    """The one deployment of a fixture case, scanned alone."""
    import shutil

    from aksnetlint.deployments import LOADERS, LoadOptions
    from aksnetlint.discover import discover

    shutil.copy(case, tmp_path / case.name)
    [unit] = [u for u in discover([tmp_path], tmp_path, ()).units if u.format in LOADERS]
    loaded = LOADERS[unit.format](unit, LoadOptions(tmp_path))
    assert not loaded.errors
    return loaded.deployments[0]


@pytest.mark.parametrize("case", [
    "AKS205/onprem_behind_hub_gateway.tf",
    "AKS205/arm_onprem_behind_hub_gateway.json",
    "AKS205/bicep_onprem_behind_hub_gateway.bicep",
])
def test_local_network_gateway_ranges_in_every_format(case: str, tmp_path: Path) -> None:
    deployment = _deployment(FIXTURES / case, tmp_path)
    plan = address_plan(deployment)  # type: ignore[arg-type]
    onprem = [(e.text.value, e.owner) for e in plan.entries if e.role == "onprem"]
    assert onprem == [("172.16.0.0/12", "local network gateway 'lgw-datacenter'"),
                      ("192.168.10.0/24", "local network gateway 'lgw-datacenter'")]
    # each range keeps where it is written: the variable / parameter default
    assert all(e.text.loc is not None and e.text.loc.line < 20
               for e in plan.entries if e.role == "onprem")
    cluster = next(iter(plan.clusters.values()))
    overlaps = cluster.service_overlaps
    assert isinstance(overlaps, tuple)
    assert [o.description for o in overlaps] == [
        "on-premises range 172.16.0.0/12 of local network gateway 'lgw-datacenter' (through "
        "gateway connection 'cn-datacenter' to VNet 'vnet-hub', peered through "
        "'peer-spoke-to-hub')"]
    assert cluster.service_suggestion is not None
    # 172.16.0.0/12 is taken on premises: the next private /16 nothing uses
    assert cluster.service_suggestion.text == \
        ": use 10.2.0.0/16 (DNS service IP 10.2.0.10), free in this network"


@pytest.mark.parametrize("case", [
    "AKS205/onprem_vpn_site_on_hub.tf",
    "AKS205/arm_onprem_vpn_site_on_hub.json",
    "AKS205/bicep_onprem_vpn_site_on_hub.bicep",
])
def test_vpn_site_ranges_in_every_format(case: str, tmp_path: Path) -> None:
    deployment = _deployment(FIXTURES / case, tmp_path)
    plan = address_plan(deployment)  # type: ignore[arg-type]
    onprem = [(e.text.value, e.owner) for e in plan.entries if e.role == "onprem"]
    assert onprem == [("192.168.40.0/24", "VPN site 'site-branch-lyon'")]
    overlaps = next(iter(plan.clusters.values())).service_overlaps
    assert isinstance(overlaps, tuple) and [o.why for o in overlaps] == [
        "on virtual WAN hub 'vhub-weu', which the cluster's VNet connects to"]


def test_public_onprem_range_is_not_aks211(tmp_path: Path) -> None:
    folder = _spoke(tmp_path)
    on_prem = (Field("198.18.0.0/15", Location(".aksnetlint.yaml", 3, 7)),
               Field("172.30.0.0/16", Location(".aksnetlint.yaml", 4, 7)))
    result = lint([folder], Options(root=tmp_path, on_premises=on_prem,
                                    select=("AKS207", "AKS211")))
    assert not result.active


# -- suggestions -----------------------------------------------------------------------------


def test_free_block_is_aligned_and_skips_taken_space() -> None:
    space = ipaddress.ip_network("10.0.0.0/16")
    taken = [ipaddress.ip_network(t) for t in ("10.0.0.0/24", "10.0.1.128/25", "10.0.4.0/22")]
    assert str(netmath.free_block(space, 23, taken)) == "10.0.2.0/23"
    assert str(netmath.free_block(space, 25, taken)) == "10.0.1.0/25"
    assert str(netmath.free_block(space, 22, taken)) == "10.0.8.0/22"
    assert netmath.free_block(space, 15, taken) is None  # larger than the space
    assert netmath.free_block(space, 16, taken) is None
    assert str(netmath.free_block(ipaddress.ip_network("fd00::/48"), 64, [])) == "fd00::/64"


def test_suggested_block_avoids_reserved_ranges() -> None:
    taken = [ipaddress.ip_network(f"172.{n}.0.0/16") for n in range(16, 30)]
    # 172.30/16 and 172.31/16 are AKS's: the next free /16 is in 10.0.0.0/8
    assert str(suggest_block(16, taken)) == "10.0.0.0/16"
    assert str(suggest_block(12, [])) == "10.0.0.0/12"  # 172.16/12 holds reserved ranges


@pytest.mark.parametrize(("demand", "prefix"), [(1, 29), (3, 29), (4, 28), (251, 24),
                                                (252, 23), (434, 23), (1085, 21)])
def test_subnet_prefix_for_demand(demand: int, prefix: int) -> None:
    assert subnet_prefix_for(demand) == prefix


def test_suggestions_of_one_network_do_not_collide(tmp_path: Path) -> None:
    """Two clusters whose service CIDRs overlap the hub: each gets its own free range."""
    hub = """
resource "azurerm_virtual_network" "hub" {
  name                = "vnet-hub"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}
"""
    text = hub
    for n in (1, 2):
        text += SPOKE.replace('"spoke"', f'"spoke{n}"').replace("vnet-spoke", f"vnet-spoke{n}") \
            .replace("azurerm_virtual_network.spoke.", f"azurerm_virtual_network.spoke{n}.") \
            .replace('"nodes"', f'"nodes{n}"').replace("azurerm_subnet.nodes.",
                                                         f"azurerm_subnet.nodes{n}.") \
            .replace('"aks"', f'"aks{n}"').replace("10.1.0.0/", f"10.{n}.0.0/") \
            % ("10.0.0.0/16", "10.0.0.10")
        text += f"""
resource "azurerm_virtual_network_peering" "p{n}" {{
  name                      = "peer-{n}"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.spoke{n}.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
}}
"""
    (tmp_path / "main.tf").write_text(text)
    result = lint([tmp_path], Options(root=tmp_path, select=("AKS205",)))
    messages = sorted(f.message for f in result.active)
    assert len(messages) == 2
    assert "use 172.16.0.0/16 (DNS service IP 172.16.0.10), free in this network" in messages[0]
    assert "use 172.17.0.0/16 (DNS service IP 172.17.0.10), free in this network" in messages[1]


def test_no_suggestion_when_a_range_of_the_network_is_unknown(tmp_path: Path) -> None:
    folder = _spoke(tmp_path, "10.1.128.0/17")
    text = (folder / "main.tf").read_text()
    text += """
variable "hub_space" {
  type = list(string)
}
resource "azurerm_virtual_network" "hub" {
  name                = "vnet-hub"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = var.hub_space
}
resource "azurerm_virtual_network_peering" "p" {
  name                      = "peer"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.spoke.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
}
"""
    (folder / "main.tf").write_text(text)
    result = lint([folder], Options(root=tmp_path, select=("AKS205",)))
    [finding] = result.active
    assert "(none can be proposed: VNet 'vnet-hub' has an unknown range)." in finding.message


OTHER_SUBNET = """
resource "azurerm_subnet" "other" {
  name                 = "snet-other"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.1.1.0/24"]
}
"""


@pytest.mark.parametrize(("space", "other", "expected"), [
    # the /24 grows into the free /23 around it
    ("10.1.0.0/16", False, "10.1.0.0/23 (the subnet enlarged) is free in VNet 'vnet-spoke'."),
    # its neighbour is taken: the first free /23 of the VNet
    ("10.1.0.0/16", True, "10.1.2.0/23 is free in VNet 'vnet-spoke'."),
    # the VNet is full: a block free in the whole network (near its space) to add to it
    ("10.1.0.0/23", True, "add 10.1.2.0/23, free in this network, to the address space of "
                          "VNet 'vnet-spoke'."),
])
def test_capacity_suggestion(tmp_path: Path, space: str, other: bool, expected: str) -> None:
    text = SPOKE % ("172.16.0.0/16", "172.16.0.10")
    text = text.replace('address_prefixes     = ["10.1.0.0/22"]',
                        'address_prefixes     = ["10.1.0.0/24"]')
    text = text.replace('address_space       = ["10.1.0.0/16"]',
                        f'address_space       = ["{space}"]')
    text = text.replace('network_plugin_mode = "overlay"\n', "")
    text = text.replace("node_count     = 2", "node_count     = 12")
    (tmp_path / "main.tf").write_text(text + (OTHER_SUBNET if other else ""))
    result = lint([tmp_path], Options(root=tmp_path, select=("AKS301",)))
    [finding] = result.active
    assert "A /23 (507 usable addresses) holds it: " + expected in finding.message \
        or "A /23 (507 usable addresses) holds it: " + expected[0].upper() + expected[1:] \
        in finding.message, finding.message
