"""The peer conformance suite (../shared/conformance) gives exactly the AKS2xx / AKS3xx
findings its sidecars list, for every file format aksnetlint scans."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from aksnetlint.deployments import LOADERS
from aksnetlint.lint import Options, lint
from conftest import SHARED

RULES = ("AKS201", "AKS202", "AKS203", "AKS204", "AKS205", "AKS206", "AKS207", "AKS208",
         "AKS209", "AKS210", "AKS211", "AKS301", "AKS302", "AKS303", "AKS305", "AKS306",
         "AKS307", "AKS308")
CONFORMANCE = SHARED / "conformance"
SUFFIXES = {".tf": "terraform", ".json": "json", ".bicep": "bicep"}
FILES = sorted(p for p in CONFORMANCE.rglob("*") if p.suffix in SUFFIXES
               and p.with_name(p.name + ".expect.yaml").is_file()) \
    if CONFORMANCE.is_dir() else []


def _expected(path: Path) -> set[tuple[str, int]]:
    data = yaml.safe_load(path.with_name(path.name + ".expect.yaml").read_text("utf-8"))
    return {(entry["rule"], int(entry["line"])) for entry in data["aksnetlint"] or []
            if entry["rule"] in RULES}


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(CONFORMANCE).as_posix()
                                             for p in FILES])
def test_network_rules_on_conformance_file(path: Path, tmp_path: Path) -> None:
    if SUFFIXES[path.suffix] not in LOADERS:
        pytest.skip(f"no loader for {path.suffix} files yet")
    target = tmp_path / path.name
    shutil.copy2(path, target)
    result = lint([target], Options(select=RULES, root=tmp_path))
    if result.deployments == 0 or (result.errors and path.suffix == ".bicep"):
        pytest.skip("the file produced no complete deployment (input errors are the "
                    f"resolver tests' concern): {[str(e) for e in result.errors]}")
    found = {(f.rule_id, f.location.line) for f in result.active}
    assert found == _expected(path)
