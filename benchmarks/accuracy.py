#!/usr/bin/env python3
"""Print claimlint's precision and recall per category on an annotated corpus.

Usage: python benchmarks/accuracy.py CORPUS [--packs core,us-ftc,us-fda]
CORPUS holds docs/ and labels.jsonl (the format of tests/corpus and ../shared/corpus/dev).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from claimlint import Linter, Options
from claimlint.evaluate import score_corpus, table
from claimlint.ruleset import DEFAULT_PACKS


def main() -> None:
    """Lint every document of the corpus and print the score table."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--packs", default=",".join(DEFAULT_PACKS))
    args = parser.parse_args()
    docs = sorted(p for p in (args.corpus / "docs").iterdir() if p.is_file())
    linter = Linter(Options(packs=tuple(args.packs.split(","))))
    result = linter.lint_paths(docs)
    print(table(score_corpus(args.corpus, result.findings)))


if __name__ == "__main__":
    main()
