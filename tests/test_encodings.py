"""Encodings as browsers read them (WHATWG), and CR, LF and CRLF as line ends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimlint import Linter, Options
from claimlint.cli import main
from claimlint.extract import ExtractError, SkipFile, decode_source
from claimlint.extract.encoding import decode_as, encode_as, html_label, lookup

BODY = "<title>Café miracle</title><p>A <b>revolutionary</b> serum, it’s no downtime.</p>"


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter(Options(packs=("core",), select=("hype", "safety-claim")))


def _matches(linter: Linter, page: Path, text: str) -> list[str]:
    result = linter.lint_paths([page])
    assert result.errors == ()
    assert all(text[f.start:f.end] == f.match for f in result.findings)
    return [f.match for f in result.findings]


@pytest.mark.parametrize("label,expected", [
    ("latin1", "windows-1252"), ("ISO-8859-1", "windows-1252"), ("ascii", "windows-1252"),
    ("us-ascii", "windows-1252"), ("utf8", "utf-8"), ("x-user-defined", "windows-1252"),
    ("utf-16", "utf-8"), ("UTF-16BE", "utf-8"), ("shift_jis", "shift_jis"),
    # Labels Python knows but browsers do not are ignored, never handed to Python.
    ("undefined", None), ("punycode", None), ("cp037", None), ("rot13", None),
    ("iso-2022-kr", None),  # WHATWG's "replacement": read as if unlabelled
])
def test_meta_labels_follow_the_whatwg_table(label: str, expected: str | None) -> None:
    assert html_label(f'<meta charset="{label}">'.encode()) == expected


@pytest.mark.parametrize("label", ["undefined", "punycode", "cp037", "utf-16"])
def test_a_page_with_an_unknown_or_utf16_label_is_linted(linter: Linter, tmp_path: Path,
                                                        label: str) -> None:
    text = f'<html><head><meta charset="{label}">{BODY}</head></html>'
    page = tmp_path / "p.html"
    page.write_bytes(text.encode("utf-8"))
    assert decode_source(page.read_bytes(), "p.html", "html").encoding == "utf-8"
    assert _matches(linter, page, text) == ["miracle", "revolutionary", "no downtime"]


@pytest.mark.parametrize("bom,codec,name", [
    (b"\xff\xfe", "utf-16-le", "utf-16le"), (b"\xfe\xff", "utf-16-be", "utf-16be"),
    (b"\xef\xbb\xbf", "utf-8", "utf-8"),
])
def test_a_bom_wins_and_utf16_pages_get_findings(linter: Linter, tmp_path: Path, bom: bytes,
                                                 codec: str, name: str) -> None:
    # The BOM comes first, even over a label that says otherwise.
    text = f'<html><head><meta charset="windows-1252">{BODY}</head></html>\r\n'
    page = tmp_path / "p.html"
    page.write_bytes(bom + text.encode(codec))
    decoded = decode_source(page.read_bytes(), "p.html", "html")
    assert (decoded.encoding, decoded.bom, decoded.text) == (name, bom, text)
    assert _matches(linter, page, text) == ["miracle", "revolutionary", "no downtime"]


def test_windows_1252_keeps_every_byte(linter: Linter, tmp_path: Path) -> None:
    """The five bytes cp1252 leaves undefined read as C1 controls, not as a UTF-8 fallback."""
    raw = (b'<meta charset="windows-1252"><p>Caf\xe9 \x81\x8d\x8f\x90\x9d \x93quoted\x94 '
           b"a revolutionary serum.</p>")
    page = tmp_path / "p.html"
    page.write_bytes(raw)
    decoded = decode_source(raw, "p.html", "html")
    assert decoded.encoding == "windows-1252"
    assert "Café \x81\x8d\x8f\x90\x9d “quoted”" in decoded.text
    assert decoded.encode(decoded.text) == raw
    # A dropped word's span takes the space after it (the fix leaves no double space).
    assert _matches(linter, page, decoded.text) == ["revolutionary "]


def test_windows_1252_round_trips_all_bytes() -> None:
    every = bytes(range(256))
    assert encode_as(decode_as(every, "windows-1252"), "windows-1252") == every
    with pytest.raises(UnicodeEncodeError):
        encode_as("\x80", "windows-1252")  # a C1 control that 0x80 (the euro) does not mean
    with pytest.raises(UnicodeEncodeError):
        encode_as("≈", "windows-1252")


def test_a_label_that_does_not_fit_falls_back_without_crashing(linter: Linter,
                                                                tmp_path: Path) -> None:
    raw = '<meta charset="utf-8"><p>It’s a revolutionary serum.</p>'.encode("cp1252")
    page = tmp_path / "p.html"
    page.write_bytes(raw)
    decoded = decode_source(raw, "p.html", "html")
    assert decoded.encoding == "windows-1252" and "It’s" in decoded.text
    assert _matches(linter, page, decoded.text) == ["revolutionary "]
    # An ISO-2022-JP label on bytes that cannot be ISO-2022-JP: UTF-8 is tried next.
    raw = '<meta charset="iso-2022-jp"><p>Café, a revolutionary serum.</p>'.encode()
    assert decode_source(raw, "p.html", "html").encoding == "utf-8"


def test_lookup_is_the_whatwg_table() -> None:
    assert lookup(" Latin1 ") == "windows-1252"
    assert lookup("mac") == "macintosh"
    assert lookup("utf-7") is None and lookup("undefined") is None


def test_text_and_markdown_are_utf8_unless_a_bom_says_otherwise() -> None:
    assert decode_source(b"\xef\xbb\xbfA serum.", "p.md", "markdown").bom == b"\xef\xbb\xbf"
    with pytest.raises(ExtractError, match=r"p\.md:2:3: not valid UTF-8 \(byte 0x92"):
        decode_source(b"ok\nit\x92s", "p.md", "markdown")
    with pytest.raises(ExtractError, match=r"p\.md:3:2: not valid UTF-8 \(byte 0x92"):
        decode_source(b"ok\rit\r\nX\x92s", "p.md", "markdown")  # CR, then CRLF
    # A BOM comes first, for every format (WHATWG): UTF-16 text is text, not binary.
    for bom, data, name in ((b"\xff\xfe", b"a\x00\r\x00b\x00", "utf-16le"),
                            (b"\xfe\xff", b"\x00a\x00\r\x00b", "utf-16be")):
        for fmt in ("text", "markdown"):
            decoded = decode_source(bom + data, "p.txt", fmt)
            assert (decoded.text, decoded.encoding, decoded.bom) == ("a\rb", name, bom)
    with pytest.raises(ExtractError, match=r"p\.md:2:1: not valid UTF-16LE"):
        decode_source(b"\xff\xfea\x00\r\x00\x00\xd8", "p.md", "markdown")  # lone surrogate
    with pytest.raises(SkipFile, match="binary"):
        decode_source(b"a\x00b\x00", "p.txt", "text")  # UTF-16 without a BOM


def test_broken_pages_never_stop_a_run(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    (tmp_path / "undefined.html").write_bytes(
        b'<meta charset="undefined"><p>A revolutionary serum.</p>')
    (tmp_path / "utf16-bad.html").write_bytes(b"\xff\xfe<\x00p\x00\x00\xd8")  # lone surrogate
    (tmp_path / "label.html").write_bytes(b'<meta charset="utf-8"><p>A miracle \x92 oil.</p>')
    code = main(["check", "--packs", "core", "--select", "hype", "--format", "json",
                 str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    assert '"match": "revolutionary "' in out and '"match": "miracle"' in out
    assert "utf16-bad.html:1:3: not valid UTF-16LE" in out


CR_MARKDOWN = ("---\rtitle: A revolutionary page\rslug: miracle-serum\r---\r\r"
               "# A revolutionary serum\r\r    code: a miracle\r\r"
               "Our miracle oil.\rIt is revolutionary.\r")


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"])
def test_cr_lf_and_crlf_are_all_line_ends_in_markdown(linter: Linter, newline: str) -> None:
    text = CR_MARKDOWN.replace("\r", newline)
    found = linter.lint_text(text, "p.md")
    # Front matter keeps its structure (only its title is copy), indented code is not linted.
    assert [(f.match, f.scope) for f in found] == [
        ("revolutionary ", "title"), ("revolutionary ", "heading"), ("miracle ", "paragraph"),
        ("revolutionary", "paragraph")]
    assert all(text[f.start:f.end] == f.match for f in found)


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"])
def test_cr_lf_and_crlf_are_all_line_ends_in_text(linter: Linter, newline: str) -> None:
    text = newline.join(["Revolutionary serum", "", "- A miracle oil.", "- Plain."])
    found = linter.lint_text(text, "p.txt")
    # A drop's span takes in what it tidies: the next word's capital, the article.
    assert [(f.match, f.scope) for f in found] == [
        ("Revolutionary serum", "heading"), ("A miracle ", "list")]
    assert all(text[f.start:f.end] == f.match for f in found)


def _json_findings(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, Any]]:
    code = main(["check", "--packs", "core", "--select", "hype", "--format", "json",
                 "--no-baseline", "--jobs", "1", *argv])
    out = capsys.readouterr().out
    assert code == 1
    found: list[dict[str, Any]] = json.loads(out)["findings"]
    return found


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
@pytest.mark.parametrize("name,text,expected", [
    # A dropped word's span takes the space after it, never a line end.
    ("p.md", CR_MARKDOWN, [("revolutionary ", 2, 10, 2, 24), ("revolutionary ", 6, 5, 6, 19),
                           ("miracle ", 10, 5, 10, 13), ("revolutionary", 11, 7, 11, 20)]),
    ("p.txt", "Plain words\r\rOur miracle oil\rfor you.\r\r- A revolutionary serum.\r",
     [("miracle ", 3, 5, 3, 13), ("revolutionary ", 6, 5, 6, 19)]),
    ("p.html", "<html>\r<body>\r<p>Our\rmiracle oil.</p>\r\r<p>A revolutionary\rserum.</p>\r",
     [("miracle ", 4, 1, 4, 9), ("revolutionary", 6, 6, 6, 19)]),
])
def test_findings_report_lines_for_cr_lf_and_crlf_files(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, newline: str, name: str, text: str,
        expected: list[tuple[str, int, int, int, int]]) -> None:
    text = text.replace("\r", newline)
    page = tmp_path / name
    page.write_bytes(text.encode("utf-8"))
    found = _json_findings(capsys, str(page))
    assert [(f["match"], f["line"], f["column"], f["end_line"], f["end_column"])
            for f in found] == expected
    assert all(text[f["start"]:f["end"]] == f["match"] for f in found)


def test_plain_text_approvals_work_with_cr_only_line_ends(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_bytes(b"A plain line.\r# claimlint-disable-next-line hype -- approved by legal\r"
                     b"A revolutionary serum.\rAnother revolutionary serum.\r")
    found = _json_findings(capsys, str(page))
    assert [(f["match"], f["line"]) for f in found] == [("revolutionary ", 4)]
