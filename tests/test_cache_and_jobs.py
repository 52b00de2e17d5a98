"""The per-deployment result cache (hit, miss, invalidation, corruption) and parallel
scans (identical findings in identical order)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from aksnetlint import cache
from aksnetlint.lint import Options, lint
from conftest import FIXTURES

CASE = FIXTURES / "AKS001" / "module_two_levels"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("AKSNETLINT_CACHE_DIR", str(folder))
    return folder


def _entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.rglob("*.json"))


def _scan(folder: Path, **kwargs: object) -> list[tuple[str, str, int, str]]:
    result = lint([folder], Options(root=folder, select=("AKS001",), cache=True, **kwargs))  # type: ignore[arg-type]
    assert not result.errors
    return [(f.rule_id, f.location.path, f.location.line, f.message) for f in result.findings]


def test_hit_returns_the_same_findings(tmp_path: Path, cache_dir: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "case"
    shutil.copytree(CASE, folder)
    first = _scan(folder)
    assert first and _entries(cache_dir)

    def no_loading(*args: object) -> None:
        raise AssertionError("a cache hit must not load the deployment again")

    from aksnetlint import lint as lint_module

    monkeypatch.setitem(lint_module.LOADERS, "terraform", no_loading)
    assert _scan(folder) == first


def test_change_in_a_called_module_invalidates(tmp_path: Path, cache_dir: Path) -> None:
    folder = tmp_path / "case"
    shutil.copytree(CASE, folder)
    assert len(_scan(folder)) == 1
    caller = folder / "live" / "main.tf"
    caller.write_text(caller.read_text().replace("api_ranges  = [] # expect: AKS001",
                                                 'api_ranges  = ["203.0.113.0/24"]'))
    assert _scan(folder) == []
    module = folder / "modules" / "aks" / "main.tf"
    module.write_text(module.read_text().replace("authorized_ip_ranges = var.allowed_cidrs",
                                                 "authorized_ip_ranges = []"))
    assert len(_scan(folder)) == 2  # the module file is a dependency of the live unit


def test_new_file_in_a_module_folder_invalidates(tmp_path: Path, cache_dir: Path) -> None:
    folder = tmp_path / "case"
    shutil.copytree(CASE, folder)
    assert len(_scan(folder)) == 1
    (folder / "modules" / "aks" / "extra.tf").write_text(
        'resource "azurerm_kubernetes_cluster" "extra" {\n  name = "extra"\n}\n')
    assert len(_scan(folder)) == 3  # the extra open cluster, once per caller instance


def test_version_change_misses(tmp_path: Path, cache_dir: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "case"
    shutil.copytree(CASE, folder)
    _scan(folder)
    before = len(_entries(cache_dir))
    monkeypatch.setattr(cache, "__version__", "999.0")
    _scan(folder)
    assert len(_entries(cache_dir)) > before


def test_corrupt_entry_is_ignored_and_rewritten(tmp_path: Path, cache_dir: Path) -> None:
    folder = tmp_path / "case"
    shutil.copytree(CASE, folder)
    first = _scan(folder)
    for entry in _entries(cache_dir):
        entry.write_text("{not json")
    assert _scan(folder) == first
    for entry in _entries(cache_dir):  # a hash line, then the JSON document
        assert json.loads(entry.read_text().partition("\n")[2])["format"] == cache.FORMAT


def test_no_cache_writes_nothing(tmp_path: Path, cache_dir: Path) -> None:
    folder = tmp_path / "case"
    shutil.copytree(CASE, folder)
    lint([folder], Options(root=folder, cache=False))
    assert _entries(cache_dir) == []


def test_parallel_and_serial_scans_agree(tmp_path: Path, cache_dir: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate import write_estate

    estate = tmp_path / "estate"
    write_estate(estate, 30)
    serial = lint([estate], Options(root=estate, jobs=1))
    parallel = lint([estate], Options(root=estate, jobs=2))
    assert serial.findings == parallel.findings
    assert [str(e) for e in serial.errors] == [str(e) for e in parallel.errors]
    assert serial.deployments == parallel.deployments
    assert serial.findings, "the generated estate has problems to find"


def test_module_cached_as_part_of_a_deployment_is_judged_alone_later(
        tmp_path: Path, cache_dir: Path) -> None:
    folder = tmp_path / "case"
    shutil.copytree(CASE, folder)
    (folder / "modules" / "aks" / "extra.tf").write_text(
        'resource "azurerm_kubernetes_cluster" "extra" {\n  name = "extra"\n}\n')
    assert len(_scan(folder)) == 3  # live: the caller's finding + extra once per instance
    alone = lint([folder / "modules" / "aks"], Options(root=folder, select=("AKS001",),
                                                      cache=True))
    assert [(f.location.path, f.location.line) for f in alone.findings] == [
        ("modules/aks/extra.tf", 1)]


def test_folder_scan_reads_nothing_outside_the_folder(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Looking for a Bicep file's callers and parameter files stays inside the scanned
    folder: a large unrelated tree under the working directory is not read."""
    from aksnetlint.sources import recording

    scanned = tmp_path / "infra"
    scanned.mkdir()
    (scanned / "main.bicep").write_text(
        "resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {\n"
        "  name: 'aks'\n  location: 'westeurope'\n  properties: {\n    dnsPrefix: 'x'\n  }\n}\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "other.bicep").write_text("module m '../infra/main.bicep' = {\n  name: 'm'\n}\n")
    monkeypatch.chdir(tmp_path)
    with recording() as read:
        result = lint([Path("infra")], Options(root=tmp_path, select=("AKS001",)))
    assert [f.location.path for f in result.findings] == ["infra/main.bicep"]
    assert not [p for p in read if "elsewhere" in p]
