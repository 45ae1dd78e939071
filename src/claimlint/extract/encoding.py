"""Decode source bytes as browsers do (the WHATWG Encoding Standard) and encode them back.

Labels are looked up in the WHATWG table (``webencodings``), never passed to Python's
codec registry: "latin1" is windows-1252 there, and "undefined" or "punycode" are no
encoding at all. Every decoding accepted here is strict, so a file that is fixed can be
written back in the encoding it was read in, byte for byte outside the edits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import webencodings

BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16le"), (b"\xfe\xff", "utf-16be"))
FALLBACK = "windows-1252"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_PRESCAN_BYTES = 4096

# WHATWG windows-1252 maps the five bytes that Python's cp1252 leaves undefined (0x81,
# 0x8D, 0x8F, 0x90, 0x9D) to the C1 controls of the same number, so that every byte
# string decodes, and encodes back unchanged.
_UNDEFINED_IN_CP1252 = frozenset((0x81, 0x8D, 0x8F, 0x90, 0x9D))
_FROM_LATIN1 = {b: ord(bytes([b]).decode("cp1252")) for b in range(0x80, 0xA0)
                if b not in _UNDEFINED_IN_CP1252}
_TO_LATIN1: dict[int, int] = {**{c: 0xFFFD for c in range(0x80, 0xA0)
                                 if c not in _UNDEFINED_IN_CP1252},
                              **{v: k for k, v in _FROM_LATIN1.items()}}


@dataclass(frozen=True, slots=True)
class Decoded:
    """A file's text and how it is stored: its WHATWG encoding name and its BOM, if any."""

    text: str
    encoding: str
    bom: bytes = b""

    def encode(self, text: str) -> bytes:
        """Return ``text`` as this file stores it; UnicodeEncodeError when it cannot be."""
        return self.bom + encode_as(text, self.encoding)


def lookup(label: str) -> str | None:
    """Return the WHATWG encoding name for a label, or None for a label browsers ignore."""
    found = webencodings.lookup(label)
    return None if found is None else str(found.name)


def html_label(raw: bytes) -> str | None:
    """Return the encoding a page's ``<meta charset>`` names, as the HTML standard reads it."""
    declared = _META_CHARSET.search(raw[:_PRESCAN_BYTES])
    if declared is None:
        return None
    name = lookup(declared.group(1).decode("ascii"))
    # HTML's prescan: an ASCII-compatible page cannot really be UTF-16, x-user-defined
    # means windows-1252, and "replacement" (ISO-2022-KR and friends) would read as one
    # U+FFFD, so it falls back like an unknown label.
    if name in ("utf-16le", "utf-16be"):
        return "utf-8"
    if name == "x-user-defined":
        return FALLBACK
    return None if name == "replacement" else name


def decode_as(raw: bytes, encoding: str) -> str:
    """Decode strictly with a WHATWG encoding name; UnicodeDecodeError when it does not fit."""
    if encoding == FALLBACK:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1").translate(_FROM_LATIN1)
    found = webencodings.lookup(encoding)
    if found is None:
        raise LookupError(f"unknown encoding {encoding!r}")
    text, _ = found.codec_info.decode(raw, "strict")
    return str(text)


def encode_as(text: str, encoding: str) -> bytes:
    """Encode strictly with a WHATWG encoding name; UnicodeEncodeError when it cannot."""
    if encoding == FALLBACK:
        try:
            return text.encode("cp1252")
        except UnicodeEncodeError:
            return text.translate(_TO_LATIN1).encode("latin-1")
    found = webencodings.lookup(encoding)
    if found is None:
        raise LookupError(f"unknown encoding {encoding!r}")
    data, _ = found.codec_info.encode(text, "strict")
    return bytes(data)


def sniff(raw: bytes, html: bool) -> Decoded:
    """Decode HTML by the browser's order: BOM, ``<meta charset>``, UTF-8, windows-1252.

    Other files (text, Markdown, XML) are UTF-8, or UTF-8 or UTF-16 with a BOM. Raises
    UnicodeDecodeError when the bytes after a BOM do not fit it, or when a file that is
    not HTML and has no BOM is not valid UTF-8.
    """
    for bom, name in BOMS:
        if raw.startswith(bom):
            return Decoded(decode_as(raw[len(bom):], name), name, bom)
    if not html:
        return Decoded(decode_as(raw, "utf-8"), "utf-8")
    # A declared encoding that does not decode cleanly is the page's mistake; browsers
    # show replacement characters, we try UTF-8 and then windows-1252, both lossless.
    for name in dict.fromkeys([html_label(raw) or "utf-8", "utf-8"]):
        try:
            return Decoded(decode_as(raw, name), name)
        except UnicodeDecodeError:
            continue
    return Decoded(decode_as(raw, FALLBACK), FALLBACK)
