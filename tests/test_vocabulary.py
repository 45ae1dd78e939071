"""Very large vocabularies (issue 11): matched per text, with the same matches as inlined.

The time they take is measured by ``benchmarks/vocabulary.py``, not asserted here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimlint import Linter, Options
from claimlint.match import term_variants
from claimlint.nlp import build_pipeline, phrase_keys, set_lemmas
from claimlint.prefilter import Prefilter
from claimlint.ruleset import available_packs, load_files, load_ruleset
from claimlint.selftest import check_regex_speed
from claimlint.vocabregex import (
    LARGE_VOCABULARY,
    VocabRegex,
    expand_regex,
    regex_needs,
    runnable,
    term_alternation,
)
from tests.hostile.generators import large_vocabulary, vocabulary_pack

TERMS = large_vocabulary(50_000, seed=11)


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("vocabulary") / "big.yaml"
    path.write_text(vocabulary_pack(TERMS), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def linter(pack: Path) -> Linter:
    return Linter(Options(packs=(), rule_paths=(pack,), model="none"))


def _found(linter: Linter, text: str) -> dict[str, set[str]]:
    """Rule id -> the text each of its findings (merged ones included) matched."""
    found: dict[str, set[str]] = {}
    for f in linter.lint_text(text, "page.md"):
        assert text[f.start:f.end] == f.match
        for rule in (f.rule, *f.merged):
            found.setdefault(rule, set()).add(f.match)
    return found


def test_a_50000_term_vocabulary_stays_a_reference_in_its_regexes(pack: Path) -> None:
    rules = load_files([("big", pack)]).rules
    regex = rules[1].match
    assert regex.regex == (r"\btreats?\s+{@big}", r"\b(?:cures?|reverses?)\s+(?:your\s+)?{@big}")
    assert dict(regex.vocabulary)["big"] == tuple(TERMS)
    assert len(rules[0].match.terms) == 50_000


@pytest.mark.parametrize("term", [TERMS[-1], TERMS[-2], TERMS[25_000], TERMS[0]])
def test_terms_from_anywhere_in_the_list_are_found_by_terms_and_by_regex(
        linter: Linter, term: str) -> None:
    found = _found(linter, f"Our serum treats {term} in a week.")
    assert found == {"disease-claim.listed": {term}, "efficacy-claim.treats-listed": {
        f"treats {term}"}}
    found = _found(linter, f"It cures your {term}.")
    assert found["efficacy-claim.treats-listed"] == {f"cures your {term}"}


def test_hyphen_apostrophe_and_acronym_spellings_match_as_for_small_vocabularies(
        linter: Linter) -> None:
    hyphenated = next(t for t in TERMS if "-" in t).replace("-", " ")
    possessive = next(t for t in TERMS if "'" in t).replace("'", "’")
    acronym = next(t for t in TERMS if t.isupper())
    text = (f"It treats {hyphenated}. It treats {possessive}. It treats {acronym}s. "
            f"It treats {acronym.lower()}.")
    assert _found(linter, text)["efficacy-claim.treats-listed"] == {
        f"treats {hyphenated}", f"treats {possessive}", f"treats {acronym}s"}


def test_the_prefilter_still_selects_the_regex_by_its_own_words(pack: Path) -> None:
    rule = load_files([("big", pack)]).rules[1]
    compiled = [runnable(rx, dict(rule.match.vocabulary)) for rx in rule.match.regex]
    assert all(isinstance(rx, VocabRegex) for rx in compiled)
    assert [regex_needs(rx) for rx in compiled] == [
        (frozenset({"treat"}),), (frozenset({"cure", "reverse"}),)]
    chosen = Prefilter([regex_needs(rx) for rx in compiled])
    assert chosen.select(f"{TERMS[-1]} is common.") == []
    assert chosen.select(f"It treats {TERMS[-1]}.") == [0]
    assert chosen.select("It reverses ageing.") == [1]
    # Selected, the regex is built with the terms present, and matches nothing else.
    assert [m.group() for m in compiled[1].finditer("It reverses ageing.")] == []


# Terms from a few letters overlap a lot: prefixes of each other, plurals, spellings.
_WORDS = st.sampled_from(["ab", "abs", "abc", "ba", "b", "a1", "ab1", "x", "xy", "é"])
_TERM = st.builds(
    lambda words, sep, upper: (sep.join(words)).upper() if upper else sep.join(words),
    st.lists(_WORDS, min_size=1, max_size=3), st.sampled_from([" ", "-", "'", "’", " "]),
    st.booleans())
_TEXT = st.lists(st.one_of(_WORDS, _WORDS.map(str.upper), st.sampled_from(
    [" ", "  ", "-", "'", "’", "s", "es", ".", "\n", "treats ", "treat "])), max_size=30)
_TEMPLATES = [r"{@v}", r"\btreats?\s+{@v}", r"(?:{@v}|foo)\s*(?P<match>ab?)?",
              r"(?P<match>{@v})(?:\s+{@v})?", r"\b{@v}\b"]


@settings(max_examples=300, deadline=None)
@given(st.lists(_TERM, min_size=1, max_size=40, unique=True), st.sampled_from(_TEMPLATES),
       _TEXT)
def test_matching_per_text_equals_the_regex_with_every_term(
        terms: list[str], template: str, pieces: list[str]) -> None:
    text = "".join(pieces)
    full = re.compile(template.replace("{@v}", term_alternation(terms)), re.IGNORECASE)
    per_text = VocabRegex(template, {"v": terms})
    expected = [(m.span(), m.groupdict()) for m in full.finditer(text)]
    assert [(m.span(), m.groupdict()) for m in per_text.finditer(text)] == expected


def test_small_vocabularies_are_still_written_into_the_regex() -> None:
    small = {"v": tuple(f"term{n}" for n in range(LARGE_VOCABULARY))}
    large = {"v": (*small["v"], "one more")}
    assert expand_regex(r"\b{@v}", small) == r"\b" + term_alternation(small["v"])
    assert expand_regex(r"\b{@v}", large) == r"\b{@v}"


def test_terms_tokenized_together_get_the_keys_they_get_alone() -> None:
    nlp = build_pipeline()
    rules = load_ruleset(tuple(available_packs())).rules
    terms = {t for r in rules for m in (r.match, r.unless.phrases, r.unless.sentence_has,
                                        r.when.sentence_has, r.when.document_has, r.required)
             for t in m.terms}
    tricky = ["can't", "cannot", "gonna", "U.S.", "Dr. Smith", "e.g.", "non-invasive",
              "C++", "24/7", "100%", "5-star", "Botox®", "a  b", " lead", "tab\tterm", "😀 glow",
              "“quoted”", "(brackets)", "state-of-the-art", "don’t", "St. John's wort"]
    variants = [v for t in [*sorted(terms), *tricky, *TERMS[:3000]] for v in term_variants(t)]
    alone = [tuple(t.lemma for t in set_lemmas(nlp.make_doc(v))) for v in variants]
    assert phrase_keys(nlp, variants) == alone


def test_test_rules_times_the_regex_around_a_large_vocabulary_not_its_50000_terms(
        pack: Path) -> None:
    # With every term written in, each near miss took over 0.5 s: "backtracks
    # catastrophically" was reported for a regex that does not.
    check_regex_speed(load_files([("big", pack)]).rules)
