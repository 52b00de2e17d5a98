"""Command line: `aksnetlint scan`, `aksnetlint rules`, `aksnetlint rule ID`.

Exit codes: 0 no findings, 1 findings, 2 a usage, configuration or input error (a file that
could not be scanned takes precedence over findings: the scan is incomplete).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from aksnetlint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _colour(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _write_output(text: str, output: Path | None) -> None:
    """Write the report; a file is written atomically (temp file + rename)."""
    if output is None:
        click.echo(text, nl=False)
        return
    import tempfile

    folder = output.resolve().parent
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(code.strip().upper() for value in values for code in value.split(",")
                 if code.strip())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="aksnetlint")
def cli() -> None:
    """Find Azure Kubernetes Service networking risks in Terraform, ARM and Bicep."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True, help="Report format.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to FILE (atomically) instead of standard output.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these rule ids or prefixes (comma-separated, repeatable).")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Skip these rule ids or prefixes (comma-separated, repeatable).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--show-unresolved", is_flag=True,
              help="Report a note where a rule could not decide because a value is unknown.")
@click.option("--var-file", multiple=True, type=click.Path(path_type=Path, dir_okay=False,
                                                            exists=True),
              help="Terraform variable file, applied after terraform.tfvars and *.auto.tfvars.")
@click.option("--hybrid", is_flag=True,
              help="Treat the network as hybrid (on-premises connectivity) even without "
                   "evidence in the scanned files.")
@click.option("--statistics", is_flag=True, help="Print a count of findings per rule.")
def scan(paths: tuple[Path, ...], fmt: str, output: Path | None, select: tuple[str, ...],
         ignore: tuple[str, ...], exit_zero: bool, show_unresolved: bool,
         var_file: tuple[Path, ...], hybrid: bool, statistics: bool) -> None:
    """Scan PATHS (files or folders; default: the current folder)."""
    from aksnetlint.errors import AksnetlintError
    from aksnetlint.lint import Options, lint
    from aksnetlint.report import ReportOptions, reporter
    from aksnetlint.rules import load_rules

    try:
        rules = load_rules()
        options = Options(select=_codes(select), ignore=_codes(ignore),
                          show_unresolved=show_unresolved, var_files=var_file, hybrid=hybrid)
        result = lint(list(paths) or [Path(".")], options, rules)
    except AksnetlintError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_ERROR)
    for error in result.errors:
        click.echo(str(error), err=True)
    colour = fmt == "text" and output is None and _colour(sys.stdout)
    text = reporter(fmt)(result, rules, ReportOptions(colour=colour, root=result.root,
                                                      statistics=statistics))
    try:
        _write_output(text, output)
    except OSError as exc:
        click.echo(f"{output}: error: cannot write report: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_ERROR)
    if result.errors:
        sys.exit(EXIT_ERROR)
    if result.active and not exit_zero:
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_CLEAN)


@cli.command(name="rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def list_rules(fmt: str) -> None:
    """List every rule."""
    import json

    from aksnetlint.rules import load_rules

    rules = load_rules()
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code. No traceback ever reaches a user."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="aksnetlint",
                 standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return EXIT_ERROR
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
