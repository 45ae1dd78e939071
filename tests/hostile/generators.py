"""Seeded generators of hostile inputs for every format; each is bounded in size."""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

CLAIMS = (
    "Our revolutionary exosome therapy is clinically proven to regrow hair.",
    "PRP is 100% safe with no side effects and no downtime.",
    "92% of patients saw results in just 3 weeks, guaranteed.",
    "Stem cells cure arthritis and reverse hair loss, unlike surgery.",
    "Book now: 50% off, only 5 spots left! FDA-approved and all-natural.",
    "Studies show our painless treatment is the best in town.",
    "Exosomes are not FDA approved; results vary, consult your doctor.",
    "Caf\u00e9 \u201cmiracle\u201d serum \u2014 r\u00e9sultats garantis, na\u00efve 5\u2009% off.",
)
LABELS = ("utf-8", "iso-8859-1", "latin1", "windows-1252", "undefined", "punycode",
          "utf-16", "cp037", "x-user-defined", "replacement", "koi8-r", "shift_jis", "bogus")


@dataclass(frozen=True, slots=True)
class Case:
    """One generated input: a file name (its suffix picks the reader) and its bytes."""

    name: str
    data: bytes
    fixable: bool  # a plain file whose fixes claimlint may write


def prose(rng: random.Random, sentences: int) -> str:
    """Return claim-dense copy, sometimes with typographic characters."""
    return " ".join(rng.choice(CLAIMS) for _ in range(sentences))


def _ends(rng: random.Random, text: str) -> str:
    return text.replace("\n", rng.choice(("\n", "\r\n", "\r")))


def _md(rng: random.Random, size: int) -> str:
    blocks = [f"# {rng.choice(CLAIMS)}", prose(rng, 3), f"- {rng.choice(CLAIMS)}",
              f"> {rng.choice(CLAIMS)}", f"| a | b |\n|---|---|\n| {rng.choice(CLAIMS)} | x |",
              f"[{rng.choice(CLAIMS)}](https://example.com/a)", "```\nrevolutionary\n```"]
    front = "---\ntitle: " + rng.choice(CLAIMS).replace(":", "") + "\n---\n\n"
    body = "\n\n".join(rng.choice(blocks) for _ in range(max(1, size // 80)))
    return _ends(rng, (front if rng.random() < 0.3 else "") + body + "\n")


def _html(rng: random.Random, size: int, label: str | None = None) -> str:
    meta = f'<meta charset="{label}">' if label else ""
    parts = [f"<p>{prose(rng, 2)}</p>", f"<h2>{rng.choice(CLAIMS)}</h2>",
             f"<ul><li>{rng.choice(CLAIMS)}</li></ul>", "<script>var a='miracle';</script>",
             f'<img alt="{rng.choice(CLAIMS)}">', "<!-- revolutionary -->",
             f"<p>{rng.choice(CLAIMS)} &amp; more&nbsp;<b>bold</b></p>"]
    body = "".join(rng.choice(parts) for _ in range(max(1, size // 80)))
    return _ends(rng, f"<!doctype html><html><head>{meta}<title>{rng.choice(CLAIMS)}</title>"
                 f"</head><body>\n{body}\n</body></html>\n")


def _wxr(rng: random.Random, size: int, prolog: str = "") -> str:
    items = "".join(
        f"<item><title>{rng.choice(CLAIMS).replace('&', '&amp;')}</title>"
        f"<content:encoded><![CDATA[<p>{prose(rng, 2)}</p>]]></content:encoded>"
        f"<wp:post_id>{i}</wp:post_id><wp:post_name>p{i}</wp:post_name>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>"
        for i in range(max(1, size // 200)))
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
            f"{items}</channel></rss>\n")


def _docx(paragraphs: list[str], declared: int | None = None, xml: str | None = None) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    document = xml or (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", document)
    data = buf.getvalue()
    if declared is not None:  # lie about the unpacked size in the central directory
        at = data.rfind(b"PK\x01\x02")
        data = data[: at + 24] + declared.to_bytes(4, "little") + data[at + 28 :]
    return data


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>')
_BOMB = ('<!DOCTYPE r [<!ENTITY a "revolutionary"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
         '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')
_EXTERNAL = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


def _bytes(rng: random.Random, size: int) -> bytes:
    return bytes(rng.randrange(256) for _ in range(size))


def _mutate(rng: random.Random, data: bytes) -> bytes:
    """Flip, insert or delete a few bytes: invalid UTF-8, NULs, cut tags."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(len(out) + 1)
        op = rng.random()
        if op < 0.4:
            out[at:at] = bytes([rng.choice((0, 0x92, 0xFF, 0xC3, 0x81, 0x3C, 0x26, 0x0D))])
        elif op < 0.7 and at < len(out):
            out[at] = rng.randrange(256)
        else:
            del out[at : at + rng.randint(1, 20)]
    return bytes(out)


Generator = Callable[[random.Random, int], Case]


def _with_bom(rng: random.Random, text: str) -> bytes:
    """UTF-8 mostly; sometimes with a UTF-8, UTF-16 LE or UTF-16 BE byte order mark."""
    kind = rng.random()
    if kind < 0.15:
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if kind < 0.25:
        return b"\xff\xfe" + text.encode("utf-16-le")
    if kind < 0.3:
        return b"\xfe\xff" + text.encode("utf-16-be")
    return text.encode("utf-8")


def _g_text(rng: random.Random, size: int) -> Case:
    text = _ends(rng, "\n\n".join(prose(rng, rng.randint(1, 4)) for _ in range(size // 200 + 1)))
    return Case("copy.txt", _with_bom(rng, text), True)


def _g_markdown(rng: random.Random, size: int) -> Case:
    return Case("page.md", _with_bom(rng, _md(rng, size)), True)


def _g_html(rng: random.Random, size: int) -> Case:
    label = rng.choice((None, *LABELS))
    text = _html(rng, size, label)
    encoding = rng.choice(("utf-8", "cp1252", "utf-8-sig", "utf-16", "latin-1"))
    return Case("page.html", text.encode(encoding, "replace"), True)


def _g_mutated(rng: random.Random, size: int) -> Case:
    base = rng.choice((_g_text, _g_markdown, _g_html))(rng, size)
    return Case(base.name, _mutate(rng, base.data), True)


def _g_punctuation(rng: random.Random, size: int) -> Case:
    run = rng.choice("[*'_`(<!-\"]#>|~") * rng.randint(size // 4, size)
    text = f"{rng.choice(CLAIMS)} {run} {rng.choice(CLAIMS)}"
    return Case(rng.choice(("p.md", "p.txt", "p.html")), text.encode("utf-8"), True)


def _g_long_sentence(rng: random.Random, size: int) -> Case:
    words = " ".join(rng.choice(CLAIMS).rstrip(".!") for _ in range(size // 60 + 1))
    html = rng.random() < 0.5
    text = f"<p>{words}</p>" if html else words
    return Case("long.html" if html else "long.md", text.encode("utf-8"), True)


def _g_nesting(rng: random.Random, size: int) -> Case:
    depth = rng.randint(size // 10, size // 2)
    kind = rng.randrange(4)
    if kind == 0:
        text = "<div>" * depth + rng.choice(CLAIMS) + "</div>" * depth
        return Case("deep.html", text.encode(), True)
    if kind == 1:
        text = "".join(f"<x{i}>" for i in range(depth)) + rng.choice(CLAIMS)
        return Case("tags.html", text.encode(), True)
    if kind == 2:
        text = "> " * depth + rng.choice(CLAIMS) + "\n" + "".join(
            "  " * i + "- a\n" for i in range(min(depth, 500)))
        return Case("deep.md", text.encode(), True)
    inner = "<a>" * depth + "</a>" * depth
    return Case("deep.xml", _wxr(rng, 400).replace("<channel>", f"<channel>{inner}").encode(),
                False)


def _g_wxr(rng: random.Random, size: int) -> Case:
    prolog = rng.choice(("", "", _BOMB, _EXTERNAL, '<!DOCTYPE rss SYSTEM "http://x/y.dtd">'))
    data = _wxr(rng, size, prolog).encode("utf-8")
    if rng.random() < 0.3:
        data = _mutate(rng, data)
    return Case("export.xml", data, False)


def _g_docx(rng: random.Random, size: int) -> Case:
    kind = rng.randrange(6)
    paragraphs = [prose(rng, 2) for _ in range(size // 200 + 1)]
    if kind == 0:
        return Case("doc.docx", _docx(paragraphs), False)
    if kind == 1:  # a bomb whose header says so
        return Case("bomb.docx", _docx(paragraphs, declared=300 << 20), False)
    if kind == 2:
        return Case("corrupt.docx", _mutate(rng, _docx(paragraphs)), False)
    if kind == 3:
        return Case("garbage.docx", _bytes(rng, size // 10 + 10), False)
    depth = rng.randint(100, max(101, size // 4))
    xml = ('<?xml version="1.0"?>' + (_BOMB if kind == 4 else "")
           + '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           + "<w:body>" + "<w:tbl><w:tr><w:tc>" * depth + "<w:p><w:r><w:t>&d;</w:t></w:r></w:p>"
           * (kind == 4) + "</w:tc></w:tr></w:tbl>" * depth + "</w:body></w:document>")
    return Case("nested.docx", _docx([], xml=xml), False)


def _g_binary(rng: random.Random, size: int) -> Case:
    data = _bytes(rng, size // 4 + 1)
    if rng.random() < 0.5:
        data = rng.choice(CLAIMS).encode("utf-16-le") + data  # UTF-16 without a BOM
    return Case(rng.choice(("b.txt", "b.md", "b.html")), data, False)


GENERATORS: tuple[Generator, ...] = (
    _g_text, _g_markdown, _g_html, _g_html, _g_mutated, _g_mutated, _g_punctuation,
    _g_long_sentence, _g_nesting, _g_wxr, _g_docx, _g_binary)


def cases(seed: int, count: int, size: int) -> Iterator[Case]:
    """Yield ``count`` cases from ``seed``; ``size`` bounds each (characters, roughly)."""
    rng = random.Random(seed)
    for i in range(count):
        case = GENERATORS[i % len(GENERATORS)](rng, rng.randint(size // 8, size))
        yield Case(f"{i:05d}-{case.name}", case.data, case.fixable)


def large_vocabulary(count: int, seed: int) -> list[str]:
    """Return ``count`` distinct made-up terms (1-3 words, some hyphenated or with an
    apostrophe, a few acronyms); the last one is always "zorbulax syndrome"."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    seen = {"zorbulax syndrome"}
    terms: list[str] = []
    while len(terms) < count - 1:
        words = ["".join(rng.choice(letters) for _ in range(rng.randint(4, 10)))
                 for _ in range(rng.randint(1, 3))]
        kind = rng.random()
        if kind < 0.05 and len(words) > 1:
            term = f"{words[0]}-{' '.join(words[1:])}"
        elif kind < 0.08:
            term = f"{words[0]}'s {' '.join(words[1:])}".strip()
        elif kind < 0.1:
            term = words[0][:4].upper()
        else:
            term = " ".join(words)
        if term not in seen:
            seen.add(term)
            terms.append(term)
    return [*terms, "zorbulax syndrome"]


def vocabulary_pack(terms: list[str]) -> str:
    """Return a rule file whose vocabulary ``big`` is used in ``terms:`` and in regexes."""
    listed = "".join(f"    - {json.dumps(term)}\n" for term in terms)  # JSON is YAML
    return f"""\
vocabulary:
  big:
{listed}rules:
  - id: disease-claim.listed
    category: disease-claim
    severity: warning
    message: "'{{match}}' names a listed condition."
    rationale: A pack with a very large vocabulary (issue 11).
    references: [{{title: Issue 11, url: "https://example.org/11"}}]
    match:
      terms: ['@big']
    examples:
      flag: ["Zorbulax syndrome is common."]
      pass: ["Nothing to see here."]
  - id: efficacy-claim.treats-listed
    category: efficacy-claim
    severity: warning
    message: "'{{match}}' claims to treat a listed condition."
    rationale: A pack with a very large vocabulary (issue 11).
    references: [{{title: Issue 11, url: "https://example.org/11"}}]
    match:
      regex: ['\\btreats?\\s+{{@big}}', '\\b(?:cures?|reverses?)\\s+(?:your\\s+)?{{@big}}']
    examples:
      flag: ["Our serum treats zorbulax syndrome."]
      pass: ["Our serum is a serum."]
"""
