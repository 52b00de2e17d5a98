"""HCL syntax exactly as Terraform accepts it, beyond what python-hcl2's grammar takes.

Every case was run through Terraform 1.11: the expected values below are what `terraform
apply` reported for `output "<case>" { value = <expression> }`, and the file cases are
what `terraform fmt` accepts. When `terraform` is on PATH the tests ask it again (one
`terraform apply` of a provider-free configuration for all value cases; `terraform fmt`
for the files); otherwise those checks skip and the recorded values still hold.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from aksnetlint.errors import ParseError
from aksnetlint.parsers import hcl_ast as ast
from aksnetlint.parsers.terraform import parse_terraform
from aksnetlint.resolve.terraform import ModuleEvaluator, TerraformModule
from aksnetlint.values import to_plain

TERRAFORM = shutil.which("terraform")
NEEDS_TERRAFORM = pytest.mark.skipif(TERRAFORM is None, reason="terraform is not on PATH")

# case -> (expression as written in a .tf file, the value Terraform gives it)
VALUES: dict[str, tuple[str, object]] = {
    # newlines are insignificant inside ( ), [ ], ${ } and %{ }
    "newline_before_trailing_comma_in_call": ("max(1,\n    3\n  ,)", 3),
    "newline_before_trailing_comma_in_list": ("[1, 2\n  ,]", [1, 2]),
    "newline_between_name_and_paren_in_list": ("[max\n  (1, 3)]", [3]),
    "argument_per_line": ("max(\n    1,\n    5,\n    3\n  )", 5),
    "interpolation_spanning_lines": ('"a${\n    upper("b")\n  }c"', "aBc"),
    "directive_spanning_lines": ('"%{\n    if true\n  }yes%{ endif }"', "yes"),
    "conditional_over_lines_in_parens": ("(true\n    ? 1\n    : 2)", 1),
    "operator_after_newline_in_parens": ("(1\n    + 2)", 3),
    "operator_before_newline_in_parens": ("(1 +\n    2)", 3),
    "index_over_lines": ("[1, 2][\n    1\n  ]", 2),
    "attribute_after_newline_in_list": ('[{ a = "x" }\n    .a]', ["x"]),
    "for_object_over_lines": ("{ for k, v in { a = 1 } :\n    k => v\n  }", {"a": 1}),
    "for_tuple_over_lines": ("[\n    for x in [1, 2] :\n    x * 2\n    if x > 1\n  ]", [4]),
    # comments anywhere
    "comments_in_a_list": ("[\n    1, # one\n    2 // two\n    /* three */\n  ]", [1, 2]),
    "inline_comment_between_operands": ("1 /* c */ + 2", 3),
    "multi_line_comment_between_operands": ("1 /* a\n  b */ + 2", 3),
    "comment_only_list": ("[\n    # nothing\n  ]", []),
    # operators python-hcl2 rejects
    "not_not": ("!!true", True),
    "minus_minus": ("- -1", 1),
    "minus_of_parenthesised": ("-(-2)", 2),
    # function namespaces: core:: for built-ins (provider:: needs a provider: a file case)
    "core_namespace": ("core::max(1, 2)", 2),
    "expansion_of_last_argument": ("max([1, 5, 3]...)", 5),
    # identifiers are Unicode
    "unicode_object_key_and_attribute": ('{ café = "au lait" }.café', "au lait"),
    "keywords_as_keys_and_attributes": ("{ if = 1, for = 2, in = 3 }.in", 3),
    # templates: strip markers, escapes, directives
    "strip_markers_on_interpolation": ('"a   ${~ "b" ~}   c"', "abc"),
    "strip_marker_left_only": ('"a   ${~ "b"}   c"', "ab   c"),
    "escapes": ('"$${x} %%{y} \\u00e9 \\t|"', "${x} %{y} \u00e9 \t|"),
    "nested_quotes_in_interpolation": ('"${"in${"ne"}r"}"', "inner"),
    "if_else_directive": ('"x %{ if 1 > 2 }yes%{ else }no%{ endif } y"', "x no y"),
    "for_directive_key_value": ('"%{ for k, v in { a = 1, b = 2 } }${k}=${v};%{ endfor }"',
                                "a=1;b=2;"),
    "for_directive_numbers": ('"%{ for x in [1, 2] }${x}%{ endfor }"', "12"),
    "directive_strip_markers": ('"[%{~ for x in ["a", "b"] ~} ${x} %{~ endfor ~}]"', "[ab]"),
    # heredocs
    "heredoc": ("<<EOT\n  a\n    b\nEOT", "  a\n    b\n"),
    "heredoc_empty": ("<<EOT\nEOT", ""),
    "heredoc_marker_with_underscore": ("<<_EOT\nx\n_EOT", "x\n"),
    "heredoc_indented_marker": ("<<EOT\n  x\n  EOT", "  x\n"),
    "heredoc_quotes_and_backslashes": ('<<EOT\n"q" \\n ${"i"}\nEOT', '"q" \\n i\n'),
    "flush_heredoc": ("<<-EOT\n    a\n      b\n\n    c\n  EOT", "a\n  b\n\nc\n"),
    "flush_heredoc_tabs": ("<<-EOT\n\t  tab\n\t  tab2\n\tEOT", "tab\ntab2\n"),
    "flush_heredoc_interpolation_first": ('<<-EOT\n      a\n    ${"x"} b\n  EOT',
                                          "  a\nx b\n"),
    "flush_heredoc_for_directive": ("<<-EOT\n    %{ for x in [\"a\", \"b\"] ~}\n    ${x}\n"
                                    "    %{ endfor ~}\n  EOT", "    a\n    b\n"),
    "heredoc_strip_per_line": ("<<EOT\n  a  \n  %{~ if true ~}\n  b\n  %{~ endif ~}\n  c\nEOT",
                               "  a  \n  b\n  c\n"),
    "heredoc_in_call": ("trimspace(<<EOT\n  x\nEOT\n  )", "x"),
    "heredoc_in_list": ('[<<EOT\nx\nEOT\n  , "y"]', ["x\n", "y"]),
    "heredoc_in_interpolation": ('"${trimspace(<<EOT\n  z\nEOT\n  )}"', "z"),
    # splats, legacy index, grouping
    "splat": ("[{ a = 1 }, { a = 2 }][*].a", [1, 2]),
    "legacy_splat": ("[{ a = 1 }, { a = 2 }].*.a", [1, 2]),
    "legacy_index": ("[10, 20].1", 20),
    "for_grouping": ('{ for s in ["a", "b", "a"] : s => s... }',
                     {"a": ["a", "a"], "b": ["b"]}),
    "trailing_commas": ("{ a = [1, 2,], b = 2, }", {"a": [1, 2], "b": 2}),
    # keywords just before a parenthesis, calls and names in conditionals, colon elements
    "if_before_parenthesis": ("[for x in [1, 2, 3] : x if(x > 1)]", [2, 3]),
    "in_before_parenthesis": ("[for v in([1, 2]) : v]", [1, 2]),
    "calls_in_conditional": ('true ? upper("a") : lower("B")', "A"),
    "object_with_colons": ("{ a: 1, b: 2 }", {"a": 1, "b": 2}),
    "traversal_in_for": ("[for o in [{ a = { b = 5 } }] : o.a.b]", [5]),
    "space_before_call_parenthesis": ("max (1, 2)", 2),
}

# case -> a file Terraform's parser accepts (checked with `terraform fmt`)
FILES: dict[str, str] = {
    "comment_between_labels": 'resource /* c */ "a_b" /* d */ "c" { # e\n}\n',
    "unquoted_labels": "resource a_b c {\n}\n",
    "one_line_block": 'variable "x" { default = 1 }\n',
    "provider_function": 'locals {\n  x = provider::azurerm::normalise_resource_id("/a")\n}\n',
    "crlf": 'locals {\r\n  a = "x"\r\n  b = <<EOT\r\ny\r\nEOT\r\n}\r\n',
    "unicode_attribute": "locals {\n  café = 1\n}\n",
    "keyword_attributes": "locals {\n  if = 1\n  for = 2\n  in = 3\n  for_each = 4\n}\n",
    "comments_everywhere": "# a\nlocals { # b\n  // c\n  x = 1 # d\n  /* e */\n}\n/* f */\n",
    "no_newline_at_end": "locals {\n  x = 1\n} # end",
}


def _evaluate(expression: str) -> object:
    text = f"locals {{\n  case = {expression}\n}}\n"
    evaluator = ModuleEvaluator(TerraformModule("m", [parse_terraform(text, "main.tf")]))
    return to_plain(evaluator._local("case", evaluator.locals["case"].loc))  # noqa: SLF001


@pytest.mark.parametrize("case", sorted(VALUES))
def test_value_as_terraform_gives_it(case: str) -> None:
    expression, expected = VALUES[case]
    assert _evaluate(expression) == expected


@pytest.fixture(scope="module")
def terraform_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("terraform-syntax")
    config = "".join(f'output "{name}" {{\n  value = {expression}\n}}\n'
                     for name, (expression, _) in sorted(VALUES.items()))
    (folder / "main.tf").write_text(config, encoding="utf-8")
    env = _terraform_env(folder)
    for command in (["init", "-input=false", "-no-color"],
                    ["apply", "-auto-approve", "-input=false", "-no-color"]):
        run = subprocess.run([str(TERRAFORM), *command], cwd=folder, env=env,
                             capture_output=True, text=True, timeout=300, check=False)
        assert run.returncode == 0, run.stdout + run.stderr
    shown = subprocess.run([str(TERRAFORM), "output", "-json"], cwd=folder, env=env,
                           capture_output=True, text=True, timeout=120, check=True)
    return {name: entry["value"] for name, entry in json.loads(shown.stdout).items()}


def _terraform_env(folder: Path) -> dict[str, str]:
    rc = folder / "terraformrc"
    rc.write_text("", encoding="utf-8")
    return dict(os.environ, TF_CLI_CONFIG_FILE=str(rc), CHECKPOINT_DISABLE="1",
                TF_IN_AUTOMATION="1", TF_DATA_DIR=str(folder / ".terraform"))


@NEEDS_TERRAFORM
@pytest.mark.parametrize("case", sorted(VALUES))
def test_terraform_agrees(case: str, terraform_outputs: dict[str, object]) -> None:
    assert terraform_outputs[case] == VALUES[case][1]


@pytest.mark.parametrize("case", sorted(FILES))
def test_file_parses(case: str) -> None:
    parse_terraform(FILES[case], "main.tf")


@NEEDS_TERRAFORM
@pytest.mark.parametrize("case", sorted(FILES))
def test_terraform_accepts_file(case: str, tmp_path: Path) -> None:
    run = subprocess.run([str(TERRAFORM), "fmt", "-no-color", "-"], input=FILES[case],
                         env=_terraform_env(tmp_path), capture_output=True, text=True,
                         timeout=60, check=False)
    assert run.returncode == 0, run.stderr


def test_labels_around_comments_and_unquoted() -> None:
    [block] = parse_terraform(FILES["comment_between_labels"], "main.tf").body.blocks
    assert (block.type, block.labels) == ("resource", ("a_b", "c"))
    [block] = parse_terraform(FILES["unquoted_labels"], "main.tf").body.blocks
    assert (block.type, block.labels) == ("resource", ("a_b", "c"))


def test_core_namespace_is_the_builtin() -> None:
    hcl = parse_terraform("a = core::max(1, 2)\n", "main.tf")
    call = hcl.body.attributes["a"].value
    assert isinstance(call, ast.Call) and call.name == "max"


def test_provider_function_name() -> None:
    [block] = parse_terraform(FILES["provider_function"], "main.tf").body.blocks
    call = block.body.attributes["x"].value
    assert isinstance(call, ast.Call)
    assert call.name == "provider::azurerm::normalise_resource_id"


def test_every_comment_is_recorded_with_its_line() -> None:
    hcl = parse_terraform(FILES["comments_everywhere"], "main.tf")
    assert hcl.comments == ((1, "# a"), (2, "# b"), (3, "// c"), (4, "# d"), (5, "/* e */"),
                            (7, "/* f */"))
    hcl = parse_terraform("a = [\n  1, # one\n  2\n]\n", "main.tf")
    assert hcl.comments == ((2, "# one"),)


def test_positions_inside_multi_line_constructs() -> None:
    text = 'locals {\n  a = "x${\n    var.y\n  }"\n  b = <<EOT\n  ${var.z}\nEOT\n}\n'
    [block] = parse_terraform(text, "main.tf").body.blocks
    a = block.body.attributes["a"].value
    assert isinstance(a, ast.Template)
    ref = a.parts[1]
    assert isinstance(ref, ast.GetAttr) and (ref.loc.line, ref.loc.column) == (3, 5)
    b = block.body.attributes["b"].value
    assert isinstance(b, ast.Template)
    ref = b.parts[1]
    assert isinstance(ref, ast.GetAttr) and (ref.loc.line, ref.loc.column) == (6, 5)
    attr = block.body.attributes["a"]
    assert (attr.loc.line, attr.loc.end_line) == (2, 4)  # ends at the value, not the newline


@pytest.mark.parametrize(("text", "where", "message"), [
    ('a = "%{ if true }x"\n', (1, 6), "'%{ if }' without '%{ endif }'"),
    ('a = "x%{ endif }"\n', (1, 7), "'%{ endif }' without its opening directive"),
    ("a = [1,\n  2\n", (2, 3), "unexpected end of file (the '[' on line 1 has no ']')"),
    ('a = "x\n', (1, 6), "unexpected end of file (a string, heredoc or block is not closed)"),
    ("a = 1 +\n", (1, 7), "unexpected end of file"),
])
def test_errors_are_positioned(text: str, where: tuple[int, int], message: str) -> None:
    with pytest.raises(ParseError) as error:
        parse_terraform(text, "main.tf")
    assert (error.value.line, error.value.column) == where
    assert error.value.message.startswith(message)
