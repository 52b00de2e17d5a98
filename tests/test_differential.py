"""Differential suite: a Bicep source and its compiled ARM template, each scanned alone,
give the same findings (rules, clusters, numbers: the whole message). Cases: every
folder of the Bicep compiler's samples with `main.bicep` and the `main.json` the real
compiler made of it (`../shared/oracles/bicep-samples`; the folders with network resources
by default, all of them with AKSNETLINT_DIFFERENTIAL=all), and our own Bicep cases with
hand-written ARM twins (`tests/differential/`). A difference is a bug in one of the two
paths: fix it, never relax the comparison."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest

from aksnetlint.lint import Options, lint
from conftest import REPO, SHARED

SAMPLES = SHARED / "oracles" / "bicep-samples"
OWN = REPO / "tests" / "differential"
_NETWORK = re.compile(r"Microsoft\.(ContainerService|Network)/", re.I)


def _pairs(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p.parent for p in root.rglob("main.json") if (p.parent / "main.bicep").is_file())


def _samples() -> list[Path]:
    folders = _pairs(SAMPLES)
    if os.environ.get("AKSNETLINT_DIFFERENTIAL") == "all":
        return folders
    return [f for f in folders if _NETWORK.search((f / "main.json").read_text("utf-8-sig"))]


def scan(path: Path) -> tuple[Counter[tuple[str, str]], list[str]]:
    result = lint([path], Options(root=path.parent, cache=False, jobs=1))
    return Counter((f.rule_id, f.message) for f in result.active), \
        [str(e) for e in result.errors]


def assert_same(folder: Path) -> Counter[tuple[str, str]]:
    from_bicep, _ = scan(folder / "main.bicep")
    from_json, _ = scan(folder / "main.json")
    only_bicep = sorted(from_bicep - from_json)
    only_json = sorted(from_json - from_bicep)
    assert not only_bicep and not only_json, {"only main.bicep": only_bicep,
                                              "only main.json": only_json}
    return from_bicep


SAMPLE_FOLDERS = _samples()


def test_the_sample_suite_has_compiled_pairs() -> None:
    if not SAMPLES.is_dir():
        pytest.skip(f"../shared is absent ({SAMPLES}); it holds the Bicep compiler's samples")
    assert len(_pairs(SAMPLES)) == 184
    assert len(SAMPLE_FOLDERS) >= 50


@pytest.mark.parametrize("folder", SAMPLE_FOLDERS or [None],
                         ids=[f.relative_to(SAMPLES).as_posix() for f in SAMPLE_FOLDERS]
                         or ["(no samples)"])
def test_compiled_sample_gives_the_same_findings(folder: Path | None) -> None:
    if folder is None:
        pytest.skip(f"../shared is absent ({SAMPLES}); it holds the Bicep compiler's samples")
    assert_same(folder)


OWN_CASES = _pairs(OWN)


def test_own_cases_are_present() -> None:
    assert len(OWN_CASES) >= 5


@pytest.mark.parametrize("folder", OWN_CASES, ids=[f.name for f in OWN_CASES])
def test_own_case_gives_the_same_findings(folder: Path) -> None:
    found = assert_same(folder)
    assert found, "a differential case must have findings to compare"
    for name in ("main.bicep", "main.json"):
        _, errors = scan(folder / name)
        assert not errors, (name, errors)
