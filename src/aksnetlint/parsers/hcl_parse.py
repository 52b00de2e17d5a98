"""An LALR(1) driver for the HCL tables of `hcl_grammar`, with Terraform's newline rules.

It lexes as Lark's contextual lexer does (each parser state has its own lexer, built from
the terminals that state accepts) and parses with the same tables, but builds no parse tree:
each reduction calls a builder at once (see `parsers.terraform`), and positions are kept as
character offsets, turned into lines and columns only for the nodes that need them.

Between the lexer and the parser it applies the token rules Terraform's own parser has and
python-hcl2's grammar lacks:
- newlines (and comments ending a line) are insignificant inside `( )`, `[ ]`, `${ }`,
  `%{ }` and `{ for ... }`, as in HCL's parser, so a list element, argument or
  interpolation may be split over lines anywhere;
- `/* ... */` comments are not newlines, wherever they are;
- python-hcl2's own post-lexer rule: a newline just before a binary operator or `?`
  continues the expression.
Every comment is recorded with its offset. Newline tokens carry no position (-1), so no
node's span ever ends on a line break.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from aksnetlint.parsers.hcl_grammar import Rule, Tables

Token = tuple[str, str, int, int]  # terminal, text, start offset, end offset
Builder = Callable[[list[Any], int, int], Any]

MAX_NESTING = 200  # brackets and braces open at once
MAX_STACK = 4000  # parser stack (unary chains and right-nested conditionals)
END = "$END"
NEWLINE = "NL_OR_COMMENT"

# python-hcl2's post-lexer: operators that may continue a line after a newline
CONTINUING = frozenset({"DOUBLE_EQ", "NEQ", "LT", "GT", "LEQ", "GEQ", "ASTERISK", "SLASH",
                        "PERCENT", "DOUBLE_AMP", "DOUBLE_PIPE", "PLUS", "QMARK"})
_OPENERS = {"LPAR": "(", "CALL_START": "(", "LSQB": "[", "LBRACE": "{", "INTERP_START": "$",
            "DIRECTIVE_START": "$"}
_CLOSERS = frozenset({"RPAR", "RSQB", "RBRACE"})
_NO_NEWLINES = frozenset({"(", "[", "$", "f"})


class Splice(list[Any]):
    """The children of an inline rule (`_name`, Lark's helpers for `*` and `+`)."""


class HclSyntaxError(Exception):
    """A syntax error at `offset`; `token` is what was found there (None: a character)."""

    def __init__(self, message: str, offset: int, token: Token | None = None,
                 expected: Sequence[str] = (), opener: tuple[str, int] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.token = token
        self.expected = tuple(expected)
        self.opener = opener  # at the end of the file: the innermost bracket left open


class _Compiled:
    """What the driver needs of one `Tables`, prepared once: compiled lexers (on first
    use), rule shapes, and the memo of passthrough-reduction chains."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.patterns: list[re.Pattern[str] | None] = [None] * len(tables.lexers)
        self.unless = [lx.unless for lx in tables.lexers]
        self.chains: dict[tuple[int, int, str], int] = {}

    def pattern(self, index: int) -> re.Pattern[str]:
        pattern = self.patterns[index]
        if pattern is None:
            source = self.tables.lexers[index].pattern
            if "(?P<STRING_CHARS>" not in source and "(?P<HEREDOC_CHARS>" not in source:
                # outside template text, blanks between tokens are skipped in the same match
                source = f"[ \t\r]*(?:{source})"
            pattern = re.compile(source)
            self.patterns[index] = pattern
        return pattern

    def root(self) -> re.Pattern[str]:
        return re.compile(self.tables.lexers[self.tables.root_lexer].pattern)


_COMPILED: dict[int, _Compiled] = {}

# how a reduction is done (see `rule_ops`)
PASS, LEAF, INLINE1, LEFT, GENERAL = range(5)
_LEFT = (0,)
Op = tuple[int, str, int, Any, Rule]


def _compiled_of(tables: Tables) -> _Compiled:
    found = _COMPILED.get(id(tables))
    if found is None or found.tables is not tables:
        found = _COMPILED[id(tables)] = _Compiled(tables)
    return found


def rule_ops(tables: Tables, builders: Sequence[Builder | None],
             identity: frozenset[int] = frozenset()) -> list[Op]:
    """(how, lhs, size, builder, rule) per rule. `builders[i]` makes the value of rule `i`
    from its children (tokens are `Token` tuples), its start and end offsets (-1 when it
    covers no token); None for rules that need none (inline rules, `?rule` with one child).
    Rules in `identity` (of one symbol) pass their child on."""
    out: list[Op] = []
    for i, rule in enumerate(tables.rules):
        builder = builders[i]
        if rule.passthrough or i in identity:
            how = PASS
        elif rule.inline and rule.size == 1 and not rule.splice and not rule.drop:
            how = INLINE1
        elif rule.inline and rule.splice == _LEFT and not rule.drop:
            how = LEFT
        elif not rule.inline and rule.size == 1 and not rule.splice and not rule.drop and \
                not rule.expand1 and builder is not None:
            how = LEAF
        else:
            how = GENERAL
        out.append((how, rule.lhs, rule.size, builder, rule))
    return out


def parse(tables: Tables, text: str, symbol: str, begin: int, end: int, ops: list[Op],
          comments: list[tuple[int, str]]) -> Any:
    """Parse `text[begin:end]` from the start symbol `symbol` with the reductions `ops`
    (from `rule_ops`); return the start rule's value. Raises `HclSyntaxError`."""
    actions = tables.actions
    state_lexer = tables.state_lexer
    compiled = _compiled_of(tables)
    patterns = compiled.patterns
    unless_of = compiled.unless
    chains = compiled.chains
    ignore = frozenset(tables.ignore)
    end_state = tables.end[symbol]
    states = [tables.start[symbol]]
    values: list[Any] = []
    starts: list[int] = []
    ends: list[int] = []
    brackets: list[str] = []
    opened_at: list[tuple[str, int]] = []
    pos = begin
    last: Token = (END, "", begin, begin)
    pending: Token | None = None
    previous = ""
    push_state, push_value, push_start, push_end = (
        states.append, values.append, starts.append, ends.append)

    def lex() -> Token:
        nonlocal pos
        while True:
            if pos >= end:
                return (END, "", end, end)
            index = state_lexer[states[-1]]
            match = (patterns[index] or compiled.pattern(index)).match(text, pos, end)
            if match is None:
                raise _unexpected_text(tables, compiled, text, pos, end, states[-1])
            kind = match.lastgroup or ""
            pos = match.end()
            if kind in ignore:
                continue
            value = match.group(kind)
            start = match.start(kind)
            if kind == NEWLINE:
                if value.startswith("/*"):
                    comments.append((start, value))
                    continue  # an inline comment is not a newline
                for comment in _LINE_COMMENT.finditer(value):  # runs of lines: one token
                    comments.append((start + comment.start(), comment.group().rstrip()))
                return (NEWLINE, value, -1, -1, start)  # type: ignore[return-value]
            unless = unless_of[index].get(kind)
            if unless is not None:
                kind = unless.get(value, kind)
            return (kind, value, start, pos)

    while True:
        if pending is not None:
            token, pending = pending, None
        else:  # lex(), inlined for the usual case: this is the hot path
            if pos >= end:
                token = (END, "", end, end)
            else:
                index = state_lexer[states[-1]]
                match = (patterns[index] or compiled.pattern(index)).match(text, pos, end)
                if match is None:
                    raise _unexpected_text(tables, compiled, text, pos, end, states[-1])
                kind: Any = match.lastgroup
                if kind in ignore or (kind == NEWLINE and _HAS_COMMENT(match.group(kind))):
                    token = lex()  # blanks at the end, a comment
                elif kind == NEWLINE:
                    pos = match.end()
                    token = (NEWLINE, "\n", -1, -1, match.start(kind))  # type: ignore[assignment]
                else:
                    start, pos = match.span(kind)
                    word = text[start:pos]
                    unless = unless_of[index].get(kind)
                    if unless is not None:
                        kind = unless.get(word, kind)
                    token = (kind, word, start, pos)
        kind = token[0]
        if kind in _SPECIAL:
            if kind == NEWLINE:
                if brackets and brackets[-1] in _NO_NEWLINES:
                    continue
                following = lex()
                if following[0] in CONTINUING:
                    token, kind = following, following[0]
                else:
                    pending = following
            if kind in _OPENERS:
                if len(brackets) >= MAX_NESTING:
                    raise HclSyntaxError(f"nested too deep (more than {MAX_NESTING} levels)",
                                         token[2], token)
                brackets.append(_OPENERS[kind])
                if kind == "CALL_START":
                    opened_at.append(("(", token[3] - 1))
                else:
                    opened_at.append((token[1], token[2]))
            elif kind in _CLOSERS:
                if brackets:
                    brackets.pop()
                    opened_at.pop()
            elif kind == "FOR" and previous == "LBRACE" and brackets:
                brackets[-1] = "f"  # `{ for ...`: newlines are insignificant inside
            elif len(states) > MAX_STACK:  # `!!!...`, `a ? b : c ? ...`: no brackets, deep
                raise HclSyntaxError("expression nested too deep", token[2], token)
        if kind != NEWLINE:
            previous = kind
            if kind != END:
                last = token
        while True:
            state = states[-1]
            try:
                action = actions[state][kind]
            except KeyError:
                raise _unexpected_token(tables, token, state, opened_at, last) from None
            if action >= 0:
                push_state(action)
                push_value(token)
                push_start(token[2])
                push_end(token[3])
                break
            how, lhs, size, builder, rule = ops[~action]
            value: Any
            if how == PASS:
                below = states[-2]
                key = (below, state, kind)
                top = chains.get(key)
                if top is None:
                    top = chains[key] = _follow(actions, ops, below, state, kind)
                states[-1] = top
                if top == end_state and kind == END:
                    return values[-1]
                continue
            if how == LEAF:
                values[-1] = value = builder([values[-1]], starts[-1], ends[-1])
                states[-1] = actions[states[-2]][lhs]
            elif how == INLINE1:
                values[-1] = value = Splice((values[-1],))
                states[-1] = actions[states[-2]][lhs]
            elif how == LEFT:
                value = values[-size]
                value.extend(values[-size + 1:])
                if starts[-size] < 0:
                    starts[-size] = _first(starts, size)
                ends[-size] = _last(ends, size)
                del values[-size + 1:], starts[-size + 1:], ends[-size + 1:]
                del states[-size:]
                states.append(actions[states[-1]][lhs])
            else:
                if size:
                    children = values[-size:]
                    first = starts[-size]
                    if first < 0:
                        first = _first(starts, size)
                    final = ends[-1]
                    if final < 0:
                        final = _last(ends, size)
                    del values[-size:], starts[-size:], ends[-size:], states[-size:]
                else:
                    children = []
                    first = final = -1
                if rule.splice or rule.drop:
                    children = _shape(children, rule)
                if rule.inline:
                    value = children if isinstance(children, Splice) else Splice(children)
                elif rule.expand1 and len(children) == 1:
                    value = children[0]
                else:
                    value = builder(children, first, final) if builder is not None else children
                states.append(actions[states[-1]][lhs])
                values.append(value)
                starts.append(first)
                ends.append(final)
            if kind == END and states[-1] == end_state:
                return value


_LINE_COMMENT = re.compile(r"(?:#|//)[^\n]*")
_HAS_COMMENT = re.compile(r"[#/]").search
_SPECIAL = frozenset({NEWLINE, *_OPENERS, *_CLOSERS, "FOR", "NOT", "MINUS", "QMARK"})


def _first(starts: list[int], size: int) -> int:
    for offset in starts[-size:]:
        if offset >= 0:
            return offset
    return -1


def _last(ends: list[int], size: int) -> int:
    for offset in reversed(ends[-size:]):
        if offset >= 0:
            return offset
    return -1


def _follow(actions: list[dict[str, int]], ops: list[Op], below: int, state: int,
            kind: str) -> int:
    """The state after every passthrough reduction `kind` triggers from `state`."""
    while True:
        action = actions[state].get(kind)
        if action is None or action >= 0 or ops[~action][0] != PASS:
            return state
        state = actions[below][ops[~action][1]]


def _shape(children: list[Any], rule: Rule) -> list[Any]:
    splice, drop = rule.splice, rule.drop
    if splice and splice[0] == 0 and isinstance(children[0], Splice) and not drop:
        out = children[0]  # left recursion (`__x_star: __x_star item`): grow in place
        for i in range(1, len(children)):
            if i in splice:
                out.extend(children[i])
            else:
                out.append(children[i])
        return out
    shaped = Splice() if rule.inline else []
    for i, child in enumerate(children):
        if i in drop:
            continue
        if i in splice:
            shaped.extend(child)
        else:
            shaped.append(child)
    return shaped


def _expected(tables: Tables, state: int) -> list[str]:
    return sorted(s for s in tables.actions[state] if s.isupper() or s == END)


def _unexpected_token(tables: Tables, token: Token, state: int,
                      opened_at: list[tuple[str, int]], last: Token) -> HclSyntaxError:
    if token[0] == END:
        # placed on the last token, as Lark does; the caller names the bracket left open
        return HclSyntaxError("unexpected end of file", last[2], token,
                              _expected(tables, state), opened_at[-1] if opened_at else None)
    if token[0] == NEWLINE:
        token = (NEWLINE, token[1], token[4], token[4] + len(token[1]))  # type: ignore[misc]
    shown = token[1].strip().splitlines()[0][:40] if token[1].strip() else token[0]
    expected = _expected(tables, state)
    message = f"unexpected {shown!r}"
    if expected:
        message += f", expected one of {', '.join(expected[:6])}"
    return HclSyntaxError(message, token[2], token, expected)


def _unexpected_text(tables: Tables, compiled: _Compiled, text: str, pos: int, end: int,
                     state: int) -> HclSyntaxError:
    """No terminal this state accepts matches here: name what is there, if anything."""
    while pos < end and text[pos] in " \t\r":
        pos += 1
    match = compiled.root().match(text, pos, end)
    if match is not None and match.lastgroup and match.lastgroup not in tables.ignore:
        token = (match.lastgroup, match.group(), pos, match.end())
        return _unexpected_token(tables, token, state, [], token)
    return HclSyntaxError(f"unexpected character {text[pos:pos + 1]!r}", pos)
