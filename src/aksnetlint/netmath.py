"""Address arithmetic for rule operators and template functions (stdlib `ipaddress` only).

Two groups of functions live here:

- Predicates over parsed ranges (`parse_range`, `contains`, `overlaps`, `is_private`,
  `is_public`, `covered_by_any`, `find_overlaps`...). They accept a `Range` or an
  `ipaddress` network object (`RangeLike`). IPv4 and IPv6 never overlap or cover each other.
- Terraform's CIDR functions (`cidr_subnet`, `cidr_host`, `cidr_netmask`, `cidr_subnets`),
  which raise `ValueError` with Terraform's message when Terraform itself would fail.

Every range is handled as an integer interval `[first, last]`, so nothing here enumerates
addresses: an IPv6 /0 costs the same as a /128.
"""

from __future__ import annotations

import heapq
import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeAlias, TypeVar

T = TypeVar("T")

IPv4Network = ipaddress.IPv4Network
IPv6Network = ipaddress.IPv6Network
Network: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network

AZURE_RESERVED_PER_SUBNET = 5
"""Azure keeps 5 addresses of every subnet: network, gateway, 2 for DNS, and broadcast.
The same count applies to IPv6 subnets (Azure reserves 5 there too)."""

AKS_RESERVED_RANGES: tuple[ipaddress.IPv4Network, ...] = tuple(
    ipaddress.IPv4Network(text)
    for text in ("169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24")
)
"""Ranges AKS reserves: no service, pod or VNet range may overlap them."""

PRIVATE_RANGES: tuple[Network, ...] = tuple(
    ipaddress.ip_network(text)
    for text in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",  # RFC 1918
        "100.64.0.0/10",  # RFC 6598 shared address space (CGNAT)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local
        "fc00::/7",  # unique local
        "::1/128",  # loopback
        "fe80::/10",  # link-local
    )
)
"""Private or non-routable space: what a public endpoint never sees as a source address."""


@dataclass(frozen=True, slots=True)
class Range:
    """A parsed IPv4/IPv6 range as written.

    - `network`: the network with host bits cleared (`10.0.0.1/24` -> `10.0.0.0/24`).
    - `has_host_bits`: the text named an address inside the network, not the network itself.
    - `is_address`: written without a prefix length (`10.0.0.1` is a /32, `::1` a /128).
    """

    text: str
    network: Network
    has_host_bits: bool = False
    is_address: bool = False

    @property
    def version(self) -> int:
        return self.network.version

    @property
    def prefix_len(self) -> int:
        return self.network.prefixlen

    @property
    def first(self) -> int:
        return int(self.network.network_address)

    @property
    def last(self) -> int:
        return int(self.network.broadcast_address)

    def __str__(self) -> str:
        return str(self.network)


@dataclass(frozen=True, slots=True)
class InvalidRange:
    """Text that is not an IPv4/IPv6 address or CIDR range, and why."""

    text: str
    reason: str

    def __str__(self) -> str:
        return f"{self.text!r}: {self.reason}"


RangeLike: TypeAlias = Range | ipaddress.IPv4Network | ipaddress.IPv6Network
"""What every predicate accepts: a parsed `Range` or an `ipaddress` network."""

_PREFIX_DIGITS = re.compile(r"0|[1-9][0-9]*")
_IPV4_LENIENT = re.compile(r"([0-9]+)\.([0-9]+)\.([0-9]+)\.([0-9]+)")


def parse_range(text: str) -> Range | InvalidRange:
    """Parse `a.b.c.d[/n]` or an IPv6 address with an optional `/n`; never raises.

    Strict about form (what Azure accepts): no surrounding whitespace, no netmask-style
    prefixes (`/255.255.0.0`), no zone ids, no leading zeros in IPv4 octets or prefixes.
    Host bits are accepted and reported through `has_host_bits`.
    """
    if not isinstance(text, str):
        return InvalidRange(str(text), f"expected a string, got {type(text).__name__}")
    problem = _form_problem(text)
    if problem is not None:
        return InvalidRange(text, problem)
    address_text, slash, prefix_text = text.partition("/")
    try:
        address = ipaddress.ip_address(address_text)
    except ValueError:
        return InvalidRange(text, _address_reason(address_text))
    if not slash:
        return Range(text, ipaddress.ip_network(address), is_address=True)
    if not _PREFIX_DIGITS.fullmatch(prefix_text):
        return InvalidRange(text, f"prefix length {prefix_text!r} is not a decimal number")
    prefix = int(prefix_text)
    if prefix > address.max_prefixlen:
        return InvalidRange(
            text, f"prefix length /{prefix} is longer than IPv{address.version} allows"
        )
    network = ipaddress.ip_network((address, prefix), strict=False)
    return Range(text, network, has_host_bits=network.network_address != address)


def _form_problem(text: str) -> str | None:
    if not text:
        return "empty string"
    if text != text.strip():
        return "surrounding whitespace"
    if "%" in text:
        return "zone identifiers are not allowed"
    if text.count("/") > 1:
        return "more than one '/'"
    return None


def _address_reason(address_text: str) -> str:
    match = _IPV4_LENIENT.fullmatch(address_text)
    if match and any(len(octet) > 1 and octet.startswith("0") for octet in match.groups()):
        return f"{address_text!r} has an octet with leading zeros (ambiguous: octal or decimal)"
    return f"{address_text!r} is not a valid IPv4 or IPv6 address"


def to_range(value: RangeLike) -> Range:
    """A `Range` for a `Range` or an `ipaddress` network object."""
    if isinstance(value, Range):
        return value
    return Range(str(value), value)


def _span(value: RangeLike) -> tuple[int, int, int]:
    """(version, first address, last address) as integers."""
    network = value.network if isinstance(value, Range) else value
    return (
        network.version,
        int(network.network_address),
        int(network.broadcast_address),
    )


# -- predicates -------------------------------------------------------------------------


def prefix_len(value: RangeLike) -> int:
    return to_range(value).prefix_len


def contains(outer: RangeLike, inner: RangeLike) -> bool:
    """Every address of `inner` is in `outer` (a range contains itself)."""
    outer_version, outer_first, outer_last = _span(outer)
    inner_version, inner_first, inner_last = _span(inner)
    return (
        outer_version == inner_version
        and outer_first <= inner_first
        and inner_last <= outer_last
    )


def overlaps(a: RangeLike, b: RangeLike) -> bool:
    """The ranges share at least one address (adjacent ranges do not overlap)."""
    a_version, a_first, a_last = _span(a)
    b_version, b_first, b_last = _span(b)
    return a_version == b_version and a_first <= b_last and b_first <= a_last


def is_private(value: RangeLike) -> bool:
    """Entirely inside private/non-routable space (`PRIVATE_RANGES`, together)."""
    return covered_by_any(value, PRIVATE_RANGES)


def is_public(value: RangeLike) -> bool:
    """Entirely outside `PRIVATE_RANGES` and `AKS_RESERVED_RANGES`.

    A range that mixes public and private space (`0.0.0.0/0`) is neither public nor
    private. `0.0.0.0/32` is public by this definition; rules give it its AKS meaning.
    """
    return not any(overlaps(value, other) for other in (*PRIVATE_RANGES, *AKS_RESERVED_RANGES))


def is_reserved(value: RangeLike) -> bool:
    """Overlaps a range AKS reserves (`AKS_RESERVED_RANGES`)."""
    return any(overlaps(value, reserved) for reserved in AKS_RESERVED_RANGES)


def address_count(value: RangeLike) -> int:
    return to_range(value).network.num_addresses


def usable_addresses(subnet: RangeLike) -> int:
    """Addresses Azure lets a subnet's resources use: all but 5 (never below 0).

    Azure's smallest subnet is a /29 (3 usable); smaller prefixes give 0.
    """
    return max(0, address_count(subnet) - AZURE_RESERVED_PER_SUBNET)


# -- interval unions ----------------------------------------------------------------------


def _merged_intervals(ranges: Iterable[RangeLike], version: int) -> list[tuple[int, int]]:
    """The union of the ranges of one IP version as sorted, disjoint, non-adjacent
    intervals."""
    spans = sorted((first, last) for v, first, last in map(_span, ranges) if v == version)
    merged: list[tuple[int, int]] = []
    for first, last in spans:
        if merged and first <= merged[-1][1] + 1:
            if last > merged[-1][1]:
                merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged


def _gaps(first: int, last: int, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sub-intervals of `[first, last]` outside the sorted disjoint `covered` intervals."""
    gaps: list[tuple[int, int]] = []
    cursor = first
    for lo, hi in covered:
        if hi < cursor:
            continue
        if lo > last:
            break
        if lo > cursor:
            gaps.append((cursor, lo - 1))
        cursor = hi + 1
        if cursor > last:
            return gaps
    gaps.append((cursor, last))
    return gaps


def uncovered(value: RangeLike, ranges: Iterable[RangeLike]) -> list[Network]:
    """The parts of `value` that no range in `ranges` covers, as CIDR blocks (possibly
    several per gap); empty when `value` is entirely covered by the ranges together."""
    version, first, last = _span(value)
    address_type = ipaddress.IPv4Address if version == 4 else ipaddress.IPv6Address
    blocks: list[Network] = []
    for lo, hi in _gaps(first, last, _merged_intervals(ranges, version)):
        blocks.extend(ipaddress.summarize_address_range(address_type(lo), address_type(hi)))
    return blocks


def free_block(space: RangeLike, prefix_len: int, taken: Iterable[RangeLike]
               ) -> Network | None:
    """The first block of `prefix_len` inside `space` (aligned, as a CIDR block must be)
    that overlaps none of `taken`; None when there is none or the size does not fit."""
    version, first, last = _span(space)
    bits = 32 if version == 4 else 128
    if not to_range(space).prefix_len <= prefix_len <= bits:
        return None
    size = 1 << (bits - prefix_len)
    for lo, hi in _gaps(first, last, _merged_intervals(taken, version)):
        start = -(-lo // size) * size  # the first aligned address in the gap
        if start + size - 1 <= hi:
            return _block(version, start, prefix_len)
    return None


def covered_by_any(value: RangeLike, ranges: Iterable[RangeLike]) -> bool:
    """Every address of `value` lies in at least one of `ranges` (several ranges may
    cover it together). A prefix is uncovered when any of its addresses lies outside every
    range. Works on the union of intervals; never enumerates addresses."""
    version, first, last = _span(value)
    return not _gaps(first, last, _merged_intervals(ranges, version))


def find_overlaps(items: Sequence[tuple[RangeLike, T]]) -> list[tuple[T, T]]:
    """Every pair of items whose ranges overlap, as `(earlier tag, later tag)` in input
    order, the list sorted by the positions of the pair.

    A sweep over intervals sorted by first address, with a heap of the still-open ones:
    O(n log n + k) for k overlapping pairs. IPv4 and IPv6 never overlap.
    """
    spans = sorted(
        (_span(item_range), position) for position, (item_range, _tag) in enumerate(items)
    )
    pairs: list[tuple[int, int]] = []
    for version in (4, 6):
        same_version = [(first, last, pos) for (v, first, last), pos in spans if v == version]
        pairs.extend(_sweep(same_version))
    pairs.sort()
    return [(items[a][1], items[b][1]) for a, b in pairs]


def _sweep(intervals: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Overlapping position pairs among intervals sorted by first address."""
    open_heap: list[tuple[int, int]] = []  # (last address, position)
    pairs: list[tuple[int, int]] = []
    for first, last, position in intervals:
        while open_heap and open_heap[0][0] < first:
            heapq.heappop(open_heap)
        pairs.extend((min(other, position), max(other, position)) for _, other in open_heap)
        heapq.heappush(open_heap, (last, position))
    return pairs


# -- Terraform's CIDR functions ---------------------------------------------------------

_MAPPED_PREFIX = 96  # ::ffff:0:0/96 holds the IPv4-mapped addresses


def parse_cidr_prefix(prefix: str) -> Network:
    """Parse a prefix the way Terraform's CIDR functions do: a `/n` is required, host
    bits are dropped, IPv4 octets with leading zeros are decimal (a documented Terraform
    quirk) and an IPv4-mapped IPv6 prefix (`::ffff:10.0.0.0/104`) is its IPv4 network."""
    address_text, slash, length_text = prefix.partition("/")
    if not slash or not length_text.isdigit() or not length_text.isascii():
        raise ValueError(f"invalid CIDR expression: invalid CIDR address: {prefix}")
    address = _parse_lenient_address(address_text, prefix)
    length = int(length_text)
    if length > address.max_prefixlen:
        raise ValueError(f"invalid CIDR expression: invalid CIDR address: {prefix}")
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        if length < _MAPPED_PREFIX:
            raise ValueError(f"IPv4-mapped prefix shorter than /{_MAPPED_PREFIX}: {prefix}")
        return ipaddress.IPv4Network((address.ipv4_mapped, length - _MAPPED_PREFIX), strict=False)
    return ipaddress.ip_network((address, length), strict=False)


def _parse_lenient_address(
    text: str, prefix: str
) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    match = _IPV4_LENIENT.fullmatch(text)
    if match and text.isascii():
        octets = [int(part) for part in match.groups()]
        if all(octet <= 255 for octet in octets):
            return ipaddress.IPv4Address(".".join(map(str, octets)))
        raise ValueError(f"invalid CIDR expression: invalid CIDR address: {prefix}")
    if ":" not in text or "%" in text:
        raise ValueError(f"invalid CIDR expression: invalid CIDR address: {prefix}")
    try:
        return ipaddress.IPv6Address(text)
    except ValueError:
        raise ValueError(f"invalid CIDR expression: invalid CIDR address: {prefix}") from None


def _address(version: int, value: int) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if version == 4:
        return ipaddress.IPv4Address(value)
    return ipaddress.IPv6Address(value)


def _block(version: int, first: int, length: int) -> Network:
    if version == 4:
        return ipaddress.IPv4Network((first, length))
    return ipaddress.IPv6Network((first, length))


def cidr_subnet(prefix: str, newbits: int, netnum: int) -> str:
    """Terraform's `cidrsubnet`: the `netnum`-th subnet of `prefix` with `newbits` more
    prefix bits. `cidr_subnet("10.1.0.0/16", 8, 2)` is `10.1.2.0/24`."""
    network = parse_cidr_prefix(prefix)
    parent = network.prefixlen
    if newbits < 0:
        raise ValueError(f"cannot extend prefix of {parent} by a negative {newbits} bits")
    length = parent + newbits
    if length > network.max_prefixlen:
        raise ValueError(f"insufficient address space to extend prefix of {parent} by {newbits}")
    if not 0 <= netnum < 1 << newbits:
        raise ValueError(
            f"prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"
        )
    first = int(network.network_address) + (netnum << (network.max_prefixlen - length))
    return str(_block(network.version, first, length))


def cidr_host(prefix: str, hostnum: int) -> str:
    """Terraform's `cidrhost`: the `hostnum`-th address of `prefix`; a negative number
    counts from the end (`-1` is the last address)."""
    network = parse_cidr_prefix(prefix)
    size = network.num_addresses
    if not -size <= hostnum < size:
        raise ValueError(
            f"prefix of {network.prefixlen} does not accommodate a host numbered {hostnum}"
        )
    offset = hostnum % size
    return str(_address(network.version, int(network.network_address) + offset))


def cidr_netmask(prefix: str) -> str:
    """Terraform's `cidrnetmask`: the dotted netmask of an IPv4 prefix."""
    network = parse_cidr_prefix(prefix)
    if network.version != 4 or ":" in prefix:
        raise ValueError(f"IPv6 addresses cannot have a netmask: {prefix}")
    return str(network.netmask)


_MAX_CIDRSUBNETS_NEWBITS = 32


def cidr_subnets(prefix: str, *newbits: int) -> list[str]:
    """Terraform's `cidrsubnets`: consecutive subnets of `prefix`, one per `newbits`,
    each starting at the first address after the previous one that is aligned to its own
    size. `cidr_subnets("10.1.0.0/16", 4, 4, 8, 4)` is `10.1.0.0/20`, `10.1.16.0/20`,
    `10.1.32.0/24`, `10.1.48.0/20`."""
    network = parse_cidr_prefix(prefix)
    version, base, end = _span(network)
    cursor = base
    result: list[str] = []
    for bits in newbits:
        length = _cidrsubnets_length(network, bits)
        size = 1 << (network.max_prefixlen - length)
        start = -(-cursor // size) * size  # round up to the block size
        if start + size - 1 > end:
            raise ValueError(
                "not enough remaining address space for a subnet with a prefix of "
                f"{length} bits after {result[-1] if result else network}"
            )
        result.append(str(_block(version, start, length)))
        cursor = start + size
    return result


def _cidrsubnets_length(network: Network, bits: int) -> int:
    if bits < 1:
        raise ValueError("must extend prefix by at least one bit")
    if bits > _MAX_CIDRSUBNETS_NEWBITS:
        raise ValueError("may not extend prefix by more than 32 bits")
    length = network.prefixlen + bits
    if length > network.max_prefixlen:
        raise ValueError(
            f"would extend prefix to {length} bits, which is too long for an "
            f"IPv{network.version} address"
        )
    return length
