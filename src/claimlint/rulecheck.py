"""Validate rule files against the rule schema; every error points to path:line:col."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

from . import rulewording as wording
from .document import SCOPES
from .errors import RuleFileError
from .findings import Reference, Severity
from .regexsafety import VOCAB_IN_REGEX, backtracking_risk
from .ruleset import (
    CATEGORIES,
    REGIONS,
    VOCAB_REF,
    Examples,
    Matchers,
    Rule,
    Unless,
    When,
    builtin_rules_dir,
    did_you_mean,
    expand_terms,
)
from .vocabregex import VocabRegex, expand_regex, regex_error
from .yamlload import Mark, MarkedDict, MarkedList

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+$")
_TOP_KEYS = {"pack", "description", "region", "vocabulary", "rules"}
_RULE_KEYS = {
    "id", "category", "severity", "message", "rationale", "references", "scope", "level",
    "match", "when", "unless", "hedged_severity", "suggest", "advice", "fix", "examples",
    "trigger", "required", "replaced_by",
}
_MATCH_KEYS = {"terms", "patterns", "regex"}
_WHEN_KEYS = {"sentence_has", "document_has"}
_UNLESS_KEYS = {"negated", "reported", "hedged", "question", "cited", "phrases", "sentence_has"}


class Checker:
    """Validates one rule file and reports errors at path:line:col."""

    def __init__(self, path: str, text: str, vocabulary: dict[str, tuple[str, ...]] | None = None):
        """Check the rule file at ``path`` (its ``text`` quotes lines in errors)."""
        self.path, self.lines, self.vocabulary = path, text.splitlines(), vocabulary
        self.bundled = Path(path).resolve().parent == builtin_rules_dir().resolve()

    def fail(self, mark: Mark, message: str) -> RuleFileError:
        """Return the error to raise for ``mark``, quoting the offending line."""
        line = self.lines[mark.line - 1] if 0 < mark.line <= len(self.lines) else ""
        return RuleFileError(self.path, mark.line, mark.column, message, line)

    def keys(self, node: MarkedDict, allowed: set[str], what: str) -> None:
        """Refuse a key that ``allowed`` does not name, suggesting the closest one."""
        for key in node:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                raise self.fail(node.key_marks[key], f"unknown key '{key}' in {what}{hint}")

    def mapping(self, node: Any, mark: Mark, what: str) -> MarkedDict:
        """Return ``node`` if it is a mapping, else fail."""
        if not isinstance(node, MarkedDict):
            raise self.fail(mark, f"{what} must be a mapping")
        return node

    def strings(self, node: Any, mark: Mark, what: str) -> tuple[str, ...]:
        """Return a text or list of texts; ``@name`` entries must name a vocabulary."""
        if isinstance(node, str):
            node_list: list[Any] = [node]
            marks = [mark]
        elif isinstance(node, MarkedList):
            node_list, marks = list(node), node.item_marks
        else:
            raise self.fail(mark, f"{what} must be a list of text")
        for item, m in zip(node_list, marks, strict=True):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(m, f"{what} entries must be non-empty text")
            ref = VOCAB_REF.match(item)
            if ref and self.vocabulary is not None and ref.group(1) not in self.vocabulary:
                hint = did_you_mean(ref.group(1), self.vocabulary)
                raise self.fail(m, f"unknown vocabulary '{item}'{hint}")
        return tuple(node_list)

    def top(self, data: Any) -> MarkedDict:
        """Check a file's top level: its keys, vocabularies and rules list."""
        if data is None:
            return MarkedDict()
        node = self.mapping(data, Mark(1, 1), "a rule file")
        self.keys(node, _TOP_KEYS, "the rule file")
        vocab = node.get("vocabulary", {})
        if vocab:
            vocab = self.mapping(vocab, node.value_marks["vocabulary"], "vocabulary")
            for name in vocab:
                if not re.fullmatch(r"[a-z0-9_-]+", name):
                    raise self.fail(vocab.key_marks[name], f"bad vocabulary name '{name}'")
                self.strings(vocab[name], vocab.value_marks[name], f"vocabulary '{name}'")
        if "rules" in node and not isinstance(node["rules"], MarkedList):
            raise self.fail(node.value_marks["rules"], "rules must be a list")
        self.choice(node, "region", REGIONS, "")
        return node

    def matchers(self, node: Any, mark: Mark, what: str) -> Matchers:
        """Check terms, token patterns and regexes (compiled and checked for backtracking)."""
        node = self.mapping(node, mark, what)
        self.keys(node, _MATCH_KEYS, what)
        vm = node.value_marks
        terms = self.strings(node["terms"], vm["terms"], "terms") if "terms" in node else ()
        if self.vocabulary is not None:
            terms = expand_terms(terms, self.vocabulary)
        regex = self.strings(node["regex"], vm["regex"], "regex") if "regex" in node else ()
        expanded = []
        large: dict[str, tuple[str, ...]] = {}  # vocabularies matched per text (vocabregex.py)
        for i, rx in enumerate(regex):
            at = vm["regex"] if isinstance(node["regex"], str) else node["regex"].item_marks[i]
            if self.vocabulary is not None:
                for ref in VOCAB_IN_REGEX.finditer(rx):
                    if ref.group(1) not in self.vocabulary:
                        hint = did_you_mean(ref.group(1), self.vocabulary)
                        raise self.fail(at, f"unknown vocabulary '{ref.group(0)}' in regex{hint}")
                rx = expand_regex(rx, self.vocabulary)
                large.update((name, self.vocabulary[name]) for name in VOCAB_IN_REGEX.findall(rx))
            if VOCAB_IN_REGEX.search(rx):
                try:
                    # The regex as it runs, with a few terms of each large vocabulary:
                    # the others are alternatives of the same shape.
                    VocabRegex(rx, large)
                    error = None
                except re.error as exc:
                    error = str(exc)
            else:
                error = regex_error(rx)
            if error:
                raise self.fail(at, f"bad regex {regex[i]!r}: {error}") from None
            # Bundled packs are checked by the test suite; only a user's file costs load time.
            if not self.bundled and backtracking_risk(regex[i]):
                raise self.fail(at, f"regex {regex[i]!r} can backtrack catastrophically: a "
                                "repeat inside a repeat (or alternatives under one) can match "
                                "the same text in many ways, as in (a+)+ or (\\w+\\s?)*; make "
                                "each repeated part unable to start with what may follow it")
            expanded.append(rx)
        regex = tuple(expanded)
        patterns: list[tuple[dict[str, Any], ...]] = []
        if "patterns" in node:
            raw = node["patterns"]
            if not isinstance(raw, MarkedList):
                raise self.fail(vm["patterns"], "patterns must be a list of token patterns")
            for item, m in zip(raw, raw.item_marks, strict=True):
                patterns.append(self.pattern(item, m))
        result = Matchers(terms, tuple(patterns), regex, tuple(sorted(large.items())))
        if not result:
            raise self.fail(mark, f"{what} needs at least one of terms, patterns, regex")
        return result

    def pattern(self, item: Any, mark: Mark) -> tuple[dict[str, Any], ...]:
        """Check one spaCy token pattern with spaCy's own validator."""
        from spacy.errors import MatchPatternError
        from spacy.matcher import Matcher

        from .nlp import shared_vocab

        if not isinstance(item, MarkedList) or not item:
            raise self.fail(mark, "a token pattern must be a non-empty list of token mappings")
        plain = [_plain(tok) for tok in item]
        try:
            Matcher(shared_vocab(), validate=True).add("check", [plain])
        except (MatchPatternError, ValueError, TypeError, KeyError) as exc:
            raise self.fail(mark, f"invalid token pattern: {_pattern_problem(str(exc))}") from None
        return tuple(plain)

    def rule(self, raw: Any, pack: str) -> Rule:
        """Check one rule and return it."""
        node = self.mapping(raw, getattr(raw, "mark", Mark(1, 1)), "a rule")
        self.keys(node, _RULE_KEYS, "a rule")
        vm = node.value_marks
        for key in ("id", "category", "severity", "message", "rationale", "references", "examples"):
            if key not in node:
                raise self.fail(node.mark, f"rule is missing required key '{key}'")
        rule_id = self.text(node, "id")
        if not _ID.match(rule_id):
            raise self.fail(vm["id"], f"rule id '{rule_id}' must look like category.slug")
        category = self.text(node, "category")
        if category not in CATEGORIES:
            raise self.fail(vm["category"], f"unknown category '{category}'"
                            f"{did_you_mean(category, CATEGORIES)}")
        if not rule_id.startswith(category + "."):
            raise self.fail(vm["id"], f"rule id '{rule_id}' must start with its category "
                            f"'{category}.'")
        level = self.choice(node, "level", ("sentence", "document", "learned"), "sentence")
        message = self.text(node, "message")
        fields = {f for _, f, _, _ in string.Formatter().parse(message) if f is not None}
        if fields - {"match"}:
            raise self.fail(vm["message"], "message may only use the placeholder {match}")
        kwargs: dict[str, Any] = {}
        if level == "document":
            for key in ("trigger", "required"):
                if key not in node:
                    raise self.fail(node.mark, f"a document rule needs '{key}'")
            trigger = self.strings(node["trigger"], vm["trigger"], "trigger")
            for t in trigger:
                if t not in CATEGORIES:
                    raise self.fail(vm["trigger"], f"trigger names unknown category '{t}'")
            kwargs["trigger"] = trigger
            kwargs["required"] = self.matchers(node["required"], vm["required"], "required")
        elif level == "learned":  # the claim model finds these; the rule names and cites them
            if "match" in node:
                raise self.fail(vm["match"], "a learned rule has no 'match': the model finds it")
        else:
            if "match" not in node:
                raise self.fail(node.mark, "rule is missing required key 'match'")
            kwargs["match"] = self.matchers(node["match"], vm["match"], "match")
        if "scope" in node:
            scope = self.strings(node["scope"], vm["scope"], "scope")
            for s in scope:
                if s not in SCOPES:
                    raise self.fail(vm["scope"], f"unknown scope '{s}'{did_you_mean(s, SCOPES)}"
                                    f"; scopes: {', '.join(SCOPES)}")
            kwargs["scope"] = scope
        if "when" in node:
            kwargs["when"] = self.when(node["when"], vm["when"])
        if "unless" in node:
            kwargs["unless"] = self.unless(node["unless"], vm["unless"])
        if "hedged_severity" in node:
            kwargs["hedged_severity"] = Severity(
                self.choice(node, "hedged_severity", ("error", "warning", "info"), "info"))
        suggest = wording.suggest(self, node) if "suggest" in node else ()
        fix, drop_fix = wording.fix(self, node, suggest, category)
        return Rule(
            id=rule_id,
            category=category,
            severity=Severity(self.choice(node, "severity", ("error", "warning", "info"), "")),
            message=message,
            rationale=" ".join(self.text(node, "rationale").split()),
            references=self.references(node),
            examples=self.examples(node),
            pack=pack,
            path=self.path,
            line=node.mark.line,
            level=level,
            suggest=suggest,
            advice=" ".join(self.text(node, "advice").split()) if "advice" in node else "",
            fix=fix,
            drop_fix=drop_fix,
            replaced_by=self.text(node, "replaced_by") if "replaced_by" in node else None,
            **kwargs,
        )

    def text(self, node: MarkedDict, key: str) -> str:
        """Return the non-empty text under ``key``."""
        value = node[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(node.value_marks[key], f"'{key}' must be non-empty text")
        return value

    def choice(self, node: MarkedDict, key: str, options: tuple[str, ...], default: str) -> str:
        """Return the value under ``key`` (one of ``options``), or ``default``."""
        if key not in node:
            return default
        value = node[key]
        if value not in options:
            raise self.fail(node.value_marks[key], f"'{key}' must be one of {', '.join(options)}, "
                            f"not {value!r}{did_you_mean(str(value), options)}")
        return str(value)

    def references(self, node: MarkedDict) -> tuple[Reference, ...]:
        """Check a rule's references: each a title, an http(s) url and maybe a region."""
        raw, mark = node["references"], node.value_marks["references"]
        if not isinstance(raw, MarkedList) or not raw:
            raise self.fail(mark, "references must be a non-empty list of {title, url}")
        refs = []
        for item, m in zip(raw, raw.item_marks, strict=True):
            item = self.mapping(item, m, "a reference")
            self.keys(item, {"title", "url", "region"}, "a reference")
            title, url = item.get("title"), item.get("url")
            if not isinstance(title, str) or not isinstance(url, str):
                raise self.fail(m, "a reference needs a title and a url")
            if not re.match(r"https?://", url):
                raise self.fail(item.value_marks["url"],
                                f"reference url must start with http(s)://: {url!r}")
            refs.append(Reference(title, url, self.choice(item, "region", REGIONS, "")))
        return tuple(refs)

    def examples(self, node: MarkedDict) -> Examples:
        """Check a rule's examples: at least one to flag and one to pass."""
        raw = self.mapping(node["examples"], node.value_marks["examples"], "examples")
        self.keys(raw, {"flag", "pass"}, "examples")
        for key in ("flag", "pass"):
            if key not in raw or not raw[key]:
                raise self.fail(raw.mark, f"examples need at least one '{key}' example")
        flag = self.strings(raw["flag"], raw.value_marks["flag"], "examples.flag")
        passing = self.strings(raw["pass"], raw.value_marks["pass"], "examples.pass")
        return Examples(flag, passing)

    def when(self, raw: Any, mark: Mark) -> When:
        """Check a rule's when: conditions."""
        node = self.mapping(raw, mark, "when")
        self.keys(node, _WHEN_KEYS, "when")
        vm = node.value_marks
        return When(
            sentence_has=self.condition(node, "sentence_has", vm),
            document_has=self.condition(node, "document_has", vm),
        )

    def condition(self, node: MarkedDict, key: str, vm: dict[str, Mark]) -> Matchers:
        """Check a list of terms or a matchers mapping under ``key``."""
        if key not in node:
            return Matchers()
        value = node[key]
        if isinstance(value, MarkedDict):
            return self.matchers(value, vm[key], key)
        terms = self.strings(value, vm[key], key)
        return Matchers(terms=expand_terms(terms, self.vocabulary or {}))

    def unless(self, raw: Any, mark: Mark) -> Unless:
        """Check a rule's unless: conditions."""
        node = self.mapping(raw, mark, "unless")
        self.keys(node, _UNLESS_KEYS, "unless")
        vm = node.value_marks
        flags = {}
        for key in ("negated", "reported", "hedged", "question"):
            if key in node:
                if not isinstance(node[key], bool):
                    raise self.fail(vm[key], f"unless.{key} must be true or false")
                flags[key] = node[key]
        cited = self.choice(node, "cited", ("sentence", "paragraph"), "") or None
        return Unless(
            cited=cited,
            phrases=self.condition(node, "phrases", vm),
            sentence_has=self.condition(node, "sentence_has", vm),
            **flags,
        )

_TOKEN_ATTRS = ("ORTH", "TEXT", "LOWER", "LEMMA", "NORM", "SHAPE", "PREFIX", "SUFFIX", "LENGTH",
                "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT",
                "IS_SPACE", "IS_STOP", "IS_SENT_START", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL", "OP",
                "POS", "TAG", "DEP", "MORPH", "ENT_TYPE")


def _pattern_problem(message: str) -> str:
    """Reduce spaCy's pattern validation report to 'token N: ATTR: problem'."""
    found = re.findall(r"\[pattern -> (\d+) -> ([^\]]+)\] ([^\n]+)", message)
    if not found:
        return " ".join(message.split())
    parts = []
    for index, where, problem in found:
        attr = where.split(" -> ")[0]
        hint = did_you_mean(attr, _TOKEN_ATTRS) if attr not in _TOKEN_ATTRS else ""
        parts.append(f"token {int(index) + 1}: {where}: {problem.strip()}{hint}")
    return "; ".join(parts)


def _plain(value: Any) -> Any:
    """Turn Marked containers back into plain dicts and lists (for spaCy)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
