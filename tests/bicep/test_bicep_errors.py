"""Malformed input raises ParseError at the right place, and nothing else ever escapes.

Each file in `syntax/errors/` starts with `// error: LINE:COLUMN` and
`// message: <text the message contains>`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from aksnetlint.errors import ParseError
from aksnetlint.parsers import bicep_ast as ast
from aksnetlint.parsers.bicep import MAX_DEPTH, parse_bicep, parse_bicepparam

ERRORS = Path(__file__).parent / "syntax" / "errors"
CASES = sorted(ERRORS.iterdir())
_EXPECT = re.compile(r"\A// error: (\d+):(\d+)\r?\n// message: (.*?)\r?\n")


def parser_for(path: Path) -> Callable[[str, str], ast.BicepFile | ast.BicepParamFile]:
    return parse_bicepparam if path.suffix == ".bicepparam" else parse_bicep


def test_there_are_error_cases() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_error_position_and_message(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    expected = _EXPECT.match(text)
    assert expected, f"{path.name} must start with '// error: L:C' and '// message: ...'"
    line, column, message = int(expected[1]), int(expected[2]), expected[3]
    with pytest.raises(ParseError) as caught:
        parser_for(path)(text, path.name)
    error = caught.value
    assert (error.line, error.column) == (line, column), error.message
    assert message in error.message
    assert error.path == path.name
    assert str(error).startswith(f"{path.name}:{line}:{column}: error: ")


@pytest.mark.parametrize(
    "source",
    [
        "var a = " + "[" * 5000,
        "var a = " + "{a: " * 5000,
        "var a = " + "!" * 5000 + "b",
        "var a = " + "-" * 5000 + "b",
        "var a = " + "'${" * 2000 + "x" + "}'" * 2000,
        "param p " + "{a: " * 5000,
        "param p " + "(" * 5000 + "string",
        "var a = " + "x => " * 5000 + "x",
        "var a = " + "a ? " * 5000 + "b",
    ],
    ids=["arrays", "objects", "not", "minus", "interpolation", "object-type", "paren-type",
         "lambdas", "ternaries"],
)
def test_deep_nesting_is_a_parse_error(source: str) -> None:
    with pytest.raises(ParseError, match="nesting too deep"):
        parse_bicep(source + "\n", "deep.bicep")


def test_nesting_up_to_the_limit_parses() -> None:
    depth = MAX_DEPTH - 1
    tree = parse_bicep("var a = " + "[" * depth + "1" + "]" * depth + "\n", "ok.bicep")
    assert len(list(ast.walk(tree))) == depth + 3


def test_a_caller_deep_in_the_stack_still_gets_a_parse_error() -> None:
    source = "var a = " + "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1) + "\n"
    margin = 120

    def recurse(levels: int) -> None:
        if levels:
            recurse(levels - 1)
            return
        try:
            parse_bicep(source, "deep.bicep")
        except ParseError as error:
            assert "nesting too deep" in error.message
        # parsing may also fit in what is left of the stack

    recurse(sys.getrecursionlimit() - margin - _current_depth())


def _current_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1  # type: ignore[assignment]
    return depth


@pytest.mark.parametrize(
    "source",
    [
        "}", ")", "]", "@", "@x", "param", "param x", "var x =", "resource", "'", "'''",
        "/*", "${", "'${", "'${a", "'${a}", "var a = 'x\\", "\x00", "var a = 1\x0b\x0c",
        "import", "import {", "import * as", "func f(", "type t = ", "var a = [for",
        "var a = [for x in", "var a = [for (x, i", "resource r 'a' = if (", "var a = a.",
        "var a = a[", "var a = a::", "var a = ...", "output o", "output o resource 'x'",
        "extension", "assert a", "targetScope", "metadata m =", "var a = (b, c) =>",
        "var a = (", "module m 'x' = [1]", "\ufeff\ufeff", "var a = 'a\\u{}'", "param a string?",
    ],
)
def test_truncated_input_raises_only_parse_error(source: str) -> None:
    for parser in (parse_bicep, parse_bicepparam):
        try:
            parser(source, "t.bicep")
        except ParseError as error:
            assert error.line is not None and error.line >= 1
            assert error.column is not None and error.column >= 1
