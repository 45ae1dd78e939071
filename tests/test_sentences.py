"""Sentence splitting for clinic copy: abbreviations, numbers, bullets, quotes."""

from __future__ import annotations

import pytest

from claimlint.nlp import build_pipeline


def sentences(text: str) -> list[str]:
    return [s.text.strip() for s in build_pipeline()(text).sents if s.text.strip()]


@pytest.mark.parametrize("text,expected", [
    ("Dr. Lee treats patients. She is kind.", ["Dr. Lee treats patients.", "She is kind."]),
    ("Use e.g. PRP or i.e. plasma. Then rest.", ["Use e.g. PRP or i.e. plasma.", "Then rest."]),
    ("Smith et al. (2021) found it. Next.", ["Smith et al. (2021) found it.", "Next."]),
    ("Compare A vs. B today. Done.", ["Compare A vs. B today.", "Done."]),
    ("It takes approx. 30 minutes. Done.", ["It takes approx. 30 minutes.", "Done."]),
    ("Visit St. Mary's clinic. Done.", ["Visit St. Mary's clinic.", "Done."]),
    ("Inject 1.5 ml at 30-150 nm. Done.", ["Inject 1.5 ml at 30-150 nm.", "Done."]),
    ("Is it safe? Yes! It is.", ["Is it safe?", "Yes!", "It is."]),
    ("“It works.” She smiled.", ["“It works.”", "She smiled."]),
    ("Benefits • thicker hair • less shedding", ["Benefits", "• thicker hair", "• less shedding"]),
    ("Version 2.0 is out. Done.", ["Version 2.0 is out.", "Done."]),
    # a dash inside a line is a parenthesis, at a line start a list marker
    ("No proof – whatever ads say – that it works.", ["No proof – whatever ads say – that it works."]),
    ("Benefits:\n– thicker hair\n— less shedding", ["Benefits:", "– thicker hair", "— less shedding"]),
])
def test_sentence_split(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_blank_lines_end_a_sentence() -> None:
    assert sentences("Our Treatments\n\nExosomes for you.") == ["Our Treatments", "Exosomes for you."]
