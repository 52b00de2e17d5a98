"""ARM resources normalised into the cluster model: every API-version spelling meets in one
field, references become objects, defaults are marked, unknown stays unknown, and an ARM
template gives the same model (and the same findings) as the equivalent Terraform."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aksnetlint.deployments import Loaded, LoadOptions, load_json, load_terraform
from aksnetlint.discover import Unit, discover
from aksnetlint.lint import Options, lint
from aksnetlint.model import (
    Cluster,
    Deployment,
    DnsZoneMode,
    Field,
    NatGateway,
    NetworkSecurityGroup,
    PrivateDnsZone,
    RouteTable,
    Subnet,
    VirtualNetwork,
)
from aksnetlint.normalise.arm import azapi_to_arm, normalise_arm
from aksnetlint.resolve.resources import ResolvedResource
from aksnetlint.values import Location, Sourced, Unresolved

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
PARAMS_SCHEMA = \
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"


def _template(*resources: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"$schema": SCHEMA, "contentVersion": "1.0.0.0", **extra,
            "resources": list(resources)}


def _cluster_resource(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-02-01",
            "name": "aks", "location": "westeurope", **extra, "properties": properties}


def _load(tmp_path: Path, files: dict[str, Any], name: str = "main.json",
          param_files: tuple[Path, ...] = ()) -> Loaded:
    for file_name, content in files.items():
        text = content if isinstance(content, str) else json.dumps(content, indent=2)
        (tmp_path / file_name).write_text(text, encoding="utf-8")
    path = (tmp_path / name).resolve()
    return load_json(Unit("json", path, [path]), LoadOptions(tmp_path.resolve(), (),
                                                             param_files))


def _deployment(tmp_path: Path, template: dict[str, Any] | str,
                **files: dict[str, Any] | str) -> Deployment:
    loaded = _load(tmp_path, {"main.json": template, **files})
    assert not loaded.errors, [str(e) for e in loaded.errors]
    [deployment] = loaded.deployments
    return deployment


def _values(field: Field[Any]) -> list[object]:
    assert isinstance(field.value, tuple), field
    return [entry.value for entry in field.value]


# ---------------------------------------------------------------------------------------
# API server, network profile, pools

def test_defaults_are_marked_and_anchored_on_the_declaration(tmp_path: Path) -> None:
    deployment = _deployment(tmp_path, _template(_cluster_resource({"dnsPrefix": "x"})))
    [cluster] = deployment.clusters
    api = cluster.api_server
    assert api is not None and cluster.network is not None
    assert api.private.value is False and api.private.default
    assert api.authorized_ip_ranges.value is None
    assert api.private_dns_zone_mode.value is None
    assert api.public_fqdn_enabled.value is True and api.public_fqdn_enabled.default
    assert api.vnet_integration.value is False and api.vnet_integration.default
    network = cluster.network
    assert network.outbound_type.value == "loadBalancer" and network.outbound_type.default
    assert network.load_balancer_sku.value == "standard" and network.load_balancer_sku.default
    assert network.plugin.value is None
    assert cluster.http_application_routing.value is False
    assert api.private.loc == cluster.decl and cluster.decl.line == 5
    assert deployment.format == "arm" and cluster.format == "arm"
    assert cluster.key == "microsoft.containerservice/managedclusters/aks"


def test_every_spelling_of_the_api_server(tmp_path: Path) -> None:
    properties = {
        "ApiServerAccessProfile": {
            "EnablePrivateCluster": "false",
            "authorizedIpRanges": ["203.0.113.0/24", ""],
            "enableVnetIntegration": True,
            "subnetId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/"
                        "virtualNetworks/hub/subnets/apiserver",
        },
        "networkProfile": {"networkPlugin": "azure", "networkPluginMode": "overlay",
                           "networkPolicy": "", "networkDataplane": "cilium",
                           "outboundType": "userDefinedRouting", "podCidr": "192.168.0.0/16",
                           "serviceCidr": "10.0.0.0/16", "dnsServiceIP": "10.0.0.10",
                           "loadBalancerSku": "basic"},
        "addonProfiles": {"httpApplicationRouting": {"enabled": True}},
    }
    [cluster] = _deployment(tmp_path, _template(_cluster_resource(properties))).clusters
    api, network = cluster.api_server, cluster.network
    assert api is not None and network is not None
    assert api.private.value is False and not api.private.default
    assert _values(api.authorized_ip_ranges) == ["203.0.113.0/24", ""]
    assert api.vnet_integration.value is True
    assert isinstance(api.subnet.value, str) and api.subnet.value.endswith("/apiserver")
    assert (network.plugin.value, network.plugin_mode.value, network.policy.value,
            network.dataplane.value) == ("azure", "overlay", "", "cilium")
    assert network.outbound_type.value == "userDefinedRouting"
    assert not network.outbound_type.default
    assert network.load_balancer_sku.value == "basic"
    assert cluster.http_application_routing.value is True


def test_2019_properties_level_ranges_are_the_same_field(tmp_path: Path) -> None:
    resource = _cluster_resource({"apiServerAuthorizedIPRanges": ["203.0.113.0/24"]},
                                 apiVersion="2019-06-01")
    [cluster] = _deployment(tmp_path, _template(resource)).clusters
    assert cluster.api_server is not None
    assert _values(cluster.api_server.authorized_ip_ranges) == ["203.0.113.0/24"]


@pytest.mark.parametrize(("zone", "mode"), [
    ("system", DnsZoneMode.SYSTEM), ("System", DnsZoneMode.SYSTEM), ("None", DnsZoneMode.NONE),
    ("/subscriptions/s/resourceGroups/dns/providers/Microsoft.Network/privateDnsZones/"
     "privatelink.westeurope.azmk8s.io", DnsZoneMode.CUSTOM),
])
def test_private_dns_zone_modes(tmp_path: Path, zone: str, mode: DnsZoneMode) -> None:
    resource = _cluster_resource({"apiServerAccessProfile": {"enablePrivateCluster": True,
                                                             "privateDNSZone": zone}})
    [cluster] = _deployment(tmp_path, _template(resource)).clusters
    assert cluster.api_server is not None
    assert cluster.api_server.private_dns_zone_mode.value == mode
    assert not cluster.api_server.private_dns_zone_mode.default
    if mode is DnsZoneMode.CUSTOM:  # outside the deployment: the id string
        linked: object = cluster.api_server.private_dns_zone.value
        assert linked == zone


def test_custom_zone_links_to_the_zone_in_the_deployment(tmp_path: Path) -> None:
    zone = {"type": "Microsoft.Network/privateDnsZones", "apiVersion": "2020-06-01",
            "name": "privatelink.westeurope.azmk8s.io", "location": "global",
            "resources": [{"type": "virtualNetworkLinks", "apiVersion": "2020-06-01",
                           "name": "hub", "location": "global",
                           "dependsOn": ["privatelink.westeurope.azmk8s.io"],
                           "properties": {"virtualNetwork": {
                               "id": "[resourceId('Microsoft.Network/virtualNetworks', "
                                     "'vnet-hub')]"}}}]}
    vnet = {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01",
            "name": "vnet-hub", "location": "westeurope",
            "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}
    resource = _cluster_resource({"apiServerAccessProfile": {
        "enablePrivateCluster": True,
        "privateDNSZone": "[resourceId('Microsoft.Network/privateDnsZones', "
                          "'privatelink.westeurope.azmk8s.io')]"}})
    deployment = _deployment(tmp_path, _template(vnet, zone, resource))
    [cluster], [dns_zone] = deployment.clusters, deployment.private_dns_zones
    assert cluster.api_server is not None
    assert cluster.api_server.private_dns_zone.value is dns_zone
    assert cluster.api_server.private_dns_zone_mode.value == DnsZoneMode.CUSTOM
    [link] = dns_zone.linked_vnets
    assert isinstance(link.value, VirtualNetwork) and link.value.name.value == "vnet-hub"


def test_inline_and_child_pools(tmp_path: Path) -> None:
    resource = _cluster_resource({"agentPoolProfiles": [
        {"name": "system", "count": 3, "maxPods": 50, "enableNodePublicIP": True},
        {"name": "user", "mode": "User", "enableAutoScaling": True, "minCount": 1,
         "maxCount": 10, "upgradeSettings": {"maxSurge": "33%"}},
    ]})
    child = {"type": "Microsoft.ContainerService/managedClusters/agentPools",
             "apiVersion": "2024-02-01", "name": "aks/batch",
             "properties": {"count": 2, "vnetSubnetID": "[resourceId("
                            "'Microsoft.Network/virtualNetworks/subnets', 'v', 's')]"}}
    [cluster] = _deployment(tmp_path, _template(resource, child)).clusters
    pools = {pool.name.value: pool for pool in cluster.node_pools}
    assert list(pools) == ["system", "user", "batch"]
    system, user, batch = pools["system"], pools["user"], pools["batch"]
    assert system.mode.value == "System" and system.mode.default
    assert system.max_pods.value == 50 and system.node_public_ip.value is True
    assert user.mode.value == "User" and not user.mode.default
    assert (user.autoscaling.value, user.min_count.value, user.max_count.value,
            user.max_surge.value) == (True, 1, 10, "33%")
    assert user.count.value == 1 and user.count.default
    assert batch.mode.value == "User" and batch.mode.default and batch.count.value == 2
    assert batch.key == "microsoft.containerservice/managedclusters/aks/agentpools/batch"
    assert isinstance(batch.subnet.value, str)  # the subnet is not in the deployment


def test_identity_kinds(tmp_path: Path) -> None:
    system = _cluster_resource({}, identity={"type": "SystemAssigned"}, name="a")
    principal = _cluster_resource({"servicePrincipalProfile": {"clientId": "app",
                                                               "secret": "s"}}, name="b")
    msi = _cluster_resource({"servicePrincipalProfile": {"clientId": "msi"}}, name="c")
    clusters = _deployment(tmp_path, _template(system, principal, msi)).clusters
    assert [c.identity_type.value for c in clusters] == ["SystemAssigned", "ServicePrincipal",
                                                        None]


# ---------------------------------------------------------------------------------------
# Provenance and unknown values

def test_value_from_a_parameter_file_points_at_the_file(tmp_path: Path) -> None:
    template = _template(
        _cluster_resource({"apiServerAccessProfile": {
            "authorizedIPRanges": "[parameters('ranges')]"}}),
        parameters={"ranges": {"type": "array", "defaultValue": ["203.0.113.0/24"]}})
    params = {"$schema": PARAMS_SCHEMA, "contentVersion": "1.0.0.0",
              "parameters": {"ranges": {"value": []}}}
    deployment = _deployment(tmp_path, template, **{"main.parameters.json": params})
    [cluster] = deployment.clusters
    assert cluster.api_server is not None
    ranges = cluster.api_server.authorized_ip_ranges
    assert ranges.value == ()
    assert ranges.loc is not None and ranges.loc.path == "main.json"
    assert ranges.origin is not None and ranges.origin.path == "main.parameters.json"
    assert ranges.where == ranges.origin


def test_parameter_without_value_stays_unresolved(tmp_path: Path) -> None:
    template = _template(
        _cluster_resource({"apiServerAccessProfile": {
            "enablePrivateCluster": "[parameters('private')]"}}),
        parameters={"private": {"type": "bool"}})
    [cluster] = _deployment(tmp_path, template).clusters
    assert cluster.api_server is not None
    assert isinstance(cluster.api_server.private.value, Unresolved)
    assert isinstance(cluster.api_server.private_dns_zone_mode.value, Unresolved)


def test_unknown_profile_makes_every_field_unknown(tmp_path: Path) -> None:
    template = _template(
        _cluster_resource({"apiServerAccessProfile": "[parameters('profile')]",
                           "networkProfile": "[parameters('network')]"}),
        parameters={"profile": {"type": "object"}, "network": {"type": "object"}})
    [cluster] = _deployment(tmp_path, template).clusters
    assert cluster.api_server is not None and cluster.network is not None
    assert isinstance(cluster.api_server.private.value, Unresolved)
    assert isinstance(cluster.api_server.authorized_ip_ranges.value, Unresolved)
    assert isinstance(cluster.network.outbound_type.value, Unresolved)
    assert not cluster.network.outbound_type.default


def test_conditional_resource_is_kept_as_maybe_present(tmp_path: Path) -> None:
    template = _template({**_cluster_resource({}), "condition": "[parameters('deploy')]"},
                         parameters={"deploy": {"type": "bool"}})
    [cluster] = _deployment(tmp_path, template).clusters
    assert cluster.present is None


def test_existing_resources_have_unknown_properties(tmp_path: Path) -> None:
    template = {
        "$schema": SCHEMA, "languageVersion": "2.0", "contentVersion": "1.0.0.0",
        "resources": {
            "subnet": {"type": "Microsoft.Network/virtualNetworks/subnets",
                       "apiVersion": "2023-09-01", "existing": True, "name": "hub/nodes",
                       "properties": {"addressPrefix": "10.0.0.0/24"}},
            "aks": _cluster_resource({"agentPoolProfiles": [{
                "name": "system",
                "vnetSubnetID": "[resourceId('Microsoft.Network/virtualNetworks/subnets', "
                                "'hub', 'nodes')]"}]}),
        }}
    deployment = _deployment(tmp_path, template)
    [subnet] = deployment.subnets
    assert subnet.name.value == "nodes"
    assert isinstance(subnet.address_prefixes.value, Unresolved)
    assert deployment.clusters[0].node_pools[0].subnet.value is subnet


def test_properties_not_an_object_is_an_input_error_and_no_model(tmp_path: Path) -> None:
    loaded = _load(tmp_path, {"main.json": _template(_cluster_resource("yo"))})  # type: ignore[arg-type]
    assert [e.message for e in loaded.errors] == [
        "'properties' of a Microsoft.ContainerService/managedClusters resource must be an "
        "object"]
    assert loaded.deployments[0].clusters == ()


# ---------------------------------------------------------------------------------------
# Network resources and links

NETWORK = _template(
    {"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2023-09-01",
     "name": "pip-nat", "location": "westeurope",
     "properties": {"ipAddress": "198.51.100.10"}},
    {"type": "Microsoft.Network/publicIPPrefixes", "apiVersion": "2023-09-01",
     "name": "ippre-nat", "location": "westeurope",
     "properties": {"ipPrefix": "198.51.100.16/28"}},
    {"type": "Microsoft.Network/natGateways", "apiVersion": "2023-09-01", "name": "ng",
     "location": "westeurope",
     "properties": {
         "publicIpAddresses": [{"id": "[resourceId('Microsoft.Network/publicIPAddresses', "
                                      "'pip-nat')]"}],
         "publicIpPrefixes": [{"id": "[resourceId('Microsoft.Network/publicIPPrefixes', "
                                     "'ippre-nat')]"}]}},
    {"type": "Microsoft.Network/routeTables", "apiVersion": "2023-09-01", "name": "rt",
     "location": "westeurope",
     "properties": {"routes": [{"name": "default", "properties": {
         "addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance",
         "nextHopIpAddress": "10.0.1.4"}}]}},
    {"type": "Microsoft.Network/routeTables/routes", "apiVersion": "2023-09-01",
     "name": "rt/onprem", "properties": {"addressPrefix": "192.168.0.0/16",
                                         "nextHopType": "VirtualNetworkGateway"}},
    {"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-09-01",
     "name": "nsg", "location": "westeurope",
     "properties": {"securityRules": [{"name": "any", "properties": {
         "direction": "Inbound", "access": "Allow", "priority": 100, "protocol": "*",
         "sourceAddressPrefix": "Internet", "sourceAddressPrefixes": [],
         "destinationPortRange": "*", "destinationPortRanges": []}}]}},
    {"type": "Microsoft.Network/networkSecurityGroups/securityRules",
     "apiVersion": "2023-09-01", "name": "nsg/ssh",
     "properties": {"direction": "Inbound", "access": "Deny", "priority": 200,
                    "sourceAddressPrefixes": ["10.0.0.0/8", "192.168.0.0/16"],
                    "destinationPortRanges": ["22"]}},
    {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01", "name": "spoke",
     "location": "westeurope",
     "properties": {
         "addressSpace": {"addressPrefixes": ["10.20.0.0/16"]},
         "dhcpOptions": {"dnsServers": ["10.0.0.4"]},
         "subnets": [
             {"name": "nodes", "properties": {
                 "addressPrefix": "10.20.0.0/22",
                 "routeTable": {"id": "[resourceId('Microsoft.Network/routeTables', 'rt')]"},
                 "networkSecurityGroup": {
                     "id": "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]"},
                 "natGateway": {"id": "[resourceId('Microsoft.Network/natGateways', 'ng')]"}}},
             {"name": "apiserver", "properties": {
                 "addressPrefixes": ["10.20.8.0/28"],
                 "delegations": [{"name": "aks", "properties": {
                     "serviceName": "Microsoft.ContainerService/managedClusters"}}]}},
         ],
         "virtualNetworkPeerings": [{"name": "to-hub", "properties": {
             "remoteVirtualNetwork": {"id": "[resourceId('Microsoft.Network/virtualNetworks', "
                                            "'hub')]"}}}]}},
    {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01", "name": "hub",
     "location": "westeurope",
     "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}},
     "resources": [{"type": "subnets", "apiVersion": "2023-09-01", "name": "AzureFirewallSubnet",
                    "dependsOn": ["hub"], "properties": {"addressPrefix": "10.0.1.0/26"}},
                   {"type": "virtualNetworkPeerings", "apiVersion": "2023-09-01",
                    "name": "to-spoke", "dependsOn": ["hub"],
                    "properties": {"remoteVirtualNetwork": {
                        "id": "[resourceId('Microsoft.Network/virtualNetworks', 'spoke')]"}}}]},
    {"type": "Microsoft.Network/azureFirewalls", "apiVersion": "2023-09-01", "name": "fw",
     "location": "westeurope",
     "properties": {"ipConfigurations": [{"name": "c", "properties": {
         "subnet": {"id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'hub', "
                          "'AzureFirewallSubnet')]"},
         "publicIPAddress": {"id": "[resourceId('Microsoft.Network/publicIPAddresses', "
                                   "'pip-nat')]"},
         "privateIPAddress": "10.0.1.4"}}]}},
    {"type": "Microsoft.Network/virtualNetworkGateways", "apiVersion": "2023-09-01",
     "name": "vgw", "location": "westeurope",
     "properties": {"gatewayType": "Vpn", "ipConfigurations": [{"name": "c", "properties": {
         "subnet": {"id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'hub', "
                          "'GatewaySubnet')]"}}}]}},
    {"type": "Microsoft.Network/dnsResolvers", "apiVersion": "2022-07-01", "name": "dnspr",
     "location": "westeurope", "properties": {"virtualNetwork": {
         "id": "[resourceId('Microsoft.Network/virtualNetworks', 'hub')]"}}},
    {"type": "Microsoft.Network/connections", "apiVersion": "2023-09-01", "name": "cn",
     "location": "westeurope", "properties": {"connectionType": "IPsec"}},
    _cluster_resource({
        "agentPoolProfiles": [{
            "name": "system", "vnetSubnetID": "[reference(resourceId("
            "'Microsoft.Network/virtualNetworks/subnets', 'spoke', 'nodes'), '2023-09-01', "
            "'Full').id]"}],
        "apiServerAccessProfile": {
            "enableVnetIntegration": True,
            "subnetId": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'spoke', "
                        "'apiserver')]"}}),
)


def test_network_resources_and_their_links(tmp_path: Path) -> None:
    deployment = _deployment(tmp_path, NETWORK)
    subnets = {s.name.value: s for s in deployment.subnets}
    assert set(subnets) == {"nodes", "apiserver", "AzureFirewallSubnet"}
    nodes, apiserver = subnets["nodes"], subnets["apiserver"]
    assert isinstance(nodes.vnet.value, VirtualNetwork) and nodes.vnet.value.name.value == "spoke"
    assert _values(nodes.address_prefixes) == ["10.20.0.0/22"]
    assert _values(apiserver.address_prefixes) == ["10.20.8.0/28"]
    assert _values(apiserver.delegations) == ["Microsoft.ContainerService/managedClusters"]
    assert _values(nodes.delegations) == []
    table = nodes.route_table.value
    assert isinstance(table, RouteTable)
    assert [(r.name.value, r.address_prefix.value, r.next_hop_type.value, r.next_hop_ip.value)
            for r in table.routes] == [("default", "0.0.0.0/0", "VirtualAppliance", "10.0.1.4"),
                                       ("onprem", "192.168.0.0/16", "VirtualNetworkGateway",
                                        None)]
    nsg = nodes.nsg.value
    assert isinstance(nsg, NetworkSecurityGroup)
    assert [(_values(r.source_prefixes), _values(r.destination_ports)) for r in nsg.rules] == [
        (["Internet"], ["*"]), (["10.0.0.0/8", "192.168.0.0/16"], ["22"])]
    nat = nodes.nat_gateway.value
    assert isinstance(nat, NatGateway)
    assert [(ip.address.value, ip.prefix.value, ip.is_prefix) for ip in nat.public_ips] == [
        ("198.51.100.10", None, False), (None, "198.51.100.16/28", True)]
    [cluster] = deployment.clusters
    assert cluster.node_pools[0].subnet.value is nodes
    assert cluster.api_server is not None and cluster.api_server.subnet.value is apiserver
    [firewall] = deployment.firewalls
    assert firewall.subnet.value is subnets["AzureFirewallSubnet"]
    assert firewall.private_ip.value == "10.0.1.4"
    assert [ip.name.value for ip in firewall.public_ips] == ["pip-nat"]


def test_hybrid_resources(tmp_path: Path) -> None:
    deployment = _deployment(tmp_path, NETWORK)
    vnets = {v.name.value: v for v in deployment.vnets}
    assert _values(vnets["spoke"].dns_servers) == ["10.0.0.4"]
    assert [(g.name.value, g.kind.value) for g in deployment.gateways] == [
        ("vgw", "Vpn"), ("cn", "Connection")]
    # the gateway subnet is not declared, but its VNet is
    assert deployment.gateways[0].vnet.value is vnets["hub"]
    [resolver] = deployment.dns_resolvers
    assert resolver.vnet.value is vnets["hub"]
    peerings = {(p.local_vnet.value.name.value, p.remote_vnet.value.name.value)  # type: ignore[union-attr]
                for p in deployment.peerings}
    assert peerings == {("spoke", "hub"), ("hub", "spoke")}


def test_copy_loop_of_subnets_links_pools(tmp_path: Path) -> None:
    fixture = Path(__file__).parent.parent / "fixtures" / "AKS001" / "arm_copy_subnets.json"
    deployment = _deployment(tmp_path, fixture.read_text(encoding="utf-8"))
    prefixes = {s.name.value: _values(s.address_prefixes) for s in deployment.subnets}
    assert prefixes == {"snet-system": ["10.40.0.0/20"], "snet-user": ["10.40.16.0/20"]}
    [cluster] = deployment.clusters
    assert [p.subnet.value.name.value for p in cluster.node_pools  # type: ignore[union-attr]
            ] == ["snet-system", "snet-user"]


def test_bicep_format_is_recorded_everywhere() -> None:
    loc = Location("main.bicep", 1)
    body = Sourced({"properties": Sourced({}, loc), "location": Sourced("westeurope", loc)},
                   loc)
    resource = ResolvedResource("arm", "Microsoft.ContainerService/managedClusters",
                                "microsoft.containerservice/managedclusters/aks",
                                Sourced("aks", loc), body, loc)
    deployment = normalise_arm([resource], "main.bicep", format="bicep")
    assert deployment.format == "bicep" and deployment.clusters[0].format == "bicep"


# ---------------------------------------------------------------------------------------
# Loading

def test_blueprint_artifact_reads_like_a_template(tmp_path: Path) -> None:
    artifact = {"kind": "template", "type": "Microsoft.Blueprint/blueprints/artifacts",
                "name": "aks", "properties": {"template": _template(_cluster_resource({})),
                                              "parameters": {}}}
    [cluster] = _deployment(tmp_path, artifact).clusters
    assert cluster.name.value == "aks"


def test_parameter_file_alone_scans_its_template_once(tmp_path: Path) -> None:
    template = _template(_cluster_resource({"apiServerAccessProfile": {
        "authorizedIPRanges": "[parameters('ranges')]"}}),
        parameters={"ranges": {"type": "array"}})
    params = {"$schema": PARAMS_SCHEMA, "contentVersion": "1.0.0.0",
              "parameters": {"ranges": {"value": []}}}
    (tmp_path / "aks.json").write_text(json.dumps(template, indent=2))
    (tmp_path / "aks.parameters.json").write_text(json.dumps(params, indent=2))
    alone = lint([tmp_path / "aks.parameters.json"], Options(select=("AKS001",),
                                                                root=tmp_path))
    together = lint([tmp_path], Options(select=("AKS001",), root=tmp_path))
    for result in (alone, together):
        assert result.deployments == 1 and not result.errors
        assert [(f.rule_id, f.location.path) for f in result.active] == [
            ("AKS001", "aks.parameters.json")]


def test_param_file_option_applies_after_the_own_files(tmp_path: Path) -> None:
    template = _template(_cluster_resource({"apiServerAccessProfile": {
        "authorizedIPRanges": "[parameters('ranges')]"}}),
        parameters={"ranges": {"type": "array", "defaultValue": []}})
    extra = tmp_path / "prod.json"
    extra.write_text(json.dumps({"$schema": PARAMS_SCHEMA, "contentVersion": "1.0.0.0",
                                 "parameters": {"ranges": {"value": ["203.0.113.0/24"]}}}))
    loaded = _load(tmp_path, {"main.json": template}, param_files=(extra,))
    [cluster] = loaded.deployments[0].clusters
    assert cluster.api_server is not None
    assert _values(cluster.api_server.authorized_ip_ranges) == ["203.0.113.0/24"]


def test_compiled_bicep_defers_to_its_source(tmp_path: Path) -> None:
    compiled = _template(_cluster_resource({}),
                         metadata={"_generator": {"name": "bicep", "version": "0.30.3"}})
    assert _load(tmp_path, {"main.json": compiled}).deployments  # no source: scanned
    (tmp_path / "main.bicep").write_text(
        "resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {\n"
        "  name: 'aks'\n  location: 'westeurope'\n  properties: {}\n}\n")
    # the source supersedes the compiled JSON when both are scanned
    together = lint([tmp_path], Options(select=("AKS001",), root=tmp_path))
    assert together.deployments == 1 and not together.errors
    assert [(f.rule_id, f.location.path) for f in together.active] == [("AKS001", "main.bicep")]
    # named alone (or with `exclude: ["*.bicep"]`), the JSON is scanned
    alone = lint([tmp_path / "main.json"], Options(select=("AKS001",), root=tmp_path))
    assert [(f.rule_id, f.location.path) for f in alone.active] == [("AKS001", "main.json")]


def test_other_json_is_skipped(tmp_path: Path) -> None:
    loaded = _load(tmp_path, {"main.json": {"name": "package", "version": "1.0.0"}})
    assert not loaded.deployments and not loaded.errors and loaded.files == 0


# ---------------------------------------------------------------------------------------
# azapi

AZAPI = '''
resource "azapi_resource" "vnet" {
  type      = "Microsoft.Network/virtualNetworks@2023-09-01"
  name      = "vnet-spoke"
  parent_id = "/subscriptions/s/resourceGroups/rg"
  location  = "westeurope"
  body = {
    properties = {
      addressSpace = { addressPrefixes = ["10.20.0.0/16"] }
    }
  }
}

resource "azapi_resource" "nodes" {
  type      = "Microsoft.Network/virtualNetworks/subnets@2023-09-01"
  name      = "nodes"
  parent_id = azapi_resource.vnet.id
  body = {
    properties = { addressPrefix = "10.20.0.0/22" }
  }
}

resource "azapi_resource" "aks" {
  type      = "Microsoft.ContainerService/managedClusters@2024-02-01"
  name      = "aks"
  parent_id = "/subscriptions/s/resourceGroups/rg"
  location  = "westeurope"
  identity {
    type = "SystemAssigned"
  }
  body = {
    properties = {
      dnsPrefix = "aks"
      agentPoolProfiles = [{ name = "system", count = 3, vnetSubnetID = azapi_resource.nodes.id }]
      apiServerAccessProfile = { authorizedIPRanges = [] }
    }
  }
}

resource "azapi_resource" "legacy" {
  type      = "Microsoft.ContainerService/managedClusters@2023-01-01"
  name      = "legacy"
  parent_id = "/subscriptions/s/resourceGroups/rg"
  body = jsonencode({
    properties = { apiServerAccessProfile = { enablePrivateCluster = true } }
  })
}

resource "azapi_resource" "other" {
  type      = "Microsoft.Storage/storageAccounts@2023-01-01"
  name      = "st"
  parent_id = "/subscriptions/s/resourceGroups/rg"
}
'''


def _terraform(tmp_path: Path, text: str) -> list[ResolvedResource]:
    from aksnetlint.parsers.terraform import parse_terraform
    from aksnetlint.resolve.terraform import ModuleLoader, TerraformModule, resolve_terraform

    module = TerraformModule(".")
    module.files.append(parse_terraform(text, "main.tf"))
    resolution = resolve_terraform(module, ModuleLoader())
    assert not resolution.errors, resolution.errors
    return resolution.resources


def test_azapi_resources_take_the_arm_shape(tmp_path: Path) -> None:
    converted = [azapi_to_arm(res) for res in _terraform(tmp_path, AZAPI)]
    assert converted[-1] is None  # not a type the model reads
    resources = [res for res in converted if res is not None]
    assert [r.api_version for r in resources] == ["2023-09-01", "2023-09-01", "2024-02-01",
                                                  "2023-01-01"]
    deployment = normalise_arm(resources, ".", format="terraform")
    [vnet] = deployment.vnets
    [subnet] = deployment.subnets
    assert subnet.vnet.value is vnet and _values(subnet.address_prefixes) == ["10.20.0.0/22"]
    aks, legacy = deployment.clusters
    assert aks.key == "azapi_resource.aks" and aks.identity_type.value == "SystemAssigned"
    assert aks.node_pools[0].subnet.value is subnet
    assert aks.api_server is not None and aks.api_server.authorized_ip_ranges.value == ()
    assert aks.decl.line == 23 and aks.format == "terraform"
    assert legacy.api_server is not None and legacy.api_server.private.value is True
    assert legacy.api_server.private.loc is not None
    assert legacy.api_server.private.loc.line == 44  # the jsonencode body


# ---------------------------------------------------------------------------------------
# The same deployment in Terraform and in ARM

EQUIVALENT_TF = '''
resource "azurerm_virtual_network" "hub" {
  name                = "vnet-hub"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
  dns_servers         = ["10.0.0.4"]
}

resource "azurerm_virtual_network" "spoke" {
  name                = "vnet-spoke"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.20.0.0/16"]
}

resource "azurerm_subnet" "nodes" {
  name                 = "snet-nodes"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.20.0.0/22"]
}

resource "azurerm_route_table" "rt" {
  name                = "rt-nodes"
  location            = "westeurope"
  resource_group_name = "rg"
  route {
    name                   = "default"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.0.1.4"
  }
}

resource "azurerm_subnet_route_table_association" "nodes" {
  subnet_id      = azurerm_subnet.nodes.id
  route_table_id = azurerm_route_table.rt.id
}

resource "azurerm_virtual_network_peering" "spoke_to_hub" {
  name                      = "spoke-to-hub"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.spoke.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
}

resource "azurerm_private_dns_resolver" "hub" {
  name                = "dnspr-hub"
  resource_group_name = "rg"
  location            = "westeurope"
  virtual_network_id  = azurerm_virtual_network.hub.id
}

resource "azurerm_user_assigned_identity" "aks" {
  name                = "id-aks"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                       = "aks-spoke"
  location                   = "westeurope"
  resource_group_name        = "rg"
  dns_prefix                 = "aks"
  private_cluster_enabled    = true

  default_node_pool {
    name                 = "system"
    node_count           = 3
    vm_size              = "Standard_D4s_v5"
    vnet_subnet_id       = azurerm_subnet.nodes.id
    max_pods             = 50
    auto_scaling_enabled = false
  }

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.aks.id]
  }

  network_profile {
    network_plugin = "azure"
    network_policy = "calico"
    outbound_type  = "userDefinedRouting"
    service_cidr   = "172.16.0.0/16"
    dns_service_ip = "172.16.0.10"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "user" {
  name                  = "user"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.aks.id
  vm_size               = "Standard_D4s_v5"
  vnet_subnet_id        = azurerm_subnet.nodes.id
  mode                  = "User"
  node_count            = 2
  auto_scaling_enabled  = true
  min_count             = 2
  max_count             = 5
}
'''


def _equivalent_arm() -> dict[str, Any]:
    def rid(rtype: str, *names: str) -> str:
        args = ", ".join(f"'{n}'" for n in names)
        return f"[resourceId('{rtype}', {args})]"

    subnet_id = rid("Microsoft.Network/virtualNetworks/subnets", "vnet-spoke", "snet-nodes")
    return _template(
        {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01",
         "name": "vnet-hub", "location": "westeurope",
         "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                        "dhcpOptions": {"dnsServers": ["10.0.0.4"]}}},
        {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01",
         "name": "vnet-spoke", "location": "westeurope",
         "properties": {"addressSpace": {"addressPrefixes": ["10.20.0.0/16"]}}},
        {"type": "Microsoft.Network/routeTables", "apiVersion": "2023-09-01",
         "name": "rt-nodes", "location": "westeurope",
         "properties": {"routes": [{"name": "default", "properties": {
             "addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance",
             "nextHopIpAddress": "10.0.1.4"}}]}},
        {"type": "Microsoft.Network/virtualNetworks/subnets", "apiVersion": "2023-09-01",
         "name": "vnet-spoke/snet-nodes",
         "properties": {"addressPrefixes": ["10.20.0.0/22"],
                        "routeTable": {"id": rid("Microsoft.Network/routeTables",
                                                 "rt-nodes")}}},
        {"type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
         "apiVersion": "2023-09-01", "name": "vnet-spoke/spoke-to-hub",
         "properties": {"remoteVirtualNetwork": {
             "id": rid("Microsoft.Network/virtualNetworks", "vnet-hub")}}},
        {"type": "Microsoft.Network/dnsResolvers", "apiVersion": "2022-07-01",
         "name": "dnspr-hub", "location": "westeurope",
         "properties": {"virtualNetwork": {
             "id": rid("Microsoft.Network/virtualNetworks", "vnet-hub")}}},
        {"type": "Microsoft.ManagedIdentity/userAssignedIdentities",
         "apiVersion": "2023-01-31", "name": "id-aks", "location": "westeurope"},
        {"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-02-01",
         "name": "aks-spoke", "location": "westeurope",
         "identity": {"type": "UserAssigned", "userAssignedIdentities": {
             rid("Microsoft.ManagedIdentity/userAssignedIdentities", "id-aks"): {}}},
         "properties": {
             "dnsPrefix": "aks",
             "agentPoolProfiles": [{"name": "system", "count": 3,
                                    "vmSize": "Standard_D4s_v5", "vnetSubnetID": subnet_id,
                                    "maxPods": 50, "enableAutoScaling": False}],
             "apiServerAccessProfile": {"enablePrivateCluster": True},
             "networkProfile": {"networkPlugin": "azure", "networkPolicy": "calico",
                                "outboundType": "userDefinedRouting",
                                "serviceCidr": "172.16.0.0/16",
                                "dnsServiceIP": "172.16.0.10"}}},
        {"type": "Microsoft.ContainerService/managedClusters/agentPools",
         "apiVersion": "2024-02-01", "name": "aks-spoke/user",
         "properties": {"vmSize": "Standard_D4s_v5", "vnetSubnetID": subnet_id,
                        "mode": "User", "count": 2, "enableAutoScaling": True,
                        "minCount": 2, "maxCount": 5}},
    )


def _shape(value: object, depth: int = 0) -> object:
    """Model values without locations, keys or format: what must match across formats."""
    skip = {"key", "decl", "format", "loc", "origin"}
    if isinstance(value, Field):
        return (_shape(value.value, depth), value.default)
    if isinstance(value, Unresolved):
        return "<unresolved>"
    if isinstance(value, tuple):
        return tuple(_shape(v, depth) for v in value)
    if hasattr(value, "__dataclass_fields__"):
        if depth > 2:  # a linked object: its name identifies it
            return ("->", _shape(getattr(value, "name", None), depth))
        return {name: _shape(getattr(value, name), depth + 1)
                for name in value.__dataclass_fields__ if name not in skip}
    return value


def _terraform_deployment(tmp_path: Path) -> Deployment:
    folder = tmp_path / "tf"
    folder.mkdir()
    (folder / "main.tf").write_text(EQUIVALENT_TF)
    [unit] = [u for u in discover([folder], folder).units if u.format == "terraform"]
    loaded = load_terraform(unit, LoadOptions(folder))
    assert not loaded.errors, loaded.errors
    return loaded.deployments[0]


def test_arm_and_terraform_give_the_same_model(tmp_path: Path) -> None:
    tf = _terraform_deployment(tmp_path)
    arm_dir = tmp_path / "arm"
    arm_dir.mkdir()
    arm = _deployment(arm_dir, _equivalent_arm())
    [tf_cluster], [arm_cluster] = tf.clusters, arm.clusters
    tf_shape, arm_shape = _shape(tf_cluster), _shape(arm_cluster)
    assert isinstance(tf_shape, dict) and isinstance(arm_shape, dict)
    # documented difference (AKS-RULES.md "Public FQDN defaults differ by format")
    for shape in (tf_shape, arm_shape):
        shape["api_server"].pop("public_fqdn_enabled")
    assert arm_shape == tf_shape
    for collection in ("vnets", "subnets", "route_tables", "dns_resolvers", "peerings",
                       "identities", "gateways"):
        assert _shape(getattr(arm, collection)) == _shape(getattr(tf, collection)), collection


def test_arm_and_terraform_give_the_same_findings(tmp_path: Path) -> None:
    _terraform_deployment(tmp_path)
    (tmp_path / "arm").mkdir()
    (tmp_path / "arm" / "main.json").write_text(json.dumps(_equivalent_arm(), indent=2))
    tf = lint([tmp_path / "tf"], Options(root=tmp_path))
    arm = lint([tmp_path / "arm"], Options(root=tmp_path))
    assert not tf.errors and not arm.errors
    assert sorted(f.rule_id for f in arm.active) == sorted(f.rule_id for f in tf.active)
    assert "AKS101" in {f.rule_id for f in arm.active}


def test_model_objects_are_typed(tmp_path: Path) -> None:
    deployment = _deployment(tmp_path, NETWORK)
    assert all(isinstance(c, Cluster) for c in deployment.clusters)
    assert all(isinstance(s, Subnet) for s in deployment.subnets)
    assert all(isinstance(z, PrivateDnsZone) for z in deployment.private_dns_zones)


def test_subnet_uses(tmp_path: Path) -> None:
    subnet_id = "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v', 'apiserver')]"
    template = _template(
        {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01", "name": "v",
         "location": "westeurope", "properties": {
             "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
             "subnets": [{"name": "apiserver", "properties": {"addressPrefix": "10.0.0.0/28"}}]}},
        {"type": "Microsoft.Network/networkInterfaces", "apiVersion": "2023-09-01",
         "name": "nic", "location": "westeurope", "properties": {"ipConfigurations": [
             {"name": "a", "properties": {"subnet": {"id": subnet_id}}},
             {"name": "b", "properties": {"subnet": {"id": "/subscriptions/s/resourceGroups/r/"
                                                          "providers/Microsoft.Network/"
                                                          "virtualNetworks/x/subnets/y"}}}]}},
        {"type": "Microsoft.Network/privateEndpoints", "apiVersion": "2023-09-01",
         "name": "pe", "location": "westeurope",
         "properties": {"subnet": {"id": "[parameters('subnet')]"}}},
        parameters={"subnet": {"type": "string"}})
    deployment = _deployment(tmp_path, template)
    [subnet] = deployment.subnets
    uses = [(u.role, u.subnet.value) for u in deployment.subnet_uses]
    assert uses[0] == ("network interface", subnet)
    assert uses[1][0] == "network interface" and isinstance(uses[1][1], str)
    assert uses[2][0] == "private endpoint" and isinstance(uses[2][1], Unresolved)
