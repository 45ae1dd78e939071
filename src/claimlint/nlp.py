"""Build the spaCy pipeline once per process: tokens, lemmas, sentences."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from .errors import UsageError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.lookups import Table
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

# Abbreviations whose full stop never ends a sentence in this genre; the
# tokenizer already keeps "Dr.", "e.g.", "vs.", "St." whole.
ABBREVIATIONS = frozenset(
    "al approx ca cf dept est etc fig figs incl jr mr mrs ms no nos prof sr st vol vs dr ft mt "
    "appt apt wk wks hr hrs min mins mo mos yr yrs avg".split()
)
_FINAL = re.compile(r"^[.!?…]+$")
_CLOSERS = frozenset("”\"’')]»")
_BULLETS = frozenset("•·‣◦▪●■–—")
_DEGREE_TAGS = ("JJR", "JJS", "RBR", "RBS")


@functools.lru_cache(maxsize=200_000)
def lemma_of(lower: str) -> str:
    """Return the lookup lemma of a lower-cased word, keeping comparative degree.

    The lookup table maps "safer" and "safest" to "safe" and "best" to "well",
    which would make a rule about "the best" fire on "better"; degree forms
    therefore stay as they are.
    """
    from lemminflect import getAllInflections, getAllLemmas, getAllLemmasOOV

    lemma = _lemma_table().get(lower, None)
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
def _lemma_table() -> Table:
    from spacy.lookups import load_lookups

    return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")


def set_lemmas(doc: Doc) -> Doc:
    """Give every token a lower-cased, degree-keeping lookup lemma."""
    for token in doc:
        token.lemma_ = lemma_of(token.lower_)
    return doc


def split_sentences(doc: Doc) -> Doc:
    """Mark sentence starts for marketing copy: abbreviations, bullets, headings."""
    n = len(doc)
    if not n:
        return doc
    starts = [False] * n
    starts[0] = True
    i = 0
    while i < n:
        tok = doc[i]
        if tok.text in _BULLETS and i > 0:
            starts[i] = True
        elif "\n\n" in tok.text or (tok.is_space and "\n" in tok.text and i + 1 < n
                                     and doc[i + 1].text in _BULLETS):
            if i + 1 < n:
                starts[i + 1] = True
        elif _FINAL.match(tok.text) and not _is_abbreviation(doc, i):
            j = i + 1
            while j < n and doc[j].text and all(c in _CLOSERS for c in doc[j].text):
                j += 1
            k = j
            while k < n and doc[k].is_space:
                k += 1
            # Split only where whitespace follows, and not before a lower-case word.
            if k < n and (doc[j - 1].whitespace_ or k > j) and not doc[k].is_lower:
                starts[k] = True
            i = j - 1
        i += 1
    for token, start in zip(doc, starts):
        token.is_sent_start = start
    return doc


def _is_abbreviation(doc: Doc, i: int) -> bool:
    if doc[i].text != "." or i == 0 or doc[i - 1].whitespace_:
        return False
    prev = doc[i - 1].lower_
    return prev in ABBREVIATIONS or (len(prev) == 1 and prev.isalpha())


@functools.lru_cache(maxsize=1)
def shared_vocab() -> Vocab:
    """Return a vocabulary for validating token patterns without a full pipeline."""
    import spacy

    return spacy.blank("en").vocab


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
