"""Rule dataclasses, loading of rule packs (validated by rulecheck.py), selection by prefix."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .document import SCOPES
from .errors import RuleFileError, UsageError
from .findings import Applicability, Reference, Severity
from .yamlload import load_yaml

CATEGORIES: tuple[str, ...] = (
    "hype",
    "unsourced-evidence",
    "efficacy-claim",
    "disease-claim",
    "safety-claim",
    "unsupported-statistic",
    "testimonial",
    "comparative-claim",
    "regulatory-status",
    "misleading-descriptor",
    "inducement",
    "missing-disclosure",
)
DEFAULT_PACKS: tuple[str, ...] = ("core", "us-ftc", "us-fda")
# Where a reference applies. A pack names its region (`region: us`); while it is loaded,
# every rule lists that region's references first.
REGIONS: tuple[str, ...] = ("us", "uk", "au", "eu", "platform")
VOCAB_REF = re.compile(r"^@([a-z0-9_-]+)$")  # a term "@name" stands for vocabulary "name"
# Token attributes only a trained pipeline sets; a pattern using one needs --model.
_MODEL_ATTRS = {"POS", "TAG", "DEP", "MORPH", "ENT_TYPE", "ENT_IOB", "ENT_ID", "HEAD"}


@functools.cache
def compile_regex(rx: str) -> re.Pattern[str]:
    """Compile a rule regex the way the engine runs it (case-insensitive), once per process."""
    return re.compile(rx, re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Matchers:
    """What to look for: lemma-aware terms, spaCy token patterns, regular expressions.

    A regex may still name a large vocabulary as ``{@name}``; ``vocabulary`` holds the
    terms of those (see vocabregex.py), and ``vocabregex.runnable`` compiles any regex.
    """

    terms: tuple[str, ...] = ()
    patterns: tuple[tuple[dict[str, Any], ...], ...] = ()
    regex: tuple[str, ...] = ()
    vocabulary: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms or self.patterns or self.regex)


@dataclass(frozen=True, slots=True)
class When:
    """Conditions that must all hold for a match to count."""

    sentence_has: Matchers = Matchers()
    document_has: Matchers = Matchers()


@dataclass(frozen=True, slots=True)
class Unless:
    """Named conditions that cancel a match (the closed set the engine implements)."""

    negated: bool = True
    reported: bool = True
    hedged: bool = False
    question: bool = False
    cited: str | None = None
    phrases: Matchers = Matchers()
    sentence_has: Matchers = Matchers()


@dataclass(frozen=True, slots=True)
class Examples:
    """Sentences (or, for document rules, pages) a rule must flag and must pass."""

    flag: tuple[str, ...]
    passing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Wording:
    """A rule's softer wordings for one matched term, by how the match is used.

    ``before_noun`` applies where the match describes a noun that follows it ("a
    breakthrough serum"), ``otherwise`` everywhere else; None offers nothing there. An
    empty string drops the term; a wording made of fewer of the term's own words drops
    the others ("incredible results" -> "results").
    """

    term: str
    before_noun: tuple[str, ...] | None
    otherwise: tuple[str, ...] | None

    @property
    def wordings(self) -> tuple[str, ...]:
        """Every wording, in either use."""
        return tuple(dict.fromkeys((*(self.before_noun or ()), *(self.otherwise or ()))))

    def describe(self, quote: Callable[[str], str], sep: str) -> str:
        """The wordings in words: "'new'", or "before a noun: drop it; otherwise: 'new'"."""
        def say(wordings: tuple[str, ...]) -> str:
            return sep.join(quote(w) if w else "drop it" for w in wordings)

        if self.before_noun == self.otherwise:
            return say(self.otherwise or ())
        uses = (("before a noun", self.before_noun), ("otherwise", self.otherwise))
        return "; ".join(f"{use}: {say(ws)}" for use, ws in uses if ws is not None)


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule from a pack."""

    id: str
    category: str
    severity: Severity
    message: str
    rationale: str
    references: tuple[Reference, ...]
    examples: Examples
    pack: str
    path: str
    line: int
    scope: tuple[str, ...] = SCOPES
    level: str = "sentence"
    match: Matchers = Matchers()
    when: When = When()
    unless: Unless = Unless()
    hedged_severity: Severity | None = None
    suggest: tuple[Wording, ...] = ()
    advice: str = ""
    fix: Applicability = Applicability.DISPLAY_ONLY  # a rewording's fix (and a drop's, unless:)
    drop_fix: Applicability | None = None  # a drop's fix, when the rule sets it apart
    trigger: tuple[str, ...] = ()
    required: Matchers = Matchers()
    replaced_by: str | None = None

    @property
    def needs_model(self) -> bool:
        """True when a token pattern uses an attribute only a trained pipeline sets."""
        groups = (self.match, self.when.sentence_has, self.when.document_has, self.required)
        return any(
            key.upper() in _MODEL_ATTRS
            for group in groups
            for pattern in group.patterns
            for token in pattern
            for key in token
        )

    def applicability(self, drop: bool) -> Applicability:
        """How safe this rule's fix is: a drop's may differ from a rewording's."""
        return self.drop_fix if drop and self.drop_fix is not None else self.fix

    def matches_selector(self, selector: str) -> bool:
        """True when selector names this rule's id (or an id prefix), category or pack."""
        return (
            self.id == selector
            or self.id.startswith(selector + ".")
            or selector in (self.category, self.pack)
        )


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules of one run and the vocabulary they share."""

    rules: tuple[Rule, ...]
    vocabulary: dict[str, tuple[str, ...]] = field(default_factory=dict)
    packs: tuple[str, ...] = ()
    classes: frozenset[str] = frozenset()  # vocabularies the rule files define or refer to
    digest: str = ""  # a hash of all it was loaded from ("" when built otherwise)

    def get(self, rule_id: str) -> Rule | None:
        """Return the rule with this id, or None."""
        return next((r for r in self.rules if r.id == rule_id), None)

    def check_selectors(self, selectors: Iterable[str], option: str) -> None:
        """Raise UsageError for a selector that names no loaded rule, category or pack."""
        for sel in selectors:
            problem = self.unknown_selector(sel)
            if problem:
                raise UsageError(f"{option}: {problem}")

    def unknown_selector(self, selector: str) -> str | None:
        """Say why ``selector`` names no loaded rule, category or pack (None when it does)."""
        if selector in CATEGORIES or any(r.matches_selector(selector) for r in self.rules):
            return None
        names = sorted({r.id for r in self.rules} | set(CATEGORIES) | set(self.packs))
        return f"'{selector}' matches no rule, category or pack{did_you_mean(selector, names)}"

    def is_selected(self, rule: Rule, select: Sequence[str], ignore: Sequence[str]) -> bool:
        """Apply --select/--ignore: the most specific matching selector wins."""
        best_sel = max((len(s) for s in select if rule.matches_selector(s)), default=-1)
        best_ign = max((len(s) for s in ignore if rule.matches_selector(s)), default=-1)
        if select and best_sel < 0:
            return False
        return best_ign < 0 or best_sel > best_ign

    def with_severities(self, overrides: dict[str, Severity]) -> RuleSet:
        """Return a rule set where the most specific override sets each rule's severity."""
        if not overrides:
            return self
        rules = []
        for rule in self.rules:
            hits = [k for k in overrides if rule.matches_selector(k)]
            if hits:
                rule = replace(rule, severity=overrides[max(hits, key=len)])
            rules.append(rule)
        return replace(self, rules=tuple(rules))


def builtin_rules_dir() -> Path:
    """Return the folder of built-in packs (inside the wheel, or the checkout's rules/)."""
    packaged = Path(__file__).parent / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"


def available_packs() -> dict[str, Path]:
    """Map each built-in pack name to its file or folder."""
    root = builtin_rules_dir()
    packs = {p.stem: p for p in root.glob("*.yaml")}
    packs.update({p.name: p for p in root.iterdir() if p.is_dir() and any(p.glob("*.yaml"))})
    return dict(sorted(packs.items()))


def load_ruleset(
    packs: Sequence[str] = DEFAULT_PACKS,
    extra_paths: Sequence[Path] = (),
    extra_vocabulary: Mapping[str, Sequence[str]] | None = None,
    in_force: Sequence[str] | None = None,
) -> RuleSet:
    """Load built-in packs by name plus rule files or folders, validated together.

    References of the regions of the packs ``in_force`` (default: all loaded) come first.
    """
    known = available_packs()
    sources: list[tuple[str, Path]] = []
    for name in packs:
        if name not in known:
            hint = did_you_mean(name, list(known))
            raise UsageError(f"unknown pack '{name}'{hint}; available: {', '.join(known)}")
        sources.append((name, known[name]))
    for path in extra_paths:
        if not path.exists():
            raise UsageError(f"rule path not found: {path}")
        sources.append((path.stem, path))
    return load_files(sources, extra_vocabulary, in_force)


def load_files(
    sources: Sequence[tuple[str, Path]],
    extra_vocabulary: Mapping[str, Sequence[str]] | None = None,
    in_force: Sequence[str] | None = None,
) -> RuleSet:
    """Load (pack name, file-or-folder) pairs into one validated RuleSet.

    References of the regions of the packs ``in_force`` (default: all loaded) come first.
    """
    parsed: list[tuple[str, str, Any, str]] = []
    for pack, path in sources:
        files = ([*sorted(path.rglob("*.yaml")), *sorted(path.rglob("*.yml"))] if path.is_dir()
                 else [path])
        for f in files:
            text = f.read_text(encoding="utf-8")
            parsed.append((pack, str(f), load_yaml(text, str(f), RuleFileError), text))
    from .rulecheck import Checker  # it builds this module's dataclasses

    vocabulary: dict[str, list[str]] = {}
    pack_regions: dict[str, list[str]] = {}
    for pack, source, data, text in parsed:
        top = Checker(source, text).top(data)
        for name, terms in top.get("vocabulary", {}).items():
            vocabulary.setdefault(name, []).extend(terms)
        if "region" in top:
            pack_regions.setdefault(pack, []).append(top["region"])
    packs = [p for p, _ in sources] if in_force is None else in_force
    lead = {region for p in packs for region in pack_regions.get(p, ())}
    # A class that rules refer to and no file defines is for a config to fill.
    classes = {*vocabulary, *(n for _p, _s, data, _t in parsed for n in _vocabulary_refs(data))}
    for name, terms in (extra_vocabulary or {}).items():
        vocabulary.setdefault(name, []).extend(terms)
    vocab = {k: tuple(dict.fromkeys(v)) for k, v in vocabulary.items()}
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    for pack, source, data, text in parsed:
        checker = Checker(source, text, vocab)
        for raw in checker.top(data).get("rules", []):
            rule = checker.rule(raw, pack)
            if rule.id in seen:
                first = seen[rule.id]
                raise checker.fail(
                    raw.value_marks["id"],
                    f"duplicate rule id '{rule.id}' (first defined at {first.path}:{first.line})",
                )
            seen[rule.id] = rule
            rules.append(replace(rule, references=by_region(rule.references, lead))
                         if lead else rule)
    return RuleSet(tuple(rules), vocab, tuple(dict.fromkeys(p for p, _ in sources)),
                   frozenset(classes), _digest(parsed, extra_vocabulary, packs))


def _digest(parsed: Sequence[tuple[str, str, Any, str]],
            extra_vocabulary: Mapping[str, Sequence[str]] | None, in_force: Sequence[str]) -> str:
    """A hash of a rule set's sources: each file's pack, path and text, and the extras."""
    import hashlib
    import json

    digest = hashlib.sha256(json.dumps(
        [list(in_force), [(k, list(v)) for k, v in (extra_vocabulary or {}).items()]]
    ).encode())
    for pack, source, _data, text in parsed:
        digest.update(json.dumps([pack, source, text]).encode())
    return digest.hexdigest()


def _vocabulary_refs(node: Any) -> Iterator[str]:
    """Yield the vocabulary names a rule file refers to: ``@name`` terms, ``{@name}`` in regexes."""
    from .regexsafety import VOCAB_IN_REGEX

    if isinstance(node, dict):
        node = list(node.values())
    if isinstance(node, list):
        for item in node:
            yield from _vocabulary_refs(item)
    elif isinstance(node, str):
        ref = VOCAB_REF.match(node)
        if ref:
            yield ref.group(1)
        yield from VOCAB_IN_REGEX.findall(node)


def by_region(references: Sequence[Reference], first: Collection[str]
              ) -> tuple[Reference, ...]:
    """Return references of the regions ``first`` first, each part in its written order."""
    return (*(r for r in references if r.region in first),
            *(r for r in references if r.region not in first))


def expand_terms(terms: Iterable[str], vocabulary: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Replace ``@name`` entries by the vocabulary list they name."""
    out: list[str] = []
    for term in terms:
        ref = VOCAB_REF.match(term)
        out.extend(vocabulary.get(ref.group(1), ()) if ref else (term,))
    return tuple(dict.fromkeys(out))


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for the closest option, or "" when none is close."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
