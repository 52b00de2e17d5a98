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
    missing = []
    for rule_id in sorted(rule_ids):
        cases = [c for r, c in CASES if r == rule_id]
        for fmt in ("terraform", "arm", "bicep"):
            of_format = [c for c in cases if _format_of(c) == fmt]
            firing = [c for c in of_format if _case_expectations(c)]
            if not firing:
                missing.append(f"{rule_id}: no firing {fmt} case")
            if len(firing) == len(of_format):
                missing.append(f"{rule_id}: no clean {fmt} case")
    assert not missing, missing


def _format_of(case: Path) -> str:
    """The input format a case is written in (a folder case: its main kind of file)."""
    files = [case] if case.is_file() else [p for p in case.rglob("*") if p.is_file() and
                                           ".terraform" not in p.parts]
    suffixes = {p.suffix for p in files}
    if ".bicep" in suffixes:
        return "bicep"
    if ".tf" in suffixes:
        return "terraform"
    return "arm"
