"""Hostile input never crashes, hangs or leaks: bounded work, readers, workers (issue 11)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from claimlint import Linter
from claimlint.document import Run, Segment
from claimlint.extract import load_documents
from claimlint.extract.bounds import MAX_SEGMENT, bound_segments
from claimlint.nlp import MAX_SENTENCE_TOKENS

CLAIM = "Our revolutionary exosome therapy is clinically proven and has no side effects"


def _exact(linter: Linter, path: Path) -> int:
    """Lint a file, assert every span is exact, return the number of findings."""
    outcome = linter.lint_file(str(path))
    assert not outcome.errors, outcome.errors
    text = path.read_text(encoding="utf-8")
    for f in outcome.findings:
        assert text[f.start : f.end] == f.match
    return len(outcome.findings)


@pytest.mark.parametrize("run", ["[", "*", "'", "_"])
def test_a_run_of_punctuation_is_cut_before_the_tokenizer(
        linter: Linter, tmp_path: Path, run: str) -> None:
    # 20 KB of "[" took the tokenizer over a minute.
    page = tmp_path / "page.md"
    page.write_text(f"{CLAIM}. {run * 20_000} {CLAIM}.\n", encoding="utf-8")
    started = time.process_time()
    assert _exact(linter, page) >= 2  # the claims on both sides are still found
    assert time.process_time() - started < 10


def test_a_paragraph_without_a_full_stop_is_split_into_bounded_sentences(
        linter: Linter, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<p>" + f"{CLAIM} and " * 800 + "</p>", encoding="utf-8")
    started = time.process_time()
    _exact(linter, page)
    assert time.process_time() - started < 20
    segments = load_documents(page)[0].segments
    assert all(len(s.text) <= MAX_SEGMENT for s in segments) and len(segments) > 1
    for doc in linter.nlp.pipe([s.text for s in segments]):
        assert max(len(sent) for sent in doc.sents) <= MAX_SENTENCE_TOKENS


def test_bounded_segments_keep_exact_offsets() -> None:
    source = "x" * 7 + "Safe &amp; sound " + "[" * 100 + " miracle " + "word " * 6000
    text = "Safe & sound " + "[" * 100 + " miracle " + "word " * 6000
    runs = (Run(0, 5, 7, 5), Run(5, 1, 12, 5), Run(6, len(text) - 6, 17, len(text) - 6))
    pieces = bound_segments([Segment(text, "paragraph", runs)])
    assert len(pieces) >= 3 and all("[" not in p.text for p in pieces)
    for piece in pieces:
        for word in ("Safe", "miracle", "word"):
            at = piece.text.find(word)
            if at >= 0:
                start, end = piece.source_span(at, at + len(word))
                assert source[start:end] == word


def _docx(document_xml: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", document_xml)
    return buf.getvalue()


def test_a_docx_whose_xml_part_unpacks_past_the_limit_is_refused(
        linter: Linter, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(_docx(b"<w:document>" + b" " * (40 << 20) + b"</w:document>"))
    outcome = linter.lint_file(str(bomb))
    assert "word/document.xml unpacks to 40 MiB, over the 32 MiB limit" in \
        outcome.errors[0].message


def test_an_unforeseen_reader_failure_goes_to_errors_and_the_run_goes_on(
        linter: Linter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import claimlint.extract.html as html

    def broken(text: str) -> tuple[Segment, ...]:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(html, "extract_html", broken)
    (tmp_path / "a.html").write_text("<p>miracle</p>", encoding="utf-8")
    (tmp_path / "b.md").write_text(f"{CLAIM}.\n", encoding="utf-8")
    result = linter.lint_paths([tmp_path])
    assert [e.message for e in result.errors] == [
        f"{tmp_path / 'a.html'}: cannot read: RecursionError: maximum recursion depth exceeded"
        " (a claimlint bug; please report it)"]
    assert {f.path for f in result.findings} == {str(tmp_path / "b.md")}


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_killing_a_run_leaves_no_worker_behind(tmp_path: Path, sig: int) -> None:
    for i in range(6):
        (tmp_path / f"p{i}.txt").write_text(f"{CLAIM}. " * 1500, encoding="utf-8")
    run = subprocess.Popen([sys.executable, "-m", "claimlint", "check", "-j", "2", "-q", "."],
                           cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
    deadline = time.monotonic() + 30
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.2)
        workers = _children(run.pid)
    assert len(workers) == 2, "the run finished before it could be killed"
    run.send_signal(sig)
    _, err = run.communicate(timeout=30)
    assert "Traceback" not in err
    deadline = time.monotonic() + 5
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and \
                    int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    if state == "Z":
        return False
    return os.path.exists(f"/proc/{pid}")
