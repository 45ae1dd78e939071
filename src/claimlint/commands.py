"""What each CLI command does, given parsed arguments."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from .api import Linter, Options
from .cli import EXIT_CLEAN, EXIT_FINDINGS, parse_severities, use_color
from .errors import UsageError
from .findings import LintResult
from .ruleset import DEFAULT_PACKS, Rule, available_packs, load_files, load_ruleset


def _options(args: argparse.Namespace) -> Options:
    return Options(
        packs=tuple(args.packs or DEFAULT_PACKS),
        rule_paths=tuple(args.rules),
        select=tuple(getattr(args, "select", ())),
        ignore=tuple(getattr(args, "ignore", ())),
        severity=parse_severities(getattr(args, "severity", ())),
        model=getattr(args, "model", None),
    )


def check(args: argparse.Namespace) -> int:
    """Lint paths and print a report; the exit code follows --fail-on."""
    if not args.paths:
        raise UsageError("check needs at least one PATH (a file, a folder, or - for stdin)")
    linter = Linter(_options(args))
    stdin = sys.stdin.read() if "-" in args.paths else None
    result = linter.lint_paths(args.paths, stdin_text=stdin, stdin_filename=args.stdin_filename)
    if args.format == "json":
        from .report.json import render as render_json

        sys.stdout.write(render_json(result, __version__))
    else:
        from .report.text import render as render_text

        sys.stdout.write(render_text(result, color=use_color(sys.stdout), quiet=args.quiet))
    return exit_code(result, args.fail_on)


def exit_code(result: LintResult, fail_on: str) -> int:
    """Return 1 when any finding is at or above ``fail_on``, else 0 (file errors alone: 0)."""
    if fail_on == "never":
        return EXIT_CLEAN
    floor = {"info": 0, "warning": 1, "error": 2}[fail_on]
    failing = any(f.severity.rank >= floor for f in result.findings)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def rules(args: argparse.Namespace) -> int:
    """List every loaded rule with id, category, severity and pack."""
    ruleset = load_ruleset(tuple(args.packs or DEFAULT_PACKS), tuple(args.rules))
    if args.format == "markdown":
        from .report.rules_md import render as render_markdown

        sys.stdout.write(render_markdown(ruleset.rules))
        return EXIT_CLEAN
    if args.format == "json":
        rows = [{"id": r.id, "category": r.category, "severity": r.severity.value,
                 "pack": r.pack, "level": r.level, "fix": r.fix.value,
                 "needs_model": r.needs_model} for r in ruleset.rules]
        print(json.dumps(rows, indent=2))
        return EXIT_CLEAN
    width = max((len(r.id) for r in ruleset.rules), default=10)
    for r in ruleset.rules:
        print(f"{r.id:<{width}}  {r.category:<22} {r.severity.value:<8} {r.pack}")
    print(f"\n{len(ruleset.rules)} rules from packs: {', '.join(ruleset.packs)}"
          f" (available: {', '.join(available_packs())})")
    return EXIT_CLEAN


def explain(args: argparse.Namespace) -> int:
    """Print a rule's message, rationale, references, examples and fix safety."""
    packs = tuple(args.packs or available_packs())
    ruleset = load_ruleset(packs, tuple(args.rules))
    rule = ruleset.get(args.rule_id)
    if rule is None:
        import difflib

        close = difflib.get_close_matches(args.rule_id, [r.id for r in ruleset.rules], n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UsageError(f"no rule '{args.rule_id}' in packs {', '.join(packs)}{hint}")
    print(describe(rule))
    return EXIT_CLEAN


def describe(rule: Rule) -> str:
    """Return the human explanation of one rule."""
    lines = [
        f"{rule.id}  ({rule.category}, {rule.severity.value}, pack {rule.pack})",
        "",
        f"Message: {rule.message}",
        "",
        f"Why it matters: {rule.rationale}",
        "",
        "References:",
        *[f"  - {ref.title}: {ref.url}" for ref in rule.references],
        "",
        "Flags:",
        *[f"  - {t.strip()}" for t in rule.examples.flag],
        "Passes:",
        *[f"  - {t.strip()}" for t in rule.examples.passing],
        "",
    ]
    if rule.suggest:
        lines.append("Suggested wording:")
        lines.extend(f"  {k} -> {' | '.join(v)}" for k, v in rule.suggest)
    if rule.advice:
        lines.append(f"Advice: {rule.advice}")
    lines.append(f"Fix: {rule.fix.value}" + (
        " (changes meaning: applied only with --unsafe-fixes)" if rule.fix.value == "unsafe" else ""))
    if rule.hedged_severity:
        lines.append(f"Hedged claims (may, might, could help): reported as {rule.hedged_severity.value}")
    if rule.needs_model:
        lines.append("Needs a trained spaCy pipeline (--model); skipped without one.")
    lines.append(f"Defined at: {rule.path}:{rule.line}")
    return "\n".join(lines)


def test_rules(args: argparse.Namespace) -> int:
    """Run rules' examples and suggestion checks; exit 1 when any fails."""
    from .selftest import check_examples, check_suggestions

    known = available_packs()
    targets: dict[str, Path] = {}
    for target in args.targets:
        path = Path(target)
        if path.exists():
            name = next((n for n, p in known.items() if p.resolve() == path.resolve()), path.stem)
            targets[name] = path
        elif target in known:
            targets[target] = known[target]
        else:
            raise UsageError(f"'{target}' is neither a rule file nor a pack "
                             f"(packs: {', '.join(known)})")
    tested_packs = set(targets or DEFAULT_PACKS)
    # Examples run with the default packs loaded too, so document rules see their triggers.
    sources = {**{n: known[n] for n in DEFAULT_PACKS}, **targets}
    linter = Linter(Options(), load_files(list(sources.items())))
    failures = total = 0
    for result in [*check_examples(linter), *check_suggestions(linter)]:
        if result.rule.pack not in tested_packs:
            continue
        total += 1
        if not result.ok:
            failures += 1
            print(f"{result.rule.path}:{result.rule.line}: {result.rule.id}: {result.kind} "
                  f"example {result.text.strip()!r}: {result.detail}")
    print(f"{total - failures} passed, {failures} failed")
    return EXIT_FINDINGS if failures else EXIT_CLEAN
