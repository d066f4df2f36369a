"""Batch jobs on the sample catalogue: every job with good rows and bad rows of every kind.

Each input table has an ``expect`` column: the reason the row must be rejected with, or null
for a row that must be answered. It rides along into the rejects file (rejects keep the input
columns), so each test checks every row's fate, the accounting, and that the results equal the
library's own batch call on the good rows.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import yunpei_match as ym
from yunpei_match.batch import (
    FitmentJob,
    Job,
    JobReport,
    JobSpec,
    NearestStockedJob,
    NumberLookupJob,
    NumberSearchJob,
    OffersJob,
    SourcingJob,
    VinDecodeJob,
    run_fitment_job,
    run_job,
)
from yunpei_match.batch._runner import kept_columns
from yunpei_match.batch._sink import remove_stale, temporary_beside
from yunpei_match.batch._stock_jobs import SeenOrders

SHOP = (22.9944, 113.7049)  # 东莞


@pytest.fixture(scope="module")
def catalog(samples_dir: Path) -> ym.Catalog:
    return ym.Catalog.from_parquet(samples_dir)


@pytest.fixture(scope="module")
def inventory(catalog: ym.Catalog, samples_dir: Path) -> ym.Inventory:
    return ym.Inventory.from_parquet(catalog, samples_dir)


@pytest.fixture(scope="module")
def index(catalog: ym.Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return catalog.save(tmp_path_factory.mktemp("index") / "index")


def run(
    job: Job, table: pa.Table, tmp_path: Path, name: str = "job", **options
) -> tuple[JobReport, pa.Table, pa.Table]:
    """Write ``table`` to parquet, run ``job`` over it; the report, results and rejects."""
    source = tmp_path / f"{name}.in.parquet"
    pq.write_table(table, source)
    report = run_job(job, source, tmp_path / f"{name}.parquet", **options)
    results = pq.read_table(report.output)
    rejects = pq.read_table(report.rejects) if report.rejects else None
    if rejects is None:
        empty = table.schema.append(pa.field("row", pa.int64()))
        rejects = empty.append(pa.field("reason", pa.string())).empty_table()
    return report, results, rejects


def check_fates(report: JobReport, results: pa.Table, rejects: pa.Table, table: pa.Table) -> None:
    """Every row is answered or rejected, once, and as ``expect`` says."""
    n = table.num_rows
    assert report.input_rows == n == report.accepted + report.rejected
    assert report.rejected == rejects.num_rows
    assert report.result_rows == results.num_rows
    answered = set(results.column("row").to_pylist())
    rejected = rejects.column("row").to_pylist()
    assert len(rejected) == len(set(rejected))
    assert answered.isdisjoint(rejected)
    assert answered | set(rejected) <= set(range(n))
    assert len(answered) == report.accepted - report.empty
    expect = table.column("expect").to_pylist()
    assert sorted(rejected) == [r for r in range(n) if expect[r] is not None]
    for row, reason in zip(rejected, rejects.column("reason").to_pylist(), strict=True):
        assert reason.startswith(expect[row]), (row, reason, expect[row])
    assert sum(report.reasons.values()) == report.rejected
    rows = results.column("row").to_numpy()
    assert (rows[1:] >= rows[:-1]).all()


def with_expect(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows)


# -- fitment ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fitment_requests(samples_dir: Path) -> pa.Table:
    base = pq.read_table(samples_dir / "requests.parquet").to_pylist()
    known = ym.Catalog.from_parquet(samples_dir).vehicle_ids.ids.to_pylist()
    rows = [
        {**r, "vin": None, "expect": None if r["vehicle_id"] in known else "unknown vehicle_id"}
        for r in base
    ]
    vins = pq.read_table(samples_dir / "vins.parquet").to_pylist()
    for k, v in enumerate(vins):
        if v["expected_valid"]:
            expect = None if v["expected_vehicle_ids"] else "no vehicle for vin"
        else:
            expect = "invalid vin ("
        category = ["oil filter", None, "brake pads"][k % 3]
        rows.append({"request_id": f"VIN{k}", "vehicle_id": None, "vin": v["vin"],
                     "category": category, "expect": expect})  # fmt: skip
    bad = [
        ("V010001", None, "no such category", "unknown category"),
        ("V010001", None, "  ", "blank category"),
        (" ", None, None, "blank vehicle_id"),
        (None, None, "oil filter", "missing vehicle_id and vin"),
        (None, "", None, "blank vin"),
        (None, "LSVAU2180N2183294", None, "invalid vin (check_digit)"),
        (None, "1M8GDM9AXKP042788", None, "no vehicle for vin"),
        ("V999999", "LFV2A26F1KM333275", None, "unknown vehicle_id"),  # the id wins
    ]
    for k, (vehicle, vin, category, expect) in enumerate(bad):
        rows.append({"request_id": f"BAD{k}", "vehicle_id": vehicle, "vin": vin,
                     "category": category, "expect": expect})  # fmt: skip
    return with_expect(rows)


def test_fitment_job_answers_every_row_or_rejects_it_with_its_reason(
    catalog, fitment_requests, tmp_path
):
    report, results, rejects = run(FitmentJob(catalog), fitment_requests, tmp_path)
    check_fates(report, results, rejects, fitment_requests)
    assert results.column_names == [
        "row", "request_id", "vin", "vehicle_id", "part_id", "brand", "part_number", "category",
    ]  # fmt: skip
    assert report.empty == 18 + 0  # the sample's vehicles without parts in the category
    assert report.reasons["unknown vehicle_id"] == 7


def test_fitment_results_equal_the_library_calls(catalog, fitment_requests, tmp_path):
    _, results, _ = run(FitmentJob(catalog), fitment_requests, tmp_path)
    table = fitment_requests
    by_id = np.flatnonzero(
        table.column("vehicle_id").is_valid().to_numpy(zero_copy_only=False)
        & table.column("expect").is_null().to_numpy(zero_copy_only=False)
    )
    direct = catalog.fitment.parts_for_vehicles(
        table.column("vehicle_id").take(by_id), categories=table.column("category").take(by_id)
    )
    expected = list(
        zip(
            by_id[direct.column("request_index").to_numpy()].tolist(),
            direct.column("part_id").to_pylist(),
            strict=True,
        )
    )
    mine = results.filter(pc.is_in(results.column("row"), pa.array(by_id)))
    assert list(zip(mine["row"].to_pylist(), mine["part_id"].to_pylist(), strict=True)) == expected
    for row in np.flatnonzero(pc.starts_with(table.column("request_id"), "VIN").to_numpy(False)):
        request = table.slice(int(row), 1).to_pylist()[0]
        if request["expect"] is not None:
            continue
        direct = catalog.fitment.parts_for_vin(request["vin"], category=request["category"])
        mine = results.filter(pc.equal(results.column("row"), int(row)))
        pairs = {(r["vehicle_id"], r["part_id"]) for r in mine.to_pylist()}
        assert pairs == {(r["vehicle_id"], r["part_id"]) for r in direct.to_pylist()}
        assert mine.num_rows > 0


def test_small_batches_give_the_same_results_as_one_batch(catalog, fitment_requests, tmp_path):
    _, whole, whole_rejects = run(FitmentJob(catalog), fitment_requests, tmp_path, "a")
    _, small, small_rejects = run(
        FitmentJob(catalog), fitment_requests, tmp_path, "b", batch_size=7
    )
    assert small.equals(whole)
    assert small_rejects.equals(whole_rejects)


def test_a_saved_index_memory_mapped_answers_as_the_built_catalogue(
    catalog, index, fitment_requests, tmp_path
):
    built = run(FitmentJob(catalog), fitment_requests, tmp_path, "built")[1]
    loaded = run(JobSpec("fitment", index).open(), fitment_requests, tmp_path, "loaded")[1]
    assert loaded.equals(built)


def test_run_fitment_job_keeps_the_first_jobs_columns(catalog, samples_dir, tmp_path):
    report = run_fitment_job(
        catalog, samples_dir / "requests.parquet", tmp_path / "out.parquet", batch_size=16
    )
    result = pq.read_table(report.output)
    assert result.column_names[:2] == ["request_id", "vehicle_id"]
    assert result.column("request_id")[0].as_py() == "R0001"
    assert (report.requests, report.answered, report.rejected) == (200, 194, 6)


# -- numbers and VINs ---------------------------------------------------------------------------

NUMBERS = [
    ("w 712/95", None),
    ("03C115561H", None),
    ("03C 115 561 D", None),  # superseded
    ("０４４６５－３３４５０", None),  # full width
    ("15400-PT7-006", None),  # known only through its supersession chain
    ("XX-0000-NOPE", "unknown number"),
    (None, "missing number"),
    ("   ", "blank number"),
    ("--/--", "no letters or digits in number"),
]


def test_number_lookup_job(catalog, tmp_path):
    table = pa.table({"number": [n for n, _ in NUMBERS], "expect": [e for _, e in NUMBERS]})
    report, results, rejects = run(NumberLookupJob(catalog), table, tmp_path)
    check_fates(report, results, rejects, table)
    good = [n for n, e in NUMBERS if e is None]
    direct = catalog.numbers.lookup_many(good)
    assert results.column("part_id").to_pylist() == direct.column("part_id").to_pylist()
    assert results.column("row").to_pylist() == direct.column("request_index").to_pylist()
    assert results.column("brand").to_pylist()[0] == "Mann-Filter"


def test_number_search_job(catalog, tmp_path):
    rows = [("W 712/59", None), ("ZZZZZZZZZZZZZZZZ", None), *NUMBERS[6:]]
    table = pa.table({"number": [n for n, _ in rows], "expect": [e for _, e in rows]})
    report, results, rejects = run(NumberSearchJob(catalog, max_edits=2, limit=3), table, tmp_path)
    check_fates(report, results, rejects, table)
    assert report.empty == 1  # nothing within two edits of the Zs
    direct = catalog.numbers.search_many(["W 712/59"], max_edits=2, limit=3)
    assert (
        results.drop_columns(["row"]).to_pylist()
        == direct.drop_columns(["request_index"]).to_pylist()
    )


def test_vin_decode_job(samples_dir, tmp_path):
    vins = pq.read_table(samples_dir / "vins.parquet").to_pylist()
    rows = [(v["vin"], None if v["expected_valid"] else "invalid vin (") for v in vins]
    rows += [(None, "missing vin"), (" ", "blank vin"), ("LSVAU2180N2183294", "invalid vin")]
    table = pa.table({"vin": [v for v, _ in rows], "expect": [e for _, e in rows]})
    report, results, rejects = run(VinDecodeJob(), table, tmp_path)
    check_fates(report, results, rejects, table)
    good = [v for v, e in rows if e is None]
    assert results.drop_columns(["row"]).to_pylist() == ym.decode_vins(good).to_pylist()
    assert "invalid vin (check_digit)" in report.reasons


# -- stock --------------------------------------------------------------------------------------

BAD_LINES = [
    ({"part_id": "P9999999"}, "unknown part_id"),
    ({"part_id": None}, "missing part_id"),
    ({"part_id": ""}, "blank part_id"),
    ({"lat": 95.0}, "lat out of range"),
    ({"lon": float("nan")}, "lon out of range"),
    ({"lat": None}, "missing lat"),
    ({"qty": 0}, "qty must be >= 1"),
    ({"qty": None}, "missing qty"),
]


def lines_table(samples_dir: Path) -> pa.Table:
    orders = pq.read_table(samples_dir / "orders.parquet").select(["lat", "lon", "part_id", "qty"])
    rows = [{**r, "expect": None} for r in orders.to_pylist()]
    good = {"lat": SHOP[0], "lon": SHOP[1], "part_id": "P0100005", "qty": 1, "expect": None}
    for k, (change, reason) in enumerate(BAD_LINES):
        rows.insert(10 * k + 3, {**good, **change, "expect": reason})
    return with_expect(rows)


def test_nearest_stocked_job(inventory, samples_dir, tmp_path):
    table = lines_table(samples_dir).append_column(
        "request_id", pa.array([f"L{i}" for i in range(len(lines_table(samples_dir)))])
    )
    report, results, rejects = run(NearestStockedJob(inventory), table, tmp_path)
    check_fates(report, results, rejects, table)
    assert report.result_rows == report.accepted  # one row a line, nulls where none qualifies
    good = table.filter(pc.is_null(table.column("expect")))
    direct = inventory.nearest_stocked_many(good.select(["lat", "lon", "part_id", "qty"]))
    assert results.select(direct.column_names).to_pylist() == direct.to_pylist()
    assert results.column("request_id").to_pylist() == good.column("request_id").to_pylist()


def orders_table(samples_dir: Path) -> pa.Table:
    """The sample orders plus bad lines; each bad order sits between good ones."""
    orders = pq.read_table(samples_dir / "orders.parquet")
    rows = [{**r, "expect": None} for r in orders.to_pylist()]
    line = {"shop_id": "S001", "lat": SHOP[0], "lon": SHOP[1], "part_id": "P0100005", "qty": 1}
    bad = [
        [("X1", {}, "another line of the order"), ("X1", {"part_id": "P9"}, "unknown part_id")],
        [("X2", {}, "lat/lon differ"), ("X2", {"lat": 23.5}, "lat/lon differ")],
        [("X3", {"qty": 0}, "qty must be >= 1"), ("X3", {}, "another line of the order")],
        [(None, {}, "missing order_id")],
        [(" ", {}, "blank order_id")],
        [("X4", {"lon": 200.0}, "lon out of range")],
    ]  # fmt: skip
    at = 0
    for k, order in enumerate(bad):
        starts = (i for i in range(at + 17 * k + 5, len(rows)) if _new_order(rows, i))
        at = next(starts)
        rows[at:at] = [{**line, **change, "order_id": o, "expect": e} for o, change, e in order]
    return with_expect(rows)


def _new_order(rows: list[dict], i: int) -> bool:
    return rows[i]["order_id"] != rows[i - 1]["order_id"]


def test_sourcing_job_rejects_whole_orders_and_plans_the_rest(inventory, samples_dir, tmp_path):
    table = orders_table(samples_dir)
    report, results, rejects = run(SourcingJob(inventory), table, tmp_path)
    check_fates(report, results, rejects, table)
    good = table.filter(pc.is_null(table.column("expect")))
    direct = inventory.source_orders(good.drop_columns(["expect", "shop_id"]))
    assert results.column("shop_id").to_pylist() == good.column("shop_id").to_pylist()
    assert results.drop_columns(["row", "shop_id"]).to_pylist() == direct.to_pylist()


@pytest.mark.parametrize("batch_size", [1, 2, 7, 64])
def test_sourcing_orders_are_never_cut_by_batches(inventory, samples_dir, tmp_path, batch_size):
    table = orders_table(samples_dir)
    _, whole, whole_rejects = run(SourcingJob(inventory), table, tmp_path, "whole")
    _, cut, cut_rejects = run(SourcingJob(inventory), table, tmp_path, "cut", batch_size=batch_size)
    assert cut.equals(whole)
    # rows without an order id are rejected as they come, before a waiting order's lines
    assert cut_rejects.sort_by("row").equals(whole_rejects)


@pytest.mark.parametrize(
    ("ids", "batch_size", "row"),
    [
        (["A", "A", "B", "A"], 100, 3),  # inside one batch
        (["A", "B", "B", "B", "C", "A", "C"], 2, 5),  # across batches, A long finished
        (["A", "A", "B", "B", "A"], 2, 4),  # the next batch starts with a finished order
    ],
)
def test_sourcing_refuses_an_order_split_by_other_orders(inventory, tmp_path, ids, batch_size, row):
    n = len(ids)
    table = pa.table(
        {"order_id": ids, "lat": [SHOP[0]] * n, "lon": [SHOP[1]] * n, "part_id": ["P0100005"] * n}
    )
    pq.write_table(table, tmp_path / "orders.parquet")
    with pytest.raises(ym.DataError, match=rf"order 'A' appears again at row {row} after other"):
        run_job(
            SourcingJob(inventory),
            tmp_path / "orders.parquet",
            tmp_path / "plans.parquet",
            batch_size=batch_size,
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.parquet"]


def test_rows_without_an_order_are_rejected_at_once_not_held(inventory):
    job = SourcingJob(inventory)
    n = 5
    batch = pa.table(
        {
            "order_id": ["A", None, None, " ", None],
            "lat": [SHOP[0]] * n,
            "lon": [SHOP[1]] * n,
            "part_id": ["P0100005"] * n,
        }
    )
    results, rejects = job.process(batch, 0)  # A may go on in the next batch: it waits
    assert results.num_rows == 0
    assert rejects.column("row").to_pylist() == [1, 2, 3, 4]
    results, rejects = job.process(batch.slice(1), 5)
    assert (results.num_rows, rejects.num_rows) == (0, 4)
    results, _ = job.finish()
    assert results.column("row").to_pylist() == [0]


def test_seen_orders_match_a_set():
    rng = np.random.default_rng(7)
    seen, model = SeenOrders(), set()
    for _ in range(60):
        hashes = rng.integers(0, 500, rng.integers(0, 30)).astype(np.uint64)
        before = seen.add(hashes)
        assert before.tolist() == [h in model for h in hashes.tolist()]
        model.update(hashes.tolist())
    assert seen.all().tolist() == sorted(model)


def test_offers_job(inventory, catalog, tmp_path):
    good = {"vehicle_id": "V070010", "vin": None, "category": "brake pads", "lat": 31.23,
            "lon": 121.47, "qty": 1, "expect": None}  # fmt: skip
    rows = [
        good,
        {**good, "category": "oil filter"},
        {**good, "vehicle_id": None, "vin": "LFV2A26F1KM333275", "category": "oil filter"},
        {**good, "category": "clutch kit"},  # automatic: nothing fits, answered empty
        {**good, "category": None, "expect": "missing category"},
        {**good, "category": "sandwiches", "expect": "unknown category"},
        {**good, "vehicle_id": "V0", "expect": "unknown vehicle_id"},
        {**good, "vehicle_id": None, "vin": "LSVAU2180N2183294", "expect": "invalid vin"},
        {**good, "lat": -91.0, "expect": "lat out of range"},
        {**good, "qty": -2, "expect": "qty must be >= 1"},
        {**good, "lon": None, "expect": "missing lon"},
    ]
    table = with_expect(rows)
    report, results, rejects = run(OffersJob(inventory, limit=3, keep=[]), table, tmp_path)
    check_fates(report, results, rejects, table)
    assert report.empty >= 1
    ok = np.flatnonzero(table.column("expect").is_null().to_numpy(zero_copy_only=False))
    direct = catalog.offers_many(
        table.drop_columns(["expect"]).take(ok), inventory=inventory, limit=3
    )
    assert results.column("row").to_pylist() == ok[direct["request_index"].to_numpy()].tolist()
    assert (
        results.drop_columns(["row"]).to_pylist()
        == direct.drop_columns(["request_index"]).to_pylist()
    )


# -- the runner ---------------------------------------------------------------------------------


def test_progress_is_reported_after_each_batch(catalog, samples_dir, tmp_path):
    seen: list[tuple[int, int | None]] = []
    run_job(
        FitmentJob(catalog),
        samples_dir / "requests.parquet",
        tmp_path / "out.parquet",
        batch_size=64,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(64, 200), (128, 200), (192, 200), (200, 200)]


def test_a_directory_of_files_is_one_dataset_numbered_in_file_order(catalog, samples_dir, tmp_path):
    requests = pq.read_table(samples_dir / "requests.parquet")
    (tmp_path / "in").mkdir()
    for k in range(3):
        pq.write_table(requests.slice(70 * k, 70), tmp_path / "in" / f"part-{k}.parquet")
    parts = run_job(FitmentJob(catalog), tmp_path / "in", tmp_path / "parts.parquet")
    whole = run_job(FitmentJob(catalog), samples_dir / "requests.parquet", tmp_path / "w.parquet")
    assert pq.read_table(parts.output).equals(pq.read_table(whole.output))


class _FailsOnThirdBatch(FitmentJob):
    def __init__(self, catalog: ym.Catalog) -> None:
        super().__init__(catalog)
        self.batches = 0

    def process(self, batch, first_row):
        self.batches += 1
        if self.batches == 3:
            raise RuntimeError("the machine caught fire")
        return super().process(batch, first_row)


def test_a_failed_job_leaves_no_output_not_even_the_last_good_one(catalog, samples_dir, tmp_path):
    out = tmp_path / "out.parquet"
    with pytest.raises(RuntimeError, match="fire"):
        run_job(_FailsOnThirdBatch(catalog), samples_dir / "requests.parquet", out, batch_size=16)
    assert list(tmp_path.iterdir()) == []
    good = run_job(FitmentJob(catalog), samples_dir / "requests.parquet", out)
    assert good.rejects is not None and out.exists()
    with pytest.raises(RuntimeError, match="fire"):
        run_job(_FailsOnThirdBatch(catalog), samples_dir / "requests.parquet", out, batch_size=16)
    assert list(tmp_path.iterdir()) == []  # the earlier run's files would pass for this one's


def test_a_job_failing_before_it_reads_removes_the_earlier_output(catalog, samples_dir, tmp_path):
    out = tmp_path / "out.parquet"
    run_job(FitmentJob(catalog), samples_dir / "requests.parquet", out)
    with pytest.raises(ym.MissingTableError):
        run_job(FitmentJob(catalog), tmp_path / "missing.parquet", out)
    assert list(tmp_path.iterdir()) == []


def test_keep_names_the_columns_results_carry_and_a_missing_one_fails_first(
    catalog, samples_dir, tmp_path
):
    requests = samples_dir / "requests.parquet"
    spec = JobSpec("fitment", samples_dir, options={"keep": ["request_id"]})
    report = run_job(spec.open(catalog=catalog), requests, tmp_path / "o.parquet")
    assert pq.read_schema(report.output).names[:3] == ["row", "request_id", "vehicle_id"]
    calls: list[int] = []
    with pytest.raises(ym.MissingColumnError, match="requests has no column shop_id to keep"):
        job = FitmentJob(catalog, keep=["request_id", "shop_id"])
        run_job(job, requests, tmp_path / "o.parquet", progress=lambda done, _: calls.append(done))
    assert calls == [] and list(tmp_path.iterdir()) == []


def test_a_bad_batch_size_fails_the_job_and_removes_the_earlier_output(
    catalog, samples_dir, tmp_path
):
    out = tmp_path / "out.parquet"
    run_job(FitmentJob(catalog), samples_dir / "requests.parquet", out)
    with pytest.raises(ym.DataError, match="batch_size must be >= 1"):
        run_job(FitmentJob(catalog), samples_dir / "requests.parquet", out, batch_size=0)
    assert list(tmp_path.iterdir()) == []


def test_the_output_may_not_be_the_input(catalog, samples_dir, tmp_path):
    requests = tmp_path / "requests.parquet"
    requests.write_bytes((samples_dir / "requests.parquet").read_bytes())
    with pytest.raises(ym.DataError, match="is the requests file the job reads"):
        run_job(FitmentJob(catalog), requests, requests)
    assert requests.read_bytes() == (samples_dir / "requests.parquet").read_bytes()


def test_stale_temporaries_of_dead_processes_are_removed_and_live_ones_kept(tmp_path):
    out = tmp_path / "o.parquet"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = tmp_path / f".o.parquet.{dead.stdout.strip()}-0123abcd.tmp"  # the old name form
    live = temporary_beside(out)
    other_host = tmp_path / f".o.parquet.{dead.stdout.strip()}-0123abcd@elsewhere.tmp"
    unrelated = tmp_path / f".other.parquet.{dead.stdout.strip()}-0123abcd.tmp"
    for path in (stale, live, other_host, unrelated):
        path.write_bytes(b"x")
    assert remove_stale(out) == [stale]
    assert sorted(tmp_path.iterdir()) == sorted([live, other_host, unrelated])


def test_an_unreadable_file_in_the_dataset_fails_the_job_cleanly(catalog, samples_dir, tmp_path):
    (tmp_path / "in").mkdir()
    pq.write_table(pq.read_table(samples_dir / "requests.parquet"), tmp_path / "in" / "a.parquet")
    (tmp_path / "in" / "b.parquet").write_bytes(b"PAR1 this is not parquet at all PAR1")
    with pytest.raises(ym.DataError, match="requests: cannot read"):
        run_job(FitmentJob(catalog), tmp_path / "in", tmp_path / "out.parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_rejects_of_an_earlier_run_do_not_outlive_a_clean_one(catalog, samples_dir, tmp_path):
    first = run_job(FitmentJob(catalog), samples_dir / "requests.parquet", tmp_path / "o.parquet")
    assert first.rejects is not None and first.rejects.exists()
    clean = tmp_path / "clean.parquet"
    pq.write_table(pa.table({"vehicle_id": ["V010001"]}), clean)
    second = run_job(FitmentJob(catalog), clean, tmp_path / "o.parquet")
    assert second.rejects is None and not first.rejects.exists()


@pytest.mark.parametrize(
    ("columns", "error", "match"),
    [
        ({"category": ["oil filter"]}, ym.MissingColumnError, "needs a vehicle_id or a vin"),
        ({"vehicle_id": [1]}, ym.ColumnTypeError, "requests.vehicle_id must hold strings"),
        ({"vehicle_id": ["V1"], "reason": ["x"]}, ym.DataError, "column named 'reason'"),
        ({"vehicle_id": ["V1"], "category": [2.5]}, ym.ColumnTypeError, "category must hold"),
    ],
)
def test_a_wrong_file_is_a_job_level_error(catalog, tmp_path, columns, error, match):
    pq.write_table(pa.table(columns), tmp_path / "in.parquet")
    with pytest.raises(error, match=match):
        run_job(FitmentJob(catalog), tmp_path / "in.parquet", tmp_path / "out.parquet")
    assert not (tmp_path / "out.parquet").exists()


def test_missing_and_non_parquet_sources(catalog, tmp_path):
    with pytest.raises(ym.MissingTableError, match="requests file not found"):
        run_job(FitmentJob(catalog), tmp_path / "nope.parquet", tmp_path / "out.parquet")
    (tmp_path / "text.parquet").write_text("vehicle_id\nV1\n")
    with pytest.raises(ym.DataError, match="cannot read"):
        run_job(FitmentJob(catalog), tmp_path / "text.parquet", tmp_path / "out.parquet")


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda c, i: FitmentJob(c, region="mars"), ym.DataError, "region"),
        (lambda c, i: FitmentJob(c, keep=("part_id",)), ym.DataError, "keep names output"),
        (lambda c, i: FitmentJob(c, keep="request_id"), ym.ColumnTypeError, "keep must be"),
        (lambda c, i: NumberSearchJob(c, max_edits=9), ym.DataError, "max_edits"),
        (lambda c, i: NearestStockedJob(i, max_km=-1), ym.DataError, "max_km"),
        (lambda c, i: SourcingJob(i, within="yesterday"), ym.DataError, "yesterday"),
        (lambda c, i: SourcingJob(i, max_shipments=0), ym.DataError, "max_shipments"),
        (lambda c, i: OffersJob(i, limit=0), ym.DataError, "limit"),
        (lambda c, i: JobSpec("teleport", "data/samples"), ym.DataError, "no job named"),
    ],
)
def test_bad_job_options_raise_when_the_job_is_made(catalog, inventory, make, error, match):
    with pytest.raises(error, match=match):
        make(catalog, inventory)


@pytest.mark.parametrize("batch_size", [0, -5, 2.5, True])
def test_batch_size_must_be_a_positive_int(catalog, samples_dir, tmp_path, batch_size):
    with pytest.raises((ym.DataError, ym.ColumnTypeError), match="batch_size"):
        run_job(
            FitmentJob(catalog),
            samples_dir / "requests.parquet",
            tmp_path / "o.parquet",
            batch_size=batch_size,
        )


@pytest.mark.parametrize("job", ["fitment", "numbers", "number-search", "vins", "nearest",
                                 "sourcing", "offers"])  # fmt: skip
def test_every_job_answers_an_empty_file_with_its_columns(job, samples_dir, tmp_path):
    opened = JobSpec(job, samples_dir).open()
    kinds = {"string": pa.string(), "number": pa.float64(), "integer": pa.int64()}
    names = [*opened.required, *opened.any_of[:1]]
    schema = pa.schema([(name, kinds[opened.kinds[name]]) for name in names])
    pq.write_table(schema.empty_table(), tmp_path / "empty.parquet")
    report = run_job(opened, tmp_path / "empty.parquet", tmp_path / "out.parquet")
    assert (report.input_rows, report.result_rows, report.rejects) == (0, 0, None)
    written = pq.read_schema(report.output).names
    assert written == ["row", *kept_columns(type(opened), None, schema), *opened.output_columns]
