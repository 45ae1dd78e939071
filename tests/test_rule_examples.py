"""Every rule's own examples are tests: flag examples fire it, pass examples do not."""

from __future__ import annotations

import pytest

from claimlint import Linter, Options
from claimlint.ruleset import available_packs, load_ruleset
from claimlint.selftest import ExampleResult, check_examples, check_suggestions

_LINTER = Linter(Options(packs=tuple(available_packs())))
_EXAMPLES = list(check_examples(_LINTER))
_SUGGESTIONS = list(check_suggestions(_LINTER))


def _ids(results: list[ExampleResult]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for r in results:
        key = f"{r.rule.id}:{r.kind}"
        seen[key] = seen.get(key, 0) + 1
        out.append(f"{key}:{seen[key]}")
    return out


@pytest.mark.parametrize("result", _EXAMPLES, ids=_ids(_EXAMPLES))
def test_rule_example(result: ExampleResult) -> None:
    assert result.ok, f"{result.rule.path}:{result.rule.line}: {result.text!r}: {result.detail}"


@pytest.mark.parametrize("result", _SUGGESTIONS, ids=_ids(_SUGGESTIONS))
def test_suggestion_triggers_no_rule(result: ExampleResult) -> None:
    assert result.ok, f"suggested wording {result.text!r} triggers {result.detail}"


def test_every_rule_has_examples_of_both_kinds() -> None:
    ruleset = load_ruleset(tuple(available_packs()))
    kinds = {(r.rule.id, r.kind) for r in _EXAMPLES}
    for rule in ruleset.rules:
        assert (rule.id, "flag") in kinds and (rule.id, "pass") in kinds, rule.id
