"""The syntax tree of a `.bicep` or `.bicepparam` file, as written.

Every node is a frozen, slotted dataclass with a `loc` (`aksnetlint.values.Location`): the
1-based line and column of its first character and the position just after its last
character (`end_line`, `end_column`, exclusive, as in SARIF). Columns count Unicode code
points; a tab is one column; a byte-order mark is not counted.

The tree keeps the shape of the source: nothing is evaluated or resolved here. Names that
Bicep resolves later (is `az.resourceId` a namespace function or a method on a resource
named `az`?) are kept as written, and the docstring of each node says how.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import TypeAlias

from aksnetlint.values import Location


class Node:
    """Base of every syntax node; each subclass has a `loc` field."""

    __slots__ = ()
    loc: Location


# ---------------------------------------------------------------------------------------
# Trivia and small parts


@dataclass(frozen=True, slots=True, kw_only=True)
class Comment(Node):
    """A `// line` or `/* block */` comment, or (`directive`) a Bicep diagnostics pragma such
    as `#disable-next-line no-unused-params`; `text` is exactly as written, markers included."""

    text: str
    block: bool
    loc: Location
    directive: bool = False

    @property
    def content(self) -> str:
        """The text without its markers (`//`, `/* */`, `#`), stripped of surrounding space."""
        if self.directive:
            return self.text[1:].strip()
        body = self.text[2:-2] if self.block else self.text[2:]
        return body.strip()


@dataclass(frozen=True, slots=True, kw_only=True)
class Name(Node):
    """An identifier in a naming position: a declared name, an object key, a property name."""

    value: str
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class Decorator(Node):
    """`@name(args)` or `@namespace.name(args)` (`@sys.description('...')`)."""

    name: str
    args: tuple[Expr, ...]
    loc: Location
    namespace: str | None = None


# ---------------------------------------------------------------------------------------
# Expressions


@dataclass(frozen=True, slots=True, kw_only=True)
class String(Node):
    """A string. `parts` alternates literal text (escapes decoded) and interpolated
    expressions, with empty literal text left out: `'a${b}c'` is `('a', Ident b, 'c')`,
    `''` is `()`. A `'''multi-line'''` string (`multiline`) is one literal part; an
    interpolated one (`$'''a${b}'''`, `$$'''a$${b}'''`) has parts like a single-quoted
    string."""

    parts: tuple[str | Expr, ...]
    loc: Location
    multiline: bool = False

    @property
    def value(self) -> str | None:
        """The text when nothing is interpolated, else None."""
        if all(isinstance(part, str) for part in self.parts):
            return "".join(part for part in self.parts if isinstance(part, str))
        return None

    @property
    def interpolated(self) -> bool:
        return any(not isinstance(part, str) for part in self.parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class Int(Node):
    """An integer literal (negative only in types, where `-1` is a literal)."""

    value: int
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class Bool(Node):
    """`true` or `false`; in a type, `!true` is the literal `false`."""

    value: bool
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class Null(Node):
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class Spread(Node):
    """`...expr` inside an object or an array."""

    expr: Expr
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class Array(Node):
    items: tuple[Expr | Spread, ...]
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectProperty(Node):
    """`key: value`; the key is a `Name` (identifier, keywords included) or a `String`
    (which may be interpolated)."""

    key: Name | String
    value: Expr
    loc: Location
    decorators: tuple[Decorator, ...] = ()

    @property
    def name(self) -> str | None:
        """The key as text, or None when it is interpolated."""
        return self.key.value


@dataclass(frozen=True, slots=True, kw_only=True)
class Object(Node):
    """`{...}`: properties, spreads and (in a resource body) nested child resources, in
    source order."""

    items: tuple[ObjectProperty | Spread | Resource, ...]
    loc: Location

    @property
    def properties(self) -> tuple[ObjectProperty, ...]:
        return tuple(item for item in self.items if isinstance(item, ObjectProperty))

    @property
    def resources(self) -> tuple[Resource, ...]:
        """Child resources declared inside this body."""
        return tuple(item for item in self.items if isinstance(item, Resource))

    def get(self, name: str) -> ObjectProperty | None:
        """The last property whose key is `name` (case-sensitive), if any."""
        found = None
        for item in self.items:
            if isinstance(item, ObjectProperty) and item.key.value == name:
                found = item
        return found


@dataclass(frozen=True, slots=True, kw_only=True)
class Ident(Node):
    """A reference to a symbol: parameter, variable, resource, module, namespace..."""

    name: str
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertyAccess(Node):
    """`base.name`, or `base.?name` when `safe`."""

    base: Expr
    name: Name
    loc: Location
    safe: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Index(Node):
    """`base[index]`, or `base[?index]` when `safe`; `base[^index]` (`from_end`) counts
    from the end (`[^1]` is the last item)."""

    base: Expr
    index: Expr
    loc: Location
    safe: bool = False
    from_end: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Call(Node):
    """A function call.

    - `f(x)`: `namespace` and `target` are None.
    - `a.f(x)` where `a` is a bare identifier: `namespace` is `'a'`. That is a namespace
      (`az`, `sys`, an import alias) or, as Bicep decides by symbol, a method on the
      resource `a` (`stg.listKeys()`).
    - any other `expr.f(x)` (`a.b.f()`, `g().f()`): `target` is that expression.
    """

    name: str
    args: tuple[Expr, ...]
    loc: Location
    namespace: str | None = None
    target: Expr | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Ternary(Node):
    condition: Expr
    if_true: Expr
    if_false: Expr
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class Binary(Node):
    """`left op right`; `op` is one of `* / % + - < <= > >= == != =~ !~ && || ??`."""

    op: str
    left: Expr
    right: Expr
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class Unary(Node):
    """`!operand` or `-operand`."""

    op: str
    operand: Expr
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class NonNullAssert(Node):
    """`expr!`."""

    expr: Expr
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceAccess(Node):
    """`base::name`: a child resource declared inside `base`'s body."""

    base: Expr
    name: Name
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class LambdaParam(Node):
    """A lambda or user-function parameter; `type` is set in `func` and typed lambdas."""

    name: str
    loc: Location
    type: TypeExpr | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Lambda(Node):
    """`x => body`, `(x, i) => body`, `() => body`."""

    params: tuple[LambdaParam, ...]
    body: Expr
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class If(Node):
    """`if (condition) body` on a resource or module, or inside a loop (see `For.filter`)."""

    condition: Expr
    body: Expr
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class For(Node):
    """`[for item in iterable: body]`, `[for (item, index) in iterable: body]`; a filtered
    loop `[for x in xs: if (c) body]` has `filter` set to `c` and `body` to `body`."""

    item: Name
    iterable: Expr
    body: Expr
    loc: Location
    index: Name | None = None
    filter: Expr | None = None


# ---------------------------------------------------------------------------------------
# Type expressions


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeRef(Node):
    """A named type: `string`, `object`, a user type, `resourceInput<'T@v'>` (with args);
    `sys.resourceInput<'T@v'>` has the `namespace` `sys` (a namespaced type without
    arguments, `sys.string`, is a `TypeAccess`)."""

    name: str
    loc: Location
    args: tuple[TypeExpr, ...] = ()
    namespace: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceType(Node):
    """`resource 'Microsoft.Network/virtualNetworks@2023-04-01'` on a param or output."""

    type_string: String
    resource_type: str
    api_version: str | None
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeArray(Node):
    """`item[]`."""

    item: TypeExpr
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeNullable(Node):
    """`inner?`."""

    inner: TypeExpr
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeNonNull(Node):
    """`inner!`: `inner` without null."""

    inner: TypeExpr
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeUnion(Node):
    """`'a' | 'b' | ...` (a leading `|` is allowed)."""

    members: tuple[TypeExpr, ...]
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeProperty(Node):
    """`key: type` or `key?: type` in an object type; `*: type` has the key `Name('*')`
    and types additional properties."""

    key: Name | String
    type: TypeExpr
    loc: Location
    optional: bool = False
    decorators: tuple[Decorator, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeObject(Node):
    properties: tuple[TypeProperty, ...]
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeTupleItem(Node):
    type: TypeExpr
    loc: Location
    decorators: tuple[Decorator, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeTuple(Node):
    """`[string, int]`."""

    items: tuple[TypeTupleItem, ...]
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeAccess(Node):
    """`base.name`: a property of a type or a namespaced type (`sys.string`); `base.*`
    (name `*`) is the type of an object type's additional properties."""

    base: TypeExpr
    name: Name
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeIndex(Node):
    """`base[0]` (tuple item) or `base[*]` (array item, `index` None)."""

    base: TypeExpr
    loc: Location
    index: int | None = None


# ---------------------------------------------------------------------------------------
# Declarations


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetScope(Node):
    value: Expr
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class Metadata(Node):
    name: str
    name_loc: Location
    value: Expr
    loc: Location
    decorators: tuple[Decorator, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Param(Node):
    """`param name type [= default]`; in a `.bicepparam` file `param name = value` (then
    `type` is None and `default` holds the value)."""

    name: str
    name_loc: Location
    type: TypeExpr | None
    default: Expr | None
    loc: Location
    decorators: tuple[Decorator, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Var(Node):
    """`var name [type] = value`."""

    name: str
    name_loc: Location
    value: Expr
    loc: Location
    type: TypeExpr | None = None
    decorators: tuple[Decorator, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource(Node):
    """`resource name 'Type@version' [existing] = body`.

    `body` is an `Object`, an `If` whose body is an `Object`, or a `For` whose body is an
    `Object` (optionally filtered). A child resource declared in a body may give only
    the child type (`'subnets'`), then `api_version` is None (inherited from the parent)."""

    name: str
    name_loc: Location
    type_string: String
    resource_type: str
    api_version: str | None
    body: Expr
    loc: Location
    existing: bool = False
    decorators: tuple[Decorator, ...] = ()

    @property
    def object(self) -> Object | None:
        """The resource's object body, through any `if` or loop."""
        return _body_object(self.body)


@dataclass(frozen=True, slots=True, kw_only=True)
class Module(Node):
    """`module name 'path' = body` (body as for `Resource`). `path` is a local file
    (`./net.bicep`) or a registry reference (`br:`, `br/alias:`, `ts:`, `ts/alias:`)."""

    name: str
    name_loc: Location
    path: String
    body: Expr
    loc: Location
    decorators: tuple[Decorator, ...] = ()

    @property
    def source(self) -> str:
        return self.path.value or ""

    @property
    def source_kind(self) -> str:
        """`local`, `br` (Bicep registry) or `ts` (template spec)."""
        scheme = self.source.split(":", 1)[0].split("/", 1)[0] if ":" in self.source else ""
        return scheme if scheme in ("br", "ts") else "local"

    @property
    def object(self) -> Object | None:
        return _body_object(self.body)


@dataclass(frozen=True, slots=True, kw_only=True)
class Output(Node):
    """`output name type = value`; `type` is a `ResourceType` for `output x resource '...'`."""

    name: str
    name_loc: Location
    type: TypeExpr
    value: Expr
    loc: Location
    decorators: tuple[Decorator, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeDecl(Node):
    """`type name = type` (`@sealed()`, `@discriminator()`, `@export()` are decorators)."""

    name: str
    name_loc: Location
    type: TypeExpr
    loc: Location
    decorators: tuple[Decorator, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Func(Node):
    """`func name(a string, b int) returnType => body`."""

    name: str
    name_loc: Location
    params: tuple[LambdaParam, ...]
    return_type: TypeExpr
    body: Expr
    loc: Location
    decorators: tuple[Decorator, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportSymbol(Node):
    """`name` or `name as alias` in `import {...} from '...'`; a symbol whose name is no
    identifier is a `String` (`'x-y' as z`) and has an alias."""

    name: Name | String
    loc: Location
    alias: Name | None = None

    @property
    def text(self) -> str:
        """The imported symbol's name."""
        return self.name.value or ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Import(Node):
    """`import {a, b as c} from 'path'` (`symbols`) or `import * as ns from 'path'`
    (`wildcard` is the alias `ns`)."""

    path: String
    loc: Location
    symbols: tuple[ImportSymbol, ...] = ()
    wildcard: Name | None = None
    decorators: tuple[Decorator, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Extension(Node):
    """`extension spec [with {config}] [as alias]`; `keyword` is `extension`, or `provider`
    / `import` for the legacy spellings (`import 'kubernetes@1.0.0' with {...} as k8s`).
    `spec` is a bare name (`microsoftGraph`) or a string (`'br:...'`)."""

    keyword: str
    spec: Name | String
    loc: Location
    config: Expr | None = None
    alias: Name | None = None
    decorators: tuple[Decorator, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Assert(Node):
    name: str
    name_loc: Location
    condition: Expr
    loc: Location
    decorators: tuple[Decorator, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Test(Node):
    """`test name 'path' = {params: {...}}`: a test case of another Bicep file, run by
    `bicep test`; it deploys nothing."""

    name: str
    name_loc: Location
    path: String
    body: Expr
    loc: Location
    decorators: tuple[Decorator, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtensionConfig(Node):
    """`extensionConfig alias with {config}` in a `.bicepparam` file: the configuration of
    an extension the template declares."""

    name: str
    name_loc: Location
    config: Expr
    loc: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class Using(Node):
    """`using 'path' [with {config}]` in a `.bicepparam` file; `path` is None for `using none`."""

    path: String | None
    loc: Location
    config: Expr | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Extends(Node):
    """`extends 'base.bicepparam'` in a `.bicepparam` file."""

    path: String
    loc: Location


# ---------------------------------------------------------------------------------------
# Files


@dataclass(frozen=True, slots=True, kw_only=True)
class BicepFile(Node):
    """A parsed `.bicep` file: declarations in source order and every comment."""

    path: str
    declarations: tuple[Declaration, ...]
    comments: tuple[Comment, ...]
    loc: Location

    @property
    def params(self) -> tuple[Param, ...]:
        return tuple(d for d in self.declarations if isinstance(d, Param))

    @property
    def variables(self) -> tuple[Var, ...]:
        return tuple(d for d in self.declarations if isinstance(d, Var))

    @property
    def resources(self) -> tuple[Resource, ...]:
        """Top-level resources (children declared inside bodies are in `Object.resources`)."""
        return tuple(d for d in self.declarations if isinstance(d, Resource))

    @property
    def modules(self) -> tuple[Module, ...]:
        return tuple(d for d in self.declarations if isinstance(d, Module))

    @property
    def outputs(self) -> tuple[Output, ...]:
        return tuple(d for d in self.declarations if isinstance(d, Output))

    @property
    def target_scope(self) -> TargetScope | None:
        for decl in self.declarations:
            if isinstance(decl, TargetScope):
                return decl
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class BicepParamFile(Node):
    """A parsed `.bicepparam` file."""

    path: str
    declarations: tuple[ParamDeclaration, ...]
    comments: tuple[Comment, ...]
    loc: Location

    @property
    def using(self) -> Using | None:
        for decl in self.declarations:
            if isinstance(decl, Using):
                return decl
        return None

    @property
    def extends(self) -> Extends | None:
        for decl in self.declarations:
            if isinstance(decl, Extends):
                return decl
        return None

    @property
    def params(self) -> tuple[Param, ...]:
        return tuple(d for d in self.declarations if isinstance(d, Param))

    @property
    def variables(self) -> tuple[Var, ...]:
        return tuple(d for d in self.declarations if isinstance(d, Var))


Expr: TypeAlias = (
    String | Int | Bool | Null | Array | Object | Ident | PropertyAccess | Index | Call
    | Ternary | Binary | Unary | NonNullAssert | ResourceAccess | Lambda | If | For
)
TypeExpr: TypeAlias = (
    TypeRef | ResourceType | TypeArray | TypeNullable | TypeNonNull | TypeUnion | TypeObject
    | TypeTuple | TypeAccess | TypeIndex | String | Int | Bool | Null
)
Declaration: TypeAlias = (
    TargetScope | Metadata | Param | Var | Resource | Module | Output | TypeDecl | Func
    | Import | Extension | Assert | Test
)
ParamDeclaration: TypeAlias = (
    Using | Extends | Param | Var | Import | TypeDecl | ExtensionConfig
)


def _body_object(body: Expr) -> Object | None:
    while isinstance(body, If | For):
        body = body.body
    return body if isinstance(body, Object) else None


def children(node: Node) -> Iterator[Node]:
    """The direct child nodes of `node`, in field order."""
    for f in fields(node):  # type: ignore[arg-type]
        value = getattr(node, f.name)
        if isinstance(value, Node):
            yield value
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, Node):
                    yield item


def walk(node: Node) -> Iterator[Node]:
    """`node` and every node below it, depth first, in source order (iterative)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))
