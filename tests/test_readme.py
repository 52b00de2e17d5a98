"""README.md stays true: its rule table is what `rules/` holds, and the commands it gives
exist."""

from __future__ import annotations

import re

from aksnetlint.cli import rules_table
from aksnetlint.rules import load_rules
from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_rule_table_matches_rules() -> None:
    match = re.search(r"<!-- rules-table:start[^\n]*-->\n(.*?)<!-- rules-table:end -->",
                      README, re.S)
    assert match, "README.md has no rules-table markers"
    assert match.group(1) == rules_table(load_rules()), (
        "README rule table is stale: paste `aksnetlint rules --format markdown`")


def test_readme_test_command_is_what_ci_runs() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest -q" in README
    assert "python -m pytest -q" in ci
