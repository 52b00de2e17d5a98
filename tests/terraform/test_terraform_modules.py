"""Modules evaluated per value, as Terraform's graph has a node per variable and output: a
module may read its own outputs or another module's, and only a value that depends on
itself is a cycle, reported as Terraform reports it."""

from __future__ import annotations

from pathlib import Path

from aksnetlint.lint import Options, lint
from aksnetlint.parsers.terraform import parse_terraform
from aksnetlint.resolve.terraform import ModuleLoader, TerraformModule, resolve_terraform
from aksnetlint.values import Location, Unresolved

_CHILD = '''
variable "x" {}
variable "y" {}
output "x_out" { value = var.x }
output "y_out" { value = var.y }
resource "azurerm_virtual_network" "v" {
  name          = "v"
  address_space = [var.x, var.y]
}
'''


class _Loader(ModuleLoader):
    def __init__(self, modules: dict[str, str]) -> None:
        self.modules = {k: TerraformModule(k, [parse_terraform(v, f"{k}/main.tf")])
                        for k, v in modules.items()}

    def load(self, caller: TerraformModule, source: str, key: str,
             loc: Location) -> TerraformModule | Unresolved:
        return self.modules[source.removeprefix("./")]


def _resolve(root: str, modules: dict[str, str]) -> tuple[dict[str, object], list[str]]:
    module = TerraformModule(".", [parse_terraform(root, "main.tf")])
    resolution = resolve_terraform(module, _Loader(modules))
    spaces = {r.address: r.body.plain()["address_space"]  # type: ignore[index]
              for r in resolution.resources}
    return spaces, [str(e) for e in resolution.errors]


def test_a_module_reads_its_own_output_and_another_modules() -> None:
    root = '''
module "a" {
  source = "./m"
  x      = "10.1.0.0/16"
  y      = module.a.x_out
}
module "b" {
  source = "./m"
  x      = module.a.y_out
  y      = module.c.x_out
}
module "c" {
  source = "./m"
  x      = "10.3.0.0/16"
  y      = module.b.x_out
}
'''
    spaces, errors = _resolve(root, {"m": _CHILD})
    assert errors == []
    assert spaces == {
        "module.a.azurerm_virtual_network.v": ["10.1.0.0/16", "10.1.0.0/16"],
        "module.b.azurerm_virtual_network.v": ["10.1.0.0/16", "10.3.0.0/16"],
        "module.c.azurerm_virtual_network.v": ["10.3.0.0/16", "10.1.0.0/16"],
    }


def test_a_value_that_depends_on_itself_is_a_positioned_cycle() -> None:
    root = '''
module "ok" {
  source = "./m"
  x      = "10.1.0.0/16"
  y      = module.ok.x_out
}
module "c" {
  source = "./m"
  x      = module.c.y_out
  y      = module.c.x_out
}
'''
    spaces, errors = _resolve(root, {"m": _CHILD})
    # terraform plan: "Cycle: module.c.var.y (expand), module.c.output.y_out (expand),
    # module.c.var.x (expand), module.c.output.x_out (expand)"
    assert len(errors) == 1 and errors[0].startswith("main.tf:9:3: error: Cycle: ")
    assert set(errors[0].split("Cycle: ")[1].split(", ")) == {
        "module.c.var.x", "module.c.output.y_out", "module.c.var.y", "module.c.output.x_out"}
    assert spaces["module.ok.azurerm_virtual_network.v"] == ["10.1.0.0/16", "10.1.0.0/16"]
    assert all(isinstance(v, Unresolved)
               for v in spaces["module.c.azurerm_virtual_network.v"])  # type: ignore[union-attr]


def test_count_that_reads_the_modules_own_output_is_a_cycle() -> None:
    root = 'module "a" {\n  source = "./m"\n  count  = length(module.a)\n  x = "a"\n  y = "b"\n}\n'
    _, errors = _resolve(root, {"m": _CHILD})
    assert errors and "Cycle: module.a" in errors[0]


def test_locals_and_resources_that_refer_to_each_other_are_cycles() -> None:
    root = ('locals {\n  a = local.b\n  b = local.a\n}\n'
            'resource "azurerm_virtual_network" "v" {\n  name = local.a\n'
            '  address_space = [azurerm_subnet.s.name]\n}\n'
            'resource "azurerm_subnet" "s" {\n  name = azurerm_virtual_network.v.name\n}\n')
    module = TerraformModule(".", [parse_terraform(root, "main.tf")])
    errors = [str(e) for e in resolve_terraform(module).errors]
    assert any("Cycle: local.a, local.b" in e or "Cycle: local.b, local.a" in e for e in errors)
    assert any("azurerm_subnet.s" in e and "azurerm_virtual_network.v" in e for e in errors)


def test_an_unused_output_with_an_error_does_not_stop_a_module(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text(_CHILD + 'output "bad" { value = module.nope }\n')
    (tmp_path / "main.tf").write_text('module "a" {\n  source = "./m"\n  x = "10.0.0.0/16"\n'
                                      '  y = module.a.x_out\n}\n')
    result = lint([tmp_path], Options(root=tmp_path))
    assert not result.errors
