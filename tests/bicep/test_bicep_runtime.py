"""Runtime state is unknown, never an error: read-only properties of declared resources,
runtime properties of module outputs, and methods on resources that are looped or unknown
evaluate to unknown (or a reference to the resource), as the compiled template's
`reference()` does; no message shows an internal class name."""

from __future__ import annotations

from pathlib import Path

from test_bicep_resolve import only, write

from aksnetlint.resolve.arm_expressions import type_name
from aksnetlint.resolve.bicep import resolve_bicep
from aksnetlint.values import ResourceRef, Sourced, Unresolved

VNET = """
resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
  name: 'vnet'
  properties: {
    addressSpace: {addressPrefixes: ['10.0.0.0/16']}
    subnets: [
      {name: 'aks', properties: {addressPrefix: '10.0.0.0/24'}}
      {name: 'pe', properties: {addressPrefix: '10.0.1.0/24'}}
    ]
  }
}
"""
SUBNET_ID = ("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/"
             "Microsoft.Network/virtualNetworks/vnet/subnets/aks")
NSG = "Microsoft.Network/networkSecurityGroups"


def tags(tmp_path: Path, text: str) -> dict[str, Sourced]:
    path = write(tmp_path, "main.bicep", text)
    resolution = resolve_bicep(path, "main.bicep", tmp_path)
    assert not resolution.errors, resolution.errors
    data = only(resolution, NSG).body.data
    assert isinstance(data, dict)
    found = data["tags"].data
    assert isinstance(found, dict)
    return found


def test_read_only_properties_of_a_declared_resource(tmp_path: Path) -> None:
    found = tags(tmp_path, VNET + """
        resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
          name: 'nsg'
          tags: {
            firstId: first(vnet.properties.subnets)!.id
            indexedId: vnet.properties.subnets[0].id
            state: vnet.properties.subnets[0].properties.provisioningState
            stateThroughFirst: first(vnet.properties.subnets)!.properties.provisioningState
            guid: vnet.properties.resourceGuid
            safe: vnet.properties.?resourceGuid
            beyond: vnet.properties.subnets[5].id
            beyondThroughValue: last(take(vnet.properties.subnets, 1))!.name
          }
        }
    """)
    assert found["firstId"].data == SUBNET_ID
    assert found["indexedId"].data == SUBNET_ID
    assert found["beyondThroughValue"].data == "aks"
    for key in ("state", "stateThroughFirst", "guid", "safe", "beyond"):
        assert isinstance(found[key].data, ResourceRef), key
    assert found["guid"].data.attribute == "properties.resourceGuid"


def test_a_resource_as_a_value_reads_runtime_state(tmp_path: Path) -> None:
    found = tags(tmp_path, VNET + """
        var network = vnet
        resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
          name: 'nsg'
          tags: {
            prefix: network.properties.addressSpace.addressPrefixes[0]
            state: network.properties.provisioningState
            etag: network.etag
          }
        }
    """)
    assert found["prefix"].data == "10.0.0.0/16"
    assert isinstance(found["state"].data, ResourceRef)
    assert isinstance(found["etag"].data, ResourceRef)


def test_runtime_properties_of_module_outputs(tmp_path: Path) -> None:
    write(tmp_path, "net.bicep", VNET + """
        output subnets array = vnet.properties.subnets
        output network object = vnet
    """)
    found = tags(tmp_path, """
        module net 'net.bicep' = {
          name: 'net'
        }
        resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
          name: 'nsg'
          tags: {
            first: net.outputs.subnets[0].id
            third: net.outputs.subnets[2].id
            state: net.outputs.network.properties.provisioningState
          }
        }
    """)
    assert found["first"].data == SUBNET_ID
    assert isinstance(found["third"].data, ResourceRef)
    assert isinstance(found["state"].data, ResourceRef)


def test_methods_on_looped_and_unknown_resources(tmp_path: Path) -> None:
    found = tags(tmp_path, """
        param vaultNames array
        resource vaults 'Microsoft.KeyVault/vaults@2023-07-01' existing = [for n in vaultNames: {
          name: n
        }]
        resource stgs 'Microsoft.Storage/storageAccounts@2023-01-01' = [for i in range(0, 2): {
          name: 'stg${i}'
          location: 'westeurope'
          sku: {name: 'Standard_LRS'}
          kind: 'StorageV2'
        }]
        resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
          name: 'nsg'
          tags: {
            secret: vaults[0].getSecret('password')
            keys: stgs[1].listKeys().keys[0].value
            loopKeys: string(map(range(0, 2), i => stgs[i].listKeys()))
          }
        }
    """)
    for key in ("secret", "keys", "loopKeys"):
        assert isinstance(found[key].data, Unresolved), key


def test_messages_name_no_internal_class() -> None:
    assert type_name(Unresolved("x")) == "a value known only at deployment"
    assert type_name(ResourceRef("microsoft.network/virtualnetworks/vnet", "id")) == \
        "a value of a resource known only at deployment"
