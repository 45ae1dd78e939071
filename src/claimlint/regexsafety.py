"""Static check for rule regexes that can backtrack catastrophically (issue 11)."""

from __future__ import annotations

import functools
import re
from typing import Any

from .prefilter import sre_constants as _sre
from .prefilter import sre_parse as _sre_parse

# "{@name}" inside a regex stands for any term of vocabulary "name".
VOCAB_IN_REGEX = re.compile(r"\{@([a-z0-9_-]+)\}")

# Catastrophic backtracking: a repeat inside a repeat over overlapping characters, such
# as (a+)+$ or (\w+\s?)*$, can take exponential time on a near miss (issue 11). The
# check walks re's parse tree, as the prefilter does (see prefilter.py).
_LOOPS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT}
_ONE_CHAR = {_sre.LITERAL, _sre.NOT_LITERAL, _sre.ANY, _sre.IN, _sre.CATEGORY}
_ZERO_WIDTH = {_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT}
# Two atoms overlap when a sample character satisfies both: ASCII plus typical copy.
_SAMPLE = tuple(map(chr, range(9, 127))) + tuple("\u00a0\u00e9\u00df\u2019\u201c\u2014\u0663")
_CATEGORIES = {getattr(_sre, f"CATEGORY_{uni}{name}"): re.compile(rx)
               for name, rx in (("DIGIT", r"\d"), ("NOT_DIGIT", r"\D"), ("SPACE", r"\s"),
                                ("NOT_SPACE", r"\S"), ("WORD", r"\w"), ("NOT_WORD", r"\W"))
               for uni in ("", "UNI_")}
# A {@name} vocabulary stands in as a word: vocabregex.term_alternation builds it safe.
_VOCAB_STAND_IN = r"(?:\w+)"
Chars = frozenset[str]


def backtracking_risk(rx: str) -> bool:
    """True when a regex nests repeats over overlapping characters (exponential on a near miss)."""
    try:
        parsed = _sre_parse.parse(VOCAB_IN_REGEX.sub(lambda _: _VOCAB_STAND_IN, rx), re.IGNORECASE)
    except Exception:  # re.compile reports the syntax error
        return False
    return _risky(list(parsed), frozenset(), False)


def _risky(items: list[Any], follow: Chars, in_loop: bool) -> bool:
    """Walk a sequence; ``follow`` is what may come next, ``in_loop`` is under a repeat."""
    for i, (op, av) in enumerate(items):
        after = _first(items[i + 1 :], follow)
        if op in _LOOPS:
            low, high, body = av
            body = list(body)
            # A variable repeat that can stop or go on with the same character gives an
            # enclosing loop two ways to split the text, at every iteration.
            if in_loop and high > low and _first(body, frozenset()) & after:
                return True
            loops = high > 1
            inner = _first(body, frozenset()) | after if in_loop else _first(body, frozenset())
            if _risky(body, inner if loops else after, in_loop or loops):
                return True
        elif op is _sre.SUBPATTERN:
            if _risky(list(av[-1]), after, in_loop):
                return True
        elif op is _sre.BRANCH:
            branches = [list(b) for b in av[1]]
            if in_loop and _overlapping(branches, after):
                return True
            if any(_risky(b, after, in_loop) for b in branches):
                return True
        elif op is _sre.GROUPREF_EXISTS:
            if any(_risky(list(b), after, in_loop) for b in av[1:] if b is not None):
                return True
        elif op in _ZERO_WIDTH or op is _sre.ATOMIC_GROUP or op is _sre.POSSESSIVE_REPEAT:
            # Nothing outside backtracks into these: check them on their own.
            body = None if op is _sre.AT else av if op is _sre.ATOMIC_GROUP else av[-1]
            if body is not None and _risky(list(body), frozenset(), False):
                return True
    return False


def _overlapping(branches: list[list[Any]], after: Chars) -> bool:
    """True when two alternatives of a repeated group can match the same text, as in (a|aa)*."""
    shapes = [_prefix(b) for b in branches]
    for i, (a, a_whole) in enumerate(shapes):
        for j, (b, b_whole) in enumerate(shapes[:i]):
            if not all(x & y for x, y in zip(a, b, strict=False)):
                continue  # they part ways on a character neither shares
            if not (a and b):
                if _first(branches[i], after) & _first(branches[j], after):
                    return True
            elif not (a_whole and b_whole):
                return True  # alike as far as fixed characters go: assume the worst
            elif len(a) == len(b) or (a if len(a) > len(b) else b)[min(len(a), len(b))] & after:
                return True
    return False


def _prefix(items: list[Any]) -> tuple[list[Chars], bool]:
    """Return the character set of each leading fixed position, and whether that is all."""
    out: list[Chars] = []
    for op, av in items:
        if op in _ONE_CHAR:
            out.append(_atom(op, av))
        elif op is _sre.SUBPATTERN:
            inner, whole = _prefix(list(av[-1]))
            out.extend(inner)
            if not whole:
                return out, False
        elif op not in _ZERO_WIDTH:
            return out, False
    return out, True


def _first(items: list[Any], follow: Chars) -> Chars:
    """Return the characters a match of ``items`` (then ``follow``) can start with."""
    out: set[str] = set()
    for op, av in items:
        if op in _ONE_CHAR:
            return frozenset(out | _atom(op, av))
        if op in _ZERO_WIDTH:
            continue
        if op in _LOOPS or op is _sre.POSSESSIVE_REPEAT:
            out |= _first(list(av[2]), frozenset()) if av[1] else frozenset()
            if av[0] and not _nullable(list(av[2])):
                return frozenset(out)
            continue
        bodies = ([list(b) for b in av[1]] if op is _sre.BRANCH
                  else [list(b) if b is not None else [] for b in av[1:]]
                  if op is _sre.GROUPREF_EXISTS
                  else [list(av[-1])] if op is _sre.SUBPATTERN
                  else [list(av)] if op is _sre.ATOMIC_GROUP else None)
        if bodies is None:  # a back-reference: it could start with anything
            return frozenset(_SAMPLE)
        out.update(*(_first(b, frozenset()) for b in bodies))
        if not any(map(_nullable, bodies)):
            return frozenset(out)
    return frozenset(out | follow)


def _nullable(items: list[Any]) -> bool:
    """True when ``items`` can match the empty string."""
    for op, av in items:
        if op in _ONE_CHAR:
            return False
        if op in _LOOPS or op is _sre.POSSESSIVE_REPEAT:
            if av[0] and not _nullable(list(av[2])):
                return False
        elif op is _sre.BRANCH:
            if not any(_nullable(list(b)) for b in av[1]):
                return False
        elif op in (_sre.SUBPATTERN, _sre.ATOMIC_GROUP) and \
                not _nullable(list(av[-1] if op is _sre.SUBPATTERN else av)):
            return False
    return True


def _atom(op: Any, av: Any) -> Chars:
    return _chars(op, tuple(av) if isinstance(av, list) else av)


@functools.lru_cache(maxsize=4096)
def _chars(op: Any, av: Any) -> Chars:
    """Return the sample characters (in either case) that a one-character atom matches."""
    def accepts(ch: str) -> bool:
        if op is _sre.LITERAL:
            return ch == chr(av)
        if op is _sre.NOT_LITERAL:
            return ch != chr(av)
        if op is _sre.ANY:
            return ch != "\n"
        if op is _sre.CATEGORY:
            return bool(_CATEGORIES[av].match(ch))
        negate = bool(av) and av[0][0] is _sre.NEGATE
        hit = any(_in_item(item, ch) for item in av)
        return hit != negate

    return frozenset(c for c in _SAMPLE
                     if any(accepts(v) for v in {c, c.lower(), c.upper()} if len(v) == 1))


def _in_item(item: tuple[Any, Any], ch: str) -> bool:
    op, av = item
    if op is _sre.LITERAL:
        return ch == chr(av)
    if op is _sre.RANGE:
        return bool(av[0] <= ord(ch) <= av[1])
    if op is _sre.CATEGORY:
        return bool(_CATEGORIES[av].match(ch))
    return False

