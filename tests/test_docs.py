"""Generated documentation stays in step with the rule packs."""

from __future__ import annotations

from pathlib import Path

from claimlint.report.rules_md import render
from claimlint.ruleset import available_packs, load_ruleset

ROOT = Path(__file__).resolve().parents[1]
COMMAND = "claimlint rules --packs " + ",".join(available_packs()) + " --format markdown"


def test_rules_reference_is_not_stale() -> None:
    expected = render(load_ruleset(tuple(available_packs())).rules)
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == expected, f"docs/rules.md is stale: run `{COMMAND} > docs/rules.md`"
