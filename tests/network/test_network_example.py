"""The example landing zone shows the network rules with their arithmetic, and keeps the
API server and DNS findings it was written for."""

from __future__ import annotations

import shutil
from pathlib import Path

from aksnetlint.lint import Options, lint
from conftest import REPO

EXAMPLE = REPO / "examples" / "terraform" / "landing-zone"


def test_landing_zone_findings(tmp_path: Path) -> None:
    target = tmp_path / "landing-zone"
    shutil.copytree(EXAMPLE, target)
    result = lint([target], Options(root=tmp_path))
    assert not result.errors
    found = {(f.rule_id, f.location.path, f.location.line) for f in result.active}
    expected = {
        ("AKS001", "landing-zone/terraform.tfvars", 4),
        ("AKS101", "landing-zone/spoke-prod.tf", 58),
        ("AKS205", "landing-zone/spoke-dev.tf", 52),
        ("AKS301", "landing-zone/spoke-dev.tf", 21),
        ("AKS302", "landing-zone/spoke-prod.tf", 82),
        ("AKS303", "landing-zone/spoke-dev.tf", 52),
    }
    assert expected <= found
    capacity = next(f for f in result.active if f.rule_id == "AKS301")
    props = dict(capacity.properties)
    assert (props["usable"], props["demand"], props["shortfall"]) == (251, 434, 183)
    assert "need 14 × 31 = 434 with flat Azure CNI" in capacity.message
    overlap = next(f for f in result.active if f.rule_id == "AKS205")
    assert "10.0.0.0/16 (the default)" in overlap.message
    assert "VNet 'vnet-hub-westeurope' 10.0.0.0/16 (peered through 'peer-dev-to-hub')" \
        in overlap.message
