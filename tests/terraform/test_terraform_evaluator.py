"""The Terraform parser and module evaluator: positions, references, multiplicity, unknowns."""

from __future__ import annotations

import pytest

from aksnetlint.errors import ParseError
from aksnetlint.parsers.terraform import parse_terraform
from aksnetlint.resolve.terraform import ModuleEvaluator, TerraformModule, resolve_terraform
from aksnetlint.values import ResourceRef, Sourced, Unresolved, to_plain


def _module(text: str, tfvars: str | None = None) -> TerraformModule:
    module = TerraformModule("m", [parse_terraform(text, "main.tf")])
    if tfvars is not None:
        module.var_files.append(parse_terraform(tfvars, "terraform.tfvars"))
    return module


def _local(text: str, name: str = "x", tfvars: str | None = None) -> Sourced:
    evaluator = ModuleEvaluator(_module(text, tfvars))
    return evaluator._local(name, evaluator.locals[name].loc)  # noqa: SLF001


def _resources(text: str) -> dict[str, Sourced]:
    return {r.address: r.body for r in resolve_terraform(_module(text)).resources}


def test_positions_of_blocks_attributes_and_list_entries() -> None:
    hcl = parse_terraform('# c\nresource "t" "n" {\n  a = ["x",\n    "y"]\n}\n', "f.tf")
    block = hcl.body.blocks[0]
    assert (block.type, block.labels, block.loc.line, block.loc.column) == ("resource",
                                                                            ("t", "n"), 2, 1)
    attr = block.body.attributes["a"]
    assert (attr.loc.line, attr.loc.column) == (3, 3)
    assert hcl.comments == ((1, "# c"),)
    value = resolve_terraform(TerraformModule("m", [hcl])).resources[0].body.data["a"]
    assert [(v.data, v.loc.line, v.loc.column) for v in value.data] == [("x", 3, 8),
                                                                        ("y", 4, 5)]


def test_syntax_error_has_position() -> None:
    with pytest.raises(ParseError) as err:
        parse_terraform('resource "a" "b" {\n  x = = 1\n}\n', "f.tf")
    assert (err.value.line, err.value.column) == (2, 7)


def test_duplicate_attribute_is_an_error() -> None:
    with pytest.raises(ParseError, match="defined twice"):
        parse_terraform('a = 1\na = 2\n', "f.tf")


def test_variables_tfvars_precedence_and_location() -> None:
    text = 'variable "v" {\n  default = "d"\n}\nlocals { x = var.v }\n'
    assert _local(text).data == "d"
    value = _local(text, tfvars='v = "t"\n')
    assert value.data == "t"
    assert (value.loc.path, value.loc.line) == ("terraform.tfvars", 1)


def test_variable_without_value_is_unresolved() -> None:
    value = _local('variable "v" {}\nlocals { x = "a-${var.v}" }\n')
    assert isinstance(value.data, Unresolved)
    assert "no default" in value.data.reason


def test_interpolation_conditional_arithmetic() -> None:
    text = ('variable "env" {\n  default = "prod"\n}\nlocals {\n'
            '  n = 2\n'
            '  x = "${var.env}-${local.n * 3 + 1}-${var.env == "prod" ? "p" : "d"}"\n}\n')
    assert _local(text).data == "prod-7-p"


def test_single_interpolation_keeps_type() -> None:
    assert _local('locals {\n  l = [1, 2]\n  x = "${local.l}"\n}\n').plain() == [1, 2]


def test_for_expressions() -> None:
    text = ('locals {\n  m = { a = 1, b = 2, c = 3 }\n'
            '  x = [for k, v in local.m : "${k}=${v}" if v > 1]\n'
            '  y = { for k, v in local.m : v => k }\n'
            '  z = { for s in ["a", "b", "a"] : s => s... }\n}\n')
    assert _local(text).plain() == ["b=2", "c=3"]
    assert _local(text, "y").plain() == {"1": "a", "2": "b", "3": "c"}
    assert _local(text, "z").plain() == {"a": ["a", "a"], "b": ["b"]}


def test_unknown_condition_is_unresolved_not_a_branch() -> None:
    value = _local('variable "p" {}\nlocals { x = var.p ? "a" : "b" }\n')
    assert isinstance(value.data, Unresolved)


def test_local_cycle_is_unresolved() -> None:
    value = _local('locals {\n  x = local.y\n  y = local.x\n}\n')
    assert isinstance(value.data, Unresolved)


def test_resource_references() -> None:
    text = ('resource "azurerm_virtual_network" "v" {\n  name = "vnet"\n'
            '  address_space = ["10.0.0.0/16"]\n}\n'
            'resource "azurerm_subnet" "s" {\n  name = "snet"\n'
            '  virtual_network_name = azurerm_virtual_network.v.name\n'
            '  space = azurerm_virtual_network.v.address_space[0]\n'
            '  vnet_id = azurerm_virtual_network.v.id\n}\n')
    subnet = _resources(text)["azurerm_subnet.s"].data
    assert subnet["virtual_network_name"].data == "vnet"
    assert subnet["virtual_network_name"].loc.line == 2  # where the name was written
    assert subnet["virtual_network_name"].at.line == 7  # the attribute that takes it
    assert subnet["space"].data == "10.0.0.0/16"
    assert subnet["vnet_id"].data == ResourceRef("azurerm_virtual_network.v", "id")


def test_count_and_for_each_instances() -> None:
    text = ('variable "enabled" {\n  default = false\n}\n'
            'resource "azurerm_subnet" "c" {\n  count = 2\n  name = "s${count.index}"\n}\n'
            'resource "azurerm_subnet" "f" {\n  for_each = { a = "10.0.0.0/24" }\n'
            '  name = each.key\n  address_prefixes = [each.value]\n}\n'
            'resource "azurerm_subnet" "off" {\n  count = var.enabled ? 1 : 0\n  name = "x"\n}\n'
            'resource "azurerm_subnet" "ref" {\n  name = azurerm_subnet.c[1].name\n'
            '  ids = azurerm_subnet.c[*].id\n}\n')
    resources = _resources(text)
    assert resources["azurerm_subnet.c[0]"].data["name"].data == "s0"
    assert resources["azurerm_subnet.c[1]"].data["name"].data == "s1"
    assert to_plain(resources['azurerm_subnet.f["a"]'].data["address_prefixes"]) == [
        "10.0.0.0/24"]
    assert not any(a.startswith("azurerm_subnet.off") for a in resources)
    ref = resources["azurerm_subnet.ref"].data
    assert ref["name"].data == "s1"
    assert [i.data for i in ref["ids"].data] == [ResourceRef("azurerm_subnet.c[0]", "id"),
                                                 ResourceRef("azurerm_subnet.c[1]", "id")]


def test_unknown_count_is_possibly_present() -> None:
    module = _module('variable "n" {}\nresource "azurerm_subnet" "s" {\n  count = var.n\n'
                     '  name = "s"\n}\n')
    [res] = resolve_terraform(module).resources
    assert res.present is None


def test_dynamic_blocks_and_nested_blocks() -> None:
    text = ('locals { rules = { ssh = 22, https = 443 } }\n'
            'resource "azurerm_network_security_group" "n" {\n  name = "nsg"\n'
            '  dynamic "security_rule" {\n    for_each = local.rules\n    content {\n'
            '      name = security_rule.key\n      port = security_rule.value\n    }\n  }\n'
            '  tags { a = 1 }\n}\n')
    body = _resources(text)["azurerm_network_security_group.n"]
    rules = to_plain(body.data["security_rule"])
    assert rules == [{"name": "https", "port": 443}, {"name": "ssh", "port": 22}]


def test_heredoc_and_escapes() -> None:
    text = 'locals {\n  x = <<-EOT\n    a ${"b"}\n    c\n  EOT\n  y = "q\\"\\n$${z}"\n}\n'
    assert _local(text).data == "a b\nc\n"
    assert _local(text, "y").data == 'q"\n${z}'


def test_data_sources_and_module_outputs_are_unresolved() -> None:
    text = ('data "azurerm_subnet" "s" {\n  name = "x"\n}\n'
            'locals {\n  x = data.azurerm_subnet.s.id\n  y = module.net.subnet_id\n}\n')
    assert isinstance(_local(text).data, Unresolved)
    assert isinstance(_local(text, "y").data, Unresolved)


def test_interpolating_a_resource_id_is_unresolved() -> None:
    text = ('resource "azurerm_subnet" "s" {\n  name = "x"\n}\n'
            'locals { x = "${azurerm_subnet.s.id}/suffix" }\n')
    assert isinstance(_local(text).data, Unresolved)


def test_traversal_of_computed_values() -> None:
    text = ('locals {\n  x = jsondecode("{\\"a\\": [1, 2]}").a[1]\n  y = ["p", "q"][1]\n'
            '  z = (true ? { k = 1 } : { k = 2 }).k\n}\n')
    assert _local(text).data == 2
    assert _local(text, "y").data == "q"
    assert _local(text, "z").data == 1
