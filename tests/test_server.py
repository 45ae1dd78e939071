"""The warm server (issue 13), through real processes: a run it serves is the run
claimlint makes in-process, byte for byte, and the server never outlives the tests.

conftest.py keeps every other test in-process (CLAIMLINT_NO_SERVER); these tests drop
that, point the socket folder at a folder of their own, and stop what they start.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimlint.client import alive
from tests.cli_helpers import GOOD_RULE, wait_for

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no Unix sockets")

PAGE = ("# Laser facials\n\nOur revolutionary laser facial is the best in town and "
        "guaranteed to erase wrinkles.\n\nBook now: 50% off!\n")
WAIT = 90  # seconds: a server's start-up on a loaded machine


def _env(folder: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CLAIMLINT_NO_SERVER", "CI")}
    env["CLAIMLINT_SERVER_DIR"] = str(folder)
    env.update(extra)
    return env


def _claimlint(env: dict[str, str], *args: str, cwd: Path | None = None,
               stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "claimlint", *args], env=env, cwd=cwd,
                          input=stdin, capture_output=True, timeout=300)


def _status(env: dict[str, str]) -> str:
    return _claimlint(env, "server", "status").stdout.decode()


def _served(env: dict[str, str]) -> int | None:
    """How many runs the server has served; None when none is running."""
    found = re.search(r"running \(pid \d+, (\d+) run\(s\) served", _status(env))
    return int(found.group(1)) if found else None






def _stop(env: dict[str, str]) -> None:
    """Stop the folder's server (once it has started, if it is starting) and check it is gone."""
    wait_for(lambda: "starting" not in _status(env), "a starting server to listen", WAIT, 0.1)
    found = re.search(r"pid (\d+)", _status(env))
    result = _claimlint(env, "server", "stop")
    assert result.returncode == 0, result.stderr
    if found:
        assert not alive(int(found.group(1))), "the server outlived 'claimlint server stop'"
    assert "not running" in _status(env)
    assert not list(Path(env["CLAIMLINT_SERVER_DIR"]).glob("*.sock"))


def _folder() -> Path:
    # Short, under /tmp: a socket's path has room for about 100 bytes.
    return Path(tempfile.mkdtemp(prefix="cls-", dir="/tmp"))


@pytest.fixture
def fresh() -> Iterator[dict[str, str]]:
    """An empty socket folder of the test's own: no server runs yet."""
    folder = _folder()
    env = _env(folder)
    try:
        yield env
    finally:
        _stop(env)
        shutil.rmtree(folder)


@pytest.fixture(scope="module")
def warm() -> Iterator[dict[str, str]]:
    """A running server, started as a user would start it."""
    folder = _folder()
    env = _env(folder)
    try:
        started = _claimlint(env, "server", "start")
        assert started.returncode == 0, started.stdout + started.stderr
        assert _served(env) == 0
        yield env
    finally:
        _stop(env)
        shutil.rmtree(folder)


def _in_process(env: dict[str, str]) -> dict[str, str]:
    return {**env, "CLAIMLINT_NO_SERVER": "1"}


def _same_run(env: dict[str, str], *args: str, cwd: Path, stdin: bytes | None = None) -> bytes:
    """Run through the server and in-process; the two must not differ at all."""
    before = _served(env)
    assert before is not None
    served = _claimlint(env, *args, cwd=cwd, stdin=stdin)
    assert _served(env) == before + 1, "the run did not go through the server"
    alone = _claimlint(_in_process(env), *args, cwd=cwd, stdin=stdin)
    assert (served.returncode, served.stdout, served.stderr) == \
        (alone.returncode, alone.stdout, alone.stderr)
    return served.stdout


def test_served_runs_print_what_in_process_runs_print(warm: dict[str, str],
                                                      tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for n in range(3):
        (site / f"page{n}.md").write_text(PAGE, encoding="utf-8")
    text = _same_run(warm, "check", "site/page0.md", cwd=tmp_path)
    assert b"site/page0.md\n" in text and b"hype.the-best" in text
    json = _same_run(warm, "check", "site", "--format", "json", "--jobs", "2", cwd=tmp_path)
    assert json.count(b'"path": "site/page2.md"') > 1


def test_standard_input_is_the_clients(warm: dict[str, str], tmp_path: Path) -> None:
    out = _same_run(warm, "check", "-", "--stdin-filename", "draft.md", "--format",
                    "concise", cwd=tmp_path, stdin=PAGE.encode())
    assert out.startswith(b"draft.md:") and b"hype.the-best" in out


def test_fix_writes_the_clients_file(warm: dict[str, str], tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    before = _served(warm)
    result = _claimlint(warm, "check", "--fix", "page.md", cwd=tmp_path)
    assert _served(warm) == (before or 0) + 1
    assert b"claimlint: fixed 1 file(s)" in result.stderr
    assert "revolutionary" not in page.read_text(encoding="utf-8")
    assert result.returncode == 1  # the claims --fix cannot reword are still reported


def test_a_config_edited_between_runs_applies_at_once(warm: dict[str, str],
                                                      tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text(PAGE, encoding="utf-8")
    config = tmp_path / ".claimlint.yaml"
    config.write_text("ignore: [hype]\n", encoding="utf-8")
    first = _claimlint(warm, "check", "page.md", "--format", "concise", cwd=tmp_path)
    assert b"efficacy-claim" in first.stdout and b"hype." not in first.stdout
    config.write_text("ignore: [efficacy-claim]\n", encoding="utf-8")
    second = _claimlint(warm, "check", "page.md", "--format", "concise", cwd=tmp_path)
    assert b"hype.the-best" in second.stdout and b"efficacy-claim" not in second.stdout


def test_a_rule_file_edited_between_runs_applies_at_once(warm: dict[str, str],
                                                         tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text("Wow, a zingy new facial.\n", encoding="utf-8")
    (tmp_path / "house.yaml").write_text(GOOD_RULE, encoding="utf-8")
    (tmp_path / ".claimlint.yaml").write_text("rule-paths: [house.yaml]\nselect: [hype.x]\n",
                                              encoding="utf-8")
    before = _served(warm) or 0
    first = _claimlint(warm, "check", "page.md", "--format", "concise", cwd=tmp_path)
    assert b"'Wow' is hype" in first.stdout
    (tmp_path / "house.yaml").write_text(
        GOOD_RULE.replace("terms: [wow]", "terms: [zingy]").replace("flag: [wow]",
                                                                     "flag: [zingy]"),
        encoding="utf-8")
    second = _claimlint(warm, "check", "page.md", "--format", "concise", cwd=tmp_path)
    assert b"'zingy' is hype" in second.stdout and b"Wow" not in second.stdout
    assert _served(warm) == before + 2


def test_ctrl_c_reaches_the_served_run(warm: dict[str, str], tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for n in range(1500):
        (site / f"p{n:04d}.md").write_text(PAGE, encoding="utf-8")
    before = _served(warm) or 0
    run = subprocess.Popen([sys.executable, "-m", "claimlint", "check", "site", "--jobs", "1"],
                           env=warm, cwd=tmp_path, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    try:
        wait_for(lambda: _served(warm) == before + 1, "the server to take the run", WAIT, 0.1)
        time.sleep(0.3)
        assert run.poll() is None, "the run ended before it could be interrupted"
        run.send_signal(signal.SIGINT)
        out, err = run.communicate(timeout=WAIT)
    finally:
        run.kill()
    assert run.returncode == 130
    assert err.decode().strip().endswith("claimlint: stopped by SIGINT"), err
    assert out == b""


def test_first_run_starts_a_server_that_replaces_a_stale_socket(fresh: dict[str, str],
                                                                 tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text(PAGE, encoding="utf-8")
    found = re.search(r"socket (\S+?)[;)]", _status(fresh))
    assert found, _status(fresh)
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(found.group(1))  # a server killed with -9 leaves its socket behind
    stale.close()
    first = _claimlint(fresh, "check", "page.md", "--format", "json", cwd=tmp_path)
    assert first.returncode == 1 and b'"rule": "hype.the-best"' in first.stdout
    wait_for(lambda: _served(fresh) is not None, "the server the first run started", WAIT, 0.1)
    second = _claimlint(fresh, "check", "page.md", "--format", "json", cwd=tmp_path)
    assert _served(fresh) == 1
    assert (second.returncode, second.stdout, second.stderr) == \
        (first.returncode, first.stdout, first.stderr)


def test_ci_never_starts_a_server(fresh: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text(PAGE, encoding="utf-8")
    result = _claimlint({**fresh, "CI": "true"}, "check", "page.md", cwd=tmp_path)
    assert result.returncode == 1 and b"hype.the-best" in result.stdout
    time.sleep(1)  # a server started in the background would hold its lock by now
    assert "not running" in _status(fresh)


def test_a_folder_others_can_use_is_refused(tmp_path: Path) -> None:
    folder = _folder()
    try:
        folder.chmod(0o770)
        env = _env(folder)
        (tmp_path / "page.md").write_text(PAGE, encoding="utf-8")
        result = _claimlint(env, "check", "page.md", cwd=tmp_path)
        assert result.returncode == 1 and b"hype.the-best" in result.stdout  # in-process
        assert result.stderr == b""
        time.sleep(1)
        assert list(folder.iterdir()) == []  # no socket, lock or server was made there
        status = _claimlint(env, "server", "status")
        assert status.returncode == 1
        assert b"open to other users" in status.stderr
    finally:
        shutil.rmtree(folder)
