"""Baselines: record today's findings by fingerprint, then report only new ones.

A fingerprint does not change when lines are inserted above a finding, so a baseline
survives unrelated edits; it changes when the finding itself changes (another value, rule,
object or parameter variant), which then shows as new: the same finding in `prod` is not
hidden by a baseline entry for `dev`, nor one cluster's finding by another's. Each entry
also records the rule, severity, path, variant and message, so a report can name the entries
that no longer match anything (stale: fixed, or changed beyond recognition).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aksnetlint.errors import ConfigError
from aksnetlint.findings import Finding, Kind

FORMAT = 2


@dataclass(frozen=True, slots=True)
class Entry:
    fingerprint: str
    rule: str
    path: str
    message: str
    severity: str | None = None
    variant: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"fingerprint": self.fingerprint, "rule": self.rule, "severity": self.severity,
                "path": self.path, "variant": self.variant, "message": self.message}


@dataclass(slots=True)
class Outcome:
    """What applying a baseline did: how many findings it absorbed, which entries matched
    nothing although their file (and variant) was scanned."""

    source: str
    absorbed: int = 0
    stale: list[Entry] = field(default_factory=list)


def write_baseline(path: Path, findings: list[Finding]) -> str:
    """The baseline document for `findings` (active findings only)."""
    del path
    entries = [Entry(f.fingerprint, f.rule_id, f.location.path, f.message, f.severity.value,
                     f.variant).to_json()
               for f in findings if f.kind is Kind.FINDING and f.suppressed is None]
    entries.sort(key=lambda e: (str(e["path"]), str(e["rule"]), str(e["variant"] or ""),
                                str(e["fingerprint"])))
    return json.dumps({"aksnetlint_baseline": FORMAT, "findings": entries}, indent=2) + "\n"


def read_baseline(path: Path) -> list[Entry]:
    """The entries of a baseline file; a clear error when it is not one."""
    source = path.as_posix()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read baseline: {exc}", source) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"baseline is not JSON: {exc.msg}", source, exc.lineno,
                          exc.colno) from None
    if isinstance(data, dict) and data.get("aksnetlint_baseline") == 1:
        raise ConfigError("baseline written by aksnetlint 0.1 (format 1), whose fingerprints "
                          "do not tell parameter variants apart; record it again with "
                          "--write-baseline", source)
    if not isinstance(data, dict) or data.get("aksnetlint_baseline") != FORMAT or \
            not isinstance(data.get("findings"), list):
        raise ConfigError("not an aksnetlint baseline file (written by --write-baseline)",
                          source)
    entries = []
    for i, item in enumerate(data["findings"]):
        if not isinstance(item, dict) or not all(
                isinstance(item.get(k), str) for k in ("fingerprint", "rule", "path")):
            raise ConfigError(f"baseline entry {i + 1} lacks its fingerprint, rule or path",
                              source)
        variant = item.get("variant")
        severity = item.get("severity")
        entries.append(Entry(item["fingerprint"], item["rule"], item["path"],
                             str(item.get("message", "")),
                             severity if isinstance(severity, str) else None,
                             variant if isinstance(variant, str) else None))
    return entries


def apply_baseline(findings: list[Finding], entries: list[Entry], source: str,
                   scanned: Callable[[str], bool], variants: set[str | None]
                   ) -> tuple[list[Finding], Outcome]:
    """Findings not in the baseline, and what the baseline did. An entry is stale when it
    matched nothing although this scan covered its file (`scanned`, of a root-relative
    path) in its variant; entries for files or variants outside the scan (pre-commit names a
    few files) are neither matched nor stale."""
    known = {e.fingerprint for e in entries}
    kept, matched = [], set()
    outcome = Outcome(source)
    for finding in findings:
        if finding.kind is Kind.FINDING and finding.fingerprint in known:
            matched.add(finding.fingerprint)
            if finding.suppressed is None:
                outcome.absorbed += 1
            continue
        kept.append(finding)
    outcome.stale = [e for e in entries if e.fingerprint not in matched
                     and scanned(e.path) and e.variant in variants]
    return kept, outcome
