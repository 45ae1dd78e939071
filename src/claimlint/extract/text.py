"""Plain-text extractor: blocks, headings, list items and table rows with exact offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimlint.document import Run, Segment

# A lone "\r" (old Mac) is a line break too, so no "\r" ever lands in segment text.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BULLET_GLYPHS = "•·‣◦▪\u2013\u2014*-+"  # en and em dashes too
_LIST_MARKER = re.compile("(?:[•·‣◦▪\u2013\u2014*+\\-]|\\d{1,3}[.)])\\s+")
_FINAL_PUNCTUATION = frozenset('.!?:;,”"')
_MAX_HEADING_WORDS = 10
_ENDS_SENTENCE = re.compile("[.!?\u2026][\"\u201d\u2019')\\]]*$")
_STARTS_SENTENCE = re.compile("[\"\u201c\u2018'(]*[A-Z0-9]")


@dataclass(frozen=True, slots=True)
class _Line:
    """One source line with leading and trailing whitespace already trimmed."""

    text: str
    start: int  # source offset of ``text``


def _lines(source: str) -> list[_Line]:
    lines: list[_Line] = []
    pos = 0
    for brk in (*_LINE_BREAK.finditer(source), None):
        end = brk.start() if brk else len(source)
        raw = source[pos:end]
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        lines.append(_Line(stripped, pos + lead))
        if brk is None:
            break
        pos = brk.end()
    return lines


def _blocks(lines: list[_Line]) -> list[list[_Line]]:
    blocks: list[list[_Line]] = []
    current: list[_Line] = []
    for line in lines:
        if line.text:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_short_unpunctuated(text: str) -> bool:
    return text[-1] not in _FINAL_PUNCTUATION and len(text.split()) <= _MAX_HEADING_WORDS


def _starts_heading_follower(text: str) -> bool:
    first = text[0]
    return first.isupper() or first.isdigit() or first in _BULLET_GLYPHS


def _classify(block: list[_Line], i: int) -> str:
    line = block[i].text
    if _LIST_MARKER.match(line):
        return "list"
    if "\t" in line:
        return "table"
    if " | " in line and line[-1] not in _FINAL_PUNCTUATION:
        return "heading"  # a page title: "Clinic Name | Treatments in Town", whatever its length
    if len(block) == 1:
        return "heading" if _is_short_unpunctuated(line) else "paragraph"
    nxt = block[i + 1].text if i + 1 < len(block) else ""
    if nxt and _is_short_unpunctuated(line) and _starts_heading_follower(nxt):
        return "heading"
    return "paragraph"


def _single(line: _Line, scope: str) -> Segment | None:
    text, start = line.text, line.start
    if scope == "list":
        marker = _LIST_MARKER.match(text)
        if marker:
            text, start = text[marker.end() :], start + marker.end()
    return Segment.verbatim(text, scope, start) if text else None


def _paragraph(lines: list[_Line]) -> Segment:
    """Join prose lines with a synthetic "\\n" so CRLF never leaks into the text."""
    runs: list[Run] = []
    parts: list[str] = []
    offset = 0
    for line in lines:
        if parts:
            parts.append("\n")
            offset += 1
        runs.append(Run(offset, len(line.text), line.start, len(line.text)))
        parts.append(line.text)
        offset += len(line.text)
    return Segment("".join(parts), "paragraph", tuple(runs))


def extract_text(text: str) -> tuple[Segment, ...]:
    """Split plain text into heading, list, table and paragraph segments."""
    segments: list[Segment] = []
    for block in _blocks(_lines(text)):
        prose: list[_Line] = []
        for i, line in enumerate(block):
            scope = _classify(block, i)
            if scope == "paragraph":
                prose.append(line)
                # Copy pasted from a web page or CMS holds one paragraph per line, with
                # no blank line between: a line that ends a sentence, followed by one
                # that starts one, ends the paragraph. Hard-wrapped prose mostly breaks
                # mid-sentence and stays joined.
                nxt = block[i + 1].text if i + 1 < len(block) else ""
                if _ENDS_SENTENCE.search(line.text) and _STARTS_SENTENCE.match(nxt):
                    segments.append(_paragraph(prose))
                    prose = []
                continue
            if prose:
                segments.append(_paragraph(prose))
                prose = []
            segment = _single(line, scope)
            if segment is not None:
                segments.append(segment)
        if prose:
            segments.append(_paragraph(prose))
    return tuple(segments)
