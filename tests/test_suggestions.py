"""Suggestions a writer can accept: exact rewrites of our own clinic copy, through the CLI.

tests/data/suggestions.yaml lists sentences, the rule whose suggestion is checked, the
sentence `claimlint check --diff --unsafe-fixes` must turn it into, and whether the
fix is safe (plain --diff shows it), unsafe (only with --unsafe-fixes) or none (the
rule fires but no wording fits there, so the sentence is left alone).
"""

from __future__ import annotations

import contextlib
import io
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from claimlint import Linter, Options
from claimlint.cli import main
from claimlint.grammar import problems
from claimlint.ruleset import available_packs, load_ruleset

DATA = Path(__file__).resolve().parent / "data" / "suggestions.yaml"
ENTRIES: list[dict[str, Any]] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
PACKS = tuple(available_packs())
_LINTER = Linter(Options(packs=PACKS, model="none"))


def _ids() -> list[str]:
    seen: dict[str, int] = defaultdict(int)
    out = []
    for entry in ENTRIES:
        seen[entry["rule"]] += 1
        out.append(f"{entry['rule']}:{seen[entry['rule']]}")
    return out


def _diff(files: dict[int, Path], rule: str, unsafe: bool) -> tuple[dict[int, str], str]:
    """Run `check --diff` on the files; return each file's new line and the run's stderr."""
    out, err = io.StringIO(), io.StringIO()
    argv = ["check", "--diff", "--model", "none", "--packs", ",".join(PACKS), "--select", rule,
            "--jobs", "1", *(["--unsafe-fixes"] if unsafe else []), *map(str, files.values())]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    assert code in (0, 1), err.getvalue()
    by_path = {str(p): i for i, p in files.items()}
    rewritten: dict[int, str] = {}
    for block in re.split(r"^--- a/", out.getvalue(), flags=re.M)[1:]:
        path = re.search(r"^\+\+\+ b/(.*)$", block, re.M)
        added = [line[1:] for line in block.splitlines() if line.startswith("+")
                 and not line.startswith("+++")]
        assert path and len(added) == 1, block
        rewritten[by_path[path.group(1)]] = added[0]
    return rewritten, err.getvalue()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory
         ) -> tuple[dict[int, tuple[str, str]], dict[str, str]]:
    """Each entry's line after plain --diff and after --diff --unsafe-fixes (one file each),
    and each rule's plain --diff stderr."""
    folder = tmp_path_factory.mktemp("suggestions")
    groups: dict[str, dict[int, Path]] = defaultdict(dict)
    for i, entry in enumerate(ENTRIES):
        path = folder / f"{i:03d}.{entry.get('file', 'txt')}"
        path.write_text(entry["sentence"] + "\n", encoding="utf-8")
        groups[entry["rule"]][i] = path
    out: dict[int, tuple[str, str]] = {}
    hints: dict[str, str] = {}
    for rule, files in groups.items():
        safe, hints[rule] = _diff(files, rule, unsafe=False)
        unsafe, _ = _diff(files, rule, unsafe=True)
        for i in files:
            sentence = ENTRIES[i]["sentence"]
            out[i] = (safe.get(i, sentence), unsafe.get(i, sentence))
    return out, hints


@pytest.fixture(scope="module")
def rewrites(runs: tuple[dict[int, tuple[str, str]], dict[str, str]]
             ) -> dict[int, tuple[str, str]]:
    return runs[0]


@pytest.mark.parametrize("rule", sorted({e["rule"] for e in ENTRIES}))
def test_plain_diff_says_how_many_fixes_need_unsafe_fixes(
        rule: str, runs: tuple[dict[int, tuple[str, str]], dict[str, str]]) -> None:
    unsafe = sum(1 for e in ENTRIES if e["rule"] == rule and e["applicability"] == "unsafe")
    hint = re.search(r"claimlint: (\d+) fix(?:es)? available with --unsafe-fixes", runs[1][rule])
    assert bool(hint) == bool(unsafe)
    assert hint is None or int(hint.group(1)) >= unsafe


def _fires(rule: str, text: str, fmt: str) -> list[str]:
    return [f.match for f in _LINTER.lint_text(text, f"x.{fmt}")
            if rule in (f.rule, *f.merged)]


@pytest.mark.parametrize("index", range(len(ENTRIES)), ids=_ids())
def test_the_cli_rewrites_the_sentence_exactly(index: int,
                                               rewrites: dict[int, tuple[str, str]]) -> None:
    entry = ENTRIES[index]
    sentence, expected, kind = entry["sentence"], entry["expected"], entry["applicability"]
    safe, unsafe = rewrites[index]
    assert unsafe == expected
    # A safe fix is applied without --unsafe-fixes; an unsafe one only with it.
    assert safe == (expected if kind == "safe" else sentence)
    if kind == "none":
        assert expected == sentence
        assert _fires(entry["rule"], sentence, entry.get("file", "txt")), "the rule must fire"


@pytest.mark.parametrize("index", range(len(ENTRIES)), ids=_ids())
def test_the_rewrite_is_clean_and_no_longer_triggers_its_rule(index: int) -> None:
    entry = ENTRIES[index]
    fmt = entry.get("file", "txt")
    assert _fires(entry["rule"], entry["sentence"], fmt), "the sentence must trigger its rule"
    if entry["applicability"] == "none":
        return
    assert problems(entry["sentence"], entry["expected"]) == []
    assert _fires(entry["rule"], entry["expected"], fmt) == []


def test_the_set_is_large_and_covers_every_rule_with_wording() -> None:
    rewrites = [e for e in ENTRIES if e["applicability"] != "none"]
    assert len(rewrites) >= 150
    assert {e["applicability"] for e in ENTRIES} == {"safe", "unsafe", "none"}
    with_wording = {r.id for r in load_ruleset(PACKS).rules if r.suggest}
    assert with_wording == {e["rule"] for e in rewrites}
    assert len({e["sentence"] for e in ENTRIES}) == len(ENTRIES)


@pytest.mark.parametrize("before,after,found", [
    ("A revolutionary serum.", "A  serum.", ["a double space"]),
    ("A revolutionary exosome serum.", "A exosome serum.", ["'A exosome' needs 'an'"]),
    ("An FDA-registered, cGMP lab.", "An cGMP lab.", ["'An cGMP' needs 'a'"]),
    ("A revolutionary LED mask.", "A LED mask.", ["'A LED' needs 'an'"]),
    ("The peel is virtually painless.", "The peel is virtually mildly sore.",
     ["a grading adverb before words it cannot grade"]),
    ("Revolutionary care.", "care.", ["the sentence no longer starts with a capital"]),
    ("A gentle, revolutionary peel.", "A gentle , peel.", ["a space before punctuation"]),
    ("It is truly revolutionary.", "It is truly.", ["an adverb left without its word"]),
    ("The next big thing.", "The a new area.", ["two determiners in a row"]),
    ("An LED mask for a PRP facial.", "An LED mask for a PRP facial.", []),
])
def test_grammar_checks_catch_what_a_broken_rewrite_looks_like(
        before: str, after: str, found: list[str]) -> None:
    assert problems(before, after) == found
