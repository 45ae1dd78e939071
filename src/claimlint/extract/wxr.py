"""WordPress export (WXR) extractor: one Document per published post or page.

Every Document keeps the whole export as its text, so a finding's offsets, line and column
point into ``export.xml`` itself; the post is named in the path (``export.xml#<slug>``).

Safety: the export is parsed once by defusedxml's expat parser with ``forbid_dtd=True``, so
any ``<!DOCTYPE`` (and with it every entity declaration, entity-expansion bomb and external
entity or DTD fetch) is refused before anything is expanded or read; only XML's five
predefined entities and character references remain. Offsets: the parser reports where
each element starts (expat's byte index, converted to code points); the raw source between
a field's start and end tag is then split into CDATA sections (verbatim), references (atomic
runs) and other markup (verbatim), and the HTML extractor's runs over the decoded value are
mapped back through those pieces, so nothing is re-found by searching.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ErrorString

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from claimlint.document import Document, Run, Segment, line_col
from claimlint.extract import ExtractError
from claimlint.extract.html import extract_html

_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_WP = "{http://wordpress.org/export/"
_FIELDS = {"post_id", "post_name", "status", "post_type"}
_TYPES = frozenset({"post", "page"})
# Not published yet, but meant to be: linted only with include_drafts. Never: trash,
# auto-draft, inherit (revisions, attachments).
_DRAFTS = frozenset({"draft", "pending", "private", "future"})
_SNIFF = re.compile(r"<rss\b[^>]*\bxmlns:wp\s*=\s*[\"']https?://wordpress\.org/export/")
# A start tag: quotes only ever delimit attribute values, which may hold ">".
_START_TAG = re.compile(r"<[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>")
# Inside a field: CDATA | kept markup (comment, PI, child tag) | a reference.
_INNER = re.compile(
    r"<!\[CDATA\[(.*?)\]\]>|(<!--.*?-->|<\?.*?\?>|<[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>)"
    r"|&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);",
    re.S,
)
_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def is_wxr(text: str) -> bool:
    """Tell whether a decoded file looks like a WordPress export (an RSS root with wp:)."""
    return _SNIFF.search(text, 0, 65536) is not None


@dataclass
class _Item:
    values: dict[str, list[str]] = field(default_factory=dict)
    ranges: list[tuple[str, int, int]] = field(default_factory=list)  # scope, inner start, end

    def value(self, name: str) -> str:
        return "".join(self.values.get(name, ())).strip()


class _Offsets:
    """Convert expat's UTF-8 byte indexes to code-point offsets, moving forward cheaply."""

    def __init__(self, text: str) -> None:
        self.data = None if text.isascii() else text.encode("utf-8", "surrogatepass")
        self.byte = self.char = 0

    def char_at(self, byte: int) -> int:
        if self.data is None:
            return byte
        if byte < self.byte:
            self.byte = self.char = 0
        self.char += len(self.data[self.byte : byte].decode("utf-8", "replace"))
        self.byte = byte
        return self.char


class _Target:
    """ElementTree parser target that records each item's fields and their source ranges."""

    def __init__(self, text: str) -> None:
        self.text, self.offsets = text, _Offsets(text)
        self.parser: DefusedXMLParser | None = None
        self.stack: list[str] = []
        self.items: list[_Item] = []
        self.item: _Item | None = None
        self.field: tuple[str, str, int] | None = None  # name, scope or "", inner start

    def here(self) -> int:
        assert self.parser is not None
        return self.offsets.char_at(self.parser.parser.CurrentByteIndex)

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        depth = len(self.stack)
        self.stack.append(tag)
        if depth == 2 and tag == "item" and self.stack[1] == "channel":
            self.item = _Item()
            self.items.append(self.item)
        elif self.item is not None and depth == 3:
            scope, name = "", ""
            if tag == "title":
                scope = "title"
            elif tag == _CONTENT:
                scope = "content"
            elif tag.startswith(_WP) and tag.endswith("/excerpt/}encoded"):
                scope = "description"
            elif tag.startswith(_WP) and tag.split("}")[1] in _FIELDS:
                name = tag.split("}")[1]
            if scope or name:
                at = self.here()
                m = _START_TAG.match(self.text, at)
                empty = m is None or m.group().endswith("/>")
                self.field = None if empty else (name, scope, m.end() if m else at)

    def data(self, data: str) -> None:
        if self.item is not None and self.field is not None and self.field[0]:
            self.item.values.setdefault(self.field[0], []).append(data)

    def end(self, tag: str) -> None:
        self.stack.pop()
        depth = len(self.stack)
        if depth == 3 and self.item is not None and self.field is not None:
            if self.field[1]:
                self.item.ranges.append((self.field[1], self.field[2], self.here()))
            self.field = None
        elif depth == 2 and tag == "item":
            self.item = None

    def close(self) -> list[_Item]:
        return self.items


def _parse(text: str, path: str) -> list[_Item]:
    target = _Target(text)
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    target.parser = parser
    try:
        parser.feed(text)
        items: list[_Item] = parser.close()
    except DefusedXmlException as exc:
        at = text.rfind("<!", 0, target.here() + 1)  # expat is at its end; point at "<!"
        raise _error(text, path, max(at, 0), "refused: DTDs and entity declarations are not "
                     f"allowed in an export ({type(exc).__name__})") from None
    except ParseError as exc:
        byte = parser.parser.ErrorByteIndex
        at = target.offsets.char_at(byte) if byte >= 0 else len(text)
        reason = ErrorString(exc.code) if isinstance(getattr(exc, "code", None), int) else exc
        raise _error(text, path, at, f"not well-formed XML: {reason}") from None
    except UnicodeError as exc:  # a lone surrogate cannot reach expat as UTF-8
        raise ExtractError(f"{path}: cannot parse as XML: {exc}") from None
    return items


def _error(text: str, path: str, at: int, message: str) -> ExtractError:
    line, col = line_col(text, at)
    return ExtractError(f"{path}:{line}:{col}: {message}")


def _decode(text: str, start: int, end: int) -> tuple[str, list[tuple[int, int, int, int]]]:
    """Decode a field's raw XML; pieces are (value start, value len, source start, len)."""
    parts: list[str] = []
    pieces: list[tuple[int, int, int, int]] = []
    size = 0

    def put(value: str, src: int, src_len: int) -> None:
        nonlocal size
        if value:
            parts.append(value)
            pieces.append((size, len(value), src, src_len))
            size += len(value)

    pos = start
    for m in _INNER.finditer(text, start, end):
        put(text[pos : m.start()], pos, m.start() - pos)
        if m.lastindex == 1:
            put(m.group(1), m.start(1), len(m.group(1)))
        elif m.lastindex == 2:
            put(m.group(2), m.start(), len(m.group(2)))
        else:
            ref = m.group(3)
            value = _PREDEFINED.get(ref) or chr(int(ref[2:], 16) if ref[1] == "x" else int(ref[1:]))
            put(value, m.start(), m.end() - m.start())
        pos = m.end()
    put(text[pos:end], pos, end - pos)
    return "".join(parts), pieces


def _map(segment: Segment, pieces: list[tuple[int, int, int, int]], scope: str) -> Segment:
    """Re-express a segment's runs over the decoded value as runs over the export file."""
    keys = [p[0] for p in pieces]

    def covering(lo: int, hi: int) -> list[tuple[int, int, int, int, int, int]]:
        out = []
        for v_start, v_len, s_start, s_len in pieces[bisect.bisect_right(keys, lo) - 1 :]:
            if v_start >= hi:
                break
            a, b = max(lo, v_start), min(hi, v_start + v_len)
            if v_len == s_len:
                out.append((a, b, s_start + a - v_start, b - a, s_start + b - v_start, 1))
            else:  # a decoded reference: atomic
                out.append((a, b, s_start, s_len, s_start + s_len, 0))
        return out

    runs: list[Run] = []
    for run in segment.runs:
        parts = covering(run.src_start, run.src_start + run.src_len)
        if run.seg_len == run.src_len:
            runs.extend(Run(run.seg_start + a - run.src_start, b - a, s, n)
                        for a, b, s, n, _, _ in parts)
        else:
            first, last = parts[0][2], parts[-1][4]
            runs.append(Run(run.seg_start, run.seg_len, first, last - first))
    return Segment(segment.text, scope, tuple(runs))


def _segments(text: str, item: _Item) -> list[Segment]:
    out: list[Segment] = []
    for scope, start, end in item.ranges:
        value, pieces = _decode(text, start, end)
        for seg in extract_html(value):
            out.append(_map(seg, pieces, seg.scope if scope == "content" else scope))
    return sorted(out, key=lambda seg: seg.runs[0].src_start)


def extract_wxr(text: str, path: str, include_drafts: bool = False) -> list[Document]:
    """Extract one Document per published post or page (drafts too when asked)."""
    statuses = {"publish"} | (_DRAFTS if include_drafts else set())
    docs: list[Document] = []
    seen: set[str] = set()
    for number, item in enumerate(_parse(text, path), 1):
        if item.value("post_type") not in _TYPES or item.value("status") not in statuses:
            continue
        post_id = item.value("post_id")
        name = item.value("post_name") or post_id or f"item-{number}"
        if name in seen:  # slugs are unique per post type only; ids are unique
            name = post_id if post_id and post_id not in seen else f"item-{number}"
        seen.add(name)
        docs.append(Document(f"{path}#{name}", text, tuple(_segments(text, item)), "wxr"))
    return docs
