"""Every fixture case under tests/fixtures/<RULE>/ runs with only that rule selected, and
must report exactly the (rule, file, line) set its annotations or sidecars give."""

from __future__ import annotations

from pathlib import Path

import pytest

from aksnetlint.lint import Options, lint
from conftest import EXPECT_TODO_RE, FIXTURES, annotations, isolate, sidecar_expectations

_CASE_SUFFIXES = (".tf", ".json", ".jsonc", ".bicep")


def _cases() -> list[tuple[str, Path]]:
    cases = []
    for rule_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and
                           p.name.startswith("AKS")):
        for case in sorted(rule_dir.iterdir()):
            if case.name.endswith((".expect.yaml", ".parameters.json", ".bicepparam",
                                   ".tfvars")):
                continue
            if case.is_dir() or case.name.endswith(_CASE_SUFFIXES):
                cases.append((rule_dir.name, case))
    return cases


CASES = _cases()


def _expected(case_dir: Path, rule: str) -> set[tuple[str, str, int]]:
    expected = annotations(case_dir) | sidecar_expectations(case_dir)
    return {e for e in expected if e[0] == rule}


def _has_expectation_source(case_dir: Path) -> None:
    for path in case_dir.rglob("*.json"):
        if path.name.endswith((".expect.yaml", ".parameters.json")) or \
                ".terraform" in path.parts:
            continue
        if not (path.parent / (path.name + ".expect.yaml")).exists():
            pytest.fail(f"{path.name}: an ARM fixture needs a {path.name}.expect.yaml sidecar")


@pytest.mark.parametrize(("rule", "case"), CASES, ids=[f"{r}/{c.name}" for r, c in CASES])
def test_fixture(rule: str, case: Path, tmp_path: Path) -> None:
    case_dir = isolate(case, tmp_path)
    _has_expectation_source(case_dir)
    result = lint([case_dir], Options(select=(rule,), root=case_dir))
    assert not result.errors, [str(e) for e in result.errors]
    assert result.deployments >= 1, "the case produced no deployment"
    found = {(f.rule_id, f.location.path, f.location.line) for f in result.active}
    todo = {e for e in annotations(case_dir, EXPECT_TODO_RE) if e[0] == rule}
    expected = _expected(case_dir, rule)
    if todo:
        assert found == expected | todo or found == expected
        if found == expected:
            pytest.xfail(f"known miss: {sorted(todo)}")
        pytest.fail(f"expect-todo now passes; turn it into expect: {sorted(todo)}")
    assert found == expected


def _case_expectations(case: Path) -> set[tuple[str, str, int]]:
    if case.is_dir():
        return annotations(case) | sidecar_expectations(case)
    found = {e for e in annotations(case.parent) if e[1] == case.name}
    sidecar = case.parent / (case.name + ".expect.yaml")
    if sidecar.exists():
        found |= {e for e in sidecar_expectations(case.parent) if e[1] == case.name}
    return found


def test_every_rule_has_firing_and_clean_cases() -> None:
    from aksnetlint.rules import load_rules

    rule_ids = {r.id for r in load_rules()}
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name.startswith("AKS")}
    assert rule_ids <= folders, f"rules without fixtures: {sorted(rule_ids - folders)}"
    assert folders <= rule_ids, f"fixture folders without a rule: {sorted(folders - rule_ids)}"
    rules = {r.id: r for r in load_rules()}
    missing = []
    for rule_id in sorted(rule_ids):
        cases = [c for r, c in CASES if r == rule_id]
        for fmt in rules[rule_id].formats:
            of_format = [c for c in cases if _format_of(c) == fmt]
            firing = [c for c in of_format if _case_expectations(c)]
            if not firing:
                missing.append(f"{rule_id}: no firing {fmt} case")
            if len(firing) == len(of_format):
                missing.append(f"{rule_id}: no clean {fmt} case")
    assert not missing, missing


def test_every_rule_family_has_deployed_cases_in_every_style() -> None:
    """Deployed state comes as `az … show` output (one object), `az … list` output (an
    array) and Resource Graph output (`data`): each rule family (AKS0, AKS1, AKS2, AKS3) has
    a firing and a clean case in each, judged by the file that holds the cluster."""
    missing = []
    for family in ("AKS0", "AKS1", "AKS2", "AKS3"):
        cases = [c for r, c in CASES if r.startswith(family) and
                 _format_of(c) == "azure-resources"]
        for style in ("show", "list", "graph"):
            of_style = [c for c in cases if _style_of(c) == style]
            firing = [c for c in of_style if _case_expectations(c)]
            if not firing:
                missing.append(f"{family}: no firing {style}-style case")
            if len(firing) == len(of_style):
                missing.append(f"{family}: no clean {style}-style case")
    assert not missing, missing


def _files_of(case: Path) -> list[Path]:
    return [case] if case.is_file() else sorted(p for p in case.rglob("*") if p.is_file() and
                                                ".terraform" not in p.parts)


def _format_of(case: Path) -> str:
    """The input format a case is written in (a folder case: its main kind of file)."""
    from aksnetlint.deployed import is_resource_json

    files = _files_of(case)
    suffixes = {p.suffix for p in files}
    if ".bicep" in suffixes:
        return "bicep"
    if ".tf" in suffixes:
        return "terraform"
    if any(p.suffix == ".json" and is_resource_json(p) for p in files):
        return "azure-resources"
    return "arm"


def _style_of(case: Path) -> str | None:
    """How the file holding a cluster prints it: `show` (one object), `list` (an array) or
    `graph` (Resource Graph's `data`)."""
    import json

    for path in _files_of(case):
        if path.suffix != ".json":
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data.get("data") if isinstance(data, dict) and "data" in data else \
            data if isinstance(data, list) else [data]
        if any(isinstance(e, dict) and str(e.get("type", "")).lower() ==
               "microsoft.containerservice/managedclusters" for e in entries):
            return "graph" if isinstance(data, dict) and "data" in data else \
                "list" if isinstance(data, list) else "show"
    return None
