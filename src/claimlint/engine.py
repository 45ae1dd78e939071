"""Run compiled rules over a document's segments and produce findings."""

from __future__ import annotations

import bisect
import copy
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from .citations import has_citation
from .context import is_hedged, is_negated, is_question, is_reported
from .document import Document, Segment
from .features import lexicon
from .findings import Applicability, Finding, Fix
from .match import ACCEPT, CompiledRules, Hits
from .model import INFORMS_BELOW, LEARNED, ClaimModel, Decision
from .ruleset import Rule
from .suggest import Table, compile_table, propose

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span


@dataclass(frozen=True, slots=True)
class _Segment:
    """A segment with its parsed doc, sentence starts and matcher hits."""

    segment: Segment
    doc: Doc
    text: str
    sents: tuple[Span, ...]
    starts: tuple[int, ...]
    hits: Hits
    cited: dict[tuple[int, int], bool] = field(default_factory=dict)

    def sentence_at(self, char: int) -> Span:
        return self.sents[max(bisect.bisect_right(self.starts, char) - 1, 0)]

    def within(self, key: tuple[int, str], sent: Span) -> list[tuple[int, int]]:
        lo, hi = sent.start_char, sent.end_char
        return [(s, e) for s, e in self.hits.get(key, ()) if lo <= s < hi]

    def blocked(self, start: int, end: int, rules: frozenset[int]) -> bool:
        """Whether a match of one of ``rules`` (or an accepted name) overlaps ``text[a:b]``."""
        return start < end and any(
            s < end and e > start for (index, slot), spans in self.hits.items()
            if (slot == "match" and index in rules) or slot == "accept" for s, e in spans)

    def has_citation(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` cites a source; asked once per sentence or segment."""
        found = self.cited.get((start, end))
        if found is None:
            found = self.cited[start, end] = has_citation(self.text[start:end])
        return found


@dataclass(frozen=True, slots=True)
class RulePass:
    """The sentence rules' findings in a document, and the document rules satisfied there."""

    findings: tuple[Finding, ...]
    required: frozenset[int]  # indexes of document rules whose required wording is present
    cancelled: tuple[Cancelled, ...] = ()


@dataclass(frozen=True, slots=True)
class Cancelled:
    """A rule match an ``unless`` condition cancelled: evidence the learned decision weighs."""

    start: int  # source offset of the match
    rule: str
    category: str
    reason: str  # negated, reported, question, cited, unless or hedged


class Engine:
    """Compiled rules plus the pipeline they run on; reusable across documents."""

    def __init__(self, rules: Sequence[Rule], nlp: Language, accept: Sequence[str] = (),
                 model: ClaimModel | None = None,
                 vocabulary: Mapping[str, Sequence[str]] | None = None):
        self.rules = tuple(rules)
        self.nlp = nlp
        self.compiled = CompiledRules(self.rules, nlp, tuple(accept))
        self._wordings: list[Table | None] = [
            compile_table(nlp, rule.suggest) if rule.suggest else None for rule in self.rules]
        # A suggestion may not reach into a match of its own category: the two would merge.
        self._peers = [frozenset(i for i, r in enumerate(self.rules) if r.category == rule.category)
                       for rule in self.rules]
        self.learned = {r.category: r for r in self.rules if r.level == LEARNED}
        self.lexicon = lexicon(nlp, vocabulary or {})
        self.decision = Decision(model, self.learned, self.lexicon) if model else None

    def with_model(self, model: ClaimModel | None) -> Engine:
        """The same compiled rules deciding with another claim model (or rules alone)."""
        other = copy.copy(self)
        other.decision = Decision(model, self.learned, self.lexicon) if model else None
        return other

    def lint(self, document: Document, docs: Sequence[Doc]) -> list[Finding]:
        """Return the findings of every rule in ``document`` (``docs`` parse its segments)."""
        return self.finish(document, docs, self.rule_findings(document, docs))

    def rule_findings(self, document: Document, docs: Sequence[Doc]) -> RulePass:
        """What the sentence rules find, before the learned decision and document rules."""
        # A doc's text is its segment's (spaCy never alters text); Doc.text would rebuild it.
        texts = [seg.text for seg in document.segments]
        hits = self.compiled.hits(docs, texts)
        in_document = {key for h in hits for key, spans in h.items() if spans}
        # The segments each rule matched in, in order; only these need sentences.
        matched: dict[int, list[_Segment]] = defaultdict(list)
        for seg, doc, text, h in zip(document.segments, docs, texts, hits, strict=True):
            indexes = [index for index, slot in h if slot == "match"]
            if indexes:
                prepared = _prepare(seg, doc, text, h)
                for index in indexes:
                    matched[index].append(prepared)
        findings: list[Finding] = []
        cancelled: list[Cancelled] = []
        for index, rule in enumerate(self.rules):
            if rule.level != "sentence":
                continue
            if rule.when.document_has and (index, "when.document") not in in_document:
                continue
            found = [
                f
                for seg in matched.get(index, ())
                if seg.segment.scope in rule.scope
                for f in self._sentence_findings(index, rule, seg, document, cancelled)
            ]
            findings.extend(_merge(found))
        required = frozenset(i for i, rule in enumerate(self.rules)
                             if rule.level == "document" and (i, "required") in in_document)
        return RulePass(tuple(findings), required, tuple(cancelled))

    def finish(self, document: Document, docs: Sequence[Doc], found: RulePass) -> list[Finding]:
        """Apply the learned decision and add the document rules' findings."""
        findings = list(found.findings)
        stance = self.decision.model.promotional(document) if self.decision else 1.0
        if self.decision:
            findings = self.decision.apply(document, docs, found, stance)
        categories = {f.category for f in findings}
        # A disclosure is owed by a page that sells what it claims, not one that informs.
        promotional = stance >= INFORMS_BELOW
        for index, rule in enumerate(self.rules):
            if (rule.level == "document" and promotional and categories.intersection(rule.trigger)
                    and index not in found.required):
                findings.append(_document_finding(rule, document.path))
        findings.sort(key=lambda f: (f.start, f.end, f.rule))
        return findings

    def _sentence_findings(
        self, index: int, rule: Rule, seg: _Segment, document: Document,
        cancelled: list[Cancelled],
    ) -> Iterable[Finding]:
        accepted = seg.hits.get(ACCEPT, ())
        for start, end in seg.hits.get((index, "match"), ()):
            if any(s < end and e > start for s, e in accepted):
                continue
            sent = seg.sentence_at(start)
            span = seg.doc.char_span(start, end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            if rule.when.sentence_has and not seg.within((index, "when.sentence"), sent):
                continue
            reason = self._cancelled(index, rule, seg, sent, span)
            hedged = reason is None and is_hedged(sent, span.start)
            if hedged and rule.unless.hedged:
                reason = "hedged"
            if reason is not None:
                cancelled.append(Cancelled(seg.segment.source_start(start), rule.id,
                                           rule.category, reason))
                continue
            yield self._finding(index, rule, seg, document, sent, (start, end), span, hedged)

    def _cancelled(self, index: int, rule: Rule, seg: _Segment, sent: Span,
                   span: Span) -> str | None:
        """The ``unless`` condition that cancels this match, or None."""
        unless = rule.unless
        if unless.negated and is_negated(sent, span.start, seg.text):
            return "negated"
        if unless.reported and is_reported(sent, span.start, seg.text):
            return "reported"
        if unless.question and is_question(seg.text[sent.start_char:sent.end_char]):
            return "question"
        if unless.cited == "sentence" and seg.has_citation(sent.start_char, sent.end_char):
            return "cited"
        if unless.cited == "paragraph" and seg.has_citation(0, len(seg.text)):
            return "cited"
        if unless.sentence_has and seg.within((index, "unless.sentence"), sent):
            return "unless"
        if any(s < span.end_char and e > span.start_char
               for s, e in seg.within((index, "unless.phrases"), sent)):
            return "unless"
        return None

    def _finding(
        self, index: int, rule: Rule, seg: _Segment, document: Document,
        sent: Span, match: tuple[int, int], span: Span, hedged: bool,
    ) -> Finding:
        start, end = match
        said = seg.segment.text[start:end]
        replacements: tuple[str, ...] = ()
        drop = False
        table = self._wordings[index]
        entry = table.lookup(span) if table else None
        peers = self._peers[index]
        proposal = propose(entry, seg.doc, seg.text, span, sent,
                           lambda a, b: seg.blocked(a, b, peers)) if entry else None
        lo, hi = (min(start, proposal.start), max(end, proposal.end)) if proposal else match
        # A suggestion may reach an article, a comma or the next word's capital, never
        # across markup ("a <b>revolutionary</b> serum" keeps its span and gets none).
        if proposal and ((lo, hi) == match or seg.segment.is_verbatim(lo, hi)):
            text = seg.text
            replacements = tuple(text[lo:proposal.start] + r + text[proposal.end:hi]
                                 for r in proposal.replacements)
            start, end, drop = lo, hi, proposal.drop
        src_start, src_end = seg.segment.source_span(start, end)
        line, col = document.line_col(src_start)
        end_line, end_col = document.line_col(src_end)
        fix = None
        editable = seg.segment.is_verbatim(start, end)  # never rewrite across markup
        applicability = rule.applicability(drop)
        if replacements and editable and applicability is not Applicability.DISPLAY_ONLY:
            fix = Fix(replacements[0], applicability)
        severity = rule.hedged_severity if hedged and rule.hedged_severity else rule.severity
        quoted, source = seg.segment.text[start:end], document.text[src_start:src_end]
        return Finding(
            path=document.path,
            rule=rule.id,
            category=rule.category,
            severity=severity,
            message=rule.message.format(match=said),
            start=src_start,
            end=src_end,
            match=source,
            line=line,
            column=col,
            end_line=end_line,
            end_column=end_col,
            scope=seg.segment.scope,
            sentence=" ".join(seg.text[sent.start_char:sent.end_char].split()),
            suggestions=replacements,
            fix=fix,
            references=rule.references,
            hedged=hedged,
            advice=rule.advice,
            quote="" if quoted == source else quoted,
        )


def _prepare(segment: Segment, doc: Doc, text: str, hits: Hits) -> _Segment:
    sents = tuple(doc.sents) if len(doc) else ()
    return _Segment(segment, doc, text, sents, tuple(s.start_char for s in sents), hits)


def _merge(findings: list[Finding]) -> list[Finding]:
    """Merge overlapping findings of one rule, keeping the longest span's details."""
    findings.sort(key=lambda f: (f.start, -(f.end - f.start)))
    out: list[Finding] = []
    for f in findings:
        if out and f.start < out[-1].end and f.path == out[-1].path:
            if f.end - f.start > out[-1].end - out[-1].start:
                out[-1] = f
            continue
        out.append(f)
    return out


def merge_claims(findings: list[Finding]) -> list[Finding]:
    """One finding per claim: overlapping findings of one category become the most severe one.

    The other rules that flagged the claim are listed in ``merged``.
    """
    by_category: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_category[f.category].append(f)
    out: list[Finding] = []
    for group in by_category.values():
        group.sort(key=lambda f: (f.path, f.start, f.end))
        cluster: list[Finding] = []
        for f in group:
            if cluster and (f.path != cluster[0].path or f.start >= max(c.end for c in cluster)
                            or f.is_document_level):
                out.append(_combine(cluster))
                cluster = []
            cluster.append(f)
        if cluster:
            out.append(_combine(cluster))
    out.sort(key=lambda f: (f.start, f.end, f.rule))
    return out


def _combine(cluster: list[Finding]) -> Finding:
    """The cluster's most severe (then most confident, then longest) finding stands for it."""
    if len(cluster) == 1:
        return cluster[0]
    # Of equals, one that offers wording stands for the claim, so its suggestion is not lost.
    best = max(cluster, key=lambda f: (f.severity.rank, f.confidence or 0.0, bool(f.suggestions),
                                       f.end - f.start))
    others = tuple(dict.fromkeys(r for f in cluster for r in (f.rule, *f.merged)
                                 if r != best.rule))
    return replace(best, merged=others)


def _document_finding(rule: Rule, path: str) -> Finding:
    return Finding(
        path=path,
        rule=rule.id,
        category=rule.category,
        severity=rule.severity,
        message=rule.message.format(match=""),
        start=0,
        end=0,
        match="",
        line=1,
        column=1,
        end_line=1,
        end_column=1,
        scope="document",
        sentence="",
        references=rule.references,
        advice=rule.advice,
    )
