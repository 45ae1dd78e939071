"""Shared fixtures: one loaded linter per test session (the pipeline is built once)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from claimlint import Linter, Options
from claimlint.ruleset import available_packs

ROOT = Path(__file__).resolve().parents[1]
# The suite never writes to the user's cache; its own is shared by every test and
# subprocess of a run, as a user's is by every run.
os.environ.setdefault("CLAIMLINT_CACHE_DIR", tempfile.mkdtemp(prefix="claimlint-test-cache-"))
# Nor does it start warm servers: its subprocesses run in-process, as before servers;
# test_server.py starts its own, in a folder of its own, and stops them.
os.environ.setdefault("CLAIMLINT_NO_SERVER", "1")


@pytest.fixture(scope="session")
def linter() -> Linter:
    """A linter with the default packs."""
    return Linter(Options())


@pytest.fixture(scope="session")
def all_packs_linter() -> Linter:
    """A linter with every built-in pack loaded."""
    return Linter(Options(packs=tuple(available_packs())))
