"""Tests of the synthetic catalogue generator: determinism, schemas, integrity and shapes."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from yunpei_match import synth
from yunpei_match.synth import SCALES, Scale, generate, write_parquet

VEHICLES = pa.schema(
    [
        ("vehicle_id", pa.string()),
        ("make", pa.string()),
        ("model", pa.string()),
        ("year", pa.int16()),
        ("engine", pa.string()),
        ("transmission", pa.string()),
        ("fuel", pa.string()),
    ]
)
PARTS = pa.schema(
    [
        ("part_id", pa.string()),
        ("brand", pa.string()),
        ("part_number", pa.string()),
        ("category", pa.string()),
        ("name", pa.string()),
        ("universal", pa.bool_()),
    ]
)


def fitment_schema(encoded: bool) -> pa.Schema:
    def ids(index: pa.DataType) -> pa.DataType:
        return pa.dictionary(index, pa.string()) if encoded else pa.string()

    return pa.schema(
        [
            ("part_id", ids(pa.int32())),
            ("vehicle_id", ids(pa.int32())),
            ("make", pa.string()),
            ("model", pa.string()),
            ("year_from", pa.int16()),
            ("year_to", pa.int16()),
            ("engine", pa.string()),
            ("position", ids(pa.int8())),
            ("qty", pa.int16()),
            ("note", ids(pa.int8())),
        ]
    )


# The dictionary-encoded path of "M" and "L" at a size a unit test can afford.
ENCODED = Scale(60, 600, 40.0, (2, 8), dictionary_encoded=True)
POSITIONS = {"front", "rear", "left", "right"}
POSITIONS |= {"front left", "front right", "rear left", "rear right"}
PLAIN_SCALES = ["tiny", "S"]


@cache
def tables(scale: str | Scale, seed: int = 0) -> dict[str, pa.Table]:
    return generate(scale, seed=seed)


@cache
def frames(scale: str | Scale) -> dict[str, pl.DataFrame]:
    return {name: pl.from_arrow(table) for name, table in tables(scale).items()}


def range_matches(scale: str | Scale) -> pl.DataFrame:
    """Range rows joined to the vehicles they match (make, model, years, engine if given)."""
    f, v = frames(scale)["fitments"], frames(scale)["vehicles"]
    ranges = f.with_row_index("row").filter(pl.col("vehicle_id").is_null()).drop("vehicle_id")
    joined = ranges.join(v.rename({"engine": "vehicle_engine"}), on=["make", "model"])
    return joined.filter(
        pl.col("year").is_between(pl.col("year_from"), pl.col("year_to"))
        & (pl.col("engine").is_null() | (pl.col("engine") == pl.col("vehicle_engine")))
    )


@cache
def links(scale: str | Scale) -> pl.DataFrame:
    """(part_id, vehicle_id, position) of every row once range rows are expanded."""
    f = frames(scale)["fitments"]
    by_id = f.filter(pl.col("vehicle_id").is_not_null()).select("part_id", "vehicle_id", "position")
    by_range = range_matches(scale).select("part_id", "vehicle_id", "position")
    return pl.concat([by_id.cast({"part_id": pl.String, "vehicle_id": pl.String}), by_range])


# -- determinism ---------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [*PLAIN_SCALES, ENCODED])
def test_same_seed_gives_identical_tables(scale: str | Scale) -> None:
    again = generate(scale, seed=0)
    for name, table in tables(scale).items():
        assert table.equals(again[name]), name


@pytest.mark.parametrize("scale", PLAIN_SCALES)
def test_another_seed_gives_other_tables(scale: str) -> None:
    other = tables(scale, seed=1)
    for name, table in tables(scale).items():
        assert not table.equals(other[name]), name


# -- schemas and integrity -----------------------------------------------------------------------


@pytest.mark.parametrize("scale", [*PLAIN_SCALES, ENCODED])
def test_schemas(scale: str | Scale) -> None:
    t = tables(scale)
    encoded = synth._resolve_scale(scale).dictionary_encoded
    assert t["vehicles"].schema == VEHICLES
    assert t["parts"].schema == PARTS
    assert t["fitments"].schema == fitment_schema(encoded)


def test_scales_have_encoding_and_range_rows_where_promised() -> None:
    assert list(SCALES) == ["tiny", "S", "M", "L"]
    assert [SCALES[name].dictionary_encoded for name in SCALES] == [False, False, True, True]
    assert [SCALES[name].range_row_share > 0 for name in SCALES] == [True, True, False, False]


def test_encoded_ids_index_the_id_columns_of_the_other_tables() -> None:
    t = tables(ENCODED)
    part_id = t["fitments"].column("part_id").combine_chunks()
    vehicle_id = t["fitments"].column("vehicle_id").combine_chunks()
    assert part_id.dictionary.equals(t["parts"].column("part_id").combine_chunks())
    assert vehicle_id.dictionary.equals(t["vehicles"].column("vehicle_id").combine_chunks())
    assert vehicle_id.null_count == 0 and t["fitments"].column("make").null_count == len(part_id)


@pytest.mark.parametrize("scale", [*PLAIN_SCALES, ENCODED])
def test_ids_are_unique(scale: str | Scale) -> None:
    f = frames(scale)
    assert f["vehicles"]["vehicle_id"].is_unique().all()
    assert f["parts"]["part_id"].is_unique().all()
    assert f["vehicles"]["vehicle_id"][0] == "SV000001" and f["parts"]["part_id"][0] == "SP0000001"


@pytest.mark.parametrize("scale", [*PLAIN_SCALES, ENCODED])
def test_fitments_name_existing_parts_and_vehicles(scale: str | Scale) -> None:
    f = frames(scale)
    fitments = f["fitments"].cast({"part_id": pl.String, "vehicle_id": pl.String})
    assert fitments["part_id"].is_in(f["parts"]["part_id"].implode()).all()
    vehicle_ids = fitments["vehicle_id"].drop_nulls()
    assert vehicle_ids.is_in(f["vehicles"]["vehicle_id"].implode()).all()


@pytest.mark.parametrize("scale", PLAIN_SCALES)
def test_each_row_is_by_vehicle_or_by_range(scale: str) -> None:
    f = frames(scale)["fitments"]
    range_columns = ["make", "model", "year_from", "year_to"]
    by_id = f["vehicle_id"].is_not_null()
    no_range = f.select(pl.all_horizontal(pl.col(range_columns).is_null())).to_series()
    full_range = f.select(pl.all_horizontal(pl.col(range_columns).is_not_null())).to_series()
    assert (by_id == no_range).all() and (~by_id == full_range).all()
    assert f.filter(by_id)["engine"].null_count() == by_id.sum()
    assert (f["year_from"] <= f["year_to"]).all()


@pytest.mark.parametrize("scale", PLAIN_SCALES)
def test_every_range_row_matches_a_vehicle(scale: str) -> None:
    f = frames(scale)["fitments"]
    n_range_rows = f["vehicle_id"].null_count()
    assert range_matches(scale)["row"].n_unique() == n_range_rows


@pytest.mark.parametrize("scale", PLAIN_SCALES)
def test_range_rows_make_about_a_fifth_and_some_name_an_engine(scale: str) -> None:
    f = frames(scale)["fitments"]
    assert 0.1 < f["vehicle_id"].null_count() / f.height < 0.35
    assert f.filter(pl.col("vehicle_id").is_null())["engine"].drop_nulls().len() > 0


# -- sizes and shapes ----------------------------------------------------------------------------


@pytest.mark.parametrize("scale", PLAIN_SCALES)
def test_sizes_are_near_the_targets(scale: str) -> None:
    target, t = SCALES[scale], tables(scale)
    assert t["vehicles"].num_rows == target.n_vehicles
    assert t["parts"].num_rows == target.n_parts
    per_vehicle = links(scale).select("part_id", "vehicle_id").n_unique() / target.n_vehicles
    assert per_vehicle == pytest.approx(target.mean_parts_per_vehicle, rel=0.3)


@pytest.mark.parametrize("scale", PLAIN_SCALES)
def test_the_only_duplicates_are_the_deliberate_ones(scale: str) -> None:
    f = frames(scale)["fitments"]
    assert f.height - f.unique().height == SCALES[scale].n_duplicate_rows
    compiled = links(scale)
    assert compiled.height - compiled.unique().height == SCALES[scale].n_duplicate_rows


@pytest.mark.parametrize("scale", PLAIN_SCALES)
def test_a_part_fits_a_vehicle_at_most_twice(scale: str) -> None:
    compiled = links(scale).unique()
    assert compiled.group_by("part_id", "vehicle_id").len()["len"].max() <= 2


@pytest.mark.parametrize("scale", [*PLAIN_SCALES, ENCODED])
def test_universal_parts_exist_and_have_no_fitment_rows(scale: str | Scale) -> None:
    f = frames(scale)
    universal = f["parts"].filter("universal")["part_id"]
    assert universal.len() >= 1
    fitted = f["fitments"]["part_id"].cast(pl.String)
    assert not fitted.is_in(universal.implode()).any()


@pytest.mark.parametrize("scale", [*PLAIN_SCALES, ENCODED])
def test_values_lie_in_their_domains(scale: str | Scale) -> None:
    f = frames(scale)
    v, fitments = f["vehicles"], f["fitments"].cast({"position": pl.String, "note": pl.String})
    assert v["year"].is_between(2005, 2025).all()
    assert set(v["fuel"]) <= {"petrol", "diesel", "hybrid", "plug-in hybrid", "electric"}
    assert fitments["qty"].drop_nulls().is_between(1, 8).all()
    assert 0 < fitments["qty"].null_count() < fitments.height
    assert set(fitments["position"].drop_nulls()) <= POSITIONS
    assert fitments["note"].null_count() > 0.9 * fitments.height


def test_model_families_are_contiguous_and_in_year_order() -> None:
    v = frames("S")["vehicles"]
    runs = v.select(pl.struct("make", "model").rle_id().alias("run"), "make", "model", "year")
    assert runs["run"].n_unique() == v.select("make", "model").n_unique()
    assert runs.group_by("run").agg(pl.col("year").diff().min() >= 0)["year"].all()


def test_parts_mostly_fit_one_model_family() -> None:
    v = frames("S")["vehicles"].select("vehicle_id", "make", "model")
    families = (
        links("S")
        .join(v, on="vehicle_id")
        .group_by("part_id")
        .agg(pl.struct("make", "model").n_unique().alias("families"))
    )
    assert 0.6 < (families["families"] == 1).mean() < 1.0


def test_popularity_is_skewed() -> None:
    per_part = links("S").group_by("part_id").agg(pl.col("vehicle_id").n_unique().alias("n"))["n"]
    assert per_part.median() <= 5
    assert per_part.max() >= SCALES["S"].n_vehicles / 2


def test_categories_are_about_500_distinct_names_of_uneven_size() -> None:
    names = synth._part_types().names
    assert 450 <= len(set(names)) == len(names) <= 600
    assert all(name == name.lower().strip() for name in names)
    sizes = frames("S")["parts"]["category"].value_counts()["count"]
    assert set(frames("S")["parts"]["category"]) <= set(names)
    assert sizes.max() >= 5 * sizes.median()


@pytest.mark.parametrize("scale", [*PLAIN_SCALES, ENCODED])
def test_part_numbers_are_distinct_within_a_brand(scale: str | Scale) -> None:
    parts = frames(scale)["parts"]
    assert not parts.select(pl.struct("brand", "part_number").is_duplicated().any()).item()
    oe = parts.filter(pl.col("brand") == "Volkswagen")["part_number"]
    assert oe.str.contains(r"^[0-9A-Z]{3} \d{3} \d{3}( [A-Z])?$").all()


# -- parquet -------------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", ["tiny", ENCODED])
def test_write_parquet_round_trips(tmp_path: Path, scale: str | Scale) -> None:
    paths = write_parquet(tmp_path / "catalogue", scale, seed=0)
    assert sorted(paths) == ["fitments", "parts", "vehicles"]
    for name, table in tables(scale).items():
        assert paths[name] == tmp_path / "catalogue" / f"{name}.parquet"
        assert pq.read_table(paths[name]).equals(table), name


# -- arguments -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scale", "seed", "error", "match"),
    [
        ("XL", 0, ValueError, r"unknown scale 'XL'; expected one of 'tiny', 'S', 'M', 'L'"),
        (5, 0, TypeError, "scale must be a scale name or a Scale, got int"),
        ("tiny", -1, ValueError, "seed must be >= 0, got -1"),
        ("tiny", 1.5, TypeError, "seed must be an int, got float"),
        ("tiny", True, TypeError, "seed must be an int, got bool"),
    ],
)
def test_bad_arguments_raise(scale: object, seed: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        generate(scale, seed=seed)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"n_vehicles": 0}, ValueError, r"Scale.n_vehicles must be >= 1, got 0"),
        ({"n_parts": 2.0}, TypeError, r"Scale.n_parts must be an int, got float"),
        ({"mean_parts_per_vehicle": -1.0}, ValueError, r"mean_parts_per_vehicle must be >= 0"),
        ({"model_years": (5, 2)}, ValueError, r"model_years must satisfy 1 <= lo <= hi <= 21"),
        ({"max_configs": 0}, ValueError, r"max_configs must be >= 1"),
        ({"range_row_share": 1.0}, ValueError, r"range_row_share must be in \[0, 1\)"),
        ({"n_duplicate_rows": -2}, ValueError, r"n_duplicate_rows must be >= 0, got -2"),
        ({"universal_share": -0.1}, ValueError, r"universal_share must be in \[0, 1\)"),
    ],
)
def test_bad_scales_raise(changes: dict, error: type, match: str) -> None:
    fields = {"n_vehicles": 10, "n_parts": 10, "mean_parts_per_vehicle": 1.0, **changes}
    with pytest.raises(error, match=match):
        Scale(**fields)


@pytest.mark.parametrize("scale", [*PLAIN_SCALES, ENCODED])
def test_every_part_but_the_universal_ones_fits_a_vehicle(scale: str | Scale) -> None:
    f = frames(scale)
    fitted = links(scale)["part_id"] if scale in PLAIN_SCALES else f["fitments"]["part_id"]
    fitting = f["parts"].filter(~pl.col("universal"))["part_id"]
    assert fitting.is_in(fitted.cast(pl.String).implode()).all()


def test_degenerate_scales_still_generate() -> None:
    one = generate(Scale(1, 1, 1.0, (1, 1), 1))
    assert (one["vehicles"].num_rows, one["parts"].num_rows) == (1, 1)
    assert one["fitments"].num_rows in (1, 2)  # a part may fit both sides
    bare = generate(Scale(3, 5, 0.0, universal_share=0.0))
    assert not np.any(bare["parts"].column("universal").to_numpy())
