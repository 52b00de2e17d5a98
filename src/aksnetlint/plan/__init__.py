"""`aksnetlint plan`: the address plan and topology of everything scanned.

The scan's own pipeline (discover → load → model → facts → rules) runs once; the deployments it
judged and their findings become an `Estate` (`estate.build_estate`), which the reports render:
`text`, `json` (`report_json`, versioned), `markdown` (tables and a Mermaid diagram) and `html`
(one self-contained page with inline SVG).
"""

from __future__ import annotations

from pathlib import Path

from aksnetlint.findings import LintResult
from aksnetlint.lint import Options, lint
from aksnetlint.model import Deployment
from aksnetlint.plan.model import Estate
from aksnetlint.rules import Rule

FORMATS = ("text", "json", "markdown", "html")


def scan_plan(paths: list[Path], options: Options, rules: list[Rule] | None = None
              ) -> tuple[Estate, LintResult]:
    """Scan as `aksnetlint scan` does and build the estate plan from what it judged."""
    from aksnetlint.plan.estate import build_estate

    models: list[Deployment] = []
    result = lint(paths, options, rules, models=models)
    estate = build_estate(models, result.findings, options.on_premises)
    estate.errors = list(result.errors)
    estate.files = result.files_scanned
    return estate, result


def render(estate: Estate, fmt: str) -> str:
    """The plan in one of `FORMATS`."""
    if fmt == "json":
        from aksnetlint.plan.report_json import render_json

        return render_json(estate)
    if fmt == "markdown":
        from aksnetlint.plan.report_markdown import render_markdown

        return render_markdown(estate)
    if fmt == "html":
        from aksnetlint.plan.report_html import render_html

        return render_html(estate)
    from aksnetlint.plan.report_text import render_text

    return render_text(estate)
