"""Stop a run cleanly on Ctrl-C or SIGTERM: a one-line message, no worker or temp file left.

While the command line runs, SIGINT and SIGTERM raise ``Interrupted`` in the main
thread; it unwinds through the worker pool (whose processes are terminated) and any
file being written (whose temporary file is removed), and ``main`` exits with 128 plus
the signal number (issue 11).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)
# Signals that arrived inside ``deferred`` blocks, delivered when the outermost one ends.
_pending: list[int] = []
_depth = 0
_owner: list[int] = []  # the pid whose handlers these are (a forked worker inherits them)


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread when the run is asked to stop."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """The shell's convention: 128 plus the signal number (130 Ctrl-C, 143 SIGTERM)."""
        return 128 + self.signum

    @property
    def name(self) -> str:
        """The signal's name, e.g. SIGTERM."""
        return signal.Signals(self.signum).name


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise Interrupted; the old handlers come back after."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; the embedding program decides
        return
    previous: dict[int, Callable[[int, FrameType | None], Any] | int | None] = {
        signum: signal.signal(signum, _handle) for signum in SIGNALS}
    _owner[:] = [os.getpid()]
    try:
        yield
    finally:
        for signum, handler in previous.items():
            # None: a handler set outside Python, which cannot be put back.
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        _owner.clear()
        _pending.clear()


def request_stop(signum: int) -> None:
    """Stop the run as if ``signum`` had arrived (held while a file is being written)."""
    _handle(signum, None)


def _handle(signum: int, frame: FrameType | None) -> None:
    if _owner != [os.getpid()]:  # a forked worker before in_worker(): just end
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    if _depth:
        _pending.append(signum)
        return
    # A second signal must not cut the first one's clean-up short.
    for other in SIGNALS:
        signal.signal(other, signal.SIG_IGN)
    raise Interrupted(signum)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold a stop request until the block is done: a file write must finish or be undone."""
    global _depth
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers run in the main thread only
        return
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth and _pending:
            signum = _pending[0]
            _pending.clear()
            _handle(signum, None)


def in_worker() -> None:
    """Reset a forked worker's handlers: SIGTERM ends it, Ctrl-C is the parent's to handle.

    With ``_handle`` inherited, an Interrupted raised in a pool task would only be sent
    back as that task's result, and the worker would live on.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
