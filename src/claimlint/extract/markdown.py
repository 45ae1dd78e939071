"""Markdown extractor: walk markdown-it tokens, recording exact source offsets as it goes."""

from __future__ import annotations

import re
from functools import lru_cache

import yaml
from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkDestination, parseLinkTitle
from markdown_it.token import Token

from claimlint.document import Run, Segment

_CONTAINERS = {"bullet_list_open": "list", "ordered_list_open": "list", "blockquote_open": "quote"}
_CONTAINER_CLOSES = frozenset({"bullet_list_close", "ordered_list_close", "blockquote_close"})
_DELIMITERS = frozenset({"em_open", "em_close", "strong_open", "strong_close", "s_open", "s_close"})
# What may sit between the cursor and the next text: block prefixes (#, >, list markers,
# table pipes) and inline markup. A letter there means we lost track, so stop instead.
_GAP_CHARS = frozenset("#>|*_~-+.)[]!`\\0123456789")
_LABEL = re.compile(r"\[(?:\\.|[^\[\]\\])*\]")
_FRONT_MATTER_END = ("---", "...")
_LONE_CR = re.compile(r"\r(?!\n)")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # text_join would merge escapes and entities into plain text and lose their source form.
    return MarkdownIt("commonmark").enable("table").disable("text_join")


class _Builder:
    """Accumulates the text and runs of one segment."""

    def __init__(self, source: str, scope: str) -> None:
        self.source, self.scope = source, scope
        self.parts: list[str] = []
        self.runs: list[Run] = []
        self.size = 0
        self.pending_space = False

    def space(self) -> None:
        self.pending_space = True

    def _put(self, text: str, run: Run | None) -> None:
        self.parts.append(text)
        if run is not None:
            self.runs.append(run)
        self.size += len(text)

    def _separate(self, text: str) -> None:
        glued = bool(self.parts) and not self.parts[-1][-1].isspace() and not text[:1].isspace()
        if self.pending_space and glued:
            self._put(" ", None)
        self.pending_space = False

    def verbatim(self, start: int, end: int) -> None:
        text = self.source[start:end]
        if self.parts and self.parts[-1][-1].isspace():
            # Collapse the gap left by skipped inline code, HTML or an image.
            kept = text.lstrip()
            start, text = start + len(text) - len(kept), kept
        if not text:
            return
        self._separate(text)
        # A lone "\r" reached markdown-it as a space; keep it out of the segment text.
        for i, piece in enumerate(re.finditer(r"[^\r]+", text)):
            if i or piece.start():
                self._put(" ", None)
            length = piece.end() - piece.start()
            self._put(piece.group(), Run(self.size, length, start + piece.start(), length))

    def atomic(self, content: str, start: int, length: int) -> None:
        content = content.replace("\r", " ")
        if content and len(content) != length:
            self._separate(content)
            self._put(content, Run(self.size, len(content), start, length))

    def build(self) -> Segment | None:
        text = "".join(self.parts)
        lo, hi = len(text) - len(text.lstrip()), len(text.rstrip())
        runs: list[Run] = []
        for run in self.runs:
            s, e = max(run.seg_start, lo), min(run.seg_start + run.seg_len, hi)
            if s >= e:
                continue
            if run.seg_len == run.src_len:
                runs.append(Run(s - lo, e - s, run.src_start + s - run.seg_start, e - s))
            elif e - s != run.src_len:
                runs.append(Run(s - lo, e - s, run.src_start, run.src_len))
        return Segment(text[lo:hi], self.scope, tuple(runs)) if runs else None


class _Walker:
    """Walks inline tokens with a cursor into the source that only moves forward."""

    def __init__(self, source: str, work: str) -> None:
        self.source, self.work = source, work
        self.cursor, self.limit = 0, 0
        self.out: list[Segment] = []

    def inline(self, children: list[Token], scope: str, start: int, limit: int) -> None:
        self.cursor, self.limit = max(self.cursor, start), limit
        builder = _Builder(self.source, scope)
        self._walk(children, builder, scope == "table")
        self._emit(builder)

    def _emit(self, builder: _Builder) -> None:
        segment = builder.build()
        if segment is not None:
            self.out.append(segment)

    def _seek(self, needle: str) -> int:
        """Find ``needle`` past nothing but markup and move the cursor after it; -1 if lost."""
        pos = self.work.find(needle, self.cursor, self.limit)
        gap = self.work[self.cursor : max(pos, self.cursor)]
        if pos < 0 or not all(c.isspace() or c in _GAP_CHARS for c in gap):
            return -1
        self.cursor = pos + len(needle)
        return pos

    def _walk(self, tokens: list[Token], builder: _Builder, table: bool) -> bool:
        i = 0
        while i < len(tokens):
            if tokens[i].type == "link_open" and tokens[i].info == "auto":
                while i < len(tokens) and tokens[i].type != "link_close":
                    i += 1
                builder.space()
                if not self._skip_autolink():
                    return False
            elif not self._token(tokens[i], builder, table):
                return False
            i += 1
        return True

    def _token(self, tok: Token, builder: _Builder, table: bool) -> bool:
        kind = tok.type
        if kind == "text":
            return self._text(tok.content, builder, table)
        if kind == "text_special":
            pos = self._seek(tok.markup)
            if pos >= 0:
                builder.atomic(tok.content, pos, len(tok.markup))
            return pos >= 0
        if kind in _DELIMITERS:
            if self.work.startswith(tok.markup, self.cursor):
                self.cursor += len(tok.markup)
            return True
        if kind == "link_open":
            return self._seek("[") >= 0
        if kind == "link_close":
            return self._skip_destination()
        if kind == "image":
            return self._image(tok, builder, table)
        # Breaks, inline code and inline HTML keep the words around them apart.
        builder.space()
        if kind in ("softbreak", "hardbreak"):
            return self._seek("\n") >= 0
        if kind == "code_inline":
            return self._skip_code(tok.markup)
        if kind == "html_inline":
            return self._seek(tok.content) >= 0
        return True

    def _text(self, content: str, builder: _Builder, table: bool) -> bool:
        pos = self._seek(content)
        if pos >= 0:
            builder.verbatim(pos, self.cursor)
            return True
        if not (table and "|" in content):
            return False
        # markdown-it unescapes "\|" in table cells before inline parsing.
        for i, piece in enumerate(content.split("|")):
            if i:
                pipe = self._seek("\\|")
                if pipe < 0:
                    return False
                builder.atomic("|", pipe, 2)
            if piece and not self._text(piece, builder, False):
                return False
        return True

    def _image(self, tok: Token, builder: _Builder, table: bool) -> bool:
        if self._seek("![") < 0:
            return False
        alt = _Builder(self.source, "alt")
        ok = self._walk(tok.children or [], alt, table)
        self._emit(alt)
        builder.space()
        return ok and self._skip_destination()

    def _skip_code(self, markup: str) -> bool:
        if self._seek(markup) < 0:
            return False
        fence = re.compile(f"(?<!`){re.escape(markup)}(?!`)")
        close = fence.search(self.work, self.cursor, self.limit)
        self.cursor = close.end() if close else self.cursor
        return close is not None

    def _skip_autolink(self) -> bool:
        if self._seek("<") < 0:
            return False
        gt = self.work.find(">", self.cursor, self.limit)
        self.cursor = gt + 1 if gt >= 0 else self.cursor
        return gt >= 0

    def _skip_destination(self) -> bool:
        """Move past "](url "title")", "][label]" or "]" so URLs are never matched as text."""
        if self._seek("]") < 0:
            return False
        pos = self.cursor
        if self.work.startswith("(", pos):
            pos = _inline_destination_end(self.work, pos, self.limit)
        elif label := _LABEL.match(self.work, pos, self.limit):
            pos = label.end()
        self.cursor = max(pos, self.cursor)
        return pos >= 0


def _skip_space(work: str, pos: int, limit: int) -> int:
    while pos < limit and work[pos] in " \t\n":
        pos += 1
    return pos


def _inline_destination_end(work: str, pos: int, limit: int) -> int:
    """Return the offset after the ")" closing an inline link destination, or -1."""
    p = _skip_space(work, pos + 1, limit)
    if p < limit and work[p] != ")":
        dest = parseLinkDestination(work, p, limit)
        if dest.ok:
            p = _skip_space(work, dest.pos, limit)
            if p < limit and work[p] in "\"'(":
                title = parseLinkTitle(work, p, limit)
                p = _skip_space(work, title.pos, limit) if title.ok else limit
    if p < limit and work[p] == ")":
        return p + 1
    # Fallback (e.g. a destination continued after a "> " prefix): balanced parentheses.
    depth, p = 0, pos
    while p < limit:
        c = work[p]
        if c == "\\":
            p += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return p + 1
        p += 1
    return -1


def _front_matter(work: str) -> tuple[int, int, int] | None:
    """Return (body start, body end, block end) of YAML front matter, if any."""
    first_end = work.find("\n")
    if first_end < 0 or work[:first_end].rstrip() != "---":
        return None
    start = first_end + 1
    while start <= len(work):
        end = work.find("\n", start)
        end = len(work) if end < 0 else end
        if work[start:end].rstrip() in _FRONT_MATTER_END:
            return first_end + 1, start, end
        start = end + 1
    return None


def _scalar_segment(source: str, base: int, node: yaml.ScalarNode, scope: str) -> Segment | None:
    quoted = 1 if node.style in ("'", '"') else 0
    if node.style not in (None, "", "'", '"') or not isinstance(node.value, str):
        return None
    value, start = node.value, node.start_mark.index + quoted
    exact = (
        node.start_mark.line == node.end_mark.line
        and node.end_mark.index == start + len(value) + quoted
        and source[base + start : base + start + len(value)] == value
        and "\r" not in value
    )
    text = value.strip()
    if not exact or not text:
        return None
    return Segment.verbatim(text, scope, base + start + len(value) - len(value.lstrip()))


def _front_matter_segments(source: str, body_start: int, body_end: int) -> list[Segment]:
    try:
        root = yaml.compose(source[body_start:body_end], Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return []  # malformed front matter is not our business; the body still gets linted
    if not isinstance(root, yaml.MappingNode):
        return []
    segments = []
    for key, value in root.value:
        named = isinstance(key, yaml.ScalarNode) and key.value in ("title", "description")
        if named and isinstance(value, yaml.ScalarNode):
            segment = _scalar_segment(source, body_start, value, key.value)
            if segment is not None:
                segments.append(segment)
    return segments


def extract_markdown(text: str) -> tuple[Segment, ...]:
    """Extract headings, paragraphs, list items, quotes, table cells and alt text."""
    # Same-length substitutes for what markdown-it would normalise, so offsets stay equal:
    # a lone CR (old Mac) ends a line as LF does, the CR of a CRLF becomes a space.
    work = _LONE_CR.sub("\n", text).replace("\r", " ").replace("\0", "\ufffd")
    segments: list[Segment] = []
    front = _front_matter(work)
    if front is not None:
        segments.extend(_front_matter_segments(text, front[0], front[1]))
        work = re.sub(r"[^\n]", " ", work[: front[2]]) + work[front[2] :]
    line_starts = [0] + [m.end() for m in re.finditer("\n", work)]
    walker = _Walker(text, work)
    containers: list[str] = []
    scope = "paragraph"
    for tok in _parser().parse(work):
        if tok.type in _CONTAINERS:
            containers.append(_CONTAINERS[tok.type])
        elif tok.type in _CONTAINER_CLOSES and containers:
            containers.pop()
        elif tok.type == "heading_open":
            scope = "heading"
        elif tok.type == "paragraph_open":
            # Innermost container wins: a quote inside a list item is "quote".
            scope = containers[-1] if containers else "paragraph"
        elif tok.type in ("th_open", "td_open"):
            scope = "table"
        elif tok.type == "inline" and tok.map:
            first, last = tok.map
            end = line_starts[last] if last < len(line_starts) else len(work)
            walker.inline(tok.children or [], scope, line_starts[first], end)
    segments.extend(walker.out)
    segments.sort(key=lambda s: s.runs[0].src_start)
    return tuple(segments)
