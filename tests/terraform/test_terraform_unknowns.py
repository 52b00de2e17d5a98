"""Unknown values at Terraform's granularity: a collection holding an unknown element is a
known collection, and Terraform's "not null" refinements decide `!= null` on unknowns.

Each expectation is what `terraform plan` reported for the same expression (outputs of a
plan against `terraform_data` and an SDKv2 provider, whose computed attributes are
unknown and not refined).
"""

from __future__ import annotations

import pytest

from aksnetlint.parsers.terraform import parse_terraform
from aksnetlint.resolve.terraform import ModuleEvaluator, TerraformModule
from aksnetlint.values import ResourceRef, Unresolved

# `local.u`: a computed attribute of a resource created by this plan (unknown, may be null)
_PRELUDE = '''
resource "azurerm_virtual_network" "v" {
  name = "v"
}
locals {
  u = azurerm_virtual_network.v.guid
}
'''

UNKNOWN = object()


def _eval(expression: str) -> object:
    text = _PRELUDE + f"locals {{\n  x = {expression}\n}}\n"
    evaluator = ModuleEvaluator(TerraformModule("m", [parse_terraform(text, "main.tf")]))
    value = evaluator._local("x", evaluator.locals["x"].loc)  # noqa: SLF001
    if isinstance(value.data, Unresolved | ResourceRef):
        return UNKNOWN
    return value.plain()


def _shape(value: object) -> object:
    if isinstance(value, Unresolved | ResourceRef):
        return UNKNOWN
    if isinstance(value, list):
        return [_shape(v) for v in value]
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("expression", "expected"), [
    # a known collection with an unknown element stays known
    ("{ a = local.u, b = 1 } != null", True),
    ("length({ a = local.u, b = 1 })", 2),
    ("merge({ a = local.u }, { b = 1 })", {"a": UNKNOWN, "b": 1}),
    ("{ for k, v in { a = { x = local.u }, b = null, c = { x = \"2\" } } : k => v if v != null }",
     {"a": {"x": UNKNOWN}, "c": {"x": "2"}}),
    ('lookup({ a = local.u, b = 1 }, "b")', 1),
    ("keys({ a = local.u })", ["a"]),
    ('contains([local.u, "a"], "a")', True),
    ('concat([local.u], ["b"])', [UNKNOWN, "b"]),
    ('[for v in [local.u, "a"] : v]', [UNKNOWN, "a"]),
    ('[{ a = local.u }, { a = "z" }][*].a', [UNKNOWN, "z"]),
    ('{ for k in ["a", "b"] : k => local.u }', {"a": UNKNOWN, "b": UNKNOWN}),
    ('[local.u, "x"][1]', "x"),
    ('coalesce("a", local.u)', "a"),
    ("length(concat([local.u], [1, 2]))", 3),
    # comparisons: decided by what is known, in cty's order
    ("[local.u, 1] == [2]", False),
    ('[1, local.u] == [2, "x"]', False),
    ('[local.u, 1] == ["x", 2]', UNKNOWN),
    ('{ a = local.u, b = 1 } == { a = "x", b = 2 }', UNKNOWN),
    ('{ a = local.u } == { b = 1 }', False),
    ('local.u == "x"', UNKNOWN),
    # a computed attribute may be null: comparing it with null is unknown ...
    ("local.u != null", UNKNOWN),
    ('{ for k, v in { a = local.u, b = null } : k => v if v != null }', UNKNOWN),
    ('local.u == "" ? "a" : null', UNKNOWN),
    # ... but the results of functions, templates and operators are never null
    ('coalesce(null, local.u) != null', True),
    ('upper(local.u) != null', True),
    ('"a-${local.u}" != null', True),
    ('(local.u == "" ? "a" : "b") != null', True),
    ('(local.u == "x") != null', True),
    ('"${local.u}" != null', UNKNOWN),
    ('lookup({ a = local.u }, "a") != null', UNKNOWN),
    ('tostring(local.u) != null', UNKNOWN),
    ('try(local.u, "x") != null', UNKNOWN),
    ('(local.u == "" ? null : null)', None),
    # logic does not short-circuit over unknowns
    ('false && local.u == ""', UNKNOWN),
    ('true || local.u == ""', UNKNOWN),
])
def test_unknown_granularity(expression: str, expected: object) -> None:
    assert _shape(_eval(expression)) == expected


def test_merge_keeps_where_each_value_was_written() -> None:
    text = ('locals {\n  a = { x = "one" }\n  b = {\n    y = "two"\n  }\n'
            '  m = merge(local.a, local.b, { z = true })\n}\n')
    evaluator = ModuleEvaluator(TerraformModule("m", [parse_terraform(text, "main.tf")]))
    merged = evaluator._local("m", evaluator.locals["m"].loc)  # noqa: SLF001
    assert isinstance(merged.data, dict)
    assert {k: v.loc.line for k, v in merged.data.items() if v.loc} == {"x": 2, "y": 4, "z": 6}


def test_try_keeps_where_its_value_was_written() -> None:
    text = ('variable "v" {\n  default = {\n    ranges = ["10.0.0.0/8"]\n  }\n}\n'
            'locals {\n  r = try(var.v.ranges, [])\n}\n')
    evaluator = ModuleEvaluator(TerraformModule("m", [parse_terraform(text, "main.tf")]))
    value = evaluator._local("r", evaluator.locals["r"].loc)  # noqa: SLF001
    assert isinstance(value.data, list) and value.data[0].loc.line == 3
