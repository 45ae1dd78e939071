"""Apply fixes to source files: each file is either left untouched or fully fixed.

A file is read once and decoded exactly as linting decodes it; every edit checks that its
span still holds the text it was made for; the result is encoded in the file's own
encoding (BOM and line ends kept) and replaces the file atomically, under a lock, only if
the file still holds the bytes that were read. See issue 11.
"""

from __future__ import annotations

import contextlib
import difflib
import glob
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ClaimlintError
from .extract import SkipFile, decode_file
from .extract.encoding import Decoded
from .findings import Applicability, FileError, Finding
from .interrupt import deferred

Relint = Callable[[str, str], Sequence[Finding]]
MAX_ROUNDS = 5  # edits that overlapped an applied one get their turn in the next round
TEMP_SUFFIX = ".claimlint-tmp"
_STALE_TEMP_SECONDS = 600
_LOCK_TRIES = 50


class StaleEdit(ValueError):
    """An edit whose span no longer holds the text it was made for."""


class Skipped(ClaimlintError):
    """A file left untouched on purpose; the reason becomes a notice."""


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` (which must read ``expected``, if set) with ``replacement``."""

    start: int
    end: int
    replacement: str
    expected: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class FilePlan:
    """One file's fix, computed but not written: the bytes read, their decoding, the new text."""

    path: str
    raw: bytes
    decoded: Decoded
    text: str


@dataclass(frozen=True, slots=True)
class FixReport:
    """What a fix run did: files written (or their diffs), notices, and files that failed."""

    fixed: tuple[str, ...] = ()
    diffs: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()
    errors: tuple[FileError, ...] = ()


def edits_for(findings: Iterable[Finding], unsafe: bool) -> list[Edit]:
    """Pick the applicable edits; of overlapping ones the earliest wins, the rest wait."""
    allowed = {Applicability.SAFE, Applicability.UNSAFE} if unsafe else {Applicability.SAFE}
    chosen: list[Edit] = []
    candidates = sorted((f for f in findings if f.fix and f.fix.applicability in allowed),
                        key=lambda f: (f.start, f.end))
    for f in candidates:
        assert f.fix is not None
        if f.start == f.end or (chosen and f.start < chosen[-1].end):
            continue
        chosen.append(Edit(f.start, f.end, f.fix.replacement, f.match))
    return chosen


def hidden_fixes(findings: Iterable[Finding]) -> int:
    """How many findings in editable files have a fix that only --unsafe-fixes applies."""
    return sum(1 for f in findings if f.fix and f.fix.applicability is Applicability.UNSAFE
               and os.path.isfile(f.path) and Path(f.path).suffix.lower() != ".docx")


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Return ``text`` with the edits applied; StaleEdit when a span lost its expected text."""
    pieces: list[str] = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: e.start):
        found = text[edit.start:edit.end]
        if edit.start < cursor or edit.end > len(text) or (
                edit.expected is not None and found != edit.expected):
            raise StaleEdit(f"expected {edit.expected!r} at offset {edit.start}, "
                            f"found {found!r}")
        pieces += [text[cursor:edit.start], edit.replacement]
        cursor = edit.end
    return "".join(pieces) + text[cursor:]


def plan_fix(path: str, findings: Sequence[Finding], relint: Relint, unsafe: bool,
             linted_at_ns: int | None = None) -> FilePlan | None:
    """Read a file once and compute its fixed text; None when no fix applies.

    Raises Skipped when the file must be left alone: a Word file, a file changed since
    ``linted_at_ns`` (when the lint pass started) or since its findings were made, or bytes
    that would not survive a round trip through their encoding.
    """
    edits = edits_for(findings, unsafe)
    if not edits:
        return None
    if Path(path).suffix.lower() == ".docx":
        # Rewriting Word runs safely (formatting, comments, tracked changes) is not done.
        raise Skipped(f"{path}: not fixed: claimlint does not edit .docx files (formatting, "
                      "comments and tracked changes could be lost); make these edits in Word")
    with open(path, "rb") as handle:
        mtime = os.fstat(handle.fileno()).st_mtime_ns
        raw = handle.read()
    if linted_at_ns is not None and mtime > linted_at_ns:
        raise Skipped(f"{path}: not fixed: it changed since it was linted; run again")
    try:
        decoded = decode_file(raw, path)
    except SkipFile as exc:
        raise Skipped(f"{path}: not fixed: it changed since it was linted ({exc})") from None
    if decoded.encode(decoded.text) != raw:
        raise Skipped(f"{path}: not fixed: its {decoded.encoding} text does not encode back "
                      "to the same bytes")
    try:
        text = apply_edits(decoded.text, edits)
    except StaleEdit as exc:
        raise Skipped(f"{path}: not fixed: it changed since it was linted ({exc})") from None
    for _ in range(MAX_ROUNDS - 1):
        edits = edits_for(relint(text, path), unsafe)
        if not edits:
            break
        text = apply_edits(text, edits)
    return FilePlan(path, raw, decoded, text)


def encode_plan(plan: FilePlan) -> bytes:
    """Return the fixed file's bytes; Skipped when an edit cannot be stored as the file is."""
    try:
        data = plan.decoded.encode(plan.text)
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start:exc.end]
        raise Skipped(f"{plan.path}: not fixed: the suggested wording has {bad!r}, which "
                      f"{plan.decoded.encoding} cannot store") from None
    # Read back as linting would read it: an undeclared windows-1252 page whose edit made
    # its bytes valid UTF-8 would otherwise turn into a different text.
    try:
        same = decode_file(data, plan.path).text == plan.text
    except ClaimlintError:
        same = False
    if not same:
        raise Skipped(f"{plan.path}: not fixed: the fixed file would not read back as "
                      f"{plan.decoded.encoding}")
    return data


def write_plan(plan: FilePlan) -> None:
    """Replace the file with its fixed bytes, only if it still holds the bytes that were read."""
    data = encode_plan(plan)
    target = Path(os.path.realpath(plan.path))  # replace a symlink's target, not the link
    with _locked(target):
        if target.read_bytes() != plan.raw:
            raise Skipped(f"{plan.path}: not fixed: it changed since it was linted; run again")
        write_atomically(target, data)


def write_atomically(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, fsync and rename; keep mode and owner."""
    info = path.stat()
    _remove_stale_temps(path)
    # Ctrl-C or SIGTERM waits for the rename (milliseconds): no temporary file is left.
    with deferred():
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                   suffix=TEMP_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, info.st_mode & 0o7777)
            if sys.platform != "win32":
                with contextlib.suppress(OSError):  # only root may give a file away
                    os.chown(tmp, info.st_uid, info.st_gid)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _sync_folder(path.parent)


def _remove_stale_temps(path: Path) -> None:
    """Delete temporary files a killed run left beside ``path`` (old enough to be dead)."""
    now = time.time()
    for old in path.parent.glob(f".{glob.escape(path.name)}.*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > _STALE_TEMP_SECONDS:
                old.unlink()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a crash right after must not bring the old file back)."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file so two claimlint runs never replace it at once."""
    if sys.platform == "win32":
        yield
        return
    import fcntl

    for _ in range(_LOCK_TRIES):
        fd = os.open(path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            # Another run may have replaced the file while we waited: lock the new one.
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                yield
                return
        finally:
            os.close(fd)
    raise OSError(f"{path}: could not lock the file")


def fix_findings(findings: Iterable[Finding], relint: Relint, *, unsafe: bool = False,
                 write: bool = True, linted_at_ns: int | None = None) -> FixReport:
    """Fix (or, with ``write=False``, diff) every file the findings point into.

    A file is skipped with a notice when it is a .docx or part of a WordPress export,
    changed since it was linted, or cannot store an edit in its encoding; a file that
    fails goes to ``errors``; the other files are still fixed.
    """
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        by_path.setdefault(f.path, []).append(f)
    fixed: list[str] = []
    diffs: list[str] = []
    notices: list[str] = []
    errors: list[FileError] = []
    for path, found in by_path.items():
        if path == "-" or not os.path.isfile(path):
            export = path.partition("#")[0]
            if "#" in path and os.path.isfile(export) and edits_for(found, unsafe):
                note = f"{export}: not fixed: claimlint does not edit WordPress exports"
                if note not in notices:
                    notices.append(note)
            continue
        try:
            plan = plan_fix(path, found, relint, unsafe, linted_at_ns)
            if plan is None or plan.text == plan.decoded.text:
                continue
            if write:
                write_plan(plan)
                fixed.append(path)
            else:
                encode_plan(plan)  # a diff shows only what --fix would write
                diffs.append(unified_diff(path, plan.decoded.text, plan.text))
        except Skipped as exc:
            notices.append(str(exc))
        # One file's failure must never stop the run half-way (issue 11): whatever it is,
        # it is reported for that file and the other files are still fixed.
        except Exception as exc:
            errors.append(FileError(path, f"{path}: not fixed: {_describe(exc)}"))
    return FixReport(tuple(fixed), tuple(diffs), tuple(notices), tuple(errors))


def _describe(exc: Exception) -> str:
    if isinstance(exc, ClaimlintError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {exc}"


def unified_diff(path: str, before: str, after: str) -> str:
    """Return a unified diff of one file's fix."""
    return "".join(difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        fromfile=f"a/{path}", tofile=f"b/{path}"))
