"""Train the claim model on labelled corpora and measure it by cross-validation grouped by site."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np

from .errors import UsageError
from .evaluate import SENTENCE_CATEGORIES, Labels, Score, read_labels, score
from .extract import ExtractError, SkipFile, load_documents
from .features import Features, Unit, sentence_units, stance_features, with_stance
from .findings import Finding
from .model import ClaimModel

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from .api import Linter
    from .document import Document
    from .engine import Engine, RulePass

Progress = Callable[[str], None]
# Where the evidence for a rule hit is weak the decision may drop it (keep threshold);
# where no rule fired it may add a finding (add threshold). Both are chosen per category
# on held-out sites inside the training data; "no change" (keep 0, add never) is a choice.
_KEEP = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
# A sentence no rule flagged is flagged only when the claim is more likely than not.
_ADD = (0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9, 1.01)
PRECISION_FLOOR = 1.0  # share of the rules' own precision a chosen decision must keep
MIN_FEATURE_COUNT = 2  # a feature seen once cannot generalise and bloats the model
STANCE_MIN_PAGES, STANCE_C = 3, 0.5  # the page-stance model: words on 3+ pages, regularised


@dataclass
class Page:
    """One labelled document, parsed once: its rule findings, sentences and gold labels."""

    name: str
    site: str
    document: Document
    docs: list[Doc]
    found: RulePass  # the sentence rules' findings, before the learned decision
    units: list[Unit]
    rows: list[Features]  # each unit's features, the page's included
    gold: list[set[str]]  # per unit: the categories of the labelled sentences it covers
    promotional: bool | None  # the page's genre label (marketing), when the corpus gives it


@dataclass(frozen=True)
class Corpus:
    """Pages of one or more labelled corpora, with the raw texts the scorer needs."""

    pages: list[Page]
    labels: Labels
    documents: dict[str, set[str]]
    texts: dict[str, str]


def load_corpora(linter: Linter, corpora: Sequence[Path],
                 progress: Progress | None = None) -> Corpus:
    """Parse and rule-check every labelled document once (the model is not applied)."""
    pages: list[Page] = []
    labels: Labels = {}
    documents: dict[str, set[str]] = {}
    texts: dict[str, str] = {}
    for corpus in corpora:
        sentences, doc_lines = read_labels(corpus)
        files = sorted(p for p in (corpus / "docs").iterdir() if p.is_file())
        for i, path in enumerate(files, 1):
            if progress and (i % 20 == 0 or i == len(files)):
                progress(f"{corpus}: read {i}/{len(files)} documents")
            key = _key(corpus, path, len(corpora))
            try:
                loaded = load_documents(path, key)
            except (SkipFile, ExtractError):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            texts[key], labels[key] = text, sentences.get(path.name, [])
            line = doc_lines.get(path.name, {})
            documents[key] = set(line.get("categories", ()))
            genre = line.get("genre")
            for document in loaded:
                docs = list(linter.nlp.pipe([s.text for s in document.segments]))
                found = linter.engine.rule_findings(document, docs)
                described = sentence_units(document, docs, found, linter.engine.lexicon)
                units = described.units
                pages.append(Page(key, _site(text, key), document, docs, found, units,
                                  described.rows(), [_gold(u, labels[key]) for u in units],
                                  None if genre is None else genre == "marketing"))
    if not pages:
        raise UsageError("no labelled documents found in " + ", ".join(map(str, corpora)))
    return Corpus(pages, labels, documents, texts)


def _key(corpus: Path, path: Path, n: int) -> str:
    """The document's name in reports: the file name, or corpus/name with several corpora."""
    return path.name if n == 1 else f"{corpus.name}/{path.name}"


def _site(text: str, fallback: str) -> str:
    """A page's site: the host of the URL on its first line (annotation guide), else its name."""
    first = text.split("\n", 1)[0].strip()
    host = urlparse(first).netloc if first.startswith(("http://", "https://")) else ""
    return host.lower().removeprefix("www.") or fallback


def _gold(unit: Unit, labelled: Sequence[tuple[int, int, set[str]]]) -> set[str]:
    """Categories of the labelled sentences that mostly overlap the unit."""
    cats: set[str] = set()
    for s, e, c in labelled:
        overlap = min(e, unit.source_end) - max(s, unit.source_start)
        if overlap > 0 and overlap >= 0.5 * min(e - s, unit.source_end - unit.source_start):
            cats |= c
    return cats


def fit(pages: Sequence[Page], rules: Sequence[str], seed: int = 0, c: float = 0.3,
        progress: Progress | None = None) -> ClaimModel:
    """Fit per-category weights and choose keep/add thresholds on held-out sites."""
    import numpy as np

    stance = _held_out_stance(pages, seed)
    vocab, x = _matrix([with_stance(row, stance[i]) for i, p in enumerate(pages)
                        for row in p.rows], None)
    y = _targets(pages)
    hits = _rule_hits(pages)
    groups = np.array([p.site for p in pages for _ in p.units])
    n_cats = len(SENTENCE_CATEGORIES)
    weights = np.zeros((len(vocab), n_cats), dtype=np.float32)
    bias, keep, add = np.zeros(n_cats), np.zeros(n_cats), np.full(n_cats, 2.0)
    inner = _folds(groups, 3)
    for j, cat in enumerate(SENTENCE_CATEGORIES):
        if progress:
            progress(f"fitting {cat} ({j + 1}/{n_cats})")
        if y[:, j].sum() < 2 or len(inner) < 2:
            continue  # too few examples to learn from: the rules decide alone
        held_out = np.zeros(len(y))
        for train, test in inner:
            held_out[test] = _predict(_fit_one(x[train], y[train, j], seed, c), x[test])
        keep[j], add[j] = _thresholds(held_out, y[:, j], hits[:, j])
        model = _fit_one(x, y[:, j], seed, c)
        if model is not None:
            weights[:, j], bias[j] = model.coef_[0], model.intercept_[0]
    used = np.flatnonzero(np.abs(weights).max(axis=1) > 1e-4)
    names = sorted(vocab, key=vocab.__getitem__)
    page_names, page_weights = _fit_stance(pages, seed)
    return ClaimModel(
        categories=SENTENCE_CATEGORIES,
        features={names[i]: k for k, i in enumerate(used)},
        weights=weights[used], bias=bias, keep=keep, add=add,
        page_features=page_names, page_weights=page_weights, rules=frozenset(rules),
        meta={"seed": seed, "C": c, "sentences": len(y), "pages": len(pages)})


def _matrix(rows: Sequence[dict[str, float]], vocab: dict[str, int] | None,
            min_count: int = MIN_FEATURE_COUNT) -> tuple[dict[str, int], Any]:
    """A sparse matrix of feature rows; a new vocabulary keeps features seen often enough."""
    import numpy as np
    from scipy.sparse import csr_matrix

    if vocab is None:
        counts: dict[str, int] = defaultdict(int)
        for row in rows:
            for name in row:
                counts[name] += 1
        kept = sorted(n for n, k in counts.items() if k >= min_count)
        vocab = {n: i for i, n in enumerate(kept)}
    data, cols, ptr = [], [], [0]
    for row in rows:
        for name, value in row.items():
            col = vocab.get(name)
            if col is not None:
                cols.append(col)
                data.append(value)
        ptr.append(len(cols))
    matrix = csr_matrix((np.array(data, dtype=np.float64), np.array(cols, dtype=np.int32),
                         np.array(ptr, dtype=np.int32)), shape=(len(rows), len(vocab)))
    return vocab, matrix


def _targets(pages: Sequence[Page]) -> np.ndarray:
    import numpy as np

    return np.array([[c in g for c in SENTENCE_CATEGORIES] for p in pages for g in p.gold],
                    dtype=bool).reshape(-1, len(SENTENCE_CATEGORIES))


def _rule_hits(pages: Sequence[Page]) -> np.ndarray:
    import numpy as np

    return np.array([[f"c:{c}" in row for c in SENTENCE_CATEGORIES]
                     for p in pages for row in p.rows],
                    dtype=bool).reshape(-1, len(SENTENCE_CATEGORIES))


def _fit_one(x: Any, y: np.ndarray, seed: int, c: float) -> Any:
    """A logistic regression for one category (None when the labels are all one value)."""
    from sklearn.linear_model import LogisticRegression

    if y.all() or not y.any():
        return None
    return LogisticRegression(C=c, solver="liblinear", random_state=seed).fit(x, y)


def _predict(model: Any, x: Any) -> np.ndarray:
    import numpy as np

    return np.zeros(x.shape[0]) if model is None else model.predict_proba(x)[:, 1]


def _thresholds(p: np.ndarray, y: np.ndarray, rules: np.ndarray) -> tuple[float, float]:
    """The keep and add thresholds with the best F1 on held-out predictions.

    A choice less precise than the rules alone is not taken: the decision may find more,
    but it must not make the linter noisier than its rules.
    """
    floor = float((rules & y).sum() / rules.sum()) if rules.any() else 0.0
    best = (-1.0, 0.0, 2.0)
    for keep in _KEEP:
        kept = rules & (p >= keep)
        for add in _ADD:
            flagged = kept | (p >= add)
            tp = int((flagged & y).sum())
            f1 = 2 * tp / (flagged.sum() + y.sum()) if tp else 0.0
            if tp / max(int(flagged.sum()), 1) < floor * PRECISION_FLOOR:
                continue
            if f1 > best[0] + 1e-9:
                best = (f1, keep, add if add <= 1 else 2.0)
    return best[1], best[2]


def _fit_stance(pages: Sequence[Page], seed: int) -> tuple[tuple[str, ...], np.ndarray | None]:
    """Weights of the page-stance model (promotional or not), from pages with a genre."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    known = [p for p in pages if p.promotional is not None]
    if len({p.promotional for p in known}) < 2:
        return (), None
    vocab, x = _matrix([stance_features(p.document) for p in known], None, STANCE_MIN_PAGES)
    model = LogisticRegression(C=STANCE_C, solver="liblinear", random_state=seed).fit(
        x, [p.promotional for p in known])
    names = tuple(sorted(vocab, key=vocab.__getitem__))
    return names, np.append(model.coef_[0], model.intercept_[0])


def _held_out_stance(pages: Sequence[Page], seed: int) -> list[float]:
    """Each page's stance from a model that never saw its site: what inference will see."""
    from .model import stance_of, stance_weights

    stance = [1.0] * len(pages)
    sites = np.array([p.site for p in pages])
    for train, test in _folds(sites, 3):
        names, weights = _fit_stance([pages[i] for i in train], seed)
        by_name = stance_weights(names, weights)
        for i in test:
            stance[i] = stance_of(pages[i].document, by_name)
    return stance


def _folds(groups: np.ndarray, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Split row indexes into k folds that never share a group, deterministically."""
    from sklearn.model_selection import GroupKFold

    if len(set(groups.tolist())) < k:
        return []
    return list(GroupKFold(n_splits=k).split(groups, groups=groups))


def cross_validate(linter: Linter, corpus: Corpus, folds: int, group_by: str = "site",
                   seed: int = 0, progress: Progress | None = None,
                   extra: Sequence[Page] = ()) -> Score:
    """Score the model on each fold's pages after training on the others (grouped).

    ``extra`` pages join every fold's training data and are never scored.
    """
    import numpy as np

    keys = np.array([p.site if group_by == "site" else p.name for p in corpus.pages])
    splits = _folds(keys, folds)
    if not splits:
        raise UsageError(f"--folds {folds}: the corpus has fewer than {folds} "
                         f"{'sites' if group_by == 'site' else 'documents'}")
    findings: list[Finding] = []
    for k, (train, test) in enumerate(splits, 1):
        if progress:
            progress(f"fold {k}/{folds}: training on {len(train) + len(extra)} pages")
        model = fit([*(corpus.pages[i] for i in train), *extra], _rule_ids(linter), seed)
        held_out = replace(corpus, pages=[corpus.pages[i] for i in test])
        findings.extend(predict_pages(linter.engine.with_model(model), held_out))
    return score_pages(corpus, findings)


def score_pages(corpus: Corpus, findings: Sequence[Finding]) -> Score:
    """Score findings on a loaded corpus (paths are the corpus's document keys)."""
    return score(corpus.labels, corpus.documents, findings, corpus.texts)


def predict_pages(engine: Engine, corpus: Corpus) -> list[Finding]:
    """Finish every loaded page with ``engine``'s decision (its model, or rules alone)."""
    return [f for p in corpus.pages for f in engine.finish(p.document, p.docs, p.found)]


def _rule_ids(linter: Linter) -> list[str]:
    """The sentence rules a model trained with ``linter`` learns to judge."""
    return [r.id for r in linter.engine.rules if r.level == "sentence"]


def train(linter: Linter, corpus: Corpus, seed: int = 0,
          progress: Progress | None = None) -> ClaimModel:
    """Fit a model on every page of a loaded corpus, for the linter's rules."""
    return fit(corpus.pages, _rule_ids(linter), seed, progress=progress)
