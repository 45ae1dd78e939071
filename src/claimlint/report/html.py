"""The client site report: one self-contained HTML file (inline CSS, SVG and script).

Everything taken from the linted pages is escaped; links are rendered only for
http(s) URLs, and a Content-Security-Policy that allows nothing but this
module's own style and script (by hash) stops any markup that slipped through
from running or fetching.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import escape
from urllib.parse import quote

from ..findings import Finding, LintResult, Reference, suggestion_parts
from ..ruleset import CATEGORIES
from .groups import Totals, boilerplate_ids, group_digest

__all__ = ["PAGE_ROWS", "chunks", "render", "risk_order", "safe_url"]

SEVERITIES = ("error", "warning", "info")
# Pages listed before the "show all pages" control; a report with at most this many pages
# (or distinct findings) shows its findings first.
PAGE_ROWS = 20
_BAR = {"error": "#d92d20", "warning": "#f79009", "info": "#2e90fa"}
_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+\Z", re.IGNORECASE)

_CSS = """
:root{--ink:#1d2939;--muted:#667085;--line:#e4e7ec;--link:#175cd3}*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,
"Noto Sans",sans-serif;color:var(--ink);background:#f2f4f7}
.wrap{max-width:1180px;margin:0 auto;padding:0 24px}
header.top{background:#101828;color:#fff;padding:28px 0;margin-bottom:24px}
h1{margin:0;font-size:26px;font-weight:650;letter-spacing:-.01em}
.sub{color:#98a2b3;margin:4px 0 20px}
.cards{display:grid;grid-template-columns:repeat(5,1fr);gap:12px}
.card{border:1px solid #344054;border-radius:10px;padding:12px 16px;background:#1d2939}
.card b{display:block;font-size:28px;font-weight:650;font-variant-numeric:tabular-nums}
.card span{color:#d0d5dd;font-size:13px}
.card.error b{color:#fda29b}.card.warning b{color:#fec84b}.card.info b{color:#84caff}
.sub.headline{color:#eaecf0;margin:14px 0 0}
section{background:#fff;border:1px solid var(--line);border-radius:12px;padding:20px 24px;
margin:0 0 24px}h2{font-size:18px;margin:0 0 6px}
.note{color:var(--muted);font-size:13px;margin:0 0 14px}
table{width:100%;border-collapse:collapse;font-size:14px}
th{text-align:left;font-size:12px;text-transform:uppercase;letter-spacing:.04em;
color:var(--muted);border-bottom:2px solid var(--line);padding:8px 10px}
td{border-bottom:1px solid var(--line);padding:10px;vertical-align:top}
.n{text-align:right;font-variant-numeric:tabular-nums}
.sev{display:inline-block;border-radius:999px;padding:1px 10px;font-size:12px;font-weight:600;
-webkit-print-color-adjust:exact;print-color-adjust:exact}
.sev.error{background:#fee4e2;color:#b42318}.sev.warning{background:#fef0c7;color:#93370d}
.sev.info{background:#d1e9ff;color:#1849a9}
.error{--c:#d92d20}.warning{--c:#f79009}.info{--c:#2e90fa}
tr.finding td:first-child{box-shadow:inset 3px 0 var(--c)}
.path,.rule{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.path{overflow-wrap:break-word}td.where{width:210px}
.loc,.rule{display:block;color:var(--muted);font-size:12px}
.sentence{margin:6px 0;padding:6px 12px;border-left:3px solid #d0d5dd;background:#f9fafb}
mark{background:#fde68a;color:inherit;padding:0 2px;border-radius:3px}
.msg{margin:6px 0;font-weight:550}.extra{margin:4px 0;font-size:13.5px}
.extra b{color:var(--muted);font-weight:600}.refs{margin:4px 0 0;padding-left:18px;font-size:13px}
.tag{font-size:11px;color:var(--muted);border:1px solid var(--line);border-radius:4px;
padding:0 4px;margin-left:6px}a{color:var(--link)}
details summary{cursor:pointer;color:var(--link);font-weight:600;font-size:13px}
details ul{margin:4px 0;padding-left:18px;font-size:12.5px}
table.pages{table-layout:fixed}table.pages th{width:96px}table.pages th:first-child{width:56px}
table.pages th:nth-child(2){width:auto}#all-pages summary{margin:12px 0 4px}
.filters{display:none;flex-wrap:wrap;gap:10px 20px;align-items:center;position:sticky;top:0;
background:#fff;padding:12px 0;z-index:1;border-bottom:1px solid var(--line)}
.js .filters{display:flex}.filters label{font-size:14px}#f-count{margin-left:auto;font-weight:600}
select,button{font:inherit;font-size:14px;padding:4px 8px;border:1px solid #d0d5dd;
border-radius:6px;background:#fff;max-width:320px}
.legend{font-size:13px;color:var(--muted)}.legend i{display:inline-block;width:10px;height:10px;
border-radius:2px;margin:0 4px 0 12px;background:var(--c)}
svg text{font-size:13px;fill:#344054}footer{color:var(--muted);font-size:12px;padding:0 0 32px}
[hidden]{display:none!important}
@media print{body{background:#fff;font-size:11pt}header.top{background:#fff;color:#000;
padding:0 0 16px;border-bottom:2px solid #000}.card{background:#fff;border-color:#98a2b3}
.card span,.sub{color:#475467}.card b{color:#000!important}section{border:0;padding:0}
.filters{display:block!important;position:static;border:0}.filters label,.filters button{
display:none}tr{break-inside:avoid}a{color:inherit}}
"""

_JS = """
(function(){
var d=document;d.documentElement.classList.add("js");
var rows=[].slice.call(d.querySelectorAll("tr.finding")),cat=d.getElementById("f-category"),
page=d.getElementById("f-page"),sevs=[].slice.call(d.querySelectorAll("input[name=severity]")),
count=d.getElementById("f-count"),total=count.getAttribute("data-total");
function pick(sel,v){sel.value=v||"";if(sel.selectedIndex<0)sel.value="";}
function load(){var q=new URLSearchParams(location.hash.slice(1)||location.search.slice(1));
pick(cat,q.get("category"));pick(page,q.get("page"));var s=q.get("severity");
sevs.forEach(function(b){b.checked=!s||s.split(",").indexOf(b.value)>=0;});apply(false);}
function apply(save){var c=cat.value,p=page.value,on={},n=0,q=new URLSearchParams();
sevs.forEach(function(b){on[b.value]=b.checked;});
rows.forEach(function(r){var ps=JSON.parse(r.getAttribute("data-pages")),
k=p?ps.filter(function(x){return x===p;}).length:ps.length,
show=on[r.getAttribute("data-severity")]&&(!c||r.getAttribute("data-category")===c)&&k>0;
r.hidden=!show;if(show)n+=k;});
count.textContent="Showing "+n+" of "+total+" findings";if(!save)return;
if(c)q.set("category",c);if(p)q.set("page",p);
var off=sevs.filter(function(b){return !b.checked;});
if(off.length)q.set("severity",sevs.filter(function(b){return b.checked;})
.map(function(b){return b.value;}).join(","));
try{history.replaceState(null,"",q.toString()?"#"+q:location.pathname+location.search);}
catch(e){}}
[cat,page].concat(sevs).forEach(function(el){el.addEventListener("change",
function(){apply(true);});});
d.getElementById("f-reset").addEventListener("click",function(){
pick(cat,"");pick(page,"");sevs.forEach(function(b){b.checked=true;});apply(true);});
window.addEventListener("hashchange",function(){load();
d.getElementById("findings").scrollIntoView();});
window.addEventListener("beforeprint",function(){[].forEach.call(d.querySelectorAll("details"),
function(x){x.open=true;});});
load();})();
"""


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


_CSP = (f"default-src 'none'; style-src {_sha(_CSS)}; script-src {_sha(_JS)}; "
        "img-src data:; base-uri 'none'; form-action 'none'")


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _path(path: str) -> str:
    """Escape a path and let it wrap after each slash."""
    return _e(path).replace("/", "/<wbr>")


def safe_url(url: str) -> str | None:
    """Return the URL when it is an absolute http(s) URL, else None (shown as text)."""
    return url if _SAFE_URL.match(url) else None


def risk_order(page: tuple[str, Counter[str]]) -> tuple[int, int, int, str]:
    """Sort key of a (path, counts by severity) pair: most errors, warnings, findings first."""
    path, counts = page
    return (-counts["error"], -counts["warning"], -sum(counts.values()), path)


@dataclass
class _Tally:
    """The counts the report's header, chart, ranking and filters show, from one pass."""

    totals: Totals  # the headline: each boilerplate group once
    severity: Counter[str] = field(default_factory=Counter)  # every finding, as filters count
    pages: dict[str, Counter[str]] = field(default_factory=dict)
    categories: set[str] = field(default_factory=set)
    total: int = 0

    @classmethod
    def of(cls, findings: Iterable[Finding], boilerplate: dict[bytes, str]) -> _Tally:
        """Count findings by severity, page and category."""
        tally = cls(Totals(boilerplate))
        for f in findings:
            tally.totals.add(f)
            tally.severity[f.severity.value] += 1
            tally.pages.setdefault(f.path, Counter())[f.severity.value] += 1
            tally.categories.add(f.category)
            tally.total += 1
        return tally


@dataclass
class _Group:
    """A boilerplate group: its most severe finding and where each member stands."""

    finding: Finding
    places: list[tuple[str, str]]  # (path, ":line" or "" for a page-level finding)


def render(result: LintResult, tool_version: str, title: str = "claimlint report") -> str:
    """Render a run as a self-contained HTML report for a client."""
    return "".join(chunks(result, tool_version, title))


def chunks(result: LintResult, tool_version: str, title: str = "claimlint report"
           ) -> Iterator[str]:
    """Yield the report in pieces, reading the findings a few times but never holding them
    all: a site's findings may be streamed from disk."""
    findings = result.findings
    boilerplate = boilerplate_ids(findings)
    tally = _Tally.of(findings, boilerplate)
    grouped = _groups(findings, boilerplate) if boilerplate else {}
    totals = tally.totals
    # Template text repeated on many pages counts once in the headline, chart and cards.
    distinct = totals.distinct_by_severity()
    cards = [("", totals.distinct, "distinct findings" if totals.repeats else "findings")] + [
        (s, distinct[s], s + ("s" if s != "info" else "")) for s in SEVERITIES
    ] + [("", len(tally.pages), "pages with findings")]
    # A small report leads with its findings; a site's leads with where to look first.
    small = len(tally.pages) <= PAGE_ROWS or totals.distinct <= PAGE_ROWS
    overview = [_chart(totals), _pages(tally.pages)]
    head = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f'<meta name="generator" content="claimlint {_e(tool_version)}">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f'<header class="top"><div class="wrap"><h1>{_e(title)}</h1>',
        f'<p class="sub">Health-marketing claims review by claimlint {_e(tool_version)} '
        f"&middot; {result.files} file(s) checked</p><div class=\"cards\" id=\"totals\">",
        *(f'<div class="card {c}"><b>{n:,}</b><span>{_e(label)}</span></div>'
          for c, n, label in cards),
        f'</div><p class="sub headline" id="headline">{_e(totals.headline())}</p>'
        if totals.repeats else "</div>",
        '</div></header><main class="wrap">',
        *([] if small else overview), _problems(result), _filters(tally),
    ]
    yield "\n".join(head)
    empty = True
    for group in grouped.values():
        yield _row(group.finding, group.places)
        empty = False
    for f in findings:
        if not boilerplate or group_digest(f) not in boilerplate:
            yield _row(f)
            empty = False
    if empty:
        yield '<tr><td colspan="3">No findings.</td></tr>'
    yield "\n".join(["</tbody></table></section>", *(overview if small else []),
                     '<footer>Generated by claimlint. Findings flag wording for review by a '
                     "qualified person; they are not legal advice.</footer></main>",
                     f"<script>{_JS}</script></body></html>\n"])


def _groups(findings: Iterable[Finding], ids: dict[bytes, str]) -> dict[bytes, _Group]:
    """Collect each boilerplate group's places and most severe finding, in first-seen order."""
    out: dict[bytes, _Group] = {}
    for f in findings:
        digest = group_digest(f)
        if digest not in ids:
            continue
        place = (f.path, "" if f.is_document_level else f":{f.line}")
        group = out.get(digest)
        if group is None:
            out[digest] = _Group(f, [place])
        else:
            group.places.append(place)
            if f.severity.rank > group.finding.severity.rank:
                group.finding = f
    return out


def _chart(run: Totals) -> str:
    counts = run.distinct_by_category()
    cats = list(dict.fromkeys([*CATEGORIES, *(c for c, _ in counts)]))
    totals = {c: sum(counts[(c, s)] for s in SEVERITIES) for c in cats}
    cats.sort(key=lambda c: -totals[c])  # stable: ties keep the taxonomy order
    top, row_h, label_w, bar_w = max(totals.values(), default=0) or 1, 26, 200, 760
    parts = [f'<svg id="category-chart" role="img" aria-label="Findings by category" '
             f'viewBox="0 0 1040 {len(cats) * row_h + 4}" width="100%">']
    for i, c in enumerate(cats):
        y, x = i * row_h + 2, float(label_w)
        short = c if len(c) <= 26 else c[:25] + "\u2026"
        parts.append(f'<a href="#category={_e(quote(c, safe=""))}"><text x="{label_w - 10}" '
                     f'y="{y + 17}" text-anchor="end">{_e(short)}<title>{_e(c)}</title></text></a>')
        for s in SEVERITIES:
            w = counts[(c, s)] / top * bar_w
            if w:
                parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="18" '
                             f'fill="{_BAR[s]}"><title>{_e(c)}: {counts[(c, s)]} {s}</title>'
                             "</rect>")
            x += w
        parts.append(f'<text x="{x + 8:.1f}" y="{y + 17}" class="count" '
                     f'font-weight="600">{totals[c]}</text>')
    legend = "".join(f'<i class="{s}"></i>{s}' for s in SEVERITIES)
    once = (" Wording repeated on 3 or more pages counts once." if run.repeats else "")
    return ('<section id="categories"><h2>Findings by category</h2><p class="note">Each bar '
            f"is split by severity; click a category to filter the findings.{once}</p>"
            + "".join(parts) + f'</svg><div class="legend">{legend}</div></section>')


def _pages(by_page: dict[str, Counter[str]]) -> str:
    ranked = sorted(by_page.items(), key=risk_order)
    rows = [f'<tr><td class="n">{i}</td><td><a class="path" href="#page={_e(quote(p, safe=""))}">'
            f"{_path(p)}</a></td>" + "".join(f'<td class="n">{c[s]:,}</td>' for s in SEVERITIES)
            + f'<td class="n"><b>{sum(c.values()):,}</b></td></tr>'
            for i, (p, c) in enumerate(ranked, 1)] or ['<tr><td colspan="6">No findings.</td></tr>']
    head = ('<table class="pages"><thead><tr><th class="n">#</th><th>Page</th><th class="n">'
            'Errors</th><th class="n">Warnings</th><th class="n">Info</th><th class="n">Findings'
            "</th></tr></thead><tbody>")
    table = head + "".join(rows[:PAGE_ROWS]) + "</tbody></table>"
    if len(rows) > PAGE_ROWS:  # <details> opens without script; the rest stay out of the way
        table += (f'<details id="all-pages"><summary>Show all {len(rows):,} pages</summary>'
                  + head + "".join(rows[PAGE_ROWS:]) + "</tbody></table></details>")
    top = f"the {PAGE_ROWS} riskiest are listed" if len(rows) > PAGE_ROWS else "listed"
    return ('<section id="pages"><h2>Pages ranked by risk</h2><p class="note">Pages with the most '
            f"errors come first, then the most warnings, then the most findings; {top} here. "
            "Findings repeated on many pages count on each page.</p>" + table + "</section>")


def _problems(result: LintResult) -> str:
    items = [f'<li><span class="path">{_e(e.path)}</span>: {_e(e.message)}</li>'
             for e in result.errors]
    items += [f'<li><span class="path">{_e(p.path)}:{_e(p.line)}</span>: {_e(p.message)}</li>'
              for p in result.problems]
    items += [f"<li>{_e(n)}</li>" for n in result.notices]
    if result.suppressed:
        items.append(f"<li>{len(result.suppressed)} finding(s) approved inline by the site "
                     "owner are not listed.</li>")
    if not items:
        return ""
    return ('<section id="notes"><h2>Notes</h2><p class="note">Pages that could not be '
            f"checked, approval problems and notices.</p><ul>{''.join(items)}</ul></section>")


def _filters(tally: _Tally) -> str:
    """Return the findings section up to its first row: the filters and the table head."""
    cats = sorted(tally.categories)
    opts = "".join(f'<option value="{_e(c)}">{_e(c)}</option>' for c in cats)
    page_opts = "".join(f'<option value="{_e(p)}">{_e(p)}</option>' for p in tally.pages)
    boxes = "".join(f'<label><input type="checkbox" name="severity" value="{s}" checked> '
                    f"{s} ({tally.severity[s]})</label>" for s in SEVERITIES)
    total = tally.total
    return ('<section id="findings"><h2>Findings</h2><p class="note">Wording repeated on '
            "3 or more pages (usually a shared header or footer) is listed once with its "
            "pages; the count below counts it on each page.</p>"
            '<div class="filters" role="search"><label>Category <select '
            f'id="f-category"><option value="">All categories</option>{opts}</select></label>'
            '<label>Page <select id="f-page"><option value="">All pages</option>'
            f'{page_opts}</select></label>{boxes}<button type="button" id="f-reset">Reset'
            f'</button><output id="f-count" data-total="{total}">Showing {total} of {total} '
            'findings</output></div><table id="findings-table"><thead><tr><th>Severity</th>'
            '<th>Where</th><th>Finding</th></tr></thead><tbody>')


def _row(f: Finding, places: list[tuple[str, str]] | None = None) -> str:
    """Return one finding's table row, or a boilerplate group's when ``places`` are given."""
    if places is None:
        paths = [f.path]
        where = (f'<span class="path">{_path(f.path)}</span><span class="loc">'
                 + ("whole page" if f.is_document_level else f"line {f.line}, col {f.column}")
                 + "</span>")
    else:
        paths = [path for path, _ in places]
        where = (f"<details><summary>on {len(dict.fromkeys(paths))} pages</summary><ul>"
                 + "".join(f'<li class="path">{_path(path)}{line}</li>' for path, line in places)
                 + "</ul></details>")
    return (f'<tr class="finding {f.severity.value}" data-severity="{f.severity.value}" '
            f'data-category="{_e(f.category)}" data-rule="{_e(f.rule)}" '
            f'data-pages="{_e(json.dumps(paths))}"><td><span class="sev {f.severity.value}">'
            f'{f.severity.value.capitalize()}</span></td><td class="where">{where}</td>'
            f"<td>{_body(f)}</td></tr>")


def _body(f: Finding) -> str:
    out = [f'<span class="rule">{_e(f.rule)} &middot; {_e(f.category)}'
           + (" &middot; hedged" if f.hedged else "") + "</span>"]
    if f.sentence:
        out.append(f'<div class="sentence">{highlight(f.sentence, f.quote or f.match)}</div>')
    elif f.match:
        out.append(f'<div class="sentence"><mark>{_e(f.match)}</mark></div>')
    out.append(f'<p class="msg">{_e(f.message)}</p>')
    if f.suggestions:
        tag = f'<span class="tag">{_e(f.fix.applicability.value)} fix</span>' if f.fix else ""
        tries = " / ".join(f"remove &ldquo;{_e(s)}&rdquo;" if kind == "remove"
                           else f"&ldquo;{_e(s)}&rdquo;" for kind, s in suggestion_parts(f))
        out.append(f'<p class="extra suggestion"><b>Suggested wording:</b> {tries}{tag}</p>')
    if f.advice:
        out.append(f'<p class="extra advice"><b>Advice:</b> {_e(f.advice)}</p>')
    if f.references:
        out.append('<ul class="refs">' + "".join(_ref(r) for r in f.references) + "</ul>")
    return "".join(out)


def _ref(ref: Reference) -> str:
    url = safe_url(ref.url)
    if url is None:  # javascript:, data:, relative... shown as text, never as a link
        return f"<li>{_e(ref.title)}" + (f" ({_e(ref.url)})" if ref.url else "") + "</li>"
    return (f'<li><a href="{_e(url)}" rel="noopener noreferrer" target="_blank">'
            f"{_e(ref.title or url)}</a></li>")


def highlight(sentence: str, match: str) -> str:
    """Return the escaped sentence with the first occurrence of the match in <mark>."""
    words = match.strip(" ,;").split()  # a drop's span may take a comma with it
    found = re.search(r"\s+".join(map(re.escape, words)), sentence, re.I) if words else None
    if found is None:  # the match spans sentences or was rewritten: show it beside
        return _e(sentence) + (f" (<mark>{_e(match)}</mark>)" if words else "")
    at, end = found.span()
    return f"{_e(sentence[:at])}<mark>{_e(sentence[at:end])}</mark>{_e(sentence[end:])}"
