"""Find the closest .claimlint.yaml or [tool.claimlint], follow extends, validate."""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .findings import Severity
from .model import is_model_dir
from .ruleset import DEFAULT_PACKS
from .yamlload import Mark, MarkedDict, load_yaml

CONFIG_NAMES = (".claimlint.yaml", ".claimlint.yml")
FAIL_ON = ("error", "warning", "info", "never")
_LIST_KEYS = ("packs", "rule-paths", "select", "ignore", "include", "exclude")
_KEYS = {*_LIST_KEYS, "extends", "severity", "fail-on", "overrides", "vocabulary", "model",
         "require-reason", "max-file-size"}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:([kmg])i?)?b?\s*", re.IGNORECASE)
_OVERRIDE_KEYS = {"files", "select", "ignore", "severity"}


@dataclass(frozen=True)
class Override:
    """Settings for the files one gitignore-style pattern list matches."""

    files: tuple[str, ...]
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)


@dataclass
class Config:
    """The effective configuration and where each value came from."""

    root: Path = field(default_factory=Path.cwd)
    packs: tuple[str, ...] = DEFAULT_PACKS
    rule_paths: tuple[Path, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: str = "warning"
    overrides: tuple[Override, ...] = ()
    vocabulary: dict[str, tuple[str, ...]] = field(default_factory=dict)
    model: str | None = None
    require_reason: bool = False
    max_file_size: int | None = None
    sources: dict[str, str] = field(default_factory=dict)


def find_config(start: Path) -> Path | None:
    """Return the closest config file at or above ``start`` (pyproject needs [tool.claimlint])."""
    for folder in (start.resolve(), *start.resolve().parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "claimlint" in _toml(pyproject).get("tool", {}):
            return pyproject
    return None


def load_config(path: Path | None, _seen: tuple[Path, ...] = ()) -> Config:
    """Load a config file (following ``extends``); None gives the defaults."""
    config = Config()
    if path is None:
        return config
    path = path.resolve()
    if path in _seen:
        raise ConfigError(str(path), 1, 1, "extends forms a cycle: "
                          + " -> ".join(str(p) for p in (*_seen, path)))
    if not path.is_file():
        raise ConfigError(str(path), 1, 1, "config file not found")
    data, where = _read(path)
    if "extends" in data:
        base = path.parent / str(data["extends"])
        config = load_config(base, (*_seen, path))
    config.root = path.parent
    _apply(config, data, where, path)
    return config


def _toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        return data
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", 1) or 1
        col = getattr(exc, "colno", 1) or 1
        raise ConfigError(str(path), line, col, f"invalid TOML: {exc.args[0]}") from None


class _Where:
    """Locates keys in a config file for error messages."""

    def __init__(self, path: Path, text: str, marks: MarkedDict | None):
        self.path, self.lines, self.marks = path, text.splitlines(), marks

    def mark(self, key: str, value: bool = False) -> Mark:
        if self.marks is not None and key in self.marks:
            return (self.marks.value_marks if value else self.marks.key_marks)[key]
        for n, line in enumerate(self.lines, 1):  # TOML keeps no positions: find the key's line
            stripped = line.lstrip()
            if stripped.startswith((key, f'"{key}"')):
                return Mark(n, len(line) - len(stripped) + 1)
        return Mark(1, 1)

    def fail(self, key: str, message: str, value: bool = False) -> ConfigError:
        m = self.mark(key, value)
        line = self.lines[m.line - 1] if 0 < m.line <= len(self.lines) else ""
        return ConfigError(str(self.path), m.line, m.column, message, line)


def _read(path: Path) -> tuple[dict[str, Any], _Where]:
    text = path.read_text(encoding="utf-8")
    if path.name == "pyproject.toml":
        data = _toml(path).get("tool", {}).get("claimlint", {})
        return data, _Where(path, text, None)
    data = load_yaml(text, str(path), ConfigError) or MarkedDict()
    where = _Where(path, text, data if isinstance(data, MarkedDict) else None)
    if not isinstance(data, dict):
        raise ConfigError(str(path), 1, 1, "a config file must be a mapping of settings")
    return data, where


def parse_size(text: str) -> int | None:
    """Parse a size such as ``10MB``, ``512 KB`` or ``2000000`` (bytes, 1 KB = 1024 B)."""
    m = _SIZE.fullmatch(text)
    if not m:
        return None
    return int(float(m.group(1)) * 1024 ** " kmg".index((m.group(2) or " ").lower()))


def _strings(where: _Where, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise where.fail(key, f"'{key}' must be a list of text", value=True)
    return tuple(value)


def _severities(where: _Where, key: str, value: Any) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise where.fail(key, f"'{key}' must map rule ids, prefixes or categories to a level",
                         value=True)
    out = {}
    for sel, level in value.items():
        if level not in ("error", "warning", "info"):
            raise where.fail(key, f"severity for '{sel}' must be error, warning or info, "
                             f"not {level!r}", value=True)
        out[str(sel)] = Severity(level)
    return out


def _apply(config: Config, data: dict[str, Any], where: _Where, path: Path) -> None:
    shown = str(path)
    for key, value in data.items():
        if key not in _KEYS:
            close = difflib.get_close_matches(key, sorted(_KEYS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise where.fail(key, f"unknown key '{key}'{hint}")
        config.sources[key] = f"{shown}:{where.mark(key).line}"
        if key in _LIST_KEYS:
            items = _strings(where, key, value)
            if key == "rule-paths":
                config.rule_paths = tuple(path.parent / p for p in items)
            else:
                setattr(config, key.replace("-", "_"), items)
        elif key == "severity":
            config.severity = _severities(where, key, value)
        elif key == "fail-on":
            if value not in FAIL_ON:
                raise where.fail(key, f"'fail-on' must be one of {', '.join(FAIL_ON)}", True)
            config.fail_on = value
        elif key in ("model", "extends"):
            if value is not None and not isinstance(value, str):
                raise where.fail(key, f"'{key}' must be text", value=True)
            if key == "model":
                # A claim model folder is named relative to the config file, like 'extends'.
                local = str(path.parent / value) if value else None
                config.model = local if value != "none" and is_model_dir(local) else value
        elif key == "require-reason":
            if not isinstance(value, bool):
                raise where.fail(key, "'require-reason' must be true or false", value=True)
            config.require_reason = value
        elif key == "vocabulary":
            if not isinstance(value, dict):
                raise where.fail(key, "'vocabulary' must map names to term lists", value=True)
            config.vocabulary = {str(k): _strings(where, key, v) for k, v in value.items()}
        elif key == "overrides":
            config.overrides = _overrides(where, value)
        elif key == "max-file-size":
            size = parse_size(str(value))
            if size is None:
                raise where.fail(key, f"'max-file-size' must be a size such as 10MB, 512KB or "
                                 f"0 for no limit, not {value!r}", value=True)
            config.max_file_size = size


def _overrides(where: _Where, value: Any) -> tuple[Override, ...]:
    if not isinstance(value, list):
        raise where.fail("overrides", "'overrides' must be a list of {files, select, ignore, "
                         "severity}", value=True)
    out = []
    for item in value:
        if not isinstance(item, dict) or "files" not in item:
            raise where.fail("overrides", "each override needs 'files'", value=True)
        unknown = set(item) - _OVERRIDE_KEYS
        if unknown:
            raise where.fail("overrides", f"unknown key '{sorted(unknown)[0]}' in an override "
                             f"(keys: {', '.join(sorted(_OVERRIDE_KEYS))})", value=True)
        out.append(Override(
            files=_strings(where, "overrides", item["files"]),
            select=_strings(where, "overrides", item.get("select", [])),
            ignore=_strings(where, "overrides", item.get("ignore", [])),
            severity=_severities(where, "overrides", item.get("severity", {})),
        ))
    return tuple(out)
