"""The errors aksnetlint raises; every one names a file and, where known, a position."""

from __future__ import annotations


class AksnetlintError(Exception):
    """Base class: an error that is reported to the user as one line, never a traceback."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: error: {self.message}"


class ParseError(AksnetlintError):
    """A file could not be parsed (syntax, encoding, size, nesting)."""


class EvaluationError(AksnetlintError):
    """An expression could not be evaluated for a reason that is the template's fault."""


class ConfigError(AksnetlintError):
    """The configuration file or command-line options are invalid."""


class RuleError(AksnetlintError):
    """A rule file is invalid."""
