"""Tests for the plain-text extractor: block splitting, scopes and exact source offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimlint.document import Segment
from claimlint.extract.text import extract_text


def scopes(source: str) -> list[tuple[str, str]]:
    return [(s.scope, s.text) for s in extract_text(source)]


def source_of(source: str, segment: Segment, phrase: str) -> str:
    start = segment.text.index(phrase)
    s, e = segment.source_span(start, start + len(phrase))
    return source[s:e]


def test_blank_lines_separate_blocks() -> None:
    source = "First paragraph goes here.\n   \t\nSecond paragraph goes here.\n"
    assert scopes(source) == [
        ("paragraph", "First paragraph goes here."),
        ("paragraph", "Second paragraph goes here."),
    ]


def test_prose_lines_join_into_one_paragraph() -> None:
    source = "Our clinic offers the most\nadvanced care in town.\n"
    (seg,) = extract_text(source)
    assert (seg.scope, seg.text) == (
        "paragraph",
        "Our clinic offers the most\nadvanced care in town.",
    )
    assert source_of(source, seg, "most\nadvanced") == "most\nadvanced"


def test_heading_like_line_before_capitalised_line() -> None:
    source = "Why choose us\nWe guarantee results.\nEvery time.\n"
    assert scopes(source) == [
        ("heading", "Why choose us"),
        ("paragraph", "We guarantee results."),
        ("paragraph", "Every time."),
    ]


def test_one_paragraph_per_line_copy_keeps_its_paragraphs() -> None:
    # Web copy pasted into a file: no blank lines, each line a paragraph. A line that
    # ends a sentence and a line that starts one are two paragraphs; hard-wrapped
    # lines and a sentence running on in lower case stay joined.
    source = ("Our serum works (Lee et al., 2021, doi:10.1000/xyz).\n"
              "“Nine in ten clients loved it,” says Ana.\n"
              "Sessions run\nfor an hour. then we rest.\n")
    assert scopes(source) == [
        ("paragraph", "Our serum works (Lee et al., 2021, doi:10.1000/xyz)."),
        ("paragraph", "“Nine in ten clients loved it,” says Ana."),
        ("paragraph", "Sessions run\nfor an hour. then we rest."),
    ]


def test_a_page_title_with_pipes_is_a_heading_at_any_length() -> None:
    source = ("Harbor Lane Med Spa | Laser Resurfacing, Microneedling & Facials in Port Calder\n"
              "Turn back the clock this spring.\n")
    assert scopes(source) == [
        ("heading", "Harbor Lane Med Spa | Laser Resurfacing, Microneedling & Facials in Port Calder"),
        ("paragraph", "Turn back the clock this spring."),
    ]


def test_short_line_before_lowercase_line_is_prose() -> None:
    source = "Results that last\nfor years.\n"
    assert scopes(source) == [("paragraph", "Results that last\nfor years.")]


@pytest.mark.parametrize(
    "line", ["Benefits include:", "Ends with a comma,", 'Quoted "x"', "Really?"]
)
def test_final_punctuation_prevents_heading(line: str) -> None:
    assert scopes(f"{line}\nNext line.\n")[0][0] == "paragraph"


def test_more_than_ten_words_is_not_a_heading() -> None:
    line = "one two three four five six seven eight nine ten eleven"
    assert scopes(f"{line}\nNext line.\n") == [("paragraph", f"{line}\nNext line.")]
    assert scopes(line) == [("paragraph", line)]


def test_single_short_line_block_is_heading() -> None:
    assert scopes("Our Services\n\nWe treat everyone.") == [
        ("heading", "Our Services"),
        ("paragraph", "We treat everyone."),
    ]


def test_long_single_line_is_paragraph() -> None:
    line = "This treatment " + "really " * 40 + "works"
    assert scopes(line) == [("paragraph", line)]


@pytest.mark.parametrize(
    "marker", ["•", "·", "‣", "◦", "▪", "\u2013", "\u2014", "*", "-", "+", "1.", "12)"]
)
def test_list_markers_are_removed(marker: str) -> None:
    source = f"Benefits\n  {marker}  Cures  everything\n"
    segments = extract_text(source)
    assert [(s.scope, s.text) for s in segments] == [
        ("heading", "Benefits"),
        ("list", "Cures  everything"),
    ]
    item = segments[1]
    assert item.source_span(0, len(item.text)) == (source.index("Cures"), len(source) - 1)


def test_marker_without_space_is_not_a_list() -> None:
    assert scopes("-5% fat today.\n*Not* a bullet.\n") == [
        ("paragraph", "-5% fat today.\n*Not* a bullet.")
    ]


def test_tab_rows_are_table_segments() -> None:
    source = "Treatment\tPrice\nBotox\t$200\n"
    assert scopes(source) == [("table", "Treatment\tPrice"), ("table", "Botox\t$200")]


def test_prose_between_items_is_split_around_them() -> None:
    source = "Intro text here.\nmore intro.\n- item one\nOutro text.\n"
    assert scopes(source) == [
        ("paragraph", "Intro text here.\nmore intro."),
        ("list", "item one"),
        ("paragraph", "Outro text."),
    ]


def test_crlf_offsets_count_both_characters() -> None:
    source = "Title Here\r\nFirst line is long,\r\nsecond line.\r\n\r\n• Item\r\n"
    segments = extract_text(source)
    assert [(s.scope, s.text) for s in segments] == [
        ("heading", "Title Here"),
        ("paragraph", "First line is long,\nsecond line."),
        ("list", "Item"),
    ]
    para = segments[1]
    assert source_of(source, para, "long,\nsecond") == "long,\r\nsecond"
    assert source_of(source, segments[2], "Item") == "Item"
    assert all("\r" not in s.text for s in segments)


def test_lone_carriage_return_is_a_line_break() -> None:
    assert scopes("One line.\rtwo line.") == [("paragraph", "One line.\ntwo line.")]


def test_non_ascii_text_and_offsets() -> None:
    source = "Élixir miraculeux\nTraitement 100 % naturel 🌿, garanti.\n"
    segments = extract_text(source)
    assert segments[0].text == "Élixir miraculeux"
    assert source_of(source, segments[1], "naturel 🌿") == "naturel 🌿"


def test_empty_and_whitespace_only_input() -> None:
    assert extract_text("") == ()
    assert extract_text(" \r\n\t\n  ") == ()


def assert_exact(source: str, segments: tuple[Segment, ...]) -> None:
    for seg in segments:
        assert seg.text and seg.text == seg.text.strip() and "\r" not in seg.text
        covered = 0
        for run in seg.runs:
            assert run.seg_len == run.src_len
            assert seg.text[covered : run.seg_start] in ("", "\n")
            piece = seg.text[run.seg_start : run.seg_start + run.seg_len]
            assert piece == source[run.src_start : run.src_start + run.src_len]
            covered = run.seg_start + run.seg_len
        assert covered == len(seg.text)


lines = st.lists(
    st.sampled_from(
        ["Word", "word", " ", "\t", ".", ",", "•", "-", "1.", "\r\n", "\n", "\r", "é", "🌿"]
    ),
    max_size=120,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(lines, st.text(max_size=300)))
def test_property_text_never_raises_and_maps_exactly(source: str) -> None:
    segments = extract_text(source)
    assert_exact(source, segments)
    starts = [s.runs[0].src_start for s in segments]
    assert starts == sorted(starts)
