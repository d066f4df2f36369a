"""OE numbers: the OE number(s) each part replaces, from the cross-references the catalogue implies.

A group of interchangeable parts (one ``Catalogue.group`` call: the OE part of a make and its
aftermarket equivalents, fitting the same vehicles) gives the cross-references:

* an OE part lists its own number, and the alternative numbers of ``oe_aliases.tsv``;
* an aftermarket part lists every number of the OE part(s) of its group. An aftermarket part
  made once for several groups (an NGK plug code given to several engine families, a BMW coil
  shared by two engines) lists the OE numbers of all of them, which joins their groups;
* in the categories of ``oe_by_size.tsv`` (belts, wiper blades) the aftermarket parts are
  grouped by size across makes, apart from the OE parts: an aftermarket part lists the numbers
  of every OE part whose fitment (vehicle and position) lies within its own.

``oe_spellings.tsv`` gives a few aftermarket parts that print an OE number their own way
(without spaces, in lower case, in full-width characters), as cross-reference feeds do.
Fluids, tyres, batteries, bulbs and clutch kits are not cross-referenced: they list no OE number
unless they are OE parts themselves.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import pyarrow as pa

from .brands import OE_BRANDS
from .catalogue import Catalogue, PartGroup
from .data import keyed, read_table

OE_BRAND_NAMES = frozenset(OE_BRANDS.values())
# (OE brand, number as the part prints it) -> alternative OE numbers of the same part
ALIASES: dict[tuple[str, str], list[str]] = {}
for _row in read_table("oe_aliases"):
    ALIASES.setdefault((_row["brand"], _row["number"]), []).append(_row["alias"])
BY_SIZE = frozenset(row["category"] for row in read_table("oe_by_size"))
# (aftermarket brand, OE number as printed) -> how that brand writes it
SPELLINGS = keyed(
    ((row["brand"], row["oe_number"]), row["written"]) for row in read_table("oe_spellings")
)

OE_SCHEMA = pa.schema(
    [
        ("part_id", pa.string()),
        ("oe_number", pa.string()),
        ("oe_brand", pa.string()),
    ]
)


def number_key(number: str) -> str:
    """Full-width to ASCII, upper case, letters and digits only: how numbers are compared."""
    folded = unicodedata.normalize("NFKC", number).upper()
    return "".join(char for char in folded if char.isascii() and char.isalnum())


class OeIndex:
    """The parts of the catalogue by id, and each group's OE part ids."""

    def __init__(self, cat: Catalogue) -> None:
        self.parts = {row["part_id"]: row for row in cat.parts}
        self.groups = cat.groups

    def is_oe(self, part_id: str) -> bool:
        return self.parts[part_id]["brand"] in OE_BRAND_NAMES

    def oe_ids(self, group: PartGroup) -> list[str]:
        return [pid for pid in group.part_ids if self.is_oe(pid)]

    def own_numbers(self, part_id: str) -> list[tuple[str, str]]:
        """(number, brand) of an OE part: its printed number, then its known alternatives."""
        row = self.parts[part_id]
        numbers = [row["part_number"], *ALIASES.get((row["brand"], row["part_number"]), [])]
        return [(number, row["brand"]) for number in numbers]

    def replaced(self, group: PartGroup) -> list[str]:
        """OE part ids the aftermarket parts of ``group`` replace."""
        own = self.oe_ids(group)
        if own or group.category not in BY_SIZE:
            return own
        return [
            pid
            for other in self.groups
            if other.category == group.category and other.fits <= group.fits
            for pid in self.oe_ids(other)
        ]


def cross_references(index: OeIndex) -> dict[str, list[tuple[str, str]]]:
    """part id -> (OE number, OE brand) in the order found, without repeats."""
    found: dict[str, dict[tuple[str, str], None]] = {}
    for group in index.groups:
        oe_ids = index.replaced(group)
        for part_id in group.part_ids:
            sources = [part_id] if index.is_oe(part_id) else oe_ids
            listed = found.setdefault(part_id, {})
            for source in sources:
                listed.update(dict.fromkeys(index.own_numbers(source)))
    return {part_id: list(numbers) for part_id, numbers in found.items() if numbers}


def respell(index: OeIndex, refs: dict[str, list[tuple[str, str]]]) -> None:
    """Write the OE numbers of ``oe_spellings.tsv`` the way those aftermarket brands do."""
    unused = set(SPELLINGS)
    for part_id, numbers in refs.items():
        brand = index.parts[part_id]["brand"]
        for i, (number, oe_brand) in enumerate(numbers):
            written = SPELLINGS.get((brand, number))
            if written is not None:
                if number_key(written) != number_key(number):
                    raise ValueError(f"{written!r} is not a spelling of {number!r}")
                numbers[i] = (written, oe_brand)
                unused.discard((brand, number))
    if unused:
        raise ValueError(f"oe_spellings.tsv names no part of the catalogue: {sorted(unused)}")


def check_aliases(index: OeIndex) -> None:
    oe_numbers = {(row["brand"], row["part_number"]) for row in index.parts.values()}
    missing = [key for key in ALIASES if key not in oe_numbers]
    if missing:
        raise ValueError(f"oe_aliases.tsv names numbers of no OE part: {missing}")


def oe_rows(cat: Catalogue) -> list[dict[str, str]]:
    index = OeIndex(cat)
    check_aliases(index)
    refs = cross_references(index)
    respell(index, refs)
    return [
        {"part_id": part_id, "oe_number": number, "oe_brand": brand}
        for part_id in sorted(refs)
        for number, brand in refs[part_id]
    ]


def oe_numbers_table(rows: Iterable[dict[str, str]]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=OE_SCHEMA)
