"""The agency workflow on the bundled example site (examples/site): what the README shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import claimlint
from claimlint.cli import main
from tests.cli_helpers import said

SITE = Path(__file__).resolve().parents[1] / "examples" / "site"


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    """The JSON report of the whole example site, linted with two worker processes."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["check", "--format", "json", "--jobs", "2", str(SITE)])
    assert code == 1
    report: dict[str, Any] = json.loads(out.getvalue())
    return report


def pages(report: dict[str, Any]) -> set[str]:
    return {Path(f["path"]).relative_to(SITE).as_posix() for f in report["findings"]}


def test_every_format_is_linted_and_nothing_breaks(report: dict[str, Any]) -> None:
    assert report["errors"] == []
    found = pages(report)
    assert {"index.html", "offers.html", "blog/2026/winter-hair-care.html", "brochure.docx",
            "wp-export.xml#glowcell-serum", "wp-export.xml#med-spa"} <= found
    assert "patient-info/exosome-facts.html" not in found  # the careful page is clean
    assert not any("exosomes-alopecia" in p for p in found)  # a draft, skipped by default


def test_offsets_point_into_the_source_files(report: dict[str, Any]) -> None:
    for f in report["findings"]:
        path = SITE / Path(f["path"]).relative_to(SITE).as_posix().split("#")[0]
        if path.suffix in (".html", ".xml") and f["match"]:
            raw = path.read_bytes()
            text = raw.decode("cp1252" if b"windows-1252" in raw[:400] else "utf-8")
            assert text[f["start"]:f["end"]] == f["match"], f


def test_hidden_script_and_comment_copy_is_never_reported(report: dict[str, Any]) -> None:
    offers = [f for f in report["findings"] if f["path"].endswith("offers.html")]
    assert offers and not any("Spring flash sale" in f["sentence"] for f in offers)
    assert not any(f["sentence"].startswith(("var ", "{", "<!--")) for f in report["findings"])


def test_footer_claims_form_one_group_across_the_template_pages(report: dict[str, Any]) -> None:
    footer = [f for f in report["findings"] if f["sentence"].startswith(
        "Our revolutionary treatments") and said(f) == "revolutionary"]
    assert len(footer) == 9 and len({f["group"] for f in footer}) == 1 and footer[0]["group"]


def test_drafts_are_linted_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--format", "json", "--include-drafts", str(SITE / "wp-export.xml")])
    found = {f["path"].split("#")[-1] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert found == {"glowcell-serum", "med-spa", "exosomes-alopecia"}


def _lint_in_worker(path: str) -> claimlint.FileOutcome:
    """What a Dask worker runs: a linter built once per process, one file per call."""
    if not _WORKER:
        _WORKER.append(claimlint.Linter())
    return _WORKER[0].lint_file(path)


_WORKER: list[claimlint.Linter] = []


def test_the_unit_of_work_runs_in_other_processes_and_pickles(report: dict[str, Any]) -> None:
    import pickle
    from concurrent.futures import ProcessPoolExecutor

    files = sorted(str(p) for p in SITE.rglob("*") if p.suffix in (".html", ".xml", ".docx"))
    with ProcessPoolExecutor(2) as pool:
        outcomes = list(pool.map(_lint_in_worker, files))
    assert pickle.loads(pickle.dumps(outcomes)) == outcomes
    found = sorted((f.path, f.start, f.rule) for o in outcomes for f in o.findings)
    assert found == sorted((f["path"], f["start"], f["rule"]) for f in report["findings"])
