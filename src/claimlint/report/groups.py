"""Group findings repeated across pages (header, footer and other template boilerplate)."""

from __future__ import annotations

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


def boilerplate_ids(findings: Iterable[Finding]) -> dict[Finding, str]:
    """Map each finding of a boilerplate group to a short, stable group id."""
    import hashlib

    out: dict[Finding, str] = {}
    for key, members in groups(findings).items():
        if is_boilerplate(members):
            gid = "g" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
            out.update((f, gid) for f in members)
    return out
