"""Terraform's numbers: arbitrary-precision binary floating point, as cty computes them.

cty keeps a number as a `big.Float` of 512 bits of mantissa, rounding to nearest even after
every operation, so `0.1 + 0.2 == 0.3` is true and `1 / 3` prints 155 digits. Whole numbers
stay Python `int`s; other numbers are `Number`s: a `float` (so code that only needs an
approximation works unchanged) that carries the exact value Terraform holds.

`text()` writes a number the way Terraform writes it in a string (`big.Float.Text('f', -1)`:
the shortest decimal that identifies the value at 512 bits); division by zero gives an
infinity, `a % 0` is `a`, and `%` truncates towards zero, as cty does.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

PRECISION = 512


class Number(float):
    """A number that is not whole: the nearest float, and `exact`, cty's value (None for
    the infinities)."""

    exact: Fraction | None

    def __new__(cls, exact: Fraction | None, approximate: float | None = None) -> Number:
        value = approximate if approximate is not None else float(exact)  # type: ignore[arg-type]
        number = super().__new__(cls, value)
        number.exact = exact
        return number

    def __repr__(self) -> str:
        return text(self)


class NumberError(ArithmeticError):
    """An operation Terraform refuses ("Operation failed")."""


POSITIVE_INFINITY = Number(None, math.inf)
NEGATIVE_INFINITY = Number(None, -math.inf)
NEGATIVE_ZERO = Number(Fraction(0), -0.0)  # cty keeps the sign of zero: "${-5 * 0}" is "-0"


def _negative(number: int | float) -> bool:
    return number < 0 or (number == 0 and math.copysign(1.0, number) < 0)


def _zero(result: int | float, negative: bool) -> int | float:
    """A zero result with the sign big.Float gives it."""
    if result == 0 and negative:
        return NEGATIVE_ZERO
    return result


def _round(value: Fraction) -> Fraction:
    """`value` rounded to 512 bits of mantissa, ties to even."""
    if value == 0:
        return value
    negative = value < 0
    magnitude = -value if negative else value
    # exponent so that magnitude / 2**shift has exactly PRECISION bits
    shift = magnitude.numerator.bit_length() - magnitude.denominator.bit_length() - PRECISION
    scaled = magnitude / (Fraction(2) ** shift)
    while scaled >= 2 ** PRECISION:
        shift += 1
        scaled /= 2
    while scaled < 2 ** (PRECISION - 1):
        shift -= 1
        scaled *= 2
    mantissa = round(scaled)  # Python rounds half to even
    rounded = Fraction(mantissa) * Fraction(2) ** shift
    return -rounded if negative else rounded


def make(value: Fraction) -> int | Number:
    """The number Terraform holds for an exact `value` (rounded to 512 bits)."""
    rounded = _round(value)
    if rounded.denominator == 1:
        return int(rounded)
    return Number(rounded)


def exact(number: int | float) -> Fraction | None:
    """cty's value of a number; None for an infinity. A plain float is read as the decimal
    it was written as (its shortest representation), as Terraform parses literals."""
    if isinstance(number, bool):
        raise TypeError("a bool is not a number")
    if isinstance(number, int):
        return Fraction(number)
    if isinstance(number, Number):
        return number.exact
    if not math.isfinite(number):
        return None
    return _round(Fraction(Decimal(repr(number))))


def parse(text: str) -> int | Number:
    """A decimal literal (or a string Terraform converts to a number) as cty parses it."""
    return make(Fraction(Decimal(text)))


def normal(number: int | float) -> int | float:
    """A number in the form every evaluator uses: int when whole, else `Number`."""
    if isinstance(number, bool | int | Number):
        return number
    value = exact(number)
    if value is None:
        return POSITIVE_INFINITY if number > 0 else NEGATIVE_INFINITY
    return make(value)


def _infinite(number: int | float) -> bool:
    return isinstance(number, float) and not math.isfinite(number)


def add(a: int | float, b: int | float) -> int | float:
    if a is NEGATIVE_ZERO and b is NEGATIVE_ZERO:
        return NEGATIVE_ZERO
    if _infinite(a) or _infinite(b):
        result = float(a) + float(b)
        if math.isnan(result):
            raise NumberError("cannot add infinities of opposite signs")
        return POSITIVE_INFINITY if result > 0 else NEGATIVE_INFINITY
    return make(_exact(a) + _exact(b))


def subtract(a: int | float, b: int | float) -> int | float:
    return add(a, negate(b))


def negate(a: int | float) -> int | float:
    if a == 0 and not _infinite(a):
        return 0 if _negative(a) else NEGATIVE_ZERO
    if isinstance(a, int):
        return -a
    if _infinite(a):
        return NEGATIVE_INFINITY if a > 0 else POSITIVE_INFINITY
    return make(-_exact(a))


def multiply(a: int | float, b: int | float) -> int | float:
    if _infinite(a) or _infinite(b):
        if a == 0 or b == 0:
            raise NumberError("cannot multiply zero by infinity")
        return POSITIVE_INFINITY if (a > 0) == (b > 0) else NEGATIVE_INFINITY
    return _zero(make(_exact(a) * _exact(b)), _negative(a) != _negative(b))


def divide(a: int | float, b: int | float) -> int | float:
    if b == 0:
        if a == 0:
            raise NumberError("division of zero by zero")
        return POSITIVE_INFINITY if (a > 0) != _negative(b) else NEGATIVE_INFINITY
    if _infinite(a) or _infinite(b):
        if _infinite(a) and _infinite(b):
            raise NumberError("division of infinities")
        if _infinite(b):
            return 0
        return POSITIVE_INFINITY if (a > 0) == (b > 0) else NEGATIVE_INFINITY
    return _zero(make(_exact(a) / _exact(b)), _negative(a) != _negative(b))


def modulo(a: int | float, b: int | float) -> int | float:
    """cty's `%`: `a % 0` is `a`; otherwise `a - b * trunc(a / b)` (the sign of `a`)."""
    if _infinite(a) or _infinite(b):
        raise NumberError("modulo of an infinity")
    if b == 0:
        return a
    x, y = _exact(a), _exact(b)
    quotient = _round(x / y)
    truncated = math.trunc(quotient)
    return make(x - _round(y * truncated))


def compare(a: int | float, b: int | float) -> int:
    """-1, 0 or 1 as `a` is less than, equal to or greater than `b`."""
    if _infinite(a) or _infinite(b):
        fa, fb = float(a), float(b)
        return (fa > fb) - (fa < fb)
    x, y = _exact(a), _exact(b)
    return (x > y) - (x < y)


def _exact(number: int | float) -> Fraction:
    value = exact(number)
    assert value is not None
    return value


def floor(number: int | float) -> int | float:
    if _infinite(number):
        return number
    return math.floor(_exact(number))


def ceil(number: int | float) -> int | float:
    if _infinite(number):
        return number
    return math.ceil(_exact(number))


# -- writing a number -------------------------------------------------------------------------


def text(number: int | float) -> str:
    """The number as Terraform writes it in a string: plain decimal, no exponent, the
    shortest digits that identify its 512-bit value; `+Inf` / `-Inf`."""
    if isinstance(number, bool):
        raise TypeError("a bool is not a number")
    if isinstance(number, int):
        return str(number)
    if _infinite(number):
        return "+Inf" if number > 0 else "-Inf"
    if number is NEGATIVE_ZERO:
        return "-0"
    value = _exact(number)
    if value.denominator == 1:
        return str(value.numerator)
    sign = "-" if value < 0 else ""
    digits, point = _shortest(-value if value < 0 else value)
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


def shortest_digits(number: int | float) -> tuple[str, int]:
    """The shortest digits identifying a finite, non-zero number at 512 bits, and the
    position of the decimal point (value = 0.DIGITS * 10**point), sign left out."""
    value = abs(_exact(number))
    if value.denominator == 1:
        return _normalised(str(value.numerator), len(str(value.numerator)))
    return _shortest(value)


def _decimal(mantissa: int, exponent: int) -> tuple[str, int]:
    """The exact decimal digits of `mantissa * 2**exponent` (> 0) and the position of the
    decimal point (value = 0.DIGITS * 10**point), trailing zeros removed."""
    if exponent >= 0:
        whole = mantissa << exponent
        digits = str(whole)
        point = len(digits)
    else:
        scaled = mantissa * 5 ** -exponent  # value = scaled / 10**-exponent
        digits = str(scaled)
        point = len(digits) + exponent
    stripped = digits.rstrip("0")
    return stripped or "0", point


def _shortest(value: Fraction) -> tuple[str, int]:
    """Go's `roundShortest` for a positive 512-bit value: the shortest digit string that
    rounds back to the value at 512 bits."""
    denominator_bits = value.denominator.bit_length() - 1  # a power of two: dyadic value
    mantissa = value.numerator
    exponent = -denominator_bits
    # the mantissa with PRECISION + 1 bits: its lsb is half an ulp of the value
    shift = mantissa.bit_length() - (PRECISION + 1)
    if shift < 0:
        half_ulp_mantissa, half_ulp_exponent = mantissa << -shift, exponent + shift
    else:
        half_ulp_mantissa, half_ulp_exponent = mantissa >> shift, exponent + shift
    digits, point = _decimal(mantissa, exponent)
    lower, lower_point = _decimal(half_ulp_mantissa - 1, half_ulp_exponent)
    upper, upper_point = _decimal(half_ulp_mantissa + 1, half_ulp_exponent)
    # align the three on the decimal point of the largest (upper) with leading zeros
    top = max(point, lower_point, upper_point)
    digits = "0" * (top - point) + digits
    lower = "0" * (top - lower_point) + lower
    upper = "0" * (top - upper_point) + upper
    inclusive = half_ulp_mantissa & 2 == 0

    def at(d: str, i: int) -> int:
        return int(d[i]) if i < len(d) else 0

    for i, char in enumerate(digits):
        m = int(char)
        low, high = at(lower, i), at(upper, i)
        ok_down = low != m or (inclusive and i + 1 == len(lower))
        ok_up = m != high and (inclusive or m + 1 < high or i + 1 < len(upper))
        if ok_down and ok_up:
            return _normalised(*_round_digits(digits, top, i + 1, nearest=True))
        if ok_down:
            return _normalised(digits[: i + 1], top)
        if ok_up:
            return _normalised(*_round_up(digits[: i + 1], top))
    return _normalised(digits, top)


def _normalised(digits: str, point: int) -> tuple[str, int]:
    """Leading zeros moved into the point, trailing zeros dropped."""
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    stripped = stripped.rstrip("0")
    return (stripped, point) if stripped else ("0", 1)


def _round_digits(digits: str, point: int, n: int, nearest: bool) -> tuple[str, int]:
    if n >= len(digits):
        return digits, point
    rest = digits[n:]
    up = rest[0] > "5" or (rest[0] == "5" and (len(rest) > 1 or
                                               (n > 0 and int(digits[n - 1]) % 2 == 1)))
    if nearest and up:
        return _round_up(digits[:n], point)
    return digits[:n], point


def _round_up(digits: str, point: int) -> tuple[str, int]:
    rounded = str(int(digits) + 1).rjust(len(digits), "0")
    if len(rounded) > len(digits):
        point += 1
    return rounded, point


__all__ = [
    "NEGATIVE_INFINITY",
    "NEGATIVE_ZERO",
    "POSITIVE_INFINITY",
    "Number",
    "NumberError",
    "add",
    "compare",
    "divide",
    "exact",
    "make",
    "modulo",
    "multiply",
    "negate",
    "normal",
    "parse",
    "shortest_digits",
    "subtract",
    "text",
]
