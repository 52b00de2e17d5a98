"""A hand-written lexer and recursive-descent parser for `.bicep` and `.bicepparam` files.

`parse_bicep(text, path)` and `parse_bicepparam(text, path)` return the syntax tree of
`bicep_ast` with an exact `Location` on every node, plus every comment. Any syntax error,
and any construct this parser does not know, raises `ParseError` with the line and column
where it was found; no other exception escapes. Nesting deeper than `MAX_DEPTH` is an
error, never a `RecursionError`.

Newlines are significant, as in Bicep: they end declarations, decorators, and the items
of multi-line objects, arrays and object types (which may also be separated by commas).
Inside parentheses, call arguments, index brackets, loop headers and string
interpolations they are ignored.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

from aksnetlint.errors import ParseError
from aksnetlint.parsers import bicep_ast as ast
from aksnetlint.values import Location

__all__ = ["MAX_DEPTH", "parse_bicep", "parse_bicepparam"]

MAX_DEPTH = 64
"""Deepest nesting of expressions and types accepted (real templates stay far below)."""

_N = TypeVar("_N")

# ---------------------------------------------------------------------------------------
# Lexer

_TOKEN_RE = re.compile(
    r"""
    [ \t\f\v]*
    (?:(?P<nl>(?:\r\n?|\n)(?:[ \t\f\v]*(?:\r\n?|\n))*)
    |(?P<lcom>//[^\r\n]*)
    |(?P<bcom>/\*(?s:.*?)\*/)
    |(?P<pragma>\#(?:disable-next-line|disable-diagnostics|restore-diagnostics)\b[^\r\n]*)
    |(?P<ml>'''(?s:.*?)'''(?!'))
    |(?P<iml>\$+''')
    |(?P<bad>/\*|''')
    |(?P<sq>')
    |(?P<id>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<int>[0-9]+)
    |(?P<op>\.\.\.|=>|::|\?\?|==|!=|=~|!~|<=|>=|&&|\|\||[{}()\[\],:.=?!<>+\-*/%@|^])
    |(?P<end>\Z))
    """,
    re.VERBOSE,
)
# The literal text of a single-quoted string up to its end, an interpolation or an error.
_STRING_SEGMENT_RE = re.compile(r"(?:[^'\\$\r\n]+|\\[^\r\n]|\$(?!\{))*")
_ESCAPE_RE = re.compile(r"\\(?:u\{([0-9A-Fa-f]{1,6})\}|(.))")
_SIMPLE_ESCAPES = {"\\": "\\", "'": "'", "n": "\n", "r": "\r", "t": "\t", "$": "$"}
_LINE_BREAK_RE = re.compile(r"\r\n?|\n")
_WHITESPACE_RE = re.compile(r"[ \t\f\v]*")
_BRACKETS = frozenset("{}()")
_BRACE, _QUOTED = -1, 0


def _strip_first_newline(value: str) -> str:
    """A multi-line string's value does not include a line break right after `'''`."""
    if value.startswith("\r\n"):
        return value[2:]
    if value.startswith(("\n", "\r")):
        return value[1:]
    return value


@lru_cache(maxsize=16)
def _multiline_end(dollars: int) -> re.Pattern[str]:
    """The end of a piece of multi-line text: the closing quotes (the last three of a
    run, so `''''a''''` is `'a'`) or `dollars` dollar signs and a brace."""
    return re.compile("'''(?!')|" + re.escape("$" * dollars + "{"))

# Token kinds that are not punctuation (punctuation tokens have their text as kind).
ID, INT, NL, EOF = "id", "int", "nl", "eof"
STR, STR_HEAD, STR_MID, STR_TAIL, ML_STR = "str", "str_head", "str_mid", "str_tail", "ml"
ML_HEAD = "ml_head"
"""The start of an interpolated multi-line string, `$'''text${`; its middle and end pieces
are STR_MID and STR_TAIL, as for a single-quoted string."""


class _Token:
    """One token; `value` is the decoded text of a string piece (else the source text)."""

    __slots__ = ("kind", "start", "end", "value")

    def __init__(self, kind: str, start: int, end: int, value: str) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.value = value


def _describe(tok: _Token) -> str:
    if tok.kind == ID:
        return f"'{tok.value}'"
    if tok.kind == INT:
        return f"the number {tok.value}"
    if tok.kind == NL:
        return "a new line"
    if tok.kind == EOF:
        return "the end of the file"
    if tok.kind in (STR, ML_STR, STR_HEAD, ML_HEAD):
        return "a string"
    if tok.kind in (STR_MID, STR_TAIL):
        return "'}'"
    return f"'{tok.kind}'"


class _Source:
    """The text of one file and the offset -> (line, column) map."""

    def __init__(self, text: str, path: str) -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        self.text = text
        self.path = path
        self.line_starts = [0] + [m.end() for m in _LINE_BREAK_RE.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def loc(self, start: int, end: int) -> Location:
        starts = self.line_starts
        first = bisect_right(starts, start) - 1
        last = bisect_right(starts, end, first) - 1
        return Location(self.path, first + 1, start - starts[first] + 1, last + 1,
                        end - starts[last] + 1)

    def error(self, message: str, offset: int) -> ParseError:
        line, column = self.position(offset)
        return ParseError(message, self.path, line, column)

    def where(self, offset: int) -> str:
        line, column = self.position(offset)
        return f"{line}:{column}"


class _Lexer:
    """Splits the text into tokens, collecting comments on the side.

    Strings are split the way Bicep's own lexer does: `'a${` (STR_HEAD), `}b${`
    (STR_MID), `}c'` (STR_TAIL), so interpolated expressions are ordinary tokens. An
    interpolated multi-line string `$'''a${x}b'''` is split the same way (ML_HEAD, then
    STR_MID and STR_TAIL); with N dollar signs (`$$'''`) only N dollars and a brace
    interpolate, and fewer are text.
    """

    def __init__(self, src: _Source) -> None:
        self.src = src
        self.tokens: list[_Token] = []
        self.comments: list[ast.Comment] = []
        self.paren_match: dict[int, int] = {}
        # One entry per open `{`: _BRACE for a plain brace, else the string it interpolates
        # into (_QUOTED for `'...${`, N > 0 for a multi-line string with N dollar signs).
        self._braces: list[tuple[int, int]] = []
        self._parens: list[int] = []

    def run(self) -> None:
        text = self.src.text
        tokens = self.tokens
        match = _TOKEN_RE.match
        pos = 0
        while True:
            m = match(text, pos)
            kind = m.lastgroup if m is not None else None
            if m is None or kind is None or kind == "bad":
                raise self._bad_character(pos)
            start, end = m.start(kind), m.end()
            if kind == "op":
                value = m.group(kind)
                if value in _BRACKETS:
                    end = self._operator(value, start, end)
                else:
                    tokens.append(_Token(value, start, end, value))
            elif kind == "id" or kind == "nl" or kind == "int":
                tokens.append(_Token(kind, start, end, m.group(kind)))
            elif kind == "sq":
                end = self._string(start, end, STR, STR_HEAD)
            elif kind == "ml":
                self._multiline(m.group(kind), start, end)
            elif kind == "iml":
                end = self._multiline_part(start, end, end - start - 3, ML_STR, ML_HEAD)
            elif kind == "end":
                break
            else:
                self._comment(m.group(kind), start, end, kind)
            pos = end
        self._finish(len(text))

    def _bad_character(self, pos: int) -> ParseError:
        pos = _WHITESPACE_RE.match(self.src.text, pos).end()  # type: ignore[union-attr]
        char = self.src.text[pos]
        if self.src.text.startswith("/*", pos):
            return self.src.error("unterminated block comment: missing '*/'", pos)
        if self.src.text.startswith("'''", pos):
            return self.src.error("unterminated multi-line string: missing closing '''", pos)
        shown = char if char.isprintable() else f"U+{ord(char):04X}"
        return self.src.error(f"unexpected character '{shown}'", pos)

    def _comment(self, text: str, start: int, end: int, kind: str) -> None:
        self.comments.append(ast.Comment(text=text, block=kind == "bcom",
                                         directive=kind == "pragma", loc=self.src.loc(start, end)))

    def _operator(self, op: str, start: int, end: int) -> int:
        if op == "{":
            self._braces.append((_BRACE, start))
        elif op == "}" and self._braces:
            interpolation, _ = self._braces.pop()
            if interpolation == _QUOTED:
                return self._string(start, end, STR_TAIL, STR_MID)
            if interpolation != _BRACE:
                return self._multiline_part(start, end, interpolation, STR_TAIL, STR_MID)
        elif op == "(":
            self._parens.append(len(self.tokens))
        elif op == ")" and self._parens:
            self.paren_match[self._parens.pop()] = len(self.tokens)
        self.tokens.append(_Token(op, start, end, op))
        return end

    def _string(self, start: int, body: int, closed: str, opened: str) -> int:
        """Lex string text from `body` to `'` or `${`; returns the offset after it."""
        text = self.src.text
        seg_end = _STRING_SEGMENT_RE.match(text, body).end()  # type: ignore[union-attr]
        value = self._decode(text[body:seg_end], body)
        if text.startswith("'", seg_end):
            self.tokens.append(_Token(closed, start, seg_end + 1, value))
            return seg_end + 1
        if text.startswith("${", seg_end):
            self.tokens.append(_Token(opened, start, seg_end + 2, value))
            self._braces.append((_QUOTED, seg_end))
            return seg_end + 2
        string_start = self._string_start(start, closed)
        raise self.src.error(
            f"unterminated string started at {self.src.where(string_start)}: missing \"'\"",
            seg_end,
        )

    def _string_start(self, start: int, closed: str) -> int:
        if closed in (STR, ML_STR):
            return start
        for tok in reversed(self.tokens):
            if tok.kind in (STR_HEAD, ML_HEAD):
                return tok.start
        return start

    def _multiline_part(self, start: int, body: int, dollars: int, closed: str,
                        opened: str) -> int:
        """Lex the text of an interpolated multi-line string from `body` to its closing
        `'''` or the next interpolation (`dollars` dollar signs and `{`); returns the
        offset after it. Text is taken as written (no escapes); a line break right after
        the opening quotes is not part of the value."""
        text = self.src.text
        found = _multiline_end(dollars).search(text, body)
        if found is None:
            raise self.src.error("unterminated multi-line string: missing closing '''",
                                 self._string_start(start, closed))
        value = text[body:found.start()]
        if closed == ML_STR:
            value = _strip_first_newline(value)
        if found.group() == "'''":
            self.tokens.append(_Token(closed, start, found.end(), value))
            return found.end()
        self.tokens.append(_Token(opened, start, found.end(), value))
        self._braces.append((dollars, found.start()))
        return found.end()

    def _decode(self, raw: str, offset: int) -> str:
        if "\\" not in raw:
            return raw
        parts: list[str] = []
        last = 0
        for m in _ESCAPE_RE.finditer(raw):
            parts.append(raw[last:m.start()])
            parts.append(self._escape(m, offset))
            last = m.end()
        parts.append(raw[last:])
        return "".join(parts)

    def _escape(self, m: re.Match[str], offset: int) -> str:
        code, char = m.group(1), m.group(2)
        if code is not None:
            value = int(code, 16)
            if value > 0x10FFFF:
                raise self.src.error(f"invalid code point '\\u{{{code}}}'", offset + m.start())
            return chr(value)
        if char in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[char]
        if char == "u":
            raise self.src.error(
                "invalid escape '\\u': write a code point as \\u{hex}", offset + m.start()
            )
        raise self.src.error(
            f"invalid escape '\\{char}': use \\\\, \\', \\n, \\r, \\t, \\$ or \\u{{...}}",
            offset + m.start(),
        )

    def _multiline(self, raw: str, start: int, end: int) -> None:
        self.tokens.append(_Token(ML_STR, start, end, _strip_first_newline(raw[3:-3])))

    def _finish(self, length: int) -> None:
        for interpolation, start in reversed(self._braces):
            if interpolation != _BRACE:
                raise self.src.error(
                    "unterminated string interpolation: missing '}' and closing \"'\"", start
                )
        self.tokens.append(_Token(EOF, length, length, ""))


# ---------------------------------------------------------------------------------------
# Parser

_BINARY_PRECEDENCE = {
    "??": 1,
    "||": 2,
    "&&": 3,
    "==": 4, "!=": 4, "=~": 4, "!~": 4,
    "<": 5, "<=": 5, ">": 5, ">=": 5,
    "+": 6, "-": 6,
    "*": 7, "/": 7, "%": 7,
}
_LITERALS = {"true", "false", "null"}
_BICEP_KEYWORDS = (
    "targetScope, metadata, param, var, resource, module, output, type, func, import, "
    "extension, provider, assert or test"
)
_PARAM_KEYWORDS = "using, extends, param, var, type, import or extensionConfig"
_NO_DECORATORS = {"targetScope", "using", "extends", "extensionConfig"}


class _Parser:
    """Recursive descent over the token list, one method per construct.

    `skip_nl` is a stack: True inside parentheses, index brackets, loop headers and
    interpolations, where newlines are not significant; False at the top level and in
    objects, arrays and object types, where they separate items."""

    def __init__(self, src: _Source, lexer: _Lexer) -> None:
        self.src = src
        self.toks = lexer.tokens
        self.paren_match = lexer.paren_match
        self.i = 0
        self.prev_end = 0
        self.skip_nl = [False]
        self.depth = 0

    # -- token helpers ------------------------------------------------------------------

    def cur(self) -> _Token:
        """The current token; newlines are passed over where they are not significant."""
        tok = self.toks[self.i]
        if tok.kind == NL and self.skip_nl[-1]:
            while tok.kind == NL:
                self.i += 1
                tok = self.toks[self.i]
        return tok

    def advance(self) -> _Token:
        tok = self.cur()
        self.i += 1
        self.prev_end = tok.end
        return tok

    def at(self, kind: str) -> bool:
        return self.cur().kind == kind

    def at_word(self, word: str) -> bool:
        tok = self.cur()
        return tok.kind == ID and tok.value == word

    def accept(self, kind: str) -> _Token | None:
        return self.advance() if self.cur().kind == kind else None

    def accept_word(self, word: str) -> _Token | None:
        return self.advance() if self.at_word(word) else None

    def expect(self, kind: str, what: str | None = None) -> _Token:
        tok = self.cur()
        if tok.kind != kind:
            raise self.unexpected(tok, what or f"'{kind}'")
        return self.advance()

    def expect_word(self, word: str) -> _Token:
        if not self.at_word(word):
            raise self.unexpected(self.cur(), f"'{word}'")
        return self.advance()

    def expect_close(self, kind: str, what: str, opener: _Token) -> _Token:
        tok = self.cur()
        if tok.kind != kind:
            raise self.src.error(
                f"expected '{kind}' to close {what} opened at {self.src.where(opener.start)}, "
                f"found {_describe(tok)}",
                tok.start,
            )
        return self.advance()

    def unexpected(self, tok: _Token, expected: str) -> ParseError:
        return self.src.error(f"expected {expected}, found {_describe(tok)}", tok.start)

    def peek_kind(self, offset: int = 1) -> str:
        """The kind of the token `offset` places after the current one (newlines count)."""
        self.cur()
        index = min(self.i + offset, len(self.toks) - 1)
        return self.toks[index].kind

    def next_significant(self) -> _Token:
        """The first token after the current newlines."""
        index = self.i
        while self.toks[index].kind == NL:
            index += 1
        return self.toks[index]

    def skip_newlines(self) -> None:
        while self.toks[self.i].kind == NL:
            self.i += 1

    def name(self, what: str) -> ast.Name:
        tok = self.expect(ID, what)
        return ast.Name(value=tok.value, loc=self.src.loc(tok.start, tok.end))

    def loc(self, start: int) -> Location:
        return self.src.loc(start, self.prev_end)

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.src.error(
                f"nesting too deep: more than {MAX_DEPTH} levels", self.cur().start
            )

    def nested(self, skip_nl: bool, parse: Callable[[], _N]) -> _N:
        self.skip_nl.append(skip_nl)
        result = parse()
        self.skip_nl.pop()
        return result

    def end_of_line(self, what: str) -> None:
        tok = self.toks[self.i]
        if tok.kind not in (NL, EOF):
            raise self.src.error(
                f"expected a new line after {what}, found {_describe(tok)}", tok.start
            )

    # -- files --------------------------------------------------------------------------

    def bicep_file(self) -> list[ast.Declaration]:
        decls: list[ast.Declaration] = []
        while True:
            self.skip_newlines()
            if self.at(EOF):
                return decls
            decls.append(self.bicep_statement())
            self.end_of_line("the declaration")

    def param_file(self) -> list[ast.ParamDeclaration]:
        decls: list[ast.ParamDeclaration] = []
        while True:
            self.skip_newlines()
            if self.at(EOF):
                return decls
            start = self.cur()
            decl = self.param_statement()
            if isinstance(decl, ast.Using | ast.Extends) and any(
                type(d) is type(decl) for d in decls
            ):
                keyword = "using" if isinstance(decl, ast.Using) else "extends"
                raise self.src.error(
                    f"a parameters file has at most one '{keyword}' declaration", start.start
                )
            decls.append(decl)
            self.end_of_line("the declaration")

    def statement_start(self, keywords: str) -> tuple[int, tuple[ast.Decorator, ...], _Token]:
        """Decorators, then the keyword; a declaration's `loc` starts at its keyword."""
        decorators = self.decorators()
        tok = self.cur()
        if tok.kind != ID:
            raise self.unexpected(tok, f"a declaration ({keywords})")
        if decorators and tok.value in _NO_DECORATORS:
            raise self.src.error(f"a decorator cannot be applied to '{tok.value}'", tok.start)
        return tok.start, decorators, tok

    def bicep_statement(self) -> ast.Declaration:
        start, decorators, tok = self.statement_start(_BICEP_KEYWORDS)
        handler = _BICEP_STATEMENTS.get(tok.value)
        if handler is None:
            raise self.src.error(
                f"unknown declaration {_describe(tok)}: expected {_BICEP_KEYWORDS}", tok.start
            )
        self.advance()
        return handler(self, start, decorators, tok)

    def param_statement(self) -> ast.ParamDeclaration:
        start, decorators, tok = self.statement_start(_PARAM_KEYWORDS)
        handler = _PARAM_STATEMENTS.get(tok.value)
        if handler is None:
            raise self.src.error(
                f"unknown declaration {_describe(tok)} in a parameters file: expected "
                f"{_PARAM_KEYWORDS}",
                tok.start,
            )
        self.advance()
        return handler(self, start, decorators, tok)

    # -- declarations -------------------------------------------------------------------

    def target_scope(self, start: int, decorators: tuple[ast.Decorator, ...],
                     keyword: _Token) -> ast.TargetScope:
        self.expect("=")
        value = self.expression()
        return ast.TargetScope(value=value, loc=self.loc(start))

    def metadata(self, start: int, decorators: tuple[ast.Decorator, ...],
                 keyword: _Token) -> ast.Metadata:
        name = self.name("a metadata name")
        self.expect("=")
        value = self.expression()
        return ast.Metadata(name=name.value, name_loc=name.loc, value=value,
                            loc=self.loc(start), decorators=decorators)

    def param(self, start: int, decorators: tuple[ast.Decorator, ...],
              keyword: _Token) -> ast.Param:
        name = self.name("a parameter name")
        type_ = self.resource_type() if self.at_resource_type() else self.type_expr()
        default = self.expression() if self.accept("=") else None
        return ast.Param(name=name.value, name_loc=name.loc, type=type_, default=default,
                         loc=self.loc(start), decorators=decorators)

    def param_assignment(self, start: int, decorators: tuple[ast.Decorator, ...],
                         keyword: _Token) -> ast.Param:
        name = self.name("a parameter name")
        self.expect("=", "'=' and the parameter value")
        value = self.expression()
        return ast.Param(name=name.value, name_loc=name.loc, type=None, default=value,
                         loc=self.loc(start), decorators=decorators)

    def var(self, start: int, decorators: tuple[ast.Decorator, ...],
            keyword: _Token) -> ast.Var:
        name = self.name("a variable name")
        type_ = None if self.at("=") else self.type_expr()
        self.expect("=")
        value = self.expression()
        return ast.Var(name=name.value, name_loc=name.loc, type=type_, value=value,
                       loc=self.loc(start), decorators=decorators)

    def resource(self, start: int, decorators: tuple[ast.Decorator, ...],
                 keyword: _Token) -> ast.Resource:
        name = self.name("a resource symbolic name")
        type_string = self.plain_string("the resource type 'Namespace/type@version'")
        resource_type, api_version = _split_type(type_string)
        existing = self.accept_word("existing") is not None
        self.expect("=")
        body = self.declaration_body("resource")
        return ast.Resource(
            name=name.value, name_loc=name.loc, type_string=type_string,
            resource_type=resource_type, api_version=api_version, existing=existing,
            body=body, loc=self.loc(start), decorators=decorators,
        )

    def module(self, start: int, decorators: tuple[ast.Decorator, ...],
               keyword: _Token) -> ast.Module:
        name = self.name("a module symbolic name")
        path = self.plain_string("the module path")
        self.expect("=")
        body = self.declaration_body("module")
        return ast.Module(name=name.value, name_loc=name.loc, path=path, body=body,
                          loc=self.loc(start), decorators=decorators)

    def output(self, start: int, decorators: tuple[ast.Decorator, ...],
               keyword: _Token) -> ast.Output:
        name = self.name("an output name")
        type_ = self.resource_type() if self.at_resource_type() else self.type_expr()
        self.expect("=")
        value = self.expression()
        return ast.Output(name=name.value, name_loc=name.loc, type=type_, value=value,
                          loc=self.loc(start), decorators=decorators)

    def type_decl(self, start: int, decorators: tuple[ast.Decorator, ...],
                  keyword: _Token) -> ast.TypeDecl:
        name = self.name("a type name")
        self.expect("=")
        type_ = self.type_expr()
        return ast.TypeDecl(name=name.value, name_loc=name.loc, type=type_,
                            loc=self.loc(start), decorators=decorators)

    def func(self, start: int, decorators: tuple[ast.Decorator, ...],
             keyword: _Token) -> ast.Func:
        name = self.name("a function name")
        opener = self.expect("(")
        params = self.nested(True, lambda: self.lambda_params(opener, typed=True))
        return_type = self.type_expr()
        self.expect("=>", "'=>' and the function body")
        self.skip_newlines()
        body = self.expression()
        return ast.Func(name=name.value, name_loc=name.loc, params=params,
                        return_type=return_type, body=body, loc=self.loc(start),
                        decorators=decorators)

    def import_decl(self, start: int, decorators: tuple[ast.Decorator, ...],
                    keyword: _Token) -> ast.Import | ast.Extension:
        if self.at("{"):
            symbols = self.import_symbols()
            path = self.import_from()
            return ast.Import(path=path, symbols=symbols, loc=self.loc(start),
                              decorators=decorators)
        if self.accept("*"):
            self.expect_word("as")
            alias = self.name("a namespace alias")
            path = self.import_from()
            return ast.Import(path=path, wildcard=alias, loc=self.loc(start),
                              decorators=decorators)
        if self.at(STR) or self.at(ID):
            return self.extension(start, decorators, keyword)
        raise self.unexpected(self.cur(), "'{', '*' or an extension name after 'import'")

    def param_import(self, start: int, decorators: tuple[ast.Decorator, ...],
                     keyword: _Token) -> ast.Import:
        if not (self.at("{") or self.at("*")):
            raise self.unexpected(self.cur(), "'{' or '*' after 'import'")
        decl = self.import_decl(start, decorators, keyword)
        assert isinstance(decl, ast.Import)
        return decl

    def import_symbols(self) -> tuple[ast.ImportSymbol, ...]:
        opener = self.expect("{")
        symbols = self.nested(False, lambda: self.items(opener, "}", "import list",
                                                        self.import_symbol))
        return tuple(symbols)

    def import_symbol(self) -> ast.ImportSymbol:
        tok = self.cur()
        if tok.kind == STR:
            # a symbol whose name is no identifier (`'x-y' as z`): the alias is required
            written = self.plain_string("an imported symbol name")
            self.expect_word("as")
            return ast.ImportSymbol(name=written, alias=self.name("an alias"),
                                    loc=self.loc(tok.start))
        name = self.name("an imported symbol name")
        alias = self.name("an alias") if self.accept_word("as") else None
        return ast.ImportSymbol(name=name, alias=alias, loc=self.loc(tok.start))

    def import_from(self) -> ast.String:
        self.expect_word("from")
        return self.plain_string("the path to import from")

    def extension(self, start: int, decorators: tuple[ast.Decorator, ...],
                  keyword: _Token) -> ast.Extension:
        spec: ast.Name | ast.String
        if self.at(STR):
            spec = self.plain_string("an extension reference")
        else:
            spec = self.name("an extension name or reference")
        config = self.expression() if self.accept_word("with") else None
        alias = self.name("an extension alias") if self.accept_word("as") else None
        return ast.Extension(keyword=keyword.value, spec=spec, config=config, alias=alias,
                             loc=self.loc(start), decorators=decorators)

    def assert_decl(self, start: int, decorators: tuple[ast.Decorator, ...],
                    keyword: _Token) -> ast.Assert:
        name = self.name("an assertion name")
        self.expect("=")
        condition = self.expression()
        return ast.Assert(name=name.value, name_loc=name.loc, condition=condition,
                          loc=self.loc(start), decorators=decorators)

    def test(self, start: int, decorators: tuple[ast.Decorator, ...],
             keyword: _Token) -> ast.Test:
        name = self.name("a test name")
        path = self.plain_string("the path of the file under test")
        self.expect("=")
        body = self.declaration_body("test")
        return ast.Test(name=name.value, name_loc=name.loc, path=path, body=body,
                        loc=self.loc(start), decorators=decorators)

    def extension_config(self, start: int, decorators: tuple[ast.Decorator, ...],
                         keyword: _Token) -> ast.ExtensionConfig:
        name = self.name("an extension alias")
        self.expect_word("with")
        config = self.expression()
        return ast.ExtensionConfig(name=name.value, name_loc=name.loc, config=config,
                                   loc=self.loc(start))

    def using(self, start: int, decorators: tuple[ast.Decorator, ...],
              keyword: _Token) -> ast.Using:
        if self.accept_word("none"):
            return ast.Using(path=None, loc=self.loc(start))
        path = self.plain_string("the path of the template ('./main.bicep') or 'none'")
        config = self.expression() if self.accept_word("with") else None
        return ast.Using(path=path, config=config, loc=self.loc(start))

    def extends(self, start: int, decorators: tuple[ast.Decorator, ...],
                keyword: _Token) -> ast.Extends:
        path = self.plain_string("the path of the base parameters file")
        return ast.Extends(path=path, loc=self.loc(start))

    def at_resource_type(self) -> bool:
        return self.at_word("resource") and self.peek_kind() == STR

    def resource_type(self) -> ast.ResourceType:
        start = self.advance().start
        type_string = self.plain_string("a resource type")
        resource_type, api_version = _split_type(type_string)
        return ast.ResourceType(type_string=type_string, resource_type=resource_type,
                                api_version=api_version, loc=self.loc(start))

    def plain_string(self, what: str) -> ast.String:
        """A string literal without interpolation (paths, resource types)."""
        tok = self.cur()
        if tok.kind in (STR_HEAD, ML_HEAD):
            raise self.src.error(f"{what} cannot use string interpolation", tok.start)
        tok = self.expect(STR, what)
        return ast.String(parts=(tok.value,) if tok.value else (),
                          loc=self.src.loc(tok.start, tok.end))

    def declaration_body(self, what: str) -> ast.Expr:
        """The value of a resource or module: `{...}`, `if (c) {...}` or `[for ...]` (which
        may start on the line after `=`)."""
        if self.at(NL) and self.next_significant().kind in ("{", "[", ID):
            self.skip_newlines()
        tok = self.cur()
        if tok.kind == "{":
            return self.object()
        if tok.kind == ID and tok.value == "if":
            return self.if_condition(self.object)
        if tok.kind == "[":
            loop = self.array_or_for()
            if isinstance(loop, ast.For):
                return loop
            raise self.src.error(f"a {what} body must be an object, 'if' or a for-loop",
                                 tok.start)
        raise self.unexpected(tok, f"'{{', 'if' or '[for' starting the {what} body")

    def if_condition(self, body: Callable[[], ast.Expr]) -> ast.If:
        start = self.expect_word("if").start
        opener = self.expect("(", "'(' after 'if'")

        def condition() -> ast.Expr:
            expr = self.expression()
            self.expect_close(")", "the condition", opener)
            return expr

        cond = self.nested(True, condition)
        value = self.nested(False, body)
        return ast.If(condition=cond, body=value, loc=self.loc(start))

    # -- decorators ---------------------------------------------------------------------

    def decorators(self, item: bool = False) -> tuple[ast.Decorator, ...]:
        """Decorators, each ended by a new line; on an `item` of a list written on one
        line (`[@discriminator('type'), typeA | typeB, string]`, as `bicep format` writes
        it) a comma ends it too."""
        found: list[ast.Decorator] = []
        while self.at("@"):
            found.append(self.decorator())
            if not (item and self.accept(",")):
                self.end_of_line("the decorator")
            self.skip_newlines()
        return tuple(found)

    def decorator(self) -> ast.Decorator:
        start = self.advance().start
        name = self.expect(ID, "a decorator name")
        namespace = None
        if self.accept("."):
            namespace = name.value
            name = self.expect(ID, "a decorator name")
        opener = self.expect("(", "'(' and the decorator arguments")
        args = self.nested(True, lambda: self.call_args(opener))
        return ast.Decorator(name=name.value, namespace=namespace, args=args,
                             loc=self.loc(start))

    # -- expressions --------------------------------------------------------------------

    def expression(self) -> ast.Expr:
        self.enter()
        start = self.cur().start
        cond = self.binary(1)
        if self.at(NL) and self.next_significant().kind == "?":
            self.skip_newlines()
        if self.accept("?"):
            self.skip_newlines()
            if_true = self.nested(True, self.expression)
            self.skip_newlines()
            self.expect(":", "':' of the conditional expression")
            self.skip_newlines()
            if_false = self.expression()
            cond = ast.Ternary(condition=cond, if_true=if_true, if_false=if_false,
                               loc=self.loc(start))
        self.depth -= 1
        return cond

    def binary(self, min_precedence: int) -> ast.Expr:
        start = self.cur().start
        left = self.unary()
        while True:
            op = self.cur().kind
            precedence = _BINARY_PRECEDENCE.get(op)
            if precedence is None or precedence < min_precedence:
                return left
            self.advance()
            right = self.binary(precedence + 1)
            left = ast.Binary(op=op, left=left, right=right, loc=self.loc(start))

    def unary(self) -> ast.Expr:
        tok = self.cur()
        if tok.kind == "!" or tok.kind == "-":
            self.enter()
            self.advance()
            operand = self.unary()
            self.depth -= 1
            return ast.Unary(op=tok.kind, operand=operand, loc=self.loc(tok.start))
        return self.postfix(tok.start, self.primary())

    def postfix(self, start: int, expr: ast.Expr) -> ast.Expr:
        while True:
            kind = self.cur().kind
            if kind == ".":
                expr = self.member(start, expr)
            elif kind == "[":
                expr = self.index(start, expr)
            elif kind == "::":
                self.advance()
                name = self.name("a nested resource name after '::'")
                expr = ast.ResourceAccess(base=expr, name=name, loc=self.loc(start))
            elif kind == "!":
                self.advance()
                expr = ast.NonNullAssert(expr=expr, loc=self.loc(start))
            else:
                return expr

    def member(self, start: int, base: ast.Expr) -> ast.Expr:
        self.advance()
        safe = self.accept("?") is not None
        name = self.name("a property name")
        if not safe and self.at("("):
            opener = self.advance()
            args = self.nested(True, lambda: self.call_args(opener))
            if isinstance(base, ast.Ident):
                return ast.Call(name=name.value, args=args, namespace=base.name,
                                loc=self.loc(start))
            return ast.Call(name=name.value, args=args, target=base, loc=self.loc(start))
        return ast.PropertyAccess(base=base, name=name, safe=safe, loc=self.loc(start))

    def index(self, start: int, base: ast.Expr) -> ast.Expr:
        opener = self.advance()

        def parse() -> ast.Index:
            safe = self.accept("?") is not None
            from_end = self.accept("^") is not None
            index = self.expression()
            self.expect_close("]", "the index", opener)
            return ast.Index(base=base, index=index, safe=safe, from_end=from_end,
                             loc=self.loc(start))

        return self.nested(True, parse)

    def primary(self) -> ast.Expr:
        tok = self.cur()
        kind = tok.kind
        if kind == ID:
            return self.identifier(tok)
        if kind in (STR, STR_HEAD, ML_STR, ML_HEAD):
            return self.string()
        if kind == INT:
            self.advance()
            return ast.Int(value=int(tok.value), loc=self.src.loc(tok.start, tok.end))
        if kind == "{":
            return self.object()
        if kind == "[":
            return self.array_or_for()
        if kind == "(":
            return self.parenthesised()
        raise self.unexpected(tok, "an expression")

    def identifier(self, tok: _Token) -> ast.Expr:
        value = tok.value
        loc = self.src.loc(tok.start, tok.end)
        next_kind = self.toks[self.i + 1].kind
        if value in _LITERALS:
            self.advance()
            if value == "null":
                return ast.Null(loc=loc)
            return ast.Bool(value=value == "true", loc=loc)
        if next_kind == "=>":
            self.advance()
            self.advance()
            params = (ast.LambdaParam(name=value, loc=loc),)
            self.skip_newlines()
            body = self.expression()
            return ast.Lambda(params=params, body=body, loc=self.loc(tok.start))
        if value in ("if", "for") and next_kind in ("(", ID):
            raise self.src.error(
                f"'{value}' is only allowed in a resource or module body or in a "
                "for-expression",
                tok.start,
            )
        self.advance()
        if next_kind == "(":
            opener = self.advance()
            args = self.nested(True, lambda: self.call_args(opener))
            return ast.Call(name=value, args=args, loc=self.loc(tok.start))
        return ast.Ident(name=value, loc=loc)

    def call_args(self, opener: _Token) -> tuple[ast.Expr, ...]:
        args: list[ast.Expr] = []
        while not self.at(")"):
            args.append(self.expression())
            if not self.accept(","):
                break
        self.expect_close(")", "the argument list", opener)
        return tuple(args)

    def parenthesised(self) -> ast.Expr:
        opener = self.cur()
        close = self.paren_match.get(self.i)
        if close is not None and self.toks[close + 1].kind == "=>":
            return self.lambda_expr()
        self.advance()

        def parse() -> ast.Expr:
            expr = self.expression()
            self.expect_close(")", "the parenthesised expression", opener)
            return expr

        return self.nested(True, parse)

    def lambda_expr(self) -> ast.Lambda:
        opener = self.advance()
        params = self.nested(True, lambda: self.lambda_params(opener, typed=False))
        self.expect("=>")
        self.skip_newlines()
        body = self.expression()
        return ast.Lambda(params=params, body=body, loc=self.loc(opener.start))

    def lambda_params(self, opener: _Token, typed: bool) -> tuple[ast.LambdaParam, ...]:
        params: list[ast.LambdaParam] = []
        while not self.at(")"):
            tok = self.expect(ID, "a parameter name")
            type_ = None
            if typed or not (self.at(",") or self.at(")")):
                type_ = self.type_expr()
            params.append(ast.LambdaParam(name=tok.value, type=type_, loc=self.loc(tok.start)))
            if not self.accept(","):
                break
        self.expect_close(")", "the parameter list", opener)
        return tuple(params)

    # -- strings ------------------------------------------------------------------------

    def string(self) -> ast.String:
        first = tok = self.advance()
        if tok.kind == ML_STR:
            return ast.String(parts=(tok.value,) if tok.value else (), multiline=True,
                              loc=self.src.loc(tok.start, tok.end))
        parts: list[str | ast.Expr] = [tok.value] if tok.value else []
        while tok.kind in (STR_HEAD, ML_HEAD, STR_MID):
            parts.append(self.nested(True, self.interpolation))
            tok = self.advance()
            if tok.value:
                parts.append(tok.value)
        return ast.String(parts=tuple(parts), multiline=first.kind == ML_HEAD,
                          loc=self.loc(first.start))

    def interpolation(self) -> ast.Expr:
        expr = self.expression()
        tok = self.cur()
        if tok.kind not in (STR_MID, STR_TAIL):
            raise self.src.error(
                f"expected '}}' to close the string interpolation, found {_describe(tok)}",
                tok.start,
            )
        return expr

    # -- objects and arrays -------------------------------------------------------------

    def object(self) -> ast.Object:
        opener = self.expect("{")
        items = self.nested(False, lambda: self.items(opener, "}", "object",
                                                      self.object_item))
        return ast.Object(items=tuple(items), loc=self.loc(opener.start))

    def items(self, opener: _Token, close: str, what: str,
              item: Callable[[], _N]) -> list[_N]:
        """Items separated by commas or new lines, up to the closing token."""
        found: list[_N] = []
        self.skip_newlines()
        while not self.at(close) and not self.at(EOF):
            self.check_not_declaration(opener, close, what)
            found.append(item())
            tok = self.cur()
            if tok.kind == ",":
                self.advance()
            elif tok.kind != NL and tok.kind != close:
                if tok.kind == EOF:
                    break
                raise self.src.error(
                    f"expected ',', a new line or '{close}' after the {what} item, "
                    f"found {_describe(tok)}",
                    tok.start,
                )
            self.skip_newlines()
        self.expect_close(close, f"the {what}", opener)
        return found

    def check_not_declaration(self, opener: _Token, close: str, what: str) -> None:
        """A declaration keyword at column 1 where an item should be means the body was
        never closed: report the opener rather than a confusing error further on. (Not
        `resource` in an object: a child resource may be declared there.)"""
        tok = self.cur()
        if (tok.kind == ID and tok.value in _BICEP_STATEMENTS and self.peek_kind() == ID
                and self.src.position(tok.start)[1] == 1
                and not (tok.value == "resource" and close == "}")):
            raise self.src.error(
                f"expected '{close}' to close the {what} opened at "
                f"{self.src.where(opener.start)}, found {_describe(tok)}",
                tok.start,
            )

    def object_item(self) -> ast.ObjectProperty | ast.Spread | ast.Resource:
        decorators = self.decorators(item=True)
        tok = self.cur()
        start = tok.start
        if tok.kind == "...":
            if decorators:
                raise self.src.error("a decorator cannot be applied to a spread", tok.start)
            return self.spread()
        if tok.kind == ID and tok.value == "resource" and self.peek_kind() == ID:
            self.advance()
            return self.resource(start, decorators, tok)
        key: ast.Name | ast.String
        if tok.kind == ID:
            key = self.name("a property name")
        elif tok.kind == STR or tok.kind == STR_HEAD:
            key = self.nested(True, self.string)
        else:
            raise self.unexpected(tok, "a property name, '...' or '}'")
        self.expect(":", "':' after the property name")
        value = self.expression()
        return ast.ObjectProperty(key=key, value=value, decorators=decorators,
                                  loc=self.loc(start))

    def spread(self) -> ast.Spread:
        start = self.advance().start
        expr = self.expression()
        return ast.Spread(expr=expr, loc=self.loc(start))

    def array_or_for(self) -> ast.Array | ast.For:
        opener = self.expect("[")
        first = self.next_significant()
        if first.kind == ID and first.value == "for":
            return self.nested(True, lambda: self.for_expr(opener))
        items = self.nested(False, lambda: self.items(opener, "]", "array", self.array_item))
        return ast.Array(items=tuple(items), loc=self.loc(opener.start))

    def array_item(self) -> ast.Expr | ast.Spread:
        if self.at("..."):
            return self.spread()
        return self.expression()

    def for_expr(self, opener: _Token) -> ast.For:
        self.expect_word("for")
        index = None
        if self.at("("):
            paren = self.advance()
            item = self.name("the loop item variable")
            if self.accept(","):
                index = self.name("the loop index variable")
            self.expect_close(")", "the loop variables", paren)
        else:
            item = self.name("the loop item variable")
        self.expect_word("in")
        iterable = self.expression()
        self.expect(":", "':' before the loop body")
        body: ast.Expr
        condition = None
        if self.at_word("if"):
            filtered = self.if_condition(self.expression)
            condition, body = filtered.condition, filtered.body
        else:
            body = self.expression()
        self.expect_close("]", "the for-expression", opener)
        return ast.For(item=item, index=index, iterable=iterable, body=body, filter=condition,
                       loc=self.loc(opener.start))

    # -- types --------------------------------------------------------------------------

    def type_expr(self) -> ast.TypeExpr:
        self.enter()
        if self.at(NL) and self.next_significant().kind == "|":
            self.skip_newlines()  # a union written one member a line, after `=` or `:`
        start = self.cur().start
        leading = self.accept("|") is not None
        members = [self.type_postfix()]
        while True:
            if self.at(NL) and self.next_significant().kind == "|":
                self.skip_newlines()
            if not self.accept("|"):
                break
            members.append(self.type_postfix())
        self.depth -= 1
        if len(members) == 1 and not leading:
            return members[0]
        return ast.TypeUnion(members=tuple(members), loc=self.loc(start))

    def type_postfix(self) -> ast.TypeExpr:
        start = self.cur().start
        type_ = self.type_primary()
        while True:
            kind = self.cur().kind
            if kind == "[":
                type_ = self.type_index(start, type_)
            elif kind == "?":
                self.advance()
                type_ = ast.TypeNullable(inner=type_, loc=self.loc(start))
            elif kind == "!":
                self.advance()
                type_ = ast.TypeNonNull(inner=type_, loc=self.loc(start))
            elif kind == ".":
                self.advance()
                star = self.accept("*")
                if star is not None:  # `dict.*`: the type of additional properties
                    name = ast.Name(value="*", loc=self.src.loc(star.start, star.end))
                    type_ = ast.TypeAccess(base=type_, name=name, loc=self.loc(start))
                    continue
                name = self.name("a type property name")
                if self.at("<") and isinstance(type_, ast.TypeRef) and not type_.args \
                        and type_.namespace is None:
                    # `sys.resourceInput<'T@v'>`: a generic type named with its namespace
                    type_ = ast.TypeRef(name=name.value, args=self.generic_args(),
                                        namespace=type_.name, loc=self.loc(start))
                    continue
                type_ = ast.TypeAccess(base=type_, name=name, loc=self.loc(start))
            else:
                return type_

    def type_index(self, start: int, base: ast.TypeExpr) -> ast.TypeExpr:
        opener = self.advance()
        if self.accept("]"):
            return ast.TypeArray(item=base, loc=self.loc(start))
        index = None
        if not self.accept("*"):
            index = int(self.expect(INT, "']', '*' or a tuple index").value)
        self.expect_close("]", "the type index", opener)
        return ast.TypeIndex(base=base, index=index, loc=self.loc(start))

    def type_primary(self) -> ast.TypeExpr:
        tok = self.cur()
        kind = tok.kind
        if kind == ID:
            return self.type_name(tok)
        if kind in (STR, ML_STR):
            return self.string()
        if kind in (STR_HEAD, ML_HEAD):
            raise self.src.error("a string literal type cannot use interpolation", tok.start)
        if kind == INT or kind == "-":
            return self.type_int()
        if kind == "!":
            return self.type_not()
        if kind == "{":
            return self.object_type()
        if kind == "[":
            return self.tuple_type()
        if kind == "(":
            self.advance()
            inner = self.nested(True, self.type_expr)
            self.expect_close(")", "the parenthesised type", tok)
            return inner
        raise self.unexpected(tok, "a type")

    def type_name(self, tok: _Token) -> ast.TypeExpr:
        self.advance()
        loc = self.src.loc(tok.start, tok.end)
        if tok.value == "null":
            return ast.Null(loc=loc)
        if tok.value in ("true", "false"):
            return ast.Bool(value=tok.value == "true", loc=loc)
        args = self.generic_args() if self.at("<") else ()
        return ast.TypeRef(name=tok.value, args=args, loc=self.loc(tok.start))

    def generic_args(self) -> tuple[ast.TypeExpr, ...]:
        """`<'Microsoft.Network/virtualNetworks@2023-04-01'>` after a generic type name."""
        opener = self.advance()
        return self.nested(True, lambda: self.type_args(opener))

    def type_args(self, opener: _Token) -> tuple[ast.TypeExpr, ...]:
        args = [self.type_expr()]
        while self.accept(","):
            args.append(self.type_expr())
        self.expect_close(">", "the type arguments", opener)
        return tuple(args)

    def type_int(self) -> ast.Int:
        start = self.cur().start
        sign = -1 if self.accept("-") else 1
        tok = self.expect(INT, "an integer")
        return ast.Int(value=sign * int(tok.value), loc=self.loc(start))

    def type_not(self) -> ast.Bool:
        start = self.advance().start
        tok = self.cur()
        if tok.kind == "!":
            inner = self.type_not()
        elif tok.kind == ID and tok.value in ("true", "false"):
            self.advance()
            inner = ast.Bool(value=tok.value == "true", loc=self.loc(tok.start))
        else:
            raise self.unexpected(tok, "'true' or 'false' after '!' in a type")
        return ast.Bool(value=not inner.value, loc=self.loc(start))

    def object_type(self) -> ast.TypeObject:
        opener = self.expect("{")
        members = self.nested(False, lambda: self.items(opener, "}", "object type",
                                                        self.type_property))
        return ast.TypeObject(properties=tuple(members), loc=self.loc(opener.start))

    def type_property(self) -> ast.TypeProperty:
        decorators = self.decorators(item=True)
        tok = self.cur()
        start = tok.start
        key: ast.Name | ast.String
        if tok.kind == "*":
            self.advance()
            key = ast.Name(value="*", loc=self.src.loc(tok.start, tok.end))
        elif tok.kind == ID:
            key = self.name("a property name")
        elif tok.kind == STR:
            key = self.string()
        else:
            raise self.unexpected(tok, "a property name, '*' or '}'")
        optional = key.value != "*" and self.accept("?") is not None
        self.expect(":", "':' after the property name")
        type_ = self.type_expr()
        return ast.TypeProperty(key=key, type=type_, optional=optional, decorators=decorators,
                                loc=self.loc(start))

    def tuple_type(self) -> ast.TypeTuple:
        opener = self.expect("[")
        items = self.nested(False, lambda: self.items(opener, "]", "tuple type",
                                                      self.tuple_item))
        return ast.TypeTuple(items=tuple(items), loc=self.loc(opener.start))

    def tuple_item(self) -> ast.TypeTupleItem:
        decorators = self.decorators(item=True)
        start = self.cur().start
        type_ = self.type_expr()
        return ast.TypeTupleItem(type=type_, decorators=decorators, loc=self.loc(start))


def _split_type(type_string: ast.String) -> tuple[str, str | None]:
    value = type_string.value or ""
    resource_type, at, api_version = value.partition("@")
    return resource_type, (api_version if at else None)


_BicepHandler = Callable[[_Parser, int, tuple[ast.Decorator, ...], _Token], ast.Declaration]
_ParamHandler = Callable[[_Parser, int, tuple[ast.Decorator, ...], _Token], ast.ParamDeclaration]

_BICEP_STATEMENTS: dict[str, _BicepHandler] = {
    "targetScope": _Parser.target_scope,
    "metadata": _Parser.metadata,
    "param": _Parser.param,
    "var": _Parser.var,
    "resource": _Parser.resource,
    "module": _Parser.module,
    "output": _Parser.output,
    "type": _Parser.type_decl,
    "func": _Parser.func,
    "import": _Parser.import_decl,
    "extension": _Parser.extension,
    "provider": _Parser.extension,
    "assert": _Parser.assert_decl,
    "test": _Parser.test,
}
_PARAM_STATEMENTS: dict[str, _ParamHandler] = {
    "using": _Parser.using,
    "extends": _Parser.extends,
    "param": _Parser.param_assignment,
    "var": _Parser.var,
    "type": _Parser.type_decl,
    "import": _Parser.param_import,
    "extensionConfig": _Parser.extension_config,
}


def parse_bicep(text: str, path: str) -> ast.BicepFile:
    """Parse the text of a `.bicep` file; `path` goes into every `Location`."""
    src = _Source(text, path)
    lexer = _Lexer(src)
    lexer.run()
    parser = _Parser(src, lexer)
    decls = _guarded(parser, parser.bicep_file)
    return ast.BicepFile(path=path, declarations=tuple(decls), comments=tuple(lexer.comments),
                         loc=src.loc(0, len(src.text)))


def parse_bicepparam(text: str, path: str) -> ast.BicepParamFile:
    """Parse the text of a `.bicepparam` file; `path` goes into every `Location`."""
    src = _Source(text, path)
    lexer = _Lexer(src)
    lexer.run()
    parser = _Parser(src, lexer)
    decls = _guarded(parser, parser.param_file)
    return ast.BicepParamFile(path=path, declarations=tuple(decls),
                              comments=tuple(lexer.comments), loc=src.loc(0, len(src.text)))


def _guarded(parser: _Parser, parse: Callable[[], _N]) -> _N:
    """Run `parse`; a caller already deep in the stack still gets a ParseError."""
    try:
        return parse()
    except RecursionError:
        tok = parser.toks[min(parser.i, len(parser.toks) - 1)]
        raise parser.src.error("nesting too deep to parse", tok.start) from None
