"""Inline approvals: claimlint-disable comments, their reasons, and unused ones."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .document import LINE_BREAK, Document
from .findings import Finding

# Markdown and HTML use comments; plain text a line of its own ("# " or "// " optional).
_COMMENT = re.compile(r"<!--\s*claimlint-(disable-next-line|disable|enable)\b(.*?)-->", re.S)
# A line starts after CR, LF or CRLF (old Mac files end lines with CR alone).
_LINE = re.compile(r"(?:^|(?<=\r))[ \t]*(?:#|//)?[ \t]*"
                   r"claimlint-(disable-next-line|disable|enable)\b([^\r\n]*)", re.M)


@dataclass(frozen=True, slots=True)
class Directive:
    """One claimlint-disable / -enable comment."""

    kind: str
    selectors: tuple[str, ...]
    reason: str
    line: int
    column: int
    end_line: int

    @property
    def text(self) -> str:
        """The directive as a reader would write it."""
        return f"claimlint-{self.kind} {','.join(self.selectors)}".rstrip()

    def covers_rule(self, f: Finding) -> bool:
        """True when the directive names the finding's rule (id, id prefix or category)."""
        return not self.selectors or any(
            f.rule == s or f.rule.startswith(s + ".") or f.category == s for s in self.selectors)


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A finding an inline approval silenced, and the approval."""

    finding: Finding
    directive: Directive


# Approval problems fail a run like findings, so every report shows them under these ids.
UNUSED = "claimlint.unused-approval"
NO_REASON = "claimlint.approval-without-reason"
PROBLEM_RULES = {
    UNUSED: "A claimlint-disable comment that silences nothing (misspelt, or the copy changed).",
    NO_REASON: "A claimlint-disable comment without the '-- reason' that require-reason asks for.",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """An approval that is unused or lacks a required reason."""

    path: str
    line: int
    column: int
    message: str
    rule: str = UNUSED


def parse(document: Document) -> list[Directive]:
    """Find the directives in a document's source."""
    pattern = _LINE if document.format == "text" else _COMMENT
    # A WordPress post is one part of the export: only its own directives apply to it.
    runs = [r for seg in document.segments for r in seg.runs]
    lo = min((r.src_start for r in runs), default=0) if document.format == "wxr" else 0
    hi = max((r.src_start + r.src_len for r in runs), default=0) if document.format == "wxr" \
        else len(document.text)
    out = []
    for m in pattern.finditer(document.text, lo, hi):
        body, _, reason = m.group(2).partition(" -- ")
        selectors = tuple(s for s in re.split(r"[\s,]+", body.strip()) if s)
        line, col = document.line_col(m.start())
        end_line, _ = document.line_col(m.end())
        out.append(Directive(m.group(1), selectors, reason.strip(), line, col, end_line))
    return out


def _next_content_line(document: Document, after: int) -> int:
    lines = LINE_BREAK.split(document.text)
    for n in range(after, len(lines)):
        if lines[n].strip():
            return n + 1
    return after + 1


def apply(document: Document, findings: Sequence[Finding], require_reason: bool
          ) -> tuple[list[Finding], list[Suppressed], list[Problem]]:
    """Split findings into kept and suppressed, and report bad or unused directives."""
    directives = parse(document)
    problems: list[Problem] = []
    active: list[tuple[Directive, int, int]] = []  # directive, first line, last line
    open_ranges: list[tuple[Directive, int]] = []
    for d in directives:
        if d.kind != "enable" and require_reason and not d.reason:
            problems.append(Problem(document.path, d.line, d.column,
                                    f"'{d.text}' needs a reason ('-- why'); it is ignored",
                                    NO_REASON))
            continue
        if d.kind == "disable-next-line":
            target = _next_content_line(document, d.end_line)
            active.append((d, target, target))
        elif d.kind == "disable":
            open_ranges.append((d, d.end_line))
        else:
            still = []
            for opened, first in open_ranges:
                if d.selectors and set(opened.selectors) != set(d.selectors):
                    still.append((opened, first))
                else:
                    active.append((opened, first, d.line))
            open_ranges = still
    active += [(d, first, 10**9) for d, first in open_ranges]
    kept: list[Finding] = []
    suppressed: list[Suppressed] = []
    directive_lines = ({n for d in directives for n in range(d.line, d.end_line + 1)}
                       if document.format == "text" else set())
    for f in findings:
        if f.line in directive_lines and not f.is_document_level:
            continue  # the words of a plain-text directive are not copy
        hit = next((d for d, first, last in active if d.covers_rule(f) and (
            (f.is_document_level and d.kind == "disable") or first <= f.line <= last)), None)
        if hit:
            suppressed.append(Suppressed(f, hit))
        else:
            kept.append(f)
    used = {id(s.directive) for s in suppressed}
    for d, _, _ in active:
        if id(d) not in used:
            problems.append(Problem(document.path, d.line, d.column,
                                    f"unused suppression '{d.text}': nothing to suppress"))
    return kept, suppressed, problems
