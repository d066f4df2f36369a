"""The catalogue: validated, encoded, immutable tables plus the indexes built over them.

Examples
--------
>>> import yunpei_match as ym
>>> catalog = ym.Catalog.from_parquet("data/samples")
>>> catalog.stats.vehicles > 0 and catalog.stats.links > 0
True
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from .._base.encoded import Encoded
from .._base.ids import IdDictionary
from .._base.kernel_choice import Kernels, check_kernels
from .._base.labels import Labels, category_names
from .._base.tables import as_table
from ..errors import DataError, MissingTableError
from ..fitment import FitmentIndex, Layout, LinkArrays, build_links
from ..numbers import NumberArrays, NumberIndex, NumberTables, build_numbers
from ..vin import VinIndex, encode_vin_patterns
from . import storage

if TYPE_CHECKING:
    from ..stock import Inventory

__all__ = ["BuildStats", "Catalog"]


@dataclass(frozen=True)
class BuildStats:
    """What the build found: counts, rows it collapsed or dropped, and the index size.

    Attributes
    ----------
    fitment_rows : int
        Rows of the fitments table.
    duplicate_rows : int
        Application rows equal to another (same vehicle, part, position, qty, note), collapsed.
    unmatched_rows : int
        Make/model/year-range rows that matched no vehicle (kept out; worth a look).
    universal_rows : int
        Fitment rows naming a universal part: redundant, since it fits every vehicle.
    links : int
        Distinct (vehicle, part) pairs stored.
    numbers : int
        Distinct part-number keys (own, OE and superseded numbers).
    interchange_groups : int
        Connected components of the part-number graph.
    index_bytes : int
        Bytes held by the fitment and number arrays.
    """

    vehicles: int
    parts: int
    categories: int
    universal_parts: int
    fitment_rows: int
    duplicate_rows: int
    unmatched_rows: int
    universal_rows: int
    links: int
    detail_rows: int
    numbers: int
    oe_rows: int
    supersessions: int
    interchange_groups: int
    index_bytes: int
    build_seconds: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Catalog:
    """Vehicles, parts and fitments, encoded to dense codes, with a fitment index.

    Build one with :meth:`from_tables` or :meth:`from_parquet`, save it with :meth:`save` and
    memory-map it back with :meth:`load`. A catalogue never changes once built and is safe to
    share between threads.

    Attributes
    ----------
    vehicles : pyarrow.Table
        The vehicles, sorted by ``vehicle_id``; row ``i`` is vehicle code ``i``.
    parts : pyarrow.Table
        The parts, sorted by (``category``, ``part_id``); row ``i`` is part code ``i``.
    details : pyarrow.Table
        The distinct application details (``position``, ``qty``, ``note``).
    vehicle_ids, part_ids, category_ids : IdDictionary
        Id <-> code lookups.
    category_labels : Labels
        Category names as queries match them (case, width and spacing ignored): ``code`` and
        ``codes`` give category codes, an unknown name raises ``UnknownIdError`` naming the
        closest ones.
    stats : BuildStats
    kernels : {"compiled", "reference"}
        The kernels every call of the catalogue runs on, as chosen when it was built or loaded.
    """

    def __init__(
        self,
        *,
        vehicles: pa.Table,
        parts: pa.Table,
        categories: pa.Array,
        details: pa.Table,
        links: LinkArrays,
        numbers: NumberArrays,
        number_tables: NumberTables,
        vin_patterns: pa.Table,
        stats: BuildStats,
        kernels: Kernels = "compiled",
        id_dictionaries: tuple[IdDictionary, IdDictionary] | None = None,
        category_labels: Labels | None = None,
    ) -> None:
        self.vehicles = vehicles
        self.parts = parts
        self.details = details
        self.vehicle_ids, self.part_ids = id_dictionaries or _id_dictionaries(
            vehicles, parts, kernels
        )
        self.category_ids = IdDictionary(categories, "parts", "category", "categories", kernels)
        # Built here, not only at build time, so that a saved index is held to the rule a
        # build enforces (no two categories sharing a label key).
        self.category_labels = (
            category_names(categories) if category_labels is None else category_labels
        )
        self.stats = stats
        self._links = links
        self._numbers = numbers
        self._number_tables = number_tables
        self._vin_patterns = vin_patterns
        self.kernels = kernels

    def __repr__(self) -> str:
        s = self.stats
        return (
            f"<Catalog: {s.vehicles:,} vehicles, {s.parts:,} parts in {s.categories:,} "
            f"categories, {s.links:,} links>"
        )

    @property
    def part_category(self) -> npt.NDArray[np.int32]:
        """Category code of each part code: parts are numbered in category order.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> code = int(catalog.part_category[catalog.part_ids.code("P0100001")])
        >>> catalog.category_ids.ids[code].as_py()
        'oil filter'
        """
        return self._links.part_category  # built once, for every reader

    @cached_property
    def _encoded(self) -> Encoded:
        return Encoded(
            self.vehicles, self.parts, self.details, self.vehicle_ids, self.part_ids, self.kernels
        )

    @cached_property
    def fitment(self) -> FitmentIndex:
        """Fitment queries (:class:`~yunpei_match.fitment.FitmentIndex`)."""
        return FitmentIndex(
            self._encoded,
            self._links,
            self.category_labels,
            lambda vin, region: self.vins.vehicles_for_vin(vin, region=region),
        )

    @cached_property
    def vins(self) -> VinIndex:
        """VIN queries through ``vin_patterns`` (:class:`~yunpei_match.vin.index.VinIndex`)."""
        return VinIndex(self._encoded, self._vin_patterns)

    @cached_property
    def numbers(self) -> NumberIndex:
        """Part-number queries (:class:`~yunpei_match.numbers.NumberIndex`)."""
        return NumberIndex(self._encoded, self._numbers, self._number_tables)

    def offers(
        self,
        vehicle_id: str | None = None,
        vin: str | None = None,
        category: str | None = None,
        lat: float | None = None,
        lon: float | None = None,
        qty: int = 1,
        *,
        inventory: Inventory,
        limit: int | None = 10,
        substitutes: bool = True,
    ) -> pa.Table:
        """Parts that fit, in stock near a shop, best first.

        A convenience: calls :func:`yunpei_match.offers.offers` with this catalogue, which
        documents the parameters and the result. ``category``, ``lat`` and ``lon`` are
        required; they are keywords for readability. ``offers`` is a layer above ``catalog``,
        so it is imported here, when called, never when this module loads.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> inventory = ym.Inventory.from_parquet(catalog, "data/samples")
        >>> catalog.offers(vehicle_id="V070010", category="brake pads", lat=31.23,
        ...                lon=121.47, inventory=inventory).num_rows > 0
        True
        """
        from ..offers import offers

        if category is None or lat is None or lon is None:
            raise DataError("offers needs category, lat and lon")
        return offers(
            self,
            vehicle_id=vehicle_id,
            vin=vin,
            category=category,
            lat=lat,
            lon=lon,
            qty=qty,
            inventory=inventory,
            limit=limit,
            substitutes=substitutes,
        )

    def offers_many(self, requests: Any, **options: Any) -> pa.Table:
        """:meth:`offers` for a table of requests.

        A convenience: calls :func:`yunpei_match.offers.offers_many` with this catalogue,
        which documents the requests, options and result (imported when called, as for
        :meth:`offers`).
        """
        from ..offers import offers_many

        return offers_many(self, requests, **options)

    # -- building -----------------------------------------------------------------------------

    @classmethod
    def from_tables(
        cls,
        *,
        vehicles: Any,
        parts: Any,
        fitments: Any = None,
        oe_numbers: Any = None,
        supersessions: Any = None,
        vin_patterns: Any = None,
        layout: Layout = "auto",
        kernels: Kernels = "compiled",
    ) -> Catalog:
        """Validate and encode input tables and build the fitment index.

        Parameters
        ----------
        vehicles, parts : table-like
            pyarrow Table, polars or pandas DataFrame, or a dict of columns; see DESIGN.md
            section 2 for the columns.
        fitments : table-like, optional
            Rows by ``vehicle_id`` or by ``make`` + ``model`` + ``year_from`` + ``year_to``
            (+ vehicle columns as qualifiers, null = any), with optional ``position``, ``qty``,
            ``note``. Exact duplicate rows are collapsed and counted in ``stats``.
        oe_numbers : table-like, optional
            ``part_id``, ``oe_number`` (+ ``oe_brand``): the OE numbers each part replaces.
            Parts sharing a number are interchangeable (``catalog.numbers``).
        supersessions : table-like, optional
            ``old_number``, ``new_number`` (+ ``brand``): a query for the old number also
            finds the parts of the newest number of its chain. A cycle is a ``DataError``.
        vin_patterns : table-like, optional
            ``pattern`` (17 characters, ``*`` = any) and ``vehicle_id``: how VINs map to
            vehicles (``catalog.vins``, ``catalog.fitment.parts_for_vin``).
        layout : {"auto", "dense", "sparse"}
            How a (vehicle, category) run is found. ``"dense"`` keeps one offset per pair
            (8 bytes x vehicles x categories; two loads a lookup, the fastest); ``"sparse"``
            keeps each vehicle's own categories (a binary search a lookup), for catalogues
            with very many categories (a TecDoc-sized list of ~8,000 part types). ``"auto"``
            is dense unless that table would pass 64 MB and cost more than half an offset per
            link.
        kernels : {"compiled", "reference"}
            What every call of the catalogue runs on, this build included: the compiled
            kernels (the default) or their pure-Python twins, which are slow and obviously
            right (for tests and for telling a kernel bug from a data problem). Id lookups,
            number normalisation, VIN decoding, the indexes and an ``Inventory`` built over
            the catalogue all follow it.

        Raises
        ------
        MissingColumnError, DataError, DuplicateIdError
            For a missing column, a null or out-of-range value, a blank (empty or whitespace
            only) ``vehicle_id``, ``part_id`` or ``category``, a value Arrow cannot hold (a
            lone surrogate), a column name used twice, a repeated id, or two categories that
            differ only in case, width or spacing (queries could not tell them apart).
        ColumnTypeError
            For a column of the wrong type, or one mixing types (ints and strings).
        UnknownIdError
            For a fitment naming a vehicle or part that is not in the tables.
        DataError
            Also for a ``kernels`` that is neither ``"compiled"`` nor ``"reference"``.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> ym.Catalog.from_tables(
        ...     vehicles={"vehicle_id": ["V1"], "make": ["比亚迪"], "model": ["秦"],
        ...               "year": [2021]},
        ...     parts={"part_id": ["P1"], "brand": ["BYD"], "part_number": ["10171735-00"],
        ...            "category": ["cabin filter"]},
        ...     fitments={"part_id": ["P1"], "vehicle_id": ["V1"]})
        <Catalog: 1 vehicles, 1 parts in 1 categories, 1 links>
        """
        # Here, not at the top: building needs polars, loading a saved index does not.
        from ..fitment.encode import encode_fitments, encode_parts, encode_vehicles

        started = time.perf_counter()
        kernels = check_kernels(kernels)
        vehicles_table = encode_vehicles(as_table(vehicles, "vehicles"))
        parts_table, categories, category_start = encode_parts(as_table(parts, "parts"))
        category_labels = category_names(categories)  # before the work a clash would waste
        universal = parts_table.column("universal").to_numpy(zero_copy_only=False)
        vehicle_ids, part_ids = _id_dictionaries(vehicles_table, parts_table, kernels)
        applications = encode_fitments(
            _optional(fitments, "fitments"), vehicles_table, vehicle_ids, part_ids, universal
        )
        links, duplicates = build_links(
            applications.vehicle,
            applications.part,
            applications.detail,
            n_vehicles=vehicles_table.num_rows,
            category_start=category_start,
            n_details=applications.details.num_rows,
            universal_mask=universal,
            layout=layout,
            kernels=kernels,
        )
        numbers, number_tables, number_counts = build_numbers(
            parts_table,
            part_ids,
            _optional(oe_numbers, "oe_numbers"),
            _optional(supersessions, "supersessions"),
            kernels,
        )
        stats = BuildStats(
            vehicles=vehicles_table.num_rows,
            parts=parts_table.num_rows,
            categories=len(categories),
            universal_parts=int(np.count_nonzero(universal)),
            fitment_rows=applications.fitment_rows,
            duplicate_rows=duplicates,
            unmatched_rows=applications.unmatched_rows,
            universal_rows=applications.universal_rows,
            links=links.n_links,
            detail_rows=applications.details.num_rows,
            **number_counts,
            index_bytes=links.nbytes + numbers.nbytes,
            build_seconds=round(time.perf_counter() - started, 6),
        )
        return cls(
            vehicles=vehicles_table,
            parts=parts_table,
            categories=categories,
            details=applications.details,
            links=links,
            numbers=numbers,
            number_tables=number_tables,
            vin_patterns=encode_vin_patterns(_optional(vin_patterns, "vin_patterns"), vehicle_ids),
            stats=stats,
            kernels=kernels,
            id_dictionaries=(vehicle_ids, part_ids),
            category_labels=category_labels,
        )

    @classmethod
    def from_parquet(cls, directory: str | Path, **options: Any) -> Catalog:
        """Build from the parquet tables of a directory (``vehicles``, ``parts``; optional
        ``fitments``, ``oe_numbers``, ``supersessions``, ``vin_patterns``).

        Each table is a file ``<name>.parquet`` or a directory ``<name>/`` of parquet files
        (a partitioned dataset). Other files are ignored.

        Raises
        ------
        MissingTableError
            If ``vehicles`` or ``parts`` is missing.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> ym.Catalog.from_parquet("data/samples")  # doctest: +ELLIPSIS
        <Catalog: ... vehicles, ... parts in ... categories, ... links>
        """
        root = Path(directory)
        names = ("vehicles", "parts", "fitments", "oe_numbers", "supersessions", "vin_patterns")
        tables: dict[str, Any] = {name: read_table(root, name) for name in names}
        for name in ("vehicles", "parts"):
            if tables[name] is None:
                raise MissingTableError(
                    f"{name} table not found: expected {root / name}.parquet or {root / name}/"
                )
        return cls.from_tables(**tables, **options)

    # -- persistence ----------------------------------------------------------------------------

    def save(self, directory: str | Path) -> Path:
        """Write the catalogue and its index to ``directory`` (:mod:`yunpei_match.catalog.storage`).

        The directory is written next to its final place and renamed into it, so a crash never
        leaves a half-written index behind.

        Examples
        --------
        >>> import tempfile, yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = catalog.save(f"{tmp}/index")
        ...     ym.Catalog.load(path).stats.links == catalog.stats.links
        True
        """
        return storage.save(
            Path(directory),
            tables={
                "vehicles": self.vehicles,
                "parts": self.parts,
                "categories": pa.table({"category": self.category_ids.ids}),
                "details": self.details,
                "numbers": self._number_tables.numbers,
                "number_brands": self._number_tables.brands,
                "vin_patterns": self._vin_patterns,
            },
            arrays={**self._links.as_dict(), **self._numbers.as_dict()},
            stats=self.stats,
        )

    @classmethod
    def load(
        cls, directory: str | Path, *, verify_checksums: bool = True, kernels: Kernels = "compiled"
    ) -> Catalog:
        """Memory-map a catalogue written by :meth:`save`.

        Structural checks always run: array sizes, offsets monotonic and in range, codes in
        range; every table column's string offsets, UTF-8 and dictionary indices; the
        manifest's build stats against the arrays. Whatever the files hold, the catalogue
        returned is safe to query and convert. ``verify_checksums=False`` skips the CRC-32
        check, which reads every byte of every file. ``kernels`` is as for
        :meth:`from_tables`: the checks and every later call run on that choice.

        Raises
        ------
        IndexFileError
            If the directory is missing, truncated, altered or of another format version (an
            alteration that leaves every file well-formed is caught by the CRC-32 check only).
        DataError
            For a ``kernels`` that is neither ``"compiled"`` nor ``"reference"``.
        """
        return storage.load(
            cls, Path(directory), verify_checksums=verify_checksums, kernels=check_kernels(kernels)
        )


def _optional(data: Any, table: str) -> pa.Table | None:
    """An optional input table as Arrow, or None when it was not given."""
    return None if data is None else as_table(data, table)


def _id_dictionaries(
    vehicles: pa.Table, parts: pa.Table, kernels: Kernels
) -> tuple[IdDictionary, IdDictionary]:
    vehicle_ids = vehicles.column("vehicle_id").combine_chunks()
    part_ids = parts.column("part_id").combine_chunks()
    return (
        IdDictionary(vehicle_ids, "vehicles", "vehicle_id", "vehicles", kernels),
        IdDictionary(part_ids, "parts", "part_id", "parts", kernels),
    )


def read_table(root: Path, name: str) -> pa.Table | None:
    """Table ``name`` of a directory (``<name>.parquet`` or a dataset folder), or None."""
    import pyarrow.dataset as ds

    for path in (root / f"{name}.parquet", root / name):
        if path.exists():
            try:
                return ds.dataset(path, format="parquet").to_table()
            except (pa.ArrowInvalid, OSError) as exc:
                raise DataError(f"{name}: cannot read {path}: {exc}") from None
    return None
