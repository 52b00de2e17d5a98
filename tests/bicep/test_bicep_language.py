"""What the newer Bicep syntax evaluates to: multi-line strings with extra quotes and
interpolation, indexes from the end, safe-access chains, quoted imports, and the
declarations that deploy nothing (`test`, `extensionConfig`). Expected values are those
of the compiled templates in the Bicep compiler's own samples."""

from __future__ import annotations

from pathlib import Path

from test_bicep_resolve import outputs, write

from aksnetlint.resolve.bicep import resolve_bicep, resolve_bicepparam


def test_multiline_strings_with_extra_quotes(tmp_path: Path) -> None:
    values, resolution = outputs(tmp_path, """
        output quoted string = ''''abc''''
        output lines string = ''''
        abc
        ''''
        output empty string = ''''''
        output plain string = '''
        x'''
    """)
    assert values == {"quoted": "'abc'", "lines": "'\nabc\n'", "empty": "", "plain": "x"}
    assert not resolution.errors


def test_interpolated_multiline_strings(tmp_path: Path) -> None:
    values, resolution = outputs(tmp_path, """
        var name = 'aks'
        output greeting string = $'''
        Hello,
        ${name}
        '''
        output three string = $$$'''
        ${name}
        $${name}
        $$${name}
        $$$${name}
        '''
        output nested string = $'''abc${'def${123}'}_${'${456}${789}'}'''
        output curlies string = $'''{${123}{0}${true}}'''
        output dollars string = $'''abc${123}${456}jk$l${789}p$'''
        output empty string = $''''''
    """)
    assert values == {
        "greeting": "Hello,\naks\n",
        "three": "${name}\n$${name}\naks\n$aks\n",
        "nested": "abcdef123_456789",
        "curlies": "{123{0}True}",
        "dollars": "abc123456jk$l789p$",
        "empty": "",
    }
    assert not resolution.errors


def test_index_from_the_end(tmp_path: Path) -> None:
    values, resolution = outputs(tmp_path, """
        var items = ['a', 'b', 'c']
        var nested = {deep: {list: [1, 2]}}
        output last string = items[^1]
        output first string = items[^3]
        output beyondSafe string? = items[?^4]
        output safeChain int? = nested.?deep.list[^1]
        output missingChain int? = nested.?none.list[^1]
    """)
    assert values == {"last": "c", "first": "a", "beyondSafe": None, "safeChain": 2,
                      "missingChain": None}
    assert not resolution.errors


def test_index_from_the_end_out_of_range_is_a_template_error(tmp_path: Path) -> None:
    _, resolution = outputs(tmp_path, """
        var items = ['a']
        output beyond string = items[^2]
        output zero string = items[^0]
    """)
    messages = [e.message for e in resolution.errors]
    assert messages == ["index ^2 is outside the array (length 1)",
                        "index ^0 is outside the array (length 1)"]


def test_index_from_the_end_of_a_resource_loop(tmp_path: Path) -> None:
    path = write(tmp_path, "main.bicep", """
        resource subnets 'Microsoft.Network/virtualNetworks/subnets@2023-04-01' = [
          for i in range(0, 3): {
          name: 'vnet/s${i}'
          properties: {}
        }]
        resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
          name: 'nsg'
          tags: {last: subnets[^1].name, beforeLast: subnets[^2].name}
        }
    """)
    resolution = resolve_bicep(path, "main.bicep", tmp_path)
    nsg = resolution.resources[-1]
    assert nsg.body.plain()["tags"] == {"last": "vnet/s2", "beforeLast": "vnet/s1"}
    assert not resolution.errors


def test_a_safe_access_chain_is_null_once_a_step_is(tmp_path: Path) -> None:
    values, resolution = outputs(tmp_path, """
        var config = {network: {plugin: 'azure'}, list: [{a: 1}]}
        output deep string? = config.?network.plugin
        output missing string? = config.?dns.server.address
        output missingLater string? = config.?network.policy.engine
        output indexed int? = config.list[?3].a
    """)
    assert values == {"deep": "azure", "missing": None, "missingLater": None,
                      "indexed": None}
    assert not resolution.errors


def test_quoted_imported_symbol(tmp_path: Path) -> None:
    write(tmp_path, "shared.bicep", """
        @export()
        var prefix = '10.1.0.0/16'
    """)
    values, resolution = outputs(tmp_path, """
        import {'prefix' as range} from 'shared.bicep'
        output range string = range
    """)
    assert values == {"range": "10.1.0.0/16"}
    assert not resolution.errors


def test_test_declarations_deploy_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "main.bicep", """
        test sample 'sample.bicep' = {
          params: {location: 'westus'}
        }
        resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
          name: 'vnet'
        }
    """)
    resolution = resolve_bicep(path, "main.bicep", tmp_path)
    assert [r.type for r in resolution.resources] == ["Microsoft.Network/virtualNetworks"]
    assert not resolution.errors


def test_extension_config_in_a_parameters_file(tmp_path: Path) -> None:
    write(tmp_path, "main.bicep", """
        extension kubernetes with {kubeConfig: 'x', namespace: 'default'} as k8s
        param location string
        resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = {
          name: 'vnet'
          location: location
        }
    """)
    params = write(tmp_path, "main.bicepparam", """
        using 'main.bicep'
        param location = 'westeurope'
        extensionConfig k8s with {
          kubeConfig: readEnvironmentVariable('KUBE_CONFIG', '')
        }
    """)
    resolution = resolve_bicepparam(params, "main.bicepparam", tmp_path)
    (vnet,) = resolution.resources
    assert vnet.body.plain()["location"] == "westeurope"
    assert not resolution.errors
