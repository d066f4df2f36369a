"""The cover search of one order (see :mod:`yunpei_match.stock.sourcing` for the problem).

Warehouses and the order's demands are bit sets (Python integers, so an order may have any
number of lines): ``masks[w]`` has bit ``i`` set when warehouse ``w`` can fill demand ``i``,
``own[w]`` when it has the part itself for it. :class:`Cover` finds the fewest warehouses
covering every fillable demand, then the fewest substitute lines, then the least total
distance, by branch and bound, falling back to a greedy cover when it runs out of branches.
The warehouses a nearer one makes redundant are left out before (``order_warehouses``).
"""

from __future__ import annotations

__all__ = ["Cover", "set_bits"]


class Cover:
    """Exact cover by branch and bound (see the module docstring), greedy when too long.

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
