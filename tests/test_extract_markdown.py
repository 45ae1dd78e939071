"""Tests for the Markdown extractor: scopes, skipped markup and exact source offsets."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from claimlint.document import Segment
from claimlint.extract.markdown import extract_markdown


def source_of(source: str, segment: Segment, phrase: str) -> str:
    """Return the source text a phrase of the segment text came from."""
    start = segment.text.index(phrase)
    s, e = segment.source_span(start, start + len(phrase))
    return source[s:e]


def by_scope(source: str) -> list[tuple[str, str]]:
    return [(s.scope, s.text) for s in extract_markdown(source)]


def assert_well_formed(source: str, segments: tuple[Segment, ...]) -> None:
    """Check the offset-map invariants every extractor must keep."""
    previous_end = 0
    for seg in segments:
        assert seg.text and seg.text == seg.text.strip()
        assert "\r" not in seg.text
        assert seg.runs
        covered = 0
        src_end = -1
        for run in seg.runs:
            assert run.seg_start >= covered, "runs overlap or are unsorted"
            gap = seg.text[covered : run.seg_start]
            assert gap in ("", " ", "\n"), f"uncovered text {gap!r}"
            assert run.src_start >= src_end, "source ranges go backwards"
            piece = seg.text[run.seg_start : run.seg_start + run.seg_len]
            original = source[run.src_start : run.src_start + run.src_len]
            if run.seg_len == run.src_len:
                assert piece == original
            else:
                assert original[:1] in ("&", "\\"), original
            covered = run.seg_start + run.seg_len
            src_end = run.src_start + run.src_len
        assert covered == len(seg.text)
        assert src_end <= len(source)
        assert seg.runs[0].src_start >= previous_end, "segments out of source order"
        previous_end = seg.runs[0].src_start


def test_scopes_of_common_blocks() -> None:
    source = (
        "# A heading\n\n"
        "A paragraph.\n\n"
        "- a list item\n"
        "1. an ordered item\n\n"
        "> a quoted line\n\n"
        "| Col A | Col B |\n|---|---|\n| cell one | cell two |\n"
    )
    assert by_scope(source) == [
        ("heading", "A heading"),
        ("paragraph", "A paragraph."),
        ("list", "a list item"),
        ("list", "an ordered item"),
        ("quote", "a quoted line"),
        ("table", "Col A"),
        ("table", "Col B"),
        ("table", "cell one"),
        ("table", "cell two"),
    ]


def test_setext_heading_and_heading_closing_hashes() -> None:
    assert by_scope("Big claim\n=========\n\n## Small claim ##\n") == [
        ("heading", "Big claim"),
        ("heading", "Small claim"),
    ]


def test_innermost_container_wins() -> None:
    source = "> - listed in a quote\n\n- item\n\n  > quoted in a list\n"
    assert by_scope(source) == [
        ("list", "listed in a quote"),
        ("list", "item"),
        ("quote", "quoted in a list"),
    ]


def test_code_html_and_comments_are_skipped() -> None:
    source = (
        "```\nfenced cures all\n```\n\n"
        "    indented cures all\n\n"
        "<!-- comment cures all -->\n\n"
        "<div>\nhtml block cures all\n</div>\n\n"
        "Use `cures all` <b>safely</b> now.\n"
    )
    assert by_scope(source) == [("paragraph", "Use safely now.")]


def test_inline_code_does_not_glue_words() -> None:
    (seg,) = extract_markdown("run`x`fast\n")
    assert seg.text == "run fast"
    assert source_of("run`x`fast\n", seg, "run fast") == "run`x`fast"


def test_link_text_kept_and_url_skipped() -> None:
    source = 'See [our *proven* results](https://cure.example/proven "proven title") proven.\n'
    (seg,) = extract_markdown(source)
    assert seg.text == "See our proven results proven."
    assert "https" not in seg.text
    assert source_of(source, seg, "results") == "results"
    tail = seg.text.rindex("proven")
    assert seg.source_span(tail, tail + 6) == (source.rindex("proven"), source.rindex("proven") + 6)


def test_url_text_cannot_be_matched_as_the_next_word() -> None:
    source = '[go](https://x.test/now "now (now") now\n'
    (seg,) = extract_markdown(source)
    assert seg.text == "go now"
    start = seg.text.index("now")
    assert seg.source_span(start, start + 3) == (source.rindex("now"), len(source) - 1)


def test_reference_links_skip_their_label() -> None:
    source = "[cure][miracle cure] miracle cure\n\n[miracle cure]: https://x.test\n"
    (seg,) = extract_markdown(source)
    assert seg.text == "cure miracle cure"
    start = seg.text.index("miracle")
    assert seg.source_span(start, len(seg.text))[0] == source.index(" miracle cure\n") + 1


def test_autolink_url_is_skipped() -> None:
    assert by_scope("Visit <https://cure.example> today.\n") == [("paragraph", "Visit today.")]


def test_image_alt_is_its_own_segment() -> None:
    source = 'Before ![a *miracle* pill](pill.png "title") after.\n'
    segments = extract_markdown(source)
    assert [(s.scope, s.text) for s in segments] == [
        ("paragraph", "Before after."),
        ("alt", "a miracle pill"),
    ]
    alt = segments[1]
    assert source_of(source, alt, "miracle pill") == "miracle* pill"
    assert "png" not in segments[0].text


def test_emphasis_keeps_exact_source_span() -> None:
    source = "A **revolutionary** therapy.\n"
    (seg,) = extract_markdown(source)
    assert seg.text == "A revolutionary therapy."
    assert source_of(source, seg, "revolutionary therapy") == "revolutionary** therapy"
    assert source_of(source, seg, "revolutionary") == "revolutionary"


def test_entities_and_escapes_are_atomic() -> None:
    source = "Safe &amp; effective \\*guaranteed\\* &copy; 2024\n"
    (seg,) = extract_markdown(source)
    assert seg.text == "Safe & effective *guaranteed* © 2024"
    assert source_of(source, seg, "&") == "&amp;"
    assert source_of(source, seg, "*guaranteed*") == "\\*guaranteed\\*"
    assert source_of(source, seg, "© 2024") == "&copy; 2024"


def test_escaped_pipe_in_table_cell() -> None:
    source = "| a \\| b |\n|---|\n| c |\n"
    segments = extract_markdown(source)
    assert segments[0].text == "a | b"
    assert source_of(source, segments[0], "a | b") == "a \\| b"


def test_soft_and_hard_breaks_flow_as_one_paragraph() -> None:
    source = "Clinically\nproven  \nto work\\\nfast.\n"
    (seg,) = extract_markdown(source)
    assert seg.text == "Clinically proven to work fast."
    assert source_of(source, seg, "Clinically proven") == "Clinically\nproven"


def test_crlf_offsets_are_not_normalised() -> None:
    source = "# Title\r\n\r\nFirst line\r\nsecond **line**.\r\n\r\n- item\r\n"
    segments = extract_markdown(source)
    assert [(s.scope, s.text) for s in segments] == [
        ("heading", "Title"),
        ("paragraph", "First line second line."),
        ("list", "item"),
    ]
    para = segments[1]
    assert source_of(source, para, "line second") == "line\r\nsecond"
    assert source_of(source, para, "line.") == "line**."
    assert_well_formed(source, segments)


def test_front_matter_title_and_description() -> None:
    source = (
        "---\r\n"
        "title: The best clinic\r\n"
        'description: "Cures everything"\r\n'
        "tags: [a, b]\r\n"
        "---\r\n"
        "Body text.\r\n"
    )
    segments = extract_markdown(source)
    assert [(s.scope, s.text) for s in segments] == [
        ("title", "The best clinic"),
        ("description", "Cures everything"),
        ("paragraph", "Body text."),
    ]
    for seg in segments:
        s, e = seg.source_span(0, len(seg.text))
        assert source[s:e] == seg.text


def test_front_matter_values_that_cannot_be_mapped_are_skipped() -> None:
    source = "---\ntitle: 'it''s best'\ndescription: >\n  folded\n  text\n---\nBody.\n"
    assert by_scope(source) == [("paragraph", "Body.")]


def test_malformed_front_matter_is_ignored() -> None:
    source = "---\ntitle: [unclosed\n---\nBody.\n"
    assert by_scope(source) == [("paragraph", "Body.")]


def test_front_matter_keys_are_not_linted_as_text() -> None:
    assert by_scope("---\nauthor: Quack Doctor\n...\n# Hi\n") == [("heading", "Hi")]


def test_non_ascii_text() -> None:
    source = "# Thérapie révolutionnaire\n\nUne cure **miracle** — 100 % naturelle 🌿.\n"
    segments = extract_markdown(source)
    assert segments[0].text == "Thérapie révolutionnaire"
    assert segments[1].text == "Une cure miracle — 100 % naturelle 🌿."
    assert source_of(source, segments[1], "miracle — 100") == "miracle** — 100"


def test_reference_definitions_and_empty_blocks_are_skipped() -> None:
    assert by_scope("[x]: https://x.test\n\n   \n\n<!-- -->\n") == []


markdownish = st.lists(
    st.sampled_from(
        [*"ab cé\n\r\t*_`[]()<>!#>-+|\\&;:.1\"'=~", "&amp;", "\r\n", "---\n", "](", "🌿"]
    ),
    max_size=150,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(markdownish)
def test_property_markdown_never_raises_and_maps_exactly(source: str) -> None:
    assert_well_formed(source, extract_markdown(source))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_property_markdown_arbitrary_unicode(source: str) -> None:
    assert_well_formed(source, extract_markdown(source))


WRAPPERS = [
    "{w}",
    "*{w}*",
    "**[{w}](url{n})**",
    "[{w}](https://x.test/url{n} 'a)url{n}')",
    "[{w} `url{n}`](<url{n}>)",
    "``url{n} ` url{n}``",
    "<https://x.test/url{n}>",
    '<a title="url{n}">{w}</a>',
    "![{w}](url{n}.png)",
    "&amp;{w}",
    "\\*{w}",
    "{w}<!-- url{n} -->",
]
BLOCK_PREFIXES = ["", "# ", "> ", "- ", "1. ", "| ", "> - ", "- > "]
SEPARATORS = [" ", "\n", " \r\n", "\r\n\r\n", "  \n", "\\\n", " | "]
blocks = st.lists(
    st.tuples(
        st.sampled_from(BLOCK_PREFIXES),
        st.lists(st.tuples(st.sampled_from(WRAPPERS), st.sampled_from(SEPARATORS)), max_size=8),
    ),
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(blocks)
def test_property_unique_words_map_to_their_own_source(
    parts: list[tuple[str, list[tuple[str, str]]]],
) -> None:
    chunks, expected = ["Start\n\n"], {"Start"}
    for prefix, inline in parts:
        chunks.append(prefix)
        for wrapper, sep in inline:
            n = len(expected)
            chunks.append(wrapper.format(w=f"word{n}x", n=n) + sep)
            expected.add(f"word{n}x" if "{w}" in wrapper else f"none{n}")
        chunks.append("\n\n")
    source = "".join(chunks)
    segments = extract_markdown(source)
    assert_well_formed(source, segments)
    found = set()
    for seg in segments:
        assert "url" not in seg.text
        for word in re.findall(r"Start|word\d+x", seg.text):
            start = seg.text.index(word)
            s, e = seg.source_span(start, start + len(word))
            assert (s, e) == (source.index(word), source.index(word) + len(word))
            found.add(word)
    assert found == {w for w in expected if not w.startswith("none")}
