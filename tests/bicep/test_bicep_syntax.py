"""Every file of the syntax suite parses, and every node's position is exact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aksnetlint.parsers import bicep_ast as ast
from aksnetlint.parsers.bicep import parse_bicep, parse_bicepparam
from aksnetlint.values import Location

SYNTAX = Path(__file__).parent / "syntax"
FILES = sorted([*SYNTAX.glob("*.bicep"), *SYNTAX.glob("*.bicepparam")])
_BREAK = re.compile(r"\r\n|\r|\n")


def read(path: Path) -> str:
    """The file's text with its line endings and byte-order mark kept."""
    return path.read_bytes().decode("utf-8")


def parse(path: Path) -> ast.BicepFile | ast.BicepParamFile:
    parser = parse_bicepparam if path.suffix == ".bicepparam" else parse_bicep
    return parser(read(path), path.name)


def source_lines(text: str) -> list[str]:
    return _BREAK.split(text.removeprefix("\ufeff"))


def text_at(lines: list[str], loc: Location) -> str:
    """The source text a single-line location covers."""
    assert loc.end_line == loc.line
    assert loc.end_column is not None
    return lines[loc.line - 1][loc.column - 1 : loc.end_column - 1]


def test_the_suite_covers_every_construct() -> None:
    assert len(FILES) >= 40


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_syntax_file_parses(path: Path) -> None:
    tree = parse(path)
    if path.stat().st_size:
        assert tree.declarations
    for node in ast.walk(tree):
        assert node.loc.path == path.name


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_location_is_inside_its_parent(path: Path) -> None:
    tree = parse(path)
    lines = source_lines(read(path))
    for parent in ast.walk(tree):
        start, end = _span(parent.loc)
        assert (1, 1) <= start <= end <= (len(lines), len(lines[-1]) + 1)
        for child in ast.children(parent):
            if isinstance(child, ast.Decorator | ast.Comment):
                continue  # decorators precede their declaration; comments belong to the file
            child_start, child_end = _span(child.loc)
            assert start <= child_start <= child_end <= end, (parent, child)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_leaf_locations_cover_their_source_text(path: Path) -> None:
    tree = parse(path)
    lines = source_lines(read(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Ident):
            assert text_at(lines, node.loc) == node.name
        elif isinstance(node, ast.Name):
            assert text_at(lines, node.loc) == node.value
        elif isinstance(node, ast.Int) and node.value >= 0:
            assert text_at(lines, node.loc) == str(node.value)
        elif isinstance(node, ast.Bool):
            written = text_at(lines, node.loc)  # `!true` is the literal type false
            negations = len(written) - len(written.lstrip("!"))
            assert written.lstrip("!") == str(node.value ^ (negations % 2 == 1)).lower()
        elif isinstance(node, ast.String) and not node.multiline:
            covered = text_at(lines, node.loc)
            assert covered.startswith("'") and covered.endswith("'")
        elif isinstance(node, ast.Comment) and not node.block:
            assert text_at(lines, node.loc) == node.text
        elif isinstance(node, ast.Param | ast.Var | ast.Resource | ast.Module | ast.Output):
            assert text_at(lines, node.name_loc) == node.name
            keyword = lines[node.loc.line - 1][node.loc.column - 1 :]
            assert keyword.startswith(("param ", "var ", "resource ", "module ", "output "))


def _span(loc: Location) -> tuple[tuple[int, int], tuple[int, int]]:
    assert loc.end_line is not None and loc.end_column is not None
    return (loc.line, loc.column), (loc.end_line, loc.end_column)
