"""The closest config above each file applies (as in ruff, Vale, ESLint), one linter per
distinct config, with --jobs, stdin, --fix and --diff; `claimlint config FILE...`;
config errors at the value at fault, with a "did you mean"."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from claimlint import api, project
from tests.cli_helpers import run

PAGE = "A revolutionary serum with no side effects.\n"  # hype.superlative + safety-claim.no-risk
# A made-up word no shipped rule knows, with a safe fix: a house rule of one client.
HOUSE_RULE = """\
rules:
  - id: hype.zorbic
    category: hype
    severity: warning
    message: "'{match}' is house hype."
    rationale: Hype about a treatment reads as an objective claim of efficacy to readers.
    references: [{title: T, url: "https://example.org/t"}]
    match: {terms: [zorbic]}
    suggest: {zorbic: ""}
    fix: safe
    examples: {flag: [A zorbic serum.], pass: [A plain serum.]}
"""

# A client's rule naming its own vocabulary class, which the config fills.
BRAND_RULE = """\
rules:
  - id: hype.brand
    category: hype
    severity: warning
    message: "'{match}' needs the approved product wording."
    rationale: Product names carry claims that need the approved wording beside them.
    references: [{title: T, url: "https://example.org/t"}]
    match: {terms: ["@brands"]}
    examples: {flag: [Try GlowCell today.], pass: [Try our serum today.]}
"""


def found(out: str) -> set[tuple[str, str]]:
    """(path, rule) of each finding of a JSON report."""
    return {(f["path"], f["rule"]) for f in json.loads(out)["findings"]}


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site whose blog folder has its own config: hype at the top, safety claims below."""
    (tmp_path / ".claimlint.yaml").write_text("select: [hype]\nfail-on: error\n")
    blog = tmp_path / "compliance" / "blog"
    blog.mkdir(parents=True)
    (blog / ".claimlint.yaml").write_text("select: [safety-claim]\n")
    (tmp_path / "index.md").write_text(PAGE)
    (blog / "post.md").write_text(PAGE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


TOP = ("./index.md", "hype.superlative")
POST = ("./compliance/blog/post.md", "safety-claim.no-risk")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_each_file_takes_its_closest_config(
        capsys: pytest.CaptureFixture[str], site: Path, jobs: str) -> None:
    code, out, _ = run(capsys, "check", "--format", "json", "--jobs", jobs, ".")
    assert found(out) == {TOP, POST}
    assert [f["path"] for f in json.loads(out)["findings"]] == [TOP[0], POST[0]]
    # Run from the parent, a file still takes the config of its own folder.
    code, out, _ = run(capsys, "check", "--format", "json", "--jobs", jobs,
                       "compliance/blog/post.md")
    assert found(out) == {("compliance/blog/post.md", "safety-claim.no-risk")}
    assert code == 1  # its own fail-on (warning), not the top config's (error)


def test_command_line_flags_apply_to_every_config(
        capsys: pytest.CaptureFixture[str], site: Path) -> None:
    _, out, _ = run(capsys, "check", "--format", "json", "--select", "hype,safety-claim",
                    "--ignore", "safety-claim", ".")
    assert found(out) == {TOP, ("./compliance/blog/post.md", "hype.superlative")}
    # --config names the config of every file, as in ruff.
    _, out, _ = run(capsys, "check", "--format", "json", "--config", ".claimlint.yaml", ".")
    assert found(out) == {TOP, ("./compliance/blog/post.md", "hype.superlative")}


def test_exit_code_follows_each_files_own_fail_on(
        capsys: pytest.CaptureFixture[str], site: Path) -> None:
    # index.md: a warning under fail-on error; post.md: an error under fail-on warning.
    assert run(capsys, "check", "index.md")[0] == 0
    assert run(capsys, "check", "compliance/blog/post.md")[0] == 1
    assert run(capsys, "check", ".")[0] == 1
    (site / "compliance" / "blog" / ".claimlint.yaml").write_text(
        "select: [safety-claim]\nfail-on: never\n")
    assert run(capsys, "check", ".")[0] == 0
    (site / "compliance" / "blog" / "broken.txt").write_bytes(b"caf\xe9 \xff bad")
    assert run(capsys, "check", ".")[0] == 0  # 'never' covers its unreadable files too
    assert run(capsys, "check", "--fail-on", "warning", ".")[0] == 1  # the flag: every file


def test_paths_in_a_config_are_relative_to_its_folder(
        capsys: pytest.CaptureFixture[str], site: Path) -> None:
    blog = site / "compliance" / "blog"
    (blog / "house").mkdir()
    (blog / "house" / "rules.yaml").write_text(HOUSE_RULE)
    (blog / ".claimlint.yaml").write_text(
        "rule-paths: [house/]\nselect: [hype]\nexclude: [/drafts/]\n"
        "overrides:\n  - files: ['/news/**']\n    severity: {hype.zorbic: error}\n")
    for folder in (blog / "drafts", blog / "news", site / "drafts", site / "news"):
        folder.mkdir()
        (folder / "p.md").write_text("A zorbic and revolutionary serum.\n")
    _, out, _ = run(capsys, "check", "--format", "json", ".")
    rows = {(f["path"], f["rule"], f["severity"])
            for f in json.loads(out)["findings"]}
    assert rows == {
        ("./index.md", "hype.superlative", "warning"),
        ("./compliance/blog/post.md", "hype.superlative", "warning"),
        ("./compliance/blog/news/p.md", "hype.zorbic", "error"),
        ("./compliance/blog/news/p.md", "hype.superlative", "warning"),
        ("./drafts/p.md", "hype.superlative", "warning"),  # not the blog's drafts
        ("./news/p.md", "hype.superlative", "warning"),  # nor its house rule
    }
    # Given as an absolute path, the config's folder, not the working one, anchors them.
    _, out, _ = run(capsys, "check", "--format", "json", str(blog))
    assert {r for _, r in found(out)} == {"hype.zorbic", "hype.superlative"}
    assert not any("/drafts/" in p for p, _ in found(out))


def test_command_line_globs_are_relative_to_the_working_folder(
        capsys: pytest.CaptureFixture[str], site: Path) -> None:
    _, out, _ = run(capsys, "check", "--format", "json", "--exclude", "/compliance/blog/", ".")
    assert found(out) == {TOP}
    _, out, _ = run(capsys, "check", "--format", "json", "--include", "compliance/**", ".")
    assert found(out) == {POST}


def test_one_linter_per_distinct_config_whatever_the_number_of_files(
        capsys: pytest.CaptureFixture[str], site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Same lint settings, another fail-on and exclude: the top config's linter serves it.
    same = site / "same"
    same.mkdir()
    (same / ".claimlint.yaml").write_text("select: [hype]\nfail-on: warning\nexclude: [x/]\n")
    for n in range(6):
        (same / f"p{n}.md").write_text(PAGE)
        (site / "compliance" / "blog" / f"p{n}.md").write_text(PAGE)
    built: list[api.Options] = []

    class Counting(api.Linter):
        def __init__(self, options: api.Options, *rest: object) -> None:
            built.append(options)
            super().__init__(options, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(project, "Linter", Counting)
    code, out, _ = run(capsys, "check", "--format", "json", "--jobs", "2", ".")
    assert len(built) == 2
    assert {r for p, r in found(out) if p.startswith("./same/")} == {"hype.superlative"}
    assert code == 1  # same/ fails on warnings


def test_workers_that_build_their_own_linters_build_each_config(
        capsys: pytest.CaptureFixture[str], site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Where fork is unsafe (macOS, Windows) each worker builds the linters from options.
    monkeypatch.setattr(sys, "platform", "darwin")
    _, out, _ = run(capsys, "check", "--format", "json", "--jobs", "2", ".")
    assert found(out) == {TOP, POST}


def test_stdin_takes_the_config_of_its_filename_folder(
        capsys: pytest.CaptureFixture[str], site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PAGE))
    _, out, _ = run(capsys, "check", "--format", "json", "-",
                    "--stdin-filename", "compliance/blog/draft.md")
    assert found(out) == {("compliance/blog/draft.md", "safety-claim.no-risk")}
    monkeypatch.setattr(sys, "stdin", io.StringIO(PAGE))
    _, out, _ = run(capsys, "check", "--format", "json", "-")
    assert found(out) == {("<stdin>", "hype.superlative")}
    monkeypatch.chdir(site / "compliance")  # no config here: the closest is the top one
    monkeypatch.setattr(sys, "stdin", io.StringIO(PAGE))
    _, out, _ = run(capsys, "check", "--format", "json", "-", "--stdin-filename", "blog/d.md")
    assert found(out) == {("blog/d.md", "safety-claim.no-risk")}


def test_fix_and_diff_use_each_files_own_rules(
        capsys: pytest.CaptureFixture[str], site: Path) -> None:
    blog = site / "compliance" / "blog"
    (blog / "house.yaml").write_text(HOUSE_RULE)
    (blog / ".claimlint.yaml").write_text("rule-paths: [house.yaml]\nselect: [hype.zorbic]\n")
    (blog / "post.md").write_text("A zorbic serum.\n")
    (site / "index.md").write_text("A zorbic serum.\n")  # the top config has no such rule
    code, out, _ = run(capsys, "check", "--diff", ".")
    assert code == 1
    assert "+A serum." in out and "compliance/blog/post.md" in out
    assert "index.md" not in out
    code, _, err = run(capsys, "check", "--fix", ".")
    assert "fixed 1 file(s)" in err and code == 0
    assert (blog / "post.md").read_text() == "A serum.\n"
    assert (site / "index.md").read_text() == "A zorbic serum.\n"


def test_an_error_in_a_nested_config_stops_the_run_at_its_value(
        capsys: pytest.CaptureFixture[str], site: Path) -> None:
    config = site / "compliance" / "blog" / ".claimlint.yaml"
    config.write_text("select: [safety-claim]\nignore:\n  - hype.teh-best\n")
    code, out, err = run(capsys, "check", ".")
    assert (code, out) == (2, "")
    assert err == (f"{config}:3:5: ignore: 'hype.teh-best' matches no rule, category or pack "
                   "(did you mean 'hype.the-best'?)\n    - hype.teh-best\n      ^\n")


# --- vocabulary names --------------------------------------------------------------------


def test_a_misspelt_vocabulary_class_is_an_error_at_its_key(
        capsys: pytest.CaptureFixture[str], site: Path) -> None:
    (site / ".claimlint.yaml").write_text(
        "vocabulary:\n  accept: [Miracle Mile Clinic]\n  treatmnt: [GlowCell serum]\n")
    code, _, err = run(capsys, "check", "index.md")
    assert code == 2
    assert err.startswith(f"{site / '.claimlint.yaml'}:3:3: vocabulary: 'treatmnt' is not a "
                          "class the rule packs in force define or use (did you mean "
                          "'treatment'?)"), err
    assert "Traceback" not in err
    # Without a close name, the message lists the classes there are.
    (site / ".claimlint.yaml").write_text("vocabulary:\n  brands: [GlowCell]\n")
    _, _, err = run(capsys, "check", "index.md")
    assert ":2:3: vocabulary: 'brands' is not a class" in err and "classes: accept, " in err


def test_a_new_vocabulary_class_is_valid_when_a_custom_rule_uses_it(
        capsys: pytest.CaptureFixture[str], site: Path) -> None:
    (site / "house.yaml").write_text(BRAND_RULE)
    (site / ".claimlint.yaml").write_text(
        "rule-paths: [house.yaml]\nselect: [hype.brand]\nvocabulary:\n  brands: [GlowCell]\n")
    (site / "index.md").write_text("Try GlowCell today.\n")
    code, out, err = run(capsys, "check", "--format", "json", "index.md")
    assert (code, err) == (1, "")
    assert [f["match"] for f in json.loads(out)["findings"]] == ["GlowCell"]
    # A class a rule file defines may be added to as well.
    (site / "house.yaml").write_text("vocabulary:\n  brands: [Lumix]\n" + BRAND_RULE)
    (site / "index.md").write_text("Try GlowCell or Lumix today.\n")
    code, out, _ = run(capsys, "check", "--format", "json", "index.md")
    assert [f["match"] for f in json.loads(out)["findings"]] == ["GlowCell", "Lumix"]


# --- claimlint config --------------------------------------------------------------------


def test_config_shows_each_files_config_chain_and_sources(
        capsys: pytest.CaptureFixture[str], site: Path) -> None:
    (site / "agency.yaml").write_text("packs: [core, uk-cap]\nignore: [hype.the-best]\n")
    (site / "compliance" / "blog" / ".claimlint.yaml").write_text(
        "extends: ../../agency.yaml\nselect: [safety-claim]\n")
    (site / "compliance" / "blog" / "news").mkdir()
    code, out, _ = run(capsys, "config", "compliance/blog/post.md", "index.md",
                       "compliance/blog/news")
    assert code == 0
    first, second, third = out.split("\n\n")
    assert first.splitlines()[:3] == ["# compliance/blog/post.md",
                                      "# config: compliance/blog/.claimlint.yaml",
                                      "# extends: agency.yaml"]
    assert 'packs: ["core", "uk-cap"]  # agency.yaml:1' in first
    assert 'select: ["safety-claim"]  # compliance/blog/.claimlint.yaml:2' in first
    assert 'fail-on: "warning"  # default' in first
    assert second.splitlines()[:2] == ["# index.md", "# config: .claimlint.yaml"]
    assert 'fail-on: "error"  # .claimlint.yaml:2' in second and "# extends" not in second
    assert third.splitlines()[1] == "# config: compliance/blog/.claimlint.yaml"
    code, out, _ = run(capsys, "config", "--format", "json", "compliance/blog/post.md")
    [item] = json.loads(out)
    assert item["config"] == "compliance/blog/.claimlint.yaml"
    assert item["extends"] == ["agency.yaml"]
    assert item["settings"]["packs"] == {"value": ["core", "uk-cap"],
                                         "source": {"path": "agency.yaml", "line": 1}}
    assert item["settings"]["fail-on"] == {"value": "warning", "source": None}


def test_config_without_any_config_file_and_with_a_missing_path(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "page.md").write_text(PAGE)
    code, out, _ = run(capsys, "config", "page.md")
    assert code == 0
    assert out.splitlines()[:3] == ["# page.md", "# config: defaults (no config found)",
                                    'packs: ["core", "us-ftc", "us-fda"]  # default']
    code, out, err = run(capsys, "config", "page.md", "nope.md")
    assert (code, out) == (2, "")
    assert err == "claimlint: error: no such file or directory: nope.md\n"


def test_config_reports_the_errors_check_would(
        capsys: pytest.CaptureFixture[str], site: Path) -> None:
    (site / ".claimlint.yaml").write_text("select: [hype.teh-best]\n")
    code, out, err = run(capsys, "config")
    assert (code, out) == (2, "")
    assert err.startswith(f"{site / '.claimlint.yaml'}:1:10: select: 'hype.teh-best' matches no")


def test_config_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run(capsys, "config", "--help")
    out = capsys.readouterr().out
    assert "claimlint config blog/post.md pages/" in out and "--format {text,json}" in out
