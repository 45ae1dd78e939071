"""Through the CLI: headline counts that count template text once, the HTML report's page
table, and references ordered for the packs in force."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.cli_helpers import run

ROOT = Path(__file__).resolve().parents[1]
PAGES = 24
HEADER = "Juniper Bay Clinic offers revolutionary scalp care with no side effects at all."
RANK = {"error": 2, "warning": 1, "info": 0}
URGENCY = "inducement.urgency-discount"
VOID = frozenset({"meta", "input", "wbr", "br", "img", "link", "hr"})  # elements without an end


def cli(*args: str, cwd: Path) -> tuple[int, str, str]:
    """Run ``python -m claimlint`` in a subprocess; return exit code, stdout and stderr."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])}
    done = subprocess.run([sys.executable, "-m", "claimlint", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    return done.returncode, done.stdout, done.stderr


def page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><header><p>"
            f"{HEADER}</p></header><main><h1>{title}</h1>{body}</main></body></html>\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fictional clinic's site: one template claim on every page, a few of each page's own."""
    root = tmp_path_factory.mktemp("counts") / "site"
    root.mkdir()
    own = ["<p>Appointments are available on weekdays.</p>",
           "<p>Our laser facial number {i} gives you fuller brows in {i} weeks.</p>",
           "<p>Serum batch {i} cures eczema. Results are guaranteed for {i} months.</p>"]
    for i in range(PAGES):
        body = own[i % 3].format(i=i + 2)
        if i == 7:  # the riskiest page: the most errors
            body += "<p>Our peel cures psoriasis and rosacea. It is completely safe.</p>"
        (root / f"page-{i:02d}.html").write_text(page(f"Treatment {i}", body), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def report(site: Path) -> dict[str, Any]:
    code, out, err = cli("check", "--format", "json", "-j", "1", ".", cwd=site)
    assert code == 1, err
    data: dict[str, Any] = json.loads(out)
    return data


def distinct_counts(findings: list[dict[str, Any]]) -> tuple[int, dict[str, int]]:
    """Count findings with each boilerplate group once, at its most severe member's level."""
    groups: dict[str, str] = {}
    single: Counter[str] = Counter()
    for f in findings:
        group, severity = f["group"], f["severity"]
        if group is None:
            single[severity] += 1
        elif group not in groups or RANK[severity] > RANK[groups[group]]:
            groups[group] = severity
    by_severity = single + Counter(groups.values())
    return sum(by_severity.values()), {s: by_severity[s] for s in ("error", "warning", "info")}


# --- counts -------------------------------------------------------------------------------


def test_json_summary_keeps_its_counts_and_adds_distinct_ones(report: dict[str, Any]) -> None:
    findings, summary = report["findings"], report["summary"]
    # The contract's fields keep their meaning: every finding, on every page.
    assert summary["findings"] == len(findings)
    assert summary["by_severity"] == {s: sum(f["severity"] == s for f in findings)
                                      for s in ("error", "warning", "info")}
    assert summary["files"] == PAGES
    distinct, by_severity = distinct_counts(findings)
    groups = {f["group"] for f in findings if f["group"]}
    assert len(groups) >= 2  # the header sentence: a superlative and a safety claim
    assert summary["distinct"] == {"findings": distinct, "by_severity": by_severity}
    assert summary["groups"] == len(groups)
    assert summary["repeats"] == len(findings) - distinct > 2 * (PAGES - 2)
    assert summary["files_with_findings"] == len({f["path"] for f in findings}) == PAGES


def test_terminal_summary_counts_template_text_once(site: Path, report: dict[str, Any]) -> None:
    code, out, _ = cli("check", "-j", "1", ".", cwd=site)
    assert code == 1
    s = report["summary"]
    d = s["distinct"]["by_severity"]
    assert out.rstrip("\n").splitlines()[-2] == (
        f"{s['distinct']['findings']:,} distinct finding(s) ({d['error']} error, "
        f"{d['warning']} warning, {d['info']} info) in {PAGES} of {PAGES} file(s); "
        f"{s['findings']:,} counted page by page, {s['repeats']:,} of them repeat template text")
    assert "Distinct findings by category" in out
    totals = [int(line.split("│")[-2]) for line in out.splitlines()
              if re.match(r"│ [a-z-]+ +│", line)]
    assert sum(totals) == s["distinct"]["findings"]


def test_without_template_text_the_summary_reads_as_before(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("A revolutionary serum.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("The peel has no side effects.\n", encoding="utf-8")
    (tmp_path / "c.md").write_text("Opening hours are on the contact page.\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "-j", "1", "--select", "hype,safety-claim",
                       str(tmp_path))
    assert code == 1
    assert out.splitlines()[-2:] == ["2 finding(s) (1 error, 1 warning, 0 info) in 2 of 3 file(s)",
                                     "[*] 1 fixable with --fix (1 more with --unsafe-fixes)"]
    assert "Findings by category" in out and "distinct" not in out
    code, out, _ = run(capsys, "check", "-j", "1", "--format", "json", "--select",
                       "hype,safety-claim", str(tmp_path))
    assert code == 1
    summary = json.loads(out)["summary"]
    assert summary["distinct"] == {"findings": 2, "by_severity": summary["by_severity"]}
    assert (summary["groups"], summary["repeats"], summary["files_with_findings"]) == (0, 0, 2)


# --- the HTML report ----------------------------------------------------------------------


@dataclass
class Node:
    """An element of a parsed page: its tag, attributes and children (elements and text)."""

    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def all(self, tag: str, **attrs: str) -> list[Node]:
        """Every element below this one with ``tag`` and these attribute values, in order."""
        out = []
        for c in self.children:
            if isinstance(c, Node):
                if c.tag == tag and all(c.attrs.get(k) == v for k, v in attrs.items()):
                    out.append(c)
                out.extend(c.all(tag, **attrs))
        return out

    def one(self, tag: str, **attrs: str) -> Node:
        [found] = self.all(tag, **attrs)
        return found


class Tree(HTMLParser):
    """Build a tree of Nodes with the standard library's HTML parser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(path: Path) -> Node:
    tree = Tree()
    tree.feed(path.read_text(encoding="utf-8"))
    return tree.root


def page_rows(table: Node) -> list[tuple[int, str, int, int, int, int]]:
    """The rows of a page table: rank, page, errors, warnings, info, findings."""
    def num(text: str) -> int:
        return int(text.replace(",", ""))

    rows = []
    for tr in table.one("tbody").all("tr"):
        rank, path, errors, warnings, info, total = (td.text() for td in tr.all("td"))
        rows.append((num(rank), path, num(errors), num(warnings), num(info), num(total)))
    return rows


def test_html_headline_and_riskiest_pages_first(site: Path, report: dict[str, Any]) -> None:
    code, _, err = cli("check", "--format", "html", "-o", "report.html", "-j", "1", ".",
                       cwd=site)
    assert code == 1, err
    root = parse(site / "report.html")
    s = report["summary"]
    cards = {c.one("span").text(): c.one("b").text() for c in root.all("div", id="totals")[0]
             .children if isinstance(c, Node)}
    d = s["distinct"]["by_severity"]
    assert cards == {"distinct findings": f"{s['distinct']['findings']:,}",
                     "errors": f"{d['error']:,}", "warnings": f"{d['warning']:,}",
                     "info": f"{d['info']:,}", "pages with findings": str(PAGES)}
    assert root.one("p", id="headline").text() == (
        f"{s['distinct']['findings']:,} distinct findings ({s['findings']:,} on {PAGES} pages; "
        f"{s['repeats']:,} repeat template text)")
    # A site's report leads with the chart and the pages, then lists the findings.
    sections = [n.attrs["id"] for n in root.all("section")]
    assert sections.index("pages") < sections.index("findings")
    pages = root.one("section", id="pages")
    top, rest = pages.all("table")
    assert rest in pages.one("details", id="all-pages").all("table")
    assert pages.one("summary").text() == f"Show all {PAGES} pages"
    shown, more = page_rows(top), page_rows(rest)
    assert len(shown) == 20 and len(more) == PAGES - 20
    assert [r[0] for r in shown + more] == list(range(1, PAGES + 1))
    # The order: most errors, then most warnings, then most findings (then the path).
    counts = {p: Counter(f["severity"] for f in report["findings"] if f["path"] == p)
              for p in {f["path"] for f in report["findings"]}}
    expected = sorted(counts, key=lambda p: (-counts[p]["error"], -counts[p]["warning"],
                                             -sum(counts[p].values()), p))
    assert [r[1] for r in shown + more] == expected
    assert shown[0][1] == "./page-07.html"
    assert [(r[2], r[3], r[4], r[5]) for r in shown + more] == [
        (counts[p]["error"], counts[p]["warning"], counts[p]["info"], sum(counts[p].values()))
        for p in expected]  # per-page numbers count every finding on the page


def test_small_html_report_leads_with_its_findings(tmp_path: Path) -> None:
    (tmp_path / "offer.md").write_text("A revolutionary serum with no side effects.\n",
                                       encoding="utf-8")
    code, _, err = cli("check", "--format", "html", "-o", "small.html", "-j", "1", "offer.md",
                       cwd=tmp_path)
    assert code == 1, err
    root = parse(tmp_path / "small.html")
    assert [n.attrs["id"] for n in root.all("section")] == ["findings", "categories", "pages"]
    pages = root.one("section", id="pages")
    assert not pages.all("details") and len(page_rows(pages.one("table"))) == 1
    assert not root.all("p", id="headline")  # nothing repeats: no template line
    labels = [c.one("span").text() for c in root.one("div", id="totals").children
              if isinstance(c, Node)]
    assert labels[0] == "findings"


# --- references follow the packs in force --------------------------------------------------


def references(out: str) -> list[str]:
    """The reference lines of ``claimlint explain``."""
    block = out.split("References:\n", 1)[1].split("\n\n", 1)[0]
    return [line.strip() for line in block.splitlines()]


def test_explain_lists_the_regulator_of_the_packs_in_force_first(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no config file: the default packs (US)
    code, out, _ = run(capsys, "explain", URGENCY)
    assert code == 0
    refs = references(out)
    assert refs[0].startswith("- FTC ") and refs[0].endswith("(us)")
    assert not [r for r in refs[1:] if r.endswith("(us)")]  # the others, as written
    code, out, _ = run(capsys, "explain", URGENCY, "--packs", "core,uk-cap")
    assert code == 0
    assert references(out)[0].startswith("- CAP ") and references(out)[0].endswith("(uk)")
    code, out, _ = run(capsys, "explain", URGENCY, "--packs", "core,au-ahpra")
    assert code == 0
    assert references(out)[0].startswith("- Health Practitioner Regulation National Law")
    # The config's packs are the packs in force when --packs is not given.
    Path(".claimlint.yaml").write_text("packs: [core, uk-cap]\n", encoding="utf-8")
    code, out, _ = run(capsys, "explain", URGENCY)
    assert code == 0 and references(out)[0].endswith("(uk)")
    assert sorted(references(out)) == sorted(refs)  # the same references, reordered


@pytest.mark.parametrize(("packs", "region", "title"), [
    ("core,us-ftc,us-fda", "us", "FTC "), ("core,uk-cap", "uk", "CAP "),
    ("core,au-ahpra", "au", "Health Practitioner Regulation National Law")])
def test_findings_and_rules_json_cite_the_enabled_region_first(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, packs: str, region: str, title: str
) -> None:
    copy = tmp_path / "offer.txt"
    copy.write_text("Book now and get 50% off your first session.\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--format", "json", "-j", "1", "--packs", packs,
                       "--select", URGENCY, str(copy))
    assert code == 1
    findings = json.loads(out)["findings"]
    assert findings and all(f["references"] == findings[0]["references"] for f in findings)
    finding = findings[0]
    assert finding["references"][0]["region"] == region
    assert finding["references"][0]["title"].startswith(title)
    code, out, _ = run(capsys, "rules", "--format", "json", "--packs", packs)
    assert code == 0
    rules = {r["id"]: r for r in json.loads(out)}
    assert rules[URGENCY]["references"] == finding["references"]
    code, out, _ = run(capsys, "explain", URGENCY, "--packs", packs)
    assert code == 0
    assert [line.split(": http")[0][2:] for line in references(out)] == [
        r["title"] for r in finding["references"]]
    # Every rule that cites the region puts it before any other region.
    for rule in rules.values():
        regions = [r["region"] for r in rule["references"]]
        if region in regions:
            assert regions[0] == region, rule["id"]


def test_a_users_pack_names_its_region_in_data(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pack = tmp_path / "house.yaml"
    pack.write_text(
        "pack: house\nregion: uk\nrules:\n  - id: hype.house-wow\n    category: hype\n"
        "    severity: warning\n    message: \"'{match}' is hype.\"\n"
        "    rationale: Because hype reads as a claim of efficacy to ordinary readers.\n"
        "    references:\n"
        "      - {title: US guide, url: 'https://us.example', region: us}\n"
        "      - {title: UK guide, url: 'https://uk.example', region: uk}\n"
        "    match: {terms: [wow]}\n    examples: {flag: [wow], pass: [ok]}\n",
        encoding="utf-8")
    code, out, _ = run(capsys, "rules", "--format", "json", "--packs", "core", "--rules",
                       str(pack))
    assert code == 0
    [rule] = [r for r in json.loads(out) if r["id"] == "hype.house-wow"]
    assert [r["title"] for r in rule["references"]] == ["UK guide", "US guide"]
    code, out, _ = run(capsys, "rules", "--format", "json", "--packs", "core,us-ftc",
                       "--rules", str(pack))
    assert code == 0
    [rule] = [r for r in json.loads(out) if r["id"] == "hype.house-wow"]
    assert [r["title"] for r in rule["references"]] == ["US guide", "UK guide"]  # as written


@pytest.mark.parametrize(("text", "where", "message"), [
    ("pack: house\nregion: usa\nrules: []\n", "2:9", "'region' must be one of us, uk, au, eu, "
     "platform, not 'usa' (did you mean 'us'?)"),
    ("rules:\n  - id: hype.x\n    category: hype\n    severity: warning\n"
     "    message: \"'{match}' is hype.\"\n    rationale: Because hype reads as a claim.\n"
     "    references:\n      - title: T\n        url: https://example.org\n"
     "        region: UK\n    match: {terms: [wow]}\n    examples: {flag: [wow], pass: [ok]}\n",
     "10:17", "'region' must be one of us, uk, au, eu, platform, not 'UK'"),
])
def test_a_bad_region_is_an_error_at_its_place(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, where: str, message: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "rules", "--rules", str(bad))
    assert code == 2
    assert f"{bad}:{where}: {message}" in err
    assert "Traceback" not in err
