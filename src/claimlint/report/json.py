"""The JSON report, exactly as shared/design/json-output.md specifies (version 1)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from json.encoder import encode_basestring
from typing import Any

from ..findings import Finding, LintResult
from .groups import Totals, boilerplate_ids, group_digest

VERSION = 1
SEVERITIES = ("error", "warning", "info")


def finding_dict(f: Finding, group: str | None = None) -> dict[str, Any]:
    """Return the contract's object for one finding (``group``: its boilerplate group id)."""
    return {
        "path": f.path,
        "rule": f.rule,
        "category": f.category,
        "severity": f.severity.value,
        "message": f.message,
        "start": f.start,
        "end": f.end,
        "match": f.match,
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
        "scope": f.scope,
        "sentence": f.sentence,
        "suggestions": list(f.suggestions),
        "fix": None if f.fix is None else {
            "replacement": f.fix.replacement, "applicability": f.fix.applicability.value},
        "references": [{"title": r.title, "url": r.url, "region": r.region}
                       for r in f.references],
        "hedged": f.hedged,
        "advice": f.advice,
        "group": group,
        "confidence": f.confidence,
        "merged": list(f.merged),
    }


def render(result: LintResult, tool_version: str) -> str:
    """Render a whole run as the version-1 JSON report."""
    return "".join(chunks(result, tool_version))


def chunks(result: LintResult, tool_version: str) -> Iterator[str]:
    """Yield the report's text in pieces, one finding at a time (a site's report can be
    larger than the memory a whole-document ``json.dumps`` would take)."""
    by_severity: Counter[str] = Counter()

    def counted() -> Iterator[Finding]:  # one pass for both: the findings may be on disk
        for f in result.findings:
            by_severity[f.severity.value] += 1
            yield f

    group_ids = boilerplate_ids(counted())
    tally = Totals(group_ids)

    def findings() -> Iterator[dict[str, Any]]:  # the distinct counts are taken on the way
        for f in result.findings:
            digest = group_digest(f) if group_ids else b""
            tally.add(f, digest)
            yield finding_dict(f, group_ids.get(digest))

    def summary() -> dict[str, Any]:  # called once the findings above are written
        distinct = tally.distinct_by_severity()
        return {
            "files": result.files,
            "findings": len(result.findings),
            "by_severity": {s: by_severity.get(s, 0) for s in SEVERITIES},
            "files_with_findings": len(tally.paths),
            "distinct": {"findings": tally.distinct,
                         "by_severity": {s: distinct.get(s, 0) for s in SEVERITIES}},
            "groups": tally.groups,
            "repeats": tally.repeats,
        }

    report = {
        "version": VERSION,
        "tool": {"name": "claimlint", "version": tool_version},
        "findings": findings(),
        "errors": [{"path": e.path, "message": e.message} for e in result.errors],
        "suppressed": ({**finding_dict(s.finding), "suppressed_by": {
            "line": s.directive.line, "directive": s.directive.text,
            "reason": s.directive.reason}} for s in result.suppressed),
        "suppression_problems": [{"path": p.path, "line": p.line, "column": p.column,
                                  "message": p.message, "rule": p.rule}
                                 for p in result.problems],
        "summary": summary,
    }
    yield from iter_json(report)
    yield "\n"


def iter_json(value: Any, level: int = 0) -> Iterator[str]:
    """Yield the text of ``json.dumps(value, indent=2, ensure_ascii=False)`` in pieces.

    Dicts and lists are walked; an iterator is written as an array, one item at a time,
    each item a plain JSON value; a callable is called when its turn comes, so a value can
    sum up what was written before it.
    """
    if callable(value):
        value = value()
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, Iterator):  # its items are plain values: each is dumped whole
        empty = True
        for item in value:
            yield ("[\n" if empty else ",\n") + inner + _dumps(item, level + 1)
            empty = False
        yield "[]" if empty else f"\n{pad}]"
    elif isinstance(value, dict) and value:
        for n, (key, item) in enumerate(value.items()):
            yield ("{\n" if n == 0 else ",\n") + inner + json.dumps(key, ensure_ascii=False) + ": "
            yield from iter_json(item, level + 1)
        yield f"\n{pad}}}"
    elif isinstance(value, list) and value:
        for n, item in enumerate(value):
            yield ("[\n" if n == 0 else ",\n") + inner
            yield from iter_json(item, level + 1)
        yield f"\n{pad}]"
    else:
        yield _dumps(value, level)


_LITERALS = {None: "null", True: "true", False: "false"}


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return encode_basestring(value)  # json's C function, as ensure_ascii=False uses
    if isinstance(value, bool) or value is None:
        return _LITERALS[value]
    if type(value) is int:
        return int.__repr__(value)
    return json.dumps(value)


def _dumps(value: Any, level: int) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)`` indented to ``level``.

    Written out here because json's own encoder is pure Python once ``indent`` is set,
    and a site's report encodes hundreds of thousands of findings.
    """
    kind = type(value)
    if kind is dict and value:
        inner = "\n" + "  " * (level + 1)
        # Scalars are encoded inline: a finding is mostly strings and numbers.
        return "{" + ",".join(
            f"{inner}{encode_basestring(str(k))}: "
            + (encode_basestring(v) if type(v) is str else _dumps(v, level + 1))
            for k, v in value.items()) + inner[:-2] + "}"
    if (kind is list or kind is tuple) and value:
        inner = "\n" + "  " * (level + 1)
        return "[" + ",".join(inner + _dumps(v, level + 1) for v in value) + inner[:-2] + "]"
    return _scalar(value)
