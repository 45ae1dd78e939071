"""The start-up cache: same results warm or cold, never stale, never in the way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claimlint import cache
from claimlint.cache import Memo

PAGE = "# Offer\n\nOur revolutionary exosome serum regrows hair with no side effects.\n"


def _check(folder: Path, page: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "CLAIMLINT_CACHE_DIR": str(folder), **env}
    return subprocess.run([sys.executable, "-m", "claimlint", "check", "--format", "json",
                           str(page)], capture_output=True, text=True, env=environ, check=False)


def test_a_warm_run_reports_exactly_what_a_cold_one_does(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    folder = tmp_path / "cache"
    cold = _check(folder, page)
    names = {p.name.rsplit("-", 1)[0] for p in folder.glob("*.json")}
    assert {"lemmas", "phrase-keys", "regex-errors", "regex-needs", "word-classes"} <= names
    warm = _check(folder, page)
    off = _check(tmp_path / "unused", page, CLAIMLINT_NO_CACHE="1")
    assert cold.returncode == warm.returncode == off.returncode == 1
    assert json.loads(cold.stdout)["findings"]
    assert cold.stdout == warm.stdout == off.stdout
    assert not (tmp_path / "unused").exists()


def test_a_corrupt_or_unwritable_cache_only_costs_time(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    folder = tmp_path / "cache"
    expected = _check(folder, page).stdout
    for stored in folder.glob("*.json"):
        stored.write_bytes(b"\x00{not json")
    assert _check(folder, page).stdout == expected
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    result = _check(blocker / "cache", page)  # a cache folder that cannot be created
    assert result.stdout == expected and "Traceback" not in result.stderr


def test_a_memo_computes_once_and_keeps_results_between_processes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path))
    calls: list[str] = []
    first = Memo("squares")
    assert first.get("4", lambda: calls.append("4") or 16) == 16
    assert first.get("4", lambda: calls.append("again") or 0) == 16
    first.save()
    second = Memo("squares")  # what a later run sees
    assert second.get("4", lambda: calls.append("later") or 0) == 16
    assert calls == ["4"]


def test_concurrent_writers_merge_and_other_versions_are_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path))
    stale = tmp_path / "squares-0000000000000000.json"
    stale.write_text('{"2": 4}', encoding="utf-8")
    one, two = Memo("squares"), Memo("squares")
    one.get("3", lambda: 9)
    two.get("5", lambda: 25)
    one.save()
    two.save()  # re-reads what ``one`` wrote and adds its own
    assert not stale.exists()
    assert Memo("squares").table() == {"3": 9, "5": 25}
    assert not list(tmp_path.glob("*.tmp"))


def test_a_memo_stops_growing_at_its_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path))
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    memo = Memo("squares")
    for n in range(5):
        memo.get(str(n), lambda n=n: n * n)
    memo.save()
    assert Memo("squares").table() == {"0": 0, "1": 1, "2": 4}


def test_switching_the_cache_off_and_choosing_its_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path))
    monkeypatch.setenv(cache.ENV_OFF, "0")
    assert cache.cache_dir() == tmp_path
    monkeypatch.setenv(cache.ENV_OFF, "1")
    assert cache.cache_dir() is None
    monkeypatch.delenv(cache.ENV_OFF)
    monkeypatch.delenv(cache.ENV_DIR)
    assert cache.cache_dir() is not None and "claimlint" in str(cache.cache_dir())
