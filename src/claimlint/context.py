"""The sentence-context tests behind a rule's ``unless`` conditions."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from .vocabregex import LazyRegex

if TYPE_CHECKING:
    from spacy.tokens import Span

_NEGATORS = frozenset(
    "not n't no never without neither nor none cannot nothing nobody lack lacks lacking".split()
)
# Claims worded as an absence ("no pain", "zero side effects") start with one of these.
_NEGATIVE_CLAIMS = _NEGATORS | {"zero", "0"}
# Tokens that close the clause a negation or hedge can reach back across.
_CLAUSE_BREAKS = frozenset(", ; : — – ( ) but however although though while whereas".split())
_LIST_BREAKS = _CLAUSE_BREAKS | {"and", "or"}
# A negator these follow does not negate: "not only", "no matter", "no wonder", "no doubt".
_NOT_NEGATING = frozenset(("only", "matter", "wonder", "doubt"))
_NEGATION_WINDOW = 6
# Evidence-denying phrases reach the whole sentence before the match:
# "There is no good clinical evidence that exosomes regrow hair".
_DENIAL = LazyRegex(
    r"\b(?:no|little|insufficient|limited|not enough|lack of|without)\s+(?:\w+\s+){0,2}"
    r"(?:evidence|proof|data|studies|research)\b"
    r"|\bunproven\b|\bnot\s+(?:been\s+|yet\s+|be\s+)?(?:proven|shown|established|demonstrated)\b"
    r"|\bunclear\s+(?:whether|if)\b|\bno\s+one\s+knows\b"
    # a denied status reaches the claim it governs: "No exosome product is approved to treat..."
    r"|\b(?:no|none\s+of\s+(?:the|these|those|them))\s+(?:[\w-]+\s+){0,3}?"
    r"(?:is|are|was|were|has\s+been|have\s+been)\s+(?:yet\s+)?"
    r"(?:approved|cleared|licensed|authori[sz]ed|proven|shown)\b",
)
_HEDGES = frozenset(
    "may might could possibly potentially perhaps maybe appear appears appeared seem seems "
    "suggest suggests suggested promising potential hope hopefully believe thought "
    "preliminary early".split()
)
_HELP_HEDGE = frozenset("can could may might".split())
_HELP = frozenset(("help",))
# Reported or critical framing: the copy describes someone else's claim.
_REPORTED = LazyRegex(
    r"\b(?:claims?|claimed|claiming)\s+(?:that|to)\b|\bso[- ]called\b|\ballege(?:d|dly)?\b"
    r"|\bmyths?\b|\bbeware\b|\bbe\s+(?:wary|skeptical|sceptical|careful)\b"
    r"|\b(?:marketed|advertised|sold|promoted|touted|billed)\s+"
    r"(?:online\s+|elsewhere\s+|by\s+(?:some|many|others|clinics|sellers|companies)\s+)?"
    r"(?:as|to)\b"
    # someone else's words: "ads describe the injections as", "sellers call them painless"
    r"|\b(?:ads|adverts?|advertisements?|advertising|marketing|websites|sellers|vendors|"
    r"clinics|providers|companies|brands|marketers|promoters|manufacturers|influencers)\s+"
    r"(?:\w+\s+){0,2}?(?:say|claim|describe|promise|call|suggest|state|advertise|tout|market)s?\b"
    r"|\b(?:warn(?:s|ed|ing)?|caution(?:s|ed)?)\s+(?:\w+\s+){0,3}?(?:that|about|against)\b"
    # a wording quoted as such: 'objected to the phrase "recommended by physicians"'
    r"|\bthe\s+(?:phrase|term|terms|words|wording|slogan|tagline)\s+[“\"][^”\"]*$"
    r"|\bfalse(?:ly)?\b|\bmisleading\b|\bif\s+(?:anyone|someone|a\s+clinic)\s+(?:tells|promises)\b"
    # a quoted phrase the reader has met elsewhere: 'you'll see "clinically proven" on adverts'
    r"|\b(?:seen|see|read|heard|described\s+as)\b(?:[^.!?“”\"]|[“\"][^.!?“”\"]*[”\"]){0,100}[“\"][^”\"]*$"
    r"|\b(?:don['’]t|do\s+not|never)\s+(?:believe|trust)\b"
    r"|\bsome\s+(?:clinics|providers|companies|sellers|websites|ads|brands|marketers)\s+"
    r"(?:say|claim|promise|advertise|suggest|state)",
)
_QUESTION_END = re.compile(r"\?[\s”\"’')\]]*$")


def is_negated(sent: Span, token_index: int, text: str | None = None) -> bool:
    """True when a negation governs the match that starts at doc token ``token_index``.

    ``text`` is the doc's text when the caller has it (``Doc.text`` is rebuilt per access).
    """
    if _DENIAL.search(_prefix(sent, token_index, text)):
        return True
    doc = sent.doc
    # A claim made of a negation ("no pain", "without needles") is not undone by an
    # earlier one in a list: "With no needles and no pain".
    listed = doc[token_index].lower in _keys(_NEGATIVE_CLAIMS)
    breaks = _keys(_LIST_BREAKS if listed else _CLAUSE_BREAKS)
    negators = _keys(_NEGATORS)
    seen = 0
    for i in range(token_index - 1, sent.start - 1, -1):
        tok = doc[i]
        if tok.is_space:
            continue
        if tok.lower in breaks or seen >= _NEGATION_WINDOW:
            return False
        # The lemma, not the text: "n’t" (typographic apostrophe) lemmatises as "not".
        if tok.lemma in negators:
            return i + 1 == len(doc) or doc[i + 1].lower not in _keys(_NOT_NEGATING)
        seen += 1
    return False


def is_hedged(sent: Span, token_index: int) -> bool:
    """True when a softener (may, might, could help, potentially...) precedes the match."""
    hedges, helpers, help_ = _keys(_HEDGES), _keys(_HELP_HEDGE), _keys(_HELP)
    doc, start = sent.doc, sent.start
    for i in range(start, token_index):
        tok = doc[i]
        if tok.lower in hedges:
            return True
        if tok.lemma in help_ and i > start and doc[i - 1].lower in helpers:
            return True
    return False


@functools.cache
def _keys(words: frozenset[str]) -> frozenset[int]:
    """``words`` as the hashes a token holds its strings by: reading a token's strings
    was most of these tests' cost."""
    from spacy.strings import get_string_id

    return frozenset(map(get_string_id, words))


def is_reported(sent: Span, token_index: int, text: str | None = None) -> bool:
    """True when the sentence reports or disputes someone else's claim before the match."""
    return bool(_REPORTED.search(_prefix(sent, token_index, text)))


def _prefix(sent: Span, token_index: int, text: str | None) -> str:
    """Return the sentence's text before doc token ``token_index``."""
    return (sent.doc.text if text is None else text)[sent.start_char : sent.doc[token_index].idx]


def is_question(sentence_text: str) -> bool:
    """True when the sentence is a question."""
    return bool(_QUESTION_END.search(sentence_text))

