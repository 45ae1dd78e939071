"""Adopt claimlint on an existing site: remember today's findings, report only new ones."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from .discover import PathFilter
from .errors import UsageError
from .findings import Finding

FILENAME = ".claimlint-baseline.json"
VERSION = 1
Key = tuple[str, str, str]


def fingerprint(f: Finding) -> str:
    """Hash the rule, the normalised sentence and match: stable when other lines move."""
    def norm(text: str) -> str:
        return " ".join(text.lower().split())

    raw = "\0".join((f.rule, norm(f.sentence), norm(f.match)))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


def key(f: Finding, root: Path) -> Key:
    """Return the baseline key of a finding: path relative to the baseline, rule, fingerprint."""
    return PathFilter(root).relative(f.path), f.rule, fingerprint(f)


def write(path: Path, findings: Iterable[Finding]) -> int:
    """Write a baseline of the findings (sorted, one entry per key with a count)."""
    counts = Counter(key(f, path.parent) for f in findings)
    entries = [{"path": p, "rule": r, "fingerprint": fp, "count": n}
               for (p, r, fp), n in sorted(counts.items())]
    path.write_text(json.dumps({"version": VERSION, "entries": entries}, indent=2) + "\n",
                    encoding="utf-8")
    return sum(counts.values())


def read(path: Path) -> Counter[Key]:
    """Read a baseline file into counts per key."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Counter({(e["path"], e["rule"], e["fingerprint"]): int(e.get("count", 1))
                        for e in data["entries"]})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{path}: not a claimlint baseline ({exc})") from None


def split(findings: Sequence[Finding], baseline: Counter[Key], root: Path
          ) -> tuple[list[Finding], Counter[Key]]:
    """Return the findings not in the baseline, and the baseline entries that were used."""
    left = baseline.copy()
    used: Counter[Key] = Counter()
    new = []
    for f in findings:
        k = key(f, root)
        if left[k] > 0:
            left[k] -= 1
            used[k] += 1
        else:
            new.append(f)
    return new, used


def prune(path: Path, findings: Sequence[Finding]) -> tuple[int, int]:
    """Drop entries that match nothing any more; return (kept, dropped) counts."""
    baseline = read(path)
    _, used = split(findings, baseline, path.parent)
    entries = [{"path": p, "rule": r, "fingerprint": fp, "count": n}
               for (p, r, fp), n in sorted(used.items())]
    path.write_text(json.dumps({"version": VERSION, "entries": entries}, indent=2) + "\n",
                    encoding="utf-8")
    return sum(used.values()), sum(baseline.values()) - sum(used.values())
