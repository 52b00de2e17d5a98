"""Differential tests: aksnetlint's Terraform evaluator against `terraform console`.

Generated expressions (functions, for expressions, conditionals, splats, operators,
templates, nulls) and typed variables (`object`, `list`, `map`, `set`, `tuple`,
`optional()` with and without defaults) are evaluated by both and must agree: the same
value (numbers exactly, at Terraform's 512-bit precision), or an error in both. A value
aksnetlint cannot decide (unknown) where Terraform knows one counts as a disagreement too.

The default run checks a few hundred of each in a few seconds (one `terraform console`
process per batch); `AKSNETLINT_TF_DIFFERENTIAL=5000` checks that many of each.
"""

from __future__ import annotations

import os

import pytest
import terraform_oracle as diff

pytestmark = pytest.mark.skipif(
    diff.terraform() is None,
    reason="`terraform` is not on PATH: the differential suite needs it as the oracle")

COUNT = int(os.environ.get("AKSNETLINT_TF_DIFFERENTIAL", "300"))


def _report(cases: list[str], theirs: list[object], ours: list[object]) -> list[str]:
    return [f"{case}\n    terraform: {a!r}\n    aksnetlint: {b!r}"
            for case, a, b in zip(cases, theirs, ours, strict=True) if not diff.same(a, b)]


def test_generated_expressions_agree_with_terraform() -> None:
    expressions = diff.expressions(COUNT, seed=13)
    theirs = diff.terraform_values(expressions)
    ours = diff.our_values(expressions)
    assert sum(1 for v in theirs if v is not diff.ERROR) > COUNT // 2, "mostly errors"
    disagreements = _report(expressions, theirs, ours)
    assert not disagreements, f"{len(disagreements)} of {COUNT}:\n" + "\n".join(
        disagreements[:20])


def test_typed_variables_agree_with_terraform() -> None:
    cases = diff.typed_cases(COUNT, seed=17)
    theirs = diff.terraform_typed(cases)
    ours = diff.our_typed(cases)
    converted = sum(1 for v in theirs if v is not diff.ERROR)
    assert COUNT // 4 < converted < COUNT, "the cases should mostly, not always, convert"
    labels = [f"type = {c.type}\n    default = {c.default}" for c in cases]
    disagreements = _report(labels, theirs, ours)
    assert not disagreements, f"{len(disagreements)} of {COUNT}:\n" + "\n".join(
        disagreements[:20])


def test_the_oracle_is_read_correctly() -> None:
    """The harness itself: known values, an error, an unknown."""
    values = diff.terraform_values(['"a"', "1 / 3 * 3", 'tonumber("x")',
                                    'format("%s", null)', "[for x in [1, 2] : x * 2]"])
    assert values[0] == "a" and values[1] == 1 and values[2] is diff.ERROR
    assert values[3] is diff.UNKNOWN and values[4] == [2, 4]
