"""python-hcl2's grammar, compiled once per user into LALR tables, without pickles.

The language is python-hcl2's `hcl2.lark`, plus the few rules where Terraform accepts more
(`EXTENSIONS` below, each checked against `terraform` in the tests). Lark analyses it into
LALR(1) tables and per-state lexers, exactly as its contextual lexer would; `hcl_parse`
drives them. The analysis takes seconds, so its result is kept as JSON in a private cache
folder (`user_cache.PrivateStore`), keyed by the grammar text and the Lark version, and
verified before use. Nothing here ever loads a pickle: neither python-hcl2's own cache
(next to the installed package) nor Lark's (under the temporary directory) is read.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = 3

# Terraform accepts these; python-hcl2's grammar does not.
EXTENSIONS = r"""
// `${~ x ~}`: strip markers on interpolations, not only on directives
%override interpolation: INTERP_START STRIP_MARKER? expression STRIP_MARKER? RBRACE
// `core::max(1, 2)` and `provider::azurerm::parse_resource_id(x)`: any namespace depth
%override function_call: identifier (COLONS identifier)* LPAR new_line_or_comment? arguments? new_line_or_comment? RPAR
// `!!x`, `- -1`
%override !unary_op: (MINUS | NOT) (expr_term | unary_op)
// a quoted string with no interpolation or directive is one token (the same language,
// parsed in one step instead of three)
%extend string: QUOTED_TEXT
QUOTED_TEXT: /"(?:[^"\\$%]|\\.|\$(?!\{)|%(?!\{))*"/
// Tokens that stand for several of python-hcl2's (the same language, parsed in one step
// instead of several): `var.network.subnets`, a name and its attribute steps; a run of
// newlines, blank lines and line comments
%extend expr_term: TRAVERSAL
// `name =` (and `name:` in an object) in one token where an argument or an object
// element begins
%extend attribute: ATTR_START expression
%extend object_elem: ATTR_START expression
ATTR_START: /[^\W\d][\w-]*[ \t]*(?:=(?![=>])|:(?!:))/
// `name(` and `provider::azurerm::name(`: a function call's name and its `(` (never a
// keyword: `[for x in xs : x if(x > 1)]` is `if` and a parenthesis)
%extend function_call: CALL_START new_line_or_comment? arguments? new_line_or_comment? RPAR
CALL_START: /(?!(?:if|in|for|for_each|else|endif|endfor|true|false|null)\()[^\W\d][\w-]*(?:::[^\W\d][\w-]*)*\(/
TRAVERSAL: /[^\W\d][\w-]*(?:\.[^\W\d][\w-]*)+/
%override NL_OR_COMMENT: /(?:(?:#|\/\/)[^\n]*\n|\n)(?:[ \t]*(?:(?:#|\/\/)[^\n]*)?\n)*[ \t]*/
                       | /\/\*(.|\n)*?(\*\/)/
// identifiers are Unicode (ID_Start / ID_Continue and '-'), heredoc markers too
%override NAME: /[^\W\d][\w-]*/
%override HEREDOC_TEMPLATE: /<<(?P<heredoc>[^\W\d][\w.-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\s*(?P=heredoc)\r?\n/
%override HEREDOC_TEMPLATE_TRIM: /<<-(?P<heredoc_trim>[^\W\d][\w.-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\s*(?P=heredoc_trim)\r?\n/

// A heredoc's body is a template in which quotes and backslashes are plain text. It is
// parsed on its own (start symbol `heredoc_body`), with rules of its own so that no LALR
// state mixes quoted-string text and heredoc text.
heredoc_body: heredoc_part*
heredoc_part: HEREDOC_CHARS | ESCAPED_INTERPOLATION | ESCAPED_DIRECTIVE | heredoc_interpolation
            | heredoc_if_start | heredoc_else | heredoc_endif | heredoc_for_start | heredoc_endfor
heredoc_interpolation: INTERP_START STRIP_MARKER? expression STRIP_MARKER? RBRACE -> interpolation
heredoc_if_start: DIRECTIVE_START STRIP_MARKER? IF expression STRIP_MARKER? RBRACE -> template_if_start
heredoc_else: DIRECTIVE_START STRIP_MARKER? ELSE STRIP_MARKER? RBRACE -> template_else
heredoc_endif: DIRECTIVE_START STRIP_MARKER? ENDIF STRIP_MARKER? RBRACE -> template_endif
heredoc_for_start: DIRECTIVE_START STRIP_MARKER? FOR identifier (COMMA identifier)? IN expression STRIP_MARKER? RBRACE -> template_for_start
heredoc_endfor: DIRECTIVE_START STRIP_MARKER? ENDFOR STRIP_MARKER? RBRACE -> template_endfor
HEREDOC_CHARS.1: /(?:(?!\$\$\{)(?!\$\{)(?!%%\{)(?!%\{)[^$%]|(?:\$(?!\$?\{))|(?:%(?!%?\{)))+/
"""  # noqa: E501 - grammar lines

START_SYMBOLS = ("start", "heredoc_body", "expression")  # expression: for `.tf.json`
ALWAYS_LEXED = ("NL_OR_COMMENT",)  # lexed in every state; the driver drops or keeps them


@dataclass(frozen=True, slots=True)
class Rule:
    lhs: str
    size: int
    name: str  # the alias, else the rule's own name: what the builder is looked up by
    expand1: bool  # `?rule`: a single child stands for the rule
    inline: bool  # `_rule` (and Lark's helper rules): children are spliced into the parent
    splice: tuple[int, ...]  # positions of children that are inline rules (spliced)
    drop: tuple[int, ...]  # positions of filtered-out tokens
    passthrough: bool  # the value is the single child's (`?rule`, `_rule` of one symbol)
    symbols: tuple[str, ...]  # the expansion


@dataclass(frozen=True, slots=True)
class Lexer:
    pattern: str  # alternation of named groups, in Lark's order
    unless: dict[str, dict[str, str]]  # terminal -> {exact text: keyword terminal}


@dataclass(frozen=True, slots=True)
class Tables:
    actions: list[dict[str, int]]  # per state: symbol -> state (>= 0, shift/goto) or ~rule
    rules: list[Rule]
    lexers: list[Lexer]
    state_lexer: list[int]
    root_lexer: int
    start: dict[str, int]
    end: dict[str, int]
    ignore: tuple[str, ...]


def grammar_text() -> str:
    """python-hcl2's grammar file and our extensions (found without importing python-hcl2,
    which would import Lark: a scan that finds its tables in the cache needs neither)."""
    import importlib.util

    spec = importlib.util.find_spec("hcl2")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("python-hcl2 is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    base = (folder / "hcl2.lark").read_text(encoding="utf-8")
    return base + "\n" + EXTENSIONS


def _lark_fingerprint() -> str:
    """What identifies the installed Lark (its version line), without importing it."""
    import importlib.util

    spec = importlib.util.find_spec("lark")
    if spec is None or spec.origin is None:
        raise ImportError("lark is not installed")
    return hashlib.sha256(Path(spec.origin).read_bytes()).hexdigest()


def _build(text: str) -> Tables:
    import re
    from copy import copy

    from lark import Lark
    from lark.lexer import BasicLexer, _create_unless

    lark = Lark(text, parser="lalr", lexer="contextual", start=list(START_SYMBOLS))
    frontend: Any = lark.parser
    table = frontend.parser._parse_table
    parser_rules = frontend.parser_conf.rules
    index = {id(rule): i for i, rule in enumerate(parser_rules)}
    # inline rules that always stand for exactly one child need no splicing
    inline_names = {str(r.origin.name) for r in parser_rules if r.origin.name.startswith("_")}
    single = {name for name in inline_names
              if all(len(r.expansion) == 1 and (r.expansion[0].is_term or
                                                r.expansion[0].name not in inline_names)
                     for r in parser_rules if r.origin.name == name)}
    rules = []
    for rule in parser_rules:
        expansion = rule.expansion
        keep = rule.options.keep_all_tokens
        lhs = str(rule.origin.name)
        splice = tuple(i for i, s in enumerate(expansion)
                       if not s.is_term and s.name in inline_names and s.name not in single)
        drop = tuple(i for i, s in enumerate(expansion)
                     if s.is_term and s.filter_out and not keep)
        rules.append(Rule(
            lhs=lhs,
            size=len(expansion),
            name=str(rule.alias or lhs),
            expand1=bool(rule.options.expand1),
            inline=lhs in inline_names,
            splice=splice,
            drop=drop,
            passthrough=len(expansion) == 1 and not splice and not drop and
            (lhs in single or (bool(rule.options.expand1) and not rule.alias)),
            symbols=tuple(str(sym.name) for sym in expansion),
        ))
    count = len(table.states)
    actions: list[dict[str, int]] = [{} for _ in range(count)]
    for state, entries in table.states.items():
        for symbol, (action, arg) in entries.items():
            if action.name == "Shift":
                actions[state][symbol] = arg
            else:
                actions[state][symbol] = ~index[id(arg)]
    conf = frontend.lexer_conf
    terminals = {t.name: t for t in conf.terminals}
    ignore = tuple(conf.ignore)
    lexers: list[Lexer] = []
    by_accepts: dict[frozenset[str], int] = {}

    def lexer_for(accepts: frozenset[str]) -> int:
        if accepts not in by_accepts:
            sub = copy(conf)
            sub.terminals = [terminals[n] for n in sorted(accepts) if n in terminals]
            sub.skip_validation = True
            basic = BasicLexer(sub)
            ordered, callbacks = _create_unless(  # type: ignore[no-untyped-call]
                basic.terminals, conf.g_regex_flags, re, False)
            pattern = "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in ordered)
            unless = {name: {t.pattern.value: t.name for t in cb.scanner.terminals}
                      for name, cb in callbacks.items()}
            by_accepts[accepts] = len(lexers)
            lexers.append(Lexer(pattern, unless))
        return by_accepts[accepts]

    extra = set(ignore) | set(ALWAYS_LEXED)
    state_lexer = [lexer_for(frozenset(s for s in actions[state] if s in terminals) | extra)
                   for state in range(count)]
    root = lexer_for(frozenset(terminals))
    return Tables(actions, rules, lexers, state_lexer, root, dict(table.start_states),
                  dict(table.end_states), ignore)


def _to_document(tables: Tables, key: str) -> dict[str, Any]:
    return {
        "key": key,
        "actions": tables.actions,
        "rules": [[r.lhs, r.size, r.name, r.expand1, r.inline, list(r.splice), list(r.drop),
                   r.passthrough, list(r.symbols)] for r in tables.rules],
        "lexers": [[lx.pattern, lx.unless] for lx in tables.lexers],
        "state_lexer": tables.state_lexer,
        "root_lexer": tables.root_lexer,
        "start": tables.start,
        "end": tables.end,
        "ignore": list(tables.ignore),
    }


def _from_document(doc: dict[str, Any]) -> Tables:
    """Tables from a stored document; any wrong shape raises (and the caller rebuilds)."""
    actions: list[dict[str, int]] = doc["actions"]
    rules = [Rule(str(r[0]), int(r[1]), str(r[2]), bool(r[3]), bool(r[4]),
                  tuple(int(i) for i in r[5]), tuple(int(i) for i in r[6]), bool(r[7]),
                  tuple(str(n) for n in r[8])) for r in doc["rules"]]
    lexers = [Lexer(str(p), {str(k): {str(a): str(b) for a, b in v.items()}
                             for k, v in unless.items()}) for p, unless in doc["lexers"]]
    state_lexer = [int(i) for i in doc["state_lexer"]]
    tables = Tables(actions, rules, lexers, state_lexer, int(doc["root_lexer"]),
                    {str(k): int(v) for k, v in doc["start"].items()},
                    {str(k): int(v) for k, v in doc["end"].items()},
                    tuple(str(i) for i in doc["ignore"]))
    states = len(actions)
    if len(state_lexer) != states or not all(0 <= i < len(lexers) for i in state_lexer) or \
            set(tables.start) != set(START_SYMBOLS) or \
            not all(0 <= s < states for s in [*tables.start.values(), *tables.end.values()]):
        raise ValueError("inconsistent tables")
    for entry in actions:  # every shift and goto names a state, every reduction a rule
        if not isinstance(entry, dict):
            raise ValueError("inconsistent tables")
        targets = entry.values()
        if targets and not (states > max(targets) and min(targets) >= -len(rules) and
                            all(type(t) is int for t in targets)):
            raise ValueError("inconsistent tables")
    return tables


@functools.cache
def tables() -> Tables:
    """The parse tables of the HCL grammar (built on first use, then read from the cache)."""
    from aksnetlint.user_cache import PrivateStore

    text = grammar_text()
    key = hashlib.sha256(f"{FORMAT}\0{_lark_fingerprint()}\0{text}".encode()).hexdigest()
    name = f"hcl-lalr-{key[:40]}.tables"
    store = PrivateStore("grammar")
    try:
        document = store.read(name)
        if isinstance(document, dict) and document.get("key") == key:
            try:
                return _from_document(document)
            except (KeyError, TypeError, ValueError, IndexError, AttributeError):
                pass  # a damaged document: rebuild it
        built = _build(text)
        store.write(name, _to_document(built, key))
        return built
    finally:
        store.close()
