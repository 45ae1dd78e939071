"""What each CLI command does, given parsed arguments."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, baseline
from .api import MAX_FILE_SIZE, Linter, Options
from .baseline import FILENAME
from .cache import ENV_OFF as CACHE_OFF
from .cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, parse_severities, use_color
from .config import Config, check_names, find_config, load_config
from .errors import UsageError
from .findings import LintResult
from .ruleset import DEFAULT_PACKS, Rule, available_packs, load_files, load_ruleset

if TYPE_CHECKING:
    from .fix import FixReport
    from .project import Project

PROGRESS_MIN_FILES = 40


def _explicit_config(args: argparse.Namespace) -> Path | None:
    """The --config file, which must exist; None when the closest config applies."""
    path = getattr(args, "config", None)
    if path is None:
        return None
    if not Path(path).is_file():
        raise UsageError(f"--config: no such file: {path}")
    return Path(path)


def _config(args: argparse.Namespace) -> Config:
    """The config of the working directory (or --config): for commands that lint no files."""
    return load_config(_explicit_config(args) or find_config(Path.cwd()))


def _project(args: argparse.Namespace) -> Project:
    """The run's configs: the closest one above each file, merged with the flags (or --config)."""
    from .project import Project

    return Project(lambda config: _options(args, config), _explicit_config(args),
                   getattr(args, "include", None) or (), getattr(args, "exclude", None) or ())


def _options(args: argparse.Namespace, config: Config) -> Options:
    """Merge the config file with command-line flags (flags win)."""
    severity = {**config.severity, **parse_severities(getattr(args, "severity", ()))}
    return Options(
        packs=tuple(args.packs or config.packs),
        rule_paths=(*config.rule_paths, *args.rules),
        select=tuple(getattr(args, "select", None) or config.select),
        ignore=tuple(getattr(args, "ignore", None) or config.ignore),
        severity=severity,
        vocabulary=config.vocabulary,
        model=getattr(args, "model", None) or config.model,
        overrides=config.overrides,
        include=tuple(getattr(args, "include", None) or config.include),
        exclude=(*config.exclude, *(getattr(args, "exclude", None) or ())),
        root=config.root,
        require_reason=config.require_reason,
        include_drafts=getattr(args, "include_drafts", False),
        max_file_size=next((s for s in (getattr(args, "max_file_size", None),
                                         config.max_file_size) if s is not None), MAX_FILE_SIZE),
    )


def _checked_options(args: argparse.Namespace) -> Options:
    """The working directory's config merged with the flags, its rule names checked at
    their place in the file (a linter would name the flag instead)."""
    config = _config(args)
    options = _options(args, config)
    check_names(config, load_ruleset(options.packs, options.rule_paths, options.vocabulary))
    return options


def check(args: argparse.Namespace) -> int:
    """Lint paths, each file with its closest config, and print a report; the exit code
    follows each file's fail-on (or --fail-on)."""
    args.paths = args.paths or ["."]  # like ruff: no PATH lints the working directory
    if args.no_cache:  # for this process and its workers, as the variable would
        os.environ[CACHE_OFF] = "1"
    project = _project(args)
    config = project.config(".")  # the working directory's: where the baseline is
    stdin = sys.stdin.read() if "-" in args.paths else None
    jobs = args.jobs or os.cpu_count() or 1
    linted_at = time.time_ns()  # a file modified after this has changed since it was linted
    with _progress(args.quiet) as progress:
        result = project.lint(args.paths, stdin_text=stdin, stdin_filename=args.stdin_filename,
                              jobs=jobs, progress=progress)
    result = _without_baseline(result, args, config)
    if args.diff_base:
        from .gitdiff import changed_lines, keep_changed

        changed = changed_lines(args.diff_base, Path.cwd())
        result = replace(result, findings=tuple(keep_changed(result.findings, changed)))
    if args.diff:
        fixes = _fix(project, result, args.unsafe_fixes, write=False, linted_at_ns=linted_at)
        sys.stdout.write("".join(fixes.diffs))
        for error in (*result.errors, *fixes.errors):
            print(f"claimlint: error: {error.message}", file=sys.stderr)
        for notice in () if args.quiet else fixes.notices:
            print(f"claimlint: note: {notice}", file=sys.stderr)
        _hint_unsafe(result, args)
        if result.errors or fixes.errors:
            return EXIT_ERROR
        return EXIT_FINDINGS if fixes.diffs else EXIT_CLEAN
    fix_failed = False
    if args.fix:
        fixes = _fix(project, result, args.unsafe_fixes, write=True, linted_at_ns=linted_at)
        if fixes.fixed:
            print(f"claimlint: fixed {len(fixes.fixed)} file(s)", file=sys.stderr)
            result = _without_baseline(project.lint(
                args.paths, stdin_text=stdin, stdin_filename=args.stdin_filename, jobs=jobs),
                args, config)
        result = replace(result, errors=(*result.errors, *fixes.errors),
                         notices=(*result.notices, *fixes.notices))
        fix_failed = bool(result.errors)
        _hint_unsafe(result, args)
    report = _report(args.format, result, project, args.quiet, args.show_suppressed,
                     to_file=bool(args.output))
    if args.format in ("json", "csv", "concise") and not args.quiet:
        for notice in result.notices:  # these formats have no place for notices
            print(f"claimlint: note: {notice}", file=sys.stderr)
    if args.output:
        encoding = "utf-8-sig" if args.format == "csv" else "utf-8"  # Excel needs the BOM
        with open(args.output, "w", encoding=encoding, newline="") as handle:
            handle.writelines(report)
    else:
        sys.stdout.writelines(report)
    if fix_failed:  # a file that could not be read or fixed fails a --fix run (issue 11)
        return EXIT_ERROR
    return exit_code(result, args.fail_on or project.fail_on)


def warm(args: argparse.Namespace) -> None:
    """Build the linters a ``check`` with ``args`` would use first (the working directory's
    config and those of the folders named): a warm server keeps them for its runs."""
    project = _project(args)
    folders = {"."}
    for path in (args.paths or ["."])[:16]:
        name = args.stdin_filename if path == "-" else path
        folders.add(name if os.path.isdir(name) else os.path.dirname(name) or ".")
    for folder in sorted(folders):
        project.linter(project.config(folder))


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr for long runs, only on a terminal and not with --quiet."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    # Refreshed by hand, never by rich's thread: worker processes are forked while the
    # bar is up, and a fork must not copy a thread that may hold stderr's lock.
    with Progress(console=Console(stderr=True), transient=True, auto_refresh=False) as bar:
        task = None
        shown = 0.0

        def update(done: int, total: int) -> None:
            nonlocal task, shown
            if total < PROGRESS_MIN_FILES:
                return
            if task is None:
                task = bar.add_task("linting", total=total)
            bar.update(task, completed=done)
            if time.monotonic() - shown > 0.1 or done == total:
                bar.refresh()
                shown = time.monotonic()
        yield update


def _baseline_path(args: argparse.Namespace, config: Config) -> Path:
    return Path(args.baseline) if getattr(args, "baseline", None) else config.root / FILENAME


def _without_baseline(result: LintResult, args: argparse.Namespace, config: Config) -> LintResult:
    """Hide findings recorded in the baseline file, when there is one."""
    path = _baseline_path(args, config)
    if args.no_baseline or not path.is_file():
        return result
    new, used = baseline.split(result.findings, baseline.read(path), path.parent)
    hidden = sum(used.values())
    notices = (*result.notices, f"{hidden} finding(s) hidden by the baseline {path}") if hidden \
        else result.notices
    return replace(result, findings=tuple(new), notices=notices)


def baseline_cmd(args: argparse.Namespace) -> int:
    """Create or prune the baseline file (each file linted with its closest config)."""
    project = _project(args)
    path = _baseline_path(args, project.config("."))
    if args.action == "create":
        result = project.lint(args.paths or ["."])
        count = baseline.write(path, result.findings)
        print(f"wrote {path}: {count} finding(s) baselined")
        return EXIT_CLEAN
    if not path.is_file():
        raise UsageError(f"no baseline at {path}; create one with 'claimlint baseline create'")
    result = project.lint(args.paths or ["."])
    kept, dropped = baseline.prune(path, result.findings)
    print(f"pruned {path}: kept {kept}, dropped {dropped} entr{'y' if dropped == 1 else 'ies'}")
    return EXIT_CLEAN


def _report(fmt: str, result: LintResult, project: Project, quiet: bool,
            show_suppressed: bool, to_file: bool) -> Iterable[str]:
    """Render the run in the chosen format, in pieces (reporters import lazily: startup
    stays fast; the site formats stream, as a report can outgrow memory)."""
    if fmt == "json":
        from .report import json as reporter

        return reporter.chunks(result, __version__)
    if fmt == "sarif":
        from .report import sarif

        return sarif.chunks(result, project.selected_rules(), __version__)
    if fmt == "html":
        from .report import html

        return html.chunks(result, __version__)
    if fmt == "csv":
        from .report import csv

        return csv.chunks(result)
    if fmt == "concise":
        from .report import concise

        return concise.chunks(result)
    if fmt == "github":
        from .gitdiff import repo_root
        from .report import github

        root = repo_root(Path.cwd())
        return [github.render(result, cwd=os.getcwd(), root=str(root) if root else "")]
    if fmt == "junit":
        from .report import junit

        return [junit.render(result)]
    from rich.console import Console

    from .report import text

    terminal = not to_file and sys.stdout.isatty()  # a file or a pipe gets plain, unwrapped text
    width = Console(file=sys.stdout).width if terminal else None
    return [text.render(result, color=terminal and use_color(sys.stdout), width=width,
                        quiet=quiet, show_suppressed=show_suppressed)]


def _fix(project: Project, result: LintResult, unsafe: bool, write: bool,
         linted_at_ns: int) -> FixReport:
    """Apply (or, without ``write``, diff) fixes file by file; one file's failure stops none."""
    from .fix import fix_findings

    return fix_findings(result.findings, project.relint, unsafe=unsafe, write=write,
                        linted_at_ns=linted_at_ns)


def _hint_unsafe(result: LintResult, args: argparse.Namespace) -> None:
    """Say how many fixes --unsafe-fixes would add (ruff's hint), so "nothing" is explained."""
    from .fix import hidden_fixes

    if args.unsafe_fixes or args.quiet:
        return
    count = hidden_fixes(result.findings)
    if count:
        print(f"claimlint: {count} fix{'es' if count > 1 else ''} available with --unsafe-fixes "
              "(they change a claim: read the diff first)", file=sys.stderr)


def exit_code(result: LintResult, fail_on: str | Callable[[str], str]) -> int:
    """Return 1 when a finding is at or above ``fail_on`` or a file could not be checked.

    ``fail_on`` is one level for every file, or gives each path its own (its config's).
    """
    level = (lambda _path: fail_on) if isinstance(fail_on, str) else fail_on
    floor = {"info": 0, "warning": 1, "error": 2, "never": 3}  # "never": above every rank
    failing = (any(level(e.path) != "never" for e in result.errors)
               or any(level(p.path) != "never" for p in result.problems)
               or any(f.severity.rank >= floor[level(f.path)] for f in result.findings))
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def rules(args: argparse.Namespace) -> int:
    """List every loaded rule with id, category, severity and pack."""
    config = _config(args)
    ruleset = load_ruleset(tuple(args.packs or config.packs), (*config.rule_paths, *args.rules),
                           config.vocabulary)
    check_names(config, ruleset)
    if args.format == "markdown":
        from .report.rules_md import render as render_markdown

        sys.stdout.write(render_markdown(ruleset.rules))
        return EXIT_CLEAN
    if args.format == "json":
        rows = [{"id": r.id, "category": r.category, "severity": r.severity.value,
                 "pack": r.pack, "level": r.level, "fix": r.fix.value,
                 "drop_fix": (r.drop_fix or r.fix).value,
                 "needs_model": r.needs_model, "message": r.message, "rationale": r.rationale,
                 "references": [{"title": ref.title, "url": ref.url, "region": ref.region}
                                for ref in r.references]}
                for r in ruleset.rules]
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
    # Any pack's rule can be explained; its references are ordered for the packs in force.
    in_force = (*(args.packs or _config(args).packs), *(path.stem for path in args.rules))
    ruleset = load_ruleset(packs, tuple(args.rules), in_force=in_force)
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
        *[f"  - {ref.title}: {ref.url}" + (f" ({ref.region})" if ref.region else "")
          for ref in rule.references],
        "",
        "Flags:",
        *[f"  - {t.strip()}" for t in rule.examples.flag],
        "Passes:",
        *[f"  - {t.strip()}" for t in rule.examples.passing],
        "",
    ]
    if rule.suggest:
        lines.append("Suggested wording:")
        lines.extend(f"  {w.term} -> {w.describe(str, ' | ')}" for w in rule.suggest)
    if rule.advice:
        lines.append(f"Advice: {rule.advice}")
    unsafe = " (changes meaning: applied only with --unsafe-fixes)"
    if rule.drop_fix is not None and rule.drop_fix != rule.fix:
        lines.append(f"Fix: dropping a word is {rule.drop_fix.value}; a rewording is "
                     f"{rule.fix.value}" + (unsafe if rule.fix.value == "unsafe" else ""))
    else:
        lines.append(f"Fix: {rule.fix.value}" + (unsafe if rule.fix.value == "unsafe" else ""))
    if rule.hedged_severity:
        lines.append("Hedged claims (may, might, could help): reported as "
                     f"{rule.hedged_severity.value}")
    if rule.needs_model:
        lines.append("Needs a trained spaCy pipeline (--model); skipped without one.")
    if rule.level == "learned":
        lines.append("Found by the learned decision, not by wording: it flags whole sentences the "
                     "claim model reads as this category (off with 'model: none').")
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


STARTER = """\
# claimlint configuration: the closest .claimlint.yaml (or [tool.claimlint] in
# pyproject.toml) above each linted file applies. `claimlint config FILE` shows
# which one applies to FILE and where each setting came from.

# Built-in rule packs: core, us-ftc, us-fda, uk-cap, au-ahpra, ad-platforms.
packs: [core, us-ftc, us-fda]

# Extra rule files or folders, relative to this file.
# rule-paths: [house-rules/]

# Rule ids, id prefixes, categories or packs to keep or drop.
# select: [hype, safety-claim]
# ignore: [hype.the-best]

# Severity overrides: error | warning | info.
# severity:
#   inducement: error

# Lowest severity that fails a run, for the files this config applies to:
# error | warning | info | never.
fail-on: warning

# Gitignore-style globs, relative to this file.
# include: ["content/**"]
exclude: ["node_modules/", "drafts/"]

# Skip larger files with a notice (a page over this is rarely copy); 0: no limit.
# max-file-size: 10MB

# Settings for some files only.
# overrides:
#   - files: ["blog/**"]
#     ignore: [testimonial]

# Terms the rules should know: "treatment" adds your treatment names to the
# efficacy rules; "accept" lists names that contain a flagged word and must
# never be flagged (a product or clinic name).
# vocabulary:
#   treatment: [GlowCell serum]
#   accept: [Miracle Mile Clinic]

# An installed trained spaCy pipeline for rules that need syntax (optional).
# model: en_core_web_sm

# Require a reason in every claimlint-disable comment.
# require-reason: true
"""


def init(args: argparse.Namespace) -> int:
    """Write a commented starter .claimlint.yaml in the current folder."""
    target = Path(".claimlint.yaml")
    if target.exists() and not args.force:
        raise UsageError(f"{target} already exists (use --force to overwrite)")
    target.write_text(STARTER, encoding="utf-8")
    print(f"wrote {target}")
    return EXIT_CLEAN


def config(args: argparse.Namespace) -> int:
    """Print, for each path, the config that applies and where each setting came from."""
    from .configcmd import show_config

    return show_config(args.paths or ["."], _explicit_config(args), str(args.format))


def train(args: argparse.Namespace) -> int:
    """Train a claim model on labelled corpora and write it to --output."""
    from .modelcmd import train_model

    return train_model(args, _checked_options(args))


def evaluate(args: argparse.Namespace) -> int:
    """Print per-category scores on labelled corpora, cross-validated with --folds."""
    from .modelcmd import evaluate_model

    return evaluate_model(args, _checked_options(args))
