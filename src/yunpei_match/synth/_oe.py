"""The oe_numbers table: one OE number shared by the parts of each recovered application.

The generator draws parts as applications (an OE part and its aftermarket equivalents fitting
the same vehicles at the same positions) but writes no application column, so the application
of a part is recovered from the tables: parts of one category with the same set of
(vehicle, position) links. Two applications that happen to fit exactly the same vehicles merge,
which is what a cross-reference would do with parts nobody can tell apart. A set is compared by
a sum of random 64-bit words, one per (vehicle, position), over the part's distinct links:
two different sets share a sum with odds of about 2**-64 per pair.

Each group takes the number of its OE part if it has one (the OE part itself gets no row: its
own number already is that number), or else a new number in the printed format of its make's
OE brand. Some groups of three or more are linked through two numbers, an older one on some
parts and a newer one on the others with one part carrying both, as cross-references of
different brands do, so that interchange groups also arise through chains. Many parts stay
alone: a lone aftermarket part gets an OE number only sometimes; universal parts get none.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._fitted import _bincount, _codes, _column, _Links
from ._names import _BRANDS, _MAKES, _POSITIONS, _part_types
from ._parts import _part_numbers

_LONE_OE = 0.6  # chance that a part with no equivalent still names an OE number
_CHAIN = 0.15  # chance that a group of three or more is linked through two numbers
_SLOTS = 1 + len(_POSITIONS)  # no position, then each position name
_SLICE = 1 << 21  # links per slice when summing them up per part
_MAX_ROUNDS = 50  # draws of new numbers before giving up on dodging the stored ones


def _oe_numbers(
    tables: Mapping[str, pa.Table], links: _Links, rng: np.random.Generator
) -> pa.Table:
    """The ``oe_numbers`` table of a generated catalogue (see the module docstring)."""
    parts = tables["parts"]
    group, make = _groups(tables, links)
    brand = _codes(_column(parts, "brand"), pa.array([b.name for b in _BRANDS], pa.string()))
    is_oe = (brand >= 0) & (brand < len(_MAKES))  # OE brands come first in _BRANDS
    order = np.lexsort((rng.random(len(group)), ~is_oe, group))  # OE parts first in a group
    start = np.flatnonzero(np.append(True, np.diff(group[order]) != 0))
    size = np.diff(np.append(start, len(order)))
    head, group_make = order[start], make[order[start]]
    lone = (size == 1) & (rng.random(len(size)) < _LONE_OE) & ~is_oe[head]
    numbered = ((size > 1) | lone) & (group_make >= 0)
    chained = numbered & (size >= 3) & (rng.random(len(size)) < _CHAIN)
    # the chain's bridge: one part, neither first nor last, holds both numbers
    bridge = np.where(chained, 1 + (rng.random(len(size)) * (size - 2)).astype(np.int64), size)
    own = _column(parts, "part_number").cast(pa.string())
    needs_new = numbered & ~is_oe[head]
    fresh = _fresh_numbers(np.append(group_make[needs_new], group_make[chained]), own, rng)
    first = own.take(pa.array(head))
    first = pc.if_else(pa.array(needs_new), _scatter_into(fresh, needs_new, len(size)), first)
    second = _scatter_into(fresh[int(needs_new.sum()) :], chained, len(size))
    per_part = np.repeat(np.arange(len(size)), size)
    rank = np.arange(len(order)) - np.repeat(start, size)
    takes_first = numbered[per_part] & (rank <= bridge[per_part]) & ~((rank == 0) & is_oe[order])
    takes_second = chained[per_part] & (rank >= bridge[per_part])
    sides = ((takes_first, first), (takes_second, second))
    return _table(parts, order, per_part, sides, group_make)


def _table(
    parts: pa.Table,
    order: np.ndarray,
    per_part: np.ndarray,
    sides: tuple[tuple[np.ndarray, pa.Array], ...],
    group_make: np.ndarray,
) -> pa.Table:
    """Rows of the parts (in ``order``) that take their group's first or second number."""
    rows = [  # (part, number, make) of each row, first numbers then second ones
        (order[take], number.take(pa.array(per_part[take])), group_make[per_part[take]])
        for take, number in ((np.flatnonzero(t), n) for t, n in sides)
    ]
    part = np.concatenate([r[0] for r in rows])
    by_part = pa.array(np.argsort(part, kind="stable"))  # a bridge lists its first number first
    oe_brand = pa.array([m.brand for m in _MAKES], pa.string())
    return pa.table(
        {
            "part_id": _column(parts, "part_id")
            .cast(pa.string())
            .take(pa.array(part))
            .take(by_part),
            "oe_number": pa.concat_arrays([r[1] for r in rows]).take(by_part),
            "oe_brand": oe_brand.take(pa.array(np.concatenate([r[2] for r in rows]))).take(by_part),
        }
    )


def _groups(tables: Mapping[str, pa.Table], links: _Links) -> tuple[np.ndarray, np.ndarray]:
    """Group of each part (same category and same links) and the make index of each part."""
    n_parts = links.n_parts
    signature, n_links, first_vehicle = _signatures(links)
    types = _part_types()
    category = _codes(_column(tables["parts"], "category"), pa.array(types.names))
    alone = n_links == 0  # universal or unfitted: a group of its own
    signature[alone] = np.arange(n_parts, dtype=np.uint64)[alone]
    order = np.lexsort((signature, n_links, category))
    same = (
        (signature[order][1:] == signature[order][:-1])
        & (n_links[order][1:] == n_links[order][:-1])
        & (category[order][1:] == category[order][:-1])
    )
    group = np.empty(n_parts, np.int64)
    group[order] = np.cumsum(np.append(0, ~same))
    makes = _codes(_column(tables["vehicles"], "make"), pa.array([m.name for m in _MAKES]))
    make = np.full(n_parts, -1, np.int32)
    make[~alone] = makes[first_vehicle[~alone]]
    return group, make


def _signatures(links: _Links) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per part: the sum of the words of its distinct links, their count and its first vehicle.

    Parts are taken a slice of about ``_SLICE`` links at a time, so that the sort, the
    de-duplication and the sums run over small arrays that stay in memory already touched.
    """
    part, vehicle, position = links.part, links.vehicle, links.position
    if np.any(part[1:] < part[:-1]):  # generate() writes fitments part by part: rarely taken
        order = np.argsort(part, kind="stable")
        part, vehicle, position = part[order], vehicle[order], position[order]
    n_parts, n_cells = links.n_parts, links.n_vehicles * _SLOTS
    words = np.random.default_rng(0x5EED).integers(0, 2**64, n_cells, np.uint64, endpoint=False)
    bounds = np.append(0, np.cumsum(_bincount(part, n_parts)))
    signature = np.zeros(n_parts, np.uint64)
    n_links = np.zeros(n_parts, np.int64)
    first_vehicle = np.full(n_parts, -1, np.int64)
    cuts = np.unique(np.append(np.searchsorted(bounds, np.arange(0, len(part), _SLICE)), n_parts))
    for p0, p1 in itertools.pairwise(cuts):
        a, b = bounds[p0], bounds[p1]
        key = (part[a:b] - p0).astype(np.int64) * n_cells + vehicle[a:b].astype(np.int64) * _SLOTS
        key += position[a:b] + 1
        key.sort()
        key = key[np.append(True, key[1:] != key[:-1])]  # distinct links
        local, cell = np.divmod(key, n_cells)
        edges = np.append(0, np.cumsum(np.bincount(local, minlength=p1 - p0)))
        total = np.append(np.uint64(0), np.cumsum(words[cell], dtype=np.uint64))
        signature[p0:p1] = total[edges[1:]] - total[edges[:-1]]  # modulo 2**64
        n_links[p0:p1] = np.diff(edges)
        fitted = np.flatnonzero(edges[1:] > edges[:-1])
        first_vehicle[p0 + fitted] = cell[edges[fitted]] // _SLOTS
    return signature, n_links, first_vehicle


def _scatter_into(values: pa.Array, mask: np.ndarray, n: int) -> pa.Array:
    """An array of ``n`` holding ``values`` in order where ``mask`` is set, null elsewhere."""
    index = np.full(n, -1, np.int64)
    index[mask] = np.arange(int(mask.sum()))
    return values.take(pa.array(index, mask=index < 0))


def _key(numbers: pa.Array) -> pa.Array:
    """What a number index matches on: upper case, letters and digits only."""
    return pc.replace_substring_regex(pc.utf8_upper(numbers), "[^A-Z0-9]", "")


def _fresh_numbers(brand: np.ndarray, taken: pa.Array, rng: np.random.Generator) -> pa.Array:
    """A new number per entry of ``brand``, in one of its formats, clear of every stored key."""
    seen = pc.unique(_key(taken))
    pending = np.arange(len(brand))
    pieces: list[pa.Array] = []
    where: list[np.ndarray] = []
    for _ in range(_MAX_ROUNDS):
        if len(pending) == 0:
            numbers = pa.concat_arrays(pieces) if pieces else pa.array([], pa.string())
            order = np.argsort(np.concatenate(where)) if where else np.zeros(0, np.int64)
            return numbers.take(pa.array(order))
        drawn = _part_numbers(brand[pending], rng)  # distinct within each brand
        keys = _key(drawn)
        # as keys, formats of different brands may meet: keep a key's first draw only
        _, first = np.unique(keys.dictionary_encode().indices.to_numpy(), return_index=True)
        ok = np.zeros(len(pending), bool)
        ok[first] = True
        ok &= ~np.asarray(pc.is_in(keys, value_set=seen))
        pieces.append(drawn.filter(pa.array(ok)))
        where.append(pending[ok])
        seen = pa.concat_arrays([seen, keys.filter(pa.array(ok))])
        pending = pending[~ok]
    raise ValueError("no room left for new OE numbers: the scale is too large")
