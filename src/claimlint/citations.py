"""Find verifiable citations in text, for rules' `unless: cited:` condition."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from .prefilter import Prefilter, required_strings
from .vocabregex import LazyRegex

CitationKind = Literal[
    "url",
    "doi",
    "pmid",
    "pmcid",
    "arxiv",
    "isbn",
    "trial",
    "journal-ref",
    "author-year",
    "numbered",
    "footnote",
]


@dataclass(frozen=True, slots=True)
class Citation:
    """One citation found in a text; text[start:end] is the citation itself."""

    start: int
    end: int
    kind: CitationKind


# Python's re has no \p{Lu}; build the uppercase class once (Latin, Greek,
# Cyrillic, Latin Extended Additional) so "Müller" and "Øvrebø" are surnames.
_UP = "".join(
    c
    for c in map(chr, [*range(0x41, 0x530), *range(0x1E00, 0x1F00)])
    if c.isupper() and c.isalpha()
)
# All-caps tokens are excluded as surnames: "(UCLA, 2021)" names an institution.
# Superscript digits are \w but not \d in Python; keep them out of names.
_LETTERS = r"[^\W\d_¹²³⁴⁵⁶⁷⁸⁹⁰]+"
_PARTICLE = r"(?i:van|von|der|den|de|del|della|di|da|du|dos|das|le|la|al|el|ter|ten)"
# Capitalised words that precede a year in marketing copy without being an
# author: "(Summer 2021)", "(Est. 2019)", "Research (2021) shows", and the
# name-dropped institutions of "(Harvard, 2021)", which cite nothing findable.
_NOT_AUTHOR = (
    "January|February|March|April|May|June|July|August|September|October|"
    "November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
    "Spring|Summer|Fall|Autumn|Winter|Christmas|Easter|Holiday|Season|Year|"
    "Since|Est|Established|Founded|Opened|Launched|Updated|Revised|Copyright|"
    "Published|Posted|Accessed|Retrieved|Circa|Class|Edition|Version|Vol|"
    "Volume|Issue|Best|Top|Award|Awards|Winner|Voted|Rated|Ranked|Sale|Offer|"
    "Research|Study|Studies|Trial|Trials|Survey|Report|Data|Evidence|Science|"
    "Results|Experts|Doctors|Scientists|Patients|Clinic|University|Institute|"
    "Harvard|Stanford|Yale|Princeton|Oxford|Cambridge|Mayo|Hopkins|Cleveland"
)
_SURNAME = (
    rf"(?:{_PARTICLE}\s+){{0,3}}(?!(?:{_NOT_AUTHOR})\b|[{_UP}]{{2,}}\b)"
    rf"[{_UP}](?:['\u2019][{_UP}])?{_LETTERS}(?:-[{_UP}]?{_LETTERS}){{0,3}}"
)
_AUTHORS = (
    rf"{_SURNAME}(?:\s*,\s*{_SURNAME}){{0,7}}"
    rf"(?:,?\s+(?:and|&)\s+{_SURNAME}|\s*&\s*{_SURNAME})?"
)
_ET_AL = r",?\s+et\s+al\.?"
_YEAR = r"(?:(?:1[89]|20)\d{2}[a-z]?(?!\d)|n\.d\.|in\s+press)"
_YEARS = rf"{_YEAR}(?:,\s*(?:{_YEAR}|[a-z]\b)){{0,5}}"
_PAGES = r"(?:,\s*pp?\.\s*\d+(?:[-\u2013]\d+)?)?"
_ITEM = (
    r"(?:(?:e\.g\.|i\.e\.|see(?:\s+also)?|cf\.)[,\s]\s*)?"
    rf"{_AUTHORS}(?:{_ET_AL})?(?:,\s*|\s+){_YEARS}{_PAGES}"
)
# A bare "Smith (2021)" is too often a place or brand ("Best of Boston
# (2021)"), so without "et al." it needs a reporting verb or "according to".
_VERBS = (
    "found|finds|showed|shows|reported|reports|demonstrated|demonstrates|"
    "observed|noted|notes|concluded|suggested|suggests|described|measured|"
    "examined|investigated|studied|compared|confirmed|evaluated|assessed"
)
# NLM abbreviations carry no inner periods ("J Invest Dermatol"), so a period
# ends the name and the authors and title before it are left out of the span.
_JWORD = r"[A-Z][\w&]*"
_JOURNAL = rf"\b{_JWORD}(?:\s+(?:(?:of|and|the|in|for|&)\s+)?{_JWORD}){{0,9}}"
_SUPERSCRIPT = "¹²³⁴⁵⁶⁷⁸⁹⁰"
# Footnote markers follow a word or punctuation, but not a unit or a
# one-letter variable: "2 m²", "cm³" and "x^2" are powers, not notes.
_AFTER_WORD = (
    r"(?<=[^\W\d_]|[.,;:!?)\]\"'\u2019\u201d%])"
    r"(?<!\b[^\W\d_])(?<!\b(?:cm|mm|km|dm|nm|µm|μm|ft|in))"
)
# Reference numbers typeset without brackets or superscript. A parenthesised
# "(5)" or "(3, 4)" closes a clause after a word, but not after a label or a
# count: "step (2)", "Reviews (12)", "sessions (3)".
_COUNTED = (
    "step|steps|stage|phase|option|options|item|items|part|section|page|figure|fig|table|"
    "no|number|level|grade|type|size|tier|day|days|week|weeks|month|months|year|years|"
    "session|sessions|treatment|treatments|visit|visits|vial|vials|syringe|syringes|"
    "unit|units|area|areas|pack|packs|review|reviews|rating|ratings|comment|comments|"
    "reply|replies|photo|photos|image|images|video|videos|question|questions|"
    "result|results|product|products|cart|basket|qty|quantity|point|points|"
    "patient|patients|people|person|adults|children|kids|guests|members|sizes|"
    "age|ages|aged|x"
)
_WORD_BEFORE = rf"(?:\b(?!(?i:{_COUNTED})\b)[^\W\d_]+|%)"
_REF = r"[0-9]{1,3}(?:[ \t]*[,\u2013-][ \t]*[0-9]{1,3}){0,19}"
_SUPERS = rf"[{_SUPERSCRIPT}]+(?:[,⁻\u2013-][{_SUPERSCRIPT}]+){{0,5}}"
# A bare list is a reference only where the sentence ends: after its full stop
# ("... at 6 months. 1, 2", not "version 2.1") or, as short numbers joined by
# commas alone, after its last word ("... improved 1,2", not "over 1,200").
_EOL = r"[ \t]*(?:\n|$)"

_AUTHOR_YEAR = (
    rf"\({_ITEM}(?:\s*;\s*{_ITEM}){{0,9}}\)"
    rf"|\b{_SURNAME}(?:\s*,\s*{_SURNAME}){{0,7}}{_ET_AL}(?:,\s*|\s+)"
    rf"(?:\({_YEARS}\)|{_YEARS})"
    rf"|(?<=[Aa]ccording to ){_AUTHORS}\s+\({_YEARS}\)"
    rf"|\b{_AUTHORS}\s+\({_YEARS}\)(?=,?\s+(?:{_VERBS})\b)"
)
_NOTES_IN_PARENS = (
    rf"{_WORD_BEFORE}[.,;:!?]?[ \t]?(?P<cite>\({_REF}\))"
    r"(?=[ \t\"'\u2019\u201d]*(?:[.;:!?]|\n|$))"
)
_BARE_NOTES = (
    rf"{_WORD_BEFORE}[ \t]?(?P<cite>[0-9]{{1,2}}(?:,[0-9]{{1,2}}){{1,19}})"
    rf"(?=[.!?](?:\s|$)|{_EOL})"
)
# Every match of these costly patterns holds a match of a cheap one, searched for
# first: each author-year form has a year, a note list in brackets opens "(digit",
# and a bare one has a comma between digits.
_GATES = {_AUTHOR_YEAR: _YEAR, _NOTES_IN_PARENS: r"\([0-9]", _BARE_NOTES: "[0-9],[0-9]"}

_SOURCES: tuple[tuple[CitationKind, str], ...] = (
    (
        "doi",
        r"(?:(?i:\bdoi):\s*|https?://(?:dx\.)?doi\.org/|(?<![\w.]))"
        r"10\.\d{4,9}/[^\s\"<>.,;:!?'\u2019\u201d)\]][^\s\"<>]*",
    ),
    ("pmcid", r"\b(?:PMCID:?\s*)?PMC\d{4,9}\b"),
    ("pmid", r"(?i:\bPMID)\s*:?\s*\d{1,8}\b"),
    (
        "arxiv",
        r"(?i:\barXiv):\s*(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})"
        r"(?:v\d+)?\b",
    ),
    (
        "isbn",
        r"(?i:\bISBN)(?:-1[03])?:?\s*(?:(?:\d[- ]?){12}\d|(?:\d[- ]?){9}[\dX])\b",
    ),
    ("trial", r"\bNCT\d{8}\b"),
    ("url", r"(?:\bhttps?://|\bwww\.)[\w-]+(?:\.[\w-]+)+(?:[/?#:][^\s<>\"]*)?"),
    (
        "journal-ref",
        rf"{_JOURNAL}\.?\s+(?:19|20)\d{{2}}(?:\s+[A-Z][a-z]{{2}}(?:\s+\d{{1,2}})?)?"
        r";\s*\d{1,4}(?:\s*\([\w -]+\))?:\s*[eE]?\d+(?:[-\u2013][eE]?\d+)?"
        rf"|{_JOURNAL},\s+\d{{1,4}}\(\d{{1,4}}\),\s+[eE]?\d+(?:[-\u2013][eE]?\d+)?",
    ),
    ("author-year", _AUTHOR_YEAR),
    ("numbered", r"\[\d{1,3}(?:\s*[,\u2013-]\s*\d{1,3}){0,19}\](?![(:])"),
    ("numbered", _NOTES_IN_PARENS),
    (
        "numbered",
        rf"(?:(?<=[^\W\d_][.!?])|(?<=%[.!?]))[ \t]?(?P<cite>{_REF}|{_SUPERS})(?={_EOL})",
    ),
    ("numbered", _BARE_NOTES),
    (
        "footnote",
        rf"\[\^[\w-]+\](?!:)|{_AFTER_WORD}(?:[{_SUPERSCRIPT}]+"
        rf"(?:[,⁻\u2013-][{_SUPERSCRIPT}]+){{0,5}}|\^\d{{1,3}}\b)",
    ),
)
_PATTERNS = tuple((kind, LazyRegex(source, 0), LazyRegex(_GATES[source], 0) if source in _GATES
                   else None) for kind, source in _SOURCES)
# Kinds whose pattern may swallow the sentence's closing punctuation.
_TRIMMED = frozenset({"url", "doi"})
_TRAILING = ".,;:!?'\"\u2019\u201d"
_TO_DIGITS = str.maketrans(_SUPERSCRIPT, "1234567890")
_PAIRS = {")": "(", "]": "["}


def _trim(text: str, start: int, end: int) -> int:
    """Return end without trailing punctuation or unbalanced closing brackets."""
    unbalanced = {
        close: text.count(close, start, end) - text.count(open_, start, end)
        for close, open_ in _PAIRS.items()
    }
    while end > start:
        last = text[end - 1]
        if last in _TRAILING:
            end -= 1
        elif unbalanced.get(last, 0) > 0:
            unbalanced[last] -= 1
            end -= 1
        else:
            break
    return end


def find_citations(text: str) -> tuple[Citation, ...]:
    """Return every verifiable citation in text, in order."""
    candidates = sorted(_candidates(text))
    # Earliest first, then longest, then the most specific kind (list order):
    # "https://doi.org/10..." is a DOI, and a PMC id inside a URL is the URL.
    found: list[Citation] = []
    for start, negative_length, _, kind in candidates:
        if not found or start >= found[-1].end:
            found.append(Citation(start, start - negative_length, kind))
    return tuple(found)


def _candidates(text: str, ranks: Iterable[int] | None = None
                ) -> Iterator[tuple[int, int, int, CitationKind]]:
    """Yield (start, -length, rank, kind) for every pattern match that is a citation.

    ``ranks`` limits the search to those patterns (in order); None searches them all.
    """
    for rank in range(len(_PATTERNS)) if ranks is None else ranks:
        kind, pattern, gate = _PATTERNS[rank]
        if gate is not None and gate.search(text) is None:
            continue
        for match in pattern.finditer(text):
            # A pattern that needs context names the citation itself as a group.
            group = "cite" if "cite" in pattern.groupindex else 0
            start, end = match.span(group)
            if group and not _ascending(match.group(group)):
                continue
            if kind in _TRIMMED:
                end = _trim(text, start, end)
            yield start, start - end, rank, kind


def _ascending(numbers: str) -> bool:
    """Whether a bare reference list counts up, as notes do: "1, 2" but not "9-5" or "5,5"."""
    values = [int(n) for n in re.findall(r"[0-9]+", numbers.translate(_TO_DIGITS))]
    return all(a < b for a, b in itertools.pairwise(values))


def has_citation(text: str) -> bool:
    """Return True if text contains at least one verifiable citation."""
    # A site run asks this per sentence: only the patterns whose strings occur are run.
    return next(_candidates(text, _prefilter().select(text)), None) is not None


@functools.cache
def _prefilter() -> Prefilter:
    return Prefilter([required_strings(p.pattern, p.flags) for _, p, _ in _PATTERNS])
