"""The labelled corpora in the repository follow the annotation guide's format exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimlint.evaluate import SENTENCE_CATEGORIES

TESTS = Path(__file__).resolve().parent
CORPORA = [TESTS / "corpus", TESTS / "corpus-blind", TESTS / "corpus-synthetic"]


def _lines(corpus: Path) -> list[dict[str, object]]:
    text = (corpus / "labels.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda p: p.name)
def test_every_label_is_an_exact_slice_with_known_categories(corpus: Path) -> None:
    texts: dict[str, str] = {}
    for label in _lines(corpus):
        if label.get("document"):
            continue
        name = str(label["doc"])
        if name not in texts:
            texts[name] = (corpus / "docs" / name).read_text(encoding="utf-8")
        start, sentence = int(label["start"]), str(label["sentence"])  # type: ignore[call-overload]
        assert texts[name][start:start + len(sentence)] == sentence, (name, start)
        categories = set(label["categories"])  # type: ignore[call-overload]
        assert categories <= set(SENTENCE_CATEGORIES), (name, categories)
        # annotation.md: a disease claim is always also an efficacy claim
        assert "disease-claim" not in categories or "efficacy-claim" in categories, (name, start)


def test_written_corpus_pages_each_have_their_own_site_and_genre() -> None:
    corpus = TESTS / "corpus-synthetic"
    docs = sorted((corpus / "docs").glob("*.txt"))
    hosts = [d.read_text(encoding="utf-8").split("\n", 1)[0] for d in docs]
    assert len(docs) >= 100 and all(h.startswith("https://") for h in hosts)
    assert len({h.split("/")[2] for h in hosts}) == len(docs)
    genres = {str(x["doc"]): x["genre"] for x in _lines(corpus) if x.get("document")}
    assert set(genres) == {d.name for d in docs}
    assert set(genres.values()) == {"marketing", "neutral"}
