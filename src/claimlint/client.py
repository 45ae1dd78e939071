"""Hand a ``claimlint check`` to a warm claimlint server (issue 13), as eslint_d and dmypy do.

Importing spaCy and building the rules takes a second or two; a server that has done it
once forks a child per run, which lints at once. The client passes its command line,
working directory, environment, umask and standard streams (the file descriptors
themselves) over a Unix socket, forwards Ctrl-C and SIGTERM to the child, and exits
with the child's exit code. When no server answers the run goes on in-process, as
before, and a server is started in the background for the next run.

Standard library only: this runs before anything heavy is imported.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import stat
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from . import __version__

if TYPE_CHECKING:
    import subprocess

ENV_OFF = "CLAIMLINT_NO_SERVER"
ENV_DIR = "CLAIMLINT_SERVER_DIR"
ENV_IDLE = "CLAIMLINT_SERVER_IDLE"
EXIT_ERROR = 2
STOPPED = ("claimlint: error: the claimlint server stopped before the run ended "
           "(run again, or set CLAIMLINT_NO_SERVER=1)")
# The distributions whose code a server has loaded besides claimlint's own.
_LIBRARIES = ("spacy", "thinc", "spacy_lookups_data", "lemminflect", "rich", "yaml", "numpy")
_PACKAGE = Path(__file__).resolve().parent
_MAX_SOCKET_PATH = 100  # sun_path holds 104 bytes on macOS, 108 on Linux
START_TIMEOUT = 120.0  # seconds `claimlint server start` waits for a slow machine


class Refused(Exception):
    """The socket folder cannot be trusted (or made), so no server is used."""


@dataclass(frozen=True)
class Place:
    """Where this claimlint's server listens, and the lock it holds while it lives."""

    folder: Path
    key: str

    @property
    def socket(self) -> Path:
        """The socket the server accepts runs on."""
        return self.folder / f"{self.key}.sock"

    @property
    def lock(self) -> Path:
        """The file a server (or one starting) holds locked."""
        return self.folder / f"{self.key}.lock"

    @property
    def log(self) -> Path:
        """Where the server writes what went wrong, if anything did."""
        return self.folder / f"{self.key}.log"


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


def supported() -> bool:
    """True where a server can work: Linux (Unix sockets, fork, passing descriptors).

    macOS has all three, but a process that has loaded numpy and spaCy is not safe to
    fork there (as api.py's worker pool knows), and Windows has neither fork nor them.
    """
    return (sys.platform.startswith("linux") and hasattr(socket, "AF_UNIX")
            and hasattr(os, "fork") and hasattr(socket, "send_fds"))


def wanted(argv: Sequence[str]) -> bool:
    """True when this command line should go through a server: ``check``, outside CI."""
    return (bool(argv) and argv[0] == "check" and supported() and not _flag(ENV_OFF)
            and not _flag("CI"))


def folder() -> Path:
    """The socket folder: $CLAIMLINT_SERVER_DIR, else $XDG_RUNTIME_DIR/claimlint, else a
    folder of the user's own in the temporary folder."""
    configured = os.environ.get(ENV_DIR, "").strip()
    if configured:
        return Path(configured)
    runtime = os.environ.get("XDG_RUNTIME_DIR", "").strip()
    if runtime and os.path.isdir(runtime):
        return Path(runtime) / "claimlint"
    import tempfile

    return Path(tempfile.gettempdir()) / f"claimlint-{os.getuid()}"


def private_folder(create: bool = True) -> Path:
    """Return the socket folder, made 0700 if missing; Refused unless only we can use it."""
    path = folder()
    if create:
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        except OSError as exc:
            raise Refused(f"cannot create {path}: {exc.strerror}") from None
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise Refused(f"{path}: {exc.strerror}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise Refused(f"{path} is not a folder")
    if info.st_uid != os.getuid():
        raise Refused(f"{path} belongs to another user (uid {info.st_uid})")
    if info.st_mode & 0o077:
        raise Refused(f"{path} is open to other users (mode {stat.S_IMODE(info.st_mode):o}); "
                      "it must be 700")
    return path


def key() -> str:
    """A hash of what a server's runs depend on besides their input: this Python, this
    claimlint (its version and the size and time of each of its files, rule packs and
    model included), the libraries it loads, the encodings Python chose from the locale
    and Python's options (-O, -W, -X dev). A changed claimlint or spaCy never talks to
    an older server."""
    import importlib.util
    import locale

    digest = hashlib.sha256()
    flags = sys.flags
    for part in (sys.executable, sys.version, __version__, sys.getfilesystemencoding(),
                 locale.getpreferredencoding(False), repr(sys.warnoptions),
                 repr((flags.utf8_mode, flags.optimize, flags.dev_mode, flags.bytes_warning))):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    # An installed library is found, not imported (importing spaCy is what we avoid);
    # reinstalling it rewrites its files, so their size and time change.
    for name in _LIBRARIES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec else None
        if origin:
            _stamp(Path(origin), digest)
            _stamp(Path(origin).with_name("about.py"), digest)
    _stamp_tree(_PACKAGE, digest)
    _stamp_tree(_PACKAGE.parent.parent / "rules", digest)  # a checkout's rule packs
    return digest.hexdigest()[:16]


def _stamp(path: Path, digest: hashlib._Hash) -> None:
    try:
        info = os.stat(path)
    except OSError:
        return
    digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}\0".encode(
        "utf-8", "surrogateescape"))


def _stamp_tree(root: Path, digest: hashlib._Hash) -> None:
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name == "__pycache__":
            continue
        if entry.is_dir(follow_symlinks=False):
            _stamp_tree(Path(entry.path), digest)
        else:
            _stamp(Path(entry.path), digest)


def place(create: bool = True) -> Place:
    """Return this claimlint's socket place; Refused when the folder is not ours alone."""
    where = Place(private_folder(create), key())
    if len(os.fsencode(where.socket)) > _MAX_SOCKET_PATH:
        raise Refused(f"{where.socket}: too long a path for a socket")
    return where


def forward(argv: Sequence[str]) -> None:
    """Run ``argv`` in a warm server and exit with its code; return when no server can.

    When none is running one is started in the background, and this run goes on
    in-process as it would without servers.
    """
    if not wanted(argv) or not _stdio_open():
        return
    try:
        where = place()
    except (Refused, OSError):
        return
    conn = connect(where.socket)
    if conn is None:
        start(where, after=os.getpid())
        return
    code = _run(conn, argv)
    if code is not None:
        sys.exit(code)


def _stdio_open() -> bool:
    try:
        for fd in (0, 1, 2):
            os.fstat(fd)
    except OSError:
        return False
    return sys.stdin is not None and sys.stdout is not None and sys.stderr is not None


def connect(path: Path) -> socket.socket | None:
    """Return a connection to the server at ``path``, or None when none listens there."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(os.fspath(path))
    except OSError:
        conn.close()
        return None
    return conn


def _header(argv: Sequence[str]) -> bytes:
    umask = os.umask(0o022)
    os.umask(umask)
    streams = [[s.encoding, s.errors, s.line_buffering, getattr(s, "write_through", False)]
               for s in (sys.stdin, sys.stdout, sys.stderr)]
    header = {"op": "run", "argv": list(argv), "argv0": sys.argv[0], "cwd": os.getcwd(),
              "env": dict(os.environ), "umask": umask, "streams": streams}
    return json.dumps(header).encode("ascii") + b"\n"


def _run(conn: socket.socket, argv: Sequence[str]) -> int | None:
    """Have the server run ``argv`` on our streams; None when it never started the run."""
    child: list[int] = []

    def relay(signum: int, frame: FrameType | None) -> None:
        if child:
            with contextlib.suppress(OSError):
                os.kill(child[0], signum)
            return
        # Nothing has run yet: stop here, and the server's child sees us gone.
        print(f"claimlint: stopped by {signal.Signals(signum).name}", file=sys.stderr)
        os._exit(128 + signum)

    with conn:
        try:
            data = _header(argv)
            sent = socket.send_fds(conn, [data], [0, 1, 2])
            conn.sendall(data[sent:])
        except OSError:
            return None
        previous = {signum: signal.signal(signum, relay)
                    for signum in (signal.SIGINT, signal.SIGTERM)}
        try:
            for message in _messages(conn):
                if "pid" in message:
                    child[:] = [int(message["pid"])]
                elif "exit" in message:
                    for signum in previous:  # the run is over: a late Ctrl-C changes nothing
                        signal.signal(signum, signal.SIG_IGN)
                    code: int = message["exit"]
                    return code
        except (OSError, ValueError):
            pass
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if not child:
        return None  # the server dropped us before forking: nothing ran, run in-process
    print(STOPPED, file=sys.stderr)
    return EXIT_ERROR


def _messages(conn: socket.socket) -> Iterator[dict[str, Any]]:
    """The server's JSON lines until it closes the connection."""
    with conn.makefile("rb") as reader:
        for line in reader:
            message = json.loads(line)
            if isinstance(message, dict):
                yield message


def _locked(path: Path) -> bool:
    """True when a server (or one still starting) holds the lock file."""
    import fcntl

    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:
        return True  # cannot tell: do not start another
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing releases a lock we took
    return False


def start(where: Place, after: int | None = None) -> subprocess.Popen[bytes] | None:
    """Start a server in the background unless one is running or starting.

    With ``after`` (this run's pid) it loads nothing until that process has ended.
    """
    if _locked(where.lock):
        return None
    import subprocess

    env = dict(os.environ)
    # The server must import this claimlint, wherever it was imported from here.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_PACKAGE.parent),
                                                    env.get("PYTHONPATH", "")) if p)
    # The same interpreter options (-O, -W, -X dev...): they are part of the key.
    flags = subprocess._args_from_interpreter_flags()  # type: ignore[attr-defined]
    command = [sys.executable, *flags, "-m", "claimlint.server", "--socket",
               os.fspath(where.socket), *(["--after", str(after)] if after else [])]
    try:
        log = os.open(where.log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        try:
            return subprocess.Popen(command, cwd="/", env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=log, close_fds=True,
                                    start_new_session=True)
        finally:
            os.close(log)
    except OSError:
        return None


def ask(path: Path, op: str) -> dict[str, Any] | None:
    """Send a server a request without a run (status, stop); None when none answers."""
    conn = connect(path)
    if conn is None:
        return None
    with conn:
        try:
            conn.sendall(json.dumps({"op": op}).encode("ascii") + b"\n")
            conn.settimeout(10)
            return next(_messages(conn), None)
        except (OSError, ValueError):
            return None


def alive(pid: int) -> bool:
    """True while process ``pid`` runs (a zombie waiting to be reaped does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as proc:
            return proc.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def server_command(action: str) -> int:
    """``claimlint server status|start|stop``: 0 when a server runs (or was stopped)."""
    if not supported():
        print("claimlint server: not available here: it runs on Linux only, so 'check' "
              "runs in-process", file=sys.stderr)
        return 1 if action != "stop" else 0
    try:
        where = place()
    except Refused as exc:
        print(f"claimlint server: not used: {exc}", file=sys.stderr)
        return 1 if action != "stop" else 0
    if action == "stop":
        return _stop_all(where.folder)
    if action == "start" and ask(where.socket, "status") is None:
        server = start(where)
        deadline = time.monotonic() + START_TIMEOUT
        while ask(where.socket, "status") is None and time.monotonic() < deadline:
            if server is not None and server.poll() is not None:
                break  # it ended before it could listen (another took over, or it failed)
            time.sleep(0.1)
    return _status(where)


def _status(where: Place) -> int:
    info = ask(where.socket, "status")
    off = ""
    if _flag(ENV_OFF) or _flag("CI"):
        off = f" ({ENV_OFF if _flag(ENV_OFF) else 'CI'} is set: 'check' runs in-process)"
    if info is None:
        state = "starting" if where.lock.exists() and _locked(where.lock) else "not running"
        log = f"; its log: {where.log}" if where.log.is_file() and where.log.stat().st_size \
            else ""
        print(f"claimlint server: {state} (socket {where.socket}{log}){off}")
        return 1
    idle = float(str(info.get("idle", 0)))
    print(f"claimlint server: running (pid {info.get('pid')}, {info.get('served')} run(s) "
          f"served, {info.get('linters')} config(s) warm, stops after {idle:g} s idle){off}")
    print(f"  socket: {where.socket}")
    return 0


def _stop_all(where: Path) -> int:
    """Stop every server in the socket folder (an older claimlint's too)."""
    stopped = []
    for path in sorted(where.glob("*.sock")):
        info = ask(path, "stop")
        if info is None:
            continue
        pid = int(str(info.get("pid")))
        deadline = time.monotonic() + 10
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        stopped.append(pid)
    if not stopped:
        print("claimlint server: not running")
    for pid in stopped:
        print(f"claimlint server: stopped (pid {pid})")
    return 0
