"""Brands: the OE brand and aftermarket range of each make, and every brand's part numbers.

From ``sample_data/``: ``makes.tsv`` (OE brand, aftermarket region and coolant of each make),
``aftermarket.tsv`` (the aftermarket brands of a category in each region, in order),
``number_formats.tsv`` (how each brand prints its numbers), ``qct_groups.tsv`` and
``known_numbers.tsv``. The short brand lists of a few categories are kept here.
"""

from __future__ import annotations

import hashlib

from .data import comma_list, keyed, optional, read_table

_MAKES = read_table("makes")
OE_BRANDS = {row["make"]: row["oe_brand"] for row in _MAKES}
# Which aftermarket range a make draws on: European, Japanese, GM or Chinese brands.
REGIONS = {row["make"]: row["region"] for row in _MAKES}
# make -> (OE coolant, Castrol line that suits it)
COOLANTS = {row["make"]: (row["coolant"], row["castrol_coolant"]) for row in _MAKES}

# category -> region -> aftermarket brands, in the order their parts are made
AFTERMARKET = {
    row["category"]: {region: comma_list(row[region]) for region in ("eu", "jp", "gm", "cn")}
    for row in read_table("aftermarket")
}

CABIN_NAMES = {"std": "空调滤清器", "carbon": "活性炭空调滤清器"}
# Brands of the categories whose range does not follow the regions alone, in the order their
# parts are made.
CABIN_BRANDS = {
    "eu": (
        ("Mann-Filter", "std"),
        ("Mann-Filter", "carbon"),
        ("Mahle", "std"),
        ("Mahle", "carbon"),
        ("Bosch", "std"),
    ),
    "jp": (("Mann-Filter", "carbon"), ("Bosch", "std")),
    "gm": (("ACDelco", "std"), ("Mann-Filter", "carbon")),
    "cn": (("Bosch", "std"), ("Mann-Filter", "carbon")),
}
TIMING_BRANDS = {"belt": ("Gates", "INA"), "chain": ("INA", "Febi")}
WIPER_BRANDS = ("Bosch", "Valeo")
CLUTCH_BRANDS = ("LuK", "Sachs", "Valeo")
TYRE_BRANDS = (
    ("Michelin", "Primacy 4"),
    ("Bridgestone", "Turanza T005"),
    ("Continental", "UltraContact UC6"),
)

OIL_BRANDS = (("Castrol", "极护"), ("Mobil", "美孚1号"), ("Shell", "超凡喜力"))
AFTER_FLUIDS = {  # fluid kind -> aftermarket (brand, product line)
    "ATF": (("Castrol", "Transmax ATF"), ("Mobil", "Mobil ATF 3309")),
    "CVT": (("Castrol", "Transmax CVT"), ("Mobil", "Mobil CVTF")),
    "DCT": (("Castrol", "Transmax DCT"), ("Mobil", "Mobil 1 DCTF")),
}

# QC/T 265 main groups, which Chinese makers put in their part numbers; by category and variant
# (a position), or by category alone where the variant is empty.
QCT = keyed(
    ((row["category"], optional(row["variant"])), row["group"]) for row in read_table("qct_groups")
)

# Printed formats: "#" a digit, "@" a capital letter, "{oe}" the maker's model or engine code,
# "{q}" the QC/T group. A format is given for a brand, category and variant (position, filter
# kind ...); an empty variant covers any variant and an empty category any category.
TEMPLATES = keyed(
    ((row["brand"], optional(row["category"]), optional(row["variant"])), row["format"])
    for row in read_table("number_formats")
)

# Real numbers (as far as the author knows) for (brand, category, group key, variant); their
# applications in this sample are approximate.
KNOWN_NUMBERS = keyed(
    (
        (row["brand"], row["category"], row["group"], optional(row["variant"])),
        row["number"],
    )
    for row in read_table("known_numbers")
)

LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O or Q, which part numbers avoid


def fill(template: str, seed: str) -> str:
    """Replace each ``#`` by a digit and each ``@`` by a letter drawn from a hash of ``seed``."""
    digest = hashlib.sha256(seed.encode()).digest()
    out, used = [], 0
    for char in template:
        if char in "#@":
            byte = digest[used]
            out.append(str(byte % 10) if char == "#" else LETTERS[byte % len(LETTERS)])
            used += 1
        else:
            out.append(char)
    return "".join(out)


def template_for(brand: str, category: str, variant: str | None) -> str:
    """The brand's format for the category and variant, with the QC/T group filled in."""
    entry = most_specific(TEMPLATES, brand, category, variant)
    if "{q}" not in entry:
        return entry
    return entry.replace("{q}", most_specific(QCT, category, variant))


def most_specific(table: dict[tuple, str], *key: str | None) -> str:
    """``table[key]``, else the entry with the last, then the last two parts of ``key`` empty."""
    for n in range(len(key), 0, -1):
        general = (*key[:n], *[None] * (len(key) - n))
        if general in table:
            return table[general]
    raise KeyError(key)
