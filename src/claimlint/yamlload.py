"""Load YAML safely, keep line/column marks, and reject duplicate keys."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from .errors import SourceError


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based line and column in a YAML file."""

    line: int
    column: int


class MarkedDict(dict[str, Any]):
    """A mapping that remembers where it, each key and each value stood."""

    mark: Mark
    key_marks: dict[str, Mark]
    value_marks: dict[str, Mark]


class MarkedList(list[Any]):
    """A sequence that remembers where it and each item stood."""

    mark: Mark
    item_marks: list[Mark]


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self, path: str, text: str, error: type[SourceError]):
        self.path, self.lines, self.error = path, text.splitlines(), error
        self.scalars = yaml.SafeLoader("")  # one per file: it caches what it constructs

    def fail(self, mark: Mark, message: str) -> SourceError:
        line = self.lines[mark.line - 1] if 0 < mark.line <= len(self.lines) else ""
        if len(line) > 200:  # a hostile one-line file: the position says enough
            line = ""
        return self.error(self.path, mark.line, mark.column, message, line)

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            out = MarkedDict()
            out.mark, out.key_marks, out.value_marks = _mark(node), {}, {}
            for key_node, value_node in node.value:
                key = self.build(key_node)
                if not isinstance(key, str):
                    raise self.fail(_mark(key_node), f"keys must be text, not {key!r}")
                if key in out:
                    first = out.key_marks[key]
                    raise self.fail(
                        _mark(key_node),
                        f"duplicate key '{key}' (first defined on line {first.line})"
                    )
                out[key] = self.build(value_node)
                out.key_marks[key], out.value_marks[key] = _mark(key_node), _mark(value_node)
            return out
        if isinstance(node, yaml.SequenceNode):
            seq = MarkedList(self.build(item) for item in node.value)
            seq.mark, seq.item_marks = _mark(node), [_mark(item) for item in node.value]
            return seq
        return self.scalars.construct_object(node, deep=True)


# libyaml's parser when PyYAML was built with it: same nodes and marks, ten times faster.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Limits that a hostile rule pack or config meets before it costs time or memory (issue
# 11): the bundled packs nest 8 deep and reuse a few small anchors.
MAX_DEPTH = 64
MAX_ALIAS_NODES = 100_000  # nodes that aliases may add to a file by repeating anchors
_CORE = "tag:yaml.org,2002:"
_TAGS = {None, "!", *(_CORE + t for t in ("str", "int", "float", "bool", "null", "seq", "map"))}


def _event_mark(event: yaml.Event) -> Mark:
    mark = event.start_mark
    return Mark(mark.line + 1, mark.column + 1) if mark is not None else Mark(1, 1)


def _check_events(events: Iterable[yaml.Event], builder: _Builder) -> None:
    """Refuse other tags, deep nesting and aliases that repeat too much, before composing.

    An alias bomb ("billion laughs") is a few lines whose aliases expand to billions of
    nodes; a ``!!python/...`` tag asks for code to run. Both are refused where they stand.
    """
    sizes: dict[str, int] = {}  # anchor -> nodes it stands for, aliases expanded
    open_: list[tuple[str | None, list[int]]] = []  # collections being read: anchor, size
    added = 0
    for event in events:
        if isinstance(event, yaml.AliasEvent):
            name = str(event.anchor)
            if any(anchor == name for anchor, _ in open_):
                raise builder.fail(_event_mark(event),
                                   f"alias '*{name}' refers to the node that contains it")
            if name not in sizes:
                raise builder.fail(_event_mark(event), f"alias '*{name}' names no anchor")
            added += sizes[name]
            if added > MAX_ALIAS_NODES:
                raise builder.fail(_event_mark(event), f"aliases expand this file past "
                                   f"{MAX_ALIAS_NODES:,} nodes; repeat less, or write it out")
            if open_:
                open_[-1][1][0] += sizes[name]
            continue
        if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)) and \
                event.tag not in _TAGS:
            tag = str(event.tag)
            shown = "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag
            raise builder.fail(_event_mark(event), f"tag '{shown}' is not allowed: rule and "
                               "config files hold plain text, numbers, lists and mappings")
        if isinstance(event, yaml.CollectionStartEvent):
            open_.append((event.anchor, [1]))
            if len(open_) > MAX_DEPTH:
                raise builder.fail(_event_mark(event),
                                   f"nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor is not None:
                sizes[event.anchor] = 1
            if open_:
                open_[-1][1][0] += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, (size,) = open_.pop()
            if anchor is not None:
                sizes[anchor] = size
            if open_:
                open_[-1][1][0] += size


def _compose(text: str, loader: type[yaml.SafeLoader], builder: _Builder) -> yaml.Node | None:
    _check_events(yaml.parse(text, Loader=loader), builder)
    node: yaml.Node | None = yaml.compose(text, Loader=loader)
    return node


def load_yaml(text: str, path: str, error: type[SourceError] = SourceError) -> Any:
    """Parse ``text`` into MarkedDict/MarkedList/scalars or raise ``error`` at ``path:line:col``."""
    builder = _Builder(path, text, error)
    try:
        try:
            node = _compose(text, _LOADER, builder)
        except yaml.YAMLError:  # PyYAML's own parser words the error better than libyaml
            node = _compose(text, yaml.SafeLoader, builder)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark else Mark(1, 1)
        raise builder.fail(where, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise builder.fail(Mark(1, 1), f"invalid YAML: {exc}") from None
    return None if node is None else builder.build(node)
