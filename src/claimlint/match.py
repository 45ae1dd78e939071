"""Compile every rule's matchers once into shared spaCy matchers and regexes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .nlp import add_phrases, set_lemmas
from .prefilter import Prefilter, fold
from .ruleset import Matchers, Rule
from .vocabregex import LazyRegex, VocabRegex, regex_needs, runnable

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

# Slots are the places a rule can name matchers; each (rule, slot) is one key.
SLOTS = ("match", "when.sentence", "when.document", "unless.phrases", "unless.sentence", "required")
# Slots the engine reads only in sentences where the same rule's "match" matched.
SENTENCE_SLOTS = frozenset(("when.sentence", "unless.phrases", "unless.sentence"))
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
        from spacy.matcher import PhraseMatcher

        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        # One matcher per token pattern, run only on docs holding every token it needs:
        # a pattern's IN lists are checked token by token in Python, so the few that
        # can match should be the only ones run.
        self._patterns: list[tuple[Matcher, tuple[tuple[str, frozenset[int]], ...]]] = []
        # One regex per distinct pattern, with every (rule, slot) that uses it.
        self.regexes: list[tuple[list[tuple[int, str]], LazyRegex | VocabRegex]] = []
        self._regex_at: dict[str, int] = {}
        self._keys: dict[int, tuple[int, str]] = {}
        for index, rule in enumerate(self.rules):
            for slot, matchers in _slots(rule):
                self._add(index, slot, matchers)
        if self.accept:
            self._add(ACCEPT[0], ACCEPT[1], Matchers(terms=self.accept))
        self._needs = _NeedIndex([needs for _, needs in self._patterns])
        self._prefilter = Prefilter([regex_needs(rx) for _, rx in self.regexes])
        # Per regex, the rules one of which must match a segment for its spans to be read
        # there (it serves only sentence slots); None when they are always read.
        self._waits_for: list[frozenset[int] | None] = [
            frozenset(index for index, _ in users)
            if all(slot in SENTENCE_SLOTS for _, slot in users) else None
            for users, _ in self.regexes]

    def _add(self, index: int, slot: str, matchers: Matchers) -> None:
        key = (index, slot)
        name = f"{index}/{slot}"
        self._keys[self.nlp.vocab.strings.add(name)] = key
        variants = [v for term in matchers.terms for v in term_variants(term)]
        add_phrases(self.phrases, name, self.nlp, variants)
        from spacy.matcher import Matcher

        for pattern in matchers.patterns:
            matcher = Matcher(self.nlp.vocab)
            matcher.add(name, [list(pattern)])
            self._patterns.append((matcher, token_needs(pattern)))
        vocabulary = dict(matchers.vocabulary)
        for rx in matchers.regex:
            compiled = runnable(rx, vocabulary)
            # Rules of two categories often share a pattern; a pattern that names a large
            # vocabulary depends on the rule's vocabulary too and is never shared.
            at = self._regex_at.get(rx) if isinstance(compiled, LazyRegex) else None
            if at is None:
                if isinstance(compiled, LazyRegex):
                    self._regex_at[rx] = len(self.regexes)
                self.regexes.append(([key], compiled))
            else:
                self.regexes[at][0].append(key)

    def hits(self, docs: Sequence[Doc], texts: Sequence[str] | None = None) -> list[Hits]:
        """Return, per segment doc, the character spans each (rule index, slot) matched.

        A rule's sentence slots (SENTENCE_SLOTS) are searched by regex only in segments
        where its "match" matched. ``texts`` are the docs' texts when the caller has them.
        """
        from spacy.attrs import IDX, LENGTH

        out: list[Hits] = []
        for doc in docs:
            found: Hits = defaultdict(list)
            matches = [*self.phrases(doc), *(m for matcher in self._matchers_for(doc)
                                             for m in matcher(doc))]
            if matches:
                # Span.start_char and end_char, without building Span and Token objects.
                idx, length = doc.to_array([IDX, LENGTH]).T.tolist()
                keys = self._keys
                for match_id, start, end in matches:
                    found[keys[match_id]].append((idx[start], idx[end - 1] + length[end - 1]))
            out.append(found)
        for text, found in zip(texts or [doc.text for doc in docs], out, strict=True):
            folded = fold(text)
            selected = self._prefilter.select(text, folded)
            waiting: list[tuple[int, frozenset[int]]] = []
            for n in range(len(self.regexes)) if selected is None else selected:
                rules = self._waits_for[n]
                if rules is None:
                    self._search(n, text, folded, found)
                else:
                    waiting.append((n, rules))
            if waiting:
                matched = {index for index, slot in found if slot == "match"}
                for n, rules in waiting:
                    if not matched.isdisjoint(rules):
                        self._search(n, text, folded, found)
        return out

    def _search(self, n: int, text: str, folded: str | None, found: Hits) -> None:
        """Add regex ``n``'s spans in ``text`` (``folded``: fold(text)) to its users' keys."""
        users, rx = self.regexes[n]
        spans = []
        for m in rx.finditer(text, folded):
            group = "match" if "match" in rx.groupindex and m.group("match") else 0
            if m.end(group) > m.start(group):
                spans.append((m.start(group), m.end(group)))
        if spans:
            for key in users:
                found[key].extend(spans)

    def _matchers_for(self, doc: Doc) -> list[Matcher]:
        """The token-pattern matchers that can match ``doc``: each needed token is present."""
        if not self._patterns:
            return []
        from spacy.attrs import LEMMA, LOWER

        met = self._needs.met(*doc.to_array([LOWER, LEMMA]).T.tolist())
        return [matcher for (matcher, _), need in zip(self._patterns, self._needs.patterns,
                                                     strict=True) if need & met == need]


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


def token_needs(pattern: Sequence[dict[str, Any]]) -> tuple[tuple[str, frozenset[int]], ...]:
    """Return (LOWER or LEMMA, hashes) pairs: a match needs a token with one of each's values.

    Only tokens that must occur (no OP, "1" or "+") and plain values or IN lists count.
    """
    from spacy.strings import get_string_id

    needs = []
    for token in pattern:
        keys = {k: str(k).upper() for k in token}
        if any(keys[k] == "OP" and token[k] not in ("1", "+") for k in token):
            continue
        for attr, value in token.items():
            if keys[attr] not in ("LOWER", "LEMMA"):
                continue
            values = value.get("IN") if isinstance(value, dict) else [value]
            if isinstance(values, list) and all(isinstance(v, (str, int)) for v in values):
                needs.append((keys[attr], frozenset(map(get_string_id, values))))
    return tuple(needs)


class _NeedIndex:
    """The token patterns' needs (see token_needs) as bits: a doc's test is a few ORs."""

    def __init__(self, patterns: Sequence[Sequence[tuple[str, frozenset[int]]]]) -> None:
        """Number every need of every pattern; ``patterns[n]`` are pattern n's needs."""
        self.patterns: list[int] = []  # per pattern, the bits of its needs
        by_value: dict[str, dict[int, int]] = {"LOWER": defaultdict(int), "LEMMA": defaultdict(int)}
        bit = 0
        for needs in patterns:
            mask = 0
            for attr, values in needs:
                for value in values:
                    by_value[attr][value] |= 1 << bit
                mask |= 1 << bit
                bit += 1
            self.patterns.append(mask)
        self._lower, self._lemma = dict(by_value["LOWER"]), dict(by_value["LEMMA"])
        self._lowers, self._lemmas = frozenset(self._lower), frozenset(self._lemma)

    def met(self, lowers: Sequence[int], lemmas: Sequence[int]) -> int:
        """The needs that a doc with these token LOWER and LEMMA hashes meets."""
        met = 0
        for value in self._lowers.intersection(lowers):
            met |= self._lower[value]
        for value in self._lemmas.intersection(lemmas):
            met |= self._lemma[value]
        return met
