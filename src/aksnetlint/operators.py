"""The closed set of condition operators rules may use, with three-valued logic.

A condition is `all`/`any`/`not` over leaf conditions `{path: P, <operator>: argument}`. Each
operator answers True, False or `UNKNOWN` (the value it needs is unresolved); `UNKNOWN` never
makes a rule fire. String comparisons are case-insensitive, as Azure treats enum values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aksnetlint.errors import RuleError
from aksnetlint.values import Unresolved


@dataclass(frozen=True, slots=True)
class Unknown:
    """The answer when a condition needs a value nobody can know before deployment."""

    reason: str
    node: object = None


Answer = bool | Unknown
Operator = Callable[[object, Any], Answer]


def _fold(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _equals(value: object, arg: Any) -> Answer:
    if isinstance(value, bool) or isinstance(arg, bool):
        return value is arg
    return _fold(value) == _fold(arg)


def _in(value: object, arg: Any) -> Answer:
    return any(_equals(value, a) is True for a in arg)


def _is_empty(values: list[object] | None, arg: Any) -> Answer:
    """Absent, an empty list, or a list of only empty strings."""
    if values is None:
        return bool(arg)
    unknown = None
    for item in values:
        if isinstance(item, Unresolved):
            unknown = item
        elif not (isinstance(item, str) and not item.strip()) and item is not None:
            return not arg
    if unknown is not None:
        return Unknown(unknown.reason)
    return bool(arg)


def _exists(value: object, arg: Any) -> Answer:
    return (value is not None) == bool(arg)


def _contains(values: list[object] | None, arg: Any) -> Answer:
    if values is None:
        return False
    unknown = None
    for item in values:
        if isinstance(item, Unresolved):
            unknown = item
        elif _equals(item, arg) is True:
            return True
    return Unknown(unknown.reason) if unknown else False


def _greater(value: object, arg: Any) -> Answer:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > arg


def _less(value: object, arg: Any) -> Answer:
    return isinstance(value, int | float) and not isinstance(value, bool) and value < arg


# Operators on one scalar value; None (absent) is passed through for them to judge.
SCALAR: dict[str, Operator] = {
    "equals": _equals,
    "not_equals": lambda v, a: not _equals(v, a),
    "in": _in,
    "not_in": lambda v, a: not _in(v, a),
    "exists": _exists,
    "greater_than": _greater,
    "less_than": _less,
}

# Operators on a whole list value (None when the attribute is absent).
LIST: dict[str, Callable[[list[object] | None, Any], Answer]] = {
    "is_empty": _is_empty,
    "contains": _contains,
}


def _is_default(node: object, arg: Any) -> Answer:
    """Whether the value is an Azure/provider default rather than written by the user."""
    value = getattr(node, "value", None)
    if isinstance(value, Unresolved):
        return Unknown(value.reason, node)
    field = getattr(node, "field", None)
    return bool(field is not None and getattr(field, "default", False)) == bool(arg)


# Operators on the document node itself (its provenance), not only its value.
NODE: dict[str, Callable[[object, Any], Answer]] = {
    "is_default": _is_default,
}

# Message formatters: `{path:name}` renders a value through FORMATTERS[name].
FORMATTERS: dict[str, Callable[[object], str]] = {}


def register_formatter(name: str, formatter: Callable[[object], str]) -> None:
    """Add a message formatter (`{path:name}`), at import time of an extension module."""
    FORMATTERS[name] = formatter


def _parenthesised(value: object) -> str:
    """` (value)` when the value is set, else nothing: `'{name}'{resource_id:parenthesised}`
    names a deployed resource by its ID and a template resource by its name alone."""
    return f" ({value})" if isinstance(value, str) and value else ""


register_formatter("parenthesised", _parenthesised)


def register_scalar(name: str, operator: Operator) -> None:
    """Add a reusable predicate (CIDR math, capacity) to the closed set, at import time of the
    module that defines it; rules name it like any other operator."""
    SCALAR[name] = operator


def known_operators() -> set[str]:
    _load_extensions()
    return set(SCALAR) | set(LIST) | set(NODE)


def _load_extensions() -> None:
    import importlib

    for module in EXTENSIONS:
        importlib.import_module(module)


# Modules that register more operators (kept here so the set stays closed and discoverable).
EXTENSIONS: list[str] = ["aksnetlint.operators_cidr", "aksnetlint.operators_network"]


def check_condition(cond: object, source: str, where: str) -> None:
    """Validate a `when` tree: only all/any/not and leaf conditions with known operators."""
    if not isinstance(cond, dict) or not cond:
        raise RuleError(f"field '{where}': a condition must be a non-empty mapping", source)
    if "all" in cond or "any" in cond:
        key = "all" if "all" in cond else "any"
        if len(cond) != 1 or not isinstance(cond[key], list) or not cond[key]:
            raise RuleError(f"field '{where}.{key}': a non-empty list, alone in its mapping",
                            source)
        for i, item in enumerate(cond[key]):
            check_condition(item, source, f"{where}.{key}[{i}]")
        return
    if "not" in cond:
        if len(cond) != 1:
            raise RuleError(f"field '{where}.not': must be alone in its mapping", source)
        check_condition(cond["not"], source, f"{where}.not")
        return
    if "path" not in cond or not isinstance(cond["path"], str):
        raise RuleError(f"field '{where}': a leaf condition needs 'path'", source)
    ops = [k for k in cond if k != "path"]
    if len(ops) != 1:
        raise RuleError(f"field '{where}': a leaf condition needs exactly one operator", source)
    if ops[0] not in known_operators():
        raise RuleError(f"field '{where}': unknown operator '{ops[0]}' (known: "
                        f"{', '.join(sorted(known_operators()))})", source)
