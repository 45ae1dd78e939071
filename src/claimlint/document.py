"""Extracted text with an exact map back to the source file."""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import Literal

Scope = Literal[
    "title",
    "description",
    "heading",
    "paragraph",
    "list",
    "quote",
    "table",
    "alt",
    "link",
]
SCOPES: tuple[str, ...] = (
    "title",
    "description",
    "heading",
    "paragraph",
    "list",
    "quote",
    "table",
    "alt",
    "link",
)


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of segment text copied from (or decoded from) one source range.

    When ``seg_len == src_len`` the run is a verbatim copy and offsets map one
    to one. Otherwise (an entity such as ``&amp;`` decoded to ``&``) the run is
    atomic: any offset inside it maps to the whole source range.
    """

    seg_start: int
    seg_len: int
    src_start: int
    src_len: int


@dataclass(frozen=True, slots=True)
class Segment:
    """One block of lintable text (a paragraph, heading, list item, alt text...)."""

    text: str
    scope: str
    runs: tuple[Run, ...]
    _keys: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_keys", tuple(r.seg_start for r in self.runs))

    @classmethod
    def verbatim(cls, text: str, scope: str, src_start: int) -> Segment:
        """Build a segment that is an exact copy of ``source[src_start:src_start+len(text)]``."""
        return cls(text, scope, (Run(0, len(text), src_start, len(text)),))

    def _run_at(self, offset: int) -> Run:
        i = bisect.bisect_right(self._keys, offset) - 1
        return self.runs[max(i, 0)]

    def source_start(self, offset: int) -> int:
        """Map a segment offset that starts a span to a source offset."""
        run = self._run_at(offset)
        inside = offset - run.seg_start
        if inside >= run.seg_len:  # synthetic text between runs: start after the run
            return run.src_start + run.src_len
        if run.seg_len == run.src_len:
            return run.src_start + max(inside, 0)
        return run.src_start

    def source_end(self, offset: int) -> int:
        """Map a segment offset that ends a span (exclusive) to a source offset."""
        if offset <= 0:
            return self.source_start(0)
        run = self._run_at(offset - 1)
        inside = offset - 1 - run.seg_start
        if inside >= run.seg_len:
            return run.src_start + run.src_len
        if run.seg_len == run.src_len:
            return run.src_start + inside + 1
        return run.src_start + run.src_len

    def is_verbatim(self, start: int, end: int) -> bool:
        """True when the span is one unbroken copy of source text (safe to edit in place)."""
        run = self._run_at(start)
        return (run.seg_len == run.src_len and run.seg_start <= start
                and end <= run.seg_start + run.seg_len)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a segment span to the source span it came from."""
        s = self.source_start(start)
        return s, max(s, self.source_end(end))


# CR (old Mac), LF and CRLF all end a line, in every format (issue 11).
LINE_BREAK = re.compile(r"\r\n|\r|\n")


@functools.lru_cache(maxsize=8)
def line_starts(text: str) -> tuple[int, ...]:
    """Offsets where lines start; cached because every post of an export shares one text."""
    if "\r" in text:
        return (0, *(m.end() for m in LINE_BREAK.finditer(text)))
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return tuple(starts)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column (in code points) of an offset into ``text``."""
    starts = line_starts(text)
    i = bisect.bisect_right(starts, offset) - 1
    return i + 1, offset - starts[i] + 1


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded source file and the segments extracted from it."""

    path: str
    text: str
    segments: tuple[Segment, ...]
    format: str = "text"

    def line_col(self, offset: int) -> tuple[int, int]:
        """Return the 1-based line and column (in code points) of a source offset."""
        return line_col(self.text, offset)
