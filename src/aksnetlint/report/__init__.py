"""Reporters: a LintResult -> text for a terminal or a file. One module per format."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aksnetlint.findings import LintResult
    from aksnetlint.rules import Rule

Reporter = Callable[["LintResult", "list[Rule]", "ReportOptions"], str]


class ReportOptions:
    """What a reporter may need beyond the result: colour, source access, the scan root."""

    def __init__(self, colour: bool = False, root: str = ".", statistics: bool = False,
                 category: str | None = None, quiet: bool = False,
                 link_template: str | None = None) -> None:
        self.colour = colour
        self.root = root
        self.statistics = statistics
        self.category = category  # SARIF `automationDetails.id` (code scanning category)
        self.quiet = quiet  # findings only: no summary
        # Markdown links to a file and line: `{path}` and `{line}` are filled in
        self.link_template = link_template


def reporter(name: str) -> Reporter:
    """The reporter for a format name; imported on demand (sarif-om only for SARIF)."""
    import importlib

    module = importlib.import_module(f"aksnetlint.report.{REPORTERS[name]}")
    render: Reporter = module.render
    return render


REPORTERS = {"text": "text", "json": "json_report", "sarif": "sarif", "github": "github",
             "markdown": "markdown", "junit": "junit", "azure": "azure", "gitlab": "gitlab"}
