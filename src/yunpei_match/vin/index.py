"""VIN -> candidate vehicles through the catalogue's ``vin_patterns`` table.

A pattern is 17 characters where ``*`` matches anything (``LSVUA438*M*******``). A VIN's
candidates are the vehicles of its *closest* matching patterns, those that fix the most
positions (fewest ``*``): every vehicle of every pattern at that level, because a Chinese VIN
often maps to several configurations and the index must say so rather than guess. Each answer
says how close the match was as ``matched_positions`` (``11``: the patterns fix 11 of the 17
positions and the VIN has those characters there), and :meth:`VinIndex.vehicles_for_vin` lists
each candidate's attributes (engine, transmission, trim...) so that a person can tell them
apart.

Patterns are grouped by their wildcard mask; a real table has a few dozen masks at most. For
each mask the fixed characters of its patterns go into a hash table (``StringTable``), so a VIN
costs one lookup per mask, most specific masks first, never a scan of the patterns.

Examples
--------
>>> import yunpei_match as ym
>>> catalog = ym.Catalog.from_parquet("data/samples")
>>> catalog.vins.vehicles_for_vin("LFV2A26F1KM333275").column("vehicle_id").to_pylist()
['V060007', 'V060008']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .._base.encoded import Encoded
from .._base.ids import IdDictionary, string_buffers, string_table
from .._base.kernel_choice import Kernels
from .._base.tables import require_columns, show, string_column
from ..errors import DataError
from .decode import Region, explain_vin, validate_vin, vin_characters

__all__ = ["VinIndex"]

PATTERN = r"^[A-HJ-NPR-Z0-9*]{17}$"  # the VIN alphabet (no I, O, Q) or the wildcard


def check_patterns(patterns: pa.Array, where: str) -> None:
    """Raise DataError naming the first pattern that is not 17 VIN characters or ``*``."""
    bad = pc.invert(pc.match_substring_regex(patterns, PATTERN))
    if pc.any(bad).as_py():
        row = int(pc.index(bad, True).as_py())
        raise DataError(
            f"{where} must be 17 VIN characters or '*', got {show(patterns[row].as_py())} at "
            f"row {row}"
        )


def encode_vin_patterns(patterns: pa.Table | None, vehicle_ids: IdDictionary) -> pa.Table:
    """Validate ``vin_patterns`` and return (pattern upper-cased, vehicle code) rows."""
    if patterns is None:
        return pa.table({"pattern": pa.array([], pa.string()), "vehicle": pa.array([], pa.int32())})
    require_columns(patterns, "vin_patterns", ("pattern", "vehicle_id"))
    text = pc.utf8_upper(string_column(patterns, "vin_patterns", "pattern").cast(pa.string()))
    check_patterns(text.combine_chunks(), "vin_patterns.pattern")
    codes = vehicle_ids.references(patterns, "vin_patterns", "vehicle_id")
    return pa.table({"pattern": text.combine_chunks(), "vehicle": pa.array(codes, pa.int32())})


@dataclass(frozen=True)
class _Mask:
    """The patterns sharing one set of fixed positions, keyed by their fixed characters."""

    fixed: npt.NDArray[np.intp]
    table: Any  # StringTable over the distinct keys
    indptr: npt.NDArray[np.int64]  # key code -> vehicles
    vehicles: npt.NDArray[np.int32]


class VinIndex:
    """VIN queries over a catalogue's ``vin_patterns``; get it as ``catalog.vins``."""

    def __init__(self, encoded: Encoded, patterns: pa.Table) -> None:
        self._encoded = encoded
        self._levels = _build_levels(patterns, encoded.kernels)

    def vehicles_for_vins(self, vins: Any, *, region: Region = "cn") -> pa.Table:
        """Candidate vehicles of many VINs (invalid VINs under ``region`` give no rows).

        Returns
        -------
        pyarrow.Table
            ``request_index`` (int32), ``vehicle_id`` (dictionary) and ``matched_positions``
            (int8: how many of the 17 positions the matching patterns fix), sorted by request
            then vehicle.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> vins = ym.Catalog.from_parquet("data/samples").vins
        >>> vins.vehicles_for_vins(["LFV2A26F1KM333275", "not a vin"]).num_rows
        2
        """
        _, chars, valid = vin_characters(vins, region=region, kernels=self._encoded.kernels)
        waiting = valid.copy()  # VINs not yet answered by a more specific level
        found = []
        for fixed, masks in self._levels:
            open_rows = np.flatnonzero(waiting)
            hits = [_match(mask, chars, open_rows) for mask in masks]
            rows = np.concatenate([h[0] for h in hits])
            found.append((rows, np.concatenate([h[1] for h in hits]), fixed))
            waiting[rows] = False  # a mask, not np.setdiff1d: its hashing is slow in numpy 2
        return self._table(found)

    def _table(self, found: list[tuple[np.ndarray, np.ndarray, int]]) -> pa.Table:
        rows = np.concatenate([f[0] for f in found] or [np.empty(0, np.int64)])
        vehicles = np.concatenate([f[1] for f in found] or [np.empty(0, np.int32)])
        matched = np.concatenate(
            [np.full(len(f[0]), f[2], np.int8) for f in found] or [np.empty(0, np.int8)]
        )
        keys = np.unique(rows.astype(np.int64) << 32 | vehicles, return_index=True)[1]
        return pa.table(
            {
                "request_index": pa.array(rows[keys], pa.int32()),
                "vehicle_id": self._encoded.vehicle_ids.decode(vehicles[keys].astype(np.int32)),
                "matched_positions": pa.array(matched[keys], pa.int8()),
            }
        )

    def vehicles_for_vin(self, vin: str, *, region: Region = "cn") -> pa.Table:
        """Candidate vehicles of one VIN, with what tells them apart; empty when none matches.

        Returns
        -------
        pyarrow.Table
            Every column of the catalogue's ``vehicles`` (``vehicle_id``, ``make``, ``model``,
            ``year``, then ``engine``, ``transmission``, ``trim``... as the catalogue has them),
            then ``matched_positions`` as in :meth:`vehicles_for_vins`; by ``vehicle_id``.

        Raises
        ------
        DataError
            If the VIN is invalid under ``region``; the message gives the reason codes, then
            :func:`~yunpei_match.vin.explain_vin`'s sentences.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> vins = ym.Catalog.from_parquet("data/samples").vins
        >>> found = vins.vehicles_for_vin("lfv2a26f1km333275")
        >>> found.column("model").to_pylist(), found.column("transmission").to_pylist()
        (['宝来', '宝来'], ['5MT', '6AT'])
        >>> found.column("matched_positions").to_pylist()
        [9, 9]
        """
        kernels = self._encoded.kernels
        verdict = validate_vin(vin, region=region, kernels=kernels)
        if not verdict.valid:
            explained = explain_vin(vin, region=region, kernels=kernels)
            raise DataError(
                f"VIN {show(vin)} is invalid under the {region} rules "
                f"({', '.join(verdict.reasons)}): {'; '.join(explained)}"
            )
        found = self.vehicles_for_vins([vin], region=region)
        codes = (
            found.column("vehicle_id").chunk(0).indices
            if found.num_rows
            else pa.array([], pa.int32())
        )
        vehicles = self._encoded.vehicles.take(codes)
        return vehicles.append_column("matched_positions", found.column("matched_positions"))


def _build_levels(patterns: pa.Table, kernels: Kernels) -> list[tuple[int, list[_Mask]]]:
    """Masks grouped by how many positions they fix, most first."""
    if patterns.num_rows == 0:
        return []
    _, data = string_buffers(patterns.column("pattern").combine_chunks())
    matrix = data.reshape(-1, 17)  # validated: 17 ASCII characters each
    wild = matrix == ord("*")
    mask_ids = np.packbits(wild, axis=1, bitorder="little").view(np.uint8)
    mask_key = (
        mask_ids[:, 0].astype(np.int64)
        | mask_ids[:, 1].astype(np.int64) << 8
        | (mask_ids[:, 2].astype(np.int64) << 16)
    )
    levels: dict[int, list[_Mask]] = {}
    vehicles = patterns.column("vehicle").to_numpy()
    for key in np.unique(mask_key):
        members = np.flatnonzero(mask_key == key)
        fixed = np.flatnonzero(~wild[members[0]])
        levels.setdefault(len(fixed), []).append(
            _mask(matrix[members][:, fixed], vehicles[members], fixed, kernels)
        )
    return sorted(levels.items(), reverse=True)


def _mask(keys: np.ndarray, vehicles: np.ndarray, fixed: np.ndarray, kernels: Kernels) -> _Mask:
    raw = pa.array([bytes(row).decode("ascii") for row in keys], pa.string())
    encoded = raw.dictionary_encode()
    code = encoded.indices.to_numpy()
    order = np.lexsort((vehicles, code))
    pairs = np.unique(np.stack([code[order], vehicles[order]], axis=1), axis=0)
    indptr = np.zeros(len(encoded.dictionary) + 1, np.int64)
    np.cumsum(np.bincount(pairs[:, 0], minlength=len(encoded.dictionary)), out=indptr[1:])
    table = string_table(encoded.dictionary, kernels)
    return _Mask(fixed=fixed, table=table, indptr=indptr, vehicles=pairs[:, 1].astype(np.int32))


def _match(mask: _Mask, chars: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(request row, vehicle) pairs of the VIN rows ``rows`` matching patterns of ``mask``."""
    width = len(mask.fixed)
    data = np.ascontiguousarray(chars[rows][:, mask.fixed]).reshape(-1)
    offsets = np.arange(len(rows) + 1, dtype=np.int64) * width  # width 0: all wildcards
    codes = mask.table.find_many(offsets, data)
    hit = codes >= 0
    starts, stops = mask.indptr[codes[hit]], mask.indptr[codes[hit] + 1]
    counts = stops - starts
    picks = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    return np.repeat(rows[hit], counts), mask.vehicles[picks]
