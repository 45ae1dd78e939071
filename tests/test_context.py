"""The context tests read tokens' string hashes: they decide as they did reading strings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimlint import context
from claimlint.nlp import build_pipeline

if TYPE_CHECKING:
    from spacy.tokens import Span

# Fictional clinic copy, with hedges, negations and their look-alikes.
COPY = """Maple Grove Clinic may help with thinning hair. Our serum could help you regrow it.
We can't promise results, and it is not only for men. No needles and no pain!
It does not cure alopecia; however, it might reduce shedding. There is no doubt it helps.
Nothing here is proven — but patients seem happy. PRP helps. Help is at hand, it may n’t hurt.
Zero side effects, although some redness is possible. Without a doubt, 0 downtime.
"""


def _hedged_by_strings(sent: Span, token_index: int) -> bool:
    doc = sent.doc
    for i in range(sent.start, token_index):
        if doc[i].lower_ in context._HEDGES:
            return True
        if doc[i].lemma_ == "help" and i > sent.start and doc[i - 1].lower_ in context._HELP_HEDGE:
            return True
    return False


def _negated_by_strings(sent: Span, token_index: int) -> bool:
    doc = sent.doc
    if context._DENIAL.search(doc.text[sent.start_char:doc[token_index].idx]):
        return True
    claim = doc[token_index].lower_
    breaks = context._CLAUSE_BREAKS | (
        {"and", "or"} if claim in context._NEGATIVE_CLAIMS else set())
    seen = 0
    for i in range(token_index - 1, sent.start - 1, -1):
        tok = doc[i]
        if tok.is_space:
            continue
        if tok.lower_ in breaks or seen >= context._NEGATION_WINDOW:
            return False
        if tok.lemma_ in context._NEGATORS:
            after = doc[i + 1].lower_ if i + 1 < len(doc) else ""
            return after not in ("only", "matter", "wonder", "doubt")
        seen += 1
    return False


def test_hedge_and_negation_tests_decide_as_by_strings() -> None:
    doc = build_pipeline()(COPY)
    hedged = negated = 0
    for sent in doc.sents:
        for i in range(sent.start, sent.end):
            assert context.is_hedged(sent, i) == _hedged_by_strings(sent, i), (sent.text, i)
            assert context.is_negated(sent, i) == _negated_by_strings(sent, i), (sent.text, i)
            hedged += context.is_hedged(sent, i)
            negated += context.is_negated(sent, i)
    assert hedged > 10 and negated > 10  # the copy exercises both ways of each test
