"""Terraform (HCL2) text -> `HclFile` syntax tree with a location on every node.

python-hcl2 8.x is used for its Lark grammar only (`hcl_grammar` compiles it, without
pickles). The Lark tree it builds (positions propagated) has a line and column on every node;
this module turns that tree into `hcl_ast` nodes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

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
    Unsupported,
    Variable,
)
from aksnetlint.user_cache import cache_dir
from aksnetlint.values import Location

if TYPE_CHECKING:
    from lark import Token, Tree

MAX_DEPTH = 200
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)")
_HEREDOC_RE = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)\r?\n(.*?)\r?\n?[ \t]*\2\r?\n?\Z", re.S)


def parse_terraform(text: str, path: str) -> HclFile:
    """Parse HCL text; any syntax problem is a `ParseError` naming the line and column."""
    try:
        tree = _parse_tree(text)
    except RecursionError:
        raise ParseError("nesting too deep", path) from None
    except Exception as exc:  # the parser boundary: Lark raises many exception types
        raise _parse_error(exc, path) from None
    builder = _Builder(path)
    try:
        body = builder.body(tree.children[0], 0)
    except RecursionError:
        raise ParseError("nesting too deep", path) from None
    return HclFile(path, body, tuple(builder.comments))


def _parse_tree(text: str) -> Tree[Any]:
    from aksnetlint.parsers.hcl_grammar import lark_parser

    # the newline lets the last line end like every other (python-hcl2 does the same)
    return lark_parser().parse(text + "\n")


def _parse_error(exc: Exception, path: str) -> ParseError:
    line = getattr(exc, "line", None)
    column = getattr(exc, "column", None)
    line = line if isinstance(line, int) and line > 0 else None
    column = column if isinstance(column, int) and column > 0 else None
    token = getattr(exc, "token", None)
    if token is not None and getattr(token, "type", "") == "$END":
        message = "unexpected end of file (a '{', '[' or '(' is not closed)"
    elif token is not None and str(token).strip():
        message = f"unexpected {str(token).strip().splitlines()[0][:40]!r}"
        expected = getattr(exc, "expected", None)
        if expected:
            message += f", expected one of {', '.join(sorted(str(e) for e in expected)[:6])}"
    elif type(exc).__name__ == "UnexpectedCharacters":
        char = getattr(exc, "char", "")
        message = f"unexpected character {char!r}"
    elif type(exc).__name__ == "UnexpectedEOF":
        message = "unexpected end of file"
    else:
        detail = str(exc).splitlines()[0][:120] if str(exc) else ""
        message = f"invalid HCL ({type(exc).__name__}: {detail})"
    return ParseError(message, path, line, column)


def _unescape(raw: str) -> str:
    def repl(m: re.Match[str]) -> str:
        seq = m.group(1)
        if seq[0] in "uU" and len(seq) > 1:
            return chr(int(seq[1:], 16))
        return _ESCAPES.get(seq, "\\" + seq)

    return _ESCAPE_RE.sub(repl, raw)


class _Builder:
    """Walks python-hcl2's Lark tree once, building `hcl_ast` nodes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.comments: list[tuple[int, str]] = []

    def loc(self, node: Tree[Any] | Token) -> Location:
        from lark import Token

        if isinstance(node, Token):
            return Location(self.path, node.line or 1, node.column or 1,
                            node.end_line, node.end_column)
        meta = node.meta
        if getattr(meta, "empty", True):
            return Location(self.path, 1, 1)
        return Location(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    # -- structure ---------------------------------------------------------------------
    def body(self, tree: Tree[Any], depth: int) -> Body:
        from lark import Tree

        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        for child in tree.children:
            if not isinstance(child, Tree):
                continue
            if child.data == "attribute":
                attr = self.attribute(child, depth)
                if attr.name in attributes:
                    raise ParseError(f"attribute {attr.name!r} is defined twice", self.path,
                                     attr.loc.line, attr.loc.column)
                attributes[attr.name] = attr
            elif child.data == "block":
                blocks.append(self.block(child, depth + 1))
            elif child.data == "new_line_or_comment":
                self.collect_comments(child)
        return Body(attributes, tuple(blocks))

    def collect_comments(self, tree: Tree[Any]) -> None:
        for token in tree.children:
            text = str(token).strip()
            if text.startswith(("#", "//", "/*")):
                self.comments.append((getattr(token, "line", 0) or 0, text))

    def name_of(self, node: Tree[Any] | Token) -> str:
        from lark import Token, Tree

        if isinstance(node, Token):
            return str(node)
        if node.data == "string":
            template = self.string(node)
            return "".join(p for p in template.parts if isinstance(p, str))
        first = node.children[0]
        if isinstance(first, Tree):
            return self.name_of(first)
        return str(first)

    def attribute(self, tree: Tree[Any], depth: int) -> Attribute:
        name = self.name_of(tree.children[0])
        value = self.expr(tree.children[2], depth)
        return Attribute(name, value, self.loc(tree))

    def block(self, tree: Tree[Any], depth: int) -> Block:
        from lark import Token, Tree

        if depth > MAX_DEPTH:
            raise ParseError("blocks nested too deep", self.path, *self._pos(tree))
        names: list[str] = []
        body: Body | None = None
        for child in tree.children:
            if isinstance(child, Tree) and child.data == "body":
                body = self.body(child, depth)
            elif isinstance(child, Tree) and child.data == "new_line_or_comment":
                self.collect_comments(child)
            elif isinstance(child, Tree):
                names.append(self.name_of(child))
            elif isinstance(child, Token) and child.type not in ("LBRACE", "RBRACE"):
                names.append(str(child))
        return Block(names[0], tuple(names[1:]), body or Body(), self.loc(tree))

    def _pos(self, tree: Tree[Any]) -> tuple[int | None, int | None]:
        loc = self.loc(tree)
        return loc.line, loc.column

    # -- expressions -------------------------------------------------------------------
    def expr(self, node: Tree[Any] | Token, depth: int) -> Expr:  # noqa: C901 - one dispatch
        from lark import Token

        if depth > MAX_DEPTH:
            raise ParseError("expression nested too deep", self.path, *self._pos_any(node))
        depth += 1
        if isinstance(node, Token):
            return Literal(str(node), self.loc(node))
        kind = node.data
        children = [c for c in node.children if not _is_layout(c)]
        loc = self.loc(node)
        if kind == "expr_term":
            if len(children) == 3 and isinstance(children[0], Token) and children[0].type == "LPAR":
                return self.expr(children[1], depth)
            return self.expr(children[0], depth)
        if kind == "identifier":
            return Variable(str(children[0]), loc)
        if kind == "literal_value":
            text = str(children[0])
            return Literal({"true": True, "false": False, "null": None}[text], loc)
        if kind == "int_lit":
            return Literal(self.number(str(children[0]), int, loc), loc)
        if kind == "float_lit":
            return Literal(self.number(str(children[0]), float, loc), loc)
        if kind == "string":
            return self.string(node)
        if kind in ("heredoc_template", "heredoc_template_trim"):
            return self.heredoc(children[0], loc, trim=kind.endswith("trim"))
        if kind == "template_string":
            return Literal(_unescape(str(children[0])[2:-2]), loc)
        if kind == "tuple":
            items = [c for c in children if not isinstance(c, Token)]
            return TupleExpr(tuple(self.expr(i, depth) for i in items), loc)
        if kind == "object":
            return self.object(children, loc, depth)
        if kind == "function_call":
            return self.call(children, loc, depth)
        if kind == "get_attr_expr_term":
            return GetAttr(self.expr(children[0], depth), self.attr_name(children[1]), loc)
        if kind == "index_expr_term":
            return Index(self.expr(children[0], depth), self.index_key(children[1], depth), loc)
        if kind in ("attr_splat_expr_term", "full_splat_expr_term"):
            ops = tuple(self.splat_op(op, depth) for op in children[1].children[1:]
                        if not _is_layout(op))
            return Splat(self.expr(children[0], depth), ops, loc)
        if kind == "conditional":
            parts = [c for c in children if not isinstance(c, Token)]
            return Conditional(self.expr(parts[0], depth), self.expr(parts[1], depth),
                               self.expr(parts[2], depth), loc)
        if kind == "binary_op":
            left = self.expr(children[0], depth)
            term = children[1]
            op = str(term.children[0].children[0])
            right = [c for c in term.children[1:] if not _is_layout(c)][0]
            return Binary(op, left, self.expr(right, depth), loc)
        if kind == "unary_op":
            return Unary(str(children[0]), self.expr(children[1], depth), loc)
        if kind in ("for_tuple_expr", "for_object_expr"):
            return self.for_expr(kind, children, loc, depth)
        return Unsupported(kind, loc)

    def number(self, text: str, kind: type[int] | type[float], loc: Location) -> int | float:
        if len(text) > 300:
            raise ParseError(f"number literal of {len(text)} digits is too large", self.path,
                             loc.line, loc.column)
        try:
            return kind(text)
        except (ValueError, OverflowError):
            raise ParseError(f"invalid number {text[:40]!r}", self.path, loc.line,
                             loc.column) from None

    def _pos_any(self, node: Tree[Any] | Token) -> tuple[int | None, int | None]:
        loc = self.loc(node)
        return loc.line, loc.column

    def attr_name(self, get_attr: Tree[Any]) -> str:
        parts = [c for c in get_attr.children if not _is_layout(c)]
        return self.name_of(parts[-1])

    def index_key(self, index: Tree[Any], depth: int) -> Expr:
        from lark import Token

        parts = [c for c in index.children if not _is_layout(c)]
        if index.data == "short_index":
            token = parts[-1]
            return Literal(self.number(str(token), int, self.loc(index)),
                           self.loc(token) if isinstance(token, Token)
                           else self.loc(index))
        inner = [p for p in parts if not isinstance(p, Token)]
        return self.expr(inner[0], depth)

    def splat_op(self, op: Tree[Any], depth: int) -> str | Expr:
        if op.data == "get_attr":
            return self.attr_name(op)
        return self.index_key(op, depth)

    def string(self, node: Tree[Any]) -> Template:
        from lark import Token, Tree

        parts: list[str | Expr] = []
        for part in node.children:
            if not isinstance(part, Tree) or part.data != "string_part":
                continue
            inner = part.children[0]
            if isinstance(inner, Token):
                text = str(inner)
                if inner.type == "ESCAPED_INTERPOLATION" or inner.type == "ESCAPED_DIRECTIVE":
                    parts.append(text[1:])
                else:
                    parts.append(_unescape(text))
            elif inner.data == "interpolation":
                expr_node = [c for c in inner.children if isinstance(c, Tree)][0]
                parts.append(self.expr(expr_node, 0))
            else:
                parts.append(Unsupported("template directive", self.loc(inner)))
        return Template(tuple(_merge_text(parts)), self.loc(node))

    def heredoc(self, token: Tree[Any] | Token, loc: Location, trim: bool) -> Expr:
        match = _HEREDOC_RE.match(str(token))
        if not match:
            return Unsupported("heredoc", loc)
        body = match.group(3)
        if trim:
            lines = body.split("\n")
            indents = [len(x) - len(x.lstrip(" \t")) for x in lines if x.strip()]
            cut = min(indents) if indents else 0
            body = "\n".join(x[cut:] for x in lines)
        body += "\n"
        if "${" not in body and "%{" not in body:
            return Literal(body, loc)
        escaped = body.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        try:
            tree = _parse_tree(f'x = "{escaped}"')
        except Exception:  # a heredoc the string grammar cannot take: unknown, not fatal
            return Unsupported("heredoc", loc)
        sub = _Builder(self.path)
        attr = tree.children[0].children[0]
        template = sub.expr(attr.children[2], 0)
        if isinstance(template, Template):
            return Template(template.parts, loc)
        return Unsupported("heredoc", loc)

    def object(self, children: list[Any], loc: Location, depth: int) -> ObjectExpr:
        from lark import Tree

        items: list[ObjectItem] = []
        for child in children:
            if not isinstance(child, Tree) or child.data != "object_elem":
                continue
            parts = [c for c in child.children if not _is_layout(c)]
            key_node = parts[0]
            key_inner = [c for c in key_node.children if not _is_layout(c)][0]
            key: Expr
            if isinstance(key_inner, Tree) and key_inner.data == "expr_term" and \
                    isinstance(key_inner.children[0], Tree) and \
                    key_inner.children[0].data == "identifier":
                ident = key_inner.children[0]
                key = Literal(str(ident.children[0]), self.loc(ident))
            elif isinstance(key_inner, Tree) and key_inner.data == "keyword":
                key = Literal(str(key_inner.children[0]), self.loc(key_inner))
            else:
                key = self.expr(key_inner, depth)
            value = self.expr(parts[-1], depth)
            items.append(ObjectItem(key, value, self.loc(child)))
        return ObjectExpr(tuple(items), loc)

    def call(self, children: list[Any], loc: Location, depth: int) -> Call:
        from lark import Token, Tree

        names = [self.name_of(c) for c in children if isinstance(c, Tree)
                 and c.data == "identifier"]
        args: list[Expr] = []
        expand = False
        for child in children:
            if isinstance(child, Tree) and child.data == "arguments":
                for arg in child.children:
                    if isinstance(arg, Token) and arg.type == "ELLIPSIS":
                        expand = True
                    elif not _is_layout(arg) and not isinstance(arg, Token):
                        args.append(self.expr(arg, depth))
        return Call("::".join(names), tuple(args), loc, expand)

    def for_expr(self, kind: str, children: list[Any], loc: Location, depth: int) -> ForExpr:
        from lark import Token, Tree

        intro = [c for c in children if isinstance(c, Tree) and c.data == "for_intro"][0]
        intro_parts = [c for c in intro.children if not _is_layout(c)]
        idents = [self.name_of(c) for c in intro_parts
                  if isinstance(c, Tree) and c.data == "identifier"]
        coll_node = [c for c in intro_parts if isinstance(c, Tree) and c.data != "identifier"][-1]
        exprs = [c for c in children if isinstance(c, Tree)
                 and c.data not in ("for_intro", "for_cond", "new_line_or_comment")]
        cond_nodes = [c for c in children if isinstance(c, Tree) and c.data == "for_cond"]
        cond = None
        if cond_nodes:
            cond_expr = [c for c in cond_nodes[0].children if isinstance(c, Tree)
                         and c.data != "new_line_or_comment"][0]
            cond = self.expr(cond_expr, depth)
        group = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in children)
        key_var = idents[0] if len(idents) == 2 else None
        value_var = idents[-1]
        collection = self.expr(coll_node, depth)
        if kind == "for_tuple_expr":
            return ForExpr(key_var, value_var, collection, self.expr(exprs[0], depth), None,
                           cond, False, loc)
        return ForExpr(key_var, value_var, collection, self.expr(exprs[1], depth),
                       self.expr(exprs[0], depth), cond, group, loc)


def _is_layout(node: Any) -> bool:
    from lark import Token, Tree

    if isinstance(node, Tree):
        return bool(node.data == "new_line_or_comment")
    if isinstance(node, Token):
        return node.type in ("NL_OR_COMMENT", "COMMA", "LPAR_", "EQ", "COLON", "DOT", "LSQB",
                             "RSQB", "LBRACE", "RBRACE", "QMARK", "INTERP_START",
                             "FOR_OBJECT_ARROW", "RPAR") or (node.type == "LPAR")
    return False


def _merge_text(parts: list[str | Expr]) -> list[str | Expr]:
    merged: list[str | Expr] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return merged


__all__ = ["cache_dir", "parse_terraform"]  # cache.py takes cache_dir from here
