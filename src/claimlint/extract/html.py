"""HTML extractor: visible text and a few attributes, with offsets recorded while tokenizing.

Parser: selectolax/lexbor builds a real HTML5 tree but its nodes carry no source positions,
so offsets would have to be re-found by searching (style.md, principle 7). We use the stdlib
``html.parser`` tokenizer: each token's start comes from ``getpos()`` as it is parsed, and a
stack of open elements (a list, never recursion) applies the HTML5 tree-construction rules
that decide what is visible: void and raw-text elements, implied end tags (p, li, dt/dd,
td/th, tr, headings), end tags ignored out of scope, the list of active formatting elements
(reopened after a block closes them; the adoption agency keeps a block open when a
formatting element around it ends), HTML tags breaking out of SVG/MathML, "/>" honoured
only there. tests/test_html_oracle.py checks the visible words against lexbor on tag soup.
It reads a same-length working copy, so positions stay exact: every "&" is masked (we
decode references ourselves; its own handling can turn the rest of a page into text), and
after the last ">" the input is cut at the first "<" that opens a tag, comment or
declaration that can never end (HTML5 drops it; html.parser would rescan it quadratically).
An unterminated "<!--" runs to the end of the file, as in HTML5.

Text: references decode to atomic runs (html.unescape); one that decodes to whitespace
(&nbsp;, &#10;) becomes a plain space U+0020 so phrase rules match across it. Whitespace
collapses to one space: a source " " stays a verbatim run; other whitespace (newline, tab,
CR, a literal U+00A0) becomes a synthetic space with no run.
"""

from __future__ import annotations

import bisect
import html
import re
from html.parser import HTMLParser
from typing import NamedTuple

from claimlint.document import Run, Segment


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


_VOID = _names("area base br col embed hr img input keygen link meta param source track wbr "
               "basefont bgsound frame")
# Never rendered as prose: code, scripts, embedded documents, form input, media fallbacks.
_SKIP = _names("script style noscript template svg math code pre kbd samp textarea select "
               "datalist iframe object canvas audio video xmp plaintext noembed noframes")
_BLOCK = _names(
    "html head body title p div li h1 h2 h3 h4 h5 h6 td th tr table thead tbody tfoot caption "
    "colgroup section article header footer nav aside main blockquote ul ol dl dt dd menu dir "
    "figure figcaption form fieldset legend hr address details summary center hgroup dialog "
    "search pre listing xmp plaintext"
)
# Innermost container wins, as in the markdown extractor; other elements inherit the scope.
_CONTAINER = {
    "title": "title", "blockquote": "quote",
    **{f"h{n}": "heading" for n in range(1, 7)},
    **dict.fromkeys(("ul", "ol", "dl", "li", "dt", "dd", "menu", "dir"), "list"),
    **dict.fromkeys(("table", "caption", "tr", "td", "th"), "table"),
}
_LINKS, _FOREIGN = _names("a button"), _names("svg math")
# HTML5 "special" elements: an end tag for an ordinary element (span, label, a custom
# element) is ignored when one of these is open inside it. Formatting end tags (b, a, em...)
# run the adoption agency instead, which we approximate by closing everything above them.
_SPECIAL = _BLOCK | _VOID | _names(
    "applet button embed form frameset iframe marquee noembed noframes noscript object "
    "script select style template textarea wbr")
_FORMATTING = _names("a b big code em font i nobr s small strike strong tt u")
_NOT_ORDINARY = _SPECIAL | _FORMATTING
_RESTART = _names("a nobr button")
_HEADINGS = _names("h1 h2 h3 h4 h5 h6")
# HTML5 raw-text and escapable raw-text elements: their content is never markup.
_RAW_TEXT = _names("script style textarea title xmp iframe noembed noframes noscript")
_BREAKOUT = _HEADINGS | _names(
    "b big blockquote body br center code dd div dl dt em embed head hr i img li listing menu "
    "meta nobr ol p pre ruby s small span strong strike sub sup table tt u ul var")
# Opening one of these starts a fresh list of active formatting elements (HTML5 "marker").
_MARKERS = _names("td th caption applet object marquee template")
_META = {"description": "description", "og:description": "description",
         "twitter:description": "description", "og:title": "title", "twitter:title": "title"}
_SHIELDS = _names("applet caption html table td th marquee object template svg math")
_TABLE = _names("table template")
_SCOPE = {"li": _SHIELDS | {"ol", "ul"}, "p": _SHIELDS | {"button"}}  # else _SHIELDS
# HTML5 implied end tags: (elements, start tags that close them, elements that shield them).
_IMPLIED = (
    (_names("p"), _BLOCK - _names("html head body title td th tr thead tbody tfoot caption "
                                  "colgroup legend"), _SHIELDS | {"button"}),
    (_names("li"), _names("li"), _SPECIAL - _names("address div p li")),
    (_names("dt dd"), _names("dt dd"), _SPECIAL - _names("address div p dt dd")),
    (_names("td th"), _names("td th tr tbody thead tfoot"), _TABLE),
    (_names("tr"), _names("tr tbody thead tfoot"), _TABLE),
)
_CLOSES = {tag: tuple(i for i, rule in enumerate(_IMPLIED) if tag in rule[1])
           for rule in _IMPLIED for tag in rule[1]}
# How a tag changes each rule's open element: "own" (it is one), "shield", else inherited.
_SHAPES = {tag: tuple("own" if tag in els else "shield" if tag in shields else ""
                      for els, _, shields in _IMPLIED)
           for rule in _IMPLIED for tag in rule[0] | rule[2]}

# Whitespace | a character reference (names limited to what HTML5 can match) | words | "&".
_TOKEN = re.compile(
    r"(\s+)|(&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z0-9]{1,32};?))|[^\s&]+(?: [^\s&]+)*|&"
)
_WORD = re.compile(r"[^\W_]")
_UNTERMINATED = re.compile(r"<[a-zA-Z!/?]")
_COMMENT_END = re.compile(r"--!?>")
# Copies of html.parser's own tag-name and attribute patterns, to find value offsets.
_TAG_NAME = re.compile(r"([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*")
_ATTR = re.compile(
    r"((?<=['\"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|\"[^\"]*\"|(?!['\"])[^>\s]*))?(?:\s|/(?!>))*"
)


class _Builder:
    """Accumulates the text and runs of one segment."""

    def __init__(self, source: str, scope: str) -> None:
        self.source, self.scope = source, scope
        self.parts: list[str] = []
        self.runs: list[list[int]] = []
        self.size = 0
        self.space: tuple[int, int] | None = None  # pending space: (src, len); len 0 = synthetic
        self.plain = False  # saw a word outside any link
        self.link: int | None = None  # id of the open link element, if any
        self.link_start = 0
        self.links: list[tuple[int, int]] = []

    def feed(self, start: int, end: int) -> None:
        src = self.source
        for m in _TOKEN.finditer(src, start, end):
            s, e = m.span()
            if m.lastindex == 1:
                k = src.find(" ", s, e)
                self.pend(k, 1 if k >= 0 else 0)
            elif m.lastindex == 2:
                raw = m.group()
                text = html.unescape(raw)
                if text.isspace():
                    self.pend(s, e - s)
                elif text and (len(text) == len(raw) or text != text.strip()):
                    self._put(raw, s, e - s)  # cannot be an atomic run; keep the source form
                elif text:
                    self._put(text, s, e - s)
            else:
                self._put(m.group(), s, e - s)

    def pend(self, src: int, length: int) -> None:
        if self.space is None or (length and not self.space[1]):
            self.space = (src, length)

    def _put(self, text: str, src: int, length: int) -> None:
        if self.space is not None and self.size:
            if self.space[1]:
                self._run(self.space[0], self.space[1], 1)
            self.parts.append(" ")
            self.size += 1
        self.space = None
        if not self.plain and self.link is None and _WORD.search(text):
            self.plain = True
        self._run(src, length, len(text))
        self.parts.append(text)
        self.size += len(text)

    def _run(self, src: int, length: int, seg_len: int) -> None:
        last = self.runs[-1] if self.runs else None  # [seg_start, seg_len, src_start, src_len]
        if (last and length == seg_len and last[1] == last[3] and last[2] + last[3] == src
                and last[0] + last[1] == self.size):
            last[1] += length
            last[3] += length
        else:
            self.runs.append([self.size, seg_len, src, length])

    def open_link(self, ident: int) -> None:
        if self.link is None:
            self.link, self.link_start = ident, self.size

    def close_link(self, ident: int) -> None:
        if self.link == ident:
            self.links.append((self.link_start, self.size))
            self.link = None

    def build(self) -> list[Segment]:
        """Trimmed segments: the whole block, or each link when the block is only links."""
        if not self.size:
            return []
        if self.link is not None:
            self.close_link(self.link)
        text = "".join(self.parts)
        if self.links and not self.plain and self.scope not in ("heading", "title"):
            spans, scope = self.links, "link"
        else:
            spans, scope = [(0, len(text))], self.scope
        keys = [r[0] for r in self.runs]
        out = (_cut(text, self.runs, keys, lo, hi, scope) for lo, hi in spans)
        return [seg for seg in out if seg is not None]


def _cut(text: str, runs: list[list[int]], keys: list[int], lo: int, hi: int,
         scope: str) -> Segment | None:
    piece = text[lo:hi]
    kept = piece.strip()
    if not kept:
        return None
    lo += len(piece) - len(piece.lstrip())
    hi = lo + len(kept)
    out: list[Run] = []
    for i in range(max(bisect.bisect_right(keys, lo) - 1, 0), len(runs)):
        seg_start, seg_len, src_start, src_len = runs[i]
        if seg_start >= hi:
            break
        s, e = max(seg_start, lo), min(seg_start + seg_len, hi)
        if s >= e:
            continue
        if seg_len == src_len:
            out.append(Run(s - lo, e - s, src_start + s - seg_start, e - s))
        elif e - s != src_len:
            out.append(Run(s - lo, e - s, src_start, src_len))
    return Segment(kept, scope, tuple(out)) if out else None


class _Open(NamedTuple):
    tag: str
    scope: str
    skip: bool
    link: bool
    foreign: bool
    ident: int
    opens: tuple[int | None, ...]  # stack index of the open element each _IMPLIED rule closes
    hidden: bool  # its own hidden or aria-hidden="true" attribute


class _Parser(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", source))]
        self.stack = [_Open("", "paragraph", False, False, False, 0, (None,) * len(_IMPLIED),
                            False)]
        self.counts: dict[str, int] = {}
        self.serial = 0
        self.open_ids: set[int] = set()
        self.active: list[_Open | None] = []  # HTML5's active formatting elements; None: marker
        self.keys: dict[int, tuple[str, tuple[object, ...]]] = {}  # tag and attributes
        self.out: list[Segment] = []
        self.block = _Builder(source, "paragraph")

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def parse_comment(self, i: int, report: int = 1) -> int:
        raw = self.rawdata
        for empty in ("<!-->", "<!--->"):
            if raw.startswith(empty, i):
                return i + len(empty)
        m = _COMMENT_END.search(raw, i + 4)
        return m.end() if m else len(raw)

    def parse_html_declaration(self, i: int) -> int:
        if self.rawdata.startswith("<!--", i):
            return self.parse_comment(i)
        end = self.rawdata.find(">", i + 2)  # doctype, <![CDATA[...]]>, bogus comments
        return end + 1 if end >= 0 else len(self.rawdata)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.stack[-1].foreign and tag in _BREAKOUT:
            self._leave_foreign()
        if tag in _RESTART and (self.counts.get(tag) or self._formatting(tag) is not None):
            self.handle_endtag(tag)  # HTML5: a new <a> (or <nobr>, <button>) ends an open one
        if tag in _CLOSES and not self.stack[-1].foreign:
            for rule in _CLOSES[tag]:
                index = self.stack[-1].opens[rule]
                if index is not None:
                    self._pop_to(index)
        if tag in _HEADINGS and self.stack[-1].tag in _HEADINGS:
            self._pop_to(len(self.stack) - 1)  # HTML5: a heading never nests in a heading
        if tag not in _BLOCK:
            self._reconstruct()
        hidden = bool(attrs) and any(
            k == "hidden" or (k == "aria-hidden" and (v or "").strip().lower() == "true")
            for k, v in attrs
        )
        if not (self.stack[-1].skip or hidden or tag in _SKIP):
            if tag in ("br", "img"):
                self.block.pend(-1, 0)
            if tag in ("img", "meta"):
                self._attributes(tag, attrs)
        if tag in _RAW_TEXT:
            self.set_cdata_mode(tag)  # html.parser itself knows only script and style
        if tag in _VOID:
            if tag in _BLOCK:
                self._boundary()
            return
        self.serial += 1
        entry = self._push(tag, hidden, self.serial)
        if tag in _FORMATTING:
            self._remember(entry, tuple(sorted(attrs, key=str)))
        elif tag in _MARKERS:
            self.active.append(None)

    def _entry(self, tag: str, hidden: bool, ident: int) -> _Open:
        """The entry of an element opened inside the current node."""
        top = self.stack[-1]
        opens = top.opens
        if tag in _SHAPES:
            opens = tuple(len(self.stack) if how == "own" else None if how else index
                          for how, index in zip(_SHAPES[tag], opens, strict=True))
        return _Open(tag, _CONTAINER.get(tag, top.scope), top.skip or hidden or tag in _SKIP,
                     top.link or tag in _LINKS, top.foreign or tag in _FOREIGN, ident, opens,
                     hidden)

    def _push(self, tag: str, hidden: bool, ident: int) -> _Open:
        """Open an element inside the current node; return its entry."""
        top = self.stack[-1]
        entry = self._entry(tag, hidden, ident)
        self.stack.append(entry)
        self.counts[tag] = self.counts.get(tag, 0) + 1
        self.open_ids.add(ident)
        if tag in _BLOCK:
            self._boundary()
        elif entry.skip and not top.skip:
            self.block.pend(-1, 0)  # skipped inline content still separates words
        elif entry.link and not top.link and not entry.skip:
            self.block.open_link(ident)
        return entry

    def _remember(self, entry: _Open, attrs: tuple[object, ...]) -> None:
        """Add a formatting element to the active list; HTML5 keeps at most three alike."""
        key = (entry.tag, attrs)
        alike = []
        for k in range(len(self.active) - 1, -1, -1):
            other = self.active[k]
            if other is None:
                break
            if self.keys.get(other.ident) == key:
                alike.append(k)
        if len(alike) >= 3:
            del self.active[alike[-1]]
        self.active.append(entry)
        self.keys[entry.ident] = key

    def _formatting(self, tag: str) -> int | None:
        """Index in the active list of the last ``tag`` element after the last marker."""
        for k in range(len(self.active) - 1, -1, -1):
            entry = self.active[k]
            if entry is None:
                return None
            if entry.tag == tag:
                return k
        return None

    def _reconstruct(self) -> None:
        """HTML5: formatting elements closed by a block's end reopen before the next content."""
        active = self.active
        if not active or active[-1] is None or active[-1].ident in self.open_ids:
            return
        first = len(active) - 1
        while first and (before := active[first - 1]) and before.ident not in self.open_ids:
            first -= 1
        for k in range(first, len(active)):
            old = active[k]
            assert old is not None  # markers stop the walk above
            self.serial += 1
            active[k] = self._push(old.tag, old.hidden, self.serial)
            self.keys[self.serial] = self.keys.pop(old.ident)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        depth = len(self.stack)
        self.handle_starttag(tag, attrs)
        if len(self.stack) > depth and self.stack[-1].foreign:
            self.handle_endtag(tag)  # "/>" closes an element only in SVG and MathML

    def _leave_foreign(self) -> None:
        """HTML5: an HTML block or phrase tag inside SVG/MathML closes the foreign content."""
        index = len(self.stack) - 1
        while self.stack[index - 1].foreign:
            index -= 1
        self._pop_to(index)

    def handle_endtag(self, tag: str) -> None:
        if self.stack[-1].foreign and tag in ("p", "br"):
            self._leave_foreign()
        if tag == "br":
            self.handle_starttag("br", [])  # HTML5 reads </br> as <br>
            return
        listed = self._formatting(tag) if tag in _FORMATTING else None
        if listed is not None:
            entry = self.active.pop(listed)
            assert entry is not None
            if entry.ident not in self.open_ids:
                return  # closed already by a block's end: it just stops reopening
            index = len(self.stack) - 1
            while self.stack[index].ident != entry.ident:
                index -= 1
            if any(e.tag in _SPECIAL for e in self.stack[index + 1:]):
                self._adopt(index)
            else:
                self._pop_to(index)
        elif self.counts.get(tag) or (tag in _HEADINGS and any(map(self.counts.get, _HEADINGS))):
            # HTML5 ignores an end tag when its element is out of scope: a block (for an
            # ordinary element) or a scope boundary (for a block) is open inside it.
            index, wanted = len(self.stack) - 1, _HEADINGS if tag in _HEADINGS else {tag}
            stops = _SPECIAL if tag not in _SPECIAL else _SCOPE.get(tag, _SHIELDS)
            while self.stack[index].tag not in wanted:
                if self.stack[index].tag in stops:
                    return
                index -= 1
            self._pop_to(index)
        elif tag == "p":
            self._boundary()  # HTML5 reads a stray </p> as an empty paragraph

    def handle_data(self, data: str) -> None:
        if not data.isspace():
            self._reconstruct()
        if not self.stack[-1].skip:
            start = self._pos()
            self.block.feed(start, start + len(data))

    def _adopt(self, index: int) -> None:
        """HTML5's adoption agency, as far as visibility goes: the formatting element closes,
        but the first block opened inside it stays open, moved out of it; ordinary inline
        elements between them close and formatting ones are reopened around the block."""
        old, above = self.stack[-1], self.stack[index + 1:]
        first = next(k for k, e in enumerate(above) if e.tag in _SPECIAL)
        kept = [e for e in above[:first] if e.tag in _FORMATTING] + above[first:]
        for entry in (self.stack[index], *(e for e in above[:first] if e not in kept)):
            self.counts[entry.tag] -= 1
            self.open_ids.discard(entry.ident)
        del self.stack[index:]
        for entry in kept:
            self.stack.append(self._entry(entry.tag, entry.hidden, entry.ident))
        new = self.stack[-1]
        if old.skip != new.skip:
            self.block.pend(-1, 0)
        if old.link and not new.link and not old.skip:
            self.block.close_link(self.block.link or 0)

    def _pop_to(self, depth: int) -> None:
        block = False
        while len(self.stack) > depth:
            entry = self.stack.pop()
            self.counts[entry.tag] -= 1
            self.open_ids.discard(entry.ident)
            if entry.tag in _MARKERS:
                while self.active and self.active.pop() is not None:
                    pass
            parent = self.stack[-1]
            block = block or entry.tag in _BLOCK
            if entry.skip and not parent.skip:
                self.block.pend(-1, 0)
            if entry.link and not parent.link:
                self.block.close_link(entry.ident)
        if block:
            self._boundary()

    def _boundary(self) -> None:
        self.out.extend(self.block.build())
        self.block = _Builder(self.source, self.stack[-1].scope)

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Emit img alt/title and meta description/title content as their own segments."""
        wanted = {"alt": "alt", "title": "alt"}
        if tag == "meta":
            values = {k: (v or "").strip().lower() for k, v in reversed(attrs)}  # first wins
            scope = _META.get(values.get("name", "")) or _META.get(values.get("property", ""))
            if scope is None:
                return
            wanted = {"content": scope}
        start = self._pos()
        for name, (s, e) in _attribute_values(self.source, start,
                                              start + len(self.get_starttag_text() or "")):
            if name in wanted:
                builder = _Builder(self.source, wanted[name])
                builder.feed(s, e)
                self.out.extend(builder.build())

    def finish(self) -> tuple[Segment, ...]:
        self.close()
        self._boundary()
        return tuple(sorted(self.out, key=lambda seg: seg.runs[0].src_start))


def _attribute_values(source: str, start: int, end: int) -> list[tuple[str, tuple[int, int]]]:
    """(name, value range) of each attribute of the start tag source[start:end]; first wins."""
    m = _TAG_NAME.match(source, start + 1, end)
    pos = m.end() if m else end
    seen: set[str] = set()
    found = []
    while pos < end and (a := _ATTR.match(source, pos, end)) and a.end() > pos:
        name = a.group(1).lower()
        if name not in seen and a.group(3) is not None:
            s, e = a.span(3)
            if e - s >= 2 and source[s] in "'\"" and source[e - 1] == source[s]:
                s, e = s + 1, e - 1
            found.append((name, (s, e)))
        seen.add(name)
        pos = a.end()
    return found


def extract_html(text: str) -> tuple[Segment, ...]:
    """Extract the visible text and the alt/meta attributes of an HTML page."""
    work = text.replace("&", "\x01")
    tail = _UNTERMINATED.search(work, work.rfind(">") + 1)
    parser = _Parser(text)
    parser.feed(work[: tail.start()] if tail else work)
    return parser.finish()
