"""Accuracy on our own annotated corpus (tests/corpus) must not regress."""

from __future__ import annotations

from pathlib import Path

from claimlint import Linter
from claimlint.evaluate import score, table

CORPUS = Path(__file__).resolve().parent / "corpus"
# Floors, not targets: raise them when the rules improve, never lower them quietly.
MIN_MICRO_PRECISION = 0.90
MIN_MICRO_RECALL = 0.85
MIN_FLAGGED_RECALL = 0.90


def test_regression_corpus_scores_above_the_floor(linter: Linter) -> None:
    docs = sorted((CORPUS / "docs").glob("*.txt"))
    result = linter.lint_paths(docs)
    texts = {p.name: p.read_text(encoding="utf-8") for p in docs}
    s = score(CORPUS, result.findings, texts)
    report = table(s)
    assert s.bad_spans == 0, report
    assert (s.micro.precision or 0) >= MIN_MICRO_PRECISION, report
    assert (s.micro.recall or 0) >= MIN_MICRO_RECALL, report
    assert (s.flagged.recall or 0) >= MIN_FLAGGED_RECALL, report
    careful = [f for f in result.findings if Path(f.path).name.startswith("careful-")]
    assert len(careful) <= 2, [(f.path, f.rule, f.match) for f in careful]
