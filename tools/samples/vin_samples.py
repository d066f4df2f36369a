"""Sample VINs built from the VIN patterns, with the vehicles and verdict a decoder should give.

Valid VINs fill a pattern's ``*`` (plant, serial, and the VDS positions of a less specific
pattern) from a hash of the pattern and put the check digit of GB 16735 / ISO 3779 in position
9. ``expected_vehicle_ids`` are the vehicles of the most specific patterns the VIN matches,
found by a plain scan of every pattern after the VIN is normalised (full-width to ASCII, upper
case), whether or not the VIN is valid. ``expected_valid`` is the verdict under the Chinese rules:
17 characters, no I, O or Q, a model-year code in position 10 and a correct check digit.
"""

from __future__ import annotations

import hashlib
import unicodedata

import pyarrow as pa

from .vehicles import Vehicle
from .vins import VIN_CHARS, WILD, YEAR_CODES, matches, most_specific, specificity

WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
TRANSLITERATION = "A1 B2 C3 D4 E5 F6 G7 H8 J1 K2 L3 M4 N5 P7 R9 S2 T3 U4 V5 W6 X7 Y8 Z9"
LETTER_VALUES = {pair[0]: int(pair[1]) for pair in TRANSLITERATION.split()}
FILL_ORDER = VIN_CHARS[10:] + VIN_CHARS[:10]  # letters first for the VDS positions
PUBLISHED_VIN = "1M8GDM9AXKP042788"  # the worked check-digit example of Wikipedia's VIN article
VIN_SCHEMA = pa.schema(
    [
        ("vin", pa.string()),
        ("expected_vehicle_ids", pa.list_(pa.string())),
        ("expected_valid", pa.bool_()),
        ("note", pa.string()),
    ]
)
Patterns = dict[str, list[Vehicle]]


def check_digit(vin: str) -> str:
    """The check digit of a 17-character VIN (position 9 is ignored: its weight is 0)."""
    values = (int(c) if c.isdigit() else LETTER_VALUES[c] for c in vin)
    remainder = sum(v * w for v, w in zip(values, WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


def with_check_digit(vin: str) -> str:
    return f"{vin[:8]}{check_digit(vin)}{vin[9:]}"


def normalise(vin: str) -> str:
    return unicodedata.normalize("NFKC", vin).upper()


def fill_tail(pattern: str, seed: str) -> str:
    """``*`` from position 9 on: plant from the VIN alphabet, serial digits, then check digit."""
    digest = hashlib.sha256(seed.encode()).digest()
    chars = list(pattern)
    for i in range(8, 17):
        if chars[i] == WILD:
            alphabet = VIN_CHARS if i == 10 else VIN_CHARS[:10]
            chars[i] = alphabet[digest[i] % len(alphabet)]
    return with_check_digit("".join(chars))


def fallback_vin(pattern: str, patterns: Patterns, seed: str) -> str:
    """A VIN of a less specific pattern that no more specific pattern matches."""
    for char in FILL_ORDER:
        vin = fill_tail(pattern[:8].replace(WILD, char) + pattern[8:], seed)
        if not any(specificity(p) > specificity(pattern) and matches(p, vin) for p in patterns):
            return vin
    raise ValueError(f"every VIN of {pattern} matches a more specific pattern")


def describe(vehicles: list[Vehicle]) -> str:
    first = vehicles[0]
    what = f"{first.series.manufacturer} {first.series.model} {first.year}"
    if len({v.engine for v in vehicles}) == 1:
        what += f" {first.engine}"
    return what if len(vehicles) == 1 else f"{what}; {len(vehicles)} configurations"


def picked_patterns(vehicles: list[Vehicle], patterns: Patterns) -> list[str]:
    """One engine pattern per series, every other shared engine pattern, a spread of the fleet."""
    engine_pattern = {
        v.vehicle_id: p for p, vs in patterns.items() if WILD not in p[3:8] for v in vs
    }
    series: dict[int, list[Vehicle]] = {}
    for v in vehicles:
        series.setdefault(v.series.number, []).append(v)
    picks = [engine_pattern[group[len(group) // 2].vehicle_id] for group in series.values()]
    picks += [p for p, vs in patterns.items() if len(vs) > 1 and WILD not in p[3:8]][::2]
    picks += [engine_pattern[v.vehicle_id] for v in vehicles[7::61]]
    return list(dict.fromkeys(picks))


def general_patterns(patterns: Patterns) -> list[str]:
    """The middle year of each less specific pattern family that covers several vehicles."""
    by_gen: dict[str, list[str]] = {}
    for pattern, vs in patterns.items():
        if WILD in pattern[3:8] and len(vs) > 1:
            by_gen.setdefault(vs[0].gen.code, []).append(pattern)
    return [ps[len(ps) // 2] for ps in by_gen.values()]


def sample_row(vin: str, patterns: Patterns, valid: bool, note: str) -> dict:
    ids = most_specific(normalise(vin), patterns)
    return {"vin": vin, "expected_vehicle_ids": ids, "expected_valid": valid, "note": note}


def good_rows(vehicles: list[Vehicle], patterns: Patterns) -> list[dict]:
    rows = []
    for i, pattern in enumerate(picked_patterns(vehicles, patterns)):
        vin = fill_tail(pattern, f"{pattern}#{i}")
        rows.append(sample_row(vin, patterns, True, describe(patterns[pattern])))
    for pattern in general_patterns(patterns):
        vin = fallback_vin(pattern, patterns, pattern)
        note = f"{describe(patterns[pattern])}; engine code not in the patterns"
        rows.append(sample_row(vin, patterns, True, note))
    return rows


def valid_cn(vin: str) -> bool:
    """17 characters of the VIN alphabet, a model year in position 10, a correct check digit."""
    return (
        len(vin) == 17
        and all(c in VIN_CHARS for c in vin)
        and vin[9] in YEAR_CODES
        and vin[8] == check_digit(vin)
    )


def swap(vin: str, position: int, char: str) -> str:
    """``vin`` with the character at 1-based ``position`` replaced."""
    return f"{vin[: position - 1]}{char}{vin[position:]}"


def wrong_check_digit(vin: str) -> str:
    digits = "0123456789X"
    return swap(vin, 9, digits[(digits.index(vin[8]) + 1) % len(digits)])


def full_width(vin: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in vin)


def first_with(vins: list[str], char: str, positions: range) -> tuple[str, int]:
    """The first VIN with ``char`` at one of the 1-based ``positions``, and that position."""
    for vin in vins:
        for position in positions:
            if vin[position - 1] == char:
                return vin, position
    raise ValueError(f"no sample VIN has {char!r} in positions {positions}")


def odd_vins(vins: list[str]) -> list[tuple[str, bool, str]]:
    """(VIN, valid, note): bad VINs and valid ones written oddly, made from ``vins``."""
    o_vin, o_at = first_with(vins[1:], "0", range(12, 18))
    i_vin, i_at = first_with(vins[2:], "1", range(4, 9))
    return [
        (wrong_check_digit(vins[0]), False, f"wrong check digit (should be {vins[0][8]})"),
        (wrong_check_digit(vins[9]), False, f"wrong check digit (should be {vins[9][8]})"),
        (swap(o_vin, o_at, "O"), False, "letter O for the digit 0 in the serial"),
        (swap(i_vin, i_at, "I"), False, "letter I for the digit 1 in the VDS"),
        (swap(vins[5], 12, "Q"), False, "letter Q in the serial"),
        (vins[6][:16], False, "16 characters: the last one is missing"),
        (with_check_digit(swap(vins[7], 10, "0")), False, "0 in position 10 (no model year)"),
        (vins[3].lower(), True, "lower case form of a valid VIN"),
        (full_width(vins[4]), True, "full-width form of a valid VIN (Chinese input method)"),
        (PUBLISHED_VIN, True, "valid published example VIN of a maker not in the sample"),
    ]


def vin_rows(vehicles: list[Vehicle], patterns: Patterns) -> list[dict]:
    rows = good_rows(vehicles, patterns)
    if not all(row["expected_vehicle_ids"] for row in rows):
        raise ValueError("a sample VIN built from a pattern matches no vehicle")
    for vin, valid, note in odd_vins([row["vin"] for row in rows]):
        rows.append(sample_row(vin, patterns, valid, note))
    for row in rows:
        if valid_cn(normalise(row["vin"])) != row["expected_valid"]:
            raise ValueError(f"sample VIN {row['vin']} is not what its note says: {row['note']}")
    return rows


def vins_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=VIN_SCHEMA)
