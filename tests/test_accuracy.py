"""Accuracy on our own annotated corpora must not regress."""

from __future__ import annotations

from pathlib import Path

from claimlint import Linter
from claimlint.evaluate import Score, score_corpus, table
from claimlint.findings import LintResult

TESTS = Path(__file__).resolve().parent
CORPUS = TESTS / "corpus"
# Pages written and labelled without sight of the rules: how the packs generalise.
BLIND = TESTS / "corpus-blind"
# Floors, not targets: raise them when the rules improve, never lower them quietly.
MIN_MICRO_PRECISION = 0.90
MIN_MICRO_RECALL = 0.85
MIN_FLAGGED_RECALL = 0.90
# The shipped model never trains on these pages (it did until 2026-12-03, when its
# precision here was 0.90 in-sample); held out, the model gives 0.87 / 0.75.
BLIND_MIN_MICRO_PRECISION = 0.85
BLIND_MIN_MICRO_RECALL = 0.73
BLIND_MIN_FLAGGED_RECALL = 0.85


def _scored(linter: Linter, corpus: Path) -> tuple[LintResult, Score, str]:
    docs = sorted((corpus / "docs").glob("*.txt"))
    result = linter.lint_paths(docs)
    s = score_corpus(corpus, result.findings)
    return result, s, table(s)


def test_regression_corpus_scores_above_the_floor(linter: Linter) -> None:
    result, s, report = _scored(linter, CORPUS)
    assert s.bad_spans == 0, report
    assert (s.micro.precision or 0) >= MIN_MICRO_PRECISION, report
    assert (s.micro.recall or 0) >= MIN_MICRO_RECALL, report
    assert (s.flagged.recall or 0) >= MIN_FLAGGED_RECALL, report
    careful = [f for f in result.findings if Path(f.path).name.startswith("careful-")]
    assert len(careful) <= 2, [(f.path, f.rule, f.match) for f in careful]


def test_blind_corpus_scores_above_the_floor(linter: Linter) -> None:
    result, s, report = _scored(linter, BLIND)
    assert result.files == 28 and s.bad_spans == 0, report
    assert (s.micro.precision or 0) >= BLIND_MIN_MICRO_PRECISION, report
    assert (s.micro.recall or 0) >= BLIND_MIN_MICRO_RECALL, report
    assert (s.flagged.recall or 0) >= BLIND_MIN_FLAGGED_RECALL, report
