"""Batch jobs on a Dask cluster (two worker processes on 127.0.0.1) give the local answers."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster

import yunpei_match as ym
from yunpei_match.batch import JobSpec, run_job
from yunpei_match.batch.dask import opened_indexes, run_on_dask


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def index(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    catalog = ym.Catalog.from_parquet(samples_dir)
    return catalog.save(tmp_path_factory.mktemp("index") / "index")


def split(table: pa.Table, directory: Path, cuts: list[int]) -> Path:
    """Write ``table`` as files cut at rows ``cuts``."""
    directory.mkdir()
    bounds = [0, *cuts, table.num_rows]
    for k, (a, b) in enumerate(itertools.pairwise(bounds)):
        pq.write_table(table.slice(a, b - a), directory / f"part-{k}.parquet")
    return directory


def sorted_rows(table: pa.Table, *keys: str) -> pa.Table:
    """``table`` sorted, with plain strings: each file has its own dictionaries."""
    plain = pa.schema(
        f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f
        for f in table.schema
    )
    return table.cast(plain).sort_by([(key, "ascending") for key in ("row", *keys)])


def requests(samples_dir: Path) -> pa.Table:
    """The sample requests, a few by VIN and a few bad ones."""
    base = pq.read_table(samples_dir / "requests.parquet").append_column(
        "vin", pa.nulls(200, pa.string())
    )
    extra = pa.table(
        {
            "request_id": ["V1", "V2", "B1", "B2"],
            "vehicle_id": [None, None, None, "V010001"],
            "category": ["oil filter", None, None, "no such category"],
            "vin": ["LFV2A26F1KM333275", "LSVAC2382JX617124", "LSVAU2180N2183294", None],
        }
    )
    return pa.concat_tables([base.slice(0, 90), extra, base.slice(90)])


def test_fitment_on_dask_equals_the_local_job(client, index, samples_dir, tmp_path):
    source = split(requests(samples_dir), tmp_path / "requests", [30, 97, 150])
    spec = JobSpec("fitment", index)
    progress: list[tuple[int, int | None]] = []

    def note(*p: int | None) -> None:
        progress.append(p)  # type: ignore[arg-type]

    remote = run_on_dask(client, spec, source, tmp_path / "out", batch_size=16, progress=note)
    local = run_job(spec.open(), source, tmp_path / "local.parquet")
    assert remote.input_rows == local.input_rows == 204
    for name in ("accepted", "rejected", "empty", "result_rows", "reasons"):
        assert getattr(remote, name) == getattr(local, name), name
    assert sorted(p.name for p in remote.output.iterdir()) == [
        f"part-{k:05d}.parquet" for k in range(4)
    ]
    keys = ("vehicle_id", "part_id")
    assert sorted_rows(pq.read_table(remote.output), *keys).equals(
        sorted_rows(pq.read_table(local.output), *keys)
    )
    assert remote.rejects is not None and local.rejects is not None
    assert sorted_rows(pq.read_table(remote.rejects)).equals(
        sorted_rows(pq.read_table(local.rejects))
    )
    assert progress[-1] == (204, 204) and len(progress) == 4


@pytest.mark.parametrize("keep", [None, ["shop_id"]], ids=["id-like", "named"])
def test_kept_columns_on_dask_equal_the_local_jobs(client, index, samples_dir, tmp_path, keep):
    baskets = pq.read_table(samples_dir / "baskets.parquet")
    source = split(baskets, tmp_path / "baskets", [100])
    options = {} if keep is None else {"keep": keep}
    spec = JobSpec("offers", index, stock=samples_dir, options=options)
    remote = run_on_dask(client, spec, source, tmp_path / "out")
    local = run_job(spec.open(), source, tmp_path / "local.parquet")
    kept = ["basket_id", "shop_id", "vehicle_id", "category"] if keep is None else keep
    for output in (remote.output, local.output):
        assert pq.read_table(output).column_names[: len(kept) + 2] == ["row", *kept, "part_id"]
    keys = ("part_id", "warehouse_id")
    assert sorted_rows(pq.read_table(remote.output), *keys).equals(
        sorted_rows(pq.read_table(local.output), *keys)
    )


def test_a_kept_column_the_input_lacks_fails_on_the_client(client, index, tmp_path):
    source = split(pa.table({"vehicle_id": ["V010001"]}), tmp_path / "requests", [])
    spec = JobSpec("fitment", index, options={"keep": ["shop_id"]})
    with pytest.raises(ym.MissingColumnError, match="requests has no column shop_id to keep"):
        run_on_dask(client, spec, source, tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["requests"]


def test_nearest_stocked_on_dask_equals_the_local_job(client, index, samples_dir, tmp_path):
    orders = pq.read_table(samples_dir / "orders.parquet")
    source = split(orders, tmp_path / "lines", [100, 260])
    spec = JobSpec("nearest", index, stock=samples_dir, options={"fastest": True})
    remote = run_on_dask(client, spec, source, tmp_path / "out")
    local = run_job(spec.open(), source, tmp_path / "local.parquet")
    assert (remote.input_rows, remote.accepted, remote.rejects) == (357, 357, None)
    assert sorted_rows(pq.read_table(remote.output)).equals(
        sorted_rows(pq.read_table(local.output))
    )


def test_sourcing_on_dask_with_whole_orders_per_file(client, index, samples_dir, tmp_path):
    orders = pq.read_table(samples_dir / "orders.parquet")
    ids = orders.column("order_id").to_pylist()
    cuts = [next(i for i in range(n, len(ids)) if ids[i] != ids[i - 1]) for n in (120, 240)]
    source = split(orders, tmp_path / "orders", cuts)
    spec = JobSpec("sourcing", index, stock=samples_dir)
    remote = run_on_dask(client, spec, source, tmp_path / "out")
    local = run_job(spec.open(), source, tmp_path / "local.parquet")
    assert sorted_rows(pq.read_table(remote.output)).equals(
        sorted_rows(pq.read_table(local.output))
    )


def test_an_order_in_two_files_fails_and_leaves_no_output(client, index, samples_dir, tmp_path):
    orders = pq.read_table(samples_dir / "orders.parquet")
    ids = orders.column("order_id").to_pylist()
    inside = next(i for i in range(120, len(ids)) if ids[i] == ids[i - 1])
    source = split(orders, tmp_path / "orders", [inside])
    spec = JobSpec("sourcing", index, stock=samples_dir)
    run_on_dask(client, spec, samples_dir / "orders.parquet", tmp_path / "out")
    assert (tmp_path / "out").is_dir()
    with pytest.raises(ym.DataError, match=r"1 order\(s\) have lines in two files"):
        run_on_dask(client, spec, source, tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders"]  # not the earlier run's


def test_the_output_may_not_be_the_input(client, index, samples_dir, tmp_path):
    source = split(requests(samples_dir), tmp_path / "requests", [50])
    with pytest.raises(ym.DataError, match="is the requests the job reads"):
        run_on_dask(client, JobSpec("fitment", index), source, source)
    assert sorted(p.name for p in source.iterdir()) == ["part-0.parquet", "part-1.parquet"]


def test_each_worker_opens_the_index_once(client, index, samples_dir, tmp_path):
    source = split(requests(samples_dir), tmp_path / "requests", [50, 100, 150])
    for k in range(2):
        run_on_dask(client, JobSpec("fitment", index), source, tmp_path / f"out{k}")
    counts = client.run(opened_indexes)
    assert len(counts) == 2
    assert all(opened.get(str(index), 0) <= 1 for opened in counts.values())
    assert any(opened.get(str(index)) == 1 for opened in counts.values())


def test_a_wrong_file_fails_on_the_client_before_any_task(client, index, tmp_path):
    source = split(pa.table({"category": ["oil filter"]}), tmp_path / "requests", [])
    with pytest.raises(ym.MissingColumnError, match="needs a vehicle_id or a vin"):
        run_on_dask(client, JobSpec("fitment", index), source, tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["requests"]


def test_a_rerun_replaces_the_parts_and_drops_stale_rejects(client, index, samples_dir, tmp_path):
    first = run_on_dask(
        client, JobSpec("fitment", index), samples_dir / "requests.parquet", tmp_path / "out"
    )
    assert first.rejects is not None
    clean = split(pa.table({"vehicle_id": ["V010001", "V010002"]}), tmp_path / "clean", [1])
    second = run_on_dask(client, JobSpec("fitment", index), clean, tmp_path / "out")
    assert second.rejects is None and not first.rejects.exists()
    rows = pq.read_table(second.output).column("row")
    assert pc.unique(rows).to_pylist() == [0, 1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean", "out"]
