"""The command line, run in-process through ``main([...])``: every subcommand on the samples and
on a generated tiny catalogue, the one-line errors with exit status 2, and the progress output."""

from __future__ import annotations

import ast
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

import yunpei_match as ym
import yunpei_match.batch as ym_batch
from yunpei_match import synth
from yunpei_match.cli import _output, main
from yunpei_match.cli import parser as cli_parser
from yunpei_match.cli._synth import DEFAULT_ROWS
from yunpei_match.errors import show

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
S = str(SAMPLES)
SHOP = "22.9944,113.7049"
COMMANDS = [
    "build",
    "fitment",
    "numbers",
    "search",
    "vins",
    "nearest",
    "offers",
    "source",
    "fit",
    "number",
    "vin",
    "where",
    "offer",
    "synth",
    "bench",
]


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def summary(out: str, command: str) -> tuple[int, int, int]:
    """(input rows, answered, rejected) from a batch command's summary line."""
    found = re.search(
        rf"^{command}: ([\d,]+) [^,]+, ([\d,]+) answered, ([\d,]+) rejected", out, re.M
    )
    assert found, out
    total, answered, rejected = (int(g.replace(",", "")) for g in found.groups())
    return total, answered, rejected


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "index"
    assert main(["build", S, "--out", str(path), "--quiet"]) == 0
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny catalogue with stock and inputs, written by the synth subcommand."""
    path = tmp_path_factory.mktemp("tiny") / "catalog"
    assert main(["synth", str(path), "--scale", "tiny", "--rows", "300", "--seed", "3"]) == 0
    return path


# -- help ---------------------------------------------------------------------------------------


def test_help_lists_every_command_with_examples(capsys):
    status, out, _ = run(capsys, "--help")
    assert status == 0
    for command in COMMANDS:
        assert re.search(rf"^    {command} ", out, re.M), command
    assert "examples:" in out


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help_with_examples(capsys, command):
    status, out, _ = run(capsys, command, "--help")
    assert status == 0
    assert out.startswith(f"usage: yunpei-match {command}")
    assert f"\nexamples:\n  yunpei-match {command}" in out or "examples:\n  yunpei-match" in out


def test_python_m_yunpei_match_help_in_a_subprocess():
    done = subprocess.run(
        [sys.executable, "-m", "yunpei_match", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: yunpei-match")
    assert "fitment" in done.stdout and "bench" in done.stdout


HEAVY = ("numpy", "pyarrow", "polars", "dask", "distributed", "rich.console", "rapidfuzz")


def child_env() -> dict[str, str]:
    """The environment of a child interpreter importing this checkout's yunpei_match."""
    return {**os.environ, "PYTHONPATH": str(Path(ym.__file__).resolve().parents[1])}


def _imported_by(code: str) -> list[str]:
    """The heavy libraries a fresh interpreter has imported after running ``code``."""
    probe = (
        f"import sys\n{code}\nprint('loaded:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=SAMPLES,
        env=child_env(),
    )
    loaded = done.stdout.rpartition("loaded:")[2].strip()
    return [name for name in loaded.split(",") if name]


def test_import_and_help_load_no_heavy_library():
    assert _imported_by("import yunpei_match, yunpei_match.batch") == []
    help_only = "from yunpei_match.cli import main\nmain(['--help'])"
    assert _imported_by(help_only) == []


def test_a_lookup_on_a_saved_index_loads_neither_polars_nor_dask(index):
    lookup = f"from yunpei_match.cli import main\nmain(['fit', {str(index)!r}, 'V010001'])"
    assert not {"polars", "dask", "distributed"} & set(_imported_by(lookup))


def test_every_public_name_is_there_when_asked_for():
    for module in (ym, ym_batch):
        assert set(module.__all__) <= set(dir(module))
        for name in module.__all__:
            assert getattr(module, name) is not None, name
    with pytest.raises(AttributeError, match="has no attribute 'Catalogue'"):
        ym.Catalogue  # noqa: B018


def test_synth_scales_are_the_generators():
    assert list(DEFAULT_ROWS) == list(synth.SCALES)


def test_every_subcommand_is_in_the_parser():
    names = set(cli_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert names == set(COMMANDS)


# -- batch commands on the samples ---------------------------------------------------------------


def test_fitment_on_a_saved_index_writes_results_and_rejects(capsys, index, tmp_path):
    out_file = tmp_path / "fitment.parquet"
    status, out, _ = run(
        capsys, "fitment", index, "--requests", f"{S}/requests.parquet", "--out", out_file, "-q"
    )
    assert status == 0
    assert out.startswith("loaded <Catalog: 400 vehicles")
    assert summary(out, "fitment") == (200, 194, 6)
    assert "rejected 6: unknown vehicle_id" in out
    result = pq.read_table(out_file)
    assert result.column_names[:3] == ["row", "request_id", "vehicle_id"]
    rejects = pq.read_table(tmp_path / "fitment.rejects.parquet")
    assert rejects.num_rows == 6


def test_an_out_name_ending_in_csv_is_written_as_csv(capsys, index, tmp_path):
    for name in ("fitment.csv", "fitment.parquet"):
        argv = ("fitment", index, "--requests", f"{S}/requests.parquet", "--out", tmp_path / name)
        assert run(capsys, *argv, "-q")[0] == 0
    results = pa.csv.read_csv(tmp_path / "fitment.csv")
    assert results.column_names[:3] == ["row", "request_id", "vehicle_id"]
    assert results.num_rows == pq.read_metadata(tmp_path / "fitment.parquet").num_rows
    assert pa.csv.read_csv(tmp_path / "fitment.rejects.csv").num_rows == 6


def test_numbers_and_search_batches(capsys, index, tmp_path):
    typed = tmp_path / "typed.parquet"
    pq.write_table(pa.table({"number": ["w71295", "03C 115 561 D", "W 712/59", None]}), typed)
    status, out, _ = run(
        capsys, "numbers", index, "--requests", typed, "--out", tmp_path / "n.parquet", "-q"
    )
    assert status == 0
    assert summary(out, "numbers") == (4, 2, 2)
    status, out, _ = run(
        capsys,
        "search",
        index,
        "--requests",
        typed,
        "--out",
        tmp_path / "s.parquet",
        "--max-edits",
        "2",
        "--limit",
        "1",
        "-q",
    )
    assert status == 0
    assert summary(out, "search") == (4, 3, 1)
    found = pq.read_table(tmp_path / "s.parquet")
    assert "W 712/95" in found.column("number").to_pylist()


def test_vins_batch_needs_no_catalogue(capsys, tmp_path):
    status, out, _ = run(
        capsys, "vins", "--requests", f"{S}/vins.parquet", "--out", tmp_path / "v.parquet", "-q"
    )
    assert status == 0
    assert summary(out, "vins") == (64, 57, 7)


def test_nearest_on_a_saved_index_with_stock(capsys, index, tmp_path):
    status, out, _ = run(
        capsys,
        "nearest",
        index,
        "--stock",
        S,
        "--lines",
        f"{S}/orders.parquet",
        "--out",
        tmp_path / "near.parquet",
        "--fastest",
        "--max-km",
        "800",
        "-q",
    )
    assert status == 0
    assert "stock: <Inventory: 42 warehouses" in out
    assert summary(out, "nearest") == (357, 357, 0)


def test_offers_batch(capsys, tmp_path):
    status, out, _ = run(
        capsys,
        "offers",
        S,
        "--requests",
        f"{S}/baskets.parquet",
        "--out",
        tmp_path / "offers.parquet",
        "--limit",
        "3",
        "-q",
    )
    assert status == 0
    total, answered, rejected = summary(out, "offers")
    assert total == 265 and answered + rejected == total
    offers = pq.read_table(tmp_path / "offers.parquet")
    assert offers.column("tier").null_count == 0
    ids = ["basket_id", "shop_id", "vehicle_id", "category"]  # the request's, kept by default
    assert offers.column_names[:5] == ["row", *ids]
    baskets = pq.read_table(SAMPLES / "baskets.parquet").select(ids)
    assert offers.select(ids).to_pylist() == baskets.take(offers.column("row")).to_pylist()


@pytest.mark.parametrize(
    ("keep", "kept"), [("shop_id,basket_id", ["shop_id", "basket_id"]), ("", [])]
)
def test_keep_names_the_request_columns_results_carry(capsys, tmp_path, keep, kept):
    argv = ["offers", S, "--requests", f"{S}/baskets.parquet", "--out", tmp_path / "o.parquet"]
    assert run(capsys, *argv, f"--keep={keep}", "-q")[0] == 0
    assert pq.read_schema(tmp_path / "o.parquet").names[: len(kept) + 2] == [
        "row",
        *kept,
        "part_id",
    ]


def run_main_job(capsys: pytest.CaptureFixture[str], out: object) -> tuple[int, str, str]:
    """The README's main job: source the sample orders, and the fill rate of its baskets."""
    orders, baskets = f"{S}/orders.parquet", f"{S}/baskets.parquet"
    return run(capsys, "source", S, "--orders", orders, "--baskets", baskets, "--out", out, "-q")


def test_source_batch_is_the_readme_main_job(capsys, tmp_path):
    status, out, _ = run_main_job(capsys, tmp_path / "plans.parquet")
    assert status == 0
    assert summary(out, "source") == (357, 357, 0)
    assert re.search(r"^sourced 150 orders \(357 lines\): [\d.]+% of lines filled", out, re.M)
    assert "lines by tier: " in out
    assert re.search(r"^fill rate of 265 basket lines within 1-3h: [\d.]+%", out, re.M)
    assert re.search(r"^fill rate of 265 basket lines within next-day: [\d.]+%", out, re.M)
    assert pq.read_table(tmp_path / "plans.parquet").num_rows == 357


def test_each_reject_reason_has_its_count_before_it(capsys, tmp_path):
    orders = pq.read_table(SAMPLES / "orders.parquet").slice(0, 4).to_pylist()
    orders[0]["qty"] = 0  # rejects its whole order: a reason ending with a number, and another
    pq.write_table(pa.Table.from_pylist(orders), tmp_path / "orders.parquet")
    status, out, _ = run(
        capsys, "source", S, "--orders", tmp_path / "orders.parquet", "--out", tmp_path / "o"
    )
    assert status == 0
    assert re.findall(r"^rejected .*$", out, re.M) == [
        "rejected 1: qty must be >= 1",
        "rejected 1: another line of the order is rejected",
    ]


def test_source_options_reach_the_job(capsys, tmp_path):
    status, _, _ = run(
        capsys,
        "source",
        S,
        "--orders",
        f"{S}/orders.parquet",
        "--out",
        tmp_path / "plans.parquet",
        "--within",
        "1-3h",
        "--max-shipments",
        "1",
        "--no-substitutes",
        "-q",
    )
    assert status == 0
    plans = pq.read_table(tmp_path / "plans.parquet").to_pylist()
    assert {p["tier"] for p in plans if p["filled"]} == {"1-3h"}
    assert not any(p["substitute"] for p in plans)


def test_source_one_order_prints_its_plan(capsys):
    status, out, _ = run(
        capsys, "source", S, "--part", "P0100005", "--part", "P0500150:2", "--at", SHOP
    )
    assert status == 0
    assert out.startswith("order of 2 lines at 22.9944, 113.7049: 100% filled in 1 shipment")
    assert re.search(r"^\s+1\s+P0500150\s+2\s+yes", out, re.M)
    assert "\nshipments\n" in out


def test_batch_on_dask_local_cluster(capsys, index, tmp_path):
    status, out, _ = run(
        capsys,
        "fitment",
        index,
        "--requests",
        f"{S}/requests.parquet",
        "--out",
        tmp_path / "parts",
        "--dask",
        "local:1",
        "--keep=",
        "-q",
    )
    assert status == 0
    assert out.startswith("dask: tcp://127.0.0.1:")
    assert summary(out, "fitment") == (200, 194, 6)
    assert sorted(p.name for p in (tmp_path / "parts").iterdir()) == ["part-00000.parquet"]
    names = pq.read_schema(tmp_path / "parts" / "part-00000.parquet").names
    assert names[:2] == ["row", "vehicle_id"]  # request_id, kept by default, is not


# -- quick lookups on the samples ----------------------------------------------------------------


def test_fit_a_vehicle(capsys):
    status, out, _ = run(
        capsys, "fit", S, "V010001", "--category", "brake pads", "--position", "front"
    )
    assert status == 0
    assert out.startswith("V010001 (2012 大众 帕萨特")
    assert "5 parts in brake pads" in out
    assert re.search(r"^part_id\s+brand\s+part_number\s+category\s+position", out, re.M)
    assert "P0500001  Volkswagen" in out


def test_fit_a_vin_lists_each_candidate_vehicle(capsys):
    status, out, _ = run(capsys, "fit", S, "lfv2a26f1km333275", "--category", "oil filter")
    assert status == 0
    assert "2 candidate vehicles" in out
    assert "V060007" in out and "V060008" in out
    assert "8 parts in oil filter, by candidate vehicle" in out


def test_number_lookup_follows_supersessions(capsys):
    status, out, _ = run(capsys, "number", S, "03C 115 561 D")
    assert status == 0
    assert "superseded, the newest number is '03C 115 561 H'" in out
    assert "Mann-Filter" in out


def test_number_search(capsys):
    status, out, _ = run(capsys, "number", S, "W 712/59", "--search", "--limit", "1")
    assert status == 0
    assert out.startswith("numbers within 2 edits of 'W 712/59'")
    assert re.search(r"^W 712/95\s+2\s+P0100002", out, re.M)


def test_vin_decodes_and_lists_vehicles_with_an_index(capsys, index):
    status, out, _ = run(capsys, "vin", "LFV2A26F1KM333275", index)
    assert status == 0
    assert re.search(r"^  maker\s+FAW-Volkswagen$", out, re.M)
    # LFV is Volkswagen, Audi and Jetta: the catalogue's patterns say which
    assert re.search(r"^  brand\s+大众 \(from the catalogue's vin_patterns\)$", out, re.M)
    assert "2 candidate vehicles, told apart by transmission, trim" in out
    assert re.search(r"^V060007 .* 5MT .* 9 of 17 positions$", out, re.M)
    assert "specificity" not in out


def test_vin_says_what_is_wrong_in_words(capsys):
    status, out, err = run(capsys, "vin", "LSVNC2680JTO53641")
    assert status == 2
    assert re.search(r"^  finding\s+letter O at position 12: .* did you mean 0\?$", out, re.M)
    assert re.search(r"^  codes\s+letter_ioq$", out, re.M)
    assert "did you mean LSVNC2680JT053641?" in err


def test_where_finds_a_substitute(capsys):
    status, out, _ = run(capsys, "where", S, "P0100027", "--at", SHOP, "--qty", "3")
    assert status == 0
    assert re.search(r"^  warehouse\s+WH-DG-F1", out, re.M)
    assert re.search(r"^  substitute\s+yes$", out, re.M)


@pytest.mark.parametrize("at", ["-33.87,151.21", "-33.87,-151.21", "33.87,-151.21"])
def test_a_shop_south_or_west_of_zero_is_a_position_not_an_option(capsys, at):
    status, out, _ = run(capsys, "where", S, "P0100005", "--at", at)
    assert status == 0
    lat, lon = at.split(",")
    assert re.search(rf"^  shop\s+{lat}, {lon}$", out, re.M)
    assert run(capsys, "source", S, "--part", "P0100005", "--at", at)[0] == 0


def test_where_says_when_nothing_is_in_stock(capsys):
    status, out, _ = run(capsys, "where", S, "P0100005", "--at", SHOP, "--qty", "100000")
    assert status == 0
    assert out.startswith("no warehouse holds 100000 of P0100005")


def test_offer_ranks_by_tier(capsys):
    status, out, _ = run(
        capsys,
        "offer",
        S,
        "--vin",
        "LFV2A26F1KM333275",
        "--category",
        "oil filter",
        "--at",
        SHOP,
        "--limit",
        "2",
    )
    assert status == 0
    assert out.startswith("offers for VIN LFV2A26F1KM333275, oil filter")
    rows = [line for line in out.splitlines() if line.startswith("P01")]
    assert len(rows) == 2 and all("1-3h" in row for row in rows)


# -- a generated tiny catalogue --------------------------------------------------------------------


def test_synth_writes_the_catalogue_stock_and_inputs(tiny):
    names = {p.name for p in tiny.iterdir()}
    assert {
        "vehicles.parquet",
        "parts.parquet",
        "fitments.parquet",
        "oe_numbers.parquet",
        "warehouses.parquet",
        "stock.parquet",
        "orders.parquet",
        "requests.parquet",
        "numbers.parquet",
        "vins.parquet",
    } <= names
    assert pq.read_table(tiny / "requests.parquet").num_rows == 300


@pytest.mark.parametrize(
    ("command", "source", "input_file", "extra"),
    [
        ("fitment", "--requests", "requests", ()),
        ("numbers", "--requests", "numbers", ()),
        ("search", "--requests", "numbers", ("--max-edits", "1")),
        ("vins", "--requests", "vins", ("--region", "any")),
        ("nearest", "--lines", "orders", ()),
        ("offers", "--requests", "requests", ()),
        ("source", "--orders", "orders", ("--baskets", "{tiny}/requests.parquet")),
    ],
)
def test_batch_commands_on_a_generated_catalogue(
    capsys, tiny, tmp_path, command, source, input_file, extra
):
    index = () if command == "vins" else (tiny,)
    extra = tuple(e.format(tiny=tiny) for e in extra)
    status, out, err = run(
        capsys,
        command,
        *index,
        source,
        tiny / f"{input_file}.parquet",
        "--out",
        tmp_path / "out.parquet",
        "--batch-size",
        "64",
        *extra,
    )
    assert status == 0, err
    total, answered, rejected = summary(out, command)
    assert total == 300 and answered + rejected == total
    assert (tmp_path / "out.parquet").exists()


def test_lookups_on_a_generated_catalogue(capsys, tiny):
    vehicle = pq.read_table(tiny / "vehicles.parquet").column("vehicle_id")[0].as_py()
    stock = pq.read_table(tiny / "stock.parquet")
    held = stock.filter(pa.compute.greater(stock.column("qty"), 0))
    part = str(held.column("part_id")[0].as_py())
    number = pq.read_table(tiny / "parts.parquet").column("part_number")[0].as_py()
    assert run(capsys, "fit", tiny, vehicle)[0] == 0
    assert run(capsys, "number", tiny, number)[0] == 0
    status, out, _ = run(capsys, "where", tiny, part, "--at", "31.23,121.47")
    assert status == 0 and "warehouse" in out
    status, out, _ = run(capsys, "source", tiny, "--part", part, "--at", "31.23,121.47")
    assert status == 0 and out.startswith("order of 1 line")


@pytest.mark.parametrize("data", ["generated", "synth directory"])
def test_bench_times_every_workload(capsys, tiny, data):
    given = ("--scale", "tiny", "--rows", "200") if data == "generated" else ("--data", tiny)
    status, out, _ = run(capsys, "bench", *given, "--repeats", "1")
    assert status == 0
    assert re.search(r"^workload\s+rows\s+median\s+rate\s+rows written\s+written/s", out, re.M)
    fitment = re.search(r"^fitment\s+([\d,]+)\s+\S+ m?s\s+\S+ k? ?requests/s\s+([\d,]+)", out, re.M)
    assert fitment is not None, out
    requests = int(fitment.group(1).replace(",", ""))
    assert requests == (200 if data == "generated" else 300)
    assert int(fitment.group(2).replace(",", "")) > requests  # many parts per request
    for workload in (
        "build from parquet",
        "save the index",
        "load the index",
        "fitment",
        "number lookup",
        "number typo search",
        "VIN decoding",
        "nearest stocked",
        "sourcing",
        "offers",
    ):
        assert re.search(rf"^{workload}\s+[\d,]+\s+[\d.]+ m?s", out, re.M), workload
    assert ("benchmarks/compare.py --scale tiny" in out) == (data == "generated")


# -- errors ----------------------------------------------------------------------------------------


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    no_vehicle = tmp_path / "no_vehicle.parquet"
    pq.write_table(pa.table({"category": ["oil filter"]}), no_vehicle)
    text = tmp_path / "text.parquet"
    text.write_text("not parquet")
    split = tmp_path / "split.parquet"
    orders = pq.read_table(SAMPLES / "orders.parquet")
    pq.write_table(orders.take([0, 2, 1]), split)  # O0001, O0002, O0001 again
    return {"no_vehicle": no_vehicle, "text": text, "split": split}


FIT = ("fitment", S, "--requests", "{requests}", "--out", "{tmp}/o.parquet")
SOURCE = ("source", S, "--orders", "{orders}", "--out", "{tmp}/o.parquet")
ERRORS = [
    (("fitment", S, "--requests", "{tmp}/missing.parquet", "--out", "{tmp}/o"), "not found"),
    (("fitment", S, "--requests", "{no_vehicle}", "--out", "{tmp}/o"), "vehicle_id or a vin"),
    (("fitment", "{tmp}/nowhere", "--requests", "{requests}", "--out", "{tmp}/o"), "not exist"),
    (("build", "{tmp}/nope", "--out", "{tmp}/i"), "nope does not exist: give a directory of"),
    (("nearest", S, "--lines", "{text}", "--out", "{tmp}/o.parquet"), "cannot read"),
    (("source", S, "--orders", "{split}", "--out", "{tmp}/o.parquet"), "must be grouped"),
    ((*SOURCE, "--within", "1h"), "unknown tier '1h'"),
    (("source", "{index}", "--orders", "{orders}", "--out", "{tmp}/o"), "--stock"),
    (("source", S), "give --orders FILE"),
    (("source", S, "--orders", "{orders}"), "needs --out"),
    (("source", S, "--part", "P0100005"), "needs --at"),
    (("fit", S, "V999"), "neither a vehicle_id"),
    (("fit", S, "V010001", "--category", "no such"), "category 'no such'"),
    (("fit", S, "LSVAU2180N2183294"), "position 9 is 0, not the check digit X"),
    (("fit", S, "WP0ZZZ99ZTS392124"), "the eu rules accept it: run with --region eu"),
    (("fit", S, "PX0W9XD10RZL37HD7"), "positions 14-17 are digits in every VIN"),
    (("number", S, "XX-0"), "not in the catalogue"),
    (("vin", "LSVAU2180N2183294"), "invalid under the cn rules"),
    (("where", S, "P9999999", "--at", SHOP), "part_id 'P9999999'"),
    (("where", S, "P0100005", "--at", "north"), "expected LAT,LON"),
    (("offer", S, "--vehicle", "V070010", "--at", SHOP), "--category"),
    (
        ("offer", S, "--vin", "1M8GDM9AXKP042788", "--category", "oil filter", "--at", SHOP),
        "VIN '1M8GDM9AXKP042788' matches no vehicle of the catalogue",
    ),
    ((*FIT, "--batch-size", "0"), ">= 1"),
    (("bench", "--data", "{index}"), "has no requests.parquet: give a directory written by"),
    ((*FIT, "--keep", "request_id,basket_id"), "requests has no column basket_id to keep"),
    ((*FIT, "--keep", "a,,b"), "column names separated by commas"),
    ((*FIT, "--keep", "part_id"), "keep names output column(s) of the fitment job: part_id"),
    (("source", S, "--part", "P0100005", "--at", SHOP, "--keep", "a"), "--keep is for a file"),
    ((*FIT, "--dask", "local:x"), "N >= 1"),
    ((*FIT[:-1], "{tmp}/o.csv", "--dask", "local:1"), "CSV is for a local run"),
    (("vins", "--requests", f"{S}/vins.parquet", "--out", "{tmp}/v.csv"), "reasons (list<"),
    (("no-such-command",), "invalid choice"),
]


@pytest.mark.parametrize(("argv", "message"), ERRORS, ids=[" ".join(a[:1]) for a, _ in ERRORS])
def test_user_mistakes_are_one_line_with_status_2(capsys, tmp_path, index, argv, message):
    files = {
        **_bad_files(tmp_path),
        "tmp": tmp_path,
        "index": index,
        "requests": SAMPLES / "requests.parquet",
        "orders": SAMPLES / "orders.parquet",
    }
    status, _, err = run(capsys, *(a.format(**files) for a in argv))
    assert status == 2
    assert err.startswith("yunpei-match: error: ")
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert message in err


FULL_WIDTH = [
    (("fit", S, "Ｖ０１\u30000001"), "'Ｖ０１\u30000001' is neither a vehicle_id"),
    (("fit", S, "V010001", "--category", "刹车\u3000片"), "category '刹车\u3000片' is not"),
    (("number", S, "ＸＸ\u3000０"), "number 'ＸＸ\u3000０' is not in the catalogue"),
    (("where", S, "Ｐ０１\u3000", "--at", SHOP), "part_id 'Ｐ０１\u3000' is not"),
]


@pytest.mark.parametrize(("argv", "message"), FULL_WIDTH, ids=[a[0] for a, _ in FULL_WIDTH])
def test_full_width_input_is_echoed_as_typed(capsys, argv, message):
    status, _, err = run(capsys, *argv)
    assert status == 2
    assert message in err and "\\u3000" not in err


@given(st.text(max_size=20))
def test_a_shown_string_reads_back_as_itself_and_is_repr_but_for_the_full_width_space(text):
    shown = show(text, limit=1000)
    assert ast.literal_eval(shown) == text  # quotes and escapes leave nothing ambiguous
    assert shown.replace("\u3000", "\\u3000") == repr(text)


def test_a_failed_job_leaves_no_results(capsys, tmp_path):
    out_file = tmp_path / "plans.parquet"
    status, _, _ = run(
        capsys, "source", S, "--orders", _bad_files(tmp_path)["split"], "--out", out_file
    )
    assert status == 2
    assert not out_file.exists()


def test_a_failed_run_removes_the_previous_runs_output(capsys, tmp_path):
    out_file = tmp_path / "plans.parquet"
    orders = SAMPLES / "orders.parquet"
    assert run(capsys, "source", S, "--orders", orders, "--out", out_file)[0] == 0
    assert out_file.exists()
    split = _bad_files(tmp_path)["split"]
    assert run(capsys, "source", S, "--orders", split, "--out", out_file)[0] == 2
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(("plans", ".plans"))]


STALLING_JOB = """
import sys, time
from yunpei_match.batch import FitmentJob
from yunpei_match.cli import main

answer = FitmentJob.process

def stall_after_the_first_batch(self, batch, first_row):
    if first_row > 0:
        print("writing", flush=True)
        time.sleep(120)
    return answer(self, batch, first_row)

FitmentJob.process = stall_after_the_first_batch
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["KILL", "TERM"])
def test_a_killed_job_leaves_nothing_a_later_run_does_not_remove(capsys, tmp_path, signum):
    script = tmp_path / "stall.py"
    script.write_text(STALLING_JOB)
    out_dir = tmp_path / "out"
    argv = ["fitment", S, "--requests", f"{S}/requests.parquet", "--out", out_dir / "o.parquet"]
    child = subprocess.Popen(
        [sys.executable, script, *argv, "--batch-size", "50", "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    assert child.stdout is not None
    for line in child.stdout:  # the catalogue is built, the first batch written
        if line.strip() == "writing":
            break
    assert any(p.name.endswith(".tmp") for p in out_dir.iterdir())
    child.send_signal(signum)
    child.communicate(timeout=60)
    left = [p.name for p in out_dir.iterdir()]
    if signum == signal.SIGTERM:
        assert child.returncode == 143 and left == []
        return
    assert child.returncode == -signal.SIGKILL
    assert left and all(name.startswith(".o.") and name.endswith(".tmp") for name in left)
    status, _, _ = run(capsys, *argv)
    assert status == 0
    assert sorted(p.name for p in out_dir.iterdir()) == ["o.parquet", "o.rejects.parquet"]


def test_internal_errors_propagate_with_their_traceback(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("yunpei_match.vin.decode_vin", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        main(["vin", "LFV2A21K6A3092399"])


# -- progress and output on a terminal or not ------------------------------------------------


def test_progress_lines_when_stderr_is_not_a_terminal(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(_output, "PLAIN_INTERVAL_SECONDS", 0.0)
    status, _, err = run(
        capsys,
        "fitment",
        S,
        "--requests",
        f"{S}/requests.parquet",
        "--out",
        tmp_path / "o.parquet",
        "--batch-size",
        "50",
    )
    assert status == 0
    lines = err.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("fitment: 50 / 200 rows (")
    assert re.fullmatch(r"fitment: 200 / 200 rows \([\d.]+ [kM]? ?rows/s\)", lines[-1])


def test_quiet_silences_progress(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(_output, "PLAIN_INTERVAL_SECONDS", 0.0)
    status, out, err = run(
        capsys,
        "fitment",
        S,
        "--requests",
        f"{S}/requests.parquet",
        "--out",
        tmp_path / "o.parquet",
        "--quiet",
    )
    assert status == 0 and err == "" and "fitment: 200 requests" in out


def test_rich_bars_and_tables_on_a_terminal(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(_output, "is_terminal", lambda stream: True)
    status, out, err = run(
        capsys, "fitment", S, "--requests", f"{S}/requests.parquet", "--out", tmp_path / "o"
    )
    assert status == 0
    assert "200 / 200 rows" in err
    status, out, _ = run(capsys, "fit", S, "V010001", "--category", "brake pads")
    assert status == 0
    assert "┃ part_id" in out and "P0500001" in out
