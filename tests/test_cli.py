"""The command line end to end: exit codes, formats, messages for user mistakes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from claimlint.cli import main
from tests.cli_helpers import GOOD_RULE, git, run, said

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def test_examples_trip_every_category_and_compliant_page_is_clean(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--format", "json", str(EXAMPLES))
    report = json.loads(out)
    assert code == 1
    from claimlint.ruleset import CATEGORIES
    assert {f["category"] for f in report["findings"]} == set(CATEGORIES)
    compliant = [f for f in report["findings"] if "compliant" in f["path"]]
    assert compliant == []
    assert report["errors"] == []


def test_json_report_follows_the_contract(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("# Care\n\nA revolutionary serum.\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--format", "json", "--select", "hype", str(page))
    report = json.loads(out)
    assert code == 1
    assert report["version"] == 1 and report["tool"]["name"] == "claimlint"
    [f] = report["findings"]
    assert set(f) >= {"path", "rule", "category", "severity", "message", "start", "end", "match",
                      "line", "column", "end_line", "end_column", "scope", "sentence",
                      "suggestions", "fix", "references"}
    # Dropping the puffery word takes the space after it: "A serum." is what is left.
    assert (f["path"], f["match"], f["line"], f["column"]) == (str(page), "revolutionary ", 3, 3)
    assert page.read_text()[f["start"]:f["end"]] == f["match"]
    assert f["suggestions"] == [""]
    assert f["fix"] == {"replacement": "", "applicability": "safe"}
    summary = {k: report["summary"][k] for k in ("files", "findings", "by_severity")}
    assert summary == {"files": 1, "findings": 1,
                       "by_severity": {"error": 0, "warning": 1, "info": 0}}


def test_clean_file_exits_zero(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "ok.txt"
    page.write_text("Our clinic is open from 9am to 5pm.\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(page))
    assert code == 0
    assert "0 finding(s)" in out


def test_fail_on_controls_the_exit_code(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_text("A revolutionary serum.\n", encoding="utf-8")
    assert run(capsys, "check", "--select", "hype", "--fail-on", "error", str(page))[0] == 0
    assert run(capsys, "check", "--select", "hype", "--fail-on", "warning", str(page))[0] == 1
    assert run(capsys, "check", "--select", "hype", "--fail-on", "never", str(page))[0] == 0
    assert run(capsys, "check", "--select", "hype", "--severity", "hype=error",
               "--fail-on", "error", str(page))[0] == 1


def test_select_and_ignore_by_prefix(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_text("A revolutionary serum with no side effects and no downtime.\n", encoding="utf-8")
    _, out, _ = run(capsys, "check", "--format", "json", "--select", "hype,safety-claim",
                    "--ignore", "safety-claim.no-risk", str(page))
    assert {f["category"] for f in json.loads(out)["findings"]} == {"hype"}


def test_unknown_selector_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "check", "--select", "hyp", str(tmp_path))
    assert code == 2
    assert "--select: 'hyp' matches no rule, category or pack (did you mean 'hype'?)" in err


def test_unreadable_files_are_reported_and_the_run_goes_on(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9 \xff revolutionary")
    (tmp_path / "good.txt").write_text("A revolutionary serum.\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--format", "json", "--select", "hype",
                       str(tmp_path), str(tmp_path / "missing.md"))
    report = json.loads(out)
    assert code == 1
    assert [Path(f["path"]).name for f in report["findings"]] == ["good.txt"]
    messages = {Path(e["path"]).name: e["message"] for e in report["errors"]}
    assert "not valid UTF-8" in messages["bad.txt"]
    assert "no such file" in messages["missing.md"]


def test_stdin_with_filename_picks_the_format(capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    monkeypatch.setattr(sys, "stdin", io.StringIO("```\nrevolutionary\n```\n\nA revolutionary serum.\n"))
    code, out, _ = run(capsys, "check", "-", "--stdin-filename", "draft.md", "--format", "json",
                       "--select", "hype")
    [f] = json.loads(out)["findings"]
    assert (code, f["path"], f["line"]) == (1, "draft.md", 5)


def test_text_report_is_plain_without_a_terminal(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_text("Our serum is a revolutionary option.\n", encoding="utf-8")
    _, out, _ = run(capsys, "check", "--select", "hype", str(page))
    assert "\x1b[" not in out
    assert f"{page}\n  1:14  warning  hype.superlative" in out  # "a revolutionary " -> "an "
    assert "«a revolutionary»" in out
    assert '> try: remove "revolutionary" [safe fix]' in out


@pytest.mark.parametrize("name,edit,message", [
    ("unknown-key", ("    category: hype", "    categry: hype"),
     "unknown-key.yaml:3:5: unknown key 'categry' in a rule (did you mean 'category'?)"),
    ("dup-key", ("    severity: warning", "    severity: warning\n    severity: error"),
     "dup-key.yaml:5:5: duplicate key 'severity' (first defined on line 4)"),
    ("bad-cat", ("    category: hype", "    category: hyp"),
     "bad-cat.yaml:3:15: unknown category 'hyp' (did you mean 'hype'?)"),
    ("bad-regex", ("match: {terms: [wow]}", "match: {regex: '(unclosed'}"),
     "bad-regex.yaml:8:20: bad regex '(unclosed': missing ), unterminated subpattern at position 0"),
    ("bad-vocab-in-regex", ("match: {terms: [wow]}", "match: {regex: ['cures {@diseas}']}"),
     "bad-vocab-in-regex.yaml:8:21: unknown vocabulary '{@diseas}' in regex (did you mean "
     "'disease'?)"),
    ("bad-pattern", ("match: {terms: [wow]}", "match: {patterns: [[{LOWR: wow}]]}"),
     "bad-pattern.yaml:8:24: invalid token pattern: token 1: LOWR: Extra inputs are not "
     "permitted (did you mean 'LOWER'?)"),
    ("no-examples", ("    examples: {flag: [wow], pass: [ok]}\n", ""),
     "no-examples.yaml:2:5: rule is missing required key 'examples'"),
    ("dup-id", ("rules:\n", "rules:\n" + GOOD_RULE.split("\n", 1)[1]),
     "dup-id.yaml:10:9: duplicate rule id 'hype.x' (first defined at "),
    ("bad-yaml", ("    match: {terms: [wow]}", "    match: {terms: [wow}"),
     "bad-yaml.yaml:8:24: invalid YAML: expected ',' or ']', but got '}'"),
])
def test_broken_rule_files_point_to_path_line_col(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        name: str, edit: tuple[str, str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    Path(f"{name}.yaml").write_text(GOOD_RULE.replace(*edit), encoding="utf-8")
    code, _, err = run(capsys, "check", "--packs", "core", "--rules", f"{name}.yaml", str(tmp_path))
    assert code == 2
    assert err.startswith(message), err
    assert "Traceback" not in err


def test_rules_lists_every_rule_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "--packs", "core", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and rows
    assert {"id", "category", "severity", "pack"} <= set(rows[0])
    assert {r["pack"] for r in rows} == {"core"}


def test_explain_shows_why_and_where(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "hype.superlative")
    assert code == 0
    for part in ("Why it matters:", "References:", "https://", "Flags:", "Passes:",
                 "Fix: dropping a word is safe; a rewording is unsafe"):
        assert part in out
    code, _, err = run(capsys, "explain", "hype.superlativ")
    assert code == 2 and "did you mean hype.superlative" in err


def test_test_rules_reports_a_failing_example(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    good = tmp_path / "mine.yaml"
    good.write_text(GOOD_RULE, encoding="utf-8")
    code, out, _ = run(capsys, "test-rules", str(good))
    assert code == 0 and out.strip().endswith("0 failed")
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD_RULE.replace("pass: [ok]", "pass: [wow again]"), encoding="utf-8")
    code, out, _ = run(capsys, "test-rules", str(bad))
    assert code == 1
    assert "hype.x: pass example 'wow again': flagged: 'wow'" in out


def test_unknown_pack(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "--packs", "cor", "x")
    assert code == 2 and "unknown pack 'cor' (did you mean 'core'?)" in err


def test_python_dash_m_and_version() -> None:
    proc = subprocess.run([sys.executable, "-m", "claimlint", "--version"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stdout.startswith("claimlint ")
    proc = subprocess.run([sys.executable, "-m", "claimlint", "check", "--help"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "exit codes:" in proc.stdout


@pytest.mark.parametrize("fmt,start", [("sarif", '{\n  "$schema"'), ("github", "::"),
                                       ("junit", "<?xml")])
def test_ci_formats_through_the_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                    fmt: str, start: str) -> None:
    page = tmp_path / "p.txt"
    page.write_text("A revolutionary serum.\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--format", fmt, "--select", "hype", str(page))
    assert code == 1 and out.startswith(start)
    if fmt == "sarif":
        import jsonschema
        schema = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
        jsonschema.Draft4Validator(schema).validate(json.loads(out))
        run_ = json.loads(out)["runs"][0]
        rule_ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
        assert rule_ids and all(i.startswith("hype.") for i in rule_ids)
        assert [rule_ids[r["ruleIndex"]] for r in run_["results"]] == [
            r["ruleId"] for r in run_["results"]] != []


def test_diff_base_reports_only_changed_lines(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q")
    (tmp_path / "p.md").write_text("A revolutionary serum.\n\nPlain text.\n")
    git(tmp_path, "add", "p.md")
    git(tmp_path, "commit", "-qm", "old copy")
    (tmp_path / "p.md").write_text("A revolutionary serum.\n\nA breakthrough cream.\n")
    (tmp_path / "new.txt").write_text("A miracle oil.\n")
    code, out, _ = run(capsys, "check", "--format", "json", "--select", "hype",
                       "--diff-base", "HEAD", ".")
    assert code == 1
    assert sorted(said(f) for f in json.loads(out)["findings"]) == ["breakthrough", "miracle"]
    code, _, err = run(capsys, "check", "--diff-base", "no-such-ref", ".")
    assert code == 2 and "git diff" in err


def test_diff_base_counts_cr_only_lines_as_findings_do(
        capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q")
    (tmp_path / "mac.md").write_bytes(b"A revolutionary serum.\r\rPlain text.\r")
    (tmp_path / "unix.md").write_bytes(b"A revolutionary serum.\n\nPlain text.\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "old copy")
    (tmp_path / "mac.md").write_bytes(b"A revolutionary serum.\r\rA breakthrough cream.\r")
    (tmp_path / "unix.md").write_bytes(b"A revolutionary serum.\n\nA breakthrough cream.\n")
    code, out, _ = run(capsys, "check", "--format", "json", "--select", "hype",
                       "--diff-base", "HEAD", ".")
    found = sorted((Path(f["path"]).name, said(f), f["line"])
                   for f in json.loads(out)["findings"])
    # git sees the CR-only file as one line, so all of it changed; its finding on line 3
    # must not be dropped for being on a line git never counted.
    assert code == 1 and found == [("mac.md", "breakthrough", 3), ("mac.md", "revolutionary", 1),
                                   ("unix.md", "breakthrough", 3)]


@pytest.mark.parametrize("platform", ["linux", "darwin"])  # forked workers, or fresh ones
def test_jobs_give_identical_results_in_the_same_order(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        platform: str) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    for n in range(6):
        (tmp_path / f"p{n}.md").write_text(f"# Page {n}\n\nA revolutionary serum, {n}0% off.\n")
    # Not UTF-8 and no BOM: an error; NUL bytes: a binary file, skipped with a notice.
    (tmp_path / "broken.txt").write_bytes(b"caf\xe9 \xff bad")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    outputs = []
    for jobs in ("1", "3"):
        code, out, _ = run(capsys, "check", "--format", "json", "--jobs", jobs, str(tmp_path))
        outputs.append((code, out))
    assert outputs[0] == outputs[1]
    report = json.loads(outputs[0][1])
    assert report["summary"]["files"] == 7 and len(report["errors"]) == 1


def test_site_exports_wxr_docx_and_html_report(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    import docx

    word = docx.Document()
    word.add_heading("Spring offer", level=1)
    word.add_paragraph("Our serum is a revolutionary option.")
    word.save(str(tmp_path / "draft.docx"))
    (tmp_path / "export.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<item>\n<title>Care</title>\n'
        '<content:encoded><![CDATA[<p>A miracle serum.</p>]]></content:encoded>\n'
        '<excerpt:encoded><![CDATA[]]></excerpt:encoded>\n<wp:post_id>7</wp:post_id>\n'
        '<wp:post_name>care</wp:post_name>\n<wp:status>publish</wp:status>\n'
        '<wp:post_type>page</wp:post_type>\n</item>\n</channel>\n</rss>\n', encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text("<urlset></urlset>", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--format", "json", "--select", "hype", str(tmp_path))
    report = json.loads(out)
    found = {(Path(f["path"]).name, said(f), f["line"]) for f in report["findings"]}
    assert found == {("draft.docx", "revolutionary", 2), ("export.xml#care", "miracle", 6)}
    assert report["errors"] == []
    target = tmp_path / "report.html"
    code, out, _ = run(capsys, "check", "--format", "html", "-o", str(target), "--select", "hype",
                       str(tmp_path))
    assert code == 1 and out == ""
    assert "<svg" in target.read_text(encoding="utf-8")


def test_template_boilerplate_is_shown_once_and_grouped_in_json(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for n in range(4):
        (tmp_path / f"p{n}.html").write_text(
            f"<footer><p>Our revolutionary clinic.</p></footer><p>Page {n} is a miracle.</p>")
    _, out, _ = run(capsys, "check", "--select", "hype", str(tmp_path))
    assert out.count("'revolutionary'") == 1
    assert "= on 4 pages:" in out
    assert out.count("'miracle'") == 4
    _, out, _ = run(capsys, "check", "--format", "json", "--select", "hype", str(tmp_path))
    findings = json.loads(out)["findings"]
    groups = {f["group"] for f in findings if said(f) == "revolutionary"}
    assert len(findings) == 8 and len(groups) == 1 and None not in groups
    assert {f["group"] for f in findings if said(f) == "miracle"} == {None}
    # a page-level finding (no disclosure) is about each page, never template boilerplate
    for n in range(4):
        (tmp_path / f"p{n}.html").write_text(f"<p>Page {n}: exosome injections regrow hair.</p>")
    _, out, _ = run(capsys, "check", "--select", "missing-disclosure", str(tmp_path))
    assert out.count("missing-disclosure.treatment-claims") == 4 and "on 4 pages" not in out


def test_include_and_exclude_globs(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("blog/a.md", "drafts/b.md", "pages/c.html", "pages/d.md"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("A revolutionary serum.\n")
    _, out, _ = run(capsys, "check", "--format", "json", "--select", "hype",
                    "--exclude", "drafts/", "--include", "*.md", ".")
    assert sorted(Path(f["path"]).as_posix() for f in json.loads(out)["findings"]) == [
        "blog/a.md", "pages/d.md"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_binary_and_oversized_files_are_skipped_with_a_notice(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, jobs: str) -> None:
    (tmp_path / "big.html").write_text("<p>A revolutionary serum.</p>" + " " * 3000)
    (tmp_path / "logo.txt").write_bytes(b"GIF89a\x00\x01revolutionary")
    (tmp_path / "ok.md").write_text("A revolutionary serum.\n")
    code, out, err = run(capsys, "check", "--format", "json", "--select", "hype", "--jobs", jobs,
                         "--max-file-size", "2KB", str(tmp_path))
    report = json.loads(out)
    assert code == 1 and report["errors"] == [] and report["summary"]["files"] == 1
    assert [Path(f["path"]).name for f in report["findings"]] == ["ok.md"]
    assert "big.html: skipped: 3.0 KB is over the 2.0 KB limit (--max-file-size)" in err
    assert "logo.txt: skipped: a binary file" in err
    code, out, _ = run(capsys, "check", "--select", "hype", "--max-file-size", "0", str(tmp_path))
    assert "big.html" in out and "note:" in out and "logo.txt: skipped" in out
    _, _, err = run(capsys, "check", "--format", "json", "--quiet", "--max-file-size", "2KB",
                    str(tmp_path))
    assert err == ""


def test_max_file_size_in_config_and_bad_sizes(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text("A revolutionary serum.\n" * 100)
    (tmp_path / ".claimlint.yaml").write_text("max-file-size: 1 KB\n")
    code, out, _ = run(capsys, "check", "--config", str(tmp_path / ".claimlint.yaml"),
                       str(tmp_path))
    assert code == 0 and "page.md: skipped: 2.2 KB is over the 1.0 KB limit" in out
    (tmp_path / ".claimlint.yaml").write_text("packs: [core]\nmax-file-size: huge\n")
    code, _, err = run(capsys, "check", "--config", str(tmp_path / ".claimlint.yaml"),
                       str(tmp_path))
    assert code == 2 and ".claimlint.yaml:2:16:" in err and "10MB, 512KB" in err
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--max-file-size", "12 parsecs", str(tmp_path)])
    assert exit_.value.code == 2 and "not a size: '12 parsecs'" in capsys.readouterr().err


def _on_a_terminal(*argv: str) -> tuple[int, str, bytes]:
    """Run claimlint with stderr on a pseudo-terminal; return exit code, stdout, stderr."""
    import os
    import pty
    import subprocess
    import tempfile

    master, slave = pty.openpty()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen([sys.executable, "-m", "claimlint", *argv], stdout=out,
                                stderr=slave)
        os.close(slave)
        err = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            err += chunk
        os.close(master)
        proc.wait(timeout=120)
        out.seek(0)
        return proc.returncode, out.read().decode(), err


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX-only")
def test_progress_bar_shows_on_a_terminal_for_long_runs_only(tmp_path: Path) -> None:
    from claimlint.commands import PROGRESS_MIN_FILES

    many, few = tmp_path / "many", tmp_path / "few"
    for folder, count in ((many, PROGRESS_MIN_FILES + 5), (few, 3)):
        folder.mkdir()
        for n in range(count):
            (folder / f"p{n}.md").write_text(f"# Page {n}\n\nA revolutionary serum.\n")
    code, out, err = _on_a_terminal("check", "--format", "json", "--jobs", "2", str(many))
    assert code == 1 and json.loads(out)["summary"]["files"] == PROGRESS_MIN_FILES + 5
    assert b"linting" in err and b"100%" in err
    assert b"linting" not in _on_a_terminal("check", "--quiet", "--jobs", "2", str(many))[2]
    assert b"linting" not in _on_a_terminal("check", "--jobs", "2", str(few))[2]
