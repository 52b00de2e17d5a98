"""Inline suppressions and per-path ignores.

- A comment `aksnetlint:ignore AKS001[,AKS002] [reason]` (`#`, `//` or `/* */`) suppresses
  those rules on its own line and on the line below it (Terraform, Bicep, JSON with comments).
- In ARM JSON, a resource's `metadata` may carry
  `"aksnetlint": {"ignore": [{"rule": "AKS001", "reason": "..."}]}`; it covers the resource.
- Suppressed findings are kept (marked, with the reason) so reports can count them and SARIF
  can list them as suppressed; a suppression that suppresses nothing is reported as unused.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from aksnetlint.findings import Finding, Kind
from aksnetlint.values import Location

# `aksnetlint:ignore`, then the rules (comma-separated ids), then the reason
DIRECTIVE_RE = re.compile(r"aksnetlint:\s*ignore\b(.*?)\s*(?:\*/)?\s*$", re.IGNORECASE | re.S)
RULES_RE = re.compile(r"\s*([A-Za-z]+\d+(?:\s*,\s*[A-Za-z]+\d+)*)(?=\s|$)(.*)$", re.S)
_STRING_QUOTES = {".tf": '"', ".tfvars": '"', ".json": '"', ".jsonc": '"', ".bicep": "'",
                  ".bicepparam": "'"}


@dataclass(frozen=True, slots=True)
class Suppression:
    location: Location  # where it is written
    first_line: int
    last_line: int
    rules: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class Unused:
    location: Location
    rule: str

    @property
    def message(self) -> str:
        return f"unused suppression of {self.rule} (nothing to ignore)"

    def __str__(self) -> str:
        return f"{self.location}: warning: {self.message}"


@dataclass(frozen=True, slots=True)
class Invalid:
    """A suppression that does not do what it seems to: it names no rule, an unknown rule,
    or gives no reason where the configuration requires one."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: warning: {self.message}"


def comments(text: str, suffix: str) -> list[tuple[int, int, str]]:
    """(line, column, text) of every comment, skipping string literals (and Bicep's
    multi-line `'''` strings, Terraform heredocs)."""
    quote = _STRING_QUOTES.get(suffix, '"')
    hash_comments = suffix in (".tf", ".tfvars")
    found: list[tuple[int, int, str]] = []
    i, line, line_start, n = 0, 1, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            line_start = i + 1
            i += 1
        elif quote == "'" and text.startswith("'''", i):
            end = text.find("'''", i + 3)
            end = n if end < 0 else end + 3
            line, line_start = _advance(text, i, end, line, line_start)
            i = end
        elif ch == quote:
            i += 1
            while i < n and text[i] != quote and text[i] != "\n":
                i += 2 if text[i] == "\\" else 1
            i += 1
        elif hash_comments and re.match(r"<<-?[A-Za-z]", text[i:i + 4]):
            match = re.match(r"<<-?([A-Za-z][A-Za-z0-9._-]*)[^\n]*\n", text[i:])
            if not match:
                i += 2
                continue
            end_re = re.compile(r"^[ \t]*" + re.escape(match.group(1)) + r"[ \t]*$", re.M)
            end_match = end_re.search(text, i + match.end())
            end = end_match.end() if end_match else n
            line, line_start = _advance(text, i, end, line, line_start)
            i = end
        elif (hash_comments and ch == "#") or text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            found.append((line, i - line_start + 1, text[i:end]))
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            found.append((line, i - line_start + 1, text[i:end]))
            line, line_start = _advance(text, i, end, line, line_start)
            i = end
        else:
            i += 1
    return found


def _advance(text: str, start: int, end: int, line: int, line_start: int) -> tuple[int, int]:
    newlines = text.count("\n", start, end)
    if newlines:
        return line + newlines, text.rfind("\n", start, end) + 1
    return line, line_start


def inline_suppressions(path: str, text: str) -> list[Suppression]:
    """Every `aksnetlint:ignore` comment of a file."""
    suffix = Path(path).suffix.lower()
    found = []
    for line, column, comment in comments(text, suffix):
        body = comment.lstrip("#/*").strip()
        match = DIRECTIVE_RE.search(body)
        if match is None:
            continue
        named = RULES_RE.match(match.group(1))
        rules = tuple(r.strip().upper() for r in named.group(1).split(",")) if named else ()
        reason = (named.group(2) if named else "").strip().rstrip("*/").strip()
        last = line + comment.count("\n") + 1
        found.append(Suppression(Location(path, line, column), line, last, rules, reason))
    return found


def metadata_suppressions(path: str, text: str) -> list[Suppression]:
    """ARM resources whose `metadata.aksnetlint.ignore` lists rules: each covers the lines of
    its resource object."""
    from aksnetlint.errors import AksnetlintError
    from aksnetlint.parsers.arm import parse

    if '"aksnetlint"' not in text:
        return []
    try:
        document = parse(text, path)
    except AksnetlintError:
        return []
    found: list[Suppression] = []
    _walk_resources(document, document.data, (), found)
    return found


def _walk_resources(document: Any, node: Any, json_path: tuple[str | int, ...],
                    found: list[Suppression]) -> None:
    if isinstance(node, dict):
        entries = node.get("aksnetlint") if json_path and json_path[-1] == "metadata" else None
        if isinstance(entries, dict) and isinstance(entries.get("ignore"), list):
            resource_path = json_path[:-1]
            span = document.locate(resource_path)
            for i, entry in enumerate(entries["ignore"]):
                where = document.locate(json_path + ("aksnetlint", "ignore", i))
                rule = entry.get("rule") if isinstance(entry, dict) else None
                reason = entry.get("reason", "") if isinstance(entry, dict) else ""
                found.append(Suppression(where, span.line, span.end_line or span.line,
                                         (rule.strip().upper(),) if isinstance(rule, str)
                                         and rule.strip() else (),
                                         str(reason or "").strip()))
        for key, value in node.items():
            _walk_resources(document, value, json_path + (key,), found)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _walk_resources(document, value, json_path + (i,), found)


def collect(root: Path, paths: set[str]) -> list[Suppression]:
    """The suppressions written in the given files (relative to `root`)."""
    from aksnetlint.errors import AksnetlintError
    from aksnetlint.sources import read_text

    found: list[Suppression] = []
    for rel in sorted(paths):
        try:
            text = read_text(root / rel, rel)
        except AksnetlintError:
            continue
        if "aksnetlint" not in text and "aksnetlint" not in text.lower():
            continue
        found.extend(inline_suppressions(rel, text))
        if rel.endswith((".json", ".jsonc")):
            found.extend(metadata_suppressions(rel, text))
    return found


def check(suppressions: list[Suppression], known_rules: set[str],
          require_reason: bool = False) -> tuple[list[Suppression], list[Invalid]]:
    """The suppressions that take effect, and what is wrong with the others (or with some
    of their rules): naming no rule, an unknown rule, or no reason when one is required
    (such a suppression suppresses nothing)."""
    valid, invalid = [], []
    for sup in suppressions:
        if not sup.rules:
            invalid.append(Invalid(sup.location, "suppression names no rule (write "
                                   "`aksnetlint:ignore AKS001 reason`); it suppresses nothing"))
            continue
        for rule in sup.rules:
            if rule not in known_rules:
                invalid.append(Invalid(sup.location, f"suppression names unknown rule {rule} "
                                       "(see `aksnetlint rules`)"))
        rules = tuple(rule for rule in sup.rules if rule in known_rules)
        if require_reason and not sup.reason:
            invalid.append(Invalid(sup.location, f"suppression of {', '.join(sup.rules)} gives "
                                   "no reason, which the configuration requires; it "
                                   "suppresses nothing"))
            continue
        if rules:
            valid.append(replace(sup, rules=rules))
    return valid, invalid


def apply(findings: list[Finding], suppressions: list[Suppression],
          active_rules: set[str]) -> tuple[list[Finding], list[Unused]]:
    """Mark suppressed findings; list suppressions (per rule) that matched nothing."""
    used: set[tuple[int, str]] = set()
    out = []
    for finding in findings:
        loc = finding.location
        for index, sup in enumerate(suppressions):
            if sup.location.path == loc.path and finding.rule_id in sup.rules and \
                    sup.first_line <= loc.line <= sup.last_line:
                used.add((index, finding.rule_id))
                if finding.kind is Kind.FINDING:
                    finding = replace(finding, suppressed=sup.reason or "suppressed inline")
                break
        out.append(finding)
    unused = [Unused(sup.location, rule) for index, sup in enumerate(suppressions)
              for rule in sup.rules if rule in active_rules and (index, rule) not in used]
    return out, unused


def per_path_ignored(finding: Finding, per_path: tuple[tuple[str, tuple[str, ...]], ...],
                     root: Path) -> bool:
    """Whether a `per_path_ignores` glob of the configuration (absolute, POSIX) drops this
    finding."""
    if not per_path:
        return False
    path = (root / finding.location.path).resolve().as_posix()
    for glob, codes in per_path:
        if (fnmatch.fnmatch(path, glob) or fnmatch.fnmatch(path, glob.rstrip("/") + "/*")) \
                and any(finding.rule_id.startswith(code) for code in codes):
            return True
    return False
