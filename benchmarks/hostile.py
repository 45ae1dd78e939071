"""Run the full hostile-input campaign (issue 11) and print its figures as a table.

    python benchmarks/hostile.py            # >= 3,000 inputs, 10 kill -9 and 10 SIGTERM, 2 fixers
    python benchmarks/hostile.py --inputs 300 --kills 2 --sigterms 2 --concurrent 1  # a look

Exit status 1 when anything was found: a crash, a hang, a bad span or a lost byte.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.hostile

from tests.hostile.campaign import run


def main(argv: list[str] | None = None) -> int:
    """Run the campaign and print the table and every problem found."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=3200)
    parser.add_argument("--size", type=int, default=6000, help="largest input, roughly")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--sigterms", type=int, default=10)
    parser.add_argument("--concurrent", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="claimlint-hostile-") as scratch:
        root = args.keep or Path(scratch)
        tally = run(root, seed=args.seed, inputs=args.inputs, size=args.size,
                    kills=args.kills, concurrent=args.concurrent, sigterms=args.sigterms)
    print(tally.table())
    for problem in tally.failures():
        print(problem, file=sys.stderr)
    return 1 if tally.failures() else 0


if __name__ == "__main__":
    sys.exit(main())
