"""Variable type constraints: values converted to the declared type as Terraform does.

Every expectation here was read from `terraform console` (Terraform 1.11) on the same
declarations; the differential suite (test_terraform_differential.py) checks many more.
"""

from __future__ import annotations

import pytest

from aksnetlint.parsers.terraform import parse_terraform
from aksnetlint.resolve.terraform import ModuleEvaluator, TerraformModule
from aksnetlint.values import Unresolved


def _evaluator(text: str, tfvars: str | None = None) -> ModuleEvaluator:
    module = TerraformModule("m", [parse_terraform(text, "main.tf")])
    if tfvars is not None:
        module.var_files.append(parse_terraform(tfvars, "terraform.tfvars"))
    return ModuleEvaluator(module)


def _value(type_: str, default: str) -> object:
    evaluator = _evaluator(f'variable "v" {{\n  type = {type_}\n  default = {default}\n}}\n')
    assert not evaluator.resolution.errors, [str(e) for e in evaluator.resolution.errors]
    return evaluator.var_values["v"].plain()


@pytest.mark.parametrize(("type_", "default", "expected"), [
    ('object({ x = optional(string, "d"), n = number })', '{ n = "5" }', {"x": "d", "n": 5}),
    ("object({ o = optional(object({ p = optional(number, 9), q = optional(string) }), {}) })",
     "{}", {"o": {"p": 9, "q": None}}),
    ('object({ x = optional(string, "dflt") })', "{ x = null }", {"x": "dflt"}),
    ("object({ x = string })", '{ x = "1", extra = 2 }', {"x": "1"}),
    ("list(object({ z = optional(number, 3) }))", '[{}, { z = "7" }]', [{"z": 3}, {"z": 7}]),
    ("map(object({ p = optional(bool, true) }))", '{ k = {}, j = { p = "false" } }',
     {"k": {"p": True}, "j": {"p": False}}),
    ("set(string)", '["b", "a", "b", 1, true]', ["1", "a", "b", "true"]),
    ("list(string)", "[1.5, 1e20, 0.1]", ["1.5", "100000000000000000000", "0.1"]),
    ("map(string)", "{ z = 1, a = true }", {"z": "1", "a": "true"}),
    ("list(any)", '[{ a = 1 }, { a = "x", b = true }]', [{"a": "1"}, {"a": "x", "b": "true"}]),
    ("list(any)", "[[1], [1, 2]]", [[1], [1, 2]]),
    ("list(any)", '[[1], ["a", 2]]', [["1"], ["a", "2"]]),
    ("list(object({ a = any }))", '[{ a = 1 }, { a = "x" }]', [{"a": "1"}, {"a": "x"}]),
    ("list(bool)", '["0", "1", "false"]', [False, True, False]),
    ("list(any)", '[null, 1, "2"]', [None, "1", "2"]),
    ("map(any)", '{ a = [1], b = ["x"] }', {"a": ["1"], "b": ["x"]}),
    ("any", '{ a = [1, "x"] }', {"a": [1, "x"]}),
    ("tuple([string, number])", '["1", "2"]', ["1", 2]),
    ("object({ x = string })", "null", None),
    ("list", "[1]", [1]),
])
def test_conversion(type_: str, default: str, expected: object) -> None:
    assert _value(type_, default) == expected


@pytest.mark.parametrize(("type_", "default", "message"), [
    ("object({ n = number })", '{ n = "x" }', ".n: a number is required"),
    ("object({ n = list(number) })", '{ n = [1, "x"] }', ".n[1]: a number is required"),
    ("map(object({ n = bool }))", '{ k = { n = "yes" } }', '["k"].n: a bool is required'),
    ("string", "[1]", "string required"),
    ("list(string)", '"x"', "list of string required"),
    ("number", "{}", "number required"),
    ("object({ a = string })", '"x"', "object required"),
    ("tuple([string])", "[1, 2]", "tuple required"),
    ("list(any)", "[1, true]", "all list elements must have the same type"),
    ("map(any)", '{ a = { x = 1 }, b = "s" }', "all map elements must have the same type"),
    ("bool", '"True"', 'a bool is required; to convert from string, use lowercase "true"'),
    ("object({ n = number })", "{}", 'attribute "n" is required'),
])
def test_default_that_does_not_convert_is_terraforms_error(type_: str, default: str,
                                                            message: str) -> None:
    evaluator = _evaluator(f'variable "v" {{\n  type = {type_}\n  default = {default}\n}}\n')
    [error] = evaluator.resolution.errors
    assert (error.path, error.line, error.column) == ("main.tf", 3, 3)
    assert error.message == ("Invalid default value for variable: This default value is not "
                             f"compatible with the variable's type constraint: {message}.")
    assert isinstance(evaluator.var_values["v"].data, Unresolved)


def test_tfvars_value_that_does_not_convert_is_an_error_at_the_tfvars_line() -> None:
    evaluator = _evaluator('variable "v" {\n  type = object({ n = number })\n}\n',
                           'v = { n = "x" }\n')
    [error] = evaluator.resolution.errors
    assert (error.path, error.line) == ("terraform.tfvars", 1)
    assert error.message.startswith("Invalid value for input variable: The given value is not "
                                    "suitable for var.v declared at main.tf:1: .n: a number")


def test_optional_default_is_located_at_the_object_that_leaves_it_out() -> None:
    evaluator = _evaluator(
        'variable "v" {\n  type = object({ ranges = optional(list(string), []) })\n}\n',
        "v = {\n  other = 1\n}\n")
    ranges = evaluator.var_values["v"].data["ranges"]  # type: ignore[index]
    assert ranges.data == [] and (ranges.loc.path, ranges.loc.line) == ("terraform.tfvars", 1)


def test_nullable_false_takes_the_default_for_null() -> None:
    evaluator = _evaluator('variable "v" {\n  type = string\n  default = "d"\n'
                           '  nullable = false\n}\n', "v = null\n")
    assert evaluator.var_values["v"].data == "d"
    nullable = _evaluator('variable "v" {\n  type = string\n  default = "d"\n}\n', "v = null\n")
    assert nullable.var_values["v"].data is None


def test_tfvars_values_convert_and_take_defaults() -> None:
    evaluator = _evaluator(
        'variable "v" {\n  type = object({ id = string, n = optional(number, 1) })\n}\n'
        'module "m" {\n  source = "./x"\n}\n', "v = { id = 3 }\n")
    assert evaluator.var_values["v"].plain() == {"id": "3", "n": 1}


@pytest.mark.parametrize(("type_", "message"), [
    ('"string"', "Invalid quoted type constraints"),
    ("strin", 'The keyword "strin" is not a valid type specification.'),
    ("optional(string)", 'Keyword "optional" is valid only as a modifier'),
    ("list(string, number)", "The list type constructor requires one argument"),
])
def test_invalid_type_constraints_are_errors(type_: str, message: str) -> None:
    evaluator = _evaluator(f'variable "v" {{\n  type = {type_}\n}}\n')
    [error] = evaluator.resolution.errors
    assert message in error.message and error.line == 2
