"""Inline approvals: what they silence, the audit trail, unused and reason-less ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimlint.cli import main
from tests.cli_helpers import said

MD = """\
# Care

<!-- claimlint-disable-next-line hype -- approved by J. Doe, compliance, 2026-11-01 -->
A revolutionary serum.

<!-- claimlint-disable safety-claim.no-risk -->
No downtime at all.
<!-- claimlint-enable safety-claim.no-risk -->

No downtime again. A revolutionary idea.
<!-- claimlint-disable-next-line inducement -- left over -->
Plain line.
"""


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", "--format", "json", "--select", "hype,safety-claim,inducement", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_markdown_approvals_and_audit_trail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "p.md"
    page.write_text(MD)
    code, report = check(capsys, str(page))
    assert code == 1
    assert [(f["line"], said(f)) for f in report["findings"]] == [
        (10, "No downtime"), (10, "revolutionary")]
    assert [(s["line"], s["rule"], s["suppressed_by"]["reason"]) for s in report["suppressed"]] == [
        (4, "hype.superlative", "approved by J. Doe, compliance, 2026-11-01"),
        (7, "safety-claim.no-risk", "")]
    [problem] = report["suppression_problems"]
    assert (problem["line"], problem["message"]) == (
        11, "unused suppression 'claimlint-disable-next-line inducement': nothing to suppress")


def test_show_suppressed_lists_reasons_in_the_terminal(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "p.md"
    page.write_text(MD)
    main(["check", "--select", "hype,safety-claim,inducement", "--show-suppressed", str(page)])
    out = capsys.readouterr().out
    assert "Suppressed by inline approvals" in out
    assert "approved at line 3: approved by J. Doe, compliance, 2026-11-01" in out


def test_plain_text_line_comment_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "p.txt"
    page.write_text("# claimlint-disable-next-line hype -- brand name, see ticket 12\n"
                    "The revolutionary serum.\n\nA revolutionary serum.\n")
    _, report = check(capsys, str(page))
    assert [f["line"] for f in report["findings"]] == [4]
    assert [s["line"] for s in report["suppressed"]] == [2]


def test_require_reason_ignores_approvals_without_one(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".claimlint.yaml").write_text("require-reason: true\n")
    (tmp_path / "p.md").write_text(MD)
    monkeypatch.chdir(tmp_path)
    _, report = check(capsys, "p.md")
    assert (7, "No downtime") in [(f["line"], f["match"]) for f in report["findings"]]
    assert any("needs a reason" in p["message"] and p["line"] == 6
               for p in report["suppression_problems"])
