"""Tests for the citation detector behind `unless: cited:`."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimlint.citations import Citation, find_citations, has_citation

# (id, text, expected kind, expected citation text)
POSITIVE = [
    ("url-https", "See https://example.org/study for details.", "url", "https://example.org/study"),
    ("url-www", "Read more at www.aad.org/hair-loss.", "url", "www.aad.org/hair-loss"),
    (
        "url-query",
        "Data: https://clinicaltrials.gov/ct2/show?term=PRP&x=1!",
        "url",
        "https://clinicaltrials.gov/ct2/show?term=PRP&x=1",
    ),
    (
        "url-balanced-parens",
        "(see https://en.wikipedia.org/wiki/Alopecia_(disease)).",
        "url",
        "https://en.wikipedia.org/wiki/Alopecia_(disease)",
    ),
    (
        "url-markdown-link",
        "Proven [in a trial](https://pubmed.ncbi.nlm.nih.gov/3456789/).",
        "url",
        "https://pubmed.ncbi.nlm.nih.gov/3456789/",
    ),
    ("doi-prefix", "Exosomes helped (doi:10.1234/abc).", "doi", "doi:10.1234/abc"),
    ("doi-prefix-space", "Source: DOI: 10.1111/jocd.14521", "doi", "DOI: 10.1111/jocd.14521"),
    (
        "doi-org",
        "See https://doi.org/10.1016/j.jaad.2021.01.001.",
        "doi",
        "https://doi.org/10.1016/j.jaad.2021.01.001",
    ),
    ("doi-dx", "http://dx.doi.org/10.1000/182", "doi", "http://dx.doi.org/10.1000/182"),
    (
        "doi-bare",
        "as shown 10.1016/j.xxx.2021.01.001, hair grew",
        "doi",
        "10.1016/j.xxx.2021.01.001",
    ),
    (
        "doi-parens-inside",
        "Lancet doi:10.1016/S0140-6736(20)30183-5.",
        "doi",
        "doi:10.1016/S0140-6736(20)30183-5",
    ),
    ("pmid-colon", "Hair density rose (PMID: 12345678).", "pmid", "PMID: 12345678"),
    ("pmid-space", "PMID 12345678 reports this.", "pmid", "PMID 12345678"),
    ("pmcid", "Full text: PMC1234567.", "pmcid", "PMC1234567"),
    ("pmcid-labelled", "PMCID: PMC7654321", "pmcid", "PMCID: PMC7654321"),
    ("arxiv-new", "Preprint arXiv:2101.12345v2 suggests so.", "arxiv", "arXiv:2101.12345v2"),
    ("arxiv-old", "arXiv:q-bio/0601001", "arxiv", "arXiv:q-bio/0601001"),
    ("isbn-13", "Textbook, ISBN 978-0-12-345678-9.", "isbn", "ISBN 978-0-12-345678-9"),
    ("isbn-10", "ISBN-10: 0-306-40615-2", "isbn", "ISBN-10: 0-306-40615-2"),
    ("trial-registry", "Registered as NCT04567890.", "trial", "NCT04567890"),
    ("ay-single", "PRP works (Smith, 2021).", "author-year", "(Smith, 2021)"),
    ("ay-et-al", "PRP works (Smith et al., 2021).", "author-year", "(Smith et al., 2021)"),
    ("ay-ampersand", "PRP works (Smith & Jones, 2020).", "author-year", "(Smith & Jones, 2020)"),
    (
        "ay-multiple",
        "PRP works (Smith and Jones 2020; Lee 2019).",
        "author-year",
        "(Smith and Jones 2020; Lee 2019)",
    ),
    (
        "ay-narrative-et-al",
        "Smith et al. (2021) showed growth.",
        "author-year",
        "Smith et al. (2021)",
    ),
    (
        "ay-bare-et-al",
        "as reported by Smith et al., 2021, hair",
        "author-year",
        "Smith et al., 2021",
    ),
    (
        "ay-year-suffix",
        "Density rose (Gentile et al. 2017a).",
        "author-year",
        "(Gentile et al. 2017a)",
    ),
    ("ay-umlaut", "It helps (Müller, 2019).", "author-year", "(Müller, 2019)"),
    ("ay-apostrophe", "It helps (O'Brien, 2020).", "author-year", "(O'Brien, 2020)"),
    (
        "ay-hyphenated",
        "It helps (García-López et al., 2022).",
        "author-year",
        "(García-López et al., 2022)",
    ),
    ("ay-particle", "It helps (van der Berg, 2018).", "author-year", "(van der Berg, 2018)"),
    ("ay-eg-pages", "It helps (e.g., Lee, 2019, p. 4).", "author-year", "(e.g., Lee, 2019, p. 4)"),
    (
        "ay-three-authors",
        "It helps (Smith, Jones, & Lee, 2020).",
        "author-year",
        "(Smith, Jones, & Lee, 2020)",
    ),
    ("ay-narrative-verb", "Smith (2021) found denser hair.", "author-year", "Smith (2021)"),
    (
        "ay-according-to",
        "According to Lee and Park (2020), it helps.",
        "author-year",
        "Lee and Park (2020)",
    ),
    ("numbered-single", "Hair regrows [3].", "numbered", "[3]"),
    ("numbered-list", "Hair regrows [1, 4].", "numbered", "[1, 4]"),
    ("numbered-range", "Hair regrows [2-5].", "numbered", "[2-5]"),
    ("numbered-en-dash", "Hair regrows [12\u201314].", "numbered", "[12\u201314]"),
    ("footnote-superscript", "Hair regrows¹²³⁴ in weeks.", "footnote", "¹²³⁴"),
    ("footnote-superscript-after-period", "Hair regrows.² Book now.", "footnote", "²"),
    ("footnote-caret", "Hair regrows^1 in weeks.", "footnote", "^1"),
    ("footnote-markdown", "Hair regrows[^1] in weeks.", "footnote", "[^1]"),
    ("footnote-markdown-named", "Hair regrows[^smith-2021].", "footnote", "[^smith-2021]"),
    ("numbered-parenthesised", "Platelets speed tendon repair (5).", "numbered", "(5)"),
    ("numbered-parenthesised-list", "Platelets speed tendon repair (3, 4).", "numbered", "(3, 4)"),
    ("numbered-after-percent", "Pain fell by 40% (7).", "numbered", "(7)"),
    ("numbered-after-full-stop", "Grip strength rose at 6 months. 1, 2", "numbered", "1, 2"),
    ("numbered-after-full-stop-line", "Grip rose. 3\nBook a visit", "numbered", "3"),
    ("numbered-glued", "Scalp density improved 1,2", "numbered", "1,2"),
    ("numbered-glued-stop", "Scalp density improved 1,2. Book now.", "numbered", "1,2"),
    (
        "numbered-superscript-spaced",
        "Scalp density improved. \u00b9\u00b2",
        "numbered",
        "\u00b9\u00b2",
    ),
    (
        "journal-vancouver",
        "Smith A. J Invest Dermatol. 2021;141(3):456-467.",
        "journal-ref",
        "J Invest Dermatol. 2021;141(3):456-467",
    ),
    (
        "journal-no-issue",
        "Stem Cell Res Ther. 2020;11:123",
        "journal-ref",
        "Stem Cell Res Ther. 2020;11:123",
    ),
    ("journal-generic", "Journal. 2021;12(3):45-67", "journal-ref", "Journal. 2021;12(3):45-67"),
    (
        "journal-month",
        "N Engl J Med. 2019 Mar 7;380(10):901-910.",
        "journal-ref",
        "N Engl J Med. 2019 Mar 7;380(10):901-910",
    ),
    (
        "journal-apa",
        "Journal of Cosmetic Dermatology, 20(3), 45\u201367.",
        "journal-ref",
        "Journal of Cosmetic Dermatology, 20(3), 45\u201367",
    ),
]

NEGATIVE = [
    ("journal-name-only", "As published in the Journal of Cosmetic Dermatology, exosomes work."),
    ("journal-name-and-year", "Published in the Journal of Cosmetic Dermatology in 2021."),
    ("institution-ucla", "Breakthrough research by UCLA proves it."),
    ("institution-harvard", "A study from Harvard shows exosomes regrow hair."),
    ("country", "New research in China confirms the results."),
    ("bare-year", "We opened in 2021."),
    ("since-year", "Trusted since 2019."),
    ("price", "Only $499 per session!"),
    ("percentage", "85% of patients saw results."),
    ("dose", "We inject 2 ml per area."),
    ("phone", "Call (555) 123-4567 today."),
    ("toll-free", "Call 1-800-555-0199."),
    ("sic", "Their [sic] results were clear."),
    ("insert-link-brackets", "Studies show it works [insert link]."),
    ("insert-link-parens", "Studies show it works (insert link)."),
    ("citation-needed", "Studies show it works [citation needed]."),
    ("list-numbering", "1. Exosomes regrow hair\n2. No downtime"),
    ("date-slash", "Offer ends 12/03/2021."),
    ("bracketed-words", "[Hair Loss] Exosomes regrow hair."),
    ("time", "Open at 3:30 on Fridays."),
    ("ratio", "A 3:1 mix of serum and saline."),
    ("paren-year-alone", "Our results (2021) are excellent."),
    ("interview", "Dr. Smith (2021 interview) says it works."),
    ("season-year", "Best results yet (Summer 2021)."),
    ("month-year", "Updated guidance (January, 2022)."),
    ("established", "Family clinic (Est. 2019)."),
    ("award-place-year", "Voted Best of Boston (2021) for hair restoration."),
    ("name-without-year", "Ask Dr. Smith (our founder) about PRP."),
    ("area-unit", "Each 2 cm² area gets 1 m² of mesh, x² too."),
    ("power-of-ten", "Over 10^6 exosomes and 10⁹ cells."),
    ("version-number", "Protocol version 10.1 uses 10.5 ml."),
    ("email", "Email info@clinic.com for results."),
    ("www-alone", "Visit our www page."),
    ("bare-surname-year", "Smith 2021 was a great year."),
    ("sample-size", "A small trial (n = 30) showed growth."),
    ("keyword-without-id", "Look it up by PMID or DOI."),
    ("markdown-checkbox", "- [ ] Book consult\n- [x] Pay deposit"),
    ("markdown-link-number", "See step [1](#step-1)."),
    ("copyright", "© 2021 Glow Clinic. Copyright 2021."),
    ("institution-year", "Exosomes regrow hair (Harvard, 2021)."),
    ("acronym-year", "Exosomes regrow hair (UCLA, 2021)."),
    ("research-shows", "Research (2021) shows exosomes regrow hair."),
    ("hours", "Mon\u2013Fri 9:00\u201317:00, Suite 200."),
    ("steps-leading", "(1) Cleanse the scalp, (2) apply the serum."),
    ("step-label", "Now go on to step (2)."),
    ("count-label", "Patient reviews (12)"),
    ("sessions-count", "Book three sessions (3) for the best value."),
    ("price-in-parens", "A single session ($350) takes an hour."),
    ("version-after-stop", "Protocol version 10.1"),
    ("year-after-stop", "Offer ends 12/03/2021. 2"),
    ("thousands", "We have treated over 1,200 patients."),
    ("sizes-list", "Gloves come in sizes 8,10"),
    ("descending-hours", "Open Mon\u2013Sat. 9-5"),
    ("number-starts-sentence", "We opened in May. 3 clinics followed."),
]


@pytest.mark.parametrize(
    ("text", "kind", "cited"), [pytest.param(*rest, id=name) for name, *rest in POSITIVE]
)
def test_detects_citation(text: str, kind: str, cited: str) -> None:
    found = find_citations(text)
    assert [(text[c.start : c.end], c.kind) for c in found] == [(cited, kind)]
    assert has_citation(text)


@pytest.mark.parametrize("text", [pytest.param(text, id=name) for name, text in NEGATIVE])
def test_ignores_non_citation(text: str) -> None:
    assert find_citations(text) == ()
    assert not has_citation(text)


def test_offsets_point_into_the_given_text() -> None:
    text = "Exosomes regrow hair (Smith et al., 2021) [3]; see doi:10.1234/abc."
    found = find_citations(text)
    assert found == (
        Citation(21, 41, "author-year"),
        Citation(42, 45, "numbered"),
        Citation(51, 66, "doi"),
    )
    assert [text[c.start : c.end] for c in found] == [
        "(Smith et al., 2021)",
        "[3]",
        "doi:10.1234/abc",
    ]


def test_pmcid_inside_url_is_one_url() -> None:
    text = "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1234567/"
    assert find_citations(text) == (Citation(0, len(text), "url"),)


def test_multiple_citations_in_order() -> None:
    text = "Hair¹ B (Lee, 2019) C [^2] D PMID: 123 E www.nih.gov"
    assert [c.kind for c in find_citations(text)] == [
        "footnote",
        "author-year",
        "footnote",
        "pmid",
        "url",
    ]


def test_empty_text() -> None:
    assert find_citations("") == ()
    assert not has_citation("")


# Pieces of citations and near-misses, so generated text hits the patterns.
_FRAGMENTS = st.sampled_from(
    [
        "(",
        ")",
        "[",
        "]",
        "^",
        "¹",
        "²",
        ",",
        ";",
        ".",
        ":",
        "-",
        "\u2013",
        " ",
        "\n",
        "Smith",
        "et al.",
        "Müller",
        "O'Brien",
        "and",
        "&",
        "2021",
        "2017a",
        "1",
        "12",
        "doi:",
        "10.1234/",
        "https://",
        "www.",
        "x.org",
        "PMID",
        "PMC1234567",
        "arXiv:",
        "ISBN",
        "J Invest Dermatol",
        "according to ",
        "found",
        "e.g.",
    ]
)
_TEXTS = st.one_of(st.text(max_size=200), st.lists(_FRAGMENTS, max_size=40).map("".join))


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_spans_are_in_bounds_ordered_and_disjoint(text: str) -> None:
    found = find_citations(text)
    assert isinstance(found, tuple)
    previous_end = 0
    for citation in found:
        assert previous_end <= citation.start < citation.end <= len(text)
        previous_end = citation.end
    assert has_citation(text) == bool(found)
