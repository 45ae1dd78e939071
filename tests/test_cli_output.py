"""Issue 14 through the CLI: concise and GitHub output, problems in every format, --jobs,
linting '.', rules as JSON, runnable --help and README examples, the terminal report's width."""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from claimlint.cli import _parser, main
from claimlint.ruleset import REGIONS
from tests.cli_helpers import GOOD_RULE as RULE
from tests.cli_helpers import run

ROOT = Path(__file__).resolve().parents[1]
CONCISE = re.compile(r"^[^\s:][^:]*:\d+:\d+: (error|warning|info) [a-z0-9-]+\.[a-z0-9.-]+ \S.*$")
UNUSED = "<!-- claimlint-disable-next-line inducement -- left over -->\nPlain line.\n"


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run argv expecting argparse's usage error (exit 2); return stderr."""
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    assert exit_.value.code == 2
    return capsys.readouterr().err


# --- concise ------------------------------------------------------------------------------


def test_concise_is_one_line_per_problem_and_nothing_else(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("p.md").write_text("# Care\n\nA revolutionary serum. No side effects!\n\n" + UNUSED)
    Path("broken.txt").write_bytes(b"caf\xe9 \xff bad")
    Path("big.txt").write_text("x" * 3000)
    code, out, err = run(capsys, "check", "--format", "concise", "--max-file-size", "2KB",
                         "--select", "hype,safety-claim,inducement", ".")
    assert code == 1
    lines = out.splitlines()
    assert lines and all(CONCISE.match(line) for line in lines), out
    assert "./p.md:3:3: warning hype.superlative 'revolutionary' overstates" in out
    assert any(line.startswith("./p.md:3:24: error safety-claim.") for line in lines)
    assert ("./p.md:5:1: warning claimlint.unused-approval unused suppression "
            "'claimlint-disable-next-line inducement': nothing to suppress") in lines
    assert any(line.startswith("./broken.txt:1:1: error claimlint.file-error ") for line in lines)
    assert "\x1b[" not in out and "finding(s)" not in out
    assert "big.txt: skipped" in err  # a notice changes no exit code: stderr, not stdout
    code2, out2, _ = run(capsys, "check", "--output-format", "concise", "--max-file-size", "2KB",
                         "--select", "hype,safety-claim,inducement", ".")
    assert (code2, out2) == (code, out)


def test_output_format_is_an_alias_of_format_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "--packs", "core", "--output-format", "json")
    assert code == 0 and json.loads(out)
    assert "--output-format" in usage_error(capsys, "check", "--output-format", "nope")


# --- github -------------------------------------------------------------------------------


def _git_init(path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(path)], check=True, capture_output=True)


def test_github_annotates_boilerplate_once_with_repository_paths(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _git_init(tmp_path)
    pages = tmp_path / "web" / "pages"
    pages.mkdir(parents=True)
    for n in range(4):
        (pages / f"p{n}.md").write_text(f"# Page {n}\n\nA revolutionary serum.\n\n"
                                        f"Our cream {n} is a breakthrough.\n")
    monkeypatch.chdir(tmp_path / "web")
    code, out, _ = run(capsys, "check", "--format", "github", "--select", "hype", "./pages")
    assert code == 1
    lines = out.splitlines()
    template = [x for x in lines if "'revolutionary'" in x]
    assert template == ["::warning file=web/pages/p0.md,line=3,col=3,endLine=3,endColumn=17,"
                        "title=hype.superlative::'revolutionary' overstates what the treatment "
                        "is known to do. (and on 3 other pages)%0ATry: remove 'revolutionary'"]
    assert len([x for x in lines if "breakthrough" in x]) == 4  # different sentences
    assert all("file=web/pages/p" in x for x in lines)
    code, out, _ = run(capsys, "check", "--format", "github", "--select", "hype",
                       str(pages / "p1.md"))
    assert out.startswith("::warning file=web/pages/p1.md,line=3,")


def test_github_paths_relative_to_the_working_directory_outside_git(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("claimlint.gitdiff.repo_root", lambda start: None)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.md").write_text("A revolutionary serum.\n")
    monkeypatch.chdir(tmp_path)
    for given in ("./site/a.md", "site", str(tmp_path / "site" / "a.md")):
        _, out, _ = run(capsys, "check", "--format", "github", "--select", "hype", given)
        assert out.startswith("::warning file=site/a.md,line=1,col=3,"), (given, out)


def test_github_respects_annotation_limits_and_says_what_it_left_out(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for n in range(30):
        Path(f"p{n:02}.md").write_text(f"# Page {n}\n\nSerum {n} has no side effects.\n\n"
                                       f"A revolutionary serum, number {n}.\n")
    Path("p30.md").write_text("# Plain\n\n" + UNUSED)
    code, out, _ = run(capsys, "check", "--format", "json", "--select", "hype,safety-claim,"
                       "inducement", ".")
    total = len(json.loads(out)["findings"])
    code, out, _ = run(capsys, "check", "--format", "github", "--select", "hype,safety-claim,"
                       "inducement", ".")
    assert code == 1
    lines = out.splitlines()
    kinds = [line.split(" ", 1)[0].split("::")[1] for line in lines]
    assert kinds.count("error") == 10 and kinds.count("warning") == 10
    assert len(lines) <= 51 and kinds.count("notice") <= 10
    assert any("claimlint.unused-approval" in line for line in lines)  # fails the run: kept
    summary = lines[-1]
    assert summary.startswith("::notice title=claimlint::")
    annotated = sum(1 for line in lines if "title=hype." in line or "title=safety-claim." in line)
    counted = re.search(r"::(\d+) finding\(s\) not annotated", summary)
    assert counted is not None
    left = int(counted.group(1))
    assert annotated + left == total
    assert "--format concise" in summary


# --- every problem that changes the exit code is in every format ---------------------------


@pytest.fixture
def approval_only(tmp_path: Path) -> Path:
    """A page whose only problem is an unused (misspelt) approval."""
    page = tmp_path / "p.md"
    page.write_text("# Opening hours\n\n<!-- claimlint-disable-next-line hype.teh-best -->\n"
                    "We are open from 9am to 5pm.\n")
    return page


def test_an_unused_approval_shows_in_every_format(
        capsys: pytest.CaptureFixture[str], approval_only: Path, tmp_path: Path) -> None:
    import jsonschema

    message = "unused suppression 'claimlint-disable-next-line hype.teh-best'"
    outputs = {}
    for fmt in ("text", "concise", "json", "github", "junit", "sarif", "html", "csv"):
        code, out, _ = run(capsys, "check", "--format", fmt, str(approval_only))
        assert code == 1, fmt
        outputs[fmt] = out
        assert message in out.replace("&#x27;", "'"), fmt
    assert f"{approval_only}:3:1: warning claimlint.unused-approval {message}" in outputs["text"]
    assert outputs["concise"] == (f"{approval_only}:3:1: warning claimlint.unused-approval "
                                  f"{message}: nothing to suppress\n")
    [problem] = json.loads(outputs["json"])["suppression_problems"]
    assert (problem["line"], problem["column"], problem["rule"]) == (
        3, 1, "claimlint.unused-approval")
    assert outputs["github"].startswith("::warning file=")
    assert ",line=3,col=1,title=claimlint.unused-approval::" in outputs["github"]
    suite = ET.fromstring(outputs["junit"]).find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    failure = suite.find("testcase/failure")
    assert failure is not None and failure.get("type") == "claimlint.unused-approval"
    log = json.loads(outputs["sarif"])
    schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    [result] = log["runs"][0]["results"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert result["ruleId"] == rules[result["ruleIndex"]]["id"] == "claimlint.unused-approval"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 3,
                                                                    "startColumn": 1}
    rows = list(csv.reader(io.StringIO(outputs["csv"])))
    assert rows[1][:8] == [str(approval_only), "3", "1", "3", "1", "warning", "claimlint",
                           "claimlint.unused-approval"]


def test_a_file_error_shows_in_csv_and_concise(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    (tmp_path / "broken.txt").write_bytes(b"caf\xe9 \xff bad")
    code, out, _ = run(capsys, "check", "--format", "csv", str(tmp_path))
    assert code == 1
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[1][5:8] == ["error", "claimlint", "claimlint.file-error"]
    code, out, _ = run(capsys, "check", "--format", "concise", str(tmp_path))
    assert code == 1 and ": error claimlint.file-error " in out


# --- --jobs and linting '.' ---------------------------------------------------------------


def test_jobs_below_zero_is_a_usage_error_and_zero_means_one_per_core(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_text("A revolutionary serum.\n")
    err = usage_error(capsys, "check", "--jobs", "-3", str(page))
    assert "argument -j/--jobs: must be 1 or more (0: one per core), not -3" in err
    assert "not a number: 'many'" in usage_error(capsys, "check", "-j", "many", str(page))
    assert run(capsys, "check", "--jobs", "0", "--select", "hype", str(page))[0] == 1


def test_check_without_a_path_lints_the_working_directory_but_not_environments(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim = "A revolutionary serum.\n"
    (tmp_path / "page.md").write_text(claim)
    for folder in (".venv/lib/site-packages/pkg", "py311/lib/python3.11/site-packages/pkg",
                   "condaenv/share/doc", "node_modules/pkg", ".git/info", "docs"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "README.md").write_text(claim)
    (tmp_path / "py311" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "condaenv" / "conda-meta").mkdir()
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check", "--format", "json", "--select", "hype")
    assert code == 1
    report = json.loads(out)
    assert sorted(f["path"] for f in report["findings"]) == ["./docs/README.md", "./page.md"]
    assert report["summary"]["files"] == 2


# --- rules as JSON and the --help examples --------------------------------------------------


def test_rules_json_has_message_rationale_and_references(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and rows
    for row in rows:
        assert row["message"] and row["rationale"], row["id"]
        assert all(set(ref) == {"title", "url", "region"} for ref in row["references"]), row["id"]
        assert all(ref["region"] in REGIONS for ref in row["references"]), row["id"]
    superlative = next(r for r in rows if r["id"] == "hype.superlative")
    assert "{match}" in superlative["message"]
    assert superlative["references"] and superlative["references"][0]["url"].startswith("http")


# Shell commands in README.md's code blocks that the test below does not run, and why; a
# command that is neither run nor listed here fails it.
NOT_RUN = {
    "pip install .": "installs from the package index; .ci/run runs it in a fresh virtualenv",
    'pip install ".[test]"': "installs from the package index; .ci/run runs it",
    "python -m pytest": "the test suite this test is part of; .ci/run runs it",
    "pre-commit autoupdate": "tests/test_precommit.py runs it on a copy of this repository",
    "pre-commit install": "tests/test_precommit.py runs it on a copy of this repository",
    "claimlint config blog/peels.md": "the site with two configs the README describes; "
                                      "tests/test_config_per_file.py builds one and checks this",
    "claimlint check .": "shows a config error (exit 2) in that site; tests/test_config.py "
                         "checks the message and its location",
}
# Plain shell steps of the README's walkthroughs, run with bash between its claimlint commands.
IN_SHELL = {'echo "model: .claimlint-model" >> .claimlint.yaml'}
SHELL_BLOCKS = {"sh", "bash", "shell"}  # every line a command; elsewhere only "$ " lines
EXAMPLE_PAGE = "# Our treatment\n\nOur revolutionary exosome treatment has no downtime.\n"


def help_examples() -> list[str]:
    """Every `claimlint ...` line of the --help epilogs, of claimlint and each subcommand."""
    parser = _parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    found: list[str] = []
    for each in (parser, *sub.choices.values()):
        for line in (each.epilog or "").splitlines():
            if example := re.match(r"^\s+(claimlint .*?)(?:\s{2,}\S.*)?$", line):
                found += re.split(r"\s*&&\s*", example.group(1))
    return list(dict.fromkeys(found))


def readme_commands() -> list[str]:
    """Every shell command in README.md's fenced blocks, in order, `&&` chains split."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found: list[str] = []
    for _, lang, body in re.findall(r"^( *)```(\w*)\n(.*?)^\1```", readme, re.M | re.S):
        for line in textwrap.dedent(body).replace("\\\n", " ").splitlines():
            if line.startswith("$ "):
                line = line[2:]
            elif lang not in SHELL_BLOCKS or not line.strip() or line.startswith("#"):
                continue
            line = re.sub(r"\s+#.*$", "", line)  # a comment after the command
            found += re.split(r"\s*&&\s*", line.strip())
    return found


def example_workspace(root: Path, copies: dict[str, str]) -> None:
    """The examples' working directory: copies of project folders ({name: source}), user files."""
    for name, source in copies.items():
        shutil.copytree(ROOT / source, root / name)
    shutil.copy(ROOT / "examples" / "site" / "wp-export.xml", root / "export.xml")
    (root / "page.md").write_text(EXAMPLE_PAGE)
    for page in ("blog/post.md", "pages/offer.md"):
        (root / page).parent.mkdir(exist_ok=True)
        (root / page).write_text(EXAMPLE_PAGE)
    (root / "my-rules.yaml").write_text(RULE)


def run_example(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                command: str) -> None:
    """Run one example command in the working directory; it must exit 0 or 1, cleanly."""
    if command in IN_SHELL:
        subprocess.run(["bash", "-c", command], check=True)
        return
    argv = shlex.split(command)
    assert argv[0] == "claimlint", f"{command!r}: run it here, or list it in NOT_RUN with why"
    assert not {"|", ">", ">>", "<", ";", "&"} & set(argv), f"{command!r}: needs a shell"
    monkeypatch.setattr(sys, "stdin", io.StringIO(EXAMPLE_PAGE))
    code: int | str | None
    try:
        code, _, err = run(capsys, *argv[1:])
    except SystemExit as usage:  # argparse's own errors
        code, err = usage.code, capsys.readouterr().err
    assert code in (0, 1), f"{command}: exit {code}\n{err}"
    assert "error" not in err.lower() and "Traceback" not in err, f"{command}: {err}"


def test_every_help_example_runs_as_shown(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    examples = help_examples()
    assert len(examples) >= 14 and "claimlint check" in examples
    assert "claimlint evaluate approved-copy/ --folds 5 --group-by site" in examples
    # The help speaks of the user's own site and labelled copy; our examples stand in for them.
    example_workspace(tmp_path, {"examples": "examples", "site": "examples/site",
                                 "approved-copy": "tests/corpus-blind"})
    monkeypatch.chdir(tmp_path)
    for example in examples:
        run_example(capsys, monkeypatch, example)
    assert (tmp_path / "report.html").is_file() and (tmp_path / ".claimlint.yaml").is_file()
    assert (tmp_path / ".claimlint-model").is_dir()


def test_every_readme_command_runs_as_shown(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands = readme_commands()
    stale = (set(NOT_RUN) | IN_SHELL) - set(commands)
    assert not stale, f"NOT_RUN or IN_SHELL lists commands README.md no longer has: {stale}"
    ran = [c for c in commands if c not in NOT_RUN]
    assert len(ran) >= 10 and "claimlint check examples/" in ran, commands
    # The README's commands run at the project root.
    example_workspace(tmp_path, {name: name for name in
                                 ("examples", "tests/corpus", "tests/corpus-blind")})
    monkeypatch.chdir(tmp_path)
    for command in ran:
        run_example(capsys, monkeypatch, command)
    assert (tmp_path / "page.md").read_text() == (
        "# Our treatment\n\nOur exosome treatment has a short recovery time for most people.\n")
    for report in ("report.html", "findings.csv", "findings.json"):
        assert (tmp_path / report).stat().st_size > 0, report


# --- the terminal report ------------------------------------------------------------------


LONG = ("# Care\n\nOur revolutionary serum is a choice that many of our patients make every "
        "single week at the clinic on the corner of the main street.\n")


class _Terminal(io.StringIO):
    """A stdout that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _on_terminal(monkeypatch: pytest.MonkeyPatch, *argv: str, columns: int = 60) -> str:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setenv("COLUMNS", str(columns))
    main(list(argv))
    return terminal.getvalue()


def test_terminal_report_uses_the_terminal_width_and_indents_continuations(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "p.md"
    page.write_text(LONG)
    monkeypatch.setenv("NO_COLOR", "1")
    out = _on_terminal(monkeypatch, "check", "--select", "hype", str(page), columns=60)
    lines = out.splitlines()
    assert lines[0] == str(page)  # a path is never split
    assert all(len(line) <= 60 for line in lines[1:]), out
    head = next(line for line in lines if "hype.superlative" in line)
    assert head.startswith("  3:5  warning  hype.superlative  'revolutionary'")
    at = lines.index(head)
    assert lines[at + 1].startswith("      ") and lines[at + 1].strip()  # message continued
    sentence = [line for line in lines[at + 1:] if line.startswith("      | ")]
    assert sentence
    follow = lines[lines.index(sentence[0]) + 1]
    assert follow.startswith("        ") and follow.strip()  # the sentence continues indented
    wide = _on_terminal(monkeypatch, "check", "--select", "hype", str(page), columns=200)
    assert any(len(line) > 100 for line in wide.splitlines())
    assert "is known to do." in next(x for x in wide.splitlines() if "hype.superlative" in x)


def test_no_wrapping_without_a_terminal_and_plain_text_in_a_file(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "p.md"
    page.write_text(LONG)
    _, piped, _ = run(capsys, "check", "--select", "hype", str(page))
    sentence = [line for line in piped.splitlines() if line.startswith("      | ")]
    assert sentence == ["      | Our «revolutionary» serum is a choice that many of our patients "
                        "make every single week at the clinic on the corner of the main street."]
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = _on_terminal(monkeypatch, "check", "--select", "hype", str(page), columns=60)
    assert "\x1b[" in coloured
    report = tmp_path / "report.txt"
    assert _on_terminal(monkeypatch, "check", "--select", "hype", "-o", str(report), str(page),
                        columns=60) == ""
    written = report.read_text(encoding="utf-8")
    assert "\x1b[" not in written
    assert written == piped


def test_text_reporter_wraps_at_a_forced_width() -> None:
    from claimlint.findings import Finding, LintResult, Severity
    from claimlint.report import text

    long = Finding("site/hair.md", "hype.superlative", "hype", Severity.WARNING,
                   "'revolutionary' " + "overstates it " * 12, 10, 23, "revolutionary", 3, 3, 3,
                   16, "paragraph", "A revolutionary therapy.")
    out = text.render(LintResult((long,), files=1), color=False, width=50)
    lines = out.splitlines()
    assert all(len(line) <= 50 for line in lines), out
    assert lines[1].startswith("  3:3  warning  hype.superlative  'revolutionary'")
    assert lines[2].startswith("      overstates it")
    unwrapped = text.render(LintResult((long,), files=1), color=False, width=None)
    assert unwrapped.splitlines()[1].rstrip().endswith("overstates it")
