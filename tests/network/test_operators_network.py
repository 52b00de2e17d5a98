"""Address operators, path arguments, and typed finding properties."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aksnetlint.document import Leaf, Node
from aksnetlint.engine import Subject, evaluate
from aksnetlint.lint import Options, lint
from aksnetlint.operators import SCALAR, Unknown, known_operators
from aksnetlint.operators_network import (
    inside_range,
    network_or_first_address_of,
    overlaps_any,
    prefix_at_most,
    uses_public_space,
)
from aksnetlint.report import ReportOptions, reporter
from aksnetlint.rules import load_rules
from conftest import FIXTURES, isolate

RESERVED = ["169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24"]


def test_registered() -> None:
    assert {"overlaps_any", "inside_range", "network_or_first_address_of", "prefix_at_most",
            "uses_public_space"} <= known_operators()
    assert SCALAR["overlaps_any"] is overlaps_any


@pytest.mark.parametrize(("value", "expected"), [
    ("172.30.0.0/16", True), ("172.16.0.0/12", True), ("172.29.255.0/24", False),
    ("169.254.169.254", True), ("10.0.0.0/8", False), ("fd00::/8", False),
])
def test_overlaps_any(value: str, expected: bool) -> None:
    assert overlaps_any(value, RESERVED) is expected


def test_invalid_text_is_unknown_never_true() -> None:
    assert isinstance(overlaps_any("10.0.0.300/16", RESERVED), Unknown)
    assert isinstance(inside_range("10.0.0.10", "not a range"), Unknown)
    assert isinstance(uses_public_space(None, True), Unknown)


@pytest.mark.parametrize(("ip", "expected"), [
    ("10.0.0.0", True), ("10.0.0.1", True), ("10.0.0.2", False), ("10.0.0.10", False),
    ("10.1.0.1", False),
])
def test_network_or_first_address(ip: str, expected: bool) -> None:
    assert network_or_first_address_of(ip, "10.0.0.0/16") is expected


def test_inside_range() -> None:
    assert inside_range("10.0.0.10", "10.0.0.0/16") is True
    assert inside_range("10.1.0.10", "10.0.0.0/16") is False
    assert inside_range("fd00::a", "10.0.0.0/16") is False


@pytest.mark.parametrize(("value", "expected"), [
    ("172.16.0.0/12", True), ("10.0.0.0/8", True), ("172.16.0.0/13", False),
    ("fd00::/12", False),
])
def test_prefix_at_most(value: str, expected: bool) -> None:
    assert prefix_at_most(value, {"ipv4": 12}) is expected


@pytest.mark.parametrize(("value", "expected"), [
    ("20.10.0.0/16", True), ("10.0.0.0/7", True), ("10.0.0.0/8", False),
    ("100.64.0.0/10", False), ("192.168.1.0/24", False), ("172.31.0.0/16", False),
    ("2001:db8::/32", True), ("fd00:1::/48", False), ("ace:cab:deca::/48", False),
])
def test_uses_public_space(value: str, expected: bool) -> None:
    assert uses_public_space(value, True) is expected


def _subject(**values: object) -> Subject:
    node = Node("thing", None)
    for key, value in values.items():
        node[key] = Leaf(value, None)
    return Subject(node, (), Node("root", None))


def test_path_argument_compares_two_values() -> None:
    cond = {"path": "demand", "greater_than": {"path": "usable"}}
    assert evaluate(cond, _subject(demand=60, usable=59), {}) is True
    assert evaluate(cond, _subject(demand=59, usable=59), {}) is False


@pytest.mark.parametrize("usable", [None, "missing"])
def test_path_argument_missing_side_is_unknown(usable: object) -> None:
    cond = {"path": "demand", "greater_than": {"path": "usable"}}
    values: dict[str, object] = {"demand": 60}
    if usable != "missing":
        values["usable"] = usable
    assert isinstance(evaluate(cond, _subject(**values), {}), Unknown)


def test_sarif_carries_capacity_numbers(tmp_path: Path) -> None:
    folder = isolate(FIXTURES / "AKS301" / "flat_one_address_short.tf", tmp_path)
    rules = load_rules()
    result = lint([folder], Options(select=("AKS301",), root=folder), rules)
    [finding] = result.active
    props = dict(finding.properties)
    assert (props["usable"], props["demand"], props["shortfall"]) == (123, 126, 3)
    assert "(2 nodes + 1 default surge) × (41 maxPods + 1) = 126" in str(props["explain"])
    log = json.loads(reporter("sarif")(result, rules, ReportOptions(root=result.root)))
    [res] = log["runs"][0]["results"]
    assert res["properties"]["demand"] == 126
    text = reporter("text")(result, rules, ReportOptions(root=result.root))
    assert "demand 126 = 126 > 123 usable: 3 short" in text
