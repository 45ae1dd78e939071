"""claimlint: lint health-clinic marketing copy for claims regulators act on."""

from __future__ import annotations

from .api import FileOutcome, Linter, Options, lint_paths, lint_text
from .findings import Applicability, FileError, Finding, Fix, LintResult, Reference, Severity

__version__ = "0.1.0"

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
