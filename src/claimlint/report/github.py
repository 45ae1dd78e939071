"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line a finding."""

from __future__ import annotations

from ..findings import Finding, LintResult, Severity

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(result: LintResult) -> str:
    """Render a run as workflow commands that GitHub turns into annotations."""
    lines = [_finding(f) for f in result.findings]
    lines.extend(command("error", {"file": e.path}, e.message) for e in result.errors)
    lines.extend(command("notice", {"title": "claimlint"}, n) for n in result.notices)
    return "".join(line + "\n" for line in lines)


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


def _finding(f: Finding) -> str:
    props = {"file": f.path, "line": str(f.line)}
    if not f.is_document_level:
        props.update(col=str(f.column), endLine=str(f.end_line), endColumn=str(f.end_column))
    props["title"] = f.rule
    message = f.message
    if f.suggestions:
        message += "\nTry: " + " / ".join(f"'{s}'" for s in f.suggestions)
    if f.advice:
        message += "\n" + f.advice
    return command(_COMMAND[f.severity], props, message)
