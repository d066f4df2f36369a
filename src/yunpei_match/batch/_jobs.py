"""Catalogue jobs: fitment by vehicle or VIN, part-number lookup and search, VIN decoding."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._base.kernel_choice import Kernels, check_kernels
from ..numbers import check_search_options, normalize_numbers
from ..vin import Region, check_region, decode_vins, validate_vins, vin_characters
from ._checks import Verdicts, blank_mask, check_ids, null_mask
from ._runner import Job

if TYPE_CHECKING:
    from ..catalog import Catalog

__all__ = [
    "FitmentJob",
    "NumberLookupJob",
    "NumberSearchJob",
    "PartColumns",
    "VinDecodeJob",
    "vin_vehicles",
]


class PartColumns:
    """``brand``, ``part_number`` and ``category`` of part codes as dictionary arrays.

    Each column is encoded once over its distinct values, so a result of millions of rows is a
    gather of int32 codes, never a copy of strings.
    """

    def __init__(self, catalog: Catalog) -> None:
        self._columns = {}
        for name in ("brand", "part_number", "category"):
            values = catalog.parts.column(name).cast(pa.string()).combine_chunks()
            encoded = pc.dictionary_encode(values)
            self._columns[name] = (encoded.indices.to_numpy(), encoded.dictionary)

    def columns(self, part: np.ndarray) -> dict[str, pa.DictionaryArray]:
        return {
            name: pa.DictionaryArray.from_arrays(pa.array(codes[part], pa.int32()), values)
            for name, (codes, values) in self._columns.items()
        }


def vin_vehicles(
    catalog: Catalog, vins: pa.ChunkedArray, at: np.ndarray, verdicts: Verdicts, region: Region
) -> tuple[np.ndarray, np.ndarray]:
    """(row, vehicle code) pairs of the VINs ``vins`` of rows ``at``; rejects VINs that are
    null, blank, invalid under ``region`` (with the validator's reasons) or match no pattern."""
    verdicts.reject_at(at[null_mask(vins)], "missing vin")
    verdicts.reject_at(at[blank_mask(vins)], "blank vin")
    kernels = catalog.kernels
    _, _, valid = vin_characters(vins, region=region, kernels=kernels)
    invalid = np.flatnonzero(~valid)
    if len(invalid):
        found = validate_vins(vins.take(invalid), region=region, kernels=kernels)
        reasons = found.column("reasons").to_pylist()
        verdicts.reject_each(at[invalid], [f"invalid vin ({', '.join(r)})" for r in reasons])
    pairs = catalog.vins.vehicles_for_vins(vins, region=region)
    index = pairs.column("request_index").to_numpy()
    matched = np.zeros(len(vins), bool)
    matched[index] = True
    verdicts.reject_at(at[~matched], "no vehicle for vin")
    vehicle = pairs.column("vehicle_id").combine_chunks()
    codes = vehicle.indices.to_numpy() if len(vehicle) else np.empty(0, np.int32)
    return at[index], codes.astype(np.int32)


def request_vehicles(
    catalog: Catalog, table: pa.Table, verdicts: Verdicts, region: Region
) -> tuple[np.ndarray, np.ndarray]:
    """(row, vehicle code) pairs of requests by ``vehicle_id``, or by ``vin`` where the
    vehicle id is null (or there is no ``vehicle_id`` column), sorted by row then vehicle."""
    n = table.num_rows
    names = table.column_names
    by_vin = np.ones(n, bool) if "vin" in names else np.zeros(n, bool)
    rows, vehicles = [np.empty(0, np.int64)], [np.empty(0, np.int32)]
    if "vehicle_id" in names:
        ids = table.column("vehicle_id")
        null = null_mask(ids)
        if "vin" in names:
            by_vin = null
            verdicts.reject(null & null_mask(table.column("vin")), "missing vehicle_id and vin")
        else:
            verdicts.reject(null, "missing vehicle_id")
        verdicts.reject(blank_mask(ids), "blank vehicle_id")
        codes = catalog.vehicle_ids.codes(ids, on_unknown="skip")
        verdicts.reject((codes < 0) & ~null, "unknown vehicle_id")
        known = np.flatnonzero(codes >= 0)
        rows.append(known)
        vehicles.append(codes[known])
    if by_vin.any():
        at = np.flatnonzero(by_vin)
        found = vin_vehicles(catalog, table.column("vin").take(at), at, verdicts, region)
        rows.append(found[0])
        vehicles.append(found[1])
    row, vehicle = np.concatenate(rows), np.concatenate(vehicles)
    if len(rows) <= 2:  # by vehicle id only: one pair a row, already in row order
        return row, vehicle
    order = np.lexsort((vehicle, row))
    return row[order], vehicle[order]


def categories(
    catalog: Catalog, table: pa.Table, verdicts: Verdicts, *, required: bool
) -> np.ndarray:
    """Category code per row, -1 for a null category (every category) when not required."""
    if "category" not in table.column_names:
        return np.full(table.num_rows, -1, np.int32)
    column = table.column("category")
    null = null_mask(column)
    if required:
        verdicts.reject(null, "missing category")
    verdicts.reject(blank_mask(column), "blank category")
    codes = catalog.category_labels.codes(column, on_unknown="skip")
    verdicts.reject((codes < 0) & ~null, "unknown category")
    return codes


class FitmentJob(Job):
    """Parts that fit each request's vehicle (by ``vehicle_id`` or ``vin``), optionally in one
    category.

    Input: ``vehicle_id`` and/or ``vin`` (a row with a null ``vehicle_id`` is answered by its
    VIN), optional ``category`` (null = every category) and ``request_id`` (kept).
    Output: one row per (request, vehicle, part): ``row``, ``request_id``, ``vehicle_id`` (a
    VIN's candidate vehicles each answer), ``part_id``, ``brand``, ``part_number``,
    ``category``. A request whose vehicle has no part in the category is answered empty.
    Rejects: a missing or blank id, an unknown vehicle or category, an invalid VIN (with the
    validator's reasons) or one no pattern matches.

    Parameters
    ----------
    catalog : Catalog
    region : {"cn", "na", "eu", "any"}, default "cn"
        Whose VIN rules apply.
    keep : sequence of str, optional
        Request columns copied to the results (:class:`Job`); by default the id-like ones.

    Examples
    --------
    >>> import pyarrow as pa, yunpei_match as ym
    >>> job = FitmentJob(ym.Catalog.from_parquet("data/samples"))
    >>> requests = pa.table({"vehicle_id": ["V010001", "V999999"],
    ...                      "category": ["oil filter", None]})
    >>> results, rejects = job.process(requests, first_row=0)
    >>> results.column("part_number").to_pylist()[:2]
    ['03C 115 561 H', 'W 712/95']
    >>> rejects.column("reason").to_pylist()
    ['unknown vehicle_id']
    """

    name = "fitment"
    any_of = ("vehicle_id", "vin")
    kinds: ClassVar[dict[str, str]] = {
        "vehicle_id": "string",
        "vin": "string",
        "category": "string",
    }
    output_columns = ("vehicle_id", "part_id", "brand", "part_number", "category")
    dictionary_columns = ("vehicle_id", "category")

    def __init__(
        self, catalog: Catalog, *, region: Region = "cn", keep: Sequence[str] | None = None
    ) -> None:
        super().__init__(keep=keep)
        check_region(region)
        self.catalog, self.region = catalog, region
        self._parts = PartColumns(catalog)

    def _answer(self, table: pa.Table, rows: np.ndarray) -> tuple[pa.Table, pa.Table]:
        verdicts = Verdicts(table.num_rows)
        row, vehicle = request_vehicles(self.catalog, table, verdicts, self.region)
        category = categories(self.catalog, table, verdicts, required=False)
        keep = verdicts.accepted[row]
        row, vehicle = row[keep], vehicle[keep]
        pair, part = self.catalog.fitment.part_codes_many(vehicle, category[row])
        results = self.results(
            table,
            rows,
            row[pair],
            {
                "vehicle_id": self.catalog.vehicle_ids.decode(vehicle[pair]),
                "part_id": self.catalog.part_ids.decode(part),
                **self._parts.columns(part),
            },
        )
        return results, self.rejects(table, rows, verdicts)


def _number_keys(
    table: pa.Table, verdicts: Verdicts, catalog: Catalog
) -> tuple[pa.ChunkedArray, pa.Array]:
    """The ``number`` column and its keys; rejects nulls, blanks and numbers with no key."""
    numbers = check_ids(table, "number", verdicts)
    keys = normalize_numbers(numbers, kernels=catalog.kernels)
    empty = pc.equal(pc.utf8_length(keys), 0).fill_null(False).to_numpy(zero_copy_only=False)
    verdicts.reject(np.asarray(empty, bool), "no letters or digits in number")
    return numbers, keys


class NumberLookupJob(Job):
    """Parts of each typed part number: its own, OE and superseding numbers'
    (:meth:`NumberIndex.lookup_many <yunpei_match.numbers.NumberIndex.lookup_many>`).

    Input: ``number`` (as typed), optional ``request_id``. Output: ``row``, ``request_id``,
    ``part_id``, ``brand``, ``part_number``, ``category``, ``group_id``, ``number`` (the
    number matched) and ``via_supersession``. Rejects: a null or blank number, one without
    letters or digits, a number the catalogue does not know.

    Examples
    --------
    >>> import pyarrow as pa, yunpei_match as ym
    >>> job = NumberLookupJob(ym.Catalog.from_parquet("data/samples"))
    >>> results, rejects = job.process(pa.table({"number": ["w 712/95", "XX-0"]}), 0)
    >>> results.column("brand").to_pylist()[0], rejects.column("reason").to_pylist()
    ('Mann-Filter', ['unknown number'])
    """

    name = "numbers"
    required = ("number",)
    kinds: ClassVar[dict[str, str]] = {"number": "string"}
    output_columns = (
        "part_id",
        "brand",
        "part_number",
        "category",
        "group_id",
        "number",
        "via_supersession",
    )

    def __init__(self, catalog: Catalog, *, keep: Sequence[str] | None = None) -> None:
        super().__init__(keep=keep)
        self.catalog = catalog
        self._parts = PartColumns(catalog)

    def _answer(self, table: pa.Table, rows: np.ndarray) -> tuple[pa.Table, pa.Table]:
        verdicts = Verdicts(table.num_rows)
        numbers, keys = _number_keys(table, verdicts, self.catalog)
        known = self.catalog.numbers.number_codes(keys)
        verdicts.reject(known < 0, "unknown number")
        ok = np.flatnonzero(verdicts.accepted)
        found = self.catalog.numbers.lookup_many(numbers.take(ok))
        part = _codes(found.column("part_id"))
        columns = {"part_id": found.column("part_id"), **self._parts.columns(part)}
        for name in ("group_id", "number", "via_supersession"):
            columns[name] = found.column(name)
        local = ok[found.column("request_index").to_numpy()]
        return self.results(table, rows, local, columns), self.rejects(table, rows, verdicts)


class NumberSearchJob(Job):
    """Numbers within a few edits of each typed number, with their parts
    (:meth:`NumberIndex.search_many <yunpei_match.numbers.NumberIndex.search_many>`).

    Input: ``number``, optional ``request_id``. Output: ``row``, ``request_id``, ``number``
    (found), ``distance``, ``part_id``, ``brand``, ``part_number``, ``category``,
    ``group_id``, ``via_supersession``; a number with nothing within reach is answered empty.
    Rejects: a null or blank number, one without letters or digits.

    Parameters
    ----------
    catalog : Catalog
    max_edits : int, default 2
    limit : int or None, default 5
        As for ``search_many``.
    keep : sequence of str, optional
        Request columns copied to the results (:class:`Job`); by default the id-like ones.

    Examples
    --------
    >>> import pyarrow as pa, yunpei_match as ym
    >>> job = NumberSearchJob(ym.Catalog.from_parquet("data/samples"), limit=1)
    >>> results, _ = job.process(pa.table({"number": ["W 712/59"]}), 0)
    >>> results.column("number").to_pylist()[0], results.column("distance").to_pylist()[0]
    ('W 712/95', 2)
    """

    name = "number-search"
    required = ("number",)
    kinds: ClassVar[dict[str, str]] = {"number": "string"}
    output_columns = (
        "number",
        "distance",
        "part_id",
        "brand",
        "part_number",
        "category",
        "group_id",
        "via_supersession",
    )

    def __init__(
        self,
        catalog: Catalog,
        *,
        max_edits: int = 2,
        limit: int | None = 5,
        keep: Sequence[str] | None = None,
    ) -> None:
        super().__init__(keep=keep)
        check_search_options(max_edits, limit)
        self.catalog, self.max_edits, self.limit = catalog, max_edits, limit

    def _answer(self, table: pa.Table, rows: np.ndarray) -> tuple[pa.Table, pa.Table]:
        verdicts = Verdicts(table.num_rows)
        numbers, _ = _number_keys(table, verdicts, self.catalog)
        ok = np.flatnonzero(verdicts.accepted)
        found = self.catalog.numbers.search_many(
            numbers.take(ok), max_edits=self.max_edits, limit=self.limit
        )
        local = ok[found.column("request_index").to_numpy()]
        columns = {name: found.column(name) for name in self.output_columns}
        return self.results(table, rows, local, columns), self.rejects(table, rows, verdicts)


class VinDecodeJob(Job):
    """Validate and decode each VIN (:func:`yunpei_match.decode_vins`).

    Input: ``vin``, optional ``request_id``. Output: ``row``, ``request_id`` and the columns
    of ``decode_vins`` for each valid VIN (``vin`` normalised, ``valid``, ``reasons``,
    ``warnings``, ``wmi``... ``serial``). Rejects: a null or blank VIN, and an invalid one with
    the validator's reasons (``invalid vin (check_digit)``).

    Parameters
    ----------
    region : {"cn", "na", "eu", "any"}, default "cn"
    keep : sequence of str, optional
        Request columns copied to the results (:class:`Job`); by default the id-like ones.
    kernels : {"compiled", "reference"}, default "compiled"
        As for :func:`yunpei_match.decode_vins` (the catalogue jobs follow their catalogue's).

    Examples
    --------
    >>> import pyarrow as pa
    >>> results, rejects = VinDecodeJob().process(
    ...     pa.table({"vin": ["LFV2A21K6A3092399", "LSVAU2180N2183294"]}), 0)
    >>> results.column("maker").to_pylist(), rejects.column("reason").to_pylist()
    (['FAW-Volkswagen'], ['invalid vin (check_digit)'])
    """

    name = "vins"
    required = ("vin",)
    kinds: ClassVar[dict[str, str]] = {"vin": "string"}
    output_columns = tuple(decode_vins([]).column_names)

    def __init__(
        self,
        *,
        region: Region = "cn",
        keep: Sequence[str] | None = None,
        kernels: Kernels = "compiled",
    ) -> None:
        super().__init__(keep=keep)
        check_region(region)
        self.region, self.kernels = region, check_kernels(kernels)

    def _answer(self, table: pa.Table, rows: np.ndarray) -> tuple[pa.Table, pa.Table]:
        verdicts = Verdicts(table.num_rows)
        vins = check_ids(table, "vin", verdicts)
        decoded = decode_vins(vins, region=self.region, kernels=self.kernels)
        valid = np.asarray(decoded.column("valid").to_numpy(zero_copy_only=False), bool)
        invalid = np.flatnonzero(~valid)
        reasons = decoded.column("reasons").take(invalid).to_pylist()
        verdicts.reject_each(invalid, [f"invalid vin ({', '.join(r)})" for r in reasons])
        ok = np.flatnonzero(verdicts.accepted)
        answer = decoded.take(ok)
        columns = {name: answer.column(name) for name in answer.column_names}
        return self.results(table, rows, ok, columns), self.rejects(table, rows, verdicts)


def _codes(column: pa.ChunkedArray) -> np.ndarray:
    """The int32 codes of a dictionary column over a catalogue's ids."""
    if not len(column):
        return np.empty(0, np.int32)
    return column.combine_chunks().indices.to_numpy().astype(np.int32)
