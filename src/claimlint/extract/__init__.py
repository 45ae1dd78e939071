"""Turn a source file into a Document: decode it, then extract segments by format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..document import Document, Segment, line_col
from ..errors import ClaimlintError
from .bounds import bound_segments
from .encoding import BOMS, Decoded, sniff

Extractor = Callable[[str], tuple[Segment, ...]]


class ExtractError(ClaimlintError):
    """A file that cannot be read, decoded or parsed; it goes to the report's errors."""


class SkipFile(ClaimlintError):
    """A file that is not copy to lint (binary, or over the size limit); it gets a notice."""


def _markdown(text: str) -> tuple[Segment, ...]:
    from .markdown import extract_markdown

    return extract_markdown(text)


def _text(text: str) -> tuple[Segment, ...]:
    from .text import extract_text

    return extract_text(text)


def _html(text: str) -> tuple[Segment, ...]:
    from .html import extract_html

    return extract_html(text)


FORMATS: dict[str, Extractor] = {"text": _text, "markdown": _markdown, "html": _html}
SUFFIXES: dict[str, str] = {".txt": "text", ".text": "text", ".md": "markdown",
                            ".markdown": "markdown", ".html": "html", ".htm": "html",
                            ".xml": "wxr", ".docx": "docx"}


def format_size(size: int) -> str:
    """Render a byte count for people: 512 B, 1.5 KB, 12.0 MB (1 KB = 1024 B)."""
    value, unit = float(size), "B"
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            break
        value /= 1024
    return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"


def format_for(path: str) -> str:
    """Return the format name for a file name (plain text when the suffix is unknown)."""
    return SUFFIXES.get(Path(path).suffix.lower(), "text")


def decode_source(raw: bytes, path: str, fmt: str = "text") -> Decoded:
    """Decode source bytes, dropping a BOM; never translate newlines (offsets index this text).

    A UTF-8 or UTF-16 BOM comes first, for every format (the WHATWG order). Then HTML
    follows its ``<meta charset>`` label, then UTF-8, then windows-1252; other files
    must be UTF-8.
    """
    bom, name = next(((b, n) for b, n in BOMS if raw.startswith(b)), (b"", "utf-8"))
    if b"\x00" in raw[:8192] and not name.startswith("utf-16"):
        raise SkipFile(f"{path}: skipped: a binary file (NUL bytes), not text")
    try:
        return sniff(raw, fmt == "html")
    except UnicodeDecodeError as exc:
        at = min(exc.start + len(bom), len(raw) - 1)
        good = raw[len(bom):at].decode(exc.encoding, "replace")
        line, col = line_col(good, len(good))
        raise ExtractError(
            f"{path}:{line}:{col}: not valid {name.upper()} (byte 0x{raw[at]:02x} at offset "
            f"{at}); save the file as UTF-8"
        ) from None


def decode(raw: bytes, path: str, fmt: str = "text") -> str:
    """Decode source text the way ``decode_source`` does and return only the text."""
    return decode_source(raw, path, fmt).text


def decode_file(raw: bytes, path: str) -> Decoded:
    """Decode a file's bytes exactly as linting it does, so a fix sees the linted text."""
    suffix = Path(path).suffix.lower()
    if suffix == ".docx":
        raise ExtractError(f"{path}: a Word file has no text encoding")
    return decode_source(raw, path, "text" if suffix == ".xml" else format_for(path))


def document_from_text(text: str, path: str, fmt: str | None = None) -> Document:
    """Build a Document from already decoded text."""
    name = fmt or format_for(path)
    if name not in FORMATS:
        raise ExtractError(f"unknown format '{name}'; known: {', '.join(FORMATS)}")
    return Document(path, text, bound_segments(FORMATS[name](text)), name)


def load_documents(path: Path, display: str | None = None, include_drafts: bool = False,
                   max_bytes: int = 0) -> list[Document]:
    """Read, decode and extract one file (a WordPress export holds many documents).

    Raises ExtractError when the file cannot be linted, SkipFile when it is binary or
    larger than ``max_bytes`` (0: no limit).
    """
    shown = display or str(path)
    return extract(read_file(path, shown, max_bytes), path, shown, include_drafts)


def read_file(path: Path, shown: str, max_bytes: int = 0) -> bytes:
    """A file's bytes (``shown``: its name in messages); see load_documents for errors."""
    try:
        size = path.stat().st_size
        if max_bytes and size > max_bytes:
            raise SkipFile(f"{shown}: skipped: {format_size(size)} is over the "
                           f"{format_size(max_bytes)} limit (--max-file-size)")
        return path.read_bytes()
    except OSError as exc:
        raise ExtractError(f"{shown}: cannot read: {exc.strerror or exc}") from None


def extract(raw: bytes, path: Path, shown: str, include_drafts: bool = False) -> list[Document]:
    """Decode and extract the bytes ``raw`` read from ``path``; see load_documents."""
    try:
        return _extract(raw, path, shown, include_drafts)
    except ClaimlintError:
        raise
    # A reader that fails in a way nobody foresaw on a hostile file must not take the
    # run down (issue 11): the file goes to errors, the other files are still linted.
    except Exception as exc:
        raise ExtractError(f"{shown}: cannot read: {type(exc).__name__}: {exc} "
                           "(a claimlint bug; please report it)") from None


def _extract(raw: bytes, path: Path, shown: str, include_drafts: bool) -> list[Document]:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from .docx import extract_docx

        return [_bounded(extract_docx(raw, shown))]
    if suffix == ".xml":
        from .wxr import extract_wxr, is_wxr

        text = decode_file(raw, shown).text
        # A sitemap or feed beside the pages is not copy: only WordPress exports are linted.
        posts = extract_wxr(text, shown, include_drafts) if is_wxr(text) else []
        return [_bounded(post) for post in posts]
    fmt = format_for(shown)
    return [document_from_text(decode_file(raw, shown).text, shown, fmt)]

def _bounded(document: Document) -> Document:
    return replace(document, segments=bound_segments(document.segments))
