"""SARIF, GitHub Actions and JUnit reporters: schema validity, escaping, golden outputs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from claimlint import Linter
from claimlint.findings import (
    Applicability,
    FileError,
    Finding,
    Fix,
    LintResult,
    Reference,
    Severity,
)
from claimlint.report import github, junit, sarif
from claimlint.ruleset import Examples, Rule, Wording

SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
FTC = Reference("FTC Health Products Compliance Guidance (2022)", "https://www.ftc.gov/hp")
SOURCE = "# Hair\n\nA revolutionary therapy.\nNo side effects, guaranteed!\n"


def make_rule(rule_id: str, severity: Severity = Severity.WARNING, **kw: Any) -> Rule:
    fields: dict[str, Any] = {
        "id": rule_id, "category": rule_id.split(".")[0], "severity": severity,
        "message": "'{match}' overstates what the treatment is known to do.",
        "rationale": "Puffery reads as an objective claim of efficacy.",
        "references": (FTC,), "examples": Examples(("A miracle.",), ("A treatment.",)),
        "pack": "core", "path": "core.yaml", "line": 1,
    }
    fields.update(kw)
    return Rule(**fields)


RULES = (
    make_rule("safety-claim.no-side-effects", Severity.ERROR,
              message="'{match}' claims safety without evidence.", suggest=()),
    make_rule("hype.superlative", suggest=(Wording("revolutionary", ("new",), ("new",)),),
              advice="Describe what the treatment does.", fix=Applicability.SAFE),
    make_rule("missing-disclosure.results-vary", Severity.INFO,
              message="The page makes treatment claims but has no disclosure.", level="document"),
)


def finding(match: str, rule: str = "hype.superlative", path: str = "site/hair.md",
            source: str = SOURCE, **kw: Any) -> Finding:
    """A finding for the first occurrence of match in source, positions computed."""
    start = source.index(match)
    end = start + len(match)
    line, col = source.count("\n", 0, start) + 1, start - (source.rfind("\n", 0, start) + 1) + 1
    end_line, end_col = source.count("\n", 0, end) + 1, end - (source.rfind("\n", 0, end) + 1) + 1
    line_start = source.rfind("\n", 0, start) + 1
    fields: dict[str, Any] = {
        "path": path, "rule": rule, "category": rule.split(".")[0],
        "severity": Severity.WARNING, "message": f"'{match}' overstates it.",
        "start": start, "end": end, "match": match, "line": line, "column": col,
        "end_line": end_line, "end_column": end_col, "scope": "paragraph",
        "sentence": source[line_start:source.index("\n", end)], "references": (FTC,),
    }
    fields.update(kw)
    return Finding(**fields)


def document_finding(path: str = "site/hair.md") -> Finding:
    return Finding(path, "missing-disclosure.results-vary", "missing-disclosure", Severity.INFO,
                   "The page makes treatment claims but has no disclosure.", 0, 0, "", 1, 1, 1, 1,
                   "document", "")


def sample() -> LintResult:
    return LintResult(
        findings=(
            finding("revolutionary", suggestions=("new",), advice="Describe it.",
                    fix=Fix("new", Applicability.SAFE)),
            finding("No side effects", rule="safety-claim.no-side-effects", severity=Severity.ERROR,
                    message="'No side effects' claims safety without evidence."),
            document_finding(),
            finding("guaranteed", path="other\\dir\\page.md", message="'guaranteed' <script>"),
        ),
        errors=(FileError("broken.html", "cannot decode: invalid UTF-8 at byte 3"),),
        files=4,
        notices=("1 rule(s) need a trained spaCy pipeline and were skipped",),
    )


def sarif_log(result: LintResult, rules: tuple[Rule, ...] = RULES) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(sarif.render(result, rules, "0.1.0"))
    return log


# --- SARIF -------------------------------------------------------------------------------


UNICODE = "\u00dcn\u00efc\u00f6d\u00e9 \U0001d49c revolutionary.\n"  # an astral letter


@pytest.mark.parametrize("result", [
    sample(),
    LintResult(findings=()),
    LintResult(findings=(finding("revolutionary", source=UNICODE),)),
], ids=["sample", "empty", "unicode"])
def test_sarif_is_valid_against_the_official_schema(result: LintResult) -> None:
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(sarif_log(result)), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_sarif_golden_single_finding() -> None:
    result = LintResult(findings=(finding("revolutionary", fix=Fix("new", Applicability.SAFE)),),
                        files=1)
    rule = make_rule("hype.superlative",
                     suggest=(Wording("revolutionary", ("new", "novel"), ("new", "novel")),))
    log = sarif_log(result, (rule,))
    fp = sarif.fingerprint(result.findings[0])
    assert log == {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "claimlint", "version": "0.1.0", "rules": [{
                "id": "hype.superlative",
                "name": "HypeSuperlative",
                "shortDescription": {
                    "text": "The flagged wording overstates what the treatment is known to do."},
                "fullDescription": {"text": "Puffery reads as an objective claim of efficacy."},
                "help": {
                    "text": "Puffery reads as an objective claim of efficacy.\n\n"
                            "Suggested wording:\n- 'revolutionary' -> 'new' or 'novel'\n\n"
                            "References:\n- FTC Health Products Compliance Guidance (2022): "
                            "https://www.ftc.gov/hp",
                    "markdown": "Puffery reads as an objective claim of efficacy.\n\n"
                                "**Suggested wording:**\n- 'revolutionary' -> 'new' or 'novel'"
                                "\n\n**References:**\n- [FTC Health Products Compliance "
                                "Guidance (2022)](<https://www.ftc.gov/hp>)",
                },
                "helpUri": "https://www.ftc.gov/hp",
                "defaultConfiguration": {"level": "warning"},
                "properties": {"category": "hype", "pack": "core", "tags": ["hype", "core"]},
            }]}},
            "invocations": [{"executionSuccessful": True}],
            "columnKind": "unicodeCodePoints",
            "results": [{
                "ruleId": "hype.superlative",
                "ruleIndex": 0,
                "level": "warning",
                "message": {"text": "'revolutionary' overstates it."},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": "site/hair.md"},
                    "region": {"startLine": 3, "startColumn": 3, "endLine": 3, "endColumn": 16,
                               "charOffset": 10, "charLength": 13,
                               "snippet": {"text": "revolutionary"}},
                }}],
                "partialFingerprints": {"claimlint/sentence/v1": f"{fp}:1"},
                "fixes": [{
                    "description": {"text": "Replace with 'new'"},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": "site/hair.md"},
                        "replacements": [{"deletedRegion": {"charOffset": 10, "charLength": 13},
                                          "insertedContent": {"text": "new"}}],
                    }],
                    "properties": {"applicability": "safe"},
                }],
                "properties": {"category": "hype", "scope": "paragraph", "hedged": False},
            }],
        }],
    }
    assert SOURCE[10:23] == "revolutionary"


def test_sarif_rules_are_all_given_rules_sorted_and_indexed() -> None:
    run = sarif_log(sample())["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == sorted(r.id for r in RULES)
    for res in run["results"]:
        assert ids[res["ruleIndex"]] == res["ruleId"]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in run["tool"]["driver"]["rules"]}
    assert levels == {"hype.superlative": "warning", "safety-claim.no-side-effects": "error",
                      "missing-disclosure.results-vary": "note"}


def test_sarif_unknown_rule_gets_a_minimal_descriptor() -> None:
    result = LintResult(findings=(finding("revolutionary", rule="hype.other"),))
    run = sarif_log(result, ())["runs"][0]
    assert run["tool"]["driver"]["rules"] == [{
        "id": "hype.other", "name": "HypeOther", "helpUri": "https://www.ftc.gov/hp",
        "properties": {"category": "hype", "tags": ["hype"]}}]
    assert run["results"][0]["ruleIndex"] == 0


def test_sarif_levels_regions_and_document_findings() -> None:
    results = sarif_log(sample())["runs"][0]["results"]
    assert [r["level"] for r in results] == ["warning", "error", "note", "warning"]
    region = results[1]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 4 and region["startColumn"] == 1
    assert region["snippet"]["text"] == "No side effects"
    doc = results[2]["locations"][0]["physicalLocation"]
    assert doc == {"artifactLocation": {"uri": "site/hair.md"}, "region": {"startLine": 1}}
    assert "fixes" not in results[1] and "fixes" not in results[2]


def test_sarif_columns_count_code_points() -> None:
    f = finding("revolutionary", source=UNICODE)
    region = sarif_log(LintResult(findings=(f,)))["runs"][0]["results"][0]["locations"][0][
        "physicalLocation"]["region"]
    assert (region["startColumn"], region["endColumn"], region["charOffset"]) == (11, 24, 10)


def test_sarif_uris() -> None:
    assert sarif.artifact_uri("<stdin>") == "stdin"
    assert sarif.artifact_uri("other\\dir\\page.md") == "other/dir/page.md"
    assert sarif.artifact_uri("./site/my page#1.md") == "site/my%20page%231.md"
    assert sarif.artifact_uri("/srv/site/a.md") == "file:///srv/site/a.md"
    assert sarif.artifact_uri("C:\\site\\a.md") == "file:///C:/site/a.md"
    assert sarif.artifact_uri("a:b.md") == "a%3Ab.md"


def test_sarif_errors_and_notices_become_notifications() -> None:
    (invocation,) = sarif_log(sample())["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    assert invocation["toolExecutionNotifications"] == [{
        "level": "error", "message": {"text": "cannot decode: invalid UTF-8 at byte 3"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "broken.html"}}}]}]
    assert invocation["toolConfigurationNotifications"][0]["level"] == "warning"


def test_fingerprints_are_stable_and_ignore_line_numbers() -> None:
    first = sarif_log(sample())["runs"][0]["results"]
    again = sarif_log(sample())["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in first] == [r["partialFingerprints"] for r in again]
    moved = "# Hair\n\nNew intro paragraph.\n\nA  REVOLUTIONARY\ntherapy.\n"
    shifted = finding("REVOLUTIONARY", source=moved, sentence="A  REVOLUTIONARY\ntherapy.")
    original = finding("revolutionary", sentence="A revolutionary therapy.")
    assert shifted.line != original.line
    assert sarif.fingerprint(shifted) == sarif.fingerprint(original)
    assert sarif.fingerprint(original) != sarif.fingerprint(replace(original, rule="hype.other"))
    assert sarif.fingerprint(original) != sarif.fingerprint(replace(original, sentence="Other."))


def test_repeated_identical_findings_get_distinct_fingerprints() -> None:
    f = finding("revolutionary")
    results = sarif_log(LintResult(findings=(f, f, replace(f, path="b.md"))))["runs"][0]["results"]
    values = [r["partialFingerprints"]["claimlint/sentence/v1"] for r in results]
    assert [v.rsplit(":", 1)[1] for v in values] == ["1", "2", "1"]


def test_short_description_puts_the_placeholder_into_words() -> None:
    assert sarif.short_description("'{match}' claims safety.") == (
        "The flagged wording claims safety.")
    assert sarif.short_description("Avoid “{match}” here.") == "Avoid the flagged wording here."
    assert sarif.short_description("No placeholder.") == "No placeholder."


# --- GitHub Actions ----------------------------------------------------------------------


def test_github_golden() -> None:
    assert github.render(sample()) == (
        "::warning file=site/hair.md,line=3,col=3,endLine=3,endColumn=16,"
        "title=hype.superlative::'revolutionary' overstates it.%0ATry: 'new'%0ADescribe it.\n"
        "::error file=site/hair.md,line=4,col=1,endLine=4,endColumn=16,"
        "title=safety-claim.no-side-effects::'No side effects' claims safety without evidence.\n"
        "::notice file=site/hair.md,line=1,title=missing-disclosure.results-vary::"
        "The page makes treatment claims but has no disclosure.\n"
        "::warning file=other\\dir\\page.md,line=4,col=18,endLine=4,endColumn=28,"
        "title=hype.superlative::'guaranteed' <script>\n"
        "::error file=broken.html::cannot decode: invalid UTF-8 at byte 3\n"
        "::notice title=claimlint::1 rule(s) need a trained spaCy pipeline and were skipped\n"
    )


def test_github_escapes_properties_and_data() -> None:
    f = finding("revolutionary", path="a,b:c%d.md", message="50% off\r\nnow: a, b")
    line = github.render(LintResult(findings=(f,)))
    assert line == ("::warning file=a%2Cb%3Ac%25d.md,line=3,col=3,endLine=3,endColumn=16,"
                    "title=hype.superlative::50%25 off%0D%0Anow: a, b\n")
    assert github.escape_property("%0A") == "%250A"
    assert github.render(LintResult(findings=())) == ""


@pytest.mark.parametrize("path,cwd,root,expected", [
    ("./site/a.md", "/repo/web", "/repo", "web/site/a.md"),
    ("/repo/web/site/a.md", "/repo/web", "/repo", "web/site/a.md"),
    ("../b.md", "/repo/web", "/repo", "b.md"),
    ("./site/a.md", "/work", "", "site/a.md"),
    ("/elsewhere/a.md", "/repo", "/repo", "/elsewhere/a.md"),
    ("<stdin>", "/repo", "/repo", "<stdin>"),
])
def test_github_paths_are_repository_relative(path: str, cwd: str, root: str,
                                              expected: str) -> None:
    assert github.repo_path(path, cwd, root) == expected


# --- JUnit -------------------------------------------------------------------------------


def test_junit_golden() -> None:
    result = LintResult(findings=(finding("revolutionary", suggestions=("new",)),), files=3)
    assert junit.render(result) == """\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="claimlint" tests="2" failures="1" errors="0">
  <testsuite name="claimlint" tests="2" failures="1" errors="0" skipped="0">
    <properties>
      <property name="files" value="3" />
    </properties>
    <testcase classname="claimlint" name="site/hair.md">
      <failure type="hype.superlative" message="3:3 'revolutionary' overstates it.">\
site/hair.md:3:3: warning hype.superlative: 'revolutionary' overstates it.
sentence: A revolutionary therapy.
try: 'new'
see: FTC Health Products Compliance Guidance (2022) &lt;https://www.ftc.gov/hp&gt;</failure>
    </testcase>
    <testcase classname="claimlint" name="2 file(s) without findings" />
  </testsuite>
</testsuites>
"""


def test_junit_counts_and_structure() -> None:
    root = ET.fromstring(junit.render(sample()))
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "claimlint"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["site/hair.md", "other\\dir\\page.md", "broken.html",
                                              "1 file(s) without findings"]
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "2", "1")
    assert len(cases[0].findall("failure")) == 3
    error = cases[2].find("error")
    assert error is not None and error.get("message") == "cannot decode: invalid UTF-8 at byte 3"
    out = suite.find("system-out")
    assert out is not None and "skipped" in (out.text or "")


def test_junit_escapes_markup_quotes_and_control_characters() -> None:
    nasty = 'Say "<script>alert(\'x\')</script>" & more\x0b\x00'
    f = finding("revolutionary", message=nasty, sentence="A <b>revolutionary</b> therapy.")
    text = junit.render(LintResult(findings=(f,), files=1))
    assert "<script>" not in text and "<b>" not in text
    failure = ET.fromstring(text).find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == '3:3 Say "<script>alert(\'x\')</script>" & more\ufffd\ufffd'
    assert "sentence: A <b>revolutionary</b> therapy." in (failure.text or "")


def test_junit_clean_run() -> None:
    root = ET.fromstring(junit.render(LintResult(findings=(), files=2)))
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("1", "0", "0")
    assert ET.fromstring(junit.render(LintResult(findings=()))).get("tests") == "0"


# --- End to end with the built-in packs ------------------------------------------------


def test_real_findings_render_in_every_format(linter: Linter) -> None:
    source = ("# Exosomes\n\nOur revolutionary exosome therapy is a miracle cure for alopecia. "
              "Studies show it is 100% safe, with no side effects.\n")
    result = LintResult(tuple(linter.lint_text(source, "site/page.md")), files=1)
    assert result.findings
    log = sarif_log(result, linter.ruleset.rules)
    validator = jsonschema.Draft4Validator(SCHEMA)
    assert not list(validator.iter_errors(log))
    for res in log["runs"][0]["results"]:
        region = res["locations"][0]["physicalLocation"]["region"]
        if "charOffset" in region:
            at = region["charOffset"]
            assert source[at:at + region["charLength"]] == region["snippet"]["text"]
    lines = github.render(result).splitlines()
    assert len(lines) == len(result.findings)
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    suite = ET.fromstring(junit.render(result)).find("testsuite")
    assert suite is not None and suite.get("failures") == "1"


@pytest.mark.parametrize("result", [sample(), LintResult(())], ids=["findings", "empty"])
def test_streamed_reports_are_exactly_json_dumps(result: LintResult) -> None:
    from claimlint.report import json as json_report

    for out in (json_report.render(result, "1.0"), sarif.render(result, RULES, "1.0")):
        assert out == json.dumps(json.loads(out), indent=2, ensure_ascii=False) + "\n"


def test_iter_json_writes_iterators_as_arrays_item_by_item() -> None:
    from claimlint.report.json import iter_json

    value = {"a": iter([{"x": [1, {}]}, "é"]), "b": iter([]), "c": {}, "d": [[], {"e": None}]}
    plain = {"a": [{"x": [1, {}]}, "é"], "b": [], "c": {}, "d": [[], {"e": None}]}
    pieces = list(iter_json(value))
    assert "".join(pieces) == json.dumps(plain, indent=2, ensure_ascii=False)
    assert len(pieces) > 5
