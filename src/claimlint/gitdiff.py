"""Which lines changed since a git ref: --diff-base keeps findings on those lines only."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

from .document import line_col
from .errors import ClaimlintError, UsageError
from .extract import decode_file
from .findings import Finding

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.M)
ALL_LINES = None  # a new or untracked file: every line counts as changed


def _git(args: Sequence[str], cwd: Path) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise UsageError("--diff-base needs git on the PATH") from None
    if proc.returncode != 0:
        raise UsageError(f"git {' '.join(args)}: {proc.stderr.strip() or 'failed'}")
    return proc.stdout


def changed_lines(ref: str, cwd: Path) -> dict[str, set[int] | None]:
    """Map absolute file paths to their changed line numbers since ``ref`` (None: all lines)."""
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    out: dict[str, set[int] | None] = {}
    diff = _git(["diff", "--unified=0", "--no-color", "--no-ext-diff", ref, "--"], top)
    for block in re.split(r"^diff --git ", diff, flags=re.M)[1:]:
        name = re.search(r"^\+\+\+ b/(.+)$", block, re.M)
        if not name:
            continue
        lines: set[int] = set()
        for m in _HUNK.finditer(block):
            start, count = int(m.group(1)), int(m.group(2) or 1)
            lines.update(range(start, start + count))
        path = os.path.normpath(top / name.group(1))
        out[path] = _renumbered(path, lines)
    for untracked in _git(["ls-files", "--others", "--exclude-standard"], top).splitlines():
        out[os.path.normpath(top / untracked)] = ALL_LINES
    return out


def _renumbered(path: str, lines: set[int]) -> set[int]:
    """Renumber git's lines (only LF ends one) as findings count them (CR, LF and CRLF).

    In a file with old-Mac CR line ends git sees one long line; a change to it is a
    change to every line claimlint counts in it.
    """
    try:
        text = decode_file(Path(path).read_bytes(), path).text
    except (OSError, ClaimlintError):
        return lines
    if "\r" not in text.replace("\r\n", ""):
        return lines
    starts = [0, *(m.end() for m in re.finditer("\n", text))]
    out: set[int] = set()
    for n in lines:
        if n <= len(starts):
            end = starts[n] - 1 if n < len(starts) else len(text)
            out.update(range(line_col(text, starts[n - 1])[0], line_col(text, end)[0] + 1))
    return out


def keep_changed(findings: Sequence[Finding], changed: dict[str, set[int] | None]) -> list[Finding]:
    """Keep findings on changed lines (page-level findings of changed files too)."""
    kept = []
    for f in findings:
        key = os.path.normpath(os.path.abspath(f.path))
        if key not in changed:
            continue
        lines = changed[key]
        if lines is ALL_LINES or f.is_document_level or lines.intersection(
                range(f.line, f.end_line + 1)):
            kept.append(f)
    return kept


def repo_root(start: Path) -> Path | None:
    """Return the closest folder at or above ``start`` holding ``.git``, or None."""
    start = start.resolve()
    return next((d for d in (start, *start.parents) if (d / ".git").exists()), None)
