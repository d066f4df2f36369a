"""Seeded synthetic catalogues with the shapes of real parts data.

Tests use scale ``"tiny"``, CI benchmarks ``"S"`` and the large benchmark runs ``"M"`` and ``"L"``
(5,000 vehicles, 1.5 M parts, 50 M fitment links).

How the shapes are made: vehicles come in *model families* (one make and model over its
production years), split into generations that each offer a few engine/gearbox configurations.
Vehicles are sorted by make, model, year and configuration, so a family is a contiguous run of
vehicle codes and each (family, year) *cell* a contiguous run inside it. Parts are drawn as
*applications*: a category, a run of consecutive cells (one model over some years, sometimes
running on into the next family, as shared platforms do), perhaps one engine only, and one or
two positions. Several parts share an application, as an OE part and its aftermarket equivalents
do. Run lengths follow a Pareto law whose scale is solved so that the links per vehicle meet the
target; wear-part categories get longer runs, so a few parts fit thousands of vehicles while most
fit a handful. An application can be written as one row per vehicle or as one make/model/year
range row per family it touches; both compile to the same links. Runs expand with ``np.repeat``
and an offset trick, never a Python loop per link.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ._apps import _applications, _part_layout
from ._fitments import _fitments_table
from ._fleet import _draw_fleet
from ._names import _part_types
from ._parts import _parts_table

__all__ = ["SCALES", "Scale", "generate", "write_parquet"]

_ROW_GROUP_ROWS = 2**22  # big, as each row group repeats the id dictionaries


@dataclass(frozen=True)
class Scale:
    """Size and shape of a synthetic catalogue.

    Parameters
    ----------
    n_vehicles : int
        Vehicles, i.e. make/model/year/engine/transmission configurations.
    n_parts : int
        Parts, universal ones included.
    mean_parts_per_vehicle : float
        Target mean of the parts fitting a vehicle: links, i.e. distinct (vehicle, part) pairs
        once range rows are expanded, universal parts left out. A part fitting a vehicle at two
        positions is one link and two rows.
    model_years : tuple of int, default (4, 21)
        Shortest and longest production run of a model, in years within 2005-2025.
    max_configs : int, default 6
        Most engine/transmission configurations of one model-year.
    range_row_share : float, default 0.0
        Share of fitment rows given by make/model/year range instead of by vehicle id.
    n_duplicate_rows : int, default 0
        Exact copies of vehicle-id fitment rows added on purpose.
    dictionary_encoded : bool, default False
        Make the fitments' ``part_id``, ``vehicle_id``, ``position`` and ``note`` dictionary
        arrays, so that tens of millions of rows hold no string copies.
    universal_share : float, default 0.0005
        Share of parts flagged universal; at least one part when positive.

    Raises
    ------
    TypeError
        If a count is not an int.
    ValueError
        If a value is out of range.

    Examples
    --------
    >>> from yunpei_match.synth import Scale, generate
    >>> small = Scale(n_vehicles=20, n_parts=100, mean_parts_per_vehicle=10.0)
    >>> generate(small)["vehicles"].num_rows
    20
    """

    n_vehicles: int
    n_parts: int
    mean_parts_per_vehicle: float
    model_years: tuple[int, int] = (4, 21)
    max_configs: int = 6
    range_row_share: float = 0.0
    n_duplicate_rows: int = 0
    dictionary_encoded: bool = False
    universal_share: float = 0.0005

    def __post_init__(self) -> None:
        for name in ("n_vehicles", "n_parts", "max_configs", "n_duplicate_rows"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise TypeError(f"Scale.{name} must be an int, got {type(value).__name__}")
        lo, hi = self.model_years
        rules = {
            "n_vehicles must be >= 1": self.n_vehicles >= 1,
            "n_parts must be >= 1": self.n_parts >= 1,
            "mean_parts_per_vehicle must be >= 0": self.mean_parts_per_vehicle >= 0,
            "model_years must satisfy 1 <= lo <= hi <= 21": 1 <= lo <= hi <= 21,
            "max_configs must be >= 1": self.max_configs >= 1,
            "range_row_share must be in [0, 1)": 0 <= self.range_row_share < 1,
            "n_duplicate_rows must be >= 0": self.n_duplicate_rows >= 0,
            "universal_share must be in [0, 1)": 0 <= self.universal_share < 1,
        }
        for rule, holds in rules.items():
            if not holds:
                value = getattr(self, rule.split()[0])
                raise ValueError(f"Scale.{rule}, got {value!r}")


SCALES: dict[str, Scale] = {
    "tiny": Scale(40, 300, 30.0, (2, 5), 2, range_row_share=0.2, n_duplicate_rows=3),
    "S": Scale(200, 30_000, 1_000.0, (3, 10), 4, range_row_share=0.2, n_duplicate_rows=10),
    "M": Scale(1_000, 300_000, 5_000.0, dictionary_encoded=True),
    "L": Scale(5_000, 1_500_000, 10_000.0, dictionary_encoded=True),
}


def generate(scale: str | Scale = "tiny", *, seed: int = 0) -> dict[str, pa.Table]:
    """Generate a synthetic catalogue: vehicles, parts and fitments.

    Parameters
    ----------
    scale : {"tiny", "S", "M", "L"} or Scale, default "tiny"
        A name from :data:`SCALES` or a custom :class:`Scale`.
    seed : int, default 0
        Seed of the random generator; the same seed gives identical tables.

    Returns
    -------
    dict of str to pyarrow.Table
        ``"vehicles"``, ``"parts"`` and ``"fitments"``, with the columns of DESIGN.md
        section 2. With ``dictionary_encoded`` the fitments' ``part_id`` and ``vehicle_id`` are
        int32 dictionary arrays over the parts' and vehicles' id columns, and ``position`` and
        ``note`` int8 dictionary arrays.

    Raises
    ------
    TypeError
        If ``scale`` is neither a str nor a Scale, or ``seed`` is not an int.
    ValueError
        If ``scale`` names no scale, ``seed`` is negative, or a brand runs out of part numbers
        (only for custom scales far above ``"L"``).

    Examples
    --------
    >>> from yunpei_match import synth
    >>> tables = synth.generate("tiny", seed=7)
    >>> sorted(tables)
    ['fitments', 'parts', 'vehicles']
    >>> tables["vehicles"].num_rows, tables["parts"].num_rows
    (40, 300)
    >>> tables["fitments"].schema.field("year_from").type
    DataType(int16)
    """
    resolved = _resolve_scale(scale)
    rng = np.random.default_rng(_check_seed(seed))
    types = _part_types()
    fleet = _draw_fleet(resolved, rng)
    app_of_part, counts = _part_layout(resolved, rng)
    apps = _applications(counts, types, fleet, resolved, rng)
    parts = _parts_table(app_of_part, apps, types, fleet, rng)
    fitments = _fitments_table(parts, app_of_part, apps, fleet, resolved, rng)
    return {"vehicles": fleet.table, "parts": parts, "fitments": fitments}


def write_parquet(
    directory: str | Path, scale: str | Scale = "tiny", *, seed: int = 0
) -> dict[str, Path]:
    """Generate a synthetic catalogue and write it as parquet files.

    Parameters
    ----------
    directory : str or Path
        Where to write ``vehicles.parquet``, ``parts.parquet`` and ``fitments.parquet``;
        created if missing. Existing files of those names are replaced.
    scale : {"tiny", "S", "M", "L"} or Scale, default "tiny"
        As for :func:`generate`.
    seed : int, default 0
        As for :func:`generate`.

    Returns
    -------
    dict of str to Path
        The path written for each table name.

    Raises
    ------
    TypeError, ValueError
        As for :func:`generate`.

    Examples
    --------
    >>> import tempfile
    >>> import pyarrow.parquet as pq
    >>> from yunpei_match import synth
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = synth.write_parquet(tmp, "tiny", seed=7)
    ...     print(sorted(p.name for p in paths.values()), pq.read_table(paths["vehicles"]).num_rows)
    ['fitments.parquet', 'parts.parquet', 'vehicles.parquet'] 40
    """
    tables = generate(scale, seed=seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {name: directory / f"{name}.parquet" for name in tables}
    for name, table in tables.items():
        # At "L" the part_id dictionary is ~20 MB: under the default 1 MB dictionary-page limit
        # parquet falls back to plain strings: files 2.4x the size that read 2.6x slower.
        pq.write_table(
            table, paths[name], row_group_size=_ROW_GROUP_ROWS, dictionary_pagesize_limit=2**26
        )
    return paths


def _resolve_scale(scale: object) -> Scale:
    if isinstance(scale, Scale):
        return scale
    if not isinstance(scale, str):
        raise TypeError(f"scale must be a scale name or a Scale, got {type(scale).__name__}")
    if scale not in SCALES:
        names = ", ".join(repr(name) for name in SCALES)
        raise ValueError(f"unknown scale {scale!r}; expected one of {names} or a Scale")
    return SCALES[scale]


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    return int(seed)
