"""Shared helpers for the command-line tests."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from claimlint.cli import main

# A minimal valid rule file: one hype rule that flags "wow".
GOOD_RULE = """\
rules:
  - id: hype.x
    category: hype
    severity: warning
    message: "'{match}' is hype."
    rationale: Because hype reads as a claim of efficacy to ordinary readers of health copy.
    references: [{title: T, url: "https://example.org"}]
    match: {terms: [wow]}
    examples: {flag: [wow], pass: [ok]}
"""


def said(finding: dict[str, Any]) -> str:
    """The flagged words a finding's message quotes.

    Its ``match`` may take in more: the space, article, comma or capital a drop tidies
    ("A miracle " for "A miracle oil" -> "An oil").
    """
    return str(finding["message"]).split("'")[1]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return its exit code, stdout and stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def git(repo: Path, *args: str) -> None:
    """Run git in ``repo`` with a throwaway identity, failing the test on error."""
    subprocess.run(["git", "-c", "user.email=a@b.c", "-c", "user.name=A", *args],
                   cwd=repo, check=True, capture_output=True)


def wait_for(condition: Callable[[], bool], what: str, timeout: float, step: float = 0.05) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(step)
