"""Property test: whatever the input, the parsers return a tree or raise ParseError."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aksnetlint.errors import ParseError
from aksnetlint.parsers import bicep_ast as ast
from aksnetlint.parsers.bicep import parse_bicep, parse_bicepparam

# Hypothesis examples per property: AKSNETLINT_FUZZ_EXAMPLES raises the count
_FUZZ = int(os.environ.get("AKSNETLINT_FUZZ_EXAMPLES", "0"))

SYNTAX = Path(__file__).parent / "syntax"
SOURCES = [
    p.read_bytes().decode("utf-8")
    for p in sorted([*SYNTAX.glob("*.bicep"), *SYNTAX.glob("*.bicepparam")])
]
FRAGMENTS = [
    "{", "}", "[", "]", "(", ")", "'", "'''", "${", "\n", "\r\n", "\r", "//", "/*", "*/",
    "@", ":", ",", "?", "!", ".?", "[?", "::", "...", "=>", "=", "|", "??", "\\", "\\u{",
    "if", "for", "in", "resource", "param", "var", "existing", "using", "none", "x", "1",
    "-", ".", "\t", "\ufeff", "é", "\x00", "{a: 1, b: 2}", "[for x in y: if (x) {}]",
]
PROPERTY = settings(
    max_examples=_FUZZ or 200,
    deadline=timedelta(seconds=2),
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def check(text: str) -> None:
    for parser in (parse_bicep, parse_bicepparam):
        try:
            tree = parser(text, "fuzz.bicep")
        except ParseError as error:
            assert error.line is not None and error.line >= 1
            assert error.column is not None and error.column >= 1
            assert error.path == "fuzz.bicep"
        else:
            for node in ast.walk(tree):
                assert node.loc.line >= 1 and node.loc.column >= 1


@st.composite
def mutated_sources(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SOURCES))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        span = draw(st.integers(0, 12))
        action = draw(st.sampled_from(["delete", "insert", "duplicate", "replace"]))
        if action == "delete":
            text = text[:at] + text[at + span :]
        elif action == "insert":
            text = text[:at] + draw(st.sampled_from(FRAGMENTS)) + text[at:]
        elif action == "duplicate":
            text = text[:at] + text[at : at + span] * 2 + text[at + span :]
        else:
            text = text[:at] + draw(st.text(max_size=4)) + text[at + span :]
    return text


@PROPERTY
@given(st.text(max_size=300))
def test_arbitrary_text_only_raises_parse_error(text: str) -> None:
    check(text)


@PROPERTY
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_fragment_soup_only_raises_parse_error(text: str) -> None:
    check(text)


@PROPERTY
@given(mutated_sources())
def test_mutated_syntax_files_only_raise_parse_error(text: str) -> None:
    check(text)
