"""Pure-Python twins of the stock kernels in ``_kernels.pyx``: obviously right, used by tests.

Same names, arguments and results as the compiled module. Distances are computed by haversine
for every candidate and candidates compared in km; the kernel compares squared chords, so when
two candidates are within ~1e-9 km of each other the two may pick different ones.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    lat1, lon1, lat2, lon2 = (math.radians(v) for v in (lat1, lon1, lat2, lon2))
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(a, 1.0)))


def sort_stock(
    part: np.ndarray, warehouse: np.ndarray, n_parts: int, n_warehouses: int
) -> tuple[np.ndarray, np.ndarray, int]:
    order = sorted(range(len(part)), key=lambda r: (int(part[r]), int(warehouse[r])))
    indptr = np.zeros(n_parts + 1, np.int64)
    for r in order:
        indptr[int(part[r]) + 1] += 1
    pairs = [(int(part[r]), int(warehouse[r])) for r in order]
    duplicate = next((i for i in range(1, len(pairs)) if pairs[i] == pairs[i - 1]), -1)
    return np.cumsum(indptr), np.array(order, np.int64), duplicate


class StockIndex:
    def __init__(
        self,
        stock_indptr: np.ndarray,
        stock_warehouse: np.ndarray,
        available: np.ndarray,
        warehouse_lat: np.ndarray,
        warehouse_lon: np.ndarray,
        warehouse_kind: np.ndarray,
        part_group: np.ndarray,
        group_indptr: np.ndarray,
        group_part: np.ndarray,
        warehouse_cluster: np.ndarray,
    ) -> None:
        # The clusters only let the kernel skip rows; the answers do not depend on them.
        self.stock_indptr = stock_indptr
        self.stock_warehouse = stock_warehouse
        self.available = available
        self.lat = warehouse_lat
        self.lon = warehouse_lon
        self.kind = warehouse_kind
        self.part_group = part_group
        self.group_indptr = group_indptr
        self.group_part = group_part

    def _km(self, lat: float, lon: float, w: int) -> float:
        return haversine_km(lat, lon, float(self.lat[w]), float(self.lon[w]))

    def _rows(self, p: int, qty: int, lat: float, lon: float, max_km: float) -> list[Any]:
        """(warehouse, km, row) of part ``p``'s rows holding ``qty`` within ``max_km``."""
        rows = []
        for r in range(self.stock_indptr[p], self.stock_indptr[p + 1]):
            w = int(self.stock_warehouse[r])
            km = self._km(lat, lon, w)
            if self.available[r] >= qty and km <= max_km:
                rows.append((w, km, r))
        return rows

    def _group_others(self, p: int) -> list[int]:
        g = int(self.part_group[p])
        members = self.group_part[self.group_indptr[g] : self.group_indptr[g + 1]]
        return [int(q) for q in members if q != p]

    def _tier(self, w: int, km: float, rules: int, rule_kinds: Any, rule_max_km: Any) -> int:
        for t in range(len(rule_kinds)):
            applies = (rules >> t) & 1 and (int(rule_kinds[t]) >> int(self.kind[w])) & 1
            if applies and km <= rule_max_km[t]:
                return t
        return -1

    def nearest(
        self,
        line_lat: Any,
        line_lon: Any,
        line_part: Any,
        line_qty: Any,
        line_rules: Any,
        rule_kinds: Any,
        rule_max_km: Any,
        rule_rank: Any,
        max_km: float,
        substitutes: bool,
        fastest: bool,
    ) -> tuple[np.ndarray, ...]:
        n = len(line_part)
        out = (
            np.full(n, -1, np.int32),
            np.full(n, -1, np.int32),
            np.zeros(n, np.uint8),
            np.full(n, np.nan),
            np.full(n, -1, np.int8),
        )
        grouped = substitutes and len(self.part_group) > 0
        for i in range(n):
            p, lat, lon = int(line_part[i]), float(line_lat[i]), float(line_lon[i])
            if p < 0:
                continue
            options = [(w, p, km) for w, km, _ in self._rows(p, int(line_qty[i]), lat, lon, max_km)]
            substitute = False
            if not options and grouped:
                substitute = True
                for q in self._group_others(p):
                    rows = self._rows(q, int(line_qty[i]), lat, lon, max_km)
                    options += [(w, q, km) for w, km, _ in rows]
            if not options:
                continue

            def key(option: Any, rules: int = int(line_rules[i])) -> tuple[Any, ...]:
                w, q, km = option
                tier = self._tier(w, km, rules, rule_kinds, rule_max_km)
                rank = (1 << 30 if tier < 0 else int(rule_rank[tier])) if fastest else 0
                return (rank, km, w, q)

            w, q, km = min(options, key=key)
            out[0][i], out[1][i], out[2][i], out[3][i] = w, q, substitute, km
            out[4][i] = self._tier(w, km, int(line_rules[i]), rule_kinds, rule_max_km)
        return out

    def candidates(
        self,
        line_lat: Any,
        line_lon: Any,
        line_part: Any,
        line_qty: Any,
        max_km: float,
        substitutes: bool,
    ) -> tuple[np.ndarray, ...]:
        indptr = [0]
        found: list[tuple[int, int, int, int, float]] = []
        grouped = substitutes and len(self.part_group) > 0
        for i in range(len(line_part)):
            p, lat, lon, qty = int(line_part[i]), float(line_lat[i]), float(line_lon[i]), 0
            if p >= 0:
                qty = int(line_qty[i])
                found += [(r, w, p, 0, km) for w, km, r in self._rows(p, qty, lat, lon, max_km)]
                for q in self._group_others(p) if grouped else []:
                    rows = self._rows(q, qty, lat, lon, max_km)
                    found += [(r, w, q, 1, km) for w, km, r in rows]
            indptr.append(len(found))
        columns = list(zip(*found, strict=True)) if found else [(), (), (), (), ()]
        return (
            np.array(indptr, np.int64),
            np.array(columns[0], np.int64),
            np.array(columns[1], np.int32),
            np.array(columns[2], np.int32),
            np.array(columns[3], np.uint8),
            np.array(columns[4], np.float64),
        )


def order_warehouses(
    line_indptr: np.ndarray,
    warehouse: np.ndarray,
    substitute: np.ndarray,
    km: np.ndarray,
    order_indptr: np.ndarray,
    n_warehouses: int,
) -> tuple[np.ndarray, ...]:
    indptr, word_indptr, rows, words = [0], [0], [], []
    for o in range(len(order_indptr) - 1):
        lo, hi = int(order_indptr[o]), int(order_indptr[o + 1])
        masks: dict[int, list[Any]] = {}
        for d in range(lo, hi):
            for c in range(int(line_indptr[d]), int(line_indptr[d + 1])):
                entry = masks.setdefault(int(warehouse[c]), [0, 0, float(km[c])])
                entry[0] |= 1 << (d - lo)
                entry[1] |= 0 if substitute[c] else 1 << (d - lo)
        nearest: dict[tuple[int, int], tuple[float, int]] = {}
        for w, (mask, own, distance) in masks.items():
            nearest[mask, own] = min(nearest.get((mask, own), (distance, w)), (distance, w))
        kept: list[tuple[int, int, int, float]] = []
        for (mask, own), (distance, w) in sorted(nearest.items(), key=lambda item: item[1]):
            if not any(mask & ~m == 0 and own & ~n == 0 for _, m, n, _ in kept):
                kept.append((w, mask, own, distance))
        n_words = -(-(hi - lo) // 64)
        rows += [(w, distance) for w, _, _, distance in kept]
        words += [(_words(mask, n_words), _words(own, n_words)) for _, mask, own, _ in kept]
        indptr.append(len(rows))
        word_indptr.append(word_indptr[-1] + n_words * len(kept))
    columns = list(zip(*rows, strict=True)) if rows else [(), ()]
    mask_words, own_words = ([w for pair in words for w in pair[i]] for i in (0, 1))
    return (
        np.array(indptr, np.int64),
        np.array(word_indptr, np.int64),
        np.array(columns[0], np.int32),
        np.array(mask_words, np.uint64),
        np.array(own_words, np.uint64),
        np.array(columns[1], np.float64),
    )


def cover_orders(
    indptr: np.ndarray,
    word_indptr: np.ndarray,
    warehouse: np.ndarray,
    mask: np.ndarray,
    own: np.ndarray,
    km: np.ndarray,
    order_indptr: np.ndarray,
    weight: np.ndarray,
    cap: int,
    max_nodes: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One :class:`Cover` an order, over the warehouses ``order_warehouses`` kept."""
    chosen: list[int] = []
    out_indptr, optimal = [0], []
    for o in range(len(order_indptr) - 1):
        a, b = int(indptr[o]), int(indptr[o + 1])
        n_words = -(-(int(order_indptr[o + 1]) - int(order_indptr[o])) // 64)
        first = int(word_indptr[o])
        w = [int(code) for code in warehouse[a:b]]
        masks, owns = (
            [_bit_set(words[first + n_words * i : first + n_words * (i + 1)]) for i in range(b - a)]
            for words in (mask, own)
        )
        cover = Cover(
            dict(zip(w, masks, strict=True)),
            dict(zip(w, owns, strict=True)),
            dict(zip(w, (float(x) for x in km[a:b]), strict=True)),
            [int(x) for x in weight[order_indptr[o] : order_indptr[o + 1]]],
            max_nodes,
        )
        best, proven = cover.best(cap)
        chosen += sorted(best)
        out_indptr.append(len(chosen))
        optimal.append(proven)
    return (
        np.array(out_indptr, np.int64),
        np.array(chosen, np.int32),
        np.array(optimal, np.uint8),
    )


class Cover:
    """The cover search of one order (``cover_orders``; the problem is in ``sourcing.py``).

    Warehouses and the order's demands are bit sets (Python integers, so an order may have any
    number of lines): ``masks[w]`` has bit ``i`` set when warehouse ``w`` can fill demand
    ``i``, ``own[w]`` when it has the part itself for it. :meth:`best` finds the fewest
    warehouses covering every fillable demand, then the fewest substitute lines, then the least
    total distance, by branch and bound, falling back to a greedy cover when it runs out of
    branches.

    Parameters
    ----------
    masks, own, km : dict
        Warehouse -> fill mask, own mask and distance.
    weights : list of int
        Order lines each demand stands for (lines naming one part are one demand).
    nodes : int
        Branches the exact search may take, over all cover sizes.
    """

    def __init__(
        self,
        masks: dict[int, int],
        own: dict[int, int],
        km: dict[int, float],
        weights: list[int],
        nodes: int,
    ) -> None:
        self.masks, self.own, self.km, self.nodes = masks, own, km, nodes
        self.target = 0
        for mask in masks.values():
            self.target |= mask
        self.widest = max((m.bit_count() for m in masks.values()), default=0)
        self.options: list[list[int]] = [[] for _ in range(self.target.bit_length())]
        for w in sorted(masks, key=lambda w: (km[w], w)):
            for line in set_bits(masks[w]):
                self.options[line].append(w)
        # Branch on the open demand with the fewest options, the first of them on a tie: the
        # options never change, so one order of the demands serves the whole search.
        self.branch_order = sorted(set_bits(self.target), key=lambda i: (len(self.options[i]), i))
        self.by_weight: dict[int, int] = {}  # demands standing for that many lines, as a mask
        for line, weight in enumerate(weights):
            self.by_weight[weight] = self.by_weight.get(weight, 0) | 1 << line

    def best(self, cap: int) -> tuple[set[int], bool]:
        """The warehouses of the best cover of at most ``cap``, and whether it is proven best."""
        if not self.target:
            return set(), True
        for size in range(1, min(cap, self.target.bit_count()) + 1):
            self.found: tuple[int, float, list[int]] | None = None
            if not self._search(size, [], 0, 0.0, 0):
                return self._greedy(cap), False
            if self.found is not None:
                return set(self.found[2]), True
        return self._greedy(cap), False

    def _search(self, size: int, chosen: list[int], covered: int, km: float, at: int) -> bool:
        """Depth-first search for covers of ``size``; False when the node budget runs out.

        The demands before ``branch_order[at]`` are all covered by ``chosen``."""
        self.nodes -= 1
        if self.nodes < 0:
            return False
        if covered == self.target:
            self._record(chosen, km)
            return True
        open_lines = self.target & ~covered
        if open_lines.bit_count() > (size - len(chosen)) * self.widest:
            return True
        while covered >> self.branch_order[at] & 1:
            at += 1
        for w in self.options[self.branch_order[at]]:
            total = km + self.km[w]
            if self.found is not None and self.found[0] == 0 and total > self.found[1]:
                break  # no substitutes to save, and the options only get farther
            if not self._search(size, [*chosen, w], covered | self.masks[w], total, at + 1):
                return False
        return True

    def _record(self, chosen: list[int], km: float) -> None:
        own = 0
        for w in chosen:
            own |= self.own[w]
        as_substitute = self.target & ~own
        substitutes = sum(
            weight * (as_substitute & mask).bit_count() for weight, mask in self.by_weight.items()
        )
        key = (substitutes, km, sorted(chosen))
        if self.found is None or key < self.found:
            self.found = key

    def _greedy(self, cap: int) -> set[int]:
        chosen: set[int] = set()
        covered = 0
        while covered != self.target and len(chosen) < cap:
            w = max(
                self.masks,
                key=lambda w: ((self.masks[w] & ~covered).bit_count(), -self.km[w], -w),
            )
            chosen.add(w)
            covered |= self.masks[w]
        return chosen


def set_bits(mask: int) -> list[int]:
    """Positions of the bits set in ``mask``, lowest first."""
    return [i for i, bit in enumerate(reversed(f"{mask:b}")) if bit == "1"] if mask else []


def assign_orders(
    line_indptr: np.ndarray,
    own_end: np.ndarray,
    row: np.ndarray,
    warehouse: np.ndarray,
    part: np.ndarray,
    substitute: np.ndarray,
    km: np.ndarray,
    qty: np.ndarray,
    available: np.ndarray,
    order_indptr: np.ndarray,
    chosen_indptr: np.ndarray,
    chosen: np.ndarray,
    optimal: np.ndarray,
    cap: int,
    n_warehouses: int,
) -> tuple[np.ndarray, np.ndarray]:
    choice = np.full(len(qty), -1, np.int64)
    out_optimal = np.zeros(len(order_indptr) - 1, np.uint8)

    def pick(d: int, candidates: range, ships: set[int], taken: dict[int, int], add: bool) -> int:
        best, best_key = -1, None
        for c in candidates:
            r, new = int(row[c]), int(warehouse[c]) not in ships
            if (new and not add) or int(available[r]) - taken.get(r, 0) < int(qty[d]):
                continue
            key = (new, int(substitute[c]), float(km[c]), int(warehouse[c]), int(part[c]))
            if best_key is None or key < best_key:
                best, best_key = c, key
        if best >= 0:
            taken[int(row[best])] = taken.get(int(row[best]), 0) + int(qty[d])
        return best

    for o in range(len(order_indptr) - 1):
        ships = {int(w) for w in chosen[chosen_indptr[o] : chosen_indptr[o + 1]]}
        demands = range(int(order_indptr[o]), int(order_indptr[o + 1]))
        own = {d: range(int(line_indptr[d]), int(own_end[d])) for d in demands}
        others = {d: range(int(own_end[d]), int(line_indptr[d + 1])) for d in demands}
        every = {d: range(int(line_indptr[d]), int(line_indptr[d + 1])) for d in demands}
        taken: dict[int, int] = {}
        for candidates in (own, others):
            for d in demands:
                if choice[d] < 0:
                    choice[d] = pick(d, candidates[d], ships, taken, add=False)
        planned = True
        for d in demands:
            if choice[d] < 0 and any(int(warehouse[c]) in ships for c in every[d]):
                planned = False
                choice[d] = pick(d, every[d], ships, taken, add=len(ships) < cap)
                if choice[d] >= 0:
                    ships.add(int(warehouse[choice[d]]))
        out_optimal[o] = bool(optimal[o]) and planned
    return choice, out_optimal


def _bit_set(words: np.ndarray) -> int:
    """64-bit words, lowest first, as one Python integer."""
    return sum(int(word) << (64 * k) for k, word in enumerate(words))


def _words(mask: int, n_words: int) -> list[int]:
    """A bit set as ``n_words`` 64-bit words, lowest first."""
    return [(mask >> (64 * k)) & (2**64 - 1) for k in range(n_words)]
