"""The terminal report: findings grouped by file, then a summary table."""

from __future__ import annotations

import io
from collections import Counter
from itertools import groupby

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..findings import Finding, LintResult
from .groups import boilerplate_ids, boilerplate_pages, group_digest

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_SEVERITIES = ("error", "warning", "info")


def render(result: LintResult, *, color: bool, width: int = 100, quiet: bool = False,
           show_suppressed: bool = False) -> str:
    """Render a run for a terminal; ``quiet`` keeps only findings and file errors."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width,
                      highlight=False, soft_wrap=False, emoji=False)
    # Template boilerplate (the same claim on many pages) is shown once, where first seen.
    ids = boilerplate_ids(result.findings)
    repeated = boilerplate_pages(result.findings, ids) if ids else {}
    shown: set[bytes] = set()
    for path, group in groupby(result.findings, key=lambda f: f.path):
        items = [(f, group_digest(f) if ids else b"") for f in group]
        items = [(f, d) for f, d in items if d not in shown]
        if not items:
            continue
        console.print(Text(path, style="bold underline"))
        for f, digest in items:
            _finding(console, f, quiet, color)
            if digest in repeated:
                shown.add(digest)
                others = repeated[digest]
                listed = ", ".join(others[:5]) + (f", … ({len(others) - 5} more)"
                                                 if len(others) > 5 else "")
                console.print(Text(f"      = on {len(others):,} pages: {listed}", style="dim"))
        console.print()
    for p in result.problems:
        console.print(Text.assemble((f"{p.path}:{p.line}:{p.column}: ", "bold"),
                                    ("warning ", _STYLE["warning"]), p.message), soft_wrap=True)
    if show_suppressed and result.suppressed:
        console.print(Text("Suppressed by inline approvals", style="bold underline"))
        for s in result.suppressed:
            f, d = s.finding, s.directive
            console.print(Text.assemble(
                f"  {f.path}:{f.line}:{f.column}  {f.rule}  {f.match!r}  ",
                (f"approved at line {d.line}: ", "dim"), d.reason or "(no reason given)"))
        console.print()
    for error in result.errors:
        console.print(Text.assemble(("error: ", "bold red"), error.message), soft_wrap=True)
    for notice in result.notices:  # soft_wrap: a path is never split across lines
        console.print(Text.assemble(("note: ", "bold"), notice), soft_wrap=True)
    if not quiet:
        _summary(console, result)
    return buffer.getvalue()


def _finding(console: Console, f: Finding, quiet: bool, color: bool) -> None:
    sev = f.severity.value
    head = Text.assemble(
        (f"  {f.line}:{f.column}", "bold"), "  ", (f"{sev:<7}", _STYLE[sev]), "  ",
        (f.rule, "magenta"), "  ", f.message, ("  (hedged)" if f.hedged else "", "dim"),
    )
    console.print(head)
    if quiet:
        return
    if f.sentence:
        shown = highlight(f.sentence, f.quote or f.match, color)
        console.print(Text("      | ", style="dim") + shown)
    if f.suggestions:
        safety = f" [{f.fix.applicability.value} fix]" if f.fix else ""
        tries = " / ".join(f'"{s}"' for s in f.suggestions)
        console.print(Text.assemble(("      > try: ", "green"), tries, (safety, "dim")))
    if f.advice:
        console.print(Text.assemble(("      > ", "green"), f.advice))


def highlight(sentence: str, match: str, color: bool) -> Text:
    """Return the sentence with the match emphasised (between «» without colour)."""
    needle = " ".join(match.split())
    at = sentence.find(needle) if needle else -1
    if at < 0:
        return Text(sentence)
    shown = needle if color else f"«{needle}»"
    return Text.assemble(sentence[:at], (shown, "bold reverse"), sentence[at + len(needle):])


def _summary(console: Console, result: LintResult) -> None:
    counts = Counter((f.category, f.severity.value) for f in result.findings)
    if counts:
        table = Table(title="Findings by category", title_justify="left")
        table.add_column("category")
        for sev in _SEVERITIES:
            table.add_column(sev, justify="right", style=_STYLE[sev])
        table.add_column("total", justify="right")
        for category in sorted({c for c, _ in counts}):
            row = [counts[(category, s)] for s in _SEVERITIES]
            table.add_row(category, *map(str, row), str(sum(row)))
        console.print(table)
    by_sev = Counter(f.severity.value for f in result.findings)
    files = len({f.path for f in result.findings})
    console.print(
        f"{len(result.findings)} finding(s) ({by_sev['error']} error, "
        f"{by_sev['warning']} warning, {by_sev['info']} info) in {files} of {result.files} file(s)"
        + (f"; {len(result.errors)} file(s) could not be linted" if result.errors else "")
    )
