"""One kernel choice, "compiled" or "reference", reaching every kernel call.

A catalogue built with ``kernels="reference"`` (and an inventory over it) must run every call on
the pure-Python twins: the compiled extensions are made to raise on any use, and the whole API
is driven through them. The choice is checked where the work starts, an inventory follows its
catalogue unless told otherwise, and a program that never asks for the twins never imports them.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import yunpei_match as ym
from yunpei_match.batch import FitmentJob, NumberLookupJob, NumberSearchJob, VinDecodeJob
from yunpei_match.stock import source_order
from yunpei_match.vin import explain_vin

SHOP = (22.9944, 113.7049)  # a shop in Dongguan
CAMRY_VIN = "LFV2A26F1KM333275"  # a sample VIN with two candidate vehicles


def compiled_modules() -> list[Any]:
    """Every compiled kernel extension of the package, found by walking it."""
    names = [
        info.name
        for info in pkgutil.walk_packages(ym.__path__, f"{ym.__name__}.")
        if info.name.endswith("._kernels")
    ]
    return [importlib.import_module(name) for name in sorted(names)]


@pytest.fixture
def compiled_kernels_raise(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every callable of every compiled extension raise; return the extensions' names."""
    modules = compiled_modules()
    for module in modules:
        for name in dir(module):
            if not name.startswith("_") and callable(getattr(module, name)):
                where = f"{module.__name__}.{name}"

                def called(*args: Any, _where: str = where, **kwargs: Any) -> None:
                    raise AssertionError(f"the compiled kernel {_where} was called")

                monkeypatch.setattr(module, name, called)
    return [module.__name__ for module in modules]


def test_every_domain_with_kernels_is_covered(compiled_kernels_raise):
    assert compiled_kernels_raise == [
        f"yunpei_match.{domain}._kernels"
        for domain in ("_base", "fitment", "numbers", "planning", "stock", "vin")
    ]


@pytest.mark.parametrize("compiled", compiled_modules(), ids=lambda module: module.__name__)
def test_every_compiled_kernel_has_its_twin(compiled):
    twin = importlib.import_module(f"{compiled.__name__}_py")
    public = [name for name in dir(compiled) if not name.startswith("_")]
    assert [name for name in public if not hasattr(twin, name)] == []


def test_a_reference_catalogue_never_calls_the_compiled_kernels(
    compiled_kernels_raise, samples_dir, tmp_path
):
    catalog = ym.Catalog.from_parquet(samples_dir, kernels="reference")
    loaded = ym.Catalog.load(catalog.save(tmp_path / "index"), kernels="reference")
    assert (catalog.kernels, loaded.kernels) == ("reference", "reference")
    for each in (catalog, loaded):
        _use_the_catalogue(each)
    inventory = ym.Inventory.from_parquet(loaded, samples_dir)
    assert inventory.kernels == "reference"
    _use_the_inventory(inventory)


def _use_the_catalogue(catalog: ym.Catalog) -> None:
    fitment, numbers, vins = catalog.fitment, catalog.numbers, catalog.vins
    assert fitment.parts_for_vehicle("V010001", category="oil filter").num_rows > 0
    assert fitment.parts_for_vin(CAMRY_VIN, category="oil filter").num_rows > 0
    assert fitment.vehicles_for_parts(["P0100001"]).num_rows > 0
    assert fitment.fits("P0100001", "V010001")
    assert len(fitment.part_codes(0)) > 0
    assert numbers.lookup("w 712/95").num_rows > 0
    assert numbers.latest("W 712/95") == "W 712/95"
    assert numbers.interchange("P0100001").num_rows > 0
    for max_edits in (1, 3):  # deletion neighbourhoods, then q-grams
        assert numbers.search("W 712/96", max_edits=max_edits).num_rows > 0
    assert vins.vehicles_for_vin(CAMRY_VIN).num_rows == 2
    with pytest.raises(ym.DataError, match="not the check digit"):
        vins.vehicles_for_vin("LFV2A26F2KM333275")
    requests = pa.table({"vin": [CAMRY_VIN, "LFV2A26F2KM333275"], "number": ["W 712/95", "x"]})
    jobs = {FitmentJob: 1, NumberLookupJob: 1, NumberSearchJob: 0}  # rejected: VIN, "x"
    for job, rejected in jobs.items():
        results, rejects = job(catalog).process(requests, first_row=0)
        assert (results.num_rows > 0, rejects.num_rows) == (True, rejected)


def _use_the_inventory(inventory: ym.Inventory) -> None:
    assert inventory.nearest_stocked("P0100005", *SHOP) is not None
    lines = {"part_id": ["P0100005", "P0100001"], "lat": [SHOP[0]] * 2, "lon": [SHOP[1]] * 2}
    assert inventory.nearest_stocked_many(lines).num_rows == 2
    plan = source_order(inventory, {"part_id": ["P0100005", "P0100001"], "qty": [1, 1]}, *SHOP)
    assert plan.lines.num_rows == 2
    offers = inventory.catalog.offers(
        vehicle_id="V070010", category="brake pads", lat=31.23, lon=121.47, inventory=inventory
    )
    assert offers.num_rows > 0


def test_vin_and_number_functions_take_the_choice(compiled_kernels_raise):
    assert ym.normalize_number("ｗ　７１２／９５", kernels="reference") == "W71295"
    assert ym.normalize_numbers(["0 986"], kernels="reference").to_pylist() == ["0986"]
    assert ym.validate_vin(CAMRY_VIN, kernels="reference").valid
    assert ym.decode_vins([CAMRY_VIN], kernels="reference").column("maker").to_pylist()
    assert explain_vin("LSVNC2680JTO53641", kernels="reference")
    results, _ = VinDecodeJob(kernels="reference").process(pa.table({"vin": [CAMRY_VIN]}), 0)
    assert results.num_rows == 1


def test_an_inventory_follows_its_catalogue_unless_told(samples_dir):
    catalog = ym.Catalog.from_parquet(samples_dir, kernels="reference")
    follows = ym.Inventory.from_parquet(catalog, samples_dir)
    told = ym.Inventory.from_parquet(catalog, samples_dir, kernels="compiled")
    assert (follows.kernels, told.kernels) == ("reference", "compiled")
    assert follows.nearest_stocked("P0100005", *SHOP) == told.nearest_stocked("P0100005", *SHOP)


TABLES = {
    "vehicles": {"vehicle_id": ["V1"], "make": ["m"], "model": ["x"], "year": [2020]},
    "parts": {"part_id": ["P1"], "brand": ["b"], "part_number": ["N1"], "category": ["c"]},
}


@pytest.mark.parametrize("choice", ["cython", "Reference", None, 1, ym])
def test_the_choice_is_checked_where_the_work_starts(choice, tmp_path: Path):
    catalog = ym.Catalog.from_tables(**TABLES)
    index = catalog.save(tmp_path / "index")
    calls = [
        lambda: ym.Catalog.from_tables(**TABLES, kernels=choice),
        lambda: ym.Catalog.load(index, kernels=choice),
        lambda: ym.normalize_number("N1", kernels=choice),
        lambda: ym.normalize_numbers(["N1"], kernels=choice),
        lambda: ym.validate_vin(CAMRY_VIN, kernels=choice),
        lambda: ym.decode_vins([CAMRY_VIN], kernels=choice),
        lambda: explain_vin(CAMRY_VIN, kernels=choice),
        lambda: VinDecodeJob(kernels=choice),
    ]
    if choice is not None:  # None is an inventory's "as its catalogue"
        warehouses = {"warehouse_id": ["W1"], "lat": [22.5], "lon": [114.0]}
        stock = {"warehouse_id": ["W1"], "part_id": ["P1"], "qty": [1]}
        calls.append(
            lambda: ym.Inventory.from_tables(
                catalog, warehouses=warehouses, stock=stock, kernels=choice
            )
        )
    for call in calls:
        with pytest.raises(ym.DataError, match="kernels must be 'compiled' or 'reference', got "):
            call()


def test_a_compiled_run_never_imports_the_twins(samples_dir):
    probe = (
        "import sys, yunpei_match as ym\n"
        f"catalog = ym.Catalog.from_parquet({str(samples_dir)!r})\n"
        "catalog.numbers.search('W 712/59')\n"
        f"catalog.vins.vehicles_for_vin({CAMRY_VIN!r})\n"
        f"ym.Inventory.from_parquet(catalog, {str(samples_dir)!r}).nearest_stocked("
        f"'P0100005', *{SHOP!r})\n"
        "print(sorted(m for m in sys.modules if m.endswith('_kernels_py')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(ym.__file__).resolve().parents[1])},
    )
    assert done.stdout.strip() == "[]"
