"""Score findings against a sentence-annotated corpus (docs/ + labels.jsonl)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UsageError
from .findings import Finding
from .ruleset import CATEGORIES

SENTENCE_CATEGORIES = tuple(c for c in CATEGORIES if c != "missing-disclosure")


@dataclass
class Counts:
    """True positives, false positives (in labelled sentences), stray findings, misses."""

    tp: int = 0
    fp: int = 0
    stray: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        """Share of flagged sentences that were labelled."""
        found = self.tp + self.fp + self.stray
        return self.tp / found if found else None

    @property
    def recall(self) -> float | None:
        """Share of labelled sentences that were flagged."""
        gold = self.tp + self.fn
        return self.tp / gold if gold else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return None if p is None or r is None else (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Score:
    """Per-category counts plus the 'any category' sentence counts."""

    categories: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    flagged: Counts = field(default_factory=Counts)
    bad_spans: int = 0

    @property
    def micro(self) -> Counts:
        """All categories added up."""
        total = Counts()
        for c in self.categories.values():
            total.tp, total.fp, total.stray, total.fn = (
                total.tp + c.tp, total.fp + c.fp, total.stray + c.stray, total.fn + c.fn)
        return total


Labels = dict[str, list[tuple[int, int, set[str]]]]


def read_labels(corpus: Path) -> tuple[Labels, dict[str, dict[str, Any]]]:
    """Return labelled sentence spans per document and each document's own line.

    Raises UsageError naming ``labels.jsonl:line`` for a line that is not a label.
    """
    path = corpus / "labels.jsonl"
    if not path.is_file():
        raise UsageError(f"{corpus}: not a labelled corpus (it needs docs/ and labels.jsonl)")
    sentences: Labels = defaultdict(list)
    documents: dict[str, dict[str, Any]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            if rec.get("document"):
                documents[rec["doc"]] = rec
            else:
                start = int(rec["start"])
                sentences[rec["doc"]].append(
                    (start, start + len(rec["sentence"]), set(rec["categories"])))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise UsageError(f"{path}:{n}:1: not a label line ({exc})") from None
    return sentences, documents


def score(sentences: Labels, documents: dict[str, set[str]], findings: Sequence[Finding],
          texts: dict[str, str]) -> Score:
    """Score findings sentence by sentence; a finding's path is its document's key or file."""
    result = Score()
    predicted: dict[tuple[str, int], set[str]] = defaultdict(set)
    doc_predicted: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        doc = f.path if f.path in texts else Path(f.path).name
        if f.is_document_level:
            doc_predicted[doc].add(f.category)
            continue
        if texts[doc][f.start:f.end] != f.match:
            result.bad_spans += 1
        hits = [i for i, (s, e, _) in enumerate(sentences[doc]) if f.start < e and f.end > s]
        for i in hits:
            predicted[(doc, i)].add(f.category)
        if not hits:
            result.categories[f.category].stray += 1
    for doc, sents in sentences.items():
        for i, (_, _, gold) in enumerate(sents):
            got = predicted.get((doc, i), set())
            for c in SENTENCE_CATEGORIES:
                counts = result.categories[c]
                if c in gold and c in got:
                    counts.tp += 1
                elif c in gold:
                    counts.fn += 1
                elif c in got:
                    counts.fp += 1
            if gold and got:
                result.flagged.tp += 1
            elif gold:
                result.flagged.fn += 1
            elif got:
                result.flagged.fp += 1
    for doc, gold in documents.items():
        counts = result.categories["missing-disclosure"]
        flagged = "missing-disclosure" in doc_predicted.get(doc, set())
        if "missing-disclosure" in gold:
            counts.tp, counts.fn = counts.tp + flagged, counts.fn + (not flagged)
        elif flagged:
            counts.fp += 1
    result.flagged.stray = sum(c.stray for c in result.categories.values())
    return result


def table(result: Score) -> str:
    """Render the score like ../shared/eval/score.py does."""
    def fmt(x: float | None) -> str:
        return "  -  " if x is None else f"{x:5.2f}"

    lines = [f"{'category':24} {'prec':>5} {'rec':>5} {'f1':>5}   tp  fp stray  fn"]
    for name in CATEGORIES:
        c = result.categories.get(name, Counts())
        if c.tp + c.fp + c.fn + c.stray:
            lines.append(f"{name:24} {fmt(c.precision)} {fmt(c.recall)} {fmt(c.f1)} "
                         f"{c.tp:4} {c.fp:3} {c.stray:5} {c.fn:3}")
    m, s = result.micro, result.flagged
    lines.append(f"{'micro':24} {fmt(m.precision)} {fmt(m.recall)} {fmt(m.f1)}")
    lines.append(f"{'sentence flagged (any)':24} {fmt(s.precision)} {fmt(s.recall)} {fmt(s.f1)}")
    lines.append(f"bad spans {result.bad_spans}")
    return "\n".join(lines)


def score_corpus(corpus: Path, findings: Sequence[Finding]) -> Score:
    """Score findings on a corpus folder (docs/ + labels.jsonl), findings named by file."""
    sentences, lines = read_labels(corpus)
    texts = {p.name: p.read_text(encoding="utf-8")
             for p in sorted((corpus / "docs").iterdir()) if p.is_file()}
    documents = {name: set(line.get("categories", ())) for name, line in lines.items()}
    return score(sentences, documents, findings, texts)
