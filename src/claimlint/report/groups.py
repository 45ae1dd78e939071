"""Group findings repeated across pages (header, footer and other template boilerplate)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from ..findings import Finding

# A group with findings on at least this many distinct pages is shown once, "on N pages".
MIN_PAGES = 3


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def group_key(f: Finding) -> str:
    """Return the key findings share when they are the same claim: rule, sentence, match."""
    return "\n".join((f.rule, _norm(f.sentence), _norm(f.match)))


def groups(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Return findings by group key, groups and members in first-seen order."""
    out: dict[str, list[Finding]] = {}
    for f in findings:
        out.setdefault(group_key(f), []).append(f)
    return out


def pages(group: Iterable[Finding]) -> list[str]:
    """Return the distinct pages a group's findings are on, in first-seen order."""
    return list(dict.fromkeys(f.path for f in group))


def is_boilerplate(group: Iterable[Finding], min_pages: int = MIN_PAGES) -> bool:
    """True when a group's findings quote text and are on ``min_pages`` or more pages.

    A page-level finding (a missing disclosure) quotes no text: it is about each page.
    """
    members = list(group)
    return bool(members and members[0].sentence.strip()) and len(pages(members)) >= min_pages


def group_digest(f: Finding) -> bytes:
    """Return a 16-byte digest of ``group_key(f)``: what a large run keeps per finding."""
    return hashlib.blake2b(group_key(f).encode("utf-8"), digest_size=16).digest()


def boilerplate_ids(findings: Iterable[Finding], min_pages: int = MIN_PAGES
                    ) -> dict[bytes, str]:
    """Return the short stable id of each boilerplate group, by ``group_digest``.

    One pass that keeps a digest and a page or two per group, never the findings, so a
    site's run can stream them from disk. Same groups as ``is_boilerplate``.
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
