"""Whole files through parse + resolve: the syntax suite, the shared conformance suite, and
random mutations of the syntax suite. Nothing may raise; problems are positioned
`ParseError`s / `EvaluationError`s in `Resolution.errors`."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aksnetlint.errors import EvaluationError, ParseError
from aksnetlint.resolve.bicep import resolve_bicep, resolve_bicepparam
from aksnetlint.resolve.resources import Resolution

# Hypothesis examples per property: AKSNETLINT_FUZZ_EXAMPLES raises the count
_FUZZ = int(os.environ.get("AKSNETLINT_FUZZ_EXAMPLES", "0"))

SYNTAX = Path(__file__).parent / "syntax"
SYNTAX_FILES = sorted(SYNTAX.rglob("*.bicep"))
PARAM_FILES = sorted(SYNTAX.rglob("*.bicepparam"))
CONFORMANCE = Path("/work/shared/conformance")
CONFORMANCE_FILES = sorted(CONFORMANCE.rglob("*.bicep")) if CONFORMANCE.is_dir() else []
AKS = "Microsoft.ContainerService/managedClusters"


def check(resolution: Resolution, rel: str) -> None:
    for error in resolution.errors:
        assert isinstance(error, ParseError | EvaluationError), error
        if error.line is not None:
            assert error.line >= 1 and (error.column or 1) >= 1
    for resource in resolution.resources:
        assert resource.format == "arm"
        assert resource.decl.line >= 1
        assert isinstance(resource.body.data, dict)
        assert resource.address


@pytest.mark.parametrize("path", SYNTAX_FILES, ids=[p.name for p in SYNTAX_FILES])
def test_syntax_suite_resolves(path: Path) -> None:
    rel = path.relative_to(SYNTAX).as_posix()
    resolution = resolve_bicep(path, rel, SYNTAX)
    check(resolution, rel)
    if "errors" in path.parts:
        assert any(isinstance(e, ParseError) for e in resolution.errors)


@pytest.mark.parametrize("path", PARAM_FILES, ids=[p.name for p in PARAM_FILES])
def test_syntax_suite_parameter_files_resolve(path: Path) -> None:
    rel = path.relative_to(SYNTAX).as_posix()
    check(resolve_bicepparam(path, rel, SYNTAX), rel)


@pytest.mark.skipif(not CONFORMANCE.is_dir(), reason=f"{CONFORMANCE} is not present")
@pytest.mark.parametrize("path", CONFORMANCE_FILES,
                         ids=[str(p.relative_to(CONFORMANCE)) for p in CONFORMANCE_FILES])
def test_conformance_files_resolve_to_a_cluster(path: Path) -> None:
    rel = path.relative_to(CONFORMANCE).as_posix()
    resolution = resolve_bicep(path, rel, CONFORMANCE)
    check(resolution, rel)
    clusters = [r for r in resolution.resources if r.type == AKS]
    assert clusters
    assert all(c.decl.path == rel and c.api_version for c in clusters)


PROPERTY = settings(max_examples=_FUZZ or 120, deadline=timedelta(seconds=5), database=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])
SOURCES = [p.read_bytes().decode("utf-8") for p in SYNTAX_FILES if "errors" not in p.parts]
FRAGMENTS = [
    "{", "}", "[", "]", "(", ")", "'", "${", "\n", ":", ",", "?", "!", ".?", "[?", "::",
    "...", "=>", "??", "&&", "||", "==", "+", "-", "/", "%", "0", "1", "-1", "null",
    "true", "x", "vnet", "parent: vnet", "existing", "[for x in range(0, 3): x]",
    "if (false)", "resourceGroup('rg')", "cidrSubnet('10.0.0.0/16', 24, 1)",
    "module m './main.bicep' = {}\n", "var v = v\n", "param p string\n",
]


@st.composite
def mutated_sources(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SOURCES))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        span = draw(st.integers(0, 12))
        action = draw(st.sampled_from(["delete", "insert", "duplicate", "replace"]))
        if action == "delete":
            text = text[:at] + text[at + span:]
        elif action == "insert":
            text = text[:at] + draw(st.sampled_from(FRAGMENTS)) + text[at:]
        elif action == "duplicate":
            text = text[:at] + text[at:at + span] * 2 + text[at + span:]
        else:
            text = text[:at] + draw(st.text(max_size=4)) + text[at + span:]
    return text


@PROPERTY
@given(text=mutated_sources())
def test_mutated_files_only_report_positioned_errors(tmp_path_factory: pytest.TempPathFactory,
                                                      text: str) -> None:
    folder = tmp_path_factory.mktemp("mutant")
    path = folder / "main.bicep"
    path.write_text(text, encoding="utf-8")
    check(resolve_bicep(path, "main.bicep", folder), "main.bicep")
