"""Deployed estates: resource-JSON files grouped by the folder they were scanned from,
linked by full resource IDs across files, each resource judged once, bad files alone."""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

from test_azure_resources import CLUSTER_ID, SUB, VNET_ID, graph_vnet, sdk_cluster, sdk_vnet

from aksnetlint.discover import discover
from aksnetlint.lint import Options, lint


def _write(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


def _findings(result: Any) -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.location.path, f.location.line) for f in result.active}


def _line_of(path: Path, needle: str, after: int = 0) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if number > after and needle in line:
            return number
    raise AssertionError(needle)


def open_cluster(**network: object) -> dict[str, Any]:
    cluster = sdk_cluster()
    cluster["apiServerAccessProfile"]["authorizedIpRanges"] = None
    cluster["networkProfile"].update(network)
    return cluster


# -- discovery --------------------------------------------------------------------------------

def test_other_json_stays_other_json(tmp_path: Path) -> None:
    _write(tmp_path / "package.json", {"name": "x", "version": "1.0.0"})
    _write(tmp_path / "tsconfig.json", {"compilerOptions": {"strict": True}})
    _write(tmp_path / "data.json", [{"id": "/subscriptions/not-an-id", "type": "x"}])
    _write(tmp_path / "aks.json", sdk_cluster())
    found = discover([tmp_path], tmp_path)
    kinds = {(u.format, u.path.name, len(u.files)) for u in found.units}
    assert kinds == {("json", "package.json", 1), ("json", "tsconfig.json", 1),
                     ("json", "data.json", 1), ("azure-resources", "aks.json", 1)}
    result = lint([tmp_path], Options(root=tmp_path))
    assert not result.errors and result.deployments == 1 and result.files_scanned == 1


def test_a_scanned_folder_is_one_estate_at_any_depth(tmp_path: Path) -> None:
    _write(tmp_path / "estate" / "clusters" / "aks.json", sdk_cluster())
    _write(tmp_path / "estate" / "network" / "vnets.json", [sdk_vnet()])
    _write(tmp_path / "other" / "graph.json", {"data": [graph_vnet()]})
    found = discover([tmp_path / "estate", tmp_path / "other"], tmp_path)
    groups = sorted(sorted(p.name for p in u.files) for u in found.units)
    assert groups == [["aks.json", "vnets.json"], ["graph.json"]]
    assert {u.format for u in found.units} == {"azure-resources"}


def test_a_file_named_alone_joins_the_resource_json_beside_it(tmp_path: Path) -> None:
    aks = _write(tmp_path / "aks.json", open_cluster(serviceCidr="10.10.0.0/16",
                                                     dnsServiceIp="10.10.0.10"))
    vnets = _write(tmp_path / "vnets.json", [sdk_vnet()])
    _write(tmp_path / "package.json", {"name": "x"})
    _write(tmp_path / "below" / "more.json", [graph_vnet()])
    (unit,) = [u for u in discover([aks], tmp_path).units]
    assert unit.format == "azure-resources" and unit.files == [aks.resolve(), vnets.resolve()]
    # the service CIDR overlaps the VNet of the subnet that the other file declares
    result = lint([aks], Options(root=tmp_path, select=("AKS205",)))
    assert _findings(result) == {("AKS205", "aks.json", _line_of(aks, '"serviceCidr"'))}


# -- linking by full resource ID --------------------------------------------------------------

def test_links_cross_files_by_full_id_not_by_name(tmp_path: Path) -> None:
    """Two VNets called vnet-spoke in different resource groups: the cluster's subnet ID
    names the one in rg-net, whose range its service CIDR overlaps; the other does not."""
    other = sdk_vnet()
    other["id"] = VNET_ID.replace("rg-net", "rg-other")
    other["addressSpace"] = {"addressPrefixes": ["192.168.0.0/16"]}
    other["subnets"][0]["id"] = other["id"] + "/subnets/nodes"
    other["subnets"][0]["addressPrefix"] = "192.168.0.0/22"
    vnets = _write(tmp_path / "vnets.json", [other, sdk_vnet()])
    aks = _write(tmp_path / "aks.json", open_cluster(serviceCidr="10.10.0.0/16",
                                                     dnsServiceIp="10.10.0.10"))
    result = lint([tmp_path], Options(root=tmp_path, select=("AKS205",)))
    (finding,) = result.active
    assert (finding.location.path, finding.location.line) == \
        ("aks.json", _line_of(aks, '"serviceCidr"'))
    assert "10.10.0.0/16" in finding.message and "192.168" not in finding.message
    assert CLUSTER_ID in finding.message  # messages name the resource ID
    related = {(r.location.path, r.location.line) for r in finding.related}
    second = _line_of(vnets, '"addressPrefixes"', after=_line_of(vnets, "10.10.0.0/16") - 3)
    assert ("vnets.json", second) in related or ("vnets.json", second + 1) in related


def test_a_resource_in_two_files_is_judged_once(tmp_path: Path) -> None:
    _write(tmp_path / "a_aks.json", open_cluster())
    _write(tmp_path / "b_all.json", {"count": 1, "data": [_graph_cluster(open_cluster())]})
    result = lint([tmp_path], Options(root=tmp_path, select=("AKS001",)))
    assert {(f.rule_id, f.location.path) for f in result.active} == {("AKS001", "a_aks.json")}
    assert any("judged once" in note for note in result.notes)


def _graph_cluster(sdk: dict[str, Any]) -> dict[str, Any]:
    envelope = {"id", "name", "type", "location", "identity", "sku", "resourceGroup"}
    row = {k: v for k, v in sdk.items() if k in envelope}
    row["type"] = row["type"].lower()
    properties = {k: v for k, v in sdk.items() if k not in envelope and k != "eTag"}
    properties["apiServerAccessProfile"] = {
        "enablePrivateCluster": False,
        **({"authorizedIPRanges": r} if (r := sdk["apiServerAccessProfile"].get(
            "authorizedIpRanges")) is not None else {})}
    row["properties"] = properties
    return row


# -- bad input --------------------------------------------------------------------------------

def test_a_broken_file_costs_no_other_file_its_findings(tmp_path: Path) -> None:
    _write(tmp_path / "aks.json", open_cluster())
    broken = tmp_path / "vnets.json"
    broken.write_text(json.dumps([sdk_vnet()], indent=2)[:-40], encoding="utf-8")
    result = lint([tmp_path], Options(root=tmp_path, select=("AKS001",)))
    assert [e.path for e in result.errors] == ["vnets.json"]
    (error,) = result.errors
    assert error.line is not None and "invalid JSON" in error.message
    assert {(f.rule_id, f.location.path) for f in result.active} == {("AKS001", "aks.json")}


def test_utf16_written_by_windows_powershell_is_read(tmp_path: Path) -> None:
    text = json.dumps(open_cluster(), indent=2)
    (tmp_path / "aks.json").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    result = lint([tmp_path], Options(root=tmp_path, select=("AKS001",)))
    assert not result.errors
    line = next(n for n, text in enumerate(text.splitlines(), 1) if "authorizedIpRanges" in text)
    assert _findings(result) == {("AKS001", "aks.json", line)}


# -- read-only properties ---------------------------------------------------------------------

def _public_ip(name: str, address: str, group: str) -> dict[str, Any]:
    return {"id": f"{SUB}/resourceGroups/{group}/providers/Microsoft.Network/publicIPAddresses/"
                  f"{name}",
            "name": name, "type": "Microsoft.Network/publicIPAddresses", "location": "westeurope",
            "ipAddress": address, "publicIpAllocationMethod": "Static",
            "sku": {"name": "Standard"}}


def test_managed_nat_gateway_egress_uses_the_effective_outbound_ips(tmp_path: Path) -> None:
    """AKS007 with the real egress IPs: the managed NAT gateway's effective outbound IP lives
    in the node resource group; the cluster authorizes another range."""
    node_group = "MC_rg-aks_aks_westeurope"
    pip = _public_ip("nat-ip", "20.50.1.7", node_group)
    cluster = sdk_cluster()
    cluster["networkProfile"].update({
        "outboundType": "managedNATGateway",
        "natGatewayProfile": {"effectiveOutboundIPs": [{"id": pip["id"],
                                                        "resourceGroup": node_group}],
                              "managedOutboundIpProfile": {"count": 1}}})
    aks = _write(tmp_path / "aks.json", cluster)
    _write(tmp_path / "node-group.json", [pip])
    result = lint([tmp_path], Options(root=tmp_path, select=("AKS007",)))
    assert _findings(result) == {("AKS007", "aks.json", _line_of(aks, '"authorizedIpRanges"'))}
    (finding,) = result.active
    assert "20.50.1.7" in finding.message
    # covered: nothing fires; not in the scan: unknown, nothing fires
    cluster["apiServerAccessProfile"]["authorizedIpRanges"] = ["203.0.113.0/24", "20.50.1.0/24"]
    _write(tmp_path / "aks.json", cluster)
    assert not lint([tmp_path], Options(root=tmp_path, select=("AKS007",))).active
    cluster["apiServerAccessProfile"]["authorizedIpRanges"] = ["203.0.113.0/24"]
    _write(tmp_path / "aks.json", cluster)
    (tmp_path / "node-group.json").unlink()
    result = lint([tmp_path], Options(root=tmp_path, select=("AKS007",), show_unresolved=True))
    assert not result.active
    assert any("not in the scan" in f.message for f in result.findings)


def test_pools_without_a_subnet_sit_in_the_managed_vnet(tmp_path: Path) -> None:
    """A cluster on the VNet AKS manages: its pools are in `aks-subnet` of `aks-vnet-*` in the
    node resource group, which a subscription export holds (with its peering to a hub whose
    range the default service CIDR overlaps)."""
    node_group = "MC_rg-aks_aks_westeurope"
    managed_id = f"{SUB}/resourceGroups/{node_group}/providers/Microsoft.Network/" \
                 "virtualNetworks/aks-vnet-12345678"
    hub_id = f"{SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub"
    cluster = open_cluster()
    cluster["apiServerAccessProfile"]["authorizedIpRanges"] = ["203.0.113.0/24"]
    cluster["nodeResourceGroup"] = node_group
    cluster["agentPoolProfiles"][0]["vnetSubnetId"] = None
    cluster["networkProfile"] = {"networkPlugin": "kubenet", "podCidr": "10.244.0.0/16",
                                 "serviceCidr": "10.0.0.0/16", "dnsServiceIp": "10.0.0.10",
                                 "outboundType": "loadBalancer"}
    rows = [
        {"id": managed_id, "name": "aks-vnet-12345678", "type": "microsoft.network/virtualnetworks",
         "resourceGroup": node_group.lower(), "location": "westeurope",
         "properties": {"addressSpace": {"addressPrefixes": ["10.224.0.0/12"]},
                        "subnets": [{"name": "aks-subnet", "id": f"{managed_id}/subnets/aks-subnet",
                                     "properties": {"addressPrefix": "10.224.0.0/16"}}],
                        "virtualNetworkPeerings": [{
                            "name": "to-hub", "id": f"{managed_id}/virtualNetworkPeerings/to-hub",
                            "properties": {"remoteVirtualNetwork": {"id": hub_id}}}]}},
        {"id": hub_id, "name": "hub", "type": "microsoft.network/virtualnetworks",
         "resourceGroup": "rg-hub", "location": "westeurope",
         "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}},
    ]
    aks = _write(tmp_path / "aks.json", cluster)
    _write(tmp_path / "graph.json", {"count": 2, "data": rows, "skip_token": None,
                                     "total_records": 2})
    result = lint([tmp_path], Options(root=tmp_path, select=("AKS205",)))
    assert _findings(result) == {("AKS205", "aks.json", _line_of(aks, '"serviceCidr"'))}
    assert "hub" in next(iter(result.active)).message
    cluster["nodeResourceGroup"] = "MC_elsewhere"
    _write(tmp_path / "aks.json", cluster)
    assert not lint([tmp_path], Options(root=tmp_path, select=("AKS205",))).active


def test_node_pools_listed_apart_replace_the_inline_profiles(tmp_path: Path) -> None:
    """`az aks nodepool list` output: each pool is a resource of its own (`type` is the
    resource type; the pool's own type moves to `typePropertiesType`); it replaces the
    cluster's inline profile of the same name."""
    cluster = open_cluster()
    cluster["apiServerAccessProfile"]["authorizedIpRanges"] = ["203.0.113.0/24"]
    pool = dict(cluster["agentPoolProfiles"][0])
    pool.update({"id": f"{CLUSTER_ID}/agentPools/system", "enableNodePublicIp": True,
                 "type": "Microsoft.ContainerService/managedClusters/agentPools",
                 "typePropertiesType": "VirtualMachineScaleSets", "resourceGroup": "rg-aks"})
    _write(tmp_path / "aks.json", cluster)
    pools = _write(tmp_path / "pools.json", [pool])
    result = lint([tmp_path], Options(root=tmp_path, select=("AKS305",)))
    assert _findings(result) == {("AKS305", "pools.json", _line_of(pools, "enableNodePublicIp"))}


def test_a_hub_outside_the_export_is_known_by_its_peering(tmp_path: Path) -> None:
    spoke = sdk_vnet()
    hub_id = f"{SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub"
    spoke["virtualNetworkPeerings"] = [{
        "id": f"{VNET_ID}/virtualNetworkPeerings/to-hub", "name": "to-hub",
        "peeringState": "Connected", "remoteAddressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
        "remoteVirtualNetwork": {"id": hub_id, "resourceGroup": "rg-hub"},
        "type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings"}]
    vnets = _write(tmp_path / "vnets.json", [spoke])
    aks = _write(tmp_path / "aks.json", open_cluster())  # default service CIDR 10.0.0.0/16
    result = lint([tmp_path], Options(root=tmp_path, select=("AKS205",)))
    assert _findings(result) == {("AKS205", "aks.json", _line_of(aks, '"serviceCidr"'))}
    (finding,) = result.active
    assert f"VNet 'hub' ({hub_id}) 10.0.0.0/16 (peered through 'to-hub')" in finding.message
    assert [(r.location.path, r.location.line) for r in finding.related] == \
        [("vnets.json", _line_of(vnets, '"10.0.0.0/16"'))]
    # the hub exported too: its own ranges count, not the peering's copy
    hub = sdk_vnet()
    hub.update({"id": hub_id, "name": "hub", "resourceGroup": "rg-hub", "subnets": [],
                "addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}})
    _write(tmp_path / "vnets.json", [spoke, hub])
    assert not lint([tmp_path], Options(root=tmp_path, select=("AKS205",))).active


def test_every_deployed_finding_names_a_resource_id(tmp_path: Path) -> None:
    """Messages name deployed resources by their IDs (names repeat across resource groups),
    for every rule's firing deployed-state fixture."""
    from conftest import FIXTURES, isolate

    unnamed = []
    for case in sorted(FIXTURES.glob("AKS*/deployed_*")):
        if case.name.endswith(".expect.yaml"):
            continue
        rule = case.parent.name
        target = isolate(case, tmp_path / rule / case.name)
        for finding in lint([target], Options(root=target, select=(rule,))).active:
            if "/subscriptions/" not in finding.message:
                unnamed.append(f"{rule}/{case.name}: {finding.message[:80]}")
    assert not unnamed


def test_a_named_file_reads_no_sibling_that_links_out_of_its_folder(tmp_path: Path) -> None:
    outside = _write(tmp_path / "elsewhere" / "secret.json", [sdk_vnet()])
    folder = tmp_path / "estate"
    aks = _write(folder / "aks.json", open_cluster())
    (folder / "linked.json").symlink_to(outside)
    (unit,) = discover([aks], tmp_path).units
    assert unit.files == [aks.resolve()]
