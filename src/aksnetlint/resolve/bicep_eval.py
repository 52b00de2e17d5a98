"""Bicep expressions evaluated over `Sourced` values.

`Evaluator.value(expr, env)` turns a `bicep_ast` expression into a `Sourced` value; the
names it meets are looked up first in `env` (loop items, lambda and function parameters),
then in the file through the `Symbols` protocol the resolver implements. A name that
designates something which is not a plain value (a resource, a module, an import
namespace) comes back as a `Handle`; member access, indexing, `::` and method calls on a
handle are answered by the handle, so `vnet::subnet.id`, `subnets[1].name` and
`net.outputs.subnetId` are resolved without building whole resource objects.

Function calls share the ARM function library (`arm_functions.FUNCTIONS`): each Bicep
argument becomes a synthetic ARM node that evaluates the Bicep expression when the ARM
function asks for it (lazily, so `filter`/`map`/`reduce` lambdas and short-circuiting
work unchanged). Bicep-only functions (scope functions with arguments, `load*Content`,
`readEnvironmentVariable`, `getSecret`, `any`, `nameof`) are implemented here.

Locations follow `arm_expressions`: a literal sits where it is written, a computed result
at the expression that computes it, and a value read from a parameter or variable keeps
the place it was written; an object property or array entry whose value was written
elsewhere gets `at` = that property or entry. Unknown values are `Unresolved` and
propagate; a template error (a missing property, a type error on known values) raises
`Failure` at the offending expression.
"""

from __future__ import annotations

import base64
from collections import ChainMap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import yaml

from aksnetlint import budget
from aksnetlint.errors import ParseError
from aksnetlint.parsers import bicep_ast as ast
from aksnetlint.parsers.arm import loads
from aksnetlint.resolve import arm_expressions as arm
from aksnetlint.resolve.arm_expressions import (
    Deployment,
    ExpressionError,
    Frame,
    RuntimeList,
    RuntimeObject,
    UserFunction,
)
from aksnetlint.resolve.arm_functions import FUNCTIONS, display, equal, unknown_of
from aksnetlint.sources import escape, inside, read_bytes, read_text
from aksnetlint.values import Location, ResourceRef, Sourced, Unresolved, find_unresolved
from aksnetlint.values import sourced as wrap

Env = Mapping[str, Sourced]

MAX_LOOP = 800
"""Azure's limit on the iterations of one loop (resources, modules, variables)."""

MAX_LOADED_BYTES = 4 * 1024 * 1024
"""Largest file `loadTextContent()` and friends read."""

_THUNK = "\x00bicep"
_SCOPE_TYPES = {
    "resourcegroup": "Microsoft.Resources/resourceGroups",
    "managementgroup": "Microsoft.Management/managementGroups",
}


class Failure(Exception):
    """A template error found while evaluating, at `loc` (reported, then Unresolved)."""

    def __init__(self, message: str, loc: Location | None) -> None:
        super().__init__(message)
        self.message = message
        self.loc = loc


class BudgetExceeded(Failure):
    """The evaluation took more steps than `Budget.limit` (a pathological template)."""


class Budget:
    """Counts evaluation steps across one resolution so nothing runs away."""

    __slots__ = ("steps", "limit")

    def __init__(self, limit: int) -> None:
        self.steps = 0
        self.limit = limit

    def tick(self, loc: Location) -> None:
        self.steps += 1
        if self.steps > self.limit:
            raise BudgetExceeded(f"evaluation stopped after {self.limit:,} steps; the "
                                 "rest of this deployment is unknown", loc)


class Handle:
    """Something a name designates that is not a plain value: a resource, a resource
    loop, a module, module outputs, an import namespace. Subclasses answer what applies;
    the defaults are template errors."""

    what = "this symbol"

    def member(self, name: str, loc: Location, safe: bool) -> Sourced | Handle:
        raise Failure(f"{self.what} has no property {name!r}", loc)

    def index(self, position: Sourced, loc: Location, safe: bool) -> Sourced | Handle:
        raise Failure(f"{self.what} cannot be indexed", loc)

    def child(self, name: str, loc: Location) -> Sourced | Handle:
        raise Failure(f"{self.what} has no nested resource {name!r}", loc)

    def call(self, name: str, args: list[Sourced], loc: Location) -> Sourced:
        raise Failure(f"{self.what} has no function {name!r}", loc)

    def value(self, loc: Location) -> Sourced:
        raise Failure(f"{self.what} is not a value", loc)

    def length(self) -> int | None:
        """How many items indexing sees (a loop's instances); None when unknown."""
        return None


Function = Callable[[list[Sourced], Location], Sourced]


class Symbols(Protocol):
    """What an expression sees in its file (implemented by `resolve.bicep`)."""

    folder: Path | None

    def lookup(self, name: str, loc: Location) -> Sourced | Handle | None:
        """The value or handle a file-level name designates; None when undeclared."""

    def function(self, name: str) -> Function | None:
        """A user-defined or imported function callable by `name`."""

    def deployment(self) -> Deployment:
        """Where the file is deployed (scope, subscription, resource group)."""


def within(inner: Location, outer: Location) -> bool:
    """Whether `inner` lies inside the span of `outer` (same file)."""
    if inner.path != outer.path:
        return False
    start = (inner.line, inner.column)
    if start < (outer.line, outer.column):
        return False
    if outer.end_line is None or outer.end_column is None:
        return inner.line == outer.line
    return start < (outer.end_line, outer.end_column)


def placed(value: Sourced, region: Location) -> Sourced:
    """`value` as held by the property or entry at `region`: a value written elsewhere
    gets `at` = `region` (the attribute that consumes it)."""
    if value.loc is None:
        return Sourced(value.data, region)
    if within(value.loc, region):
        return value
    return Sourced(value.data, value.loc, region)


def _type_name(data: object) -> str:
    return arm.type_name(data)


class Evaluator:
    """Evaluates the expressions of one file (see the module docstring)."""

    def __init__(self, symbols: Symbols, budget: Budget,
                 recover: Callable[[Failure], None] | None = None) -> None:
        self.symbols = symbols
        self.budget = budget
        self.recover = recover
        self._scope = _ArmScope(symbols)

    # -- entry points ------------------------------------------------------------------

    def value(self, expr: ast.Expr, env: Env) -> Sourced:
        """The value of `expr`; `Failure` on a template error."""
        self.budget.tick(expr.loc)
        budget.step(expr.loc, expr)
        method = _VALUE_METHODS.get(type(expr))
        if method is not None:
            return method(self, expr, env)
        found = self.ref(expr, env)
        if isinstance(found, Handle):
            return found.value(expr.loc)
        return found

    def ref(self, expr: ast.Expr, env: Env) -> Sourced | Handle:
        """Like `value`, but a resource, module or namespace stays a `Handle`."""
        if isinstance(expr, ast.Ident):
            return self._ident(expr, env)
        if isinstance(expr, ast.PropertyAccess):
            return self._property(expr, env)
        if isinstance(expr, ast.Index):
            return self._index(expr, env)
        if isinstance(expr, ast.ResourceAccess):
            base = self.ref(expr.base, env)
            if not isinstance(base, Handle):
                raise Failure("'::' applies to a resource", expr.loc)
            return base.child(expr.name.value, expr.loc)
        if isinstance(expr, ast.Call):
            return self._call(expr, env)
        if isinstance(expr, ast.NonNullAssert):
            return self.ref(expr.expr, env)
        return self.value(expr, env)

    # -- names, members, indexes ---------------------------------------------------------

    def _ident(self, expr: ast.Ident, env: Env) -> Sourced | Handle:
        found = env.get(expr.name)
        if found is not None:
            return found
        symbol = self.symbols.lookup(expr.name, expr.loc)
        if symbol is None:
            raise Failure(f"{expr.name!r} is not declared", expr.loc)
        return symbol

    def _property(self, expr: ast.PropertyAccess, env: Env) -> Sourced | Handle:
        base = self.ref(expr.base, env)
        safe = expr.safe or safe_chain(expr.base)
        if isinstance(base, Handle):
            return base.member(expr.name.value, expr.loc, safe)
        return member(base, expr.name.value, expr.loc, safe)

    def _index(self, expr: ast.Index, env: Env) -> Sourced | Handle:
        base = self.ref(expr.base, env)
        position = self.value(expr.index, env)
        safe = expr.safe or safe_chain(expr.base)
        if expr.from_end:
            position = from_end(base, position, expr.loc, safe)
            if position.data is None:
                return position
        if isinstance(base, Handle):
            return base.index(position, expr.loc, safe)
        return index(base, position, expr.loc, safe)

    # -- literals and containers -----------------------------------------------------------

    def _string(self, expr: ast.String, env: Env) -> Sourced:
        text = expr.value
        if text is not None:
            return Sourced(text, expr.loc)
        pieces: list[str] = []
        for part in expr.parts:
            if isinstance(part, str):
                pieces.append(part)
                continue
            value = self.value(part, env)
            unknown = find_unresolved(value)
            if unknown is None and isinstance(value.data, ResourceRef):
                unknown = unknown_of(value)
            if unknown is not None:
                return Sourced(Unresolved(f"interpolated value is unknown ({unknown.reason})",
                                          unknown.location or expr.loc), expr.loc)
            pieces.append(display(value.plain()))
        return Sourced("".join(pieces), expr.loc)

    def _literal(self, expr: ast.Int | ast.Bool | ast.Null, env: Env) -> Sourced:
        return Sourced(expr.value if not isinstance(expr, ast.Null) else None, expr.loc)

    def _array(self, expr: ast.Array, env: Env) -> Sourced:
        items: list[Sourced] = []
        for item in expr.items:
            if isinstance(item, ast.Spread):
                spread = self.value(item.expr, env)
                unknown = unknown_of(spread)
                if unknown is not None:
                    return Sourced(Unresolved(f"spread array is unknown ({unknown.reason})",
                                              unknown.location), expr.loc)
                if not isinstance(spread.data, list):
                    raise Failure(f"cannot spread {_type_name(spread.data)} into an array",
                                  item.loc)
                items.extend(spread.data)
            else:
                items.append(placed(self._part(item, env), item.loc))
        return Sourced(items, expr.loc)

    def _object(self, expr: ast.Object, env: Env) -> Sourced:
        result: dict[str, Sourced] = {}
        for item in expr.items:
            if isinstance(item, ast.Resource):
                continue
            if isinstance(item, ast.Spread):
                spread = self.value(item.expr, env)
                unknown = unknown_of(spread)
                if unknown is not None:
                    return Sourced(Unresolved(f"spread object is unknown ({unknown.reason})",
                                              unknown.location), expr.loc)
                if not isinstance(spread.data, dict):
                    raise Failure(f"cannot spread {_type_name(spread.data)} into an object",
                                  item.loc)
                result.update(spread.data)
                continue
            key = self.key(item, env)
            if isinstance(key, Unresolved):
                return Sourced(key, expr.loc)
            result[key] = placed(self._part(item.value, env), item.loc)
        return Sourced(result, expr.loc)

    def _part(self, expr: ast.Expr, env: Env) -> Sourced:
        """An element of an array or object literal. With `recover`, a template error in it
        is handed to `recover` and only that element is Unresolved: one bad property (an
        undeclared symbol in `osDiskSizeGB`) does not hide its siblings."""
        if self.recover is None:
            return self.value(expr, env)
        try:
            return self.value(expr, env)
        except BudgetExceeded:
            raise
        except Failure as failure:
            self.recover(failure)
            return Sourced(Unresolved(f"invalid expression: {failure.message}", failure.loc),
                           expr.loc)

    def key(self, item: ast.ObjectProperty, env: Env) -> str | Unresolved:
        """An object property's key; an interpolated key is evaluated."""
        if item.key.value is not None:
            return item.key.value
        key = self.value(item.key, env)
        unknown = unknown_of(key)
        if unknown is not None:
            return Unresolved(f"property name is unknown ({unknown.reason})", item.key.loc)
        if not isinstance(key.data, str):
            raise Failure("a property name must be a string", item.key.loc)
        return key.data

    def _for(self, expr: ast.For, env: Env) -> Sourced:
        iterable = self.value(expr.iterable, env)
        unknown = unknown_of(iterable)
        if unknown is not None:
            return Sourced(Unresolved(f"loop over an unknown array ({unknown.reason})",
                                      unknown.location), expr.loc)
        if not isinstance(iterable.data, list):
            raise Failure(f"a loop needs an array, got {_type_name(iterable.data)}",
                          expr.iterable.loc)
        items: list[Sourced] = []
        for position, item in enumerate(iterable.data[:MAX_LOOP]):
            inner = loop_env(env, expr, item, Sourced(position, expr.loc))
            if expr.filter is not None:
                keep = self.condition(expr.filter, inner)
                if keep is None:
                    return Sourced(Unresolved("a loop filter is unknown", expr.filter.loc),
                                   expr.loc)
                if not keep:
                    continue
            items.append(placed(self.value(expr.body, inner), expr.body.loc))
        budget.value(items, expr.loc, "loop")
        return Sourced(items, expr.loc)

    def condition(self, expr: ast.Expr, env: Env) -> bool | None:
        """A condition's truth; None when unknown."""
        value = self.value(expr, env)
        if unknown_of(value) is not None:
            return None
        if not isinstance(value.data, bool):
            raise Failure(f"a condition must be a bool, got {_type_name(value.data)}",
                          expr.loc)
        return value.data

    # -- operators ----------------------------------------------------------------------

    def _ternary(self, expr: ast.Ternary, env: Env) -> Sourced:
        verdict = self.condition(expr.condition, env)
        if verdict is None:
            return Sourced(Unresolved("the condition of '?:' is unknown", expr.condition.loc),
                           expr.loc)
        return self.value(expr.if_true if verdict else expr.if_false, env)

    def _unary(self, expr: ast.Unary, env: Env) -> Sourced:
        operand = self.value(expr.operand, env)
        unknown = unknown_of(operand)
        if unknown is not None:
            return Sourced(unknown, expr.loc)
        data = operand.data
        if expr.op == "!":
            if not isinstance(data, bool):
                raise Failure(f"'!' needs a bool, got {_type_name(data)}", expr.loc)
            return Sourced(not data, expr.loc)
        if isinstance(data, bool) or not isinstance(data, int):
            raise Failure(f"'-' needs an int, got {_type_name(data)}", expr.loc)
        return Sourced(-data, expr.loc)

    def _binary(self, expr: ast.Binary, env: Env) -> Sourced:
        if expr.op in ("&&", "||"):
            return self._junction(expr, env)
        left = self.value(expr.left, env)
        if expr.op == "??":
            if left.data is None:
                return self.value(expr.right, env)
            return left
        right = self.value(expr.right, env)
        return binary(expr.op, left, right, expr.loc)

    def _junction(self, expr: ast.Binary, env: Env) -> Sourced:
        decisive = expr.op == "||"
        left = self.condition(expr.left, env)
        if left is decisive:
            return Sourced(decisive, expr.loc)
        right = self.condition(expr.right, env)
        if right is decisive:
            return Sourced(decisive, expr.loc)
        if left is None or right is None:
            return Sourced(Unresolved(f"'{expr.op}' of an unknown condition"), expr.loc)
        return Sourced(not decisive, expr.loc)

    def _lambda(self, expr: ast.Lambda, env: Env) -> Sourced:
        raise Failure("a lambda can only be an argument of a function such as map or filter",
                      expr.loc)

    def _if(self, expr: ast.If, env: Env) -> Sourced:
        raise Failure("'if' is only allowed on a resource, a module or a loop", expr.loc)

    # -- calls ------------------------------------------------------------------------

    def _call(self, expr: ast.Call, env: Env) -> Sourced | Handle:
        if expr.target is not None:
            target = self.ref(expr.target, env)
            if isinstance(target, Handle):
                return target.call(expr.name, self._args(expr, env), expr.loc)
            return self._method_of_value(target, expr, env)
        namespace = expr.namespace
        if namespace is not None and namespace not in ("az", "sys"):
            holder = env.get(namespace) or self.symbols.lookup(namespace, expr.loc)
            if isinstance(holder, Handle):
                return holder.call(expr.name, self._args(expr, env), expr.loc)
            if holder is not None:
                return self._method_of_value(holder, expr, env)
            raise Failure(f"{namespace!r} is not declared", expr.loc)
        if namespace is None:
            user = self.symbols.function(expr.name)
            if user is not None:
                return user(self._args(expr, env), expr.loc)
        return self.builtin(expr, env)

    def _method_of_value(self, target: Sourced, expr: ast.Call, env: Env) -> Sourced:
        """`x.f()` where `x` is a value: unknown when `x` is (a resource of an unknown loop,
        a module output: `kv.getSecret()`, `stg.listKeys()` read runtime state), else a
        template error."""
        unknown = unknown_of(target)
        if unknown is not None:
            self._args(expr, env)
            return Sourced(Unresolved(f"{expr.name}() of a value known only at deployment "
                                      f"({unknown.reason})", unknown.location or expr.loc),
                           expr.loc)
        raise Failure(f"{_type_name(target.data)} has no function {expr.name!r}", expr.loc)

    def _args(self, expr: ast.Call, env: Env) -> list[Sourced]:
        return [self.value(arg, env) for arg in expr.args]

    def builtin(self, expr: ast.Call, env: Env) -> Sourced:
        """A function of the `sys` or `az` namespace."""
        key = expr.name.lower()
        native = _NATIVE.get(key)
        if native is not None:
            return native(self, expr, env)
        impl = FUNCTIONS.get(key)
        if impl is not None:
            return self.call_arm(impl, expr, env)
        for arg in expr.args:
            if not isinstance(arg, ast.Lambda):
                self.value(arg, env)
        if key.startswith("list"):
            return Sourced(Unresolved(f"{expr.name}() reads runtime state", expr.loc),
                           expr.loc)
        return Sourced(Unresolved(f"function {expr.name}() is not evaluated", expr.loc),
                       expr.loc)

    def call_arm(self, impl: arm.FunctionImpl, expr: ast.Call, env: Env) -> Sourced:
        """Call an ARM library function with Bicep arguments (see the module docstring)."""
        thunks: list[Callable[[Frame], Sourced]] = []
        nodes: list[arm.Node] = []
        for position, arg in enumerate(expr.args, 1):
            thunk = arm.Call(_THUNK, (arm.IntLiteral(len(thunks), position),), position)
            if isinstance(arg, ast.Lambda):
                thunks.append(self._lambda_thunk(arg, env))
                names = tuple(arm.StringLiteral(p.name, position) for p in arg.params)
                nodes.append(arm.Call("lambda", (*names, thunk), position))
            else:
                thunks.append(self._arg_thunk(arg, env))
                nodes.append(thunk)

        def run(call: arm.Call, frame: Frame) -> Sourced:
            slot = call.args[0]
            assert isinstance(slot, arm.IntLiteral)
            return thunks[slot.value](frame)

        functions: ChainMap[str, arm.FunctionImpl] = ChainMap({_THUNK: run}, FUNCTIONS)
        frame = Frame(expr.loc, self._scope, functions)
        try:
            return impl(arm.Call(expr.name, tuple(nodes), 0), frame)
        except ExpressionError as exc:
            at = expr.args[exc.offset - 1].loc if 0 < exc.offset <= len(expr.args) \
                else expr.loc
            raise Failure(exc.message, at) from None

    def _arg_thunk(self, arg: ast.Expr, env: Env) -> Callable[[Frame], Sourced]:
        return lambda frame: self.value(arg, env)

    def _lambda_thunk(self, lam: ast.Lambda, env: Env) -> Callable[[Frame], Sourced]:
        def run(frame: Frame) -> Sourced:
            inner = dict(env)
            for param in lam.params:
                bound = frame.lambda_variables.get(param.name.lower())
                if bound is None:
                    raise Failure(f"lambda parameter {param.name!r} gets no value", param.loc)
                inner[param.name] = bound
            return self.value(lam.body, inner)

        return run


def safe_chain(expr: ast.Expr) -> bool:
    """Whether `expr` is an access chain with a safe step (`a.?b.c`, `a[?0].b`): every
    later step of the chain is safe too, so the whole chain is null once one step is, as
    the compiled template's `tryGet(a, 'b', 'c', ...)` is."""
    while isinstance(expr, ast.PropertyAccess | ast.Index):
        if expr.safe:
            return True
        expr = expr.base
    return False


def from_end(base: Sourced | Handle, position: Sourced, loc: Location, safe: bool
             ) -> Sourced:
    """The index that `base[^position]` reads, counted from the start (`[^1]` is the last
    item); null (the result) when `safe` and `base` is null or too short. Unknown when the
    length is."""
    unknown = unknown_of(position)
    if unknown is not None:
        return Sourced(unknown, loc)
    count = position.data
    if isinstance(count, bool) or not isinstance(count, int):
        raise Failure(f"an index from the end must be an int, got {_type_name(count)}", loc)
    if isinstance(base, Handle):
        length = base.length()
        if length is None:
            return Sourced(Unresolved(f"index from the end of {base.what}, whose length is "
                                      "known only at deployment"), loc)
    else:
        data = base.data
        if isinstance(data, Unresolved | ResourceRef):
            return Sourced(Unresolved("index from the end of an array known only at "
                                      "deployment"), loc)
        if data is None and safe:
            return Sourced(None, loc)
        if not isinstance(data, list):
            raise Failure(f"cannot index {_type_name(data)} from the end", loc)
        length = len(data)
    if 1 <= count <= length:
        return Sourced(length - count, loc)
    if safe:
        return Sourced(None, loc)
    raise Failure(f"index ^{count} is outside the array (length {length})", loc)


def loop_env(env: Env, loop: ast.For, item: Sourced, position: Sourced) -> dict[str, Sourced]:
    """`env` with a loop's item (and index) variables bound."""
    inner = dict(env)
    inner[loop.item.value] = item
    if loop.index is not None:
        inner[loop.index.value] = position
    return inner


# ---------------------------------------------------------------------------------------
# The state of a declared resource as a value

# ---------------------------------------------------------------------------------------
# Member access, indexing and operators on plain values

def member(base: Sourced, name: str, loc: Location, safe: bool = False) -> Sourced:
    """`base.name` (`base.?name` when `safe`): the property's own Sourced value."""
    data = base.data
    if isinstance(data, Unresolved):
        return Sourced(Unresolved(f"{data.reason} (reading .{name})", data.location), loc)
    if isinstance(data, ResourceRef):
        return Sourced(arm.extend_ref(data, name), loc)
    if data is None and safe:
        return Sourced(None, loc)
    if isinstance(data, dict):
        key = arm.lookup_key(data, name)
        if key is not None:
            return data[key]
        if isinstance(data, RuntimeObject):
            return Sourced(data.missing(name), loc)
        if safe:
            return Sourced(None, loc)
        raise Failure(f"property {name!r} does not exist", loc)
    if safe:
        return Sourced(None, loc)  # `tryGet` of a string or a number is null
    raise Failure(f"cannot read property {name!r} of {_type_name(data)}", loc)


def index(base: Sourced, position: Sourced, loc: Location, safe: bool = False) -> Sourced:
    """`base[position]` (`base[?position]` when `safe`)."""
    data, key = base.data, position.data
    if isinstance(data, Unresolved):
        return Sourced(data, loc)
    unknown = unknown_of(position)
    if unknown is not None:
        return Sourced(unknown, loc)
    if isinstance(data, ResourceRef):
        return Sourced(arm.extend_ref(data, f"[{key}]"), loc)
    if data is None and safe:
        return Sourced(None, loc)
    if isinstance(data, list) and isinstance(key, int) and not isinstance(key, bool):
        if 0 <= key < len(data):
            return data[key]
        if isinstance(data, RuntimeList) and key >= 0:
            return Sourced(data.missing(key), loc)
        if safe:
            return Sourced(None, loc)
        raise Failure(f"index {key} is outside the array (length {len(data)})", loc)
    if isinstance(data, dict) and isinstance(key, str):
        return member(base, key, loc, safe)
    if safe:
        return Sourced(None, loc)
    raise Failure(f"cannot index {_type_name(data)} with {_type_name(key)}", loc)


def binary(op: str, left: Sourced, right: Sourced, loc: Location) -> Sourced:
    """A binary operator other than `&&`, `||` and `??` on evaluated operands."""
    if op in ("==", "!="):
        verdict = equal(left, right)
        if verdict is None:
            return Sourced(Unresolved(f"'{op}' compares a value known only at deployment"),
                           loc)
        return Sourced(verdict == (op == "=="), loc)
    for operand in (left, right):
        unknown = unknown_of(operand)
        if unknown is not None:
            return Sourced(Unresolved(f"'{op}' of an unknown value ({unknown.reason})",
                                      unknown.location), loc)
    a, b = left.data, right.data
    if op in ("=~", "!~"):
        if isinstance(a, str) and isinstance(b, str):
            return Sourced((a.lower() == b.lower()) == (op == "=~"), loc)
        verdict = equal(left, right)
        return Sourced(bool(verdict) == (op == "=~"), loc)
    if op in ("<", "<=", ">", ">="):
        return Sourced(_compare(op, a, b, loc), loc)
    return Sourced(_arithmetic(op, a, b, loc), loc)


def _compare(op: str, a: object, b: object, loc: Location) -> bool:
    both_ints = all(isinstance(x, int) and not isinstance(x, bool) for x in (a, b))
    if not both_ints and not (isinstance(a, str) and isinstance(b, str)):
        raise Failure(f"'{op}' compares two ints or two strings, got {_type_name(a)} and "
                      f"{_type_name(b)}", loc)
    pair: tuple[Any, Any] = (a, b)
    if op == "<":
        return bool(pair[0] < pair[1])
    if op == "<=":
        return bool(pair[0] <= pair[1])
    if op == ">":
        return bool(pair[0] > pair[1])
    return bool(pair[0] >= pair[1])


def _arithmetic(op: str, a: object, b: object, loc: Location) -> int:
    if isinstance(a, bool) or isinstance(b, bool) or not isinstance(a, int) \
            or not isinstance(b, int):
        raise Failure(f"'{op}' needs two ints, got {_type_name(a)} and {_type_name(b)}", loc)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        raise Failure("division by zero", loc)
    quotient = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)  # truncates, as .NET
    return quotient if op == "/" else a - b * quotient


# ---------------------------------------------------------------------------------------
# Bicep-only functions

Native = Callable[[Evaluator, ast.Call, Env], Sourced]
_NATIVE: dict[str, Native] = {}


def _native(*names: str) -> Callable[[Native], Native]:
    def register(impl: Native) -> Native:
        for name in names:
            _NATIVE[name.lower()] = impl
        return impl

    return register


def _arity(expr: ast.Call, low: int, high: int) -> None:
    if not low <= len(expr.args) <= high:
        expected = str(low) if low == high else f"{low} to {high}"
        raise Failure(f"{expr.name}() takes {expected} arguments, got {len(expr.args)}",
                      expr.loc)


def _text_arg(evaluator: Evaluator, expr: ast.Call, env: Env,
              position: int) -> str | Unresolved:
    value = evaluator.value(expr.args[position], env)
    unknown = unknown_of(value)
    if unknown is not None:
        return unknown
    if not isinstance(value.data, str):
        raise Failure(f"{expr.name}() expects a string, got {_type_name(value.data)}",
                      expr.args[position].loc)
    return value.data


@_native("any")
def _any(evaluator: Evaluator, expr: ast.Call, env: Env) -> Sourced:
    _arity(expr, 1, 1)
    return evaluator.value(expr.args[0], env)


@_native("nameof")
def _nameof(evaluator: Evaluator, expr: ast.Call, env: Env) -> Sourced:
    _arity(expr, 1, 1)
    arg = expr.args[0]
    if isinstance(arg, ast.Ident):
        return Sourced(arg.name, expr.loc)
    if isinstance(arg, ast.PropertyAccess | ast.ResourceAccess):
        return Sourced(arg.name.value, expr.loc)
    if isinstance(arg, ast.Index) and isinstance(arg.index, ast.String) \
            and arg.index.value is not None:
        return Sourced(arg.index.value, expr.loc)  # `nameof(config['server-name'])`
    raise Failure("nameof() expects a symbol, a property access or a string index", arg.loc)


@_native("readEnvironmentVariable", "getSecret", "externalInput", "deployer")
def _outside(evaluator: Evaluator, expr: ast.Call, env: Env) -> Sourced:
    for arg in expr.args:
        evaluator.value(arg, env)
    return Sourced(Unresolved(f"{expr.name}() is read where the deployment runs",
                              expr.loc), expr.loc)


@_native("resourceGroup")
def _resource_group(evaluator: Evaluator, expr: ast.Call, env: Env) -> Sourced:
    _arity(expr, 0, 2)
    if not expr.args:
        return evaluator.call_arm(FUNCTIONS["resourcegroup"], expr, env)
    deployment = evaluator.symbols.deployment()
    subscription: str | Unresolved = deployment.subscription_id
    if len(expr.args) == 2:
        subscription = _text_arg(evaluator, expr, env, 0)
    group = _text_arg(evaluator, expr, env, len(expr.args) - 1)
    return wrap(scope_object("resourceGroup", subscription, group), expr.loc)


@_native("subscription")
def _subscription(evaluator: Evaluator, expr: ast.Call, env: Env) -> Sourced:
    _arity(expr, 0, 1)
    if not expr.args:
        return evaluator.call_arm(FUNCTIONS["subscription"], expr, env)
    subscription = _text_arg(evaluator, expr, env, 0)
    return wrap(scope_object("subscription", subscription, None), expr.loc)


@_native("managementGroup")
def _management_group(evaluator: Evaluator, expr: ast.Call, env: Env) -> Sourced:
    _arity(expr, 0, 1)
    name: str | Unresolved = Unresolved("management group is chosen at deployment")
    if expr.args:
        name = _text_arg(evaluator, expr, env, 0)
    return wrap(scope_object("managementGroup", None, name), expr.loc)


def scope_object(kind: str, subscription: str | Unresolved | None,
                 name: str | Unresolved | None) -> dict[str, object]:
    """What `resourceGroup('rg')`, `subscription('id')` and `managementGroup('mg')`
    return: the shape of the ARM function result, with `type` telling the scope apart."""
    if kind == "managementGroup":
        group_id: str | Unresolved = f"/providers/Microsoft.Management/managementGroups/" \
            f"{name}" if isinstance(name, str) else Unresolved("management group is unknown")
        return {"id": group_id, "name": name, "type": _SCOPE_TYPES["managementgroup"]}
    sub_id: str | Unresolved = f"/subscriptions/{subscription}" \
        if isinstance(subscription, str) else Unresolved("subscription ID is chosen at "
                                                         "deployment")
    if kind == "subscription":
        return {"id": sub_id, "subscriptionId": subscription,
                "tenantId": Unresolved("tenant ID is known at deployment"),
                "displayName": Unresolved("subscription name is known at deployment")}
    group_id = f"{sub_id}/resourceGroups/{name}" if isinstance(sub_id, str) \
        and isinstance(name, str) else Unresolved("resource group ID is known at deployment")
    return {"id": group_id, "name": name, "type": _SCOPE_TYPES["resourcegroup"],
            "location": Unresolved("resource group location is known at deployment"),
            "subscriptionId": subscription}


def _load_path(evaluator: Evaluator, expr: ast.Call, env: Env) -> Path | Unresolved:
    relative = _text_arg(evaluator, expr, env, 0)
    if isinstance(relative, Unresolved):
        return relative
    folder = evaluator.symbols.folder
    if folder is None:
        return Unresolved(f"{expr.name}() has no file to be relative to", expr.loc)
    path = folder / relative
    if not inside(path):
        return Unresolved(f"{expr.name}(): {escape(relative)!r} is outside the scanned tree; "
                          "not read", expr.loc)
    try:
        size = path.stat().st_size
    except OSError:
        raise Failure(f"{expr.name}(): file {relative!r} not found", expr.args[0].loc) \
            from None
    if size > MAX_LOADED_BYTES:
        return Unresolved(f"{expr.name}(): {relative!r} is over {MAX_LOADED_BYTES:,} bytes",
                          expr.loc)
    return path


def _loaded_text(evaluator: Evaluator, expr: ast.Call, env: Env) -> str | Unresolved:
    path = _load_path(evaluator, expr, env)
    if isinstance(path, Unresolved):
        return path
    try:
        return read_text(path, path.name, MAX_LOADED_BYTES)
    except ParseError as exc:
        raise Failure(f"{expr.name}(): cannot read {path.name}: {exc.message}", expr.loc) \
            from None


@_native("loadTextContent")
def _load_text(evaluator: Evaluator, expr: ast.Call, env: Env) -> Sourced:
    _arity(expr, 1, 2)
    text = _loaded_text(evaluator, expr, env)
    return Sourced(text, expr.loc)


@_native("loadFileAsBase64")
def _load_base64(evaluator: Evaluator, expr: ast.Call, env: Env) -> Sourced:
    _arity(expr, 1, 1)
    path = _load_path(evaluator, expr, env)
    if isinstance(path, Unresolved):
        return Sourced(path, expr.loc)
    try:  # binary content is fine here: the bytes are encoded as is
        data = read_bytes(path, path.name, MAX_LOADED_BYTES)  # recorded for the result cache
    except ParseError as exc:
        raise Failure(f"{expr.name}(): cannot read {path.name}: {exc.message}", expr.loc) \
            from None
    return Sourced(base64.b64encode(data).decode("ascii"), expr.loc)


@_native("loadJsonContent", "loadYamlContent")
def _load_structured(evaluator: Evaluator, expr: ast.Call, env: Env) -> Sourced:
    _arity(expr, 1, 3)
    text = _loaded_text(evaluator, expr, env)
    if isinstance(text, Unresolved):
        return Sourced(text, expr.loc)
    if len(expr.args) > 1:
        return Sourced(Unresolved(f"{expr.name}() with a path filter is not evaluated",
                                  expr.loc), expr.loc)
    try:
        data: Any = loads(text) if expr.name.lower() == "loadjsoncontent" \
            else yaml.safe_load(text)
        return wrap(_jsonable(data), expr.loc)
    except ParseError as exc:
        raise Failure(f"{expr.name}(): the file is not valid JSON: {exc.message} (line "
                      f"{exc.line}, column {exc.column})", expr.loc) from None
    except (ValueError, yaml.YAMLError, TypeError) as exc:
        raise Failure(f"{expr.name}(): the file is not valid: {exc}", expr.loc) from None


def _jsonable(data: Any) -> Any:
    """YAML scalars JSON has no type for (dates...) become strings."""
    if isinstance(data, dict):
        return {str(key): _jsonable(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_jsonable(value) for value in data]
    if data is None or isinstance(data, str | int | float | bool):
        return data
    return str(data)


# ---------------------------------------------------------------------------------------
# What ARM functions see as their scope

class _ArmScope:
    """`arm_expressions.Scope` for Bicep: no ARM parameters, variables or copy loops."""

    def __init__(self, symbols: Symbols) -> None:
        self._symbols = symbols

    def parameter(self, name: str, offset: int) -> Sourced:
        raise ExpressionError("parameters() is not a Bicep function; use the parameter "
                              "name", offset)

    def variable(self, name: str, offset: int) -> Sourced:
        raise ExpressionError("variables() is not a Bicep function; use the variable name",
                              offset)

    def copy_index(self, loop: str | None) -> int | Unresolved | None:
        return None

    def deployment(self) -> Deployment:
        return self._symbols.deployment()

    def resource_info(self, symbol: str) -> Sourced | None:
        return None

    def reference(self, key: str, full: bool) -> Sourced | None:
        return None

    def user_function(self, name: str) -> UserFunction | None:
        return None


_VALUE_METHODS: dict[type, Callable[[Evaluator, Any, Env], Sourced]] = {
    ast.String: Evaluator._string,
    ast.Int: Evaluator._literal,
    ast.Bool: Evaluator._literal,
    ast.Null: Evaluator._literal,
    ast.Array: Evaluator._array,
    ast.Object: Evaluator._object,
    ast.For: Evaluator._for,
    ast.Ternary: Evaluator._ternary,
    ast.Unary: Evaluator._unary,
    ast.Binary: Evaluator._binary,
    ast.Lambda: Evaluator._lambda,
    ast.If: Evaluator._if,
}
