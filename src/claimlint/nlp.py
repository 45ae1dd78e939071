"""Build the spaCy pipeline once per process: tokens, lemmas, sentences."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from .cache import Memo
from .errors import UsageError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.strings import StringStore
    from spacy.tokens import Doc
    from spacy.vocab import Vocab
    from thinc.types import Ints2d

# Abbreviations whose full stop never ends a sentence in this genre; the
# tokenizer already keeps "Dr.", "e.g.", "vs.", "St." whole.
ABBREVIATIONS = frozenset(
    "al approx ca cf dept est etc fig figs incl jr mr mrs ms no nos prof sr st vol vs dr ft mt "
    "appt apt wk wks hr hrs min mins mo mos yr yrs avg".split()
)
_FINAL = re.compile(r"^[.!?…]+$")
_CLOSERS = frozenset("”\"’')]»")
_BULLETS = frozenset("•·‣◦▪●■")
_DASHES = frozenset("–—")  # list markers at a line start; inside a line, a parenthesis
_DEGREE_TAGS = ("JJR", "JJS", "RBR", "RBS")
# Longer "sentences" (a 300 KB paragraph with no full stop) are cut, so that work per
# sentence stays bounded and a file's cost linear in its size (issue 11); a cut
# prefers a clause break among the last tokens before the cap.
MAX_SENTENCE_TOKENS = 256
_CLAUSE_BREAKS = frozenset(",;:\u2013\u2014")
# What a token's text alone says about sentence boundaries, cached per string hash.
_BULLET, _PARAGRAPH, _NEWLINE, _STOP, _CLOSER, _DASH = 1, 2, 4, 8, 16, 32
_KINDS: dict[int, int] = {}
_NOT_START = 2**64 - 1  # is_sent_start False (-1) as a uint64 array holds it
_PERMANENT: dict[str, Any] = {"allow_transient": False}
# Per string store: lower-case form -> lemma, as string hashes.
_LEMMA_HASHES: dict[int, tuple[StringStore, dict[int, int]]] = {}
# Typographic apostrophes, lemmatised as the straight one: the tokenizer splits
# "don’t" into "do" + "n’t", which must lemmatise as "n't" does ("not").
_APOSTROPHES = str.maketrans("\u2019\u02bc", "''")
_LEMMINFLECTED = Memo("lemmas")
_PHRASE_KEYS = Memo("phrase-keys")


@functools.lru_cache(maxsize=200_000)
def lemma_of(lower: str) -> str:
    """Return the lookup lemma of a lower-cased word, keeping comparative degree.

    The lookup table maps "safer" and "safest" to "safe" and "best" to "well",
    which would make a rule about "the best" fire on "better"; degree forms
    therefore stay as they are. Typographic apostrophes lemmatise as straight ones.
    """
    from spacy.strings import get_string_id

    lower = lower.translate(_APOSTROPHES)
    lemma = _lemma_table().get(get_string_id(lower))
    if lemma is None or (lemma != lower and lower.endswith(("er", "est", "r", "st"))):
        # lemminflect takes half a second to load its tables, so its answers are kept.
        return _LEMMINFLECTED.get(lower, lambda: _lemminflect_lemma(lower, lemma))
    return str(lemma)


def _lemminflect_lemma(lower: str, lemma: str | None) -> str:
    """Lemma of a word spaCy's table lacks (domain words), or its degree form kept."""
    from lemminflect import getAllInflections, getAllLemmas, getAllLemmasOOV

    if lemma is None:  # not in the table: domain words such as "exosomes", "peptides"
        known = getAllLemmas(lower)
        oov = lower.endswith("s") and not lower.endswith(("ss", "us", "is")) and len(lower) > 4
        candidates = known.get("NOUN") or known.get("VERB") or (
            getAllLemmasOOV(lower, "NOUN").get("NOUN") if oov and not known else None)
        lemma = candidates[0] if candidates else lower
    if lemma != lower and lower.endswith(("er", "est", "r", "st")):
        forms = getAllInflections(lemma)
        if any(lower in forms.get(tag, ()) for tag in _DEGREE_TAGS):
            return lower
    return str(lemma)


@functools.lru_cache(maxsize=1)
def _lemma_table() -> dict[int, str]:
    """Return spaCy's English lookup lemmas keyed as its Table keys them (by string id)."""
    from spacy.strings import get_string_id
    from spacy.util import load_language_data, registry

    # spacy.lookups.Table would hash and Bloom-index each of the 40k entries in Python.
    data = cast("dict[str, str]", load_language_data(registry.lookups.get("en")["lemma_lookup"]))
    return {get_string_id(word): lemma for word, lemma in data.items()}


def set_lemmas(doc: Doc) -> Doc:
    """Give every token a lower-cased, degree-keeping lookup lemma."""
    from spacy.attrs import LEMMA, LOWER

    if not len(doc):
        return doc
    strings = doc.vocab.strings
    # The store must keep every lemma string the table hands out: see _keep.
    table = _LEMMA_HASHES.setdefault(id(strings), (strings, {}))[1]
    lowers = doc.to_array(LOWER).tolist()
    lemmas = [table.get(h, 0) for h in lowers]
    if 0 in lemmas:
        for h in {h for h, lemma in zip(lowers, lemmas, strict=True) if not lemma}:
            table[h] = _keep(strings, lemma_of(strings[h]))
        lemmas = [table[h] for h in lowers]
    doc.from_array([LEMMA], _column(lemmas))
    return doc


# A term of single-spaced words tokenizes alike alone or on a line among others.
_ONE_LINE = re.compile(r"\S+(?: \S+)*")
_TERMS_PER_DOC = 1_000


def phrase_keys(nlp: Language, terms: Sequence[str]) -> list[tuple[int, ...]]:
    """Return each term's token lemmas (as hashes): what a LEMMA PhraseMatcher matches.

    Terms tokenized before are remembered between runs (a hash is the same in every
    process); the rest are tokenized a thousand at a time, one per line, because a Doc
    per term costs more than its words: a 50,000-term vocabulary loads in seconds.
    """
    table = _PHRASE_KEYS.table()
    missing = [t for t in dict.fromkeys(terms) if t not in table]
    if missing:
        _PHRASE_KEYS.update(zip(missing, _tokenize_terms(nlp, missing), strict=True))
        table = _PHRASE_KEYS.table()
    return [tuple(table[t]) for t in terms]


def _tokenize_terms(nlp: Language, terms: Sequence[str]) -> list[tuple[int, ...]]:
    """phrase_keys, computed."""
    from spacy.attrs import LEMMA, ORTH

    keys: list[tuple[int, ...]] = []
    newline = nlp.vocab.strings.add("\n")
    for at in range(0, len(terms), _TERMS_PER_DOC):
        chunk = terms[at:at + _TERMS_PER_DOC]
        if not all(map(_ONE_LINE.fullmatch, chunk)):
            keys.extend(tuple(t.lemma for t in set_lemmas(nlp.make_doc(term))) for term in chunk)
            continue
        doc = set_lemmas(nlp.make_doc("\n".join(chunk)))
        key: list[int] = []
        for lemma, orth in doc.to_array([LEMMA, ORTH]).tolist():
            if orth == newline:
                keys.append(tuple(key))
                key = []
            else:
                key.append(lemma)
        keys.append(tuple(key))
    return keys


def add_phrases(matcher: PhraseMatcher, name: str, nlp: Language, terms: Sequence[str]) -> None:
    """Add ``terms`` (by lemma) to a LEMMA ``matcher`` under ``name``, if any is not blank."""
    keys = [k for k in dict.fromkeys(phrase_keys(nlp, terms)) if k]
    if keys:
        # Token-hash keys are what PhraseMatcher turns each Doc into (and what its
        # unpickling adds); its type stub names only Doc.
        matcher.add(name, keys)  # type: ignore[arg-type]


def _keep(strings: StringStore, text: str) -> int:
    """Add ``text`` to ``strings`` for good, even inside a spaCy memory zone."""
    try:
        return int(strings.add(text, **_PERMANENT))
    except TypeError:  # spaCy < 3.8 has no memory zones
        return int(strings.add(text))


def _column(values: list[int]) -> Ints2d:
    """Return ``values`` as the uint64 column ``Doc.from_array`` reads."""
    import numpy

    return cast("Ints2d", numpy.array(values, dtype=numpy.uint64).reshape(-1, 1))


def split_sentences(doc: Doc) -> Doc:
    """Mark sentence starts for marketing copy: abbreviations, bullets, headings."""
    from spacy.attrs import IS_LOWER, IS_SPACE, ORTH, SENT_START, SPACY

    n = len(doc)
    if not n:
        return doc
    if doc.has_annotation("DEP"):
        doc[0].is_sent_start = True  # spaCy refuses to re-split a parsed doc: raise its error
    orths, spaces, is_space, is_lower = doc.to_array([ORTH, SPACY, IS_SPACE, IS_LOWER]).T.tolist()
    strings = doc.vocab.strings
    kinds = [_KINDS.get(o, -1) for o in orths]
    if -1 in kinds:
        kinds = [k if k >= 0 else _kind(o, strings[o]) for o, k in zip(orths, kinds, strict=True)]
    starts = [_NOT_START] * n
    starts[0] = 1
    # Only tokens with a non-zero kind can start or end a sentence; the closers
    # skipped after a full stop never have one, so visiting them in order suffices.
    for i in [i for i, kind in enumerate(kinds) if kind]:
        kind = kinds[i]
        if kind & _BULLET and i > 0:
            starts[i] = 1
        elif kind & _PARAGRAPH or (is_space[i] and kind & _NEWLINE and i + 1 < n
                                   and kinds[i + 1] & (_BULLET | _DASH)):
            if i + 1 < n:
                starts[i + 1] = 1
        elif kind & _STOP and not _is_abbreviation(doc, i, spaces):
            j = i + 1
            while j < n and kinds[j] & _CLOSER:
                j += 1
            k = j
            while k < n and is_space[k]:
                k += 1
            # Split only where whitespace follows, and not before a lower-case word
            # or the sentence's own reference numbers ("... at 6 months. 1, 2").
            if (k < n and (spaces[j - 1] or k > j) and not is_lower[k]
                    and not _reference_follows(doc, i, k)):
                starts[k] = 1
    if n > MAX_SENTENCE_TOKENS:
        _cap_sentences(doc, starts)
    doc.from_array([SENT_START], _column(starts))
    return doc


def _cap_sentences(doc: Doc, starts: list[int]) -> None:
    """Start a new sentence at least every MAX_SENTENCE_TOKENS tokens."""
    last = 0
    for nxt in [*(i for i, s in enumerate(starts) if s == 1), len(starts)]:
        while nxt - last > MAX_SENTENCE_TOKENS:
            cut = last + MAX_SENTENCE_TOKENS
            for j in range(cut, cut - MAX_SENTENCE_TOKENS // 4, -1):
                if doc[j - 1].text in _CLAUSE_BREAKS:
                    cut = j
                    break
            starts[cut] = 1
            last = cut
        last = nxt


def _kind(orth: int, text: str) -> int:
    kind = ((_BULLET if text in _BULLETS else _DASH if text in _DASHES else 0)
            | (_PARAGRAPH if "\n\n" in text else 0)
            | (_NEWLINE if "\n" in text else 0) | (_STOP if _FINAL.match(text) else 0)
            | (_CLOSER if text and all(c in _CLOSERS for c in text) else 0))
    _KINDS[orth] = kind
    return kind


def _reference_follows(doc: Doc, stop: int, k: int) -> bool:
    """Whether doc[k] starts a reference list that ends the line the stop ``stop`` is on."""
    from .citations import find_citations

    if not doc[k].text[:1].isdigit():  # str.isdigit also holds for superscripts
        return False
    end = k
    while end < len(doc) and "\n" not in doc[end].text:
        if doc[end].is_alpha:  # words follow: a number opening the next sentence
            return False
        end += 1
    line = doc[max(stop - 1, 0) : end]
    offset, last = doc[k].idx - line.start_char, len(line.text.rstrip())
    return any(c.start == offset and c.end == last for c in find_citations(line.text))


def _is_abbreviation(doc: Doc, i: int, spaces: list[int]) -> bool:
    if doc[i].text != "." or i == 0 or spaces[i - 1]:
        return False
    prev = doc[i - 1].lower_
    return prev in ABBREVIATIONS or (len(prev) == 1 and prev.isalpha())


def shared_vocab() -> Vocab:
    """Return a vocabulary for validating token patterns: the blank pipeline's, built once."""
    return build_pipeline(None).vocab


@functools.lru_cache(maxsize=4)
def build_pipeline(model: str | None = None) -> Language:
    """Return the pipeline: blank English, or a trained one when ``model`` names one.

    Raises UsageError when the named model is not installed; nothing is ever downloaded.
    """
    import spacy
    from spacy.language import Language

    if not Language.has_factory("claimlint_sentences"):
        Language.component("claimlint_sentences")(split_sentences)
        Language.component("claimlint_lemmas")(set_lemmas)
    if model:
        try:
            nlp = spacy.load(model, exclude=["ner", "lemmatizer"])
        except OSError:
            installed = ", ".join(spacy.util.get_installed_models()) or "none"
            raise UsageError(
                f"spaCy model '{model}' is not installed (installed: {installed}); install a "
                "trained English pipeline package and pass its name, or drop --model"
            ) from None
        nlp.add_pipe("claimlint_sentences", first=True)
    else:
        nlp = spacy.blank("en")
        nlp.add_pipe("claimlint_sentences")
    nlp.add_pipe("claimlint_lemmas", last=True)
    nlp.max_length = 100_000_000
    return nlp
