"""A small typed syntax tree for HCL (Terraform) files, every node with its location.

The Terraform parser builds it from python-hcl2's Lark tree; the Terraform resolver
evaluates it. Nothing else of python-hcl2 leaks past the parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aksnetlint.values import Location


@dataclass(frozen=True, slots=True)
class Literal:
    value: str | int | float | bool | None
    loc: Location


@dataclass(frozen=True, slots=True)
class Template:
    """A quoted string or heredoc with `${...}` interpolations (parts are str or Expr)."""

    parts: tuple[str | Expr, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class TupleExpr:
    items: tuple[Expr, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class ObjectItem:
    key: Expr  # a bare identifier key is a Literal string
    value: Expr
    loc: Location


@dataclass(frozen=True, slots=True)
class ObjectExpr:
    items: tuple[ObjectItem, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class Variable:
    """A bare name: `var`, `local`, `each`, `count`, a resource type, a for-variable."""

    name: str
    loc: Location


@dataclass(frozen=True, slots=True)
class GetAttr:
    obj: Expr
    name: str
    loc: Location


@dataclass(frozen=True, slots=True)
class Index:
    obj: Expr
    key: Expr
    loc: Location


@dataclass(frozen=True, slots=True)
class Splat:
    """`obj[*].a.b` or `obj.*.a`: apply `ops` (GetAttr/Index names and keys) to each element."""

    obj: Expr
    ops: tuple[str | Expr, ...]  # str = attribute name, Expr = index key
    loc: Location


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Expr, ...]
    loc: Location
    expand_last: bool = False


@dataclass(frozen=True, slots=True)
class Conditional:
    cond: Expr
    if_true: Expr
    if_false: Expr
    loc: Location


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Expr
    right: Expr
    loc: Location


@dataclass(frozen=True, slots=True)
class Unary:
    op: str
    operand: Expr
    loc: Location


@dataclass(frozen=True, slots=True)
class ForExpr:
    """`[for k, v in coll : expr if cond]` or `{for k, v in coll : key => value if cond}`."""

    key_var: str | None
    value_var: str
    collection: Expr
    value: Expr
    key: Expr | None  # present for the object form
    cond: Expr | None
    group: bool
    loc: Location


@dataclass(frozen=True, slots=True)
class Unsupported:
    """Syntax the evaluator does not interpret (template directives): evaluates to unknown."""

    what: str
    loc: Location


Expr = (
    Literal | Template | TupleExpr | ObjectExpr | Variable | GetAttr | Index | Splat | Call
    | Conditional | Binary | Unary | ForExpr | Unsupported
)


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    value: Expr
    loc: Location


@dataclass(frozen=True, slots=True)
class Block:
    type: str
    labels: tuple[str, ...]
    body: Body
    loc: Location


@dataclass(frozen=True, slots=True)
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: tuple[Block, ...] = ()

    def blocks_of(self, type_: str) -> list[Block]:
        return [b for b in self.blocks if b.type == type_]


@dataclass(frozen=True, slots=True)
class HclFile:
    path: str
    body: Body
    comments: tuple[tuple[int, str], ...] = ()  # (line, text) of every comment
