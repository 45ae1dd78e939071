"""CSV export for spreadsheets: one row per finding, guarded against formula injection."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator

from ..findings import FILE_ERROR, Finding, LintResult, suggestion_parts

HEADER = ("path", "line", "column", "end_line", "end_column", "severity", "category", "rule",
          "match", "message", "sentence", "suggestion", "fix_applicability", "references")
# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets
# (OWASP "CSV Injection"); page copy is untrusted, so such cells get a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render(result: LintResult) -> str:
    """Render a run's findings as RFC 4180 CSV with a header row (CRLF line ends).

    Write the text unchanged (``open(path, "w", newline="")``); with "\\r\\n" as the
    terminator the csv module also quotes cells holding a bare carriage return.
    """
    return "".join(chunks(result))


def chunks(result: LintResult) -> Iterator[str]:
    """Yield the CSV text a row at a time (a site's findings may be streamed from disk)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    # Approval problems and unreadable files fail the run too, so they get a row each.
    problems = ([safe_cell(p.path), p.line, p.column, p.line, p.column, "warning", "claimlint",
                 p.rule, "", safe_cell(p.message), "", "", "", ""] for p in result.problems)
    errors = ([safe_cell(e.path), "", "", "", "", "error", "claimlint", FILE_ERROR, "",
               safe_cell(e.message), "", "", "", ""] for e in result.errors)
    for cells in itertools.chain([HEADER], map(row, result.findings), problems, errors):
        writer.writerow(cells)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def row(f: Finding) -> list[str | int]:
    """Return one finding's cells in HEADER order, text cells made formula-safe."""
    text = [f.severity.value, f.category, f.rule, f.match, f.message, f.sentence,
            " / ".join(f'remove "{s}"' if kind == "remove" else s
                       for kind, s in suggestion_parts(f)),
            f.fix.applicability.value if f.fix else "",
            " ".join(r.url for r in f.references)]
    return [safe_cell(f.path), f.line, f.column, f.end_line, f.end_column,
            *(safe_cell(t) for t in text)]


def safe_cell(text: str) -> str:
    """Return text with a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text
