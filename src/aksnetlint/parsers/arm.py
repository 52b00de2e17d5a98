"""ARM JSON templates and parameter files: text -> data plus a lazy source map.

ARM accepts `//` and `/* */` comments and raw control characters inside strings. The text
is decoded once with the C JSON decoder (`json.loads` speed); a file with comments gets
them blanked in place first (every comment character becomes a space, newlines kept), so
every line and column stays valid. Positions are found on demand: `SourceMap` indexes a
container's children the first time a path goes through it (the C scanner skips each
child), caches that index, and turns offsets into 1-based lines and columns. A template of
several megabytes parses in tens of milliseconds; only the containers whose positions are
asked for are ever indexed.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any, Literal

from aksnetlint.errors import ParseError
from aksnetlint.sources import decode_text
from aksnetlint.values import Location

JsonPath = tuple["str | int", ...]
Kind = Literal["template", "parameters"]

MAX_DEPTH = 128
"""Deepest nesting of objects and arrays accepted (real templates stay well under 40)."""

BLUEPRINT_ARTIFACT_TYPE = "microsoft.blueprint/blueprints/artifacts"
TEMPLATE_SCHEMA_MARK = "deploymenttemplate.json"
PARAMETERS_SCHEMA_MARK = "deploymentparameters.json"

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_COMMENT = r"//[^\n]*|/\*(?:[^*]|\*(?!/))*(?:\*/)?"
_UNTIL_COMMENT = re.compile(
    r'((?:' + _STRING + r'|[^"/]+|/(?![/*])){0,200})(' + _COMMENT + ")?", re.S)
"""Up to 200 tokens of JSON (strings skipped whole), then maybe a comment: the callback
runs once per comment or per 200 tokens, not once per string (twice as fast). The bound
keeps the regex engine's bookkeeping small on multi-megabyte files."""
_CONSTANT = re.compile(_STRING + r"|(-?(?:NaN|Infinity))", re.S)


class _ConstantFound(Exception):
    """Raised by the decoder hook on NaN/Infinity, which ARM JSON does not allow."""


def _reject_constant(name: str) -> Any:
    raise _ConstantFound(name)


class _NumberTooLarge(Exception):
    pass


def _parse_int(text: str) -> int:
    if len(text) > 300:  # Python refuses to convert past ~4,300 digits; no template needs this
        raise _NumberTooLarge(len(text))
    return int(text)


_DECODER = json.JSONDecoder(strict=False, parse_constant=_reject_constant,
                            parse_int=_parse_int)


@dataclass(slots=True)
class _Container:
    """Where the children of one object or array are: key offset, value start, value end."""

    members: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    items: list[tuple[int, int]] = field(default_factory=list)


class SourceMap:
    """Lazy positions of every value in one JSON text (see the module docstring)."""

    __slots__ = ("path", "_text", "_line_starts", "_containers", "_root")

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self._text = text
        self._line_starts: list[int] | None = None
        self._containers: dict[int, _Container] = {}
        self._root = _WHITESPACE.match(text, 0).end()  # type: ignore[union-attr]

    def locate(self, path: JsonPath) -> Location:
        """Where the value at `path` is written: its first character (the `{` of an
        object), with the end position just after its last character."""
        start, end = self.span(path)
        return self._location(start, end)

    def locate_key(self, path: JsonPath) -> Location | None:
        """Where the key of the member at `path` is written (its opening quote); None for
        the root and for array elements."""
        if not path or isinstance(path[-1], int):
            return None
        container = self._container(self.span(path[:-1])[0])
        key_offset = container.members[str(path[-1])][0]
        return self._location(key_offset, self._key_end(key_offset))

    def locate_in_string(self, path: JsonPath, index: int) -> Location:
        """Where character `index` of the decoded string at `path` is written, counting
        escape sequences (`\\"`, `\\u0041`) at their written width."""
        start, end = self.span(path)
        offset = start + 1
        for _ in range(max(index, 0)):
            if offset >= end - 1:
                break
            offset += _escape_width(self._text, offset)
        return self._location(offset, offset + 1)

    def span(self, path: JsonPath) -> tuple[int, int]:
        """Offsets of the first character of the value at `path` and just after its last;
        `LookupError` when there is no such value."""
        start, end = self._root, -1
        for step in path:
            start, end = self.child_span(start, step)
        if end < 0:
            end = self._end_of(start)
        return start, end

    def child_span(self, start: int, step: str | int) -> tuple[int, int]:
        """`span` of member or element `step` of the container starting at `start`
        (walking from a known container instead of from the root)."""
        container = self._container(start)
        if isinstance(step, int):
            return container.items[step]
        _, value_start, value_end = container.members[step]
        return value_start, value_end

    def location(self, start: int, end: int) -> Location:
        """The Location of the text between two offsets."""
        return self._location(start, end)

    def _end_of(self, start: int) -> int:
        return int(_DECODER.scan_once(self._text, start)[1])  # type: ignore[attr-defined]

    def _key_end(self, key_offset: int) -> int:
        return int(scanstring(self._text, key_offset + 1, False)[1])

    def _container(self, start: int) -> _Container:
        found = self._containers.get(start)
        if found is None:
            found = self._index(start)
            self._containers[start] = found
        return found

    def _index(self, start: int) -> _Container:
        text = self._text
        container = _Container()
        opener = text[start]
        if opener not in "{[":
            raise KeyError(f"no object or array at offset {start}")
        pos = _skip(text, start + 1)
        closer = "}" if opener == "{" else "]"
        scan = _DECODER.scan_once  # type: ignore[attr-defined]
        while text[pos] != closer:
            if opener == "{":
                key, after = scanstring(text, pos + 1, False)
                key_offset = pos
                pos = _skip(text, _skip(text, after) + 1)
                end = scan(text, pos)[1]
                container.members[key] = (key_offset, pos, end)
            else:
                end = scan(text, pos)[1]
                container.items.append((pos, end))
            pos = _skip(text, end)
            if text[pos] == ",":
                pos = _skip(text, pos + 1)
        return container

    def _location(self, start: int, end: int) -> Location:
        line, column = self._line_column(start)
        end_line, end_column = self._line_column(end)
        return Location(self.path, line, column, end_line, end_column)

    def _line_column(self, offset: int) -> tuple[int, int]:
        if self._line_starts is None:
            self._line_starts = [0, *(m.end() for m in re.finditer("\n", self._text))]
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1


def _skip(text: str, pos: int) -> int:
    return _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]


def _escape_width(text: str, offset: int) -> int:
    """Written width of the string character at `offset` (1, or an escape's length)."""
    if text[offset] != "\\":
        return 1
    if text[offset + 1] != "u":
        return 2
    code = int(text[offset + 2:offset + 6], 16)
    if 0xD800 <= code < 0xDC00 and text[offset + 6:offset + 8] == "\\u":
        return 12
    return 6


@dataclass(frozen=True, slots=True)
class ArmDocument:
    """A parsed JSON file: `data` (plain JSON values), what it is, and its source map.

    `template_path` is where the deployment template sits inside `data`: `()` for a
    template file, `("properties", "template")` for a Blueprint template artifact.
    """

    path: str
    data: Any
    kind: Kind | None
    template_path: JsonPath
    source: SourceMap

    def locate(self, path: JsonPath) -> Location:
        return self.source.locate(path)

    def locate_key(self, path: JsonPath) -> Location | None:
        return self.source.locate_key(path)

    @property
    def template(self) -> Any:
        """The deployment template object (inside a Blueprint artifact, its template)."""
        node = self.data
        for step in self.template_path:
            node = node[step]
        return node


def parse(text: str, path: str) -> ArmDocument:
    """Parse JSON text (ARM flavour: comments, raw newlines in strings, a BOM) into an
    `ArmDocument`; a `ParseError` with the real position on any defect."""
    if text.startswith("\ufeff"):
        text = text[1:]  # editors do not count a BOM as a column
    text, data = _decode(text, path)
    _check_depth(text, data, path)
    kind, template_path = _classify_data(data)
    return ArmDocument(path, data, kind, template_path, SourceMap(path, text))


def loads(text: str, path: str = "<json>") -> Any:
    """Decode JSON text the way ARM's `json()` does: comments and raw newlines in strings
    are accepted. `ParseError` (positioned in `text`) on any defect."""
    text = text.removeprefix("\ufeff")
    _, data = _decode(text, path)
    _check_depth(text, data, path)
    return data


def parse_bytes(raw: bytes, path: str) -> ArmDocument:
    """Decode (UTF-8, or UTF-16 / UTF-32 with a byte-order mark) and `parse`; bytes that
    cannot be decoded are a positioned `ParseError`."""
    return parse(decode_text(raw, path), path)


_CLAIM = re.compile(
    r'"\$schema"\s*:\s*"[^"]*(?:deploymenttemplate|deploymentparameters)\.json'
    r'|"type"\s*:\s*"microsoft\.blueprint/blueprints/artifacts"', re.I)


def claims_arm(text: str) -> bool:
    """Whether text says it is an ARM template, parameters file or Blueprint artifact
    (a `$schema` naming an ARM schema), whether or not it is valid JSON: such a file that
    does not parse is reported; other text under a `.json` name (a Terraform
    `templatefile` input, data in another encoding) is not ARM and is skipped."""
    return _CLAIM.search(text) is not None


def classify(text: str, path: str = "<input>") -> Kind | None:
    """"template", "parameters", or None for JSON that is not ARM. Text that names an ARM
    schema but does not parse raises `ParseError`; other unparsable text is None."""
    lowered = text.lower()
    marks = (TEMPLATE_SCHEMA_MARK, PARAMETERS_SCHEMA_MARK, "microsoft.blueprint/blueprints")
    if not any(mark in lowered for mark in marks):
        return None
    return parse(text, path).kind


def classify_data(data: Any) -> Kind | None:
    """What decoded JSON `data` is (see `classify`)."""
    return _classify_data(data)[0]


def _classify_data(data: Any) -> tuple[Kind | None, JsonPath]:
    if not isinstance(data, dict):
        return None, ()
    schema = data.get("$schema")
    if isinstance(schema, str):
        lowered = schema.lower()
        if TEMPLATE_SCHEMA_MARK in lowered:
            return "template", ()
        if PARAMETERS_SCHEMA_MARK in lowered:
            return "parameters", ()
    if _is_blueprint_template(data):
        return "template", ("properties", "template")
    return None, ()


def _is_blueprint_template(data: dict[str, Any]) -> bool:
    kind = data.get("kind")
    rtype = data.get("type")
    properties = data.get("properties")
    return (isinstance(rtype, str) and rtype.lower() == BLUEPRINT_ARTIFACT_TYPE
            and isinstance(kind, str) and kind.lower() == "template"
            and isinstance(properties, dict) and isinstance(properties.get("template"), dict))


def _decode(text: str, path: str) -> tuple[str, Any]:
    """The text actually decoded (comments blanked when there are any) and its data."""
    try:
        return text, _load(text, path)
    except json.JSONDecodeError as first:
        blanked = _blank_comments(text, path)
        if blanked == text:
            raise _syntax_error(first, path) from None
    try:
        return blanked, _load(blanked, path)
    except json.JSONDecodeError as exc:
        raise _syntax_error(exc, path) from None


def _load(text: str, path: str) -> Any:
    try:
        return _DECODER.decode(text)
    except _ConstantFound as exc:
        line, column = _position_of_constant(text)
        raise ParseError(f"{exc.args[0]} is not valid JSON", path, line, column) from None
    except _NumberTooLarge as exc:
        match = re.search(r"-?\d{301,}", text)
        line, column = _line_column(text, match.start()) if match else (1, 1)
        raise ParseError(f"a number of {exc.args[0]} digits is too large", path, line,
                         column) from None
    except RecursionError:
        line, column = _position_of_depth(text, MAX_DEPTH)
        raise ParseError(f"nesting deeper than {MAX_DEPTH} levels", path, line,
                         column) from None


def _syntax_error(exc: json.JSONDecodeError, path: str) -> ParseError:
    return ParseError(f"invalid JSON: {exc.msg}", path, exc.lineno, exc.colno)


def _blank_comments(text: str, path: str) -> str:
    """`text` with every comment character replaced by a space (newlines kept)."""

    def blank(match: re.Match[str]) -> str:
        comment = match.group(2)
        if not comment:
            return match.group()
        if comment.startswith("/*") and (not comment.endswith("*/") or comment == "/*/"):
            line, column = _line_column(text, match.start(2))
            raise ParseError("unterminated /* comment", path, line, column)
        return match.group(1) + re.sub(r"[^\n]", " ", comment)

    return _UNTIL_COMMENT.sub(blank, text)


def _check_depth(text: str, data: Any, path: str) -> None:
    """`ParseError` at the first bracket nested deeper than `MAX_DEPTH` (the decoded data
    is walked, which is cheaper than scanning the text; the text only on failure)."""
    if not isinstance(data, dict | list):
        return
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            line, column = _position_of_depth(text, MAX_DEPTH)
            raise ParseError(f"nesting deeper than {MAX_DEPTH} levels", path, line, column)
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))


def _position_of_depth(text: str, limit: int) -> tuple[int, int]:
    depth = 0
    for match in re.finditer(_STRING + r"|[\[\]{}]", text, re.S):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return _line_column(text, match.start())
        elif token in "]}":
            depth -= 1
    return 1, 1


def _position_of_constant(text: str) -> tuple[int, int]:
    for match in _CONSTANT.finditer(text):
        if match.group(1):
            return _line_column(text, match.start())
    return 1, 1


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
