"""What Azure accepts, aksnetlint accepts: extension resources without a name, `json()`
with comments, templates in UTF-16 / UTF-32 with a byte-order mark, non-template files
under a `.json` name skipped silently in any encoding, and an undocumented `cidrSubnet()`
input read as unknown rather than as an error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_arm_resolve import SCHEMA, line_of, only, prop, resolve, template

from aksnetlint.lint import Options, lint
from aksnetlint.resolve.bicep import resolve_bicep

CLUSTER = {
    "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-02-01",
    "name": "aks", "location": "westeurope",
    "properties": {"dnsPrefix": "aks", "apiServerAccessProfile": {"authorizedIPRanges": []}},
}


def scan(folder: Path) -> Any:
    return lint([folder], Options(select=["AKS001"], root=folder, cache=False))


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be",
                                   "utf-8-sig"])
def test_a_template_with_a_byte_order_mark_is_decoded(tmp_path: Path, codec: str) -> None:
    text = template([CLUSTER])
    data = text.encode(codec)
    if codec.startswith(("utf-16", "utf-32")):
        data = "\ufeff".encode(codec) + data
    (tmp_path / "main.json").write_bytes(data)
    result = scan(tmp_path)
    assert not result.errors, [str(e) for e in result.errors]
    assert [(f.rule_id, f.location.line) for f in result.active] == [
        ("AKS001", line_of(text, '"authorizedIPRanges"'))]


@pytest.mark.parametrize("data", [
    "\ufeff{\"name\": \"settings\"}".encode("utf-16-le"),
    "{\"caf\\u00e9\": \"na\u00efve\"}".encode("latin-1"),
    b"\x00\x01binary\xff\xfe",
    b"${jsonencode(var.settings)}\n",
    b"{ \"$schema\": \"https://example.com/x.json\", trailing: ${var.x} }",
])
def test_other_files_named_json_are_skipped_silently(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "data.json").write_bytes(data)
    result = scan(tmp_path)
    assert not result.errors, [str(e) for e in result.errors]
    assert result.deployments == 0


def test_a_broken_file_that_claims_to_be_a_template_is_reported(tmp_path: Path) -> None:
    (tmp_path / "main.json").write_text(
        '{\n  "$schema": "' + SCHEMA + '",\n  "resources": [${resources}]\n}\n',
        encoding="utf-8")
    result = scan(tmp_path)
    assert [(e.path, e.line) for e in result.errors] == [("main.json", 3)]


def test_a_broken_template_in_utf16_that_claims_to_be_one_is_reported(tmp_path: Path
                                                                      ) -> None:
    text = '{"$schema": "' + SCHEMA + '", "resources": [\ud800]}'
    data = b"\xff\xfe" + text.encode("utf-16-le", errors="surrogatepass")
    (tmp_path / "main.json").write_bytes(data)
    assert len(scan(tmp_path).errors) == 1


def test_json_accepts_comments() -> None:
    text = template([{**CLUSTER, "tags": "[json(variables('settings'))]"}],
                    variables={"settings": "{\n  // the team\n  \"team\": \"net\" /* owner */\n}"})
    resolution = resolve(text)
    assert prop(only(resolution), "tags").plain() == {"team": "net"}
    assert not resolution.errors


def test_json_of_invalid_text_is_a_positioned_error() -> None:
    text = template([{**CLUSTER, "tags": "[json('{\"team\": }')]"}])
    (error,) = resolve(text).errors
    assert "json() got invalid JSON" in error.message


def test_cidr_functions_of_an_address_without_prefix_length_are_unknown() -> None:
    text = template([{**CLUSTER, "tags": {
        "subnet": "[cidrSubnet('10.0.0.4', 24, 0)]",
        "host": "[cidrHost('10.0.0.4', 1)]",
        "parsed": "[parseCidr('10.0.0.4')]",
        "normal": "[cidrSubnet('10.0.0.0/16', 24, 2)]"}}])
    resolution = resolve(text)
    tags = prop(only(resolution), "tags").data
    assert isinstance(tags, dict)
    for key in ("subnet", "host", "parsed"):
        assert tags[key].unresolved, key
    assert tags["normal"].data == "10.0.2.0/24"
    assert not resolution.errors


def test_extension_resources_need_no_name_in_arm() -> None:
    namespace = {"import": "kubernetes", "type": "core/Namespace@v1",
                 "properties": {"metadata": {"name": "apps"}}}
    graph = {"extension": "MicrosoftGraph", "type": "Microsoft.Graph/groups@v1.0",
             "properties": {"uniqueName": "aks-admins", "displayName": "AKS admins",
                            "mailEnabled": False}}
    group_id = {**CLUSTER, "name": "aks2",
                "tags": {"group": "[reference('group').uniqueName]"}}
    text = json.dumps({"$schema": SCHEMA, "languageVersion": "2.0",
                       "contentVersion": "1.0.0.0",
                       "imports": {"kubernetes": {"provider": "Kubernetes",
                                                  "version": "1.0.0"}},
                       "resources": {"ns": namespace, "group": graph, "aks": group_id}})
    resolution = resolve(text)
    assert not resolution.errors, resolution.errors
    by_type = {r.type: r for r in resolution.resources}
    assert by_type["core/Namespace"].name.data == "apps"
    assert by_type["Microsoft.Graph/groups"].name.data == "aks-admins"
    assert by_type["core/Namespace"].id.reason.startswith("a resource of a Bicep extension")


def test_extension_resources_need_no_name_in_bicep(tmp_path: Path) -> None:
    path = tmp_path / "main.bicep"
    path.write_text("""extension microsoftGraphV1
extension kubernetes with {kubeConfig: 'x', namespace: 'default'}

resource sp 'Microsoft.Graph/servicePrincipals@v1.0' = {
  appId: '2565bd9d-da50-47d4-8b85-4c97f669dc36'
  displayName: 'Domain Controller Services'
}
resource group 'Microsoft.Graph/groups@v1.0' = {
  uniqueName: 'aks-admins'
  displayName: 'AKS admins'
  mailEnabled: false
}
resource ns 'core/Namespace@v1' = {
  metadata: {name: 'apps'}
}
resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
  name: 'vnet'
  tags: {ns: ns.metadata.name, group: group.uniqueName, groupName: group.name}
}
""", encoding="utf-8")
    resolution = resolve_bicep(path, "main.bicep", tmp_path)
    assert not resolution.errors, resolution.errors
    by_type = {r.type: r for r in resolution.resources}
    assert by_type["core/Namespace"].name.data == "apps"
    assert by_type["Microsoft.Graph/servicePrincipals"].name.data == \
        "Domain Controller Services"
    assert by_type["core/Namespace"].body.plain() == {
        "type": "core/Namespace@v1", "properties": {"metadata": {"name": "apps"}}}
    assert by_type["Microsoft.Network/virtualNetworks"].body.plain()["tags"] == {
        "ns": "apps", "group": "aks-admins", "groupName": "aks-admins"}
