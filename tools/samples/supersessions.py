"""Supersession chains: an old part number replaced by a newer one of the same brand.

From ``sample_data/supersessions.tsv``: one row per chain, its numbers oldest first; each pair of
neighbours is one ``old -> new`` row. The newest number of every chain must be in the catalogue
(a part's own number or an OE number of ``oe_numbers``); an older number may be missing from the
catalogue (known only through the supersession) or, if present, must belong to the same part as
the newest. A number superseded twice, or a cycle, is an error in the data.
"""

from __future__ import annotations

from itertools import pairwise

import pyarrow as pa

from .data import comma_list, read_table
from .oe import number_key

CHAINS = tuple((row["brand"], comma_list(row["chain"])) for row in read_table("supersessions"))
SUPERSESSION_SCHEMA = pa.schema(
    [
        ("old_number", pa.string()),
        ("new_number", pa.string()),
        ("brand", pa.string()),
    ]
)


def supersession_rows() -> list[dict[str, str]]:
    rows = []
    for brand, chain in CHAINS:
        if len(chain) < 2:
            raise ValueError(f"supersession chain {chain} of {brand} has no step")
        for old, new in pairwise(chain):
            rows.append({"old_number": old, "new_number": new, "brand": brand})
    return rows


def newest(rows: list[dict[str, str]]) -> dict[str, str]:
    """Normalised number -> the normalised newest number of its chain; raises on a cycle."""
    step: dict[str, str] = {}
    for row in rows:
        old = number_key(row["old_number"])
        if old in step:
            raise ValueError(f"{row['old_number']} is superseded twice")
        step[old] = number_key(row["new_number"])
    latest = {}
    for start in step:
        seen, number = [start], step[start]
        while number in step:
            if number in seen:
                raise ValueError(f"supersession cycle: {' -> '.join([*seen, number])}")
            seen.append(number)
            number = step[number]
        latest[start] = number
    return latest


def parts_by_number(parts: list[dict], oe_rows: list[dict[str, str]]) -> dict[str, set[str]]:
    """Normalised number -> ids of the parts that carry it (own or OE number)."""
    owners: dict[str, set[str]] = {}
    for row in parts:
        owners.setdefault(number_key(row["part_number"]), set()).add(row["part_id"])
    for row in oe_rows:
        owners.setdefault(number_key(row["oe_number"]), set()).add(row["part_id"])
    return owners


def check_supersessions(
    rows: list[dict[str, str]], parts: list[dict], oe_rows: list[dict[str, str]]
) -> None:
    """Newest numbers exist; old numbers are unknown or carried by the newest number's parts."""
    owners = parts_by_number(parts, oe_rows)
    for old, new in newest(rows).items():
        if new not in owners:
            raise ValueError(f"{new}, the newest number of a chain, is not in the sample")
        if old in owners and not owners[old] <= owners[new]:
            raise ValueError(f"{old} belongs to other parts than its successor {new}")


def supersessions_table(rows: list[dict[str, str]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SUPERSESSION_SCHEMA)
