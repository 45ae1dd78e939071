"""The CSV export: header, one row per finding, quoting, and formula-injection guard."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from claimlint import Linter
from claimlint.findings import Applicability, Finding, Fix, LintResult, Reference, Severity
from claimlint.report import csv as csv_report

EXAMPLES = Path(__file__).parents[1] / "examples"
HEADER = ["path", "line", "column", "end_line", "end_column", "severity", "category", "rule",
          "match", "message", "sentence", "suggestion", "fix_applicability", "references"]
FTC = Reference("FTC Health Products Compliance Guidance (2022)", "https://www.ftc.gov/hp")
CAP = Reference("CAP Code, section 12", "https://www.asa.org.uk/12.html")


def make(match: str = "revolutionary", sentence: str = "A revolutionary, new therapy.",
         **kw: object) -> Finding:
    fields: dict[str, object] = {
        "path": "site/hair.md", "rule": "hype.superlative", "category": "hype",
        "severity": Severity.WARNING, "message": f"'{match}' overstates it.", "start": 2,
        "end": 2 + len(match), "match": match, "line": 3, "column": 3, "end_line": 3,
        "end_column": 3 + len(match), "scope": "paragraph", "sentence": sentence}
    fields.update(kw)
    return Finding(**fields)  # type: ignore[arg-type]


def rows(result: LintResult) -> list[list[str]]:
    return list(csv.reader(io.StringIO(csv_report.render(result), newline="")))


def test_header_and_one_row_per_finding() -> None:
    result = LintResult(findings=(
        make(suggestions=("new", "novel"), fix=Fix("new", Applicability.UNSAFE),
             references=(FTC, CAP)),
        make("", "", rule="missing-disclosure.results-vary", category="missing-disclosure",
             severity=Severity.INFO, message="No disclosure.", start=0, end=0, line=1,
             column=1, end_line=1, end_column=1, scope="document"),
    ))
    assert rows(result) == [
        HEADER,
        ["site/hair.md", "3", "3", "3", "16", "warning", "hype", "hype.superlative",
         "revolutionary", "'revolutionary' overstates it.", "A revolutionary, new therapy.",
         "new / novel", "unsafe", "https://www.ftc.gov/hp https://www.asa.org.uk/12.html"],
        ["site/hair.md", "1", "1", "1", "1", "info", "missing-disclosure",
         "missing-disclosure.results-vary", "", "No disclosure.", "", "", "", ""],
    ]


def test_empty_run_is_just_the_header() -> None:
    assert csv_report.render(LintResult(findings=())) == ",".join(HEADER) + "\r\n"


def test_commas_quotes_and_newlines_round_trip() -> None:
    sentence = 'She said "it works", twice,\nand again.'
    [_, row] = rows(LintResult(findings=(make("works", sentence, path="a, b.md"),)))
    assert row[0] == "a, b.md" and row[10] == sentence


@pytest.mark.parametrize("text", [
    "=HYPERLINK(\"http://evil.test\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"])
def test_cells_a_spreadsheet_would_run_get_an_apostrophe(text: str) -> None:
    finding = make(text, text, path=text, message=text, suggestions=(text,), category=text)
    [_, row] = rows(LintResult(findings=(finding,)))
    for name in ("path", "category", "match", "message", "sentence", "suggestion"):
        assert row[HEADER.index(name)] == "'" + text, name


def test_harmless_cells_are_left_alone() -> None:
    assert csv_report.safe_cell("Results in 3-4 weeks = great") == "Results in 3-4 weeks = great"
    assert csv_report.safe_cell("") == ""
    assert csv_report.safe_cell("'quoted") == "'quoted"


def test_real_linter_run_on_the_examples(linter: Linter) -> None:
    result = linter.lint_paths([str(EXAMPLES)])
    table = rows(result)
    assert table[0] == HEADER
    assert len(table) == len(result.findings) + 1
    assert all(len(r) == len(HEADER) for r in table)
    assert {r[5] for r in table[1:]} <= {"error", "warning", "info"}
    assert any(r[13].startswith("https://") for r in table[1:])
