"""Every documented ``Raises`` of building a catalogue and of the fitment queries, table-driven.

Each case names the exception class, the builtin it must also be (DESIGN.md section 5) and a
regular expression for the message, which must name the table, column, row and value.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from table_forms import Columns, as_arrow_dictionary_ids, as_polars

import yunpei_match as ym
from yunpei_match.errors import (
    ColumnTypeError,
    DataError,
    DuplicateIdError,
    IndexFileError,
    MissingColumnError,
    MissingTableError,
    UnknownIdError,
    YunpeiMatchError,
)

# -- inputs --------------------------------------------------------------------------------------


def vehicles(**changes: list[Any]) -> Columns:
    """Four vehicles: three Camry years (two engines) and a Civic."""
    table: Columns = {
        "vehicle_id": ["V1", "V2", "V3", "V4"],
        "make": ["Toyota", "Toyota", "Toyota", "Honda"],
        "model": ["Camry", "Camry", "Camry", "Civic"],
        "year": [2018, 2019, 2020, 2019],
        "engine": ["2.0", "2.5", "2.0", "1.5"],
    }
    return {**table, **changes}


def parts(**changes: list[Any]) -> Columns:
    """Four parts in three categories; U1 is universal."""
    table: Columns = {
        "part_id": ["P1", "P2", "P3", "U1"],
        "brand": ["Toyota", "Bosch", "Brembo", "3M"],
        "part_number": ["04152-YZZA1", "0 986 494 123", "P 83 124", "WB-24"],
        "category": ["oil filter", "brake pads", "brake pads", "wiper"],
        "universal": [False, False, False, True],
    }
    return {**table, **changes}


def fitments(**changes: list[Any]) -> Columns:
    """Two rows by vehicle_id, then one make/model/year-range row."""
    table: Columns = {
        "part_id": ["P1", "P2", "P3"],
        "vehicle_id": ["V1", "V2", None],
        "make": [None, None, "Toyota"],
        "model": [None, None, "Camry"],
        "year_from": [None, None, 2018],
        "year_to": [None, None, 2019],
        "position": [None, "front", "rear"],
        "qty": [1, 2, 2],
    }
    return {**table, **changes}


def without(table: Columns, *names: str) -> Columns:
    return {name: values for name, values in table.items() if name not in names}


def build(**tables: Any) -> ym.Catalog:
    """Catalogue from the default tables, with any of them replaced."""
    given = {"vehicles": vehicles(), "parts": parts(), "fitments": fitments(), **tables}
    return ym.Catalog.from_tables(**given)


def as_polars_categorical_ids(table: Columns) -> pl.DataFrame:
    frame = pl.DataFrame(table)
    return frame.with_columns(pl.col(c).cast(pl.Categorical) for c in table if c.endswith("_id"))


FORMS: dict[str, Callable[[Columns], Any]] = {
    "dict": lambda table: table,
    "polars": as_polars,
    "polars-categorical": as_polars_categorical_ids,
    "arrow-dictionary": as_arrow_dictionary_ids,
}


# -- every error class is also the builtin a caller would catch ---------------------------------


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (DataError, ValueError),
        (MissingColumnError, ValueError),
        (DuplicateIdError, ValueError),
        (ColumnTypeError, TypeError),
        (UnknownIdError, LookupError),
        (IndexFileError, ValueError),
        (MissingTableError, FileNotFoundError),
    ],
)
def test_error_class_is_library_error_and_builtin(error: type, builtin: type) -> None:
    assert issubclass(error, YunpeiMatchError)
    assert issubclass(error, builtin)
    assert error.__name__ in ym.__all__


# -- building: one table of bad inputs -----------------------------------------------------------

BUILD_ERRORS = [
    # missing columns: the message lists what is missing and what is there
    pytest.param(
        {"vehicles": without(vehicles(), "make", "year")},
        MissingColumnError,
        ValueError,
        r"^vehicles is missing required column\(s\) make, year; "
        r"it has vehicle_id, model, engine$",
        id="vehicles-missing-make-and-year",
    ),
    pytest.param(
        {"parts": without(parts(), "category")},
        MissingColumnError,
        ValueError,
        r"^parts is missing required column\(s\) category; "
        r"it has part_id, brand, part_number, universal$",
        id="parts-missing-category",
    ),
    pytest.param(
        {"fitments": without(fitments(), "part_id")},
        MissingColumnError,
        ValueError,
        r"^fitments is missing required column\(s\) part_id; it has vehicle_id, make",
        id="fitments-missing-part-id",
    ),
    pytest.param(
        {"fitments": {"part_id": ["P1"], "make": ["Toyota"]}},
        MissingColumnError,
        ValueError,
        r"^fitments needs a vehicle_id column or make, model, year_from and year_to; "
        r"it lacks model, year_from, year_to and has part_id, make$",
        id="fitments-without-vehicle-id-or-range",
    ),
    pytest.param(
        {"vehicles": {}},
        MissingColumnError,
        ValueError,
        r"vehicles is missing required column\(s\) vehicle_id, make, model, year; "
        r"it has no columns",
        id="vehicles-no-columns",
    ),
    # wrong types
    pytest.param(
        {"vehicles": vehicles(vehicle_id=[1, 2, 3, 4])},
        ColumnTypeError,
        TypeError,
        r"^vehicles\.vehicle_id must hold strings, got int64",
        id="vehicles-integer-vehicle-id",
    ),
    pytest.param(
        {"vehicles": vehicles(year=["2018", "2019", "2020", "2019"])},
        ColumnTypeError,
        TypeError,
        r"^vehicles\.year must hold integers, got string$",
        id="vehicles-string-year",
    ),
    pytest.param(
        {"parts": parts(universal=["no", "no", "no", "yes"])},
        ColumnTypeError,
        TypeError,
        r"^parts\.universal must hold booleans, got string$",
        id="parts-string-universal",
    ),
    pytest.param(
        {"parts": parts(universal=[0, 0, 0, 1])},
        ColumnTypeError,
        TypeError,
        r"^parts\.universal must hold booleans, got int64$",
        id="parts-integer-universal",
    ),
    pytest.param(
        {"vehicles": 42},
        ColumnTypeError,
        TypeError,
        r"^vehicles must be a pyarrow Table, a polars or pandas DataFrame or a dict of columns, "
        r"got int$",
        id="vehicles-not-a-table",
    ),
    pytest.param(
        {"parts": "parts.parquet"},
        ColumnTypeError,
        TypeError,
        r"^parts must be a pyarrow Table.*got str$",
        id="parts-path-string-not-a-table",
    ),
    pytest.param(
        {"fitments": [("P1", "V1")]},
        ColumnTypeError,
        TypeError,
        r"^fitments must be a pyarrow Table.*got list$",
        id="fitments-list-not-a-table",
    ),
    pytest.param(
        {"vehicles": vehicles(vehicle_id=["V1", 2, "V3", "V4"])},
        ColumnTypeError,
        TypeError,
        r"^vehicles\.vehicle_id must hold values of one type, got string at row 0 and int64 "
        r"\(2\) at row 1$",
        id="vehicles-mixed-types-in-list",
    ),
    pytest.param(
        {"fitments": fitments(qty=["1", "2", "2"])},
        ColumnTypeError,
        TypeError,
        r"^fitments\.qty must hold integers, got string$",
        id="fitments-string-qty",
    ),
    pytest.param(
        {"fitments": fitments(position=[1, 2, 3])},
        ColumnTypeError,
        TypeError,
        r"^fitments\.position must hold strings, got int64",
        id="fitments-integer-position",
    ),
    pytest.param(
        {"fitments": fitments(engine=[None, None, 20])},
        ColumnTypeError,
        TypeError,
        r"^fitments\.engine qualifies vehicles\.engine and must hold the same kind of "
        r"values \(text\), got integer$",
        id="fitments-qualifier-type-differs",
    ),
    # nulls
    pytest.param(
        {"vehicles": vehicles(vehicle_id=["V1", "V2", None, "V4"])},
        DataError,
        ValueError,
        r"^vehicles\.vehicle_id must not be null, got null at row 2$",
        id="vehicles-null-vehicle-id",
    ),
    pytest.param(
        {"vehicles": vehicles(make=["Toyota", None, "Toyota", "Honda"])},
        DataError,
        ValueError,
        r"^vehicles\.make must not be null, got null at row 1$",
        id="vehicles-null-make",
    ),
    pytest.param(
        {"vehicles": vehicles(year=[2018, 2019, 2020, None])},
        DataError,
        ValueError,
        r"^vehicles\.year must not be null, got null at row 3$",
        id="vehicles-null-year",
    ),
    pytest.param(
        {"vehicles": vehicles(vehicle_id=[None, None, None, None])},
        DataError,
        ValueError,
        r"^vehicles\.vehicle_id must not be null, got null at row 0$",
        id="vehicles-all-null-vehicle-id",
    ),
    pytest.param(
        {"parts": parts(part_id=["P1", None, "P3", "U1"])},
        DataError,
        ValueError,
        r"^parts\.part_id must not be null, got null at row 1$",
        id="parts-null-part-id",
    ),
    pytest.param(
        {"parts": parts(category=["oil filter", "brake pads", None, "wiper"])},
        DataError,
        ValueError,
        r"^parts\.category must not be null, got null at row 2$",
        id="parts-null-category",
    ),
    pytest.param(
        {"fitments": fitments(part_id=["P1", "P2", None])},
        DataError,
        ValueError,
        r"^fitments\.part_id must not be null, got null at row 2$",
        id="fitments-null-part-id",
    ),
    # duplicates name the value and both rows
    pytest.param(
        {"vehicles": vehicles(vehicle_id=["V1", "V2", "V3", "V2"])},
        DuplicateIdError,
        ValueError,
        r"^vehicles\.vehicle_id must be unique, got 'V2' at rows 1 and 3$",
        id="vehicles-duplicate-vehicle-id",
    ),
    pytest.param(
        {"parts": parts(part_id=["P1", "P1", "P3", "U1"])},
        DuplicateIdError,
        ValueError,
        r"^parts\.part_id must be unique, got 'P1' at rows 0 and 1$",
        id="parts-duplicate-part-id",
    ),
    # unknown ids name the value and the row
    pytest.param(
        {"fitments": fitments(part_id=["P1", "P9", "P3"])},
        UnknownIdError,
        LookupError,
        r"^fitments\.part_id 'P9' at row 1 is not in parts$",
        id="fitments-unknown-part",
    ),
    pytest.param(
        {"fitments": fitments(vehicle_id=["V1", "V9", None])},
        UnknownIdError,
        LookupError,
        r"^fitments\.vehicle_id 'V9' at row 1 is not in vehicles$",
        id="fitments-unknown-vehicle",
    ),
    # values out of range
    pytest.param(
        {"fitments": fitments(qty=[1, 2, -3])},
        DataError,
        ValueError,
        r"^fitments\.qty must be >= 0, got -3 at row 2$",
        id="fitments-negative-qty",
    ),
    pytest.param(
        {"fitments": fitments(qty=[1, 40000, 2])},
        DataError,
        ValueError,
        r"^fitments\.qty must be <= 32767, got 40000 at row 1$",
        id="fitments-qty-too-large",
    ),
    pytest.param(
        {"vehicles": vehicles(year=[2018, 1800, 2020, 2019])},
        DataError,
        ValueError,
        r"^vehicles\.year must be >= 1896, got 1800 at row 1$",
        id="vehicles-year-too-early",
    ),
    pytest.param(
        {"vehicles": vehicles(year=[2018, 2019, 2020, 2101])},
        DataError,
        ValueError,
        r"^vehicles\.year must be <= 2100, got 2101 at row 3$",
        id="vehicles-year-too-late",
    ),
    pytest.param(
        {
            "fitments": {
                "part_id": ["P1", "P2", "P3"],
                "make": ["Toyota"] * 3,
                "model": ["Camry"] * 3,
                "year_from": [2018] * 3,
                "year_to": [2019, 2020, 3000],
            }
        },
        DataError,
        ValueError,
        r"^fitments\.year_to must be <= 2100, got 3000 at row 2$",
        id="fitments-year-out-of-range-range-rows-only",
    ),
    # row numbers are rows of the ORIGINAL fitments table: the bad range row is not first and
    # the rows before it name a vehicle_id
    pytest.param(
        {"fitments": fitments(year_from=[None, None, 2021])},
        DataError,
        ValueError,
        r"^fitments\.year_from must be <= year_to, got 2021 > 2019 at row 2$",
        id="fitments-reversed-year-range",
    ),
    pytest.param(
        {"fitments": fitments(year_from=[None, None, 1800])},
        DataError,
        ValueError,
        r"^fitments\.year_from must be >= 1896, got 1800 at row 2$",
        id="fitments-year-out-of-range-after-vehicle-rows",
    ),
    pytest.param(
        {"fitments": fitments(make=[None, None, None])},
        DataError,
        ValueError,
        r"^fitments\.make must not be null, got null at row 2$",
        id="fitments-range-row-null-make",
    ),
    pytest.param(
        {"fitments": fitments(year_to=[None, None, None])},
        DataError,
        ValueError,
        r"^fitments\.year_to must not be null, got null at row 2$",
        id="fitments-range-row-null-year-to",
    ),
    # a value that does not fit int64 is still a value error, not an Arrow crash
    pytest.param(
        {
            "fitments": pa.table(
                {"part_id": ["P1"], "vehicle_id": ["V1"], "qty": pa.array([2**63 + 5], pa.uint64())}
            )
        },
        DataError,
        ValueError,
        r"^fitments\.qty must be <= 32767, got 9223372036854775813 at row 0$",
        id="fitments-uint64-qty-beyond-int64",
    ),
]


@pytest.mark.parametrize(("tables", "error", "builtin", "message"), BUILD_ERRORS)
def test_from_tables_rejects_bad_input(
    tables: dict[str, Any], error: type[Exception], builtin: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message) as caught:
        build(**tables)
    assert isinstance(caught.value, YunpeiMatchError)
    assert isinstance(caught.value, builtin)


# The same errors whatever the input form: dicts, polars (String and Categorical ids) and
# pyarrow tables with dictionary-encoded id columns.
FORM_ERRORS = [
    pytest.param(
        "vehicles",
        vehicles(vehicle_id=["V1", "V2", None, "V4"]),
        DataError,
        r"^vehicles\.vehicle_id must not be null, got null at row 2$",
        id="null-vehicle-id",
    ),
    pytest.param(
        "vehicles",
        vehicles(vehicle_id=["V1", "V2", "V3", "V2"]),
        DuplicateIdError,
        r"^vehicles\.vehicle_id must be unique, got 'V2' at rows 1 and 3$",
        id="duplicate-vehicle-id",
    ),
    pytest.param(
        "parts",
        parts(part_id=["P1", "P1", "P3", "U1"]),
        DuplicateIdError,
        r"^parts\.part_id must be unique, got 'P1' at rows 0 and 1$",
        id="duplicate-part-id",
    ),
    pytest.param(
        "parts",
        without(parts(), "brand"),
        MissingColumnError,
        r"^parts is missing required column\(s\) brand",
        id="missing-brand",
    ),
    pytest.param(
        "fitments",
        fitments(part_id=["P1", "P9", "P3"]),
        UnknownIdError,
        r"^fitments\.part_id 'P9' at row 1 is not in parts$",
        id="unknown-part",
    ),
    pytest.param(
        "fitments",
        fitments(vehicle_id=["V1", "V9", None]),
        UnknownIdError,
        r"^fitments\.vehicle_id 'V9' at row 1 is not in vehicles$",
        id="unknown-vehicle",
    ),
    pytest.param(
        "fitments",
        fitments(qty=[1, 2, -3]),
        DataError,
        r"^fitments\.qty must be >= 0, got -3 at row 2$",
        id="negative-qty",
    ),
    pytest.param(
        "fitments",
        fitments(year_from=[None, None, 2021]),
        DataError,
        r"^fitments\.year_from must be <= year_to, got 2021 > 2019 at row 2$",
        id="reversed-years",
    ),
]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("name", "table", "error", "message"), FORM_ERRORS)
def test_from_tables_errors_are_the_same_for_every_input_form(
    form: str, name: str, table: Columns, error: type[Exception], message: str
) -> None:
    convert = FORMS[form]
    tables = {"vehicles": vehicles(), "parts": parts(), "fitments": fitments()}
    tables[name] = table
    with pytest.raises(error, match=message):
        ym.Catalog.from_tables(**{key: convert(value) for key, value in tables.items()})


@pytest.mark.parametrize("form", FORMS)
def test_from_tables_gives_the_same_catalogue_for_every_input_form(form: str) -> None:
    convert = FORMS[form]
    catalog = ym.Catalog.from_tables(
        vehicles=convert(vehicles()), parts=convert(parts()), fitments=convert(fitments())
    )
    expected = build()
    assert catalog.stats.as_dict() | {"build_seconds": 0} == expected.stats.as_dict() | {
        "build_seconds": 0
    }
    for vehicle in ["V1", "V2", "V3", "V4"]:
        got = catalog.fitment.parts_for_vehicle(vehicle)
        assert got.to_pylist() == expected.fitment.parts_for_vehicle(vehicle).to_pylist()


def test_string_view_id_columns_are_accepted_like_other_strings() -> None:
    # polars and DuckDB can hand over string_view columns; batch queries accept them already
    table = pa.table(vehicles())
    table = table.set_column(0, "vehicle_id", table.column("vehicle_id").cast(pa.string_view()))
    catalog = build(vehicles=table)
    assert catalog.vehicle_ids.ids.to_pylist() == ["V1", "V2", "V3", "V4"]


# -- qualifiers, warnings and build statistics ----------------------------------------------------


def range_row(**qualifiers: list[Any]) -> Columns:
    """Fitments of P3 on every 2018-2020 Camry, plus the given qualifier columns."""
    rows: Columns = {
        "part_id": ["P3"],
        "make": ["Toyota"],
        "model": ["Camry"],
        "year_from": [2018],
        "year_to": [2020],
    }
    return {**rows, **qualifiers}


def fitted_vehicles(catalog: ym.Catalog, part_id: str) -> list[str]:
    return catalog.fitment.vehicles_for_part(part_id).column("vehicle_id").to_pylist()


@pytest.mark.parametrize(
    ("qualifiers", "expected"),
    [
        pytest.param({}, ["V1", "V2", "V3"], id="no-qualifier"),
        pytest.param({"engine": ["2.0"]}, ["V1", "V3"], id="engine-2.0"),
        pytest.param({"engine": ["2.5"]}, ["V2"], id="engine-2.5"),
        pytest.param({"engine": ["9.9"]}, [], id="engine-matches-nothing"),
        pytest.param({"engine": [None]}, ["V1", "V2", "V3"], id="null-engine-is-any"),
    ],
)
def test_range_row_qualifier_restricts_vehicles(qualifiers: Columns, expected: list[str]) -> None:
    catalog = build(fitments=range_row(**qualifiers))
    assert fitted_vehicles(catalog, "P3") == expected


def test_qualifier_null_in_one_row_and_set_in_another() -> None:
    rows = {
        "part_id": ["P2", "P3"],
        "make": ["Toyota", "Toyota"],
        "model": ["Camry", "Camry"],
        "year_from": [2018, 2018],
        "year_to": [2020, 2020],
        "engine": [None, "2.5"],
    }
    catalog = build(fitments=rows)
    assert fitted_vehicles(catalog, "P2") == ["V1", "V2", "V3"]
    assert fitted_vehicles(catalog, "P3") == ["V2"]


def test_qualifier_on_a_vehicle_id_row_is_not_applied() -> None:
    # documented in _build: qualifiers apply to range rows only
    catalog = build(fitments={"part_id": ["P1"], "vehicle_id": ["V2"], "engine": ["2.0"]})
    assert fitted_vehicles(catalog, "P1") == ["V2"]


def test_qualifier_matches_a_dictionary_encoded_vehicle_column() -> None:
    table = pa.table(vehicles())
    table = table.set_column(4, "engine", table.column("engine").dictionary_encode())
    catalog = build(vehicles=table, fitments=range_row(engine=["2.0"]))
    assert fitted_vehicles(catalog, "P3") == ["V1", "V3"]


def test_qualifier_from_polars_fitments_matches_dict_vehicles() -> None:
    # polars gives large_string, a dict of lists gives string: the same logical type
    catalog = build(fitments=pl.DataFrame(range_row(engine=["2.0"])))
    assert fitted_vehicles(catalog, "P3") == ["V1", "V3"]


def test_qualifier_from_dict_fitments_matches_polars_vehicles() -> None:
    catalog = build(vehicles=pl.DataFrame(vehicles()), fitments=range_row(engine=["2.5"]))
    assert fitted_vehicles(catalog, "P3") == ["V2"]


def test_year_column_in_fitments_qualifies_like_any_vehicle_column() -> None:
    # DESIGN.md section 2: any vehicle column is a qualifier; vehicles.year is one
    catalog = build(fitments=range_row(year=[2019]))
    assert fitted_vehicles(catalog, "P3") == ["V2"]


def test_unknown_fitments_column_warns_and_does_not_qualify() -> None:
    with pytest.warns(UserWarning, match=r"fitments column\(s\) supplier are neither"):
        catalog = build(fitments=range_row(supplier=["ACME"]))
    assert fitted_vehicles(catalog, "P3") == ["V1", "V2", "V3"]


def test_exact_duplicate_fitment_rows_are_collapsed_and_counted() -> None:
    rows = {
        "part_id": ["P1", "P1", "P2", "P2", "P2"],
        "vehicle_id": ["V1", "V1", "V2", "V2", "V2"],
        "position": [None, None, "front", "front", "rear"],
    }
    catalog = build(fitments=rows)
    assert catalog.stats.fitment_rows == 5
    assert catalog.stats.duplicate_rows == 2
    assert catalog.stats.links == 2
    positions = catalog.fitment.parts_for_vehicle("V2", category="brake pads")
    assert positions.column("position").to_pylist() == ["front", "rear"]


def test_range_row_duplicating_a_vehicle_row_is_a_duplicate() -> None:
    rows = {
        "part_id": ["P1", "P1"],
        "vehicle_id": ["V4", None],
        "make": [None, "Honda"],
        "model": [None, "Civic"],
        "year_from": [None, 2019],
        "year_to": [None, 2019],
    }
    catalog = build(fitments=rows)
    assert catalog.stats.duplicate_rows == 1
    assert fitted_vehicles(catalog, "P1") == ["V4"]


def test_range_row_matching_nothing_is_counted_unmatched() -> None:
    rows = {
        "part_id": ["P1", "P2", "P3"],
        "vehicle_id": ["V1", None, None],
        "make": [None, "Nissan", "Toyota"],
        "model": [None, "Sunny", "Camry"],
        "year_from": [None, 2000, 1990],
        "year_to": [None, 2005, 1995],
    }
    catalog = build(fitments=rows)
    assert catalog.stats.unmatched_rows == 2
    assert fitted_vehicles(catalog, "P2") == []
    assert fitted_vehicles(catalog, "P3") == []
    assert catalog.stats.links == 1


def test_fitment_rows_naming_a_universal_part_are_counted_and_it_fits_everything() -> None:
    rows = {"part_id": ["U1", "U1", "P1"], "vehicle_id": ["V1", "V3", "V1"]}
    catalog = build(fitments=rows)
    assert catalog.stats.universal_rows == 2
    assert catalog.stats.links == 1
    assert fitted_vehicles(catalog, "U1") == ["V1", "V2", "V3", "V4"]
    assert all(catalog.fitment.fits("U1", v) for v in ["V1", "V2", "V3", "V4"])


def test_no_fitments_table_builds_an_empty_index() -> None:
    catalog = ym.Catalog.from_tables(vehicles=vehicles(), parts=parts())
    assert catalog.stats.fitment_rows == 0
    assert catalog.stats.links == 0
    # the universal part still fits
    assert catalog.fitment.parts_for_vehicle("V1").column("part_id").to_pylist() == ["U1"]


# -- from_parquet ---------------------------------------------------------------------------------


def write_tables(directory: Path, **tables: Columns) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        pq.write_table(pa.table(table), directory / f"{name}.parquet")
    return directory


def test_from_parquet_without_vehicles_raises_missing_table(tmp_path: Path) -> None:
    write_tables(tmp_path, parts=parts(), fitments=fitments())
    with pytest.raises(MissingTableError, match=r"^vehicles table not found: expected .*") as e:
        ym.Catalog.from_parquet(tmp_path)
    assert isinstance(e.value, FileNotFoundError)
    assert isinstance(e.value, YunpeiMatchError)
    assert str(tmp_path / "vehicles.parquet") in str(e.value)


def test_from_parquet_without_parts_raises_missing_table(tmp_path: Path) -> None:
    write_tables(tmp_path, vehicles=vehicles())
    with pytest.raises(MissingTableError, match=r"^parts table not found"):
        ym.Catalog.from_parquet(tmp_path)


def test_from_parquet_on_a_missing_directory_raises_missing_table(tmp_path: Path) -> None:
    with pytest.raises(MissingTableError, match=r"^vehicles table not found"):
        ym.Catalog.from_parquet(tmp_path / "nowhere")


def test_from_parquet_fitments_are_optional(tmp_path: Path) -> None:
    write_tables(tmp_path, vehicles=vehicles(), parts=parts())
    catalog = ym.Catalog.from_parquet(tmp_path)
    assert (catalog.stats.vehicles, catalog.stats.parts, catalog.stats.links) == (4, 4, 0)


def test_from_parquet_reads_a_table_given_as_a_directory_of_files(tmp_path: Path) -> None:
    write_tables(tmp_path, parts=parts(), fitments=fitments())
    table = pa.table(vehicles())
    (tmp_path / "vehicles").mkdir()
    pq.write_table(table.slice(0, 2), tmp_path / "vehicles" / "part-0.parquet")
    pq.write_table(table.slice(2), tmp_path / "vehicles" / "part-1.parquet")
    catalog = ym.Catalog.from_parquet(tmp_path)
    assert catalog.vehicle_ids.ids.to_pylist() == ["V1", "V2", "V3", "V4"]
    assert catalog.stats.links == build().stats.links


def test_from_parquet_passes_validation_errors_through(tmp_path: Path) -> None:
    write_tables(tmp_path, vehicles=vehicles(), parts=parts(), fitments=fitments(qty=[1, 2, -3]))
    with pytest.raises(DataError, match=r"^fitments\.qty must be >= 0, got -3 at row 2$"):
        ym.Catalog.from_parquet(tmp_path)


def test_from_parquet_unreadable_file_raises_data_error(tmp_path: Path) -> None:
    write_tables(tmp_path, parts=parts())
    (tmp_path / "vehicles.parquet").write_bytes(b"this is not parquet")
    with pytest.raises(DataError, match=r"^vehicles: cannot read .*vehicles\.parquet"):
        ym.Catalog.from_parquet(tmp_path)


# -- queries --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalog() -> ym.Catalog:
    return build()


SCALAR_ERRORS = [
    pytest.param(
        lambda f: f.parts_for_vehicle("nope"),
        UnknownIdError,
        r"^vehicle_id 'nope' is not in the catalogue \(4 vehicles\)$",
        id="parts_for_vehicle-unknown-vehicle",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicle("V1", category="nope"),
        UnknownIdError,
        r"^category 'nope' is not in the catalogue "
        r"\(3 categories: 'brake pads', 'oil filter', 'wiper'\)$",
        id="parts_for_vehicle-unknown-category",
    ),
    pytest.param(
        lambda f: f.vehicles_for_part("nope"),
        UnknownIdError,
        r"^part_id 'nope' is not in the catalogue \(4 parts\)$",
        id="vehicles_for_part-unknown-part",
    ),
    pytest.param(
        lambda f: f.fits("P1", "nope"),
        UnknownIdError,
        r"^vehicle_id 'nope' is not in the catalogue",
        id="fits-unknown-vehicle",
    ),
    pytest.param(
        lambda f: f.fits("nope", "V1"),
        UnknownIdError,
        r"^part_id 'nope' is not in the catalogue",
        id="fits-unknown-part",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicle(None),
        ColumnTypeError,
        r"^vehicle_id must be a string, got NoneType$",
        id="parts_for_vehicle-none",
    ),
    pytest.param(
        lambda f: f.fits("P1", 7),
        ColumnTypeError,
        r"^vehicle_id must be a string, got int$",
        id="fits-integer-vehicle",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicle("V1", position=1),
        ColumnTypeError,
        r"position",
        id="parts_for_vehicle-integer-position",
    ),
    pytest.param(
        lambda f: f.part_codes(-1),
        UnknownIdError,
        r"^vehicle code -1 is outside 0\.\.3$",
        id="part_codes-negative-vehicle",
    ),
    pytest.param(
        lambda f: f.part_codes(4),
        UnknownIdError,
        r"^vehicle code 4 is outside 0\.\.3$",
        id="part_codes-vehicle-past-end",
    ),
    pytest.param(
        lambda f: f.part_codes(0, 10**6),
        UnknownIdError,
        r"^category code 1000000 is outside 0\.\.2$",
        id="part_codes-huge-category",
    ),
    pytest.param(
        lambda f: f.part_codes(0, -1),
        UnknownIdError,
        r"^category code -1 is outside 0\.\.2$",
        id="part_codes-negative-category",
    ),
    pytest.param(
        lambda f: f.part_codes("0"),
        ColumnTypeError,
        r"vehicle",
        id="part_codes-string-code",
    ),
    pytest.param(
        lambda f: f.part_codes(0.5),
        ColumnTypeError,
        r"vehicle",
        id="part_codes-float-code",
    ),
]

BATCH_ERRORS = [
    pytest.param(
        lambda f: f.parts_for_vehicles(["V1", "nope"]),
        UnknownIdError,
        r"^vehicle_id 'nope' at row 1 is not in the catalogue \(4 vehicles\)$",
        id="parts_for_vehicles-unknown-vehicle",
    ),
    pytest.param(
        lambda f: f.vehicles_for_parts(["P1", "P2", "nope"]),
        UnknownIdError,
        r"^part_id 'nope' at row 2 is not in the catalogue \(4 parts\)$",
        id="vehicles_for_parts-unknown-part",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicles(["V1", "V2"], categories="nope"),
        UnknownIdError,
        r"^category 'nope'",
        id="parts_for_vehicles-unknown-category-for-all",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicles(["V1", "V2"], categories=["wiper", "nope"]),
        UnknownIdError,
        r"^category 'nope' at row 1 is not in the catalogue",
        id="parts_for_vehicles-unknown-category-per-request",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicles(["V1", None]),
        DataError,
        r"^vehicle_id must not be null, got null at row 1$",
        id="parts_for_vehicles-null-vehicle",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicles("V1"),
        ColumnTypeError,
        r"^vehicle_id values must be a sequence of ids, got the single string 'V1'$",
        id="parts_for_vehicles-single-string",
    ),
    pytest.param(
        lambda f: f.vehicles_for_parts("P1"),
        ColumnTypeError,
        r"^part_id values must be a sequence of ids, got the single string 'P1'$",
        id="vehicles_for_parts-single-string",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicles(b"V1"),
        ColumnTypeError,
        r"single string",
        id="parts_for_vehicles-single-bytes",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicles(["V1"], on_unknown="bogus"),
        DataError,
        r"^on_unknown must be 'raise' or 'skip', got 'bogus'$",
        id="parts_for_vehicles-bogus-on-unknown",
    ),
    pytest.param(
        lambda f: f.vehicles_for_parts(["P1"], on_unknown="bogus"),
        DataError,
        r"^on_unknown must be 'raise' or 'skip', got 'bogus'$",
        id="vehicles_for_parts-bogus-on-unknown",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicles(["V1", "V2"], categories=["wiper"]),
        DataError,
        r"^categories must have one entry per request \(2\), got 1$",
        id="parts_for_vehicles-categories-wrong-length",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicles(["V1"], categories=5),
        ColumnTypeError,
        r"^categories must hold strings",
        id="parts_for_vehicles-integer-categories",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicles([1, 2]),
        ColumnTypeError,
        r"^vehicle_id values must hold strings, got int64$",
        id="parts_for_vehicles-integers",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicles(np.array([1, 2])),
        ColumnTypeError,
        r"^vehicle_id values must hold strings, got int64$",
        id="parts_for_vehicles-numpy-integers",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicles(["V1", 2]),
        ColumnTypeError,
        r"^vehicle_id values must hold strings",
        id="parts_for_vehicles-mixed-list",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicles([b"V1"]),
        ColumnTypeError,
        r"^vehicle_id values must hold strings, got binary$",
        id="parts_for_vehicles-bytes-in-list",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicles(None),
        ColumnTypeError,
        r"^vehicle_id values must hold strings",
        id="parts_for_vehicles-none",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicles(5),
        ColumnTypeError,
        r"^vehicle_id values must hold strings",
        id="parts_for_vehicles-integer",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicles(np.array([["V1", "V2"]])),
        ColumnTypeError,
        r"^vehicle_id values must hold strings",
        id="parts_for_vehicles-2d-array",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicles(["x" * 10_000]),
        UnknownIdError,
        r"^vehicle_id 'x+\.\.\.x' at row 0 is not in the catalogue",
        id="parts_for_vehicles-10kB-id",
    ),
    pytest.param(
        lambda f: f.parts_for_vehicles(["V1", "🚗车"]),
        UnknownIdError,
        r"^vehicle_id '🚗车' at row 1 is not in the catalogue",
        id="parts_for_vehicles-emoji-id",
    ),
]

EXPECTED_BUILTIN = {
    UnknownIdError: LookupError,
    DataError: ValueError,
    ColumnTypeError: TypeError,
}


@pytest.mark.parametrize(("call", "error", "message"), SCALAR_ERRORS + BATCH_ERRORS)
def test_query_rejects_bad_input(
    catalog: ym.Catalog, call: Callable[[Any], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message) as caught:
        call(catalog.fitment)
    assert isinstance(caught.value, YunpeiMatchError)
    assert isinstance(caught.value, EXPECTED_BUILTIN[error])


def rows_by_request(table: pa.Table, column: str) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = {}
    for index, value in zip(
        table.column("request_index").to_pylist(), table.column(column).to_pylist(), strict=True
    ):
        grouped.setdefault(index, []).append(value)
    return grouped


def test_parts_for_vehicles_skip_answers_unknown_request_with_no_rows(catalog: ym.Catalog) -> None:
    result = catalog.fitment.parts_for_vehicles(["V1", "nope", "V2"], on_unknown="skip")
    grouped = rows_by_request(result, "part_id")
    assert 1 not in grouped
    assert grouped[0] == catalog.fitment.parts_for_vehicles(["V1"]).column("part_id").to_pylist()
    assert grouped[2] == catalog.fitment.parts_for_vehicles(["V2"]).column("part_id").to_pylist()


def test_parts_for_vehicles_skip_treats_null_like_unknown(catalog: ym.Catalog) -> None:
    result = catalog.fitment.parts_for_vehicles(["V1", None], on_unknown="skip")
    assert set(result.column("request_index").to_pylist()) == {0}


def test_vehicles_for_parts_skip_answers_unknown_request_with_no_rows(
    catalog: ym.Catalog,
) -> None:
    result = catalog.fitment.vehicles_for_parts(["nope", "P1"], on_unknown="skip")
    grouped = rows_by_request(result, "vehicle_id")
    assert 0 not in grouped
    assert grouped[1] == fitted_vehicles(catalog, "P1")


def test_unknown_category_for_all_requests_skips_every_request(catalog: ym.Catalog) -> None:
    result = catalog.fitment.parts_for_vehicles(["V1", "V2"], categories="nope", on_unknown="skip")
    assert result.num_rows == 0
    assert result.column_names == ["request_index", "part_id"]


def test_unknown_category_per_request_skips_only_that_request(catalog: ym.Catalog) -> None:
    result = catalog.fitment.parts_for_vehicles(
        ["V1", "V1", "V1"], categories=["wiper", "nope", None], on_unknown="skip"
    )
    grouped = rows_by_request(result, "part_id")
    assert grouped[0] == ["U1"]
    assert 1 not in grouped
    assert grouped[2] == catalog.fitment.parts_for_vehicles(["V1"]).column("part_id").to_pylist()


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda f: f.parts_for_vehicles([]), id="parts_for_vehicles"),
        pytest.param(lambda f: f.vehicles_for_parts([]), id="vehicles_for_parts"),
        pytest.param(lambda f: f.parts_for_vehicles(np.array([], dtype=str)), id="numpy"),
        pytest.param(lambda f: f.parts_for_vehicles(pa.array([], pa.string())), id="arrow"),
        pytest.param(lambda f: f.parts_for_vehicles(pl.Series([], dtype=pl.String)), id="polars"),
        pytest.param(
            lambda f: f.parts_for_vehicles(pa.chunked_array([], pa.string())), id="chunked"
        ),
    ],
)
def test_empty_batch_gives_an_empty_table(
    catalog: ym.Catalog, call: Callable[[Any], pa.Table]
) -> None:
    result = call(catalog.fitment)
    assert result.num_rows == 0
    assert result.column_names[0] == "request_index"


def test_skip_with_long_and_emoji_ids_gives_no_rows(catalog: ym.Catalog) -> None:
    result = catalog.fitment.parts_for_vehicles(
        ["x" * 10_000, "🚗", "", "V1\x00"], on_unknown="skip"
    )
    assert result.num_rows == 0


def test_emoji_and_chinese_ids_round_trip() -> None:
    odd = vehicles(vehicle_id=["比亚迪-秦🚗", "V2", "\u3000V3", "V4"])
    catalog = build(vehicles=odd, fitments={"part_id": ["P1"], "vehicle_id": ["比亚迪-秦🚗"]})
    assert fitted_vehicles(catalog, "P1") == ["比亚迪-秦🚗"]
    result = catalog.fitment.parts_for_vehicles(["比亚迪-秦🚗", "\u3000V3"])
    assert rows_by_request(result, "part_id") == {0: ["P1", "U1"], 1: ["U1"]}


BATCH_FORMS: dict[str, Callable[[list[str]], Any]] = {
    "list": list,
    "tuple": tuple,
    "numpy-str": lambda ids: np.array(ids, dtype=str),
    "numpy-object": lambda ids: np.array(ids, dtype=object),
    "arrow": pa.array,
    "arrow-large-string": lambda ids: pa.array(ids, pa.large_string()),
    "arrow-dictionary": lambda ids: pa.array(ids).dictionary_encode(),
    "arrow-chunked": lambda ids: pa.chunked_array([ids[:1], ids[1:]]),
    "arrow-chunked-dictionary": lambda ids: pa.chunked_array(
        [pa.array(ids[:2]).dictionary_encode(), pa.array(ids[2:]).dictionary_encode()]
    ),
    "polars-string": pl.Series,
    "polars-categorical": lambda ids: pl.Series(ids, dtype=pl.Categorical),
}


@pytest.mark.parametrize("form", BATCH_FORMS)
def test_batch_input_forms_give_the_same_result(catalog: ym.Catalog, form: str) -> None:
    convert = BATCH_FORMS[form]
    vehicle_ids = ["V3", "V1", "V3", "V4"]
    part_ids = ["U1", "P3", "P1", "P3"]
    categories = ["brake pads", "wiper", "brake pads", "oil filter"]
    fitment = catalog.fitment
    expected = (
        fitment.parts_for_vehicles(vehicle_ids).to_pylist(),
        fitment.parts_for_vehicles(vehicle_ids, categories=categories).to_pylist(),
        fitment.vehicles_for_parts(part_ids).to_pylist(),
    )
    got = (
        fitment.parts_for_vehicles(convert(vehicle_ids)).to_pylist(),
        fitment.parts_for_vehicles(
            convert(vehicle_ids), categories=convert(categories)
        ).to_pylist(),
        fitment.vehicles_for_parts(convert(part_ids)).to_pylist(),
    )
    assert got == expected


@pytest.mark.parametrize("form", ["arrow-dictionary", "polars-categorical", "numpy-object"])
def test_batch_input_forms_report_the_same_unknown_row(catalog: ym.Catalog, form: str) -> None:
    ids = BATCH_FORMS[form](["V1", "V2", "V1", "nope"])
    with pytest.raises(UnknownIdError, match=r"^vehicle_id 'nope' at row 3 is not in"):
        catalog.fitment.parts_for_vehicles(ids)
