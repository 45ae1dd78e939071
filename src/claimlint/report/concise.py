"""One line per problem, ``path:line:col: severity rule message`` (ruff's concise, Vale's line)."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import FILE_ERROR, Finding, LintResult


def render(result: LintResult) -> str:
    """Render a run as one line per finding, file error and approval problem."""
    return "".join(chunks(result))


def chunks(result: LintResult) -> Iterator[str]:
    """Yield the report a line at a time (a site's findings may be streamed from disk)."""
    for f in result.findings:
        yield line(f.path, f.line, f.column, f.severity.value, f.rule, _message(f))
    for p in result.problems:
        yield line(p.path, p.line, p.column, "warning", p.rule, p.message)
    for e in result.errors:
        yield line(e.path, 1, 1, "error", FILE_ERROR, e.message)


def line(path: str, at_line: int, column: int, severity: str, rule: str, message: str) -> str:
    """Format one line; newlines in the message become spaces so each problem is one line."""
    return f"{path}:{at_line}:{column}: {severity} {rule} {' '.join(message.split())}\n"


def _message(f: Finding) -> str:
    return f.message + (" (hedged)" if f.hedged else "")
