"""The ARM template function library, evaluated over `Sourced` values.

`FUNCTIONS` maps lower-cased function names to implementations (ARM names are
case-insensitive). Rules every function follows:

- A function whose result depends on an unknown argument returns that `Unresolved`; where
  the result does not depend on it, the result is known (`length` of an array with unknown
  elements, `or(true, <unknown>)`, `if` with a known condition, `coalesce` up to the first
  non-null value).
- A computed result sits at the location of the property that holds the expression; a
  value picked out of an argument (`first`, `if`, `tryGet`, `union` members...) keeps the
  location where it was written.
- A function misused on known values (wrong arity or type, index out of range) raises
  `ExpressionError` at the offending argument: the deployment would fail too.
- Deployment-time values (`reference`, `list*`, `uniqueString`, `guid`, `utcNow`,
  `newGuid`, `deployment`, `environment`...) are `Unresolved`; `reference(<id or
  symbolic name>)` becomes a `ResourceRef` to the target's `arm_resource_key`, so the
  referring resource stays linked to the referenced one.
"""

from __future__ import annotations

import base64
import binascii
import functools
import ipaddress
import json
import re
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any

from aksnetlint import budget
from aksnetlint.errors import ParseError
from aksnetlint.parsers.arm import loads
from aksnetlint.resolve.arm_expressions import (
    FULL_REFERENCE,
    Call,
    ExpressionError,
    Frame,
    FunctionImpl,
    Node,
    RuntimeList,
    RuntimeObject,
    StringLiteral,
    evaluate,
    lookup_key,
    type_name,
)
from aksnetlint.values import ResourceRef, Sourced, Unresolved, sourced

MAX_RANGE = 10_000
"""`range()` count limit (Azure's)."""

UNKNOWN_SUBSCRIPTION = "{subscriptionId}"
UNKNOWN_RESOURCE_GROUP = "{resourceGroupName}"
UNKNOWN_MANAGEMENT_GROUP = "{managementGroupName}"
"""Placeholders for ID segments chosen at deployment: `arm_resource_key` ignores them, so
a `resourceId(...)` still links to the resource declared in the same deployment."""


class _Unknown(Exception):
    """Raised inside a function when its result depends on an unknown value."""

    def __init__(self, unresolved: Unresolved) -> None:
        super().__init__(unresolved.reason)
        self.unresolved = unresolved


EagerImpl = Callable[[list[Sourced], Call, Frame], object]
LazyImpl = Callable[[Call, Frame], object]

FUNCTIONS: dict[str, FunctionImpl] = {}


def _result(value: object, frame: Frame) -> Sourced:
    if isinstance(value, Sourced):
        return value
    if isinstance(value, Unresolved):
        return Sourced(value, frame.loc)
    return sourced(value, frame.loc)


def _check_arity(call: Call, low: int, high: int | None) -> None:
    count = len(call.args)
    if count < low or (high is not None and count > high):
        if high is None:
            expected = f"at least {low}"
        elif low == high:
            expected = str(low)
        else:
            expected = f"{low} to {high}"
        raise ExpressionError(f"{call.name}() takes {expected} arguments, got {count}",
                              call.offset)


def _function(name: str, low: int, high: int | None = -1, *,
              keeps_unknown: bool = False) -> Callable[[EagerImpl], EagerImpl]:
    """Register a function whose arguments are all evaluated first. Unless
    `keeps_unknown`, an argument that is itself unknown makes the result unknown."""
    upper = low if high == -1 else high

    def register(impl: EagerImpl) -> EagerImpl:
        def run(call: Call, frame: Frame) -> Sourced:
            _check_arity(call, low, upper)
            args = [evaluate(arg, frame) for arg in call.args]
            if not keeps_unknown:
                for arg in args:
                    unknown = unknown_of(arg)
                    if unknown is not None:
                        return Sourced(unknown, frame.loc)
            budget.charge(budget.tree_size(args), frame.loc, call)  # it walks its inputs
            try:
                result = _result(impl(args, call, frame), frame)
                budget.value(result.data, frame.loc, call)
                return result
            except _Unknown as exc:
                return Sourced(exc.unresolved, frame.loc)

        FUNCTIONS[name.lower()] = run
        return impl

    return register


def _lazy_function(name: str, low: int, high: int | None = -1) -> Callable[[LazyImpl],
                                                                           LazyImpl]:
    """Register a function that evaluates its own arguments (short-circuits, lambdas)."""
    upper = low if high == -1 else high

    def register(impl: LazyImpl) -> LazyImpl:
        def run(call: Call, frame: Frame) -> Sourced:
            _check_arity(call, low, upper)
            try:
                return _result(impl(call, frame), frame)
            except _Unknown as exc:
                return Sourced(exc.unresolved, frame.loc)

        FUNCTIONS[name.lower()] = run
        return impl

    return register


def unknown_of(value: Sourced) -> Unresolved | None:
    """The reason `value` itself is unknown (a deployment-time reference counts)."""
    data = value.data
    if isinstance(data, Unresolved):
        return data
    if isinstance(data, ResourceRef):
        return Unresolved(f"{data} is assigned at deployment")
    return None


# ---------------------------------------------------------------------------------------
# Typed access to arguments

def _offset(call: Call, position: int) -> int:
    return call.args[position].offset if position < len(call.args) else call.offset


def _known(value: Sourced) -> Any:
    unknown = unknown_of(value)
    if unknown is not None:
        raise _Unknown(unknown)
    return value.data


def _text(args: list[Sourced], call: Call, position: int) -> str:
    return _text_of(args[position], call, position)


def _text_of(value: Sourced, call: Call, position: int) -> str:
    """`value` (argument `position` of `call`, or derived from it) as a string."""
    data = _known(value)
    if not isinstance(data, str):
        raise ExpressionError(f"{call.name}() expects a string, got {type_name(data)}",
                              _offset(call, position))
    return data


def _integer(args: list[Sourced], call: Call, position: int) -> int:
    return _integer_of(args[position], call, position)


def _integer_of(value: Sourced, call: Call, position: int) -> int:
    """`value` (argument `position` of `call`, or derived from it) as an int."""
    data = _known(value)
    if isinstance(data, bool) or not isinstance(data, int):
        raise ExpressionError(f"{call.name}() expects an int, got {type_name(data)}",
                              _offset(call, position))
    return data


def _boolean(value: Sourced, call: Call, position: int) -> bool:
    data = _known(value)
    if not isinstance(data, bool):
        raise ExpressionError(f"{call.name}() expects a bool, got {type_name(data)}",
                              _offset(call, position))
    return data


def _array(args: list[Sourced], call: Call, position: int) -> list[Sourced]:
    return _array_of(args[position], call, position)


def _array_of(value: Sourced, call: Call, position: int) -> list[Sourced]:
    """`value` (argument `position` of `call`, or derived from it) as an array."""
    data = _known(value)
    if not isinstance(data, list):
        raise ExpressionError(f"{call.name}() expects an array, got {type_name(data)}",
                              _offset(call, position))
    return data


def _object(args: list[Sourced], call: Call, position: int) -> dict[str, Sourced]:
    return _object_of(args[position], call, position)


def _object_of(value: Sourced, call: Call, position: int) -> dict[str, Sourced]:
    """`value` (argument `position` of `call`, or derived from it) as an object."""
    data = _known(value)
    if not isinstance(data, dict):
        raise ExpressionError(f"{call.name}() expects an object, got {type_name(data)}",
                              _offset(call, position))
    return data


def plain(value: Sourced) -> Any:
    """The value with locations stripped; `_Unknown` when anything inside is unknown."""
    data = _known(value)
    if isinstance(data, list):
        return [plain(item) for item in data]
    if isinstance(data, dict):
        return {key: plain(item) for key, item in data.items()}
    return data


def display(data: object) -> str:
    """How ARM turns a value into text (`string()`, `concat`, `format`)."""
    if isinstance(data, str):
        return data
    if isinstance(data, bool):
        return "True" if data else "False"
    if data is None:
        return ""
    if isinstance(data, int | float):
        return str(data)
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def _is_int(data: object) -> bool:
    return isinstance(data, int) and not isinstance(data, bool)


# ---------------------------------------------------------------------------------------
# Deep equality with unknowns: True, False, or None (cannot tell)

def equal(left: Sourced, right: Sourced) -> bool | None:
    """ARM deep equality (strings case-sensitive); None when an unknown decides it."""
    a, b = left.data, right.data
    if isinstance(a, Unresolved | ResourceRef) or isinstance(b, Unresolved | ResourceRef):
        return None
    if isinstance(a, list) and isinstance(b, list):
        return _all_equal(zip(a, b, strict=False)) if len(a) == len(b) else False
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return False
        return _all_equal((a[key], b[key]) for key in a)
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    return type(a) is type(b) and a == b


def _is_number(data: object) -> bool:
    return isinstance(data, int | float) and not isinstance(data, bool)


def _all_equal(pairs: Iterable[tuple[Sourced, Sourced]]) -> bool | None:
    undecided = False
    for left, right in pairs:
        verdict = equal(left, right)
        if verdict is False:
            return False
        undecided = undecided or verdict is None
    return None if undecided else True


def _decided(verdict: bool | None, what: str) -> bool:
    if verdict is None:
        raise _Unknown(Unresolved(f"{what} depends on a value known only at deployment"))
    return verdict


# ---------------------------------------------------------------------------------------
# Scope access: parameters, variables, copy loops, lambdas, user functions

@_function("parameters", 1)
def _parameters(args: list[Sourced], call: Call, frame: Frame) -> object:
    return frame.scope.parameter(_text(args, call, 0), _offset(call, 0))


@_function("variables", 1)
def _variables(args: list[Sourced], call: Call, frame: Frame) -> object:
    return frame.scope.variable(_text(args, call, 0), _offset(call, 0))


@_function("copyIndex", 0, 2)
def _copy_index(args: list[Sourced], call: Call, frame: Frame) -> object:
    loop: str | None = None
    offset = 0
    if args and isinstance(args[0].data, str):
        loop = args[0].data
        if len(args) == 2:
            offset = _integer(args, call, 1)
    elif len(args) == 1:
        offset = _integer(args, call, 0)
    elif len(args) == 2:
        raise ExpressionError("copyIndex() takes a loop name, then an offset",
                              _offset(call, 0))
    current = frame.scope.copy_index(loop)
    if current is None:
        where = f"loop {loop!r}" if loop else "a copy loop"
        raise ExpressionError(f"copyIndex() is used outside {where}", call.offset)
    if isinstance(current, Unresolved):
        return current
    return current + offset


@_function("lambdaVariables", 1)
def _lambda_variables(args: list[Sourced], call: Call, frame: Frame) -> object:
    name = _text(args, call, 0)
    found = frame.lambda_variables.get(name.lower())
    if found is None:
        raise ExpressionError(f"lambda variable {name!r} is not in scope", _offset(call, 0))
    return found


@_lazy_function("lambda", 1, None)
def _bare_lambda(call: Call, frame: Frame) -> object:
    raise ExpressionError("lambda() can only be an argument of filter, map, reduce, sort, "
                          "toObject, mapValues or groupBy", call.offset)


def _lambda(node: Node, call: Call, min_params: int, max_params: int
            ) -> tuple[tuple[str, ...], Node]:
    if not isinstance(node, Call) or node.key != "lambda" or not node.args:
        raise ExpressionError(f"{call.name}() expects a lambda", node.offset)
    names = node.args[:-1]
    if not min_params <= len(names) <= max_params:
        raise ExpressionError(f"the lambda of {call.name}() takes {min_params} to "
                              f"{max_params} parameters, got {len(names)}", node.offset)
    for name in names:
        if not isinstance(name, StringLiteral):
            raise ExpressionError("lambda parameter names must be string literals",
                                  name.offset)
    parameters = tuple(name.value for name in names if isinstance(name, StringLiteral))
    return parameters, node.args[-1]


def _apply(lam: tuple[tuple[str, ...], Node], values: list[Sourced],
           frame: Frame) -> Sourced:
    names, body = lam
    bindings = {name.lower(): value for name, value in zip(names, values, strict=False)}
    return evaluate(body, frame.with_lambda(bindings))


def _lambda_input(call: Call, frame: Frame) -> list[Sourced]:
    return _array_of(evaluate(call.args[0], frame), call, 0)


@_lazy_function("filter", 2)
def _filter(call: Call, frame: Frame) -> object:
    items = _lambda_input(call, frame)
    lam = _lambda(call.args[1], call, 1, 2)
    kept = []
    for position, item in enumerate(items):
        verdict = _apply(lam, [item, Sourced(position, frame.loc)], frame)
        if _boolean(verdict, call, 1):
            kept.append(item)
    return kept


@_lazy_function("map", 2)
def _map(call: Call, frame: Frame) -> object:
    items = _lambda_input(call, frame)
    lam = _lambda(call.args[1], call, 1, 2)
    return [_apply(lam, [item, Sourced(position, frame.loc)], frame)
            for position, item in enumerate(items)]


@_lazy_function("reduce", 3)
def _reduce(call: Call, frame: Frame) -> object:
    items = _lambda_input(call, frame)
    accumulated = evaluate(call.args[1], frame)
    lam = _lambda(call.args[2], call, 2, 3)
    for position, item in enumerate(items):
        accumulated = _apply(lam, [accumulated, item, Sourced(position, frame.loc)], frame)
    return accumulated


@_lazy_function("sort", 2)
def _sort(call: Call, frame: Frame) -> object:
    items = _lambda_input(call, frame)
    lam = _lambda(call.args[1], call, 2, 2)

    def compare(left: Sourced, right: Sourced) -> int:
        if _boolean(_apply(lam, [left, right], frame), call, 1):
            return -1
        if _boolean(_apply(lam, [right, left], frame), call, 1):
            return 1
        return 0

    return sorted(items, key=functools.cmp_to_key(compare))


@_lazy_function("toObject", 2, 3)
def _to_object(call: Call, frame: Frame) -> object:
    items = _lambda_input(call, frame)
    key_lambda = _lambda(call.args[1], call, 1, 1)
    value_lambda = _lambda(call.args[2], call, 1, 1) if len(call.args) == 3 else None
    result: dict[str, Sourced] = {}
    for item in items:
        key = _text_of(_apply(key_lambda, [item], frame), call, 1)
        result[key] = _apply(value_lambda, [item], frame) if value_lambda else item
    return result


@_lazy_function("mapValues", 2)
def _map_values(call: Call, frame: Frame) -> object:
    mapping = _object_of(evaluate(call.args[0], frame), call, 0)
    lam = _lambda(call.args[1], call, 1, 1)
    return {key: _apply(lam, [value], frame) for key, value in mapping.items()}


@_lazy_function("groupBy", 2)
def _group_by(call: Call, frame: Frame) -> object:
    items = _lambda_input(call, frame)
    lam = _lambda(call.args[1], call, 1, 1)
    groups: dict[str, list[Sourced]] = {}
    for item in items:
        groups.setdefault(_text_of(_apply(lam, [item], frame), call, 1), []).append(item)
    return groups


# ---------------------------------------------------------------------------------------
# Logical and comparison

@_lazy_function("if", 3)
def _if(call: Call, frame: Frame) -> object:
    condition = _boolean(evaluate(call.args[0], frame), call, 0)
    return evaluate(call.args[1] if condition else call.args[2], frame)


@_lazy_function("and", 1, None)
def _and(call: Call, frame: Frame) -> object:
    return _junction(call, frame, stop_at=False)


@_lazy_function("or", 1, None)
def _or(call: Call, frame: Frame) -> object:
    return _junction(call, frame, stop_at=True)


def _junction(call: Call, frame: Frame, stop_at: bool) -> bool:
    unknown: Unresolved | None = None
    for position, node in enumerate(call.args):
        value = evaluate(node, frame)
        if unknown_of(value) is not None:
            unknown = unknown or unknown_of(value)
            continue
        if _boolean(value, call, position) is stop_at:
            return stop_at
    if unknown is not None:
        raise _Unknown(unknown)
    return not stop_at


@_function("not", 1)
def _not(args: list[Sourced], call: Call, frame: Frame) -> object:
    return not _boolean(args[0], call, 0)


@_function("equals", 2)
def _equals(args: list[Sourced], call: Call, frame: Frame) -> object:
    return _decided(equal(args[0], args[1]), "equals()")


@_function("true", 0)
def _true(args: list[Sourced], call: Call, frame: Frame) -> object:
    return True


@_function("false", 0)
def _false(args: list[Sourced], call: Call, frame: Frame) -> object:
    return False


@_function("null", 0)
def _null(args: list[Sourced], call: Call, frame: Frame) -> object:
    return None


def _ordered(args: list[Sourced], call: Call) -> tuple[Any, Any]:
    left, right = _known(args[0]), _known(args[1])
    if _is_int(left) and _is_int(right) or isinstance(left, str) and isinstance(right, str):
        return left, right
    raise ExpressionError(f"{call.name}() compares two ints or two strings, got "
                          f"{type_name(left)} and {type_name(right)}", call.offset)


@_function("less", 2)
def _less(args: list[Sourced], call: Call, frame: Frame) -> object:
    left, right = _ordered(args, call)
    return bool(left < right)


@_function("lessOrEquals", 2)
def _less_or_equals(args: list[Sourced], call: Call, frame: Frame) -> object:
    left, right = _ordered(args, call)
    return bool(left <= right)


@_function("greater", 2)
def _greater(args: list[Sourced], call: Call, frame: Frame) -> object:
    left, right = _ordered(args, call)
    return bool(left > right)


@_function("greaterOrEquals", 2)
def _greater_or_equals(args: list[Sourced], call: Call, frame: Frame) -> object:
    left, right = _ordered(args, call)
    return bool(left >= right)


@_lazy_function("coalesce", 1, None)
def _coalesce(call: Call, frame: Frame) -> object:
    for node in call.args:
        value = evaluate(node, frame)
        if isinstance(value.data, Unresolved):
            return value
        if value.data is not None:
            return value
    return None


# ---------------------------------------------------------------------------------------
# Conversion

@_function("string", 1)
def _string(args: list[Sourced], call: Call, frame: Frame) -> object:
    return display(plain(args[0]))


@_function("int", 1)
def _int(args: list[Sourced], call: Call, frame: Frame) -> object:
    data = _known(args[0])
    if _is_int(data):
        return data
    if isinstance(data, float):
        return int(data)
    if isinstance(data, str):
        try:
            return int(data.strip())
        except ValueError:
            pass
    raise ExpressionError(f"int() cannot convert {display(data)!r}", _offset(call, 0))


@_function("bool", 1)
def _bool(args: list[Sourced], call: Call, frame: Frame) -> object:
    data = _known(args[0])
    if isinstance(data, bool):
        return data
    if _is_int(data):
        return data != 0
    if isinstance(data, str) and data.strip().lower() in ("true", "false"):
        return data.strip().lower() == "true"
    raise ExpressionError(f"bool() cannot convert {display(data)!r}", _offset(call, 0))


@_function("json", 1)
def _json(args: list[Sourced], call: Call, frame: Frame) -> object:
    """`json(text)`: comments are accepted, as ARM does (`json(loadTextContent('x.jsonc'))`)."""
    text = _text(args, call, 0)
    try:
        return loads(text)
    except ParseError as exc:
        raise ExpressionError(f"json() got invalid JSON: {exc.message} (line {exc.line}, "
                              f"column {exc.column} of the text)", _offset(call, 0)) from None


@_function("base64", 1)
def _base64(args: list[Sourced], call: Call, frame: Frame) -> object:
    return base64.b64encode(_text(args, call, 0).encode("utf-8")).decode("ascii")


@_function("base64ToString", 1)
def _base64_to_string(args: list[Sourced], call: Call, frame: Frame) -> object:
    return _debase64(args, call).decode("utf-8", errors="replace")


@_function("base64ToJson", 1)
def _base64_to_json(args: list[Sourced], call: Call, frame: Frame) -> object:
    decoded = _debase64(args, call).decode("utf-8", errors="replace")
    return _json([Sourced(decoded, frame.loc)], call, frame)


def _debase64(args: list[Sourced], call: Call) -> bytes:
    try:
        return base64.b64decode(_text(args, call, 0), validate=True)
    except binascii.Error:
        raise ExpressionError("not valid base64", _offset(call, 0)) from None


@_function("uriComponent", 1)
def _uri_component(args: list[Sourced], call: Call, frame: Frame) -> object:
    return urllib.parse.quote(_text(args, call, 0), safe="")


@_function("uriComponentToString", 1)
def _uri_component_to_string(args: list[Sourced], call: Call, frame: Frame) -> object:
    return urllib.parse.unquote(_text(args, call, 0))


# ---------------------------------------------------------------------------------------
# Arrays and objects

@_function("createArray", 0, None, keeps_unknown=True)
def _create_array(args: list[Sourced], call: Call, frame: Frame) -> object:
    return list(args)


@_function("createObject", 0, None, keeps_unknown=True)
def _create_object(args: list[Sourced], call: Call, frame: Frame) -> object:
    if len(args) % 2:
        raise ExpressionError("createObject() takes key/value pairs", call.offset)
    result: dict[str, Sourced] = {}
    for position in range(0, len(args), 2):
        result[_text(args, call, position)] = args[position + 1]
    return result


@_function("array", 1)
def _to_array(args: list[Sourced], call: Call, frame: Frame) -> object:
    return args[0] if isinstance(args[0].data, list) else [args[0]]


@_function("concat", 1, None)
def _concat(args: list[Sourced], call: Call, frame: Frame) -> object:
    if any(isinstance(arg.data, list) for arg in args):
        joined: list[Sourced] = []
        for position, arg in enumerate(args):
            if arg.data is not None:
                joined.extend(_array(args, call, position))
        return joined
    return "".join(display(plain(arg)) for arg in args)


@_function("union", 1, None)
def _union(args: list[Sourced], call: Call, frame: Frame) -> object:
    if isinstance(args[0].data, list):
        merged: list[Sourced] = []
        for position in range(len(args)):
            for item in _array(args, call, position):
                if not any(equal(item, seen) is True for seen in merged):
                    merged.append(item)
        return merged
    result: dict[str, Sourced] = {}
    for position in range(len(args)):
        if args[position].data is not None:
            result = _merge(result, _object(args, call, position))
    return result


def _merge(base: dict[str, Sourced], extra: dict[str, Sourced]) -> dict[str, Sourced]:
    """`union` of objects: later values win; nested objects merge recursively."""
    result = dict(base)
    for key, value in extra.items():
        existing_key = lookup_key(result, key)
        existing = result.pop(existing_key) if existing_key is not None else None
        if existing is not None and isinstance(existing.data, dict) \
                and isinstance(value.data, dict):
            value = Sourced(_merge(existing.data, value.data), value.loc)
        result[existing_key if existing_key is not None else key] = value
    return result


@_function("intersection", 2, None)
def _intersection(args: list[Sourced], call: Call, frame: Frame) -> object:
    if isinstance(args[0].data, list):
        others = [_array(args, call, position) for position in range(1, len(args))]
        return [item for item in _array(args, call, 0)
                if all(_decided(_contains_item(other, item), "intersection()")
                       for other in others)]
    first = _object(args, call, 0)
    rest = [_object(args, call, position) for position in range(1, len(args))]
    kept: dict[str, Sourced] = {}
    for key, value in first.items():
        if all(key in other and _decided(equal(other[key], value), "intersection()")
               for other in rest):
            kept[key] = value
    return kept


def _contains_item(items: list[Sourced], wanted: Sourced) -> bool | None:
    undecided = False
    for item in items:
        verdict = equal(item, wanted)
        if verdict:
            return True
        undecided = undecided or verdict is None
    return None if undecided else False


@_function("contains", 2)
def _contains(args: list[Sourced], call: Call, frame: Frame) -> object:
    container = _known(args[0])
    if isinstance(container, str):
        return display(plain(args[1])) in container
    if isinstance(container, list):
        return _decided(_contains_item(container, args[1]), "contains()")
    if isinstance(container, dict):
        return lookup_key(container, display(plain(args[1]))) is not None
    raise ExpressionError(f"contains() expects an array, object or string, got "
                          f"{type_name(container)}", _offset(call, 0))


@_function("empty", 1)
def _empty(args: list[Sourced], call: Call, frame: Frame) -> object:
    data = _known(args[0])
    if data is None:
        return True
    if isinstance(data, str | list | dict):
        return len(data) == 0
    raise ExpressionError(f"empty() expects an array, object or string, got "
                          f"{type_name(data)}", _offset(call, 0))


@_function("length", 1)
def _length(args: list[Sourced], call: Call, frame: Frame) -> object:
    data = _known(args[0])
    if isinstance(data, str | list | dict):
        return len(data)
    raise ExpressionError(f"length() expects an array, object or string, got "
                          f"{type_name(data)}", _offset(call, 0))


def _sequence(args: list[Sourced], call: Call) -> str | list[Sourced]:
    data = _known(args[0])
    if isinstance(data, str | list):
        return data
    raise ExpressionError(f"{call.name}() expects an array or a string, got "
                          f"{type_name(data)}", _offset(call, 0))


@_function("first", 1)
def _first(args: list[Sourced], call: Call, frame: Frame) -> object:
    items = _sequence(args, call)
    return items[0] if items else ("" if isinstance(items, str) else None)


@_function("last", 1)
def _last(args: list[Sourced], call: Call, frame: Frame) -> object:
    items = _sequence(args, call)
    return items[-1] if items else ("" if isinstance(items, str) else None)


@_function("take", 2)
def _take(args: list[Sourced], call: Call, frame: Frame) -> object:
    items = _sequence(args, call)
    return items[:max(_integer(args, call, 1), 0)]


@_function("skip", 2)
def _skip(args: list[Sourced], call: Call, frame: Frame) -> object:
    items = _sequence(args, call)
    return items[max(_integer(args, call, 1), 0):]


@_function("range", 2)
def _range(args: list[Sourced], call: Call, frame: Frame) -> object:
    start, count = _integer(args, call, 0), _integer(args, call, 1)
    if not 0 <= count <= MAX_RANGE:
        raise ExpressionError(f"range() count must be 0 to {MAX_RANGE}, got {count}",
                              _offset(call, 1))
    return list(range(start, start + count))


@_function("items", 1)
def _items(args: list[Sourced], call: Call, frame: Frame) -> object:
    mapping = _object(args, call, 0)
    return [{"key": Sourced(key, frame.loc), "value": mapping[key]}
            for key in sorted(mapping)]


@_function("objectKeys", 1)
def _object_keys(args: list[Sourced], call: Call, frame: Frame) -> object:
    return list(_object(args, call, 0))


@_function("flatten", 1)
def _flatten(args: list[Sourced], call: Call, frame: Frame) -> object:
    result: list[Sourced] = []
    for item in _array(args, call, 0):
        result.extend(_array_of(item, call, 0))
    return result


@_function("shallowMerge", 1)
def _shallow_merge(args: list[Sourced], call: Call, frame: Frame) -> object:
    result: dict[str, Sourced] = {}
    for item in _array(args, call, 0):
        result.update(_object_of(item, call, 0))
    return result


@_function("tryGet", 2, None, keeps_unknown=True)
def _try_get(args: list[Sourced], call: Call, frame: Frame) -> object:
    """`tryGet(x, 'a', 0, ...)`: null as soon as a step is missing (what Bicep's `x.?a[0]`
    compiles to); a step `{value: n, fromEnd: true}` counts from the end (`[^n]`)."""
    current = args[0]
    for position in range(1, len(args)):
        data = _known(current)
        step = _known(args[position])
        if data is None:
            return None
        count = _from_end_step(step) if isinstance(step, dict) else None
        if count is not None:
            if not isinstance(data, list):
                raise ExpressionError(f"tryGet() cannot index {type_name(data)} from the "
                                      "end", _offset(call, position))
            if not 1 <= count <= len(data):
                return None
            current = data[len(data) - count]
        elif isinstance(data, dict) and isinstance(step, str):
            key = lookup_key(data, step)
            if key is None:
                return data.missing(step) if isinstance(data, RuntimeObject) else None
            current = data[key]
        elif isinstance(data, list) and _is_int(step):
            if not 0 <= step < len(data):
                return data.missing(step) if isinstance(data, RuntimeList) and step >= 0 \
                    else None
            current = data[step]
        elif isinstance(step, str) or _is_int(step):
            return None  # a key of a string, a number or an array: nothing there
        else:
            raise ExpressionError(f"tryGet() cannot index {type_name(data)} with "
                                  f"{type_name(step)}", _offset(call, position))
    return current


def _from_end_step(step: dict[str, Sourced]) -> int | None:
    """`n` of a `tryGet` step `{value: n, fromEnd: true}`, else None."""
    if set(step) != {"value", "fromEnd"} or step["fromEnd"].data is not True:
        return None
    value = step["value"].data
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@_function("indexFromEnd", 2)
def _index_from_end(args: list[Sourced], call: Call, frame: Frame) -> object:
    """`indexFromEnd(array, n)`: item `n` counted from the end (1 is the last)."""
    items = _array(args, call, 0)
    count = _integer(args, call, 1)
    if not 1 <= count <= len(items):
        raise ExpressionError(f"indexFromEnd() index {count} is outside the array (length "
                              f"{len(items)})", _offset(call, 1))
    return items[len(items) - count]


@_function("tryIndexFromEnd", 2)
def _try_index_from_end(args: list[Sourced], call: Call, frame: Frame) -> object:
    """`tryIndexFromEnd(array, n)`: as `indexFromEnd`, null when out of range."""
    if _known(args[0]) is None:
        return None
    items = _array(args, call, 0)
    count = _integer(args, call, 1)
    return items[len(items) - count] if 1 <= count <= len(items) else None


@_function("min", 1, None)
def _min(args: list[Sourced], call: Call, frame: Frame) -> object:
    return min(_numbers(args, call))


@_function("max", 1, None)
def _max(args: list[Sourced], call: Call, frame: Frame) -> object:
    return max(_numbers(args, call))


def _numbers(args: list[Sourced], call: Call) -> list[int]:
    values = _array(args, call, 0) if len(args) == 1 else args
    if not values:
        raise ExpressionError(f"{call.name}() of an empty array", call.offset)
    single = len(args) == 1
    return [_integer_of(item, call, 0 if single else index)
            for index, item in enumerate(values)]


# ---------------------------------------------------------------------------------------
# Strings

@_function("format", 1, None)
def _format(args: list[Sourced], call: Call, frame: Frame) -> object:
    template = _text(args, call, 0)
    values = [plain(arg) for arg in args[1:]]
    return composite_format(template, values, call)


_FORMAT_ITEM = re.compile(r"\{\{|\}\}|\{\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?(?::([^{}]*))?\}|[{}]")


def composite_format(template: str, values: list[Any], call: Call) -> str:
    """.NET `String.Format` over `values`: `{0}`, `{0,-8}`, `{0:D2}`, `{{`/`}}`."""

    def substitute(match: re.Match[str]) -> str:
        token = match.group()
        if token in ("{{", "}}"):
            return token[0]
        if match.group(1) is None:
            raise ExpressionError("format() string has an unmatched brace",
                                  _offset(call, 0))
        position = int(match.group(1))
        if position >= len(values):
            raise ExpressionError(f"format() item {{{position}}} has no argument",
                                  _offset(call, 0))
        text = _format_value(values[position], match.group(3))
        width = int(match.group(2) or 0)
        budget.fits(abs(width), "format()")
        return text.ljust(-width) if width < 0 else text.rjust(width)

    return _FORMAT_ITEM.sub(substitute, template)


_STANDARD_SPEC = re.compile(r"([DdXxNnFfEeGgPp])(\d*)")


def _format_value(value: Any, spec: str | None) -> str:
    if not spec or not _is_number(value):
        return display(value)
    standard = _STANDARD_SPEC.fullmatch(spec)
    if standard:
        return _standard_number(value, standard.group(1), standard.group(2))
    if set(spec) <= {"0", "#", ",", "."}:
        return _custom_number(value, spec)
    raise _Unknown(Unresolved(f"format specifier {spec!r} is not evaluated"))


def _standard_number(value: int | float, letter: str, digits: str) -> str:
    precision = int(digits) if digits else None
    budget.fits(precision or 0, "format()")
    kind = letter.upper()
    if kind == "D" and isinstance(value, int):
        text = str(abs(value)).rjust(precision or 0, "0")
        return f"-{text}" if value < 0 else text
    if kind == "X" and isinstance(value, int):
        text = format(value & 0xFFFFFFFF if value < 0 else value, "x").rjust(precision or 0,
                                                                            "0")
        return text.upper() if letter == "X" else text
    if kind == "N":
        return f"{value:,.{2 if precision is None else precision}f}"
    if kind == "F":
        return f"{value:.{2 if precision is None else precision}f}"
    if kind == "P":
        return f"{value * 100:,.{2 if precision is None else precision}f} %"
    if kind == "G" and precision is None:
        return display(value)
    raise _Unknown(Unresolved(f"format specifier {letter}{digits} is not evaluated"))


def _custom_number(value: int | float, spec: str) -> str:
    whole, _, fraction = spec.partition(".")
    zeros = whole.replace(",", "").count("0")
    decimals = len(fraction)
    grouping = "," if "," in whole else ""
    text = f"{abs(value):{grouping}.{decimals}f}"
    integral, dot, rest = text.partition(".")
    if len(integral.replace(",", "")) < zeros:
        integral = integral.rjust(zeros, "0")
    text = integral + (dot + rest if decimals else "")
    return f"-{text}" if value < 0 else text


@_function("split", 2)
def _split(args: list[Sourced], call: Call, frame: Frame) -> object:
    text = _text(args, call, 0)
    delimiter = _known(args[1])
    if isinstance(delimiter, str):
        separators = [delimiter]
    elif isinstance(delimiter, list):
        separators = [_text_of(item, call, 1) for item in delimiter]
    else:
        raise ExpressionError("split() expects a string or an array of strings",
                              _offset(call, 1))
    separators = [sep for sep in separators if sep]
    if not separators:
        return [text]
    return re.split("|".join(re.escape(sep) for sep in separators), text)


@_function("join", 2)
def _join(args: list[Sourced], call: Call, frame: Frame) -> object:
    items = _array(args, call, 0)
    return _text(args, call, 1).join(display(plain(item)) for item in items)


@_function("replace", 3)
def _replace(args: list[Sourced], call: Call, frame: Frame) -> object:
    old = _text(args, call, 1)
    if not old:
        raise ExpressionError("replace() cannot replace an empty string", _offset(call, 1))
    text, new = _text(args, call, 0), _text(args, call, 2)
    budget.fits(len(text) + text.count(old) * max(len(new) - len(old), 0), "replace()")
    return text.replace(old, new)


@_function("toLower", 1)
def _to_lower(args: list[Sourced], call: Call, frame: Frame) -> object:
    return _text(args, call, 0).lower()


@_function("toUpper", 1)
def _to_upper(args: list[Sourced], call: Call, frame: Frame) -> object:
    return _text(args, call, 0).upper()


@_function("trim", 1)
def _trim(args: list[Sourced], call: Call, frame: Frame) -> object:
    return _text(args, call, 0).strip()


@_function("substring", 1, 3)
def _substring(args: list[Sourced], call: Call, frame: Frame) -> object:
    text = _text(args, call, 0)
    start = _integer(args, call, 1) if len(args) > 1 else 0
    length = _integer(args, call, 2) if len(args) > 2 else len(text) - start
    if start < 0 or length < 0 or start + length > len(text):
        raise ExpressionError(f"substring() index {start} and length {length} are outside "
                              f"the string (length {len(text)})", call.offset)
    return text[start:start + length]


@_function("startsWith", 2)
def _starts_with(args: list[Sourced], call: Call, frame: Frame) -> object:
    return _text(args, call, 0).lower().startswith(_text(args, call, 1).lower())


@_function("endsWith", 2)
def _ends_with(args: list[Sourced], call: Call, frame: Frame) -> object:
    return _text(args, call, 0).lower().endswith(_text(args, call, 1).lower())


@_function("indexOf", 2)
def _index_of(args: list[Sourced], call: Call, frame: Frame) -> object:
    return _find(args, call, last=False)


@_function("lastIndexOf", 2)
def _last_index_of(args: list[Sourced], call: Call, frame: Frame) -> object:
    return _find(args, call, last=True)


def _find(args: list[Sourced], call: Call, last: bool) -> int:
    container = _known(args[0])
    if isinstance(container, list):
        order = range(len(container) - 1, -1, -1) if last else range(len(container))
        for position in order:
            if _decided(equal(container[position], args[1]), f"{call.name}()"):
                return position
        return -1
    haystack, needle = _text(args, call, 0).lower(), _text(args, call, 1).lower()
    return haystack.rfind(needle) if last else haystack.find(needle)


@_function("padLeft", 2, 3)
def _pad_left(args: list[Sourced], call: Call, frame: Frame) -> object:
    value = _known(args[0])
    if not isinstance(value, str) and not _is_int(value):
        raise ExpressionError("padLeft() expects a string or an int", _offset(call, 0))
    fill = _text(args, call, 2) if len(args) == 3 else " "
    if len(fill) != 1:
        raise ExpressionError("padLeft() padding must be one character", _offset(call, 2))
    width = _integer(args, call, 1)
    budget.fits(width, "padLeft()")
    return display(value).rjust(width, fill)


# ---------------------------------------------------------------------------------------
# Numbers

def _operands(args: list[Sourced], call: Call) -> tuple[int, int]:
    return _integer(args, call, 0), _integer(args, call, 1)


@_function("add", 2)
def _add(args: list[Sourced], call: Call, frame: Frame) -> object:
    left, right = _operands(args, call)
    return left + right


@_function("sub", 2)
def _sub(args: list[Sourced], call: Call, frame: Frame) -> object:
    left, right = _operands(args, call)
    return left - right


@_function("mul", 2)
def _mul(args: list[Sourced], call: Call, frame: Frame) -> object:
    left, right = _operands(args, call)
    return left * right


@_function("div", 2)
def _div(args: list[Sourced], call: Call, frame: Frame) -> object:
    left, right = _operands(args, call)
    if right == 0:
        raise ExpressionError("div() by zero", _offset(call, 1))
    quotient = abs(left) // abs(right)
    return quotient if (left < 0) == (right < 0) else -quotient


@_function("mod", 2)
def _mod(args: list[Sourced], call: Call, frame: Frame) -> object:
    left, right = _operands(args, call)
    if right == 0:
        raise ExpressionError("mod() by zero", _offset(call, 1))
    remainder = abs(left) % abs(right)
    return -remainder if left < 0 else remainder


# ---------------------------------------------------------------------------------------
# CIDR

def _network(args: list[Sourced], call: Call) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """The CIDR argument. An address without a prefix length (`10.0.0.1`) is unknown: what
    Azure makes of it is not documented, so neither a value nor an error is certain."""
    text = _text(args, call, 0)
    if "/" not in text:
        try:
            ipaddress.ip_address(text.strip())
        except ValueError:
            pass
        else:
            raise _Unknown(Unresolved(f"{call.name}() of an address without a prefix length "
                                      f"({text.strip()}): Azure does not document the result"))
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise ExpressionError(f"{call.name}() got an invalid CIDR {text!r}",
                              _offset(call, 0)) from None


@_function("parseCidr", 1)
def _parse_cidr(args: list[Sourced], call: Call, frame: Frame) -> object:
    network = _network(args, call)
    last = network.broadcast_address
    info: dict[str, object] = {"network": str(network.network_address),
                               "netmask": str(network.netmask)}
    if network.version == 4:
        info["broadcast"] = str(last)
        small = network.prefixlen >= 31
        info["firstUsable"] = str(network.network_address + (0 if small else 1))
        info["lastUsable"] = str(last - (0 if small else 1))
    else:
        info["firstUsable"] = str(network.network_address)
        info["lastUsable"] = str(last)
    info["cidr"] = network.prefixlen
    return info


@_function("cidrSubnet", 3)
def _cidr_subnet(args: list[Sourced], call: Call, frame: Frame) -> object:
    network = _network(args, call)
    new_prefix, subnet_index = _integer(args, call, 1), _integer(args, call, 2)
    if not network.prefixlen <= new_prefix <= network.max_prefixlen:
        raise ExpressionError(f"cidrSubnet() new CIDR {new_prefix} must be between "
                              f"{network.prefixlen} and {network.max_prefixlen}",
                              _offset(call, 1))
    count = 1 << (new_prefix - network.prefixlen)
    if not 0 <= subnet_index < count:
        raise ExpressionError(f"cidrSubnet() index {subnet_index} is outside 0..{count - 1}",
                              _offset(call, 2))
    size = 1 << (network.max_prefixlen - new_prefix)
    start = network.network_address + subnet_index * size
    return f"{start}/{new_prefix}"


@_function("cidrHost", 2)
def _cidr_host(args: list[Sourced], call: Call, frame: Frame) -> object:
    network = _network(args, call)
    host_index = _integer(args, call, 1)
    usable = network.num_addresses - (2 if network.version == 4 else 1)
    if not 0 <= host_index < max(usable, 1):
        raise ExpressionError(f"cidrHost() index {host_index} is outside the usable "
                              f"addresses of {network}", _offset(call, 1))
    return str(network.network_address + 1 + host_index)


# ---------------------------------------------------------------------------------------
# Deployment, resource IDs, references

@_function("resourceGroup", 0)
def _resource_group(args: list[Sourced], call: Call, frame: Frame) -> object:
    deployment = frame.scope.deployment()
    group, subscription = deployment.resource_group, deployment.subscription_id
    group_id: str | Unresolved = Unresolved("resource group ID is known at deployment")
    if isinstance(group, str) and isinstance(subscription, str):
        group_id = f"/subscriptions/{subscription}/resourceGroups/{group}"
    return {"id": group_id, "name": group, "type": "Microsoft.Resources/resourceGroups",
            "location": deployment.location,
            "managedBy": Unresolved("resourceGroup().managedBy is known at deployment"),
            "tags": Unresolved("resourceGroup().tags are known at deployment"),
            "properties": Unresolved("resourceGroup().properties are known at deployment")}


@_function("subscription", 0)
def _subscription(args: list[Sourced], call: Call, frame: Frame) -> object:
    deployment = frame.scope.deployment()
    subscription = deployment.subscription_id
    return {"id": f"/subscriptions/{subscription}" if isinstance(subscription, str)
            else Unresolved("subscription ID is chosen at deployment"),
            "subscriptionId": subscription, "tenantId": deployment.tenant_id,
            "displayName": Unresolved("subscription name is known at deployment")}


@_function("tenant", 0)
def _tenant(args: list[Sourced], call: Call, frame: Frame) -> object:
    return {"tenantId": frame.scope.deployment().tenant_id,
            "countryCode": Unresolved("tenant country is known at deployment"),
            "displayName": Unresolved("tenant name is known at deployment")}


def _runtime(name: str, low: int, high: int | None, reason: str) -> None:
    def impl(args: list[Sourced], call: Call, frame: Frame) -> object:
        return Unresolved(f"{call.name}() {reason}", frame.loc)

    _function(name, low, high, keeps_unknown=True)(impl)


for _name, _low, _high, _reason in (
    ("deployment", 0, 0, "describes the running deployment"),
    ("environment", 0, 0, "depends on the Azure cloud deployed to"),
    ("managementGroup", 0, 1, "is known at deployment"),
    ("uniqueString", 1, None, "is a hash computed at deployment"),
    ("guid", 1, None, "is a hash computed at deployment"),
    ("newGuid", 0, 0, "is random"),
    ("utcNow", 0, 1, "is the deployment time"),
    ("dateTimeAdd", 2, 3, "is evaluated at deployment"),
    ("dateTimeFromEpoch", 1, 1, "is evaluated at deployment"),
    ("dateTimeToEpoch", 1, 1, "is evaluated at deployment"),
    ("pickZones", 3, 5, "depends on the region's zones"),
    ("providers", 1, 2, "reads the provider registry"),
    ("listAccountSas", 2, 3, "reads runtime state"),
    ("listKeys", 2, 2, "reads runtime state"),
    ("listSecrets", 2, 2, "reads runtime state"),
):
    _runtime(_name, _low, _high, _reason)


def _type_and_names(args: list[Sourced], call: Call, start: int
                    ) -> tuple[str, list[str]] | Unresolved:
    """The resource type at `args[start]` and its names after it, split into segments."""
    rtype = _text(args, call, start)
    names: list[str] = []
    for position in range(start + 1, len(args)):
        unknown = unknown_of(args[position])
        if unknown is not None:
            return unknown
        names.extend(part for part in _text(args, call, position).split("/") if part)
    segments = [part for part in rtype.split("/") if part]
    if len(segments) < 2 or len(segments) - 1 != len(names):
        raise ExpressionError(f"{call.name}() type {rtype!r} needs {len(segments) - 1} "
                              f"name segments, got {len(names)}", _offset(call, start))
    return rtype, names


def provider_path(rtype: str, names: list[str]) -> str:
    """`providers/<namespace>/<type>/<name>/<child type>/<child name>...`."""
    segments = [part for part in rtype.split("/") if part]
    parts = ["providers", segments[0]]
    for child_type, name in zip(segments[1:], names, strict=True):
        parts.extend((child_type, name))
    return "/".join(parts)


def _type_position(args: list[Sourced], call: Call, most_before: int) -> int:
    """Which argument is the resource type: the first string with a `/` (scope arguments
    such as a subscription ID or group name come before it)."""
    unknown: Unresolved | None = None
    for position, arg in enumerate(args[:most_before + 1]):
        if isinstance(arg.data, str) and "/" in arg.data:
            return position
        unknown = unknown or unknown_of(arg)
    if unknown is not None:
        raise _Unknown(unknown)
    raise ExpressionError(f"{call.name}() needs a resource type such as "
                          "'Microsoft.Network/virtualNetworks'", call.offset)


def _segment(value: Sourced, placeholder: str) -> str:
    data = value.data
    return data if isinstance(data, str) else placeholder


def _known_or(value: str | Unresolved, placeholder: str) -> str:
    return value if isinstance(value, str) else placeholder


@_function("resourceId", 2, None, keeps_unknown=True)
def _resource_id(args: list[Sourced], call: Call, frame: Frame) -> object:
    position = _type_position(args, call, 2)
    parts = _type_and_names(args, call, position)
    if isinstance(parts, Unresolved):
        return parts
    deployment = frame.scope.deployment()
    subscription = _known_or(deployment.subscription_id, UNKNOWN_SUBSCRIPTION)
    group: str | None = _known_or(deployment.resource_group, UNKNOWN_RESOURCE_GROUP)
    if position == 2:
        subscription = _segment(args[0], UNKNOWN_SUBSCRIPTION)
    if position >= 1:
        group = _segment(args[position - 1], UNKNOWN_RESOURCE_GROUP)
    elif deployment.scope in ("subscription", "managementGroup", "tenant"):
        group = None
    if deployment.scope in ("managementGroup", "tenant") and position == 0:
        return "/" + provider_path(*parts)
    prefix = f"/subscriptions/{subscription}"
    if group is not None:
        prefix += f"/resourceGroups/{group}"
    return f"{prefix}/{provider_path(*parts)}"


@_function("subscriptionResourceId", 2, None, keeps_unknown=True)
def _subscription_resource_id(args: list[Sourced], call: Call, frame: Frame) -> object:
    position = _type_position(args, call, 1)
    parts = _type_and_names(args, call, position)
    if isinstance(parts, Unresolved):
        return parts
    subscription = _known_or(frame.scope.deployment().subscription_id, UNKNOWN_SUBSCRIPTION)
    if position == 1:
        subscription = _segment(args[0], UNKNOWN_SUBSCRIPTION)
    return f"/subscriptions/{subscription}/{provider_path(*parts)}"


@_function("tenantResourceId", 2, None, keeps_unknown=True)
def _tenant_resource_id(args: list[Sourced], call: Call, frame: Frame) -> object:
    parts = _type_and_names(args, call, 0)
    if isinstance(parts, Unresolved):
        return parts
    return "/" + provider_path(*parts)


@_function("managementGroupResourceId", 2, None, keeps_unknown=True)
def _management_group_resource_id(args: list[Sourced], call: Call, frame: Frame) -> object:
    position = _type_position(args, call, 1)
    parts = _type_and_names(args, call, position)
    if isinstance(parts, Unresolved):
        return parts
    group = _segment(args[0], UNKNOWN_MANAGEMENT_GROUP) if position == 1 \
        else UNKNOWN_MANAGEMENT_GROUP
    return (f"/providers/Microsoft.Management/managementGroups/{group}/"
            f"{provider_path(*parts)}")


@_function("extensionResourceId", 3, None, keeps_unknown=True)
def _extension_resource_id(args: list[Sourced], call: Call, frame: Frame) -> object:
    unknown = unknown_of(args[0])
    if unknown is not None:
        return unknown
    parts = _type_and_names(args, call, 1)
    if isinstance(parts, Unresolved):
        return parts
    return f"{_text(args, call, 0).rstrip('/')}/{provider_path(*parts)}"


@_function("resourceInfo", 1)
def _resource_info(args: list[Sourced], call: Call, frame: Frame) -> object:
    symbol = _text(args, call, 0)
    info = frame.scope.resource_info(symbol)
    if info is None:
        raise ExpressionError(f"resource {symbol!r} is not declared", _offset(call, 0))
    return info


@_function("reference", 1, 3, keeps_unknown=True)
def _reference(args: list[Sourced], call: Call, frame: Frame) -> object:
    target = args[0].data
    full = len(args) == 3 and isinstance(args[2].data, str) and args[2].data.lower() == "full"
    attribute = FULL_REFERENCE if full else "properties"
    if isinstance(target, Unresolved):
        return Unresolved(f"reference() of an unknown resource ({target.reason})",
                          target.location)
    if not isinstance(target, str):
        raise ExpressionError("reference() expects a resource ID or name", _offset(call, 0))
    key = arm_resource_key(target)
    if key is None:
        info = frame.scope.resource_info(target)
        resource_id = info.data.get("id") if info and isinstance(info.data, dict) else None
        if resource_id is not None and isinstance(resource_id.data, str):
            key = arm_resource_key(resource_id.data)
    if key is None and "/" not in target:
        # `reference('name')`: a nested deployment of this template by its name
        named = f"{_DEPLOYMENTS_KEY}{target.lower()}"
        if frame.scope.reference(named, full) is not None:
            key = named
    if key is None:
        return Unresolved(f"reference({target!r}) is the state of a resource at deployment")
    # a resource this template declares: what it declares is known (a nested deployment's
    # outputs are known before the resources that read them are deployed)
    found = frame.scope.reference(key, full)
    return found if found is not None else ResourceRef(key, attribute)


_DEPLOYMENTS_KEY = "microsoft.resources/deployments/"


def arm_resource_key(resource_id: str) -> str | None:
    """The lower-cased key of an ARM resource ID from `providers/` onward, without the
    `providers` word: `microsoft.network/virtualnetworks/vnet1/subnets/snet1`. None
    when the text is not a resource ID. Subscription, resource group and management group
    segments are dropped, so an ID built with unknown ones still matches."""
    segments = [part for part in resource_id.strip().split("/") if part]
    lowered = [part.lower() for part in segments]
    starts = [position for position, part in enumerate(lowered) if part == "providers"]
    if not starts:
        return None
    start = starts[0]
    if lowered[start + 1:start + 3] == ["microsoft.management", "managementgroups"] \
            and len(starts) > 1 and starts[1] == start + 4:
        start = starts[1]
    rest = lowered[start + 1:]
    if len(rest) < 3 or len(rest) % 2 == 0:
        return None
    return "/".join(rest)
