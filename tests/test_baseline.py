"""Baseline: old findings stay quiet when other text moves; rewritten ones are checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimlint.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_baseline_create_check_and_prune(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".claimlint.yaml").write_text("select: [hype, safety-claim]\n")
    page = tmp_path / "p.md"
    page.write_text("Intro.\n\nA revolutionary serum.\n\nIt is painless.\n")
    code, out = run(capsys, "baseline", "create")
    assert code == 0 and "2 finding(s) baselined" in out
    data = json.loads((tmp_path / ".claimlint-baseline.json").read_text())
    assert [e["rule"] for e in data["entries"]] == sorted(e["rule"] for e in data["entries"])
    assert all(set(e) == {"path", "rule", "fingerprint", "count"} for e in data["entries"])
    assert run(capsys, "check", "p.md")[0] == 0
    # Other paragraphs move: nothing resurfaces.
    page.write_text("A new first paragraph.\n\nIntro.\n\nA revolutionary serum.\n\nIt is painless.\n")
    assert run(capsys, "check", "p.md")[0] == 0
    # A rewritten sentence is checked again; --no-baseline shows everything.
    page.write_text("Intro.\n\nA revolutionary, exciting serum.\n")
    code, out = run(capsys, "check", "--format", "json", "p.md")
    assert code == 1
    # The match takes in the article its fix corrects: "A revolutionary, " -> "An ".
    assert [f["match"] for f in json.loads(out)["findings"]] == ["A revolutionary, "]
    code, out = run(capsys, "check", "--format", "json", "--no-baseline", "p.md")
    assert [f["message"].split("'")[1] for f in json.loads(out)["findings"]] == ["revolutionary"]
    code, out = run(capsys, "baseline", "prune")
    assert "kept 0, dropped 2 entries" in out
    assert json.loads((tmp_path / ".claimlint-baseline.json").read_text())["entries"] == []


def test_prune_without_baseline_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["baseline", "prune"]) == 2
    assert "no baseline at" in capsys.readouterr().err
