"""Group findings repeated across pages (header, footer and other template boilerplate)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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


def boilerplate_ids(findings: Sequence[Finding]) -> list[str | None]:
    """Return, for each finding in order, the short stable id of its boilerplate group."""
    import hashlib

    keys = [group_key(f) for f in findings]
    members: dict[str, list[Finding]] = {}
    for key, f in zip(keys, findings, strict=True):
        members.setdefault(key, []).append(f)
    ids = {key: "g" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
           for key, group in members.items() if is_boilerplate(group)}
    return [ids.get(key) for key in keys]
