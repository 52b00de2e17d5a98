"""The same small deployments written in Terraform, ARM JSON and Bicep
(`tests/fixtures/equivalence/<case>/{terraform,arm,bicep}/`) yield the same rule ids and
the same numbers in their messages (ranges, sizes, counts): rules are written once,
against the model, whatever the source format. `azure-resources/` holds what Azure reports
once the template is deployed (az CLI and Resource Graph output, with every value AKS
fills in): judging what is deployed gives the same findings as judging the template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aksnetlint.lint import Options, lint
from conftest import FIXTURES

EQUIVALENCE = FIXTURES / "equivalence"
FORMATS = ("terraform", "arm", "bicep", "azure-resources")
# deployed resources are named by their IDs, whose digits are not the numbers compared
RESOURCE_ID_RE = re.compile(r" \(/subscriptions/[^)]*\)")
NUMBER_RE = re.compile(r"\d+(?:[./:]\d+)*")

# what each case must report (besides agreeing across formats)
EXPECTED = {
    "public_no_ranges": {"AKS001", "AKS008"},
    "private_system_zone_vpn": {"AKS101"},
    "private_clean": set(),
    "service_cidr_overlap": {"AKS008", "AKS205"},
    "small_node_subnet": {"AKS301"},
    "udr_without_default_route": {"AKS302"},
}


def _implemented() -> set[str]:
    from aksnetlint.rules import load_rules

    return {rule.id for rule in load_rules()}


def _outcome(folder: Path) -> list[tuple[str, tuple[str, ...]]]:
    result = lint([folder], Options(root=folder))
    assert not result.errors, [str(e) for e in result.errors]
    assert result.deployments == 1
    return sorted((f.rule_id, tuple(NUMBER_RE.findall(RESOURCE_ID_RE.sub("", f.message))))
                  for f in result.active)


def test_every_case_is_written_in_every_format() -> None:
    cases = {p.name for p in EQUIVALENCE.iterdir() if p.is_dir()}
    assert cases == set(EXPECTED)
    for case in cases:
        assert {p.name for p in (EQUIVALENCE / case).iterdir()} == set(FORMATS), case


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_formats_agree(case: str) -> None:
    outcomes = {fmt: _outcome((EQUIVALENCE / case / fmt).resolve()) for fmt in FORMATS}
    implemented = _implemented()
    for fmt, outcome in outcomes.items():
        assert {rule for rule, _ in outcome} == EXPECTED[case] & implemented, fmt
    assert outcomes["arm"] == outcomes["terraform"]
    assert outcomes["bicep"] == outcomes["terraform"]
    assert outcomes["azure-resources"] == outcomes["terraform"]
