"""Validate a rule's ``suggest:`` wordings and ``fix:`` safety; errors point to path:line:col.

A wording is text or a list of candidates, "" to drop the matched term, or a mapping
that gives the uses their own: ``before-noun`` (the match describes a following noun)
and ``otherwise``. Only dropping puffery keeps a claim's meaning, so only a hype
rule's drops may be ``safe``; a rewording is at most ``unsafe``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .findings import Applicability
from .ruleset import Wording
from .yamlload import Mark, MarkedDict, MarkedList

if TYPE_CHECKING:
    from .rulecheck import Checker

_USES = {"before-noun", "otherwise"}
_FIX_KINDS = {"drop", "reword"}
_LEVELS = ("display-only", "unsafe", "safe")


def suggest(checker: Checker, node: MarkedDict) -> tuple[Wording, ...]:
    """Check a rule's suggested wordings, per matched term and, if given, per use."""
    raw = checker.mapping(node["suggest"], node.value_marks["suggest"], "suggest")
    out = []
    for key, value in raw.items():
        what = f"suggest '{key}'"
        if not isinstance(value, MarkedDict):
            texts = wordings(checker, value, raw.value_marks[key], what, key, False)
            out.append(Wording(key, texts, texts))
            continue
        checker.keys(value, _USES, what)
        if not value:
            raise checker.fail(raw.value_marks[key], f"{what} needs 'before-noun' or 'otherwise'")
        uses = {use: wordings(checker, value[use], value.value_marks[use], f"{what} {use}", key,
                              use == "before-noun") for use in value}
        out.append(Wording(key, uses.get("before-noun"), uses.get("otherwise")))
    return tuple(out)


def wordings(checker: Checker, node: Any, mark: Mark, what: str, term: str,
             before_noun: bool) -> tuple[str, ...]:
    """Check one use's wordings: "" drops the term; before a noun, adjectives only."""
    from .grammar import DETERMINERS, fits_before_noun, without_determiner

    if node == "":
        return ("",)
    items = checker.strings(node, mark, what)
    marks = node.item_marks if isinstance(node, MarkedList) else [mark] * len(items)
    for item, m in zip(items, marks, strict=True):
        bare = without_determiner(item) if term.split()[0].lower() in DETERMINERS else item
        if before_noun and not is_drop(term, item) and not fits_before_noun(bare):
            raise checker.fail(m, f"{what}: '{item}' cannot describe a noun (\"our {item} "
                               "serum\"); give an adjective such as 'new', or \"\" to drop the "
                               "word")
    return items


def fix(checker: Checker, node: MarkedDict, suggest: tuple[Wording, ...],
        category: str) -> tuple[Applicability, Applicability | None]:
    """Check ``fix``: one level, or one for drops and one for rewordings.

    Only a drop of puffery is safe (it removes words and adds no claim); a rewording
    changes what the copy claims, and several candidates leave the choice to a person.
    """
    kinds = [(w, is_drop(x.term, w)) for x in suggest for w in x.wordings]
    default = "unsafe" if suggest else "display-only"
    value = node.get("fix")
    if isinstance(value, MarkedDict):
        checker.keys(value, _FIX_KINDS, "fix")
        reword = Applicability(checker.choice(value, "reword", _LEVELS, default))
        drop = Applicability(checker.choice(value, "drop", _LEVELS, default))
        if reword is Applicability.SAFE:
            raise checker.fail(value.value_marks["reword"], "fix.reword cannot be safe: a "
                               "rewording changes what the copy claims; use unsafe")
        if drop is Applicability.SAFE:
            _safe_drops(checker, value.value_marks["drop"], suggest, category, "fix.drop: safe")
        if "drop" in value and not any(d for _, d in kinds):
            raise checker.fail(value.value_marks["drop"], "fix.drop needs a wording that drops "
                               "words (\"\", or fewer of the term's own words)")
        return reword, drop
    level = Applicability(checker.choice(node, "fix", _LEVELS, default))
    mark = node.value_marks.get("fix")
    if level is Applicability.SAFE and mark is not None:
        _safe_drops(checker, mark, suggest, category, "fix: safe")
        reworded = [w for w, d in kinds if not d]
        if reworded:
            raise checker.fail(mark, f"fix: safe needs every wording to drop words, but "
                               f"'{reworded[0]}' rewords the claim; use fix: {{drop: safe, "
                               "reword: unsafe}")
    if level is not Applicability.DISPLAY_ONLY and not suggest and mark is not None:
        raise checker.fail(mark, f"fix: {level.value} needs 'suggest' wording to apply")
    return level, None


def _safe_drops(checker: Checker, mark: Mark, suggest: tuple[Wording, ...], category: str,
                what: str) -> None:
    """A safe drop removes puffery (a hype rule's words), one wording per use."""
    if category != "hype":
        raise checker.fail(mark, f"{what} is only for hype rules: dropping a {category} "
                           "term changes a claim, so it is at most unsafe")
    if any(len(ws) > 1 for x in suggest for ws in (x.before_noun, x.otherwise) if ws):
        raise checker.fail(mark, f"{what}: a rule with several candidate wordings cannot be "
                           "safe")


def is_drop(term: str, wording: str) -> bool:
    """True when ``wording`` only leaves words of ``term`` out ("" leaves all out)."""
    from .suggest import drop_keeps

    return drop_keeps(term.split(), wording.split()) is not None
