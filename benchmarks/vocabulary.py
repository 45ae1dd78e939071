"""Time a rule pack with a very large vocabulary (issue 11) through the CLI.

    python benchmarks/vocabulary.py                  # 50,000 terms
    python benchmarks/vocabulary.py --terms 5000

The pack's vocabulary is used in ``terms:`` and in two regexes as ``{@big}``. Prints
seconds and peak memory of ``claimlint check`` on one page without and with the pack,
and of ``claimlint test-rules`` on the pack, and whether the vocabulary's last term was
found both ways. Exit status 1 when it was not.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.hostile

from tests.hostile.generators import large_vocabulary, vocabulary_pack

PAGE = "# Zorbulax syndrome\n\nOur serum treats zorbulax syndrome in a week.\n"


def timed(args: list[str], cwd: Path) -> tuple[float, int, str]:
    """Run the CLI; return wall seconds, its peak resident size in MB, and its output."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen([sys.executable, "-m", "claimlint", *args], cwd=cwd,
                                stdout=out, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(proc.pid, 0)
        proc.returncode = 0  # reaped by wait4
        seconds = time.monotonic() - started
        out.seek(0)
        return seconds, usage.ru_maxrss >> 10, out.read().decode()


def main(argv: list[str] | None = None) -> int:
    """Write the pack and a page, run the three commands, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="claimlint-vocabulary-") as scratch:
        root = Path(scratch)
        (root / "big.yaml").write_text(vocabulary_pack(large_vocabulary(args.terms, args.seed)),
                                       encoding="utf-8")
        (root / "page.md").write_text(PAGE, encoding="utf-8")
        check = ["check", "--format", "json", "--no-baseline", "-q", "-j", "1", "--select",
                 "disease-claim,efficacy-claim", "page.md"]
        rows = [("check, bundled packs only", *timed(check, root))]
        rows.append(("check with the pack", *timed([*check, "--rules", "big.yaml"], root)))
        rows.append(("test-rules on the pack", *timed(["test-rules", "big.yaml"], root)))
    found = json.loads(rows[1][3])["findings"]
    rules = {r for f in found if "zorbulax syndrome" in f["match"].lower()
             for r in (f["rule"], *f.get("merged", ()))}
    ok = {"disease-claim.listed", "efficacy-claim.treats-listed"} <= rules
    print(f"{args.terms:,}-term vocabulary in terms: and in two {{@big}} regexes")
    print("| run | seconds | peak memory |")
    print("|---|---|---|")
    for name, seconds, peak, _ in rows:
        print(f"| {name} | {seconds:.1f} | {peak} MB |")
    print(f"last term found by the terms rule and the regex rule: {'yes' if ok else 'NO'}")
    passed = rows[2][3].strip().splitlines()[-1:] or ["no output"]
    print(f"test-rules: {passed[0]}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
