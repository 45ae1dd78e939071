"""Word (.docx) extractor: body paragraphs and table cells, one paragraph per line.

A .docx has no text file to point into, so the Document's text is the extracted text: every
paragraph of the body and of each table cell (nested tables and content controls included),
in document order, one per line joined by "\\n". Empty paragraphs stay as empty lines, so a
finding's line number is its paragraph number, counted from 1 over body and cell paragraphs
alike; ``start``/``end`` offsets are offsets into this extracted text. Line breaks inside a
paragraph (Shift+Enter) become spaces to keep that one-to-one.

Left out: comments (word/comments.xml is never read as text), headers and footers,
footnotes, text boxes, deleted or moved-away tracked changes, field codes. Inserted tracked
changes are kept: they are the text as it now reads.

Safety: the package's declared unpacked size (256 MiB in all, 32 MiB for one XML part) is
capped before python-docx reads it (zip bombs; a read stops at the declared size), and
python-docx parses its XML with lxml with entity resolution off and no network.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from lxml import etree

from claimlint.document import Document, Segment
from claimlint.extract import ExtractError

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_P, _TBL = f"{{{_W}}}p", f"{{{_W}}}tbl"
# Block containers whose paragraphs are part of the body text, read in order.
_CONTAINERS = frozenset(f"{{{_W}}}{name}" for name in
                        ("tbl", "tr", "tc", "sdt", "sdtContent", "customXml"))
# Runs that are read: not deleted or moved away, not inside a text box (its own story), not
# the fallback copy of alternate content.
_RUNS = etree.XPath(
    ".//w:r[not(ancestor::w:del or ancestor::w:moveFrom or ancestor::w:txbxContent"
    " or ancestor::*[local-name()='Fallback'])]",
    namespaces={"w": _W},
)
_NUMBERED = etree.XPath("./w:pPr/w:numPr", namespaces={"w": _W})
# Anything str.splitlines() breaks on: a paragraph must stay on one line.
_LINE_BREAKS = str.maketrans(dict.fromkeys("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", " "))
_MAX_UNPACKED = 256 * 1024 * 1024
# lxml holds a parsed part at several times its size: an XML part over this is refused, so
# that no .docx takes a run past 1 GB (issue 11). A 300-page report's document.xml is ~10 MiB.
MAX_XML_PART = 32 * 1024 * 1024
_STREAM = re.compile(r"file '<_io\.BytesIO object at 0x[0-9a-fA-F]+>' ")


def _check_package(data: bytes, path: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
            names = [info.filename for info in infos]
            unpacked = sum(info.file_size for info in infos)
            xml = max((info for info in infos if info.filename.endswith((".xml", ".rels"))),
                      key=lambda info: info.file_size, default=None)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ExtractError(f"{path}: not a Word .docx file (not a ZIP package)") from None
    if "[Content_Types].xml" not in names:
        raise ExtractError(f"{path}: not a Word .docx file (a ZIP, but not an Office document)")
    if unpacked > _MAX_UNPACKED:
        raise ExtractError(f"{path}: refused: the package unpacks to {unpacked >> 20} MiB, "
                           f"over the {_MAX_UNPACKED >> 20} MiB limit")
    if xml is not None and xml.file_size > MAX_XML_PART:
        raise ExtractError(f"{path}: refused: {xml.filename} unpacks to {xml.file_size >> 20} "
                           f"MiB, over the {MAX_XML_PART >> 20} MiB limit for one XML part")


def _open(data: bytes, path: str) -> Any:
    _check_package(data, path)
    import docx  # python-docx; imported here so other formats never pay for it

    try:
        return docx.Document(io.BytesIO(data))
    # python-docx raises assorted types on damaged packages (KeyError for a missing part,
    # ValueError for another Office type, lxml errors for broken XML): all are the file's.
    except Exception as exc:
        known = isinstance(exc, (KeyError, ValueError, etree.LxmlError))
        reason = _STREAM.sub("the file ", str(exc)) if known else "the package is damaged"
        raise ExtractError(f"{path}: cannot read as a Word .docx file: {reason}") from None


def _paragraphs(body: Any) -> Iterator[tuple[Any, bool]]:
    """Yield (w:p element, inside a table) in document order, without recursion."""
    stack: list[tuple[Iterator[Any], bool]] = [(iter(body), False)]
    while stack:
        children, in_table = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
        elif child.tag == _P:
            yield child, in_table
        elif child.tag in _CONTAINERS:
            stack.append((iter(child), in_table or child.tag == _TBL))


def _style_scope(style: Any) -> str:
    """Scope of a paragraph style, following its base styles (custom styles built on them)."""
    for _ in range(16):  # a bound, in case a damaged file has a base-style cycle
        if style is None:
            break
        name = style.name or ""
        if name == "Title":
            return "title"
        if name.startswith("Heading") or name == "Subtitle":
            return "heading"
        if name.startswith("List"):
            return "list"
        if name in ("Quote", "Intense Quote"):
            return "quote"
        style = style.base_style
    return "paragraph"


def _scopes(document: Any) -> tuple[dict[str, str], str]:
    """Map paragraph style ids to scopes; also return the default paragraph style's scope."""
    from docx.enum.style import WD_STYLE_TYPE

    scopes: dict[str, str] = {}
    default = "paragraph"
    for style in document.styles:
        if style.type == WD_STYLE_TYPE.PARAGRAPH:
            scopes[style.style_id] = _style_scope(style)
            if style.element.get(f"{{{_W}}}default") in ("1", "true", "on"):
                default = scopes[style.style_id]
    return scopes, default


def extract_docx(data: bytes, path: str) -> Document:
    """Extract a .docx file's body and table text as one paragraph per line."""
    document = _open(data, path)
    from docx.exceptions import PythonDocxError

    try:
        style_scopes, default = _scopes(document)
        lines: list[str] = []
        segments: list[Segment] = []
        offset = 0
        for p, in_table in _paragraphs(document.element.body):
            line = "".join(run.text for run in _RUNS(p)).translate(_LINE_BREAKS)
            kept = line.strip()
            if kept:
                scope = style_scopes.get(p.style, default) if p.style else default
                if in_table:
                    scope = "table"
                elif scope == "paragraph" and _NUMBERED(p):
                    scope = "list"
                start = offset + len(line) - len(line.lstrip())
                segments.append(Segment.verbatim(kept, scope, start))
            lines.append(line)
            offset += len(line) + 1
    except (PythonDocxError, KeyError, ValueError) as exc:  # invalid values in the XML
        raise ExtractError(f"{path}: cannot read as a Word .docx file: {exc}") from None
    return Document(path, "\n".join(lines), tuple(segments), "docx")
