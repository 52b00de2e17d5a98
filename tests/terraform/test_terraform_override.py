"""Override files merged as Terraform merges them (each expectation checked with
`terraform plan` on the same files)."""

from __future__ import annotations

import pytest

from aksnetlint.parsers.terraform import parse_terraform
from aksnetlint.resolve.terraform import ModuleEvaluator, TerraformModule, resolve_terraform
from aksnetlint.resolve.terraform_override import is_override_file


def _module(files: dict[str, str]) -> TerraformModule:
    return TerraformModule("m", [parse_terraform(text, name) for name, text in files.items()])


@pytest.mark.parametrize(("name", "override"), [
    ("override.tf", True), ("dev_override.tf", True), ("override.tf.json", True),
    ("a_override.tf.json", True), ("overrides.tf", False), ("main.tf", False),
    ("override_dev.tf", False), ("sub/override.tf", True),
])
def test_override_file_names(name: str, override: bool) -> None:
    assert is_override_file(name) is override


def test_attributes_replace_and_nested_block_types_replace_all_blocks() -> None:
    module = _module({
        "main.tf": 'resource "t" "a" {\n  x = 1\n  y = 2\n  rule { n = 1 }\n  rule { n = 2 }\n'
                   '  dynamic "rule" {\n    for_each = [3]\n    content { n = rule.value }\n  }\n'
                   '  other { n = 9 }\n}\n',
        "override.tf": 'resource "t" "a" {\n  y = 20\n  rule { n = 10 }\n}\n',
    })
    [res] = resolve_terraform(module).resources
    body = res.body
    assert body.plain() == {"x": 1, "y": 20, "rule": [{"n": 10}], "other": [{"n": 9}]}
    assert body.data["y"].loc.path == "override.tf"  # type: ignore[index,union-attr]


def test_override_files_apply_in_lexical_order_after_primary_files() -> None:
    module = _module({
        "b_override.tf": 'locals {\n  v = "b"\n}\n',
        "a_override.tf": 'locals {\n  v = "a"\n  w = "a"\n}\n',
        "main.tf": 'locals {\n  v = "main"\n}\nlocals {\n  w = "main"\n}\n',
    })
    evaluator = ModuleEvaluator(module)
    assert [evaluator._local(n, evaluator.locals[n].loc).data  # noqa: SLF001
            for n in ("v", "w")] == ["b", "a"]


def test_lifecycle_merges_argument_by_argument() -> None:
    from aksnetlint.resolve.terraform_override import merge_body

    base = parse_terraform('resource "t" "a" {\n  lifecycle {\n    a = 1\n    b = 2\n  }\n}\n',
                           "main.tf").body.blocks[0].body
    over = parse_terraform('resource "t" "a" {\n  lifecycle {\n    b = 3\n  }\n}\n',
                           "override.tf").body.blocks[0].body
    [lifecycle] = merge_body(base, over).blocks
    assert {k: v.value.value for k, v in lifecycle.body.attributes.items()} == \
        {"a": 1, "b": 3}  # type: ignore[attr-defined]


def test_an_override_of_nothing_is_terraforms_error() -> None:
    module = _module({
        "main.tf": 'locals {\n  a = 1\n}\n',
        "override.tf": 'resource "t" "missing" {\n  x = 1\n}\nlocals {\n  nope = 1\n}\n'
                       'variable "v" {\n  default = 1\n}\n',
    })
    errors = sorted((e.line, e.message.split(":")[0]) for e in resolve_terraform(module).errors)
    assert errors == [(1, "Missing resource to override"),
                      (5, "Missing base local value definition to override"),
                      (7, "Missing base variable declaration to override")]
