"""Differential test: the words claimlint reads as visible match an HTML5 tree (lexbor).

claimlint builds its own element stack so that offsets come from the tokenizer (no HTML5
tree library exposes text positions). selectolax's lexbor is a conforming HTML5 parser, so
on tag soup the two must agree on which words a reader sees. Generated pages leave out
tables (text misplaced in a table is moved before it, a reordering only) and put ``hidden``
only on blocks: when misnested formatting tags move an already-parsed block out of a hidden
inline element, lexbor reveals text that was parsed as hidden; a streaming reader cannot.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser, LexborNode

from claimlint.extract.html import extract_html

BLOCKS = ["div", "p", "li", "ul", "ol", "h2", "h3", "section", "blockquote", "dl", "dd", "dt"]
INLINE = ["span", "label", "a", "b", "em", "strong", "i", "button", "nobr"]
# noscript is left out: lexbor parses it as with scripting off, browsers as raw text.
NEVER = ["script", "style", "template", "svg", "code", "pre", "textarea"]
WORDS = ["alpha", "beta", "gamma delta", "eps&amp;ilon", "z&nbsp;q", "caf&eacute;", "&#8217;s"]


def oracle_words(source: str) -> Counter[str]:
    """Visible words in lexbor's tree: text outside never-linted and hidden elements."""
    text: list[str] = []
    root = LexborHTMLParser(source).root
    assert root is not None
    stack: list[LexborNode] = [root]
    while stack:
        node = stack.pop()
        if node.tag == "-text":
            text.append(node.text_content or "")
            continue
        attrs = node.attributes
        if (node.tag in NEVER or "hidden" in attrs
                or (attrs.get("aria-hidden") or "").strip().lower() == "true"):
            text.append(" ")
            continue
        child, children = node.child, []
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend(reversed(children))
    return Counter("".join(text).split())


def claimlint_words(source: str) -> Counter[str]:
    """Visible words claimlint extracts (attribute text such as alt is not in the tree)."""
    return Counter(w for seg in extract_html(source) if seg.scope not in ("alt", "description")
                   for w in seg.text.split())


def _start(tag: str, attr: str) -> str:
    return f"<{tag}{attr if tag in BLOCKS else ''}>"


pieces = st.one_of(
    st.builds(_start, st.sampled_from(BLOCKS + INLINE),
              st.sampled_from(["", " hidden", ' aria-hidden="true"', ' aria-hidden="false"'])),
    st.sampled_from(BLOCKS + INLINE + NEVER).map(lambda t: f"</{t}>"),
    st.sampled_from(NEVER).map(lambda t: f"<{t}> alpha <p>beta</p> </{t}>"),
    st.sampled_from(["<br>", "<hr>", "<!-- beta -->", "<img alt=x>", "<p/>", "</br>"]),
    st.sampled_from(WORDS).map(lambda w: f" {w} "),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(pieces, max_size=40))
def test_visible_words_match_an_html5_tree(parts: list[str]) -> None:
    source = "".join(parts)
    assert claimlint_words(source) == oracle_words(source), source


def test_misnested_markup_follows_html5() -> None:
    cases = {
        # an ordinary end tag cannot close a block opened inside it
        '<span><div hidden><p>secret</span> still hidden</p></div><p>shown</p>': ["shown"],
        # a formatting end tag closes, and the block opened inside it stays open
        "<b><p>text</b> more</p>": ["text more"],
        # formatting closed by a block's end reopens (hidden stays hidden)
        '<p><b aria-hidden="true">x</p><p>y</p><p>z</b></p>': [],
        # a new list item closes the open one unless a block other than div or p is between
        '<ul><li hidden><div><li>one</div></ul>': ["one"],
        '<ul><li hidden><section><li>two</section></ul><p>after</p>': ["after"],
        # a heading start closes an open heading
        '<h2 hidden>gone<h3>kept</h3>': ["kept"],
    }
    for source, expected in cases.items():
        assert [s.text for s in extract_html(source)] == expected, source
        assert claimlint_words(source) == oracle_words(source), source
