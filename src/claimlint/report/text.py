"""The terminal report: findings grouped by file, then a summary table."""

from __future__ import annotations

import io
from collections import Counter
from itertools import groupby

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..findings import Applicability, Finding, LintResult, suggestion_parts
from .groups import Totals, boilerplate_ids, boilerplate_pages, group_digest

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_SEVERITIES = ("error", "warning", "info")
# Without a terminal nothing is wrapped: grep, editors and files get one line per item.
_NO_WRAP = 100_000


def render(result: LintResult, *, color: bool, width: int | None = None, quiet: bool = False,
           show_suppressed: bool = False) -> str:
    """Render a run for a terminal ``width`` columns wide (None: never wrap lines).

    ``quiet`` keeps only findings and file errors.
    """
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color,
                      width=width or _NO_WRAP, highlight=False, soft_wrap=False, emoji=False)
    # Template boilerplate (the same claim on many pages) is shown once, where first seen.
    ids = boilerplate_ids(result.findings)
    repeated = boilerplate_pages(result.findings, ids) if ids else {}
    shown: set[bytes] = set()
    tally = Totals(ids)
    for path, group in groupby(result.findings, key=lambda f: f.path):
        items = [(f, group_digest(f) if ids else b"") for f in group]
        for f, d in items:
            tally.add(f, d)
        items = [(f, d) for f, d in items if d not in shown]
        if not items:
            continue
        console.print(Text(path, style="bold underline"), soft_wrap=True)
        for f, digest in items:
            _finding(console, f, quiet, color)
            if digest in repeated:
                shown.add(digest)
                others = repeated[digest]
                listed = ", ".join(others[:5]) + (f", … ({len(others) - 5} more)"
                                                 if len(others) > 5 else "")
                _hanging(console, Text(f"      = on {len(others):,} pages: ", style="dim"),
                         Text(listed, style="dim"), 8)
        console.print()
    for p in result.problems:
        console.print(Text.assemble((f"{p.path}:{p.line}:{p.column}: ", "bold"),
                                    ("warning ", _STYLE["warning"]), (f"{p.rule} ", "magenta"),
                                    p.message), soft_wrap=True)
    if show_suppressed and result.suppressed:
        console.print(Text("Suppressed by inline approvals", style="bold underline"))
        for s in result.suppressed:
            f, d = s.finding, s.directive
            _hanging(console, Text(f"  {f.path}:{f.line}:{f.column}  {f.rule}  {f.match!r}  "),
                     Text.assemble((f"approved at line {d.line}: ", "dim"),
                                   d.reason or "(no reason given)"), 4)
        console.print()
    for error in result.errors:
        console.print(Text.assemble(("error: ", "bold red"), error.message), soft_wrap=True)
    for notice in result.notices:  # soft_wrap: a path is never split across lines
        console.print(Text.assemble(("note: ", "bold"), notice), soft_wrap=True)
    if not quiet:
        _summary(console, result, tally)
    return buffer.getvalue()


def _finding(console: Console, f: Finding, quiet: bool, color: bool) -> None:
    sev = f.severity.value
    head = Text.assemble((f"  {f.line}:{f.column}", "bold"), "  ", (f"{sev:<7}", _STYLE[sev]),
                         "  ", (f.rule, "magenta"), "  ")
    _hanging(console, head, Text.assemble(f.message, ("  (hedged)" if f.hedged else "", "dim")),
             6)
    if quiet:
        return
    if f.sentence:
        shown = highlight(f.sentence, f.quote or f.match, color)
        _hanging(console, Text("      | ", style="dim"), shown, 8)
    if f.suggestions:
        safety = f" [{f.fix.applicability.value} fix]" if f.fix else ""
        tries = " / ".join(f'remove "{s}"' if kind == "remove" else f'"{s}"'
                           for kind, s in suggestion_parts(f))
        _hanging(console, Text("      > try: ", style="green"),
                 Text.assemble(tries, (safety, "dim")), 8)
    if f.advice:
        _hanging(console, Text("      > ", style="green"), Text(f.advice), 8)


def _hanging(console: Console, head: Text, body: Text, indent: int) -> None:
    """Print ``head`` then ``body`` wrapped to the console, continuation lines indented.

    ``head`` (where, severity, rule) is never split; a continuation line starts at
    ``indent`` columns so it cannot be mistaken for a file's name.
    """
    width = console.width
    if head.cell_len + body.cell_len <= width:
        console.print(head + body, soft_wrap=True)
        return
    room = width - head.cell_len
    rest = body
    if room >= 12:  # else the whole message goes below the header
        first = body.wrap(console, room)[0]
        head = head + first
        rest = body[len(first.plain):]
    head.rstrip()
    console.print(head, soft_wrap=True)
    skip = len(rest.plain) - len(rest.plain.lstrip(" "))
    for line in rest[skip:].wrap(console, max(20, width - indent)):
        line.rstrip()
        console.print(Text(" " * indent, style=head.style) + line, soft_wrap=True)


def highlight(sentence: str, match: str, color: bool) -> Text:
    """Return the sentence with the match emphasised (between «» without colour)."""
    # A drop's span may take a comma with it ("revolutionary, "); the words are the match.
    needle = " ".join(match.split()).strip(" ,;")
    at = sentence.find(needle) if needle else -1
    if at < 0:
        return Text(sentence)
    shown = needle if color else f"«{needle}»"
    return Text.assemble(sentence[:at], (shown, "bold reverse"), sentence[at + len(needle):])


def _summary(console: Console, result: LintResult, tally: Totals) -> None:
    # Template text repeated on many pages counts once, or a site's totals say little.
    counts = tally.distinct_by_category()
    if counts:
        title = "Distinct findings by category" if tally.repeats else "Findings by category"
        table = Table(title=title, title_justify="left")
        table.add_column("category")
        for sev in _SEVERITIES:
            table.add_column(sev, justify="right", style=_STYLE[sev])
        table.add_column("total", justify="right")
        for category in sorted({c for c, _ in counts}):
            row = [counts[(category, s)] for s in _SEVERITIES]
            table.add_row(category, *map(str, row), str(sum(row)))
        console.print(table)
    by_sev = tally.distinct_by_severity()
    where = f"in {len(tally.paths)} of {result.files} file(s)"
    severities = f"({by_sev['error']} error, {by_sev['warning']} warning, {by_sev['info']} info)"
    if tally.repeats:
        line = (f"{tally.distinct:,} distinct finding(s) {severities} {where}; "
                f"{tally.findings:,} counted page by page, {tally.repeats:,} of them repeat "
                "template text")
    else:
        line = f"{tally.findings} finding(s) {severities} {where}"
    if result.errors:
        line += f"; {len(result.errors)} file(s) could not be linted"
    console.print(line)
    fixable = Counter(f.fix.applicability for f in result.findings if f.fix)
    safe, unsafe = fixable[Applicability.SAFE], fixable[Applicability.UNSAFE]
    if safe:  # ruff's "[*] N fixable with the --fix option"
        console.print(f"[*] {safe} fixable with --fix"
                      + (f" ({unsafe} more with --unsafe-fixes)" if unsafe else ""))
    elif unsafe:
        console.print(f"[*] {unsafe} fixable with --fix --unsafe-fixes")
