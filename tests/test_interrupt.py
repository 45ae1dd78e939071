"""Ctrl-C and SIGTERM stop a run with one line, no traceback, no worker and no temp file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claimlint.cli import main
from claimlint.client import alive
from claimlint.fix import TEMP_SUFFIX, write_atomically
from claimlint.interrupt import Interrupted, deferred, stop_on_signals
from tests.cli_helpers import wait_for

PAGE = ("# Page {n}\n\nOur revolutionary serum is a miracle with no side effects.\n\n"
        "Book now: 50% off! Studies show it cures hair loss.\n")
# A start-up takes seconds; a run that ignores the signal would take minutes.
HANG_GUARD = 120


def _site(folder: Path, pages: int) -> dict[str, bytes]:
    folder.mkdir()
    for n in range(pages):
        (folder / f"p{n:03d}.md").write_text(PAGE.format(n=n), encoding="utf-8")
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found






def _start(folder: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "claimlint", "check", "--no-baseline", "-q", "--jobs", "2",
         *args, "."], cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, env={**os.environ, "NO_COLOR": "1"})


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc for workers")
@pytest.mark.parametrize("signum,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_during_linting_stops_workers_with_one_line(
        tmp_path: Path, signum: signal.Signals, code: int) -> None:
    site = tmp_path / "site"
    _site(site, 400)
    run = _start(site)
    workers: list[int] = []

    def started() -> bool:
        workers[:] = _children(run.pid)
        return len(workers) >= 2 or run.poll() is not None

    wait_for(started, "the --jobs 2 workers", HANG_GUARD, 0.02)
    time.sleep(0.3)  # the workers are linting now
    run.send_signal(signum)
    _, err = run.communicate(timeout=HANG_GUARD)
    assert (run.returncode, err) == (code, f"claimlint: stopped by {signum.name}\n")
    wait_for(lambda: not any(map(alive, workers)), "the workers to end", HANG_GUARD, 0.02)
    assert not list(site.glob(f"*{TEMP_SUFFIX}"))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc for workers")
def test_sigterm_during_fix_leaves_every_file_whole(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    _site(reference, 1)
    assert main(["check", "--fix", "--unsafe-fixes", "--no-baseline", "-q", "--jobs", "1",
                 str(reference)]) == 1
    capsys.readouterr()
    fixed_first = (reference / "p000.md").read_text(encoding="utf-8")
    assert fixed_first != PAGE.format(n=0)

    site = tmp_path / "site"
    before = _site(site, 400)
    run = _start(site, "--fix", "--unsafe-fixes")
    # The fix pass writes files one by one: stop it as soon as the first is written.
    wait_for(lambda: run.poll() is not None or any(
        (site / name).read_bytes() != data for name, data in before.items()), "a fixed file",
        HANG_GUARD, 0.02)
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=HANG_GUARD)
    assert run.returncode == 143 and err.endswith("claimlint: stopped by SIGTERM\n"), err
    assert "Traceback" not in err
    assert sorted(p.name for p in site.iterdir()) == sorted(before)  # no temporary file
    states = []
    for n, name in enumerate(sorted(before)):
        now = (site / name).read_text(encoding="utf-8")
        states.append("fixed" if now == fixed_first.replace("Page 0", f"Page {n}")
                      else "original" if now == PAGE.format(n=n) else "mixed")
    assert "mixed" not in states and "fixed" in states and "original" in states


def test_a_signal_waits_for_a_file_write_to_finish(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "p.md"
    page.write_bytes(b"old words\n")
    real_fsync = os.fsync

    def fsync_then_signal(fd: int) -> None:
        real_fsync(fd)
        os.kill(os.getpid(), signal.SIGTERM)  # arrives between the write and the rename

    monkeypatch.setattr(os, "fsync", fsync_then_signal)
    with stop_on_signals(), pytest.raises(Interrupted) as stopped:
        write_atomically(page, b"new words\n")
    assert stopped.value.exit_code == 143
    assert page.read_bytes() == b"new words\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.md"]


def test_signals_are_ours_only_while_the_command_runs() -> None:
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    with stop_on_signals():
        assert signal.getsignal(signal.SIGTERM) is not before[0]
        with pytest.raises(Interrupted), deferred():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.01)  # delivered here, held until the block ends
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


def test_a_signal_after_the_run_is_over_does_not_change_its_exit_code() -> None:
    # Python's teardown after a run takes a few hundred ms with spaCy loaded; a SIGTERM
    # then (sent here from an exit handler) must not turn the run's result into a kill.
    code = ("import atexit, os, signal, time\n"
            "from claimlint.cli import run\n"
            "atexit.register(lambda: (os.kill(os.getpid(), signal.SIGTERM), time.sleep(0.2)))\n"
            "run()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=HANG_GUARD)
    assert done.returncode == 2 and "usage: claimlint" in done.stdout  # no command: help, 2
    assert done.stderr == ""
