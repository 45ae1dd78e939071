"""Stored outcomes: an unchanged file is not linted twice, and a stored outcome is never stale."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from claimlint import results
from claimlint.api import FileOutcome, Linter, Options
from claimlint.cli import main
from claimlint.findings import Severity
from claimlint.model import DEFAULT_MODEL_DIR, ClaimModel
from tests.cli_helpers import GOOD_RULE

PAGE = "# Offer\n\nOur revolutionary exosome serum regrows hair with no side effects.\n"
CALM = "# Visit\n\nThe clinic is open from nine to five, Monday to Friday.\n"


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CLAIMLINT_CACHE_DIR", str(folder))
    # Set (to "on") rather than deleted, so that whatever a test sets is undone after it.
    monkeypatch.setenv("CLAIMLINT_NO_CACHE", "0")
    return folder


class Counting:
    """Counts the documents a linter's batches lint (what the cache saves)."""

    def __init__(self, linter: Linter, monkeypatch: pytest.MonkeyPatch) -> None:
        self.linted: list[str] = []
        batch = linter._lint_batch

        def counted(documents: list) -> list[FileOutcome]:  # type: ignore[type-arg]
            self.linted.extend(d.path for d in documents)
            return batch(documents)

        monkeypatch.setattr(linter, "_lint_batch", counted)


def _stored(cache: Path) -> dict[str, bytes]:
    """Every stored outcome, by path, in every database of the cache."""
    out: dict[str, bytes] = {}
    for db in (cache / results.FOLDER).glob("*" + results.SUFFIX):
        with contextlib.closing(sqlite3.connect(db)) as connection:
            out.update(connection.execute("SELECT path, outcome FROM outcomes").fetchall())
    return out


def _site(root: Path) -> list[Path]:
    root.mkdir()
    pages = [root / "offer.md", root / "visit.md", root / "offer.html"]
    pages[0].write_text(PAGE, encoding="utf-8")
    pages[1].write_text(CALM, encoding="utf-8")
    pages[2].write_text(f"<html><body><p>{PAGE.splitlines()[2]}</p></body></html>",
                        encoding="utf-8")
    return pages


def test_an_unchanged_file_is_not_linted_again_and_reports_the_same(
        linter: Linter, cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    pages = _site(site)
    counting = Counting(linter, monkeypatch)
    first = linter.lint_paths([site])
    assert sorted(counting.linted) == sorted(str(p) for p in pages)
    assert first.findings
    counting.linted.clear()
    second = linter.lint_paths([site])
    assert counting.linted == []
    assert second == first
    pages[1].write_text(CALM + "\nIt is the best clinic in town.\n", encoding="utf-8")
    third = linter.lint_paths([site])
    assert counting.linted == [str(pages[1])]
    assert {f.path for f in third.findings} - {f.path for f in first.findings} == {str(pages[1])}
    assert [f for f in third.findings if f.path != str(pages[1])] == [
        f for f in first.findings if f.path != str(pages[1])]


def test_the_same_bytes_under_another_name_are_linted_for_that_name(
        linter: Linter, cache: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.md", tmp_path / "two.md"
    one.write_text(PAGE, encoding="utf-8")
    two.write_text(PAGE, encoding="utf-8")
    assert linter.lint_file(str(one)).findings
    outcome = linter.lint_file(str(two))
    assert {f.path for f in outcome.findings} == {str(two)}


def test_worker_runs_store_and_reuse_outcomes(linter: Linter, cache: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    counting = Counting(linter, monkeypatch)
    first = linter.lint_file(str(page))
    second = linter.lint_file(str(page))
    assert counting.linted == [str(page)]
    assert first == second and first.findings


@pytest.mark.parametrize("change", ["severity", "select", "rule file", "model"])
def test_other_settings_or_rules_never_read_another_settings_outcomes(
        cache: Path, tmp_path: Path, change: str) -> None:
    page = tmp_path / "page.md"
    page.write_text("Wow, a zingy new facial with our revolutionary serum.\n", encoding="utf-8")
    house = tmp_path / "house.yaml"
    house.write_text(GOOD_RULE, encoding="utf-8")
    base = Options(rule_paths=(house,))
    before = Linter(base).lint_file(str(page))
    if change == "severity":
        after = Linter(Options(rule_paths=(house,), severity={"hype.x": Severity.ERROR})).lint_file(
            str(page))
        assert {f.severity for f in after.findings if f.rule == "hype.x"} == {"error"}
    elif change == "select":
        after = Linter(Options(rule_paths=(house,), select=("hype.x",))).lint_file(str(page))
        assert {f.rule for f in after.findings} == {"hype.x"}
    elif change == "rule file":
        house.write_text(GOOD_RULE.replace("terms: [wow]", "terms: [zingy]")
                         .replace("flag: [wow]", "flag: [zingy]"), encoding="utf-8")
        after = Linter(base).lint_file(str(page))
        assert "'zingy' is hype." in {f.message for f in after.findings}
    else:  # a model retrained into the same folder: the same settings, other weights
        folder = tmp_path / "model"
        model = ClaimModel.load(DEFAULT_MODEL_DIR)
        model.save(folder)
        same = Options(rule_paths=(house,), model=str(folder))
        before = Linter(same).lint_file(str(page))
        replace(model, add=model.add * 0).save(folder)  # now it flags every category
        after = Linter(same).lint_file(str(page))
        assert len({f.category for f in after.findings}) > len(
            {f.category for f in before.findings})
    assert after != before
    databases = list((cache / results.FOLDER).glob("*" + results.SUFFIX))
    assert len(databases) == (3 if change == "model" else 2)


def test_a_damaged_entry_is_linted_again_and_replaced(
        linter: Linter, cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    good = linter.lint_file(str(page))
    [db] = (cache / results.FOLDER).glob("*" + results.SUFFIX)
    counting = Counting(linter, monkeypatch)
    stored = _stored(cache)[str(page)]
    for damage in (b"", b"not a zlib stream", stored[:-7]):
        with contextlib.closing(sqlite3.connect(db)) as connection, connection:
            connection.execute("UPDATE outcomes SET outcome = ?", (damage,))
        assert linter.lint_file(str(page)) == good
        assert _stored(cache)[str(page)] == stored
    assert counting.linted == [str(page)] * 3


def test_a_damaged_database_is_started_afresh(linter: Linter, cache: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    good = linter.lint_file(str(page))
    [db] = (cache / results.FOLDER).glob("*" + results.SUFFIX)
    monkeypatch.setattr(results, "_OPEN", {})  # as a new run would find it
    for part in db.parent.glob(db.name + "-*"):
        part.unlink()
    db.write_bytes(b"this is not a database" * 100)
    assert linter.lint_file(str(page)) == good  # linted, as the cache cannot be read
    monkeypatch.setattr(results, "_OPEN", {})
    assert linter.lint_file(str(page)) == good
    assert str(page) in _stored(cache)


def test_no_cache_lints_everything_and_keeps_nothing(
        cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    monkeypatch.setenv("CLAIMLINT_NO_SERVER", "1")
    assert main(["check", "--format", "json", "--no-cache", str(page)]) == 1
    off = json.loads(capsys.readouterr().out)
    assert os.environ.get("CLAIMLINT_NO_CACHE") == "1"
    assert not cache.exists()
    monkeypatch.setenv("CLAIMLINT_NO_CACHE", "0")
    assert main(["check", "--format", "json", str(page)]) == 1
    assert json.loads(capsys.readouterr().out) == off
    assert any((cache / results.FOLDER).rglob("*"))


def test_errors_and_skipped_files_are_not_stored(linter: Linter, cache: Path,
                                                 tmp_path: Path) -> None:
    missing = tmp_path / "gone.md"
    assert linter.lint_file(str(missing)).errors
    big = Linter(Options(max_file_size=10))
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    assert big.lint_file(str(page)).notices
    assert _stored(cache) == {}


def test_a_cache_others_can_write_to_is_not_used(linter: Linter, cache: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = cache / results.FOLDER
    root.mkdir(parents=True)
    root.chmod(0o777)
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    assert linter.lint_file(str(page)).findings
    assert not any(root.iterdir())
    assert stat.S_IMODE(root.stat().st_mode) == 0o777
    root.chmod(0o700)
    monkeypatch.setattr(results, "_OPEN", {})  # the next run
    assert linter.lint_file(str(page)).findings
    assert str(page) in _stored(cache)


def test_only_the_most_recently_used_settings_are_kept(cache: Path) -> None:
    root = cache / results.FOLDER
    count = results.KEEP_FINGERPRINTS + 3
    for n in range(count):
        results.ResultCache(f"settings{n}").put(f"page{n}.md", b"copy", FileOutcome())
        os.utime(root / f"settings{n}{results.SUFFIX}", (n, n))
    kept = sorted(p.name for p in root.glob("*" + results.SUFFIX))
    assert kept == sorted(f"settings{n}{results.SUFFIX}"
                          for n in range(count - 1 - results.KEEP_FINGERPRINTS, count))
    oldest = count - 1 - results.KEEP_FINGERPRINTS
    assert results.ResultCache(f"settings{oldest}").get(f"page{oldest}.md", b"copy") == (
        FileOutcome())
    assert results.ResultCache(f"settings{oldest}").get(f"page{oldest}.md", b"changed") is None
    assert not list(root.glob("settings0*"))


def test_a_stored_run_prints_byte_for_byte_what_a_fresh_one_does(
        cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    _site(site)
    monkeypatch.setenv("CLAIMLINT_NO_SERVER", "1")
    assert main(["check", "--format", "json", "--jobs", "2", str(site)]) == 1
    fresh = capsys.readouterr().out
    linted: list[str] = []
    batch = Linter._lint_batch

    def counted(self: Linter, documents: list) -> list[FileOutcome]:  # type: ignore[type-arg]
        linted.extend(d.path for d in documents)
        return batch(self, documents)

    monkeypatch.setattr(Linter, "_lint_batch", counted)
    assert main(["check", "--format", "json", "--jobs", "1", str(site)]) == 1
    assert capsys.readouterr().out == fresh
    assert linted == []
    assert json.loads(fresh)["summary"]["findings"] > 0


def test_the_fingerprint_is_the_same_in_every_process(linter: Linter) -> None:
    script = ("from claimlint.api import Linter; l = Linter(); "
              "print(l.results.fingerprint, l.without_model().results.fingerprint)")
    seen = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")}
    assert linter.results is not None
    rules_alone = linter.without_model().results
    assert rules_alone is not None and rules_alone.fingerprint != linter.results.fingerprint
    assert seen == {f"{linter.results.fingerprint} "
                    f"{linter.without_model().results.fingerprint}\n"}  # type: ignore[union-attr]
