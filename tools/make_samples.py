"""Write the hand-checked sample catalogue of ``yunpei_match`` to ``data/samples/``.

The sample is small enough to read in full and realistic enough to test against: vehicles sold
in China (joint-venture and domestic brands, model years 2012-2024), the wear and service parts a
repair shop orders for them under OE and aftermarket brands, the fitment links between the two,
a batch of fitment requests, and the OE numbers, supersessions and VINs that part-number and VIN
look-ups work on; and for stock, warehouses across China, what each holds, repair shops, and
their orders and repair baskets. Thirteen parquet files are written:

* ``vehicles.parquet`` -- one row per series, model year and engine/transmission configuration.
* ``parts.parquet`` -- SKUs: brand, part number as the brand prints it, category, Chinese name,
  and a ``universal`` flag for the few parts that fit every vehicle.
* ``fitments.parquet`` -- part-to-vehicle links, either by ``vehicle_id`` or by make + model +
  year range (optionally qualified by ``engine``), with position, quantity and note. Filters,
  plugs, timing kits, oil and brakes are linked by range; tyres, batteries, transmission fluid
  and clutch kits, which depend on the exact configuration, by vehicle id.
* ``requests.parquet`` -- sample batch-fitment requests, including unknown vehicle ids and
  categories the vehicle has no parts in.
* ``oe_numbers.parquet`` -- the OE number(s) each part replaces (its own, for an OE part),
  following the cross-references the fitments imply; they define the interchange groups.
* ``supersessions.parquet`` -- a few chains of old -> new part numbers.
* ``vin_patterns.parquet`` -- VIN patterns (WMI, VDS, model year, ``*`` wildcards) -> vehicle.
* ``vins.parquet`` -- sample VINs, valid and not, with the vehicles a decoder should find.
* ``warehouses.parquet`` -- front warehouses (前置仓) in 30 cities and regional distribution
  centres (中心仓), at real coordinates.
* ``stock.parquet`` -- quantity per warehouse and part listed: wear parts in most front
  warehouses, slow parts mainly in the centres, some rows sold out, and a few parts out of stock
  everywhere (most with interchangeable parts in stock).
* ``shops.parquet`` -- invented repair shops, near a front warehouse or far from all.
* ``orders.parquet`` -- order lines: the parts of one repair job on one vehicle, delivered to a
  shop.
* ``baskets.parquet`` -- repair baskets: a vehicle at a shop and the categories it needs.

Everything is derived from the hand-written tables of ``tools/sample_data/`` (one UTF-8 TSV file
per table, described in its README) and nothing is random: part numbers that are not written out
are made from a SHA-256 hash of what the part is, in the brand's printed format, and the choices
of stock, orders and baskets from hashes of the ids involved. The numbers
written out in ``known_numbers.tsv``, ``engine_families.tsv``, ``battery_numbers.tsv``,
``bulb_numbers.tsv``, ``transmission_fluids.tsv`` and ``universal_parts.tsv`` are meant to be
real (exceptions are noted in the README there); the applications given to them here are
approximate. The VIN WMIs and year codes are real, the VDS codes invented in the makers' layout;
which supersessions and OE aliases are real is noted in their tables. The city and warehouse
coordinates are real; warehouse and shop names, stock, orders and baskets are invented. See
``data/samples/README.md``. The code that turns the tables into rows is the package
``tools/samples/``.

To extend the sample, add a data table, a topic module in ``samples/`` with a ``*_table``
function, and list the new file in ``samples.build_tables``; the files already there must stay
byte-identical.

Usage: ``python tools/make_samples.py [OUT_DIR]`` (default: ``data/samples/`` of this repository).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pyarrow.parquet as pq
from samples import build_tables

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "data" / "samples"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "out_dir",
        nargs="?",
        type=Path,
        default=DEFAULT_OUT,
        help=f"directory for the parquet files (default: {DEFAULT_OUT})",
    )
    out_dir = parser.parse_args(argv).out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, table in build_tables().items():
        pq.write_table(table, out_dir / f"{name}.parquet", compression="zstd")
        print(f"{name}: {table.num_rows} rows -> {out_dir / f'{name}.parquet'}")


if __name__ == "__main__":
    main()
