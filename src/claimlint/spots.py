"""Point config errors at the key, value or list item at fault: ``path:line:col``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .yamlload import Mark, MarkedDict, MarkedList


@dataclass(frozen=True, slots=True)
class Spot:
    """Where a value stands in a config file, to point an error at it."""

    path: str
    line: int
    column: int
    source_line: str = ""

    def error(self, message: str) -> ConfigError:
        """Return the ConfigError to raise for this value."""
        return ConfigError(self.path, self.line, self.column, message, self.source_line)


class Where:
    """Locates keys, values and list items of a config file for error messages.

    YAML keeps every position; TOML keeps none, so a key is searched for from the line
    of what holds it (after ``[tool.claimlint]``), and a value is what follows its ``=``.
    """

    def __init__(self, path: Path, text: str, start: int = 1):
        self.path, self.lines, self.start = path, text.splitlines(), start

    def key(self, node: Any, key: str, near: Mark | None = None) -> Mark:
        """Where ``key`` of the mapping ``node`` stands."""
        if isinstance(node, MarkedDict) and key in node.key_marks:
            return node.key_marks[key]
        quoted = re.escape(key)
        pattern = rf"(?:^|[\s{{,.])(?P<at>(?:{quoted}|\"{quoted}\"|'{quoted}')\s*=)"
        return self._search(pattern, near) or near or Mark(self.start, 1)

    def value(self, node: Any, key: str, near: Mark | None = None) -> Mark:
        """Where the value of ``key`` in the mapping ``node`` starts."""
        if isinstance(node, MarkedDict) and key in node.value_marks:
            return node.value_marks[key]
        at = self.key(node, key, near)
        line = self.lines[at.line - 1] if 0 < at.line <= len(self.lines) else ""
        equals = line.find("=", at.column - 1)
        if equals < 0:
            return at
        rest = line[equals + 1:]
        return Mark(at.line, equals + 2 + len(rest) - len(rest.lstrip()))

    def item(self, node: Any, index: int, near: Mark) -> Mark:
        """Where item ``index`` of the list ``node`` stands; in TOML, the first such text
        from ``near`` on (the previous item's place: one pass over a long list)."""
        if isinstance(node, MarkedList):
            return node.item_marks[index]
        if isinstance(node, list) and isinstance(node[index], str):
            text = re.escape(node[index])
            return self._search(rf"(?P<at>\"{text}\"|'{text}')", near) or near
        return near

    def _search(self, pattern: str, near: Mark | None) -> Mark | None:
        first = near or Mark(self.start, 1)
        for n in range(first.line, len(self.lines) + 1):
            begin = first.column - 1 if n == first.line else 0
            m = re.search(pattern, self.lines[n - 1][begin:])
            if m:
                return Mark(n, begin + m.start("at") + 1)
        return None

    def fail(self, mark: Mark, message: str) -> ConfigError:
        """Return the error to raise at ``mark``, quoting its line."""
        return self.spot(mark).error(message)

    def spot(self, mark: Mark) -> Spot:
        """Return ``mark`` in this file, with its line for quoting."""
        line = self.lines[mark.line - 1] if 0 < mark.line <= len(self.lines) else ""
        return Spot(str(self.path), mark.line, mark.column, line if len(line) <= 200 else "")
