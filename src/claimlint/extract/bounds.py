"""Keep the tokenizer's work linear: cut pathological runs and split over-long segments.

spaCy's tokenizer strips prefix and suffix punctuation one character at a time, so 20 KB
of ``[``, ``*`` or ``'`` takes minutes (worse than quadratic), and a 300 KB paragraph with
no full stop makes one huge sentence (issue 11). Such runs hold no claim, so they are cut
out of the segment; a segment longer than ``MAX_SEGMENT`` is split at a sentence end or a
space. Pieces are sliced from the segment's own runs, so every offset still maps exactly
to the source (style.md, principle 7); nothing is re-found by searching.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator

from claimlint.document import Run, Segment

MAX_SEGMENT = 20_000  # characters; a long real paragraph is a tenth of this
# 64 punctuation characters in a row, or a 2,000-character "word": never copy.
# The look-behind keeps the scan linear: a long word is tried once, from its start.
_PATHOLOGICAL = re.compile(r"(?<!\S)\S{2000,}|[^\w\s]{64,}")
_SENTENCE_END = re.compile(r"[.!?\u2026][\"\u201d\u2019')\]]*\s+")
_SPACE = re.compile(r"\s+")


def bound_segments(segments: Iterable[Segment]) -> tuple[Segment, ...]:
    """Return the segments with pathological runs cut out and long ones split."""
    out: list[Segment] = []
    for segment in segments:
        if len(segment.text) <= 64 or (len(segment.text) <= MAX_SEGMENT
                                       and not _PATHOLOGICAL.search(segment.text)):
            out.append(segment)
            continue
        for lo, hi in _pieces(segment.text):
            piece = _slice(segment, lo, hi)
            if piece is not None:
                out.append(piece)
    return tuple(out)


def _pieces(text: str) -> Iterator[tuple[int, int]]:
    """Yield spans of ``text`` between pathological runs, each at most MAX_SEGMENT long."""
    pos = 0
    for cut in (*_PATHOLOGICAL.finditer(text), None):
        end = cut.start() if cut else len(text)
        yield from _split(text, pos, end)
        if cut is None:
            break
        pos = cut.end()


def _split(text: str, lo: int, hi: int) -> Iterator[tuple[int, int]]:
    """Split text[lo:hi] into spans of at most MAX_SEGMENT, at a sentence end if possible."""
    while hi - lo > MAX_SEGMENT:
        limit = lo + MAX_SEGMENT
        floor = lo + MAX_SEGMENT // 2
        at = _last(_SENTENCE_END, text, floor, limit) or _last(_SPACE, text, floor, limit)
        at = at or limit
        yield lo, at
        lo = at
    if hi > lo:
        yield lo, hi


def _last(pattern: re.Pattern[str], text: str, floor: int, limit: int) -> int | None:
    """Return the end of the last match of ``pattern`` in text[floor:limit], if any."""
    end = None
    for m in pattern.finditer(text, floor, limit):
        end = m.end()
    return end


def _slice(segment: Segment, lo: int, hi: int) -> Segment | None:
    """Return segment.text[lo:hi], trimmed, with its runs re-based; None when blank."""
    piece = segment.text[lo:hi]
    kept = piece.strip()
    if not kept:
        return None
    lo += len(piece) - len(piece.lstrip())
    hi = lo + len(kept)
    keys = [r.seg_start for r in segment.runs]
    runs: list[Run] = []
    for run in segment.runs[max(bisect.bisect_right(keys, lo) - 1, 0):]:
        if run.seg_start >= hi:
            break
        s, e = max(run.seg_start, lo), min(run.seg_start + run.seg_len, hi)
        if s >= e:
            continue
        if run.seg_len == run.src_len:
            runs.append(Run(s - lo, e - s, run.src_start + s - run.seg_start, e - s))
        elif e - s != run.src_len:  # an atomic run (a decoded reference): all or nothing
            runs.append(Run(s - lo, e - s, run.src_start, run.src_len))
    return Segment(kept, segment.scope, tuple(runs)) if runs else None
