"""Each file's outcome kept between runs: an unchanged file is not linted again (issue 13).

As ruff's and ESLint's caches do, a run stores what every file it linted produced,
under the file's path with a hash of its bytes, in a database named by a fingerprint
of everything else the outcome depends on: claimlint's code and libraries, the rule
files' text, the lint settings and the claim model's weights. Change any of them and
the run reads another database, so an entry can never be stale. It lives beside the
compiled-rule memos (``cache.cache_dir``: ``CLAIMLINT_NO_CACHE=1`` or ``--no-cache``
switches both off). SQLite rather than a file per page: one small write per page, safe
with parallel workers and concurrent runs; a file per page cost a fifth of a run's time
on a busy disk. A folder another user could write to is not used, since entries are
pickles. Any problem with the cache (a corrupt database, a read-only disk) only means
linting the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import time
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import cache_dir, salt

if TYPE_CHECKING:
    import sqlite3

FOLDER = "results"
SUFFIX = ".sqlite"
# Other settings' databases kept, most recently used first: a project with a config per
# folder uses several at once, and the warm server keeps four configs' linters.
KEEP_FINGERPRINTS = 8
_ATTEMPTS = 60  # tries at opening a database another process is creating (3 s)
# This process's open databases (by path); a forked child opens its own, since a
# connection must not cross a fork (the parent's are left to the parent).
_OPEN: dict[Path, sqlite3.Connection | None] = {}
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_OPEN.clear)


def fingerprint(parts: Iterable[str | bytes]) -> str:
    """A hash of what a file's outcome depends on besides the file: ``parts`` and the code."""
    digest = hashlib.sha256(salt().encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:24]


class ResultCache:
    """The stored outcomes of one fingerprint, read and written file by file."""

    def __init__(self, fingerprint: str) -> None:
        self.fingerprint = fingerprint

    def get(self, path: str, raw: bytes) -> Any:
        """The outcome stored for ``path`` holding ``raw``, or None."""
        db = _database(self.fingerprint)
        if db is None:
            return None
        try:
            row = db.execute("SELECT bytes, outcome FROM outcomes WHERE path = ?",
                             (path,)).fetchone()
            if row is None or row[0] != hashlib.sha256(raw).digest():
                return None
            return pickle.loads(zlib.decompress(row[1]))
        except Exception:  # damaged: the file is linted (and stored) again
            return None

    def put(self, path: str, raw: bytes, outcome: object) -> None:
        """Store ``outcome`` for ``path`` holding ``raw``, replacing an older one."""
        import sqlite3

        db = _database(self.fingerprint)
        if db is None:
            return
        try:
            data = zlib.compress(pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL), 1)
            db.execute("INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?)",
                       (path, hashlib.sha256(raw).digest(), data))
        except sqlite3.Error as exc:
            _forget(self.fingerprint, damaged=_damaged(exc))


def _database(fingerprint: str) -> sqlite3.Connection | None:
    """This fingerprint's database, opened once per process; None if the cache is off,
    its folder is not this user's alone, or the database cannot be used."""
    base = cache_dir()
    if base is None:
        return None
    path = base / FOLDER / (fingerprint + SUFFIX)
    if path not in _OPEN:
        _OPEN[path] = _open(path)
    return _OPEN[path]


def _open(path: Path) -> sqlite3.Connection | None:
    """Open (or create) the database at ``path``; drop all but the freshest others."""
    try:
        import sqlite3
    except ImportError:  # a Python built without SQLite: no cache
        return None
    root = path.parent
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(root):
            return None
        fresh = not path.exists()
        db = None
        # Workers that start together open a new database at once; switching it to a
        # write-ahead log can report "locked" without waiting, so that is tried again.
        for attempt in range(_ATTEMPTS):
            try:
                db = _connect(path)
                break
            except sqlite3.OperationalError:
                if attempt == _ATTEMPTS - 1:
                    raise
                time.sleep(0.05)
        os.utime(path)  # its time says when these settings were last used
    except (OSError, sqlite3.Error) as exc:
        if _damaged(exc):  # not a database (any more): the next run starts it afresh
            _remove(path)
        return None
    if fresh:
        others = sorted((p for p in root.glob("*" + SUFFIX) if p != path),
                        key=_mtime, reverse=True)
        for stale in others[KEEP_FINGERPRINTS:]:
            _remove(stale)
    return db


def _connect(path: Path) -> sqlite3.Connection:
    """Connect to the database at ``path``, making its table if it is new."""
    import sqlite3

    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    try:
        # A write-ahead log: a page's entry is one append, and readers never wait.
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS outcomes "
                   "(path TEXT PRIMARY KEY, bytes BLOB NOT NULL, outcome BLOB NOT NULL)")
    except BaseException:
        db.close()
        raise
    return db


def _forget(fingerprint: str, damaged: bool) -> None:
    """Close a database that failed, deleting it if ``damaged``; the next use opens it
    again (or a fresh one)."""
    for path in [p for p in _OPEN if p.name == fingerprint + SUFFIX]:
        db = _OPEN.pop(path)
        if db is not None:
            with contextlib.suppress(Exception):
                db.close()
        if damaged:
            _remove(path)


def _damaged(exc: BaseException) -> bool:
    """True for an error that says the file is not a sound database (a busy or read-only
    one is left alone: another run may be using it)."""
    import sqlite3

    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)


def _remove(path: Path) -> None:
    """Delete a database with its write-ahead log and shared-memory index."""
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):
            part.unlink()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _private(path: Path) -> bool:
    """True when only this user can write in ``path`` (always, where there are no owners)."""
    if sys.platform == "win32":
        return True
    info = path.lstat()
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))
