"""Configuration: discovery, extends, validation with path:line:col, overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimlint.cli import main
from claimlint.config import find_config, load_config
from tests.cli_helpers import said

PAGE = "A revolutionary serum with no side effects.\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def categories(out: str) -> set[str]:
    return {f["category"] for f in json.loads(out)["findings"]}


def test_closest_config_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".claimlint.yaml").write_text("select: [hype]\n")
    inner = tmp_path / "blog"
    inner.mkdir()
    (inner / ".claimlint.yaml").write_text("select: [safety-claim]\n")
    (inner / "p.txt").write_text(PAGE)
    monkeypatch.chdir(inner)
    assert find_config(inner) == inner / ".claimlint.yaml"
    _, out, _ = run(capsys, "check", "--format", "json", "p.txt")
    assert categories(out) == {"safety-claim"}
    monkeypatch.chdir(tmp_path)  # the closest config above the file, not the working folder's
    _, out, _ = run(capsys, "check", "--format", "json", "blog/p.txt")
    assert categories(out) == {"safety-claim"}
    _, out, _ = run(capsys, "check", "--format", "json", "--config", ".claimlint.yaml",
                    "blog/p.txt")
    assert categories(out) == {"hype"}


def test_pyproject_table_and_command_line_precedence(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.claimlint]\nselect = ["hype"]\nfail-on = "error"\n')
    (tmp_path / "p.txt").write_text(PAGE)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check", "--format", "json", "p.txt")
    assert (code, categories(out)) == (0, {"hype"})
    code, out, _ = run(capsys, "check", "--format", "json", "--select", "safety-claim",
                       "--fail-on", "warning", "p.txt")
    assert (code, categories(out)) == (1, {"safety-claim"})


def test_extends_shares_an_agency_config(tmp_path: Path) -> None:
    (tmp_path / "agency.yaml").write_text("packs: [core, uk-cap]\nignore: [hype]\nfail-on: error\n")
    client = tmp_path / "client"
    client.mkdir()
    (client / ".claimlint.yaml").write_text("extends: ../agency.yaml\nfail-on: info\n")
    cfg = load_config(client / ".claimlint.yaml")
    assert (cfg.packs, cfg.ignore, cfg.fail_on) == (("core", "uk-cap"), ("hype",), "info")
    assert cfg.sources["fail-on"].endswith(".claimlint.yaml:2")
    assert cfg.sources["packs"].endswith("agency.yaml:1")


def test_a_name_in_an_extended_config_is_reported_in_that_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "agency.yaml").write_text("packs: [core]\nignore: [hype.superlativ]\n")
    (tmp_path / ".claimlint.yaml").write_text("extends: agency.yaml\nfail-on: error\n")
    (tmp_path / "p.txt").write_text(PAGE)
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "check", "p.txt")
    assert code == 2
    assert err.startswith(f"{tmp_path / 'agency.yaml'}:2:10: ignore: 'hype.superlativ' matches no"), err
    # An 'ignore' of its own replaces the agency's, misspelling and all.
    (tmp_path / ".claimlint.yaml").write_text("extends: agency.yaml\nignore: [hype]\n")
    code, out, err = run(capsys, "check", "--format", "json", "p.txt")
    assert (code, err, categories(out)) == (1, "", {"safety-claim"})


@pytest.mark.parametrize("text,message", [
    ("packs: [core]\nignor: [hype]\n", ".claimlint.yaml:2:1: unknown key 'ignor' (did you mean 'ignore'?)"),
    ("select: 3\n", ".claimlint.yaml:1:9: 'select' must be a list of text"),
    ("fail-on: sometimes\n", ".claimlint.yaml:1:10: 'fail-on' must be one of error, warning, info, never"),
    ("severity: {hype: loud}\n", ".claimlint.yaml:1:18: severity for 'hype' must be error, warning or info, not 'loud'"),
    ("severity:\n  hype: warn\n", ".claimlint.yaml:2:9: severity for 'hype' must be error, warning or info, not 'warn' (did you mean 'warning'?)"),
    ("fail-on: erorr\n", ".claimlint.yaml:1:10: 'fail-on' must be one of error, warning, info, never, not 'erorr' (did you mean 'error'?)"),
    ("packs: [core, us-ftcc]\n", ".claimlint.yaml:1:15: unknown pack 'us-ftcc' (did you mean 'us-ftc'?)"),
    ("rule-paths: [house-rules/]\n", ".claimlint.yaml:1:14: rule path 'house-rules/' not found"),
    ("select: [hype, 3]\n", ".claimlint.yaml:1:16: 'select' must be a list of text, not 3 among them"),
    ("require-reason: maybe\n", ".claimlint.yaml:1:17: 'require-reason' must be true or false"),
    ("max-file-size: huge\n", ".claimlint.yaml:1:16: 'max-file-size' must be a size"),
    ("model: [a]\n", ".claimlint.yaml:1:8: 'model' must be text"),
    ("model: no_such_pipeline\n", ".claimlint.yaml:1:8: model 'no_such_pipeline' is neither a claim model folder"),
    ("extends: agency.yaml\n", ".claimlint.yaml:1:10: extends: 'agency.yaml' not found"),
    ("extends: .claimlint.yaml\n", ".claimlint.yaml:1:10: extends forms a cycle"),
    ("vocabulary: [a]\n", ".claimlint.yaml:1:13: 'vocabulary' must map names to term lists"),
    ("vocabulary:\n  treatment: [a, [b]]\n", ".claimlint.yaml:2:18: vocabulary 'treatment' must be a list of text, not ['b'] among them"),
    ("overrides: [{select: [hype]}]\n", ".claimlint.yaml:1:13: each override needs 'files'"),
    ("overrides:\n  - files: [a]\n    ignor: [hype]\n", ".claimlint.yaml:3:5: unknown key 'ignor' in an override (did you mean 'ignore'?)"),
    ("overrides:\n  - files: [a]\n    severity: {hype: eror}\n", ".claimlint.yaml:3:22: severity for 'hype' must be error, warning or info, not 'eror' (did you mean 'error'?)"),
    ("select: [hype]\nselect: [safety-claim]\n", ".claimlint.yaml:2:1: duplicate key 'select'"),
])
def test_config_errors_point_into_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str],
                                           text: str, message: str) -> None:
    (tmp_path / ".claimlint.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "check", ".")
    assert code == 2
    assert err.startswith(str(tmp_path / message.split(":")[0]) + message[len(".claimlint.yaml"):]), err


def test_unknown_rule_id_in_config_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".claimlint.yaml").write_text("fail-on: error\nignore:\n  - hype\n  - hype.superlativ\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "check", ".")
    assert code == 2
    assert err == (f"{tmp_path / '.claimlint.yaml'}:4:5: ignore: 'hype.superlativ' matches no rule, "
                   "category or pack (did you mean 'hype.superlative'?)\n"
                   "    - hype.superlativ\n      ^\n")
    # A flag the user passed is still named as the flag.
    (tmp_path / ".claimlint.yaml").write_text("fail-on: error\n")
    code, _, err = run(capsys, "check", "--ignore", "hype.superlativ", ".")
    assert code == 2 and err.startswith("claimlint: error: --ignore: 'hype.superlativ' matches")


@pytest.mark.parametrize("table,where,message", [
    ('ignore = [\n  "hype",\n  "hype.teh-best",\n]\n', "7:3",
     "ignore: 'hype.teh-best' matches no rule, category or pack (did you mean 'hype.the-best'?)"),
    ('fail-on = "warn"\n', "5:11", "'fail-on' must be one of error, warning, info, never, "
     "not 'warn' (did you mean 'warning'?)"),
    ('severity = {hype = "loud"}\n', "5:20", "severity for 'hype' must be error, warning or info"),
    ('[tool.claimlint.vocabulary]\ntreatmnt = ["GlowCell"]\n', "6:1",
     "vocabulary: 'treatmnt' is not a class the rule packs in force define or use (did you "
     "mean 'treatment'?)"),
])
def test_pyproject_errors_point_at_the_value_in_the_claimlint_table(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        table: str, where: str, message: str) -> None:
    # Another tool's 'select' and 'ignore' above must not be taken for claimlint's.
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ruff]\nselect = ["E"]\n\n[tool.claimlint]\n' + table)
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "check", ".")
    assert code == 2
    assert err.startswith(f"{tmp_path / 'pyproject.toml'}:{where}: {message}"), err


def test_per_path_overrides_and_excludes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".claimlint.yaml").write_text(
        "select: [hype, safety-claim]\nexclude: [drafts/]\n"
        "overrides:\n  - files: ['blog/**']\n    ignore: [safety-claim]\n"
        "    severity: {hype: error}\n")
    for folder in ("blog", "drafts", "pages"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "p.md").write_text(PAGE)
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "check", "--format", "json", ".")
    found = {(Path(f["path"]).parent.name, f["category"], f["severity"])
             for f in json.loads(out)["findings"]}
    assert found == {("blog", "hype", "error"), ("pages", "hype", "warning"),
                     ("pages", "safety-claim", "error")}


def test_accepted_vocabulary_is_never_flagged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".claimlint.yaml").write_text("select: [hype]\nvocabulary:\n  accept: [Miracle Mile Clinic]\n")
    (tmp_path / "p.txt").write_text("Visit Miracle Mile Clinic. A miracle serum.\n")
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "check", "--format", "json", "p.txt")
    assert [said(f) for f in json.loads(out)["findings"]] == ["miracle"]


def test_init_writes_a_config_that_loads_and_config_shows_sources(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "init")[0] == 0
    assert run(capsys, "init")[0] == 2
    code, out, _ = run(capsys, "config")
    assert code == 0
    assert out.startswith("# .\n# config: .claimlint.yaml\n")
    assert 'packs: ["core", "us-ftc", "us-fda"]  # .claimlint.yaml:6\n' in out
    assert 'select: []  # default' in out
    assert "max-file-size: 10485760  # default" in out
    text = (tmp_path / ".claimlint.yaml").read_text()
    (tmp_path / ".claimlint.yaml").write_text(text.replace("# max-file-size: 10MB",
                                                           "max-file-size: 512KB"))
    _, out, _ = run(capsys, "config")
    assert "max-file-size: 524288  # " in out
