"""Errors that are the user's to fix: they never surface as tracebacks."""

from __future__ import annotations


class ClaimlintError(Exception):
    """A user-facing error; the CLI prints it and exits 2."""


class UsageError(ClaimlintError):
    """A bad command-line argument or option value."""


class SourceError(ClaimlintError):
    """An error located in a user's file (a rule pack or a config file)."""

    def __init__(self, path: str, line: int, column: int, message: str, source_line: str = ""):
        self.path, self.line, self.column = path, line, column
        self.message, self.source_line = message, source_line
        super().__init__(f"{path}:{line}:{column}: {message}")

    def render(self) -> str:
        """Return ``path:line:col: message`` followed by the offending line and a caret."""
        text = str(self)
        if self.source_line:
            text += f"\n  {self.source_line.rstrip()}\n  {' ' * (self.column - 1)}^"
        return text


class RuleFileError(SourceError):
    """A rule pack that does not load or validate."""


class ConfigError(SourceError):
    """A configuration file that does not load or validate."""
