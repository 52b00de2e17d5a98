"""Every valid sample of the Bicep compiler's own test suite parses
(`../shared/oracles/bicep-samples/VALID.tsv`: 273 sources and 47 formatter outputs)."""

from __future__ import annotations

import pytest

from aksnetlint.parsers.bicep import parse_bicep, parse_bicepparam
from conftest import SHARED

SAMPLES = SHARED / "oracles" / "bicep-samples"


def _valid() -> list[str]:
    listing = SAMPLES / "VALID.tsv"
    if not listing.is_file():
        return []
    rows = listing.read_text(encoding="utf-8").splitlines()[1:]
    return [row.split("\t")[0] for row in rows if row.strip()]


VALID = _valid()


def test_the_sample_list_is_complete() -> None:
    if not VALID:
        pytest.skip(f"../shared is absent ({SAMPLES}); it holds the Bicep compiler's samples")
    assert len(VALID) == 320


@pytest.mark.parametrize("name", VALID or ["(no samples)"])
def test_valid_sample_parses(name: str) -> None:
    if not VALID:
        pytest.skip(f"../shared is absent ({SAMPLES}); it holds the Bicep compiler's samples")
    path = SAMPLES / name
    text = path.read_bytes().decode("utf-8-sig")
    parse = parse_bicepparam if name.endswith(".bicepparam") else parse_bicep
    tree = parse(text, name)
    assert tree.declarations or not text.strip() or _only_comments(tree)


def _only_comments(tree: object) -> bool:
    return bool(getattr(tree, "comments", ()))
