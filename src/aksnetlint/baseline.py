"""Baselines: record today's findings by fingerprint, then report only new ones.

A fingerprint does not change when lines are inserted above a finding, so a baseline
survives unrelated edits; it changes when the finding itself changes (another value, rule or
object), which then shows as new.
"""

from __future__ import annotations

import json
from pathlib import Path

from aksnetlint.errors import ConfigError
from aksnetlint.findings import Finding, Kind

FORMAT = 1


def write_baseline(path: Path, findings: list[Finding]) -> str:
    """The baseline document for `findings` (active findings only)."""
    entries = [
        {"fingerprint": f.fingerprint, "rule": f.rule_id, "path": f.location.path,
         "message": f.message}
        for f in findings if f.kind is Kind.FINDING and f.suppressed is None
    ]
    entries.sort(key=lambda e: (e["path"], e["rule"], e["fingerprint"]))
    del path
    return json.dumps({"aksnetlint_baseline": FORMAT, "findings": entries}, indent=2) + "\n"


def read_baseline(path: Path) -> set[str]:
    """The fingerprints a baseline file records; a clear error when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read baseline: {exc}", path.as_posix()) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"baseline is not JSON: {exc.msg}", path.as_posix(), exc.lineno,
                          exc.colno) from None
    if not isinstance(data, dict) or data.get("aksnetlint_baseline") != FORMAT or \
            not isinstance(data.get("findings"), list):
        raise ConfigError("not an aksnetlint baseline file (written by --write-baseline)",
                          path.as_posix())
    return {str(e.get("fingerprint")) for e in data["findings"] if isinstance(e, dict)}


def filter_new(findings: list[Finding], known: set[str]) -> tuple[list[Finding], int]:
    """Findings not in the baseline, and how many were left out."""
    kept = [f for f in findings if f.kind is not Kind.FINDING or f.fingerprint not in known]
    return kept, len(findings) - len(kept)
