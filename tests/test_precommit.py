"""The pre-commit hooks, as published in .pre-commit-hooks.yaml, stop a risky commit."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
RISKY = "# Care\n\nOur serum is a revolutionary option.\n"
FIXED = "# Care\n\nOur serum is a new option.\n"


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=check,
                          env={**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pc-home"),
                               "PRE_COMMIT_COLOR": "never"})


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose pre-commit config uses our published hooks, offline.

    language: python would make pre-commit download claimlint's dependencies; the
    test runs without network, so the hooks run as `system` from this interpreter
    with everything else (entry, file types, serial) taken from .pre-commit-hooks.yaml.
    """
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    local = []
    for hook in hooks:
        assert hook["language"] == "python" and hook["require_serial"] is True
        entry = shlex.split(hook["entry"])
        assert entry[0] == "claimlint"
        local.append({**hook, "language": "system", "entry": shlex.join(
            [sys.executable, "-m", "claimlint", *entry[1:], "--select", "hype"])})
    repo = tmp_path / "site"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "writer@example.org")
    git(repo, "config", "user.name", "Writer")
    git(repo, "config", "commit.gpgsign", "false")
    config = {"repos": [{"repo": "local", "hooks": local}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc-home")})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return repo


def test_risky_commit_is_refused_then_fixed_commit_lands(repo: Path) -> None:
    (repo / "page.md").write_text(RISKY)
    git(repo, "add", "page.md", ".pre-commit-config.yaml")
    refused = git(repo, "commit", "-m", "draft", check=False)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "hype.superlative" in output and "page.md" in output
    assert (repo / "page.md").read_text() == RISKY  # a rewording of a claim is never "safe"
    subprocess.run([sys.executable, "-m", "claimlint", "check", "--fix", "--unsafe-fixes",
                    "--select", "hype", "page.md"], cwd=repo, capture_output=True, check=False)
    assert (repo / "page.md").read_text() == FIXED
    git(repo, "add", "page.md")
    landed = git(repo, "commit", "-m", "softer wording", check=False)
    assert landed.returncode == 0, landed.stdout + landed.stderr
    assert git(repo, "log", "--oneline").stdout.count("\n") == 1


def test_only_staged_files_are_linted(repo: Path) -> None:
    (repo / "draft.md").write_text(RISKY)
    (repo / "clean.md").write_text(FIXED)
    git(repo, "add", "clean.md", ".pre-commit-config.yaml")
    landed = git(repo, "commit", "-m", "clean page only", check=False)
    assert landed.returncode == 0, landed.stdout + landed.stderr
    assert (repo / "draft.md").read_text() == RISKY
