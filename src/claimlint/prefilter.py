"""Which regexes can match a text: strings every match needs, found in the regex itself.

Running ~200 case-insensitive regexes over every segment was most of a run's time, yet
a segment matches only a few. A required string is a run of literal characters (or one
of a small character set) that every match of a regex contains, or that a positive
lookaround needs; a regex runs only on texts holding its strings, as in RE2's and
ripgrep's literal prefilters. It is exact: when in doubt, the regex runs.
"""

from __future__ import annotations

import importlib
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from .cache import Memo

# Required strings come from walking the regex's parse tree: re's parser is private,
# but its tree has kept this shape since Python 3.5.
try:
    sre_constants: Any = importlib.import_module("re._constants")
    sre_parse: Any = importlib.import_module("re._parser")
except ImportError:  # Python 3.10
    sre_constants = importlib.import_module("sre_constants")
    sre_parse = importlib.import_module("sre_parse")
_sre, _sre_parse = sre_constants, sre_parse

_REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", _sre.MAX_REPEAT)}
_ATOMIC = getattr(_sre, "ATOMIC_GROUP", None)
_POSSESSIVE = getattr(_sre, "POSSESSIVE_REPEAT", None)
_NOCASE = _sre.SRE_FLAG_IGNORECASE
Needs = frozenset[str]
_REQUIRED = Memo("regex-needs")
_FOLDED = Memo("folded-patterns")
_GATES = Memo("relaxed-gates")


def required_strings(pattern: str, flags: int = 0) -> tuple[Needs, ...]:
    """Return sets of lower-case strings, most selective first: a match needs one of each.

    "Needs" means in the text the regex searches, case-insensitively: the check runs
    on ``fold(text)``, which shows every spelling case-insensitive matching accepts.
    """
    return _REQUIRED.get(f"{flags}:{pattern}", lambda: _required(pattern, flags),
                         lambda needs: [sorted(n) for n in needs],
                         lambda stored: tuple(frozenset(n) for n in stored))


def _required(pattern: str, flags: int) -> tuple[Needs, ...]:
    """required_strings, computed: parsing a regex in Python is the slow part of start-up."""
    try:
        parsed = _sre_parse.parse(pattern, flags)
    except Exception:  # no prefilter is always safe
        return ()
    nocase = bool(parsed.state.flags & _NOCASE)
    return tuple(sorted(set(_needs(list(parsed), nocase)), key=_selectivity, reverse=True))


def _needs(items: list[tuple[Any, Any]], nocase: bool) -> list[Needs]:
    """Return string sets that a sequence of parsed regex items all require."""
    out: list[Needs] = []
    run: list[str] = []
    for op, av in items:
        chars = _chars(op, av, nocase)
        if chars is not None and len(chars) == 1:
            run.extend(chars)
            continue
        if run:
            out.append(frozenset(("".join(run),)))
            run = []
        if chars:
            out.append(chars)
        elif op is _sre.SUBPATTERN:
            _, add, drop, sub = av
            out.extend(_needs(list(sub), bool((nocase or add & _NOCASE) and not drop & _NOCASE)))
        elif op is _ATOMIC:
            out.extend(_needs(list(av), nocase))
        elif op in _REPEATS and av[0] >= 1:
            out.extend(_needs(list(av[2]), nocase))
        elif op is _sre.ASSERT:
            out.extend(_needs(list(av[1]), nocase))
        elif op is _sre.BRANCH:
            branches = [_best(_needs(list(b), nocase)) for b in av[1]]
            if all(branches):
                out.append(frozenset().union(*branches))  # type: ignore[arg-type]
    if run:
        out.append(frozenset(("".join(run),)))
    return out


def _chars(op: Any, av: Any, nocase: bool) -> frozenset[str] | None:
    """Return what one character item can match, as ``fold`` shows it; None if unknown."""
    if op is _sre.LITERAL:
        codes = [av]
    elif op is _sre.IN and all(o is _sre.LITERAL or o is _sre.RANGE for o, _ in av):
        codes = [c for o, v in av for c in ([v] if o is _sre.LITERAL else range(v[0], v[1] + 1))]
    else:
        return None
    if len(codes) > 32:
        return None
    chars = {_folded(chr(c), nocase) for c in codes}
    return None if None in chars else frozenset(chars)  # type: ignore[arg-type]


def _folded(char: str, nocase: bool) -> str | None:
    """Return ``char`` as it shows in ``fold(text)`` wherever it matches; None if unsure."""
    if char.isascii():
        return char.lower()
    # A case-sensitive match is the character itself, which folding leaves alone
    # unless it changes case or stands for an ASCII letter.
    if not nocase and char.lower() == char and _peer(char) is None:
        return char
    return None


def _best(needs: list[Needs]) -> Needs | None:
    return max(needs, key=_selectivity, default=None)


def _selectivity(needs: Needs) -> tuple[int, int, list[str]]:
    """Rank sets by their shortest string, then by how few strings; ties by content."""
    return min(map(len, needs)), -len(needs), sorted(needs)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Non-ASCII characters mapped to the one ASCII character case-insensitive matching
# lets them stand for (long s for "s", Kelvin sign for "k"), "" when ambiguous, else None.
_PEERS: dict[str, str | None] = {}


class Prefilter:
    """Choose the regexes worth running on a text from the strings they need."""

    def __init__(self, needs: Sequence[Sequence[Needs]], checked: int = 3) -> None:
        """Index regex n by the first ``checked`` sets of ``needs[n]`` (see required_strings)."""
        # Sets of strings and regexes are the bits of ints: a text's test is a few ORs.
        ids: dict[Needs, int] = {}
        self._requires: list[int] = []
        self._by_first: dict[int, int] = defaultdict(int)
        self._always = 0
        for n, sets in enumerate(needs):
            required = [ids.setdefault(s, len(ids)) for s in sets[:checked]]
            self._requires.append(sum(1 << i for i in set(required)))
            if required:
                self._by_first[required[0]] |= 1 << n
            else:
                self._always |= 1 << n
        holders: dict[str, int] = defaultdict(int)
        for s, i in ids.items():
            for text in s:
                holders[text] |= 1 << i
        # A string of word characters can only occur inside one \w+ run of the text,
        # so those are found per distinct word (cached), via their first 3 characters.
        self._by_prefix: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self._other: list[tuple[str, int, int]] = []
        for text, held in holders.items():
            if _WORD.fullmatch(text):
                self._by_prefix[text[:3]].append((text, held))
            else:
                self._other.append((text, held, self._gated(held)))
        self._by_word: dict[str, tuple[int, int]] = {}

    def select(self, text: str, folded: str | None = None) -> list[int] | None:
        """Return, in order, the regexes that may match ``text``; None to run them all.

        ``folded`` is ``fold(text)`` when the caller has it.
        """
        if folded is None:
            folded = fold(text)
        if folded is None:
            return None
        by_word = self._by_word
        met, candidates = 0, self._always
        for word in set(_WORD_RUN.findall(folded)):
            held, gated = by_word.get(word) or self._word(word)
            met |= held
            candidates |= gated
        for s, held, gated in self._other:
            if s in folded:
                met |= held
                candidates |= gated
        requires = self._requires
        return [n for n in _bits(candidates) if requires[n] & met == requires[n]]

    def _gated(self, held: int) -> int:
        """Return the regexes whose first set of strings is one of ``held``."""
        gated = 0
        for i in _bits(held):
            gated |= self._by_first.get(i, 0)
        return gated

    def _word(self, word: str) -> tuple[int, int]:
        """Return the sets some string of which occurs in ``word``, and the regexes they gate."""
        if len(self._by_word) > 200_000:
            self._by_word.clear()
        met = 0
        for i in range(len(word)):
            for prefix in {word[i:i + 1], word[i:i + 2], word[i:i + 3]}:
                for s, held in self._by_prefix.get(prefix, ()):
                    if word.startswith(s, i):
                        met |= held
        self._by_word[word] = found = (met, self._gated(met))
        return found


def _bits(mask: int) -> Iterator[int]:
    """Yield the positions of the set bits of ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


_WORD = re.compile(r"[a-z0-9_]+")
_WORD_RUN = re.compile(r"\w+")


def fold(text: str) -> str | None:
    """Lower-case ``text`` for required-string checks; None if that cannot be exact."""
    if text.isascii():
        return text.lower()
    table: dict[int, str] = {}
    for char in set(_NON_ASCII.findall(text)):
        peer = _peer(char)
        if peer == "":
            return None
        if peer:
            table[ord(char)] = peer
    return text.translate(table).lower() if table else text.lower()


# Escapes naming a character by code (\x41 is "A") or a group, which lower-casing the
# pattern would not reach, but for a caseless ASCII character (\x27 is "'");
# inline flags that turn case-insensitivity off.
_UNSURE = re.compile(r"\\(?:[uUN0-9])|\(\?[a-zA-Z]*-")
_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|.)", re.DOTALL)
_LETTERS = re.compile(r"\\.|\(\?P|[A-Z]", re.DOTALL)


def folded_pattern(pattern: str) -> str | None:
    """``pattern`` rewritten to run case-sensitively on ``fold(text)``; None when unsure.

    Case-insensitive matching costs ``re`` about three times as much. Answers are
    remembered between runs.
    """
    return _FOLDED.get(pattern, lambda: _folded_pattern(pattern) or "") or None


def _folded_pattern(pattern: str) -> str | None:
    """folded_pattern, computed.

    Where the case-insensitive ``pattern`` matches ``text``, the result matches
    ``fold(text)`` at the same offsets: its letters are lower-cased (escapes such as
    ``\\S`` kept), and fold lower-cases the text and maps the non-ASCII letters that
    match ASCII ones to them. A cased non-ASCII letter in the pattern (whose other
    forms, such as a final sigma, fold does not map) makes it unsure.
    """
    if _UNSURE.search(pattern) or any(not c.isascii() and c.lower() != c.upper()
                                      for c in pattern):
        return None
    codes = [int(m.group(1), 16) for m in _ESCAPE.finditer(pattern) if m.group(1)]
    if any(code > 127 or chr(code).isalpha() for code in codes):
        return None
    # Escapes and the "(?P" of named groups are kept as written.
    lowered = _LETTERS.sub(lambda m: m.group().lower() if len(m.group()) == 1 else m.group(),
                           pattern)
    try:
        parsed = _sre_parse.parse(pattern, _NOCASE)
        same_groups = _sre_parse.parse(lowered).state.groupdict == parsed.state.groupdict
    except re.error:
        return None
    return lowered if same_groups and all(map(_lowers_alike, _ranges(parsed))) else None


def relaxed_gate(pattern: str) -> str | None:
    """A regex that matches ``fold(text)`` wherever ``pattern`` (case-insensitive, with
    case-sensitive ``(?-i:...)`` groups) matches ``text``; None when unsure.

    It is ``pattern`` with those groups made case-insensitive, then folded: it accepts
    more, so a text it does not match cannot match ``pattern``. Answers are remembered.
    """
    return _GATES.get(pattern, lambda: _relaxed_gate(pattern) or "") or None


def _relaxed_gate(pattern: str) -> str | None:
    """relaxed_gate, computed."""
    relaxed = pattern.replace("(?-i:", "(?:")
    try:
        strict, loose = _sre_parse.parse(pattern, _NOCASE), _sre_parse.parse(relaxed, _NOCASE)
    except re.error:
        return None
    # Accepting more inside a negative lookaround, an atomic group or a backreference
    # can accept less overall.
    if relaxed == pattern or not _monotone(list(strict), False) or (
            _canonical(list(strict)) != _canonical(list(loose))):
        return None
    return folded_pattern(relaxed)


def _monotone(items: list[tuple[Any, Any]], sensitive: bool) -> bool:
    """Whether making the case-sensitive groups insensitive can only add matches."""
    for op, av in items:
        if op is _sre.SUBPATTERN:
            if not _monotone(list(av[3]), sensitive or bool(av[2] & _NOCASE)):
                return False
        elif op is _sre.BRANCH:
            if not all(_monotone(list(b), sensitive) for b in av[1]):
                return False
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            if not _monotone(list(av[2]), sensitive):
                return False
        elif op is _sre.ASSERT:
            if not _monotone(list(av[1]), sensitive):
                return False
        elif op is _sre.ASSERT_NOT:
            if sensitive or not _monotone(list(av[1]), False) or _has_sensitive(list(av[1])):
                return False
        elif op in (_sre.GROUPREF, _sre.GROUPREF_EXISTS, _ATOMIC, _POSSESSIVE):
            return False
    return True


def _has_sensitive(node: Any) -> bool:
    """Whether a parsed regex holds a group that turns case-insensitivity off."""
    if isinstance(node, tuple) and len(node) == 2 and node[0] is _sre.SUBPATTERN:
        return bool(node[1][2] & _NOCASE) or _has_sensitive(node[1][3])
    if isinstance(node, (list, tuple, _sre_parse.SubPattern)):
        return any(_has_sensitive(item) for item in node)
    return False


def _canonical(items: list[tuple[Any, Any]]) -> list[Any]:
    """A parsed regex as nested lists, its case-sensitive plain groups spliced in."""
    out: list[Any] = []
    for op, av in items:
        if op is _sre.SUBPATTERN and av[0] is None and not av[1] and av[2] == _NOCASE:
            out.extend(_canonical(list(av[3])))
        else:
            out.append((op, _canonical_value(av)))
    return out


def _canonical_value(value: Any) -> Any:
    if isinstance(value, _sre_parse.SubPattern):
        return _canonical(list(value))
    if isinstance(value, (list, tuple)):
        return [_canonical_value(v) for v in value]
    return value


def _ranges(node: Any) -> Iterator[tuple[int, int]]:
    """Yield the (first, last) code points of every character range in a parsed regex."""
    if isinstance(node, tuple) and len(node) == 2 and node[0] is _sre.RANGE:
        yield node[1]
    elif isinstance(node, (list, tuple, _sre_parse.SubPattern)):
        for item in node:
            yield from _ranges(item)


def _lowers_alike(bounds: tuple[int, int]) -> bool:
    """Whether a range, lower-cased, holds the same lower-case text as it does ignoring case.

    "[A-Z]" becomes "[a-z]" alike, but "[A-z]" would lose the "[]^_`" it spans.
    """
    lo, hi = bounds
    if hi > 127:
        return not any(chr(c).isalpha() for c in range(lo, 128))
    low_lo, low_hi = ord(chr(lo).lower()), ord(chr(hi).lower())
    for code in range(128):
        char = chr(code)
        if char.isupper():
            continue  # fold leaves no upper-case letter in the text
        before = lo <= code <= hi or lo <= ord(char.upper()) <= hi
        if before != (low_lo <= code <= low_hi):
            return False
    return True


def _peer(char: str) -> str | None:
    if char in _PEERS:
        return _PEERS[char]
    # re itself is the reference for which ASCII literals match the character.
    peers = {chr(c).lower() for c in range(128)
             if re.fullmatch(re.escape(chr(c)), char, re.IGNORECASE)}
    _PEERS[char] = peer = peers.pop() if len(peers) == 1 else ("" if peers else None)
    return peer
