"""Terraform type constraints: parse a variable's `type`, convert values to it as cty does.

`parse_type(expr, constant)` reads a type expression (`string`, `list(object({...}))`,
`optional(T, default)` attributes, the legacy bare `list` / `map`), evaluating
`optional()` defaults with `constant`. `convert(value, type)` converts a `Sourced` value
the way Terraform converts a variable's value to its declared type: `optional(T)`
attributes the value leaves out (or sets to null) become null, `optional(T, default)`
take the default (recursively, for every element of a collection), object/map/list/set/
tuple conversions, number <-> string and bool <-> string, `any` (elements of a
collection of `any` are unified to one type, as cty does). A value that does not convert
raises `ConversionError` with Terraform's message (`.a[1].c: a number is required`).

Unknown values (`Unresolved`, `ResourceRef`) convert to themselves: their type is
checked at apply. Every converted element keeps the location where it was written; an
attribute filled in from `optional()` is located at the object that left it out (where a
user adds it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from aksnetlint.errors import EvaluationError
from aksnetlint.parsers import hcl_ast as ast
from aksnetlint.values import Location, ResourceRef, Sourced, Unresolved

PRIMITIVES = frozenset({"string", "number", "bool"})
_COLLECTIONS = frozenset({"list", "set", "map"})


@dataclass(frozen=True, slots=True)
class TfType:
    """A Terraform type. `kind` is string, number, bool, any, list, set, map, tuple or
    object; `elem` for collections, `elems` for tuples, `attrs` for objects (with the
    names of optional attributes and the defaults of some of them, already converted)."""

    kind: str
    elem: TfType | None = None
    elems: tuple[TfType, ...] = ()
    attrs: tuple[tuple[str, TfType], ...] = ()
    optional: frozenset[str] = frozenset()
    defaults: tuple[tuple[str, Sourced], ...] = field(default=(), compare=False)

    @property
    def has_any(self) -> bool:
        if self.kind == "any":
            return True
        if self.elem is not None:
            return self.elem.has_any
        return any(t.has_any for t in self.elems) or any(t.has_any for _, t in self.attrs)

    def friendly(self) -> str:
        """cty's friendly name, as Terraform's messages spell it."""
        if self.kind in PRIMITIVES:
            return self.kind
        if self.kind == "any":
            return "any type"
        if self.kind in _COLLECTIONS:
            assert self.elem is not None
            inner = self.elem.friendly()
            return f"{self.kind} of {inner}"
        return self.kind


ANY = TfType("any")
STRING = TfType("string")
NUMBER = TfType("number")
BOOL = TfType("bool")
_NAMED = {"string": STRING, "number": NUMBER, "bool": BOOL, "any": ANY,
          "list": TfType("list", ANY), "map": TfType("map", ANY), "set": TfType("set", ANY)}


class TypeSyntaxError(EvaluationError):
    """A type constraint Terraform rejects."""


@dataclass(slots=True)
class ConversionError(Exception):
    """A value that does not convert to a type; `str()` is Terraform's message."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


class TypedList(list):  # type: ignore[type-arg]
    """A Terraform list or set (`kind` "list" or "set"), or a collection typed by a
    provider schema (`kind` "schema": a list or a set, the provider knows which). A plain
    Python list is a tuple: `tolist(["a"]) == ["a"]` is false in Terraform."""

    def __init__(self, items: object = (), kind: str = "list",
                 elem: TfType | None = None) -> None:
        super().__init__(items)  # type: ignore[call-overload]
        self.kind = kind
        self.elem = elem  # the element type, when Terraform knows it even for no elements

    def retyped(self, items: list[object]) -> TypedList:
        return TypedList(items, self.kind, self.elem)


class TypedMap(dict):  # type: ignore[type-arg]
    """A Terraform map (`kind` "map"), or a map typed by a provider schema ("schema"). A
    plain Python dict is an object."""

    def __init__(self, items: object = (), kind: str = "map",
                 elem: TfType | None = None) -> None:
        super().__init__(items)  # type: ignore[call-overload]
        self.kind = kind
        self.elem = elem

    def retyped(self, items: dict[str, object]) -> TypedMap:
        return TypedMap(items, self.kind, self.elem)


def kind_of(data: object) -> str:
    """tuple, list, set, object, map, schema (a provider's collection), or "" for a
    value that is not a collection."""
    if isinstance(data, TypedList | TypedMap):
        return data.kind
    if isinstance(data, ResourceObject):
        return "schema"
    if isinstance(data, list):
        return "tuple"
    if isinstance(data, dict):
        return "object"
    return ""


class ResourceObject(dict[str, Sourced]):
    """The value of a resource reference: its written attributes, by name. The attributes
    it does not write are known after apply (`ResourceRef`)."""

    def __init__(self, address: str, attributes: dict[str, Sourced]) -> None:
        super().__init__(attributes)
        self.address = address


# -- parsing ----------------------------------------------------------------------------------

Constant = Callable[[ast.Expr], Sourced]


def parse_type(expr: ast.Expr, constant: Constant) -> TfType:
    """The type a `type = ...` expression declares; `TypeSyntaxError` when Terraform
    rejects it."""
    return _parse(expr, constant, in_object=False)


def _error(message: str, loc: Location) -> TypeSyntaxError:
    return TypeSyntaxError(message, loc.path, loc.line, loc.column)


def _keyword(expr: ast.Expr) -> str | None:
    if isinstance(expr, ast.Variable):
        return expr.name
    return None


def _parse(expr: ast.Expr, constant: Constant, in_object: bool) -> TfType:
    name = _keyword(expr)
    if name is not None:
        found = _NAMED.get(name)
        if found is None:
            if name in ("object", "tuple", "optional"):
                raise _error(f'The {name} type constructor requires arguments.', expr.loc)
            raise _error(f'The keyword "{name}" is not a valid type specification.', expr.loc)
        return found
    if isinstance(expr, ast.Template | ast.Literal):
        raise _error("Invalid quoted type constraints: remove the quotes around the type.",
                     expr.loc)
    if not isinstance(expr, ast.Call):
        raise _error("A type specification is either a primitive type keyword (bool, "
                     "number, string) or a complex type constructor call, like list(string).",
                     expr.loc)
    args = expr.args
    if expr.name in ("list", "set", "map"):
        if len(args) != 1:
            raise _error(f"The {expr.name} type constructor requires one argument specifying "
                         "the element type.", expr.loc)
        return TfType(expr.name, _parse(args[0], constant, False))
    if expr.name == "tuple":
        if len(args) != 1 or not isinstance(args[0], ast.TupleExpr):
            raise _error("The tuple type constructor requires one argument specifying the "
                         "element types as a list.", expr.loc)
        return TfType("tuple", elems=tuple(_parse(e, constant, False) for e in args[0].items))
    if expr.name == "object":
        if len(args) != 1 or not isinstance(args[0], ast.ObjectExpr):
            raise _error("The object type constructor requires one argument specifying the "
                         "attribute types as a map.", expr.loc)
        return _parse_object(args[0], constant)
    if expr.name == "optional":
        raise _error('Keyword "optional" is valid only as a modifier for object type '
                     "attributes.", expr.loc)
    raise _error(f'Keyword "{expr.name}" is not a valid type constructor.', expr.loc)


def _parse_object(obj: ast.ObjectExpr, constant: Constant) -> TfType:
    attrs: dict[str, TfType] = {}
    optional: set[str] = set()
    defaults: dict[str, Sourced] = {}
    for item in obj.items:
        key = _attribute_name(item.key)
        if key is None:
            raise _error("Object constructor map keys must be attribute names.", item.loc)
        value = item.value
        if isinstance(value, ast.Call) and value.name == "optional":
            if not 1 <= len(value.args) <= 2:
                raise _error("Optional attribute modifier expects at most two arguments: the "
                             "attribute type, and a default value.", value.loc)
            attr_type = _parse(value.args[0], constant, False)
            optional.add(key)
            if len(value.args) == 2:
                default = constant(value.args[1])
                if isinstance(default.data, Unresolved):
                    raise _error(f"Invalid default value for optional attribute: "
                                 f"{default.data.reason}.", value.args[1].loc)
                try:
                    defaults[key] = convert(default, attr_type)
                except ConversionError as exc:
                    raise _error(f"Invalid default value for optional attribute: {exc}.",
                                 value.args[1].loc) from None
        else:
            attr_type = _parse(value, constant, True)
        attrs[key] = attr_type
    return TfType("object", attrs=tuple(attrs.items()), optional=frozenset(optional),
                  defaults=tuple(defaults.items()))


def _attribute_name(key: ast.Expr) -> str | None:
    if isinstance(key, ast.Literal) and isinstance(key.value, str):
        return key.value
    if isinstance(key, ast.Variable):
        return key.name
    if isinstance(key, ast.Template) and all(isinstance(p, str) for p in key.parts):
        return "".join(str(p) for p in key.parts)
    return None


# -- conversion -------------------------------------------------------------------------------


def convert(value: Sourced, ty: TfType, path: str = "") -> Sourced:
    """`value` converted to `ty`; `ConversionError` when Terraform would refuse it."""
    data = value.data
    if data is None or isinstance(data, Unresolved | ResourceRef) or ty.kind == "any":
        return value
    if ty.kind in PRIMITIVES:
        return _convert_primitive(value, ty, path)
    if ty.kind in ("list", "set"):
        return _convert_sequence(value, ty, path)
    if ty.kind == "map":
        return _convert_map(value, ty, path)
    if ty.kind == "tuple":
        if not isinstance(data, list) or len(data) != len(ty.elems):
            raise ConversionError(path, "tuple required")
        items = [convert(v, t, f"{path}[{i}]")
                 for i, (v, t) in enumerate(zip(data, ty.elems, strict=True))]
        return Sourced(items, value.loc, value.at)
    return _convert_object(value, ty, path)


_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _convert_primitive(value: Sourced, ty: TfType, path: str) -> Sourced:
    data = value.data
    if isinstance(data, list | dict):
        raise ConversionError(path, f"{ty.kind} required")
    if ty.kind == "string":
        if isinstance(data, str):
            return value
        return Sourced(number_text(data) if not isinstance(data, bool) else
                       ("true" if data else "false"), value.loc, value.at)
    if ty.kind == "number":
        if isinstance(data, bool):
            raise ConversionError(path, "number required")
        if isinstance(data, int | float):
            return value
        assert isinstance(data, str)
        number = parse_number(data)
        if number is None:
            raise ConversionError(path, "a number is required")
        return Sourced(number, value.loc, value.at)
    if isinstance(data, bool):
        return value
    if isinstance(data, str):
        if data in ("true", "1"):
            return Sourced(True, value.loc, value.at)
        if data in ("false", "0"):
            return Sourced(False, value.loc, value.at)
        if data.lower() in ("true", "false"):
            raise ConversionError(path, "a bool is required; to convert from string, use "
                                  f'lowercase "{data.lower()}"')
        raise ConversionError(path, "a bool is required")
    raise ConversionError(path, "bool required")


def number_text(data: object) -> str:
    """A number as cty writes it in a string: plain decimal, no exponent."""
    from aksnetlint.resolve import terraform_numbers

    assert isinstance(data, int | float) and not isinstance(data, bool)
    return terraform_numbers.text(data)


def parse_number(text: str) -> int | float | None:
    """A string cty accepts as a number (decimal, optional exponent), at cty's precision."""
    from aksnetlint.resolve import terraform_numbers

    if not _NUMBER.fullmatch(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return None
    if number.adjusted() > 400:
        return None
    return terraform_numbers.parse(text)


def _convert_sequence(value: Sourced, ty: TfType, path: str) -> Sourced:
    data = value.data
    assert ty.elem is not None
    if not isinstance(data, list):
        raise ConversionError(path, f"{ty.friendly()} required")
    items = [convert(v, ty.elem, f"{path}[{i}]") for i, v in enumerate(data)]
    if ty.kind == "set" and ty.elem.has_any and ty.elem.kind != "any" and \
            not _types_match(items, ty.elem):
        # cty compares the converted element types of such a set exactly: [[], ["a"]] as
        # set(set(any)) fails, so does a null beside [7] as set(list(any))
        raise ConversionError(path, "element types must all match for conversion to set")
    if ty.elem.has_any:
        unified = unify([shape(v) for v in items])
        if unified is None:
            raise ConversionError(path, f"all {ty.kind} elements must have the same type")
        items = [convert(v, unified, f"{path}[{i}]") for i, v in enumerate(items)]
    if ty.kind == "set":
        items = set_elements(items)
    return Sourced(TypedList(items, ty.kind, ty.elem), value.loc, value.at)


def _types_match(items: list[Sourced], declared: TfType) -> bool:
    """Whether the converted elements all have exactly one type (a null has the declared
    element type, `any` parts and all)."""
    found = {_bare(shape(i) or declared) for i in items
             if not isinstance(i.data, Unresolved | ResourceRef)}
    return len(found) <= 1


def _bare(ty: TfType) -> TfType:
    """A type without optional-attribute markers and defaults (they are not part of it)."""
    return TfType(ty.kind, _bare(ty.elem) if ty.elem else None,
                  tuple(_bare(t) for t in ty.elems),
                  tuple((n, _bare(t)) for n, t in sorted(ty.attrs)))


def set_elements(items: list[Sourced]) -> list[Sourced]:
    """A set's elements: unique, in cty's order: strings lexical, numbers ascending, false
    before true; collections by cty's hash string; null last."""
    unique: list[Sourced] = []
    seen: list[object] = []
    from aksnetlint.values import to_plain

    for item in items:
        plain = to_plain(item)
        if any(plain == s and type(plain) is type(s) for s in seen):
            continue
        seen.append(plain)
        unique.append(item)
    unknown = [i for i in unique if isinstance(i.data, Unresolved | ResourceRef)]
    if unknown:
        return unique  # cty puts unknown elements last; the order of the rest is not known
    nulls = [i for i in unique if i.data is None]  # a null element comes last
    known = [i for i in unique if i.data is not None]
    kinds = {"bool" if isinstance(i.data, bool) else "number" if isinstance(i.data, int | float)
             else "string" if isinstance(i.data, str) else "other" for i in known}
    if kinds in ({"string"}, {"bool"}):
        return sorted(known, key=lambda s: s.data) + nulls  # type: ignore[arg-type, return-value]
    if kinds == {"number"}:
        from functools import cmp_to_key

        from aksnetlint.resolve import terraform_numbers

        order = cmp_to_key(terraform_numbers.compare)
        return sorted(known, key=lambda s: order(s.data)) + nulls  # type: ignore[arg-type]
    # other elements: in the order of cty's hash serialisation of each (set_internals.go)
    return sorted(known, key=lambda s: set_hash(s).encode("utf-8")) + nulls


def set_hash(value: Sourced) -> str:
    """cty's `makeSetHashBytes`: the string a set orders its non-primitive elements by."""
    data = value.data
    if isinstance(data, Unresolved | ResourceRef):
        return "?"
    if data is None:
        return "~"
    if isinstance(data, bool):
        return "T" if data else "F"
    if isinstance(data, int | float):
        from aksnetlint.resolve.terraform_functions import go_number_string

        return go_number_string(data)
    if isinstance(data, str):
        return _go_quote(data)
    kind = kind_of(data)
    if isinstance(data, dict) and kind in ("map", "schema"):
        return "{" + "".join(f"{_go_quote(k)}:{set_hash(data[k])};" for k in sorted(data)) + "}"
    if isinstance(data, dict):
        return "<" + "".join(f"{set_hash(data[k])};" for k in sorted(data)) + ">"
    assert isinstance(data, list)
    inner = "".join(f"{set_hash(v)};" for v in data)
    return f"<{inner}>" if kind == "tuple" else f"[{inner}]"


def _go_quote(text: str) -> str:
    """Go's strconv.Quote."""
    import unicodedata

    out = ['"']
    for char in text:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char in _NAMED_ESCAPES:
            out.append(_NAMED_ESCAPES[char])
        elif char == " " or (unicodedata.category(char)[0] in "LMNPS"):
            out.append(char)
        elif ord(char) < 0x80:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    out.append('"')
    return "".join(out)


_NAMED_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
                  "\t": "\\t", "\v": "\\v"}


def _convert_map(value: Sourced, ty: TfType, path: str) -> Sourced:
    data = value.data
    assert ty.elem is not None
    if not isinstance(data, dict):
        raise ConversionError(path, f"{ty.friendly()} required")
    items = {}
    for k, v in data.items():
        try:
            items[k] = convert(v, ty.elem, f"{path}[{_quote(k)}]")
        except ConversionError as exc:
            if exc.path == f"{path}[{_quote(k)}]" and ty.elem.kind in PRIMITIVES:
                raise ConversionError(path, f"element {_quote(k)}: {exc.reason}") from None
            raise
    if ty.elem.has_any and ty.elem.kind in ("tuple", "object") and \
            not _types_match(list(items.values()), ty.elem):
        # likewise for a map of tuples or objects holding `any` (terraform console)
        raise ConversionError(path, "attribute types must all match for conversion to map")
    if ty.elem.has_any:
        unified = unify([shape(v) for v in items.values()])
        if unified is None:
            raise ConversionError(path, "all map elements must have the same type")
        items = {k: convert(v, unified, f"{path}[{_quote(k)}]") for k, v in items.items()}
    return Sourced(TypedMap(items, "map", ty.elem), value.loc, value.at)


def _quote(key: str) -> str:
    import json

    return json.dumps(key, ensure_ascii=False)


def _convert_object(value: Sourced, ty: TfType, path: str) -> Sourced:
    data = value.data
    if not isinstance(data, dict):
        raise ConversionError(path, "object required")
    defaults = dict(ty.defaults)
    out: dict[str, Sourced] = {}
    for name, attr_type in ty.attrs:
        given = data.get(name)
        if given is None and isinstance(data, ResourceObject):
            given = Sourced(ResourceRef(data.address, name), value.loc, value.at)
        if given is None or given.data is None:
            if name in defaults:
                out[name] = _relocated(defaults[name], value)
                continue
            if given is None:
                if name not in ty.optional:
                    raise ConversionError(path, f'attribute "{name}" is required')
                out[name] = Sourced(None, value.loc, value.at)
                continue
        out[name] = convert(given, attr_type, f"{path}.{name}")
    return Sourced(out, value.loc, value.at)


def _relocated(default: Sourced, holder: Sourced) -> Sourced:
    """A default filled in for an attribute `holder` leaves out, located at `holder`."""
    data = default.data
    if isinstance(data, list):
        data = [_relocated(v, holder) for v in data]
    elif isinstance(data, dict):
        data = {k: _relocated(v, holder) for k, v in data.items()}
    return Sourced(data, holder.loc, holder.at)


# -- unification (a collection of `any`: one element type for all) ---------------------------


def shape(value: Sourced) -> TfType | None:
    """The type a value has on its own (lists are tuples, dicts objects); None for null and
    unknown values, which convert to any type."""
    data = value.data
    if data is None or isinstance(data, Unresolved | ResourceRef):
        return None
    if isinstance(data, bool):
        return BOOL
    if isinstance(data, int | float):
        return NUMBER
    if isinstance(data, str):
        return STRING
    kind = kind_of(data)
    if kind == "schema":
        return None  # the provider's type: not known here
    if kind in ("list", "set", "map"):
        assert isinstance(data, TypedList | TypedMap)
        if data.elem is not None and not data.elem.has_any:
            return TfType(kind, data.elem)
        members = data if isinstance(data, list) else list(data.values())
        if not members:  # no elements: the declared element type, `any` parts and all
            return TfType(kind, data.elem or ANY)
        return TfType(kind, unify([shape(v) for v in members]) or ANY)
    if isinstance(data, list):
        return TfType("tuple", elems=tuple(shape(v) or ANY for v in data))
    assert isinstance(data, dict)
    return TfType("object", attrs=tuple((k, shape(v) or ANY) for k, v in sorted(data.items())))


def unify(types: list[TfType | None]) -> TfType | None:
    """The one type all `types` convert to (cty's unification), ANY when every element
    is null or unknown, None when there is none."""
    known = [t for t in types if t is not None and t.kind != "any"]
    if not known:
        return ANY
    kinds = {t.kind for t in known}
    if kinds <= {"object", "map"}:
        return _unify_objects(known)
    if kinds <= {"tuple", "list", "set"}:
        return _unify_sequences(known)
    if kinds <= PRIMITIVES:
        if len(kinds) == 1:
            return known[0]
        return STRING if "string" in kinds else None
    return None


def _unify_objects(types: list[TfType]) -> TfType | None:
    names = {tuple(n for n, _ in t.attrs) for t in types if t.kind == "object"}
    if len(names) == 1 and all(t.kind == "object" for t in types):  # else: a map
        attrs = []
        for position, name in enumerate(next(iter(names))):
            unified = unify([t.attrs[position][1] for t in types])
            if unified is None:
                return None
            attrs.append((name, unified))
        return TfType("object", attrs=tuple(attrs))
    members: list[TfType | None] = []
    for t in types:
        members.extend(a for _, a in t.attrs) if t.kind == "object" else members.append(t.elem)
    elem = unify(members)
    return None if elem is None else TfType("map", elem)


def _unify_sequences(types: list[TfType]) -> TfType | None:
    if all(t.kind in ("set", "tuple") for t in types) and any(t.kind == "set" for t in types):
        # sets and tuples unify to a set (a list among them makes it a list)
        members: list[TfType | None] = []
        for t in types:
            members.extend(t.elems) if t.kind == "tuple" else members.append(t.elem)
        elem = unify(members)
        return None if elem is None else TfType("set", elem)
    lengths = {len(t.elems) for t in types if t.kind == "tuple"}
    if len(lengths) == 1 and all(t.kind == "tuple" for t in types):
        elems: list[TfType] = []
        for position in range(next(iter(lengths))):
            unified = unify([t.elems[position] for t in types])
            if unified is None:
                return None
            elems.append(unified)
        return TfType("tuple", elems=tuple(elems))
    sequence_members: list[TfType | None] = []
    for t in types:
        if t.kind == "tuple":
            sequence_members.extend(t.elems)
        else:
            sequence_members.append(t.elem)
    elem = unify(sequence_members)
    return None if elem is None else TfType("list", elem)


__all__ = [
    "ANY",
    "BOOL",
    "NUMBER",
    "STRING",
    "TypedList",
    "TypedMap",
    "kind_of",
    "ConversionError",
    "ResourceObject",
    "TfType",
    "TypeSyntaxError",
    "convert",
    "parse_type",
    "unify",
]
