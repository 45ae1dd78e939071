"""The pre-commit hooks, as published in .pre-commit-hooks.yaml, stop a risky commit."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
RISKY = "# Care\n\nOur serum is a revolutionary option.\n"
FIXED = "# Care\n\nOur serum is an option.\n"  # dropping puffery before a noun is safe
REWORD = "# Care\n\nThe change in her skin was undeniable.\n"  # only a rewording fits here



def writers_repo(repo: Path) -> Path:
    """A new git repository with a committer set, as a copywriter's site would be."""
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "writer@example.org")
    git(repo, "config", "user.name", "Writer")
    git(repo, "config", "commit.gpgsign", "false")
    return repo

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
    repo = writers_repo(tmp_path / "site")
    config = {"repos": [{"repo": "local", "hooks": local}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc-home")})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return repo


def test_risky_commit_is_refused_and_the_fix_hook_drops_the_puffery(repo: Path) -> None:
    (repo / "page.md").write_text(RISKY)
    git(repo, "add", "page.md", ".pre-commit-config.yaml")
    refused = git(repo, "commit", "-m", "draft", check=False)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "hype.superlative" in output and "page.md" in output
    assert "claimlint: fixed 1 file(s)" in output
    assert (repo / "page.md").read_text() == FIXED  # the claimlint-fix hook changed the file
    git(repo, "add", "page.md")
    landed = git(repo, "commit", "-m", "softer wording", check=False)
    assert landed.returncode == 0, landed.stdout + landed.stderr
    assert git(repo, "log", "--oneline").stdout.count("\n") == 1


def test_a_rewording_waits_for_unsafe_fixes_and_the_hook_says_so(repo: Path) -> None:
    (repo / "page.md").write_text(REWORD)
    git(repo, "add", "page.md", ".pre-commit-config.yaml")
    refused = git(repo, "commit", "-m", "draft", check=False)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0 and "hype.superlative" in output
    assert "1 fix available with --unsafe-fixes" in output
    assert (repo / "page.md").read_text() == REWORD  # a rewording of a claim is never "safe"
    subprocess.run([sys.executable, "-m", "claimlint", "check", "--fix", "--unsafe-fixes",
                    "--select", "hype", "page.md"], cwd=repo, capture_output=True, check=False)
    assert (repo / "page.md").read_text() == REWORD.replace("undeniable", "visible")
    git(repo, "add", "page.md")
    landed = git(repo, "commit", "-m", "softer wording", check=False)
    assert landed.returncode == 0, landed.stdout + landed.stderr


def test_only_staged_files_are_linted(repo: Path) -> None:
    (repo / "draft.md").write_text(RISKY)
    (repo / "clean.md").write_text(FIXED)
    git(repo, "add", "clean.md", ".pre-commit-config.yaml")
    landed = git(repo, "commit", "-m", "clean page only", check=False)
    assert landed.returncode == 0, landed.stdout + landed.stderr
    assert (repo / "draft.md").read_text() == RISKY


# --- the README's snippet, as written -------------------------------------------------------

README_URL = "https://example.org/your-fork/claimlint"
CLEAN = "# Opening hours\n\nThe clinic is open from nine to five on weekdays.\n"
# What pre-commit needs to build claimlint from a repository: the wheel's inputs and the hooks.
PUBLISHED = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src", "rules")


def readme_precommit_snippet() -> tuple[str, list[str]]:
    """The README's `.pre-commit-config.yaml` block and the shell commands that follow it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^```yaml\n(repos:\n.*?)^```\n\s*^```(?:sh|bash)\n(.*?)^```", readme,
                      re.M | re.S)
    assert found, "README.md: no ```yaml block starting 'repos:' followed by a ```sh block"
    commands = [shlex.join(shlex.split(line, comments=True))
                for line in found.group(2).splitlines() if line.strip()]
    return found.group(1), commands


def offline_env(tmp_path: Path) -> dict[str, str]:
    """Environment for pre-commit that builds the hook's environment with no package index.

    The hook is `language: python`: pre-commit makes a virtualenv and runs `pip install .` in
    its clone. Here pip gets no index (and no pip config that might name one), builds with the
    hatchling of the test extras (no build isolation) and installs claimlint alone; a
    sitecustomize appends this interpreter's site-packages to the hook's Python, after the
    hook's own, so it imports the claimlint pre-commit installed and spaCy and the rest from here.
    """
    shim = tmp_path / "shim"
    shim.mkdir()
    dirs = [*site.getsitepackages(), site.getusersitepackages()]
    (shim / "sitecustomize.py").write_text(
        f"import site\nfor d in {dirs!r}:\n    site.addsitedir(d)\n")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "VIRTUALENV_", "PYTHON"))}
    return {**env, "PYTHONPATH": str(shim), "PRE_COMMIT_HOME": str(tmp_path / "pc-home"),
            "PRE_COMMIT_COLOR": "never", "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1",
            "PIP_NO_DEPS": "1",
            "PIP_NO_BUILD_ISOLATION": "0",  # sic: pip reads this variable as "isolation: no"
            "VIRTUALENV_NO_PERIODIC_UPDATE": "1"}


def publish(tmp_path: Path) -> tuple[Path, str]:
    """A git repository holding this checkout's hooks and package; return it and its HEAD."""
    published = tmp_path / "claimlint"
    published.mkdir()
    for name in PUBLISHED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, published / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, published / name)
    git(published, "init", "-q")
    git(published, "add", "-A")
    git(published, "-c", "user.email=dev@example.org", "-c", "user.name=Dev",
        "-c", "commit.gpgsign=false", "commit", "-q", "-m", "release")
    return published, git(published, "rev-parse", "HEAD").stdout.strip()


def test_readme_snippet_as_written_installs_the_hook_and_blocks_a_risky_commit(
        tmp_path: Path) -> None:
    assert importlib.util.find_spec("hatchling"), "install the test extras: pip install '.[test]'"
    config, commands = readme_precommit_snippet()
    assert config.count(README_URL) == 1, f"README.md: the snippet's repo is not {README_URL}"
    assert commands == ["pre-commit autoupdate", "pre-commit install"], commands
    published, head = publish(tmp_path)
    repo = writers_repo(tmp_path / "site")
    (repo / ".pre-commit-config.yaml").write_text(config.replace(README_URL, str(published)))
    env = offline_env(tmp_path)

    def sh(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(argv, cwd=repo, capture_output=True, text=True, check=False,
                              env=env)

    for command in commands:
        done = sh(sys.executable, "-m", "pre_commit", *shlex.split(command)[1:])
        assert done.returncode == 0, f"{command}:\n{done.stdout}{done.stderr}"
    # The published repository has no tag, so autoupdate pins the commit's SHA.
    [pinned] = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text())["repos"]
    assert pinned["rev"] == head and pinned["repo"] == str(published)

    (repo / "page.md").write_text(RISKY)
    sh("git", "add", "page.md", ".pre-commit-config.yaml")
    refused = sh("git", "commit", "-m", "draft")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    # The span takes in the article the drop corrects ("a revolutionary option" -> "an option").
    assert "page.md" in output and "3:14  warning  hype.superlative" in output, output
    # The hook ran the claimlint that pre-commit installed from the published repository.
    assert list((tmp_path / "pc-home").glob("repo*/py_env-*/lib/*/site-packages/claimlint/"))
    (repo / "page.md").write_text(CLEAN)
    sh("git", "add", "page.md")
    landed = sh("git", "commit", "-m", "opening hours")
    assert landed.returncode == 0, landed.stdout + landed.stderr
