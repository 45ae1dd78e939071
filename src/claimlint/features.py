"""What the learned decision sees: each sentence's wording, rule evidence and page context."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .context import is_hedged, is_negated, is_question, is_reported
from .document import Document
from .prefilter import fold
from .vocabregex import LazyRegex

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    from .engine import RulePass

Features = dict[str, float]
# A rule pack's vocabularies as word classes ("a condition", "a treatment", "an approved
# drug"): what lets the model generalise from one named disease to another. A phrase
# matcher on lemmas, one pass per segment; None when there is no vocabulary.
Lexicon = Any

# Page-level cues of who speaks and why: a page that sells (prices, booking, "our
# clinic") against one that informs (studies, risks, a regulator's or journal's voice).
_CUES = {name: LazyRegex(rx) for name, rx in {
    "price": r"[$£€]\s?\d|\b\d+\s?(?:usd|gbp|aud|eur)\b|\bper\s+session\b|\bfrom\s+[$£€]",
    "book": r"\b(?:book|schedule|reserve|call\s+(?:us|now|today)|contact\s+us|enquire|"
            r"get\s+in\s+touch|request\s+(?:a|your)|free\s+consultation)\b",
    "offer": r"\b(?:offer|discount|save|special|package|membership|voucher|deal)\b"
             r"|\d+\s?%\s+off\b",
    "we": r"\b(?:we|our|us|we're|we['’]ve)\b",
    "you": r"\b(?:you|your|you['’]ll|you're)\b",
    "study": r"\b(?:study|studies|trial|trials|research|researchers|evidence|meta-analysis|"
             r"review|participants|cohort|randomi[sz]ed|placebo)\b",
    "risk": r"\b(?:risks?|side[- ]effects?|adverse|complications?|warn(?:s|ing|ed)?|"
            r"caution|unproven|unapproved|not\s+approved)\b",
    "authority": r"\b(?:fda|mhra|tga|nhs|cdc|nih|ahpra|regulators?|agency|government|"
                 r"journal|university|hospital|encyclop(?:a|ae)dia|wikipedia)\b",
    "patient": r"\b(?:patients?\s+should|talk\s+to\s+your\s+(?:doctor|gp)|ask\s+your|"
               r"speak\s+to\s+your|see\s+a\s+doctor)\b",
}.items()}
_CONDITION_FORM = LazyRegex(
    r"\b(?:\w+(?:itis|osis|opathy|algia)|diseases?|disorders?|syndromes?|injur(?:y|ies)|"
    r"deficienc(?:y|ies)|pain|aches?|scars?|scarring|dysfunction|insomnia|fatigue)\b")
_WORD = re.compile(r"[a-z][a-z'’-]*|\d+(?:[.,]\d+)?%?|[%$£€?!]")
_STOP = frozenset("the a an of and or to in for on with is are be as at by it this that".split())
_QUOTE = LazyRegex(r"[“”\"]|\b(?:says|said|told|tells|explains|according)\b")


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence of a document: where it is and what the model sees of it."""

    source_start: int  # in the document's text
    source_end: int
    scope: str
    text: str
    features: Features


@functools.lru_cache(maxsize=4)
def page_cues(document: Document) -> Features:
    """Return the page's stance cues: each cue's matches per segment, at most 1.

    Capped so that a page unlike any the model saw (one long block of claims) cannot
    push a weight far past the values it was trained on.
    """
    text = "\n".join(s.text for s in document.segments)
    n = max(len(document.segments), 1)
    folded = fold(text)
    return {f"pg:{name}": min(rx.count(text, folded) / n, 1.0)
            for name, rx in _CUES.items()}


@functools.lru_cache(maxsize=4)
def stance_features(document: Document) -> Features:
    """What the page-stance model reads: the page's cues and which words it uses."""
    words = {w for s in document.segments for w in _words(s.text) if not w.startswith("<")}
    return {**page_cues(document), **{f"pw:{w}": 1.0 for w in sorted(words)}}


def with_stance(features: Features, promotional: float) -> Features:
    """Add the page's stance, alone and crossed with each rule category that fired."""
    out = dict(features)
    if "bias" in features:  # the page's own features
        out["pg:promotional"] = promotional
    for name in features:
        if name.startswith(("c:", "v:")) and "*" not in name:
            out[f"{name}*promotional"] = promotional
    return out


def lexicon(nlp: Language, vocabulary: Mapping[str, Sequence[str]]) -> Lexicon:
    """A phrase matcher that labels each vocabulary's terms (by lemma) with its name."""
    from spacy.matcher import PhraseMatcher

    from .nlp import add_phrases

    if not vocabulary:
        return None
    matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
    for name, terms in sorted(vocabulary.items()):
        add_phrases(matcher, f"v:{name}", nlp, [t for t in terms if t.strip()])
    return matcher


@dataclass(frozen=True, slots=True)
class Sentences:
    """A document's units, and the features every one of them shares (the page's)."""

    page: Features
    units: list[Unit]

    def rows(self) -> list[Features]:
        """Each unit's full feature row: the page's features and its own."""
        return [{**self.page, **u.features} for u in self.units]


def sentence_units(document: Document, docs: Sequence[Doc], found: RulePass,
                   lex: Lexicon = None, stance: float | None = None) -> Sentences:
    """Split ``document`` into sentences and describe each for the learned decision.

    With ``stance`` (the page's probability of selling) its features are included too.
    """
    findings = found.findings
    page = dict(page_cues(document))
    promo = page["pg:price"] + page["pg:book"] + page["pg:offer"] + page["pg:we"]
    inform = page["pg:study"] + page["pg:risk"] + page["pg:authority"] + page["pg:patient"]
    page.update({"bias": 1.0, "pg:promo": promo, "pg:inform": inform,
                 "pg:stance": promo - inform})
    page.update({f"page:{f.category}": 1.0 for f in findings if not f.is_document_level})
    units: list[Unit] = []
    heading: list[str] = []
    lead_in: list[str] = []
    previous: set[str] = set()
    # Sorted once, so each sentence looks up its findings instead of scanning them all.
    spans = sorted(((f.start, f.end, f) for f in findings if not f.is_document_level),
                   key=lambda s: (s[0], s[1]))
    span_starts = [lo for lo, _, _ in spans]
    longest = max((hi - lo for lo, hi, _ in spans), default=0)
    cancels = sorted(found.cancelled, key=lambda c: c.start)
    cancel_starts = [c.start for c in cancels]
    for segment, doc in zip(document.segments, docs, strict=True):
        text = segment.text
        classes = [(doc[s].idx, doc.vocab.strings[k]) for k, s, _ in lex(doc)] if lex else []
        folded = fold(text)
        for sent in doc.sents if len(doc) else ():
            s_start, s_end = segment.source_span(sent.start_char, sent.end_char)
            window = spans[bisect.bisect_left(span_starts, s_start - longest):
                           bisect.bisect_left(span_starts, s_end)]
            hits = [f for _, hi, f in window if hi > s_start]
            words = _lemmas(sent)
            feats: Features = {f"scope:{segment.scope}": 1.0}
            for w in words:
                feats[f"w:{w}"] = 1.0
            for a, b in itertools.pairwise(words):
                feats[f"b:{a}_{b}"] = 1.0
            for w in heading:
                feats[f"h:{w}"] = 1.0
            if segment.scope == "list":
                for w in lead_in:
                    feats[f"l:{w}"] = 1.0
            # Sets are walked in sorted order: the model sums a sentence's weights in its
            # features' order, so a hash-seeded order could change a probability's last bit.
            for c in sorted(previous):
                feats[f"prev:{c}"] = 1.0
            named = {name for at, name in classes if sent.start_char <= at < sent.end_char}
            feats.update(dict.fromkeys(sorted(named), 1.0))
            if _CONDITION_FORM.search(text, sent.start_char, sent.end_char, folded):
                named.add("v:condition-form")
                feats["v:condition-form"] = 1.0
            for name in sorted(named):  # a condition alone in a list item is an indication
                feats[f"{name}*{segment.scope}"] = 1.0
            cancelled = cancels[bisect.bisect_left(cancel_starts, s_start):
                                bisect.bisect_left(cancel_starts, s_end)]
            if hits or cancelled or named:  # context is asked only where a claim may be
                _context(feats, sent, text)
            if words:
                feats[f"f:{words[0]}"] = 1.0
                if "ctx:question" in feats:  # "How does..." presupposes, "Does..." asks
                    feats[f"q:{words[0]}"] = 1.0
            for x in cancelled:
                feats[f"x:{x.category}"] = 1.0
                feats[f"x:{x.category}:{x.reason}"] = 1.0
            for f in hits:
                feats[f"r:{f.rule}"] = 1.0
                feats[f"c:{f.category}"] = 1.0
                feats[f"c:{f.category}*stance"] = page["pg:stance"]
                if f.hedged:
                    feats[f"ch:{f.category}"] = 1.0
            n = len(words)
            feats["len:" + ("s" if n < 6 else "m" if n < 16 else "l" if n < 30 else "xl")] = 1.0
            if stance is not None:
                feats = with_stance(feats, stance)
            units.append(Unit(s_start, s_end, segment.scope,
                              " ".join(text[sent.start_char:sent.end_char].split()), feats))
            previous = {f.category for f in hits}
        if segment.scope in ("heading", "title"):
            heading = _words(text)[:8]
        if segment.scope != "list":
            lead_in = _words(text)[-6:] if text.rstrip().endswith(":") else []
    return Sentences(page if stance is None else with_stance(page, stance), units)


def _context(feats: Features, sent: Span, text: str) -> None:
    """Add the sentence-level context tests the rules use (negation, hedge, report...)."""
    raw = text[sent.start_char:sent.end_char]
    if is_question(raw):
        feats["ctx:question"] = 1.0
    if _QUOTE.search(raw):
        feats["ctx:quote"] = 1.0
    last = sent.end - 1
    if len(sent) and is_negated(sent, last, text):
        feats["ctx:negated"] = 1.0
    if len(sent) and is_hedged(sent, last):
        feats["ctx:hedged"] = 1.0
    if len(sent) and is_reported(sent, last, text):
        feats["ctx:reported"] = 1.0


def _lemmas(sent: object) -> list[str]:
    """The sentence's lemmas, lower-cased, with numbers folded and stop words left out."""
    out = []
    for t in sent:  # type: ignore[attr-defined]
        if t.is_space or (t.is_punct and t.text not in "?!%"):
            continue
        w = t.lemma_.lower().replace("’", "'")
        if t.like_num or w[:1].isdigit():
            w = "<num>"
        elif w in _STOP:
            continue
        out.append(w)
    return out


def _words(text: str) -> list[str]:
    """Lower-cased word forms with numbers folded, stop words kept out."""
    out = []
    for w in _WORD.findall(text.lower().replace("’", "'")):
        if w[0].isdigit():
            w = "<pct>" if w.endswith("%") else "<num>"
        elif w in _STOP:
            continue
        out.append(w)
    return out
