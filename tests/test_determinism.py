"""The same input gives byte-identical JSON and SARIF, whatever the number of jobs and the
cache state, and no absolute path of the machine appears in either."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from aksnetlint.cli import main
from conftest import REPO


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import write_estate

    root = tmp_path / "estate"
    write_estate(root / "generated", 27)
    shutil.copytree(REPO / "examples", root / "examples")
    return root


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_byte_identical_across_jobs_and_cache(fmt: str, estate: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(estate)
    monkeypatch.setenv("AKSNETLINT_CACHE_DIR", str(tmp_path / f"cache-{fmt}"))
    outputs = []
    for args in (["--no-cache", "--jobs", "1"], ["--jobs", "2"], ["--jobs", "1"],
                 ["--jobs", "2"]):  # cold, cold cache being filled, warm, warm
        out = tmp_path / f"report-{len(outputs)}.{fmt}"
        assert main(["scan", ".", "--format", fmt, "--output", str(out), *args]) == 1
        outputs.append(out.read_bytes())
    assert all(o == outputs[0] for o in outputs[1:])
    assert str(tmp_path).encode() not in outputs[0]
    assert str(Path.home()).encode() + b"/" not in outputs[0]
