"""ARM JSON parsing: comments, positions, detection, errors, conformance files."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aksnetlint.errors import ParseError
from aksnetlint.parsers.arm import MAX_DEPTH, classify, parse, parse_bytes

# Hypothesis examples per property: AKSNETLINT_FUZZ_EXAMPLES raises the count
_FUZZ = int(os.environ.get("AKSNETLINT_FUZZ_EXAMPLES", "0"))

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
CONFORMANCE = Path("/work/shared/conformance")

TEMPLATE = f"""{{
  // a line comment with "quotes" and a // inside
  "$schema": "{SCHEMA}",
  /* a block
     comment */ "resources": [
    {{
      "type": "Microsoft.Network/virtualNetworks",
      "name": "vnet1", "note": "not // a comment",
      "text": "raw
newline"
    }}
  ]
}}
"""


def test_comments_are_ignored_and_positions_kept() -> None:
    document = parse(TEMPLATE, "t.json")
    assert document.kind == "template"
    resource = document.data["resources"][0]
    assert resource["note"] == "not // a comment"
    assert resource["text"] == "raw\nnewline"
    assert document.locate(("resources", 0)).line == 6
    assert document.locate(("resources", 0)).column == 5
    name = document.locate(("resources", 0, "name"))
    assert (name.line, name.column, name.end_column) == (8, 15, 22)
    key = document.locate_key(("resources", 0, "name"))
    assert key is not None and (key.line, key.column) == (8, 7)
    assert document.locate(("resources",)).line == 5
    assert document.locate(("resources", 0, "text")).end_line == 10


def test_crlf_and_bom_positions() -> None:
    text = "\ufeff" + TEMPLATE.replace("\n", "\r\n")
    document = parse(text, "t.json")
    note = document.locate(("resources", 0, "note"))
    assert (note.line, note.column) == (8, 32)
    assert document.locate(("$schema",)).line == 3
    assert parse_bytes(text.encode("utf-8"), "t.json").locate(("resources", 0)).line == 6


def test_position_inside_a_string_counts_escapes() -> None:
    document = parse('{"a": "x\\"y\\u0041z"}', "t.json")
    assert document.source.locate_in_string(("a",), 3).column == 12  # the "A" escape
    assert document.source.locate_in_string(("a",), 4).column == 18  # "z"


def test_locating_a_missing_path_is_a_lookup_error() -> None:
    document = parse('{"a": [1]}', "t.json")
    with pytest.raises(LookupError):
        document.locate(("b",))
    with pytest.raises(LookupError):
        document.locate(("a", 3))


def test_duplicate_keys_locate_the_last_one_like_the_data() -> None:
    document = parse('{"a": 1,\n "a": 2}', "t.json")
    assert document.data == {"a": 2}
    assert document.locate(("a",)).line == 2


@pytest.mark.parametrize(("schema", "kind"), [
    (SCHEMA, "template"),
    ("https://schema.management.azure.com/schemas/2018-05-01/"
     "subscriptionDeploymentTemplate.json#", "template"),
    ("https://schema.management.azure.com/schemas/2019-08-01/"
     "managementGroupDeploymentTemplate.json#", "template"),
    ("https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#",
     "template"),
    ("https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
     "parameters"),
    ("https://json-schema.org/draft-07/schema#", None),
])
def test_classify(schema: str, kind: str | None) -> None:
    assert classify(f'{{"$schema": "{schema}"}}') == kind


def test_classify_other_json_and_broken_arm() -> None:
    assert classify('{"name": "package"}') is None
    assert classify("not json at all") is None
    with pytest.raises(ParseError):
        classify(f'{{"$schema": "{SCHEMA}", ')


def test_blueprint_template_artifact() -> None:
    text = ('{"kind": "template", "type": "Microsoft.Blueprint/blueprints/artifacts",\n'
            f' "properties": {{"template": {{"$schema": "{SCHEMA}", "resources": []}}}}}}')
    document = parse(text, "bp.json")
    assert document.kind == "template"
    assert document.template_path == ("properties", "template")
    assert document.template == {"$schema": SCHEMA, "resources": []}


@pytest.mark.parametrize(("text", "line", "column", "fragment"), [
    ('{\n  "a": 1,\n  "b": }', 3, 8, "Expecting value"),
    ('{"a": 1}\n{"b": 2}', 2, 1, "Extra data"),
    ('{\n "a": NaN}', 2, 7, "NaN"),
    ('{\n  /* never closed\n}', 2, 3, "unterminated"),
    ("", 1, 1, "Expecting value"),
    ('{"a": "unterminated', 1, 7, "Unterminated string"),
])
def test_malformed_json_is_a_positioned_parse_error(text: str, line: int, column: int,
                                                     fragment: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text, "bad.json")
    assert (caught.value.path, caught.value.line, caught.value.column) == \
        ("bad.json", line, column)
    assert fragment in caught.value.message


def test_non_utf8_is_a_positioned_parse_error() -> None:
    with pytest.raises(ParseError) as caught:
        parse_bytes(b'{\n  "a": "\xff"}', "bad.json")
    assert (caught.value.line, caught.value.column) == (2, 9)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5000])
def test_depth_bomb(depth: int) -> None:
    with pytest.raises(ParseError, match="nesting deeper") as caught:
        parse("[" * depth + "]" * depth, "bomb.json")
    assert caught.value.line == 1 and caught.value.column == MAX_DEPTH + 1


def test_nesting_at_the_limit_is_accepted() -> None:
    parse("[" * MAX_DEPTH + "]" * MAX_DEPTH, "ok.json")


def conformance_files() -> list[Path]:
    return sorted(CONFORMANCE.rglob("*.json")) if CONFORMANCE.is_dir() else []


@pytest.mark.skipif(not CONFORMANCE.is_dir(),
                    reason="shared conformance fixtures (/work/shared/conformance) absent")
@pytest.mark.parametrize("path", conformance_files(), ids=lambda p: p.name)
def test_conformance_files_parse(path: Path) -> None:
    document = parse_bytes(path.read_bytes(), path.name)
    assert document.kind == "template"
    assert document.locate(document.template_path).line >= 1


@settings(max_examples=_FUZZ or 300, deadline=None)
@given(st.text(alphabet='{}[]",:/*\\ \n\r\tabc01-.eE\ufeff', max_size=60))
def test_random_text_raises_only_parse_errors(text: str) -> None:
    with contextlib.suppress(ParseError):
        document = parse(text, "fuzz.json")
        if isinstance(document.data, dict):
            for key in document.data:
                document.locate((key,))
                document.locate_key((key,))


def test_comment_markers_inside_strings_with_escapes() -> None:
    text = '{"a": "x\\"//not a comment", /* c */ "b": "/*also not*/"} // end'
    assert parse(text, "t.json").data == {"a": 'x"//not a comment', "b": "/*also not*/"}


def test_a_lone_slash_is_a_syntax_error() -> None:
    with pytest.raises(ParseError, match="invalid JSON"):
        parse('{"a": 1 / 2}', "t.json")


JSON_DATA = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=15)


@settings(max_examples=_FUZZ or 200, deadline=None)
@given(JSON_DATA, st.sampled_from(["// c", "/* c */", "/* multi\n line */"]))
def test_comments_at_line_ends_change_nothing(data: object, comment: str) -> None:
    lines = json.dumps(data, indent=2).split("\n")
    text = "\n".join(f"{line} {comment}" for line in lines)
    document = parse(text, "t.json")
    assert document.data == data
    if isinstance(data, dict):
        for key in data:
            assert document.locate((key,)).line >= 1
