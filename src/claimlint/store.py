"""A run's findings, kept in memory up to a limit and spilled to a temporary file beyond it."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, overload

from .findings import Finding

# About 1 KB a finding: the first 25,000 stay in memory (a site of a thousand pages
# never touches the disk), the rest go to disk in pickled batches, so a run's memory
# stays flat however large the site (issue 13: < 300 MB at 50,000 pages).
IN_MEMORY = 25_000
BATCH = 5_000


class FindingStore(Sequence[Finding]):
    """An append-only sequence of findings whose memory use stops growing at ``in_memory``."""

    def __init__(self, in_memory: int = IN_MEMORY, batch: int = BATCH):
        self._in_memory, self._batch = in_memory, batch
        self._head: list[Finding] = []  # the first ``in_memory`` findings
        self._tail: list[Finding] = []  # findings past those, not yet written
        self._spilled: list[tuple[int, int]] = []  # (file offset, count) of each batch
        self._file: IO[bytes] | None = None
        self._size = 0

    def extend(self, findings: Iterable[Finding]) -> None:
        """Append findings in order."""
        for f in findings:
            if len(self._head) < self._in_memory:
                self._head.append(f)
            else:
                self._tail.append(f)
                if len(self._tail) >= self._batch:
                    self._spill()
            self._size += 1

    def _spill(self) -> None:
        if self._file is None:  # lives as long as the store; deleted when it is closed
            self._file = tempfile.TemporaryFile(prefix="claimlint-findings-")  # noqa: SIM115
        self._file.seek(0, 2)
        self._spilled.append((self._file.tell(), len(self._tail)))
        pickle.dump(self._tail, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._tail = []

    def _load(self, offset: int) -> list[Finding]:
        assert self._file is not None
        self._file.seek(offset)
        batch: list[Finding] = pickle.load(self._file)
        return batch

    def frozen(self) -> Sequence[Finding]:
        """Return the findings as a tuple when they all fit in memory, else this store."""
        return tuple(self._head) if not self._spilled and not self._tail else self

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Finding]:
        yield from self._head
        for offset, _ in self._spilled:
            yield from self._load(offset)
        yield from self._tail

    @overload
    def __getitem__(self, index: int) -> Finding: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Finding]: ...

    def __getitem__(self, index: int | slice) -> Finding | Sequence[Finding]:
        if isinstance(index, slice):
            return tuple(self)[index]
        n = index + self._size if index < 0 else index
        if not 0 <= n < self._size:
            raise IndexError("finding index out of range")
        if n < len(self._head):
            return self._head[n]
        n -= len(self._head)
        for offset, count in self._spilled:
            if n < count:
                return self._load(offset)[n]
            n -= count
        return self._tail[n]
