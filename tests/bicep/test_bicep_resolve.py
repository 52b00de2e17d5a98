"""Bicep evaluation into ARM-shaped resources: parameters, expressions, symbolic
references, child resources, loops, conditions, modules and outputs."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from aksnetlint.parsers import bicep_ast as ast
from aksnetlint.resolve.arm_functions import arm_resource_key
from aksnetlint.resolve.bicep import (
    bicep_source_for,
    comments_of,
    is_compiled_bicep,
    local_modules,
    parameter_files_for,
    resolve_bicep,
    resolve_bicepparam,
)
from aksnetlint.resolve.resources import Resolution, ResolvedResource
from aksnetlint.values import ResourceRef, Sourced, Unresolved

VNET_ID = ("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/"
           "Microsoft.Network/virtualNetworks/vnet")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def resolve(tmp_path: Path, text: str, name: str = "main.bicep",
            param_file: Path | None = None) -> Resolution:
    path = write(tmp_path, name, text)
    return resolve_bicep(path, name, tmp_path, param_file)


def only(resolution: Resolution, rtype: str) -> ResolvedResource:
    found = [r for r in resolution.resources if r.type == rtype]
    assert len(found) == 1, [r.type for r in resolution.resources]
    return found[0]


def prop(resource: ResolvedResource, *path: str | int) -> Sourced:
    value = resource.body
    for step in path:
        data = value.data
        assert isinstance(data, dict | list), (path, data)
        value = data[step]  # type: ignore[index]
    return value


def outputs(tmp_path: Path, text: str) -> tuple[dict[str, object], Resolution]:
    """Evaluate `text` as a module of a wrapper file and read every output plainly."""
    write(tmp_path, "mod.bicep", text)
    names = [line.split()[1] for line in textwrap.dedent(text).splitlines()
             if line.startswith("output ")]
    wrapper = "module m './mod.bicep' = {\n  name: 'm'\n}\n" + "".join(
        f"output {n} object = {{v: m.outputs.{n}}}\n" for n in names)
    path = write(tmp_path, "wrapper.bicep", wrapper)
    from aksnetlint.resolve import bicep

    run = bicep._Run(tmp_path.resolve())
    tree = bicep.load_bicep(path, "wrapper.bicep")
    assert isinstance(tree, ast.BicepFile)
    scope = bicep._FileScope(run, path.resolve(), "wrapper.bicep", tree,
                             bicep._root_deployment(tree), bicep._Values({}), (), True)
    values = {}
    for output in tree.outputs:
        value = scope.output_value(output).data
        assert isinstance(value, dict)
        values[output.name] = value["v"].plain()
    return values, run.resolution


# ---------------------------------------------------------------------------------------
# Parameters


def test_parameter_default_is_located_at_the_default(tmp_path: Path) -> None:
    result = resolve(tmp_path, """
        param plugin string = 'kubenet'
        resource aks 'Microsoft.ContainerService/managedClusters@2024-01-01' = {
          name: 'aks'
          properties: {
            networkProfile: {
              networkPlugin: plugin
            }
          }
        }
        """)
    value = prop(only(result, "Microsoft.ContainerService/managedClusters"), "properties",
                 "networkProfile", "networkPlugin")
    assert value.data == "kubenet"
    assert value.loc is not None and (value.loc.line, value.loc.column) == (1, 23)
    assert value.at is not None and value.at.line == 6
    assert not result.errors


def test_parameter_without_value_is_unresolved_and_nullable_is_null(tmp_path: Path) -> None:
    result = resolve(tmp_path, """
        param ranges array
        param policy string?
        resource aks 'Microsoft.ContainerService/managedClusters@2024-01-01' = {
          name: 'aks'
          properties: {
            apiServerAccessProfile: {authorizedIPRanges: ranges}
            networkProfile: {networkPolicy: policy}
          }
        }
        """)
    aks = only(result, "Microsoft.ContainerService/managedClusters")
    ranges = prop(aks, "properties", "apiServerAccessProfile", "authorizedIPRanges")
    assert isinstance(ranges.data, Unresolved)
    assert "no value" in ranges.data.reason
    assert ranges.loc is not None and ranges.loc.line == 1
    assert prop(aks, "properties", "networkProfile", "networkPolicy").data is None
    assert not result.errors


def test_bicepparam_supplies_values_located_in_the_parameters_file(tmp_path: Path) -> None:
    write(tmp_path, "main.bicep", """
        param ranges array = []
        param name string
        resource aks 'Microsoft.ContainerService/managedClusters@2024-01-01' = {
          name: name
          properties: {apiServerAccessProfile: {authorizedIPRanges: ranges}}
        }
        """)
    params = write(tmp_path, "prod.bicepparam", """
        using './main.bicep'
        var suffix = 'prod'
        param name = 'aks-${suffix}'
        param ranges = [
          '0.0.0.0/0'
        ]
        param env = readEnvironmentVariable('X', 'y')
        """)
    assert parameter_files_for(tmp_path / "main.bicep") == [params]
    result = resolve_bicepparam(params, "prod.bicepparam", tmp_path)
    aks = only(result, "Microsoft.ContainerService/managedClusters")
    assert aks.name.data == "aks-prod"
    entry = prop(aks, "properties", "apiServerAccessProfile", "authorizedIPRanges", 0)
    assert entry.data == "0.0.0.0/0"
    assert entry.loc is not None and (entry.loc.path, entry.loc.line) == ("prod.bicepparam", 5)
    assert any("'env'" in note for note in result.notes)


def test_bicepparam_extends_a_base_file(tmp_path: Path) -> None:
    write(tmp_path, "main.bicep", """
        param tags object
        param name string
        resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
          name: name
          tags: tags
        }
        """)
    write(tmp_path, "base.bicepparam", """
        using none
        param name = 'base-vnet'
        param tags = {owner: 'platform'}
        """)
    derived = write(tmp_path, "dev.bicepparam", """
        using 'main.bicep'
        extends 'base.bicepparam'
        param tags = {
          ...base.tags
          env: 'dev'
        }
        """)
    result = resolve_bicepparam(derived, "dev.bicepparam", tmp_path)
    vnet = only(result, "Microsoft.Network/virtualNetworks")
    assert vnet.name.data == "base-vnet"
    assert prop(vnet, "tags").plain() == {"owner": "platform", "env": "dev"}
    assert not result.errors


def test_parameters_json_beside_the_file(tmp_path: Path) -> None:
    main = write(tmp_path, "main.bicep", """
        param plugin string = 'azure'
        param secret string
        resource aks 'Microsoft.ContainerService/managedClusters@2024-01-01' = {
          name: 'aks'
          properties: {networkProfile: {networkPlugin: plugin}, x: secret}
        }
        """)
    json_file = write(tmp_path, "main.parameters.json", """
        {
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
          "contentVersion": "1.0.0.0",
          "parameters": {
            "plugin": {"value": "kubenet"},
            "secret": {"reference": {"keyVault": {"id": "x"}, "secretName": "s"}}
          }
        }
        """)
    assert parameter_files_for(main) == [json_file]
    result = resolve_bicep(main, "main.bicep", tmp_path, json_file)
    aks = only(result, "Microsoft.ContainerService/managedClusters")
    plugin = prop(aks, "properties", "networkProfile", "networkPlugin")
    assert plugin.data == "kubenet"
    assert plugin.loc is not None and plugin.loc.path == "main.parameters.json"
    assert plugin.loc.line == 5
    assert isinstance(prop(aks, "properties", "x").data, Unresolved)


# ---------------------------------------------------------------------------------------
# Variables and expressions


def test_expressions_share_the_arm_function_library(tmp_path: Path) -> None:
    values, resolution = outputs(tmp_path, """
        param location string = 'West Europe'
        var pools = [
          {name: 'sys', count: 3, enabled: true}
          {name: 'user', count: 0, enabled: false}
        ]
        output interpolation string = 'aks-${toLower(replace(location, ' ', ''))}-${length(pools)}'
        output subnet string = cidrSubnet('10.0.0.0/16', 24, 3)
        output filtered array = map(filter(pools, p => p.enabled && p.count > 0), p => p.name)
        output reduced int = reduce(pools, 0, (acc, p) => acc + p.count)
        output indexed array = map(pools, (p, i) => '${i}:${p.name}')
        output ops object = {a: 7 / 2, b: -7 % 3, c: 'A' =~ 'a', d: 1 != 2, e: !true}
        output ternary string = length(pools) > 1 ? 'many' : 'few'
        output coalesce string = null ?? 'fallback'
        output safe object = {x: pools[0].?missing, y: pools[?9]}
        output union object = union({a: 1}, {b: 2})
        output split array = split('a,b', ',')
        output loop array = [for (p, i) in pools: if (p.enabled) '${p.name}${i}']
        output rg object = {id: resourceGroup('rg-x').id, name: resourceGroup('s', 'rg-y').name}
        output namespaced string = sys.concat('a', az.resourceGroup().type)
        output bool string = '${true}'
        """)
    assert values["interpolation"] == "aks-westeurope-2"
    assert values["subnet"] == "10.0.3.0/24"
    assert values["filtered"] == ["sys"]
    assert values["reduced"] == 3
    assert values["indexed"] == ["0:sys", "1:user"]
    assert values["ops"] == {"a": 3, "b": -1, "c": True, "d": True, "e": False}
    assert values["ternary"] == "many"
    assert values["coalesce"] == "fallback"
    assert values["safe"] == {"x": None, "y": None}
    assert values["union"] == {"a": 1, "b": 2}
    assert values["split"] == ["a", "b"]
    assert values["loop"] == ["sys0"]
    rg = values["rg"]
    assert isinstance(rg, dict) and isinstance(rg["id"], Unresolved) and rg["name"] == "rg-y"
    assert values["namespaced"] == "aMicrosoft.Resources/resourceGroups"
    assert values["bool"] == "True"  # Bicep interpolation compiles to format()
    assert not resolution.errors


def test_runtime_functions_are_unresolved(tmp_path: Path) -> None:
    values, resolution = outputs(tmp_path, """
        output u string = uniqueString(resourceGroup().id)
        output g string = guid('x')
        output n string = utcNow()
        output loc string = resourceGroup().location
        output r object = reference('x', '2020-01-01')
        output l object = listKeys('x', '2020-01-01')
        output unknownOr bool = false || empty(uniqueString('a'))
        output known bool = true || empty(uniqueString('a'))
        """)
    for name in ("u", "g", "n", "loc", "r", "l", "unknownOr"):
        assert isinstance(values[name], Unresolved), name
    assert values["known"] is True
    assert not resolution.errors


def test_template_errors_are_positioned_and_never_raise(tmp_path: Path) -> None:
    result = resolve(tmp_path, """
        var a = b
        var b = a
        var c = {x: 1}.y
        var d = cidrSubnet('10.0.0.0/16', 8, 0)
        var e = 1 / 0
        var f = undeclared
        resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
          name: 'vnet'
          properties: {a: a, c: c, d: d, e: e, f: f}
        }
        """)
    messages = {(e.line, e.message) for e in result.errors}
    assert any("refers to itself" in m for _, m in messages)
    assert any(line == 3 and "'y' does not exist" in m for line, m in messages)
    assert any(line == 4 for line, _ in messages)
    assert any(line == 5 and "division by zero" in m for line, m in messages)
    assert any(line == 6 and "not declared" in m for line, m in messages)
    vnet = only(result, "Microsoft.Network/virtualNetworks")
    properties = prop(vnet, "properties").data
    assert isinstance(properties, dict)
    assert all(isinstance(v.data, Unresolved) for v in properties.values())


# ---------------------------------------------------------------------------------------
# Symbolic references, child and existing resources


def test_symbolic_references_and_child_resources(tmp_path: Path) -> None:
    result = resolve(tmp_path, """
        resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
          name: 'vnet'
          location: 'westeurope'
          properties: {
            addressSpace: {addressPrefixes: ['10.0.0.0/16']}
            subnets: [
              {name: 'inline', properties: {addressPrefix: '10.0.8.0/24'}}
            ]
          }

          resource aks 'subnets' = {
            name: 'aks'
            properties: {
              addressPrefix: cidrSubnet(vnet.properties.addressSpace.addressPrefixes[0], 22, 0)
            }
          }
        }

        resource api 'Microsoft.Network/virtualNetworks/subnets@2023-04-01' = {
          parent: vnet
          name: 'api'
          properties: {addressPrefix: '10.0.4.0/28'}
        }

        resource aksCluster 'Microsoft.ContainerService/managedClusters@2024-01-01' = {
          name: 'aks'
          location: vnet.location
          properties: {
            agentPoolProfiles: [
              {name: 'sys', vnetSubnetID: vnet::aks.id}
              {name: 'inline', vnetSubnetID: vnet.properties.subnets[0].id}
            ]
            apiServerAccessProfile: {subnetId: api.id, enableVnetIntegration: true}
            x: {name: api.name, type: api.type, runtime: vnet.properties.provisioningState}
          }
        }
        """)
    assert not result.errors
    subnets = [r for r in result.resources
               if r.type == "Microsoft.Network/virtualNetworks/subnets"]
    assert [(s.name.data, s.api_version, s.address) for s in subnets] == [
        ("vnet/aks", "2023-04-01", "microsoft.network/virtualnetworks/vnet/subnets/aks"),
        ("vnet/api", "2023-04-01", "microsoft.network/virtualnetworks/vnet/subnets/api"),
    ]
    assert subnets[0].decl.line == 11 and subnets[1].decl.line == 19
    assert prop(subnets[0], "properties", "addressPrefix").data == "10.0.0.0/22"
    cluster = only(result, "Microsoft.ContainerService/managedClusters")
    pools = prop(cluster, "properties", "agentPoolProfiles").plain()
    assert isinstance(pools, list)
    assert arm_resource_key(pools[0]["vnetSubnetID"]) == subnets[0].address
    assert pools[1]["vnetSubnetID"] == f"{VNET_ID}/subnets/inline"
    api_id = prop(cluster, "properties", "apiServerAccessProfile", "subnetId").data
    assert isinstance(api_id, str) and arm_resource_key(api_id) == subnets[1].address
    assert prop(cluster, "location").data == "westeurope"
    extra = prop(cluster, "properties", "x").plain()
    assert isinstance(extra, dict)
    assert extra["name"] == "api"
    assert extra["type"] == "Microsoft.Network/virtualNetworks/subnets"
    # runtime state of a declared resource: unknown, but a reference to that resource,
    # as the compiled template's reference(...) gives
    assert extra["runtime"] == ResourceRef("microsoft.network/virtualnetworks/vnet",
                                           "properties.provisioningState")
    body = prop(subnets[1]).plain()
    assert isinstance(body, dict) and "parent" not in body and body["name"] == "vnet/api"


def test_runtime_state_of_a_declared_resource_is_a_reference(tmp_path: Path) -> None:
    # a route's next hop written as the firewall's private IP names the firewall, as
    # reference(resourceId(...)).ipConfigurations[0]... does in the compiled template
    result = resolve(tmp_path, """
        resource fw 'Microsoft.Network/azureFirewalls@2023-11-01' = {
          name: 'afw-hub'
          properties: {
            ipConfigurations: [{name: 'config', properties: {}}]
          }
        }
        resource rt 'Microsoft.Network/routeTables@2023-11-01' = {
          name: 'rt'
          properties: {
            routes: [{name: 'default', properties: {
              nextHopIpAddress: fw.properties.ipConfigurations[0].properties.privateIPAddress
            }}]
            x: '${fw.properties.hubIPAddresses.privateIPAddress}/32'
            missing: fw.properties.ipConfigurations[3]
          }
        }
        """)
    assert not result.errors
    table = only(result, "Microsoft.Network/routeTables")
    hop = prop(table, "properties", "routes", 0, "properties", "nextHopIpAddress").data
    assert hop == ResourceRef("microsoft.network/azurefirewalls/afw-hub",
                              "properties.ipConfigurations[0].properties.privateIPAddress")
    text = prop(table, "properties", "x").data
    assert isinstance(text, Unresolved) and "assigned at deployment" in text.reason
    assert prop(table, "properties", "missing").data == ResourceRef(
        "microsoft.network/azurefirewalls/afw-hub", "properties.ipConfigurations[3]")


def test_existing_resources_know_id_and_name_only(tmp_path: Path) -> None:
    result = resolve(tmp_path, """
        resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' existing = {
          name: 'hub'
          scope: resourceGroup('rg-net')
          resource snet 'subnets' existing = {
            name: 'aks'
          }
        }
        resource aks 'Microsoft.ContainerService/managedClusters@2024-01-01' = {
          name: 'aks'
          properties: {
            agentPoolProfiles: [{name: 'sys', vnetSubnetID: vnet::snet.id}]
            x: vnet::snet.properties.addressPrefix
          }
        }
        """)
    assert not result.errors
    vnet = only(result, "Microsoft.Network/virtualNetworks")
    assert prop(vnet, "existing").data is True
    assert vnet.id == ("/subscriptions/{subscriptionId}/resourceGroups/rg-net/providers/"
                       "Microsoft.Network/virtualNetworks/hub")
    snet = only(result, "Microsoft.Network/virtualNetworks/subnets")
    assert snet.name.data == "hub/aks" and prop(snet, "existing").data is True
    cluster = only(result, "Microsoft.ContainerService/managedClusters")
    assert prop(cluster, "properties", "agentPoolProfiles", 0, "vnetSubnetID").data == \
        f"{vnet.id}/subnets/aks"
    assert isinstance(prop(cluster, "properties", "x").data, Unresolved)


def test_extension_resource_scope_is_the_target_id(tmp_path: Path) -> None:
    result = resolve(tmp_path, """
        resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
          name: 'vnet'
        }
        resource lock 'Microsoft.Authorization/locks@2020-05-01' = {
          name: 'nodelete'
          scope: vnet
          properties: {level: 'CanNotDelete'}
        }
        """)
    lock = only(result, "Microsoft.Authorization/locks")
    assert prop(lock, "scope").data == VNET_ID
    assert lock.id == f"{VNET_ID}/providers/Microsoft.Authorization/locks/nodelete"


# ---------------------------------------------------------------------------------------
# Loops and conditions


def test_resource_loop_with_index_filter_and_references(tmp_path: Path) -> None:
    result = resolve(tmp_path, """
        param subnets array = [
          {name: 'a', deploy: true}
          {name: 'b', deploy: false}
          {name: 'c', deploy: true}
        ]
        resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
          name: 'vnet'
        }
        resource snets 'Microsoft.Network/virtualNetworks/subnets@2023-04-01' = [
          for (s, i) in subnets: if (s.deploy) {
          parent: vnet
          name: s.name
          properties: {addressPrefix: '10.0.${i}.0/24'}
        }
        ]
        output third string = snets[2].id
        output names array = [for i in range(0, 3): snets[i].name]
        """)
    looped = [r for r in result.resources if r.type.endswith("/subnets")]
    assert [(r.name.data, prop(r, "properties", "addressPrefix").data) for r in looped] == [
        ("vnet/a", "10.0.0.0/24"), ("vnet/c", "10.0.2.0/24")]
    assert {r.decl.line for r in looped} == {9}
    assert not result.errors


def test_conditions_drop_or_mark_unknown(tmp_path: Path) -> None:
    result = resolve(tmp_path, """
        param deploy bool = false
        param unknown bool
        resource a 'Microsoft.Network/virtualNetworks@2023-04-01' = if (deploy) {
          name: 'a'
          resource child 'subnets' = {
            name: 'x'
          }
        }
        resource b 'Microsoft.Network/virtualNetworks@2023-04-01' = if (unknown) {
          name: 'b'
          resource child 'subnets' = {
            name: 'y'
          }
        }
        resource c 'Microsoft.Network/virtualNetworks@2023-04-01' = if (!deploy) {
          name: 'c'
        }
        resource d 'Microsoft.Network/virtualNetworks/subnets@2023-04-01' = [for n in f(): {
          name: 'c/${n}'
        }]
        """)
    presence = {r.name.data if isinstance(r.name.data, str) else "?": r.present
                for r in result.resources}
    assert presence == {"b": None, "b/y": None, "c": True, "?": None}


def test_loop_over_the_copy_limit_is_capped(tmp_path: Path) -> None:
    result = resolve(tmp_path, """
        resource pips 'Microsoft.Network/publicIPAddresses@2023-04-01' = [for i in range(0, 900): {
          name: 'pip${i}'
        }]
        """)
    assert len(result.resources) == 800
    assert any("800" in note for note in result.notes)


# ---------------------------------------------------------------------------------------
# Modules


def test_local_module_keeps_the_callers_location(tmp_path: Path) -> None:
    write(tmp_path, "modules/aks.bicep", """
        param ranges array
        param subnetId string
        param plugin string = 'azure'
        resource aks 'Microsoft.ContainerService/managedClusters@2024-01-01' = {
          name: 'aks'
          properties: {
            apiServerAccessProfile: {
              authorizedIPRanges: ranges
            }
            agentPoolProfiles: [{name: 'sys', vnetSubnetID: subnetId}]
            networkProfile: {networkPlugin: plugin}
          }
        }
        output clusterId string = aks.id
        output plugin string = plugin
        """)
    result = resolve(tmp_path, """
        resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
          name: 'vnet'
          resource snet 'subnets' = {
            name: 'aks'
          }
        }
        module cluster './modules/aks.bicep' = {
          name: 'cluster'
          params: {
            ranges: [
              '0.0.0.0/0'
            ]
            subnetId: vnet::snet.id
          }
        }
        resource lock 'Microsoft.Authorization/locks@2020-05-01' = {
          name: 'l'
          properties: {notes: cluster.outputs.clusterId, plugin: cluster.outputs.plugin}
        }
        """)
    assert not result.errors
    aks = only(result, "Microsoft.ContainerService/managedClusters")
    assert aks.decl.path == "modules/aks.bicep" and aks.decl.line == 4
    entry = prop(aks, "properties", "apiServerAccessProfile", "authorizedIPRanges", 0)
    assert entry.loc is not None and (entry.loc.path, entry.loc.line) == ("main.bicep", 11)
    ranges = prop(aks, "properties", "apiServerAccessProfile", "authorizedIPRanges")
    assert ranges.at is not None and (ranges.at.path, ranges.at.line) == \
        ("modules/aks.bicep", 8)
    assert prop(aks, "properties", "agentPoolProfiles", 0, "vnetSubnetID").data == \
        f"{VNET_ID}/subnets/aks"
    lock = only(result, "Microsoft.Authorization/locks")
    assert prop(lock, "properties", "notes").data == aks.id
    assert prop(lock, "properties", "plugin").data == "azure"


def test_module_loop_condition_and_scope(tmp_path: Path) -> None:
    write(tmp_path, "net.bicep", """
        param name string
        resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
          name: name
        }
        output id string = vnet.id
        """)
    result = resolve(tmp_path, """
        targetScope = 'subscription'
        resource rg 'Microsoft.Resources/resourceGroups@2023-07-01' = {
          name: 'rg-net'
          location: 'westeurope'
        }
        module nets './net.bicep' = [for (n, i) in ['a', 'b']: {
          name: 'net${i}'
          scope: rg
          params: {name: n}
        }]
        module off './net.bicep' = if (false) {
          name: 'off'
          scope: resourceGroup('other')
          params: {name: 'off'}
        }
        output second string = nets[1].outputs.id
        """)
    assert not result.errors
    vnets = [r for r in result.resources if r.type == "Microsoft.Network/virtualNetworks"]
    assert [v.id for v in vnets] == [
        "/subscriptions/{subscriptionId}/resourceGroups/rg-net/providers/"
        f"Microsoft.Network/virtualNetworks/{n}" for n in ("a", "b")]
    group = only(result, "Microsoft.Resources/resourceGroups")
    assert group.id == "/subscriptions/{subscriptionId}/resourceGroups/rg-net"


def test_registry_module_outputs_are_unresolved(tmp_path: Path) -> None:
    result = resolve(tmp_path, """
        module aks 'br/public:avm/res/container-service/managed-cluster:0.1.0' = {
          name: 'aks'
          params: {name: 'aks'}
        }
        resource lock 'Microsoft.Authorization/locks@2020-05-01' = {
          name: 'l'
          properties: {notes: aks.outputs.resourceId}
        }
        """)
    assert [r.type for r in result.resources] == ["Microsoft.Authorization/locks"]
    notes = prop(result.resources[0], "properties", "notes").data
    assert isinstance(notes, Unresolved) and "not available" in notes.reason
    assert any("registry module" in note for note in result.notes)
    assert not result.errors


def test_module_cycle_and_missing_file_are_errors(tmp_path: Path) -> None:
    write(tmp_path, "a.bicep", """
        module b './b.bicep' = {
          name: 'b'
        }
        output x string = b.outputs.x
        """)
    write(tmp_path, "b.bicep", """
        module a './a.bicep' = {
          name: 'a'
        }
        resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
          name: 'vnet-b'
        }
        output x string = a.outputs.x
        """)
    result = resolve_bicep(tmp_path / "a.bicep", "a.bicep", tmp_path)
    assert any("module cycle: a.bicep -> b.bicep -> a.bicep" in e.message
               and e.path == "b.bicep" and e.line == 1 for e in result.errors)
    assert [r.name.data for r in result.resources] == ["vnet-b"]
    missing = resolve(tmp_path, """
        module gone './gone.bicep' = {
          name: 'gone'
        }
        """, name="missing.bicep")
    assert [(e.line, e.column) for e in missing.errors] == [(1, 13)]


def test_imports_of_exported_variables_and_functions(tmp_path: Path) -> None:
    write(tmp_path, "shared.bicep", """
        @export()
        var hubCidr = '10.0.0.0/16'
        @export()
        func subnetName(prefix string, i int) string => '${prefix}-snet-${i}'
        """)
    values, resolution = outputs(tmp_path, """
        import {hubCidr, subnetName as name} from './shared.bicep'
        import * as shared from './shared.bicep'
        output a string = hubCidr
        output b string = name('aks', 1)
        output c string = shared.subnetName('x', shared.hubCidr == '10.0.0.0/16' ? 2 : 3)
        """)
    assert values == {"a": "10.0.0.0/16", "b": "aks-snet-1", "c": "x-snet-2"}
    assert not resolution.errors


# ---------------------------------------------------------------------------------------
# Comments and compiled JSON


def test_comments_are_available_for_suppressions(tmp_path: Path) -> None:
    path = write(tmp_path, "main.bicep", """
        // aksnetlint:ignore AKS001 internal only
        resource aks 'Microsoft.ContainerService/managedClusters@2024-01-01' = {
          name: 'aks' /* block */
        }
        """)
    resolve_bicep(path, "main.bicep", tmp_path)
    comments = comments_of(path, "main.bicep")
    assert [(c.loc.line, c.content) for c in comments] == [
        (1, "aksnetlint:ignore AKS001 internal only"), (3, "block")]


def test_compiled_json_defers_to_the_bicep_source(tmp_path: Path) -> None:
    source = write(tmp_path, "main.bicep", "param x string = 'a'\n")
    compiled = tmp_path / "main.json"
    template = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                           "deploymentTemplate.json#",
                "metadata": {"_generator": {"name": "bicep", "version": "0.30.0"}},
                "resources": []}
    compiled.write_text(json.dumps(template), encoding="utf-8")
    assert is_compiled_bicep(template)
    assert bicep_source_for(compiled) == source
    other = tmp_path / "other.json"
    other.write_text(json.dumps(template), encoding="utf-8")
    assert bicep_source_for(other) is None
    template["metadata"] = {}
    compiled.write_text(json.dumps(template), encoding="utf-8")
    assert bicep_source_for(compiled) is None


def test_unreadable_file_is_a_parse_error(tmp_path: Path) -> None:
    result = resolve(tmp_path, "resource x 'a@b' = {\n")
    assert len(result.errors) == 1 and result.errors[0].line is not None


@pytest.mark.parametrize("text", [
    "var a = [for i in range(0, 100000): i]\n",
    "func f(n int) int => f(n)\nvar x = f(1)\n",
])
def test_pathological_templates_stop(tmp_path: Path, text: str) -> None:
    result = resolve(tmp_path, text)
    assert isinstance(result, Resolution)


def test_self_reference_is_reported_where_it_is_written(tmp_path: Path) -> None:
    result = resolve(tmp_path, """
        resource y 'Microsoft.Network/virtualNetworks@2023-04-01' = {
          name: 'y'
          properties: {
            a: y.properties.b
          }
        }
        resource x 'Microsoft.Network/virtualNetworks@2023-04-01' = if (x.name == 'x') {
          name: 'x'
        }
        """)
    assert {(e.line, e.column) for e in result.errors} == {(4, 8), (7, 65)}
    assert [r.present for r in result.resources] == [True, None]


def test_local_modules_lists_called_files(tmp_path: Path) -> None:
    path = write(tmp_path, "main.bicep", """
        module a './mods/a.bicep' = {
          name: 'a'
        }
        module r 'br/public:x:1.0' = {
          name: 'r'
        }
        """)
    assert local_modules(path, "main.bicep") == [(tmp_path / "mods" / "a.bicep").resolve()]
