"""Handling bugs fixed in the mechanism: apostrophes, bare reference numbers, modifiers
inside appeal phrases, product subjects of disease claims, approval words in comparisons."""

from __future__ import annotations

import pytest

from claimlint import Linter, Options
from claimlint.citations import find_citations
from claimlint.context import is_negated
from claimlint.nlp import build_pipeline, lemma_of

_LINTER = Linter(Options(packs=("core",)))


def rules_of(text: str) -> set[str]:
    return {f.rule for f in _LINTER.lint_text(text, "page.txt")}


def curly(text: str) -> str:
    return text.replace("'", "\u2019")


# --- 1. typographic apostrophes -------------------------------------------------------

NEGATED = [
    "We don't promise guaranteed regrowth.",
    "This isn't a miracle cure.",
    "Our peptide drip won't cure arthritis.",
    "We can't guarantee results.",
    "Red light doesn't cure alopecia.",
    "Our injectors haven't been shown to beat surgery.",
]


@pytest.mark.parametrize("word", ["n't", "'s", "'re", "'ll"])
def test_typographic_apostrophe_lemmatises_as_the_straight_one(word: str) -> None:
    assert lemma_of(curly(word)) == lemma_of(word)


@pytest.mark.parametrize("text", NEGATED)
def test_contraction_negates_with_either_apostrophe(text: str) -> None:
    nlp = build_pipeline(None)
    for variant in (text, curly(text)):
        doc = nlp(variant)
        sent = next(iter(doc.sents))
        claim = next(t.i for t in doc if t.lower_ in {"promise", "miracle", "cure", "guarantee",
                                                      "shown"})
        assert is_negated(sent, claim, variant), variant


@pytest.mark.parametrize("text", NEGATED)
def test_curly_and_straight_apostrophes_give_the_same_findings(text: str) -> None:
    assert rules_of(curly(text)) == rules_of(text)


def test_regex_rules_take_either_apostrophe_and_keep_exact_offsets() -> None:
    text = "Glow Street Clinic: it\u2019s now well established that red light heals skin."
    findings = [f for f in _LINTER.lint_text(text, "page.txt")
                if f.rule == "unsourced-evidence.studies-show"]
    assert findings
    assert all(f.match == text[f.start:f.end] for f in findings)
    assert rules_of(text) == rules_of(text.replace("\u2019", "'"))


def test_spacy_text_is_never_rewritten() -> None:
    text = "We don\u2019t promise guaranteed regrowth."
    assert build_pipeline(None)(text).text == text


# --- 2. bare reference numbers --------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Studies show our platelet injections speed tendon repair (5).",
    "Studies show our platelet injections speed tendon repair at 6 months. 1, 2",
    "Studies show scalp density improved with our serum 1,2",
    "Studies show our platelet injections speed tendon repair.\u00b9\u00b2",
])
def test_reference_numbers_cite_the_appeal_to_research(text: str) -> None:
    assert find_citations(text)
    assert "unsourced-evidence.studies-show" not in rules_of(text)


def test_trailing_reference_list_stays_in_its_sentence() -> None:
    doc = build_pipeline(None)("Tendons healed faster at 6 months. 1, 2\n\nBook a visit.")
    assert [s.text.strip() for s in doc.sents] == [
        "Tendons healed faster at 6 months. 1, 2", "Book a visit."]


@pytest.mark.parametrize("text", [
    "Studies show our drip works. (1) Book, (2) arrive, (3) relax.",
    "Studies show our drip works for 3 sessions (3).",
    "Studies show our drip works; it costs $120 (2 bags).",
    "Studies show our drip works. We opened in May. 3 clinics followed.",
])
def test_counts_steps_and_prices_are_not_citations(text: str) -> None:
    assert "unsourced-evidence.studies-show" in rules_of(text)


# --- 3. modifiers inside appeal phrases -----------------------------------------------

@pytest.mark.parametrize(("text", "rule"), [
    ("According to doctors, our peptide drip lifts energy.", "unsourced-evidence.studies-show"),
    ("According to leading surgeons, our peptide drip lifts energy.",
     "unsourced-evidence.studies-show"),
    ("According to many top sports physicians, our injections heal tendons.",
     "unsourced-evidence.studies-show"),
    ("According to the latest clinical research, our serum firms skin.",
     "unsourced-evidence.studies-show"),
    ("Recent clinical studies show our serum firms skin.", "unsourced-evidence.studies-show"),
    ("Many leading experts agree our serum firms skin.", "unsourced-evidence.expert-consensus"),
    ("Our serum is recommended by top cosmetic dermatologists.",
     "unsourced-evidence.expert-consensus"),
])
def test_appeal_to_authority_survives_modifiers(text: str, rule: str) -> None:
    assert rule in rules_of(text)


def test_according_to_your_own_doctor_is_no_appeal() -> None:
    assert "unsourced-evidence.studies-show" not in rules_of(
        "Use the drops according to your doctors' instructions.")


# --- 4. product subjects of disease claims --------------------------------------------

@pytest.mark.parametrize("text", [
    "Our cream cures eczema.",
    "Our herbal balm heals psoriasis.",
    "The Willow Street ointment gets rid of rosacea.",
    "Our sleep tea eliminates insomnia.",
    "This supplement reverses diabetes.",
    "Our bath oil treats eczema.",
])
def test_named_condition_as_object_of_a_remedy_verb(text: str) -> None:
    assert "disease-claim.treats-condition" in rules_of(text)


@pytest.mark.parametrize("text", [
    "Our cream does not cure eczema.",
    "Eczema often flares in winter.",
])
def test_condition_without_a_remedy_claim(text: str) -> None:
    assert "disease-claim.treats-condition" not in rules_of(text)


# --- 5. an approval word cancels only what it qualifies -------------------------------

def test_approval_word_does_not_hide_a_comparison() -> None:
    found = rules_of("Our FDA-approved laser works better than minoxidil.")
    assert {"regulatory-status.fda-approved", "comparative-claim.better-than"} <= found


@pytest.mark.parametrize("text", [
    "Minoxidil is approved by the FDA for pattern hair loss.",
    "Finasteride, an FDA-approved tablet, is prescribed by your GP.",
])
def test_approval_of_an_approved_drug_is_a_fact(text: str) -> None:
    assert "regulatory-status.fda-approved" not in rules_of(text)


@pytest.mark.parametrize("text", [
    "Minoxidil is the only approved foam treatment for pattern hair loss in women.",
    "Minoxidil is the only treatment approved by the FDA for pattern hair loss in women.",
])
def test_the_only_approved_treatment_is_no_comparison(text: str) -> None:
    assert "comparative-claim.better-than" not in rules_of(text)
    assert "comparative-claim.better-than" in rules_of(text.replace("approved ", "", 1))


def test_claims_reported_as_others_wording_are_not_comparisons() -> None:
    text = "Compounded hormones are promoted by some as safer than approved ones."
    assert "comparative-claim.better-than" not in rules_of(text)


@pytest.mark.parametrize("text", [
    "No stem cell product is approved by the FDA to treat arthritis.",
    "None of these serums has been cleared to treat hair loss.",
    "Adverts often describe the injections as \"non-invasive\".",
    "Some sellers call the procedure painless.",
    "The regulator warned that such drips are marketed to cure long COVID.",
])
def test_denied_status_and_reported_claims_are_not_claims(text: str) -> None:
    found = [f for f in _LINTER.lint_text(text) if not f.is_document_level]
    assert found == [], [(f.rule, f.match) for f in found]


@pytest.mark.parametrize("text", [
    "Our stem cell injections treat arthritis.",
    "Unlike other clinics, we say it plainly: our drips cure long COVID.",
])
def test_own_claims_near_reporting_words_are_still_claims(text: str) -> None:
    assert any(f.category == "disease-claim" for f in _LINTER.lint_text(text))
