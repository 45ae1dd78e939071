"""The HTML site report: content, grouping, escaping, and behaviour in headless Chromium."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from browser import DevTools, dump_dom, screenshot

from claimlint import Linter, __version__
from claimlint.findings import Applicability, FileError, Finding, Fix, LintResult, Reference
from claimlint.findings import Severity as S
from claimlint.report import html
from claimlint.report.groups import boilerplate_ids, group_key

EXAMPLES = Path(__file__).parents[1] / "examples"
FTC = Reference("FTC Health Products Compliance Guidance (2022)", "https://www.ftc.gov/hp")
HEADER = "Award-winning, guaranteed results for every patient."
XSS = "<script>alert(1)</script>"
PWN = '<script>window.__pwned=1</script> and <img src=x onerror="window.__pwned=1">'


def make(path: str, match: str, sentence: str, rule: str = "hype.superlative",
         severity: S = S.WARNING, line: int = 3, **kw: Any) -> Finding:
    """A hand-built finding for match inside sentence (offsets are not used by the report)."""
    at = max(sentence.find(match), 0)
    fields: dict[str, Any] = {
        "path": path, "rule": rule, "category": rule.split(".")[0], "severity": severity,
        "message": f"'{match}' overstates what the treatment is known to do.",
        "start": at, "end": at + len(match), "match": match, "line": line, "column": at + 1,
        "end_line": line, "end_column": at + len(match) + 1, "scope": "paragraph",
        "sentence": sentence, "references": (FTC,)}
    fields.update(kw)
    return Finding(**fields)


def sample() -> LintResult:
    """Three pages; one template sentence on all three; two errors on the riskiest page."""
    found = [
        make("site/a.html", "revolutionary", "A revolutionary therapy for thinning hair.",
             suggestions=("new",), fix=Fix("new", Applicability.UNSAFE),
             advice="Say what the treatment does instead."),
        make("site/a.html", "No side effects", "No side effects at all.",
             rule="safety-claim.no-side-effects", severity=S.ERROR, line=5),
        make("site/a.html", "cures", "It cures arthritis.", rule="disease-claim.cure",
             severity=S.ERROR, line=6),
        make("site/b.html", "Clinically proven", "Clinically proven to work.",
             rule="unsourced-evidence.proven", severity=S.INFO, line=2),
    ]
    for i, page in enumerate(("site/a.html", "site/b.html", "site/c.html")):
        sentence = HEADER if i != 1 else "  award-winning,   GUARANTEED results for every patient."
        found.append(make(page, "guaranteed results" if i != 1 else "GUARANTEED results",
                          sentence, rule="efficacy-claim.absolute-promise", line=40))
    return LintResult(findings=tuple(found), files=4,
                      errors=(FileError("site/broken.html", "cannot decode: invalid UTF-8"),))


def hostile() -> LintResult:
    """Findings whose every field carries markup or a dangerous URL."""
    evil = f'x"><b>{XSS}'
    return LintResult(findings=(
        make(f"site/{XSS}.html", "revolutionary", f"A revolutionary {XSS} cure. {PWN}",
             message=f"'revolutionary' {XSS}", suggestions=(f"new {XSS}",), advice=evil,
             category=evil, references=(Reference(f"title {XSS}", "javascript:alert(1)"),
                                        Reference("data", "data:text/html,<script>x</script>"),
                                        Reference("ok", 'https://e.test/?q="><script>'))),
        make('site/"><img src=x onerror="window.__pwned=1">.html', "cure", f"{PWN} cure",
             rule="disease-claim.cure", severity=S.ERROR),
    ), files=2)


class Tags(HTMLParser):
    """Collect every start tag and its attributes, and the text of <script> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "style":
            self.styles.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in = ""


def parse(text: str) -> Tags:
    parser = Tags()
    parser.feed(text)
    return parser


def write(tmp_path: Path, result: LintResult, name: str = "report.html") -> Path:
    out = tmp_path / name
    out.write_text(html.render(result, __version__), encoding="utf-8")
    return out


# --- content ---------------------------------------------------------------------------


def test_header_chart_and_pages_show_the_totals() -> None:
    out = html.render(sample(), "9.9.9", title="Clinic site review")
    assert "<title>Clinic site review</title>" in out and "claimlint 9.9.9" in out
    cards = dict((label, int(n)) for n, label in
                 re.findall(r'<div class="card[^"]*"><b>(\d+)</b><span>([^<]+)</span>', out))
    # The template sentence on three pages counts once in the headline.
    assert cards == {"distinct findings": 5, "errors": 2, "warnings": 2, "info": 1,
                     "pages with findings": 3}
    assert ('<p class="sub headline" id="headline">5 distinct findings (7 on 3 pages; '
            "2 repeat template text)</p>") in out
    chart = out[out.index('<svg id="category-chart"'):out.index("</svg>")]
    bars = re.findall(r'<text x="190" y="\d+" text-anchor="end">([^<]+)<title>[^<]*</title>'
                      r'</text></a>(?:<rect[^>]*><title>[^<]*</title></rect>)*'
                      r'<text[^>]*>(\d+)</text>', chart)
    assert bars[:5] == [("hype", "1"), ("unsourced-evidence", "1"), ("efficacy-claim", "1"),
                        ("disease-claim", "1"), ("safety-claim", "1")]  # ties: taxonomy order
    assert ("inducement", "0") in bars  # every category is listed, zero included
    ranked = re.findall(r'<tr><td class="n">(\d+)</td><td><a class="path" href="#page=([^"]+)">'
                        r".*?<b>(\d+)</b>", out.replace("<wbr>", ""))
    # Most errors first (a: 2), then most warnings (b and c: 1), then most findings (b: 2).
    assert ranked == [("1", "site%2Fa.html", "4"), ("2", "site%2Fb.html", "2"),
                      ("3", "site%2Fc.html", "1")]
    assert "site/broken.html" in out and "invalid UTF-8" in out


def test_each_finding_shows_sentence_message_suggestion_advice_and_references() -> None:
    out = html.render(sample(), __version__)
    assert "A <mark>revolutionary</mark> therapy for thinning hair." in out
    assert "&#x27;revolutionary&#x27; overstates what the treatment is known to do." in out
    assert "<b>Suggested wording:</b> &ldquo;new&rdquo;" in out and "unsafe fix" in out
    assert "<b>Advice:</b> Say what the treatment does instead." in out
    assert ('<a href="https://www.ftc.gov/hp" rel="noopener noreferrer" target="_blank">'
            "FTC Health Products Compliance Guidance (2022)</a>") in out
    assert out.count('<tr class="finding ') == 5  # 4 single findings + 1 template group


def test_template_sentence_on_three_pages_is_shown_once_with_its_pages() -> None:
    result = sample()
    keys = {group_key(f) for f in result.findings if f.rule.startswith("efficacy-claim")}
    assert len(keys) == 1  # whitespace and case in sentence and match do not matter
    assert len({group_key(f) for f in result.findings}) == 5
    assert list(boilerplate_ids(result.findings).values()) == [
        "g" + hashlib.sha256(keys.pop().encode()).hexdigest()[:10]]
    out = html.render(result, __version__)
    found = re.search(r'<tr class="finding warning"[^>]*data-rule="efficacy-claim[^>]*>.*?</tr>',
                      out)
    assert found
    row = found.group(0)
    assert "<details><summary>on 3 pages</summary>" in row
    assert re.findall(r'<li class="path">([^<]+)</li>', row.replace("<wbr>", "")) == [
        "site/a.html:40", "site/b.html:40", "site/c.html:40"]
    assert 'data-pages="[&quot;site/a.html&quot;, &quot;site/b.html&quot;' in row
    two_pages = LintResult(findings=result.findings[-3:-1])
    assert "on 2 pages" not in html.render(two_pages, __version__)


def test_a_clean_run_says_so() -> None:
    out = html.render(LintResult(findings=(), files=3), __version__)
    assert "Showing 0 of 0 findings" in out and out.count("No findings.") == 2
    assert '<b>3</b><span>pages with findings' not in out


def test_highlight_marks_the_match_case_and_space_insensitively() -> None:
    assert html.highlight("So GUARANTEED  results.", "guaranteed results") == (
        "So <mark>GUARANTEED  results</mark>.")
    assert html.highlight("a < b", "<") == "a <mark>&lt;</mark> b"
    assert html.highlight("Whole page.", "") == "Whole page."
    assert html.highlight("Other text.", "cure") == "Other text. (<mark>cure</mark>)"


def test_report_is_self_contained() -> None:
    out = html.render(sample(), __version__)
    tags = parse(out)
    assert not [t for t, a in tags.tags if t in ("link", "img", "iframe", "object", "embed")]
    assert not [a for _, a in tags.tags if "src" in a]
    assert "@import" not in out and "url(" not in out and "@font-face" not in out
    hrefs = [a["href"] for _, a in tags.tags if "href" in a]
    assert hrefs and all((h or "").startswith(("#", "https://")) for h in hrefs), hrefs
    assert sum(t == "script" for t, _ in tags.tags) == 1


def test_content_security_policy_allows_exactly_the_reports_own_style_and_script() -> None:
    tags = parse(html.render(sample(), __version__))
    csp = next(a["content"] for t, a in tags.tags if a.get("http-equiv") ==
               "Content-Security-Policy")
    assert csp is not None and "default-src 'none'" in csp

    def sha(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    assert f"script-src 'sha256-{sha(tags.scripts[0])}'" in csp
    assert f"style-src 'sha256-{sha(tags.styles[0])}'" in csp


# --- escaping --------------------------------------------------------------------------


def test_everything_from_the_pages_is_escaped() -> None:
    out = html.render(hostile(), __version__, title=f"Report {XSS}")
    assert XSS not in out and "<script>window" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    tags = parse(out)
    assert sum(t == "script" for t, _ in tags.tags) == 1
    assert {t for t, _ in tags.tags} <= {
        "html", "head", "meta", "title", "style", "body", "header", "div", "h1", "h2", "p",
        "b", "span", "main", "section", "svg", "a", "text", "rect", "i", "table", "thead",
        "tbody", "tr", "th", "td", "label", "select", "option", "input", "button", "output",
        "details", "summary", "ul", "li", "mark", "footer", "script", "wbr"}
    assert not [(t, k) for t, a in tags.tags for k in a if k.startswith("on")]
    hrefs = [a["href"] for _, a in tags.tags if "href" in a]
    assert not [h for h in hrefs if h and not h.startswith(("#", "https://", "http://"))]
    assert "https://e.test/?q=&quot;&gt;&lt;script&gt;" in out  # quoted inside the attribute
    assert "title &lt;script&gt;alert(1)&lt;/script&gt; (javascript:alert(1))" in out


@pytest.mark.parametrize(("url", "ok"), [
    ("https://www.ftc.gov/x?a=1&b=2", True), ("http://example.test", True),
    ("HTTPS://EXAMPLE.TEST/", True), ("javascript:alert(1)", False),
    (" https://example.test", False), ("https://exa mple.test", False),
    ("data:text/html,x", False), ("//example.test", False), ("/etc/passwd", False),
    ("https://x.test/\nnext", False), ("", False)])
def test_only_absolute_http_urls_become_links(url: str, ok: bool) -> None:
    assert (html.safe_url(url) is not None) is ok


# --- end to end ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def examples_result(linter: Linter) -> LintResult:
    return linter.lint_paths([str(EXAMPLES)])


def test_real_linter_run_on_the_examples(examples_result: LintResult) -> None:
    result = examples_result
    out = html.render(result, __version__)
    n = len(result.findings)
    assert n > 20 and f"Showing {n} of {n} findings" in out
    for page in {f.path for f in result.findings}:
        assert f'<option value="{page}">' in out
    shown = sum(len(re.findall(r"&quot;, |&quot;\]", m))
                for m in re.findall(r'data-pages="(\[[^"]*\])"', out))
    assert shown == n  # every finding is in exactly one row, grouped or not


# --- in a real browser -----------------------------------------------------------------


def visible_rows(dom: str) -> list[str]:
    rows = re.findall(r'<tr class="finding [^"]*"[^>]*>', dom)
    return [r for r in rows if " hidden" not in r]


def test_browser_shows_counts_and_applies_a_filter_from_the_url(tmp_path: Path) -> None:
    report = write(tmp_path, sample())
    dom = dump_dom(report.as_uri(), tmp_path / "profile")
    assert "Showing 7 of 7 findings" in dom and re.search(r'<html[^>]* class="js"', dom)
    assert len(visible_rows(dom)) == 5
    errors = dump_dom(report.as_uri() + "#severity=error", tmp_path / "profile")
    assert "Showing 2 of 7 findings" in errors
    assert all('data-severity="error"' in r for r in visible_rows(errors))
    assert len(visible_rows(errors)) == 2
    assert re.search(r'<tr class="finding warning"[^>]* hidden=""', errors)
    page_b = dump_dom(report.as_uri() + "#page=site%2Fb.html&category=efficacy-claim",
                      tmp_path / "profile")
    assert "Showing 1 of 7 findings" in page_b  # the template group, counted once for b
    assert [re.findall(r'data-rule="([^"]+)"', r)[0] for r in visible_rows(page_b)] == [
        "efficacy-claim.absolute-promise"]


def test_browser_screenshot_of_the_examples_report(tmp_path: Path,
                                                   examples_result: LintResult) -> None:
    report = write(tmp_path, examples_result)
    png = screenshot(report.as_uri(), tmp_path / "report.png", tmp_path / "profile")
    print(f"screenshot: {png}")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_browser_clicking_filters_hides_rows_and_updates_the_count(tmp_path: Path) -> None:
    report = write(tmp_path, sample())
    with DevTools(tmp_path / "profile") as browser:
        browser.open(report.as_uri())
        count = 'document.getElementById("f-count").textContent'
        hidden = 'document.querySelectorAll("tr.finding[hidden]").length'
        assert browser.evaluate(count) == "Showing 7 of 7 findings"
        browser.click('input[name=severity][value="warning"]')
        assert browser.evaluate(count) == "Showing 3 of 7 findings"
        assert browser.evaluate(hidden) == 2
        assert browser.evaluate("location.hash") == "#severity=error%2Cinfo"
        browser.evaluate('var s=document.getElementById("f-category");s.value="disease-claim";'
                         's.dispatchEvent(new Event("change"))')
        assert browser.evaluate(count) == "Showing 1 of 7 findings"
        browser.click("#f-reset")
        assert browser.evaluate(count) == "Showing 7 of 7 findings"
        assert browser.evaluate(hidden) == 0
        browser.click('#pages a[href="#page=site%2Fc.html"]')  # a page in the risk ranking
        assert browser.wait_for(count, "Showing 1 of 7 findings") == "Showing 1 of 7 findings"
        assert browser.evaluate('document.getElementById("f-page").value') == "site/c.html"
        assert browser.dialogs == []


def test_browser_detects_script_that_runs(tmp_path: Path) -> None:
    """The harness itself: an unescaped page does fire a dialog and set the flag."""
    page = tmp_path / "unsafe.html"
    page.write_text(f"<!DOCTYPE html><p>{XSS}{PWN}</p>", encoding="utf-8")
    with DevTools(tmp_path / "profile") as browser:
        browser.open(page.as_uri())
        assert browser.evaluate("window.__pwned") == 1
        assert [d["message"] for d in browser.dialogs] == ["1"]


def test_browser_page_copy_with_script_runs_nothing(tmp_path: Path, linter: Linter) -> None:
    site = tmp_path / "site"
    site.mkdir()
    copy = f"Our revolutionary cure {XSS} works with no side effects.\n\nA revolutionary {PWN}.\n"
    (site / "offer.txt").write_text(copy, encoding="utf-8")
    (site / 'x"><img src=x onerror="window.__pwned=1">.txt').write_text(copy, encoding="utf-8")
    result = linter.lint_paths([str(site)])
    assert any(XSS in f.sentence for f in result.findings)
    assert any("onerror" in f.sentence for f in result.findings)
    report = write(tmp_path, LintResult((*result.findings, *hostile().findings), files=4))
    with DevTools(tmp_path / "profile") as browser:
        browser.open(report.as_uri())
        assert browser.evaluate("typeof window.__pwned") == "undefined"
        assert browser.dialogs == []
        text = browser.evaluate("document.body.innerText")
        assert XSS in text and 'onerror="window.__pwned=1"' in text  # shown, as text
        assert browser.evaluate("document.querySelectorAll('script').length") == 1
        assert browser.evaluate("document.querySelectorAll('img').length") == 0
        n = len(result.findings) + 2
        assert browser.evaluate('document.getElementById("f-count").textContent') == (
            f"Showing {n} of {n} findings")
