"""Apply fixes to source files: non-overlapping edits, back to front, written atomically."""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .findings import Applicability, Finding

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` with ``replacement``."""

    start: int
    end: int
    replacement: str


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
        chosen.append(Edit(f.start, f.end, f.fix.replacement))
    return chosen


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Return ``text`` with the edits applied (they must not overlap)."""
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text


def read_source(path: Path) -> tuple[str, bool]:
    """Return the decoded text and whether the file had a UTF-8 BOM."""
    raw = path.read_bytes()
    bom = raw.startswith(BOM)
    return raw[len(BOM) if bom else 0 :].decode("utf-8"), bom


def write_atomically(path: Path, text: str, bom: bool) -> None:
    """Write the file via a temporary file and a rename, keeping its mode."""
    data = (BOM if bom else b"") + text.encode("utf-8")
    mode = path.stat().st_mode
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".claimlint")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def unified_diff(path: str, before: str, after: str) -> str:
    """Return a unified diff of one file's fix."""
    return "".join(difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        fromfile=f"a/{path}", tofile=f"b/{path}"))
