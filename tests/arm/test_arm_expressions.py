"""The ARM expression tokenizer and parser: literals, calls, access, escapes, errors."""

from __future__ import annotations

import contextlib
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aksnetlint.errors import EvaluationError
from aksnetlint.resolve.arm_expressions import (
    Call,
    Constant,
    ExpressionError,
    Index,
    IntLiteral,
    Member,
    StringLiteral,
    is_expression,
    literal_text,
    parse_expression,
)

# Hypothesis examples per property: AKSNETLINT_FUZZ_EXAMPLES raises the count
_FUZZ = int(os.environ.get("AKSNETLINT_FUZZ_EXAMPLES", "0"))


def test_string_literal_with_doubled_quote_escape() -> None:
    node = parse_expression("[concat('it''s', '')]")
    assert node == Call("concat", (StringLiteral("it's", 8), StringLiteral("", 17)), 1)


def test_integers_including_negative() -> None:
    node = parse_expression("[add(-5, 12)]")
    assert isinstance(node, Call)
    assert node.args == (IntLiteral(-5, 5), IntLiteral(12, 9))


def test_bare_true_false_null() -> None:
    node = parse_expression("[createArray(true, False, null)]")
    assert isinstance(node, Call)
    assert [arg for arg in node.args if isinstance(arg, Constant)] == [
        Constant(True, 13), Constant(False, 19), Constant(None, 26)]


def test_nested_calls_property_access_and_indexing() -> None:
    node = parse_expression("[parameters('vnet').subnets[add(0, 1)].name]")
    assert isinstance(node, Member) and node.name == "name"
    indexed = node.target
    assert isinstance(indexed, Index)
    assert isinstance(indexed.index, Call) and indexed.index.key == "add"
    subnets = indexed.target
    assert isinstance(subnets, Member) and subnets.name == "subnets"
    assert subnets.target == Call("parameters", (StringLiteral("vnet", 12),), 1)


def test_function_names_keep_spelling_and_key_is_lower_case() -> None:
    node = parse_expression("[ResourceGroup().Location]")
    assert isinstance(node, Member)
    assert isinstance(node.target, Call)
    assert node.target.name == "ResourceGroup" and node.target.key == "resourcegroup"


def test_whitespace_between_tokens() -> None:
    node = parse_expression("[ concat ( 'a' ,\n 'b' ) ]")
    assert isinstance(node, Call) and len(node.args) == 2


def test_namespaced_user_function_call() -> None:
    node = parse_expression("[__bicep.subnetName('x')]")
    assert isinstance(node, Call) and node.name == "__bicep.subnetName"


@pytest.mark.parametrize(("text", "expected"), [
    ("[concat('a')]", True),
    ("[[concat('a')]", False),
    ("plain", False),
    ("[not closed", False),
    ("not opened]", False),
    ("[]", True),
])
def test_is_expression(text: str, expected: bool) -> None:
    assert is_expression(text) is expected


def test_literal_escape_removes_one_bracket() -> None:
    assert literal_text("[[variables('x')]") == "[variables('x')]"
    assert literal_text("[[abc") == "[[abc"
    assert literal_text("hello") == "hello"


@pytest.mark.parametrize(("text", "offset", "fragment"), [
    ("[concat('a', ]", 13, "expected a value"),
    ("[concat('a']", 11, "expected ',' or ')'"),
    ("[concat('a'", 0, "not an expression"),
    ("['unterminated]", 1, "unterminated string"),
    ("[concat('a') 'b']", 13, "after the expression"),
    ("[foo]", 4, "expected '('"),
    ("[1.5]", 3, "property name"),
    ("[a(#)]", 3, "unexpected character"),
    ("[]", 1, "empty expression"),
    ("[x.y]", 2, "expected '('"),
    ("[p()[0]", 6, "expected ']'"),
])
def test_malformed_expressions_report_the_offset(text: str, offset: int,
                                                  fragment: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    assert caught.value.offset == offset
    assert caught.value.column == offset + 1
    assert fragment in caught.value.message


def test_nesting_limit() -> None:
    deep = "[" + "concat(" * 100 + "'a'" + ")" * 100 + "]"
    with pytest.raises(ExpressionError, match="nested deeper"):
        parse_expression(deep)


@settings(max_examples=_FUZZ or 300, deadline=None)
@given(st.text(alphabet="[]()'.,abc01- \n\"", max_size=40))
def test_random_expressions_raise_only_evaluation_errors(body: str) -> None:
    with contextlib.suppress(EvaluationError):
        parse_expression(f"[{body}]")
