"""Nested deployments as ARM runs them: `reference()` of a nested deployment reads its
outputs (they are known before the resources that use them are deployed), a deployment
whose condition is unknown makes its resources uncertain too, and a template error inside
a resource that may not be deployed is a note, not an error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_arm_resolve import SCHEMA, only, prop, resolve, template

from aksnetlint.resolve.arm import resolve_arm
from aksnetlint.values import ResourceRef

CLUSTER = "Microsoft.ContainerService/managedClusters"
VNET_ID = ("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/"
           "Microsoft.Network/virtualNetworks/spoke")


def network(scope: str = "inner") -> dict[str, Any]:
    inner = {"$schema": SCHEMA, "contentVersion": "1.0.0.0",
             "parameters": {"prefix": {"type": "string"}},
             "resources": [{"type": "Microsoft.Network/virtualNetworks",
                            "apiVersion": "2023-04-01", "name": "spoke",
                            "properties": {"addressSpace": {
                                "addressPrefixes": ["[parameters('prefix')]"]}}}],
             "outputs": {
                 "subnetId": {"type": "string", "value": "[format('{0}/subnets/aks', "
                              "resourceId('Microsoft.Network/virtualNetworks', 'spoke'))]"},
                 "prefix": {"type": "string", "value": "[parameters('prefix')]"}}}
    if scope == "outer":
        inner.pop("parameters")
        inner["outputs"]["prefix"]["value"] = "[variables('prefix')]"
        inner["resources"][0]["properties"]["addressSpace"]["addressPrefixes"] = [
            "[variables('prefix')]"]
    return {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
            "name": "network",
            "properties": {"mode": "Incremental",
                           "expressionEvaluationOptions": {"scope": scope},
                           "parameters": {"prefix": {"value": "10.1.0.0/16"}}
                           if scope == "inner" else {},
                           "template": inner}}


def cluster(**tags: str) -> dict[str, Any]:
    return {"type": CLUSTER, "apiVersion": "2024-02-01", "name": "aks",
            "location": "westeurope", "tags": tags,
            "dependsOn": ["[resourceId('Microsoft.Resources/deployments', 'network')]"]}


def test_reference_of_a_nested_deployment_reads_its_outputs() -> None:
    text = template([network(), cluster(
        subnet="[reference(resourceId('Microsoft.Resources/deployments', 'network'))"
               ".outputs.subnetId.value]",
        prefix="[reference('network').outputs.prefix.value]",
        full="[reference('network', '2022-09-01', 'Full').properties.outputs.prefix.value]",
        state="[reference('network').provisioningState]",
        missing="[reference('network').outputs.nothing.value]")])
    resolution = resolve(text)
    assert not resolution.errors, resolution.errors
    tags = prop(only(resolution, CLUSTER), "tags").data
    assert isinstance(tags, dict)
    assert tags["subnet"].data == f"{VNET_ID}/subnets/aks"
    assert tags["prefix"].data == "10.1.0.0/16"
    assert tags["full"].data == "10.1.0.0/16"
    assert isinstance(tags["state"].data, ResourceRef)
    assert isinstance(tags["missing"].data, ResourceRef)


def test_outputs_of_an_outer_scope_nested_template() -> None:
    text = template([network("outer"), cluster(prefix="[reference('network').outputs"
                                                      ".prefix.value]")],
                    variables={"prefix": "10.2.0.0/16"})
    assert prop(only(resolve(text), CLUSTER), "tags", "prefix").data == "10.2.0.0/16"


def test_outputs_of_a_linked_template(tmp_path: Path) -> None:
    inner = network()["properties"]["template"]
    (tmp_path / "network.json").write_text(json.dumps(inner), encoding="utf-8")
    deployment = {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
                  "name": "network",
                  "properties": {"mode": "Incremental",
                                 "templateLink": {"relativePath": "network.json"},
                                 "parameters": {"prefix": {"value": "10.3.0.0/16"}}}}
    text = template([deployment, cluster(prefix="[reference('network').outputs"
                                                ".prefix.value]")])
    main = tmp_path / "main.json"
    main.write_text(text, encoding="utf-8")
    resolution = resolve_arm(str(main), text, rel_path="main.json")
    assert prop(only(resolution, CLUSTER), "tags", "prefix").data == "10.3.0.0/16"


def test_a_deployment_reading_its_own_outputs_is_a_cycle_not_a_hang() -> None:
    looped = network()
    looped["properties"]["parameters"]["prefix"]["value"] = \
        "[reference('network').outputs.prefix.value]"
    resolution = resolve(template([looped, cluster()]))
    assert any("refers to itself" in e.message for e in resolution.errors)


def test_resources_of_a_deployment_with_an_unknown_condition_are_uncertain() -> None:
    nested = network()
    nested["condition"] = "[parameters('deployNetwork')]"
    text = template([nested], parameters={"deployNetwork": {"type": "bool"}})
    vnet = only(resolve(text), "Microsoft.Network/virtualNetworks")
    assert vnet.present is None


def test_errors_in_a_resource_that_may_not_be_deployed_are_notes() -> None:
    text = template([{
        "condition": "[equals(parameters('source'), 'Microsoft.KeyVault')]",
        "type": "Microsoft.Network/privateEndpoints", "apiVersion": "2023-04-01",
        "name": "[last(split(parameters('endpointId'), '/'))]",
    }, {"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01",
        "name": "[split(parameters('endpointId'), '/')[1]]"}],
        parameters={"source": {"type": "string"},
                    "endpointId": {"type": "string", "nullable": True}})
    resolution = resolve(text)
    # the unconditional resource's error stays an error; the conditional one is a note
    assert [e.message for e in resolution.errors] == [
        "invalid expression: split() expects a string, got null"]
    assert resolution.errors[0].line == text.splitlines().index(
        next(line for line in text.splitlines() if "[1]" in line)) + 1
    assert any("only if deployed" in note for note in resolution.notes)


def test_reference_of_a_declared_resource_reads_what_it_declares() -> None:
    vnet = {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-04-01",
            "name": "spoke",
            "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]},
                           "subnets": [{"name": "aks",
                                        "properties": {"addressPrefix": "10.1.0.0/22"}}]}}
    reference = "reference(resourceId('Microsoft.Network/virtualNetworks', 'spoke'), " \
                "'2023-04-01')"
    text = template([vnet, cluster(
        subnet=f"[first({reference}.subnets).id]",
        prefix=f"[{reference}.addressSpace.addressPrefixes[0]]",
        full="[reference(resourceId('Microsoft.Network/virtualNetworks', 'spoke'), "
             "'2023-04-01', 'Full').properties.subnets[0].name]",
        state=f"[{reference}.provisioningState]",
        beyond=f"[{reference}.subnets[3].id]",
        tried=f"[tryGet({reference}, 'resourceGuid')]")])
    resolution = resolve(text)
    assert not resolution.errors, resolution.errors
    tags = prop(only(resolution, CLUSTER), "tags").data
    assert isinstance(tags, dict)
    assert tags["subnet"].data == f"{VNET_ID}/subnets/aks"
    assert tags["prefix"].data == "10.1.0.0/16"
    assert tags["full"].data == "aks"
    for key in ("state", "beyond", "tried"):
        assert isinstance(tags[key].data, ResourceRef), key
    assert tags["state"].data.attribute == "properties.provisioningState"


def test_looking_up_resources_for_reference_reports_nothing_of_its_own() -> None:
    """Finding the resource a `reference()` names evaluates every resource's name; a
    resource that is not deployed (condition false) reports no error from that."""
    vnet = {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-04-01",
            "name": "spoke", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/8"]}}}
    skipped = {"condition": "[not(equals(parameters('identityId'), null()))]",
               "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
               "apiVersion": "2023-01-31",
               "name": "[last(split(parameters('identityId'), '/'))]"}
    text = template([skipped, vnet, cluster(
        prefix="[reference(resourceId('Microsoft.Network/virtualNetworks', 'spoke'))"
               ".addressSpace.addressPrefixes[0]]")],
        parameters={"identityId": {"type": "string", "nullable": True}})
    resolution = resolve(text)
    assert not resolution.errors, resolution.errors
    assert prop(only(resolution, CLUSTER), "tags", "prefix").data == "10.0.0.0/8"
