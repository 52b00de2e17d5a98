"""Address-range operators for rules (registered into the closed set of `operators`).

Each takes the subject value (an address or CIDR text) and an argument (literal, or the value
of another model path written `{path: P}`), and answers True, False or Unknown. Text that is
not an address or range is Unknown, never a violation: the provider or ARM rejects it at
deployment (AKS-RULES.md, "Invalid enum values fire no rule").

- `overlaps_any: [ranges]`: shares an address with any of the ranges (IPv4 and IPv6 never
  overlap).
- `inside_range: range`: every address of the value lies in the range.
- `network_or_first_address_of: range`: the value is the range's network address or its first
  address (the one Kubernetes gives the `kubernetes` service).
- `prefix_at_most: {ipv4: 12, ipv6: 108}`: the prefix length is at most the bound for the
  value's IP version (a version without a bound answers False).
- `uses_public_space: true|false`: the range holds addresses outside private and reserved
  space (RFC 1918, 100.64.0.0/10, loopback, link-local, AKS-reserved; for IPv6, inside
  the global unicast block 2000::/3).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from aksnetlint import netmath
from aksnetlint.operators import Answer, Unknown, register_scalar

GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")


def parse(value: object) -> netmath.Range | Unknown:
    """A range (or address) from model text; Unknown with the reason when it is not one."""
    if not isinstance(value, str):
        return Unknown(f"expected an address range, found {value!r}")
    parsed = netmath.parse_range(value)
    if isinstance(parsed, netmath.InvalidRange):
        return Unknown(f"not an address range: {parsed}")
    return parsed


def _ranges(arg: Any) -> list[netmath.Range] | Unknown:
    items = arg if isinstance(arg, list | tuple) else [arg]
    ranges = []
    for item in items:
        parsed = parse(item)
        if isinstance(parsed, Unknown):
            return parsed
        ranges.append(parsed)
    return ranges


def overlaps_any(value: object, arg: Any) -> Answer:
    subject = parse(value)
    if isinstance(subject, Unknown):
        return subject
    others = _ranges(arg)
    if isinstance(others, Unknown):
        return others
    return any(netmath.overlaps(subject, other) for other in others)


def inside_range(value: object, arg: Any) -> Answer:
    subject, outer = parse(value), parse(arg)
    if isinstance(subject, Unknown):
        return subject
    if isinstance(outer, Unknown):
        return outer
    return netmath.contains(outer, subject)


def network_or_first_address_of(value: object, arg: Any) -> Answer:
    subject, outer = parse(value), parse(arg)
    if isinstance(subject, Unknown):
        return subject
    if isinstance(outer, Unknown):
        return outer
    if subject.network.num_addresses != 1 or not netmath.contains(outer, subject):
        return False
    return subject.first - outer.first in (0, 1)


def prefix_at_most(value: object, arg: Any) -> Answer:
    subject = parse(value)
    if isinstance(subject, Unknown):
        return subject
    if not isinstance(arg, dict):
        raise TypeError("prefix_at_most takes a mapping {ipv4: n, ipv6: n}")
    bound = arg.get(f"ipv{subject.version}")
    return isinstance(bound, int) and subject.prefix_len <= bound


def uses_public_space(value: object, arg: Any) -> Answer:
    subject = parse(value)
    if isinstance(subject, Unknown):
        return subject
    return public_part(subject) == bool(arg)


def public_part(subject: netmath.RangeLike) -> bool:
    """Whether a range holds any public address (see the module docstring)."""
    network = netmath.to_range(subject).network
    if network.version == 6:
        return netmath.overlaps(network, GLOBAL_UNICAST_V6) and \
            not netmath.covered_by_any(network, netmath.PRIVATE_RANGES)
    return not netmath.covered_by_any(
        network, (*netmath.PRIVATE_RANGES, *netmath.AKS_RESERVED_RANGES))


register_scalar("overlaps_any", overlaps_any)
register_scalar("inside_range", inside_range)
register_scalar("network_or_first_address_of", network_or_first_address_of)
register_scalar("prefix_at_most", prefix_at_most)
register_scalar("uses_public_space", uses_public_space)
