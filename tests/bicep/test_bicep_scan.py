"""`aksnetlint scan` on Bicep: which files form a deployment (modules, `.bicepparam`,
compiled JSON), files named alone, errors, and what the result cache sees read."""

from __future__ import annotations

from pathlib import Path

import pytest

from aksnetlint.deployments import LOADERS, LoadOptions, load_bicep
from aksnetlint.discover import Unit
from aksnetlint.lint import Options, lint
from aksnetlint.sources import recording

MAIN = """\
param location string = 'westeurope'
param ranges array = []

module aks 'modules/aks.bicep' = {
  name: 'aks'
  params: {
    location: location
    ranges: ranges
  }
}
"""

MODULE = """\
param location string
param ranges array

resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks-payments'
  location: location
  properties: {
    dnsPrefix: 'pay'
    apiServerAccessProfile: {
      authorizedIPRanges: ranges
    }
  }
}
"""

CLUSTER = """\
resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks'
  location: 'westeurope'
  properties: {}
}
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _scan(root: Path, *names: str) -> list[tuple[str, str, int]]:
    paths = [root / n for n in names] if names else [root]
    result = lint(paths, Options(select=("AKS001",), root=root))
    assert not result.errors, [str(e) for e in result.errors]
    return sorted((f.rule_id, f.location.path, f.location.line) for f in result.active)


def test_bicep_loader_is_registered() -> None:
    assert LOADERS["bicep"].__wrapped__ is load_bicep  # type: ignore[attr-defined]


def test_module_is_part_of_its_caller(tmp_path: Path) -> None:
    _write(tmp_path, {"main.bicep": MAIN, "modules/aks.bicep": MODULE})
    result = lint([tmp_path], Options(select=("AKS001",), root=tmp_path))
    assert result.deployments == 1 and result.files_scanned == 2
    # the value is written in the caller: the finding is on the caller's line
    assert [(f.location.path, f.location.line) for f in result.active] == [("main.bicep", 2)]


def test_module_named_alone_scans_its_callers(tmp_path: Path) -> None:
    _write(tmp_path, {"main.bicep": MAIN, "modules/aks.bicep": MODULE,
                      "main.bicepparam": "using 'main.bicep'\n\nparam ranges = []\n"})
    assert _scan(tmp_path, "modules/aks.bicep") == [("AKS001", "main.bicepparam", 3)]


def test_module_without_caller_is_a_root_with_unknown_params(tmp_path: Path) -> None:
    _write(tmp_path, {"modules/aks.bicep": MODULE})
    result = lint([tmp_path], Options(select=("AKS001",), root=tmp_path))
    assert result.deployments == 1 and not result.active  # `ranges` has no value


def test_two_modules_named_alone_scan_the_caller_once(tmp_path: Path) -> None:
    main = MAIN + "\nmodule other 'modules/other.bicep' = {\n  name: 'other'\n}\n"
    _write(tmp_path, {"main.bicep": main, "modules/aks.bicep": MODULE,
                      "modules/other.bicep": "param unused string = 'x'\n"})
    result = lint([tmp_path / "modules/aks.bicep", tmp_path / "modules/other.bicep"],
                  Options(select=("AKS001",), root=tmp_path))
    assert result.deployments == 1
    assert [(f.location.path, f.location.line) for f in result.active] == [("main.bicep", 2)]


def test_one_deployment_per_parameter_file(tmp_path: Path) -> None:
    _write(tmp_path, {"main.bicep": MAIN, "modules/aks.bicep": MODULE,
                      "dev.bicepparam": "using 'main.bicep'\n\nparam ranges = []\n",
                      "prod.bicepparam": "using 'main.bicep'\nparam ranges = ['203.0.113.0/24']\n",
                      "env/test.bicepparam": "using '../main.bicep'\n\n\nparam ranges = []\n"})
    result = lint([tmp_path], Options(select=("AKS001",), root=tmp_path))
    assert not result.errors
    assert result.deployments == 3  # the defaults alone are no deployment of their own
    assert sorted((f.location.path, f.location.line) for f in result.active) == [
        ("dev.bicepparam", 3), ("env/test.bicepparam", 4)]


def test_bicepparam_named_alone_scans_its_target_with_it(tmp_path: Path) -> None:
    _write(tmp_path, {"main.bicep": MAIN, "modules/aks.bicep": MODULE,
                      "prod.bicepparam": "using 'main.bicep'\nparam ranges = ['203.0.113.0/24']\n",
                      "dev.bicepparam": "using 'main.bicep'\n\nparam ranges = []\n"})
    assert _scan(tmp_path, "prod.bicepparam") == []
    assert _scan(tmp_path, "dev.bicepparam") == [("AKS001", "dev.bicepparam", 3)]


def test_base_bicepparam_for_extends_is_no_deployment(tmp_path: Path) -> None:
    _write(tmp_path, {"base.bicepparam": "using none\n\nparam ranges = []\n"})
    result = lint([tmp_path], Options(select=("AKS001",), root=tmp_path))
    assert result.deployments == 0 and not result.errors


def test_compiled_json_beside_its_source_reports_once_on_the_source(tmp_path: Path) -> None:
    compiled = ('{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/'
                'deploymentTemplate.json#", "contentVersion": "1.0.0.0",\n'
                ' "metadata": {"_generator": {"name": "bicep", "version": "0.30.3"}},\n'
                ' "resources": [{"type": "Microsoft.ContainerService/managedClusters",\n'
                '   "apiVersion": "2024-02-01", "name": "aks", "location": "westeurope",\n'
                '   "properties": {}}]}\n')
    _write(tmp_path, {"main.bicep": CLUSTER, "main.json": compiled})
    assert _scan(tmp_path) == [("AKS001", "main.bicep", 1)]
    assert _scan(tmp_path, "main.json") == [("AKS001", "main.json", 3)]
    excluded = lint([tmp_path], Options(select=("AKS001",), root=tmp_path,
                                        excludes=("*.bicep",)))
    assert [f.location.path for f in excluded.active] == ["main.json"]


def test_errors_are_reported_not_raised(tmp_path: Path) -> None:
    _write(tmp_path, {"main.bicep": "resource aks 'x@1' = {\n", "ok.bicep": CLUSTER,
                      "bad.bicepparam": "using 'missing.bicep'\n"})
    result = lint([tmp_path], Options(select=("AKS001",), root=tmp_path))
    assert {e.path for e in result.errors} == {"main.bicep", "bad.bicepparam"}
    assert [f.location.path for f in result.active] == ["ok.bicep"]


def test_module_error_is_reported_once(tmp_path: Path) -> None:
    _write(tmp_path, {"main.bicep": MAIN, "modules/aks.bicep": "param location string\n}\n",
                      "a.bicepparam": "using 'main.bicep'\n",
                      "b.bicepparam": "using 'main.bicep'\n"})
    result = lint([tmp_path], Options(select=("AKS001",), root=tmp_path))
    assert [e.path for e in result.errors] == ["modules/aks.bicep"]


@pytest.mark.parametrize("first", ["modules/aks.bicep", "main.bicep"])
def test_reused_deployment_records_what_it_read(tmp_path: Path, first: str) -> None:
    """A module and its caller share one resolution; each unit still records every file
    the deployment depends on (the result cache checks them)."""
    _write(tmp_path, {"main.bicep": MAIN, "modules/aks.bicep": MODULE,
                      "main.bicepparam": "using 'main.bicep'\nparam ranges = []\n"})
    options = LoadOptions(tmp_path.resolve())
    expected = {str((tmp_path / n).resolve())
                for n in ("main.bicep", "modules/aks.bicep", "main.bicepparam")}
    for name in (first, "main.bicep" if first != "main.bicep" else "modules/aks.bicep"):
        path = (tmp_path / name).resolve()
        with recording() as read:
            loaded = load_bicep(Unit("bicep", path, [path]), options)
        assert expected <= set(read)
        assert len(loaded.deployments) == 1


def test_changed_file_is_not_served_from_the_reused_deployment(tmp_path: Path) -> None:
    _write(tmp_path, {"main.bicep": MAIN, "modules/aks.bicep": MODULE})
    options = LoadOptions(tmp_path.resolve())
    path = (tmp_path / "main.bicep").resolve()
    before = load_bicep(Unit("bicep", path, [path]), options)
    _write(tmp_path, {"main.bicep": MAIN.replace("= []", "= ['203.0.113.0/24']")})
    after = load_bicep(Unit("bicep", path, [path]), options)
    assert before.deployments[0] is not after.deployments[0]
    assert _scan(tmp_path) == []


def test_load_text_content_is_recorded(tmp_path: Path) -> None:
    _write(tmp_path, {"main.bicep": "var ranges = loadJsonContent('ranges.json')\n" +
                      CLUSTER.replace("properties: {}", "properties: {\n"
                                      "    apiServerAccessProfile: {authorizedIPRanges: ranges}\n"
                                      "  }"),
                      "ranges.json": "[]"})
    path = (tmp_path / "main.bicep").resolve()
    with recording() as read:
        load_bicep(Unit("bicep", path, [path]), LoadOptions(tmp_path.resolve()))
    assert str((tmp_path / "ranges.json").resolve()) in read


def test_one_bad_property_does_not_hide_its_siblings(tmp_path: Path) -> None:
    _write(tmp_path, {"main.bicep": CLUSTER.replace(
        "properties: {}", "properties: {\n    agentPoolProfiles: [{osDiskSizeGB: size}]\n  }")})
    result = lint([tmp_path], Options(select=("AKS001",), root=tmp_path))
    assert [e.message for e in result.errors] == ["'size' is not declared"]
    assert [(f.location.path, f.location.line) for f in result.active] == [("main.bicep", 1)]


def test_bicep_example_spoke(tmp_path: Path) -> None:
    """`examples/bicep/spoke-payments`: what a new user reads first stays true."""
    import shutil

    from conftest import REPO

    shutil.copytree(REPO / "examples" / "bicep", tmp_path / "bicep")
    result = lint([tmp_path], Options(root=tmp_path))
    assert not result.errors and result.deployments == 1 and result.files_scanned == 3
    assert sorted((f.rule_id, f.location.path) for f in result.active) == [
        ("AKS007", "bicep/spoke-payments/main.bicepparam"),
        ("AKS008", "bicep/spoke-payments/modules/aks.bicep"),
        ("AKS206", "bicep/spoke-payments/main.bicepparam"),
        ("AKS209", "bicep/spoke-payments/modules/aks.bicep"),
        ("AKS305", "bicep/spoke-payments/main.bicepparam"),
        ("AKS307", "bicep/spoke-payments/main.bicep"),
    ]


@pytest.mark.parametrize("jobs", [1, 2])
def test_bicepparam_and_parameters_json_are_deployments_of_their_own(tmp_path: Path,
                                                                     jobs: int) -> None:
    """A Bicep file with both a `.bicepparam` that uses it and `main.parameters.json` is
    scanned once per parameter file (this used to abort the scan)."""
    (tmp_path / "main.bicep").write_text(
        "param ranges array\n"
        "resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {\n"
        "  name: 'aks'\n  location: 'westeurope'\n"
        "  properties: {\n    dnsPrefix: 'aks'\n"
        "    apiServerAccessProfile: {authorizedIPRanges: ranges}\n  }\n}\n",
        encoding="utf-8")
    (tmp_path / "main.bicepparam").write_text("using 'main.bicep'\nparam ranges = []\n",
                                              encoding="utf-8")
    (tmp_path / "main.parameters.json").write_text(
        '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/'
        'deploymentParameters.json#", "contentVersion": "1.0.0.0",\n'
        ' "parameters": {"ranges": {"value": []}}}\n', encoding="utf-8")
    for _ in range(2):  # cold, then from the result cache
        result = lint([tmp_path], Options(select=["AKS001"], root=tmp_path, jobs=jobs))
        assert not result.errors
        assert result.deployments == 2
        assert sorted((f.location.path, f.location.line) for f in result.active) == [
            ("main.bicepparam", 2), ("main.parameters.json", 2)]
