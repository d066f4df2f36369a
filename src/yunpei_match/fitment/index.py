"""FitmentIndex: the fitment queries of a catalogue (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from .._base.encoded import Encoded
from .._base.ids import IdDictionary, OnUnknown, as_string_array
from .._base.kernel_choice import kernels_of
from .._base.labels import Labels
from ..errors import ColumnTypeError, DataError, UnknownIdError
from ..vin import Region
from .links import LinkArrays

__all__ = ["FitmentIndex"]


class FitmentIndex:
    """Queries over a catalogue's fitment links; get it as ``catalog.fitment``.

    The index is immutable and safe to share between threads; the kernels release the GIL.
    """

    def __init__(
        self,
        encoded: Encoded,
        arrays: LinkArrays,
        categories: Labels,
        vehicles_for_vin: Callable[[str, Region], pa.Table],
    ) -> None:
        self._encoded = encoded
        self._links = arrays
        self._vehicles: IdDictionary = encoded.vehicle_ids
        self._parts: IdDictionary = encoded.part_ids
        self._categories = categories
        self._vehicles_for_vin = vehicles_for_vin
        self._positions: tuple[Labels, npt.NDArray[np.int32]] | None = None
        self._n_categories = len(arrays.category_start) - 1
        self._n_vehicles = len(self._vehicles)
        self._kernels = kernels_of(__name__, encoded.kernels)
        self._runs = self._kernels.RunIndex(
            arrays.run_bounds,
            arrays.vehicle_runs,
            arrays.run_category,
            arrays.link_part,
            arrays.universal,
            arrays.universal_bounds,
            self._n_vehicles,
            self._n_categories,
        )
        self._part_universal = np.zeros(len(self._parts), np.uint8)
        self._part_universal[arrays.universal] = 1
        self._part_category = arrays.part_category
        details = encoded.details.num_rows
        self._expand_indptr = np.concatenate(
            [np.arange(details, dtype=np.int64), details + arrays.set_indptr]
        )
        self._expand_detail = np.concatenate(
            [np.arange(details, dtype=np.int32), arrays.set_detail]
        )

    # -- fast path ------------------------------------------------------------------------

    def part_codes(self, vehicle: int, category: int | None = None) -> npt.NDArray[np.int32]:
        """Part codes fitting vehicle code ``vehicle`` (optionally in category code ``category``).

        The raw fast path: codes in, codes out, ascending. When no universal part falls in the
        range the result is a read-only view of the index (no copy). Map ids to codes with
        ``catalog.vehicle_ids.code(...)`` and back with ``catalog.part_ids.ids``.

        Raises
        ------
        UnknownIdError
            If a code is outside the catalogue.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> v = catalog.vehicle_ids.code(catalog.vehicle_ids.ids[0].as_py())
        >>> codes = catalog.fitment.part_codes(v)
        >>> bool((codes[1:] > codes[:-1]).all())
        True
        """
        try:
            codes = self._runs.part_codes(vehicle, category)
        except (TypeError, OverflowError):
            raise ColumnTypeError(
                f"part_codes takes integer codes: vehicle is {type(vehicle).__name__}, "
                f"category is {type(category).__name__}"
            ) from None
        if codes is None:
            if not 0 <= vehicle < self._n_vehicles:
                raise UnknownIdError(f"vehicle code {vehicle} is outside 0..{self._n_vehicles - 1}")
            raise UnknownIdError(f"category code {category} is outside 0..{self._n_categories - 1}")
        return codes

    # -- vehicle -> parts -------------------------------------------------------------------

    def parts_for_vehicle(
        self, vehicle_id: str, *, category: str | None = None, position: str | None = None
    ) -> pa.Table:
        """Parts that fit one vehicle, one row per application, in category order.

        Parameters
        ----------
        vehicle_id : str
        category : str, optional
            Only parts of this category (``"brake pads"``). Categories and positions are
            matched ignoring case, width and spacing (``"Brake  Pads"``, ``"ＦＲＯＮＴ"``).
        position : str, optional
            Only applications at this position (``"front"``); universal parts, having no
            position, are then left out.

        Returns
        -------
        pyarrow.Table
            Columns ``part_id``, ``brand``, ``part_number``, ``category`` and the application
            details ``position``, ``qty``, ``note`` (null when the fitment gave none). A part
            fitting two positions has two rows.

        Raises
        ------
        UnknownIdError
            If the vehicle, the category or the position is not in the catalogue (the
            message lists the known categories or positions, or the closest ones).

        Examples
        --------
        >>> import yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> pads = catalog.fitment.parts_for_vehicle(
        ...     catalog.vehicle_ids.ids[0].as_py(), category="brake pads", position="front")
        >>> pads.column_names
        ['part_id', 'brand', 'part_number', 'category', 'position', 'qty', 'note']
        """
        vehicle = self._vehicles.code(vehicle_id)
        category_code = None if category is None else self._categories.code(category)
        position_code = None if position is None else self._position_labels()[0].code(position)
        n_categories = self._n_categories
        links = np.arange(*self._links.span(vehicle, category_code))
        part, detail = self._expand(self._links.link_part[links], self._links.detail_sets(links))
        bounds = self._links.universal_bounds
        low = 0 if category_code is None else category_code
        high = n_categories if category_code is None else category_code + 1
        universal = self._links.universal[bounds[low] : bounds[high]]
        part = np.concatenate([part, universal])
        detail = np.concatenate([detail, np.full(len(universal), -1, np.int64)])
        if position_code is not None:
            at = np.append(self._position_labels()[1], -1)[detail]  # detail -1: no position
            part, detail = part[at == position_code], detail[at == position_code]
        order = np.argsort(part, kind="stable")
        return self._part_rows(part[order], detail[order])

    def parts_for_vin(
        self,
        vin: str,
        *,
        category: str | None = None,
        position: str | None = None,
        region: Region = "cn",
    ) -> pa.Table:
        """Parts for every candidate vehicle of a VIN (see ``catalog.vins``).

        A VIN often maps to several configurations; rather than guess, the answer lists each
        candidate's parts, with its ``vehicle_id`` first, in the columns of
        :meth:`parts_for_vehicle` (``category`` and ``position`` as there).

        Raises
        ------
        DataError
            If the VIN is invalid under ``region``.
        UnknownIdError
            If the category or the position is not in the catalogue.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> parts = catalog.fitment.parts_for_vin("LFV2A26F1KM333275", category="oil filter")
        >>> sorted(set(parts.column("vehicle_id").to_pylist()))
        ['V060007', 'V060008']
        """
        if category is not None:  # unknown labels raise even when no vehicle matches
            self._categories.code(category)
        if position is not None:
            self._position_labels()[0].code(position)
        vehicles = self._vehicles_for_vin(vin, region)
        tables = []
        for vehicle in vehicles.column("vehicle_id").to_pylist():
            rows = self.parts_for_vehicle(vehicle, category=category, position=position)
            vehicle_column = pa.array([vehicle] * rows.num_rows, pa.string())
            tables.append(rows.add_column(0, "vehicle_id", vehicle_column))
        if not tables:
            empty = self._part_rows(np.empty(0, np.int32), np.empty(0, np.int64))
            return empty.add_column(0, "vehicle_id", pa.array([], pa.string()))
        return pa.concat_tables(tables)

    def parts_for_vehicles(
        self,
        vehicle_ids: Any,
        *,
        categories: Any = None,
        on_unknown: OnUnknown = "raise",
    ) -> pa.Table:
        """Parts fitting each of many vehicles (optionally each in one category).

        Parameters
        ----------
        vehicle_ids : sequence of str
            A list, numpy array, pyarrow array (dictionary-encoded arrays are mapped through
            their dictionary only) or polars Series.
        categories : str or sequence of str, optional
            One category for every request, or one per request (null = every category),
            matched as in :meth:`parts_for_vehicle`.
        on_unknown : {"raise", "skip"}
            What to do with an id (vehicle or category) the catalogue does not have: raise
            ``UnknownIdError``, or answer that request with no rows.

        Returns
        -------
        pyarrow.Table
            ``request_index`` (int32, the request's row) and ``part_id`` (dictionary), sorted by
            request then part code; each (request, part) pair once.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> ids = catalog.vehicle_ids.ids[:3]
        >>> result = catalog.fitment.parts_for_vehicles(ids, categories="oil filter")
        >>> result.column_names
        ['request_index', 'part_id']
        """
        vehicles = self._vehicles.codes(vehicle_ids, on_unknown=on_unknown)
        categories_codes = self._category_codes(categories, len(vehicles), on_unknown)
        vehicles = np.where(categories_codes == -2, -1, vehicles).astype(np.int32)
        index, part = self.part_codes_many(vehicles, np.maximum(categories_codes, -1))
        return pa.table({"request_index": index, "part_id": self._parts.decode(part)})

    def part_codes_many(
        self, vehicles: npt.NDArray[np.int32], categories: npt.NDArray[np.integer]
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
        """The raw batch path: (request index, part code) pairs from codes.

        ``vehicles`` and ``categories`` are codes per request, -1 for no vehicle (no rows) and
        for every category. Codes must be in range: this path does not check them.
        """
        return self._kernels.gather_parts(
            self._links.run_bounds,
            self._links.vehicle_runs,
            self._links.run_category,
            self._links.link_part,
            self._links.universal,
            self._links.universal_bounds,
            self._n_categories,
            np.ascontiguousarray(vehicles, np.int32),
            np.ascontiguousarray(categories, np.int32),
        )

    # -- part -> vehicles -------------------------------------------------------------------

    def vehicles_for_part(self, part_id: str) -> pa.Table:
        """Vehicles one part fits, one row per application, in vehicle-id order.

        Returns
        -------
        pyarrow.Table
            ``vehicle_id``, ``make``, ``model``, ``year`` and the application details
            ``position``, ``qty``, ``note``. A universal part lists every vehicle with null
            details.

        Raises
        ------
        UnknownIdError
            If the part is not in the catalogue.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> rows = catalog.fitment.vehicles_for_part(catalog.part_ids.ids[0].as_py())
        >>> rows.column_names[:4]
        ['vehicle_id', 'make', 'model', 'year']
        """
        part = self._parts.code(part_id)
        _, vehicle = self._kernels.gather_vehicles(
            self._links.part_indptr,
            self._links.part_vehicle,
            self._part_universal,
            self._n_vehicles,
            np.array([part], np.int32),
        )
        if self._part_universal[part]:
            detail = np.full(len(vehicle), -1, np.int64)
        else:
            found = self._find_links(vehicle, np.full(len(vehicle), part, np.int32))
            vehicle_rows, detail = self._expand(
                np.arange(len(vehicle)), self._links.detail_sets(found)
            )
            vehicle = vehicle[vehicle_rows]
        rows = self._encoded.vehicles.select(["vehicle_id", "make", "model", "year"]).take(vehicle)
        return self._with_details(rows, detail)

    def vehicles_for_parts(self, part_ids: Any, *, on_unknown: OnUnknown = "raise") -> pa.Table:
        """Vehicles each of many parts fits.

        Returns
        -------
        pyarrow.Table
            ``request_index`` (int32) and ``vehicle_id`` (dictionary), sorted by request then
            vehicle id; each (request, vehicle) pair once.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> catalog.fitment.vehicles_for_parts(catalog.part_ids.ids[:2]).column_names
        ['request_index', 'vehicle_id']
        """
        parts = self._parts.codes(part_ids, on_unknown=on_unknown)
        index, vehicle = self._kernels.gather_vehicles(
            self._links.part_indptr,
            self._links.part_vehicle,
            self._part_universal,
            self._n_vehicles,
            parts,
        )
        return pa.table({"request_index": index, "vehicle_id": self._vehicles.decode(vehicle)})

    def fits(self, part_id: str, vehicle_id: str) -> bool:
        """Whether a part fits a vehicle (a universal part fits every vehicle).

        Raises
        ------
        UnknownIdError
            If either id is not in the catalogue.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> part = catalog.part_ids.ids[0].as_py()
        >>> vehicle = catalog.fitment.vehicles_for_part(part).column("vehicle_id")[0].as_py()
        >>> catalog.fitment.fits(part, vehicle)
        True
        """
        part = self._parts.code(part_id)
        vehicle = self._vehicles.code(vehicle_id)
        if self._part_universal[part]:
            return True
        found = self._find_links(np.array([vehicle], np.int32), np.array([part], np.int32))
        return bool(found[0] >= 0)

    # -- helpers ----------------------------------------------------------------------------

    def _find_links(self, vehicle: np.ndarray, part: np.ndarray) -> npt.NDArray[np.int64]:
        """Position of each (vehicle, part) link in the link arrays, -1 where there is none."""
        return self._kernels.find_links(
            self._links.run_bounds,
            self._links.vehicle_runs,
            self._links.run_category,
            self._links.link_part,
            self._part_category,
            self._n_categories,
            vehicle.astype(np.int32),
            part.astype(np.int32),
        )

    def _expand(self, rows: np.ndarray, detail_sets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Repeat ``rows`` once per detail in each row's detail set; return (rows, details)."""
        sets = detail_sets.astype(np.int64)
        starts = self._expand_indptr[sets]
        counts = self._expand_indptr[sets + 1] - starts
        repeated = np.repeat(np.arange(len(sets)), counts)
        offsets = np.arange(len(repeated)) - np.repeat(np.cumsum(counts) - counts, counts)
        details = self._expand_detail[np.repeat(starts, counts) + offsets].astype(np.int64)
        return np.asarray(rows)[repeated], details

    def _part_rows(self, part: np.ndarray, detail: np.ndarray) -> pa.Table:
        parts = self._encoded.parts
        rows = parts.select(["brand", "part_number", "category"]).take(part)
        table = rows.add_column(0, "part_id", self._parts.decode(part.astype(np.int32)))
        return self._with_details(table, detail)

    def _with_details(self, table: pa.Table, detail: np.ndarray) -> pa.Table:
        """``table`` plus the position, qty and note of detail rows ``detail`` (-1: null)."""
        details = self._encoded.details
        taken = pa.array(detail, mask=detail < 0)
        for name in ("position", "qty", "note"):
            table = table.append_column(name, details.column(name).take(taken).combine_chunks())
        return table

    def _position_labels(self) -> tuple[Labels, npt.NDArray[np.int32]]:
        """The catalogue's positions, and the label code of each detail row's (-1: none)."""
        if self._positions is None:  # on first use; racing threads build equal ones
            column = self._encoded.details.column("position")
            labels = Labels(column.combine_chunks(), "position", "positions")
            self._positions = (labels, labels.codes(column, on_unknown="skip"))
        return self._positions

    def _category_codes(self, categories: Any, n: int, on_unknown: OnUnknown) -> np.ndarray:
        """Category code per request: -1 = every category, -2 = unknown and skipped."""
        if categories is None:
            return np.full(n, -1, np.int64)
        if isinstance(categories, str):
            if on_unknown == "raise":
                return np.full(n, self._categories.code(categories), np.int64)
            code = self._categories.codes([categories], on_unknown="skip")[0]
            return np.full(n, -2 if code < 0 else code, np.int64)
        array = as_string_array(categories, "categories")
        if len(array) != n:
            raise DataError(f"categories must have one entry per request ({n}), got {len(array)}")
        nulls = array.is_null().to_numpy()
        codes = self._categories.codes(array, on_unknown=on_unknown).astype(np.int64)
        return np.where(nulls, -1, np.where(codes < 0, -2, codes))
