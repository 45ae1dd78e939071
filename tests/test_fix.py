"""Fixes edit only their spans, keep encoding and line endings, and are idempotent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimlint.cli import main
from claimlint.findings import Applicability, Finding, Fix, Severity
from claimlint.fix import Edit, apply_edits, edits_for

RULES = """\
rules:
  - id: hype.fixable
    category: hype
    severity: warning
    message: "'{match}' is hype."
    rationale: Hype about a treatment reads as an objective claim of efficacy to readers.
    references: [{title: T, url: "https://example.org/t"}]
    match: {terms: [revolutionary, undeniable]}
    suggest: {revolutionary: new, undeniable: clear}
    fix: unsafe
    examples: {flag: [A revolutionary serum.], pass: [A new serum.]}
  - id: safety-claim.fixable
    category: safety-claim
    severity: warning
    message: "'{match}' claims safety."
    rationale: Unqualified safety claims mislead when every procedure carries some risk.
    references: [{title: T, url: "https://example.org/t"}]
    match: {terms: [no downtime]}
    suggest: {no downtime: a short recovery time for most people}
    fix: unsafe
    examples: {flag: [There is no downtime.], pass: [Recovery takes a day.]}
"""


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")
    return path


def check(capsys: pytest.CaptureFixture[str], rules: Path, *argv: str) -> tuple[int, str]:
    code = main(["check", "--packs", "core", "--rules", str(rules),
                 "--select", "hype.fixable,safety-claim.fixable", *argv])
    return code, capsys.readouterr().out


def test_fix_keeps_bom_crlf_and_everything_else(tmp_path: Path, rules: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "p.md"
    body = "# An undeniable result\r\n\r\nA *revolutionary* serum, and a revolutionary one.\r\n"
    page.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    os.chmod(page, 0o640)
    code, _ = check(capsys, rules, "--fix", "--unsafe-fixes", str(page))
    expected = "# A clear result\r\n\r\nA *new* serum, and a new one.\r\n"
    assert page.read_bytes() == b"\xef\xbb\xbf" + expected.encode("utf-8")
    assert oct(page.stat().st_mode & 0o777) == "0o640"
    assert code == 0
    check(capsys, rules, "--fix", "--unsafe-fixes", str(page))
    assert page.read_bytes() == b"\xef\xbb\xbf" + expected.encode("utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_unsafe_fixes_need_the_flag_and_diff_does_not_write(
        tmp_path: Path, rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "p.txt"
    page.write_text("There is no downtime.\n", encoding="utf-8")
    code, out = check(capsys, rules, "--fix", str(page))
    assert code == 1 and page.read_text() == "There is no downtime.\n"
    code, out = check(capsys, rules, "--diff", "--unsafe-fixes", str(page))
    assert code == 1
    assert "-There is no downtime.\n+There is a short recovery time for most people.\n" in out
    assert page.read_text() == "There is no downtime.\n"
    check(capsys, rules, "--fix", "--unsafe-fixes", str(page))
    assert page.read_text() == "There is a short recovery time for most people.\n"


def test_no_fix_across_markup(tmp_path: Path, rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "p.md"
    page.write_text("There is no **downtime** at all.\n", encoding="utf-8")
    code, out = check(capsys, rules, "--diff", "--unsafe-fixes", str(page))
    assert (code, out) == (0, "")


def _finding(start: int, end: int, text: str, applicability: Applicability) -> Finding:
    return Finding("p", "hype.x", "hype", Severity.WARNING, "m", start, end, "x", 1, 1, 1, 1,
                   "paragraph", "", fix=Fix(text, applicability))


def test_overlapping_edits_are_never_merged() -> None:
    found = [_finding(0, 5, "A", Applicability.SAFE), _finding(3, 8, "B", Applicability.SAFE),
             _finding(9, 10, "C", Applicability.UNSAFE)]
    assert edits_for(found, unsafe=False) == [Edit(0, 5, "A")]
    assert edits_for(found, unsafe=True) == [Edit(0, 5, "A"), Edit(9, 10, "C")]


@given(st.text(max_size=60), st.lists(st.tuples(st.integers(0, 60), st.integers(1, 5),
                                                st.text(max_size=4)), max_size=6))
def test_a_fix_changes_nothing_outside_its_spans(text: str, raw: list[tuple[int, int, str]]) -> None:
    edits, end = [], 0
    for start, length, replacement in sorted(raw):
        start = max(start, end)
        if start + length > len(text):
            break
        edits.append(Edit(start, start + length, replacement))
        end = start + length
    result = apply_edits(text, edits)
    pieces, cursor = [], 0
    for e in edits:
        pieces += [text[cursor:e.start], e.replacement]
        cursor = e.end
    assert result == "".join(pieces) + text[cursor:]
