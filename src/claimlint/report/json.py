"""The JSON report, exactly as shared/design/json-output.md specifies (version 1)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from ..findings import Finding, LintResult
from .groups import boilerplate_ids

VERSION = 1


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
        "references": [{"title": r.title, "url": r.url} for r in f.references],
        "hedged": f.hedged,
        "advice": f.advice,
        "group": group,
    }


def render(result: LintResult, tool_version: str) -> str:
    """Render a whole run as the version-1 JSON report."""
    by_severity = Counter(f.severity.value for f in result.findings)
    group_ids = boilerplate_ids(result.findings)
    report = {
        "version": VERSION,
        "tool": {"name": "claimlint", "version": tool_version},
        "findings": [finding_dict(f, group_ids.get(f)) for f in result.findings],
        "errors": [{"path": e.path, "message": e.message} for e in result.errors],
        "suppressed": [{**finding_dict(s.finding), "suppressed_by": {
            "line": s.directive.line, "directive": s.directive.text,
            "reason": s.directive.reason}} for s in result.suppressed],
        "suppression_problems": [{"path": p.path, "line": p.line, "column": p.column,
                                  "message": p.message} for p in result.problems],
        "summary": {
            "files": result.files,
            "findings": len(result.findings),
            "by_severity": {s: by_severity.get(s, 0) for s in ("error", "warning", "info")},
        },
    }
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
