"""Fitment answers on the sample catalogue (known answers), the batch job, the CLI, threads.

The sample catalogue is built over each kernel choice (the ``impl`` fixture).
"""

from __future__ import annotations

import threading

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest

import yunpei_match as ym
from yunpei_match.batch import run_fitment_job
from yunpei_match.cli import main


@pytest.fixture(scope="module")
def samples(samples_dir, impl) -> ym.Catalog:
    return ym.Catalog.from_parquet(samples_dir, kernels=impl)


def test_sample_catalogue_builds_with_known_counts(samples):
    stats = samples.stats
    assert (stats.vehicles, stats.parts, stats.categories) == (400, 2876, 25)
    assert stats.links == 31_081
    assert stats.universal_parts == 6
    assert stats.duplicate_rows == stats.unmatched_rows == stats.universal_rows == 0
    assert samples._links.nbytes / stats.links < 16


def test_ea888_oil_filter_fits_passat_and_sagitar_of_its_engine_only(samples):
    rows = pl.from_arrow(samples.fitment.vehicles_for_part("P0100001"))
    assert set(rows["model"]) == {"帕萨特", "速腾"}
    assert rows.height == 7
    passat_2012 = samples.fitment.parts_for_vehicle("V010001", category="oil filter")
    assert passat_2012.column("part_number").to_pylist() == [
        "03C 115 561 H",
        "W 712/95",
        "OC 593/4",
        "F 026 407 728",
    ]


def test_front_and_rear_pads_are_told_apart_by_position(samples):
    front = samples.fitment.parts_for_vehicle("V010001", category="brake pads", position="front")
    rear = samples.fitment.parts_for_vehicle("V010001", category="brake pads", position="rear")
    assert front.num_rows == rear.num_rows == 5
    assert "561 698 151 U" in front.column("part_number").to_pylist()
    assert "561 698 451 X" in rear.column("part_number").to_pylist()
    assert not set(front.column("part_id").to_pylist()) & set(rear.column("part_id").to_pylist())


def test_electric_cars_have_no_oil_filter_but_get_universal_parts(samples):
    assert samples.fitment.parts_for_vehicle("V170002", category="oil filter").num_rows == 0
    fluids = samples.fitment.parts_for_vehicle("V170002", category="brake fluid")
    assert fluids.column("part_id").to_pylist() == ["P2300001", "P2300002"]
    assert fluids.column("position").null_count == 2
    assert samples.fitment.fits("P2400001", "V170002")


def test_universal_part_fits_every_vehicle_in_reverse_too(samples):
    rows = samples.fitment.vehicles_for_part("P2300001")
    assert rows.num_rows == samples.stats.vehicles
    batch = samples.fitment.vehicles_for_parts(["P2300001", "P0100001"])
    counts = pl.from_arrow(batch).group_by("request_index").len().sort("request_index")
    assert counts["len"].to_list() == [400, 7]


def test_batch_equals_scalar_answers(samples):
    vehicles = samples.vehicle_ids.ids.to_pylist()[::7]
    batch = pl.from_arrow(samples.fitment.parts_for_vehicles(vehicles, categories="spark plugs"))
    for index, vehicle in enumerate(vehicles):
        scalar = samples.fitment.parts_for_vehicle(vehicle, category="spark plugs")
        expected = list(dict.fromkeys(scalar.column("part_id").to_pylist()))
        got = batch.filter(pl.col("request_index") == index)["part_id"].cast(pl.String).to_list()
        assert got == expected


def test_fast_path_matches_table_answer(samples):
    vehicle = samples.vehicle_ids.code("V010001")
    category = samples.category_ids.code("brake pads")
    codes = samples.fitment.part_codes(vehicle, category)
    assert samples.part_ids.ids.take(codes).to_pylist() == [f"P05000{i:02d}" for i in range(1, 11)]
    assert not codes.flags.writeable


def test_fitment_job_loses_no_request(samples, samples_dir, tmp_path):
    report = run_fitment_job(
        samples, samples_dir / "requests.parquet", tmp_path / "fitment.parquet"
    )
    assert report.requests == 200
    assert (report.answered, report.rejected) == (194, 6)
    result = pq.read_table(report.output)
    assert result.num_rows == report.result_rows > 0
    assert result.column_names == [
        "request_id",
        "vehicle_id",
        "part_id",
        "brand",
        "part_number",
        "category",
    ]
    rejects = pq.read_table(report.rejects)
    assert rejects.num_rows == 6
    assert set(rejects.column("reason").to_pylist()) == {"unknown vehicle_id"}


def test_cli_builds_saves_and_runs_job_on_a_saved_index(samples_dir, tmp_path, capsys):
    index = tmp_path / "index"
    assert main(["build", str(samples_dir), "--out", str(index)]) == 0
    out = tmp_path / "out.parquet"
    assert (
        main(
            [
                "fitment",
                str(index),
                "--requests",
                str(samples_dir / "requests.parquet"),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "loaded <Catalog: 400 vehicles" in printed
    assert "200 requests, 194 answered, 6 rejected" in printed
    assert out.exists()


def test_cli_reports_user_mistakes_in_one_line(tmp_path, capsys):
    assert main(["fitment", str(tmp_path), "--requests", "x.parquet", "--out", "y"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("yunpei-match: error: vehicles table not found")
    assert err.count("\n") == 1


def test_queries_from_many_threads_agree_with_one_thread(samples):
    vehicles = samples.vehicle_ids.ids.to_pylist()
    expected = samples.fitment.parts_for_vehicles(vehicles)
    failures: list[str] = []

    def worker(seed: int) -> None:
        rng = np.random.default_rng(seed)
        for _ in range(20):
            if not samples.fitment.parts_for_vehicles(vehicles).equals(expected):
                failures.append("batch")
            vehicle = vehicles[int(rng.integers(len(vehicles)))]
            if samples.fitment.parts_for_vehicle(vehicle).num_rows == 0:
                failures.append(vehicle)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
