"""Counts every report format shows the same way: findings per severity and per parameter
variant, suppressed findings, unresolved notes, what a baseline absorbed."""

from __future__ import annotations

from collections import Counter

from aksnetlint.findings import Kind, LintResult

SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")


def by_severity(result: LintResult) -> dict[str, int]:
    counts = Counter(f.severity.value for f in result.active)
    return {s: counts[s] for s in SEVERITY_ORDER if counts[s]}


def by_variant(result: LintResult) -> list[tuple[str | None, int]]:
    """Active findings per parameter variant scanned (None: defaults only), when the scan
    had variants to tell apart (a variant with no finding counts 0); empty otherwise."""
    labels = set(result.variants) | {f.variant for f in result.active}
    if not any(label is not None for label in labels):
        return []
    counts = Counter(f.variant for f in result.active)
    return [(label, counts[label])
            for label in sorted(labels, key=lambda v: (v is None, v or ""))]


def suppressed(result: LintResult) -> int:
    return sum(1 for f in result.findings if f.suppressed is not None)


def unresolved(result: LintResult) -> int:
    return sum(1 for f in result.findings if f.kind is Kind.UNRESOLVED)


def variant_name(label: str | None) -> str:
    return label if label is not None else "(defaults)"
