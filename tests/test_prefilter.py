"""The regex prefilter never skips a regex that would match (it only saves time)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from claimlint import citations
from claimlint.prefilter import Prefilter, fold, required_strings
from claimlint.ruleset import available_packs, compile_regex, load_ruleset

RULES = load_ruleset(tuple(available_packs())).rules
REGEXES = sorted({rx for r in RULES
                  for m in (r.match, r.required, r.unless.sentence_has, r.unless.phrases)
                  if m for rx in m.regex})
COMPILED = [compile_regex(rx) for rx in REGEXES]
FILTER = Prefilter([required_strings(rx.pattern, rx.flags) for rx in COMPILED])
EXAMPLES = sorted({e for r in RULES for e in (*r.examples.flag, *r.examples.passing)})


def test_required_strings_of_simple_patterns() -> None:
    assert required_strings(r"\bstudies\s+show") == (frozenset({"studies"}), frozenset({"show"}))
    assert required_strings(r"(?:cure|heal)s?\b") == (frozenset({"cure", "heal"}),)
    assert required_strings(r"\d+%") == (frozenset({"%"}),)
    assert required_strings(r"(?:x)?y*") == ()  # nothing is required: the regex always runs


def test_fold_maps_what_ignorecase_matches_and_gives_up_when_unsure() -> None:
    assert fold("Stem-CELL") == "stem-cell"
    assert fold("\u017fafe") == "safe"  # long s matches "s" case-insensitively
    assert fold("\u212aelvin") == "kelvin"  # the Kelvin sign matches "k"


def _mutate(text: str, data: st.DataObject) -> str:
    swaps = {"s": "\u017f", "k": "\u212a", "i": "I", "e": "E", " ": "  "}
    out = []
    for ch in text:
        if ch.lower() in swaps and data.draw(st.integers(0, 9)) == 0:
            out.append(swaps[ch.lower()])
        else:
            out.append(ch.upper() if data.draw(st.integers(0, 7)) == 0 else ch)
    return "".join(out)


def _check(text: str) -> None:
    selected = FILTER.select(text)
    if selected is None:
        return
    chosen = set(selected)
    for n, rx in enumerate(COMPILED):
        if n not in chosen:
            assert not rx.search(text), (REGEXES[n], text)


def test_every_rule_example_keeps_its_matching_regexes() -> None:
    for text in EXAMPLES:
        _check(text)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(EXAMPLES), st.sampled_from(EXAMPLES), st.data())
def test_mutated_examples_keep_their_matching_regexes(a: str, b: str, data: st.DataObject) -> None:
    _check(_mutate(f"{a} {b}", data))


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("abcdeiklmnorstuvy 0123456789%$.,-'\u017f\u212aIK"), max_size=60))
def test_arbitrary_text_keeps_its_matching_regexes(text: str) -> None:
    _check(text)


def test_citation_answers_do_not_change_once_the_prefilter_starts() -> None:
    texts = ["See Smith et al. (2021).", "doi:10.1000/xyz123", "no source at all", "PMID 1234567",
             "https://example.org/study", "As reported in Nature (2019)."]
    expected = [any(p.search(t) for _, p in citations._PATTERNS) for t in texts]
    for _ in range(2001):
        citations.has_citation("warm-up")
    assert citations._prefilter.cache_info().currsize == 1
    assert [citations.has_citation(t) for t in texts] == expected
