"""Score findings against a sentence-annotated corpus (docs/ + labels.jsonl)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

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


def read_corpus(corpus: Path) -> tuple[dict[str, list[tuple[int, int, set[str]]]], dict[str,
                                                                                        set[str]]]:
    """Return labelled sentence spans per document and document-level labels."""
    sentences: dict[str, list[tuple[int, int, set[str]]]] = defaultdict(list)
    documents: dict[str, set[str]] = {}
    for line in (corpus / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        if rec.get("document"):
            documents[rec["doc"]] = set(rec["categories"])
        else:
            sentences[rec["doc"]].append((rec["start"], rec["end"], set(rec["categories"])))
    return sentences, documents


def score(corpus: Path, findings: Sequence[Finding], texts: dict[str, str]) -> Score:
    """Score findings (paths named like the corpus docs) sentence by sentence."""
    sentences, documents = read_corpus(corpus)
    result = Score()
    predicted: dict[tuple[str, int], set[str]] = defaultdict(set)
    doc_predicted: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        doc = Path(f.path).name
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

    lines = [f"{'category':24} {'prec':>5} {'rec':>5}   tp  fp stray  fn"]
    for name in CATEGORIES:
        c = result.categories.get(name, Counts())
        if c.tp + c.fp + c.fn + c.stray:
            lines.append(f"{name:24} {fmt(c.precision)} {fmt(c.recall)} "
                         f"{c.tp:4} {c.fp:3} {c.stray:5} {c.fn:3}")
    m, s = result.micro, result.flagged
    lines.append(f"{'micro':24} {fmt(m.precision)} {fmt(m.recall)}")
    lines.append(f"{'sentence flagged (any)':24} {fmt(s.precision)} {fmt(s.recall)}")
    lines.append(f"bad spans {result.bad_spans}")
    return "\n".join(lines)
