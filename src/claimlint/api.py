"""The public Python API: lint text or paths with a chosen rule set."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .config import Override
from .document import Document
from .engine import Engine
from .discover import PathFilter, iter_files
from .extract import ExtractError, document_from_text, load_document
from .findings import FileError, Finding, LintResult, Severity
from .nlp import build_pipeline
from .suppress import Problem, Suppressed
from .suppress import apply as apply_suppressions
from .ruleset import DEFAULT_PACKS, RuleSet, load_ruleset

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
    overrides: tuple[Override, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    root: Path = field(default_factory=Path.cwd)
    require_reason: bool = False


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
        self._filter = PathFilter(opts.root, opts.include, opts.exclude)
        for override in opts.overrides:
            rules.check_selectors(override.select, "overrides.select")
            rules.check_selectors(override.ignore, "overrides.ignore")
        self.engine = Engine(runnable, self.nlp, opts.vocabulary.get("accept", ()))

    def lint_documents(self, documents: Sequence[Document]) -> list[Finding]:
        """Lint documents with one ``nlp.pipe`` pass; inline approvals are applied."""
        return self._lint_batch(documents)[0]

    def _lint_batch(self, documents: Sequence[Document]
                    ) -> tuple[list[Finding], list[Suppressed], list[Problem]]:
        texts = [seg.text for d in documents for seg in d.segments]
        docs = iter(self.nlp.pipe(texts, batch_size=256))
        findings: list[Finding] = []
        suppressed: list[Suppressed] = []
        problems: list[Problem] = []
        for document in documents:
            parsed = [next(docs) for _ in document.segments]
            found = self._policy(document.path)(self.engine.lint(document, parsed))
            kept, silenced, bad = apply_suppressions(document, found, self.options.require_reason)
            findings += kept
            suppressed += silenced
            problems += bad
        return findings, suppressed, problems

    def _policy(self, path: str) -> Callable[[list[Finding]], list[Finding]]:
        """Return the filter that applies select/ignore and per-path overrides to findings."""
        matching = [o for o in self.options.overrides if self._filter.match(o.files, path)]
        if not matching:
            return lambda found: [f for f in found if f.rule in self.selected]
        select, ignore = list(self.options.select), list(self.options.ignore)
        severity: dict[str, Severity] = {}
        for o in matching:
            select, ignore = (list(o.select) or select), ignore + list(o.ignore)
            severity.update(o.severity)
        rules = {r.id: r for r in self.ruleset.rules}

        def apply(found: list[Finding]) -> list[Finding]:
            out = []
            for f in found:
                rule = rules[f.rule]
                if not self.ruleset.is_selected(rule, select, ignore):
                    continue
                hits = [k for k in severity if rule.matches_selector(k)]
                out.append(replace(f, severity=severity[max(hits, key=len)]) if hits else f)
            return out
        return apply

    def lint_text(self, text: str, path: str = "<text>", fmt: str | None = None) -> list[Finding]:
        """Lint one string as if it were the file ``path``."""
        return self.lint_documents([document_from_text(text, path, fmt)])

    def lint_paths(
        self, paths: Iterable[str | Path], stdin_text: str | None = None,
        stdin_filename: str = "<stdin>",
    ) -> LintResult:
        """Lint files and folders (``-`` reads ``stdin_text``); unreadable files go to errors."""
        findings: list[Finding] = []
        suppressed: list[Suppressed] = []
        problems: list[Problem] = []
        errors: list[FileError] = []
        count = 0
        batch: list[Document] = []
        for item in iter_files(paths, errors, self._filter):
            count += 1
            try:
                if item == "-":
                    batch.append(document_from_text(stdin_text or "", stdin_filename))
                else:
                    batch.append(load_document(Path(item), str(item)))
            except ExtractError as exc:
                errors.append(FileError(str(item), str(exc)))
            if len(batch) >= BATCH_FILES or item == "-":
                self._collect(batch, findings, suppressed, problems)
                batch = []
        self._collect(batch, findings, suppressed, problems)
        return LintResult(tuple(findings), tuple(errors), count, self.notices,
                          tuple(suppressed), tuple(problems))

    def _collect(self, batch: list[Document], findings: list[Finding],
                 suppressed: list[Suppressed], problems: list[Problem]) -> None:
        found, silenced, bad = self._lint_batch(batch)
        findings += found
        suppressed += silenced
        problems += bad


def lint_text(text: str, *, path: str = "<text>", fmt: str | None = None,
              options: Options | None = None) -> list[Finding]:
    """Lint a string (``fmt``: "text" or "markdown"; default from ``path``'s suffix)."""
    return _linter(options).lint_text(text, path, fmt)


def lint_paths(paths: Iterable[str | Path], *, options: Options | None = None) -> LintResult:
    """Lint files and folders and return findings, file errors and notices."""
    return _linter(options).lint_paths(paths)


_DEFAULT: list[Linter] = []


def _linter(options: Options | None) -> Linter:
    """Reuse one default linter; build a new one for explicit options."""
    if options is not None:
        return Linter(options)
    if not _DEFAULT:
        _DEFAULT.append(Linter())
    return _DEFAULT[0]
