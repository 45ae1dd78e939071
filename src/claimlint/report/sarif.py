"""The SARIF 2.1.0 report, shaped for GitHub code scanning (one run, rules sorted by id)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import quote

from ..findings import Finding, LintResult, Reference, Severity
from ..ruleset import Rule
from ..suppress import PROBLEM_RULES, Problem
from .json import iter_json

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT = "claimlint/sentence/v1"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_QUOTED_MATCH = re.compile(r"""(['"\u2018\u201c\u00ab]?)\{match\}(['"\u2019\u201d\u00bb]?)""")
# RFC 3986 characters a relative path may keep; ':' is escaped so "a:b.md" is no scheme.
_URI_SAFE = "/-._~!$&'()*+,;=@"


def render(result: LintResult, rules: Sequence[Rule], tool_version: str) -> str:
    """Render a run as a SARIF 2.1.0 log describing every given rule."""
    return "".join(chunks(result, rules, tool_version))


def chunks(result: LintResult, rules: Sequence[Rule], tool_version: str) -> Iterator[str]:
    """Yield the SARIF log's text in pieces, one result at a time."""
    descriptors = [rule_descriptor(r) for r in sorted({r.id: r for r in rules}.values(),
                                                      key=lambda r: r.id)]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    for f in result.findings:
        if f.rule not in index:  # a finding whose rule the caller did not pass
            index[f.rule] = len(descriptors)
            descriptors.append(_fallback_descriptor(f))
    for p in result.problems:  # approval problems fail the run, so they are results too
        if p.rule not in index:
            index[p.rule] = len(descriptors)
            descriptors.append(_problem_descriptor(p.rule))

    def results() -> Iterator[dict[str, Any]]:
        seen: Counter[tuple[str, str]] = Counter()
        for f in result.findings:
            key = (f.path, fingerprint(f))
            seen[key] += 1
            yield _result(f, index[f.rule], f"{key[1]}:{seen[key]}")
        for p in result.problems:
            digest = hashlib.sha256(f"{p.rule}\n{p.message}".encode()).hexdigest()
            key = (p.path, digest)
            seen[key] += 1
            yield _problem_result(p, index[p.rule], f"{digest}:{seen[key]}")

    invocation: dict[str, Any] = {"executionSuccessful": True}
    if result.errors:
        invocation["toolExecutionNotifications"] = [{
            "level": "error", "message": {"text": e.message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}],
        } for e in result.errors for uri in [artifact_uri(e.path)]]
    if result.notices:
        invocation["toolConfigurationNotifications"] = [
            {"level": "warning", "message": {"text": n}} for n in result.notices
        ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "claimlint", "version": tool_version,
                                "rules": descriptors}},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results(),
        }],
    }
    yield from iter_json(log)
    yield "\n"


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """Return the SARIF reportingDescriptor for one rule."""
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": camel_name(rule.id),
        "shortDescription": {"text": short_description(rule.message)},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": _help(rule, markdown=False), "markdown": _help(rule, markdown=True)},
    }
    if rule.references:
        descriptor["helpUri"] = rule.references[0].url
    descriptor["defaultConfiguration"] = {"level": _LEVEL[rule.severity]}
    descriptor["properties"] = {"category": rule.category, "pack": rule.pack,
                                "tags": list(dict.fromkeys((rule.category, rule.pack)))}
    return descriptor


def camel_name(rule_id: str) -> str:
    """Turn ``hype.superlative`` into ``HypeSuperlative`` (SARIF's rule name)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", rule_id))


def short_description(message: str) -> str:
    """Return a message template with its ``{match}`` placeholder put into words."""
    def words(m: re.Match[str]) -> str:
        return "The flagged wording" if m.start() == 0 else "the flagged wording"
    return " ".join(_QUOTED_MATCH.sub(words, message).split())


def fingerprint(f: Finding) -> str:
    """Hash rule, sentence and match so a finding keeps its identity when lines move."""
    key = "\n".join((f.rule, _norm(f.sentence), _norm(f.match)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def artifact_uri(path: str) -> str:
    """Return a path as a URI reference: relative stays relative, forward slashes."""
    if path in ("<stdin>", "-"):
        return "stdin"
    posix = path.replace("\\", "/")
    if re.match(r"^[A-Za-z]:/", posix):
        return "file:///" + posix[:2] + quote(posix[2:], safe=_URI_SAFE)
    if posix.startswith("/"):
        return "file://" + quote(posix, safe=_URI_SAFE)
    while posix.startswith("./"):
        posix = posix[2:]
    return quote(posix, safe=_URI_SAFE)


def _result(f: Finding, rule_index: int, fingerprint_value: str) -> dict[str, Any]:
    uri = artifact_uri(f.path)
    region: dict[str, Any] = {"startLine": 1}
    if not f.is_document_level:
        region = {
            "startLine": f.line, "startColumn": f.column,
            "endLine": f.end_line, "endColumn": f.end_column,
            "charOffset": f.start, "charLength": f.end - f.start,
            "snippet": {"text": f.match},
        }
    out: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}],
        "partialFingerprints": {FINGERPRINT: fingerprint_value},
    }
    if f.fix is not None and not f.is_document_level:
        out["fixes"] = [{
            "description": {"text": f"Replace with '{f.fix.replacement}'"},
            "artifactChanges": [{
                "artifactLocation": {"uri": uri},
                "replacements": [{
                    "deletedRegion": {"charOffset": f.start, "charLength": f.end - f.start},
                    "insertedContent": {"text": f.fix.replacement},
                }],
            }],
            "properties": {"applicability": f.fix.applicability.value},
        }]
    props: dict[str, Any] = {"category": f.category, "scope": f.scope, "hedged": f.hedged}
    if f.suggestions:
        props["suggestions"] = list(f.suggestions)
    if f.advice:
        props["advice"] = f.advice
    out["properties"] = props
    return out


def _problem_descriptor(rule_id: str) -> dict[str, Any]:
    text = PROBLEM_RULES.get(rule_id, "A problem with an inline approval.")
    return {"id": rule_id, "name": camel_name(rule_id), "shortDescription": {"text": text},
            "defaultConfiguration": {"level": "warning"},
            "properties": {"category": "claimlint", "tags": ["claimlint"]}}


def _problem_result(p: Problem, rule_index: int, fingerprint_value: str) -> dict[str, Any]:
    region = {"startLine": p.line, "startColumn": p.column}
    return {
        "ruleId": p.rule, "ruleIndex": rule_index, "level": "warning",
        "message": {"text": p.message},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(p.path)},
                                            "region": region}}],
        "partialFingerprints": {FINGERPRINT: fingerprint_value},
    }


def _fallback_descriptor(f: Finding) -> dict[str, Any]:
    descriptor: dict[str, Any] = {"id": f.rule, "name": camel_name(f.rule)}
    if f.references:
        descriptor["helpUri"] = f.references[0].url
    descriptor["properties"] = {"category": f.category, "tags": [f.category]}
    return descriptor


def _help(rule: Rule, *, markdown: bool) -> str:
    parts = [rule.rationale]
    if rule.suggest:
        lines = ["Suggested wording:" if not markdown else "**Suggested wording:**"]
        for wording in rule.suggest:
            said = "any match" if wording.term == "*" else f"'{wording.term}'"
            shown = wording.describe(lambda w: "'" + w + "'", " or ")
            lines.append(f"- {said} -> {shown}")
        parts.append("\n".join(lines))
    if rule.advice:
        parts.append(rule.advice)
    if rule.references:
        head = "**References:**" if markdown else "References:"
        parts.append("\n".join([head, *(_reference(r, markdown) for r in rule.references)]))
    return "\n\n".join(parts)


def _reference(ref: Reference, markdown: bool) -> str:
    if not markdown:
        return f"- {ref.title}: {ref.url}"
    title = re.sub(r"([\\\[\]])", r"\\\1", ref.title)
    return f"- [{title}](<{ref.url}>)"


def _norm(text: str) -> str:
    return " ".join(text.lower().split())
