"""The ARM files of the peer conformance suite (../shared/conformance) give exactly the
AKS001 and AKS101 findings their sidecars list; an invalid resource shape is an input
error, never a finding."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from aksnetlint.lint import Options, lint
from conftest import SHARED

RULES = ("AKS001", "AKS101")
CONFORMANCE = SHARED / "conformance"
FILES = sorted(CONFORMANCE.rglob("*.json")) if CONFORMANCE.is_dir() else []


def _expected(path: Path) -> set[tuple[str, int]]:
    data = yaml.safe_load(path.with_name(path.name + ".expect.yaml").read_text("utf-8"))
    return {(entry["rule"], int(entry["line"])) for entry in data["aksnetlint"] or []
            if entry["rule"] in RULES}


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(CONFORMANCE).as_posix()
                                             for p in FILES])
def test_conformance_file(path: Path, tmp_path: Path) -> None:
    target = tmp_path / path.name
    shutil.copy2(path, target)
    result = lint([target], Options(select=RULES, root=tmp_path))
    found = {(f.rule_id, f.location.line) for f in result.active}
    assert found == _expected(path)
    assert {f.location.path for f in result.active} <= {path.name}
    assert result.deployments == 1
    invalid = '"properties": "yo"' in path.read_text("utf-8")
    assert bool(result.errors) == invalid, [str(e) for e in result.errors]


def test_conformance_suite_is_present() -> None:
    if not CONFORMANCE.is_dir():
        pytest.skip(f"{CONFORMANCE} is absent")
    assert len(FILES) >= 30
