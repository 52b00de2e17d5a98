"""Property tests: any input to the Terraform parser and evaluator ends in a model or a
positioned error, never another exception. AKSNETLINT_FUZZ_EXAMPLES raises the count."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aksnetlint.errors import ParseError
from aksnetlint.lint import Options, lint
from aksnetlint.parsers.terraform import parse_terraform
from aksnetlint.resolve.terraform import ModuleEvaluator, TerraformModule
from conftest import FIXTURES

EXAMPLES = int(os.environ.get("AKSNETLINT_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SEEDS = sorted(p.read_text(encoding="utf-8") for p in (FIXTURES / "AKS001").rglob("*.tf"))[:12]


@FUZZ
@given(st.text(alphabet=st.sampled_from(list('resource"{}[]()=.,:?!$%#/*\n\t abc01-_<>~')),
               max_size=300))
def test_parser_only_raises_parse_errors(text: str) -> None:
    try:
        parse_terraform(text, "fuzz.tf")
    except ParseError as exc:
        assert exc.path == "fuzz.tf"


def _mutations() -> st.SearchStrategy[str]:
    seed = st.sampled_from(SEEDS)

    def truncate(text: str, cut: int) -> str:
        return text[: cut % (len(text) + 1)]

    def duplicate(text: str, cut: int) -> str:
        lines = text.splitlines(keepends=True)
        i = cut % max(len(lines), 1)
        return "".join(lines[: i + 1] + lines[i:])

    def splice(text: str, cut: int, junk: str) -> str:
        i = cut % (len(text) + 1)
        return text[:i] + junk + text[i:]

    junk = st.sampled_from(["{", "}", '"', "${", "[", "]", "\ufeff", "\r\n", "\x00",
                            "9" * 400, "(" * 80, "é", "<<EOT\n", "%{", "\\"])
    return st.one_of(
        st.builds(truncate, seed, st.integers(0, 10_000)),
        st.builds(duplicate, seed, st.integers(0, 10_000)),
        st.builds(splice, seed, st.integers(0, 10_000), junk),
        st.builds(lambda t: t.replace("\n", "\r\n"), seed),
        st.builds(lambda t: "\ufeff" + t, seed),
    )


@FUZZ
@given(_mutations())
def test_mutated_fixtures_never_crash_a_scan(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "m"
        folder.mkdir()
        (folder / "main.tf").write_bytes(text.encode("utf-8", "surrogatepass"))
        result = lint([folder], Options(root=Path(tmp)))
        for error in result.errors:
            assert error.path.startswith("m/") and error.message


def _expression() -> st.SearchStrategy[str]:
    leaves = st.sampled_from([
        "1", "0", "-3", "2.5", "true", "null", '"10.0.0.0/16"', '"a"', "var.v", "var.m",
        "local.l", "each.key", "count.index", "azurerm_subnet.s.id", "azurerm_subnet.s.name",
        "[]", "{}", '["x", "y"]', "{ a = 1 }", "module.m.out", "data.x.y.id",
    ])
    functions = ["cidrsubnet", "cidrhost", "concat", "flatten", "lookup", "merge", "try",
                 "can", "coalesce", "element", "format", "join", "split", "length", "keys",
                 "tolist", "toset", "one", "lower", "replace", "nope"]

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.builds(lambda f, a: f"{f}({', '.join(a)})", st.sampled_from(functions),
                      st.lists(inner, max_size=3)),
            st.builds(lambda a, b, c: f"{a} ? {b} : {c}", inner, inner, inner),
            st.builds(lambda a, op, b: f"({a} {op} {b})", inner,
                      st.sampled_from(["+", "-", "*", "/", "%", "==", "!=", "<", "&&", "||"]),
                      inner),
            st.builds(lambda a: f"[for x in {a} : x]", inner),
            st.builds(lambda a: f"{{ for k, v in {a} : k => v }}", inner),
            st.builds(lambda a: f'"pre-${{{a}}}-post"', inner),
            st.builds(lambda a, i: f"{a}[{i}]", inner, inner),
            st.builds(lambda a: f"{a}[*].id", inner),
            st.builds(lambda a: f"!{a}", inner),
        )

    return st.recursive(leaves, extend, max_leaves=12)


@FUZZ
@given(_expression())
def test_evaluator_never_raises(expression: str) -> None:
    source = (
        'variable "v" {}\nvariable "m" {\n  default = { a = [1, 2] }\n}\n'
        f"locals {{\n  l = [1]\n  x = {expression}\n}}\n"
        'resource "azurerm_subnet" "s" {\n  name = "s"\n}\n'
    )
    try:
        hcl = parse_terraform(source, "e.tf")
    except ParseError:
        return
    evaluator = ModuleEvaluator(TerraformModule("m", [hcl]))
    evaluator._local("x", hcl.body.blocks[2].loc)  # noqa: SLF001
