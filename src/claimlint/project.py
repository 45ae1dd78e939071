"""A run over files whose closest configs differ: each file gets its own config's settings.

As in ruff, Vale and ESLint the closest ``.claimlint.yaml`` (or ``[tool.claimlint]``)
above each file applies, unless ``--config`` names one for every file. Looking a config
up is cached per folder, and a Linter (a second or two to build) is built once per
distinct set of lint settings, before any file is linted.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from .api import Linter, Options, lint_files
from .config import Config, check_names, config_in, load_config
from .discover import AllOf, Filter, PathFilter, iter_files
from .findings import FileError, Finding, LintResult
from .ruleset import Rule, load_ruleset


class LinterPool:
    """Linters kept from one Project to the next in a long-lived process (a warm server,
    issue 13), the most recently used last; empty unless given a size.

    A linter is found by its lint settings (every config value is in them, so an edited
    config asks for another) and is used only while the files those settings name (rule
    files, a model folder) have the size and time they had when it was built.
    """

    def __init__(self, size: int = 0):
        self.size = size
        self._kept: list[tuple[Options, tuple[tuple[str, int, int, int], ...], Linter]] = []

    def __len__(self) -> int:
        return len(self._kept)

    def linters(self) -> list[Linter]:
        """The kept linters, the most recently used last."""
        return [linter for _, _, linter in self._kept]

    def get(self, same: Options) -> Linter | None:
        """Return the kept linter for these settings if its files are unchanged."""
        for n, (options, stamp, linter) in enumerate(self._kept):
            if options == same:
                if stamp != sources(same):
                    del self._kept[n]
                    return None
                self._kept.append(self._kept.pop(n))
                return linter
        return None

    def keep(self, same: Options, stamp: tuple[tuple[str, int, int, int], ...],
             linter: Linter) -> None:
        """Keep a linter built while its files were as ``stamp`` says."""
        if not self.size:
            return
        kept = [k for k in self._kept if k[0] != same]
        self._kept = [*kept[max(0, len(kept) - self.size + 1):], (same, stamp, linter)]


def sources(options: Options) -> tuple[tuple[str, int, int, int], ...]:
    """The files a linter reads besides claimlint's own: each rule file and the model
    folder's files, with its size, modification time and inode (an editor may replace it)."""
    paths = list(options.rule_paths)
    if options.model and os.path.isdir(options.model):
        paths.append(Path(options.model))
    stamp = []
    for path in paths:
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            try:
                info = file.stat()
            except OSError:
                continue  # gone: building the linter says so, in its own words
            stamp.append((os.path.abspath(file), info.st_size, info.st_mtime_ns, info.st_ino))
    return tuple(stamp)


POOL = LinterPool()


class Project:
    """Which config applies to each file, and the linters that apply them."""

    def __init__(self, options_for: Callable[[Config], Options], explicit: Path | None = None,
                 include: Sequence[str] = (), exclude: Sequence[str] = ()):
        """``options_for`` merges the command line into a config; ``include``/``exclude``
        are the command line's globs, relative to the working directory (as in ruff)."""
        self._options_for = options_for
        self._explicit = load_config(explicit) if explicit else None
        self._cli = PathFilter(Path.cwd(), include, exclude)
        self._folders: dict[str, Path | None] = {}  # folder -> its closest config file
        self._configs: dict[Path | None, Config] = {}
        self._filters: dict[Path | None, Filter] = {}
        self._linters: dict[Path | None, Linter] = {}
        self._built: list[tuple[Options, Linter]] = []
        self._linted: dict[str, Config] = {}  # a linted path -> the config it was linted with

    def config_file(self, folder: str) -> Path | None:
        """Return the closest config file at or above ``folder`` (or the --config one)."""
        if self._explicit is not None:
            return self._explicit.path
        key = os.path.abspath(folder)
        if key not in self._folders:
            here = Path(key).resolve()
            found = config_in(here)
            if found is None and here.parent != here:
                found = self.config_file(str(here.parent))
            self._folders[key] = found
        return self._folders[key]

    def config(self, folder: str) -> Config:
        """Return the config that applies to the files of ``folder``."""
        if self._explicit is not None:
            return self._explicit
        path = self.config_file(folder)
        if path not in self._configs:
            self._configs[path] = load_config(path)
        return self._configs[path]

    def config_of(self, path: str) -> Config:
        """Return the config a reported path was (or would be) linted with."""
        # A WordPress post is reported as 'export.xml#slug'.
        for name in (path, path.partition("#")[0]):
            if name in self._linted:
                return self._linted[name]
        return self.config(os.path.dirname(path) or ".")

    def _filter(self, folder: str) -> Filter:
        config = self.config(folder)
        if config.path not in self._filters:
            # An --include on the command line replaces the config's, as any flag does.
            own = PathFilter(config.root, () if self._cli.include else config.include,
                             config.exclude)
            self._filters[config.path] = AllOf(own, self._cli)
        return self._filters[config.path]

    def linter(self, config: Config) -> Linter:
        """Return the linter for ``config``, built (and its names checked) on first use."""
        if config.path in self._linters:
            return self._linters[config.path]
        options = self._options_for(config)
        # What only picks files (discovery is done here) or only matters to overrides does
        # not call for another linter: configs that differ in nothing else share one.
        same = replace(options, include=(), exclude=(),
                       root=options.root if options.overrides else Path())
        linter = next((lt for o, lt in self._built if o == same), None) or POOL.get(same)
        if linter is None:
            stamp = sources(same) if POOL.size else ()  # before reading: an edit meanwhile
            ruleset = load_ruleset(options.packs, options.rule_paths, options.vocabulary)
            check_names(config, ruleset)
            linter = Linter(options, ruleset)
            POOL.keep(same, stamp, linter)
        else:
            check_names(config, linter.ruleset)
        if all(lt is not linter for _, lt in self._built):
            self._built.append((same, linter))
        self._linters[config.path] = linter
        return linter

    def files(self, paths: Iterable[str | Path], stdin_filename: str = "<stdin>"
              ) -> tuple[list[tuple[Linter, str]], list[FileError]]:
        """Find the files to lint, each with its linter; missing paths go to the errors.

        Standard input takes the config of --stdin-filename's folder (the working
        directory's without one).
        """
        errors: list[FileError] = []
        work = []
        for path in iter_files(paths, errors, filter_for=self._filter):
            name = stdin_filename if path == "-" else path
            config = self.config(os.path.dirname(name) or ".")
            self._linted[name] = config
            work.append((self.linter(config), path))
        if not work:  # nothing to lint: the flags and the working directory's config are
            self.linter(self.config("."))  # still checked, so that no mistake passes unseen
        return work, errors

    def lint(self, paths: Iterable[str | Path], stdin_text: str | None = None,
             stdin_filename: str = "<stdin>", jobs: int = 1,
             progress: Callable[[int, int], None] | None = None) -> LintResult:
        """Lint files and folders, each file with its own config's linter, in order."""
        work, errors = self.files(paths, stdin_filename)
        return lint_files(work, errors, stdin_text, stdin_filename, jobs, progress)

    def relint(self, text: str, path: str) -> list[Finding]:
        """Lint ``text`` as the file ``path`` with that file's linter (to check a fix)."""
        return self.linter(self.config_of(path)).lint_text(text, path)

    def fail_on(self, path: str) -> str:
        """Return the ``fail-on`` of the config a reported path was linted with."""
        return self.config_of(path).fail_on

    def selected_rules(self) -> list[Rule]:
        """Return the rules selected by any linter of the run, each id once."""
        rules: dict[str, Rule] = {}
        for _, linter in self._built:
            for rule in linter.ruleset.rules:
                if rule.id in linter.selected:
                    rules.setdefault(rule.id, rule)
        return list(rules.values())
