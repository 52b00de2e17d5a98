"""Address and DNS-name operators for rules (registered into the closed operator set).

Scalar operators over one value (a CIDR range or address as text, or a zone name). Every
operator answers True, False or `Unknown`; the conventions:

- An absent value (None) or a blank string is no range: every operator answers False.
- A value that is not a valid range (see `cidr_invalid`) answers False to every other
  range operator: its meaning is unknown to Azure too, and `cidr_invalid` reports it.
- Prefix thresholds are an integer (both IP families) or a mapping `{ipv4: n, ipv6: m}`;
  a family missing from the mapping answers False.
- An argument read from the model (`{path: ...}`) may hold Unresolved entries: they make
  the answer Unknown unless the known entries already decide it.

Messages can explain a value with `{path:cidr_problem}` (why a range is invalid).
"""

from __future__ import annotations

import re
from typing import Any

from aksnetlint.netmath import (
    InvalidRange,
    Range,
    covered_by_any,
    is_private,
    is_public,
    parse_range,
)
from aksnetlint.operators import Answer, Unknown, register_formatter, register_scalar
from aksnetlint.values import Unresolved


def _range(value: object) -> Range | InvalidRange | None:
    """The parsed range, or None for no value (absent, blank, not a string)."""
    if not isinstance(value, str) or not value.strip():
        return None
    return parse_range(value)


def _valid(value: object) -> Range | None:
    parsed = _range(value)
    return parsed if isinstance(parsed, Range) else None


def cidr_problem(value: object) -> str:
    """Why a range is invalid ('' when it is valid or absent)."""
    parsed = _range(value)
    if isinstance(parsed, InvalidRange):
        return parsed.reason
    if isinstance(parsed, Range) and parsed.has_host_bits:
        return (f"host bits are set; the network address is {parsed.network} "
                f"(or write the single address {parsed.text.partition('/')[0]})")
    return ""


def _cidr_invalid(value: object, arg: Any) -> Answer:
    """Not a valid IPv4/IPv6 address or CIDR range, or host bits set."""
    parsed = _range(value)
    if parsed is None:
        return False
    bad = isinstance(parsed, InvalidRange) or parsed.has_host_bits
    return bad == bool(arg)


def _cidr_private(value: object, arg: Any) -> Answer:
    """Entirely private or non-routable: RFC 1918, 100.64.0.0/10, loopback, link-local
    (and the IPv6 counterparts: fc00::/7, ::1, fe80::/10)."""
    parsed = _valid(value)
    return parsed is not None and is_private(parsed) == bool(arg)


def _cidr_public(value: object, arg: Any) -> Answer:
    """Entirely outside private, non-routable and AKS-reserved space."""
    parsed = _valid(value)
    return parsed is not None and is_public(parsed) == bool(arg)


def _threshold(parsed: Range, arg: Any) -> int | None:
    chosen = arg.get(f"ipv{parsed.version}") if isinstance(arg, dict) else arg
    if isinstance(chosen, bool) or not isinstance(chosen, int):
        return None
    return chosen


def _prefix_compare(compare: str) -> Any:
    def operator(value: object, arg: Any) -> Answer:
        parsed = _valid(value)
        if parsed is None:
            return False
        limit = _threshold(parsed, arg)
        if limit is None:
            return False
        length = parsed.prefix_len
        return {"below": length < limit, "at_most": length <= limit,
                "above": length > limit}[compare]

    operator.__doc__ = f"Prefix length {compare.replace('_', ' ')} the threshold."
    return operator


def _cidr_equals(value: object, arg: Any) -> Answer:
    """The same network as `arg` (`0.0.0.0` equals `0.0.0.0/32`); host bits must match."""
    parsed, other = _valid(value), _valid(arg)
    if parsed is None or other is None:
        return False
    return parsed.network == other.network and parsed.has_host_bits == other.has_host_bits


def _ranges_of(arg: Any) -> tuple[list[Range], Unresolved | None]:
    """The valid ranges in an argument list, and the first unresolved entry."""
    items = arg if isinstance(arg, list | tuple) else [arg]
    ranges: list[Range] = []
    unknown: Unresolved | None = None
    for item in items:
        if isinstance(item, Unresolved):
            unknown = unknown or item
            continue
        parsed = _valid(item)
        if parsed is not None:
            ranges.append(parsed)
    return ranges, unknown


def _cidr_not_covered_by(value: object, arg: Any) -> Answer:
    """Some address of the value (an address or prefix) lies outside every range in `arg`
    (a list; the ranges may cover it together). Invalid ranges cover nothing; an
    unresolved range makes an uncovered value Unknown (it might cover it)."""
    parsed = _valid(value)
    if parsed is None or arg is None:
        return False
    ranges, unknown = _ranges_of(arg)
    if covered_by_any(parsed, ranges):
        return False
    if unknown is not None:
        return Unknown(unknown.reason)
    return True


# -- private DNS zone names ----------------------------------------------------------------

MAX_SUBZONE = 32
_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")
AKS_ZONE_SUFFIX = "azmk8s.io"


def region_key(region: str) -> str:
    """Azure region names compare lower-cased with spaces removed (`West Europe`)."""
    return "".join(region.split()).lower()


def _zone_form(name: str, region: str, infix: str) -> bool:
    """`<infix>.<region>.azmk8s.io` or `<subzone>.<infix>.<region>.azmk8s.io`, subzone a
    single DNS label of at most 32 characters."""
    text = name.strip().rstrip(".").lower()
    tail = f"{infix}.{region_key(region)}.{AKS_ZONE_SUFFIX}"
    if text == tail:
        return True
    if not text.endswith("." + tail):
        return False
    subzone = text[: -len(tail) - 1]
    return len(subzone) <= MAX_SUBZONE and _LABEL.fullmatch(subzone) is not None


def _zone_check(infix: str, invalid: bool) -> Any:
    def operator(value: object, arg: Any) -> Answer:
        if not isinstance(value, str) or not value.strip():
            return False
        if isinstance(arg, Unresolved):
            return Unknown(arg.reason)
        if not isinstance(arg, str) or not arg.strip():
            return Unknown("the cluster's location is not known")
        matches = _zone_form(value, arg, infix)
        return not matches if invalid else matches

    return operator


def _private_dns_zone_name_invalid(value: object, arg: Any) -> Answer:
    """The zone name is neither `privatelink.<region>.azmk8s.io` nor
    `<subzone>.privatelink.<region>.azmk8s.io` for the region `arg`."""
    answer: Answer = _zone_check("privatelink", invalid=True)(value, arg)
    return answer


def _private_dns_zone_name_vnet_integration_form(value: object, arg: Any) -> Answer:
    """The zone name is `private.<region>.azmk8s.io` or `<subzone>.private.<region>…`,
    the forms API Server VNet integration clusters may also use."""
    answer: Answer = _zone_check("private", invalid=False)(value, arg)
    return answer


def register() -> None:
    register_scalar("cidr_invalid", _cidr_invalid)
    register_scalar("cidr_private", _cidr_private)
    register_scalar("cidr_public", _cidr_public)
    register_scalar("cidr_prefix_below", _prefix_compare("below"))
    register_scalar("cidr_prefix_at_most", _prefix_compare("at_most"))
    register_scalar("cidr_prefix_above", _prefix_compare("above"))
    register_scalar("cidr_equals", _cidr_equals)
    register_scalar("cidr_not_covered_by", _cidr_not_covered_by)
    register_scalar("private_dns_zone_name_invalid", _private_dns_zone_name_invalid)
    register_scalar("private_dns_zone_name_vnet_integration_form",
                    _private_dns_zone_name_vnet_integration_form)
    register_formatter("cidr_problem", cidr_problem)


register()
