"""Group findings repeated across pages (header, footer and other template boilerplate)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..findings import Finding, Severity

# A group with findings on at least this many distinct pages is shown once, "on N pages".
MIN_PAGES = 3


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def group_key(f: Finding) -> str:
    """Return the key findings share when they are the same claim: rule, sentence, match."""
    return "\n".join((f.rule, _norm(f.sentence), _norm(f.match)))


def group_digest(f: Finding) -> bytes:
    """Return a 16-byte digest of ``group_key(f)``: what a large run keeps per finding."""
    return hashlib.blake2b(group_key(f).encode("utf-8"), digest_size=16).digest()


def boilerplate_ids(findings: Iterable[Finding], min_pages: int = MIN_PAGES
                    ) -> dict[bytes, str]:
    """Return the short stable id of each boilerplate group, by ``group_digest``.

    A group is boilerplate when its findings quote text (a page-level finding, such as
    a missing disclosure, is about each page) and are on ``min_pages`` or more pages.
    One pass that keeps a digest and a page or two per group, never the findings, so a
    site's run can stream them from disk.
    """
    pages_of: dict[bytes, str | set[str]] = {}  # a page, or a set once there are two
    keys: dict[bytes, str] = {}
    for f in findings:
        if not f.sentence.strip():
            continue
        digest = group_digest(f)
        seen = pages_of.get(digest)
        if seen is None:
            seen = pages_of[digest] = f.path
        elif isinstance(seen, str):
            if seen != f.path:
                seen = pages_of[digest] = {seen, f.path}
        else:
            seen.add(f.path)
        if (1 if isinstance(seen, str) else len(seen)) >= min_pages and digest not in keys:
            keys[digest] = group_key(f)
    return {digest: "g" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
            for digest, key in keys.items()}


def boilerplate_pages(findings: Iterable[Finding], ids: dict[bytes, str]
                      ) -> dict[bytes, list[str]]:
    """Return the distinct pages of each boilerplate group in ``ids``, in first-seen order."""
    out: dict[bytes, dict[str, None]] = {}
    for f in findings:
        digest = group_digest(f)
        if digest in ids:
            out.setdefault(digest, {})[f.path] = None
    return {digest: list(found) for digest, found in out.items()}


@dataclass(slots=True)
class Totals:
    """A run's headline counts: every finding, and distinct ones (a boilerplate group once).

    Fed one finding at a time (``add``), so a reporter can count while it writes; a group
    counts at its most severe member's severity.
    """

    ids: dict[bytes, str]
    findings: int = 0
    paths: set[str] = field(default_factory=set)
    grouped: int = 0  # findings that belong to a boilerplate group
    _single: Counter[tuple[str, str]] = field(default_factory=Counter)  # (category, severity)
    _groups: dict[bytes, tuple[str, Severity]] = field(default_factory=dict)

    def add(self, f: Finding, digest: bytes | None = None) -> None:
        """Count one finding (``digest``: its ``group_digest``, when already known)."""
        self.findings += 1
        self.paths.add(f.path)
        if self.ids:
            digest = group_digest(f) if digest is None else digest
            if digest in self.ids:
                self.grouped += 1
                seen = self._groups.get(digest)
                if seen is None or f.severity.rank > seen[1].rank:
                    self._groups[digest] = (f.category, f.severity)
                return
        self._single[(f.category, f.severity.value)] += 1

    @property
    def groups(self) -> int:
        """Return how many boilerplate groups the findings formed."""
        return len(self._groups)

    @property
    def distinct(self) -> int:
        """Return the number of findings with each boilerplate group counted once."""
        return self.findings - self.grouped + len(self._groups)

    @property
    def repeats(self) -> int:
        """Return how many findings only repeat template text already counted."""
        return self.findings - self.distinct

    def distinct_by_category(self) -> Counter[tuple[str, str]]:
        """Return distinct findings by (category, severity)."""
        out = Counter(self._single)
        for category, severity in self._groups.values():
            out[(category, severity.value)] += 1
        return out

    def distinct_by_severity(self) -> Counter[str]:
        """Return distinct findings by severity."""
        out: Counter[str] = Counter()
        for (_, severity), n in self.distinct_by_category().items():
            out[severity] += n
        return out

    def headline(self) -> str:
        """Say how many distinct findings there are and how many repeat template text.

        For example "54 distinct findings (4,638 on 300 pages; 4,584 repeat template text)";
        without boilerplate "12 findings on 3 pages".
        """
        pages = _n(len(self.paths), "page")
        if not self.repeats:
            return f"{_n(self.findings, 'finding')} on {pages}"
        return (f"{_n(self.distinct, 'distinct finding')} ({self.findings:,} on {pages}; "
                f"{self.repeats:,} repeat template text)")


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")
