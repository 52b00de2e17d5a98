"""Command line: `aksnetlint scan`, `aksnetlint plan`, `aksnetlint rules`, `aksnetlint rule ID`.

Exit codes: 0 no findings, 1 findings, 2 a usage, configuration or input error (a file that
could not be scanned takes precedence over findings: the scan is incomplete).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from aksnetlint import __version__

if TYPE_CHECKING:
    from aksnetlint.config import Config
    from aksnetlint.rules import Rule

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _colour(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _write_output(text: str, output: Path | None) -> None:
    """Write the report: to standard output, or to a file atomically (`output.py`)."""
    if output is None:
        click.echo(text.encode("utf-8", "backslashreplace").decode("utf-8"), nl=False)
        return
    from aksnetlint.output import write_report

    write_report(text, output)


def _say(text: str) -> None:
    """One problem, one line on stderr (multi-line messages folded, controls escaped)."""
    from aksnetlint.output import one_line

    click.echo(one_line(text), err=True)


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(code.strip().upper() for value in values for code in value.split(",")
                 if code.strip())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="aksnetlint")
def cli() -> None:
    """Find Azure Kubernetes Service networking risks in Terraform, ARM and Bicep."""


SEVERITIES = ("info", "low", "medium", "high", "critical")
FORMATS = ("text", "json", "sarif", "github", "markdown", "junit", "azure", "gitlab")


def _output_pairs(values: tuple[str, ...]) -> list[tuple[str, Path]]:
    """`--output-format FORMAT=FILE` values, checked."""
    pairs = []
    for value in values:
        name, sep, file = value.partition("=")
        if not sep or not file or name not in FORMATS:
            raise click.BadParameter(f"{value!r}: expected FORMAT=FILE with FORMAT one of "
                                     f"{', '.join(FORMATS)}", param_hint="--output-format")
        pairs.append((name, Path(file)))
    return pairs


def _ci_link_template(env: Mapping[str, str]) -> str | None:
    """Where the CI system shows a file of the commit being built, from its environment:
    GitHub Actions, Azure Pipelines (Azure Repos), GitLab CI; None elsewhere."""
    if env.get("GITHUB_ACTIONS") == "true" and all(
            env.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA")):
        return (f"{env['GITHUB_SERVER_URL']}/{env['GITHUB_REPOSITORY']}/blob/"
                f"{env['GITHUB_SHA']}/{{path}}#L{{line}}")
    if env.get("GITLAB_CI") == "true" and env.get("CI_PROJECT_URL") and \
            env.get("CI_COMMIT_SHA"):
        return f"{env['CI_PROJECT_URL']}/-/blob/{env['CI_COMMIT_SHA']}/{{path}}#L{{line}}"
    if env.get("TF_BUILD", "").lower() == "true" and \
            env.get("BUILD_REPOSITORY_PROVIDER") == "TfsGit" and \
            env.get("BUILD_REPOSITORY_URI") and env.get("BUILD_SOURCEVERSION"):
        return (f"{env['BUILD_REPOSITORY_URI']}?path=/{{path}}&version=GC"
                f"{env['BUILD_SOURCEVERSION']}&line={{line}}&lineEnd={{line}}"
                "&lineStartColumn=1&lineEndColumn=1&lineStyle=plain&_a=contents")
    return None


def _environments(names: tuple[str, ...], config: Config) -> frozenset[str] | None:
    """`--environment` names, each one the configuration defines."""
    from aksnetlint.errors import ConfigError

    if not names:
        return None
    known = [e.name for e in config.environments]
    for name in names:
        if name not in known:
            raise ConfigError(f"--environment {name}: no such environment (configured: "
                              f"{', '.join(known) or 'none'})", config.source)
    return frozenset(names)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Report format.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to FILE (atomically) instead of standard output.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these rule ids or prefixes (comma-separated, repeatable).")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Skip these rule ids or prefixes (comma-separated, repeatable).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Only findings of this severity or higher make the exit code 1.")
@click.option("--show-unresolved", is_flag=True, default=None,
              help="Report a note where a rule could not decide because a value is unknown.")
@click.option("--var-file", multiple=True, type=click.Path(path_type=Path, dir_okay=False,
                                                            exists=True),
              help="Terraform variable file, applied after terraform.tfvars and *.auto.tfvars.")
@click.option("--param-file", multiple=True, type=click.Path(path_type=Path, dir_okay=False,
                                                              exists=True),
              help="ARM parameters file, applied after the template's own parameter files.")
@click.option("--hybrid", is_flag=True, default=None,
              help="Treat the network as hybrid (on-premises connectivity) even without "
                   "evidence in the scanned files.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False,
                                                          exists=True),
              help="Configuration file (default: the nearest .aksnetlint.yaml or "
                   "pyproject.toml [tool.aksnetlint] above the scanned path).")
@click.option("--statistics", is_flag=True, help="Print a count of findings per rule.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for large scans (default: one per CPU).")
@click.option("--no-cache", is_flag=True,
              help="Do not read or write the per-deployment result cache.")
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Report only findings that are not in this baseline file.")
@click.option("--write-baseline", type=click.Path(path_type=Path, dir_okay=False),
              help="Record the current findings in FILE (then exit 0).")
@click.option("--root", "root_dir", type=click.Path(path_type=Path, file_okay=False,
                                                    exists=True),
              help="Report paths relative to this folder (default: the git top level of the "
                   "first PATH, else the current folder).")
@click.option("--sarif-category", metavar="CATEGORY",
              help="SARIF automationDetails.id: the code scanning category that tells several "
                   "uploads for one commit apart (default: left to the uploader).")
@click.option("--output-format", "extra_outputs", multiple=True, metavar="FORMAT=FILE",
              callback=lambda _ctx, _param, value: _output_pairs(value),
              help="Also write a report in FORMAT to FILE (repeatable): "
                   "--output-format sarif=aksnetlint.sarif --output-format markdown=summary.md")
@click.option("--quiet", "-q", is_flag=True,
              help="Only findings and errors: no summary line, notes or progress.")
@click.option("--environment", "environment", multiple=True, metavar="NAME",
              help="Scan only these configured environments (repeatable; default: all).")
@click.option("--link-template", metavar="URL",
              help="Markdown links to findings: a URL with {path} and {line} (default: the "
                   "repository's web view in GitHub Actions, Azure Pipelines and GitLab CI, "
                   "else relative links).")
def scan(paths: tuple[Path, ...], fmt: str, output: Path | None, select: tuple[str, ...],
         ignore: tuple[str, ...], exit_zero: bool, fail_on: str | None,
         show_unresolved: bool | None, var_file: tuple[Path, ...],
         param_file: tuple[Path, ...], hybrid: bool | None, config_path: Path | None,
         statistics: bool, jobs: int | None, no_cache: bool, baseline: Path | None,
         write_baseline: Path | None, root_dir: Path | None,
         sarif_category: str | None, extra_outputs: list[tuple[str, Path]], quiet: bool,
         environment: tuple[str, ...], link_template: str | None) -> None:
    """Scan PATHS (files or folders; default: the current folder)."""
    from aksnetlint.baseline import apply_baseline, read_baseline
    from aksnetlint.baseline import write_baseline as baseline_text
    from aksnetlint.config import (
        Config,
        check_rule_options,
        find_config,
        load_config,
        ranges_relative_to,
    )
    from aksnetlint.discover import DEFAULT_EXCLUDES
    from aksnetlint.errors import AksnetlintError
    from aksnetlint.findings import Severity
    from aksnetlint.lint import Options, lint
    from aksnetlint.report import ReportOptions, reporter
    from aksnetlint.repository import display_path, scan_root
    from aksnetlint.rules import load_rules

    targets = list(paths) or [Path(".")]
    try:
        found = config_path or find_config(targets[0])
        config = load_config(found) if found else Config()
        rules = load_rules(list(config.rules_dirs))
        check_rule_options(config, rules)
        root = scan_root(root_dir, config.root, targets[0])
        options = Options(
            root=root,
            select=_codes(select) or config.select,
            ignore=_codes(ignore) or config.ignore,
            show_unresolved=bool(show_unresolved if show_unresolved is not None
                                 else config.show_unresolved),
            var_files=tuple(config.var_files) + var_file,
            param_files=param_file,
            hybrid=bool(hybrid if hybrid is not None else config.hybrid),
            excludes=DEFAULT_EXCLUDES + config.exclude,
            rule_options=config.rule_options,
            severity=config.severity,
            per_path_ignores=config.per_path_ignores,
            jobs=jobs,
            cache=not no_cache,
            on_premises=ranges_relative_to(config.on_premises, root),
            environments=config.environments,
            only_environments=_environments(environment, config),
            require_suppression_reason=config.require_suppression_reason,
            named_files=var_file + param_file,
        )
        known = read_baseline(baseline) if baseline else None
        result = lint(targets, options, rules, progress=None if quiet else _progress_bar())
    except AksnetlintError as exc:
        _say(str(exc))
        sys.exit(EXIT_ERROR)
    for error in result.errors:
        shown = replace(error, path=display_path(error.path, result.root))
        _say(str(shown))
    for unused in [*result.invalid_suppressions, *result.unused_suppressions]:
        _say(str(replace(unused, location=replace(
            unused.location, path=display_path(unused.location.path, result.root)))))
    for note in [] if quiet else result.notes:
        _say(f"note: {note}")
    if write_baseline is not None:
        # exit 0 once written, findings or not; 2 when a file could not be scanned (the
        # baseline is written, but it lacks that file's findings)
        try:
            _write_output(baseline_text(write_baseline, result.findings), write_baseline)
        except OSError as exc:
            click.echo(f"{write_baseline}: error: cannot write baseline: {exc}", err=True)
            sys.exit(EXIT_ERROR)
        if not quiet:
            click.echo(f"aksnetlint: recorded {len(result.active)} findings in "
                       f"{write_baseline}" + (" (scan incomplete)" if result.errors else ""),
                       err=True)
        sys.exit(EXIT_ERROR if result.errors else EXIT_CLEAN)
    if known is not None and baseline is not None:
        result.findings, result.baseline = apply_baseline(
            result.findings, known, baseline.as_posix(), result.covers, result.variants)
    reports = [(fmt, output), *extra_outputs]
    for name, destination in reports:
        colour = name == "text" and destination is None and _colour(sys.stdout)
        text = reporter(name)(result, rules, ReportOptions(
            colour=colour, root=result.root, statistics=statistics, category=sarif_category,
            quiet=quiet, link_template=link_template or _ci_link_template(os.environ)))
        try:
            _write_output(text, destination)
        except OSError as exc:
            click.echo(f"{destination}: error: cannot write report: {exc.strerror or exc}",
                       err=True)
            sys.exit(EXIT_ERROR)
    if result.errors:
        sys.exit(EXIT_ERROR)
    threshold = Severity(fail_on or config.fail_on or "info").rank
    _note_unreachable_threshold(fail_on or config.fail_on, rules, config, result.rules,
                                quiet or exit_zero)
    failing = [f for f in result.active if f.severity.rank >= threshold]
    if failing and not exit_zero:
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_CLEAN)


@cli.command(name="plan")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "html"]),
              default="text", show_default=True, help="Plan format.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the plan to FILE (atomically) instead of standard output.")
@click.option("--var-file", multiple=True, type=click.Path(path_type=Path, dir_okay=False,
                                                            exists=True),
              help="Terraform variable file, applied after terraform.tfvars and *.auto.tfvars.")
@click.option("--param-file", multiple=True, type=click.Path(path_type=Path, dir_okay=False,
                                                              exists=True),
              help="ARM parameters file, applied after the template's own parameter files.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False,
                                                          exists=True),
              help="Configuration file (default: the nearest one above the scanned path).")
@click.option("--root", "root_dir", type=click.Path(path_type=Path, file_okay=False,
                                                    exists=True),
              help="Paths relative to this folder (default: the git top level).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for large scans (default: one per CPU).")
def plan_command(paths: tuple[Path, ...], fmt: str, output: Path | None,
                 var_file: tuple[Path, ...], param_file: tuple[Path, ...],
                 config_path: Path | None, root_dir: Path | None, jobs: int | None) -> None:
    """Show the address plan and topology of PATHS, grouped by connected network."""
    from aksnetlint.errors import AksnetlintError
    from aksnetlint.plan.command import PlanRequest, run_plan

    try:
        outcome = run_plan(PlanRequest(paths, fmt, config_path, root_dir, var_file,
                                       param_file, None, jobs))
    except AksnetlintError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_ERROR)
    for line in (*outcome.errors, *(f"note: {n}" for n in outcome.notes)):
        click.echo(line, err=True)
    try:
        _write_output(outcome.text, output)
    except OSError as exc:
        click.echo(f"{output}: error: cannot write plan: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_ERROR if outcome.errors else EXIT_CLEAN)


def _note_unreachable_threshold(fail_on: str | None, rules: list[Rule], config: Config,
                                selected: tuple[str, ...], quiet: bool) -> None:
    """`--fail-on critical` with no critical rule selected: say that findings cannot fail
    the scan (no built-in rule is critical)."""
    from aksnetlint.findings import Severity

    if fail_on is None or quiet:
        return
    levels = [config.severity.get(r.id, r.severity).rank for r in rules if r.id in selected]
    if levels and max(levels) < Severity(fail_on).rank:
        click.echo(f"note: --fail-on {fail_on}: no selected rule is {fail_on} or worse, so "
                   "findings cannot fail this scan (raise a rule with 'severity:' in the "
                   "configuration)", err=True)


def _progress_bar() -> Callable[[int, int], None] | None:
    """A one-line progress counter on stderr, only on a terminal and for many files."""
    isatty = getattr(sys.stderr, "isatty", None)
    if not (isatty and isatty()):
        return None

    def show(done: int, total: int) -> None:
        if total < 20:
            return
        sys.stderr.write(f"\raksnetlint: {done}/{total} deployments")
        if done == total:
            sys.stderr.write("\r" + " " * 40 + "\r")
        sys.stderr.flush()

    return show


def rules_table(rules: list[Rule]) -> str:
    """The Markdown rule table of README.md (kept in sync by a test)."""
    lines = ["| id | severity | name | title |", "|---|---|---|---|"]
    lines += [f"| {r.id} | {r.severity.value} | {r.name} | {r.title} |" for r in rules]
    return "\n".join(lines) + "\n"


@cli.command(name="rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text", show_default=True)
def list_rules(fmt: str) -> None:
    """List every rule."""
    import json

    from aksnetlint.rules import load_rules

    rules = load_rules()
    if fmt == "markdown":
        click.echo(rules_table(rules), nl=False)
        return
    if fmt == "json":
        click.echo(json.dumps([{"id": r.id, "name": r.name, "title": r.title,
                                "severity": r.severity.value, "category": r.category}
                               for r in rules], indent=2))
        return
    width = max((len(r.name) for r in rules), default=4)
    click.echo(f"{'ID':<7} {'SEVERITY':<9} {'NAME':<{width}}  TITLE")
    for r in rules:
        click.echo(f"{r.id:<7} {r.severity.value:<9} {r.name:<{width}}  {r.title}")


@cli.command(name="rule")
@click.argument("rule_id")
def show_rule(rule_id: str) -> None:
    """Print the full documentation of RULE_ID."""
    from aksnetlint.rules import load_rules

    rules = {r.id: r for r in load_rules()}
    for r in rules.values():
        for alias in r.aliases:
            rules.setdefault(alias, r)
    rule = rules.get(rule_id.upper())
    if rule is None:
        click.echo(f"error: unknown rule {rule_id!r} (see `aksnetlint rules`)", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"# {rule.id} {rule.name}: {rule.title}\n")
    click.echo(f"Severity: {rule.severity.value}    Category: {rule.category}\n")
    click.echo(rule.description.rstrip() + "\n")
    click.echo("## Remediation")
    for fmt, text in rule.remediation.items():
        click.echo(f"\n### {fmt}\n{text.rstrip()}")
    click.echo("\n## References")
    for ref in rule.references:
        click.echo(f"- {ref}")


def _end_on_sigterm() -> None:
    """SIGTERM (CI cancellation, `timeout`, `docker stop`) ends the scan like Ctrl-C: the
    worker processes are stopped and no report, not even a partial one, is written."""
    import signal

    def terminated(signum: int, frame: object) -> None:
        del frame
        raise SystemExit(128 + signum)

    import contextlib

    with contextlib.suppress(ValueError):  # not the main thread (embedded use): leave it
        signal.signal(signal.SIGTERM, terminated)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code. No traceback ever reaches a user."""
    _end_on_sigterm()
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="aksnetlint",
                 standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_ERROR
    except click.exceptions.Abort:  # click's form of KeyboardInterrupt
        click.echo("interrupted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    except Exception as exc:  # the last line of defence: one line, never a traceback
        click.echo(f"aksnetlint: internal error: {type(exc).__name__}: {exc} "
                   "(please report this)", err=True)
        return EXIT_ERROR
    return EXIT_CLEAN
