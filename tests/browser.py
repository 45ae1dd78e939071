"""Headless Chromium for report tests: --dump-dom, --screenshot and a tiny DevTools client.

The DevTools client talks the Chrome DevTools Protocol over ``--remote-debugging-pipe``
(NUL-terminated JSON on file descriptors 3 and 4), so it needs nothing but the
standard library: no websocket package, no driver download.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--mute-audio", "--hide-scrollbars")
TIMEOUT = 90.0


def chromium() -> str:
    """Return the Chromium executable, or skip the test (saying why) when there is none."""
    found = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
    if found is None:
        reason = ("Chromium is not installed (no /usr/bin/chromium, no chromium on PATH); "
                  "install it with: apt-get install -y chromium")
        print(reason)
        pytest.skip(reason)
    return found


def _run(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    cmd = [chromium(), *FLAGS, f"--user-data-dir={profile}", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL, check=False)
    assert done.returncode == 0, f"{cmd} failed:\n{done.stderr[-3000:]}"
    return done


def dump_dom(url: str, profile: Path) -> str:
    """Return the DOM of a page after its scripts ran (chromium --dump-dom)."""
    return _run(["--dump-dom", url], profile).stdout


def screenshot(url: str, png: Path, profile: Path, size: tuple[int, int] = (1280, 2000)) -> Path:
    """Save a screenshot of a page (chromium --screenshot) and return its path."""
    _run([f"--screenshot={png}", f"--window-size={size[0]},{size[1]}", url], profile)
    assert png.stat().st_size > 0
    return png


class DevTools:
    """A browser driven over the DevTools protocol; use as a context manager."""

    def __init__(self, profile: Path) -> None:
        child_in, self._write = os.pipe()  # the browser reads commands on fd 3
        self._read, child_out = os.pipe()  # and writes replies and events on fd 4
        high_in = fcntl.fcntl(child_in, fcntl.F_DUPFD, 10)
        high_out = fcntl.fcntl(child_out, fcntl.F_DUPFD, 10)

        def fds() -> None:  # runs in the child, before exec
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        self.proc = subprocess.Popen(  # preexec_fn places fds 3 and 4
            [chromium(), *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=fds, close_fds=False)
        for fd in (child_in, child_out, high_in, high_out):
            os.close(fd)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self.dialogs: list[dict[str, Any]] = []
        self.session = ""

    def __enter__(self) -> DevTools:
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):  # already gone or stuck: killed below
            self.call("Browser.close", timeout=10)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._write)
        os.close(self._read)

    def call(self, method: str, params: dict[str, Any] | None = None, *, session: str = "",
             timeout: float = TIMEOUT) -> dict[str, Any]:
        """Send one command and return its result (events that arrive meanwhile are kept)."""
        self._next_id += 1
        ident = self._next_id
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == ident:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise TimeoutError("no reply from Chromium")
            chunk = os.read(self._read, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        if message.get("method") == "Page.javascriptDialogOpening":
            self.dialogs.append(message["params"])  # dismiss it, or the page would block
            self._next_id += 1
            os.write(self._write, json.dumps({
                "id": self._next_id, "method": "Page.handleJavaScriptDialog",
                "params": {"accept": True}, "sessionId": message.get("sessionId", "")},
            ).encode() + b"\0")
        elif "method" in message:
            self.events.append(message)
        return message

    def open(self, url: str, width: int = 1280, height: int = 900) -> None:
        """Open url in a new tab, wait for its load event and keep the tab's session."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for method in ("Page.enable", "Runtime.enable"):
            self.call(method, session=self.session)
        self.call("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=self.session)
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=self.session)
        deadline = time.monotonic() + TIMEOUT
        while not any(e["method"] == "Page.loadEventFired" for e in self.events):
            self._receive(deadline)

    def evaluate(self, expression: str) -> Any:
        """Return the value of a JavaScript expression in the open tab."""
        reply = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                          session=self.session)
        if "exceptionDetails" in reply:
            raise RuntimeError(f"{expression}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def wait_for(self, expression: str, expected: Any, timeout: float = 10.0) -> Any:
        """Evaluate expression until it equals expected (or time runs out); return its value."""
        deadline = time.monotonic() + timeout
        while (value := self.evaluate(expression)) != expected and time.monotonic() < deadline:
            time.sleep(0.05)
        return value

    def click(self, selector: str) -> None:
        """Click the centre of the element matching selector with real mouse events."""
        box = self.evaluate(
            f"(function(){{var e=document.querySelector({json.dumps(selector)});"
            "e.scrollIntoView({block:'center'});var r=e.getBoundingClientRect();"
            "return [r.left+r.width/2, r.top+r.height/2];})()")
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1],
                                                   "button": "left", "clickCount": 1},
                      session=self.session)
