"""A non-editable install ships the rule packs inside the wheel."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# No package index: the wheel is built with the hatchling of the test extras, in this environment.
OFFLINE = ("--no-index", "--no-deps", "--no-build-isolation")


def pip(*args: str) -> None:
    """Run pip with this interpreter, failing the test with pip's own output."""
    done = subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, f"pip {' '.join(args)}:\n{done.stdout}{done.stderr}"


def test_wheel_contains_rules_and_loads_them_outside_the_checkout(tmp_path: Path) -> None:
    assert importlib.util.find_spec("hatchling"), "install the test extras: pip install '.[test]'"
    pip("wheel", *OFFLINE, "-q", "-w", str(tmp_path), str(ROOT))
    [wheel] = tmp_path.glob("claimlint-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("claimlint/rules/")}
    assert {p.name for p in (ROOT / "rules").glob("*.yaml")} <= shipped
    site = tmp_path / "site"
    pip("install", "--no-index", "--no-deps", "-q", "--target", str(site), str(wheel))
    code = ("import claimlint.ruleset as r; print(r.builtin_rules_dir()); "
            "print(len(r.load_ruleset().rules))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, env={"PYTHONPATH": str(site), "PATH": ""}, check=True)
    where, count = proc.stdout.split()
    assert Path(where).is_relative_to(site)
    assert int(count) > 10
