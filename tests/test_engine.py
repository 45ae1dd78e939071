"""Engine behaviour: unless conditions, severities, spans, merging, document rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimlint import Linter, Options, Severity, lint_text
from claimlint.findings import Applicability, Fix
from claimlint.ruleset import load_files

RULES = """\
pack: t
vocabulary:
  thing: [exosome, serum]
rules:
  - id: hype.t
    category: hype
    severity: warning
    message: "'{match}' is hype."
    rationale: Hype about a treatment reads as an objective claim of efficacy to readers.
    references: [{title: T, url: "https://example.org/t"}]
    match: {terms: [revolutionary, undeniable, breakthrough]}
    suggest:
      revolutionary: new
      undeniable: clear
      breakthrough: {before-noun: "", otherwise: development}
    fix: {drop: safe, reword: unsafe}
    examples: {flag: [A revolutionary serum.], pass: [A new serum.]}
  - id: efficacy-claim.t
    category: efficacy-claim
    severity: warning
    hedged_severity: info
    message: "'{match}' claims an effect."
    rationale: Efficacy claims need competent and reliable scientific evidence in humans.
    references: [{title: T, url: "https://example.org/t"}]
    match: {terms: [regrow, cure]}
    when: {sentence_has: ["@thing"]}
    unless: {question: true, cited: paragraph}
    suggest: {cure: help with}
    fix: unsafe
    examples: {flag: [Exosomes regrow hair.], pass: [Nothing here.]}
  - id: misleading-descriptor.t
    category: misleading-descriptor
    severity: error
    message: "'{match}' misleads."
    rationale: A needle procedure is not non-invasive; the descriptor misleads about risk.
    references: [{title: T, url: "https://example.org/t"}]
    scope: [paragraph, list]
    match: {terms: [non-invasive]}
    when: {document_has: [injection]}
    examples: {flag: [Non-invasive injection.], pass: [Non-invasive cream.]}
  - id: missing-disclosure.t
    category: missing-disclosure
    level: document
    severity: warning
    message: Claims without a disclosure.
    rationale: Pages with efficacy claims must tell readers results vary and the status.
    references: [{title: T, url: "https://example.org/t"}]
    trigger: [efficacy-claim]
    required: {regex: ['results vary']}
    examples: {flag: [Exosomes regrow hair.], pass: [Exosomes regrow hair. Results vary.]}
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Linter:
    path = tmp_path_factory.mktemp("rules") / "t.yaml"
    path.write_text(RULES, encoding="utf-8")
    return Linter(Options(), load_files([("t", path)]))


def rules_of(linter: Linter, text: str, path: str = "x.txt") -> list[str]:
    return [f.rule for f in linter.lint_text(text, path)]


@pytest.mark.parametrize("text", [
    "Exosomes do not regrow hair.",
    "There is no evidence that exosomes regrow hair.",
    "There is no good clinical evidence that a serum can regrow hair.",
    "Some clinics claim that exosomes regrow hair.",
    "Be wary of ads saying exosomes regrow hair.",
    "Can exosomes regrow hair?",
    "Exosomes regrow hair (Smith et al., 2021).",
    "Exosomes regrow hair [3].",
    "Exosomes regrow hair, see https://doi.org/10.1000/xyz123.",
    "You may have seen serums advertised online as “they regrow hair in weeks”.",
    "You'll see “exosomes regrow hair” on plenty of adverts.",
    "If anyone tells you a serum will regrow hair, ask for the trial.",
    "Exosomes are described as “a safe way to regrow hair” and as “a serum that will regrow hair”.",
])
def test_claim_is_cancelled(tiny: Linter, text: str) -> None:
    assert "efficacy-claim.t" not in rules_of(tiny, text)


@pytest.mark.parametrize("text", [
    "Exosomes regrow hair.",
    "Not only do exosomes regrow hair, they feel great.",
    "A study published in the Journal of Hair found exosomes regrow hair.",
    "Research by UCLA shows exosomes regrow hair.",
])
def test_claim_is_reported(tiny: Linter, text: str) -> None:
    assert "efficacy-claim.t" in rules_of(tiny, text)


def test_citation_elsewhere_in_paragraph_counts_for_paragraph_scope(tiny: Linter) -> None:
    text = "Exosomes regrow hair. This was shown by Lee et al. (2020).\n\nSerum regrows hair.\n"
    findings = [f for f in tiny.lint_text(text, "x.txt") if f.rule == "efficacy-claim.t"]
    assert [f.match for f in findings] == ["regrows"]


def test_hedged_claim_is_reported_at_lower_severity(tiny: Linter) -> None:
    [f] = [f for f in tiny.lint_text("Exosomes may regrow hair.", "x.txt") if f.category == "efficacy-claim"]
    assert f.hedged and f.severity is Severity.INFO
    [g] = [f for f in tiny.lint_text("Exosomes regrow hair.", "x.txt") if f.category == "efficacy-claim"]
    assert not g.hedged and g.severity is Severity.WARNING


def test_when_sentence_has_requires_the_term_in_the_same_sentence(tiny: Linter) -> None:
    assert rules_of(tiny, "We love exosomes. They regrow hair.") == []


def test_when_document_has_looks_at_the_whole_page(tiny: Linter) -> None:
    assert "misleading-descriptor.t" in rules_of(tiny, "It is non-invasive.\n\nOne injection a month.")
    assert "misleading-descriptor.t" not in rules_of(tiny, "It is non-invasive.\n\nA cream a day.")


def test_scope_filter_skips_headings(tiny: Linter) -> None:
    text = "# Non-invasive injection\n\nNon-invasive injection for all.\n"
    findings = [f for f in tiny.lint_text(text, "x.md") if f.rule == "misleading-descriptor.t"]
    assert [(f.line, f.scope) for f in findings] == [(3, "paragraph")]


def test_document_rule_fires_once_without_disclosure(tiny: Linter) -> None:
    doc = [f for f in tiny.lint_text("Exosomes regrow hair. Serum regrows hair.", "x.txt")
           if f.rule == "missing-disclosure.t"]
    assert len(doc) == 1
    assert (doc[0].start, doc[0].end, doc[0].match, doc[0].line) == (0, 0, "", 1)
    assert "missing-disclosure.t" not in rules_of(tiny, "Exosomes regrow hair. Results vary.")
    assert "missing-disclosure.t" not in rules_of(tiny, "A plain page about opening hours.")


def test_lemma_aware_and_case_insensitive_terms(tiny: Linter) -> None:
    for text in ("Exosomes REGROW hair.", "The serum regrew nothing but regrows hair.",
                 "Serum cures, cured and curing."):
        assert "efficacy-claim.t" in rules_of(tiny, text), text


def test_comparative_degree_is_not_collapsed(linter: Linter) -> None:
    assert not [f for f in linter.lint_text("We want better sleep for you.", "x.txt")
                if f.rule == "hype.the-best"]


def test_suggestion_keeps_case_inflection_and_fixes_the_article(tiny: Linter) -> None:
    [f] = [f for f in tiny.lint_text("It was an undeniable result.", "x.txt") if f.category == "hype"]
    assert (f.match, f.suggestions, f.fix.replacement if f.fix else None) == (
        "an undeniable", ("a clear",), "a clear")
    [g] = [f for f in tiny.lint_text("Revolutionary care.", "x.txt") if f.category == "hype"]
    assert g.suggestions == ("New",)
    [h] = [f for f in tiny.lint_text("The serum cures it.", "x.txt") if f.rule == "efficacy-claim.t"]
    assert h.suggestions == ("helps with",)
    # Before a noun a noun never replaces the word ("a development serum"): it is dropped.
    [i] = [f for f in tiny.lint_text("A breakthrough serum.", "x.txt") if f.category == "hype"]
    assert (i.match, i.suggestions, i.fix) == ("breakthrough ", ("",),
                                               Fix("", Applicability.SAFE))
    [j] = [f for f in tiny.lint_text("It was a breakthrough.", "x.txt") if f.category == "hype"]
    assert (j.match, j.suggestions, j.fix) == ("breakthrough", ("development",),
                                               Fix("development", Applicability.UNSAFE))


def test_overlapping_matches_of_one_rule_are_merged(linter: Linter) -> None:
    findings = [f for f in linter.lint_text("Guaranteed results for you.", "x.txt")
                if f.rule == "efficacy-claim.absolute-promise"]
    assert [f.match for f in findings] == ["Guaranteed results"]


@pytest.mark.parametrize("prefix,newline", [("", "\n"), ("\ufeff", "\r\n"), ("", "\r\n")])
def test_offsets_are_exact_with_crlf_bom_and_non_ascii(
        tiny: Linter, tmp_path: Path, prefix: str, newline: str) -> None:
    body = newline.join(["Café “Zoë” — naïve 🙂 text", "", "Ünïcode: a revolutionary serum.", ""])
    path = tmp_path / "page.md"
    path.write_bytes((prefix + body).encode("utf-8"))
    result = tiny.lint_paths([path])
    [f] = [f for f in result.findings if f.category == "hype"]
    assert body[f.start:f.end] == f.match == "revolutionary"
    assert (f.line, f.column) == (3, 12)
    assert (f.end_line, f.end_column) == (3, 25)


def test_findings_are_sorted_and_deterministic(linter: Linter) -> None:
    text = Path(__file__).parent.joinpath("corpus", "docs").glob("*.txt")
    for path in text:
        first = linter.lint_paths([path]).findings
        assert list(first) == sorted(first, key=lambda f: (f.start, f.end, f.rule))
        assert first == linter.lint_paths([path]).findings


def test_rules_needing_a_trained_pipeline_are_skipped_with_one_notice(tmp_path: Path) -> None:
    path = tmp_path / "pos.yaml"
    path.write_text(RULES.replace(
        "match: {terms: [revolutionary, undeniable, breakthrough]}",
        "match: {patterns: [[{POS: ADJ}, {LOWER: serum}]]}"), encoding="utf-8")
    linter = Linter(Options(), load_files([("t", path)]))
    result = linter.lint_paths([])
    assert result.notices == ("1 rule(s) need a trained spaCy pipeline and were skipped "
                              "(set --model or 'model:' in config): hype.t",)
    assert "hype.t" not in rules_of(linter, "A revolutionary serum.")


def test_a_model_that_is_not_installed_is_a_usage_error() -> None:
    from claimlint.errors import UsageError
    with pytest.raises(UsageError, match="spaCy model 'no_such_model' is not installed"):
        Linter(Options(model="no_such_model"))


def test_line_start_anchors_work_in_every_segment(tmp_path: Path) -> None:
    path = tmp_path / "anchor.yaml"
    path.write_text(RULES.replace(
        "match: {terms: [revolutionary, undeniable, breakthrough]}",
        "match: {regex: '(?m)^Proven to'}"), encoding="utf-8")
    linter = Linter(Options(), load_files([("t", path)]))
    found = [f.line for f in linter.lint_text("Intro.\n\nProven to work.\n\nProven to last.\n", "x.txt")
             if f.rule == "hype.t"]
    assert found == [3, 5]


def test_a_negation_claim_is_not_cancelled_by_an_earlier_one(linter: Linter) -> None:
    found = [f.match for f in linter.lint_text("With no needles and no downtime.", "x.txt")
             if f.rule == "safety-claim.no-risk"]
    assert "no downtime" in found


@pytest.mark.parametrize("text,expected", [
    # a claim worded as an absence is not undone by an earlier one in a list
    ("No downtime and zero side effects.", ["No downtime", "zero side effects"]),
    # "safe and effective" claims efficacy as well as safety
    ("Our facials are safe and effective.", ["safe", "effective"]),
    # a parenthetical dash keeps a denial in the same sentence as the claim
    ("There is no evidence – whatever some clinics say – that exosomes cure baldness.", []),
])
def test_context_across_lists_and_dashes(text: str, expected: list[str]) -> None:
    found = lint_text(text, path="x.txt", options=Options(packs=("core",),
                                                          ignore=("missing-disclosure",)))
    assert sorted({f.match for f in found}) == sorted(expected)


def test_a_citation_on_one_line_of_pasted_copy_does_not_cover_the_next() -> None:
    cited = "A 2021 trial reported thicker hair (Lee et al., 2021, doi:10.1000/abc).\n"
    claim = "92% of our clients see results in a month.\n"
    stats = [f for f in lint_text(cited + claim, path="page.txt")
             if f.category == "unsupported-statistic"]
    assert [f.match for f in stats] == ["92%"]
    joined = [f for f in lint_text(cited.rstrip("\n") + " " + claim, path="page.txt")
              if f.category == "unsupported-statistic"]
    assert joined == []  # one paragraph: its citation covers the figure


def test_regex_vocabulary_reference_takes_every_term_and_its_spellings(tmp_path: Path) -> None:
    rules = tmp_path / "v.yaml"
    rules.write_text(RULES.replace("match: {terms: [regrow, cure]}",
                                   "match: {regex: ['\\bcures?\\s+{@thing}']}"), encoding="utf-8")
    linter = Linter(Options(), load_files([("v", rules)], {"thing": ["non-invasive lift", "ALS"]}))
    for text in ("The serum cures exosomes.", "The serum cures Exosomes today.",
                 "The serum cures noninvasive lifts.", "The serum cures non invasive lift.",
                 "The serum cures ALS."):
        assert "efficacy-claim.t" in rules_of(linter, text), text
    # whole terms only, and a short acronym only in capitals
    for text in ("The serum cures exosomesque.", "The serum cures als."):
        assert "efficacy-claim.t" not in rules_of(linter, text), text
