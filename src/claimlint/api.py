"""The public Python API: lint text or paths with a chosen rule set."""

from __future__ import annotations

import contextlib
import copy
import itertools
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Override
from .discover import PathFilter, iter_files
from .document import Document
from .engine import Engine, merge_claims
from .extract import ExtractError, SkipFile, document_from_text, extract, read_file
from .findings import FileError, Finding, LintResult, Severity
from .interrupt import in_worker
from .model import is_model_dir, load_model
from .nlp import build_pipeline
from .results import ResultCache, fingerprint
from .ruleset import DEFAULT_PACKS, RuleSet, load_ruleset
from .store import FindingStore
from .suppress import Problem, Suppressed
from .suppress import apply as apply_suppressions

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

BATCH_FILES = 32
MAX_FILE_SIZE = 10 << 20


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
    include_drafts: bool = False
    max_file_size: int = MAX_FILE_SIZE  # bytes; 0: no limit


class Linter:
    """A loaded rule set and pipeline, built once and reused for every file."""

    def __init__(self, options: Options | None = None, ruleset: RuleSet | None = None):
        self.options = options or Options()
        opts = self.options
        rules = ruleset or load_ruleset(opts.packs, opts.rule_paths, opts.vocabulary)
        rules.check_selectors(opts.select, "--select")
        rules.check_selectors(opts.ignore, "--ignore")
        rules.check_selectors(opts.severity, "--severity")
        self.ruleset = rules.with_severities(opts.severity)
        # 'model:' names a claim model folder (or "none"), else a trained spaCy pipeline.
        claims = is_model_dir(opts.model)
        pipeline = None if claims else opts.model
        self.nlp = build_pipeline(pipeline)
        selected = {r.id for r in self.ruleset.rules
                    if self.ruleset.is_selected(r, opts.select, opts.ignore)}
        runnable = [r for r in self.ruleset.rules if pipeline or not r.needs_model]
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
        self.engine = Engine(runnable, self.nlp, opts.vocabulary.get("accept", ()),
                             load_model(opts.model if claims else None), self.ruleset.vocabulary)
        self._results: tuple[Engine, ResultCache | None] | None = None

    def without_model(self) -> Linter:
        """The same linter deciding by its rules alone (what a rule's own examples test)."""
        other = copy.copy(self)
        other.engine = self.engine.with_model(None)
        return other

    @property
    def results(self) -> ResultCache | None:
        """Where outcomes of these settings and this engine are kept between runs; None
        when something outside the fingerprint (a trained spaCy pipeline's files) could
        change them."""
        if self._results is None or self._results[0] is not self.engine:
            stored = None
            if self.ruleset.digest and (not self.options.model or is_model_dir(self.options.model)):
                decision = self.engine.decision
                model = decision.model.digest() if decision else "no model"
                stored = ResultCache(fingerprint([self.ruleset.digest, repr(self.options), model]))
            self._results = (self.engine, stored)
        return self._results[1]

    def lint_documents(self, documents: Sequence[Document]) -> list[Finding]:
        """Lint documents with one ``nlp.pipe`` pass; inline approvals are applied."""
        return [f for outcome in self._lint_batch(documents) for f in outcome.findings]

    def _lint_batch(self, documents: Sequence[Document]) -> list[FileOutcome]:
        texts = [seg.text for d in documents for seg in d.segments]
        docs = iter(self.nlp.pipe(texts, batch_size=256))
        out = []
        for document in documents:
            parsed = [next(docs) for _ in document.segments]
            # Merged after --select/--ignore, so a claim is never lost with an unselected rule.
            found = merge_claims(self._policy(document.path)(self.engine.lint(document, parsed)))
            kept, silenced, bad = apply_suppressions(document, found, self.options.require_reason)
            out.append(FileOutcome(tuple(kept), tuple(silenced), tuple(bad)))
        return out

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

    def lint_file(self, path: str) -> FileOutcome:
        """Lint one file: the picklable unit of work for process pools and Dask."""
        opened = self._open(path)
        if isinstance(opened, FileOutcome):
            return opened
        raw, documents = opened
        return self._keep(path, raw, FileOutcome.merge(self._lint_batch(documents)))

    def _open(self, path: str, stdin: tuple[str, str] = ("", "<stdin>")
              ) -> FileOutcome | tuple[bytes | None, list[Document]]:
        """A file's bytes and documents to lint, or its outcome when stored, skipped or
        unreadable; ``-`` is ``stdin`` (text, name), whose outcome is never stored."""
        opts = self.options
        try:
            if path == "-":
                return None, [document_from_text(*stdin)]
            raw = read_file(Path(path), path, opts.max_file_size)
            stored = self.results.get(path, raw) if self.results else None
            if isinstance(stored, FileOutcome):
                return stored
            return raw, extract(raw, Path(path), path, opts.include_drafts)
        except SkipFile as exc:
            return FileOutcome(notices=(str(exc),))
        except ExtractError as exc:
            return FileOutcome(errors=(FileError(path, str(exc)),))

    def _keep(self, path: str, raw: bytes | None, outcome: FileOutcome) -> FileOutcome:
        """Store the outcome of linting ``path`` holding ``raw`` for the next run."""
        if self.results and raw is not None:
            self.results.put(path, raw, outcome)
        return outcome

    def lint_paths(
        self, paths: Iterable[str | Path], stdin_text: str | None = None,
        stdin_filename: str = "<stdin>", jobs: int = 1,
        progress: Callable[[int, int], None] | None = None,
    ) -> LintResult:
        """Lint files and folders (``-`` reads ``stdin_text``); unreadable files go to errors.

        With ``jobs`` > 1 files are linted in worker processes; the result is the same as
        with one job, in the same order.
        """
        errors: list[FileError] = []
        files = list(iter_files(paths, errors, self._filter))
        return lint_files([(self, f) for f in files], errors, stdin_text, stdin_filename, jobs,
                          progress, self.notices)

    def _serial(self, files: Sequence[str], stdin_text: str, stdin_filename: str
                ) -> Iterator[FileOutcome]:
        """Lint files in batches, one ``nlp.pipe`` pass per batch."""
        for i in range(0, len(files), BATCH_FILES):
            chunk = files[i:i + BATCH_FILES]
            batch: list[tuple[int, Document]] = []
            done: dict[int, FileOutcome] = {}
            read: dict[int, bytes | None] = {}
            for n, item in enumerate(chunk):
                opened = self._open(item, (stdin_text, stdin_filename))
                if isinstance(opened, FileOutcome):
                    done[n] = opened
                else:
                    read[n] = opened[0]
                    batch.extend((n, d) for d in opened[1])
            results = self._lint_batch([d for _, d in batch])
            per_file: dict[int, list[FileOutcome]] = {}
            for (n, _), outcome in zip(batch, results, strict=True):
                per_file.setdefault(n, []).append(outcome)
            for n, item in enumerate(chunk):
                yield done.get(n) or self._keep(item, read[n],
                                                FileOutcome.merge(per_file.get(n, [])))


def lint_files(
    work: Sequence[tuple[Linter, str]], errors: Sequence[FileError] = (),
    stdin_text: str | None = None, stdin_filename: str = "<stdin>", jobs: int = 1,
    progress: Callable[[int, int], None] | None = None, notices: Sequence[str] | None = None,
) -> LintResult:
    """Lint each file with its own linter (one per config), keeping the order of ``work``.

    ``-`` reads ``stdin_text``; ``errors`` (files not found) and ``notices`` (default: those
    of the linters in ``work``) are reported with the rest.
    """
    files = [f for _, f in work]
    linters = list(dict.fromkeys(linter for linter, _ in work))
    outcomes: Iterable[FileOutcome]
    if jobs > 1 and len(files) > 1 and "-" not in files:
        index = {id(linter): n for n, linter in enumerate(linters)}
        outcomes = _parallel(linters, [(index[id(linter)], f) for linter, f in work], jobs)
    else:
        outcomes = _serial(work, stdin_text or "", stdin_filename)
    findings = FindingStore()
    rest = [FileOutcome(errors=tuple(errors))]  # all but the findings: a few per file
    for done, outcome in enumerate(outcomes, 1):
        findings.extend(outcome.findings)
        rest.append(replace(outcome, findings=()))
        if progress:
            progress(done, len(files))
    merged = FileOutcome.merge(rest)
    if notices is None:
        notices = list(dict.fromkeys(n for linter in linters for n in linter.notices))
    return LintResult(findings.frozen(), merged.errors, len(files) - len(merged.notices),
                      (*notices, *merged.notices), merged.suppressed, merged.problems)


def _serial(work: Sequence[tuple[Linter, str]], stdin_text: str, stdin_filename: str
            ) -> Iterator[FileOutcome]:
    """Lint each run of files that share a linter in its batches."""
    for linter, run in itertools.groupby(work, key=lambda item: item[0]):
        yield from linter._serial([f for _, f in run], stdin_text, stdin_filename)


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What linting one file produced (picklable)."""

    findings: tuple[Finding, ...] = ()
    suppressed: tuple[Suppressed, ...] = ()
    problems: tuple[Problem, ...] = ()
    errors: tuple[FileError, ...] = ()
    notices: tuple[str, ...] = ()  # files skipped as binary or too large

    @staticmethod
    def merge(parts: Iterable[FileOutcome]) -> FileOutcome:
        """Concatenate outcomes in order."""
        items = list(parts)
        return FileOutcome(
            tuple(f for p in items for f in p.findings),
            tuple(s for p in items for s in p.suppressed),
            tuple(x for p in items for x in p.problems),
            tuple(e for p in items for e in p.errors),
            tuple(n for p in items for n in p.notices),
        )


_WORKER: list[Linter] = []  # a worker's linters, one per config, by index
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _init_worker(parent: int, options: Sequence[Options] | None) -> None:
    """Set up a worker: it dies with the parent; it builds its linters unless fork gave them."""
    _die_with_parent(parent)
    # Ctrl-C reaches the whole process group: the parent alone handles it, by stopping us.
    in_worker()
    if options is not None:
        _WORKER[:] = [Linter(o) for o in options]


def _die_with_parent(parent: int) -> None:
    """Exit as soon as the parent process is gone, however it ended (kill -9 included).

    A killed run must leave no worker behind (issue 11): an orphaned worker waits on its
    task queue for ever. Linux delivers a signal when the parent dies; elsewhere a
    daemon thread watches the parent's pid.
    """
    if sys.platform == "linux":
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        import threading

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1.0)
            os._exit(1)

        threading.Thread(target=watch, name="claimlint-parent-watch", daemon=True).start()
    if os.getppid() != parent:  # it died before the signal was armed
        os._exit(1)


def _work(item: tuple[int, str]) -> FileOutcome:
    linter, path = item
    return _WORKER[linter].lint_file(path)


def _parallel(linters: Sequence[Linter], items: Sequence[tuple[int, str]], jobs: int
              ) -> Iterator[FileOutcome]:
    """Lint (linter index, file) items in worker processes, each with the linters built
    once; order is kept."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunksize = max(1, min(16, len(items) // (jobs * 4)))
    if sys.platform == "linux":
        # Forked workers inherit the parent's built linter instead of building their
        # own: a second or more of start-up saved in every worker.
        _WORKER[:] = linters
        pool = ProcessPoolExecutor(jobs, multiprocessing.get_context("fork"),
                                   initializer=_init_worker, initargs=(os.getpid(), None))
    else:  # fork is unsafe on macOS and missing on Windows
        pool = ProcessPoolExecutor(jobs, initializer=_init_worker,
                                   initargs=(os.getpid(), [lt.options for lt in linters]))
    try:
        yield from pool.map(_work, items, chunksize=chunksize)
    except BaseException:
        # Interrupted, or the consumer stopped early: drop the queued files and stop
        # the workers now, instead of linting every remaining file first.
        _stop(pool)
        raise
    pool.shutdown()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel a pool's queued work, terminate its worker processes and reap them."""
    # Taken first: shutdown() forgets its processes, result pipe and manager thread.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    results = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(5)
    # A worker terminated while it sent a result leaves half a message in the result
    # pipe: the pool's manager thread would wait for the rest for ever, and the
    # interpreter for that thread at exit. The workers' ends of the pipe died with them;
    # closing ours turns the wait into an end of file, which ends the thread.
    if results is not None:
        with contextlib.suppress(OSError):
            results.close()
    if manager is not None:
        manager.join(5)


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
