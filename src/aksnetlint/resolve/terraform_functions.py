"""Terraform's built-in functions with Terraform's semantics, on plain Python values.

`call(name, args)` evaluates one call. Values are plain: `str`, `int`/`float` (a whole
number is always an `int`), `bool`, `None` (null), `list` (tuples, lists and sets), `dict`
(objects and maps), and the opaque `Unresolved` / `ResourceRef` anywhere inside.

Rules every function follows:

- **Unknown in, unknown out, unless the answer is still knowable.** An argument that is
  (or, where it matters, contains) an `Unresolved` makes the result that same `Unresolved`
  (its reason and location are kept); a `ResourceRef` becomes `Unresolved("<ref> is known
  only after apply")`. Functions that do not look at a value keep it: `length([x, "a"])` is
  2, `concat` and `lookup` pass unknown elements through, `contains` is true when a known
  element matches.
- **Terraform's own errors** (`cidrsubnet` beyond the address space, `element` of an
  empty list, `tonumber("x")`...) give `Unresolved("<function>: <Terraform's reason>
  (Terraform fails here)")`; `is_failure()` recognises them. A failure found in any
  argument is returned as it is: Terraform stops at the first error.
- **Never a guess.** Unknown functions give `Unresolved("function <name>")`; where Python
  cannot reproduce Go/cty exactly (full Unicode grapheme segmentation, RE2 features that
  Python's `re` lacks, set order of non-primitive elements), the result is `Unresolved`.
- `call` never raises.

`try` and `can` evaluate their arguments lazily (`LAZY_FUNCTIONS`). An evaluator passes
thunks (`Callable[[], object]`, which may raise `EvaluationError`) to `evaluate_try` and
`evaluate_can`. `call("try", values)` also works on already evaluated values when every
failed argument is represented by a failure `Unresolved`.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction
from functools import cmp_to_key
from typing import NamedTuple, TypeAlias

from aksnetlint import budget, netmath
from aksnetlint.errors import EvaluationError
from aksnetlint.resolve import terraform_numbers as numbers
from aksnetlint.resolve import terraform_regex as regex
from aksnetlint.resolve import terraform_types as types
from aksnetlint.values import ResourceRef, Unresolved

Number: TypeAlias = int | float
Thunk: TypeAlias = Callable[[], object]

FAILURE_MARK = "(Terraform fails here)"
LAZY_FUNCTIONS = frozenset({"try", "can"})

__all__ = [
    "FAILURE_MARK",
    "LAZY_FUNCTIONS",
    "Thunk",
    "call",
    "evaluate_can",
    "evaluate_try",
    "failure",
    "is_failure",
    "is_unknown",
    "supported_functions",
]


class _Failure(Exception):
    """Terraform itself would report this error."""


class _Unknown(Exception):
    """The result cannot be known before apply (or cannot be computed exactly here)."""

    def __init__(self, value: Unresolved) -> None:
        super().__init__(value.reason)
        self.value = value


# -- public API -----------------------------------------------------------------------------


def is_unknown(value: object) -> bool:
    """An opaque value: `Unresolved` or `ResourceRef`."""
    return isinstance(value, Unresolved | ResourceRef)


def is_failure(value: object) -> bool:
    """An `Unresolved` that stands for an error Terraform itself would report."""
    return isinstance(value, Unresolved) and value.reason.endswith(FAILURE_MARK)


def failure(function: str, message: str) -> Unresolved:
    """The `Unresolved` for an error Terraform reports in `function`."""
    return Unresolved(f"{function}: {message} {FAILURE_MARK}")


def supported_functions() -> frozenset[str]:
    """Every function name `call` (or, for the lazy ones, `evaluate_*`) implements."""
    return frozenset(_FUNCTIONS) | LAZY_FUNCTIONS


def call(name: str, args: Sequence[object]) -> object:
    """Evaluate Terraform function `name` on evaluated `args`; never raises."""
    try:
        return _dispatch(name, list(args))
    except Exception as exc:  # the one boundary: the evaluator never sees an exception
        return Unresolved(f"{name}: cannot evaluate ({type(exc).__name__}: {exc})")


def evaluate_try(thunks: Sequence[Thunk]) -> object:
    """Terraform's `try`: the first argument that evaluates without an error.

    A thunk fails when it raises `EvaluationError` or returns a failure (`is_failure`)
    anywhere in its value. A value that contains unknowns makes the result unknown (whether
    it fails is decided only at apply). When every argument fails, so does `try`.
    """
    if not thunks:
        return failure("try", "at least one argument is required")
    last_error = ""
    for thunk in thunks:
        outcome = _run_thunk(thunk)
        if isinstance(outcome, _ThunkError):
            last_error = outcome.message
            continue
        unknown = _find_unknown(outcome)
        if unknown is not None:
            return _as_unresolved(unknown)
        return outcome
    return failure("try", f"no expression succeeded (last error: {last_error})")


def evaluate_can(thunk: Thunk) -> object:
    """Terraform's `can`: whether the expression evaluates without an error; unknown when
    its value depends on unknowns."""
    outcome = _run_thunk(thunk)
    if isinstance(outcome, _ThunkError):
        return False
    unknown = _find_unknown(outcome)
    if unknown is not None:
        return _as_unresolved(unknown)
    return True


@dataclass(frozen=True, slots=True)
class _ThunkError:
    message: str


def _run_thunk(thunk: Thunk) -> object:
    try:
        value = thunk()
    except EvaluationError as exc:
        return _ThunkError(exc.message)
    found = _find(value, is_failure)
    if isinstance(found, Unresolved):
        return _ThunkError(found.reason)
    return value


# -- dispatch -------------------------------------------------------------------------------


class _Spec(NamedTuple):
    impl: Callable[[list[object]], object]
    min_args: int
    max_args: int | None


def _dispatch(name: str, args: list[object]) -> object:
    if name == "try":
        return evaluate_try([_constant(arg) for arg in args])
    if name == "can":
        if len(args) != 1:
            return failure(name, f"function takes exactly 1 argument, got {len(args)}")
        return evaluate_can(_constant(args[0]))
    found_failure = _find(args, is_failure)
    if found_failure is not None:
        return found_failure
    spec = _FUNCTIONS.get(name)
    if spec is None:
        return Unresolved(f"function {name}")
    arity = _arity_problem(spec, len(args))
    if arity is not None:
        return failure(name, arity)
    try:
        return spec.impl(args)
    except _Failure as exc:
        return failure(name, str(exc))
    except _Unknown as exc:
        return exc.value


def _constant(value: object) -> Thunk:
    return lambda: value


def _arity_problem(spec: _Spec, count: int) -> str | None:
    if count < spec.min_args:
        return f"not enough arguments: at least {spec.min_args} required, got {count}"
    if spec.max_args is not None and count > spec.max_args:
        return f"too many arguments: at most {spec.max_args} allowed, got {count}"
    return None


# -- unknowns -------------------------------------------------------------------------------


def _find(value: object, predicate: Callable[[object], bool]) -> object | None:
    """The first element (depth first) of a nested value that satisfies `predicate`."""
    if predicate(value):
        return value
    children: list[object] = []
    if isinstance(value, list):
        children = value
    elif isinstance(value, dict):
        children = list(value.values())
    for child in children:
        found = _find(child, predicate)
        if found is not None:
            return found
    return None


def _find_unknown(value: object) -> object | None:
    return _find(value, is_unknown)


def _as_unresolved(value: object) -> Unresolved:
    if isinstance(value, Unresolved):
        return value
    return Unresolved(f"{value} is known only after apply")


def _known(value: object) -> object:
    """`value` itself, or `_Unknown` when it is opaque."""
    if is_unknown(value):
        raise _Unknown(_as_unresolved(value))
    return value


def _wholly_known(value: object) -> object:
    """`value` itself, or `_Unknown` when anything inside it is opaque."""
    unknown = _find_unknown(value)
    if unknown is not None:
        raise _Unknown(_as_unresolved(unknown))
    return value


def _unknown(reason: str) -> _Unknown:
    return _Unknown(Unresolved(reason))


# -- conversions (cty's automatic type conversion) ------------------------------------------


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | dict):
        return types.kind_of(value)
    return type(value).__name__


def _list(items: list[object], elem: types.TfType | None = None) -> list[object]:
    return types.TypedList(items, "list", elem)


def _strings(items: list[object]) -> list[object]:
    return types.TypedList(items, "list", types.STRING)


def _set_kind(value: object) -> bool:
    return types.kind_of(value) == "set"


def _no_set(value: object, message: str) -> None:
    if _set_kind(value):
        raise _Failure(message)


_WIDE = Context(prec=10_000, rounding=ROUND_HALF_EVEN)


def _normal_number(value: Number) -> Number:
    """A number in cty's form: whole numbers are ints, others 512-bit `Number`s."""
    return numbers.normal(value)


def _decimal(value: Number) -> Decimal:
    """The exact decimal value of a number (a 512-bit value has a finite expansion)."""
    exact = numbers.exact(value)
    if exact is None:
        return Decimal("Infinity") if value > 0 else Decimal("-Infinity")
    if exact.denominator == 1:
        return Decimal(exact.numerator)
    return _WIDE.divide(Decimal(exact.numerator), Decimal(exact.denominator))


_MAX_EXPONENT = 400


def _from_decimal(value: Decimal) -> Number:
    if not value.is_finite() or value.adjusted() > _MAX_EXPONENT:
        raise _unknown(f"number {value} is out of the supported range")
    return numbers.make(Fraction(value))


def _number_text(value: Number) -> str:
    """A number as Terraform writes it in a string: plain decimal, no exponent."""
    return numbers.text(value)


_NUMBER_SYNTAX = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _parse_number(text: str) -> Number | None:
    if not _NUMBER_SYNTAX.fullmatch(text):
        return None
    return _from_decimal(Decimal(text))


def _to_str(value: object, what: str = "argument") -> str:
    value = _known(value)
    if value is None:
        raise _Failure(f"{what} must not be null")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, str):
        return value
    raise _Failure(f"{what}: string required, got {_type_name(value)}")


def _to_number(value: object, what: str = "argument") -> Number:
    value = _known(value)
    if value is None:
        raise _Failure(f"{what} must not be null")
    if isinstance(value, bool):
        raise _Failure(f"{what}: number required, got bool")
    if isinstance(value, int | float):
        return _normal_number(value)
    if isinstance(value, str):
        parsed = _parse_number(value)
        if parsed is None:
            raise _Failure(f"cannot convert {json.dumps(value)} to number: a number is required")
        return parsed
    raise _Failure(f"{what}: number required, got {_type_name(value)}")


def _to_int(value: object, what: str = "argument") -> int:
    number = _to_number(value, what)
    if isinstance(number, float):
        if number == 0:  # -0 is a whole number
            return 0
        raise _Failure(f"{what}: value must be a whole number, got {_number_text(number)}")
    return number


def _to_bool(value: object, what: str = "argument") -> bool:
    value = _known(value)
    if value is None:
        raise _Failure(f"{what} must not be null")
    if isinstance(value, bool):
        return value
    if value in ("true", "false", "1", "0"):  # cty converts "1" and "0" too
        return value in ("true", "1")
    raise _Failure(f"{what}: bool required, got {_type_name(value)}")


def _to_list(value: object, what: str = "argument") -> list[object]:
    value = _known(value)
    if value is None:
        raise _Failure(f"{what} must not be null")
    if not isinstance(value, list):
        raise _Failure(f"{what} must be a list, set or tuple, got {_type_name(value)}")
    return value


def _to_map(value: object, what: str = "argument") -> dict[str, object]:
    value = _known(value)
    if value is None:
        raise _Failure(f"{what} must not be null")
    if not isinstance(value, dict):
        raise _Failure(f"{what} must be a map or object, got {_type_name(value)}")
    return value


_PRIMITIVES = frozenset({"string", "number", "bool"})


def _unify(values: list[object]) -> list[object]:
    """Elements converted to one type, the way cty unifies a tuple into a list: mixed
    primitives become strings when a string is among them; objects with different
    attributes become maps."""
    from aksnetlint.values import sourced, to_plain

    wrapped = [sourced(v, None) for v in values]
    unified = types.unify([types.shape(v) for v in wrapped])
    if unified is None:
        raise _Failure("all elements must have the same type")
    if unified.kind == "any":
        return values
    try:
        return [to_plain(types.convert(v, unified)) for v in wrapped]
    except types.ConversionError as exc:  # pragma: no cover - unify picked a common type
        raise _Failure(str(exc)) from None


def _make_set(values: list[object]) -> list[object]:
    """A Terraform set: unique elements (converted to one type) in cty's order."""
    for value in values:
        _wholly_known(value)
    unified = _unify(values)
    from aksnetlint.values import sourced, to_plain

    ordered = types.set_elements([sourced(v, None) for v in unified])
    return types.TypedList([to_plain(v) for v in ordered], "set")


def _equals(a: object, b: object) -> bool | None:
    """cty equality: same type and value; None when an unknown decides it."""
    if is_unknown(a) or is_unknown(b):
        return None
    if _type_name(a) != _type_name(b):
        return False
    if isinstance(a, list) and isinstance(b, list):
        return _all_equal(list(zip(a, b, strict=True))) if len(a) == len(b) else False
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return False
        return _all_equal([(a[k], b[k]) for k in a])
    if _type_name(a) == "number":
        return numbers.compare(a, b) == 0  # type: ignore[arg-type]
    return a == b


def _all_equal(pairs: list[tuple[object, object]]) -> bool | None:
    results = [_equals(x, y) for x, y in pairs]
    if False in results:
        return False
    return None if None in results else True


# -- Unicode: grapheme clusters -------------------------------------------------------------

_PREPEND = (
    (0x0600, 0x0605), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891),
    (0x08E2, 0x08E2), (0x0D4E, 0x0D4E), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
    (0x111C2, 0x111C3), (0x1193F, 0x1193F), (0x11941, 0x11941), (0x11A3A, 0x11A3A),
    (0x11A84, 0x11A89), (0x11D46, 0x11D46), (0x11F02, 0x11F02),
)
_HANGUL_JAMO = ((0x1100, 0x11FF), (0xA960, 0xA97F), (0xD7B0, 0xD7FF))
_EXTEND_OTHER = (
    (0x200C, 0x200D), (0x0E33, 0x0E33), (0x0EB3, 0x0EB3), (0xFF9E, 0xFF9F),
    (0x1F3FB, 0x1F3FF), (0xE0020, 0xE007F),
)
_REGIONAL_INDICATORS = (0x1F1E6, 0x1F1FF)
_ZWJ = "\u200d"


def _in_ranges(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= code <= hi for lo, hi in ranges)


def _is_extend(char: str) -> bool:
    return unicodedata.category(char) in ("Mn", "Me", "Mc") or _in_ranges(
        ord(char), _EXTEND_OTHER
    )


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Zl", "Zp") or (
        unicodedata.category(char) == "Cf" and not _is_extend(char)
    )


def _graphemes(text: str) -> list[str]:
    """User-perceived characters (extended grapheme clusters, as Terraform counts them)
    of the NFC form of `text`. Raises `_Unknown` for text whose segmentation needs Unicode
    data Python does not ship (Hangul jamo, prepend marks, emoji ZWJ sequences)."""
    clusters: list[str] = []
    pending_regional = False
    for char in unicodedata.normalize("NFC", text):
        code = ord(char)
        if _in_ranges(code, _PREPEND) or _in_ranges(code, _HANGUL_JAMO):
            raise _unknown("string needs full Unicode grapheme segmentation")
        previous = clusters[-1][-1] if clusters else None
        extend = _is_extend(char)
        if previous == _ZWJ and not extend:
            raise _unknown("string with an emoji ZWJ sequence needs full segmentation")
        regional = _REGIONAL_INDICATORS[0] <= code <= _REGIONAL_INDICATORS[1]
        if (previous == "\r" and char == "\n") or (
            previous is not None and extend and not _is_control(previous)
        ) or (regional and pending_regional):
            clusters[-1] += char
            pending_regional = False
            continue
        clusters.append(char)
        pending_regional = regional
    return clusters


def _simple_case(text: str, mapping: Callable[[str], str]) -> str:
    """Go's per-rune simple case mapping; Unresolved where Python only knows a
    multi-character (full) mapping."""
    out: list[str] = []
    for char in text:
        mapped = mapping(char)
        if len(mapped) != 1:
            raise _unknown(f"case mapping of {char!r} differs between Go and Python")
        out.append(mapped)
    return "".join(out)


def _is_go_space(char: str) -> bool:
    return char in "\t\n\v\f\r\x85" or unicodedata.category(char) in ("Zs", "Zl", "Zp")


# -- network functions ----------------------------------------------------------------------


def _fn_cidrsubnet(args: list[object]) -> object:
    prefix = _to_str(args[0], "prefix")
    newbits = _to_int(args[1], "newbits")
    netnum = _to_int(args[2], "netnum")
    try:
        return netmath.cidr_subnet(prefix, newbits, netnum)
    except ValueError as exc:
        raise _Failure(str(exc)) from None


def _fn_cidrhost(args: list[object]) -> object:
    prefix = _to_str(args[0], "prefix")
    hostnum = _to_int(args[1], "hostnum")
    try:
        return netmath.cidr_host(prefix, hostnum)
    except ValueError as exc:
        raise _Failure(str(exc)) from None


def _fn_cidrnetmask(args: list[object]) -> object:
    try:
        return netmath.cidr_netmask(_to_str(args[0], "prefix"))
    except ValueError as exc:
        raise _Failure(str(exc)) from None


def _fn_cidrsubnets(args: list[object]) -> object:
    prefix = _to_str(args[0], "prefix")
    newbits = [_to_int(arg, "newbits") for arg in args[1:]]
    if newbits:
        _reproduce_zero_base_bug(prefix, newbits[0])
    try:
        return _strings(list(netmath.cidr_subnets(prefix, *newbits)))
    except ValueError as exc:
        raise _Failure(str(exc)) from None


def _reproduce_zero_base_bug(prefix: str, first_newbits: int) -> None:
    """Terraform's `cidrsubnets` fails on any prefix whose network address is all zeros
    (`0.0.0.0/1`, `::/64`): go-cidr's `NextSubnet` takes the wrap to zero for a rollover
    (hashicorp/terraform#35486, open). Reproduced because Terraform fails here."""
    try:
        network = netmath.parse_cidr_prefix(prefix)
        netmath.cidr_subnets(prefix, first_newbits)  # Terraform checks the first one
    except ValueError as exc:
        raise _Failure(str(exc)) from None
    if int(network.network_address) != 0:
        return
    length = network.prefixlen + first_newbits
    top = (1 << network.max_prefixlen) - (1 << (network.max_prefixlen - length))
    wrapped = type(network)((top, length))
    raise _Failure(
        "not enough remaining address space for a subnet with a prefix of "
        f"{length} bits after {wrapped}"
    )


# -- collection functions -------------------------------------------------------------------


def _fn_length(args: list[object]) -> object:
    value = _known(args[0])
    if value is None:
        raise _Failure("argument must not be null")
    if isinstance(value, str):
        return len(_graphemes(value))
    if isinstance(value, list | dict):
        return len(value)
    raise _Failure("argument must be a string, a collection type, or a structural type")


def _fn_concat(args: list[object]) -> object:
    if not args:
        raise _Failure("at least one argument is required")
    result: list[object] = []
    for index, arg in enumerate(args):
        _no_set(_known(arg), "all arguments must be lists or tuples; got set")
        result.extend(_to_list(arg, f"argument {index + 1}"))
    if all(types.kind_of(arg) == "list" for arg in args):
        return _list(result)  # lists give a list; any tuple makes the result a tuple
    return result


def _flatten_into(out: list[object], items: list[object]) -> None:
    for item in items:
        _known(item)
        if isinstance(item, list):
            _flatten_into(out, item)
        else:
            out.append(item)


def _fn_flatten(args: list[object]) -> object:
    out: list[object] = []
    _flatten_into(out, _to_list(args[0], "list"))
    return out


def _fn_lookup(args: list[object]) -> object:
    mapping = _to_map(args[0], "inputMap")
    key = _to_str(args[1], "key")
    if len(args) == 3 and types.kind_of(mapping) == "map" and not is_unknown(args[2]):
        _check_default(mapping, args[2])
    if key in mapping:
        return mapping[key]
    if len(args) == 3:
        return args[2]
    raise _Failure(f"lookup failed to find key {json.dumps(key)}")


def _check_default(mapping: dict[str, object], default: object) -> None:
    """lookup()'s default must convert to a map's element type."""
    from aksnetlint.values import sourced

    element = types.shape(sourced(mapping, None))
    if element is None or element.elem is None or element.elem.has_any:
        return
    try:
        types.convert(sourced(default, None), element.elem)
    except types.ConversionError:
        raise _Failure("the default value must have the same type as the map elements") \
            from None


def _fn_merge(args: list[object]) -> object:
    merged: dict[str, object] = {}
    maps = True
    for arg in args:
        if _known(arg) is None:
            continue
        merged.update(_to_map(arg, "arguments"))
        maps = maps and types.kind_of(arg) == "map"
    result = dict(sorted(merged.items(), key=lambda item: item[0]))
    return types.TypedMap(result) if maps and merged else result


def _fn_coalesce(args: list[object]) -> object:
    kinds = {_type_name(v) for v in args if v is not None and not is_unknown(v)}
    as_string = "string" in kinds and kinds <= _PRIMITIVES
    if len(kinds) > 1 and not as_string:
        raise _Failure("all arguments must have the same type")
    for arg in args:
        value = _known(arg)
        if value is None:
            continue
        if as_string:
            text = _to_str(value)
            if text == "":
                continue
            return text
        return value
    raise _Failure("no non-null, non-empty-string arguments")


def _fn_coalescelist(args: list[object]) -> object:
    for arg in args:  # every argument's type is checked first
        if not is_unknown(arg):
            _no_set(arg, "coalescelist arguments must be lists or tuples")
    for index, arg in enumerate(args):
        if _known(arg) is None:
            continue
        items = _to_list(arg, f"argument {index + 1}")
        if items:
            return items
    raise _Failure("no non-null arguments")


def _fn_element(args: list[object]) -> object:
    items = _to_list(args[0], "list")
    _no_set(items, "cannot read elements from set")
    index = _to_int(args[1], "index")
    if not items:
        raise _Failure("cannot use element function with an empty list")
    position = int(math.fmod(index, len(items)))  # Go's %: the sign of the index
    if position < 0:
        if types.kind_of(items) == "tuple":  # Terraform 1.11 panics: index out of range
            raise _Failure(f"runtime error: index out of range [{position}]")
        position += len(items)
    return items[position]


def _fn_index(args: list[object]) -> object:
    items = _to_list(args[0], "list")
    _no_set(items, "argument must be a list or tuple")
    value = _wholly_known(args[1])
    if not items:
        raise _Failure("cannot search an empty list")
    for position, item in enumerate(items):
        equal = _equals(item, value)
        if equal is None:
            raise _Unknown(_as_unresolved(_find_unknown(item)))
        if equal:
            return position
    raise _Failure("item not found")


def _fn_contains(args: list[object]) -> object:
    items = _to_list(args[0], "list")
    value = _wholly_known(args[1])
    if value is None:
        raise _Failure('Invalid value for "value" parameter: argument must not be null')
    unknown: object | None = None
    for item in items:
        equal = _equals(item, value)
        if equal:
            return True
        if equal is None and unknown is None:
            unknown = _find_unknown(item)
    if unknown is not None:
        raise _Unknown(_as_unresolved(unknown))
    return False


def _fn_keys(args: list[object]) -> object:
    mapping = _to_map(args[0], "inputMap")
    keys: list[object] = list(sorted(mapping))
    return _strings(keys) if types.kind_of(mapping) == "map" else keys


def _fn_values(args: list[object]) -> object:
    mapping = _to_map(args[0], "mapping")
    values = [mapping[key] for key in sorted(mapping)]
    return _list(values) if types.kind_of(mapping) == "map" else values


def _fn_zipmap(args: list[object]) -> object:
    keys = [_to_str(key, "key") for key in _to_list(args[0], "keys")]
    values = _to_list(args[1], "values")
    _no_set(values, "values argument must be a list or tuple value")
    if len(keys) != len(values):
        raise _Failure(
            f"number of keys ({len(keys)}) does not match number of values ({len(values)})"
        )
    zipped = dict(zip(keys, values, strict=True))  # a repeated key: the last one wins
    result = dict(sorted(zipped.items(), key=lambda item: item[0]))
    return types.TypedMap(result) if types.kind_of(values) == "list" else result


def _fn_one(args: list[object]) -> object:
    items = _to_list(args[0], "list")
    if len(items) > 1:
        raise _Failure("must be a list, set, or tuple value with either zero or one elements")
    return items[0] if items else None


def _fn_distinct(args: list[object]) -> object:
    items = [_wholly_known(item) for item in _to_list(args[0], "list")]
    kept: list[object] = []
    for item in _unify(items):  # the list's element type first: [1, "1"] is ["1"]
        if not any(_equals(item, seen) for seen in kept):
            kept.append(item)
    return _list(kept)


def _fn_compact(args: list[object]) -> object:
    items = [_wholly_known(item) for item in _to_list(args[0], "list")]
    return _strings([text for text in (_to_str(i) for i in items if i is not None)
                     if text != ""])


def _fn_tolist(args: list[object]) -> object:
    value = _known(args[0])
    if value is None:
        return None
    return _list(_unify(_to_list(value, "v")))


def _fn_toset(args: list[object]) -> object:
    value = _known(args[0])
    if value is None:
        return None
    return _make_set(_to_list(value, "v"))


def _fn_setunion(args: list[object]) -> object:
    union: list[object] = []
    for index, arg in enumerate(args):
        union.extend(_to_list(arg, f"set {index + 1}"))
    return _make_set(union)


def _fn_tomap(args: list[object]) -> object:
    value = _known(args[0])
    if value is None:
        return None
    mapping = _to_map(value, "v")
    keys = sorted(mapping)
    return types.TypedMap(zip(keys, _unify([mapping[key] for key in keys]), strict=True))


def _fn_slice(args: list[object]) -> object:
    items = _to_list(args[0], "list")
    _no_set(items, "cannot slice a set, because its elements do not have indices")
    start = _to_int(args[1], "start_index")
    end = _to_int(args[2], "end_index")
    if start < 0:
        raise _Failure("the starting index must not be negative")
    if end > len(items):
        raise _Failure("the ending index must not exceed the list length")
    if start > end:
        raise _Failure("the starting index must be less than or equal to the ending index")
    return _list(items[start:end]) if types.kind_of(items) == "list" else items[start:end]


def _fn_reverse(args: list[object]) -> object:
    items = _to_list(args[0], "list")
    reversed_items = list(reversed(items))
    return reversed_items if types.kind_of(items) == "tuple" else _list(reversed_items)


def _fn_sort(args: list[object]) -> object:
    items = [_wholly_known(item) for item in _to_list(args[0], "list")]
    texts: list[str] = []
    for position, item in enumerate(items):
        if item is None:
            raise _Failure(f"given list element {position} is null; a null string cannot be sorted")
        texts.append(_to_str(item))
    return _strings(sorted(texts))  # type: ignore[arg-type]


_MAX_RANGE_ELEMENTS = 1024


def _fn_range(args: list[object]) -> object:
    bounds = [_exact(_to_number(arg)) for arg in args]
    if len(bounds) == 1:
        start, limit, step = Fraction(0), bounds[0], Fraction(1)
    elif len(bounds) == 2:
        start, limit = bounds
        step = Fraction(1 if limit >= start else -1)
    else:
        start, limit, step = bounds
    if step == 0:
        raise _Failure("step must not be zero")
    if (step > 0 and start > limit) or (step < 0 and start < limit):
        raise _unknown("range with a step pointing away from the limit")
    count = max(0, math.ceil((limit - start) / step))
    if count > _MAX_RANGE_ELEMENTS:
        raise _unknown(f"range of {count} elements (Terraform limits ranges to 1024)")
    return _list([numbers.make(start + step * i) for i in range(count)], types.NUMBER)


def _exact(number: Number) -> Fraction:
    exact = numbers.exact(number)
    if exact is None:
        raise _Failure("an infinite number is not allowed here")
    return exact


def _numbers(args: list[object]) -> list[Number]:
    return [_to_number(arg, "numbers") for arg in args]


_BY_VALUE = cmp_to_key(numbers.compare)


def _fn_min(args: list[object]) -> object:
    return min(_numbers(args), key=_BY_VALUE)


def _fn_max(args: list[object]) -> object:
    return max(_numbers(args), key=_BY_VALUE)


def _fn_sum(args: list[object]) -> object:
    items = _to_list(args[0], "list")
    if not items:
        raise _Failure("cannot sum an empty list")
    _wholly_known(items)
    total: Number = 0
    for item in items:
        total = numbers.add(total, _to_number(item, "list element"))
    return total


def _fn_abs(args: list[object]) -> object:
    number = _to_number(args[0], "num")
    if number == 0:
        return 0
    return numbers.negate(number) if number < 0 else number


def _fn_ceil(args: list[object]) -> object:
    return numbers.ceil(_to_number(args[0], "num"))


def _fn_floor(args: list[object]) -> object:
    return numbers.floor(_to_number(args[0], "num"))


def _fn_alltrue(args: list[object]) -> object:
    unknown: object | None = None
    for item in _to_list(args[0], "list"):
        if is_unknown(item):
            unknown = item if unknown is None else unknown
        elif item is None or not _to_bool(item, "list element"):
            return False
    if unknown is not None:
        raise _Unknown(_as_unresolved(unknown))
    return True


def _fn_anytrue(args: list[object]) -> object:
    unknown: object | None = None
    for item in _to_list(args[0], "list"):
        if is_unknown(item):
            unknown = item if unknown is None else unknown
        elif item is not None and _to_bool(item, "list element"):
            return True
    if unknown is not None:
        raise _Unknown(_as_unresolved(unknown))
    return False


# -- type conversion functions --------------------------------------------------------------


def _fn_tostring(args: list[object]) -> object:
    value = _known(args[0])
    if value is None:
        return None
    if isinstance(value, list | dict):
        raise _Failure(f"cannot convert {_type_name(value)} to string")
    return _to_str(value)


def _fn_tonumber(args: list[object]) -> object:
    value = _known(args[0])
    return None if value is None else _to_number(value, "v")


def _fn_tobool(args: list[object]) -> object:
    value = _known(args[0])
    return None if value is None else _to_bool(value, "v")


# -- string functions -----------------------------------------------------------------------


def _fn_join(args: list[object]) -> object:
    separator = _to_str(args[0], "separator")
    lists = [_to_list(arg, "lists") for arg in args[1:]]
    _wholly_known(lists)
    parts: list[str] = []
    for number, items in enumerate(lists, start=1):
        for position, item in enumerate(items):
            if item is None:
                where = f" of list {number}" if len(lists) > 1 else ""
                raise _Failure(
                    f"element {position}{where} is null; cannot concatenate null values"
                )
            parts.append(_to_str(item))
    return separator.join(parts)


def _fn_split(args: list[object]) -> object:
    separator = _to_str(args[0], "separator")
    text = _to_str(args[1], "str")
    return _strings(list(text) if separator == "" else text.split(separator))  # type: ignore[arg-type]


def _fn_lower(args: list[object]) -> object:
    return _simple_case(_to_str(args[0], "str"), str.lower)


def _fn_upper(args: list[object]) -> object:
    return _simple_case(_to_str(args[0], "str"), str.upper)


def _is_word_char(char: str) -> bool:
    if char.isascii():
        return char.isalnum() or char == "_"
    return char.isalpha() or unicodedata.category(char) == "Nd" or not _is_go_space(char)


def _fn_title(args: list[object]) -> object:
    text = _to_str(args[0], "str")
    out: list[str] = []
    previous = " "
    for char in text:
        out.append(_simple_case(char, str.title) if not _is_word_char(previous) else char)
        previous = char
    return "".join(out)


def _fn_chomp(args: list[object]) -> object:
    text = _to_str(args[0], "str")
    while text.endswith(("\n", "\r")):
        text = text[:-1]
    return text


def _fn_trimspace(args: list[object]) -> object:
    text = _to_str(args[0], "str")
    start, end = 0, len(text)
    while start < end and _is_go_space(text[start]):
        start += 1
    while end > start and _is_go_space(text[end - 1]):
        end -= 1
    return text[start:end]


def _fn_trim(args: list[object]) -> object:
    return _to_str(args[0], "str").strip(_to_str(args[1], "cutset"))


def _fn_trimprefix(args: list[object]) -> object:
    return _to_str(args[0], "str").removeprefix(_to_str(args[1], "prefix"))


def _fn_trimsuffix(args: list[object]) -> object:
    return _to_str(args[0], "str").removesuffix(_to_str(args[1], "suffix"))


def _fn_startswith(args: list[object]) -> object:
    return _to_str(args[0], "str").startswith(_to_str(args[1], "prefix"))


def _fn_endswith(args: list[object]) -> object:
    return _to_str(args[0], "str").endswith(_to_str(args[1], "suffix"))


def _fn_substr(args: list[object]) -> object:
    clusters = _graphemes(_to_str(args[0], "str"))
    offset = _to_int(args[1], "offset")
    length = _to_int(args[2], "length")
    if offset < 0:
        offset += len(clusters)  # may stay negative: cty then starts at 0
    elif length == 0:
        return ""
    rest = clusters[max(offset, 0):]
    if length <= 0:  # -1 means "to the end"; so does 0 after a negative offset (cty)
        return "".join(rest)
    return "".join(rest[:length])


def _fn_replace(args: list[object]) -> object:
    text = _to_str(args[0], "str")
    search = _to_str(args[1], "substr")
    replacement = _to_str(args[2], "replace")
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        return regex.replace_all(_regex(search[1:-1]), text, replacement)
    budget.fits(len(text) + text.count(search) * max(len(replacement) - len(search), 0),
                "replace()")
    return text.replace(search, replacement)


def _regex(pattern: str) -> regex.Regex:
    try:
        return regex.compile(pattern)
    except regex.RegexError as exc:
        raise _Failure(f"invalid regular expression: {exc}") from None


def _fn_regex(args: list[object]) -> object:
    pattern = _regex(_to_str(args[0], "pattern"))
    text = _to_str(args[1], "string")
    match = regex.search(pattern, text)
    if match is None:
        raise _Failure("pattern did not match any part of the given string")
    return regex.capture_value(match, pattern)


def _fn_regexall(args: list[object]) -> object:
    pattern = _regex(_to_str(args[0], "pattern"))
    text = _to_str(args[1], "string")
    return _list([regex.capture_value(match, pattern)
                  for match in regex.find_all(pattern, text)])


# -- format ---------------------------------------------------------------------------------

_VERB_SYNTAX = re.compile(
    r"%(?P<flags>[0#+\- ]*)(?:\[(?P<index>[1-9][0-9]*)\])?"
    r"(?P<width>[1-9][0-9]*|\*)?(?P<prec>\.(?:[0-9]*|\*))?(?P<mode>[A-Za-z])?"
)


@dataclass(frozen=True, slots=True)
class _Verb:
    raw: str
    offset: int
    flags: str
    width: int | None
    precision: int | None
    mode: str


def _fn_format(args: list[object]) -> object:
    spec = _to_str(args[0], "format")
    values = args[1:]
    for value in values:
        _wholly_known(value)
    if any(value is None for value in values):
        # Terraform's format() returns an unknown string for a null argument
        raise _unknown("format() with a null argument is known only after apply")
    return _format(spec, values)


def _format(spec: str, values: list[object]) -> str:
    out: list[str] = []
    position = 0
    next_arg = 1
    while position < len(spec):
        percent = spec.find("%", position)
        if percent < 0:
            out.append(spec[position:])
            break
        out.append(spec[position:percent])
        if spec.startswith("%%", percent):
            out.append("%")
            position = percent + 2
            continue
        verb, arg_number, position = _parse_verb(spec, percent, next_arg)
        if arg_number > len(values):
            raise _Failure(
                f"not enough arguments for {json.dumps(verb.raw)} at {verb.offset}: "
                f"need index {arg_number} but have {len(values)} total"
            )
        out.append(_format_one(verb, values[arg_number - 1]))
        next_arg = arg_number + 1
    return "".join(out)


def _parse_verb(spec: str, offset: int, next_arg: int) -> tuple[_Verb, int, int]:
    match = _VERB_SYNTAX.match(spec, offset)
    assert match is not None  # the pattern matches any "%"
    if match["mode"] is None:
        if match.end() >= len(spec):
            raise _Failure(f"invalid format string starting at offset {offset}")
        bad = spec[match.end()]
        raise _Failure(f"unrecognized format character {json.dumps(bad)} at offset {match.end()}")
    if match["width"] == "*" or (match["prec"] or "").endswith("*"):
        raise _unknown("format: width or precision taken from an argument")
    precision = match["prec"]
    verb = _Verb(
        raw=match.group(0),
        offset=offset,
        flags=match["flags"],
        width=int(match["width"]) if match["width"] else None,
        precision=int(precision[1:] or "0") if precision else None,
        mode=match["mode"],
    )
    budget.fits(max(verb.width or 0, verb.precision or 0), "format()")
    arg_number = int(match["index"]) if match["index"] else next_arg
    return verb, arg_number, match.end()


def _format_one(verb: _Verb, value: object) -> str:
    if verb.mode != "v" and value is None:
        raise _Failure(
            f"unsupported value for {json.dumps(verb.raw)} at {verb.offset}: "
            "null value cannot be formatted"
        )
    if verb.mode == "v":
        return _format_as_is(verb, value)
    if verb.mode == "t":
        return "true" if _to_bool(value) else "false"
    if verb.mode in "bdoxX":
        return _format_integer(verb, _to_number(value))
    if verb.mode in "eEfgG":
        return _format_float(verb, _to_number(value))
    if verb.mode in "sq":
        return _format_string(verb, _to_str(value))
    raise _Failure(
        f"unsupported format verb {json.dumps(verb.mode)} in {json.dumps(verb.raw)} "
        f"at offset {verb.offset}"
    )


def _pad(verb: _Verb, text: str) -> str:
    """cty's padding: width in grapheme clusters, '0' pads with zeros, '-' on the right."""
    if verb.width is None:
        return text
    missing = verb.width - len(_graphemes(text))
    if missing <= 0:
        return text
    padding = ("0" if "0" in verb.flags else " ") * missing
    return text + padding if "-" in verb.flags else padding + text


def _format_as_is(verb: _Verb, value: object) -> str:
    if "#" not in verb.flags and value is not None and not isinstance(value, bool):
        if isinstance(value, str):
            return _pad(verb, value)
        if isinstance(value, int | float):
            negative, body = _go_float(value, "g", None)
            return _pad(verb, ("-" if negative else "") + body)
    return _pad(verb, _json_encode(value))


def _format_string(verb: _Verb, text: str) -> str:
    if verb.precision:
        text = "".join(_graphemes(text)[: verb.precision])
    if verb.mode == "q":
        text = _json_string(text)
    return _pad(verb, text)


def _sign(negative: bool, flags: str) -> str:
    if negative:
        return "-"
    if "+" in flags:
        return "+"
    return " " if " " in flags else ""


_INTEGER_PREFIX = {"b": "0b", "o": "0", "x": "0x", "X": "0X"}


def _format_integer(verb: _Verb, number: Number) -> str:
    """Go's `fmt` on a `big.Int`."""
    if isinstance(number, float) and number == 0:
        number = 0  # -0 formats as 0
    if isinstance(number, float):
        raise _Failure(
            f"unsupported value for {json.dumps(verb.raw)} at {verb.offset}: "
            "an integer is required"
        )
    digits = format(abs(number), "d" if verb.mode == "d" else verb.mode)
    sign = _sign(number < 0, verb.flags)
    prefix = _INTEGER_PREFIX.get(verb.mode, "") if "#" in verb.flags else ""
    zeros = 0
    if verb.precision is not None:
        if digits == "0" and verb.precision == 0:
            return ""
        zeros = max(0, verb.precision - len(digits))
    missing = (verb.width or 0) - (len(sign) + len(prefix) + zeros + len(digits))
    left = right = 0
    if missing > 0:
        if "-" in verb.flags:
            right = missing
        elif "0" in verb.flags and verb.precision is None:
            zeros += missing
        else:
            left = missing
    return " " * left + sign + prefix + "0" * zeros + digits + " " * right


def _format_float(verb: _Verb, number: Number) -> str:
    """Go's `fmt` on a `big.Float`."""
    negative, body = _go_float(number, verb.mode, verb.precision)
    sign = "" if body.endswith("Inf") else _sign(negative, verb.flags)
    padding = max(0, (verb.width or 0) - len(sign) - len(body))
    if "0" in verb.flags and not body.endswith("Inf"):  # an infinity is padded with spaces
        return sign + "0" * padding + body
    if "-" in verb.flags:
        return sign + body + " " * padding
    return " " * padding + sign + body




def _digits(value: Decimal) -> tuple[str, int]:
    """(mantissa digits without trailing zeros, exponent) with value = 0.mantissa x 10^exp,
    as Go's `big` decimal conversion represents a non-negative number."""
    if value.is_zero():
        return "", 0
    _, digit_tuple, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digit_tuple)).lstrip("0")
    return text.rstrip("0"), len(text) + exponent


def _round_significant(value: Decimal, digits: int) -> Decimal:
    return Context(prec=digits, rounding=ROUND_HALF_EVEN).plus(value)


def _go_float(number: Number, mode: str, precision: int | None) -> tuple[bool, str]:
    """(negative, digits) of Go's %e/%f/%g (and upper-case forms) for a number."""
    value = _decimal(number)
    negative, value = value < 0, value.copy_abs()
    if value.is_infinite():
        return False, "-Inf" if negative else "+Inf"  # Go writes the sign of an infinity
    if precision is None and not value.is_zero() and value.is_finite():
        # the shortest digits that identify the 512-bit value, as Go's %v / %g write it
        digits, point = numbers.shortest_digits(number)
        value = Decimal(f"0.{digits}e{point}")
    kind = mode.lower()
    if kind == "e":
        places = 6 if precision is None else precision
        body = _fmt_e(*_digits(_round_significant(value, places + 1)), places)
    elif kind == "f":
        places = 6 if precision is None else precision
        quantum = Decimal(1).scaleb(-places)
        rounded = value.quantize(quantum, rounding=ROUND_HALF_EVEN, context=_WIDE)
        body = _fmt_f(*_digits(rounded), places)
    else:
        body = _fmt_g(value, precision)
    return negative, body.upper() if mode.isupper() else body


def go_number_string(number: Number) -> str:
    """Go's `big.Float.String()` (`%.10g`), as cty writes a number to order a set by."""
    if not math.isfinite(number):
        return "+Inf" if number > 0 else "-Inf"
    value = _decimal(number)
    if value.is_zero():
        return "0"
    negative, magnitude = value < 0, value.copy_abs()
    return ("-" if negative else "") + _fmt_g(magnitude, 10)


def _fmt_e(mantissa: str, exponent: int, places: int) -> str:
    body = mantissa[:1] or "0"
    if places > 0:
        body += "." + mantissa[1 : places + 1].ljust(places, "0")
    shown = exponent - 1 if mantissa else 0
    return f"{body}e{'-' if shown < 0 else '+'}{abs(shown):02d}"


def _fmt_f(mantissa: str, exponent: int, places: int) -> str:
    integer = mantissa[:exponent].ljust(exponent, "0") if exponent > 0 else "0"
    if places <= 0:
        return integer
    fraction = "".join(
        mantissa[i] if 0 <= i < len(mantissa) else "0" for i in range(exponent, exponent + places)
    )
    return f"{integer}.{fraction}"


_SHORTEST_EXPONENT_LIMIT = 6


def _fmt_g(value: Decimal, precision: int | None) -> str:
    shortest = precision is None
    if precision is None:
        mantissa, exponent = _digits(value)
        places = len(mantissa)
    else:
        places = max(precision, 1)
        mantissa, exponent = _digits(_round_significant(value, places))
    limit = places
    if limit > len(mantissa) and len(mantissa) >= exponent:
        limit = len(mantissa)
    if shortest:
        limit = _SHORTEST_EXPONENT_LIMIT
    if exponent - 1 < -4 or exponent - 1 >= limit:
        return _fmt_e(mantissa, exponent, min(places, len(mantissa)) - 1)
    if places > exponent:
        places = len(mantissa)
    return _fmt_f(mantissa, exponent, max(places - exponent, 0))


# -- JSON -----------------------------------------------------------------------------------

_GO_JSON_ESCAPES = (
    ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
    ("\u2028", "\\u2028"), ("\u2029", "\\u2029"),
)


def _json_string(text: str) -> str:
    """A JSON string as Go's encoding/json writes it (HTML characters escaped)."""
    encoded = json.dumps(text, ensure_ascii=False)
    for char, escape in _GO_JSON_ESCAPES:
        encoded = encoded.replace(char, escape)
    return encoded


def _json_encode(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, list):
        return "[" + ",".join(_json_encode(item) for item in value) + "]"
    if isinstance(value, dict):
        members = (f"{_json_string(k)}:{_json_encode(value[k])}" for k in sorted(value))
        return "{" + ",".join(members) + "}"
    raise _unknown(f"cannot encode {_type_name(value)} as JSON")


def _fn_jsonencode(args: list[object]) -> object:
    return _json_encode(_wholly_known(args[0]))


def _reject_constant(name: str) -> object:
    raise _Failure(f"invalid JSON: {name} is not a JSON value")


def _plain_json(value: object) -> object:
    if isinstance(value, Decimal):
        return _from_decimal(value)
    if isinstance(value, list):
        return [_plain_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain_json(item) for key, item in value.items()}
    return value


def _fn_jsondecode(args: list[object]) -> object:
    text = _to_str(args[0], "str")
    try:
        decoded = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise _Failure(f"invalid JSON: {exc.msg} at offset {exc.pos}") from None
    except RecursionError:
        raise _unknown("JSON nested too deeply") from None
    return _plain_json(decoded)


# -- the table ------------------------------------------------------------------------------

_FUNCTIONS: dict[str, _Spec] = {
    "abs": _Spec(_fn_abs, 1, 1),
    "alltrue": _Spec(_fn_alltrue, 1, 1),
    "anytrue": _Spec(_fn_anytrue, 1, 1),
    "ceil": _Spec(_fn_ceil, 1, 1),
    "chomp": _Spec(_fn_chomp, 1, 1),
    "cidrhost": _Spec(_fn_cidrhost, 2, 2),
    "cidrnetmask": _Spec(_fn_cidrnetmask, 1, 1),
    "cidrsubnet": _Spec(_fn_cidrsubnet, 3, 3),
    "cidrsubnets": _Spec(_fn_cidrsubnets, 1, None),
    "coalesce": _Spec(_fn_coalesce, 1, None),
    "coalescelist": _Spec(_fn_coalescelist, 1, None),
    "compact": _Spec(_fn_compact, 1, 1),
    "concat": _Spec(_fn_concat, 0, None),
    "contains": _Spec(_fn_contains, 2, 2),
    "distinct": _Spec(_fn_distinct, 1, 1),
    "element": _Spec(_fn_element, 2, 2),
    "endswith": _Spec(_fn_endswith, 2, 2),
    "flatten": _Spec(_fn_flatten, 1, 1),
    "floor": _Spec(_fn_floor, 1, 1),
    "format": _Spec(_fn_format, 1, None),
    "index": _Spec(_fn_index, 2, 2),
    "join": _Spec(_fn_join, 2, None),
    "jsondecode": _Spec(_fn_jsondecode, 1, 1),
    "jsonencode": _Spec(_fn_jsonencode, 1, 1),
    "keys": _Spec(_fn_keys, 1, 1),
    "length": _Spec(_fn_length, 1, 1),
    "lookup": _Spec(_fn_lookup, 2, 3),
    "lower": _Spec(_fn_lower, 1, 1),
    "max": _Spec(_fn_max, 1, None),
    "merge": _Spec(_fn_merge, 0, None),
    "min": _Spec(_fn_min, 1, None),
    "one": _Spec(_fn_one, 1, 1),
    "range": _Spec(_fn_range, 1, 3),
    "regex": _Spec(_fn_regex, 2, 2),
    "regexall": _Spec(_fn_regexall, 2, 2),
    "replace": _Spec(_fn_replace, 3, 3),
    "reverse": _Spec(_fn_reverse, 1, 1),
    "setunion": _Spec(_fn_setunion, 1, None),
    "slice": _Spec(_fn_slice, 3, 3),
    "sort": _Spec(_fn_sort, 1, 1),
    "split": _Spec(_fn_split, 2, 2),
    "startswith": _Spec(_fn_startswith, 2, 2),
    "substr": _Spec(_fn_substr, 3, 3),
    "sum": _Spec(_fn_sum, 1, 1),
    "title": _Spec(_fn_title, 1, 1),
    "tobool": _Spec(_fn_tobool, 1, 1),
    "tolist": _Spec(_fn_tolist, 1, 1),
    "tomap": _Spec(_fn_tomap, 1, 1),
    "tonumber": _Spec(_fn_tonumber, 1, 1),
    "toset": _Spec(_fn_toset, 1, 1),
    "tostring": _Spec(_fn_tostring, 1, 1),
    "trim": _Spec(_fn_trim, 2, 2),
    "trimprefix": _Spec(_fn_trimprefix, 2, 2),
    "trimspace": _Spec(_fn_trimspace, 1, 1),
    "trimsuffix": _Spec(_fn_trimsuffix, 2, 2),
    "upper": _Spec(_fn_upper, 1, 1),
    "values": _Spec(_fn_values, 1, 1),
    "zipmap": _Spec(_fn_zipmap, 2, 2),
}
