"""Check rules against their own examples and their suggestions against every rule."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .api import Linter
from .errors import RuleFileError
from .findings import Finding
from .model import LEARNED
from .regexsafety import VOCAB_IN_REGEX
from .ruleset import Rule
from .vocabregex import VocabRegex


@dataclass(frozen=True, slots=True)
class ExampleResult:
    """The outcome of one rule example."""

    rule: Rule
    kind: str  # "flag" or "pass"
    text: str
    ok: bool
    detail: str = ""


# A rule regex gets this long on any near miss; a sound one needs milliseconds.
SLOW_SECONDS = 0.5
SAMPLE_TERMS = 50


def check_regex_speed(rules: Sequence[Rule]) -> None:
    """Raise RuleFileError naming the first rule whose regex is slow on a near miss.

    The load-time check refuses the usual catastrophic shapes; this one times what it
    lets through, with the ``regex`` package's timeout (``re`` cannot be interrupted),
    before any example runs, so a slow regex cannot hang ``test-rules`` (issue 11).
    """
    import regex

    for rule in rules:
        for matchers in (rule.match, rule.when.sentence_has, rule.when.document_has,
                         rule.unless.phrases, rule.unless.sentence_has, rule.required):
            for rx in matchers.regex:
                if VOCAB_IN_REGEX.search(rx):
                    # A large vocabulary's terms are alternatives of one safe shape: a
                    # sample of them times the regex around them (vocabregex.py).
                    rx = VocabRegex(rx, dict(matchers.vocabulary)).sample(SAMPLE_TERMS).pattern
                pattern = regex.compile(rx, regex.IGNORECASE | regex.VERSION0)
                for text in _near_misses(rx, rule):
                    try:
                        pattern.search(text, timeout=SLOW_SECONDS)
                    except TimeoutError:
                        shown = text if len(text) < 40 else f"{text[:12]!r}...{text[-12:]!r}"
                        raise RuleFileError(
                            rule.path, rule.line, 1,
                            f"rule {rule.id}: regex {rx[:80]!r} took over {SLOW_SECONDS} s on "
                            f"{shown} ({len(text):,} characters): it backtracks "
                            "catastrophically; make each repeated part unable to start with "
                            "what may follow it") from None


def _near_misses(rx: str, rule: Rule) -> Iterator[str]:
    """Yield long runs of the regex's own characters and words that end in a mismatch."""
    for ch in dict.fromkeys([*"a1 -.'", *(c for c in rx[:2000] if c.isalnum())]):
        yield ch * 3000 + "!"
        yield (ch + " ") * 1500 + "\x00"
    for word in dict.fromkeys(re.findall(r"[a-z]{2,}", rx[:2000].lower())[:20]):
        yield (word + " ") * 300 + "!"
        yield word * 300 + "!"
    yield from rule.examples.flag
    yield from rule.examples.passing


def check_examples(linter: Linter) -> Iterator[ExampleResult]:
    """Lint every example of every rule and say whether the rule behaved as promised."""
    check_regex_speed(linter.ruleset.rules)
    rules_alone = linter.without_model()
    for rule in linter.ruleset.rules:
        # A rule's examples test the rule; a learned rule's test the model.
        judge = linter if rule.level == LEARNED else rules_alone
        for kind, texts in (("flag", rule.examples.flag), ("pass", rule.examples.passing)):
            for text in texts:
                hits = [f for f in judge.lint_text(text, "example.txt") if _names(rule, f)]
                ok = bool(hits) if kind == "flag" else not hits
                detail = "" if ok else (
                    "not flagged" if kind == "flag" else
                    "flagged: " + ", ".join(repr(f.match) for f in hits))
                yield ExampleResult(rule, kind, text, ok, detail)


def _names(rule: Rule, f: Finding) -> bool:
    """Whether the finding is this rule's, alone or merged with others on the same claim.

    A learned rule owns its category's sentence findings: the model decides the category.
    """
    if rule.level == LEARNED:
        return f.category == rule.category and not f.is_document_level
    return rule.id == f.rule or rule.id in f.merged


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def _touches(g: Finding, lo: int, hi: int) -> bool:
    """Whether g's words overlap ``lo:hi`` or, for a deletion (lo == hi), span the gap."""
    start = g.start + len(g.match) - len(g.match.lstrip())
    end = g.end - len(g.match) + len(g.match.rstrip())
    return start < hi and end > lo if hi > lo else start < lo < end


def check_suggestions(linter: Linter) -> Iterator[ExampleResult]:
    """Apply each suggestion to its flag example and lint the whole sentence again.

    No rule may newly fire on the new wording (or across the gap a dropped word left),
    the rule itself must fire less often in the sentence, and the sentence must read as
    cleanly as before (grammar.problems).
    """
    from .grammar import problems

    linter = linter.without_model()
    for rule in linter.ruleset.rules:
        for text in rule.examples.flag:
            found = linter.lint_text(text, "example.txt")
            own = sum(1 for g in found if _names(rule, g))
            before = {(g.rule, _words(g.match)) for g in found}
            for f in found:
                if f.rule != rule.id:
                    continue
                for suggestion in f.suggestions:
                    fixed = text[: f.start] + suggestion + text[f.end :]
                    lo, hi = f.start, f.start + len(suggestion)
                    relinted = linter.lint_text(fixed, "example.txt")
                    again = [g for g in relinted if not g.is_document_level
                             and (g.rule, _words(g.match)) not in before
                             and _touches(g, lo, hi)]
                    detail = [f"{g.rule} on {g.match!r}" for g in again]
                    if sum(1 for g in relinted if _names(rule, g)) >= own:
                        detail.append(f"{rule.id} still fires in the sentence")
                    detail += sorted(set(problems(text, fixed)) - set(problems(text, text)))
                    yield ExampleResult(rule, "suggestion", fixed, not detail, ", ".join(detail))
