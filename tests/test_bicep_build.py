"""`bicep build` output is recognised by its content, whatever its file name, against the
Bicep compiler's own samples (../shared/oracles/bicep-samples: each `main.json` is what the
compiler made of the `main.bicep` beside it)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from aksnetlint.bicep_build import compiled_templates, source_of
from aksnetlint.lint import Options, lint


def _samples(shared: Path) -> list[Path]:
    base = shared / "oracles" / "bicep-samples" / "baselines"
    return sorted(p.parent for p in base.glob("*/main.bicep") if (p.parent / "main.json").is_file())


def test_every_compiled_sample_is_recognised_beside_its_source(shared_dir: Path) -> None:
    samples = _samples(shared_dir)
    assert len(samples) >= 30
    for folder in samples:
        found = {p.name for p in compiled_templates(folder / "main.bicep", folder)}
        expected = {p.name for p in folder.glob("main*.json")} - {"main.parameters.json"}
        assert found == expected, folder.name


def test_another_sources_template_is_not_taken_for_its_output(shared_dir: Path,
                                                              tmp_path: Path) -> None:
    samples = {p.name: p for p in _samples(shared_dir)}
    pairs = 0
    for source_name in ("AKS_LF", "Loops_LF", "Modules_CRLF", "Resources_CRLF"):
        for other_name in ("Dependencies_LF", "NestedResources_LF", "Outputs_CRLF",
                           "Parameters_LF", "AKS_LF"):
            if source_name == other_name:
                continue
            folder = tmp_path / f"{source_name}-{other_name}"
            folder.mkdir()
            shutil.copy2(samples[source_name] / "main.bicep", folder / "main.bicep")
            shutil.copy2(samples[other_name] / "main.json", folder / "azuredeploy.json")
            assert compiled_templates(folder / "main.bicep", folder) == [], folder.name
            pairs += 1
    assert pairs == 19


def test_compiled_template_under_any_name_is_reported_once_on_the_source(
        shared_dir: Path, tmp_path: Path) -> None:
    sample = next(p for p in _samples(shared_dir) if p.name == "AKS_LF")
    folder = tmp_path / "aks"
    folder.mkdir()
    shutil.copy2(sample / "main.bicep", folder / "main.bicep")
    shutil.copy2(sample / "main.json", folder / "azuredeploy.json")
    (folder / "unrelated.json").write_text(json.dumps({"name": "not a template"}))
    assert source_of(folder / "azuredeploy.json", folder) == (folder / "main.bicep").resolve()
    source_only = lint([folder / "main.bicep"], Options(root=folder))
    both = lint([folder], Options(root=folder))
    assert both.findings and {f.location.path for f in both.findings} == {"main.bicep"}
    assert [(f.rule_id, f.location.line) for f in both.findings] == \
        [(f.rule_id, f.location.line) for f in source_only.findings]
    assert both.deployments == 1
    # named alone, the compiled template is scanned (README: to scan it instead)
    compiled = lint([folder / "azuredeploy.json"], Options(root=folder))
    assert {f.rule_id for f in compiled.findings} == {f.rule_id for f in both.findings}
    assert {f.location.path for f in compiled.findings} == {"azuredeploy.json"}


def test_parameters_of_the_compiled_template_are_variants_of_the_source(
        shared_dir: Path, tmp_path: Path) -> None:
    sample = next(p for p in _samples(shared_dir) if p.name == "AKS_LF")
    folder = tmp_path / "aks"
    folder.mkdir()
    shutil.copy2(sample / "main.bicep", folder / "main.bicep")
    shutil.copy2(sample / "main.json", folder / "azuredeploy.json")
    names = list(json.loads((sample / "main.json").read_text())["parameters"])
    (folder / "azuredeploy.parameters.json").write_text(json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                   "deploymentParameters.json#",
        "contentVersion": "1.0.0.0", "parameters": {names[0]: {"value": "aks-prod"}}}))
    result = lint([folder], Options(root=folder))
    assert result.findings
    assert {f.variant for f in result.findings} == {"azuredeploy.parameters.json"}
    assert {f.location.path for f in result.findings} <= {"main.bicep",
                                                          "azuredeploy.parameters.json"}
