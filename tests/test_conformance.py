"""Peer conformance fixtures (`../shared/conformance`, see its README): each fixture is
scanned alone with the rules implemented so far, and must report exactly the (rule, line)
set its `.expect.yaml` lists for those rules. A format aksnetlint cannot scan yet is
skipped with the reason; the fixtures themselves are never changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aksnetlint.findings import Kind
from aksnetlint.lint import Options, lint
from conftest import SHARED

CONFORMANCE = SHARED / "conformance"
# file suffix -> the loader (deployments.LOADERS key) that scans it
_LOADER_OF = {".tf": "terraform", ".json": "json", ".bicep": "bicep"}


def _fixtures() -> list[Path]:
    if not CONFORMANCE.is_dir():
        return []
    return sorted(p for p in CONFORMANCE.rglob("*")
                  if p.is_file() and p.suffix in _LOADER_OF
                  and (p.parent / (p.name + ".expect.yaml")).is_file())


FIXTURES = _fixtures()


def _implemented() -> set[str]:
    from aksnetlint.rules import load_rules

    return {rule.id for rule in load_rules()}


def _expected(fixture: Path, rules: set[str]) -> set[tuple[str, int]]:
    import yaml

    data = yaml.safe_load((fixture.parent / (fixture.name + ".expect.yaml"))
                          .read_text(encoding="utf-8"))
    return {(entry["rule"], int(entry["line"])) for entry in data.get("aksnetlint") or []
            if entry["rule"] in rules}


def test_conformance_folder_present() -> None:
    if not CONFORMANCE.is_dir():
        pytest.skip(f"../shared is absent ({CONFORMANCE}); it holds the conformance fixtures")
    assert FIXTURES, "no conformance fixtures with an .expect.yaml found"


@pytest.mark.parametrize("fixture", FIXTURES,
                         ids=[p.relative_to(CONFORMANCE).as_posix() for p in FIXTURES])
def test_conformance(fixture: Path, tmp_path: Path) -> None:
    from aksnetlint.deployments import LOADERS

    loader = _LOADER_OF[fixture.suffix]
    if loader not in LOADERS:
        pytest.skip(f"aksnetlint cannot scan {fixture.suffix} files yet (no '{loader}' loader)")
    case = tmp_path / "case"
    case.mkdir()
    shutil.copy2(fixture, case / fixture.name)
    rules = _implemented()
    result = lint([case], Options(select=tuple(sorted(rules)), root=case))
    found = {(f.rule_id, f.location.line) for f in result.findings
             if f.kind is Kind.FINDING and f.suppressed is None}
    assert found == _expected(fixture, rules), [str(e) for e in result.errors]
