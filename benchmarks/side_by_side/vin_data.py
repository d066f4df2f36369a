"""Seeded VIN data: typed VINs to validate, and ``vin_patterns`` with VINs that match them.

Shared by the side-by-side workloads (``vins``) and ``benchmarks/test_bench_vin.py``.

Typed VINs start with a real WMI (Chinese joint ventures and makers, and the major world
makers), then random VDS characters over the VIN alphabet (no I, O, Q), a model-year code in
position 10, a plant code and a six-digit serial, and the check digit of ISO 3779 computed in
numpy. A few are typed in lower case or with a space or dash (as a repair shop types them), and
about 5 % are corrupted: one character replaced (sometimes by I, O or Q), dropped or added, or an
invalid model-year code (U, Z, 0) in position 10.

Patterns follow the synthetic vehicles: each make has a WMI, each model four VDS characters
(positions 4-7), each engine of a make one character (position 8), each year its code
(position 10). Every vehicle gets one or two patterns, each fixing the characters of one of
``MASKS`` (from model, engine and year down to the model alone), so configurations that differ
only in their gearbox share patterns and a VIN often has several candidates. Query VINs are
valid VINs of random vehicles, a tenth of them of random WMIs and VDSs that mostly match nothing.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import yunpei_match

VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # 1980 ... 2009, and again from 2010
LETTER_VALUES = dict(
    zip(
        "ABCDEFGHJKLMNPRSTUVWXYZ",
        (1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9),
        strict=True,
    )
)
WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
WMI_TEXT = (
    "LFV LSV LFM LVG LTV LHG LVH LGB LGX LC0 L6T LB3 LS5 LGW LSG LRB LBV LE4 LBE LJD LVR LVS "
    "LVV LZW LRW LSJ LYV WVW WBA WDD WAU VF1 VF3 TMB ZFA YV1 SAL JTD JHM JN1 KMH KNA 1FA 1G1 "
    "5YJ 2T1"
)
WMIS = WMI_TEXT.split()
WMI_CHARS = np.frombuffer("".join(WMIS).encode("ascii"), np.uint8).reshape(-1, 3)
CORRUPT_SHARE = 0.05
TYPED_SHARE = 0.03
UNMATCHED_SHARE = 0.1
# Fixed positions (0-based) of each pattern mask: model, engine and year; model and year;
# model and engine; the model's first two VDS characters.
MASKS = (
    (0, 1, 2, 3, 4, 5, 6, 7, 9),
    (0, 1, 2, 3, 4, 5, 6, 9),
    (0, 1, 2, 3, 4, 5, 6, 7),
    (0, 1, 2, 3, 4),
)


def char_codes(alphabet: str) -> np.ndarray:
    return np.frombuffer(alphabet.encode("ascii"), np.uint8)


def check_values() -> np.ndarray:
    """Transliteration of every byte for the check digit: digits as such, letters by table."""
    values = np.zeros(256, np.int64)
    values[char_codes("0123456789")] = np.arange(10)
    values[char_codes("".join(LETTER_VALUES))] = list(LETTER_VALUES.values())
    return values


def with_check_digits(chars: np.ndarray) -> np.ndarray:
    """The (n, 17) VIN character matrix with position 9 set to each row's check digit."""
    total = (check_values()[chars] * np.array(WEIGHTS)).sum(axis=1)
    chars[:, 8] = char_codes("0123456789X")[total % 11]
    return chars


def vin_strings(chars: np.ndarray) -> pa.Array:
    """Rows of a (n, 17) ASCII matrix as a string array."""
    n = len(chars)
    offsets = np.arange(0, 17 * n + 1, 17, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes()))


def random_chars(rng: np.random.Generator, alphabet: str, shape: tuple[int, ...]) -> np.ndarray:
    codes = char_codes(alphabet)
    return codes[rng.integers(0, len(codes), shape)]


def random_vins(n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, 17) matrix of valid VINs over real WMIs."""
    chars = np.empty((n, 17), np.uint8)
    chars[:, :3] = WMI_CHARS[rng.integers(0, len(WMIS), n)]
    chars[:, 3:11] = random_chars(rng, VIN_ALPHABET, (n, 8))
    chars[:, 9] = random_chars(rng, YEAR_CODES, (n,))
    chars[:, 11:] = random_chars(rng, "0123456789", (n, 6))
    return with_check_digits(chars)


def mistyped(vin: str, kind: int, at: int, char: str) -> str:
    """``vin`` typed in lower case (0), with a separator (1), or corrupted (2-5)."""
    at %= 17
    if kind == 0:
        return vin.lower()
    if kind == 1:
        return vin[:at] + "- "[at % 2] + vin[at:]
    if kind == 2:
        return vin[:at] + char + vin[at + 1 :]
    if kind == 3:
        return vin[:at] + vin[at + 1 :]
    if kind == 4:
        return vin[:at] + char + vin[at:]
    return vin[:9] + "UZ0"[at % 3] + vin[10:]


def typed_vins(n: int, seed: int) -> pa.Array:
    """``n`` VINs as typed: valid ones, a few in lower case or spaced, ~5 % corrupted."""
    rng = np.random.default_rng(seed + 20)
    vins = vin_strings(random_vins(n, rng)).to_pylist()
    share = np.array([TYPED_SHARE / 2] * 2 + [CORRUPT_SHARE / 4] * 4)
    picked = np.flatnonzero(rng.random(n) < share.sum())
    kinds = rng.choice(len(share), len(picked), p=share / share.sum()).tolist()
    at = rng.integers(0, 17, len(picked)).tolist()
    chars = rng.choice(list(VIN_ALPHABET + "IOQ"), len(picked)).tolist()
    for row, kind, position, char in zip(picked.tolist(), kinds, at, chars, strict=True):
        vins[row] = mistyped(vins[row], kind, position, char)
    return pa.array(vins, pa.string())


def vehicle_stems(vehicles: pa.Table, rng: np.random.Generator) -> np.ndarray:
    """(n_vehicles, 17) characters: WMI of the make, model code, engine code, year code."""
    make = codes_of(vehicles.column("make"))
    model = codes_of(pc.binary_join_element_wise(vehicles["make"], vehicles["model"], "|"))
    engine = codes_of(pc.binary_join_element_wise(vehicles["make"], vehicles["engine"], "|"))
    stems = np.full((vehicles.num_rows, 17), ord("*"), np.uint8)
    stems[:, :3] = WMI_CHARS[rng.permutation(len(WMIS))[make % len(WMIS)]]
    stems[:, 3:7] = random_chars(rng, VIN_ALPHABET, (model.max() + 1, 4))[model]
    stems[:, 7] = random_chars(rng, VIN_ALPHABET, (engine.max() + 1,))[engine]
    year = vehicles.column("year").to_numpy().astype(np.int64)
    stems[:, 9] = char_codes(YEAR_CODES)[(year - 1980) % 30]
    return stems


def codes_of(values: pa.ChunkedArray) -> np.ndarray:
    return values.combine_chunks().dictionary_encode().indices.to_numpy()


def vin_patterns_table(vehicles: pa.Table, seed: int) -> tuple[pa.Table, np.ndarray]:
    """``vin_patterns``: one or two masked stems per vehicle; and the stems."""
    rng = np.random.default_rng(seed + 21)
    stems = vehicle_stems(vehicles, rng)
    n = vehicles.num_rows
    vehicle = np.concatenate([np.arange(n), np.flatnonzero(rng.random(n) < 0.5)])
    mask = rng.integers(0, len(MASKS), len(vehicle))
    patterns = np.full((len(vehicle), 17), ord("*"), np.uint8)
    for k, fixed in enumerate(MASKS):
        rows = np.flatnonzero(mask == k)
        columns = np.array(fixed)
        patterns[np.ix_(rows, columns)] = stems[np.ix_(vehicle[rows], columns)]
    ids = vehicles.column("vehicle_id").combine_chunks().take(pa.array(vehicle))
    table = pa.table({"pattern": vin_strings(patterns), "vehicle_id": ids})
    return table.group_by(["pattern", "vehicle_id"]).aggregate([]), stems


def pattern_vins(stems: np.ndarray, n: int, seed: int) -> pa.Array:
    """``n`` valid VINs: of random vehicles' stems, a tenth of random WMIs and VDSs."""
    rng = np.random.default_rng(seed + 22)
    chars = random_vins(n, rng)
    known = np.flatnonzero(rng.random(n) >= UNMATCHED_SHARE)
    stem = stems[rng.integers(0, len(stems), len(known))]
    fixed = stem != ord("*")
    chars[known] = np.where(fixed, stem, chars[known])
    return vin_strings(with_check_digits(chars))


def vin_catalog(tables: dict[str, pa.Table], patterns: pa.Table) -> yunpei_match.Catalog:
    """A catalogue of the vehicles and parts with the VIN patterns; no fitments."""
    return yunpei_match.Catalog.from_tables(
        vehicles=tables["vehicles"], parts=tables["parts"], vin_patterns=patterns
    )
