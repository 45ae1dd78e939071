"""What a word can be, from its own class and position: no tagger runs (see nlp.py).

A suggestion must fit where the match stands: an adjective before a noun is replaced by
an adjective or dropped, never by a noun ("a development serum"). The pipeline has no
part-of-speech tagger, so word classes come from lemminflect's dictionary (which lists
every class a word can have) and position from the neighbouring tokens.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from .cache import Memo

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Words that open a noun phrase: a match right after one describes what follows.
DETERMINERS = frozenset(
    "a an the our your their its his her my this that these those every each any some".split())
# Words that only grade the adjective after them; dropped with it ("a truly remarkable serum").
DEGREE = frozenset(
    "very so truly really most more quite extremely highly incredibly absolutely genuinely "
    "simply totally utterly remarkably exceptionally".split())
# Words that only grade what follows them; a rewording replaces them with the match
# ("virtually painless" -> "mildly uncomfortable", not "virtually mildly uncomfortable").
GRADING = DEGREE | frozenset("virtually almost nearly practically completely entirely".split())
LIST_JOINS = frozenset((",", "and", "or"))
_CLASSES = Memo("word-classes")
_VOWEL_SOUND = re.compile(r"\b(a|an)\s+([\w][\w'’-]*)", re.IGNORECASE)


@functools.lru_cache(maxsize=20_000)
def word_classes(word: str) -> frozenset[str]:
    """Return every class (NOUN, VERB, ADJ, ADV, ...) the dictionary gives ``word``."""

    def classes() -> frozenset[str]:
        from lemminflect import getAllLemmas

        return frozenset(getAllLemmas(word.lower()))

    # lemminflect takes half a second to load its tables, so its answers are kept.
    return _CLASSES.get(word.lower(), classes, sorted, frozenset)


def is_adverb(word: str) -> bool:
    """True for an adverb such as "undeniably" or "forever" (not "early", "only" or "as")."""
    from spacy.lang.en.stop_words import STOP_WORDS

    classes = word_classes(word)
    return word.lower() not in STOP_WORDS and (classes == {"ADV"} or (
        word.lower().endswith("ly") and "ADV" in classes and "ADJ" not in classes))


def _participle(word: str) -> bool:
    return word.lower().endswith(("ed", "en", "ing")) and "VERB" in word_classes(word)


def fits_before_noun(wording: str) -> bool:
    """True when ``wording`` can describe a noun it precedes: "new", "minimally invasive".

    One adjective (or participle, or hyphenated compound), optionally after one adverb.
    """
    words = wording.split()
    if not words or len(words) > 2:
        return False
    head = words[-1]
    if len(words) == 2 and not is_adverb(words[0]):
        return False
    return "-" in head.strip("-") or "ADJ" in word_classes(head) or _participle(head)


def without_determiner(wording: str) -> str:
    """The wording without its first word if that is a determiner ("an effective")."""
    head, _, rest = wording.partition(" ")
    return rest if head.lower() in DETERMINERS and rest else wording


def _nominal(token: Token) -> bool:
    """True when ``token`` can continue a noun phrase: a noun, an adjective or a name."""
    text = token.text
    if not any(c.isalpha() for c in text) or token.is_punct:
        return False
    if len(text) > 1 and text.isupper():
        return True  # an acronym: "a revolutionary LED mask"
    if token.is_stop:
        return False
    classes = word_classes(text)
    return not classes or bool(classes & {"NOUN", "ADJ", "PROPN"})


def can_modify(tokens: list[Token], doc: Doc, sent_start: int) -> bool:
    """True when the matched words can stand before a noun as a modifier (not a verb)."""
    if len(tokens) > 1 and any(t.text == "-" for t in tokens):
        return True  # "cutting-edge", "state-of-the-art"
    last = next((t.text for t in reversed(tokens) if t.is_alpha), "")
    if not last:
        return False
    classes = word_classes(last)
    if is_adverb(last) and len(tokens) == 1:
        return False
    if not classes or classes & {"ADJ", "NOUN"}:
        return True
    if _participle(last):  # "FDA approved exosomes", but not "PRP revolutionised hair care"
        first = tokens[0].i
        return len(tokens) > 1 or first == sent_start or doc[first - 1].lower_ in DETERMINERS
    return False


def modifies_next(doc: Doc, start: int, end: int, sent_start: int, sent_end: int) -> bool:
    """True when tokens ``start:end`` describe a noun that follows them.

    "our breakthrough stem cell injections", "a revolutionary, gentle peel"; not "a true
    breakthrough in skin care" or "the results were undeniable".
    """
    if end >= sent_end:
        return False
    after = doc[end]
    if after.lower_ in LIST_JOINS:  # "a revolutionary, drug-free scalp massage"
        before = doc[start - 1].lower_ if start > sent_start else ""
        if not (start == first_word(doc, sent_start, sent_end) or before in DETERMINERS):
            return False
        other = _modifier_end(doc, end + 1, sent_end)
        return other is not None and modifies_next(doc, end + 1, other, sent_start, sent_end)
    if _participle(after.text) and not after.is_stop:  # "the ultimate hydrating facial"
        return end + 1 < sent_end and _nominal(doc[end + 1])
    if not word_classes(doc[end - 1].text) & {"ADJ"} and not _noun_like(after):
        return False  # "the breakthrough conventional medicine has waited for": a noun
    return _nominal(after)


def _noun_like(token: Token) -> bool:
    """True for a word that can be a noun (or is unknown, or an acronym)."""
    classes = word_classes(token.text)
    return not classes or "NOUN" in classes or (len(token.text) > 1 and token.text.isupper())


def _modifier_end(doc: Doc, i: int, sent_end: int) -> int | None:
    """Where a modifier starting at token ``i`` ends: an adjective, participle or compound."""
    if i >= sent_end or not doc[i].is_alpha:
        return None
    end = i + 1
    while end + 1 < sent_end and doc[end].text == "-" and doc[end + 1].is_alpha:
        end += 2  # "drug-free", "state-of-the-art"
    if end > i + 1 or "ADJ" in word_classes(doc[i].text) or _participle(doc[i].text):
        return end
    return None


def negative_polarity_follows(doc: Doc, end: int, sent_end: int) -> bool:
    """True when "at all" or "whatsoever" follows: it needs the negation the match holds."""
    after = [t.lower_ for t in doc[end:min(end + 2, sent_end)]]
    return after[:2] == ["at", "all"] or after[:1] == ["whatsoever"]


def plural_follows(doc: Doc, end: int, sent_end: int) -> bool:
    """True when the noun phrase after ``end`` ends in a plural ("the best results")."""
    last = None
    for token in doc[end:sent_end]:
        if not (_nominal(token) or _participle(token.text) or token.text == "-"):
            break
        last = token
    return last is not None and last.lower_ != last.lemma_ and last.lower_.endswith("s")


def first_word(doc: Doc, sent_start: int, sent_end: int) -> int:
    """Index of the sentence's first word (after opening quotes, bullets and brackets)."""
    i = sent_start
    while i < sent_end and not any(c.isalnum() for c in doc[i].text):
        i += 1
    return i


def is_title_case(doc: Doc, sent_start: int, sent_end: int) -> bool:
    """True for a heading in Title Case ("Our Revolutionary Hair Care")."""
    words = [t.text for t in doc[sent_start:sent_end] if t.is_alpha and not t.is_stop]
    return len(words) > 1 and all(w[0].isupper() for w in words) and not all(
        w.isupper() for w in words)


def is_all_caps(doc: Doc, sent_start: int, sent_end: int) -> bool:
    """True for a sentence in capitals ("REVOLUTIONARY HAIR CARE")."""
    letters = [c for t in doc[sent_start:sent_end] for c in t.text if c.isalpha()]
    return len(letters) > 3 and all(c.isupper() for c in letters)


def problems(before: str, after: str) -> list[str]:
    """What makes a rewritten sentence ungrammatical or untidy, in words; [] when clean."""
    from .suggest import article_for

    found = []
    text = after.strip()
    if not any(c.isalpha() for c in text):
        found.append("nothing is left")
    if "  " in text:
        found.append("a double space")
    if re.search(r"\s[,.;:!?]", text):
        found.append("a space before punctuation")
    if re.search(r"[,;:]\s*[,.;:!?]|^\W*[,;:]", text):
        found.append("stray punctuation")
    first = re.search(r"[^\W\d_]", before)
    now = re.search(r"[^\W\d_]", text)
    if first and now and first.group().isupper() and now.group().islower():
        found.append("the sentence no longer starts with a capital")
    for m in _VOWEL_SOUND.finditer(text):
        wanted = article_for(m.group(2))
        if wanted != m.group(1).lower():
            found.append(f"'{m.group(0)}' needs '{wanted}'")
    if re.search(r"\b(\w+)\s+\1\b", text, re.IGNORECASE):
        found.append("a repeated word")
    if re.search(r"\b(?:a|an|the|our|your|their)\s+(?:a|an|the)\b", text, re.IGNORECASE):
        found.append("two determiners in a row")
    if re.search(r"\b(?:very|so|truly|really|extremely|highly)\s*[,.;:!?]", text,
                 re.IGNORECASE):
        found.append("an adverb left without its word")
    if re.search(r"\b(?:virtually|almost|nearly|practically|absolutely|completely|totally|"
                 r"entirely)\s+(?:a|an|the|some|not|\w+ly)\b", text, re.IGNORECASE):
        found.append("a grading adverb before words it cannot grade")
    return found
