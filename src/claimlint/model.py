"""The learned decision: weigh each sentence's rule evidence, context and wording per category."""

from __future__ import annotations

import bisect
import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .features import Lexicon, Sentences, Unit, sentence_units, stance_features
from .findings import Finding

if TYPE_CHECKING:
    import numpy as np
    from spacy.tokens import Doc

    from .document import Document
    from .engine import RulePass
    from .ruleset import Rule

MODEL_FILE = "claims.npz"
# A model is a folder holding MODEL_FILE; the shipped one lives inside the package.
DEFAULT_MODEL_DIR = Path(__file__).parent / "models" / "default"
LEARNED = "learned"  # the rule level whose rules name the findings only the model makes
DISEASE, EFFICACY = "disease-claim", "efficacy-claim"
# A page with little to go on sits near 0.5: only a clear informational stance waives the
# disclosure (grouped cross-validation: 51 of 78 neutral pages, 1 of 75 that owe one).
INFORMS_BELOW = 0.4
INFORMS_CONFIDENCE = 0.5
# The model weighs a sentence in its page; a snippet of a sentence or two has no page
# to weigh it by (its stance sits near 0.5, unlike any page trained on): there it
# drops no rule finding, only gives its confidence, and adds what it is sure of.
MIN_SENTENCES = 3


@dataclass(frozen=True)
class ClaimModel:
    """Per-category logistic weights over sentence features, with decision thresholds."""

    categories: tuple[str, ...]
    features: dict[str, int]
    weights: np.ndarray  # (features, categories)
    bias: np.ndarray  # (categories,)
    keep: np.ndarray  # (categories,) a rule finding stands when P >= keep
    add: np.ndarray  # (categories,) a sentence no rule flagged is flagged when P >= add
    page_features: tuple[str, ...] = ()
    page_weights: np.ndarray | None = None  # promotional-page logistic weights, bias last
    rules: frozenset[str] = frozenset()  # the rules it was trained with: the ones it may judge
    meta: dict[str, object] | None = None

    @classmethod
    def load(cls, folder: Path) -> ClaimModel:
        """Read a model folder written by ``save`` (raises UsageError when it is not one)."""
        import numpy as np

        path = folder / MODEL_FILE
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
        except (OSError, ValueError, KeyError) as exc:
            raise UsageError(f"{path}: not a claimlint model ({exc})") from None
        meta = json.loads(str(arrays["meta"]))
        return cls(
            categories=tuple(meta["categories"]),
            features={name: i for i, name in enumerate(arrays["features"].tolist())},
            weights=arrays["weights"].astype(np.float32),
            bias=arrays["bias"],
            keep=arrays["keep"],
            add=arrays["add"],
            page_features=tuple(meta.get("page_features", ())),
            page_weights=arrays.get("page_weights"),
            rules=frozenset(meta.get("rules", ())),
            meta=meta,
        )

    def save(self, folder: Path) -> None:
        """Write the model to ``folder`` as one compressed numpy archive."""
        import numpy as np

        folder.mkdir(parents=True, exist_ok=True)
        names = sorted(self.features, key=self.features.__getitem__)
        meta = {**(self.meta or {}), "categories": list(self.categories),
                "page_features": list(self.page_features), "rules": sorted(self.rules)}
        arrays: dict[str, Any] = {
            "features": np.array(names), "weights": self.weights.astype(np.float16),
            "bias": self.bias, "keep": self.keep, "add": self.add,
            "meta": np.array(json.dumps(meta))}
        if self.page_weights is not None:
            arrays["page_weights"] = self.page_weights
        np.savez_compressed(folder / MODEL_FILE, **arrays)

    def digest(self) -> str:
        """A hash of everything the model decides by."""
        import hashlib

        digest = hashlib.sha256(json.dumps(
            [self.categories, sorted(self.features.items()), self.page_features,
             sorted(self.rules), self.meta], sort_keys=True, default=str).encode())
        for array in (self.weights, self.bias, self.keep, self.add, self.page_weights):
            if array is not None:
                digest.update(f"{array.dtype}{array.shape}".encode() + array.tobytes())
        return digest.hexdigest()

    def probabilities(self, sentences: Sentences) -> np.ndarray:
        """Return P(category | sentence) for every unit, shape (units, categories)."""
        import numpy as np

        units = sentences.units
        shared = self.bias + sum((value * self.weights[self.features[name]]
                                  for name, value in sentences.page.items()
                                  if name in self.features), np.zeros(len(self.bias)))
        get = self.features.get
        known = [(row, col, value) for row, unit in enumerate(units)
                 for name, value in unit.features.items() if (col := get(name)) is not None]
        scores = np.tile(shared, (len(units), 1))
        if known:
            rows, cols, values = zip(*known, strict=True)
            rows_a = np.array(rows, dtype=np.intp)
            contributions = self.weights[np.array(cols, dtype=np.intp)] * np.array(values)[:, None]
            # Rows come in order: sum each row's run of contributions at once.
            firsts = np.flatnonzero(np.r_[True, rows_a[1:] != rows_a[:-1]])
            scores[rows_a[firsts]] += np.add.reduceat(contributions, firsts, axis=0)
        probs: np.ndarray = 1.0 / (1.0 + np.exp(-scores))
        return probs

    def promotional(self, document: Document) -> float:
        """Return the probability that the page promotes what it describes (its stance)."""
        return stance_of(document, self._stance)

    @functools.cached_property
    def _stance(self) -> StanceWeights | None:
        return stance_weights(self.page_features, self.page_weights)


@dataclass(frozen=True)
class Decision:
    """A model plus the rules that name its findings; applied to one document at a time."""

    model: ClaimModel
    learned: dict[str, Rule]  # category -> the rule whose metadata a model-only finding takes
    lexicon: Lexicon = None

    def apply(self, document: Document, docs: Sequence[Doc], found: RulePass,
              stance: float) -> list[Finding]:
        """Keep the rule findings the evidence supports, add what only the model sees.

        ``stance`` is the page's probability of selling (``ClaimModel.promotional``).
        """
        import numpy as np

        findings = found.findings
        judged = self.model.rules
        # The model reads only the rules it learned from: more packs must not sway it.
        known = replace(found, findings=tuple(f for f in findings if f.rule in judged),
                        cancelled=tuple(c for c in found.cancelled if c.rule in judged))
        sentences = sentence_units(document, docs, known, self.lexicon, stance)
        units = sentences.units
        if not units:
            return list(findings)
        judges = len(units) >= MIN_SENTENCES
        probs = self.model.probabilities(sentences)
        column = {c: i for i, c in enumerate(self.model.categories)}
        # On a page that informs, a sentence is a claim only when the model says more
        # likely than not (grouped CV: false alarms on neutral pages 233 -> 115, recall -1%).
        floor = INFORMS_CONFIDENCE if judges and stance < INFORMS_BELOW else 0.0
        starts = [u.source_start for u in units]
        out: list[Finding] = []
        for f in findings:
            col = column.get(f.category)
            at = _unit_of(units, starts, f)
            # A rule the model never saw (an officer's own, another pack's) is not second-guessed.
            if col is None or at is None or f.rule not in judged:
                out.append(f)
                continue
            p = float(probs[at, col])
            if not judges or p >= max(self.model.keep[col], floor):
                out.append(replace(f, confidence=round(p, 3)))
        kept = {(_unit_of(units, starts, f), f.category): f for f in out}
        adds = probs >= np.maximum(self.model.add, floor)
        for u, col in zip(*np.nonzero(adds), strict=True):
            u, c = int(u), self.model.categories[col]
            rule = self.learned.get(c)
            if rule and (u, c) not in kept:
                p = float(probs[u, col])
                kept[u, c] = learned_finding(rule, document, units[u], round(p, 3))
                out.append(kept[u, c])
        # A disease claim is also an efficacy claim (annotation guide): never one alone.
        efficacy = self.learned.get(EFFICACY)
        for (at, c), f in list(kept.items()):
            if c == DISEASE and at is not None and efficacy and (at, EFFICACY) not in kept:
                out.append(learned_finding(efficacy, document, units[at], f.confidence or 1.0))
        return out


# The page-stance model as plain floats: each feature's weight by name, and the bias.
StanceWeights = tuple[dict[str, float], float]


def stance_weights(names: Sequence[str], weights: np.ndarray | None) -> StanceWeights | None:
    """The stance model's weights (``names``' then the bias) by name; None for no model."""
    if weights is None:
        return None
    values = weights.tolist()  # reading a numpy scalar costs more than the sum it feeds
    return dict(zip(names, values, strict=False)), values[-1]


def stance_of(document: Document, weights: StanceWeights | None) -> float:
    """The page-stance model's probability that ``document`` sells (1.0 with no model)."""
    if weights is None:
        return 1.0
    by_name, bias = weights
    score = bias + sum(w * value for name, value in stance_features(document).items()
                       if (w := by_name.get(name)) is not None)
    return 1.0 / (1.0 + math.exp(-score))


def _unit_of(units: Sequence[Unit], starts: Sequence[int], f: Finding) -> int | None:
    """Index of the sentence a finding starts in (``starts``: the units' source starts)."""
    i = bisect.bisect_right(starts, f.start) - 1
    return i if i >= 0 and f.start < units[i].source_end else None


def learned_finding(rule: Rule, document: Document, unit: Unit, confidence: float) -> Finding:
    """A finding the model makes on a whole sentence, with its category's learned rule."""
    line, col = document.line_col(unit.source_start)
    end_line, end_col = document.line_col(unit.source_end)
    match = document.text[unit.source_start:unit.source_end]
    return Finding(
        path=document.path, rule=rule.id, category=rule.category, severity=rule.severity,
        message=rule.message.format(match=unit.text), start=unit.source_start,
        end=unit.source_end, match=match, line=line, column=col, end_line=end_line,
        end_column=end_col, scope=unit.scope, sentence=unit.text, references=rule.references,
        advice=rule.advice, confidence=confidence)


def load_model(spec: str | None) -> ClaimModel | None:
    """Return the claim model a ``model:`` setting names (None: the shipped one; "none": off)."""
    if spec == "none":
        return None
    folder = DEFAULT_MODEL_DIR if spec is None else Path(spec)
    if spec is None and not (folder / MODEL_FILE).is_file():
        return None
    return ClaimModel.load(folder)


def is_model_dir(spec: str | None) -> bool:
    """True when ``spec`` names a claimlint model folder (not a spaCy pipeline)."""
    return spec == "none" or (spec is not None and (Path(spec) / MODEL_FILE).is_file())
