"""Suggested wording in rule files: per-use wordings, drops, what may be a safe fix.

Also what a writer sees: the hint when only --unsafe-fixes would change anything, the
fixable count in the report and drops shown as "remove ...".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimlint import Linter, Options
from claimlint.findings import Applicability
from tests.cli_helpers import run

RULE = """\
rules:
  - id: {category}.x
    category: {category}
    severity: warning
    message: "'{{match}}' is hype."
    rationale: Because hype reads as a claim of efficacy to ordinary readers of health copy.
    references: [{{title: T, url: "https://example.org"}}]
    match: {{terms: [zorbic, quenty]}}
    {extra}
    examples: {{flag: [A zorbic serum.], pass: [A plain serum.]}}
"""


def _rule(extra: str, category: str = "hype") -> str:
    return RULE.format(category=category, extra=extra)


@pytest.mark.parametrize("extra,category,message", [
    ("suggest: {zorbic: {before-noun: development}}", "hype",
     "r.yaml:9:37: suggest 'zorbic' before-noun: 'development' cannot describe a noun "
     "(\"our development serum\"); give an adjective such as 'new', or \"\" to drop the word"),
    ('suggest: {zorbic: {beforenoun: ""}}', "hype",
     "r.yaml:9:24: unknown key 'beforenoun' in suggest 'zorbic' (did you mean 'before-noun'?)"),
    ("suggest: {zorbic: {}}", "hype", "r.yaml:9:23: suggest 'zorbic' needs 'before-noun' or "
     "'otherwise'"),
    ('suggest: {zorbic: ["", plain]}', "hype",
     "r.yaml:9:24: suggest 'zorbic' entries must be non-empty text"),
    ("suggest: {zorbic: plain}\n    fix: safe", "hype",
     "r.yaml:10:10: fix: safe needs every wording to drop words, but 'plain' rewords the claim;"
     " use fix: {drop: safe, reword: unsafe}"),
    ('suggest: {zorbic: ""}\n    fix: safe', "safety-claim",
     "r.yaml:10:10: fix: safe is only for hype rules: dropping a safety-claim term changes a "
     "claim, so it is at most unsafe"),
    ('suggest: {zorbic: ""}\n    fix: {drop: safe, reword: safe}', "hype",
     "r.yaml:10:31: fix.reword cannot be safe: a rewording changes what the copy claims; "
     "use unsafe"),
    ("suggest: {zorbic: plain}\n    fix: {drop: safe}", "hype",
     "r.yaml:10:17: fix.drop needs a wording that drops words (\"\", or fewer of the term's "
     "own words)"),
    ('suggest: {zorbic: ""}\n    fix: {drop: sure}', "hype",
     "r.yaml:10:17: 'drop' must be one of display-only, unsafe, safe, not 'sure'"),
    ('suggest: {zorbic quenty: [zorbic, quenty]}\n    fix: safe', "hype",
     "r.yaml:10:10: fix: safe: a rule with several candidate wordings cannot be safe"),
])
def test_wording_mistakes_point_to_path_line_col(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        extra: str, category: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    Path("r.yaml").write_text(_rule(extra, category), encoding="utf-8")
    code, _, err = run(capsys, "check", "--packs", "core", "--rules", "r.yaml", str(tmp_path))
    assert code == 2 and "Traceback" not in err
    assert err.startswith(message), err


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(_rule('suggest: {zorbic: {before-noun: "", otherwise: plain}, '
                          "quenty: calm}\n    fix: {drop: safe, reword: unsafe}"),
                    encoding="utf-8")
    return path


def test_a_drop_before_a_noun_is_safe_and_a_rewording_is_not(rules: Path) -> None:
    linter = Linter(Options(packs=("core",), rule_paths=(rules,), select=("hype.x",)))
    [drop] = linter.lint_text("Try a zorbic exosome serum.", "x.txt")
    assert (drop.match, drop.suggestions) == ("a zorbic ", ("an ",))
    assert drop.fix is not None and drop.fix.applicability is Applicability.SAFE
    [word] = linter.lint_text("The serum is zorbic.", "x.txt")
    assert (word.match, word.suggestions) == ("zorbic", ("plain",))
    assert word.fix is not None and word.fix.applicability is Applicability.UNSAFE
    [noun] = linter.lint_text("A quenty serum.", "x.txt")  # 'calm' fits before a noun
    assert noun.suggestions == ("calm",)


def test_the_report_marks_fixes_and_the_diff_hints_at_unsafe_ones(
        capsys: pytest.CaptureFixture[str], rules: Path, tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("Try a zorbic exosome serum.\n\nThe serum is zorbic.\n", encoding="utf-8")
    argv = ("check", "--packs", "core", "--rules", str(rules), "--select", "hype.x")
    code, out, _ = run(capsys, *argv, str(page))
    assert code == 1
    assert '> try: remove "zorbic" [safe fix]' in out and '> try: "plain" [unsafe fix]' in out
    assert "[*] 1 fixable with --fix (1 more with --unsafe-fixes)" in out
    code, out, err = run(capsys, *argv, "--diff", str(page))
    assert code == 1 and "+Try an exosome serum.\n" in out and "plain" not in out
    assert "claimlint: 1 fix available with --unsafe-fixes" in err
    code, _, err = run(capsys, *argv, "--fix", str(page))
    assert page.read_text(encoding="utf-8") == "Try an exosome serum.\n\nThe serum is zorbic.\n"
    assert "claimlint: fixed 1 file(s)" in err and "1 fix available with --unsafe-fixes" in err
    code, out, err = run(capsys, *argv, "--diff", str(page))
    assert (code, out) == (0, "")  # nothing safe is left: the hint says what would change
    assert "1 fix available with --unsafe-fixes" in err
    code, out, err = run(capsys, *argv, "--diff", "--unsafe-fixes", str(page))
    assert "+The serum is plain.\n" in out and "available" not in err
    code, out, err = run(capsys, *argv, "--diff", "--quiet", str(page))
    assert err == ""


def test_explain_rules_json_and_docs_show_per_use_wording(
        capsys: pytest.CaptureFixture[str], rules: Path) -> None:
    code, out, _ = run(capsys, "explain", "--rules", str(rules), "hype.x")
    assert code == 0
    assert "  zorbic -> before a noun: drop it; otherwise: plain" in out
    assert "Fix: dropping a word is safe; a rewording is unsafe" in out
    code, out, _ = run(capsys, "rules", "--packs", "core", "--rules", str(rules), "--format",
                       "json")
    [row] = [r for r in json.loads(out) if r["id"] == "hype.x"]
    assert (row["fix"], row["drop_fix"]) == ("unsafe", "safe")
    code, out, _ = run(capsys, "rules", "--packs", "core", "--format", "markdown")
    assert "| [`hype.superlative`](#hypesuperlative) | hype | warning | safe (drop), " \
           "unsafe (reword) |" in out
    assert "- revolutionary → before a noun: drop it; otherwise: new" in out


def test_every_report_shows_a_drop_as_remove() -> None:
    from claimlint.findings import Finding, Fix, LintResult, Severity, suggestion_parts
    from claimlint.report import csv as csv_report
    from claimlint.report import github, html, junit

    sentence = "Our serum is a revolutionary option."
    finding = Finding("p.md", "hype.superlative", "hype", Severity.WARNING,
                      "'revolutionary' overstates it.", 13, 29, "a revolutionary ", 1, 14, 1, 30,
                      "paragraph", sentence, suggestions=("an ", "a new "),
                      fix=Fix("an ", Applicability.SAFE))
    assert suggestion_parts(finding) == [("remove", "revolutionary"), ("use", "a new ")]
    result = LintResult(findings=(finding,), files=1)
    assert '"remove ""revolutionary"" / a new "' in csv_report.render(result)
    assert "Try: remove 'revolutionary' / 'a new '" in github.render(result)
    assert "try: remove 'revolutionary' / 'a new '" in junit.render(result)
    assert "remove &ldquo;revolutionary&rdquo; / &ldquo;a new &rdquo;" in html.render(result, "0")
