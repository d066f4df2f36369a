"""The cover search of one order (see :mod:`yunpei_match.sourcing` for the problem).

Warehouses and the order's demands are bit sets: ``masks[w]`` has a bit per demand warehouse
``w`` can fill, ``own[w]`` per demand it has the part itself for. :class:`Cover` finds the
fewest warehouses covering every fillable demand, then the fewest substitute lines, then the
least total distance, by branch and bound, falling back to a greedy cover when it runs out of
branches; :func:`undominated` drops the warehouses a nearer one makes redundant.
"""

from __future__ import annotations

__all__ = ["Cover", "bits", "undominated"]


class Cover:
    """Exact cover by branch and bound (see the module docstring), greedy when too long."""

    def __init__(
        self,
        masks: dict[int, int],
        own: dict[int, int],
        km: dict[int, float],
        weights: dict[int, int],
        nodes: int,
    ) -> None:
        self.masks, self.own, self.km, self.nodes = masks, own, km, nodes
        self.weights = weights  # demand bit -> order lines it stands for
        self.target = 0
        for mask in masks.values():
            self.target |= mask
        self.widest = max((m.bit_count() for m in masks.values()), default=0)
        self.options: dict[int, list[int]] = {}
        for w in sorted(masks, key=lambda w: (km[w], w)):
            for bit in bits(masks[w]):
                self.options.setdefault(bit, []).append(w)

    def best(self, cap: int) -> tuple[set[int], bool]:
        if not self.target:
            return set(), True
        for size in range(1, min(cap, self.target.bit_count()) + 1):
            self.found: tuple[int, float, list[int]] | None = None
            if not self._search(size, [], 0, 0.0):
                return self._greedy(cap), False
            if self.found is not None:
                return set(self.found[2]), True
        return self._greedy(cap), False

    def _search(self, size: int, chosen: list[int], covered: int, km: float) -> bool:
        """Depth-first search for covers of ``size``; False when the node budget runs out."""
        self.nodes -= 1
        if self.nodes < 0:
            return False
        if covered == self.target:
            self._record(chosen, km)
            return True
        open_lines = self.target & ~covered
        if open_lines.bit_count() > (size - len(chosen)) * self.widest:
            return True
        line = min(bits(open_lines), key=lambda bit: len(self.options[bit]))
        for w in self.options[line]:
            total = km + self.km[w]
            if self.found is not None and self.found[0] == 0 and total > self.found[1]:
                break  # no substitutes to save, and the options only get farther
            if not self._search(size, [*chosen, w], covered | self.masks[w], total):
                return False
        return True

    def _record(self, chosen: list[int], km: float) -> None:
        own = 0
        for w in chosen:
            own |= self.own[w]
        substitutes = sum(self.weights[bit] for bit in bits(self.target & ~own))
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


def undominated(masks: dict[int, int], own: dict[int, int], km: dict[int, float]) -> list[int]:
    """The warehouses no nearer one makes redundant, nearest first.

    A warehouse is dominated when a nearer one (or an equally near one with a lower code) can
    fill every line it can, and has the part itself for every line it has. Swapping it for
    that one never costs a shipment, a substitute or a kilometre, so an optimal cover exists
    without it; popular parts sit in hundreds of warehouses, few of which survive.
    """
    nearest: dict[tuple[int, int], int] = {}  # most warehouses share their masks with many
    for w, mask in masks.items():
        key = (mask, own[w])
        other = nearest.get(key)
        if other is None or (km[w], w) < (km[other], other):
            nearest[key] = w
    kept: list[int] = []
    for w in sorted(nearest.values(), key=lambda w: (km[w], w)):
        mask, mine = masks[w], own[w]
        if not any(mask & ~masks[k] == 0 and mine & ~own[k] == 0 for k in kept):
            kept.append(w)
    return kept


def bits(mask: int) -> list[int]:
    bits = []
    while mask:
        bit = mask & -mask
        bits.append(bit)
        mask ^= bit
    return bits
