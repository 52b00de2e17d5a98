"""Resolving ARM templates into ResolvedResources."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aksnetlint.errors import EvaluationError, ParseError
from aksnetlint.resolve.arm import MAX_COPIES, find_parameter_files, resolve_arm
from aksnetlint.resolve.arm_functions import arm_resource_key
from aksnetlint.resolve.resources import Resolution, ResolvedResource
from aksnetlint.values import ResourceRef, Sourced, Unresolved

# Hypothesis examples per property: AKSNETLINT_FUZZ_EXAMPLES raises the count
_FUZZ = int(os.environ.get("AKSNETLINT_FUZZ_EXAMPLES", "0"))

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
PARAMS_SCHEMA = ("https://schema.management.azure.com/schemas/2019-04-01/"
                 "deploymentParameters.json#")


def template(resources: Any, **sections: Any) -> str:
    return json.dumps({"$schema": SCHEMA, "contentVersion": "1.0.0.0", **sections,
                       "resources": resources}, indent=2)


def resolve(text: str, parameter_files: list[tuple[str, str]] | None = None,
            path: str = "main.json") -> Resolution:
    return resolve_arm(path, text, parameter_files or [], rel_path=path)


def only(resolution: Resolution, rtype: str | None = None) -> ResolvedResource:
    found = [r for r in resolution.resources if rtype is None or r.type == rtype]
    assert len(found) == 1, [r.address for r in resolution.resources]
    return found[0]


def prop(resource: ResolvedResource, *path: str | int) -> Sourced:
    node = resource.body
    for step in path:
        assert isinstance(node.data, dict | list), node
        node = node.data[step]  # type: ignore[index]
    return node


def line_of(text: str, fragment: str) -> int:
    return text[:text.index(fragment)].count("\n") + 1


VNET = {
    "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-04-01",
    "name": "[parameters('vnetName')]", "location": "[parameters('location')]",
    "properties": {"addressSpace": {"addressPrefixes": "[parameters('prefixes')]"}},
}
PARAMETERS = {
    "vnetName": {"type": "string", "defaultValue": "vnet1"},
    "location": {"type": "string", "defaultValue": "[resourceGroup().location]"},
    "prefixes": {"type": "array", "defaultValue": ["10.0.0.0/16"]},
}


def test_defaults_and_unknown_defaults() -> None:
    text = template([VNET], parameters=PARAMETERS)
    vnet = only(resolve(text))
    assert vnet.format == "arm" and vnet.api_version == "2023-04-01"
    assert vnet.name.data == "vnet1"
    assert vnet.address == "microsoft.network/virtualnetworks/vnet1"
    assert isinstance(vnet.id, str) and arm_resource_key(vnet.id) == vnet.address
    assert isinstance(prop(vnet, "location").data, Unresolved)
    prefixes = prop(vnet, "properties", "addressSpace", "addressPrefixes")
    assert prefixes.plain() == ["10.0.0.0/16"]
    assert prefixes.loc is not None and prefixes.loc.line == line_of(text, '"defaultValue": [')
    first = prop(vnet, "properties", "addressSpace", "addressPrefixes", 0)
    assert first.loc is not None and first.loc.line == line_of(text, '"10.0.0.0/16"')
    assert prefixes.at is not None and prefixes.at.line == line_of(text, "[parameters('prefixes')]")


def test_parameter_file_values_keep_their_locations() -> None:
    text = template([VNET], parameters=PARAMETERS)
    params = json.dumps({"$schema": PARAMS_SCHEMA, "parameters": {
        "prefixes": {"value": ["10.1.0.0/16", "0.0.0.0/0"]},
        "location": {"value": "westeurope"},
        "vnetName": {"reference": {"keyVault": {"id": "x"}, "secretName": "s"}},
    }}, indent=2)
    resolution = resolve(text, [("main.parameters.json", params)])
    vnet = only(resolution)
    second = prop(vnet, "properties", "addressSpace", "addressPrefixes", 1)
    assert second.data == "0.0.0.0/0"
    assert second.loc is not None and second.loc.path == "main.parameters.json"
    assert second.loc.line == line_of(params, '"0.0.0.0/0"')
    assert prop(vnet, "location").data == "westeurope"
    assert isinstance(vnet.name.data, Unresolved) and "Key Vault" in vnet.name.data.reason
    assert vnet.address.startswith("microsoft.network/virtualnetworks/<")


def test_parameter_without_value_is_unresolved() -> None:
    text = template([VNET], parameters={**PARAMETERS, "vnetName": {"type": "string"}})
    vnet = only(resolve(text))
    assert isinstance(vnet.name.data, Unresolved)
    assert "no value" in vnet.name.data.reason
    assert isinstance(vnet.id, Unresolved)


def test_variables_including_copy_and_cycles() -> None:
    variables = {
        "base": "10.0",
        "subnets": "[variables('subnetList')]",
        "copy": [{"name": "subnetList", "count": 3, "input": {
            "name": "[concat('snet', copyIndex('subnetList'))]",
            "prefix": "[format('{0}.{1}.0/24', variables('base'), copyIndex('subnetList'))]"}}],
        "a": "[variables('b')]", "b": "[variables('a')]",
    }
    resources = [{"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-04-01",
                  "name": "v", "properties": {"subnets": "[variables('subnets')]",
                                              "loop": "[variables('a')]"}}]
    resolution = resolve(template(resources, variables=variables))
    vnet = only(resolution)
    assert prop(vnet, "properties", "subnets").plain() == [
        {"name": "snet0", "prefix": "10.0.0.0/24"}, {"name": "snet1", "prefix": "10.0.1.0/24"},
        {"name": "snet2", "prefix": "10.0.2.0/24"}]
    assert isinstance(prop(vnet, "properties", "loop").data, Unresolved)
    assert any("refers to itself" in error.message for error in resolution.errors)


def test_resource_copy_loop_and_cap() -> None:
    resources = [{"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2023-04-01",
                  "name": "[concat('pip', copyIndex(1))]",
                  "copy": {"name": "pips", "count": "[parameters('n')]"},
                  "properties": {"index": "[copyIndex('pips')]"}}]
    text = template(resources, parameters={"n": {"type": "int", "defaultValue": 3}})
    resolution = resolve(text)
    assert [r.name.data for r in resolution.resources] == ["pip1", "pip2", "pip3"]
    assert [prop(r, "properties", "index").data for r in resolution.resources] == [0, 1, 2]
    big = template(resources, parameters={"n": {"type": "int", "defaultValue": 5000}})
    capped = resolve(big)
    assert len(capped.resources) == MAX_COPIES
    assert any("over Azure's limit" in error.message for error in capped.errors)


def test_copy_with_unknown_count_emits_one_uncertain_instance() -> None:
    resources = [{"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "1",
                  "name": "[concat('pip', copyIndex())]",
                  "copy": {"name": "pips", "count": "[parameters('n')]"}}]
    resolution = resolve(template(resources, parameters={"n": {"type": "int"}}))
    pip = only(resolution)
    assert pip.present is None
    assert isinstance(pip.name.data, Unresolved)


def test_conditions() -> None:
    resources = [
        {"type": "A.B/c", "apiVersion": "1", "name": "off", "condition": False},
        {"type": "A.B/c", "apiVersion": "1", "name": "unknown",
         "condition": "[parameters('flag')]"},
        {"type": "A.B/c", "apiVersion": "1", "name": "on",
         "condition": "[equals(parameters('mode'), 'x')]"},
    ]
    text = template(resources, parameters={"flag": {"type": "bool"},
                                           "mode": {"type": "string", "defaultValue": "x"}})
    resolution = resolve(text)
    assert {r.name.data: r.present for r in resolution.resources} == {"unknown": None,
                                                                    "on": True}


def test_child_resources_get_full_type_and_name_and_link() -> None:
    resources = [
        {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-04-01",
         "name": "vnet1", "properties": {},
         "resources": [{"type": "subnets", "apiVersion": "2023-04-01", "name": "aks",
                        "properties": {"addressPrefix": "10.0.0.0/24"}}]},
        {"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-01-01",
         "name": "aks", "properties": {"agentPoolProfiles": [{
             "name": "sys", "vnetSubnetID": "[resourceId('Microsoft.Network/virtualNetworks/"
                                            "subnets', 'vnet1', 'aks')]"}]}},
    ]
    text = template(resources)
    resolution = resolve(text)
    subnet = only(resolution, "Microsoft.Network/virtualNetworks/subnets")
    assert subnet.name.data == "vnet1/aks"
    assert subnet.address == "microsoft.network/virtualnetworks/vnet1/subnets/aks"
    assert "resources" not in subnet.body.data  # type: ignore[operator]
    vnet = only(resolution, "Microsoft.Network/virtualNetworks")
    assert "resources" not in vnet.body.data  # type: ignore[operator]
    cluster = only(resolution, "Microsoft.ContainerService/managedClusters")
    subnet_id = prop(cluster, "properties", "agentPoolProfiles", 0, "vnetSubnetID").data
    assert isinstance(subnet_id, str) and arm_resource_key(subnet_id) == subnet.address
    assert subnet.decl.line == line_of(text, '"type": "subnets"') - 1


TEXT_WITH_COMMENTS = """{
  // declared with comments and CRLF line ends
  "$schema": "SCHEMA",
  "resources": [
    /* the network */
    {
      "type": "Microsoft.Network/virtualNetworks",
      "apiVersion": "2023-04-01",
      "name": "vnet1",
      "properties": {"subnets": [{"name": "a", "properties": {"addressPrefix": "[[x]"}}]}
    }
  ]
}
""".replace("SCHEMA", SCHEMA)


def test_positions_with_comments_and_crlf() -> None:
    text = TEXT_WITH_COMMENTS.replace("\n", "\r\n")
    vnet = only(resolve(text))
    assert (vnet.decl.line, vnet.decl.column) == (6, 5)
    name = vnet.name
    assert name.loc is not None and (name.loc.line, name.loc.column) == (9, 15)
    prefix = prop(vnet, "properties", "subnets", 0, "properties", "addressPrefix")
    assert prefix.data == "[x]"
    assert prefix.loc is not None and prefix.loc.line == 10
    assert prefix.loc.column == TEXT_WITH_COMMENTS.splitlines()[9].index('"[[x]"') + 1


def test_property_copy_loops() -> None:
    resources = [{"type": "Microsoft.Network/virtualNetworks", "apiVersion": "1", "name": "v",
                  "properties": {"copy": [{"name": "subnets", "count": 2, "input": {
                      "name": "[format('s{0}', copyIndex('subnets'))]",
                      "properties": {"addressPrefix":
                                     "[cidrSubnet('10.0.0.0/16', 24, copyIndex('subnets'))]"}}}]}}]
    vnet = only(resolve(template(resources)))
    assert prop(vnet, "properties", "subnets").plain() == [
        {"name": "s0", "properties": {"addressPrefix": "10.0.0.0/24"}},
        {"name": "s1", "properties": {"addressPrefix": "10.0.1.0/24"}}]


def test_language_version_2_symbolic_resources() -> None:
    text = json.dumps({"$schema": SCHEMA, "languageVersion": "2.0", "contentVersion": "1.0.0.0",
                       "resources": {
                           "vnet": {"type": "Microsoft.Network/virtualNetworks",
                                    "apiVersion": "2023-04-01", "name": "vnet1",
                                    "properties": {}},
                           "snet": {"type": "Microsoft.Network/virtualNetworks/subnets",
                                    "apiVersion": "2023-04-01", "name": "vnet1/aks",
                                    "dependsOn": ["vnet"], "properties": {}},
                           "existingRt": {"existing": True,
                                          "type": "Microsoft.Network/routeTables",
                                          "apiVersion": "2023-04-01", "name": "rt"},
                           "aks": {"type": "Microsoft.ContainerService/managedClusters",
                                   "apiVersion": "2024-01-01", "name": "aks",
                                   "properties": {"agentPoolProfiles": [{
                                       "vnetSubnetID": "[resourceInfo('snet').id]",
                                       "ip": "[reference('snet').addressPrefix]"}]}}}},
                      indent=2)
    resolution = resolve(text)
    assert resolution.errors == []
    subnet = only(resolution, "Microsoft.Network/virtualNetworks/subnets")
    assert subnet.decl.line == line_of(text, '"snet": {')
    assert subnet.decl.column == 5
    cluster = only(resolution, "Microsoft.ContainerService/managedClusters")
    subnet_id = prop(cluster, "properties", "agentPoolProfiles", 0, "vnetSubnetID").data
    assert isinstance(subnet_id, str) and arm_resource_key(subnet_id) == subnet.address
    assert prop(cluster, "properties", "agentPoolProfiles", 0, "ip").data == ResourceRef(
        subnet.address, "properties.addressPrefix")
    route_table = only(resolution, "Microsoft.Network/routeTables")
    assert prop(route_table, "existing").data is True


NESTED_INNER = {
    "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "inner",
    "properties": {
        "mode": "Incremental",
        "expressionEvaluationOptions": {"scope": "inner"},
        "parameters": {"vnetName": {"value": "[concat(parameters('prefix'), '-vnet')]"}},
        "template": {
            "$schema": SCHEMA, "contentVersion": "1.0.0.0",
            "parameters": {"vnetName": {"type": "string"},
                           "prefix": {"type": "string", "defaultValue": "innerdefault"}},
            "resources": [{"type": "Microsoft.Network/virtualNetworks",
                           "apiVersion": "2023-04-01",
                           "name": "[concat(parameters('vnetName'), '-', "
                                   "parameters('prefix'))]"}],
        },
    },
}


def test_nested_deployment_inner_scope() -> None:
    text = template([NESTED_INNER], parameters={"prefix": {"type": "string",
                                                           "defaultValue": "outer"}})
    resolution = resolve(text)
    vnet = only(resolution, "Microsoft.Network/virtualNetworks")
    assert vnet.name.data == "outer-vnet-innerdefault"
    deployment = only(resolution, "Microsoft.Resources/deployments")
    assert isinstance(prop(deployment, "properties", "template").data, Unresolved)


def test_nested_deployment_outer_scope() -> None:
    nested = {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
              "name": "outer",
              "properties": {"mode": "Incremental", "template": {
                  "$schema": SCHEMA, "contentVersion": "1.0.0.0",
                  "resources": [{"type": "Microsoft.Network/virtualNetworks",
                                 "apiVersion": "2023-04-01",
                                 "name": "[concat(parameters('prefix'), variables('suffix'))]"}],
              }}}
    text = template([nested], parameters={"prefix": {"type": "string", "defaultValue": "p"}},
                    variables={"suffix": "-vnet"})
    vnet = only(resolve(text), "Microsoft.Network/virtualNetworks")
    assert vnet.name.data == "p-vnet"


def test_linked_template_by_relative_path(tmp_path: Path) -> None:
    linked = template([{"type": "Microsoft.Network/virtualNetworks", "apiVersion": "1",
                        "name": "[parameters('name')]"}],
                      parameters={"name": {"type": "string"}})
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "vnet.json").write_text(linked)
    main = template([{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
                      "name": "link", "properties": {
                          "mode": "Incremental",
                          "templateLink": {"relativePath": "nested/vnet.json"},
                          "parameters": {"name": {"value": "linked-vnet"}}}},
                     {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
                      "name": "missing", "properties": {
                          "mode": "Incremental",
                          "templateLink": {"relativePath": "nope.json"}}}])
    resolution = resolve_arm(str(tmp_path / "main.json"), main, rel_path="infra/main.json")
    vnet = only(resolution, "Microsoft.Network/virtualNetworks")
    assert vnet.name.data == "linked-vnet"
    assert vnet.decl.path == "infra/nested/vnet.json"
    assert any("nope.json not found" in note for note in resolution.notes)


def test_linked_template_cycle_is_not_followed_forever(tmp_path: Path) -> None:
    loop = template([{"type": "Microsoft.Resources/deployments", "apiVersion": "1",
                      "name": "again", "properties": {
                          "mode": "Incremental", "templateLink": {"relativePath": "a.json"}}}])
    (tmp_path / "a.json").write_text(loop)
    resolution = resolve_arm(str(tmp_path / "a.json"), loop, rel_path="a.json")
    assert len(resolution.resources) <= 20
    assert any("links back" in note for note in resolution.notes)


def test_properties_not_an_object_is_a_positioned_input_error() -> None:
    text = template([{"type": "Microsoft.ContainerService/managedClusters",
                      "apiVersion": "2019-02-01", "name": "c", "properties": "yo"}])
    resolution = resolve(text)
    assert resolution.resources == []
    [error] = resolution.errors
    assert isinstance(error, EvaluationError)
    assert error.line == line_of(text, '"yo"')


def test_malformed_expression_is_positioned_and_does_not_abort() -> None:
    text = template([{"type": "A.B/c", "apiVersion": "1", "name": "n",
                      "properties": {"bad": "[concat('a',, 'b')]", "good": "[concat('a', 'b')]"}}])
    resolution = resolve(text)
    resource = only(resolution)
    assert isinstance(prop(resource, "properties", "bad").data, Unresolved)
    assert prop(resource, "properties", "good").data == "ab"
    [error] = resolution.errors
    assert isinstance(error, EvaluationError)
    line = text.splitlines()[error.line - 1]  # type: ignore[operator]
    assert error.column is not None and line[error.column - 1:].startswith(", 'b')")


def test_unknown_values_are_not_errors() -> None:
    text = template([{"type": "A.B/c", "apiVersion": "1", "name": "[uniqueString('x')]",
                      "properties": {"p": "[reference('other').x]"}}])
    resolution = resolve(text)
    assert resolution.errors == []
    assert only(resolution).present is True


def test_blueprint_artifact() -> None:
    text = json.dumps({"kind": "template", "type": "Microsoft.Blueprint/blueprints/artifacts",
                       "name": "a", "properties": {
                           "template": json.loads(template(
                               [{"type": "A.B/c", "apiVersion": "1",
                                 "name": "[parameters('n')]"}],
                               parameters={"n": {"type": "string"}})),
                           "parameters": {"n": {"value": "fromArtifact"}}}}, indent=2)
    assert only(resolve(text)).name.data == "fromArtifact"


def test_parse_errors_and_non_templates() -> None:
    broken = resolve('{"$schema": "x", ')
    assert broken.resources == [] and isinstance(broken.errors[0], ParseError)
    assert resolve('{"name": "package.json"}').resources == []


def test_find_parameter_files(tmp_path: Path) -> None:
    for name in ("azuredeploy.json", "azuredeploy.parameters.json", "template.json",
                 "parameters.json", "other.json"):
        (tmp_path / name).write_text("{}")
    assert find_parameter_files(tmp_path / "azuredeploy.json") == [
        tmp_path / "azuredeploy.parameters.json"]
    assert find_parameter_files(tmp_path / "template.json") == [tmp_path / "parameters.json"]
    assert find_parameter_files(tmp_path / "other.json") == []
    assert find_parameter_files(tmp_path / "azuredeploy.parameters.json") == []


CONFORMANCE = Path("/work/shared/conformance")


@pytest.mark.skipif(not CONFORMANCE.is_dir(),
                    reason="shared conformance fixtures (/work/shared/conformance) absent")
def test_conformance_files_resolve_without_exceptions() -> None:
    for path in sorted(CONFORMANCE.rglob("*.json")):
        resolution = resolve_arm(str(path), path.read_text(encoding="utf-8-sig"),
                                 rel_path=path.name)
        clusters = [r for r in resolution.resources
                    if r.type == "Microsoft.ContainerService/managedClusters"]
        assert len(clusters) == (0 if resolution.errors else 1), path


EXPRESSIONS = st.sampled_from([
    "[parameters('p')]", "[variables('v')]", "[copyIndex()]", "[concat('a', 1)]",
    "[resourceId('A.B/c', 'n')]", "[reference('x').y]", "[if(true(), 1, 'b')]",
    "[variables('v')[0]]", "[bogus(]", "[[literal]", "[createObject('copy', 1)]",
    "[union(parameters('p'), createObject())]", "[length(variables('v'))]", "plain",
    "Microsoft.Network/virtualNetworks", "subnets", "Microsoft.Resources/deployments",
])
JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-3, 900), EXPRESSIONS)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["name", "type", "properties", "copy", "count",
                                         "input", "condition", "resources", "template",
                                         "value", "x"]), inner, max_size=4)),
    max_leaves=12)


@settings(max_examples=_FUZZ or 200, deadline=None)
@given(resources=st.lists(st.dictionaries(
           st.sampled_from(["type", "name", "apiVersion", "properties", "copy", "condition",
                            "resources", "existing", "scope"]), JSON_VALUES, max_size=6),
           max_size=3),
       parameters=JSON_VALUES, variables=JSON_VALUES)
def test_random_templates_resolve_without_exceptions(resources: Any, parameters: Any,
                                                     variables: Any) -> None:
    text = json.dumps({"$schema": SCHEMA, "parameters": parameters, "variables": variables,
                       "resources": resources})
    resolution = resolve(text)
    for resource in resolution.resources:
        assert resource.decl.line >= 1
