#!/usr/bin/env python3
"""Speed and memory figures for claimlint (printed, never asserted).

Usage: python benchmarks/bench.py [--pages 5000] [--jobs N] [--repeat 3] [--keep DIR]

Generates a synthetic clinic site (HTML pages with shared nav and footer
boilerplate), then prints files/s, words/s, CPU time and peak RSS for
`claimlint check` with --jobs 1 and --jobs N, the same text through spaCy's
bare tokenizer (spacy.blank("en") + nlp.pipe: the floor a spaCy-based linter
can reach), the same with spaCy's lookup lemmatizer and sentencizer added (the
least pipeline a rule on lemmas and sentences needs), claimlint's HTML
extraction alone, the start-up time of a one-file
check (which a pre-commit user feels), and the speed-up the machine gives a
pure-Python CPU loop in N processes meanwhile (on a shared VM, often well
under N).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

NAV = ('<nav><a href="/">Home</a> <a href="/treatments">Treatments</a> '
       '<a href="/book">Book now and get 20% off</a></nav>')
FOOTER = ("<footer><p>Harbor Lane Aesthetics, 12 Quay Street. Our revolutionary treatments "
          "are safe and effective.</p></footer>")
SENTENCES = [
    "Exosome injections stimulate dormant hair follicles and thicken thinning hair.",
    "Our team will talk you through the options at a first appointment.",
    "Studies show that PRP can restore volume in as little as three sessions.",
    "Sessions take about forty minutes and cost $450.",
    "Many clients tell us they noticed a difference after a month.",
    "Side effects can include redness, swelling and tenderness for a few days.",
    "Stem cell therapy is a natural alternative to knee surgery.",
    "We are open from 9am to 6pm, Monday to Saturday.",
    "Results vary from person to person, and exosome products are not FDA approved.",
    "92% of our patients would recommend the treatment to a friend.",
]


def make_site(root: Path, pages: int, seed: int = 7) -> int:
    """Write ``pages`` HTML files under ``root``; return the number of words of copy."""
    rng = random.Random(seed)
    words = 0
    for n in range(pages):
        body = " ".join(f"<p>{rng.choice(SENTENCES)} {rng.choice(SENTENCES)}</p>"
                        for _ in range(rng.randint(6, 14)))
        html = (f"<!doctype html><html><head><title>Treatment {n}</title>"
                f'<meta name="description" content="{rng.choice(SENTENCES)}"></head><body>'
                f"{NAV}<main><h1>Treatment page {n}</h1>{body}</main>{FOOTER}</body></html>")
        folder = root / f"section{n % 20}"
        folder.mkdir(exist_ok=True)
        (folder / f"page{n}.html").write_text(html, encoding="utf-8")
        words += len(body.split()) + 40
    return words


def run_cli(args: list[str]) -> tuple[float, int, float]:
    """Run claimlint in a child process; return seconds, peak RSS in MB and CPU seconds."""
    code = ("import resource, subprocess, sys; t = __import__('time').perf_counter(); "
            "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
            "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
            "print(__import__('time').perf_counter() - t, u.ru_maxrss, u.ru_utime + u.ru_stime)")
    out = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "claimlint", *args],
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]) // 1024, float(out[2])


def _spin(_: int) -> int:
    total = 0
    for i in range(10_000_000):
        total += i * i
    return total


def machine_speedup(jobs: int) -> float:
    """Speed-up the machine gives right now to a pure-Python CPU loop in ``jobs`` processes.

    On a shared VM this is often well under ``jobs``; claimlint's speed-up is read
    against it.
    """
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_spin, range(jobs)))  # start the workers before timing
        start = time.perf_counter()
        for n in range(jobs):
            _spin(n)
        serial = time.perf_counter() - start
        start = time.perf_counter()
        list(pool.map(_spin, range(jobs)))
        return serial / (time.perf_counter() - start)


def _pipe_seconds(nlp: Any, texts: list[str]) -> float:
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=256):
        pass
    return time.perf_counter() - start


def tokenizer_floor(root: Path) -> tuple[float, float, float]:
    """Seconds for spacy.blank('en') + nlp.pipe over the extracted copy of every page, for
    the same with spaCy's own lookup lemmatizer and sentencizer added (the least pipeline a
    rule on lemmas and sentences needs), and for claimlint's extraction of that copy alone."""
    import spacy

    from claimlint.extract import load_documents

    start = time.perf_counter()
    texts = [seg.text for p in sorted(root.rglob("*.html"))
             for d in load_documents(p) for seg in d.segments]
    extraction = time.perf_counter() - start
    nlp = spacy.blank("en")
    floor = _pipe_seconds(nlp, texts)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.add_pipe("sentencizer")
    return floor, _pipe_seconds(nlp, texts), extraction


def main() -> None:
    """Build the site, run the measurements, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="build the site here and keep it")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="claimlint-site-"))
    root.mkdir(parents=True, exist_ok=True)
    words = make_site(root, args.pages)
    print(f"site: {args.pages} pages, ~{words:,} words of copy, in {root}")
    runs: dict[int, list[tuple[float, int, float]]] = {1: [], args.jobs: []}
    capacity: list[float] = []
    for _ in range(args.repeat):  # alternate, so a noisy neighbour hits both alike
        for jobs in runs:
            runs[jobs].append(run_cli(["check", "--format", "json", "--jobs", str(jobs),
                                       str(root)]))
        if args.jobs > 1:
            capacity.append(machine_speedup(args.jobs))
    timings = {}
    for jobs, measured in runs.items():
        seconds = timings[jobs] = statistics.median(s for s, _, _ in measured)
        rss = max(r for _, r, _ in measured)
        cpu = statistics.median(c for _, _, c in measured)
        print(f"claimlint --jobs {jobs}: {seconds:6.1f} s  {args.pages / seconds:7.1f} files/s  "
              f"{words / seconds:9,.0f} words/s  peak RSS {rss} MB (largest process)  "
              f"CPU {cpu:.1f} s (median of {args.repeat} runs)")
    floor, pipeline, extraction = tokenizer_floor(root)
    print(f"spaCy blank tokenizer floor: {floor:6.1f} s  {words / floor:9,.0f} words/s")
    print(f"spaCy blank + lookup lemmatizer + sentencizer: {pipeline:6.1f} s  "
          f"{words / pipeline:9,.0f} words/s ({100 * floor / pipeline:.0f}% of the floor)")
    print(f"claimlint's HTML extraction alone: {extraction:6.1f} s  "
          f"{words / extraction:9,.0f} words/s ({100 * floor / extraction:.0f}% of the floor)")
    one = root / "one.md"
    one.write_text("# Offer\n\nOur revolutionary serum has no downtime.\n", encoding="utf-8")
    startup = statistics.median(run_cli(["check", str(one)])[0] for _ in range(5))
    print(f"start-up, one small file: median {startup:.2f} s over 5 runs")
    steady = max(timings[1] - startup, 1e-9)
    print(f"--jobs 1 per core: {100 * floor / timings[1]:.1f}% of the floor "
          f"({100 * floor / steady:.1f}% without start-up); target 40%")
    if args.jobs > 1:
        speedup, machine = timings[1] / timings[args.jobs], statistics.median(capacity)
        print(f"--jobs {args.jobs} speed-up: {speedup:.2f}x (target 1.7x on 2 cores); a "
              f"pure-Python CPU loop got {machine:.2f}x from this machine during the same runs "
              f"(median of {len(capacity)})")


if __name__ == "__main__":
    main()
