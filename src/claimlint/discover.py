"""Find the files to lint: folders walked in a stable order, include/exclude globs."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

import pathspec

from .extract import SUFFIXES
from .findings import FileError

SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "env", "__pycache__", ".tox",
     ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages"}
)


def is_virtualenv(folder: str) -> bool:
    """True for a Python or conda environment of any name (pyvenv.cfg, PEP 405; conda-meta)."""
    return (os.path.isfile(os.path.join(folder, "pyvenv.cfg"))
            or os.path.isdir(os.path.join(folder, "conda-meta")))


@functools.lru_cache(maxsize=256)
def _spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(patterns)


class PathFilter:
    """Gitignore-style globs, relative to the config's folder."""

    def __init__(self, root: Path, include: Sequence[str] = (), exclude: Sequence[str] = ()):
        self.root = root.resolve()
        self.include, self.exclude = tuple(include), tuple(exclude)

    def relative(self, path: str) -> str:
        """Return ``path`` relative to the root, with forward slashes."""
        try:
            return Path(os.path.abspath(path)).relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def match(self, patterns: Sequence[str], path: str) -> bool:
        """True when any pattern matches the path."""
        return bool(patterns) and _spec(tuple(patterns)).match_file(self.relative(path))

    def wanted(self, path: str) -> bool:
        """True unless an exclude glob matches or include globs exist and none matches."""
        if self.match(self.exclude, path):
            return False
        return not self.include or self.match(self.include, path)

    def prunes(self, folder: str) -> bool:
        """True when an exclude glob matches ``folder``: nothing below it is walked."""
        return self.match(self.exclude, folder + "/")


class Filter(Protocol):
    """What decides which files are linted."""

    def wanted(self, path: str) -> bool:
        """True when the file is to be linted."""

    def prunes(self, folder: str) -> bool:
        """True when nothing below the folder is to be linted."""


class AllOf:
    """Filters that must all want a file: a config's and the command line's."""

    def __init__(self, *filters: Filter):
        self.filters = filters

    def wanted(self, path: str) -> bool:
        """True when every filter wants the file."""
        return all(f.wanted(path) for f in self.filters)

    def prunes(self, folder: str) -> bool:
        """True when any filter prunes the folder."""
        return any(f.prunes(folder) for f in self.filters)


def iter_files(paths: Iterable[str | Path], errors: list[FileError],
               where: PathFilter | None = None,
               filter_for: Callable[[str], Filter] | None = None) -> Iterator[str]:
    """Yield files to lint, as given or found below given folders, in a stable order.

    ``filter_for`` gives the filter of each folder (that of its closest config); without
    it ``where`` (default: no globs) applies everywhere.
    """
    if filter_for is None:
        every = where or PathFilter(Path.cwd())
        filter_for = lambda _folder: every  # noqa: E731
    for raw in paths:
        item = str(raw)
        path = Path(item)
        if item == "-":
            yield item
        elif path.is_dir():
            for root, dirs, files in os.walk(path):
                here = filter_for(root)
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")
                                 and not is_virtualenv(os.path.join(root, d))
                                 and not here.prunes(os.path.join(root, d)))
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if Path(name).suffix.lower() in SUFFIXES and here.wanted(full):
                        yield full
        elif path.exists():
            if filter_for(os.path.dirname(item) or ".").wanted(item):
                yield item
        else:
            errors.append(FileError(item, f"{item}: no such file or directory"))
