"""Check rules against their own examples and their suggestions against every rule."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .api import Linter
from .ruleset import Rule


@dataclass(frozen=True, slots=True)
class ExampleResult:
    """The outcome of one rule example."""

    rule: Rule
    kind: str  # "flag" or "pass"
    text: str
    ok: bool
    detail: str = ""


def check_examples(linter: Linter) -> Iterator[ExampleResult]:
    """Lint every example of every rule and say whether the rule behaved as promised."""
    for rule in linter.ruleset.rules:
        for kind, texts in (("flag", rule.examples.flag), ("pass", rule.examples.passing)):
            for text in texts:
                hits = [f for f in linter.lint_text(text, "example.txt") if f.rule == rule.id]
                ok = bool(hits) if kind == "flag" else not hits
                detail = "" if ok else (
                    "not flagged" if kind == "flag" else
                    "flagged: " + ", ".join(repr(f.match) for f in hits))
                yield ExampleResult(rule, kind, text, ok, detail)


def check_suggestions(linter: Linter) -> Iterator[ExampleResult]:
    """Apply each suggestion to its flag example; no rule may fire on the new wording."""
    for rule in linter.ruleset.rules:
        for text in rule.examples.flag:
            for f in linter.lint_text(text, "example.txt"):
                if f.rule != rule.id:
                    continue
                for suggestion in f.suggestions:
                    fixed = text[: f.start] + suggestion + text[f.end :]
                    span = (f.start, f.start + len(suggestion))
                    again = [
                        g for g in linter.lint_text(fixed, "example.txt")
                        if g.start < span[1] and g.end > span[0] and not g.is_document_level
                    ]
                    detail = ", ".join(f"{g.rule} on {g.match!r}" for g in again)
                    yield ExampleResult(rule, "suggestion", fixed, not again, detail)
