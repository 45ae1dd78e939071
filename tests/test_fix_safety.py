"""--fix never loses a byte: encodings kept, stale files skipped, one failure stops nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claimlint import Linter, Options
from claimlint.cli import main
from claimlint.fix import (
    TEMP_SUFFIX,
    Edit,
    Skipped,
    StaleEdit,
    apply_edits,
    fix_findings,
    plan_fix,
    write_plan,
)
from claimlint.project import Project

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# Made-up words: no shipped rule flags them, so no other finding merges with these. A
# rewording is never a safe fix, so every run here passes --unsafe-fixes.
RULES = """\
rules:
  - id: hype.fixable
    category: hype
    severity: warning
    message: "'{match}' is hype."
    rationale: Hype about a treatment reads as an objective claim of efficacy to readers.
    references: [{title: T, url: "https://example.org/t"}]
    match: {terms: [zorbic, quenty]}
    suggest: {zorbic: plain, quenty: calm}
    fix: unsafe
    examples: {flag: [A zorbic serum.], pass: [A plain serum.]}
  - id: hype.arrow
    category: hype
    severity: warning
    message: "'{match}' is hype."
    rationale: Hype about a treatment reads as an objective claim of efficacy to readers.
    references: [{title: T, url: "https://example.org/t"}]
    match: {terms: [blarvy]}
    suggest: {blarvy: "≈-fresh"}
    fix: unsafe
    examples: {flag: [A blarvy serum.], pass: [A serum.]}
"""
SELECT = "hype.fixable,hype.arrow"
PAGE = ('<html><head><meta charset="{charset}"><title>Caf\u00e9 \u2013 quenty</title>'
        "</head>\r\n<body>\r\n<p>Dr. Osei\u2019s zorbic serum \u201cworks\u201d.</p>\r\n"
        "</body></html>\r\n")
FIXED = PAGE.replace("quenty", "calm").replace("zorbic", "plain")


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    return folder


def check(capsys: pytest.CaptureFixture[str], rules: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["check", "--packs", "core", "--rules", str(rules), "--select", SELECT,
                 "--jobs", "1", "--unsafe-fixes", *argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out, captured.err


def linter(rules: Path) -> Linter:
    return Linter(Options(packs=("core",), rule_paths=(rules,), select=tuple(SELECT.split(","))))


@pytest.mark.parametrize("charset,codec,bom", [
    ("windows-1252", "cp1252", b""), ("latin1", "cp1252", b""),
    ("utf-8", "utf-8", b"\xef\xbb\xbf"), ("utf-8", "utf-16-le", b"\xff\xfe"),
    ("utf-8", "utf-16-be", b"\xfe\xff"),
])
def test_a_fixed_page_keeps_its_encoding_bom_and_crlf(
        capsys: pytest.CaptureFixture[str], rules: Path, site: Path, charset: str, codec: str,
        bom: bytes) -> None:
    page = site / "p.html"
    page.write_bytes(bom + PAGE.format(charset=charset).encode(codec))
    code, out, _ = check(capsys, rules, "--diff", str(page))
    assert code == 1 and "+<p>Dr. Osei\u2019s plain serum" in out
    code, _, err = check(capsys, rules, "--fix", str(page))
    assert (code, err) == (0, "claimlint: fixed 1 file(s)\n")
    assert page.read_bytes() == bom + FIXED.format(charset=charset).encode(codec)


@pytest.mark.parametrize("name", ["p.md", "p.txt"])
@pytest.mark.parametrize("codec,bom", [
    ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-8", b"\xef\xbb\xbf")])
def test_utf16_and_utf8_bom_text_files_are_linted_and_fixed_in_their_encoding(
        capsys: pytest.CaptureFixture[str], rules: Path, site: Path, name: str, codec: str,
        bom: bytes) -> None:
    text = "# Caf\u00e9 \u2013 quenty\r\n\r\nDr. Osei\u2019s zorbic serum \u201cworks\u201d.\r\n"
    page = site / name
    page.write_bytes(bom + text.encode(codec))
    code, out, _ = check(capsys, rules, "--format", "json", str(page))
    found = [(f["match"], f["line"], f["column"]) for f in json.loads(out)["findings"]]
    assert code == 1 and found == [("quenty", 1, 10), ("zorbic", 3, 12)]
    assert all(text[f["start"]:f["end"]] == f["match"] for f in json.loads(out)["findings"])
    code, _, err = check(capsys, rules, "--fix", str(page))
    assert (code, err) == (0, "claimlint: fixed 1 file(s)\n")
    fixed = text.replace("quenty", "calm").replace("zorbic", "plain")
    assert page.read_bytes() == bom + fixed.encode(codec)


def test_the_bundled_windows_1252_page_is_fixed_in_place(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import shutil

    site = tmp_path / "site"
    shutil.copytree(EXAMPLES / "site", site)
    page = site / "blog" / "2026" / "winter-hair-care.html"
    before = page.read_bytes()
    code = main(["check", "--diff", "--unsafe-fixes", "--jobs", "1", str(site)])
    captured = capsys.readouterr()
    assert code == 1 and f"+++ b/{page}" in captured.out
    assert "brochure.docx: not fixed: claimlint does not edit .docx files" in captured.err
    code = main(["check", "--fix", "--unsafe-fixes", "--jobs", "1", str(site)])
    captured = capsys.readouterr()
    assert code == 1 and "Traceback" not in captured.out + captured.err
    after = page.read_bytes()
    assert after != before
    assert b'<meta charset="windows-1252">' in after and b"\xe2\x80" not in after
    # The fixes are ASCII words: every other byte (curly quotes, dashes, line ends) is kept.
    assert [b for b in before if b >= 0x80] == [b for b in after if b >= 0x80]
    assert before.count(b"\n") == after.count(b"\n") and before.count(b"\r") == after.count(b"\r")
    assert not [p for p in site.rglob(f"*{TEMP_SUFFIX}")]


def test_an_edit_the_encoding_cannot_store_skips_the_file(
        capsys: pytest.CaptureFixture[str], rules: Path, site: Path) -> None:
    page = site / "p.html"
    raw = PAGE.format(charset="windows-1252").replace("zorbic", "blarvy").encode("cp1252")
    page.write_bytes(raw)
    other = site / "q.md"
    other.write_text("A quenty result.\n", encoding="utf-8")
    code, out, err = check(capsys, rules, "--diff", str(site))
    assert code == 1 and "q.md" in out and "p.html" not in out
    assert "p.html: not fixed: the suggested wording has '≈', which windows-1252 cannot store" \
        in err
    code, out, _ = check(capsys, rules, "--fix", str(site))
    assert "cannot store" in out
    assert page.read_bytes() == raw  # not even the other, storable edit: all or nothing
    assert other.read_text(encoding="utf-8") == "A calm result.\n"


def test_a_file_changed_after_linting_is_skipped(
        capsys: pytest.CaptureFixture[str], rules: Path, site: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    page, other = site / "p.md", site / "q.md"
    page.write_text("A zorbic serum.\n", encoding="utf-8")
    other.write_text("A quenty result.\n", encoding="utf-8")
    lint = Project.lint

    def lint_then_edit(self: Project, *args: object, **kwargs: object) -> object:
        result = lint(self, *args, **kwargs)  # type: ignore[arg-type]
        page.write_text("Edited: a zorbic serum.\n", encoding="utf-8")
        return result

    monkeypatch.setattr(Project, "lint", lint_then_edit)
    code, out, _ = check(capsys, rules, "--fix", str(site))
    assert code == 1 and f"{page}: not fixed: it changed since it was linted" in out
    assert page.read_text(encoding="utf-8") == "Edited: a zorbic serum.\n"
    assert other.read_text(encoding="utf-8") == "A calm result.\n"


def test_every_edit_checks_its_text_and_the_file_is_checked_before_replace(
        rules: Path, site: Path) -> None:
    page = site / "p.md"
    page.write_text("A zorbic serum.\n", encoding="utf-8")
    lint = linter(rules)
    found = list(lint.lint_paths([page]).findings)
    # Changed without the lint's knowledge (no time given): the edit finds other text.
    page.write_text("An zorbic serum.\n", encoding="utf-8")
    with pytest.raises(Skipped, match="changed since it was linted"):
        plan_fix(str(page), found, lint.lint_text, unsafe=True)
    # Changed between reading and writing: the bytes on disk are compared under the lock.
    page.write_text("A zorbic serum.\n", encoding="utf-8")
    plan = plan_fix(str(page), found, lint.lint_text, unsafe=True)
    assert plan is not None and plan.text == "A plain serum.\n"
    page.write_text("A zorbic serum!\n", encoding="utf-8")
    with pytest.raises(Skipped, match="changed since it was linted"):
        write_plan(plan)
    assert page.read_text(encoding="utf-8") == "A zorbic serum!\n"
    with pytest.raises(StaleEdit):
        apply_edits("A serum.", [Edit(2, 7, "cream", "lotion")])


def test_two_fixers_of_one_file_never_mix(rules: Path, site: Path) -> None:
    """Both planned from the same lint; the second sees the first's write and backs off."""
    page = site / "p.md"
    page.write_text("A quenty, zorbic serum.\n", encoding="utf-8")
    lint = linter(rules)
    found = list(lint.lint_paths([page]).findings)
    first = plan_fix(str(page), found, lint.lint_text, unsafe=True)
    second = plan_fix(str(page), found, lint.lint_text, unsafe=True)
    assert first is not None and second is not None
    write_plan(first)
    with pytest.raises(Skipped):
        write_plan(second)
    assert page.read_text(encoding="utf-8") == "A calm, plain serum.\n"


def test_the_python_api_reports_per_file(rules: Path, site: Path) -> None:
    good, changed = site / "good.md", site / "changed.md"
    for page in (good, changed):
        page.write_text("A zorbic serum.\n", encoding="utf-8")
    lint = linter(rules)
    started = time.time_ns()
    result = lint.lint_paths([site])
    time.sleep(0.05)
    changed.write_text("A zorbic serum.\n", encoding="utf-8")  # same text, new mtime
    report = fix_findings(result.findings, lint.lint_text, unsafe=True, linted_at_ns=started)
    assert report.fixed == (str(good),) and report.errors == ()
    assert report.notices == (f"{changed}: not fixed: it changed since it was linted; run again",)
    assert good.read_text(encoding="utf-8") == "A plain serum.\n"


def test_a_docx_gets_a_notice_not_a_traceback(
        capsys: pytest.CaptureFixture[str], rules: Path, site: Path) -> None:
    import docx

    brochure = site / "brochure.docx"
    document = docx.Document()
    document.add_paragraph("A zorbic serum.")
    document.save(str(brochure))
    before = brochure.read_bytes()
    for flag, expected in (("--diff", 0), ("--fix", 1)):  # no diff; the finding stays
        code, out, err = check(capsys, rules, flag, str(site))
        assert code == expected
        assert "brochure.docx: not fixed: claimlint does not edit .docx files" in out + err
    assert brochure.read_bytes() == before


def test_a_broken_file_fails_the_run_but_not_the_other_files(
        capsys: pytest.CaptureFixture[str], rules: Path, site: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    (site / "broken.md").write_bytes(b"A zorbic \xff serum.\n")
    (site / "a.md").write_text("A zorbic serum.\n", encoding="utf-8")
    (site / "b.md").write_text("A quenty result.\n", encoding="utf-8")
    code, out, err = check(capsys, rules, "--diff", str(site))
    assert code == 2 and "broken.md:1:10: not valid UTF-8" in err and "+A plain serum." in out
    code, out, _ = check(capsys, rules, "--fix", str(site))
    assert code == 2 and "broken.md:1:10: not valid UTF-8" in out
    assert (site / "a.md").read_text(encoding="utf-8") == "A plain serum.\n"
    assert (site / "b.md").read_text(encoding="utf-8") == "A calm result.\n"

    # A write that fails (a full disk, a read-only folder) fails that file only.
    (site / "broken.md").unlink()
    (site / "a.md").write_text("A zorbic serum.\n", encoding="utf-8")
    (site / "b.md").write_text("A quenty result.\n", encoding="utf-8")
    real_replace = os.replace

    def replace(src: str, dst: str | Path) -> None:
        if Path(dst).name == "a.md":
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    code, out, _ = check(capsys, rules, "--fix", str(site))
    assert code == 2 and f"{site / 'a.md'}: not fixed: No space left on device" in out
    assert (site / "a.md").read_text(encoding="utf-8") == "A zorbic serum.\n"
    assert (site / "b.md").read_text(encoding="utf-8") == "A calm result.\n"
    assert sorted(p.name for p in site.iterdir()) == ["a.md", "b.md"]  # no temporary file


def test_a_fix_keeps_mode_and_symlinks_and_sweeps_dead_temp_files(
        capsys: pytest.CaptureFixture[str], rules: Path, site: Path) -> None:
    target = site / "real.md"
    target.write_text("A zorbic serum.\n", encoding="utf-8")
    os.chmod(target, 0o640)
    link = site / "link.md"
    link.symlink_to(target.name)
    dead = site / f".real.md.abc123{TEMP_SUFFIX}"
    dead.write_bytes(b"left by a killed run")
    old = time.time() - 3600
    os.utime(dead, (old, old))
    check(capsys, rules, "--fix", str(link))
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "A plain serum.\n"
    assert oct(target.stat().st_mode & 0o777) == "0o640"
    assert sorted(p.name for p in site.iterdir()) == ["link.md", "real.md"]


@pytest.mark.skipif(sys.platform == "win32", reason="the lock is POSIX flock")
def test_two_concurrent_fix_runs_leave_every_file_whole(rules: Path, site: Path) -> None:
    texts = {}
    for n in range(40):
        body = "".join(f"Line {i}: a quenty, zorbic serum.\r\n" for i in range(n % 7 + 1))
        texts[site / f"p{n}.md"] = body
        (site / f"p{n}.md").write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    argv = [sys.executable, "-m", "claimlint", "check", "--packs", "core", "--rules", str(rules),
            "--select", SELECT, "--fix", "--unsafe-fixes", "--jobs", "1", "--format", "json",
            str(site)]
    runs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode in (0, 1), err.decode()
        assert b"Traceback" not in err
    for path, body in texts.items():
        fixed = body.replace("quenty", "calm").replace("zorbic", "plain")
        assert path.read_bytes() == b"\xef\xbb\xbf" + fixed.encode("utf-8")
    assert sorted(p.name for p in site.iterdir()) == sorted(p.name for p in texts)
