"""Turn a source file into a Document: decode it, then extract segments by format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..document import Document, Segment
from ..errors import ClaimlintError

Extractor = Callable[[str], tuple[Segment, ...]]


class ExtractError(ClaimlintError):
    """A file that cannot be read, decoded or parsed; it goes to the report's errors."""


def _markdown(text: str) -> tuple[Segment, ...]:
    from .markdown import extract_markdown

    return extract_markdown(text)


def _text(text: str) -> tuple[Segment, ...]:
    from .text import extract_text

    return extract_text(text)


FORMATS: dict[str, Extractor] = {"text": _text, "markdown": _markdown}
SUFFIXES: dict[str, str] = {".txt": "text", ".text": "text", ".md": "markdown",
                            ".markdown": "markdown"}


def format_for(path: str) -> str:
    """Return the format name for a file name (plain text when the suffix is unknown)."""
    return SUFFIXES.get(Path(path).suffix.lower(), "text")


def decode(raw: bytes, path: str) -> str:
    """Decode UTF-8 source text, dropping a BOM; never translate newlines."""
    if b"\x00" in raw[:8192]:
        raise ExtractError(f"{path}: looks like a binary file (NUL bytes); skipped")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ExtractError(
            f"{path}:{line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8"
        ) from None


def document_from_text(text: str, path: str, fmt: str | None = None) -> Document:
    """Build a Document from already decoded text."""
    name = fmt or format_for(path)
    if name not in FORMATS:
        raise ExtractError(f"unknown format '{name}'; known: {', '.join(FORMATS)}")
    return Document(path, text, FORMATS[name](text), name)


def load_document(path: Path, display: str | None = None) -> Document:
    """Read, decode and extract one file; raise ExtractError when it cannot be linted."""
    shown = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ExtractError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    return document_from_text(decode(raw, shown), shown)
