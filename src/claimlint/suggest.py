"""Render a rule's softer wording for one match: case, inflection and a/an kept right."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from lemminflect import getAllInflections, getInflection

from .nlp import lemma_of

_MODALS = frozenset("may might can could should would will must shall".split())


@dataclass(frozen=True, slots=True)
class Wording:
    """Suggested replacements for a span and how far the span reaches (article included)."""

    replacements: tuple[str, ...]
    includes_article: bool = False


@functools.lru_cache(maxsize=1)
def _articles() -> object:
    import inflect

    return inflect.engine()


def match_case(source: str, replacement: str) -> str:
    """Give ``replacement`` the capitalisation of ``source`` (UPPER, Title or as written)."""
    if len(source) > 1 and source.isupper() and any(c.isalpha() for c in source):
        return replacement.upper()
    first = source.split(" ", 1)[0].split("-", 1)[0]
    if len(first) > 1 and first.isupper():
        return replacement  # "FDA-approved" starts with an acronym, not a capital
    if source[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def inflect_like(matched: str, lemma: str, replacement: str) -> str:
    """Inflect the replacement's first word the way ``matched`` inflects ``lemma``."""
    word = matched.lower()
    if " " in word or word == lemma:
        return replacement
    head, _, rest = replacement.partition(" ")
    if head.lower() in _MODALS or lemma_of(head.lower()) != head.lower():
        return replacement  # only a base-form word can take the matched inflection
    forms = getAllInflections(lemma)
    for tag, values in forms.items():
        if word in values and tag not in ("VB", "VBP", "NN", "JJ", "RB"):
            inflected = getInflection(head, tag=tag)
            if inflected:
                return " ".join(filter(None, (inflected[0], rest)))
    return replacement


def fix_article(article: str, replacement: str) -> str | None:
    """Return the article that must precede ``replacement`` if ``article`` is wrong, else None."""
    wanted = str(_articles().a(replacement)).split(" ", 1)[0]  # type: ignore[attr-defined]
    if wanted.lower() == article.lower():
        return None
    return match_case(article, wanted)


def render(
    matched: str, lemma: str, candidates: tuple[str, ...], article: tuple[str, str] | None
) -> Wording:
    """Turn candidate wordings into replacements for ``matched``.

    ``article`` is the (article, whitespace) right before the match, if any; when the
    first candidate needs the other article the span grows to include it.
    """
    texts = [match_case(matched, inflect_like(matched, lemma, c)) for c in candidates]
    if not article or not texts:
        return Wording(tuple(texts))
    word, gap = article
    if fix_article(word, texts[0]) is None:
        return Wording(tuple(texts))
    return Wording(tuple((fix_article(word, t) or word) + gap + t for t in texts), True)
