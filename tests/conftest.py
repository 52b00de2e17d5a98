"""Shared test helpers: scanning a fixture case in isolation, reading expectations."""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# tests never read or write the user's own cache folder
os.environ["AKSNETLINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="aksnetlint-test-cache-")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SHARED = REPO.parent / "shared"
EXPECT_RE = re.compile(r"(?:#|//)\s*expect:\s*(AKS\d{3}(?:\s*,\s*AKS\d{3})*)")
EXPECT_TODO_RE = re.compile(r"(?:#|//)\s*expect-todo:\s*(AKS\d{3}(?:\s*,\s*AKS\d{3})*)")
SCANNED_SUFFIXES = (".tf", ".tfvars", ".json", ".jsonc", ".bicep", ".bicepparam")


def annotations(case_dir: Path, pattern: re.Pattern[str] = EXPECT_RE) -> set[tuple[str, str, int]]:
    """(rule, file relative to the case, line) for every `expect:` comment in the case."""
    found = set()
    for path in sorted(case_dir.rglob("*")):
        if not path.is_file() or not path.name.endswith(SCANNED_SUFFIXES):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = pattern.search(line)
            if match:
                for rule in match.group(1).split(","):
                    found.add((rule.strip(), path.relative_to(case_dir).as_posix(), number))
    return found


def sidecar_expectations(case_dir: Path) -> set[tuple[str, str, int]]:
    """Expectations from `name.expect.yaml` sidecars (strict JSON has no comments)."""
    import yaml

    found = set()
    for sidecar in sorted(case_dir.rglob("*.expect.yaml")):
        target = sidecar.name[: -len(".expect.yaml")]
        candidates = [sidecar.parent / target, sidecar.parent / (target + ".json")]
        target_path = next((c for c in candidates if c.exists()), candidates[0])
        data = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
        entries = data.get("aksnetlint", data) if isinstance(data, dict) else data
        for entry in entries or []:
            found.add((entry["rule"], target_path.relative_to(case_dir).as_posix(),
                       int(entry["line"])))
    return found


def isolate(case: Path, tmp_path: Path) -> Path:
    """Copy a case (a file, or a folder of files) alone into a temporary folder, so that
    single-file cases in one fixture folder do not form one Terraform module."""
    target = tmp_path / "case"
    if case.is_dir():
        shutil.copytree(case, target)
    else:
        target.mkdir(parents=True)
        shutil.copy2(case, target / case.name)
        sidecar = case.parent / (case.name + ".expect.yaml")
        if sidecar.exists():
            shutil.copy2(sidecar, target / sidecar.name)
        for params in case.parent.glob(case.stem + ".parameters.json"):
            shutil.copy2(params, target / params.name)
    return target


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish() -> None:
    """pytest removes the temporary folders of older sessions when a session ends, with
    shutil.rmtree, which recurses once per level: a tree deeper than Python's recursion limit
    (the 1,100-level tree of the untrusted-input tests) would fail every later session."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared is absent ({SHARED}); it holds the schemas and conformance "
                    "fixtures")
    return SHARED
