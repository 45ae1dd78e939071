"""HTML files through the whole linter: encodings, exact spans, skipped markup."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimlint import Linter, LintResult, Options

PAGE = ('<html><head><meta charset="{charset}"><title>Café miracle</title></head><body>'
        "<p>A <b>revolutionary</b> serum &amp; no downtime.</p>"
        "<script>var x = 'revolutionary';</script><p hidden>A miracle.</p></body></html>")


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter(Options(select=("hype", "safety-claim")))


@pytest.mark.parametrize("charset,encoding,bom", [
    ("utf-8", "utf-8", b""), ("windows-1252", "cp1252", b""), ("iso-8859-1", "cp1252", b""),
    ("utf-8", "utf-8", b"\xef\xbb\xbf"),
])
def test_encodings_and_exact_spans(linter: Linter, tmp_path: Path, charset: str, encoding: str,
                                   bom: bytes) -> None:
    text = PAGE.format(charset=charset)
    page = tmp_path / "p.html"
    page.write_bytes(bom + text.encode(encoding))
    result = linter.lint_paths([page])
    assert result.errors == ()
    assert [(f.match, f.scope) for f in result.findings] == [
        ("miracle", "title"), ("revolutionary", "paragraph"), ("no downtime", "paragraph")]
    assert all(text[f.start:f.end] == f.match for f in result.findings)


def test_undeclared_windows_1252_falls_back(linter: Linter, tmp_path: Path) -> None:
    page = tmp_path / "p.htm"
    page.write_bytes("<p>Caf\u00e9 \u2013 a miracle.</p>".encode("cp1252"))
    [f] = linter.lint_paths([page]).findings
    assert f.match == "miracle"


def test_inline_tags_do_not_break_a_phrase_and_fixes_never_cross_them(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<p>There is no <em>downtime</em> at all.</p>", encoding="utf-8")
    [f] = Linter(Options(select=("safety-claim.no-risk",))).lint_paths([page]).findings
    assert f.match == "no <em>downtime"
    assert f.fix is None


def test_entities_in_a_match_are_quoted_decoded(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<p>No&nbsp;downtime, and a revolutionary&#8482; serum.</p>", encoding="utf-8")
    found = {f.rule: f for f in Linter(Options(packs=("core",))).lint_paths([str(page)]).findings}
    f = found["safety-claim.no-risk"]
    assert f.match == "No&nbsp;downtime" and f.quote == "No downtime"
    assert f.message.startswith("'No downtime'")
    from claimlint.report import html, text

    result = LintResult((f,), files=1)
    assert "«No downtime»" in text.render(result, color=False)
    assert "<mark>No downtime</mark>" in html.render(result, "1")
    assert found["hype.superlative"].quote == ""  # the same text in source and sentence
