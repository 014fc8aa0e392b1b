"""An in-memory index of fingerprints, searched with numpy: XOR and popcount over every stored
picture at once, a few milliseconds for 100,000 items (``scripts/bench_media_index.py``).

A linear scan is exact, needs no tuning and is fast enough at a newsroom's scale; a
metric tree or LSH would only pay off in the millions. The ranking is exactly that of
``hashing.distance`` (``brute_force_search`` is the reference the tests compare with).

Each item (a stored photo or video) has one picture or several (a video's keyframes); its
distance is that of its closest picture. ``add`` sets an item's fingerprints like
``items[item_id] = prints``; ``add_many`` appends database rows like
``items[item_id].append((kind, value))``, so a kind the item's last picture already has
starts its next picture (rows must come in the order they were written, e.g. by id).

Writes must not run concurrently (callers hold a lock); a search running during a write
sees the index as it was before it.
"""

from collections.abc import Iterable, Set
from typing import NamedTuple

import numpy as np

from factcheck.media.hashing import FAMILIES, INCOMPARABLE, KINDS, VIEW_PAIRS, distance, split_sets

_COLUMN = {kind: column for column, kind in enumerate(KINDS)}
_MASK = (1 << 64) - 1
_VIEW_COLUMNS = {view: [_COLUMN[family + view] for family in FAMILIES] for pair in VIEW_PAIRS for view in pair}
_FULL = {view: sum(1 << column for column in columns) for view, columns in _VIEW_COLUMNS.items()}


def _popcount(values: np.ndarray) -> np.ndarray:
    if hasattr(np, "bitwise_count"):  # numpy >= 2.0
        return np.bitwise_count(values)
    table = np.array([bin(byte).count("1") for byte in range(256)], dtype=np.uint8)
    return table[values.view(np.uint8).reshape(-1, 8)].sum(axis=1, dtype=np.uint8)


class _Table(NamedTuple):
    """The rows, swapped in as one object so that a search never sees half of a write."""

    values: np.ndarray  # (len(KINDS), capacity) uint64: one column per kind
    present: np.ndarray  # uint8 per row: bit c set when kind KINDS[c] is there
    owner: np.ndarray  # int64 item id per row
    alive: np.ndarray  # bool per row: False once its item is removed
    size: int  # rows in use


def _table(capacity: int) -> _Table:
    return _Table(
        np.zeros((len(KINDS), capacity), np.uint64), np.zeros(capacity, np.uint8), np.zeros(capacity, np.int64),
        np.zeros(capacity, bool), 0,
    )  # fmt: skip


class FingerprintIndex:
    """Pictures as rows (see the module's docstring); ``len()`` counts items."""

    def __init__(self) -> None:
        self._table = _table(0)
        self._rows: dict[int, list[int]] = {}  # item -> its rows
        self._dead = 0

    def __len__(self) -> int:
        return len(self._rows)

    def _reserve(self, needed: int) -> _Table:
        old = self._table
        if needed <= old.owner.shape[0]:
            return old
        new = _table(max(needed, 2 * old.owner.shape[0], 1024))
        n = old.size
        new.values[:, :n], new.present[:n], new.owner[:n], new.alive[:n] = (
            old.values[:, :n], old.present[:n], old.owner[:n], old.alive[:n],
        )  # fmt: skip
        return new._replace(size=n)

    def add(self, item_id: int, prints: list[tuple[str, int]]) -> None:
        """Set an item's fingerprints, replacing any it had: one picture, or several in a row."""
        self.remove(item_id)
        self.add_many((item_id, kind, value) for kind, value in prints)

    def add_many(self, rows: Iterable[tuple[int, str, int]]) -> None:
        """Append (item_id, kind, value) rows, straight from a database query ordered by id."""
        cells: list[tuple[int, int, int]] = []  # (row, column, unsigned value)
        new_rows: list[tuple[int, int]] = []  # (row, item)
        last: dict[int, tuple[int, int]] = {}  # item -> (row, kinds mask) of its last picture
        next_row = self._table.size
        for item_id, kind, value in rows:
            column = _COLUMN.get(kind)
            if column is None:
                continue  # a kind this version does not compare (hashing.split_sets skips it too)
            item = int(item_id)
            current = last.get(item)
            if current is None and item in self._rows:
                row = self._rows[item][-1]
                current = (row, int(self._table.present[row]))
            if current is None or current[1] >> column & 1:
                current = (next_row, 0)
                new_rows.append((next_row, item))
                next_row += 1
            last[item] = (current[0], current[1] | 1 << column)
            cells.append((current[0], column, int(value) & _MASK))
        if not cells:
            return
        table = self._reserve(next_row)
        for row, item in new_rows:
            table.owner[row], table.alive[row] = item, True
        rows_part, columns_part, values_part = zip(*cells, strict=True)
        rows_at, columns = np.array(rows_part, dtype=np.int64), np.array(columns_part, dtype=np.int64)
        table.values[columns, rows_at] = np.array(values_part, dtype=np.uint64)
        np.bitwise_or.at(table.present, rows_at, (1 << columns).astype(np.uint8))
        self._table = table._replace(size=next_row)
        for row, item in new_rows:
            self._rows.setdefault(item, []).append(row)

    def remove(self, item_id: int) -> None:
        """Forget an item; its rows are skipped at once and dropped at the next compaction."""
        rows = self._rows.pop(int(item_id), None)
        if rows:
            self._table.alive[rows] = False
            self._dead += len(rows)
            if self._dead > max(1024, self._table.size // 2):
                self._compact()

    def _compact(self) -> None:
        old = self._table
        keep = np.flatnonzero(old.alive[: old.size])
        self._table = _Table(
            np.ascontiguousarray(old.values[:, keep]), old.present[keep], old.owner[keep],
            np.ones(keep.shape[0], dtype=bool), int(keep.shape[0]),
        )  # fmt: skip
        self._dead = 0
        self._rows = {}
        for row, item in enumerate(self._table.owner.tolist()):
            self._rows.setdefault(item, []).append(row)

    @staticmethod
    def _row_distances(table: _Table, prints: list[tuple[str, int]]) -> np.ndarray:
        size, values, present = table.size, table.values, table.present
        best = np.full(size, INCOMPARABLE, dtype=np.uint8)
        for picture in split_sets(prints):
            for view_a, view_b in VIEW_PAIRS:
                kinds_a = [family + view_a for family in FAMILIES]
                if not all(kind in picture for kind in kinds_a):
                    continue
                total = np.zeros(size, dtype=np.uint8)
                for kind, column in zip(kinds_a, _VIEW_COLUMNS[view_b], strict=True):
                    total += _popcount(values[column, :size] ^ np.uint64(picture[kind] & _MASK))
                complete = (present[:size] & _FULL[view_b]) == _FULL[view_b]
                np.minimum(best, np.where(complete, total, INCOMPARABLE).astype(np.uint8), out=best)
        return best

    def search(
        self,
        prints: list[tuple[str, int]],
        *,
        limit: int = 10,
        max_distance: int | None = None,
        exclude: Set[int] = frozenset(),
    ) -> list[tuple[int, int]]:
        """(item_id, distance) of the closest items, by distance then id; at most ``limit``."""
        if limit <= 0 or not self._rows:
            return []
        table = self._table
        distances = self._row_distances(table, prints)
        owner = table.owner[: table.size]
        ceiling = INCOMPARABLE - 1 if max_distance is None else min(max_distance, INCOMPARABLE - 1)
        usable = table.alive[: table.size] & (distances <= ceiling)
        if exclude:
            usable &= ~np.isin(owner, np.fromiter(exclude, dtype=np.int64))
        rows = np.flatnonzero(usable)
        found: list[tuple[int, int]] = []
        take = limit
        while True:  # the closest rows first; an item with several pictures may hold several of them
            if rows.shape[0] > take:
                cutoff = np.partition(distances[rows], take - 1)[take - 1]
                chosen = rows[distances[rows] <= cutoff]
            else:
                chosen = rows
            order = chosen[np.lexsort((owner[chosen], distances[chosen]))]
            _, first = np.unique(owner[order], return_index=True)
            picked = order[np.sort(first)]
            found = [(int(owner[row]), int(distances[row])) for row in picked[:limit]]
            if len(found) >= limit or chosen.shape[0] == rows.shape[0]:
                return found
            take *= 2


def brute_force_search(
    items: dict[int, list[tuple[str, int]]],
    prints: list[tuple[str, int]],
    *,
    limit: int = 10,
    max_distance: int | None = None,
    exclude: Set[int] = frozenset(),
) -> list[tuple[int, int]]:
    """The obviously correct reference: ``hashing.distance`` to every item, sorted."""
    scored = [
        (distance(prints, item_prints), item_id) for item_id, item_prints in items.items() if item_id not in exclude
    ]
    kept = [(d, item_id) for d, item_id in scored if d < INCOMPARABLE and (max_distance is None or d <= max_distance)]
    return [(item_id, d) for d, item_id in sorted(kept)[:limit]]
