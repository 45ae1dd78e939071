"""Rule matching: a rule's sentence conditions are searched only where that rule matched."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimlint import Linter
from claimlint.engine import Engine
from claimlint.extract import document_from_text
from claimlint.match import SENTENCE_SLOTS, CompiledRules, Hits
from claimlint.ruleset import available_packs, load_ruleset

RULES = load_ruleset(tuple(available_packs())).rules
EXAMPLES = sorted({e for r in RULES for e in (*r.examples.flag, *r.examples.passing)})
# Copy about a fictional clinic, with the conditions rules ask of a sentence around it.
OWN = [
    "",
    "   \n\t ",
    "Brightwater Clinic's serum is a revolutionary breakthrough that regrows hair.",
    "Our exosome injections are not approved, and results vary.",
    "Some clinics claim that PRP cures baldness (Okafor et al., 2021).",
    "Terms and conditions apply: you must be aged over 18 to book.",
    "Dr Ília Søndergaard guarantees a painless, FDA-approved facial — ¡garantizado!",
    "Specialist registration MED0001234567 covers our stem cell clinic in Zürich.",
    " ".join(["Our miracle peel is clinically proven and 100% safe"] * 40) + ".",
]
TEXTS = [*EXAMPLES, *OWN]


def _ungated(compiled: CompiledRules) -> CompiledRules:
    """The same rules with every selected regex searched in every segment."""
    every = copy.copy(compiled)
    every._waits_for = [None] * len(compiled.regexes)
    return every


def _read(hits: Hits) -> Hits:
    """The spans the engine reads: sentence slots only of rules whose match matched."""
    matched = {index for index, slot in hits if slot == "match"}
    return {key: spans for key, spans in hits.items()
            if key[1] not in SENTENCE_SLOTS or key[0] in matched}


def _check(linter: Linter, texts: list[str]) -> None:
    compiled = linter.engine.compiled
    docs = list(linter.nlp.pipe(texts))
    for text, gated, full in zip(texts, compiled.hits(docs, texts),
                                 _ungated(compiled).hits(docs, texts), strict=True):
        read = _read(full)
        assert {k: gated.get(k) for k in read} == read, text
        # A slot whose spans are only tested for presence may gather them in another order.
        assert {k: sorted(v) for k, v in _read(gated).items()} == {
            k: sorted(v) for k, v in read.items()}, text


def test_sentence_slots_are_regexes_that_wait_for_a_match(all_packs_linter: Linter) -> None:
    waits = all_packs_linter.engine.compiled._waits_for
    assert any(rules is not None for rules in waits)
    assert any(rules is None for rules in waits)


def test_every_example_and_clinic_text_keeps_the_spans_the_engine_reads(
        all_packs_linter: Linter) -> None:
    _check(all_packs_linter, TEXTS)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(TEXTS), min_size=1, max_size=4),
       st.sampled_from([" ", "\n", " — ", "… ", "\u00a0"]))
def test_joined_texts_keep_the_spans_the_engine_reads(all_packs_linter: Linter,
                                                      parts: list[str], joint: str) -> None:
    _check(all_packs_linter, [joint.join(parts)])


PAGES = ["\n\n".join(EXAMPLES[i:i + 60]) for i in range(0, len(EXAMPLES), 60)]


@pytest.mark.parametrize("text", [
    *OWN, *PAGES,
    "# Brightwater's Revolutionary Hair Clinic\n\n- Regrows hair in weeks\n- Not FDA approved\n",
])
def test_findings_are_those_of_searching_every_regex(all_packs_linter: Linter, text: str) -> None:
    engine = all_packs_linter.engine
    every: Engine = copy.copy(engine)
    every.compiled = _ungated(engine.compiled)
    document = document_from_text(text, "clinic.md")
    docs = list(all_packs_linter.nlp.pipe([s.text for s in document.segments]))
    assert engine.lint(document, docs) == every.lint(document, docs)
