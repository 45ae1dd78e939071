"""Start-up results that depend only on their input, kept between runs in the user's cache.

Each memo maps an input (a word, a regex) to what a pure function computed from it,
so an entry can never go stale while the code and the libraries that computed it are
unchanged: the file name carries a hash of claimlint's own source and the versions of
spaCy, lemminflect and Python. Writers replace the file atomically, so concurrent runs
never see half a file; the worst a race costs is an entry computed again next time.
Any problem with the cache (read-only home, a corrupt file) only means computing.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

ENV_DIR = "CLAIMLINT_CACHE_DIR"
ENV_OFF = "CLAIMLINT_NO_CACHE"
# A memo is read whole at start-up: past this many entries new ones are not kept.
MAX_ENTRIES = 100_000
_T = TypeVar("_T")
_MEMOS: list[Memo] = []
_LIBRARIES = ("spacy", "spacy-lookups-data", "lemminflect", "markdown-it-py", "python-docx",
              "defusedxml", "webencodings", "pyyaml", "numpy")


def cache_dir() -> Path | None:
    """Return the folder claimlint caches in, or None when caching is switched off."""
    if os.environ.get(ENV_OFF, "").strip() not in ("", "0"):
        return None
    configured = os.environ.get(ENV_DIR, "").strip()
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("claimlint", appauthor=False))


@functools.lru_cache(maxsize=1)
def salt() -> str:
    """A hash of everything cached values depend on besides their inputs: claimlint's code,
    Python, and the libraries that parse rules, read files and run the pipeline and model."""
    from importlib import metadata

    digest = hashlib.sha256(sys.version.encode())
    for dist in _LIBRARIES:
        try:
            digest.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(dist.encode())
    for source in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def save_all() -> None:
    """Save every memo that grew: for a process that ends without running atexit (a warm
    server and its runs, which skip the interpreter's slow teardown)."""
    for memo in _MEMOS:
        memo.save()


class Memo:
    """One persistent table of input -> result, read on first use and saved when it grew."""

    def __init__(self, name: str):
        self.name = name
        self._table: dict[str, Any] | None = None
        self._added: dict[str, Any] = {}
        _MEMOS.append(self)

    def _path(self) -> Path | None:
        folder = cache_dir()
        return folder / f"{self.name}-{salt()}.json" if folder else None

    def _load(self) -> dict[str, Any]:
        if self._table is None:
            self._table = _read(self._path())
        return self._table

    def get(self, key: str, compute: Callable[[], _T], encode: Callable[[_T], Any] = lambda v: v,
            decode: Callable[[Any], _T] = lambda v: v) -> _T:
        """Return the remembered result for ``key``, else ``compute()`` it and remember it."""
        table = self._load()
        if key in table:
            return decode(table[key])
        value = compute()
        self.update([(key, encode(value))])
        return value

    def table(self) -> Mapping[str, Any]:
        """Everything remembered so far (stored form)."""
        return self._load()

    def update(self, entries: Iterable[tuple[str, Any]]) -> None:
        """Remember many computed results at once (stored form)."""
        table = self._load()
        if not self._added:
            atexit.register(self.save)
        for key, value in entries:
            table[key] = value
            if len(self._added) < MAX_ENTRIES:
                self._added[key] = value

    def save(self) -> None:
        """Write what this process added, merged with what others wrote meanwhile."""
        path = self._path()
        if not self._added or path is None:
            return
        import tempfile

        merged = {**_read(path), **self._added}
        if len(merged) > MAX_ENTRIES:  # what was kept first stays
            merged = dict(itertools.islice(merged.items(), MAX_ENTRIES))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{self.name}-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(merged, out, separators=(",", ":"))
                os.replace(temp, path)
                for stale in path.parent.glob(f"{self.name}-*.json"):
                    if stale != path:  # computed by another version: never read again
                        stale.unlink(missing_ok=True)
            finally:
                if os.path.exists(temp):
                    os.unlink(temp)
        except OSError:
            return  # a cache that cannot be written only costs time
        self._added.clear()


def _read(path: Path | None) -> dict[str, Any]:
    """Return a memo file's table, or an empty one if it is missing or unreadable."""
    if path is None:
        return {}
    try:
        with path.open(encoding="utf-8") as src:
            table = json.load(src)
    except (OSError, ValueError):
        return {}
    return table if isinstance(table, dict) else {}
