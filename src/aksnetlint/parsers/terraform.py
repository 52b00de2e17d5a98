"""Terraform (HCL2) text -> `HclFile` syntax tree with a location on every node.

The language is python-hcl2's Lark grammar (`hcl_grammar`, with the few extensions where
Terraform accepts more); `hcl_parse` drives its LALR tables and calls the builders here on
every reduction, so `hcl_ast` nodes are made directly, without a parse tree in between.
Templates are assembled as Terraform does: strip markers (`${~ x ~}`, `%{~ if c ~}`),
heredoc indentation (`<<-EOT`), and template directives, which become the expressions they
are equivalent to (`%{ if c }a%{ else }b%{ endif }` is `c ? "a" : "b"`, `%{ for x in xs }..
%{ endfor }` is `join("", [for x in xs : ".."])`).
"""

from __future__ import annotations

import bisect
import gc
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aksnetlint.errors import ParseError
from aksnetlint.parsers.hcl_ast import (
    Attribute,
    Binary,
    Block,
    Body,
    Call,
    Conditional,
    Expr,
    ForExpr,
    GetAttr,
    HclFile,
    Index,
    Literal,
    ObjectExpr,
    ObjectItem,
    Splat,
    Template,
    TupleExpr,
    Unary,
    Variable,
)
from aksnetlint.user_cache import cache_dir
from aksnetlint.values import Location

MAX_DEPTH = 200  # operands of one chain of binary operators, nested one in another
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)
_HEREDOC_OPEN_RE = re.compile(r"<<-?([^\W\d][\w.-]*)\r?\n")
_NEWLINE_RE = re.compile(r"\n")
_LITERAL_NAMES = {True: "true", False: "false", None: "null"}


def parse_terraform(text: str, path: str) -> HclFile:
    """Parse HCL text; any syntax problem is a `ParseError` naming the line and column."""
    from aksnetlint.parsers.hcl_grammar import tables
    from aksnetlint.parsers.hcl_parse import HclSyntaxError, parse

    # the newline lets the last line end like every other (python-hcl2 does the same)
    source = text + "\n"
    builder = _Builder.get()
    builder.start(path, source)
    collecting = gc.isenabled()
    gc.disable()  # a parse makes many objects and no cycles: no collections meanwhile
    try:
        body = parse(tables(), source, "start", 0, len(source), builder.ops, builder.comments)
        comments = tuple((builder.line_of(offset), text) for offset, text in builder.comments)
    except HclSyntaxError as exc:
        raise builder.error(exc) from None
    finally:
        if collecting:
            gc.enable()
        builder.finish()
    return HclFile(path, body, comments)


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw

    def repl(m: re.Match[str]) -> str:
        seq = m.group(1)
        if seq[0] in "uU" and len(seq) > 1:
            return chr(int(seq[1:], 16))
        return _ESCAPES.get(seq, "\\" + seq)

    return _ESCAPE_RE.sub(repl, raw)


# -- intermediate values of the builders (never part of the result) -------------------------
@dataclass(frozen=True, slots=True)
class _Interp:
    expr: Expr
    strip_left: bool
    strip_right: bool


@dataclass(frozen=True, slots=True)
class _Directive:
    kind: str  # "if", "else", "endif", "for", "endfor"
    strip_left: bool
    strip_right: bool
    loc: Location
    expr: Expr | None = None
    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _BinTerm:
    op: str
    right: Expr


@dataclass(frozen=True, slots=True)
class _Args:
    items: tuple[Expr, ...]
    expand: bool


@dataclass(frozen=True, slots=True)
class _SplatOps:
    ops: tuple[str | Expr, ...]


@dataclass(frozen=True, slots=True)
class _Intro:
    key_var: str | None
    value_var: str
    collection: Expr


@dataclass(frozen=True, slots=True)
class _Cond:
    expr: Expr


_NODE_TYPES = (Literal, Template, TupleExpr, ObjectExpr, Variable, GetAttr, Index, Splat, Call,
               Conditional, Binary, Unary, ForExpr)
TemplateItem = str | _Interp | _Directive
# tokens and newline runs: what a rule's children hold besides its expressions (where no
# intermediate value can be among them)
_SYNTAX = (tuple, list)


class _Builder:
    """The reduction actions of one file: children in, `hcl_ast` nodes out."""

    _idle: _Builder | None = None

    def __init__(self) -> None:
        from aksnetlint.parsers.hcl_grammar import tables
        from aksnetlint.parsers.hcl_parse import rule_ops

        self.path = ""
        self.text = ""
        self.comments: list[tuple[int, str]] = []
        self._lines: list[int] = [0]
        self._depth: dict[int, int] = {}
        rules = tables().rules
        builders: list[Callable[[list[Any], int, int], Any] | None] = []
        for rule in rules:
            if rule.inline or rule.passthrough:
                builders.append(None)
            else:
                builders.append(getattr(self, "b_" + rule.name, self._unknown_rule))
        # `identifier` is its NAME token: a Variable is made only where it is an expression;
        # an `expr_term` of one node is that node; newlines are their (positionless) tokens
        identity = frozenset(i for i, r in enumerate(rules) if r.name in (
            "identifier", "new_line_or_comment") or (
            r.name == "expr_term" and r.size == 1 and
            r.symbols[0] not in ("identifier", "TRAVERSAL")))
        self.ops = rule_ops(tables(), builders, identity)

    @classmethod
    def get(cls) -> _Builder:
        """A builder to use (its reduction table is made once: reused, one file at a time)."""
        builder, cls._idle = cls._idle, None
        return builder if builder is not None else cls()

    def start(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.comments = []
        self._lines = [0] + [m.end() for m in _NEWLINE_RE.finditer(text)]
        self._depth = {}

    def finish(self) -> None:
        self.text = ""
        self._lines = [0]
        self._depth = {}
        type(self)._idle = self

    # -- positions ------------------------------------------------------------------------
    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._lines, offset)

    def _line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._lines, offset)
        return line, offset - self._lines[line - 1] + 1

    def loc(self, start: int, end: int) -> Location:
        if start < 0:
            return Location(self.path, 1, 1)
        lines = self._lines
        line = bisect.bisect_right(lines, start)
        if line < len(lines) and end >= lines[line]:
            end_line = bisect.bisect_right(lines, end)
        else:
            end_line = line
        return Location(self.path, line, start - lines[line - 1] + 1, end_line,
                        end - lines[end_line - 1] + 1)

    def tok_loc(self, token: tuple[str, str, int, int]) -> Location:
        return self.loc(token[2], token[3])

    def fail(self, message: str, offset: int) -> ParseError:
        line, column = self._line_col(max(offset, 0))
        return ParseError(message, self.path, line, column)

    def error(self, exc: Any) -> ParseError:
        message = exc.message
        if exc.opener is not None:
            char, offset = exc.opener
            closing = {"(": ")", "[": "]"}.get(char, "}")
            message += f" (the {char!r} on line {self.line_of(offset)} has no {closing!r})"
        elif exc.token is not None and exc.token[0] == "$END":
            message += " (a string, heredoc or block is not closed)"
        return self.fail(message, exc.offset)

    def _unknown_rule(self, children: list[Any], start: int, end: int) -> Any:
        raise self.fail("unsupported syntax", start)

    # -- structure ------------------------------------------------------------------------
    def b_start(self, children: list[Any], start: int, end: int) -> Body:
        body: Body = children[0]
        return body

    def b_body(self, children: list[Any], start: int, end: int) -> Body:
        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        for child in children:
            if isinstance(child, Attribute):
                if child.name in attributes:
                    raise ParseError(f"attribute {child.name!r} is defined twice", self.path,
                                     child.loc.line, child.loc.column)
                attributes[child.name] = child
            elif isinstance(child, Block):
                blocks.append(child)
        return Body(attributes, tuple(blocks))

    def b_attribute(self, children: list[Any], start: int, end: int) -> Attribute:
        name = children[0]
        if len(children) == 2:  # ATTR_START: `name =` in one token
            return Attribute(name[1][:-1].rstrip(), children[1], self.loc(start, end))
        return Attribute(name[1] if type(name) is tuple else _name_of(name), children[2],
                         self.loc(start, end))

    def b_block(self, children: list[Any], start: int, end: int) -> Block:
        names: list[str] = []
        body = Body()
        for child in children:
            if isinstance(child, Body):
                body = child
            elif isinstance(child, Literal | Template) or \
                    (isinstance(child, tuple) and child[0] == "NAME"):
                names.append(_name_of(child))
        return Block(names[0], tuple(names[1:]), body, self.loc(start, end))

    # -- terms ----------------------------------------------------------------------------
    def b_keyword(self, children: list[Any], start: int, end: int) -> Literal:
        return Literal(children[0][1], self.loc(start, end))

    def b_literal_value(self, children: list[Any], start: int, end: int) -> Literal:
        return Literal({"true": True, "false": False, "null": None}[children[0][1]],
                       self.loc(start, end))

    def b_int_lit(self, children: list[Any], start: int, end: int) -> Literal:
        return Literal(self.number(children[0][1], int, start), self.loc(start, end))

    def b_float_lit(self, children: list[Any], start: int, end: int) -> Literal:
        return Literal(self.number(children[0][1], float, start), self.loc(start, end))

    def number(self, text: str, kind: type[int] | type[float], offset: int) -> int | float:
        if len(text) > 300:
            raise self.fail(f"number literal of {len(text)} digits is too large", offset)
        try:
            return kind(text)
        except (ValueError, OverflowError):
            raise self.fail(f"invalid number {text[:40]!r}", offset) from None

    def b_expr_term(self, children: list[Any], start: int, end: int) -> Any:
        if len(children) == 1:
            child = children[0]
            if isinstance(child, tuple):  # an identifier: a variable here
                if child[0] == "TRAVERSAL":
                    return self.traversal(child[1], start)
                return Variable(child[1], self.loc(start, end))
            return child
        return next(c for c in children if not isinstance(c, _SYNTAX))  # ( expression )

    def traversal(self, text: str, start: int) -> Expr:
        """`a.b.c` (one TRAVERSAL token): the Variable and GetAttr steps `a`, `.b`, `.c`
        would have made, with the same spans."""
        names = text.split(".")
        end = start + len(names[0])
        node: Expr = Variable(names[0], self.loc(start, end))
        for name in names[1:]:
            end += len(name) + 1
            node = GetAttr(node, name, self.loc(start, end))
        return node

    def b_template_string(self, children: list[Any], start: int, end: int) -> Literal:
        return Literal(_unescape(children[0][1][2:-2]), self.loc(start, end))

    def b_tuple(self, children: list[Any], start: int, end: int) -> TupleExpr:
        items = tuple(c for c in children if not isinstance(c, _SYNTAX))
        return TupleExpr(items, self.loc(start, end))

    def b_object(self, children: list[Any], start: int, end: int) -> ObjectExpr:
        items = tuple(c for c in children if isinstance(c, ObjectItem))
        return ObjectExpr(items, self.loc(start, end))

    def b_object_elem(self, children: list[Any], start: int, end: int) -> ObjectItem:
        key = children[0]
        if len(children) == 2:  # ATTR_START: `name =` in one token
            name = key[1][:-1].rstrip()  # the name, without its `=` or `:`
            key = Literal(name, self.loc(key[2], key[2] + len(name)))
        return ObjectItem(key, children[-1], self.loc(start, end))

    def b_object_elem_key(self, children: list[Any], start: int, end: int) -> Expr:
        key: Expr = children[0]
        if isinstance(key, Variable) and self.text[start] != "(":
            return Literal(key.name, key.loc)  # a bare name is the key itself
        return key

    def b_function_call(self, children: list[Any], start: int, end: int) -> Call:
        first = children[0]
        if first[0] == "CALL_START":  # `name(` in one token
            names = first[1][:-1].split("::")
        else:
            names = [c[1] for c in children if isinstance(c, tuple) and c[0] == "NAME"]
        args: tuple[Expr, ...] = ()
        expand = False
        for child in children:
            if isinstance(child, _Args):
                args, expand = child.items, child.expand
        if len(names) == 2 and names[0] == "core":
            names = names[1:]  # `core::f` is the built-in function f
        return Call("::".join(names), args, self.loc(start, end), expand)

    def b_arguments(self, children: list[Any], start: int, end: int) -> _Args:
        items = tuple(c for c in children if not isinstance(c, _SYNTAX))
        expand = any(isinstance(c, tuple) and c[0] == "ELLIPSIS" for c in children)
        return _Args(items, expand)

    def b_index_expr_term(self, children: list[Any], start: int, end: int) -> Index:
        return Index(children[0], children[1], self.loc(start, end))

    def b_braces_index(self, children: list[Any], start: int, end: int) -> Any:
        return next(c for c in children if not isinstance(c, _SYNTAX))

    def b_short_index(self, children: list[Any], start: int, end: int) -> Literal:
        token = children[1]
        return Literal(self.number(token[1], int, token[2]), self.tok_loc(token))

    def b_get_attr_expr_term(self, children: list[Any], start: int, end: int) -> GetAttr:
        return GetAttr(children[0], children[1], self.loc(start, end))

    def b_get_attr(self, children: list[Any], start: int, end: int) -> str:
        name = children[1]
        return name[1] if type(name) is tuple else _name_of(name)

    def b_attr_splat(self, children: list[Any], start: int, end: int) -> _SplatOps:
        return _SplatOps(tuple(children[1:]))

    b_full_splat = b_attr_splat

    def b_attr_splat_expr_term(self, children: list[Any], start: int, end: int) -> Splat:
        return Splat(children[0], children[1].ops, self.loc(start, end))

    b_full_splat_expr_term = b_attr_splat_expr_term

    # -- operators ------------------------------------------------------------------------
    def b_conditional(self, children: list[Any], start: int, end: int) -> Conditional:
        parts = [c for c in children if not isinstance(c, _SYNTAX)]
        return Conditional(parts[0], parts[1], parts[2], self.loc(start, end))

    def b_binary_operator(self, children: list[Any], start: int, end: int) -> str:
        op: str = children[0][1]
        return op

    def b_binary_term(self, children: list[Any], start: int, end: int) -> _BinTerm:
        return _BinTerm(children[0], children[-1])

    def b_binary_op(self, children: list[Any], start: int, end: int) -> Binary:
        left, term = children[0], children[1]
        depth = self._depth.get(id(left), 0) + 1
        if depth > MAX_DEPTH:
            raise self.fail(f"expression nested too deep (more than {MAX_DEPTH} operators)",
                            start)
        node = Binary(term.op, left, term.right, self.loc(start, end))
        self._depth[id(node)] = max(depth, self._depth.get(id(term.right), 0) + 1)
        return node

    def b_unary_op(self, children: list[Any], start: int, end: int) -> Unary:
        return Unary(children[0][1], children[1], self.loc(start, end))

    # -- for expressions ------------------------------------------------------------------
    def b_for_intro(self, children: list[Any], start: int, end: int) -> _Intro:
        names, collection = _names_and_expr(children)
        assert collection is not None
        return _Intro(names[0] if len(names) == 2 else None, names[-1], collection)

    def b_for_cond(self, children: list[Any], start: int, end: int) -> _Cond:
        return _Cond(next(c for c in children if isinstance(c, _NODE_TYPES)))

    def b_for_tuple_expr(self, children: list[Any], start: int, end: int) -> ForExpr:
        intro = next(c for c in children if isinstance(c, _Intro))
        cond = next((c.expr for c in children if isinstance(c, _Cond)), None)
        value = next(c for c in children if isinstance(c, _NODE_TYPES))
        return ForExpr(intro.key_var, intro.value_var, intro.collection, value, None, cond,
                       False, self.loc(start, end))

    def b_for_object_expr(self, children: list[Any], start: int, end: int) -> ForExpr:
        intro = next(c for c in children if isinstance(c, _Intro))
        cond = next((c.expr for c in children if isinstance(c, _Cond)), None)
        exprs = [c for c in children if isinstance(c, _NODE_TYPES)]
        group = any(isinstance(c, tuple) and c[0] == "ELLIPSIS" for c in children)
        return ForExpr(intro.key_var, intro.value_var, intro.collection, exprs[1], exprs[0],
                       cond, group, self.loc(start, end))

    # -- templates ------------------------------------------------------------------------
    def b_string(self, children: list[Any], start: int, end: int) -> Template:
        if len(children) == 1:  # QUOTED_TEXT: no interpolation, no directive
            text = _unescape(children[0][1][1:-1])
            return Template((text,) if text else (), self.loc(start, end))
        items = [c for c in children if not isinstance(c, tuple)]
        if all(isinstance(c, str) for c in items):
            text = "".join(items)
            return Template((text,) if text else (), self.loc(start, end))
        return self.template(items, self.loc(start, end), heredoc=False, flush=False)

    def b_string_part(self, children: list[Any], start: int, end: int) -> Any:
        part = children[0]
        if isinstance(part, tuple):
            if part[0] in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                return part[1][1:]
            return _unescape(part[1])
        return part

    def b_heredoc_part(self, children: list[Any], start: int, end: int) -> Any:
        part = children[0]
        if isinstance(part, tuple):
            if part[0] in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                return part[1][1:]
            return part[1]  # no escapes in a heredoc
        return part

    def b_heredoc_body(self, children: list[Any], start: int, end: int) -> list[Any]:
        return list(children)

    def b_interpolation(self, children: list[Any], start: int, end: int) -> _Interp:
        expr = next(c for c in children if not isinstance(c, _SYNTAX))
        return _Interp(expr, _strip(children, 1), _strip(children, -2))

    def _directive(self, kind: str, children: list[Any], start: int, end: int) -> _Directive:
        names, expr = _names_and_expr(children) if kind == "for" else ([], None)
        if kind == "if":
            expr = next(c for c in children if isinstance(c, _NODE_TYPES))
        return _Directive(kind, _strip(children, 1), _strip(children, -2),
                          self.loc(start, end), expr, tuple(names))

    def b_template_if_start(self, children: list[Any], start: int, end: int) -> _Directive:
        return self._directive("if", children, start, end)

    def b_template_else(self, children: list[Any], start: int, end: int) -> _Directive:
        return self._directive("else", children, start, end)

    def b_template_endif(self, children: list[Any], start: int, end: int) -> _Directive:
        return self._directive("endif", children, start, end)

    def b_template_for_start(self, children: list[Any], start: int, end: int) -> _Directive:
        return self._directive("for", children, start, end)

    def b_template_endfor(self, children: list[Any], start: int, end: int) -> _Directive:
        return self._directive("endfor", children, start, end)

    def b_heredoc_template(self, children: list[Any], start: int, end: int) -> Expr:
        return self.heredoc(children[0], flush=False)

    def b_heredoc_template_trim(self, children: list[Any], start: int, end: int) -> Expr:
        return self.heredoc(children[0], flush=True)

    def heredoc(self, token: tuple[str, str, int, int], flush: bool) -> Expr:
        from aksnetlint.parsers.hcl_grammar import tables
        from aksnetlint.parsers.hcl_parse import parse

        raw, start = token[1], token[2]
        opening = _HEREDOC_OPEN_RE.match(raw)
        assert opening is not None  # the terminal's own pattern
        marker = opening.group(1)
        tail = raw.rstrip("\r\n")
        assert tail.endswith(marker)
        cut = len(tail) - len(marker)
        while cut > opening.end() and tail[cut - 1] in " \t":
            cut -= 1
        body_start, body_end = start + opening.end(), start + max(cut, opening.end())
        items = parse(tables(), self.text, "heredoc_body", body_start, body_end, self.ops,
                      self.comments)
        template = self.template(items, self.tok_loc(token), heredoc=True, flush=flush)
        if all(isinstance(p, str) for p in template.parts):
            return Literal("".join(template.parts), template.loc)  # type: ignore[arg-type]
        return template

    def template(self, items: list[Any], loc: Location, heredoc: bool,
                 flush: bool) -> Template:
        """Strip markers, heredoc indentation and directives, as Terraform applies them."""
        tokens = _literal_tokens(items, per_line=heredoc)
        _apply_strip_markers(tokens)
        if flush:
            _flush_heredoc(tokens)
        parts, stop = self._assemble(tokens, 0, loc, ())
        if stop < len(tokens):
            directive = tokens[stop]
            assert isinstance(directive, _Directive)
            raise _error_at(f"'%{{ {directive.kind} }}' without its opening directive",
                            directive.loc)
        return Template(tuple(_merge_text(parts)), loc)

    def _assemble(self, tokens: list[TemplateItem], i: int, loc: Location,
                  until: tuple[str, ...]) -> tuple[list[str | Expr], int]:
        """Parts from `tokens[i:]` up to a directive of a kind in `until` (its index)."""
        parts: list[str | Expr] = []
        while i < len(tokens):
            token = tokens[i]
            if isinstance(token, str):
                parts.append(token)
            elif isinstance(token, _Interp):
                parts.append(token.expr)
            elif token.kind in until:
                return parts, i
            elif token.kind == "if":
                then, i = self._assemble(tokens, i + 1, token.loc, ("else", "endif"))
                otherwise: list[str | Expr] = []
                if i < len(tokens) and isinstance(tokens[i], _Directive) and \
                        tokens[i].kind == "else":  # type: ignore[union-attr]
                    otherwise, i = self._assemble(tokens, i + 1, token.loc, ("endif",))
                if i >= len(tokens):
                    raise _error_at("'%{ if }' without '%{ endif }'", token.loc)
                assert token.expr is not None
                parts.append(Conditional(token.expr, _string_template(then, token.loc),
                                         _string_template(otherwise, token.loc), token.loc))
            elif token.kind == "for":
                body, i = self._assemble(tokens, i + 1, token.loc, ("endfor",))
                if i >= len(tokens):
                    raise _error_at("'%{ for }' without '%{ endfor }'", token.loc)
                assert token.expr is not None
                key_var = token.names[0] if len(token.names) == 2 else None
                each = ForExpr(key_var, token.names[-1], token.expr,
                               _string_template(body, token.loc), None, None, False, token.loc)
                parts.append(Call("join", (Literal("", token.loc), each), token.loc))
            else:
                return parts, i  # a closing directive nobody opened: the caller reports it
            i += 1
        return parts, i


class _MappedBuilder(_Builder):
    """Builds from a string decoded out of a JSON file (`.tf.json`): offsets in the decoded
    string are mapped back to where its characters are written in the file."""

    _idle: _Builder | None = None

    def __init__(self) -> None:
        super().__init__()
        self._base = 0
        self._offsets: list[int] | None = None

    def start_mapped(self, path: str, text: str, file_lines: list[int], base: int,
                     offsets: list[int] | None) -> None:
        self.start(path, text)
        self._lines = file_lines
        self._base = base
        self._offsets = offsets

    def _map(self, offset: int) -> int:
        offsets = self._offsets
        if offsets is None:
            return self._base + offset
        return self._base + offsets[min(max(offset, 0), len(offsets) - 1)]

    def loc(self, start: int, end: int) -> Location:
        if start < 0:
            return super().loc(start, end)
        return super().loc(self._map(start), self._map(end))

    def line_of(self, offset: int) -> int:
        return super().line_of(self._map(offset))

    def _line_col(self, offset: int) -> tuple[int, int]:
        return super()._line_col(self._map(offset))


def parse_embedded(text: str, symbol: str, path: str, file_lines: list[int], base: int,
                   offsets: list[int] | None, comments: list[tuple[int, str]]) -> Expr:
    """Parse `text`, a string written in another file at offset `base` (`offsets[i]`: where
    its character i is, relative to `base`; None when each is one character wide), as a
    template (`symbol` "template": literal text with `${...}` and `%{...}`, as Terraform
    reads a string in JSON syntax) or as an expression ("expression"). Locations point into
    that file (`file_lines`: the offsets where its lines start); comments found go to
    `comments` as (line, text)."""
    from aksnetlint.parsers.hcl_grammar import tables
    from aksnetlint.parsers.hcl_parse import HclSyntaxError, parse

    builder = _MappedBuilder.get()
    assert isinstance(builder, _MappedBuilder)
    builder.start_mapped(path, text, file_lines, base, offsets)
    collecting = gc.isenabled()
    gc.disable()
    try:
        if symbol == "template":
            items = parse(tables(), text, "heredoc_body", 0, len(text), builder.ops,
                          builder.comments)
            result: Expr = builder.template(items, builder.loc(0, len(text)), heredoc=True,
                                            flush=False)
        else:
            result = parse(tables(), text, "expression", 0, len(text), builder.ops,
                           builder.comments)
        comments.extend((builder.line_of(offset), note) for offset, note in builder.comments)
    except HclSyntaxError as exc:
        raise builder.error(exc) from None
    finally:
        if collecting:
            gc.enable()
        builder.finish()
    return result


def _error_at(message: str, loc: Location) -> ParseError:
    return ParseError(message, loc.path, loc.line, loc.column)


def _strip(children: list[Any], index: int) -> bool:
    try:
        child = children[index]
    except IndexError:
        return False
    return isinstance(child, tuple) and child[0] == "STRIP_MARKER"


def _names_and_expr(children: list[Any]) -> tuple[list[str], Expr | None]:
    """`for k, v in coll`: the names before `in`, and the collection after it."""
    names: list[str] = []
    collection: Expr | None = None
    seen_in = False
    for child in children:
        if isinstance(child, tuple):
            seen_in = seen_in or child[0] == "IN"
            if not seen_in and child[0] == "NAME":
                names.append(child[1])
        elif seen_in and isinstance(child, _NODE_TYPES):
            collection = child
    return names, collection


def _name_of(node: Any) -> str:
    if isinstance(node, Variable):
        return node.name
    if isinstance(node, Literal):
        value = node.value
        if isinstance(value, str):
            return value
        if isinstance(value, bool) or value is None:
            return _LITERAL_NAMES[value]
        return str(value)
    if isinstance(node, Template):
        return "".join(p for p in node.parts if isinstance(p, str))
    if isinstance(node, tuple):
        return str(node[1])
    raise TypeError(f"not a name: {node!r}")


def _literal_tokens(items: list[Any], per_line: bool) -> list[TemplateItem]:
    """Adjacent text merged into one literal token, split after each newline in heredocs
    (Terraform's scanner makes one literal token per heredoc line)."""
    tokens: list[TemplateItem] = []
    for item in items:
        if isinstance(item, str):
            if tokens and isinstance(tokens[-1], str):
                tokens[-1] += item
            else:
                tokens.append(item)
        else:
            tokens.append(item)
    if not per_line:
        return tokens
    split: list[TemplateItem] = []
    for token in tokens:
        if isinstance(token, str) and "\n" in token:
            split.extend(token.splitlines(keepends=True))
        else:
            split.append(token)
    return split


def _apply_strip_markers(tokens: list[TemplateItem]) -> None:
    """`~` next to `${`/`%{` or `}` removes the whitespace of the literal token beside it."""
    for i, token in enumerate(tokens):
        if isinstance(token, str):
            continue
        if token.strip_left and i > 0 and isinstance(tokens[i - 1], str):
            tokens[i - 1] = tokens[i - 1].rstrip()  # type: ignore[union-attr]
        if token.strip_right and i + 1 < len(tokens) and isinstance(tokens[i + 1], str):
            tokens[i + 1] = tokens[i + 1].lstrip()  # type: ignore[union-attr]


def _flush_heredoc(tokens: list[TemplateItem]) -> None:
    """`<<-`: remove the indentation all lines share (Terraform's flushHeredocTemplateParts:
    blank lines do not count, a line starting with an interpolation has none)."""
    least = None
    adjust: list[int] = []
    newline = True
    for i, token in enumerate(tokens):
        if newline:
            newline = False
            if isinstance(token, str):
                trimmed = token.lstrip()
                if not trimmed and token.endswith("\n"):
                    spaces = None  # a blank line
                else:
                    spaces = len(token) - len(trimmed)
                    adjust.append(i)
            else:
                spaces = 0
            if spaces is not None and (least is None or spaces < least):
                least = spaces
        if isinstance(token, str) and token.endswith("\n"):
            newline = True
    if not least:
        return
    for i in adjust:
        tokens[i] = tokens[i][least:]  # type: ignore[index]


def _string_template(parts: list[str | Expr], loc: Location) -> Template:
    """A template that always renders a string (a lone `${x}` part would be x itself)."""
    merged = _merge_text(parts)
    if len(merged) == 1 and not isinstance(merged[0], str):
        merged.insert(0, "")
    return Template(tuple(merged), loc)


def _merge_text(parts: list[str | Expr]) -> list[str | Expr]:
    merged: list[str | Expr] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] += part
                continue
        merged.append(part)
    return merged


__all__ = ["cache_dir", "parse_terraform"]  # cache.py takes cache_dir from here
