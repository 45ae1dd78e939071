"""Vocabularies in rule regexes: ``{@name}`` stands for any term of vocabulary ``name``.

A small vocabulary is written into the regex as an alternation of its terms. A large
one (50,000 drug names) would make a regex of megabytes, which ``re`` takes seconds to
parse and compile and the prefilter as long to read (issue 11). It stays a ``{@name}``
reference instead, and on each text the regex is built with only the terms whose words
occur in that text, in their usual order: a term that occurs nowhere in a text cannot
match in it, so the matches are exactly those of the regex with every term.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from .cache import Memo
from .prefilter import (
    Needs,
    Prefilter,
    fold,
    folded_pattern,
    relaxed_gate,
    required_strings,
    sre_constants,
    sre_parse,
)
from .regexsafety import VOCAB_IN_REGEX

_ERRORS = Memo("regex-errors")

# Above this many terms a vocabulary is matched per text rather than written into the
# regex; the bundled packs' vocabularies have under 100.
LARGE_VOCABULARY = 1_000
FLAGS = re.IGNORECASE  # how the engine runs every rule regex
_STAND_IN = r"(?:\w+)"  # a vocabulary as the prefilter reads it: no string it requires
_ASCII_RUN = re.compile(r"[A-Za-z0-9]+")
_APOSTROPHE = re.compile("['’]")
_CACHED_PATTERNS = 512
_DIGIT = re.compile(r"\d")
_MAX_STARTS = 64  # more would cost more to find than the scan they save


def is_large(terms: Sequence[str]) -> bool:
    """True when a vocabulary is too large to write into a regex."""
    return len(terms) > LARGE_VOCABULARY


def expand_regex(rx: str, vocabulary: Mapping[str, Sequence[str]]) -> str:
    """Replace each ``{@name}`` of a small vocabulary by its alternation; large ones stay."""
    def expand(ref: re.Match[str]) -> str:
        terms = vocabulary[ref.group(1)]
        return ref.group(0) if is_large(terms) else term_alternation(terms)

    return VOCAB_IN_REGEX.sub(expand, rx)


def term_alternation(terms: Iterable[str]) -> str:
    """Return a regex for any of ``terms`` in the spellings the phrase matcher accepts.

    Hyphens may be spaces or absent, apostrophes straight or curly or absent, and a
    word may take a plural -s or -es; short all-capital acronyms match only in capitals
    ("MS", never "ms"). Longest terms come first, so a match takes in the whole term.
    """
    return _alternation(_ordered(map(_term_regex, terms)))


def _ordered(term_regexes: Iterable[str]) -> list[str]:
    """The distinct term regexes in the order the alternation tries them."""
    return sorted(set(term_regexes), key=lambda rx: (-len(rx), rx))


def _alternation(alternatives: Sequence[str]) -> str:
    return f"(?:{'|'.join(alternatives)})(?!\\w)" if alternatives else "(?!)"


def _term_regex(term: str) -> str:
    words = [r"[-\s]?".join("['’]?".join(map(re.escape, _APOSTROPHE.split(part)))
                            for part in word.split("-"))
             for word in term.split()]
    rx = r"\s+".join(words)
    if term.isupper() and term.isalpha() and len(term) <= 5:
        return f"(?-i:{rx})s?"
    return rx + "(?:e?s)?" if term[-1:].isalpha() else rx


def term_needs(term: str) -> tuple[Needs, ...]:
    """Lower-case ASCII letter and digit runs that every spelling of ``term`` contains.

    Each run is a piece of one word that the term's regex spells letter by letter, so
    any match holds it, as ``prefilter.fold`` shows a text; the longest come first.
    """
    runs = sorted({run.lower() for run in _ASCII_RUN.findall(term)}, key=lambda r: (-len(r), r))
    return tuple(frozenset((run,)) for run in runs)


class _Vocabulary:
    """One large vocabulary's alternatives, in order, and the words each one needs."""

    def __init__(self, terms: Sequence[str]) -> None:
        needs: dict[str, tuple[Needs, ...]] = {}
        for term in terms:
            needs.setdefault(_term_regex(term), term_needs(term))
        self.alternatives = _ordered(needs)
        self.prefilter = Prefilter([needs[rx] for rx in self.alternatives])

    def present(self, text: str, folded: str | None = None) -> tuple[int, ...] | None:
        """Indexes of the alternatives that may match in ``text``; None for all of them."""
        found = self.prefilter.select(text, folded)
        return None if found is None else tuple(found)

    def alternation(self, chosen: tuple[int, ...] | None) -> str:
        """The alternation of the chosen alternatives (all of them for None), in order."""
        picked = self.alternatives if chosen is None else [self.alternatives[i] for i in chosen]
        return _alternation(picked)


@functools.lru_cache(maxsize=32)
def _vocabulary(terms: tuple[str, ...]) -> _Vocabulary:
    return _Vocabulary(terms)


class VocabRegex:
    """A rule regex naming large vocabularies, compiled per text with the terms it holds.

    It offers what the engine uses of a compiled pattern: ``finditer`` and ``groupindex``.
    """

    def __init__(self, template: str, vocabulary: Mapping[str, Sequence[str]]) -> None:
        """Prepare ``template``, whose ``{@name}`` references name large vocabularies."""
        self.template = template
        self._names = tuple(dict.fromkeys(VOCAB_IN_REGEX.findall(template)))
        self._vocabularies = [_vocabulary(tuple(vocabulary[name])) for name in self._names]
        self._patterns: dict[tuple[tuple[int, ...] | None, ...], re.Pattern[str]] = {}
        self.groupindex = self.sample(1).groupindex

    def needs(self) -> tuple[Needs, ...]:
        """Strings every match needs, for the prefilter: those outside the vocabularies."""
        return required_strings(VOCAB_IN_REGEX.sub(lambda _: _STAND_IN, self.template), FLAGS)

    def sample(self, count: int) -> re.Pattern[str]:
        """The regex with the first ``count`` terms of each vocabulary (to check it)."""
        return self._compile(tuple(tuple(range(min(count, len(v.alternatives))))
                                   for v in self._vocabularies))

    def finditer(self, text: str, folded: str | None = None) -> Iterator[re.Match[str]]:
        """Match on ``text`` as the regex with every term would (``folded``: fold(text))."""
        chosen = tuple(v.present(text, folded) for v in self._vocabularies)
        return self._compile(chosen).finditer(text)

    def _compile(self, chosen: tuple[tuple[int, ...] | None, ...]) -> re.Pattern[str]:
        pattern = self._patterns.get(chosen)
        if pattern is None:
            if len(self._patterns) >= _CACHED_PATTERNS:
                self._patterns.clear()
            alternations = {name: vocab.alternation(picked) for name, vocab, picked
                            in zip(self._names, self._vocabularies, chosen, strict=True)}
            rx = VOCAB_IN_REGEX.sub(lambda ref: alternations[ref.group(1)], self.template)
            pattern = self._patterns[chosen] = re.compile(rx, FLAGS)
        return pattern


class LazyRegex:
    """A regex compiled on its first search: most rules never run on a short file, and
    compiling every regex was a third of a one-file run's start-up.

    A case-insensitive one runs, where it can, as its folded pattern on the folded text
    (see prefilter.folded_pattern): the same matches at a third of the cost. One with
    case-sensitive groups first looks for its relaxed gate (prefilter.relaxed_gate) on
    the folded text, and runs only from where the gate first matches.
    """

    __slots__ = ("_compiled", "_folded", "_gate", "_starts", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = re.IGNORECASE) -> None:
        """Remember ``pattern``; rule regexes run case-insensitively."""
        self.pattern = pattern
        self.flags = flags | re.UNICODE
        self._compiled: re.Pattern[str] | None = None
        self._folded: re.Pattern[str] | bool | None = flags & re.IGNORECASE == 0
        self._gate: re.Pattern[str] | None = None
        self._starts: tuple[str | None, ...] | bool | None = False  # False: not yet known

    def _regex(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def _prepare(self) -> None:
        """Compile the folded pattern, or failing that the relaxed gate, if there is one."""
        flags = self.flags & ~re.IGNORECASE
        lowered = folded_pattern(self.pattern)
        self._folded = re.compile(lowered, flags) if lowered else True
        # A pattern that opens case-sensitively finds its first candidate as fast.
        gate = None if lowered or self.pattern.startswith("(?-i:") else relaxed_gate(
            self.pattern)
        self._gate = re.compile(gate, flags) if gate else None

    def _on(self, text: str, folded: str | None) -> tuple[re.Pattern[str], str]:
        """The compiled regex to run and the text to run it on."""
        if self._folded is False:
            self._prepare()
        if self._folded is not True:
            if folded is None:
                folded = fold(text)
            # Only where folding kept every offset (it does but for one Turkish capital).
            if folded is not None and len(folded) == len(text):
                return self._folded, folded  # type: ignore[return-value]
        return self._regex(), text

    @property
    def groupindex(self) -> Mapping[str, int]:
        """The regex's named groups."""
        return self._on("", "")[0].groupindex

    def finditer(self, text: str, folded: str | None = None) -> Iterator[re.Match[str]]:
        """Every match in ``text`` (``folded``: ``fold(text)``, when the caller has it).

        A match's offsets are the text's; its groups' strings may be folded.
        """
        regex, on = self._on(text, folded)
        if self._gate is not None:
            if folded is None:
                folded = fold(text)
            if folded is not None and len(folded) == len(text):
                first = self._gate.search(folded)
                # No match starts before the gate's first; ^ and lookbehinds still see
                # the text before where the search starts.
                return iter(()) if first is None else regex.finditer(on, first.start())
        return regex.finditer(on)

    def count(self, text: str, folded: str | None = None) -> int:
        """How many matches ``finditer`` yields (``folded``: ``fold(text)``, when known).

        Where every match starts with one of a few strings (see ``match_starts``), the
        regex is tried only where they occur: ``re`` costs as much at every offset it tries.
        """
        regex, on = self._on(text, folded)
        if regex is self._folded and self._starts is False:
            self._starts = match_starts(regex.pattern, regex.flags)
        if regex is not self._folded or not isinstance(self._starts, tuple):
            return sum(1 for _ in self.finditer(text, folded))
        at: set[int] = set()
        for start in self._starts:
            if start is None:
                at.update(m.start() for m in _DIGIT.finditer(on))
                continue
            i = on.find(start)
            while i >= 0:
                at.add(i)
                i = on.find(start, i + 1)
        # finditer's leftmost-first scan, over the only offsets where a match can start;
        # every match takes in its start, so none is empty.
        count, end = 0, 0
        for i in sorted(at):
            if i >= end and (m := regex.match(on, i)):
                count, end = count + 1, m.end()
        return count

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize,
               folded: str | None = None) -> re.Match[str] | None:
        """The first match in ``text[pos:endpos]``, as ``re.Pattern.search``.

        ``folded`` is ``fold(text)`` when the caller has it.
        """
        regex, on = self._on(text, folded)
        return regex.search(on, pos, endpos)


def match_starts(pattern: str, flags: int = 0) -> tuple[str | None, ...] | None:
    """Strings one of which starts every match of case-sensitive ``pattern`` (None in
    them: any digit); None when unsure."""
    try:
        parsed = sre_parse.parse(pattern, flags)
    except re.error:
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    starts = _starts(list(parsed))
    if not starts or len(starts) > _MAX_STARTS:
        return None
    # A string that starts with another adds no offset to try.
    strings = [s for s in starts if s is not None]
    return tuple(sorted(s for s in strings if not any(s != t and s.startswith(t)
                                                      for t in strings))) + (
        (None,) if None in starts else ())


def _starts(items: list[tuple[Any, Any]]) -> set[str | None] | None:
    """The strings one of which a run of parsed regex items starts with; None if unknown."""
    c = sre_constants
    prefixes: set[str | None] = {""}
    for op, av in items:
        if op is c.AT and prefixes == {""}:  # \b and such take no character
            continue
        if op is c.LITERAL:
            prefixes = {f"{p}{chr(av)}" for p in prefixes}
            continue
        if op is c.IN and all(o is c.LITERAL for o, _ in av) and len(av) <= 8:
            prefixes = {f"{p}{chr(v)}" for p in prefixes for _, v in av}
            continue
        # Past a group, a choice or a repeat the strings stop: what follows may vary.
        if op is c.IN and av == [(c.CATEGORY, c.CATEGORY_DIGIT)]:
            then: set[str | None] | None = {None}
        elif op is c.SUBPATTERN and not av[1] and not av[2]:
            then = _starts(list(av[3]))
        elif op is c.BRANCH:
            branches = [_starts(list(b)) for b in av[1]]
            then = None if None in branches else set().union(*branches)  # type: ignore[arg-type]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
            then = _starts(list(av[2]))
        else:
            then = None
        if then is not None and prefixes == {""}:
            prefixes = then
        elif then is not None and None not in then:
            prefixes = {f"{p}{t}" for p in prefixes for t in then}
        break
    return None if "" in prefixes else prefixes


def regex_needs(rx: LazyRegex | VocabRegex) -> tuple[Needs, ...]:
    """Strings every match of a compiled rule regex needs (see prefilter.required_strings)."""
    return rx.needs() if isinstance(rx, VocabRegex) else required_strings(rx.pattern, rx.flags)


def runnable(rx: str, vocabulary: Mapping[str, Sequence[str]]) -> LazyRegex | VocabRegex:
    """A rule regex as the engine runs it; one naming a large vocabulary compiles per text."""
    return VocabRegex(rx, vocabulary) if VOCAB_IN_REGEX.search(rx) else LazyRegex(rx)


def regex_error(rx: str) -> str | None:
    """Why ``rx`` does not compile as a rule regex, or None; remembered between runs."""

    def compile_error() -> str:
        try:
            re.compile(rx, re.IGNORECASE)
        except re.error as exc:
            return str(exc)
        return ""

    return _ERRORS.get(rx, compile_error) or None
