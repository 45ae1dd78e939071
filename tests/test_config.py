"""Configuration: discovery, extends, validation with path:line:col, overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimlint.cli import main
from claimlint.config import find_config, load_config

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
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "check", "--format", "json", "blog/p.txt")
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


@pytest.mark.parametrize("text,message", [
    ("packs: [core]\nignor: [hype]\n", ".claimlint.yaml:2:1: unknown key 'ignor' (did you mean 'ignore'?)"),
    ("select: 3\n", ".claimlint.yaml:1:9: 'select' must be a list of text"),
    ("fail-on: sometimes\n", ".claimlint.yaml:1:10: 'fail-on' must be one of error, warning, info, never"),
    ("severity: {hype: loud}\n", ".claimlint.yaml:1:11: severity for 'hype' must be error, warning or info"),
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
    (tmp_path / ".claimlint.yaml").write_text("ignore: [hype.superlativ]\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "check", ".")
    assert code == 2 and "did you mean 'hype.superlative'?" in err


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
    assert [f["match"] for f in json.loads(out)["findings"]] == ["miracle"]


def test_init_writes_a_config_that_loads_and_config_shows_sources(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "init")[0] == 0
    assert run(capsys, "init")[0] == 2
    code, out, _ = run(capsys, "config")
    assert code == 0
    assert f"# config file: {tmp_path / '.claimlint.yaml'}" in out
    assert 'packs: ["core", "us-ftc", "us-fda"]  # ' + str(tmp_path / ".claimlint.yaml") in out
    assert 'select: []  # default' in out
    assert "max-file-size: 10485760  # default" in out
    text = (tmp_path / ".claimlint.yaml").read_text()
    (tmp_path / ".claimlint.yaml").write_text(text.replace("# max-file-size: 10MB",
                                                           "max-file-size: 512KB"))
    _, out, _ = run(capsys, "config")
    assert "max-file-size: 524288  # " in out
