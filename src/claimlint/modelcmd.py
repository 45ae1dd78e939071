"""The train and evaluate commands: fit a claim model, and score claimlint on labelled copy."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace

from .api import Linter, Options
from .errors import UsageError
from .evaluate import Score, table
from .model import is_model_dir, load_model

EXIT_OK = 0


def _progress(message: str) -> None:
    print(f"claimlint: {message}", file=sys.stderr, flush=True)


def _rules_alone(options: Options) -> Linter:
    """A linter without the learned decision: training and folds need the raw rule hits."""
    return Linter(replace(options, model="none"))


def _need_sklearn() -> None:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise UsageError("training needs scikit-learn: pip install 'claimlint[train]'") from None


def train_model(args: argparse.Namespace, options: Options) -> int:
    """Fit a model on every page of the corpora and save it."""
    from .train import load_corpora, train

    _need_sklearn()
    started = time.monotonic()
    linter = _rules_alone(options)
    corpus = load_corpora(linter, args.corpora, _progress)
    model = train(linter, corpus, args.seed, _progress)
    model.save(args.output)
    sentences = sum(len(p.units) for p in corpus.pages)
    print(f"trained on {len(corpus.pages)} pages ({sentences} sentences, "
          f"{len({p.site for p in corpus.pages})} sites) in {time.monotonic() - started:.0f} s; "
          f"{len(model.features)} features")
    print(f"{'category':24} {'labels':>6} {'keep':>5} {'add':>5}")
    for j, cat in enumerate(model.categories):
        labelled = sum(cat in g for p in corpus.pages for g in p.gold)
        add = "never" if model.add[j] > 1 else f"{model.add[j]:.2f}"
        print(f"{cat:24} {labelled:6} {model.keep[j]:5.2f} {add:>5}")
    print(f"model written to {args.output}; use it with 'model: {args.output}' in .claimlint.yaml "
          f"or --model {args.output}")
    return EXIT_OK


def evaluate_model(args: argparse.Namespace, options: Options) -> int:
    """Score the configured model, or cross-validate a new one with --folds."""
    from .train import cross_validate, load_corpora, predict_pages, score_pages

    if args.folds == 1 or args.folds < 0:
        raise UsageError("--folds must be 2 or more (or 0: score the configured model)")
    if args.model:
        options = replace(options, model=args.model)
    if args.also_train and not args.folds:
        raise UsageError("--also-train needs --folds: it adds training data to each fold")
    linter = _rules_alone(options)
    corpus = load_corpora(linter, args.corpora, _progress)
    if args.folds:
        _need_sklearn()
        extra = load_corpora(linter, args.also_train, _progress).pages if args.also_train else []
        result = cross_validate(linter, corpus, args.folds, args.group_by, args.seed, _progress,
                                extra)
        how = f"{args.folds}-fold cross-validation grouped by {args.group_by}"
        if args.also_train:
            how += " (training also on " + ", ".join(map(str, args.also_train)) + ")"
    else:
        model = load_model(options.model if is_model_dir(options.model) else None)
        result = score_pages(corpus, predict_pages(linter.engine.with_model(model), corpus))
        how = "rules alone" if model is None else f"model {options.model or '(shipped)'}"
    if args.format == "json":
        print(json.dumps(_as_json(result, how), indent=2))
    else:
        print(f"{how}: {len(corpus.pages)} pages")
        print(table(result))
    return EXIT_OK


def _as_json(result: Score, how: str) -> dict[str, object]:
    """The score table as JSON: per category and micro precision, recall, F1 and counts."""
    def row(c: object) -> dict[str, object]:
        return {k: getattr(c, k) for k in ("precision", "recall", "f1", "tp", "fp", "stray", "fn")}

    return {"how": how, "categories": {k: row(v) for k, v in sorted(result.categories.items())},
            "micro": row(result.micro), "sentence_flagged": row(result.flagged)}
