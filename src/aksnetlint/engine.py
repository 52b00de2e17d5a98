"""Evaluate rules over a deployment document: select subjects, test conditions, emit findings.

Paths in conditions, anchors, related locations and messages are relative to the subject
(`api_server.authorized_ip_ranges`), absolute (`$.network.hybrid`), or relative to the
nearest enclosing object of a kind (`^cluster.name`). `[*]` walks every list entry and `[n]`
one entry. A leaf condition over several entries holds when any entry satisfies it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aksnetlint.document import Leaf, Node, NodeList
from aksnetlint.findings import Finding, Kind, Related
from aksnetlint.operators import (
    FORMATTERS,
    LIST,
    NODE,
    SCALAR,
    Answer,
    Unknown,
    known_operators,
)
from aksnetlint.rules import Rule
from aksnetlint.values import Location, Unresolved

_STEP_RE = re.compile(r"([^.\[\]]+)|\[(\*|\d+)\]")
_PLACEHOLDER_RE = re.compile(r"\{(@|[$^@]?[A-Za-z0-9_.\[\]*$^]+)(?::([a-z_]+))?\}")


@functools.lru_cache(maxsize=1)
def _jsonpath_parser() -> Any:
    # jsonpath-ng's parse() builds a new PLY parser (its LALR tables) on every call; one
    # parser serves every rule
    from jsonpath_ng.parser import JsonPathParser

    return JsonPathParser()


@functools.lru_cache(maxsize=256)
def compile_jsonpath(path: str) -> Any:
    return _jsonpath_parser().parse(path)


@dataclass(frozen=True, slots=True)
class Subject:
    node: object
    ancestors: tuple[object, ...]  # innermost last
    root: Node


def select(rule: Rule, root: Node) -> Iterator[Subject]:
    """The rule's subjects, with their enclosing objects (for `^kind` paths)."""
    expr = compile_jsonpath(rule.select)
    for match in expr.find(root):
        chain: list[object] = []
        context = match.context
        while context is not None:
            chain.append(context.value)
            context = context.context
        chain.reverse()
        yield Subject(match.value, tuple(chain), root)


def resolve_path(subject: Subject, path: str) -> list[object]:
    """Every node the path reaches; an Unresolved reference on the way is returned as a
    Leaf holding it, so callers see why the value is unknown."""
    start: object
    if path.startswith("$"):
        start, rest = subject.root, path[1:].lstrip(".")
    elif path.startswith("^"):
        kind, _, rest = path[1:].partition(".")
        start = next((a for a in reversed((*subject.ancestors, subject.node))
                      if isinstance(a, Node) and a.get("kind") == kind), None)
        if start is None:
            return []
    else:
        start, rest = subject.node, path.lstrip("@").lstrip(".")
    nodes = [start]
    for name, index in _STEP_RE.findall(rest):
        following: list[object] = []
        for node in nodes:
            following.extend(_step(node, name, index))
        nodes = following
    return nodes


def _step(node: object, name: str, index: str) -> list[object]:
    if isinstance(node, Leaf):
        if isinstance(node.value, Unresolved):
            return [node]
        return []
    if name:
        if isinstance(node, Node) and name in node:
            return [node[name]]
        return []
    if isinstance(node, NodeList):
        if index == "*":
            return list(node)
        position = int(index)
        return [node[position]] if position < len(node) else []
    return []


def location_of(node: object) -> Location | None:
    if isinstance(node, Leaf | Node | NodeList):
        return node.location
    return None


def _value(node: object) -> object:
    if isinstance(node, Leaf):
        return node.value
    if isinstance(node, NodeList):
        return [_value(item) for item in node]
    if isinstance(node, Node):
        return node
    return node


def evaluate(cond: dict[str, Any], subject: Subject, options: dict[str, Any]) -> Answer:
    if "all" in cond:
        unknown: Unknown | None = None
        for item in cond["all"]:
            answer = evaluate(item, subject, options)
            if answer is False:
                return False
            if isinstance(answer, Unknown):
                unknown = unknown or answer
        return unknown or True
    if "any" in cond:
        unknown = None
        for item in cond["any"]:
            answer = evaluate(item, subject, options)
            if answer is True:
                return True
            if isinstance(answer, Unknown):
                unknown = unknown or answer
        return unknown or False
    if "not" in cond:
        answer = evaluate(cond["not"], subject, options)
        return answer if isinstance(answer, Unknown) else not answer
    return _leaf(cond, subject, options)


def _argument(arg: Any, options: dict[str, Any]) -> Any:
    if isinstance(arg, str) and arg.startswith("{options.") and arg.endswith("}"):
        return options.get(arg[len("{options."):-1])
    return arg


def _leaf(cond: dict[str, Any], subject: Subject, options: dict[str, Any]) -> Answer:
    path = cond["path"]
    op = next(k for k in cond if k != "path")
    arg = _argument(cond[op], options)
    nodes = resolve_path(subject, path)
    arg, unknown = _path_argument(arg, subject)
    if unknown is not None:
        return unknown
    if op in NODE:
        if not nodes:
            return NODE[op](None, arg)
        return _some([NODE[op](node, arg) for node in nodes])
    if op in LIST:
        if not nodes:
            return LIST[op](None, arg)
        answers: list[Answer] = []
        for node in nodes:
            value = _value(node)
            if isinstance(value, Unresolved):
                answers.append(Unknown(value.reason, node))
                continue
            if value is None:
                answers.append(LIST[op](None, arg))
            elif isinstance(value, list):
                answers.append(_located(LIST[op](value, arg), node))
            else:
                answers.append(LIST[op]([value], arg))
        return _some(answers)
    if op not in SCALAR:
        known_operators()  # load operator extensions
    operator = SCALAR[op]
    if not nodes:
        return operator(None, arg)
    answers = []
    for node in nodes:
        value = _value(node)
        if isinstance(value, Unresolved):
            answers.append(Unknown(value.reason, node))
        elif isinstance(value, Node):
            answers.append(operator(value.get("key", value), arg))
        else:
            answers.append(_located(operator(value, arg), node))
    return _some(answers)


def _path_argument(arg: Any, subject: Subject) -> tuple[Any, Unknown | None]:
    """An argument written `{path: P}` is the value at P (relative, `$.` absolute or `^kind.`,
    like a condition path), so a rule can compare two model values (`demand` greater than
    `usable`). A path that reaches no value, several values, or an unresolved one makes the
    condition unknown: a comparison with a missing side never fires."""
    if not (isinstance(arg, dict) and set(arg) == {"path"}):
        return arg, None
    where = str(arg["path"])
    nodes = resolve_path(subject, where)
    if len(nodes) != 1:
        return None, Unknown(f"{where} is not set" if not nodes else f"{where} is not one value")
    value = _value(nodes[0])
    if isinstance(value, Unresolved):
        return None, Unknown(value.reason, nodes[0])
    if value is None:
        return None, Unknown(f"{where} is not set", nodes[0])
    if isinstance(value, Node):
        key = value.get("key")
        return (key.value if isinstance(key, Leaf) else value), None
    return value, None


def _located(answer: Answer, node: object) -> Answer:
    if isinstance(answer, Unknown) and answer.node is None:
        return Unknown(answer.reason, node)
    return answer


def _some(answers: list[Answer]) -> Answer:
    unknown = None
    for answer in answers:
        if answer is True:
            return True
        if isinstance(answer, Unknown):
            unknown = unknown or answer
    return unknown or False


def run_rule(rule: Rule, root: Node, options: dict[str, Any] | None = None,
             show_unresolved: bool = False) -> list[Finding]:
    """Every finding of one rule on one deployment document."""
    options = {**(rule.options or {}), **(options or {})}
    findings: list[Finding] = []
    for subject in select(rule, root):
        answer = evaluate(rule.when, subject, options)
        if answer is True:
            findings.append(_finding(rule, subject, options))
        elif isinstance(answer, Unknown) and show_unresolved and rule.on_unresolved == "report":
            findings.append(_unresolved_note(rule, subject, answer))
    return findings


def _subject_key(subject: Subject) -> str:
    node = subject.node
    for candidate in (node, *reversed(subject.ancestors)):
        if isinstance(candidate, Node) and isinstance(candidate.get("key"), Leaf):
            key = candidate["key"]
            assert isinstance(key, Leaf)
            suffix = ""
            if candidate is not node:
                loc = location_of(node)
                suffix = f"@{loc.line}:{loc.column}" if loc else ""
            return f"{key.value}{suffix}"
    return ""


def _primary(rule: Rule, subject: Subject) -> tuple[Location, list[Related]]:
    """The anchor: where the user changes the value; the consuming attribute is related."""
    related: list[Related] = []
    anchor_nodes = resolve_path(subject, rule.anchor) if rule.anchor else [subject.node]
    fallback = _declaration(subject)
    for node in anchor_nodes:
        field = getattr(node, "field", None)
        loc = location_of(node)
        if loc is None:
            continue
        if field is not None and field.origin is not None and field.loc is not None and \
                field.loc != field.origin:
            related.append(Related(field.loc, "the attribute that takes this value"))
        if field is not None and field.loc is None and field.origin is None:
            continue
        return loc, related
    if fallback is None:
        raise ValueError(f"{rule.id}: subject has no location")
    return fallback, related


def _declaration(subject: Subject) -> Location | None:
    for candidate in (subject.node, *reversed(subject.ancestors)):
        if isinstance(candidate, Node) and candidate.decl is not None:
            return candidate.decl
        loc = location_of(candidate)
        if loc is not None:
            return loc
    return None


def _finding(rule: Rule, subject: Subject, options: dict[str, Any]) -> Finding:
    location, related = _primary(rule, subject)
    for spec in rule.related:
        for node in resolve_path(subject, spec.path):
            loc = location_of(node)
            if loc is None or loc == location:
                continue
            text = render(spec.message, Subject(node, (*subject.ancestors, subject.node),
                                                subject.root), options) if spec.message else ""
            related.append(Related(loc, text or rule.title))
    properties = tuple(
        (name, _property(template, subject, options))
        for name, template in sorted((rule.properties or {}).items()))
    return Finding(
        rule_id=rule.id, severity=rule.severity, message=render(rule.message, subject, options),
        location=location, subject=_subject_key(subject), related=tuple(_unique(related)),
        properties=properties,
    )


def _property(template: str, subject: Subject, options: dict[str, Any]) -> object:
    """A finding property: a template that is exactly one placeholder of a number or a
    boolean keeps its type (SARIF consumers read `demand: 806`, not `"806"`); anything else
    is rendered text."""
    match = _PLACEHOLDER_RE.fullmatch(template.strip())
    if match is not None and match.group(2) is None and not match.group(1).startswith("options."):
        nodes = resolve_path(subject, match.group(1))
        if len(nodes) == 1 and isinstance(nodes[0], Leaf) and \
                isinstance(nodes[0].value, int | float | bool):
            return nodes[0].value
    return render(template, subject, options)


def _unique(related: list[Related]) -> list[Related]:
    seen: set[Location] = set()
    out = []
    for item in related:
        if item.location not in seen:
            seen.add(item.location)
            out.append(item)
    return out


def _unresolved_note(rule: Rule, subject: Subject, answer: Unknown) -> Finding:
    loc = location_of(answer.node) if answer.node is not None else None
    location = loc or _declaration(subject)
    assert location is not None
    return Finding(
        rule_id=rule.id, severity=rule.severity, kind=Kind.UNRESOLVED,
        message=f"{rule.id} ({rule.title}) could not be decided: {answer.reason}",
        location=location, subject=_subject_key(subject),
    )


def render(template: str, subject: Subject, options: dict[str, Any]) -> str:
    """Fill `{path}` placeholders with model values; `{path:default}` adds ' (default)' when
    the value is an Azure default, `{path:list}` joins a list, `{options.x}` a rule option."""

    def fill(match: re.Match[str]) -> str:
        path, how = match.group(1), match.group(2)
        if path.startswith("options."):
            return str(options.get(path[len("options."):], ""))
        nodes = resolve_path(subject, path)
        if how == "default":
            field = getattr(nodes[0], "field", None) if nodes else None
            return " (the default)" if field is not None and field.default else ""
        if how == "count":
            return str(sum(len(n) if isinstance(n, NodeList) else 1 for n in nodes))
        if how in FORMATTERS:
            return ", ".join(FORMATTERS[how](_value(n)) for n in nodes) if nodes else ""
        texts = [_text(n) for n in nodes]
        return ", ".join(t for t in texts if t) if texts else "(not set)"

    return _PLACEHOLDER_RE.sub(fill, template)


def _text(node: object) -> str:
    if isinstance(node, NodeList):
        return ", ".join(_text(n) for n in node) if node else "(empty)"
    if isinstance(node, Node):
        description = node.get("description") or node.get("name")
        return _text(description) if description is not None else str(node.get("kind"))
    if isinstance(node, Leaf):
        value = node.value
        if isinstance(value, Unresolved):
            return "(unresolved)"
        if value is None:
            return "(not set)"
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
    return str(node)
