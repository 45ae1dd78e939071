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
