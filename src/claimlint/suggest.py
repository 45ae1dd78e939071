"""Render a rule's softer wording for one match so the sentence still reads right.

A wording keeps the part of speech, inflection and case of what it replaces, articles
agree (a/an), and a drop leaves no double space, stray comma or lower-case sentence start.
Where a wording cannot fit (a noun before a noun, a dropped word the sentence needs) it
is not offered at all: no suggestion is better than a broken one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import grammar
from .cache import Memo
from .nlp import lemma_of

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

    from .ruleset import Wording

_MODALS = frozenset("may might can could should would will must shall".split())
_INFLECTED = Memo("inflections")
_LEADING_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)
_SMALL = frozenset("a an the of in on for to and or with by at from as".split())
# Initialisms are read letter by letter: "an LED mask", "a PRP facial".
_VOWEL_LETTERS = frozenset("AEFHILMNORSX")
_TAG_CLASS = {"VB": "VERB", "NN": "NOUN", "JJ": "ADJ", "RB": "ADV"}
Blocked = Callable[[int, int], bool]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One wording as a rule writes it; ``keep`` names the term's words a drop keeps."""

    text: str
    keep: tuple[int, ...] | None  # None: a rewording; (): drop the whole term


@dataclass(frozen=True, slots=True)
class Entry:
    """A term's candidates where the match describes a following noun, and elsewhere."""

    before_noun: tuple[Candidate, ...] | None
    otherwise: tuple[Candidate, ...] | None


@dataclass(frozen=True, slots=True)
class Proposal:
    """Replacements for ``text[start:end]``; the first is the fix, a drop if ``drop``."""

    start: int
    end: int
    replacements: tuple[str, ...]
    drop: bool


@dataclass(frozen=True, slots=True)
class Table:
    """A rule's entries by the matched words as written, then by their lemmas."""

    surface: dict[tuple[str, ...], Entry]
    lemmas: dict[tuple[str, ...], Entry]

    def lookup(self, span: Span) -> Entry | None:
        """The entry for the matched words, or the rule's catch-all ("*")."""
        words = [t for t in span if not t.is_space]
        return (self.surface.get(tuple(t.lower_ for t in words))
                or self.lemmas.get(tuple(t.lemma_ for t in words))
                or self.surface.get(("*",)))


def drop_keeps(term: Iterable[str], wording: Iterable[str]) -> tuple[int, ...] | None:
    """Indexes of the term's words a wording keeps, if it only leaves words out; else None."""
    words, kept = [w.lower() for w in term], [w.lower() for w in wording]
    if len(kept) >= len(words) and words != ["*"]:
        return None
    out, i = [], 0
    for w in kept:
        while i < len(words) and words[i] != w:
            i += 1
        if i == len(words):
            return None
        out.append(i)
        i += 1
    return tuple(out)


def compile_table(nlp: Language, wordings: Iterable[Wording]) -> Table:
    """Key every term (and its hyphen variants) by its words and by its lemmas."""
    from .match import term_variants
    from .nlp import set_lemmas

    surface: dict[tuple[str, ...], Entry] = {}
    lemmas: dict[tuple[str, ...], Entry] = {}
    for wording in wordings:
        for variant in dict.fromkeys(term_variants(wording.term)):
            doc = set_lemmas(nlp.make_doc(variant))
            words = [t for t in doc if not t.is_space]
            lower = [t.lower_ for t in words]

            def candidates(texts: tuple[str, ...] | None,
                           lower: list[str] = lower) -> tuple[Candidate, ...] | None:
                if texts is None:
                    return None
                return tuple(Candidate(t, drop_keeps(lower, [w.lower_ for w in nlp.make_doc(t)
                                                             if not w.is_space]))
                             for t in texts)

            entry = Entry(candidates(wording.before_noun), candidates(wording.otherwise))
            surface.setdefault(tuple(lower), entry)
            if all(t.lower_ == t.lemma_ for t in words):
                # A base form reaches its inflections ("miracle" -> "miracles"); an
                # inflected key only itself ("guaranteed" is not the noun "guarantee").
                lemmas.setdefault(tuple(t.lemma_ for t in words), entry)
    return Table(surface, lemmas)


@functools.lru_cache(maxsize=1)
def _articles() -> object:
    import inflect

    return inflect.engine()


def article_for(word: str) -> str:
    """Return "a" or "an" for the word that follows the article."""
    letters = word.strip("\"'“‘(")
    if letters[:1].isdigit():
        return "an" if re.match(r"(?:8|11|18)(?!\d)|8\d", letters) else "a"
    head = re.split(r"[-\s]", letters, maxsplit=1)[0]
    if 1 < len(head) <= 5 and sum(c.isupper() for c in head) >= max(2, len(head) - 1):
        return "an" if head[0].upper() in _VOWEL_LETTERS else "a"  # "a cGMP lab", "an LED"
    return str(_articles().a(letters)).split(" ", 1)[0].lower()  # type: ignore[attr-defined]


def match_case(source: str, replacement: str) -> str:
    """Give ``replacement`` the capitalisation of ``source`` (UPPER, Title or as written)."""
    if len(source) > 1 and source.isupper() and any(c.isalpha() for c in source):
        return replacement.upper()
    first = source.split(" ", 1)[0].split("-", 1)[0]
    if len(first) > 1 and first.isupper():
        return replacement  # "FDA-approved" starts with an acronym, not a capital
    if source[:1].isupper():
        return capitalise(replacement)
    return replacement


def capitalise(text: str) -> str:
    """Upper-case the first letter only ("new area" -> "New area")."""
    return text[:1].upper() + text[1:]


def title_case(text: str) -> str:
    """Capitalise every word but short function words after the first."""
    words = text.split(" ")
    return " ".join(w if i and w.lower() in _SMALL else capitalise(w) for i, w in enumerate(words))


def inflect_like(matched: str, lemma: str, replacement: str) -> str:
    """Inflect the replacement's first word the way ``matched`` inflects ``lemma``."""
    # lemminflect's tables take a fifth of a second to load, so its answers are kept.
    return _INFLECTED.get("\t".join((matched, lemma, replacement)),
                          lambda: _inflect_like(matched, lemma, replacement))


def _inflect_like(matched: str, lemma: str, replacement: str) -> str:
    """inflect_like, computed."""
    from lemminflect import getAllInflections, getInflection

    word = matched.lower()
    if " " in word or word == lemma:
        return replacement
    head, _, rest = replacement.partition(" ")
    if head.lower() in _MODALS or lemma_of(head.lower()) != head.lower():
        return replacement  # only a base-form word can take the matched inflection
    classes = grammar.word_classes(head)
    forms = getAllInflections(lemma)
    for tag, values in forms.items():
        if word in values and tag not in ("VB", "VBP", "NN", "JJ", "RB") and _TAG_CLASS.get(
                tag[:2]) in classes:  # "guaranteed" -> "not guaranteed", never "notted"
            inflected = getInflection(head, tag=tag)
            if inflected:
                return " ".join(filter(None, (inflected[0], rest)))
    return replacement


def fix_article(article: str, replacement: str) -> str | None:
    """Return the article that must precede ``replacement`` if ``article`` is wrong, else None."""
    wanted = article_for(replacement)
    if wanted == article.lower():
        return None
    return wanted.upper() if article.isupper() and len(article) > 1 else match_case(
        article, wanted)


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a match stands: its doc, sentence bounds and what the sentence looks like."""

    doc: Doc
    text: str  # the doc's text: Doc.text rebuilds it from the tokens on every access
    start: int  # token indexes of the match
    end: int
    sent_start: int
    sent_end: int
    first: int  # the sentence's first word
    upper: bool
    title: bool
    blocked: Blocked

    def token(self, i: int) -> Token | None:
        return self.doc[i] if self.sent_start <= i < self.sent_end else None


def propose(entry: Entry, doc: Doc, text: str, span: Span, sent: Span,
            blocked: Blocked) -> Proposal | None:
    """Replacements for the match ``span`` of ``doc`` (whose text is ``text``), or None.

    ``blocked(start, end)`` says whether characters beyond the match belong to another
    rule's match: a suggestion never reaches into one (each finding keeps its own words).
    """
    words = [t for t in span if not t.is_space]
    if not words:
        return None
    place = _Place(doc, text, words[0].i, words[-1].i + 1, sent.start, sent.end,
                   grammar.first_word(doc, sent.start, sent.end),
                   grammar.is_all_caps(doc, sent.start, sent.end),
                   grammar.is_title_case(doc, sent.start, sent.end), blocked)
    adverb = len(words) == 1 and grammar.is_adverb(words[0].text)
    before_noun = not adverb and grammar.can_modify(words, doc, sent.start) and (
        grammar.modifies_next(doc, place.start, place.end, sent.start, sent.end))
    candidates = entry.before_noun if before_noun else entry.otherwise
    edits: list[tuple[int, int, str, bool]] = []
    for c in candidates or ():
        if c.keep == ():
            edit = _drop(place, before_noun, adverb)
        else:
            edit = _reword(place, words, c, before_noun, adverb)
        if edit and edit[2] != text[edit[0]:edit[1]]:
            edits.append((*edit, c.keep is not None))
    if not edits:
        return None
    lo, hi = min(e[0] for e in edits), max(e[1] for e in edits)
    replacements = tuple(dict.fromkeys(text[lo:s] + r + text[e:hi] for s, e, r, _ in edits))
    return Proposal(lo, hi, replacements, edits[0][3])


def _reword(place: _Place, words: list[Token], c: Candidate, before_noun: bool,
            adverb: bool) -> tuple[int, int, str] | None:
    doc = place.doc
    matched = place.text[words[0].idx:words[-1].idx + len(words[-1].text)]
    first = place.start
    while c.keep is None and (t := place.token(first - 1)) is not None and (
            t.lower_ in grammar.GRADING):
        first -= 1  # "virtually painless" -> "mildly uncomfortable", no "virtually" left
    start, end = doc[first].idx, words[-1].idx + len(words[-1].text)
    if place.blocked(start, words[0].idx):
        return None
    opens = first == place.first and doc[first].text[:1].isupper() and not place.upper
    if c.keep is not None:  # a partial drop keeps the page's own words, as written
        kept = [words[i] for i in c.keep]
        text = "".join(t.text_with_ws for t in kept[:-1]) + kept[-1].text
        if opens:
            text = capitalise(text)
    else:
        if before_noun and not grammar.fits_before_noun(
                grammar.without_determiner(c.text) if words[0].lower_ in grammar.DETERMINERS
                else c.text):
            return None  # "our breakthrough serum" never becomes "our development serum"
        if adverb and not grammar.is_adverb(c.text.split()[0]) and " " not in c.text:
            return None  # an adverb is replaced by an adverb
        if grammar.negative_polarity_follows(doc, place.end, place.sent_end):
            return None  # "no pain at all" never becomes "some discomfort at all"
        if before_noun and re.match(r"(?i)an?\s", c.text) and grammar.plural_follows(
                doc, place.end, place.sent_end):
            return None  # "the most effective drips" never becomes "an effective drips"
        lemma = words[0].lemma_ if len(words) == 1 else matched.lower()
        text = inflect_like(matched, lemma, c.text)
        if place.upper:
            text = text.upper()
        elif opens:
            text = capitalise(text)
        elif place.title and matched[:1].isupper():
            text = title_case(text)
        else:
            text = match_case(matched, text)
    before = place.token(first - 1)
    if before is not None and before.lower_ in grammar.DETERMINERS and _LEADING_ARTICLE.match(
            text):
        text = _LEADING_ARTICLE.sub("", text)  # "the next big thing" -> "the new area ..."
    if before is not None and before.lower_ in ("a", "an") and before.whitespace_:
        fixed = fix_article(before.text, text)
        if fixed:
            if place.blocked(before.idx, start):
                return None
            return before.idx, end, fixed + before.whitespace_ + text
    return start, end, text


def _drop(place: _Place, before_noun: bool, adverb: bool) -> tuple[int, int, str] | None:
    """Delete the matched words, tidying spaces, commas, the article and the capital."""
    if not (before_noun or adverb):
        return None  # "the results were undeniable": the sentence needs the word
    doc = place.doc
    i, j = place.start, place.end
    while before_noun and (t := place.token(i - 1)) is not None and (
            t.lower_ in grammar.DEGREE or grammar.is_adverb(t.text)):
        i -= 1  # "a truly remarkable serum" -> "a serum", not "a truly serum"
    prev, nxt = place.token(i - 1), place.token(j)
    if nxt is None:
        return None
    start, end = doc[i].idx, doc[j - 1].idx + len(doc[j - 1].text)
    if nxt.lower_ in grammar.LIST_JOINS and (i == place.first or (
            prev is not None and prev.lower_ in grammar.DETERMINERS)):
        # "a revolutionary, gentle peel" -> "a gentle peel"
        end = nxt.idx + len(nxt.text) + len(nxt.whitespace_)
        nxt = place.token(j + 1)
        if nxt is not None and place.blocked(nxt.idx, nxt.idx + len(nxt.text)):
            return None  # the next word's own drop takes the comma; this one waits a round
    elif prev is not None and prev.lower_ in grammar.LIST_JOINS and before_noun:
        # "a gentle and revolutionary peel" -> "a gentle peel"
        start = prev.idx - _space_before(doc, prev.i)
        prev = place.token(prev.i - 1)
        if _breaks(place.text[start:end]):
            return None
    elif adverb and prev is not None and prev.text == "," and nxt.text == ",":
        # "the change is, undeniably, visible" -> "the change is visible"
        start, end = prev.idx, nxt.idx + len(nxt.text)
        nxt = place.token(j + 1)
    elif adverb and nxt.text == "," and i == place.first:
        end = nxt.idx + len(nxt.text) + len(nxt.whitespace_)  # "Undeniably, the ..."
        nxt = place.token(j + 1)
    elif nxt.is_punct and nxt.text not in ".,!?;:)":
        return None  # a dash, quote or bracket: leave the sentence to the writer
    else:
        ws = doc[j - 1].whitespace_
        if ws and not _breaks(ws) and not nxt.is_punct:
            end += len(ws)
        elif i > 0 and (back := _space_before(doc, i)) and not _breaks(
                place.text[start - back:start]):
            start -= back
        else:
            return None
    if (nxt is None or not any(c.isalnum() for c in nxt.text)) and i == place.first:
        return None  # nothing would be left of the sentence
    replacement = ""
    core = (doc[place.start].idx, doc[place.end - 1].idx + len(doc[place.end - 1].text))
    if (prev is not None and prev.lower_ in ("a", "an") and prev.whitespace_ and nxt is not None
            and nxt.text[:1].isalnum() and start == doc[i].idx):
        fixed = fix_article(prev.text, nxt.text)
        if fixed:  # "a revolutionary exosome serum" -> "an exosome serum"
            start, replacement = prev.idx, fixed + prev.whitespace_
    if (i == place.first and doc[i].text[:1].isupper() and nxt is not None
            and nxt.text[:1].islower() and start <= doc[i].idx):
        end = nxt.idx + len(nxt.text)  # "Revolutionary care ..." -> "Care ..."
        replacement += capitalise(nxt.text)
    if place.blocked(start, core[0]) or place.blocked(core[1], end):
        return None
    return start, end, replacement


def _breaks(text: str) -> bool:
    """True when ``text`` holds a line end (CR, LF or CRLF): a drop never joins lines."""
    return "\n" in text or "\r" in text


def _space_before(doc: Doc, i: int) -> int:
    return len(doc[i - 1].whitespace_) if i > 0 else 0
