"""A Bicep module may be an ARM JSON template (`module m './main.json'`), as the Bicep
compiler allows: it is deployed as a nested deployment with the caller's values, its
resources are part of the deployment and its outputs are readable; scanned through its
caller, it is not scanned again on its own."""

from __future__ import annotations

import json
from pathlib import Path

from test_bicep_resolve import only, write

from aksnetlint.lint import Options, lint
from aksnetlint.resolve.bicep import resolve_bicep

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
CLUSTER = "Microsoft.ContainerService/managedClusters"
TEMPLATE = {
    "$schema": SCHEMA, "contentVersion": "1.0.0.0",
    "parameters": {"ranges": {"type": "array", "nullable": True},
                   "plugin": {"type": "string", "defaultValue": "azure"}},
    "resources": [{"type": CLUSTER, "apiVersion": "2024-02-01", "name": "aks",
                   "location": "westeurope",
                   "properties": {"dnsPrefix": "aks",
                                  "networkProfile": {"networkPlugin": "[parameters('plugin')]"},
                                  "apiServerAccessProfile": {
                                      "authorizedIPRanges": "[parameters('ranges')]"}}}],
    "outputs": {"clusterId": {"type": "string",
                              "value": f"[resourceId('{CLUSTER}', 'aks')]"},
                "plugin": {"type": "string", "value": "[parameters('plugin')]"}},
}


def test_a_json_module_gets_the_callers_values(tmp_path: Path) -> None:
    (tmp_path / "cluster.json").write_text(json.dumps(TEMPLATE, indent=2), encoding="utf-8")
    path = write(tmp_path, "main.bicep", """
        param deploy bool
        module aks 'cluster.json' = {
          name: 'aks'
          params: {ranges: ['10.0.0.0/8'], plugin: null}
        }
        module maybe 'cluster.json' = if (deploy) {
          name: 'maybe'
        }
        resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
          name: 'nsg'
          tags: {cluster: aks.outputs.clusterId, plugin: aks.outputs.plugin}
        }
    """)
    resolution = resolve_bicep(path, "main.bicep", tmp_path)
    assert not resolution.errors, resolution.errors
    clusters = [r for r in resolution.resources if r.type == CLUSTER]
    assert [c.present for c in clusters] == [True, None]
    body = clusters[0].body.plain()
    assert isinstance(body, dict)
    assert body["properties"]["apiServerAccessProfile"]["authorizedIPRanges"] == \
        ["10.0.0.0/8"]
    assert body["properties"]["networkProfile"]["networkPlugin"] == "azure"
    tags = only(resolution, "Microsoft.Network/networkSecurityGroups").body.plain()["tags"]
    assert tags["plugin"] == "azure"
    assert tags["cluster"].endswith("/providers/Microsoft.ContainerService/managedClusters/aks")


def test_unknown_params_and_bad_modules(tmp_path: Path) -> None:
    (tmp_path / "cluster.json").write_text(json.dumps(TEMPLATE), encoding="utf-8")
    (tmp_path / "data.json").write_text('{"not": "a template"}', encoding="utf-8")
    path = write(tmp_path, "main.bicep", """
        param settings object
        module aks 'cluster.json' = {
          name: 'aks'
          params: settings
        }
        module missing 'missing.json' = {
          name: 'missing'
        }
        module data 'data.json' = {
          name: 'data'
        }
    """)
    resolution = resolve_bicep(path, "main.bicep", tmp_path)
    assert sorted(e.message for e in resolution.errors) == [
        "module 'data.json' is not an ARM template", "module 'missing.json' not found"]
    cluster = only(resolution, CLUSTER).body.data
    assert isinstance(cluster, dict)
    network = cluster["properties"].data["networkProfile"].data  # type: ignore[union-attr]
    assert network["networkPlugin"].unresolved  # type: ignore[index]


def test_a_json_module_is_scanned_through_its_caller_only(tmp_path: Path) -> None:
    (tmp_path / "cluster.json").write_text(json.dumps(TEMPLATE, indent=2), encoding="utf-8")
    write(tmp_path, "main.bicep", """
        module aks 'cluster.json' = {
          name: 'aks'
          params: {ranges: []}
        }
    """)
    result = lint([tmp_path], Options(select=["AKS001"], root=tmp_path, cache=False))
    assert not result.errors
    assert result.deployments == 1
    assert [(f.rule_id, f.location.path) for f in result.active] == [
        ("AKS001", "main.bicep")]
