from __future__ import annotations

import ipaddress
import random

import pytest

from aksnetlint.netmath import (
    AKS_RESERVED_RANGES,
    InvalidRange,
    Range,
    cidr_host,
    cidr_netmask,
    cidr_subnet,
    cidr_subnets,
    contains,
    covered_by_any,
    find_overlaps,
    is_private,
    is_public,
    is_reserved,
    overlaps,
    parse_cidr_prefix,
    parse_range,
    prefix_len,
    uncovered,
    usable_addresses,
)


def rng(text: str) -> Range:
    parsed = parse_range(text)
    assert isinstance(parsed, Range), parsed
    return parsed


# -- parse_range ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "network", "host_bits", "is_address"),
    [
        ("10.0.0.0/16", "10.0.0.0/16", False, False),
        ("10.0.0.1/16", "10.0.0.0/16", True, False),
        ("10.0.0.1", "10.0.0.1/32", False, True),
        ("0.0.0.0/0", "0.0.0.0/0", False, False),
        ("0.0.0.0/32", "0.0.0.0/32", False, False),
        ("fd00::/8", "fd00::/8", False, False),
        ("fd00::1/64", "fd00::/64", True, False),
        ("::1", "::1/128", False, True),
        ("2001:db8::/32", "2001:db8::/32", False, False),
    ],
)
def test_parse_range_valid(text: str, network: str, host_bits: bool, is_address: bool) -> None:
    parsed = rng(text)
    assert parsed.network == ipaddress.ip_network(network)
    assert parsed.text == text
    assert parsed.has_host_bits is host_bits
    assert parsed.is_address is is_address


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        (" 10.0.0.0/8", "whitespace"),
        ("10.0.0.0/33", "longer than IPv4"),
        ("fd00::/129", "longer than IPv6"),
        ("10.0.0.0/255.0.0.0", "not a decimal"),
        ("10.0.0.0/08", "not a decimal"),
        ("10.0.0.0/", "not a decimal"),
        ("010.0.0.0/8", "leading zeros"),
        ("10.0.0/8", "not a valid"),
        ("256.0.0.0/8", "not a valid"),
        ("fe80::1%eth0", "zone"),
        ("10.0.0.0/8/8", "more than one"),
        ("example.com", "not a valid"),
        ("*", "not a valid"),
    ],
)
def test_parse_range_invalid_says_why(text: str, reason: str) -> None:
    parsed = parse_range(text)
    assert isinstance(parsed, InvalidRange)
    assert reason in parsed.reason
    assert parsed.text == text


def test_parse_range_never_raises_on_non_strings() -> None:
    assert isinstance(parse_range(None), InvalidRange)  # type: ignore[arg-type]


# -- predicates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("10.0.0.0/8", "10.1.0.0/16", True),
        ("10.0.0.0/8", "10.0.0.0/8", True),
        ("10.1.0.0/16", "10.0.0.0/8", False),
        ("10.0.0.0/8", "11.0.0.0/8", False),
        ("10.0.0.0/8", "10.255.255.255", True),
        ("0.0.0.0/0", "::/0", False),
        ("::/0", "fd00::/8", True),
        ("10.0.0.0/24", "10.0.0.128/24", True),  # host bits are ignored
    ],
)
def test_contains(outer: str, inner: str, expected: bool) -> None:
    assert contains(rng(outer), rng(inner)) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("10.0.0.0/24", "10.0.1.0/24", False),  # adjacent
        ("10.0.0.0/23", "10.0.1.0/24", True),
        ("10.0.1.0/24", "10.0.0.0/23", True),
        ("10.0.0.0/24", "10.0.0.255", True),
        ("10.0.0.0/24", "10.0.1.0", False),
        ("0.0.0.0/0", "::/0", False),
        ("fd00::/64", "fd00:0:0:1::/64", False),
        ("fd00::/63", "fd00:0:0:1::/64", True),
    ],
)
def test_overlaps(a: str, b: str, expected: bool) -> None:
    assert overlaps(rng(a), rng(b)) is expected
    assert overlaps(rng(b), rng(a)) is expected


def test_predicates_accept_ipaddress_networks() -> None:
    assert contains(ipaddress.ip_network("10.0.0.0/8"), rng("10.2.0.0/16"))
    assert overlaps(ipaddress.ip_network("fd00::/8"), ipaddress.ip_network("fd12::/16"))
    assert prefix_len(ipaddress.ip_network("10.0.0.0/8")) == 8


@pytest.mark.parametrize(
    ("text", "private", "public"),
    [
        ("10.1.0.0/16", True, False),
        ("172.16.0.0/12", True, False),
        ("172.32.0.0/16", False, True),
        ("192.168.10.0/24", True, False),
        ("100.64.0.0/10", True, False),
        ("100.128.0.0/16", False, True),
        ("127.0.0.1", True, False),
        ("169.254.1.0/24", True, False),
        ("8.8.8.8", False, True),
        ("20.50.0.0/16", False, True),
        ("0.0.0.0/0", False, False),  # mixes both
        ("8.0.0.0/7", False, True),
        ("0.0.0.0/32", False, True),  # a normal /32 here; rules give it its AKS meaning
        ("172.30.0.0/16", True, False),  # AKS-reserved, inside RFC 1918
        ("192.0.2.0/24", False, False),  # AKS-reserved: neither private nor public
        ("fd00::/8", True, False),
        ("fc00::/7", True, False),
        ("::1", True, False),
        ("fe80::/10", True, False),
        ("2001:db8::/32", False, True),
        ("::/0", False, False),
    ],
)
def test_private_and_public(text: str, private: bool, public: bool) -> None:
    assert is_private(rng(text)) is private
    assert is_public(rng(text)) is public


def test_private_across_adjacent_private_blocks() -> None:
    # 10.0.0.0/8 is private; a range covering it and 11.0.0.0/8 is not.
    assert not is_private(rng("10.0.0.0/7"))


def test_reserved_ranges() -> None:
    assert [str(r) for r in AKS_RESERVED_RANGES] == [
        "169.254.0.0/16",
        "172.30.0.0/16",
        "172.31.0.0/16",
        "192.0.2.0/24",
    ]
    assert is_reserved(rng("172.16.0.0/12"))
    assert is_reserved(rng("192.0.2.128/25"))
    assert not is_reserved(rng("10.0.0.0/8"))
    assert not is_reserved(rng("fd00::/8"))


@pytest.mark.parametrize(
    ("text", "usable"),
    [("10.0.0.0/24", 251), ("10.0.0.0/29", 3), ("10.0.0.0/30", 0), ("10.0.0.1", 0),
     ("10.0.0.0/16", 65531), ("fd00::/64", 2**64 - 5)],
)
def test_usable_addresses(text: str, usable: int) -> None:
    assert usable_addresses(rng(text)) == usable


# -- covered_by_any / uncovered --------------------------------------------------------------


def test_prefix_covered_by_two_ranges_together() -> None:
    egress = rng("20.1.0.0/23")
    halves = [rng("20.1.0.0/24"), rng("20.1.1.0/24")]
    assert covered_by_any(egress, halves)
    assert not covered_by_any(egress, halves[:1])
    assert uncovered(egress, halves[:1]) == [ipaddress.ip_network("20.1.1.0/24")]


def test_partial_coverage_reports_the_gaps() -> None:
    target = rng("20.0.0.0/22")
    ranges = [rng("20.0.0.0/24"), rng("20.0.2.0/25"), rng("20.0.3.0/24")]
    assert not covered_by_any(target, ranges)
    assert uncovered(target, ranges) == [
        ipaddress.ip_network("20.0.1.0/24"),
        ipaddress.ip_network("20.0.2.128/25"),
    ]


def test_covered_by_overlapping_and_unsorted_ranges() -> None:
    ranges = [rng("20.0.3.0/24"), rng("20.0.0.0/23"), rng("20.0.1.0/24"), rng("20.0.2.0/24")]
    assert covered_by_any(rng("20.0.0.0/22"), ranges)


def test_coverage_never_crosses_ip_versions() -> None:
    assert not covered_by_any(rng("20.0.0.1"), [rng("::/0")])
    assert covered_by_any(rng("20.0.0.1"), [rng("::/0"), rng("0.0.0.0/0")])
    assert not covered_by_any(rng("20.0.0.1"), [])


def test_coverage_of_huge_ipv6_ranges_is_interval_arithmetic() -> None:
    halves = [rng("::/1"), rng("8000::/1")]
    assert covered_by_any(rng("::/0"), halves)
    assert uncovered(rng("::/0"), halves[:1]) == [ipaddress.ip_network("8000::/1")]


# -- find_overlaps -------------------------------------------------------------------------


def brute_force(items: list[tuple[Range, int]]) -> list[tuple[int, int]]:
    return [
        (items[i][1], items[j][1])
        for i in range(len(items))
        for j in range(i + 1, len(items))
        if overlaps(items[i][0], items[j][0])
    ]


def random_ranges(count: int, seed: int) -> list[tuple[Range, int]]:
    generator = random.Random(seed)
    items: list[tuple[Range, int]] = []
    for tag in range(count):
        address: ipaddress.IPv4Address | ipaddress.IPv6Address
        if generator.random() < 0.8:
            length = generator.randint(8, 32)
            address = ipaddress.IPv4Address(generator.getrandbits(32))
        else:
            length = generator.randint(16, 128)
            address = ipaddress.IPv6Address(generator.getrandbits(128))
        network = ipaddress.ip_network((address, length), strict=False)
        items.append((Range(str(network), network), tag))
    return items


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_find_overlaps_matches_brute_force(seed: int) -> None:
    items = random_ranges(300, seed)
    assert find_overlaps(items) == brute_force(items)


def test_find_overlaps_examples() -> None:
    items = [
        (rng("10.0.0.0/16"), "vnet"),
        (rng("10.0.1.0/24"), "subnet"),
        (rng("10.1.0.0/16"), "other"),
        (rng("fd00::/8"), "v6"),
        (rng("10.0.0.0/8"), "pods"),
        (rng("10.0.1.0/24"), "dup"),
    ]
    assert find_overlaps(items) == [
        ("vnet", "subnet"),
        ("vnet", "pods"),
        ("vnet", "dup"),
        ("subnet", "pods"),
        ("subnet", "dup"),
        ("other", "pods"),
        ("pods", "dup"),
    ]


def test_find_overlaps_adjacent_ranges_do_not_overlap() -> None:
    items = [(rng(f"10.0.{i}.0/24"), i) for i in range(256)]
    assert find_overlaps(items) == []


def test_find_overlaps_on_ten_thousand_ranges() -> None:
    items = random_ranges(10_000, seed=42)
    result = find_overlaps(items)
    assert len(set(result)) == len(result)
    sample = random.Random(7).sample(result, min(200, len(result)))
    for a, b in sample:
        assert overlaps(items[a][0], items[b][0])
    assert find_overlaps([]) == []


# -- Terraform CIDR functions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("10.0.0.0/16", 9, 0), "10.0.0.0/25"),
        (("10.1.0.0/16", 8, 2), "10.1.2.0/24"),
        (("192.168.2.0/20", 4, 6), "192.168.6.0/24"),
        (("10.0.0.0/8", 0, 0), "10.0.0.0/8"),
        (("fe80::/48", 16, 6), "fe80:0:0:6::/64"),
        (("fe80::/48", 33, 6), "fe80::3:0:0:0/81"),
        (("fd00:fd12:3456:7890::/56", 16, 162), "fd00:fd12:3456:7800:a200::/72"),
        (("::ffff:192.168.0.0/112", 8, 6), "192.168.6.0/24"),
        (("010.001.0.0/24", 4, 1), "10.1.0.16/28"),
    ],
)
def test_cidr_subnet(args: tuple[str, int, int], expected: str) -> None:
    assert cidr_subnet(*args) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("10.0.0.0/30", 3, 0), "insufficient address space to extend prefix of 30 by 3"),
        (("192.168.0.0/30", 4, 6), "insufficient address space"),
        (("10.0.0.0/16", 2, 4), "prefix extension of 2 does not accommodate a subnet numbered 4"),
        (("10.0.0.0/16", 2, -1), "does not accommodate a subnet numbered -1"),
        (("not-a-cidr", 4, 6), "invalid CIDR expression"),
        (("10.256.0.0/8", 4, 6), "invalid CIDR expression"),
        (("10.0.0.0", 4, 6), "invalid CIDR expression"),
        (("10.0.0.0/16", -1, 0), "negative"),
    ],
)
def test_cidr_subnet_errors(args: tuple[str, int, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cidr_subnet(*args)


@pytest.mark.parametrize(
    ("prefix", "hostnum", "expected"),
    [
        ("10.12.112.0/20", 16, "10.12.112.16"),
        ("10.12.112.0/20", 268, "10.12.113.12"),
        ("10.0.0.0/8", 2, "10.0.0.2"),
        ("10.0.0.0/8", -2, "10.255.255.254"),
        ("192.168.1.0/24", -1, "192.168.1.255"),
        ("192.168.1.0/24", -256, "192.168.1.0"),
        ("fd00:fd12:3456:7890:00a2::/72", 34, "fd00:fd12:3456:7890::22"),
        ("fd00::/64", -1, "fd00::ffff:ffff:ffff:ffff"),
        ("010.001.0.0/24", 6, "10.1.0.6"),
    ],
)
def test_cidr_host(prefix: str, hostnum: int, expected: str) -> None:
    assert cidr_host(prefix, hostnum) == expected


@pytest.mark.parametrize("hostnum", [4, 255, -5, -255])
def test_cidr_host_out_of_range(hostnum: int) -> None:
    with pytest.raises(ValueError, match="prefix of 30 does not accommodate a host numbered"):
        cidr_host("192.168.1.0/30", hostnum)


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("192.168.1.0/24", "255.255.255.0"),
        ("10.0.0.0/32", "255.255.255.255"),
        ("0.0.0.0/0", "0.0.0.0"),
        ("172.16.0.0/12", "255.240.0.0"),
        ("010.001.0.0/24", "255.255.255.0"),
    ],
)
def test_cidr_netmask(prefix: str, expected: str) -> None:
    assert cidr_netmask(prefix) == expected


def test_cidr_netmask_rejects_ipv6() -> None:
    with pytest.raises(ValueError, match="IPv6 addresses cannot have a netmask"):
        cidr_netmask("1::/64")


@pytest.mark.parametrize(
    ("prefix", "newbits", "expected"),
    [
        (
            "10.1.0.0/16",
            (4, 4, 8, 4),
            ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"],
        ),
        (
            "fd00:fd12:3456:7890::/56",
            (16, 16, 16, 32),
            ["fd00:fd12:3456:7800::/72", "fd00:fd12:3456:7800:100::/72",
             "fd00:fd12:3456:7800:200::/72", "fd00:fd12:3456:7800:300::/88"],
        ),
        (
            "10.0.0.0/21",
            (3, 3, 3, 4, 4, 4, 7, 7, 7),
            ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/25", "10.0.3.128/25",
             "10.0.4.0/25", "10.0.4.128/28", "10.0.4.144/28", "10.0.4.160/28"],
        ),
        ("010.0.0.0/21", (3,), ["10.0.0.0/24"]),
        ("10.0.0.0/8", (), []),
        ("10.0.0.0/8", (1, 1), ["10.0.0.0/9", "10.128.0.0/9"]),
    ],
)
def test_cidr_subnets(prefix: str, newbits: tuple[int, ...], expected: list[str]) -> None:
    assert cidr_subnets(prefix, *newbits) == expected


@pytest.mark.parametrize(
    ("prefix", "newbits", "message"),
    [
        ("10.0.0.0/30", (1, 3), "would extend prefix to 33 bits, which is too long for an IPv4"),
        ("10.0.0.0/8", (1, 1, 1), "for a subnet with a prefix of 9 bits after 10.128.0.0/9"),
        ("10.0.0.0/8", (1, 0), "must extend prefix by at least one bit"),
        ("10.0.0.0/8", (1, -1), "must extend prefix by at least one bit"),
        ("fe80::/48", (1, 33), "may not extend prefix by more than 32 bits"),
        ("fe80::/120", (9,), "too long for an IPv6 address"),
    ],
)
def test_cidr_subnets_errors(prefix: str, newbits: tuple[int, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cidr_subnets(prefix, *newbits)


def test_parse_cidr_prefix_is_lenient_like_terraform() -> None:
    assert parse_cidr_prefix("10.0.0.1/8") == ipaddress.ip_network("10.0.0.0/8")
    assert parse_cidr_prefix("::ffff:10.0.0.0/104") == ipaddress.ip_network("10.0.0.0/8")
    with pytest.raises(ValueError):
        parse_cidr_prefix("::ffff:10.0.0.0/64")
    with pytest.raises(ValueError):
        parse_cidr_prefix("10.0.0.0/33")
