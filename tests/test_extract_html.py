"""Tests for the HTML extractor: scopes, skipped markup, entities and exact source offsets."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimlint.document import Segment
from claimlint.extract.html import extract_html


def by_scope(source: str) -> list[tuple[str, str]]:
    return [(s.scope, s.text) for s in extract_html(source)]


def texts(source: str) -> list[str]:
    return [s.text for s in extract_html(source)]


def source_of(source: str, segment: Segment, phrase: str) -> str:
    """Return the source text a phrase of the segment text came from."""
    start = segment.text.index(phrase)
    s, e = segment.source_span(start, start + len(phrase))
    return source[s:e]


def decoded(raw: str) -> str:
    """What an atomic run's text must be: the reference decoded, whitespace as one space."""
    text = html.unescape(raw)
    return " " if text.isspace() else text


def assert_well_formed(source: str, segments: tuple[Segment, ...]) -> None:
    """Check the offset-map invariants every extractor must keep."""
    previous = -1
    for seg in segments:
        assert seg.text and seg.text == seg.text.strip()
        assert "\r" not in seg.text and "\n" not in seg.text
        assert seg.runs
        covered, src_end = 0, -1
        for run in seg.runs:
            assert run.seg_start >= covered, "runs overlap or are unsorted"
            assert seg.text[covered : run.seg_start] in ("", " "), "uncovered text"
            assert run.src_start >= src_end, "source ranges go backwards"
            piece = seg.text[run.seg_start : run.seg_start + run.seg_len]
            original = source[run.src_start : run.src_start + run.src_len]
            if run.seg_len == run.src_len:
                assert piece == original
            else:
                assert original.startswith("&")
                assert piece == decoded(original)
            covered = run.seg_start + run.seg_len
            src_end = run.src_start + run.src_len
        assert covered == len(seg.text)
        assert src_end <= len(source)
        assert seg.runs[0].src_start > previous, "segments out of source order"
        previous = seg.runs[0].src_start


# --- scopes -------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head>
  <title>Glow Clinic</title>
  <meta name="description" content="The best skin clinic in town">
  <meta property="og:title" content="Glow: younger skin">
  <meta property="og:description" content="Results guaranteed">
  <meta name="viewport" content="width=device-width">
</head>
<body>
  <h1>Look ten years younger</h1>
  <h3>Our promise</h3>
  <p>A paragraph of copy.</p>
  <div>Text in a div.</div>
  <ul><li>First item</li><li>Second item</li></ul>
  <table><tr><th>Treatment</th><td>Cures acne</td></tr></table>
  <blockquote>Best clinic ever!</blockquote>
  <img src="a.png" alt="Before and after" title="Real patient">
</body></html>
"""


def test_scopes_of_common_elements() -> None:
    assert by_scope(PAGE) == [
        ("title", "Glow Clinic"),
        ("description", "The best skin clinic in town"),
        ("title", "Glow: younger skin"),
        ("description", "Results guaranteed"),
        ("heading", "Look ten years younger"),
        ("heading", "Our promise"),
        ("paragraph", "A paragraph of copy."),
        ("paragraph", "Text in a div."),
        ("list", "First item"),
        ("list", "Second item"),
        ("table", "Treatment"),
        ("table", "Cures acne"),
        ("quote", "Best clinic ever!"),
        ("alt", "Before and after"),
        ("alt", "Real patient"),
    ]
    assert_well_formed(PAGE, extract_html(PAGE))


def test_innermost_container_wins() -> None:
    source = (
        "<ul><li><p>para in item</p></li></ul>"
        "<blockquote><p>para in quote</p><ul><li>item in quote</li></ul></blockquote>"
        "<table><tr><td><ul><li>item in cell</li></ul></td></tr></table>"
        "<li><h2>heading in item</h2></li>"
    )
    assert by_scope(source) == [
        ("list", "para in item"),
        ("quote", "para in quote"),
        ("list", "item in quote"),
        ("list", "item in cell"),
        ("heading", "heading in item"),
    ]


def test_links_inline_in_their_block() -> None:
    source = '<p>Visit <a href="/x">our clinic</a> and <button>book</button> today.</p>'
    assert by_scope(source) == [("paragraph", "Visit our clinic and book today.")]


def test_standalone_links_and_buttons() -> None:
    source = (
        '<nav><a href="/">Home</a><a href="/b">Botox deals</a> | <a href="/c">Contact</a></nav>'
        "<li><a href='/x'>Miracle facial</a></li>"
        "<div><button>Get <b>guaranteed</b> results</button></div>"
        "<p><a href='/y'><span>Book now</span></a></p>"
    )
    assert by_scope(source) == [
        ("link", "Home"),
        ("link", "Botox deals"),
        ("link", "Contact"),
        ("link", "Miracle facial"),
        ("link", "Get guaranteed results"),
        ("link", "Book now"),
    ]
    assert_well_formed(source, extract_html(source))


def test_heading_link_stays_a_heading() -> None:
    assert by_scope("<h2><a href='/post'>Cure your acne fast</a></h2>") == [
        ("heading", "Cure your acne fast")
    ]


def test_block_inside_link_keeps_its_scope() -> None:
    source = "<a href='/card'><h3>Laser lift</h3><p>No downtime at all</p></a>"
    assert by_scope(source) == [("heading", "Laser lift"), ("paragraph", "No downtime at all")]


def test_meta_variants() -> None:
    source = (
        "<meta content='Content first' name='Description'>"
        '<meta name="twitter:title" content="Tweet title">'
        '<meta name="keywords" content="cure, miracle">'
        '<meta property="og:image" content="x.png">'
        "<meta name=description>"
    )
    assert by_scope(source) == [("description", "Content first"), ("title", "Tweet title")]


# --- skipped content ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "wrapper",
    ["script", "style", "noscript", "template", "svg", "code", "pre", "textarea", "select",
     "iframe"],
)
def test_never_linted_elements(wrapper: str) -> None:
    source = f"<p>Before <{wrapper}>cures everything <b>now</b></{wrapper}> after</p>"
    # <pre> is a block: it ends the paragraph, as in a browser. An HTML tag such as <b>
    # inside SVG ends the SVG (HTML5), so its text is shown.
    expected = {"pre": ["Before", "after"], "svg": ["Before now after"]}
    assert texts(source) == expected.get(wrapper, ["Before after"])


def test_comments_and_declarations_are_skipped() -> None:
    source = (
        "<!DOCTYPE html><p>a <!-- cures cancer --> b</p><![CDATA[ miracle ]]>"
        "<!bogus miracle><?php echo 'miracle'; ?><p>c</p><!-- unterminated miracle <p>x</p>"
    )
    assert texts(source) == ["a b", "c"]


def test_abruptly_closed_comments() -> None:
    assert texts("<p>a<!-->b<!--->c</p>") == ["abc"]


def test_script_content_is_not_parsed_as_markup() -> None:
    source = '<script>var s = "<p>cures all</p>";</script><p>shown</p>'
    assert texts(source) == ["shown"]


def test_hidden_and_aria_hidden() -> None:
    source = (
        "<div hidden><p>hidden cure</p><img alt='hidden alt'></div>"
        "<p aria-hidden='TRUE'>aria cure</p>"
        "<p aria-hidden='false'>shown one</p>"
        "<p>shown <span hidden>secret</span>two</p>"
        "<img alt='own hidden' hidden><meta name=description content=x hidden>"
    )
    assert texts(source) == ["shown one", "shown two"]


def test_hidden_element_closed_by_implied_end_tag() -> None:
    assert texts("<p hidden>gone<p>kept<ul><li aria-hidden=true>gone<li>kept too</ul>") == [
        "kept",
        "kept too",
    ]


# --- inline vs block ----------------------------------------------------------------------


def test_inline_tags_do_not_break_words() -> None:
    source = "<p>Hel<b>lo</b> <em>wor</em>ld<sup>®</sup> <span><small>and</small></span> more</p>"
    (seg,) = extract_html(source)
    assert seg.text == "Hello world® and more"
    assert source_of(source, seg, "Hello") == "Hel<b>lo"
    assert source_of(source, seg, "world®") == "wor</em>ld<sup>®"
    assert_well_formed(source, (seg,))


def test_blocks_never_glue_words() -> None:
    source = "<div>one<div>two</div>three<p>four</p>five<hr>six<li>seven</li></div><td>a</td>"
    assert texts(source) == ["one", "two", "three", "four", "five", "six", "seven", "a"]


def test_br_and_img_separate_words() -> None:
    assert texts("<p>line one<br>line two<br/>three</br>four<img src=x>five</p>") == [
        "line one line two three four five"
    ]


def test_whitespace_collapses_and_is_trimmed() -> None:
    source = "<p>\n   Big \t\n  claim  <b> here </b>\n</p>"
    (seg,) = extract_html(source)
    assert seg.text == "Big claim here"
    assert source_of(source, seg, "Big claim") == "Big \t\n  claim"
    assert_well_formed(source, (seg,))


def test_crlf_source() -> None:
    source = "<html>\r\n<body>\r\n<p>Line one\r\nline two</p>\r\n<p>Next\r\n</p>\r\n</body>"
    segs = extract_html(source)
    assert [s.text for s in segs] == ["Line one line two", "Next"]
    assert source_of(source, segs[0], "one line") == "one\r\nline"
    assert_well_formed(source, segs)


# --- entities -----------------------------------------------------------------------------


def test_entities_decode_to_atomic_runs() -> None:
    source = "<p>Tom &amp; Jerry&#8217;s &rsquo;best&#x27; &amp clinic&nbsp;ever &bogus; &#;</p>"
    (seg,) = extract_html(source)
    assert seg.text == "Tom & Jerry\u2019s \u2019best' & clinic ever &bogus; &#;"
    assert source_of(source, seg, "&") == "&amp;"
    assert source_of(source, seg, "Jerry\u2019s") == "Jerry&#8217;s"
    assert source_of(source, seg, "\u2019best'") == "&rsquo;best&#x27;"
    assert source_of(source, seg, "& clinic") == "&amp clinic"
    assert source_of(source, seg, "clinic ever") == "clinic&nbsp;ever"
    assert_well_formed(source, (seg,))


def test_nbsp_is_a_plain_space() -> None:
    (seg,) = extract_html("<p>100%&nbsp;&nbsp;guaranteed\u00a0results</p>")
    assert seg.text == "100% guaranteed results"


def test_entity_in_title_and_alt() -> None:
    source = '<title>A &amp; B</title><img alt="Dr. O&#8217;Neil&apos;s results">'
    segs = extract_html(source)
    assert [s.text for s in segs] == ["A & B", "Dr. O\u2019Neil's results"]
    assert source_of(source, segs[1], "O\u2019Neil's") == "O&#8217;Neil&apos;s"
    assert_well_formed(source, segs)


# --- attribute offsets --------------------------------------------------------------------


def test_alt_and_meta_offsets_point_into_the_attribute_value() -> None:
    source = (
        '<meta name="description" content="  Painless   results ">\n'
        "<p>x <img src=a.png ALT='Smooth skin' title=Unquoted alt=\"dup\"> y</p>"
    )
    segs = extract_html(source)
    assert [(s.scope, s.text) for s in segs] == [
        ("description", "Painless results"),
        ("paragraph", "x y"),
        ("alt", "Smooth skin"),
        ("alt", "Unquoted"),
    ]
    desc, _, alt, title = segs
    start = source.index("Painless")
    assert desc.source_span(0, 8) == (start, start + 8)
    assert source_of(source, desc, "Painless results") == "Painless   results"
    assert source_of(source, alt, "Smooth skin") == "Smooth skin"
    assert source_of(source, title, "Unquoted") == "Unquoted"
    assert_well_formed(source, segs)


def test_attribute_value_with_markup_characters() -> None:
    source = "<img alt='a > b &lt; c \"d\"'><p>after</p>"
    assert by_scope(source) == [("alt", 'a > b < c "d"'), ("paragraph", "after")]


# --- malformed input ----------------------------------------------------------------------


def test_unclosed_and_stray_tags() -> None:
    source = "</div></span><div><p>one<p>two<li>three</div></div></p><td>four <b>five"
    assert texts(source) == ["one", "two", "three", "four five"]


def test_unterminated_tag_at_end_is_dropped() -> None:
    assert texts('<p>Real text</p><img alt="cut off') == ["Real text"]
    assert texts("<p>tail <a href='x' ") == ["tail"]
    assert texts("<p>1 < 2 and 3 > 2</p>") == ["1 < 2 and 3 > 2"]


def test_self_closing_non_void_is_an_open_tag() -> None:
    assert texts("<p>a<span/>b</p><svg/><p>c</p><svg><path/><title>no</title></svg><p>d</p>") == [
        "ab",
        "c",
        "d",
    ]


def test_deep_nesting_does_not_recurse() -> None:
    depth = 10_000
    source = "<div>" * depth + "deep <b>" * depth + "claim" + "</b>" * depth + "</div>" * depth
    (seg,) = extract_html(source)
    assert seg.text.startswith("deep deep") and seg.text.endswith("claim")
    unclosed = "<p>" + "<span>" * depth + "text" + "<div hidden>" * depth + "gone"
    assert texts(unclosed) == ["text"]


def test_multi_megabyte_single_line_page() -> None:
    block = (
        '<div class="card"><h2>Title</h2><p>Our <b>revolutionary</b> clinic &amp; spa.</p>'
        "<ul><li><a href='/x'>Book</a></li></ul><img alt=\"photo\" src=x.png></div>"
    )
    source = block * (3_000_000 // len(block) + 1)
    segs = extract_html(source)
    assert len(segs) == 4 * source.count('<div class="card">')
    assert segs[-1].text == "photo"
    assert source[segs[-1].runs[0].src_start :].startswith('photo"')


@pytest.mark.parametrize(
    "source",
    [
        "<a " * 100_000,
        "<a " * 100_000 + ">",
        "<!--" * 100_000,
        "</a " * 100_000,
        "<!x" * 100_000,
        "&#" * 100_000 + "<p>x</p>" + "&#;" * 10_000,
        '<a b="' * 50_000 + ">",
        "</div>" * 100_000,
        "<p>" * 50_000,
        "<li>" * 50_000,
        "<table>" * 20_000 + "<td>x",
    ],
    ids=["open", "open-gt", "comments", "endtags", "decl", "amps", "quotes", "stray", "p", "li",
         "tables"],
)
def test_pathological_input_finishes(source: str) -> None:
    assert_well_formed(source, extract_html(source))


def test_empty_and_text_only_input() -> None:
    assert extract_html("") == ()
    assert extract_html("   \n ") == ()
    assert by_scope("just text &amp; more") == [("paragraph", "just text & more")]


# --- properties ---------------------------------------------------------------------------

PIECES = st.sampled_from(
    [
        "<p>", "</p>", "<div>", "</div>", "<b>", "</b>", "<a href='x'>", "</a>", "<li>", "<td>",
        "<h2>", "</h2>", "<br>", "<img alt='A &amp; b'>", "<img alt=x", "<meta name=description ",
        "content=\"d&#233;j&agrave;\">", "<script>", "</script>", "<!--", "-->", "<![CDATA[", "]]>",
        "<span hidden>", "</span>", "<title>", "</title>", "<svg/>", "<code>", "</code>", "<",
        ">", "</", "/>", "&", "&amp;", "&nbsp;", "&#8217;", "&rsquo;", "&#x27", "&#1;",
        "&notit;", "&#xD;", "&#32;", " ", "\n", "\r\n", "\t", "\u00a0", "claim", "cure",
        "é", "日本", "\U0001f600", "'", '"', "=",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=40).map("".join))
def test_property_offsets_are_exact(source: str) -> None:
    assert_well_formed(source, extract_html(source))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_property_any_text(source: str) -> None:
    assert_well_formed(source, extract_html(source))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["claim", "big", "cure"]), min_size=1, max_size=6),
       st.lists(st.sampled_from(["<b>", "</b>", "<i>", " ", "\n", "\r\n ", "&amp;", ""]),
                max_size=6))
def test_property_every_span_maps_to_its_source(words: list[str], glue: list[str]) -> None:
    body = "".join(w + (glue[i] if i < len(glue) else " ") for i, w in enumerate(words))
    source = f"<p>\n{body}</p>"
    for seg in extract_html(source):
        for start in range(len(seg.text)):
            for end in range(start + 1, len(seg.text) + 1):
                if seg.text[start] == " " or seg.text[end - 1] == " ":
                    continue
                s, e = seg.source_span(start, end)
                visible = html.unescape(re.sub(r"<[^>]*>", "", source[s:e]))
                assert re.sub(r"\s+", " ", visible) == seg.text[start:end]
