"""Properties that hold for any input: spans are exact source slices."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimlint import Linter

WORDS = st.sampled_from([
    "revolutionary", "exosomes", "regrow", "hair", "no side effects", "92%", "studies show",
    "**bold**", "[link](http://x.org)", "`code`", "> ", "- ", "# ", "\r\n", "\r", "\n", "\n\n", "é",
    "🙂", "“", "Dr.", "e.g.", "&amp;", "\\*", "FDA-approved", "non-invasive", "injection",
    "  ", "\t", "<!-- c -->", "---", "!", "?", ".",
])
TEXTS = st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=40).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS, suffix=st.sampled_from([".txt", ".md"]))
def test_every_finding_span_is_its_source_slice(linter: Linter, text: str, suffix: str) -> None:
    for f in linter.lint_text(text, "page" + suffix):
        assert text[f.start:f.end] == f.match
        assert 0 <= f.start <= f.end <= len(text)
        # CR, LF and CRLF all end a line (issue 11).
        lines_before = re.split(r"\r\n|\r|\n", text[:f.start])
        assert (f.line, f.column) == (len(lines_before), len(lines_before[-1]) + 1)
