"""The config command: which config applies to each path, and where each setting came from."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .api import MAX_FILE_SIZE, Options
from .cli import EXIT_CLEAN
from .config import Config, check_names
from .errors import UsageError
from .project import Project
from .ruleset import load_ruleset


def show_config(targets: Sequence[str], explicit: Path | None, fmt: str) -> int:
    """Print, for each path, the config that applies to it, what it extends, and every
    effective setting with the file and line it came from (``fmt``: text or json)."""
    missing = [t for t in targets if not os.path.exists(t)]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    project = Project(lambda cfg: Options(), explicit)
    checked: set[Path | None] = set()
    shown = []
    for target in targets:
        folder = target if os.path.isdir(target) else os.path.dirname(target) or "."
        cfg = project.config(folder)
        if cfg.path not in checked:  # the errors 'check' would stop at, before any output
            check_names(cfg, load_ruleset(cfg.packs, cfg.rule_paths, cfg.vocabulary))
            checked.add(cfg.path)
        shown.append(_describe_config(target, cfg))
    if fmt == "json":
        print(json.dumps(shown, indent=2))
        return EXIT_CLEAN
    for n, item in enumerate(shown):
        print(("\n" if n else "") + f"# {item['file']}")
        print(f"# config: {item['config'] or 'defaults (no config found)'}")
        if item["extends"]:
            print(f"# extends: {' -> '.join(item['extends'])}")
        for key, setting in item["settings"].items():
            source = setting["source"]
            where = f"{source['path']}:{source['line']}" if source else "default"
            print(f"{key}: {json.dumps(setting['value'])}  # {where}")
    return EXIT_CLEAN


def _shown(path: Path | str) -> str:
    """A path relative to the working directory when it is inside it, else absolute."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _describe_config(target: str, cfg: Config) -> dict[str, Any]:
    """One path's config, extends chain and settings with their sources, as JSON values."""
    values: dict[str, Any] = {
        "packs": list(cfg.packs), "rule-paths": [_shown(p) for p in cfg.rule_paths],
        "select": list(cfg.select), "ignore": list(cfg.ignore),
        "severity": {k: v.value for k, v in cfg.severity.items()}, "fail-on": cfg.fail_on,
        "include": list(cfg.include), "exclude": list(cfg.exclude),
        "overrides": [{"files": list(o.files), "select": list(o.select), "ignore": list(o.ignore),
                       "severity": {k: v.value for k, v in o.severity.items()}}
                      for o in cfg.overrides],
        "vocabulary": {k: list(v) for k, v in cfg.vocabulary.items()},
        "model": cfg.model, "require-reason": cfg.require_reason,
        "max-file-size": MAX_FILE_SIZE if cfg.max_file_size is None else cfg.max_file_size,
    }
    settings = {}
    for key, value in values.items():
        source = None
        if key in cfg.sources:
            path, _, line = cfg.sources[key].rpartition(":")
            source = {"path": _shown(path), "line": int(line)}
        settings[key] = {"value": value, "source": source}
    return {"file": target, "config": _shown(cfg.path) if cfg.path else None,
            "extends": [_shown(p) for p in cfg.chain[1:]], "settings": settings}
