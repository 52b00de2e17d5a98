"""ARM's semantics of null: a nullable parameter without a value is null (not unknown),
a supplied null takes the parameter's default (ARM treats null as not supplied), and
`tryGet` is null as soon as a step is missing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_arm_resolve import PARAMS_SCHEMA, only, prop, resolve, template

from aksnetlint.resolve.bicep import resolve_bicep

NSG = "Microsoft.Network/networkSecurityGroups"


def nsg(tags: dict[str, Any]) -> dict[str, Any]:
    return {"type": NSG, "apiVersion": "2023-04-01", "name": "nsg", "tags": tags}


def test_a_nullable_parameter_without_a_value_is_null() -> None:
    text = template([nsg({"plugin": "[if(equals(parameters('plugin'), null()), 'default', "
                                    "parameters('plugin'))]",
                          "identity": "[coalesce(parameters('identity'), 'none')]"})],
                    parameters={"plugin": {"type": "string", "nullable": True},
                                "identity": {"$ref": "#/definitions/identity"}},
                    definitions={"identity": {"type": "object", "nullable": True}})
    resolution = resolve(text)
    assert prop(only(resolution), "tags").plain() == {"plugin": "default",
                                                      "identity": "none"}
    assert not resolution.errors


def test_a_required_parameter_without_a_value_is_still_unknown() -> None:
    text = template([nsg({"plugin": "[parameters('plugin')]"})],
                    parameters={"plugin": {"type": "string"}})
    assert prop(only(resolve(text)), "tags", "plugin").unresolved is not None


def test_a_supplied_null_takes_the_default() -> None:
    text = template([nsg({"policy": "[parameters('policy')]",
                          "mode": "[parameters('mode')]"})],
                    parameters={"policy": {"type": "string", "defaultValue": "cilium"},
                                "mode": {"type": "string", "nullable": True}})
    params = json.dumps({"$schema": PARAMS_SCHEMA, "contentVersion": "1.0.0.0",
                         "parameters": {"policy": {"value": None},
                                        "mode": {"value": None}}})
    resolution = resolve(text, [("main.parameters.json", params)])
    assert prop(only(resolution), "tags").plain() == {"policy": "cilium", "mode": None}


def test_a_nested_deployment_given_null_uses_the_inner_default() -> None:
    inner = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                        "deploymentTemplate.json#",
             "contentVersion": "1.0.0.0",
             "parameters": {"policy": {"type": "string", "defaultValue": "azure"}},
             "resources": [nsg({"policy": "[parameters('policy')]"})]}
    deployment = {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
                  "name": "inner",
                  "properties": {"mode": "Incremental",
                                 "expressionEvaluationOptions": {"scope": "inner"},
                                 "parameters": {"policy": {"value": "[null()]"}},
                                 "template": inner}}
    resolution = resolve(template([deployment]))
    assert prop(only(resolution, NSG), "tags").plain() == {"policy": "azure"}


def test_try_get_is_null_once_a_step_is_missing() -> None:
    text = template([nsg({
        "present": "[tryGet(parameters('config'), 'network', 'plugin')]",
        "missing": "[tryGet(parameters('config'), 'dns', 'server', 'address')]",
        "missingLater": "[tryGet(parameters('config'), 'network', 'policy')]",
        "fromEnd": "[tryGet(parameters('config'), 'list', "
                   "createObject('value', 1, 'fromEnd', true()))]",
        "last": "[indexFromEnd(parameters('config').list, 2)]",
        "beyond": "[tryIndexFromEnd(parameters('config').list, 3)]",
    })], parameters={"config": {"type": "object", "defaultValue": {
        "network": {"plugin": "azure"}, "list": [1, 2]}}})
    resolution = resolve(text)
    assert prop(only(resolution), "tags").plain() == {
        "present": "azure", "missing": None, "missingLater": None, "fromEnd": 2,
        "last": 1, "beyond": None}
    assert not resolution.errors


def test_a_bicep_module_given_null_uses_its_default(tmp_path: Path) -> None:
    (tmp_path / "mod.bicep").write_text(
        "param policy string = 'azure'\n"
        "param mode string?\n"
        "type maybeText = string?\n"
        "param dataPlane maybeText\n"
        "resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {\n"
        "  name: 'nsg'\n"
        "  tags: {policy: policy, mode: mode ?? 'unset', dataPlane: dataPlane ?? 'unset'}\n"
        "}\n", encoding="utf-8")
    main = tmp_path / "main.bicep"
    main.write_text("module m 'mod.bicep' = {\n  name: 'm'\n"
                    "  params: {policy: null, mode: null}\n}\n", encoding="utf-8")
    resolution = resolve_bicep(main, "main.bicep", tmp_path)
    assert only(resolution, NSG).body.plain()["tags"] == {
        "policy": "azure", "mode": "unset", "dataPlane": "unset"}
    assert not resolution.errors
