"""Unit tests for the address and DNS-name operators (`aksnetlint.operators_cidr`)."""

from __future__ import annotations

import pytest

from aksnetlint.operators import FORMATTERS, SCALAR, Unknown, known_operators
from aksnetlint.operators_cidr import cidr_problem, region_key
from aksnetlint.values import Unresolved

known_operators()  # registers the extension modules


def op(name: str, value: object, arg: object) -> object:
    return SCALAR[name](value, arg)


def test_registered() -> None:
    for name in ("cidr_invalid", "cidr_private", "cidr_public", "cidr_prefix_below",
                 "cidr_prefix_at_most", "cidr_prefix_above", "cidr_equals",
                 "cidr_not_covered_by", "private_dns_zone_name_invalid",
                 "private_dns_zone_name_vnet_integration_form"):
        assert name in known_operators()
    assert FORMATTERS["cidr_problem"] is cidr_problem


@pytest.mark.parametrize(("text", "invalid"), [
    ("203.0.113.0/24", False),
    ("203.0.113.7", False),
    ("203.0.113.7/32", False),
    ("0.0.0.0/32", False),
    ("2001:db8::/48", False),
    ("::/0", False),
    ("203.0.113.7/24", True),  # host bits
    ("2001:db8::1/64", True),  # host bits (IPv6)
    ("10.0.0.0/33", True),
    ("2001:db8::/129", True),
    ("203.0.113.0/255.255.255.0", True),
    ("010.1.2.0/24", True),
    (" 10.0.0.0/8", True),
    ("office", True),
    ("fe80::1%eth0", True),
])
def test_cidr_invalid(text: str, invalid: bool) -> None:
    assert op("cidr_invalid", text, True) is invalid
    assert op("cidr_invalid", text, False) is (not invalid)


@pytest.mark.parametrize("blank", [None, "", "   ", 42])
def test_no_value_is_no_range(blank: object) -> None:
    for name in ("cidr_invalid", "cidr_private", "cidr_public"):
        assert op(name, blank, True) is False
    assert op("cidr_prefix_below", blank, 8) is False


def test_cidr_problem_says_which() -> None:
    assert "network address is 203.0.113.0/24" in cidr_problem("203.0.113.7/24")
    assert "longer than IPv4 allows" in cidr_problem("10.0.0.0/33")
    assert "leading zeros" in cidr_problem("010.1.2.0/24")
    assert cidr_problem("203.0.113.0/24") == ""
    assert cidr_problem(None) == ""


@pytest.mark.parametrize(("text", "private", "public"), [
    ("10.0.0.0/8", True, False),
    ("172.16.4.0/24", True, False),
    ("192.168.0.18", True, False),
    ("100.64.0.0/10", True, False),
    ("127.0.0.1", True, False),
    ("169.254.0.0/16", True, False),
    ("fd00::/8", True, False),
    ("fe80::/10", True, False),
    ("::1", True, False),
    ("203.0.113.0/24", False, True),
    ("172.32.0.0/16", False, True),
    ("2001:db8::/48", False, True),
    ("0.0.0.0/0", False, False),  # mixes both
    ("10.0.0.0/7", False, False),  # 10/8 and 11/8
    ("0.0.0.0/32", False, True),
])
def test_private_public(text: str, private: bool, public: bool) -> None:
    assert op("cidr_private", text, True) is private
    assert op("cidr_public", text, True) is public


def test_invalid_range_answers_false_to_other_operators() -> None:
    assert op("cidr_private", "10.0.0.0/33", True) is False
    assert op("cidr_private", "10.0.0.0/33", False) is False
    assert op("cidr_prefix_below", "x/4", 8) is False


@pytest.mark.parametrize(("text", "arg", "below", "at_most", "above"), [
    ("0.0.0.0/0", 8, True, True, False),
    ("64.0.0.0/7", 8, True, True, False),
    ("20.0.0.0/8", 8, False, True, False),
    ("40.64.0.0/16", 16, False, True, False),
    ("10.1.2.0/28", 28, False, True, False),
    ("10.1.2.0/29", 28, False, False, True),
    ("203.0.113.7", 28, False, False, True),  # an address is a /32
    ("::/0", 8, True, True, False),
    ("2001:db8::/48", {"ipv4": 16, "ipv6": 48}, False, True, False),
    ("2001:db8::/47", {"ipv4": 16, "ipv6": 48}, True, True, False),
    ("2001:db8::/64", {"ipv4": 28}, False, False, False),  # family not configured
    ("10.1.2.0/29", {"ipv6": 64}, False, False, False),
])
def test_prefix_comparisons(text: str, arg: object, below: bool, at_most: bool,
                            above: bool) -> None:
    assert op("cidr_prefix_below", text, arg) is below
    assert op("cidr_prefix_at_most", text, arg) is at_most
    assert op("cidr_prefix_above", text, arg) is above


def test_prefix_threshold_must_be_a_number() -> None:
    assert op("cidr_prefix_below", "0.0.0.0/0", None) is False
    assert op("cidr_prefix_below", "0.0.0.0/0", True) is False


def test_cidr_equals() -> None:
    assert op("cidr_equals", "0.0.0.0/32", "0.0.0.0/32") is True
    assert op("cidr_equals", "0.0.0.0", "0.0.0.0/32") is True
    assert op("cidr_equals", "0.0.0.0/0", "0.0.0.0/32") is False
    assert op("cidr_equals", "10.0.0.1/8", "10.0.0.0/8") is False  # host bits differ
    assert op("cidr_equals", "nonsense", "0.0.0.0/32") is False


def test_not_covered_by() -> None:
    assert op("cidr_not_covered_by", "20.50.60.70", ["203.0.113.0/24"]) is True
    assert op("cidr_not_covered_by", "20.50.60.70", ["20.50.0.0/16"]) is False
    assert op("cidr_not_covered_by", "20.50.60.70", ["20.50.60.70/32"]) is False
    # a prefix is uncovered when any of its addresses is outside every range
    assert op("cidr_not_covered_by", "198.51.100.0/30", ["198.51.100.0/31"]) is True
    assert op("cidr_not_covered_by", "198.51.100.0/30",
              ["198.51.100.0/31", "198.51.100.2/31"]) is False
    # IPv6 and IPv4 never cover each other
    assert op("cidr_not_covered_by", "2001:db8::1", ["0.0.0.0/0"]) is True
    assert op("cidr_not_covered_by", "2001:db8::1", ["::/0"]) is False
    # invalid ranges cover nothing; an invalid value is never judged
    assert op("cidr_not_covered_by", "20.50.60.70", ["20.50.60.70/33"]) is True
    assert op("cidr_not_covered_by", "not-an-ip", ["0.0.0.0/0"]) is False
    assert op("cidr_not_covered_by", "20.50.60.70", None) is False


def test_not_covered_by_unknown_range() -> None:
    unknown = Unresolved("var.office is not set")
    answer = op("cidr_not_covered_by", "20.50.60.70", ["203.0.113.0/24", unknown])
    assert isinstance(answer, Unknown) and "var.office" in answer.reason
    # known ranges already decide it
    assert op("cidr_not_covered_by", "20.50.60.70", ["20.50.60.0/24", unknown]) is False


def test_region_key() -> None:
    assert region_key("West Europe") == "westeurope"
    assert region_key("eastus") == "eastus"
    assert region_key(" East  US 2 ") == "eastus2"


SUB32 = "a" * 16 + "-" + "b" * 15


@pytest.mark.parametrize(("zone", "region", "invalid"), [
    ("privatelink.westeurope.azmk8s.io", "westeurope", False),
    ("privatelink.westeurope.azmk8s.io", "West Europe", False),
    ("PrivateLink.EastUS.azmk8s.io", "East US", False),
    ("privatelink.eastus.azmk8s.io.", "eastus", False),  # trailing dot
    ("contoso.privatelink.eastus.azmk8s.io", "eastus", False),
    (f"{SUB32}.privatelink.eastus.azmk8s.io", "eastus", False),
    (f"{SUB32}c.privatelink.eastus.azmk8s.io", "eastus", True),  # 33 characters
    ("team.contoso.privatelink.eastus.azmk8s.io", "eastus", True),  # two labels
    ("-bad.privatelink.eastus.azmk8s.io", "eastus", True),
    ("privatelink.eastus2.azmk8s.io", "eastus", True),
    ("privatelink.eastus.azmk8s.com", "eastus", True),
    ("private.eastus.azmk8s.io", "eastus", True),
    ("xprivatelink.eastus.azmk8s.io", "eastus", True),
])
def test_private_dns_zone_name_invalid(zone: str, region: str, invalid: bool) -> None:
    assert op("private_dns_zone_name_invalid", zone, region) is invalid


@pytest.mark.parametrize(("zone", "matches"), [
    ("private.westeurope.azmk8s.io", True),
    ("contoso.private.westeurope.azmk8s.io", True),
    ("privatelink.westeurope.azmk8s.io", False),
    ("private.northeurope.azmk8s.io", False),
])
def test_vnet_integration_form(zone: str, matches: bool) -> None:
    assert op("private_dns_zone_name_vnet_integration_form", zone, "West Europe") is matches


def test_zone_region_unknown() -> None:
    answer = op("private_dns_zone_name_invalid", "privatelink.x.azmk8s.io",
                Unresolved("var.location has no value"))
    assert isinstance(answer, Unknown)
    assert isinstance(op("private_dns_zone_name_invalid", "privatelink.x.azmk8s.io", None),
                      Unknown)
    assert op("private_dns_zone_name_invalid", None, "eastus") is False
