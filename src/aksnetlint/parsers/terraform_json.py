"""Terraform's JSON syntax (`*.tf.json`, what CDK for Terraform writes) -> `HclFile`.

The same `hcl_ast` a `.tf` file gives, with a location on every node, by the rules of
Terraform's "JSON Configuration Syntax" (developer.hashicorp.com/terraform/language/syntax/
json) and HCL's JSON specification:
- the root object's properties are block types; each label is one more level of object
  (or an array of such objects, which keeps order), then the block body;
- a property named "//" in a block body (or at the root, or a label level) is a comment;
- in an expression, a string is a template (`${...}`, `%{...}`, read as Terraform reads a
  heredoc: backslashes are text), an object's keys are templates too, arrays are tuples;
- per block type, some arguments are literal JSON (`variable` default and description,
  `module` source and version, everything in `terraform`), some are references written
  as strings (`depends_on`, `provider`, `lifecycle.ignore_changes`), and `variable` type
  is a type expression in a string.

In a provider's resource, data source or provider body, whether an object is a nested
block or an argument of object type depends on the provider's schema, which a scan does not
have. The rule here: an object, or an array of objects, is a nested block (what azurerm and
azapi resources and CDK for Terraform output use), except for the arguments known to take
maps or objects (`tags`, azapi's `body`, ..., `MAP_ARGUMENTS`). Either way an array of
objects reads the same (a list of objects).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from aksnetlint.errors import ParseError
from aksnetlint.parsers.hcl_ast import (
    Attribute,
    Block,
    Body,
    Expr,
    HclFile,
    Literal,
    ObjectExpr,
    ObjectItem,
    Template,
    TupleExpr,
)
from aksnetlint.values import Location

MAX_DEPTH = 128

# arguments of provider-defined blocks that take a map or an object, not nested blocks
# (taken from the azurerm and azapi schemas; also terraform_data, null and random)
MAP_ARGUMENTS = frozenset({
    "additional_details", "additional_login_parameters", "additional_properties",
    "app_metadata", "app_settings", "body", "common_environment_properties",
    "configuration_protected_settings", "configuration_settings", "connectivity_endpoints",
    "create_headers", "create_query_parameters", "custom_details", "delete_headers",
    "delete_query_parameters", "endpoints", "entity", "environment_variables", "headers",
    "input", "ip_tags", "keepers", "labels", "login_parameters", "metadata", "node_labels",
    "output", "outputs", "parameter_values", "parameters", "properties", "protected_settings",
    "query_parameters", "read_headers", "read_query_parameters",
    "replace_triggers_external_values", "response_export_values", "script_parameters",
    "secret_values", "secure_environment_variables", "sensitive_body",
    "sensitive_environment_variables", "settings", "system_property_columns", "tags",
    "tenant_settings", "triggers", "triggers_replace", "update_headers",
    "update_query_parameters", "values", "webhook_properties",
})


@dataclass(slots=True)
class _J:
    """A JSON value with where it is written: `value` is the decoded scalar, a list of
    `_J` for an array, or a list of (key, key offset, `_J`) for an object (all members,
    in order: HCL's JSON keeps repeated names)."""

    kind: str  # object, array, string, number, bool, null
    value: Any
    start: int
    end: int


# -- how a property is read -----------------------------------------------------------------
EXPR, LITERAL, REFS, REF, TYPE, PROVIDER = "expr", "literal", "refs", "ref", "type", "provider"


@dataclass(frozen=True, slots=True)
class _Nested:
    labels: int
    schema: str


_How = str | _Nested
_META: dict[str, _How] = {"count": EXPR, "for_each": EXPR, "depends_on": REFS, "provider": REF,
         "lifecycle": _Nested(0, "lifecycle"), "provisioner": _Nested(1, "provisioner"),
         "connection": _Nested(0, "connection"), "dynamic": _Nested(1, "dynamic")}
_CONDITION: dict[str, _How] = {"condition": EXPR, "error_message": EXPR}
# schema -> (known properties, how any other property is read)
_SCHEMAS: dict[str, tuple[dict[str, _How], str]] = {
    "root": ({"resource": _Nested(2, "resource"), "data": _Nested(2, "resource"),
              "ephemeral": _Nested(2, "resource"), "module": _Nested(1, "module"),
              "variable": _Nested(1, "variable"), "output": _Nested(1, "output"),
              "provider": _Nested(1, "provider"), "locals": _Nested(0, "locals"),
              "terraform": _Nested(0, "terraform"), "moved": _Nested(0, "moved"),
              "import": _Nested(0, "import"), "removed": _Nested(0, "removed"),
              "check": _Nested(1, "check"), "action": _Nested(2, "action")}, ""),
    "resource": (_META, PROVIDER),
    "provider_block": ({"dynamic": _Nested(1, "dynamic")}, PROVIDER),
    "lifecycle": ({"ignore_changes": REFS, "replace_triggered_by": REFS,
                   "precondition": _Nested(0, "condition"),
                   "postcondition": _Nested(0, "condition"),
                   "action_trigger": _Nested(0, "action_trigger")}, EXPR),
    "action_trigger": ({"events": REFS, "actions": REFS}, EXPR),
    "action": ({"count": EXPR, "for_each": EXPR, "provider": REF,
                "config": _Nested(0, "provider_block")}, EXPR),
    "condition": (_CONDITION, EXPR),
    "provisioner": ({"connection": _Nested(0, "connection"), "when": REF, "on_failure": REF},
                    EXPR),
    "connection": ({"type": LITERAL}, EXPR),
    "dynamic": ({"iterator": REF, "content": _Nested(0, "provider_block")}, EXPR),
    "module": ({"source": LITERAL, "version": LITERAL, "providers": REFS, "count": EXPR,
                "for_each": EXPR, "depends_on": REFS}, EXPR),
    "variable": ({"type": TYPE, "default": LITERAL, "description": LITERAL,
                  "sensitive": LITERAL, "nullable": LITERAL, "ephemeral": LITERAL,
                  "validation": _Nested(0, "condition")}, LITERAL),
    "output": ({"value": EXPR, "description": LITERAL, "sensitive": LITERAL,
                "ephemeral": LITERAL, "depends_on": REFS,
                "precondition": _Nested(0, "condition")}, EXPR),
    "provider": ({"alias": LITERAL, "version": LITERAL, "dynamic": _Nested(1, "dynamic")},
                 PROVIDER),
    "locals": ({}, EXPR),
    "terraform": ({"required_providers": _Nested(0, "literal"),
                   "backend": _Nested(1, "literal"), "cloud": _Nested(0, "cloud"),
                   "provider_meta": _Nested(1, "literal"), "experiments": REFS}, LITERAL),
    "cloud": ({"workspaces": _Nested(0, "literal")}, LITERAL),
    "literal": ({}, LITERAL),
    "moved": ({"from": REF, "to": REF}, EXPR),
    "import": ({"to": REF, "provider": REF}, EXPR),
    "removed": ({"from": REF, "lifecycle": _Nested(0, "lifecycle"),
                 "provisioner": _Nested(1, "provisioner")}, EXPR),
    "check": ({"data": _Nested(2, "resource"), "assert": _Nested(0, "condition")}, EXPR),
}


def parse_terraform_json(text: str, path: str) -> HclFile:
    """Parse a `.tf.json` file; any problem is a `ParseError` with its line and column."""
    text = text.removeprefix("\ufeff")
    reader = _Reader(text, path)
    root = reader.value(reader.skip(0), 0)
    end = reader.skip(root.end)
    if end < len(text):
        raise reader.fail("extra data after the JSON value", end)
    if root.kind != "object":
        raise reader.fail("a .tf.json file must hold a JSON object", root.start)
    builder = _Converter(reader)
    body = builder.body(root, "root")
    comments = tuple(sorted(builder.comments))
    return HclFile(path, body, comments)


# -- JSON with positions ---------------------------------------------------------------------
_BLANK = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_WORDS: dict[str, tuple[str, object]] = {"true": ("bool", True), "false": ("bool", False),
                                         "null": ("null", None)}


class _Reader:
    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.lines = [0, *(m.end() for m in re.finditer("\n", text))]

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.lines, offset)
        return line, offset - self.lines[line - 1] + 1

    def loc(self, start: int, end: int) -> Location:
        line, column = self.line_col(start)
        end_line, end_column = self.line_col(end)
        return Location(self.path, line, column, end_line, end_column)

    def fail(self, message: str, offset: int) -> ParseError:
        line, column = self.line_col(min(offset, len(self.text)))
        return ParseError(message, self.path, line, column)

    def skip(self, pos: int) -> int:
        return _BLANK.match(self.text, pos).end()  # type: ignore[union-attr]

    def value(self, pos: int, depth: int) -> _J:
        text = self.text
        if pos >= len(text):
            raise self.fail("unexpected end of file, expected a JSON value", pos)
        char = text[pos]
        if char == "{":
            return self.object(pos, depth + 1)
        if char == "[":
            return self.array(pos, depth + 1)
        if char == '"':
            value, end = self.string(pos)
            return _J("string", value, pos, end)
        match = _NUMBER.match(text, pos)
        if match:
            raw = match.group()
            if len(raw) > 300:
                raise self.fail(f"number literal of {len(raw)} digits is too large", pos)
            number: int | float = float(raw) if match.group(1) or match.group(2) else int(raw)
            return _J("number", number, pos, match.end())
        for word, (kind, constant) in _WORDS.items():
            if text.startswith(word, pos):
                return _J(kind, constant, pos, pos + len(word))
        raise self.fail(f"unexpected {text[pos]!r}, expected a JSON value", pos)

    def string(self, pos: int) -> tuple[str, int]:
        try:
            value, end = scanstring(self.text, pos + 1, True)
        except ValueError as exc:
            position = getattr(exc, "pos", pos)
            raise self.fail(f"invalid JSON string: {getattr(exc, 'msg', exc)}",
                            position) from None
        return str(value), int(end)

    def object(self, start: int, depth: int) -> _J:
        if depth > MAX_DEPTH:
            raise self.fail(f"nesting deeper than {MAX_DEPTH} levels", start)
        text = self.text
        members: list[tuple[str, int, _J]] = []
        pos = self.skip(start + 1)
        if text.startswith("}", pos):
            return _J("object", members, start, pos + 1)
        while True:
            if not text.startswith('"', pos):
                raise self.fail("expected a property name in double quotes", pos)
            key, after = self.string(pos)
            colon = self.skip(after)
            if not text.startswith(":", colon):
                raise self.fail("expected ':' after the property name", colon)
            value = self.value(self.skip(colon + 1), depth)
            members.append((key, pos, value))
            pos = self.skip(value.end)
            if text.startswith(",", pos):
                pos = self.skip(pos + 1)
            elif text.startswith("}", pos):
                return _J("object", members, start, pos + 1)
            else:
                raise self.fail("expected ',' or '}'", pos)

    def array(self, start: int, depth: int) -> _J:
        if depth > MAX_DEPTH:
            raise self.fail(f"nesting deeper than {MAX_DEPTH} levels", start)
        text = self.text
        items: list[_J] = []
        pos = self.skip(start + 1)
        if text.startswith("]", pos):
            return _J("array", items, start, pos + 1)
        while True:
            item = self.value(pos, depth)
            items.append(item)
            pos = self.skip(item.end)
            if text.startswith(",", pos):
                pos = self.skip(pos + 1)
            elif text.startswith("]", pos):
                return _J("array", items, start, pos + 1)
            else:
                raise self.fail("expected ',' or ']'", pos)

    def offsets(self, start: int, end: int, decoded: str) -> list[int] | None:
        """Where each character of the string written between `start` and `end` (its
        quotes) is, relative to its first character, with one more entry for its end; None
        when nothing in it is escaped (each character is where its index says)."""
        text = self.text
        if "\\" not in text[start + 1:end - 1]:
            return None
        offsets: list[int] = []
        pos = start + 1
        for _ in decoded:
            offsets.append(pos - start - 1)
            if text[pos] != "\\":
                pos += 1
            elif text[pos + 1] != "u":
                pos += 2
            else:
                code = int(text[pos + 2:pos + 6], 16)
                pos += 12 if 0xD800 <= code < 0xDC00 and text[pos + 6:pos + 8] == "\\u" else 6
        offsets.append(pos - start - 1)
        return offsets


# -- JSON -> hcl_ast ---------------------------------------------------------------------------
class _Converter:
    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.comments: list[tuple[int, str]] = []

    def loc(self, start: int, end: int) -> Location:
        return self.reader.loc(start, end)

    def fail(self, message: str, offset: int) -> ParseError:
        return self.reader.fail(message, offset)

    def comment(self, key_offset: int, node: _J) -> None:
        text = node.value if node.kind == "string" else self.reader.text[node.start:node.end]
        self.comments.append((self.reader.line_col(key_offset)[0], str(text)))

    # -- bodies and blocks ------------------------------------------------------------------
    def body(self, node: _J, schema: str) -> Body:
        known, other = _SCHEMAS[schema]
        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        if node.kind != "object":
            raise self.fail("a block body must be a JSON object", node.start)
        for key, key_offset, value in node.value:
            if key == "//":
                self.comment(key_offset, value)
                continue
            how = known.get(key, other)
            if schema == "root" and not isinstance(how, _Nested):
                continue  # a block type of a later Terraform: its labels are unknown here
            if how == PROVIDER:
                nested = key not in MAP_ARGUMENTS and _holds_blocks(value)
                how = _Nested(0, "provider_block") if nested else EXPR
            if isinstance(how, _Nested):
                blocks.extend(self.blocks(key, key_offset, value, how, ()))
                continue
            if key in attributes:
                raise self.fail(f"attribute {key!r} is defined twice", key_offset)
            attributes[key] = Attribute(key, self.argument(value, how),
                                        self.loc(key_offset, value.end))
        return Body(attributes, tuple(blocks))

    def blocks(self, type_: str, key_offset: int, node: _J, nested: _Nested,
               labels: tuple[str, ...]) -> list[Block]:
        if node.kind == "array":
            found: list[Block] = []
            for item in node.value:
                found.extend(self.blocks(type_, item.start, item, nested, labels))
            return found
        if node.kind != "object":
            raise self.fail(f"a {type_} block must be a JSON object or an array of objects",
                            node.start)
        if len(labels) == nested.labels:
            body = self.body(node, nested.schema)
            return [Block(type_, labels, body, self.loc(key_offset, node.end))]
        found = []
        for key, offset, value in node.value:
            if key == "//":
                self.comment(offset, value)
                continue
            found.extend(self.blocks(type_, offset, value, nested, (*labels, key)))
        return found

    # -- values -------------------------------------------------------------------------------
    def argument(self, node: _J, how: str) -> Expr:
        if how == LITERAL:
            return self.literal(node)
        if how == REFS:
            if node.kind == "array":
                items = tuple(self.reference(item) for item in node.value)
                return TupleExpr(items, self.loc(node.start, node.end))
            if node.kind == "object":  # module providers: { "aws" = "aws.usw1" }
                return ObjectExpr(tuple(
                    ObjectItem(Literal(key, self.loc(offset, offset + len(key) + 2)),
                               self.reference(value), self.loc(offset, value.end))
                    for key, offset, value in node.value), self.loc(node.start, node.end))
            return self.reference(node)
        if how in (REF, TYPE):
            return self.reference(node)
        return self.expr(node)

    def literal(self, node: _J) -> Expr:
        loc = self.loc(node.start, node.end)
        if node.kind == "array":
            return TupleExpr(tuple(self.literal(item) for item in node.value), loc)
        if node.kind == "object":
            return ObjectExpr(tuple(
                ObjectItem(Literal(key, self._key_loc(offset)), self.literal(value),
                           self.loc(offset, value.end))
                for key, offset, value in node.value), loc)
        return Literal(node.value, loc)

    def expr(self, node: _J) -> Expr:
        if node.kind == "string":
            return self.template(node.value, node.start, node.end)
        if node.kind == "array":
            return TupleExpr(tuple(self.expr(item) for item in node.value),
                             self.loc(node.start, node.end))
        if node.kind == "object":
            items = []
            for key, offset, value in node.value:
                key_end = self.reader.string(offset)[1]
                items.append(ObjectItem(self.template(key, offset, key_end), self.expr(value),
                                        self.loc(offset, value.end)))
            return ObjectExpr(tuple(items), self.loc(node.start, node.end))
        return Literal(node.value, self.loc(node.start, node.end))

    def template(self, text: str, start: int, end: int) -> Expr:
        if "${" not in text and "%{" not in text:
            return Template((text,) if text else (), self.loc(start, end))
        return self._embedded(text, "template", start, end)

    def reference(self, node: _J) -> Expr:
        """A reference, keyword or type written as a string (`"aws_instance.a"`, `"all"`,
        `"list(string)"`; generators also write `"${aws_instance.a}"`)."""
        if node.kind != "string":
            raise self.fail("expected a string naming a reference", node.start)
        text = node.value
        if not text.strip():
            raise self.fail("expected a reference, found an empty string", node.start)
        symbol = "template" if "${" in text else "expression"
        return self._embedded(text, symbol, node.start, node.end)

    def _embedded(self, text: str, symbol: str, start: int, end: int) -> Expr:
        from aksnetlint.parsers.terraform import parse_embedded

        offsets = self.reader.offsets(start, end, text)
        expr = parse_embedded(text, symbol, self.reader.path, self.reader.lines, start + 1,
                              offsets, self.comments)
        if isinstance(expr, Template):
            if len(expr.parts) == 1 and not isinstance(expr.parts[0], str):
                return expr.parts[0]  # "${x}" is x itself, as in Terraform
            return Template(expr.parts, self.loc(start, end))  # the string, quotes included
        return expr

    def _key_loc(self, offset: int) -> Location:
        return self.loc(offset, self.reader.string(offset)[1])


def _holds_blocks(node: _J) -> bool:
    """An object, or a non-empty array of objects: nested blocks in a provider's body."""
    if node.kind == "object":
        return True
    return node.kind == "array" and bool(node.value) and \
        all(item.kind == "object" for item in node.value)


__all__ = ["MAP_ARGUMENTS", "parse_terraform_json"]
