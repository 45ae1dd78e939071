"""The warm server behind ``claimlint check`` (issue 13); client.py is the other end.

``python -m claimlint.server`` (started so by the client, or by ``claimlint server
start``) imports spaCy and builds the default linter once, then forks a child for each
run. The child takes the client's standard streams, working directory, environment and
umask, runs the command line as ``claimlint`` would, and sends back the exit code.
Before forking, the server builds (or finds still valid) the linters of the run's
configs, so a repository's own ``.claimlint.yaml`` is warm from its second run on.

The server listens only to its own user. It stops after $CLAIMLINT_SERVER_IDLE seconds
without a run (15 minutes), on SIGTERM, on ``claimlint server stop``, and as soon as its
socket is removed or replaced (a newer server took over).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import select
import signal
import socket
import struct
import sys
import tempfile
import time
import traceback
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from . import cache, client
from .interrupt import SIGNALS, Interrupted, request_stop

IDLE = 15 * 60.0
POOL_SIZE = 4  # distinct lint settings kept built
TICK = 0.5  # seconds between looks at the socket, the idle time and finished children
MAX_HEADER = 64 << 20
# Linted once at start-up so that what a first lint imports or compiles is done.
SAMPLE = ("# Brightwater Skin Clinic\n\nOur revolutionary laser facial is the best in town "
          "and guaranteed to erase wrinkles.\n\n- Book a consultation today.\n")


def main(argv: list[str] | None = None) -> int:
    """Serve runs on this claimlint's socket until idle, stopped or replaced."""
    parser = argparse.ArgumentParser(prog="python -m claimlint.server",
                                     description="The warm claimlint server (see "
                                                 "'claimlint server --help').")
    parser.add_argument("--socket", default=None, metavar="PATH",
                        help="the socket the client expects (refused if not this "
                             "claimlint's own)")
    parser.add_argument("--after", type=int, default=None, metavar="PID",
                        help="load nothing until this process (the run that started us) ends")
    args = parser.parse_args(argv)
    try:
        where = client.place()
    except client.Refused as exc:
        print(f"claimlint server: not started: {exc}", file=sys.stderr)
        return 1
    if args.socket is not None and Path(args.socket) != where.socket:
        print(f"claimlint server: {args.socket} is not this claimlint's socket "
              f"({where.socket})", file=sys.stderr)
        return 1
    lock = _lock(where.lock)
    if lock is None:
        return 0  # another server runs, or is starting: it serves
    _tidy(where)
    os.chdir("/")  # hold no user folder (or mount) busy
    _stdio_devnull()
    # The run that started us goes on in-process: loading spaCy beside it would slow it.
    deadline = time.monotonic() + _idle()
    while args.after and client.alive(args.after) and time.monotonic() < deadline:
        time.sleep(0.05)
    preload()
    return Server(where, _bind(where), lock, _idle()).serve()


def _idle() -> float:
    try:
        seconds = float(os.environ.get(client.ENV_IDLE, ""))
    except ValueError:
        return IDLE
    return seconds if seconds > 0 else IDLE


def _lock(path: Path) -> int | None:
    """Take the lock file for life; None when another process holds it."""
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _tidy(where: client.Place) -> None:
    """Remove what servers of other claimlint versions left, if none of them still runs."""
    import fcntl

    for lock in where.folder.glob("*.lock"):
        if lock == where.lock:
            continue
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            for suffix in (".sock", ".log", ".lock"):
                lock.with_suffix(suffix).unlink(missing_ok=True)
        except OSError:
            pass  # in use
        finally:
            os.close(fd)


def _stdio_devnull() -> None:
    """Make sure descriptors 0-2 are open, so received descriptors never land on them."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            os.dup2(os.open(os.devnull, os.O_RDWR), fd)


def preload() -> None:
    """Import what a run uses and build the default linter, so every child starts warm."""
    from . import api, cli, commands, project
    from .report import concise, csv, github, html, junit, sarif, text
    from .report import json as json_report

    del cli, concise, csv, github, html, junit, sarif  # imported for the children
    project.POOL.size = POOL_SIZE
    warm(["check"], "/")
    for linter in project.POOL.linters():
        result = api.lint_files([(linter, "-")], stdin_text=SAMPLE, stdin_filename="warm.md")
        text.render(result, color=False)
        "".join(json_report.chunks(result, "warm"))
        commands.exit_code(result, "warning")
    cache.save_all()
    gc.freeze()  # children share the loaded state: the collector must not copy it


def warm(argv: list[str], cwd: str) -> bool:
    """Build in this process the linters a run of ``argv`` in ``cwd`` needs first; True
    when one was built. Every problem is the child's to report, in the run's own words."""
    from . import cli, commands
    from .project import POOL

    kept = {id(linter) for linter in POOL.linters()}

    try:
        with contextlib.redirect_stderr(io.StringIO()):  # argparse's complaints
            args = cli._parser().parse_args(argv)
        if args.command == "check":
            os.chdir(cwd)
            commands.warm(args)
    except BaseException:  # the child meets the same problem and reports it
        pass
    finally:
        os.chdir("/")
    with contextlib.suppress(Exception):
        cache.save_all()
    return any(id(linter) not in kept for linter in POOL.linters())


def _bind(where: client.Place) -> socket.socket:
    """Listen on the socket path, replacing whatever was there in one step."""
    temp = where.folder / f".{where.key}.{os.getpid()}"
    temp.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(os.fspath(temp))
        os.chmod(temp, 0o600)
        listener.listen(64)
        os.replace(temp, where.socket)
    except BaseException:
        listener.close()
        temp.unlink(missing_ok=True)
        raise
    return listener


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _same_user(conn: socket.socket) -> bool:
    """True when the peer runs as us (Linux; elsewhere the 0700 folder admits only us)."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True
    size = struct.calcsize("3i")
    _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, option, size))
    return bool(uid == os.getuid())


def _receive(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """Read the client's header (one JSON line) and the descriptors sent with it."""
    data, fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 3)
    try:
        chunks = [data]
        while not chunks[-1].endswith(b"\n"):
            more = conn.recv(1 << 16)
            if not more or sum(map(len, chunks)) > MAX_HEADER:
                raise ValueError("incomplete header")
            chunks.append(more)
        header = json.loads(b"".join(chunks))
        if not isinstance(header, dict):
            raise ValueError("not a header")
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise
    return header, fds


def _send(conn: socket.socket, message: dict[str, Any]) -> None:
    conn.sendall(json.dumps(message).encode("ascii") + b"\n")


class Server:
    """The accept loop: one forked child per run, never waiting on one."""

    def __init__(self, where: client.Place, listener: socket.socket, lock: int, idle: float):
        self.where, self.listener, self.lock, self.idle = where, listener, lock, idle
        self.identity = _identity(where.socket)
        self.children: dict[int, socket.socket | None] = {}  # pid -> its client, until gone
        self.served = 0
        self.last = time.monotonic()
        self.stopping = False

    def serve(self) -> int:
        """Accept runs until stopped, idle or replaced; then leave as if never there."""
        for signum in SIGNALS:
            signal.signal(signum, self._stop)
        try:
            while not self.stopping:
                watched = [self.listener, *(c for c in self.children.values() if c)]
                ready, _, _ = select.select(watched, [], [], TICK)
                for conn in ready:
                    if conn is self.listener:
                        self._accept()
                    else:
                        self._client_gone(conn)
                self._reap()
                if _identity(self.where.socket) != self.identity:
                    break  # removed, or replaced by a newer server
                if not self.children and time.monotonic() - self.last > self.idle:
                    break
        finally:
            self._leave()
        cache.save_all()
        os._exit(0)  # no interpreter teardown: with spaCy loaded it takes a while

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def info(self) -> dict[str, Any]:
        """What ``claimlint server status`` shows."""
        from .project import POOL

        return {"pid": os.getpid(), "served": self.served, "linters": len(POOL),
                "idle": self.idle, "socket": os.fspath(self.where.socket)}

    def _accept(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        fds: list[int] = []
        handed = False  # to a child, which owns the connection from then on
        try:
            conn.settimeout(10)  # a client that connects and says nothing cannot stall us
            if not _same_user(conn):
                return
            header, fds = _receive(conn)
            op = header.get("op")
            if op == "status":
                _send(conn, self.info())
            elif op == "stop":
                self.stopping = True
                self._leave()
                _send(conn, self.info())
            elif op == "run" and len(fds) == 3:
                self.served += 1
                self.last = time.monotonic()
                if warm(list(header["argv"]), str(header["cwd"])):
                    gc.collect()  # what building left behind; then the new linter
                    gc.freeze()  # joins what children share without copying
                pid = os.fork()
                if pid == 0:
                    self._child(conn, header, fds)
                self.children[pid] = conn
                handed = True
        except (OSError, ValueError, KeyError, TypeError):
            pass
        finally:
            for fd in fds:
                os.close(fd)
            if not handed:
                conn.close()

    def _client_gone(self, conn: socket.socket) -> None:
        """The client closed its end (killed, most likely) while its run goes on: stop the
        run, silently, as it would have stopped in-process."""
        for pid, other in self.children.items():
            if other is conn:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGHUP)  # still ours: reaped only by _reap
                self.children[pid] = None
        conn.close()

    def _reap(self) -> None:
        while self.children:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.children.clear()
                return
            if pid == 0:
                return
            conn = self.children.pop(pid, None)
            if conn is not None:
                conn.close()

    def _leave(self) -> None:
        """Stop listening; remove the socket unless a newer server's has replaced it."""
        if _identity(self.where.socket) == self.identity:
            self.where.socket.unlink(missing_ok=True)
        self.identity = None
        self.listener.close()

    def _child(self, conn: socket.socket, header: dict[str, Any], fds: list[int]) -> NoReturn:
        """Run one command line as the client would have, then tell it the exit code."""
        code = 70
        try:
            for signum in SIGNALS:
                signal.signal(signum, _interrupt)
            signal.signal(signal.SIGHUP, _orphaned)
            self.listener.close()
            os.close(self.lock)
            for other in self.children.values():
                if other is not None:
                    other.close()
            conn.settimeout(None)
            try:
                _send(conn, {"pid": os.getpid()})
            except OSError:
                os._exit(0)  # the client is gone: nothing to run for
            try:
                _take_over(header, fds)
            except Exception as exc:
                print(f"claimlint: error: the claimlint server could not take over the run "
                      f"({exc}); set CLAIMLINT_NO_SERVER=1", file=sys.stderr)
                code = client.EXIT_ERROR
            else:
                code = _main(list(header["argv"]))
            for signum in (*SIGNALS, signal.SIGHUP):  # the run is over: a late signal
                signal.signal(signum, signal.SIG_IGN)  # must not lose its exit code
            _release_stdio()
            _send(conn, {"exit": code})
            conn.close()
            cache.save_all()
        except BaseException:
            with contextlib.suppress(BaseException):
                traceback.print_exc()
        finally:
            os._exit(0)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


def _orphaned(signum: int, frame: FrameType | None) -> None:
    """The client is gone: stop as SIGTERM stops a run, with no one left to tell."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    request_stop(signal.SIGTERM)


def _take_over(header: dict[str, Any], fds: list[int]) -> None:
    """Become the client's process: its streams, folder, environment, umask and argv."""
    for target, fd in zip((0, 1, 2), fds, strict=True):
        os.dup2(fd, target)
        os.close(fd)
    fds.clear()
    os.chdir(str(header["cwd"]))
    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in dict(header["env"]).items()})
    os.umask(int(header["umask"]))
    tempfile.tempdir = None  # found again from the client's TMPDIR
    sys.argv = [str(header["argv0"]), *map(str, header["argv"])]
    specs = list(header["streams"])
    streams = [_stream(0, False, specs[0]), _stream(1, True, specs[1]),
               _stream(2, True, specs[2])]
    for name, stream in zip(("stdin", "stdout", "stderr"), streams, strict=True):
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def _stream(fd: int, write: bool, spec: list[Any]) -> io.TextIOWrapper:
    """A text stream on ``fd`` as the client's Python made it (encoding, errors, buffering)."""
    encoding, errors, line_buffering, write_through = spec
    unbuffered = write and bool(write_through)  # python -u
    binary = open(fd, "wb" if write else "rb", buffering=0 if unbuffered else -1,  # noqa: SIM115
                  closefd=False)
    return io.TextIOWrapper(binary, encoding=str(encoding), errors=str(errors), newline="\n",
                            line_buffering=bool(line_buffering),
                            write_through=bool(write_through))


def _main(argv: list[str]) -> int:
    """``claimlint ARGV``'s exit code, whatever way the run ends."""
    from . import cli

    try:
        return cli.main(argv)
    except SystemExit as exc:  # argparse: --help, or a usage error
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    except Interrupted as exc:  # before the run's own handling was in place
        print(f"claimlint: stopped by {exc.name}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("claimlint: stopped by SIGINT", file=sys.stderr)
        return 130
    except Exception:
        traceback.print_exc()
        return 1


def _release_stdio() -> None:
    """Flush the report and let go of the client's streams: a pipe reader (a pre-commit
    runner) waits for every writer to close before it sees the end."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
