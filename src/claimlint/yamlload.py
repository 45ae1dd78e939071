"""Load YAML safely, keep line/column marks, and reject duplicate keys."""

from __future__ import annotations

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


def load_yaml(text: str, path: str, error: type[SourceError] = SourceError) -> Any:
    """Parse ``text`` into MarkedDict/MarkedList/scalars or raise ``error`` at ``path:line:col``."""
    builder = _Builder(path, text, error)
    try:
        try:
            node = yaml.compose(text, Loader=_LOADER)
        except yaml.YAMLError:  # PyYAML's own parser words the error better than libyaml
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark else Mark(1, 1)
        raise builder.fail(where, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise builder.fail(Mark(1, 1), f"invalid YAML: {exc}") from None
    return None if node is None else builder.build(node)
