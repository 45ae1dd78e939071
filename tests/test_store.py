"""The finding store: a whole site's findings spilled to disk, read back unchanged."""

from __future__ import annotations

import contextlib
import functools
import io
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import claimlint.api
from claimlint.cli import main
from claimlint.findings import Finding, Severity
from claimlint.report.groups import boilerplate_ids, boilerplate_pages, group_digest, group_key
from claimlint.store import FindingStore

SITE = Path(__file__).resolve().parents[1] / "examples" / "site"


def finding(n: int, path: str = "page.html", sentence: str = "Our serum is a miracle.",
            rule: str = "hype.miracle") -> Finding:
    return Finding(path, rule, "hype", Severity.WARNING, f"message {n}", n, n + 7, "miracle",
                   1, n + 1, 1, n + 8, "paragraph", sentence)


def test_spilled_findings_read_back_in_order_by_iteration_and_index() -> None:
    items = [finding(n) for n in range(23)]
    store = FindingStore(in_memory=4, batch=5)
    for start in range(0, 23, 6):  # several extends, each crossing batch borders
        store.extend(items[start:start + 6])
    assert len(store) == 23 and store.frozen() is store
    assert list(store) == items and list(store) == items  # read twice from the same file
    assert [store[n] for n in range(23)] == items
    assert store[-1] == items[-1] and store[-23] == items[0]
    assert store[3:9] == tuple(items[3:9]) and store[::-5] == tuple(items[::-5])
    with pytest.raises(IndexError):
        store[23]
    with pytest.raises(IndexError):
        store[-24]


def test_a_run_that_fits_in_memory_stays_a_tuple() -> None:
    store = FindingStore(in_memory=5)
    store.extend(finding(n) for n in range(5))
    assert store.frozen() == tuple(finding(n) for n in range(5))


def _report(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["check", *argv, str(SITE)]) == 1
    return out.getvalue()


@pytest.mark.parametrize(("fmt", "jobs"), [("json", "1"), ("json", "2"), ("html", "2"),
                                           ("csv", "1"), ("sarif", "1")])
def test_a_spilled_run_writes_the_same_report(monkeypatch: pytest.MonkeyPatch, fmt: str,
                                              jobs: str) -> None:
    argv = ("--format", fmt, "--jobs", jobs)
    in_memory = _report(*argv)
    monkeypatch.setattr(claimlint.api, "FindingStore",
                        functools.partial(FindingStore, in_memory=3, batch=4))
    spilled = _report(*argv)
    assert spilled == in_memory
    if fmt == "json":
        assert '"group": "g' in spilled  # the example site's footer is boilerplate
    if fmt == "html":
        assert "on 9 pages</summary>" in spilled


@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3), st.integers(0, 2)),
                max_size=60),
       st.integers(1, 4), st.randoms(use_true_random=False))
def test_boilerplate_ids_agree_with_the_groups_the_reports_show(
        picks: list[tuple[int, int, int]], min_pages: int, rng: random.Random) -> None:
    sentences = ["Our serum is a miracle.", "A MIRACLE  serum.", "", "Miracle results."]
    found = [finding(n, f"p{page}.html", sentences[sentence], f"hype.r{rule}")
             for n, (page, sentence, rule) in enumerate(picks)]
    rng.shuffle(found)  # pages need not come in order
    ids = boilerplate_ids(found, min_pages)
    # The definition: findings that quote text, with one group key, on min_pages+ pages.
    pages: dict[str, set[str]] = {}
    for f in found:
        pages.setdefault(group_key(f), set()).add(f.path)
    expected = {key for key, on in pages.items()
                if len(on) >= min_pages and key.split("\n")[1]}
    assert {group_key(f) for f in found if group_digest(f) in ids} == expected
    assert len(set(ids.values())) == len(ids)
    assert boilerplate_pages(found, ids) == {
        group_digest(f): list(dict.fromkeys(g.path for g in found if group_key(g) == key))
        for key in expected for f in found if group_key(f) == key}
