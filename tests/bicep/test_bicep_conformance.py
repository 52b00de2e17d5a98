"""Every Bicep fixture of the shared conformance suite parses."""

from __future__ import annotations

from pathlib import Path

import pytest

from aksnetlint.parsers.bicep import parse_bicep

CONFORMANCE = Path("/work/shared/conformance")
FILES = sorted(CONFORMANCE.rglob("*.bicep")) if CONFORMANCE.is_dir() else []


@pytest.mark.skipif(not CONFORMANCE.is_dir(), reason=f"{CONFORMANCE} is not present")
def test_conformance_has_bicep_fixtures() -> None:
    assert FILES


@pytest.mark.skipif(not CONFORMANCE.is_dir(), reason=f"{CONFORMANCE} is not present")
@pytest.mark.parametrize(
    "path", FILES, ids=[str(p.relative_to(CONFORMANCE)) for p in FILES]
)
def test_conformance_fixture_parses(path: Path) -> None:
    relative = str(path.relative_to(CONFORMANCE))
    tree = parse_bicep(path.read_bytes().decode("utf-8"), relative)
    types = [r.resource_type for r in tree.resources]
    assert "Microsoft.ContainerService/managedClusters" in types
    for resource in tree.resources:
        assert resource.loc.path == relative
        assert resource.object is not None
