"""Pack hygiene: the built-in packs load together and are well formed."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from claimlint.findings import Applicability
from claimlint.ruleset import CATEGORIES, DEFAULT_PACKS, REGIONS, available_packs, load_ruleset

REQUIRED_PACKS = {"core", "us-ftc", "us-fda", "uk-cap", "au-ahpra", "ad-platforms"}


def test_all_packs_load_together_with_unique_ids() -> None:
    ruleset = load_ruleset(tuple(available_packs()))
    counts = Counter(r.id for r in ruleset.rules)
    assert [i for i, n in counts.items() if n > 1] == []
    assert {r.category for r in ruleset.rules} <= set(CATEGORIES)


def test_default_packs_exist() -> None:
    assert set(DEFAULT_PACKS) <= set(available_packs())


def test_core_covers_every_category() -> None:
    core = load_ruleset(("core",))
    assert {r.category for r in core.rules} == set(CATEGORIES)
    doc_rules = [r for r in core.rules if r.level == "document"]
    assert {r.category for r in doc_rules} == {"missing-disclosure"}


def test_every_rule_is_cited_and_explained() -> None:
    for rule in load_ruleset(tuple(available_packs())).rules:
        assert rule.references, rule.id
        assert all(ref.url.startswith(("http://", "https://")) for ref in rule.references)
        assert len(rule.rationale) > 40, rule.id
        assert rule.id.startswith(rule.category + ".")


def test_every_reference_and_regional_pack_names_its_region() -> None:
    for rule in load_ruleset(tuple(available_packs())).rules:
        assert all(ref.region in REGIONS for ref in rule.references), rule.id
    for name in REQUIRED_PACKS - {"core"}:  # core is jurisdiction-neutral
        text = available_packs()[name].read_text(encoding="utf-8")
        assert re.search(r"^region: [a-z]+", text, re.MULTILINE), name


def test_fix_safety_is_consistent() -> None:
    safe = []
    for rule in load_ruleset(tuple(available_packs())).rules:
        if Applicability.SAFE in (rule.fix, rule.drop_fix):
            safe.append(rule.id)
            assert rule.category == "hype", rule.id  # only dropping puffery is safe
            assert all(len(ws) == 1 for w in rule.suggest
                       for ws in (w.before_noun, w.otherwise) if ws), rule.id
        assert rule.fix is not Applicability.SAFE or rule.drop_fix is None, rule.id
        if rule.fix is not Applicability.DISPLAY_ONLY:
            assert rule.suggest, rule.id
    assert {"hype.superlative", "hype.intensifier"} <= set(safe)


def test_every_jurisdiction_pack_is_shipped_with_rules() -> None:
    packs = available_packs()
    assert set(packs) >= REQUIRED_PACKS
    for name in REQUIRED_PACKS:
        assert load_ruleset((name,) if name == "core" else ("core", name)).rules


def test_libyaml_and_pure_python_parsers_read_packs_alike(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    import yaml

    from claimlint import yamlload

    def marks(value: object) -> object:
        if isinstance(value, dict):
            return (value.mark, value.key_marks, value.value_marks,  # type: ignore[attr-defined]
                    {k: marks(v) for k, v in value.items()})
        if isinstance(value, list):
            return (value.mark, value.item_marks, [marks(v) for v in value])  # type: ignore[attr-defined]
        return value

    texts = {name: path.read_text(encoding="utf-8") for name, path in available_packs().items()}
    fast = {name: marks(yamlload.load_yaml(text, name)) for name, text in texts.items()}
    monkeypatch.setattr(yamlload, "_LOADER", yaml.SafeLoader)
    assert fast == {name: marks(yamlload.load_yaml(text, name)) for name, text in texts.items()}
