"""Shared fixtures: one loaded linter per test session (the pipeline is built once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimlint import Linter, Options
from claimlint.ruleset import available_packs

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def linter() -> Linter:
    """A linter with the default packs."""
    return Linter(Options())


@pytest.fixture(scope="session")
def all_packs_linter() -> Linter:
    """A linter with every built-in pack loaded."""
    return Linter(Options(packs=tuple(available_packs())))
