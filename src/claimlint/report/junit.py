"""JUnit XML for CI dashboards: one test case per file with findings or a file error.

A LintResult names only the files that produced findings or errors, so clean
files cannot get a test case each; they are summed into one passing case
("N file(s) without findings") so a clean run still reports passing tests and
the counts add up: tests = cases, failures = files with findings or approval
problems (an unused or reason-less claimlint-disable fails the run too),
errors = files that could not be linted.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..findings import FileError, Finding, LintResult, suggestion_parts
from ..suppress import Problem

# Characters XML 1.0 cannot carry even escaped (control characters, lone surrogates).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(result: LintResult) -> str:
    """Render a run as a JUnit XML report with one testsuite named claimlint."""
    findings: dict[str, list[Finding]] = {}
    errors: dict[str, list[FileError]] = {}
    problems: dict[str, list[Problem]] = {}
    for f in result.findings:
        findings.setdefault(f.path, []).append(f)
    for p in result.problems:
        problems.setdefault(p.path, []).append(p)
    for e in result.errors:
        errors.setdefault(e.path, []).append(e)
    paths = list(dict.fromkeys([*findings, *problems, *errors]))
    clean = max(0, result.files - len(paths))
    n_errors = len(errors)
    n_failures = len([p for p in paths if p not in errors])
    counts = {"tests": str(len(paths) + (1 if clean else 0)), "failures": str(n_failures),
              "errors": str(n_errors)}
    root = ET.Element("testsuites", {"name": "claimlint", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "claimlint", **counts, "skipped": "0"})
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", {"name": "files", "value": str(result.files)})
    for path in paths:
        case = ET.SubElement(suite, "testcase", {"classname": "claimlint", "name": _safe(path)})
        for e in errors.get(path, []):
            node = ET.SubElement(case, "error", {"type": "file-error", "message": _safe(e.message)})
            node.text = _safe(e.message)
        for f in findings.get(path, []):
            message = f"{f.line}:{f.column} {f.message}"
            node = ET.SubElement(case, "failure", {"type": f.rule, "message": _safe(message)})
            node.text = _safe(failure_text(f))
        for p in problems.get(path, []):
            message = f"{p.line}:{p.column} {p.message}"
            node = ET.SubElement(case, "failure", {"type": p.rule, "message": _safe(message)})
            node.text = _safe(f"{p.path}:{p.line}:{p.column}: warning {p.rule}: {p.message}")
    if clean:
        ET.SubElement(suite, "testcase",
                      {"classname": "claimlint", "name": f"{clean} file(s) without findings"})
    if result.notices:
        ET.SubElement(suite, "system-out").text = _safe("\n".join(result.notices))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def failure_text(f: Finding) -> str:
    """Return the body of a finding's failure: where, what, the sentence and what to try."""
    lines = [f"{f.path}:{f.line}:{f.column}: {f.severity.value} {f.rule}: {f.message}"]
    if f.sentence:
        lines.append(f"sentence: {f.sentence}")
    if f.suggestions:
        lines.append("try: " + " / ".join(f"remove '{s}'" if kind == "remove" else f"'{s}'"
                                          for kind, s in suggestion_parts(f)))
    if f.advice:
        lines.append(f"advice: {f.advice}")
    lines.extend(f"see: {r.title} <{r.url}>" for r in f.references)
    return "\n".join(lines)


def _safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
