"""The regex prefilter never skips a regex that would match (it only saves time)."""

from __future__ import annotations

import re

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from claimlint import citations, context, features
from claimlint.prefilter import (
    Prefilter,
    fold,
    folded_pattern,
    relaxed_gate,
    required_strings,
)
from claimlint.ruleset import available_packs, compile_regex, load_ruleset
from claimlint.vocabregex import LazyRegex, match_starts

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


CITED = ["See Smith et al. (2021).", "doi:10.1000/xyz123", "no source at all", "PMID 1234567",
         "https://example.org/study", "As reported in Nature (2019).", "Shown in trials.[3]",
         "Hair density rose 20%.4", "Results held at 6 months (12, 14).", "See note[^2].",
         "Registered as NCT01234567.", "Jones and Patel (2020) found less shedding.", "ISBN 978"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CITED), st.sampled_from(EXAMPLES), st.data())
def test_has_citation_runs_only_patterns_that_can_match(cited: str, example: str,
                                                        data: st.DataObject) -> None:
    text = _mutate(f"{example} {cited}" if data.draw(st.booleans()) else cited, data)
    every_pattern = next(citations._candidates(text), None) is not None
    assert citations.has_citation(text) == every_pattern
    for _, pattern, gate in citations._PATTERNS:
        if gate is not None and pattern.search(text):
            assert gate.search(text), (pattern.pattern, text)


def test_citation_gates_pass_every_citation_they_guard() -> None:
    gated = [(p, g) for _, p, g in citations._PATTERNS if g is not None]
    assert len(gated) == 3
    for text in [*CITED, "(Smith & Jones, n.d.)", "Lee et al. in press", "less shedding (1, 2).", "less shedding 1,2"]:
        for pattern, gate in gated:
            assert not pattern.search(text) or gate.search(text), (pattern.pattern, text)


# The case-insensitive regexes of the context tests and the model's features.
OWN = [context._DENIAL.pattern, context._REPORTED.pattern, features._QUOTE.pattern,
       features._CONDITION_FORM.pattern, *(rx.pattern for rx in features._CUES.values())]
FOLDED = [(rx, re.compile(lowered)) for rx in [*REGEXES, *OWN]
          if (lowered := folded_pattern(rx)) is not None]


def test_folded_patterns_refuse_what_lower_casing_would_change() -> None:
    assert folded_pattern(r"\bStudies\s+SHOW\b") == r"\bstudies\s+show\b"
    assert folded_pattern(r"[A-Z]\S+(?P<match>X)(?P=match)") == r"[a-z]\S+(?P<match>x)(?P=match)"
    for unsure in (r"[A-z]", r"(?-i:[A-Z])x", r"\x41", r"\\\x4B", r"\xe9", r"(?P<Name>a)",
                   "\u03a3", "caf\u00c9"):
        assert folded_pattern(unsure) is None, unsure
    # A caseless character named by code stays as written; an escaped backslash is no code.
    assert folded_pattern("IT\\x27S [\\x27\u2019]") == "it\\x27s [\\x27\u2019]"
    assert folded_pattern(r"A\\x41") == r"a\\x41"
    assert all(folded_pattern(rx) for rx in OWN)  # these always take the fast path
    assert len(FOLDED) > len(REGEXES) / 2


def _same_matches(text: str) -> None:
    folded = fold(text)
    assume(folded is not None and len(folded) == len(text))
    assert folded is not None
    for pattern, lowered in FOLDED:
        expected = [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]
        assert [m.span() for m in lowered.finditer(folded)] == expected, (pattern, text)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(EXAMPLES), st.sampled_from(EXAMPLES), st.data())
def test_folded_patterns_match_mutated_examples_alike(a: str, b: str, data: st.DataObject) -> None:
    _same_matches(_mutate(f"{a} {b}", data))


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("abcdeiklmnorstuvy 0123456789%$.,-'[]^_`\u017f\u212aIKZ\u0131"),
               max_size=60))
def test_folded_patterns_match_arbitrary_text_alike(text: str) -> None:
    _same_matches(text)


# Rule regexes with case-sensitive groups (acronyms, names) run from where their gate matches.
GATED = [LazyRegex(rx) for rx in REGEXES if "(?-i:" in rx and relaxed_gate(rx)]


def test_relaxed_gates_refuse_what_could_lose_a_match() -> None:
    # Accepting more inside these can accept less overall, so no gate is offered:
    # "(?>a|ab)c" commits to "a" and fails on "abc", where "(?>(?-i:A)|ab)c" matches.
    for unsure in (r"(?>(?-i:A)|ab)c", r"x(?!(?-i:A))", r"(?-i:x(?!a))", r"(?-i:(a))\1",
                   r"(?-i:A)++b", r"(?-i:A)?(?(1)b|c)", r"no\(?-i:x)"):
        assert relaxed_gate(unsure) is None, unsure
    assert relaxed_gate(r"\btreats\s+(?-i:MS)\b(?!\w)") == r"\btreats\s+(?:ms)\b(?!\w)"
    assert len(GATED) > 10


def _gated_alike(text: str) -> None:
    for rx in GATED:
        expected = [m.span() for m in re.finditer(rx.pattern, text, re.IGNORECASE)]
        assert [m.span() for m in rx.finditer(text)] == expected, (rx.pattern, text)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(EXAMPLES), st.sampled_from(EXAMPLES), st.data())
def test_gated_regexes_match_mutated_examples_alike(a: str, b: str, data: st.DataObject) -> None:
    _gated_alike(_mutate(f"{a}\n{b}" if data.draw(st.booleans()) else f"{a} {b}", data))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["treats", "helps with", "PRP", "prp", "MS", "Ms", "ms", "ALS",
                                 "als", "hair loss", "Dr", "Sarah", "sarah", ",", " ", "\n", "34",
                                 "says", "'s", "\u212a", "\u017f"]), max_size=14))
def test_gated_regexes_match_arbitrary_text_alike(words: list[str]) -> None:
    _gated_alike(" ".join(words))


# Page cues are counted only where a match can start (LazyRegex.count, match_starts).
STARTED = [*(rx.pattern for rx in features._CUES.values()), features._QUOTE.pattern,
           context._DENIAL.pattern, r"(?:ab|c)d\b", r"\d+\s?%", r"x\d|\dy", r"(a)b+|[bc]{2}",
           r"\bwe(?:'re)?\b|\bus\b"]


def test_match_starts_names_how_every_match_begins_or_refuses() -> None:
    assert match_starts(r"\b(?:study|studies|trial)\b") == ("studies", "study", "trial")
    assert match_starts(r"[$£]\s?\d|\b\d+\s?usd\b|\bper\s+session") == ("$", "per", "£", None)
    assert match_starts(r"\\d") == ("\\d",)  # a backslash and a "d", not a digit
    for unsure in (r"a|", r"x*y", r"[^a]b", r"(?=a)a", r"(?i)ab", r"(?i:a)b", r"\w+itis",
                   r"[a-z]x", r"(?<=a)b"):
        assert match_starts(unsure) is None, unsure


def _counts_alike(text: str) -> None:
    for pattern in STARTED:
        rx = LazyRegex(pattern)
        expected = len(re.findall(pattern, text, re.IGNORECASE))
        assert rx.count(text) == expected, (pattern, text)
        assert rx.count(text, fold(text)) == expected, (pattern, text)
        folded = fold(text)
        starts = match_starts(folded_pattern(pattern) or "")
        if starts is not None and folded is not None and len(folded) == len(text):
            for m in re.finditer(pattern, text, re.IGNORECASE):
                at = folded[m.start():]
                assert any(at[:1].isdecimal() if s is None else at.startswith(s)
                           for s in starts), (pattern, text)


def test_page_cues_count_as_finditer_on_edge_texts() -> None:
    for text in ("", " ", "\n\n", "We offer 20% off: book now!", "USD 5 usd 5usd $5 £ 5 € 12",
                 "\u0663\u0660% off and \u0661\u0662 usd", "İSTANBUL we \u017fave \u212aelvin",
                 "our ours us-us we’ve we've we're “said” \"says\"", "x" * 5000 + " we " * 300,
                 "per  session\nfrom\n$4 per\nsession", "9" * 2000 + "% off"):
        _counts_alike(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["we", "We're", "our", "us", "you", "your", "book", "call us",
                                 "get in touch", "side-effects", "side effect", "not approved",
                                 "meta-analysis", "20%", "5 usd", "$", "£9", "€", "per session",
                                 "from", "12", "\u0663", "%", "off", "abd", "cd", "x1y", "1y",
                                 "studies", "said", "“", "no", "evidence", ",", " ", "\n", "-",
                                 "\u017f", "\u212a", "İ"]), max_size=16))
def test_page_cues_count_as_finditer_on_arbitrary_text(words: list[str]) -> None:
    _counts_alike("".join(words) if len(words) % 2 else " ".join(words))


def _searches_alike(text: str) -> None:
    folded = fold(text)
    for pattern in OWN:
        rx, plain = LazyRegex(pattern), re.compile(pattern, re.IGNORECASE)
        for pos, endpos in ((0, len(text)), (-4, 10**6), (3, 40), (len(text) // 2, -1),
                            (7, len(text) - 2), (len(text) + 1, len(text) + 5)):
            expected = plain.search(text, pos, endpos)
            for got in (rx.search(text, pos, endpos), rx.search(text, pos, endpos, folded)):
                assert (got and got.span()) == (expected and expected.span()), (pattern, text)


def test_searches_on_folded_text_find_what_re_finds() -> None:
    # Our own copy: a clinic's page with claims, denials, reports and quotes.
    for text in ("", " ", "Our clinic treats tendinitis. The British team is kind.\nPain? No.",
                 "There is no good evidence that our serum regrows hair; its makers claim it does.",
                 "Sore ACHES and scarring. \u017fcars. İnsomnia. Arthritis-like dysfunction",
                 "The doctor said “it works”, and clinics advertise it as safe. Beware of myths.",
                 "x" * 3000 + " not yet proven " + "y" * 3000):
        _searches_alike(text)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(EXAMPLES), st.sampled_from(EXAMPLES), st.data())
def test_cue_counts_and_folded_searches_match_mutated_examples_alike(
        a: str, b: str, data: st.DataObject) -> None:
    text = _mutate(f"{a}\n{b}" if data.draw(st.booleans()) else f"{a} {b}", data)
    _counts_alike(text)
    _searches_alike(text)
