"""GitHub Actions workflow commands: ``::error``/``::warning``/``::notice`` annotation lines.

GitHub shows at most 10 error, 10 warning and 10 notice annotations per step and 50
per job (docs.github.com, "Workflow commands"); lines past that are dropped silently.
So template boilerplate is annotated once, each level is capped, file errors and
approval problems (which fail the run) go first, and a closing notice says what was
left out and how to see it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..findings import Finding, LintResult, Severity, suggestion_parts
from .groups import boilerplate_ids, boilerplate_pages, group_digest

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
PER_LEVEL = 10  # annotations GitHub shows per level and step
MAX_LINES = 50  # annotations GitHub keeps per job


@dataclass(frozen=True, slots=True)
class _Line:
    """One workflow command, how urgent it is and how many findings it stands for."""

    name: str
    properties: dict[str, str]
    message: str
    priority: int  # 0: fails the run without being a finding; 1: a finding; 2: a notice
    findings: int


def render(result: LintResult, *, cwd: str = "", root: str = "") -> str:
    """Render a run as workflow commands, paths relative to ``root`` (the repository).

    ``cwd`` is the folder relative paths were given from; without ``root`` paths are
    made relative to it.
    """
    def where(path: str) -> str:
        return repo_path(path, cwd, root)

    lines = list(_findings(result.findings, where))
    lines += [_Line("warning", {"file": where(p.path), "line": str(p.line), "col": str(p.column),
                                "title": p.rule}, p.message, 0, 0) for p in result.problems]
    lines += [_Line("error", {"file": where(e.path)}, e.message, 0, 0) for e in result.errors]
    lines += [_Line("notice", {"title": "claimlint"}, n, 2, 0) for n in result.notices]
    kept = _keep(lines)
    out = [command(x.name, x.properties, x.message) for i, x in enumerate(lines) if i in kept]
    left = [x for i, x in enumerate(lines) if i not in kept]
    if left:
        findings = sum(x.findings for x in left)
        others = len(left) - sum(1 for x in left if x.findings)
        what = f"{findings} finding(s)" + (f" and {others} other message(s)" if others else "")
        out.append(command("notice", {"title": "claimlint"}, (
            f"{what} not annotated (GitHub shows {PER_LEVEL} error, {PER_LEVEL} warning and "
            f"{PER_LEVEL} notice annotations per step); see every one with "
            "'claimlint check --format concise'")))
    return "".join(line + "\n" for line in out)


def _keep(lines: list[_Line]) -> set[int]:
    """Pick what fits GitHub's limits, most urgent first; one notice slot stays free."""
    room = {"error": PER_LEVEL, "warning": PER_LEVEL, "notice": PER_LEVEL - 1}
    total = MAX_LINES - 1
    kept: set[int] = set()
    for i in sorted(range(len(lines)), key=lambda i: (lines[i].priority, i)):
        name = lines[i].name
        if room[name] and total:
            room[name] -= 1
            total -= 1
            kept.add(i)
    return kept


def _findings(findings: Iterable[Finding], where: Callable[[str], str]) -> Iterable[_Line]:
    """One line per finding, a boilerplate group's on its first page only."""
    ids = boilerplate_ids(findings)
    pages = boilerplate_pages(findings, ids) if ids else {}
    members: dict[bytes, int] = {}
    if ids:
        for f in findings:
            digest = group_digest(f)
            if digest in pages:
                members[digest] = members.get(digest, 0) + 1
    for f in findings:
        digest = group_digest(f) if ids else b""
        if digest in pages:
            if members.get(digest) is None:
                continue  # the group was annotated on its first page
            others = len(pages[digest]) - 1
            yield _annotation(f, where(f.path), f" (and on {others} other pages)",
                              members.pop(digest))
        else:
            yield _annotation(f, where(f.path), "", 1)


def _annotation(f: Finding, path: str, repeated: str, count: int) -> _Line:
    props = {"file": path, "line": str(f.line)}
    if not f.is_document_level:
        props.update(col=str(f.column), endLine=str(f.end_line), endColumn=str(f.end_column))
    props["title"] = f.rule
    message = f.message + repeated
    if f.suggestions:
        message += "\nTry: " + " / ".join(f"remove '{s}'" if kind == "remove" else f"'{s}'"
                                          for kind, s in suggestion_parts(f))
    if f.advice:
        message += "\n" + f.advice
    return _Line(_COMMAND[f.severity], props, message, 1, count)


def repo_path(path: str, cwd: str = "", root: str = "") -> str:
    """Return ``path`` relative to ``root`` (else to ``cwd``), without a leading ``./``.

    Pure path arithmetic: ``cwd`` and ``root`` are absolute folders or empty. A path
    outside them, or standard input, is returned as given (normalised).
    """
    if path in ("-", "<stdin>"):
        return path
    full = os.path.normpath(os.path.join(cwd, path) if cwd else path)
    base = root or cwd
    if base and os.path.isabs(full):
        rel = os.path.relpath(full, base) if _inside(full, base) else full
    else:
        rel = full
    return rel.replace(os.sep, "/") if os.sep != "/" else rel


def _inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == os.path.normpath(folder)
    except ValueError:  # different drives on Windows
        return False


def command(name: str, properties: dict[str, str], message: str) -> str:
    """Format one workflow command with its properties and message escaped."""
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """Escape a command's message the way the Actions toolkit does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: like data, plus ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
