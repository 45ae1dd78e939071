"""A rule pack or config cannot take a run down (issue 11, section 3), through the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from claimlint.errors import RuleFileError
from claimlint.regexsafety import backtracking_risk
from claimlint.ruleset import available_packs, load_ruleset
from claimlint.yamlload import load_yaml

# Generous: a start-up takes seconds; a regression hangs for minutes.
HANG_GUARD = 120

RULE = """\
rules:
  - id: hype.hostile
    category: hype
    severity: warning
    message: "'{{match}}' is hostile."
    rationale: A rule written to test what claimlint refuses.
    references: [{{title: Issue 11, url: "https://example.org/11"}}]
    match:
      regex: '{regex}'
    examples:
      flag: ["{flag}"]
      pass: ["Nothing to see here."]
"""


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI; a hang fails the test instead of stalling the suite."""
    return subprocess.run([sys.executable, "-m", "claimlint", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=HANG_GUARD)


def rule_file(tmp_path: Path, regex: str, flag: str = "aaaa") -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(RULE.format(regex=regex, flag=flag), encoding="utf-8")
    return path


def page(tmp_path: Path) -> Path:
    path = tmp_path / "page.md"
    path.write_text("Our serum is a miracle. " + "a" * 60 + "!\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("regex", [r"(a+)+$", r"(x+x+)+y", r"(\w+\s?)*$", r"(a|aa)*$",
                                   r"^(\d+)*$", r"(?:a*)*b"])
def test_catastrophic_regex_is_refused_at_load(tmp_path: Path, regex: str) -> None:
    rules = rule_file(tmp_path, regex)
    result = run(["check", "--rules", str(rules), str(page(tmp_path))], tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{rules}:9:14: regex {regex!r} can backtrack catastrophically" in result.stderr


def test_catastrophic_regex_is_refused_by_test_rules(tmp_path: Path) -> None:
    rules = rule_file(tmp_path, r"(a+)+$", flag="a" * 40 + "!")
    result = run(["test-rules", str(rules)], tmp_path)
    assert result.returncode == 2
    assert f"{rules}:9:14:" in result.stderr


def test_slow_regex_the_static_check_lets_through_fails_test_rules(tmp_path: Path) -> None:
    # Polynomial, not exponential: allowed at load, but n**6 on a long run of a's.
    regex = "a*a*a*a*a*a*[bc]"
    assert not backtracking_risk(regex)
    rules = rule_file(tmp_path, regex, flag="a" * 3000 + "!")
    result = run(["test-rules", str(rules)], tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{rules}:2:1: rule hype.hostile: regex '{regex}' took over" in result.stderr


def test_safe_repeats_still_load() -> None:
    for regex in (r"\b(?:very\s+|really\s+)*good", r"(?:\s+\w+)*", r"(?:[\w-]+\s+){0,4}?x",
                  r"(?:leading\s+|most\s+|many\s+)*doctors", r"(a++)+$", r"(?:{@disease}\s+)?x"):
        assert not backtracking_risk(regex), regex


def test_no_bundled_regex_backtracks_catastrophically() -> None:
    # Loading skips the check for bundled packs, so it runs here.
    ruleset = load_ruleset(tuple(available_packs()))
    risky = [(rule.id, rx) for rule in ruleset.rules
             for m in (rule.match, rule.when.sentence_has, rule.when.document_has,
                       rule.unless.phrases, rule.unless.sentence_has, rule.required)
             for rx in m.regex if backtracking_risk(rx)]
    assert not risky


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))
HOSTILE_YAML = {
    "alias-bomb": (BOMB, "aliases expand this file past"),
    "python-name": ("x: !!python/name:os.system\n", "tag '!!python/name:os.system' is not allowed"),
    "python-apply": ("x:\n  - !!python/object/apply:os.system ['echo hi']\n",
                     "tag '!!python/object/apply:os.system' is not allowed"),
    "deep": ("x: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 64 levels deep"),
    "self-alias": ("x: &a [1, *a]\n", "alias '*a' refers to the node that contains it"),
}
WHERE = {"alias-bomb": "6:8", "python-name": "1:4", "python-apply": "2:5", "deep": "1:67",
         "self-alias": "1:11"}


@pytest.mark.parametrize("case", sorted(HOSTILE_YAML))
def test_hostile_yaml_in_a_rule_file_is_refused(tmp_path: Path, case: str) -> None:
    text, message = HOSTILE_YAML[case]
    rules = tmp_path / "rules.yaml"
    rules.write_text(text, encoding="utf-8")
    result = run(["check", "--rules", str(rules), str(page(tmp_path))], tmp_path)
    assert result.returncode == 2
    assert f"{rules}:{WHERE[case]}: {message}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("case", sorted(HOSTILE_YAML))
def test_hostile_yaml_in_the_config_is_refused(tmp_path: Path, case: str) -> None:
    text, message = HOSTILE_YAML[case]
    config = tmp_path / ".claimlint.yaml"
    config.write_text(text, encoding="utf-8")
    result = run(["check", str(page(tmp_path))], tmp_path)
    assert result.returncode == 2
    assert f"{config}:{WHERE[case]}: {message}" in result.stderr
    assert "Traceback" not in result.stderr


def test_anchors_within_limits_still_work() -> None:
    data = load_yaml("base: &b {terms: [a, b]}\nuse: *b\n", "x.yaml", RuleFileError)
    assert data["use"] == {"terms": ["a", "b"]}


def test_large_vocabulary_loads(tmp_path: Path) -> None:
    terms = "".join(f"    - revolutionary clinic {n}\n" for n in range(50_000))
    (tmp_path / ".claimlint.yaml").write_text(f"vocabulary:\n  accept:\n{terms}",
                                              encoding="utf-8")
    (tmp_path / "page.md").write_text(
        "Visit Revolutionary Clinic 49999 today. A revolutionary treatment.\n", encoding="utf-8")
    result = run(["check", "--format", "json", "page.md"], tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.count('"hype.superlative"') == 1
