"""Run claimlint's CLI over generated hostile inputs and count what went wrong (issue 11).

Checks: no crash (exit code 0, 1 or 2 and no traceback), no hang (a time limit per
run), exact spans (every finding's ``match == source[start:end]``, at the line and column
it reports, CR, LF and CRLF all ending a line), no bytes lost on
``--fix`` (outside the linted spans the fixed file keeps every character, in its own
encoding), and, under ``kill -9`` and two concurrent fixers, every file is either as it was
or fully fixed, with no temporary file or worker process left behind.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import itertools
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimlint.extract import decode_file
from claimlint.extract.docx import extract_docx
from claimlint.fix import TEMP_SUFFIX

from .generators import Case, cases

BATCH = 100


@dataclass
class Tally:
    """What a campaign found; every list names the inputs concerned."""

    inputs: int = 0
    findings: int = 0
    fixed_files: int = 0
    kill_trials: int = 0
    term_trials: int = 0
    concurrent_trials: int = 0
    crashes: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    bad_spans: list[str] = field(default_factory=list)
    bytes_lost: int = 0
    lost: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def peak_rss_mb(self) -> int:
        """Largest resident size of any claimlint process run so far (Linux: KiB units)."""
        return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss >> 10

    def merge(self, other: Tally) -> None:
        """Add another tally's counts and problems to this one."""
        for name in ("inputs", "findings", "fixed_files", "kill_trials", "term_trials",
                     "concurrent_trials", "bytes_lost"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("crashes", "hangs", "bad_spans", "lost"):
            getattr(self, name).extend(getattr(other, name))

    def failures(self) -> list[str]:
        """Every problem found, one line each."""
        return [*(f"crash: {c}" for c in self.crashes), *(f"hang: {h}" for h in self.hangs),
                *(f"bad span: {b}" for b in self.bad_spans), *(f"lost: {x}" for x in self.lost)]

    def table(self) -> str:
        """The campaign's figures as a Markdown table."""
        rows = [("inputs tried", self.inputs), ("findings checked", self.findings),
                ("files fixed", self.fixed_files),
                ("kill -9 trials during --fix", self.kill_trials),
                ("SIGTERM trials during --fix", self.term_trials),
                ("concurrent --fix trials (2 fixers)", self.concurrent_trials),
                ("crashes", len(self.crashes)), ("hangs", len(self.hangs)),
                ("bad spans", len(self.bad_spans)), ("bytes lost", self.bytes_lost),
                ("peak memory (largest process)", f"{self.peak_rss_mb} MB"),
                ("wall time", f"{self.seconds:.0f} s")]
        return "\n".join(["| measure | value |", "|---|---|",
                          *(f"| {k} | {v} |" for k, v in rows)])


def claimlint(args: Sequence[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a subprocess; TimeoutExpired when it runs past ``timeout``."""
    return subprocess.run([sys.executable, "-m", "claimlint", *args], cwd=cwd, timeout=timeout,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"})


def _crashed(result: subprocess.CompletedProcess[str]) -> bool:
    return result.returncode not in (0, 1, 2) or "Traceback" in result.stderr


def source_text(path: Path) -> str:
    """The text claimlint's offsets index for a file (a .docx: its extracted text)."""
    raw = path.read_bytes()
    if path.suffix == ".docx":
        return extract_docx(raw, str(path)).text
    return decode_file(raw, str(path)).text


def lint_batch(folder: Path, tally: Tally, timeout: float,
               extra: Sequence[str] = ()) -> dict[str, list[dict[str, Any]]]:
    """Lint a folder once; check exit code, traceback and spans; return findings by file."""
    try:
        result = claimlint(["check", "--format", "json", "-q", "--no-baseline", "-j", "1",
                            *extra, "."], folder, timeout)
    except subprocess.TimeoutExpired:
        tally.hangs.append(f"{folder.name}: lint ran past {timeout:.0f} s")
        return {}
    if _crashed(result):
        tally.crashes.append(f"{folder.name}: exit {result.returncode}: {result.stderr[-500:]}")
        return {}
    by_file: dict[str, list[dict[str, Any]]] = {}
    texts: dict[str, str] = {}
    for f in json.loads(result.stdout)["findings"]:
        file = os.path.normpath(f["path"].partition("#")[0])
        by_file.setdefault(file, []).append(f)
        if file not in texts:
            texts[file] = source_text(folder / file)
        tally.findings += 1
        if texts[file][f["start"] : f["end"]] != f["match"]:
            tally.bad_spans.append(f"{folder.name}/{f['path']}:{f['start']}: {f['match']!r}")
        elif (f["line"], f["column"]) != line_col(texts[file], f["start"]) or (
                f["end_line"], f["end_column"]) != line_col(texts[file], f["end"]):
            tally.bad_spans.append(f"{folder.name}/{f['path']}:{f['start']}: reported at "
                                   f"{f['line']}:{f['column']}, is at "
                                   f"{line_col(texts[file], f['start'])}")
    return by_file


@functools.lru_cache(maxsize=4)
def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", text))]


def line_col(text: str, offset: int) -> tuple[int, int]:
    """Line and column of an offset, CR, LF and CRLF all ending a line (checked, not shared)."""
    starts = _line_starts(text)
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def rule_matches(folder: Path, tally: Tally, timeout: float) -> dict[str, list[dict[str, Any]]]:
    """Every rule match, before the learned decision drops some (spans checked too).

    A fix re-lints after its first edits and may then fix a claim the first pass let
    through: such an edit is still inside a rule match of the original text.
    """
    return lint_batch(folder, tally, timeout, ("--model", "none"))


_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def changed_regions(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, int, int]]:
    """Token ranges ``a[i1:i2]`` -> ``b[j1:j2]`` a shortest edit script changes (Myers).

    difflib aligns repeated text by its longest common block, so a word dropped from
    each of several identical sentences can read as one whole sentence deleted here
    and inserted there; a shortest script keeps every unchanged word in place.
    """
    n, m = len(a), len(b)
    v = {1: 0}
    trace = []
    for d in range(n + m + 1):
        trace.append(dict(v))
        for k in range(-d, d + 1, 2):
            x = v[k + 1] if k == -d or (k != d and v[k - 1] < v[k + 1]) else v[k - 1] + 1
            y = x - k
            while x < n and y < m and a[x] == b[y]:
                x, y = x + 1, y + 1
            v[k] = x
            if x >= n and y >= m:
                return _regions(*_backtrack(trace, n, m))
    return [(0, n, 0, m)]


def _backtrack(trace: list[dict[int, int]], n: int, m: int) -> tuple[list[bool], list[bool]]:
    """Walk the script back from (n, m): a step right deletes a token, one down inserts."""
    gone, added = [False] * n, [False] * m
    x, y = n, m
    for d in range(len(trace) - 1, 0, -1):
        v, k = trace[d], x - y
        prev = k + 1 if k == -d or (k != d and v[k - 1] < v[k + 1]) else k - 1
        x = v[prev]
        y = x - prev
        if prev == k - 1:
            gone[x] = True
        else:
            added[y] = True
    return gone, added


def _regions(gone: list[bool], added: list[bool]) -> list[tuple[int, int, int, int]]:
    out = []
    i = j = 0
    while i < len(gone) or j < len(added):
        i1, j1 = i, j
        while i < len(gone) and gone[i]:
            i += 1
        while j < len(added) and added[j]:
            j += 1
        if (i, j) != (i1, j1):
            out.append((i1, i, j1, j))
        else:  # a kept token of each, aligned
            i, j = i + 1, j + 1
    return out


def lost_chars(before: str, after: str, findings: Sequence[dict[str, Any]],
               known: frozenset[str] = frozenset()) -> int:
    """Characters a fix removed that are neither in a finding's span nor part of a match.

    A fix re-lints after its first edits (sentences move, context changes), so a later
    round may edit a claim the first pass did not report; its words still read as some
    rule's match (in this file or, ``known``, another one), which is what separates an
    edit from lost text. Words are aligned with a shortest edit script, then each
    changed stretch character by character; the space beside a dropped word goes with
    it ("revolutionary " or " revolutionary").
    """
    spans: list[tuple[int, int]] = []
    for s, e in sorted((f["start"], f["end"]) for f in findings):
        if spans and s <= spans[-1][1]:  # touching spans cover the text between them
            spans[-1] = (spans[-1][0], max(e, spans[-1][1]))
        else:
            spans.append((s, e))
    starts = [s for s, _ in spans]
    reach = list(itertools.accumulate((e for _, e in spans), max))
    phrases = known | {f["match"].lower() for f in findings}
    old = [(m.start(), m.group()) for m in _TOKEN.finditer(before)]
    new = [(m.start(), m.group()) for m in _TOKEN.finditer(after)]

    def at(tokens: list[tuple[int, str]], i: int, text: str) -> int:
        return tokens[i][0] if i < len(tokens) else len(text)

    lost = 0
    for t1, t2, u1, u2 in changed_regions([t for _, t in old], [t for _, t in new]):
        base = at(old, t1, before)
        part = before[base:at(old, t2, before)]
        other = after[at(new, u1, after):at(new, u2, after)]
        for op, c1, c2, _, _ in difflib.SequenceMatcher(None, part, other,
                                                        autojunk=False).get_opcodes():
            if op in ("equal", "insert"):
                continue
            i1, i2 = base + c1, base + c2
            while i1 < i2 and before[i1].isspace():
                i1 += 1
            while i2 > i1 and before[i2 - 1].isspace():
                i2 -= 1
            if i1 == i2:
                continue  # only the space beside a changed word
            k = bisect.bisect_right(starts, i1) - 1
            if k >= 0 and reach[k] >= i2:
                continue
            lo, hi = i1, i2
            while lo > 0 and (before[lo - 1].isalnum() or before[lo - 1] in "-'"):
                lo -= 1
            while hi < len(before) and (before[hi].isalnum() or before[hi] in "-'"):
                hi += 1
            word = before[lo:hi].strip().lower()
            if not word or not any(word in phrase for phrase in phrases):
                lost += i2 - i1
    return lost


def check_fixed(original: Path, fixed: Path, findings: list[dict[str, Any]],
                tally: Tally, known: frozenset[str] = frozenset()) -> bool:
    """Count bytes lost by a fix; True when the file was changed."""
    raw, new = original.read_bytes(), fixed.read_bytes()
    if raw == new:
        return False
    before = decode_file(raw, str(original))
    try:
        after = decode_file(new, str(fixed))
    except Exception:  # unreadable after the fix: everything is lost
        after = None
    if after is None or (after.encoding, after.bom) != (before.encoding, before.bom):
        tally.bytes_lost += len(raw)
        tally.lost.append(f"{fixed}: no longer reads as {before.encoding}")
        return True
    lost = lost_chars(before.text, after.text, findings, known)
    if lost:
        tally.bytes_lost += lost
        tally.lost.append(f"{fixed}: {lost} characters outside the fixed spans changed")
    return True


def fix_batch(folder: Path, work: Path, findings: dict[str, list[dict[str, Any]]],
              fixable: set[str], tally: Tally, timeout: float) -> dict[str, bytes]:
    """Fix a copy of a folder's fixable files; return the fixed bytes of those that changed."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name in fixable & set(findings):
        shutil.copyfile(folder / name, work / name)
    try:
        result = claimlint(["check", "--fix", "--unsafe-fixes", "-q", "--no-baseline", "-j", "1",
                            "."], work, timeout)
    except subprocess.TimeoutExpired:
        tally.hangs.append(f"{work.name}: --fix ran past {timeout:.0f} s")
        return {}
    if _crashed(result):
        tally.crashes.append(f"{work.name}: --fix exit {result.returncode}: "
                             f"{result.stderr[-500:]}")
    fixed = {}
    known = frozenset(f["match"].lower() for found in findings.values() for f in found)
    for path in sorted(work.iterdir()):
        if check_fixed(folder / path.name, path, findings[path.name], tally, known):
            fixed[path.name] = path.read_bytes()
            tally.fixed_files += 1
    return fixed


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def _check_outcome(work: Path, originals: dict[str, bytes], reference: dict[str, bytes],
                   label: str, tally: Tally, timeout: float | None = None) -> None:
    """Every file must be as it was or fully fixed; no temporary file may be left.

    With ``timeout``, the run was killed with SIGKILL, which no process can clean up
    after: a temporary file it left must go with the next run, once old enough that no
    live run can own it.
    """
    for name, before in originals.items():
        now = (work / name).read_bytes()
        if now not in (before, reference[name]):
            tally.bytes_lost += abs(len(before) - len(now)) or 1
            tally.lost.append(f"{label}: {name} is neither the original nor the fixed file")
    leftovers = list(work.glob(f"*{TEMP_SUFFIX}"))
    if leftovers and timeout is not None:
        for leftover in leftovers:
            an_hour_ago = time.time() - 3600
            os.utime(leftover, (an_hour_ago, an_hour_ago))
        claimlint(["check", "--fix", "--unsafe-fixes", "-q", "--no-baseline", "."], work, timeout)
    for leftover in work.glob(f"*{TEMP_SUFFIX}"):
        tally.lost.append(f"{label}: temporary file left: {leftover.name}")


def _fresh(work: Path, originals: dict[str, bytes]) -> None:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name, data in originals.items():
        (work / name).write_bytes(data)


def _start_fixer(work: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "claimlint", "check", "--fix", "--unsafe-fixes", "-q",
         "--no-baseline", "-j", "2", "."], cwd=work, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_COLOR": "1"})


def kill_trials(root: Path, originals: dict[str, bytes], reference: dict[str, bytes],
                trials: int, rng: random.Random, tally: Tally, timeout: float,
                signum: int = signal.SIGKILL) -> None:
    """kill -9 (or SIGTERM) a ``--fix -j 2`` run at a random moment; check files, temps, workers.

    Stopped by SIGTERM, a run must also say so in one line and exit 143 (or have finished).
    """
    name = "kill" if signum == signal.SIGKILL else "sigterm"
    work = root / name
    _fresh(work, originals)
    started = time.monotonic()
    claimlint(["check", "--fix", "--unsafe-fixes", "-q", "--no-baseline", "-j", "2", "."],
              work, timeout)
    clean = time.monotonic() - started
    for trial in range(trials):
        label = f"{name} trial {trial}"
        _fresh(work, originals)
        fixer = _start_fixer(work)
        time.sleep(rng.uniform(0.3, max(0.5, clean)))
        workers = _children(fixer.pid)
        fixer.send_signal(signum)
        try:
            _, err = fixer.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            fixer.kill()
            _, err = fixer.communicate()
            tally.hangs.append(f"{label}: the run outlived SIGTERM by {timeout:.0f} s")
        if signum == signal.SIGKILL:
            tally.kill_trials += 1
        else:
            tally.term_trials += 1
            stopped = fixer.returncode == 143 and err.endswith("claimlint: stopped by SIGTERM\n")
            if not (stopped or fixer.returncode in (0, 1)) or "Traceback" in err:
                tally.crashes.append(f"{label}: exit {fixer.returncode}: {err[-500:]!r}")
        deadline = time.monotonic() + 5
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid in filter(_alive, workers):
            tally.lost.append(f"{label}: worker {pid} outlived its parent")
            os.kill(pid, signal.SIGKILL)
        _check_outcome(work, originals, reference, label, tally,
                       timeout if signum == signal.SIGKILL else None)


def concurrent_trials(root: Path, originals: dict[str, bytes], reference: dict[str, bytes],
                      trials: int, tally: Tally, timeout: float) -> None:
    """Two ``--fix`` runs on the same folder at once: no file may end up mixed or damaged."""
    work = root / "concurrent"
    for trial in range(trials):
        _fresh(work, originals)
        fixers = [_start_fixer(work), _start_fixer(work)]
        for fixer in fixers:
            try:
                _, err = fixer.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                fixer.kill()
                tally.hangs.append(f"concurrent trial {trial}: a fixer ran past {timeout:.0f} s")
                continue
            if fixer.returncode not in (0, 1, 2) or "Traceback" in err:
                tally.crashes.append(f"concurrent trial {trial}: {err[-500:]}")
        tally.concurrent_trials += 1
        _check_outcome(work, originals, reference, f"concurrent trial {trial}", tally)


def _batch(root: Path, number: int, batch: list[Case], timeout: float
           ) -> tuple[Tally, dict[str, bytes], Path]:
    """Lint and fix one batch of cases in its own folder; return its tally and fixed files."""
    tally = Tally(inputs=len(batch))
    folder = root / f"batch-{number:05d}"
    folder.mkdir(parents=True)
    for c in batch:
        (folder / c.name).write_bytes(c.data)
    found = lint_batch(folder, tally, timeout)
    for name, matches in rule_matches(folder, tally, timeout).items():
        found.setdefault(name, []).extend(matches)
    fixable = {c.name for c in batch if c.fixable}
    fixed = fix_batch(folder, root / f"fixed-{number:05d}", found, fixable, tally, timeout)
    return tally, fixed, folder


def run(root: Path, *, seed: int, inputs: int, size: int, kills: int, concurrent: int,
        sigterms: int = 0, timeout: float = 300.0, parallel: int = 2) -> Tally:
    """Generate ``inputs`` cases under ``root``, lint and fix them, then the kill trials.

    ``parallel`` batches run at once, each claimlint run with one job.
    """
    from concurrent.futures import ThreadPoolExecutor

    tally = Tally()
    started = time.monotonic()
    rng = random.Random(seed)
    originals: dict[str, bytes] = {}
    reference: dict[str, bytes] = {}
    batches: list[tuple[int, list[Case]]] = []
    for number, case in enumerate(cases(seed, inputs, size), 1):
        if not batches or len(batches[-1][1]) == BATCH:
            batches.append((number, []))
        batches[-1][1].append(case)
    with ThreadPoolExecutor(parallel) as pool:
        for part, fixed, folder in pool.map(lambda b: _batch(root, b[0], b[1], timeout),
                                            batches):
            tally.merge(part)
            for name, data in fixed.items():
                if len(originals) < 60 and len(data) < 50_000:
                    originals[name] = (folder / name).read_bytes()
                    reference[name] = data
    if originals:
        kill_trials(root, originals, reference, kills, rng, tally, timeout)
        kill_trials(root, originals, reference, sigterms, rng, tally, timeout, signal.SIGTERM)
        concurrent_trials(root, originals, reference, concurrent, tally, timeout)
    tally.seconds = time.monotonic() - started
    return tally
