"""The public Python API: lint text or paths with a chosen rule set."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .document import Document
from .engine import Engine
from .extract import SUFFIXES, ExtractError, document_from_text, load_document
from .findings import FileError, Finding, LintResult, Severity
from .nlp import build_pipeline
from .ruleset import DEFAULT_PACKS, RuleSet, load_ruleset

SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "env", "__pycache__", ".tox",
     ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", "dist", "build"}
)
BATCH_FILES = 32


@dataclass(frozen=True)
class Options:
    """What to lint with: packs, extra rule files, selection, severities, model."""

    packs: tuple[str, ...] = DEFAULT_PACKS
    rule_paths: tuple[Path, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    vocabulary: dict[str, tuple[str, ...]] = field(default_factory=dict)
    model: str | None = None


class Linter:
    """A loaded rule set and pipeline, built once and reused for every file."""

    def __init__(self, options: Options | None = None, ruleset: RuleSet | None = None):
        self.options = options or Options()
        opts = self.options
        rules = ruleset or load_ruleset(opts.packs, opts.rule_paths, opts.vocabulary)
        rules.check_selectors(opts.select, "--select")
        rules.check_selectors(opts.ignore, "--ignore")
        rules.check_selectors(opts.severity, "severity")
        self.ruleset = rules.with_severities(opts.severity)
        self.nlp = build_pipeline(opts.model)
        selected = {r.id for r in self.ruleset.rules
                    if self.ruleset.is_selected(r, opts.select, opts.ignore)}
        runnable = [r for r in self.ruleset.rules if opts.model or not r.needs_model]
        skipped = sorted(r.id for r in self.ruleset.rules if r.id in selected and r not in runnable)
        self.notices: tuple[str, ...] = ()
        if skipped:
            self.notices = (
                f"{len(skipped)} rule(s) need a trained spaCy pipeline and were skipped "
                f"(set --model or 'model:' in config): {', '.join(skipped)}",
            )
        self.selected = selected
        self.engine = Engine(runnable, self.nlp)

    def lint_documents(self, documents: Sequence[Document]) -> list[Finding]:
        """Lint documents with one ``nlp.pipe`` pass over all their segments."""
        texts = [seg.text for d in documents for seg in d.segments]
        docs = iter(self.nlp.pipe(texts, batch_size=256))
        findings: list[Finding] = []
        for document in documents:
            parsed = [next(docs) for _ in document.segments]
            findings.extend(f for f in self.engine.lint(document, parsed) if f.rule in self.selected)
        return findings

    def lint_text(self, text: str, path: str = "<text>", fmt: str | None = None) -> list[Finding]:
        """Lint one string as if it were the file ``path``."""
        return self.lint_documents([document_from_text(text, path, fmt)])

    def lint_paths(
        self, paths: Iterable[str | Path], stdin_text: str | None = None,
        stdin_filename: str = "<stdin>",
    ) -> LintResult:
        """Lint files and folders (``-`` reads ``stdin_text``); unreadable files go to errors."""
        findings: list[Finding] = []
        errors: list[FileError] = []
        count = 0
        batch: list[Document] = []
        for item in iter_files(paths, errors):
            count += 1
            try:
                if item == "-":
                    batch.append(document_from_text(stdin_text or "", stdin_filename))
                else:
                    batch.append(load_document(Path(item), str(item)))
            except ExtractError as exc:
                errors.append(FileError(str(item), str(exc)))
            if len(batch) >= BATCH_FILES:
                findings.extend(self.lint_documents(batch))
                batch = []
        findings.extend(self.lint_documents(batch))
        return LintResult(tuple(findings), tuple(errors), count, self.notices)


def iter_files(paths: Iterable[str | Path], errors: list[FileError]) -> Iterator[str]:
    """Yield files to lint, as given or found below given folders, in a stable order."""
    for raw in paths:
        item = str(raw)
        if item == "-":
            yield item
            continue
        path = Path(item)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    if Path(name).suffix.lower() in SUFFIXES:
                        yield os.path.join(root, name)
        elif path.exists():
            yield item
        else:
            errors.append(FileError(item, f"{item}: no such file or directory"))


def lint_text(text: str, *, path: str = "<text>", fmt: str | None = None,
              options: Options | None = None) -> list[Finding]:
    """Lint a string (``fmt``: "text" or "markdown"; default from ``path``'s suffix)."""
    return _linter(options).lint_text(text, path, fmt)


def lint_paths(paths: Iterable[str | Path], *, options: Options | None = None) -> LintResult:
    """Lint files and folders and return findings, file errors and notices."""
    return _linter(options).lint_paths(paths)


_CACHE: dict[Options | None, Linter] = {}


def _linter(options: Options | None) -> Linter:
    key = options if options is None or not (options.severity or options.vocabulary) else None
    if key is None and options is not None:
        return Linter(options)
    if key not in _CACHE:
        _CACHE[key] = Linter(options)
    return _CACHE[key]
