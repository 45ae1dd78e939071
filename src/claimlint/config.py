"""Find the closest .claimlint.yaml or [tool.claimlint], follow extends, validate."""

from __future__ import annotations

import importlib.util
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigError
from .findings import Severity
from .ruleset import DEFAULT_PACKS, available_packs, did_you_mean
from .spots import Spot, Where
from .yamlload import Mark, MarkedDict, load_yaml

if TYPE_CHECKING:
    from .ruleset import RuleSet

CONFIG_NAMES = (".claimlint.yaml", ".claimlint.yml")
FAIL_ON = ("error", "warning", "info", "never")
LEVELS = ("error", "warning", "info")
ACCEPT = "accept"  # the vocabulary of names never flagged (engine.py), whatever the packs
_LIST_KEYS = ("packs", "rule-paths", "select", "ignore", "include", "exclude")
_KEYS = {*_LIST_KEYS, "extends", "severity", "fail-on", "overrides", "vocabulary", "model",
         "require-reason", "max-file-size"}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:([kmg])i?)?b?\s*", re.IGNORECASE)
_OVERRIDE_KEYS = {"files", "select", "ignore", "severity"}
# A name checked once the rule packs are loaded: ("select", id), ("severity", id),
# ("vocabulary", name), ("overrides", n, "ignore", id)...; the last item is the name.
Name = tuple[str | int, ...]


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
    chain: tuple[Path, ...] = ()  # the config file, then each file it extends
    names: dict[Name, Spot] = field(default_factory=dict)  # checked by check_names

    @property
    def path(self) -> Path | None:
        """The config file itself; None for the defaults."""
        return self.chain[0] if self.chain else None


def config_in(folder: Path) -> Path | None:
    """Return the config file in ``folder`` itself, if any (pyproject needs [tool.claimlint])."""
    for name in CONFIG_NAMES:
        if (folder / name).is_file():
            return folder / name
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file() and "claimlint" in _toml(pyproject).get("tool", {}):
        return pyproject
    return None


def find_config(start: Path) -> Path | None:
    """Return the closest config file at or above ``start`` (pyproject needs [tool.claimlint])."""
    for folder in (start.resolve(), *start.resolve().parents):
        found = config_in(folder)
        if found:
            return found
    return None


def load_config(path: Path | None, _seen: tuple[Path, ...] = ()) -> Config:
    """Load a config file (following ``extends``); None gives the defaults."""
    config = Config()
    if path is None:
        return config
    path = path.resolve()
    if not path.is_file():
        raise ConfigError(str(path), 1, 1, "config file not found")
    data, where = _read(path)
    if "extends" in data:
        config = load_config(_extends(data, where, (*_seen, path)), (*_seen, path))
    config.root = path.parent
    config.chain = (path, *config.chain)
    _apply(config, data, where, path)
    return config


def _extends(data: dict[str, Any], where: Where, seen: tuple[Path, ...]) -> Path:
    """Return the file ``extends`` names, refusing what is not there or forms a cycle."""
    value, at = data["extends"], where.value(data, "extends")
    if not isinstance(value, str):
        raise where.fail(at, "'extends' must be text: the path of another config file")
    base = (seen[-1].parent / value).resolve()
    if base in seen:
        raise where.fail(at, "extends forms a cycle: " + " -> ".join(str(p) for p in (*seen, base)))
    if not base.is_file():
        raise where.fail(at, f"extends: '{value}' not found (looked for {base})")
    return base


def check_names(config: Config, ruleset: RuleSet) -> None:
    """Raise ConfigError at the value for a rule selector or vocabulary the packs do not have.

    A vocabulary the packs neither define nor use would be ignored in silence; a custom
    rule file that refers to ``@name`` makes ``name`` a class of its own to fill.
    """
    for name, spot in config.names.items():
        label, value = str(name[-2]), str(name[-1])
        if label != "vocabulary":
            problem = ruleset.unknown_selector(value)
            if problem:
                raise spot.error(f"{label}: {problem}")
        elif value not in ruleset.classes and value != ACCEPT:
            known = sorted({*ruleset.classes, ACCEPT})
            hint = did_you_mean(value, known) or f"; classes: {', '.join(known)}"
            raise spot.error(
                f"vocabulary: '{value}' is not a class the rule packs in force define or use"
                f"{hint} (a new class needs a rule in rule-paths that uses it as '@{value}')")


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


def _read(path: Path) -> tuple[dict[str, Any], Where]:
    text = path.read_text(encoding="utf-8")
    if path.name == "pyproject.toml":
        data = _toml(path).get("tool", {}).get("claimlint", {})
        header = next((n for n, line in enumerate(text.splitlines(), 1)
                       if line.strip().startswith("[tool.claimlint")), 1)
        return data, Where(path, text, header)
    data = load_yaml(text, str(path), ConfigError) or MarkedDict()
    if not isinstance(data, dict):
        raise ConfigError(str(path), 1, 1, "a config file must be a mapping of settings")
    return data, Where(path, text)


def parse_size(text: str) -> int | None:
    """Parse a size such as ``10MB``, ``512 KB`` or ``2000000`` (bytes, 1 KB = 1024 B)."""
    m = _SIZE.fullmatch(text)
    if not m:
        return None
    return int(float(m.group(1)) * 1024 ** " kmg".index((m.group(2) or " ").lower()))


def _strings(where: Where, label: str, value: Any, at: Mark) -> tuple[str, ...]:
    """Return a text or list of texts; anything else fails at the offending item."""
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        raise where.fail(at, f"{label} must be a list of text")
    for n, item in enumerate(value):
        if not isinstance(item, str):
            raise where.fail(where.item(value, n, at),
                             f"{label} must be a list of text, not {item!r} among them")
    return tuple(value)


def _items(where: Where, value: Any, at: Mark) -> list[tuple[str, Mark]]:
    """Pair each text of a checked list (or single text) with where it stands."""
    if isinstance(value, str):
        return [(value, at)]
    out, near = [], at
    for n, item in enumerate(value):
        mark = where.item(value, n, near)
        out.append((item, mark))
        if mark != near:  # the next item stands after this one
            near = Mark(mark.line, mark.column + 1)
    return out


def _severities(where: Where, label: str, value: Any, at: Mark,
                names: dict[Name, Spot], prefix: Name) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise where.fail(at, f"'{label}' must map rule ids, prefixes or categories to a level")
    out = {}
    for sel, level in value.items():
        at = where.key(value, sel, at)  # TOML: searched from the previous key on
        if level not in LEVELS:
            hint = did_you_mean(str(level), LEVELS)
            raise where.fail(where.value(value, sel, at), f"severity for '{sel}' must be error, "
                             f"warning or info, not {level!r}{hint}")
        out[str(sel)] = Severity(level)
        names.setdefault((*prefix, "severity", str(sel)), where.spot(at))
    return out


def _apply(config: Config, data: dict[str, Any], where: Where, path: Path) -> None:
    shown = str(path)
    for key, value in data.items():
        if key not in _KEYS:
            raise where.fail(where.key(data, key), f"unknown key '{key}'{did_you_mean(key, _KEYS)}")
        at = where.value(data, key)
        config.sources[key] = f"{shown}:{where.key(data, key).line}"
        # A key set here replaces the one it extends: so do the positions of its names.
        config.names = {n: s for n, s in config.names.items() if n[0] != key}
        if key in _LIST_KEYS:
            _strings(where, f"'{key}'", value, at)
            items = _items(where, value, at)
            if key == "packs":
                _check_packs(where, items)
            if key == "rule-paths":
                config.rule_paths = _rule_paths(where, items, path.parent)
                continue
            setattr(config, key.replace("-", "_"), tuple(text for text, _ in items))
            if key in ("select", "ignore"):
                for text, mark in items:
                    config.names.setdefault((key, text), where.spot(mark))
        elif key == "severity":
            config.severity = _severities(where, key, value, at, config.names, ())
        elif key == "fail-on":
            if value not in FAIL_ON:
                raise where.fail(at, f"'fail-on' must be one of {', '.join(FAIL_ON)}, not "
                                 f"{value!r}{did_you_mean(str(value), FAIL_ON)}")
            config.fail_on = value
        elif key in ("model", "extends"):
            if value is not None and not isinstance(value, str):
                raise where.fail(at, f"'{key}' must be text")
            if key == "model":
                config.model = _model(where, value, at, path.parent)
        elif key == "require-reason":
            if not isinstance(value, bool):
                raise where.fail(at, "'require-reason' must be true or false")
            config.require_reason = value
        elif key == "vocabulary":
            config.vocabulary = _vocabulary(where, value, at, config.names)
        elif key == "overrides":
            config.overrides = _overrides(where, value, at, config.names)
        elif key == "max-file-size":
            size = parse_size(str(value))
            if size is None:
                raise where.fail(at, f"'max-file-size' must be a size such as 10MB, 512KB or "
                                 f"0 for no limit, not {value!r}")
            config.max_file_size = size


def _check_packs(where: Where, items: list[tuple[str, Mark]]) -> None:
    known = available_packs()
    for name, mark in items:
        if name not in known:
            raise where.fail(mark, f"unknown pack '{name}'{did_you_mean(name, known)}; "
                             f"available: {', '.join(known)}")


def _rule_paths(where: Where, items: list[tuple[str, Mark]], folder: Path) -> tuple[Path, ...]:
    """Rule files or folders, relative to the config file that names them."""
    for text, mark in items:
        if not (folder / text).exists():
            raise where.fail(mark, f"rule path '{text}' not found (looked for {folder / text})")
    return tuple(folder / text for text, _ in items)


def _model(where: Where, value: str | None, at: Mark, folder: Path) -> str | None:
    """A claim model folder, 'none', a spaCy pipeline folder (both relative to the config
    file, like 'extends') or an installed spaCy pipeline package."""
    if not value or value == "none":
        return value or None
    local = folder / value
    if local.is_dir():
        return str(local)
    if value.isidentifier() and importlib.util.find_spec(value) is not None:
        return value
    raise where.fail(at, f"model '{value}' is neither a claim model folder (from 'claimlint "
                     f"train', relative to this file), 'none', nor an installed spaCy pipeline")


def _vocabulary(where: Where, value: Any, at: Mark,
                names: dict[Name, Spot]) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise where.fail(at, "'vocabulary' must map names to term lists")
    out = {}
    for name, terms in value.items():
        at = where.key(value, name, at)  # TOML: searched from the previous key on
        terms_at = where.value(value, name, at)
        out[str(name)] = _strings(where, f"vocabulary '{name}'", terms, terms_at)
        names[("vocabulary", str(name))] = where.spot(at)
    return out


def _overrides(where: Where, value: Any, at: Mark,
               names: dict[Name, Spot]) -> tuple[Override, ...]:
    if not isinstance(value, list):
        raise where.fail(at, "'overrides' must be a list of {files, select, ignore, severity}")
    out = []
    for n, item in enumerate(value):
        here = where.item(value, n, at)
        if not isinstance(item, dict) or "files" not in item:
            raise where.fail(here, "each override needs 'files'")
        for key in item:
            if key not in _OVERRIDE_KEYS:
                raise where.fail(where.key(item, key, here),
                                 f"unknown key '{key}' in an override"
                                 f"{did_you_mean(key, _OVERRIDE_KEYS)}; "
                                 f"keys: {', '.join(sorted(_OVERRIDE_KEYS))}")
        lists: dict[str, tuple[str, ...]] = {}
        for key in ("files", "select", "ignore"):
            if key in item:
                spot = where.value(item, key, here)
                lists[key] = _strings(where, f"'{key}'", item[key], spot)
                if key != "files":
                    for text, mark in _items(where, item[key], spot):
                        names.setdefault(("overrides", n, key, text), where.spot(mark))
        severity = _severities(where, "severity", item.get("severity", {}),
                               where.value(item, "severity", here), names, ("overrides", n))
        out.append(Override(files=lists["files"], select=lists.get("select", ()),
                            ignore=lists.get("ignore", ()), severity=severity))
    return tuple(out)
