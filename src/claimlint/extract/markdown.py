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
_GAP_CHARS = frozenset("#>|*_~-+.)[]!`0123456789")
_FRONT_MATTER_END = ("---", "...")


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
        if self.pending_space and self.parts:
            if not self.parts[-1][-1].isspace() and not text[:1].isspace():
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

    def _find(self, needle: str) -> int:
        pos = self.work.find(needle, self.cursor, self.limit)
        if pos < 0:
            return -1
        gap = self.work[self.cursor : pos]
        return pos if all(c.isspace() or c in _GAP_CHARS for c in gap) else -1

    def _walk(self, tokens: list[Token], builder: _Builder, table: bool) -> bool:
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.type == "link_open" and tok.info == "auto":
                while i < len(tokens) and tokens[i].type != "link_close":
                    i += 1
                if not self._skip_autolink():
                    return False
                builder.space()
            elif not self._token(tok, builder, table):
                return False
            i += 1
        return True

    def _token(self, tok: Token, builder: _Builder, table: bool) -> bool:
        kind, work = tok.type, self.work
        if kind == "text":
            return self._text(tok.content, builder, table)
        if kind == "text_special":
            pos = self._find(tok.markup)
            if pos < 0:
                return False
            builder.atomic(tok.content, pos, len(tok.markup))
            self.cursor = pos + len(tok.markup)
        elif kind in ("softbreak", "hardbreak"):
            newline = work.find("\n", self.cursor, self.limit)
            if newline < 0:
                return False
            self.cursor = newline + 1
            builder.space()
        elif kind == "code_inline":
            return self._skip_code(tok.markup, builder)
        elif kind == "html_inline":
            pos = self._find(tok.content)
            if pos < 0:
                return False
            self.cursor = pos + len(tok.content)
            builder.space()
        elif kind in _DELIMITERS:
            if work.startswith(tok.markup, self.cursor):
                self.cursor += len(tok.markup)
        elif kind == "link_open":
            pos = self._find("[")
            if pos < 0:
                return False
            self.cursor = pos + 1
        elif kind == "link_close":
            return self._skip_destination()
        elif kind == "image":
            return self._image(tok, builder, table)
        return True

    def _text(self, content: str, builder: _Builder, table: bool) -> bool:
        pos = self._find(content)
        if pos >= 0:
            builder.verbatim(pos, pos + len(content))
            self.cursor = pos + len(content)
            return True
        if not (table and "|" in content):
            return False
        # markdown-it unescapes "\|" in table cells before inline parsing.
        for i, piece in enumerate(content.split("|")):
            if i:
                pipe = self._find("\\|")
                if pipe < 0:
                    return False
                builder.atomic("|", pipe, 2)
                self.cursor = pipe + 2
            if piece and not self._text(piece, builder, False):
                return False
        return True

    def _image(self, tok: Token, builder: _Builder, table: bool) -> bool:
        pos = self._find("![")
        if pos < 0:
            return False
        self.cursor = pos + 2
        alt = _Builder(self.source, "alt")
        ok = self._walk(tok.children or [], alt, table)
        self._emit(alt)
        builder.space()
        return ok and self._skip_destination()

    def _skip_code(self, markup: str, builder: _Builder) -> bool:
        pos = self._find(markup)
        if pos < 0:
            return False
        fence = re.compile(f"(?<!`){re.escape(markup)}(?!`)")
        close = fence.search(self.work, pos + len(markup), self.limit)
        if close is None:
            return False
        self.cursor = close.end()
        builder.space()
        return True

    def _skip_autolink(self) -> bool:
        lt = self._find("<")
        gt = self.work.find(">", lt, self.limit) if lt >= 0 else -1
        if gt < 0:
            return False
        self.cursor = gt + 1
        return True

    def _skip_destination(self) -> bool:
        """Move past "](url "title")", "][label]" or "]" so URLs are never matched as text."""
        close = self._find("]")
        if close < 0:
            return False
        pos = close + 1
        if self.work.startswith("(", pos):
            pos = _inline_destination_end(self.work, pos, self.limit)
        elif self.work.startswith("[", pos):
            pos = _label_end(self.work, pos, self.limit)
        if pos < 0:
            return False
        self.cursor = pos
        return True


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


def _label_end(work: str, pos: int, limit: int) -> int:
    """Return the offset after a "[label]" at ``pos``, or ``pos`` when there is none."""
    p = pos + 1
    while p < limit:
        c = work[p]
        if c == "\\":
            p += 1
        elif c == "[":
            return pos
        elif c == "]":
            return p + 1
        p += 1
    return pos


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


def _scalar_segment(source: str, base: int, node: yaml.Node, scope: str) -> Segment | None:
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
        if isinstance(key, yaml.ScalarNode) and key.value in ("title", "description"):
            if isinstance(value, yaml.ScalarNode):
                segment = _scalar_segment(source, body_start, value, key.value)
                if segment is not None:
                    segments.append(segment)
    return segments


def extract_markdown(text: str) -> tuple[Segment, ...]:
    """Extract headings, paragraphs, list items, quotes, table cells and alt text."""
    # Same-length substitutes for what markdown-it would normalise, so offsets stay equal.
    work = text.replace("\r", " ").replace("\0", "\ufffd")
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
