"""Tests for the Word extractor: paragraph order, scopes, offsets, comments left out."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from claimlint.document import Document
from claimlint.extract import ExtractError
from claimlint.extract.docx import extract_docx

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def build(tmp_path: Path) -> bytes:
    doc = docx.Document()
    doc.add_heading("Brighter smiles", level=0)
    doc.add_heading("Whitening", level=1)
    first = doc.add_paragraph("Our whitening is guaranteed to work.")
    doc.add_paragraph("")
    doc.add_paragraph("No pain at all", style="List Bullet")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Treatment"
    table.cell(0, 1).text = "Result"
    table.cell(1, 0).text = "Laser"
    table.cell(1, 1).text = "Permanent\nresults"
    para = doc.add_paragraph("Call ")
    para.add_run("today").add_break()
    para.add_run("to book.")
    doc.add_paragraph("Customer stories", style="Quote")
    doc.add_comment(first.runs, text="SECRET reviewer note: cure claim?", author="QA")
    out = tmp_path / "page.docx"
    doc.save(str(out))
    return out.read_bytes()


@pytest.fixture
def page(tmp_path: Path) -> Document:
    return extract_docx(build(tmp_path), "page.docx")


def test_text_is_one_paragraph_per_line(page: Document) -> None:
    assert page.text.split("\n") == [
        "Brighter smiles", "Whitening", "Our whitening is guaranteed to work.", "",
        "No pain at all", "Treatment", "Result", "Laser", "Permanent results",
        "Call today to book.", "Customer stories",
    ]
    assert page.path == "page.docx" and page.format == "docx"


def test_scopes(page: Document) -> None:
    assert [(s.scope, s.text) for s in page.segments] == [
        ("title", "Brighter smiles"),
        ("heading", "Whitening"),
        ("paragraph", "Our whitening is guaranteed to work."),
        ("list", "No pain at all"),
        ("table", "Treatment"),
        ("table", "Result"),
        ("table", "Laser"),
        ("table", "Permanent results"),
        ("paragraph", "Call today to book."),
        ("quote", "Customer stories"),
    ]


def test_offsets_and_paragraph_numbers(page: Document) -> None:
    for seg in page.segments:
        start, end = seg.source_span(0, len(seg.text))
        assert page.text[start:end] == seg.text
    seg = page.segments[2]
    at = seg.text.index("guaranteed")
    s, e = seg.source_span(at, at + len("guaranteed"))
    assert page.text[s:e] == "guaranteed"
    assert page.line_col(s) == (3, 18)
    assert page.line_col(page.segments[-1].source_start(0)) == (11, 1)


def test_comments_never_leak(tmp_path: Path, page: Document) -> None:
    with zipfile.ZipFile(io.BytesIO(build(tmp_path))) as package:
        assert "SECRET reviewer note" in package.read("word/comments.xml").decode()
    assert "SECRET" not in page.text


def test_tracked_changes_text_boxes_and_content_controls(tmp_path: Path) -> None:
    doc = docx.Document()
    p = doc.add_paragraph("Results ")
    p._p.append(parse_xml(f'<w:ins {W} w:id="1" w:author="A"><w:r><w:t>may </w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:del {W} w:id="2" w:author="A"><w:r><w:delText>always </w:delText>'
                          "</w:r></w:del>"))
    p.add_run("vary.")
    doc.element.body.insert(0, parse_xml(
        f"<w:sdt {W}><w:sdtContent><w:p><w:r><w:t>In a control.</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"))
    p2 = doc.add_paragraph("Outer.")
    p2.runs[0]._r.append(parse_xml(
        f"<w:pict {W} xmlns:v=\"urn:schemas-microsoft-com:vml\"><v:shape><v:textbox>"
        "<w:txbxContent><w:p><w:r><w:t>Box text</w:t></w:r></w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict>"))
    out = tmp_path / "t.docx"
    doc.save(str(out))
    assert extract_docx(out.read_bytes(), "t.docx").text == (
        "In a control.\nResults may vary.\nOuter.")


def test_custom_style_based_on_heading(tmp_path: Path) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    doc = docx.Document()
    style = doc.styles.add_style("Promo Head", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Heading 2"]
    doc.add_paragraph("Big news", style="Promo Head")
    out = tmp_path / "s.docx"
    doc.save(str(out))
    assert [s.scope for s in extract_docx(out.read_bytes(), "s.docx").segments] == ["heading"]


def test_empty_document(tmp_path: Path) -> None:
    out = tmp_path / "e.docx"
    docx.Document().save(str(out))
    doc = extract_docx(out.read_bytes(), "e.docx")
    assert doc.segments == ()


def zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in files.items():
            package.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "not a ZIP package"),
    (b"PK\x03\x04 truncated", "not a ZIP package"),
    (b"%PDF-1.7 not a word file", "not a ZIP package"),
    (zip_of({"hello.txt": "hi"}), "not an Office document"),
    (zip_of({"[Content_Types].xml": "<Types/>"}), "cannot read as a Word .docx file"),
])
def test_corrupt_files(data: bytes, reason: str) -> None:
    with pytest.raises(ExtractError, match=rf"^bad\.docx: .*{reason}"):
        extract_docx(data, "bad.docx")


def test_broken_document_xml(tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(build(tmp_path))) as package:
        files = {n: package.read(n).decode("utf-8", "replace") for n in package.namelist()}
    files["word/document.xml"] = files["word/document.xml"][:500]
    with pytest.raises(ExtractError, match=r"^bad\.docx: cannot read as a Word \.docx file"):
        extract_docx(zip_of(files), "bad.docx")


def test_another_office_type_is_refused(tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(build(tmp_path))) as package:
        files = {n: package.read(n).decode("utf-8", "replace") for n in package.namelist()}
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        "wordprocessingml.document.main", "spreadsheetml.sheet.main")
    with pytest.raises(ExtractError, match=r"^x\.docx: cannot read .*: the file is not a Word"):
        extract_docx(zip_of(files), "x.docx")


def test_zip_bomb_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("claimlint.extract.docx._MAX_UNPACKED", 1000)
    with pytest.raises(ExtractError, match=r"^big\.docx: refused: .* over the 0 MiB limit"):
        extract_docx(build(tmp_path), "big.docx")
