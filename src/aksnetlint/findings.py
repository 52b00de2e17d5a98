"""What a scan reports: findings (and notes about unresolved values), with locations."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from aksnetlint.values import Location


class Severity(str, Enum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def sarif_level(self) -> str:
        return {"critical": "error", "high": "error", "medium": "warning"}.get(self.value, "note")

    @property
    def security_severity(self) -> str:
        return {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0",
                "info": "1.0"}[self.value]

    @property
    def rank(self) -> int:
        return ["info", "low", "medium", "high", "critical"].index(self.value)


FINGERPRINT_VERSION = "2"  # SARIF `partialFingerprints` key `aksnetlint/v2`


class Kind(str, Enum):
    FINDING = "finding"
    UNRESOLVED = "unresolved"  # a rule could not decide: a note, never a violation


@dataclass(frozen=True, slots=True)
class Related:
    location: Location
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    severity: Severity
    message: str
    location: Location
    subject: str  # the model key of the object the rule looked at
    kind: Kind = Kind.FINDING
    related: tuple[Related, ...] = ()
    properties: tuple[tuple[str, object], ...] = ()
    suppressed: str | None = None  # the justification, when an inline ignore applies
    # the parameter variant of the deployment (an environment's name, or the parameter or
    # variable files applied); None for a deployment scanned with its defaults only
    variant: str | None = None
    # the root of the deployment it was found in (not part of its identity: a module two
    # callers deploy with the same values is one finding)
    deployment: str | None = field(default=None, compare=False)
    # set by the scan when distinct findings would share a fingerprint (two clusters of one
    # name in one file): 0 for the first in source order, then 1, 2, ...
    occurrence: int = 0

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.rule_id, self.variant or "", self.message)

    @property
    def fingerprint(self) -> str:
        """Stable across unrelated edits: rule, file, the model object, the message and the
        parameter variant, not the line number (inserting lines above a finding keeps its
        fingerprint); the same finding in `dev` and in `prod` has two fingerprints."""
        parts = [FINGERPRINT_VERSION, self.rule_id, self.location.path, self.subject,
                 self.message, self.kind.value, self.variant or ""]
        if self.occurrence:
            parts.append(str(self.occurrence))
        text = "\x1f".join(parts)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(slots=True)
class FileError:
    """A file (or part of one) that could not be scanned."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: error: {self.message}"


@dataclass(slots=True)
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files_scanned: int = 0
    deployments: int = 0
    root: str = "."
    unused_suppressions: list[Any] = field(default_factory=list)
    invalid_suppressions: list[Any] = field(default_factory=list)  # suppress.Invalid
    # the parameter variants of the deployments scanned (None: defaults only)
    variants: set[str | None] = field(default_factory=set)
    # what the scan covered (root-relative POSIX): folders walked ("" for the root itself)
    # and files of the deployments
    scanned_folders: tuple[str, ...] = ()
    scanned_files: set[str] = field(default_factory=set)
    baseline: Any = None  # baseline.Outcome, when a baseline was applied
    environments: tuple[str, ...] = ()  # the configured environments scanned
    rules: tuple[str, ...] = ()  # the rules selected for the scan
    # (root, format, variant) of every deployment judged
    deployed: list[tuple[str, str, str | None]] = field(default_factory=list)

    def covers(self, path: str) -> bool:
        """Whether a root-relative path was part of this scan."""
        if path in self.scanned_files:
            return True
        return any(folder in ("", ".") or path.startswith(folder.rstrip("/") + "/")
                   for folder in self.scanned_folders)

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if f.kind is Kind.FINDING and f.suppressed is None]
