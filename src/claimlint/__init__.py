"""claimlint: lint health-clinic marketing copy for claims regulators act on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .findings import Applicability, FileError, Finding, Fix, LintResult, Reference, Severity

if TYPE_CHECKING:
    from .api import FileOutcome, Linter, Options, lint_paths, lint_text

__version__ = "0.1.0"
_API = frozenset({"FileOutcome", "Linter", "Options", "lint_paths", "lint_text"})


def __getattr__(name: str) -> object:
    """Import the API (spaCy and all) on first use: the command line starts in milliseconds
    and stops cleanly on SIGTERM from its first moments (issue 11)."""
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "Applicability",
    "FileError",
    "FileOutcome",
    "Finding",
    "Fix",
    "LintResult",
    "Linter",
    "Options",
    "Reference",
    "Severity",
    "__version__",
    "lint_paths",
    "lint_text",
]
