"""Compile every rule's matchers once into shared spaCy matchers and regexes."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .nlp import set_lemmas
from .ruleset import Matchers, Rule

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# Slots are the places a rule can name matchers; each (rule, slot) is one key.
SLOTS = ("match", "when.sentence", "when.document", "unless.phrases", "unless.sentence", "required")
Hits = dict[tuple[int, str], list[tuple[int, int]]]
# Accepted terms (the config's vocabulary "accept": product names that contain a
# flagged word) cancel any match they overlap.
ACCEPT = (-1, "accept")


def term_variants(term: str) -> Iterator[str]:
    """Yield a term and its hyphen variants: non-invasive, non invasive, noninvasive."""
    yield term
    if "-" in term:
        yield term.replace("-", " ")
        yield term.replace("-", "")


def lemma_key(nlp: Language, text: str) -> tuple[str, ...]:
    """Return the lemma sequence the engine matches ``text`` by."""
    return tuple(t.lemma_ for t in set_lemmas(nlp.make_doc(text)) if not t.is_space)


@dataclass
class CompiledRules:
    """All matchers of a rule set, run once per segment."""

    rules: tuple[Rule, ...]
    nlp: Language
    accept: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        self.matcher = Matcher(self.nlp.vocab)
        self.regexes: list[tuple[tuple[int, str], re.Pattern[str]]] = []
        self._keys: dict[int, tuple[int, str]] = {}
        for index, rule in enumerate(self.rules):
            for slot, matchers in _slots(rule):
                self._add(index, slot, matchers)
        if self.accept:
            self._add(ACCEPT[0], ACCEPT[1], Matchers(terms=self.accept))

    def _add(self, index: int, slot: str, matchers: Matchers) -> None:
        key = (index, slot)
        name = f"{index}/{slot}"
        self._keys[self.nlp.vocab.strings.add(name)] = key
        docs, seen = [], set()
        for term in matchers.terms:
            for variant in term_variants(term):
                doc = set_lemmas(self.nlp.make_doc(variant))
                lemmas = tuple(t.lemma_ for t in doc)
                if lemmas and lemmas not in seen:
                    seen.add(lemmas)
                    docs.append(doc)
        if docs:
            self.phrases.add(name, docs)
        if matchers.patterns:
            self.matcher.add(name, [list(p) for p in matchers.patterns])
        for rx in matchers.regex:
            self.regexes.append((key, re.compile(rx, re.IGNORECASE)))

    def hits(self, docs: Sequence[Doc]) -> list[Hits]:
        """Return, per segment doc, the character spans each (rule index, slot) matched."""
        out: list[Hits] = []
        for doc in docs:
            found: Hits = defaultdict(list)
            matches = [*self.phrases(doc), *(self.matcher(doc) if len(self.matcher) else ())]
            for match_id, start, end in matches:
                span = doc[start:end]
                found[self._keys[match_id]].append((span.start_char, span.end_char))
            out.append(found)
        for doc, found in zip(docs, out):
            text = doc.text  # rebuilt from the tokens on every access: read it once
            for key, rx in self.regexes:
                for m in rx.finditer(text):
                    group = "match" if "match" in rx.groupindex and m.group("match") else 0
                    if m.end(group) > m.start(group):
                        found[key].append((m.start(group), m.end(group)))
        return out


def _slots(rule: Rule) -> Iterator[tuple[str, Matchers]]:
    pairs = (
        ("match", rule.match),
        ("when.sentence", rule.when.sentence_has),
        ("when.document", rule.when.document_has),
        ("unless.phrases", rule.unless.phrases),
        ("unless.sentence", rule.unless.sentence_has),
        ("required", rule.required),
    )
    return ((slot, m) for slot, m in pairs if m)
