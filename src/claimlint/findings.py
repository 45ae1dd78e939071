"""The values the engine produces and every reporter consumes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Severity(str, Enum):
    """How serious a finding is; ordered info < warning < error."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Return 0, 1 or 2 so severities can be compared."""
        return _RANK[self]

    def lowered(self) -> Severity:
        """Return the next lower severity (info stays info)."""
        return {Severity.ERROR: Severity.WARNING}.get(self, Severity.INFO)


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Applicability(str, Enum):
    """How safe a fix is to apply (ruff's levels)."""

    DISPLAY_ONLY = "display-only"
    UNSAFE = "unsafe"
    SAFE = "safe"


@dataclass(frozen=True, slots=True)
class Reference:
    """A regulation or guidance document a rule is based on, and the region it applies to."""

    title: str
    url: str
    region: str = ""  # one of ruleset.REGIONS, or "" when the rule file does not say


@dataclass(frozen=True, slots=True)
class Fix:
    """A replacement for a finding's span and how safe it is to apply."""

    replacement: str
    applicability: Applicability


@dataclass(frozen=True, slots=True)
class Finding:
    """One violation of one rule at one place in one file."""

    path: str
    rule: str
    category: str
    severity: Severity
    message: str
    start: int
    end: int
    match: str
    line: int
    column: int
    end_line: int
    end_column: int
    scope: str
    sentence: str
    suggestions: tuple[str, ...] = ()
    fix: Fix | None = None
    references: tuple[Reference, ...] = ()
    hedged: bool = False
    advice: str = ""
    # The match as the sentence reads it (HTML entities decoded), when that differs.
    quote: str = ""
    # How sure the learned decision is that the sentence makes this category's claim.
    confidence: float | None = None
    # Other rules of the same category that flagged an overlapping span (one finding per claim).
    merged: tuple[str, ...] = ()

    @property
    def is_document_level(self) -> bool:
        """True for findings about the whole document (e.g. a missing disclosure)."""
        return self.start == self.end == 0 and not self.match


def removed_words(match: str, replacement: str) -> str | None:
    """The words a suggestion only leaves out of ``match`` ("revolutionary"), else None.

    Reporters show such a suggestion as 'remove "revolutionary"' rather than as the bare
    text that replaces the span (which may be empty, or just "an " or "Care").
    """
    def words(text: str) -> list[str]:
        return [{"an": "a"}.get(w, w) for w in re.findall(r"[\w'’%-]+", text.lower())]

    said, kept = words(match), words(replacement)
    if len(kept) >= len(said):
        return None
    gone, i = [], 0
    for w in kept:
        while i < len(said) and said[i] != w:
            gone.append(i)
            i += 1
        if i == len(said):
            return None
        i += 1
    gone.extend(range(i, len(said)))
    shown = re.findall(r"[\w'’%-]+", match)
    return " ".join(shown[j] for j in gone if said[j] not in _JOINS) or None


_JOINS = frozenset(("and", "or", "a"))


def suggestion_parts(f: Finding) -> list[tuple[str, str]]:
    """Each suggestion as ("remove", the words it leaves out) or ("use", its wording)."""
    out = []
    for s in f.suggestions:
        gone = removed_words(f.quote or f.match, s)
        out.append(("remove", gone) if gone else ("use", s))
    return out


# The id reports give a file that could not be linted, where they need a rule id.
FILE_ERROR = "claimlint.file-error"


@dataclass(frozen=True, slots=True)
class FileError:
    """A file that could not be read, decoded or parsed."""

    path: str
    message: str


@dataclass(frozen=True, slots=True)
class LintResult:
    """Everything one run produced: findings, file errors and notices."""

    findings: Sequence[Finding]  # a tuple, or a FindingStore on disk for a very large run
    errors: tuple[FileError, ...] = ()
    files: int = 0
    notices: tuple[str, ...] = field(default=())
    suppressed: tuple[Any, ...] = ()  # suppress.Suppressed: a finding and its approval
    problems: tuple[Any, ...] = ()  # suppress.Problem: unused or reason-less approvals
