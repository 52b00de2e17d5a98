"""The ARM template expression language: tokenizer, recursive-descent parser, evaluator.

A JSON string is an expression when it starts with `[`, ends with `]` and does not start
with `[[`; a string that starts with `[[` and ends with `]` is the literal text with one `[`
removed; every other string is a literal. Grammar (names are case-insensitive):

    expression := primary ( "." NAME | "[" expression "]" )*
    primary    := STRING | INTEGER | NAME ("." NAME)? "(" [expression ("," expression)*] ")"
                | "true" | "false" | "null"

AST nodes carry their 0-based offset in the whole JSON string (the leading `[` is offset
0). `ExpressionError` carries that offset too; its `column` is the 1-based column inside
the string, which the resolver turns into a file position.

The evaluator works on `Sourced` values: literals and function results sit at the location
of the property that holds the expression (`Frame.loc`); a value read from a parameter or a
variable keeps the locations where it was written. Anything unknown is `Unresolved` and
propagates. Functions are looked up in `Frame.functions` (see `arm_functions`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Protocol

from aksnetlint import budget
from aksnetlint.errors import EvaluationError
from aksnetlint.values import Location, ResourceRef, Sourced, Unresolved

MAX_NESTING = 64
"""Deepest nesting of calls, indexes and member accesses accepted in one expression."""


class ExpressionError(EvaluationError):
    """A malformed expression or a function misused on known values (the template's
    fault). `offset` is the 0-based position inside the JSON string."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message, column=offset + 1)
        self.offset = offset


@dataclass(frozen=True, slots=True)
class StringLiteral:
    value: str
    offset: int


@dataclass(frozen=True, slots=True)
class IntLiteral:
    value: int
    offset: int


@dataclass(frozen=True, slots=True)
class Constant:
    """`true`, `false` or `null` written without parentheses."""

    value: bool | None
    offset: int


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Node, ...]
    offset: int

    @property
    def key(self) -> str:
        """The function name lower-cased (ARM function names are case-insensitive)."""
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Member:
    target: Node
    name: str
    offset: int


@dataclass(frozen=True, slots=True)
class Index:
    target: Node
    index: Node
    offset: int


Node = StringLiteral | IntLiteral | Constant | Call | Member | Index


# ---------------------------------------------------------------------------------------
# Tokens and parsing

@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "string", "int", "name", or the punctuation character itself
    text: str
    offset: int


_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<string>'(?:[^']|'')*')"
    r"|(?P<int>-?[0-9]+)(?![0-9A-Za-z_])"
    r"|(?P<name>[A-Za-z_$@][A-Za-z0-9_$@]*)"
    r"|(?P<punct>[()\[\],.])"
)


def is_expression(text: str) -> bool:
    """Whether a JSON string is an ARM expression (`[...]`, not `[[...`)."""
    return len(text) >= 2 and text[0] == "[" and text[-1] == "]" and text[1] != "["


def literal_text(text: str) -> str:
    """The value of a string that is not an expression (`[[x]` escapes to `[x]`)."""
    if text.startswith("[[") and text.endswith("]"):
        return text[1:]
    return text


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of `text[start:end]` with offsets into `text`; `ExpressionError` on a
    character that starts no token."""
    end = len(text) if end is None else end
    tokens: list[Token] = []
    pos = start
    while pos < end:
        match = _TOKEN.match(text, pos, end)
        if match is None:
            if text[pos] == "'":
                raise ExpressionError("unterminated string literal", pos)
            raise ExpressionError(f"unexpected character {text[pos]!r}", pos)
        kind = match.lastgroup or ""
        if kind == "punct":
            tokens.append(Token(match.group(), match.group(), pos))
        elif kind != "space":
            tokens.append(Token(kind, match.group(), pos))
        pos = match.end()
    return tokens


@lru_cache(maxsize=4096)
def parse_expression(text: str) -> Node:
    """Parse a whole JSON string `[...]` into an AST; `ExpressionError` when malformed."""
    if not is_expression(text):
        raise ExpressionError("not an expression: it must start with '[' and end with ']'",
                              0)
    parser = _Parser(tokenize(text, 1, len(text) - 1), len(text) - 1)
    if not parser.tokens:
        raise ExpressionError("empty expression", 1)
    node = parser.expression(0)
    if parser.pos < len(parser.tokens):
        token = parser.tokens[parser.pos]
        raise ExpressionError(f"unexpected {token.text!r} after the expression",
                              token.offset)
    return node


class _Parser:
    def __init__(self, tokens: list[Token], end: int) -> None:
        self.tokens = tokens
        self.pos = 0
        self.end = end

    def peek(self, kind: str | None = None) -> Token | None:
        if self.pos >= len(self.tokens):
            return None
        token = self.tokens[self.pos]
        if kind is not None and token.kind != kind:
            return None
        return token

    def take(self, kind: str, what: str) -> Token:
        token = self.peek()
        if token is None:
            raise ExpressionError(f"expected {what} but the expression ended", self.end)
        if token.kind != kind:
            raise ExpressionError(f"expected {what}, found {token.text!r}", token.offset)
        self.pos += 1
        return token

    def expression(self, depth: int) -> Node:
        if depth > MAX_NESTING:
            token = self.peek()
            raise ExpressionError(f"expression nested deeper than {MAX_NESTING} levels",
                                  token.offset if token else self.end)
        node = self.primary(depth)
        while True:
            token = self.peek()
            if token is None or token.kind not in ".[":
                return node
            self.pos += 1
            depth += 1
            if token.kind == ".":
                name = self.take("name", "a property name after '.'")
                node = Member(node, name.text, token.offset)
            else:
                index = self.expression(depth + 1)
                self.take("]", "']'")
                node = Index(node, index, token.offset)

    def primary(self, depth: int) -> Node:
        token = self.peek()
        if token is None:
            raise ExpressionError("expected a value but the expression ended", self.end)
        self.pos += 1
        if token.kind == "string":
            return StringLiteral(token.text[1:-1].replace("''", "'"), token.offset)
        if token.kind == "int":
            return IntLiteral(int(token.text), token.offset)
        if token.kind != "name":
            raise ExpressionError(f"expected a value, found {token.text!r}", token.offset)
        name = token.text
        if self.peek(".") and self._namespaced_call_follows():
            self.pos += 1
            name = f"{name}.{self.take('name', 'a function name').text}"
        if self.peek("(") is None:
            lowered = name.lower()
            if lowered in ("true", "false", "null"):
                return Constant({"true": True, "false": False}.get(lowered), token.offset)
            raise ExpressionError(f"expected '(' after function name {name!r}",
                                  self._next_offset())
        self.pos += 1
        return Call(name, self.arguments(depth), token.offset)

    def arguments(self, depth: int) -> tuple[Node, ...]:
        args: list[Node] = []
        if self.peek(")"):
            self.pos += 1
            return ()
        while True:
            args.append(self.expression(depth + 1))
            token = self.peek()
            if token is None:
                raise ExpressionError("expected ',' or ')' but the expression ended",
                                      self.end)
            self.pos += 1
            if token.kind == ")":
                return tuple(args)
            if token.kind != ",":
                raise ExpressionError(f"expected ',' or ')', found {token.text!r}",
                                      token.offset)

    def _namespaced_call_follows(self) -> bool:
        ahead = self.tokens[self.pos + 1:self.pos + 3]
        return len(ahead) == 2 and ahead[0].kind == "name" and ahead[1].kind == "("

    def _next_offset(self) -> int:
        token = self.peek()
        return token.offset if token else self.end


# ---------------------------------------------------------------------------------------
# Evaluation

class Scope(Protocol):
    """What an expression can see; implemented by the resolver (`resolve.arm`)."""

    def parameter(self, name: str, offset: int) -> Sourced:
        """The value of parameter `name`; `ExpressionError` when it is not declared."""

    def variable(self, name: str, offset: int) -> Sourced:
        """The value of variable `name`; `ExpressionError` when it is not declared."""

    def copy_index(self, loop: str | None) -> int | Unresolved | None:
        """The current index of copy loop `loop` (None: the resource's own loop); None
        when not inside such a loop."""

    def deployment(self) -> Deployment:
        """Facts about the deployment (scope, subscription, resource group)."""

    def resource_info(self, symbol: str) -> Sourced | None:
        """`{id, name, type, apiVersion}` of a symbolic-name resource, if declared."""

    def reference(self, key: str, full: bool) -> Sourced | None:
        """What `reference()` (`full`: with `'Full'`) of a resource this template declares
        (`key`, as `arm_resource_key` gives it) reads before deployment: what it declares
        (a nested deployment: its outputs), the rest runtime state (`RuntimeObject`); None
        when the template declares no such resource."""

    def user_function(self, name: str) -> UserFunction | None:
        """A user-defined function (`namespace.member`, lower-cased)."""


@dataclass(frozen=True, slots=True)
class Deployment:
    """What is known about where a template is deployed. Unknown values are Unresolved.

    `scope` is "resourceGroup", "subscription", "managementGroup" or "tenant".
    """

    scope: str = "resourceGroup"
    subscription_id: str | Unresolved = Unresolved("subscription ID is chosen at deployment")
    resource_group: str | Unresolved = Unresolved("resource group is chosen at deployment")
    location: str | Unresolved = Unresolved("resource group location is known at deployment")
    tenant_id: str | Unresolved = Unresolved("tenant ID is known at deployment")


@dataclass(frozen=True, slots=True)
class UserFunction:
    """A function from a template's `functions` section."""

    parameters: tuple[str, ...]
    output: object
    loc: Location | None


FunctionImpl = Callable[[Call, "Frame"], Sourced]


@dataclass(frozen=True, slots=True)
class Frame:
    """One evaluation: where the expression is written, what it sees, which functions."""

    loc: Location | None
    scope: Scope
    functions: Mapping[str, FunctionImpl]
    lambda_variables: Mapping[str, Sourced] = field(default_factory=dict)

    def with_lambda(self, bindings: Mapping[str, Sourced]) -> Frame:
        merged = dict(self.lambda_variables)
        merged.update(bindings)
        return replace(self, lambda_variables=merged)

    def unresolved(self, reason: str) -> Sourced:
        return Sourced(Unresolved(reason, self.loc), self.loc)


def evaluate(node: Node, frame: Frame) -> Sourced:
    """The value of an expression AST (see the module docstring)."""
    budget.step(frame.loc, node)
    if isinstance(node, StringLiteral | IntLiteral | Constant):
        return Sourced(node.value, frame.loc)
    if isinstance(node, Call):
        return call_function(node, frame)
    target = evaluate(node.target, frame)
    if isinstance(node, Member):
        return member(target, node.name, node.offset, frame)
    return index(target, evaluate(node.index, frame), node.offset, frame)


def evaluate_string(text: str, frame: Frame) -> Sourced:
    """The value of a JSON string: an expression evaluated, or the literal text."""
    if not is_expression(text):
        return Sourced(literal_text(text), frame.loc)
    return evaluate(parse_expression(text), frame)


def call_function(node: Call, frame: Frame) -> Sourced:
    impl = frame.functions.get(node.key)
    if impl is None:
        if "." in node.name:
            return _call_user_function(node, frame)
        if node.key.startswith("list"):
            return frame.unresolved(f"{node.name}() reads runtime state")
        return frame.unresolved(f"function {node.name}() is not evaluated")
    return impl(node, frame)


def _call_user_function(node: Call, frame: Frame) -> Sourced:
    function = frame.scope.user_function(node.key)
    if function is None:
        raise ExpressionError(f"user-defined function {node.name!r} is not declared",
                              node.offset)
    if len(node.args) != len(function.parameters):
        raise ExpressionError(f"{node.name}() takes {len(function.parameters)} "
                              f"arguments, got {len(node.args)}", node.offset)
    values = {name.lower(): evaluate(arg, frame)
              for name, arg in zip(function.parameters, node.args, strict=True)}
    inner = Frame(frame.loc, _FunctionScope(frame.scope, values), frame.functions)
    output = function.output
    if isinstance(output, str):
        return evaluate_string(output, inner)
    return frame.unresolved(f"user-defined function {node.name}() returns a non-string")


class _FunctionScope:
    """Inside a user-defined function only its own parameters are visible."""

    def __init__(self, outer: Scope, values: Mapping[str, Sourced]) -> None:
        self._outer = outer
        self._values = values

    def parameter(self, name: str, offset: int) -> Sourced:
        found = self._values.get(name.lower())
        if found is None:
            raise ExpressionError(f"function parameter {name!r} is not declared", offset)
        return found

    def variable(self, name: str, offset: int) -> Sourced:
        raise ExpressionError("variables() cannot be used in a user-defined function",
                              offset)

    def copy_index(self, loop: str | None) -> int | Unresolved | None:
        return None

    def deployment(self) -> Deployment:
        return self._outer.deployment()

    def resource_info(self, symbol: str) -> Sourced | None:
        return None

    def reference(self, key: str, full: bool) -> Sourced | None:
        return None

    def user_function(self, name: str) -> UserFunction | None:
        return self._outer.user_function(name)


def lookup_key(mapping: Mapping[str, object], name: str) -> str | None:
    """The key of `mapping` matching `name`: exactly, else ignoring case (ARM property
    names are case-insensitive)."""
    if name in mapping:
        return name
    lowered = name.lower()
    for key in mapping:
        if key.lower() == lowered:
            return key
    return None


# ---------------------------------------------------------------------------------------
# The state of a resource as a value: declared (or computed) parts, runtime for the rest

Runtime = Callable[[str], "Unresolved | ResourceRef"]
"""What Azure assigns at a property path of a resource (`properties.subnets[2].id`)."""


def path_text(path: tuple[str | int, ...]) -> str:
    """`('properties', 'subnets', 0, 'id')` as `properties.subnets[0].id`."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else f".{step}"
    return text.lstrip(".")


class RuntimeObject(dict[str, Sourced]):
    """An object of a declared resource's state (`vnet.properties`, `vnet.properties.
    subnets[0]`) once it is a value: the declared properties, and for any other property
    what Azure assigns at deployment (a read-only `provisioningState`, an `id`), never
    "property does not exist" (the compiled template reads it with `reference()`)."""

    __slots__ = ("runtime", "path")

    def __init__(self, items: dict[str, Sourced], runtime: Runtime,
                 path: tuple[str | int, ...]) -> None:
        super().__init__(items)
        self.runtime = runtime
        self.path = path

    def missing(self, step: str | int) -> Unresolved | ResourceRef:
        return self.runtime(path_text((*self.path, step)))

    def __reduce__(self) -> tuple[type, tuple[dict[str, Sourced]]]:
        return dict, (dict(self),)


class RuntimeList(list[Sourced]):
    """An array of a declared resource's state: an index past the declared items is what
    Azure has at deployment (subnets declared elsewhere), not an error."""

    __slots__ = ("runtime", "path")

    def __init__(self, items: list[Sourced], runtime: Runtime,
                 path: tuple[str | int, ...]) -> None:
        super().__init__(items)
        self.runtime = runtime
        self.path = path

    def missing(self, step: str | int) -> Unresolved | ResourceRef:
        return self.runtime(path_text((*self.path, step)))

    def __reduce__(self) -> tuple[type, tuple[list[Sourced]]]:
        return list, (list(self),)


def inline_child(path: tuple[str | int, ...]) -> bool:
    """Whether `path` designates a child resource declared inline in its parent's body
    (`properties.subnets[0]`)."""
    return len(path) == 3 and path[0] == "properties" and isinstance(path[2], int)


def inline_child_id(resource_id: str | Unresolved, path: tuple[str | int, ...],
                    data: dict[str, Sourced], runtime: Runtime,
                    loc: Location | None) -> Sourced:
    """The ID of the child declared inline at `path` of the resource `resource_id`
    (`vnet/subnets/aks` for `properties.subnets[0]` named `aks`)."""
    name = data.get("name")
    if isinstance(resource_id, Unresolved):
        return Sourced(resource_id, loc)
    if name is None or not isinstance(name.data, str):
        return Sourced(runtime(path_text((*path, "id"))), loc)
    return Sourced(f"{resource_id}/{path[1]}/{name.data}", loc)


def runtime_view(value: Sourced, path: tuple[str | int, ...], runtime: Runtime,
                 resource_id: str | Unresolved) -> Sourced:
    """A declared value of a resource (at `path` of its body) as the resource's state
    reads it: the declared parts, and for the rest what Azure assigns (`RuntimeObject`,
    `RuntimeList`); inline children get their `id`."""
    data = value.data
    if isinstance(data, dict):
        items = {key: runtime_view(item, (*path, key), runtime, resource_id)
                 for key, item in data.items()}
        if inline_child(path) and not any(key.lower() == "id" for key in items):
            items["id"] = inline_child_id(resource_id, path, data, runtime, value.loc)
        return Sourced(RuntimeObject(items, runtime, path), value.loc, value.at)
    if isinstance(data, list):
        return Sourced(RuntimeList([runtime_view(item, (*path, position), runtime,
                                                 resource_id)
                                    for position, item in enumerate(data)], runtime, path),
                       value.loc, value.at)
    return value


def member(target: Sourced, name: str, offset: int, frame: Frame) -> Sourced:
    """`target.name`: the property's own Sourced value (its location kept)."""
    data = target.data
    if isinstance(data, Unresolved):
        return Sourced(Unresolved(f"{data.reason} (reading .{name})", data.location),
                       frame.loc)
    if isinstance(data, ResourceRef):
        return Sourced(extend_ref(data, name), frame.loc)
    if isinstance(data, dict):
        key = lookup_key(data, name)
        if key is None:
            if isinstance(data, RuntimeObject):
                return Sourced(data.missing(name), frame.loc)
            raise ExpressionError(f"property {name!r} does not exist", offset)
        return data[key]
    raise ExpressionError(f"cannot read property {name!r} of {type_name(data)}", offset)


def index(target: Sourced, position: Sourced, offset: int, frame: Frame) -> Sourced:
    """`target[position]` for an array (integer) or an object (string key)."""
    data, key = target.data, position.data
    for value in (data, key):
        if isinstance(value, Unresolved):
            return Sourced(value, frame.loc)
    if isinstance(key, ResourceRef):
        return frame.unresolved(f"index {key} is assigned at deployment")
    if isinstance(data, ResourceRef):
        return Sourced(extend_ref(data, f"[{key}]"), frame.loc)
    if isinstance(data, list) and isinstance(key, int) and not isinstance(key, bool):
        if not 0 <= key < len(data):
            if isinstance(data, RuntimeList) and key >= 0:
                return Sourced(data.missing(key), frame.loc)
            raise ExpressionError(f"index {key} is outside the array (length "
                                  f"{len(data)})", offset)
        return data[key]
    if isinstance(data, dict) and isinstance(key, str):
        return member(target, key, offset, frame)
    raise ExpressionError(f"cannot index {type_name(data)} with {type_name(key)}", offset)


def extend_ref(ref: ResourceRef, step: str) -> ResourceRef:
    """A reference to a deeper attribute of the same resource."""
    if step.startswith("["):
        return ResourceRef(ref.target, f"{ref.attribute}{step}")
    if ref.attribute == FULL_REFERENCE:
        return ResourceRef(ref.target, step)
    return ResourceRef(ref.target, f"{ref.attribute}.{step}" if ref.attribute else step)


FULL_REFERENCE = "<full>"
"""`ResourceRef.attribute` of `reference(x, api, 'Full')` before any property is read."""


def type_name(data: object) -> str:
    if data is None:
        return "null"
    if isinstance(data, bool):
        return "a bool"
    if isinstance(data, int | float):
        return "an int"
    if isinstance(data, str):
        return "a string"
    if isinstance(data, list):
        return "an array"
    if isinstance(data, dict):
        return "an object"
    if isinstance(data, ResourceRef):
        return "a value of a resource known only at deployment"
    return "a value known only at deployment"
