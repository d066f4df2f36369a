"""Seeded part-number data: an ``oe_numbers`` table, noisy typed numbers and typo queries.

Shared by the side-by-side workloads (``part_numbers``) and the pytest-benchmark suite
``benchmarks/test_bench_numbers.py``, so that both time the same shapes of input.

OE numbers are drawn in the printed formats of the carmakers' own numbers (``yunpei_match.synth``
keeps one to three formats per make: Toyota ``#####-*****``, BMW ``## ## # ### ###``, ...), one
for every third part of the catalogue, each tied to a random part. Typed numbers are stored
numbers (parts' own and OE) the way people type them: as printed, in lower case, with their
spaces and dashes dropped, with a separator added, or full-width from a Chinese input method; a
tenth are numbers nobody stores (same formats, other draws). Typo queries are stored keys with
one random edit: a substitution, insertion, deletion or transposition of neighbours.

Nothing here uses the library's normaliser: :func:`python_key` is a plain-Python one, and the
catalogue's answers are checked against it by the workloads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

import yunpei_match
from yunpei_match.synth._names import _BRANDS, _MAKES
from yunpei_match.synth._parts import _render

OE_PER_PART = 1 / 3
UNKNOWN_SHARE = 0.1
KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# What a Chinese input method types: ASCII ! .. ~ as U+FF01 .. U+FF5E, the space as U+3000.
FULL_WIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)} | {0x20: 0x3000}
FOLD = {v: k for k, v in FULL_WIDTH.items()}
NOT_KEY = re.compile("[^A-Z0-9]")
TYPING = ("as printed", "lower case", "separators dropped", "separator added", "full width")


def python_key(number: str) -> str:
    """The match key of a number in plain Python: full-width folded, upper case, A-Z0-9 kept."""
    return NOT_KEY.sub("", number.translate(FOLD).upper())


def oe_number_strings(n: int, rng: np.random.Generator) -> tuple[pa.Array, pa.Array]:
    """``n`` numbers in the carmakers' printed formats, and the brand of each."""
    brand = rng.integers(0, len(_MAKES), n)
    which = (rng.random(n) * np.array([len(_BRANDS[b].formats) for b in brand])).astype(int)
    numbers = np.empty(n, object)
    for b, f in sorted(set(zip(brand.tolist(), which.tolist(), strict=True))):
        rows = np.flatnonzero((brand == b) & (which == f))
        numbers[rows] = _render(_BRANDS[b], f, len(rows), rng).to_pylist()
    brands = pa.array([m.brand for m in _MAKES], pa.string()).take(pa.array(brand))
    return pa.array(numbers.tolist(), pa.string()), brands


def oe_numbers_table(parts: pa.Table, seed: int) -> pa.Table:
    """An ``oe_numbers`` table: one OE number for every third part, tied to random parts."""
    rng = np.random.default_rng(seed + 10)
    n = round(parts.num_rows * OE_PER_PART)
    numbers, brands = oe_number_strings(n, rng)
    part = rng.integers(0, parts.num_rows, n)
    part_ids = parts.column("part_id").combine_chunks().take(pa.array(part))
    return pa.table({"part_id": part_ids, "oe_number": numbers, "oe_brand": brands})


def number_catalog(tables: dict[str, pa.Table], oe_numbers: pa.Table) -> yunpei_match.Catalog:
    """A catalogue of the vehicles and parts with the OE numbers; no fitments, no supersessions."""
    return yunpei_match.Catalog.from_tables(
        vehicles=tables["vehicles"], parts=tables["parts"], oe_numbers=oe_numbers
    )


def stored_numbers(parts: pa.Table, oe_numbers: pa.Table) -> pa.Array:
    """Every number as printed: the parts' own numbers, then the OE numbers."""
    own = parts.column("part_number").combine_chunks().cast(pa.string())
    return pa.concat_arrays([own, oe_numbers.column("oe_number").combine_chunks()])


def typed(number: str, how: int, at: int) -> str:
    """``number`` typed in manner ``TYPING[how]``; ``at`` places an added separator."""
    if how == 1:
        return number.lower()
    if how == 2:
        return number.replace(" ", "").replace("-", "")
    if how == 3:
        cut = at % (len(number) + 1)
        return number[:cut] + "- "[at % 2] + number[cut:]
    if how == 4:
        return number.translate(FULL_WIDTH)
    return number


def typed_numbers(stored: pa.Array, n: int, seed: int) -> pa.Array:
    """``n`` queries: stored numbers typed in the manners of ``TYPING``, a tenth unknown."""
    rng = np.random.default_rng(seed + 11)
    n_unknown = round(n * UNKNOWN_SHARE)
    known = stored.take(pa.array(rng.integers(0, len(stored), n - n_unknown))).to_pylist()
    unknown = oe_number_strings(n_unknown, np.random.default_rng(seed + 12))[0].to_pylist()
    numbers = known + unknown
    order = rng.permutation(n)
    how = rng.integers(0, len(TYPING), n).tolist()
    at = rng.integers(0, 1 << 20, n).tolist()
    return pa.array(
        [typed(numbers[i], h, a) for i, h, a in zip(order.tolist(), how, at, strict=True)],
        pa.string(),
    )


def one_edit(key: str, kind: int, at: int, char: str) -> str:
    """``key`` with one substitution (0), insertion (1), deletion (2) or transposition (3)."""
    at %= len(key)
    if kind == 0:
        return key[:at] + char + key[at + 1 :]
    if kind == 1:
        return key[:at] + char + key[at:]
    if kind == 2 or at == len(key) - 1:
        return key[:at] + key[at + 1 :]
    return key[:at] + key[at + 1] + key[at] + key[at + 2 :]


def typo_queries(stored: pa.Array, n: int, seed: int) -> list[str]:
    """``n`` stored keys with one random edit each: what a slip of a key makes of them."""
    rng = np.random.default_rng(seed + 13)
    picked = stored.take(pa.array(rng.integers(0, len(stored), n))).to_pylist()
    kinds = rng.integers(0, 4, n).tolist()
    at = rng.integers(0, 1 << 20, n).tolist()
    chars = rng.choice(list(KEY_ALPHABET), n).tolist()
    return [
        one_edit(python_key(number), *edit)
        for number, *edit in zip(picked, kinds, at, chars, strict=True)
    ]


@dataclass(frozen=True)
class NumberData:
    """The number catalogue, every stored number as printed, and the two query sets."""

    catalog: yunpei_match.Catalog
    stored: pa.Array
    stored_part: np.ndarray  # part code of each stored number
    typed: pa.Array
    typos: list[str]


def make_number_data(
    tables: dict[str, pa.Table], seed: int, n_typed: int, n_typos: int
) -> NumberData:
    oe_numbers = oe_numbers_table(tables["parts"], seed)
    catalog = number_catalog(tables, oe_numbers)
    stored = stored_numbers(tables["parts"], oe_numbers)
    part_ids = pa.concat_arrays(
        [
            tables["parts"].column("part_id").combine_chunks(),
            oe_numbers.column("part_id").combine_chunks(),
        ]
    )
    return NumberData(
        catalog=catalog,
        stored=stored,
        stored_part=catalog.part_ids.codes(part_ids),
        typed=typed_numbers(stored, n_typed, seed),
        typos=typo_queries(stored, n_typos, seed),
    )
