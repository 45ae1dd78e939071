"""Command line: check, rules, explain, test-rules. Exit 0 clean, 1 findings, 2 error."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from .errors import ClaimlintError, SourceError, UsageError
from .findings import Severity
from .interrupt import SIGNALS, Interrupted, stop_on_signals

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # stopped by a signal: 128 + its number, as shells say (SIGTERM: 143)
FAIL_ON = ("error", "warning", "info", "never")

_EPILOG = """\
examples:
  claimlint check                              lint the working directory
  claimlint check examples/                    lint a folder (all supported files)
  claimlint check page.md --format json        machine-readable report
  claimlint check site/ --format concise       one line a finding, for editors and scripts
  claimlint check site/ --format html -o report.html
                                               a self-contained site report for a client
  claimlint check export.xml --include-drafts  a WordPress export, drafts included
  claimlint check site/ --select hype,safety-claim --ignore safety-claim.no-risk
  claimlint check - --stdin-filename draft.md  lint standard input
  claimlint rules --packs core,uk-cap          what a set of packs enables
  claimlint explain hype.superlative           why a rule exists, with its sources
  claimlint test-rules my-rules.yaml           run a rule file's examples after editing it
  claimlint init && claimlint config           start a config file and show what applies

warm server (Linux): after a first 'check', a background server keeps spaCy and the
rules loaded so the next ones start at once (see 'claimlint server status');
CLAIMLINT_NO_SERVER=1 or CI=true runs every check in-process, CLAIMLINT_SERVER_IDLE=SECONDS
sets how long it waits for a run (default 900) and CLAIMLINT_SERVER_DIR where its socket is

exit codes: 0 no finding at or above --fail-on, 1 findings (or an unused approval, or a
file that could not be read), 2 usage, config or rule error
"""


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _size(value: str) -> int:
    from .config import parse_size

    size = parse_size(value)
    if size is None:
        raise argparse.ArgumentTypeError(f"not a size: {value!r} (e.g. 10MB, 512KB, 0)")
    return size


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"must be 1 or more (0: one per core), not {jobs}")
    return jobs


def _add_rule_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", default=None, metavar="PATH",
                   help="config file for every file (default: the closest .claimlint.yaml or "
                        "[tool.claimlint] in pyproject.toml above each file)")
    p.add_argument("--packs", type=_csv, default=None, metavar="P1,P2",
                   help="built-in rule packs to load (default: core,us-ftc,us-fda)")
    p.add_argument("--rules", action="append", type=Path, default=[], metavar="PATH",
                   help="an extra rule file or folder of rule files (repeatable)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimlint",
        description="Lint health-clinic marketing copy for risky claims (hype, unsourced "
                    "evidence, efficacy, disease and safety claims, testimonials...), with the "
                    "regulation behind each rule and softer wording that would pass.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"claimlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="lint files, folders or stdin",
                           description="Lint Markdown, text, HTML, WordPress exports (.xml) "
                                       "and Word (.docx) files for risky claims.",
                           epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("paths", nargs="*", metavar="PATH",
                       help="files, folders, or - for stdin (default: .)")
    check.add_argument("--format", "--output-format", dest="format", default="text",
                       choices=("text", "concise", "json", "sarif", "github", "junit", "html",
                                "csv"),
                       help="report format (default: text; concise: one line a finding, "
                            "path:line:col: severity rule message; html: a self-contained site "
                            "report)")
    check.add_argument("-o", "--output", default=None, metavar="FILE",
                       help="write the report to FILE instead of standard output")
    check.add_argument("--include", type=_csv, action="extend", default=None, metavar="GLOB",
                       help="only lint files matching these gitignore-style globs (relative "
                            "to the working directory; they replace the config's include)")
    check.add_argument("--exclude", type=_csv, action="extend", default=None, metavar="GLOB",
                       help="skip files and folders matching these globs, e.g. drafts/ "
                            "(relative to the working directory; the config's excludes apply too)")
    check.add_argument("--max-file-size", type=_size, default=None, metavar="SIZE",
                       help="skip larger files with a notice (default: 10MB; 0: no limit)")
    check.add_argument("--include-drafts", action="store_true",
                       help="WordPress exports: lint drafts and pending posts too")
    check.add_argument("--select", type=_csv, action="extend", default=None, metavar="SEL",
                       help="only these rule ids, id prefixes, categories or packs")
    check.add_argument("--ignore", type=_csv, action="extend", default=None, metavar="SEL",
                       help="skip these rule ids, id prefixes, categories or packs")
    check.add_argument("--severity", action="append", default=[], metavar="SEL=LEVEL",
                       help="override severity, e.g. hype=info (repeatable)")
    check.add_argument("--fail-on", choices=FAIL_ON, default=None,
                       help="lowest severity that makes the exit code 1, for every file "
                            "(default: each file's config's fail-on, else warning)")
    check.add_argument("--model", default=None, metavar="DIR|NAME",
                       help="a claim model folder from 'claimlint train', 'none' for the rules "
                            "alone, or an installed spaCy pipeline for rules that need syntax")
    check.add_argument("--stdin-filename", default="<stdin>", metavar="NAME",
                       help="file name to report (and choose the format) for stdin")
    check.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                       help="worker processes (default or 0: one per core); results do not "
                            "depend on it")
    check.add_argument("--no-cache", action="store_true",
                       help="lint every file again and keep nothing for the next run (by "
                            "default an unchanged file with unchanged settings is not linted "
                            "twice; as CLAIMLINT_NO_CACHE=1)")
    check.add_argument("--diff-base", default=None, metavar="REF",
                       help="report only findings on lines changed since this git ref")
    check.add_argument("--baseline", default=None, metavar="PATH",
                       help="baseline file (default: .claimlint-baseline.json beside the config)")
    check.add_argument("--no-baseline", action="store_true", help="report baselined findings too")
    check.add_argument("--show-suppressed", action="store_true",
                       help="list findings silenced by claimlint-disable comments, with reasons")
    check.add_argument("--fix", action="store_true",
                       help="apply safe fixes in place (meaning-preserving rewordings)")
    check.add_argument("--unsafe-fixes", action="store_true",
                       help="with --fix or --diff, also apply unsafe fixes (they change a claim)")
    check.add_argument("--diff", action="store_true",
                       help="print the fixes as a unified diff instead of writing them")
    check.add_argument("-q", "--quiet", action="store_true",
                       help="print only findings and errors, no context or summary")
    _add_rule_options(check)

    rules = sub.add_parser("rules", help="list loaded rules",
                           description="List the rules a set of packs enables. --format markdown "
                                       "writes the rule reference (docs/rules.md).")
    rules.add_argument("--format", "--output-format", dest="format",
                       choices=("text", "json", "markdown"), default="text")
    _add_rule_options(rules)

    explain = sub.add_parser("explain", help="show what a rule flags and why")
    explain.add_argument("rule_id", metavar="RULE_ID")
    _add_rule_options(explain)

    test = sub.add_parser("test-rules", help="run rules' examples and check their suggestions",
                          description="Run every rule's flag/pass examples and check that no "
                                      "suggested wording triggers a rule. Give packs by name or "
                                      "rule files/folders; default: the default packs.")
    test.add_argument("targets", nargs="*", metavar="PACK_OR_FILE")

    base = sub.add_parser("baseline", help="record today's findings; check reports only new ones",
                          description="create: lint PATHs (default .) and record every finding in "
                                      ".claimlint-baseline.json; prune: drop entries that no "
                                      "longer match anything.")
    base.add_argument("action", choices=("create", "prune"))
    base.add_argument("paths", nargs="*", metavar="PATH")
    base.add_argument("--baseline", default=None, metavar="PATH")
    _add_rule_options(base)

    train = sub.add_parser(
        "train", help="train a claim model on labelled copy (docs/ + labels.jsonl)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Train the learned decision on one or more labelled corpora, each a folder "
                    "with docs/ (one file per page) and labels.jsonl (one line per sentence, as "
                    "in the annotation guide). The model weighs each sentence's rule hits, "
                    "context and wording per category; use it with 'model: DIR' in "
                    ".claimlint.yaml or --model DIR.",
        epilog="example:\n  claimlint train approved-copy/ -o .claimlint-model\n"
               "  claimlint evaluate approved-copy/ --folds 5 --group-by site\n"
               "  claimlint check --model .claimlint-model site/")
    train.add_argument("corpora", nargs="+", metavar="CORPUS", type=Path)
    train.add_argument("-o", "--output", required=True, type=Path, metavar="DIR",
                       help="folder to write the model to (created if missing)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    _add_rule_options(train)

    evaluate = sub.add_parser(
        "evaluate", help="score claimlint on labelled copy, per category",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Print precision, recall and F1 per category on labelled corpora. Without "
                    "--folds the configured model (or the shipped one) is scored; with --folds K "
                    "a model is trained on K-1 parts and scored on the part it never saw, K "
                    "times, so the figures say how it does on new copy.",
        epilog="example:\n  claimlint evaluate approved-copy/ --folds 5 --group-by site")
    evaluate.add_argument("corpora", nargs="+", metavar="CORPUS", type=Path)
    evaluate.add_argument("--folds", type=int, default=0, metavar="K",
                          help="cross-validate: train and score K times on held-out parts")
    evaluate.add_argument("--group-by", choices=("site", "document"), default="site",
                          help="keep a site's (or a document's) pages in one part (default: site)")
    evaluate.add_argument("--model", default=None, metavar="DIR",
                          help="claim model folder, or 'none' for the rules alone")
    evaluate.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    evaluate.add_argument("--also-train", action="append", default=[], type=Path,
                          metavar="CORPUS", help="with --folds: add CORPUS to every fold's "
                          "training data without scoring it (e.g. written examples)")
    evaluate.add_argument("--format", "--output-format", dest="format", choices=("text", "json"),
                          default="text")
    _add_rule_options(evaluate)

    init = sub.add_parser("init", help="write a commented starter .claimlint.yaml")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")

    config = sub.add_parser(
        "config", help="show which config applies to files, and where each setting came from",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="For each PATH (default: .) print the config that applies to it: the "
                    "closest .claimlint.yaml or [tool.claimlint] in pyproject.toml at or above "
                    "it (or --config), the files it extends, and every effective setting with "
                    "the file and line it came from ('default' when no file sets it). A folder "
                    "stands for the files directly in it. Config errors are reported as "
                    "'check' would report them.",
        epilog="examples:\n"
               "  claimlint config                          the working directory's config\n"
               "  claimlint config blog/post.md pages/      what applies to a file and a folder\n"
               "  claimlint config --format json blog/post.md\n")
    config.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or folders (default: .)")
    config.add_argument("--format", "--output-format", dest="format", choices=("text", "json"),
                        default="text", help="report format (default: text)")
    config.add_argument("--config", default=None, metavar="PATH",
                        help="a config file that applies to every PATH instead")

    server = sub.add_parser(
        "server", help="show, start or stop the warm server that makes 'check' start fast",
        description="'claimlint check' hands its run to a server that keeps spaCy and the "
                    "rules loaded, and starts one in the background when none runs. It serves "
                    "only its own user, through a socket in $XDG_RUNTIME_DIR/claimlint (or "
                    "a private folder in the temporary folder), and stops after 15 minutes "
                    "without a run, or when claimlint or spaCy is upgraded. Set "
                    "CLAIMLINT_NO_SERVER=1 to run every check in-process; CI runs do.")
    server.add_argument("action", nargs="?", choices=("status", "start", "stop"),
                        default="status",
                        help="status (default; exit 1 when none runs), start, or stop every "
                             "claimlint server of this user")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return EXIT_ERROR
    try:
        with stop_on_signals():
            if args.command == "server":  # it only talks to a server: no spaCy here
                from .client import server_command

                return server_command(args.action)
            from . import commands

            name = {"baseline": "baseline_cmd"}.get(args.command, args.command.replace("-", "_"))
            return int(getattr(commands, name)(args))
    except SourceError as exc:
        print(exc.render(), file=sys.stderr)
    except ClaimlintError as exc:
        print(f"claimlint: error: {exc}", file=sys.stderr)
    except Interrupted as exc:
        # Workers are stopped and no file is half-written (see interrupt.py).
        print(f"claimlint: stopped by {exc.name}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("claimlint: stopped by SIGINT", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_ERROR


def run() -> NoReturn:
    """The claimlint program: run the command line, then exit with its code."""
    from .client import forward

    forward(sys.argv[1:])  # exits here when a warm server ran it
    code = main()
    # The run is over and its report written; Python's teardown (a few hundred ms with
    # spaCy loaded) must not turn a late Ctrl-C or SIGTERM into a silent kill.
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    sys.exit(code)


def parse_severities(values: Sequence[str]) -> dict[str, Severity]:
    """Parse repeated ``SEL=LEVEL`` options."""
    out: dict[str, Severity] = {}
    for value in values:
        sel, _, level = value.partition("=")
        if not sel or level not in ("error", "warning", "info"):
            raise UsageError(f"--severity expects SEL=error|warning|info, not {value!r}")
        out[sel.strip()] = Severity(level)
    return out


def use_color(stream: object) -> bool:
    """Colour only on a terminal and only when NO_COLOR is unset."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in os.environ
