"""Write the hand-checked sample catalogue of ``yunpei_match`` to ``data/samples/``.

The sample is small enough to read in full and realistic enough to test against: vehicles sold
in China (joint-venture and domestic brands, model years 2012-2024), the wear and service parts a
repair shop orders for them under OE and aftermarket brands, the fitment links between the two,
and a batch of fitment requests. Four parquet files are written:

* ``vehicles.parquet`` -- one row per series, model year and engine/transmission configuration.
* ``parts.parquet`` -- SKUs: brand, part number as the brand prints it, category, Chinese name,
  and a ``universal`` flag for the few parts that fit every vehicle.
* ``fitments.parquet`` -- part-to-vehicle links, either by ``vehicle_id`` or by make + model +
  year range (optionally qualified by ``engine``), with position, quantity and note. Filters,
  plugs, timing kits, oil and brakes are linked by range; tyres, batteries, transmission fluid
  and clutch kits, which depend on the exact configuration, by vehicle id.
* ``requests.parquet`` -- sample batch-fitment requests, including unknown vehicle ids and
  categories the vehicle has no parts in.

Everything is derived from the hand-written tables below and nothing is random: part numbers
that are not written out are made from a SHA-256 hash of what the part is, in the brand's
printed format. The numbers written out in ``KNOWN_NUMBERS``, ``FAMILIES``, ``BATTERIES``,
``BULBS`` and ``FLUIDS`` are meant to be real (exceptions are noted at each table); the
applications given to them here are approximate. See ``data/samples/README.md``.

To extend the sample (VIN patterns, OE numbers, warehouses, stock), add a data table and one
``*_table`` function, and list the new file in ``build_tables``.

Usage: ``python tools/make_samples.py [OUT_DIR]`` (default: ``data/samples/`` of this repository).
"""

from __future__ import annotations

import argparse
import hashlib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pyarrow as pa
import pyarrow.parquet as pq

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "data" / "samples"
T = TypeVar("T")

# --------------------------------------------------------------------------------------------
# Vehicles
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Engine:
    displacement: float | None
    fuel: str
    cylinders: int
    family: str | None  # groups spark plugs, coils, timing kits, water pumps, thermostats
    oil_filter: str | None  # key in OIL_FILTERS
    belt: str | None  # poly-V accessory belt; None where the engine has none (hybrids, EVs)
    oil: str | None  # key in OILS
    capacity: float | None  # engine oil fill with filter change, litres


@dataclass(frozen=True)
class Family:
    oe: str  # code the maker uses in its part numbers for this engine family
    timing: str  # "belt" or "chain"
    ngk: str | None  # NGK spark plug (None: diesel)
    denso: str | None  # Denso spark plug, where one is listed


@dataclass(frozen=True)
class Gen:
    """One generation of a series; ``configs`` are (engine, gearbox, drive, trim, tyre, years)."""

    code: str
    start: str  # production start, YYYY-MM
    end: str | None  # production end, None while in production
    oe: str  # model code the maker uses in its part numbers
    chassis: str  # groups brakes, shock absorbers, control arms and air filters
    cabin: str  # groups cabin filters
    configs: tuple[tuple[str, str, str, str | None, str, int, int], ...]
    wipers: tuple[int, int, int | None] = (600, 450, None)  # driver, passenger, rear (mm)
    bulb: str | None = "H7"  # low-beam bulb; None for LED headlights
    battery: str = "L2"
    fuel_filter: bool = False  # serviceable in-line fuel filter
    rear_drum: bool = False  # rear drum brakes: no rear pads or discs


@dataclass(frozen=True)
class Series:
    number: int  # first two digits of the vehicle ids of this series
    make: str
    manufacturer: str
    model: str
    name: str  # English or pinyin series name
    body: str
    gens: tuple[Gen, ...]


ENGINES = {
    "EA111 1.6L": Engine(1.6, "gasoline", 4, "EA111", "VW-EA111", "6PK1153", "5W-40", 4.0),
    "EA111 1.4T": Engine(1.4, "gasoline", 4, "EA111T", "VW-03C", "6PK1045", "5W-40", 3.6),
    "EA211 1.4T": Engine(1.4, "gasoline", 4, "EA211", "VW-04E", "6PK1050", "5W-40", 4.0),
    "EA211 1.5L": Engine(1.5, "gasoline", 4, "EA211", "VW-04E", "6PK1050", "5W-40", 4.0),
    "EA211 1.6L": Engine(1.6, "gasoline", 4, "EA211", "VW-04E", "6PK1050", "5W-40", 4.0),
    "EA888 1.8T": Engine(1.8, "gasoline", 4, "EA888", "VW-06J", "6PK1070", "5W-40", 4.6),
    "EA888 2.0T": Engine(2.0, "gasoline", 4, "EA888", "VW-06L", "6PK1070", "5W-30-C3", 5.7),
    "2AR-FE 2.5L": Engine(2.5, "gasoline", 4, "AR", "TY-AR", "7PK1516", "0W-20", 4.4),
    "6AR-FSE 2.0L": Engine(2.0, "gasoline", 4, "AR", "TY-AR", "7PK1516", "0W-20", 4.2),
    "8AR-FTS 2.0T": Engine(2.0, "gasoline", 4, "AR", "TY-AR", "7PK1516", "5W-30", 5.4),
    "M20A-FKS 2.0L": Engine(2.0, "gasoline", 4, "M20A", "TY-TNGA", "7PK1255", "0W-20", 4.2),
    "A25A-FXS 2.5L": Engine(2.5, "hybrid", 4, "A25A", "TY-TNGA", None, "0W-20", 4.5),
    "M15A-FKS 1.5L": Engine(1.5, "gasoline", 3, "M15A", "TY-TNGA", "6PK1150", "0W-20", 3.7),
    "1ZR-FE 1.6L": Engine(1.6, "gasoline", 4, "ZR", "TY-ZR", "7PK1255", "0W-20", 4.2),
    "6ZR-FE 2.0L": Engine(2.0, "gasoline", 4, "ZR", "TY-ZR", "7PK1255", "0W-20", 4.2),
    "8ZR-FXE 1.8L": Engine(1.8, "hybrid", 4, "ZR", "TY-ZR", None, "0W-20", 4.2),
    "8NR-FTS 1.2T": Engine(1.2, "gasoline", 4, "NR", "TY-NR", "6PK1100", "0W-20", 4.1),
    "R18Z 1.8L": Engine(1.8, "gasoline", 4, "R", "HO-RTA", "7PK1070", "0W-20", 3.7),
    "K24W 2.4L": Engine(2.4, "gasoline", 4, "K", "HO-RTA", "6PK1155", "0W-20", 4.4),
    "L15B 1.5T": Engine(1.5, "gasoline", 4, "L15T", "HO-RTA", "6PK1035", "0W-20", 3.7),
    "L15C 1.5T": Engine(1.5, "gasoline", 4, "L15T", "HO-RTA", "6PK1035", "0W-20", 3.7),
    "L15B 1.5L": Engine(1.5, "gasoline", 4, "L15", "HO-RTA", "5PK1120", "0W-20", 3.6),
    "LFB 2.0L": Engine(2.0, "hybrid", 4, "LF", "HO-RTA", None, "0W-20", 4.0),
    "HR16DE 1.6L": Engine(1.6, "gasoline", 4, "HR", "NI-65F0E", "7PK1030", "0W-20", 4.2),
    "MR20DD 2.0L": Engine(2.0, "gasoline", 4, "MR", "NI-65F0E", "7PK1130", "0W-20", 4.4),
    "KR20DDET 2.0T": Engine(2.0, "gasoline", 4, "KR", "NI-KR", "6PK1220", "5W-30", 5.0),
    "BYD476ZQA 1.5T": Engine(1.5, "gasoline", 4, "476", "BYD-476", "6PK1145", "5W-40", 4.2),
    "BYD476ZQC 1.5T": Engine(1.5, "phev", 4, "476", "BYD-476", None, "0W-20", 4.0),
    "BYD472QA 1.5L": Engine(1.5, "phev", 4, "472", "BYD-472", None, "0W-20", 4.0),
    "BYD487ZQA 2.0T": Engine(2.0, "phev", 4, "487", "BYD-487", "6PK1200", "5W-40", 4.5),
    "TZ180XSF 135kW": Engine(None, "ev", 0, None, None, None, None, None),
    "TZ200XSQ 150kW": Engine(None, "ev", 0, None, None, None, None, None),
    "TZ200XSU 163kW": Engine(None, "ev", 0, None, None, None, None, None),
    "JL4G15 1.5L": Engine(1.5, "gasoline", 4, "JL4G", "GL-4G", "6PK1110", "5W-40", 3.7),
    "JLC-4G20 2.0L": Engine(2.0, "gasoline", 4, "JL4G", "GL-4G", "6PK1135", "5W-40", 4.2),
    "JLE-4G18TD 1.8T": Engine(1.8, "gasoline", 4, "4G18TD", "GL-4GTD", "6PK1200", "5W-40", 4.5),
    "JLH-3G15TD 1.5T": Engine(1.5, "gasoline", 3, "3G15TD", "GL-BHE", "6PK1020", "0W-20", 5.0),
    "BHE15 1.5L": Engine(1.5, "gasoline", 4, "BHE15", "GL-BHE", "6PK1070", "0W-20", 4.0),
    "JL486Q5 2.0L": Engine(2.0, "gasoline", 4, "JL486", "CA-486", "6PK1200", "5W-40", 4.0),
    "JL486ZQ4 1.8T": Engine(1.8, "gasoline", 4, "JL486", "CA-486", "6PK1200", "5W-40", 4.5),
    "JL476ZQCF 1.5T": Engine(1.5, "gasoline", 4, "JL476", "CA-476", "6PK1160", "5W-40", 4.4),
    "GW4G15B 1.5T": Engine(1.5, "gasoline", 4, "GW4G15", "GW-4G15", "6PK1140", "5W-40", 4.5),
    "GW4D20 2.0T": Engine(2.0, "diesel", 4, "GW4D20", "GW-4D20", "6PK1230", "5W-40", 6.0),
    "GW4B15A 1.5T": Engine(1.5, "gasoline", 4, "GW4B15", "GW-4B", "6PK1070", "5W-30", 4.5),
    "GW4N20 2.0T": Engine(2.0, "gasoline", 4, "GW4N20", "GW-4B", "6PK1230", "5W-30", 5.0),
    "LDE 1.6L": Engine(1.6, "gasoline", 4, "LDE", "GM-ECO", "6PK1045", "5W-30-dexos1", 4.5),
    "L2B 1.5L": Engine(1.5, "gasoline", 4, "L2B", "GM-SGE", "6PK1035", "5W-30-dexos1", 4.0),
    "L3G 1.5L": Engine(1.5, "gasoline", 4, "L3G", "GM-SGE", "6PK1035", "5W-30-dexos1", 4.0),
    "LDK 2.0T": Engine(2.0, "gasoline", 4, "LDK", "GM-ECO", "6PK1230", "5W-30-dexos1", 5.0),
    "LTG 2.0T": Engine(2.0, "gasoline", 4, "LTG", "GM-LTG", "6PK1230", "5W-30-dexos1", 5.0),
    "LAR 1.5L": Engine(1.5, "gasoline", 4, "LAR", "WL-LAR", "5PK1150", "5W-30", 4.0),
    "N20B20 2.0T": Engine(2.0, "gasoline", 4, "N20", "BM-N20", "6PK1538", "5W-30-C3", 5.3),
    "B48B20 2.0T": Engine(2.0, "gasoline", 4, "B48", "BM-B48", "6PK1400", "5W-30-C3", 5.3),
    "M271 1.8T": Engine(1.8, "gasoline", 4, "M271", "MB-271", "6PK2150", "5W-30-C3", 5.5),
    "M274 2.0T": Engine(2.0, "gasoline", 4, "M274", "MB-274", "6PK1880", "5W-30-C3", 6.0),
    "M264 1.5T": Engine(1.5, "gasoline", 4, "M264", "MB-264", None, "5W-30-C3", 6.3),
    "M264 2.0T": Engine(2.0, "gasoline", 4, "M264", "MB-264", None, "5W-30-C3", 6.3),
    "M254 1.5T": Engine(1.5, "gasoline", 4, "M254", "MB-264", None, "5W-30-C3", 6.3),
}

# NGK and Denso codes are catalogue codes believed to exist; which engine each is given to is
# approximate. The OE code goes into generated OE numbers.
FAMILIES = {
    "EA111": Family("036", "belt", "BKR6E", "K20PR-U"),
    "EA111T": Family("03C", "chain", "PFR6Q", None),
    "EA211": Family("04E", "belt", "PLZKAR6A-11", "IK20TT"),
    "EA888": Family("06H", "chain", "PFR7S8EG", "IK22"),
    "AR": Family("36", "chain", "ILKAR7B11", "FK20HR11"),
    "M20A": Family("24", "chain", "ILKAR7L11", "FC16HR-Q8"),
    "A25A": Family("25", "chain", "ILKAR7L11", "FC16HR-Q8"),
    "M15A": Family("21", "chain", "ILKAR7L11", "FC16HR-Q8"),
    "ZR": Family("37", "chain", "DILKAR6A11", "SC16HR11"),
    "NR": Family("47", "chain", "ILZKAR7A11", "SC20HR11"),
    "R": Family("RNA", "chain", "IZFR6K13", "SKJ20DR-M13"),
    "K": Family("R40", "chain", "ILZKR7B11", None),
    "L15T": Family("59B", "chain", "DILKAR7G11GS", None),
    "L15": Family("RB0", "chain", "IZFR6K11", "SKJ16DR-M11"),
    "LF": Family("5K0", "chain", "DILKAR7G11GS", None),
    "HR": Family("ED0", "chain", "LZKAR6AP-11", "FXE20HR11"),
    "MR": Family("EN2", "chain", "LZKAR6AP-11", "FXE20HR11"),
    "KR": Family("5NA", "chain", "ILZKAR7A11", None),
    "476": Family("476ZQA", "chain", "ILZKR7B11", None),
    "472": Family("472QA", "chain", "DILKAR7G11GS", None),
    "487": Family("487ZQA", "chain", "ILKAR7B11", None),
    "JL4G": Family("101", "chain", "BKR6EIX-11", "IK20"),
    "4G18TD": Family("102", "chain", "ILZKR7B11", None),
    "3G15TD": Family("201", "chain", "ILKAR7B11", None),
    "BHE15": Family("301", "chain", "ILKAR7B11", None),
    "JL486": Family("H16", "chain", "BKR6EIX-11", None),
    "JL476": Family("H15", "chain", "ILZKR7B11", None),
    "GW4G15": Family("EG01", "belt", "BKR6EIX-11", None),
    "GW4D20": Family("ED01", "chain", None, None),
    "GW4B15": Family("EG11", "chain", "ILKAR7B11", None),
    "GW4N20": Family("EG21", "chain", "ILKAR7B11", None),
    "LDE": Family("5", "belt", "BKR6EIX-11", None),
    "L2B": Family("2", "chain", "ILZKAR7A11", None),
    "L3G": Family("2", "chain", "ILZKAR7A11", None),
    "LDK": Family("1", "chain", "PLFR5A-11", None),
    "LTG": Family("1", "chain", "LKR7DI-12", None),
    "LAR": Family("3", "chain", "BKR6E", None),
    "N20": Family("", "chain", "ILZKBR7B8DG", None),
    "B48": Family("", "chain", "ILZKBR7B8DG", None),
    "M271": Family("271", "chain", "ILFR6T11", None),
    "M274": Family("274", "chain", "ILFR6T11", None),
    "M264": Family("264", "chain", "ILFR6T11", None),
    "M254": Family("254", "chain", "ILFR6T11", None),
}

# fmt: off
SERIES = (
    Series(1, "大众", "上汽大众", "帕萨特", "Passat", "sedan", (
        Gen("passat-nms", "2011-05", "2018-10", "561", "vw-pq46", "vw-pq", (
            ("EA111 1.4T", "7DCT", "FWD", "1.4TSI 尊荣版", "215/60R16", 2012, 2015),
            ("EA211 1.4T", "7DCT", "FWD", "280TSI 尊荣版", "215/55R17", 2016, 2018),
        ), wipers=(600, 475, None), fuel_filter=True),
        Gen("passat-b8", "2018-11", None, "3G0", "vw-mqb-b", "vw-mqb", (
            ("EA888 2.0T", "7DCT", "FWD", "330TSI 豪华版", "235/45R18", 2019, 2024),
        ), bulb=None, battery="L2-EFB"),
    )),
    Series(2, "大众", "上汽大众", "朗逸", "Lavida", "sedan", (
        Gen("lavida-1", "2011-09", "2017-08", "18D", "vw-pq34", "vw-pq", (
            ("EA111 1.6L", "6AT", "FWD", "1.6L 自动舒适版", "195/65R15", 2012, 2015),
            ("EA211 1.6L", "6AT", "FWD", "1.6L 自动舒适版", "195/65R15", 2016, 2017),
        ), wipers=(600, 400, None), bulb="H4", fuel_filter=True),
        Gen("lavida-2", "2017-10", None, "18G", "vw-mqb-a", "vw-mqb", (
            ("EA211 1.5L", "6AT", "FWD", "1.5L 自动舒适版", "205/55R16", 2018, 2024),
        )),
    )),
    Series(3, "大众", "上汽大众", "途观L", "Tiguan L", "suv", (
        Gen("tiguanl-1", "2016-12", None, "5NA", "vw-tiguanl", "vw-mqb", (
            ("EA888 2.0T", "7DCT", "AWD", "380TSI 四驱R-Line", "235/50R19", 2017, 2024),
            ("EA211 1.4T", "7DCT", "FWD", "280TSI 两驱舒适版", "215/65R17", 2019, 2024),
        ), wipers=(650, 450, 300), battery="L3-AGM"),
    )),
    Series(4, "大众", "一汽-大众", "速腾", "Sagitar", "sedan", (
        Gen("sagitar-a6", "2011-05", "2018-08", "16D", "vw-pq35", "vw-pq", (
            ("EA111 1.4T", "7DCT", "FWD", "1.4TSI 豪华型", "205/55R16", 2012, 2014),
            ("EA211 1.4T", "7DCT", "FWD", "230TSI 豪华型", "225/45R17", 2015, 2018),
        ), wipers=(600, 475, None), fuel_filter=True),
        Gen("sagitar-mqb", "2018-10", None, "17G", "vw-mqb-a", "vw-mqb", (
            ("EA211 1.4T", "7DCT", "FWD", "280TSI DSG 舒适型", "225/45R17", 2019, 2024),
        ), battery="L2-EFB"),
    )),
    Series(5, "大众", "一汽-大众", "迈腾", "Magotan", "sedan", (
        Gen("magotan-b7l", "2011-10", "2016-08", "3AD", "vw-pq46", "vw-pq", (
            ("EA888 1.8T", "7DCT", "FWD", "1.8TSI 豪华型", "215/55R17", 2012, 2016),
        ), wipers=(600, 475, None), bulb="D3S", battery="L3", fuel_filter=True),
        Gen("magotan-b8l", "2016-09", None, "3GD", "vw-mqb-b", "vw-mqb", (
            ("EA888 2.0T", "7DCT", "FWD", "330TSI DSG 豪华型", "235/45R18", 2017, 2024),
        ), bulb=None, battery="L3-AGM"),
    )),
    Series(6, "大众", "一汽-大众", "宝来", "Bora", "sedan", (
        Gen("bora-3", "2012-09", "2018-08", "17A", "vw-bora3", "vw-pq", (
            ("EA111 1.6L", "5MT", "FWD", "1.6L 手动时尚型", "195/65R15", 2013, 2015),
            ("EA211 1.6L", "5MT", "FWD", "1.6L 手动时尚型", "195/65R15", 2016, 2018),
        ), wipers=(600, 400, None), bulb="H4", fuel_filter=True, rear_drum=True),
        Gen("bora-mqb", "2018-10", None, "17B", "vw-mqb-a", "vw-mqb", (
            ("EA211 1.5L", "5MT", "FWD", "1.5L 手动时尚型", "205/55R16", 2019, 2024),
            ("EA211 1.5L", "6AT", "FWD", "1.5L 自动精英型", "205/55R16", 2019, 2024),
        )),
    )),
    Series(7, "丰田", "广汽丰田", "凯美瑞", "Camry", "sedan", (
        Gen("camry-xv50", "2011-06", "2017-10", "33", "ty-xv50", "ty-yzz", (
            ("2AR-FE 2.5L", "6AT", "FWD", "2.5G 豪华导航版", "215/55R17", 2012, 2017),
        ), wipers=(600, 475, None), bulb="H11", battery="80D26L"),
        Gen("camry-xv70", "2017-11", None, "06", "ty-tnga-k", "ty-tnga", (
            ("6AR-FSE 2.0L", "6AT", "FWD", "2.0G 豪华版", "215/55R17", 2018, 2020),
            ("M20A-FKS 2.0L", "CVT", "FWD", "2.0G 豪华版", "215/55R17", 2021, 2024),
            ("A25A-FXS 2.5L", "E-CVT", "FWD", "2.5HS 双擎运动版", "235/45R18", 2018, 2024),
        ), wipers=(650, 475, None), bulb=None, battery="80D26L"),
    )),
    Series(8, "丰田", "广汽丰田", "汉兰达", "Highlander", "suv", (
        Gen("highlander-xu50", "2015-01", "2021-10", "0E", "ty-xu50", "ty-0e", (
            ("8AR-FTS 2.0T", "6AT", "AWD", "2.0T 四驱豪华版", "245/55R19", 2015, 2021),
        ), wipers=(650, 500, 300), bulb="H11", battery="80D26L"),
        Gen("highlander-xu70", "2021-11", None, "0E", "ty-xu70", "ty-tnga", (
            ("A25A-FXS 2.5L", "E-CVT", "AWD", "2.5L 双擎四驱豪华版", "235/55R20", 2022, 2024),
        ), wipers=(650, 500, 300), bulb=None, battery="80D26L"),
    )),
    Series(9, "丰田", "一汽丰田", "卡罗拉", "Corolla", "sedan", (
        Gen("corolla-e170", "2014-03", "2018-11", "02", "ty-e170", "ty-yzz", (
            ("1ZR-FE 1.6L", "6MT", "FWD", "1.6L 手动GL", "195/65R15", 2014, 2018),
            ("8ZR-FXE 1.8L", "E-CVT", "FWD", "双擎 1.8L 精英版", "195/65R15", 2016, 2018),
        ), wipers=(650, 350, None), bulb="H11", battery="55B24L", rear_drum=True),
        Gen("corolla-e210", "2018-08", None, "12", "ty-tnga-c", "ty-tnga", (
            ("8NR-FTS 1.2T", "CVT", "FWD", "1.2T S-CVT 精英版", "205/55R16", 2019, 2021),
            ("M15A-FKS 1.5L", "CVT", "FWD", "1.5L 精英版", "205/55R16", 2022, 2024),
            ("8ZR-FXE 1.8L", "E-CVT", "FWD", "双擎 1.8L 先锋版", "205/55R16", 2019, 2024),
        ), wipers=(650, 350, None), bulb=None, battery="55B24L"),
    )),
    Series(10, "丰田", "一汽丰田", "RAV4荣放", "RAV4", "suv", (
        Gen("rav4-xa40", "2013-04", "2019-10", "0R", "ty-xa40", "ty-yzz", (
            ("6ZR-FE 2.0L", "CVT", "FWD", "2.0L CVT 两驱都市版", "225/65R17", 2013, 2019),
        ), wipers=(650, 400, 300), bulb="H11", battery="80D26L"),
        Gen("rav4-xa50", "2019-11", None, "42", "ty-xa50", "ty-tnga", (
            ("M20A-FKS 2.0L", "CVT", "FWD", "2.0L CVT 两驱都市版", "225/65R17", 2020, 2024),
            ("A25A-FXS 2.5L", "E-CVT", "AWD", "双擎 2.5L 四驱旗舰版", "235/55R19", 2020, 2024),
        ), wipers=(650, 400, 300), bulb=None, battery="80D26L"),
    )),
    Series(11, "本田", "东风本田", "思域", "Civic", "sedan", (
        Gen("civic-9", "2011-12", "2015-12", "TR0", "ho-civic9", "ho-sdg", (
            ("R18Z 1.8L", "5AT", "FWD", "1.8L 自动舒适版", "205/55R16", 2012, 2015),
        ), wipers=(650, 550, None), bulb="H11", battery="46B24L"),
        Gen("civic-10", "2016-04", "2021-12", "TBA", "ho-civic10", "ho-tba", (
            ("L15B 1.5T", "CVT", "FWD", "220TURBO CVT 豪华版", "215/55R16", 2016, 2021),
        ), wipers=(650, 450, None), bulb="H11", battery="46B24L"),
        Gen("civic-11", "2021-07", None, "T20", "ho-civic11", "ho-tba", (
            ("L15B 1.5T", "CVT", "FWD", "240TURBO CVT 劲动版", "215/50R17", 2022, 2024),
            ("L15B 1.5T", "6MT", "FWD", "240TURBO 6MT 劲擎版", "215/50R17", 2022, 2024),
        ), wipers=(650, 400, None), bulb=None, battery="46B24L"),
    )),
    Series(12, "本田", "东风本田", "CR-V", "CR-V", "suv", (
        Gen("crv-5", "2017-07", "2022-08", "TLA", "ho-crv5", "ho-tba", (
            ("L15B 1.5T", "CVT", "FWD", "240TURBO CVT 两驱舒适版", "235/65R17", 2017, 2022),
        ), wipers=(650, 400, 300), bulb=None, battery="55B24L"),
        Gen("crv-6", "2022-09", None, "3A0", "ho-crv6", "ho-tba", (
            ("L15C 1.5T", "CVT", "AWD", "240TURBO 四驱尊耀版", "235/60R18", 2023, 2024),
        ), wipers=(650, 400, 300), bulb=None, battery="55B24L"),
    )),
    Series(13, "本田", "广汽本田", "雅阁", "Accord", "sedan", (
        Gen("accord-9", "2013-11", "2017-12", "T2A", "ho-accord9", "ho-sdg", (
            ("K24W 2.4L", "CVT", "FWD", "2.4L 尊贵版", "235/45R18", 2014, 2017),
        ), wipers=(650, 450, None), bulb="H11", battery="55B24L"),
        Gen("accord-10", "2018-04", "2022-10", "TVA", "ho-accord10", "ho-tba", (
            ("L15B 1.5T", "CVT", "FWD", "260TURBO 豪华版", "225/50R17", 2018, 2022),
            ("LFB 2.0L", "E-CVT", "FWD", "锐·混动 2.0L 锐·领先版", "225/50R17", 2018, 2022),
        ), wipers=(650, 450, None), bulb=None, battery="55B24L"),
        Gen("accord-11", "2022-11", None, "30A", "ho-accord11", "ho-tba", (
            ("L15C 1.5T", "CVT", "FWD", "260TURBO 豪华版", "235/45R18", 2023, 2024),
        ), wipers=(650, 450, None), bulb=None, battery="55B24L"),
    )),
    Series(14, "本田", "广汽本田", "飞度", "Fit", "hatchback", (
        Gen("fit-3", "2014-06", "2020-12", "T5A", "ho-fit3", "ho-tf0", (
            ("L15B 1.5L", "CVT", "FWD", "1.5L CVT 舒适版", "175/65R15", 2014, 2020),
            ("L15B 1.5L", "5MT", "FWD", "1.5L 手动舒适版", "175/65R15", 2014, 2017),
        ), wipers=(650, 350, 350), bulb="H4", battery="46B24L", rear_drum=True),
        Gen("fit-4", "2020-08", None, "T9A", "ho-fit4", "ho-tf0", (
            ("L15B 1.5L", "CVT", "FWD", "1.5L CVT 潮享版", "185/55R16", 2021, 2024),
        ), wipers=(650, 350, 350), bulb=None, battery="46B24L", rear_drum=True),
    )),
    Series(15, "日产", "东风日产", "轩逸", "Sylphy", "sedan", (
        Gen("sylphy-b17", "2012-07", "2019-12", "3RA", "ni-b17", "ni-b17", (
            ("HR16DE 1.6L", "CVT", "FWD", "1.6XL CVT 豪华版", "205/55R16", 2012, 2019),
        ), wipers=(650, 400, None), bulb="H4", battery="55B24L", rear_drum=True),
        Gen("sylphy-b18", "2019-11", None, "6LB", "ni-b18", "ni-b18", (
            ("HR16DE 1.6L", "CVT", "FWD", "1.6L XL 悦享版", "205/55R16", 2020, 2024),
        ), wipers=(650, 400, None), bulb=None, battery="55B24L"),
    )),
    Series(16, "日产", "东风日产", "天籁", "Teana", "sedan", (
        Gen("teana-l34", "2018-10", None, "6CA", "ni-l34", "ni-l34", (
            ("MR20DD 2.0L", "CVT", "FWD", "2.0L XL 舒适版", "215/55R17", 2019, 2024),
            ("KR20DDET 2.0T", "CVT", "FWD", "2.0T XV 智享版", "235/45R18", 2019, 2024),
        ), wipers=(650, 450, None), bulb=None, battery="80D26L"),
    )),
    Series(17, "比亚迪", "比亚迪汽车", "秦PLUS", "Qin PLUS", "sedan", (
        Gen("qinplus-1", "2020-12", None, "HA", "byd-qinplus", "byd-e", (
            ("BYD472QA 1.5L", "E-CVT", "FWD", "DM-i 55km 尊贵型", "225/60R16", 2021, 2024),
            ("TZ180XSF 135kW", "1AT", "FWD", "EV 500km 豪华型", "215/55R17", 2021, 2024),
        ), wipers=(650, 400, None), bulb=None, battery="BYD-LFP"),
    )),
    Series(18, "比亚迪", "比亚迪汽车", "汉", "Han", "sedan", (
        Gen("han-1", "2020-07", None, "EK", "byd-han", "byd-e", (
            ("TZ200XSU 163kW", "1AT", "FWD", "EV 506km 标准续航版", "245/50R18", 2020, 2024),
            ("BYD487ZQA 2.0T", "6DCT", "AWD", "DM 2.0T 四驱高性能版", "245/45R19", 2020, 2021),
            ("BYD476ZQC 1.5T", "E-CVT", "FWD", "DM-i 121km 尊贵型", "245/50R18", 2022, 2024),
        ), wipers=(650, 450, None), bulb=None, battery="BYD-LFP"),
    )),
    Series(19, "比亚迪", "比亚迪汽车", "宋", "Song", "suv", (
        Gen("song-1", "2015-12", "2019-06", "SA", "byd-song1", "byd-a", (
            ("BYD476ZQA 1.5T", "6DCT", "FWD", None, "225/65R17", 2016, 2019),
        ), wipers=(600, 400, 300)),
    )),
    Series(20, "比亚迪", "比亚迪汽车", "宋PLUS", "Song PLUS", "suv", (
        Gen("songplus-1", "2020-09", None, "SE", "byd-songplus", "byd-e", (
            ("BYD472QA 1.5L", "E-CVT", "FWD", "DM-i 110km 旗舰型", "235/50R19", 2021, 2024),
            ("TZ200XSQ 150kW", "1AT", "FWD", "EV 520km 尊贵型", "235/50R19", 2022, 2024),
        ), wipers=(650, 400, 300), bulb=None, battery="BYD-LFP"),
    )),
    Series(21, "吉利", "吉利汽车", "帝豪", "Emgrand", "sedan", (
        Gen("emgrand-ec7", "2011-09", "2016-06", "106", "gl-ec7", "gl-ec7", (
            ("JL4G15 1.5L", "5MT", "FWD", "1.5L 手动精英型", "205/55R16", 2012, 2016),
        ), wipers=(600, 400, None), bulb="H4", fuel_filter=True),
        Gen("emgrand-3", "2016-07", "2021-06", "206", "gl-emgrand3", "gl-ec7", (
            ("JL4G15 1.5L", "CVT", "FWD", "1.5L CVT 豪华型", "205/55R16", 2017, 2021),
        ), wipers=(600, 400, None), fuel_filter=True),
        Gen("emgrand-4", "2021-07", None, "306", "gl-emgrand4", "gl-cma", (
            ("BHE15 1.5L", "CVT", "FWD", "1.5L CVT 豪华型", "205/55R16", 2022, 2024),
        ), wipers=(650, 400, None)),
    )),
    Series(22, "吉利", "吉利汽车", "博越", "Boyue", "suv", (
        Gen("boyue-1", "2016-03", "2022-03", "606", "gl-boyue", "gl-boyue", (
            ("JLC-4G20 2.0L", "6MT", "FWD", "2.0L 手动智尚型", "225/65R17", 2016, 2018),
            ("JLE-4G18TD 1.8T", "6AT", "FWD", "1.8TD 自动智联型", "225/60R18", 2016, 2021),
            ("JLH-3G15TD 1.5T", "7DCT", "FWD", "1.5TD 7DCT 智享型", "225/60R18", 2020, 2021),
        ), wipers=(650, 400, 300)),
    )),
    Series(23, "长安", "长安汽车", "CS75", "CS75", "suv", (
        Gen("cs75-1", "2013-11", "2017-12", "S301", "ca-cs75a", "ca-cs75", (
            ("JL486Q5 2.0L", "6MT", "FWD", "2.0L 手动时尚型", "225/65R17", 2014, 2017),
            ("JL486ZQ4 1.8T", "6AT", "FWD", "1.8T 自动尊贵型", "225/60R18", 2015, 2017),
        ), wipers=(650, 400, 300), fuel_filter=True),
        Gen("cs75-2", "2018-01", "2021-12", "S311", "ca-cs75b", "ca-cs75", (
            ("JL476ZQCF 1.5T", "6AT", "FWD", "280T 自动豪华型", "225/60R18", 2018, 2021),
        ), wipers=(650, 400, 300)),
    )),
    Series(24, "哈弗", "长城汽车", "H6", "H6", "suv", (
        Gen("h6-1", "2011-08", "2017-12", "KZ16", "gw-h6a", "gw-h6a", (
            ("GW4G15B 1.5T", "6MT", "FWD", "1.5T 手动两驱都市型", "225/65R17", 2012, 2017),
            ("GW4D20 2.0T", "6MT", "AWD", "2.0T 柴油手动四驱尊贵型", "225/65R17", 2012, 2015),
        ), wipers=(600, 450, 300), fuel_filter=True),
        Gen("h6-3", "2020-09", None, "KZ53", "gw-h6c", "gw-h6c", (
            ("GW4B15A 1.5T", "7DCT", "FWD", "1.5T 自动冠军版", "225/60R18", 2021, 2024),
            ("GW4N20 2.0T", "7DCT", "AWD", "2.0T 四驱至尊版", "225/55R19", 2021, 2024),
        ), wipers=(650, 400, 300), bulb=None),
    )),
    Series(25, "别克", "上汽通用别克", "英朗", "Excelle GT", "sedan", (
        Gen("excelle-1", "2011-09", "2014-12", "9", "gm-delta", "gm-delta", (
            ("LDE 1.6L", "6AT", "FWD", "1.6L 自动进取版", "205/55R16", 2012, 2014),
        ), wipers=(650, 400, None), fuel_filter=True),
        Gen("excelle-2", "2015-02", "2021-12", "2", "gm-d2", "gm-d2", (
            ("L2B 1.5L", "6AT", "FWD", "15N 自动进取型", "205/55R16", 2015, 2021),
        ), wipers=(650, 400, None)),
        Gen("excelle-3", "2021-10", None, "4", "gm-d2", "gm-d2", (
            ("L3G 1.5L", "CVT", "FWD", "1.5L CVT 精英型", "205/55R16", 2022, 2024),
        ), wipers=(650, 400, None)),
    )),
    Series(26, "别克", "上汽通用别克", "君威", "Regal", "sedan", (
        Gen("regal-2", "2011-10", "2016-12", "2", "gm-epsilon2", "gm-epsilon2", (
            ("LDK 2.0T", "6AT", "FWD", "2.0T GS 豪情运动版", "235/45R18", 2012, 2016),
        ), wipers=(650, 450, None), bulb="D1S", battery="L3"),
        Gen("regal-3", "2017-03", None, "3", "gm-e2xx", "gm-e2xx", (
            ("LTG 2.0T", "9AT", "FWD", "28T 豪华型", "235/45R18", 2017, 2024),
        ), wipers=(650, 450, None), bulb=None, battery="L2-EFB"),
    )),
    Series(27, "五菱", "上汽通用五菱", "宏光", "Hongguang", "mpv", (
        Gen("hongguang-s", "2012-10", "2021-12", "3", "wl-hg", "wl-hg", (
            ("LAR 1.5L", "5MT", "RWD", None, "185/70R14", 2013, 2021),
        ), wipers=(550, 400, 300), bulb="H4", fuel_filter=True, rear_drum=True),
    )),
    Series(28, "宝马", "华晨宝马", "3系", "3 Series", "sedan", (
        Gen("3er-f35", "2012-07", "2019-05", "", "bm-f3x", "bm-f3x", (
            ("N20B20 2.0T", "8AT", "RWD", "320Li 时尚型", "225/50R17", 2013, 2015),
            ("B48B20 2.0T", "8AT", "RWD", "320Li 时尚型", "225/50R17", 2016, 2019),
        ), wipers=(600, 475, None), bulb="D1S", battery="L4-AGM"),
        Gen("3er-g28", "2019-07", None, "", "bm-g2x", "bm-g2x", (
            ("B48B20 2.0T", "8AT", "RWD", "325Li M运动套装", "225/45R18", 2020, 2024),
        ), wipers=(600, 475, None), bulb=None, battery="L4-AGM"),
    )),
    Series(29, "宝马", "华晨宝马", "5系", "5 Series", "sedan", (
        Gen("5er-f18", "2010-06", "2017-06", "", "bm-f1x", "bm-f1x", (
            ("N20B20 2.0T", "8AT", "RWD", "525Li 豪华设计套装", "245/45R18", 2012, 2017),
        ), wipers=(650, 475, None), bulb="D1S", battery="L5-AGM"),
        Gen("5er-g38", "2017-06", None, "", "bm-g3x", "bm-g3x", (
            ("B48B20 2.0T", "8AT", "RWD", "530Li 领先型 M运动套装", "245/45R18", 2018, 2024),
        ), wipers=(650, 475, None), bulb=None, battery="L5-AGM"),
    )),
    Series(30, "奔驰", "北京奔驰", "C级", "C-Class", "sedan", (
        Gen("c-w204", "2011-06", "2014-12", "204", "mb-w204", "mb-w204", (
            ("M271 1.8T", "7AT", "RWD", "C260 时尚型", "225/45R17", 2012, 2014),
        ), wipers=(600, 550, None), battery="L4-AGM"),
        Gen("c-w205", "2014-09", "2021-12", "205", "mb-w205", "mb-w205", (
            ("M274 2.0T", "7AT", "RWD", "C200L 运动版", "225/50R17", 2015, 2016),
            ("M274 2.0T", "9AT", "RWD", "C260L 运动版", "225/45R18", 2017, 2019),
            ("M264 1.5T", "9AT", "RWD", "C260L 运动版 48V", "225/50R17", 2019, 2021),
        ), wipers=(600, 550, None), battery="L4-AGM"),
        Gen("c-w206", "2021-12", None, "206", "mb-w206", "mb-w206", (
            ("M254 1.5T", "9AT", "RWD", "C260L 皓夜运动版", "225/45R18", 2022, 2024),
        ), wipers=(600, 550, None), bulb=None, battery="L4-AGM"),
    )),
    Series(31, "奔驰", "北京奔驰", "E级", "E-Class", "sedan", (
        Gen("e-w212", "2011-09", "2016-07", "212", "mb-w212", "mb-w212", (
            ("M271 1.8T", "7AT", "RWD", "E260L 优雅型", "245/45R17", 2012, 2013),
            ("M274 2.0T", "7AT", "RWD", "E260L 运动型", "245/45R17", 2014, 2016),
        ), wipers=(650, 600, None), bulb="D1S", battery="L5-AGM"),
        Gen("e-w213", "2016-08", None, "213", "mb-w213", "mb-w213", (
            ("M274 2.0T", "9AT", "RWD", "E300L 豪华型", "245/45R18", 2017, 2020),
            ("M264 2.0T", "9AT", "RWD", "E300L 豪华型", "245/45R18", 2021, 2024),
        ), wipers=(650, 600, None), bulb=None, battery="L5-AGM"),
    )),
)
# fmt: on


@dataclass(frozen=True)
class Vehicle:
    vehicle_id: str
    series: Series
    gen: Gen
    engine: str
    transmission: str
    drive: str
    trim: str | None
    tyre: str
    year: int

    @property
    def spec(self) -> Engine:
        return ENGINES[self.engine]


def gen_years(gen: Gen) -> range:
    return range(min(c[5] for c in gen.configs), max(c[6] for c in gen.configs) + 1)


def build_vehicles() -> list[Vehicle]:
    """One vehicle per series, model year and configuration; ids are V + series + sequence."""
    vehicles = []
    for series in SERIES:
        sequence = 0
        for gen in series.gens:
            for year in gen_years(gen):
                for engine, gearbox, drive, trim, tyre, first, last in gen.configs:
                    if first <= year <= last:
                        sequence += 1
                        number = f"V{series.number:02d}{sequence:04d}"
                        vehicles.append(
                            Vehicle(number, series, gen, engine, gearbox, drive, trim, tyre, year)
                        )
    return vehicles


def production(vehicle: Vehicle) -> tuple[str, str | None]:
    """Production months of a model year: September to August, clipped to the generation."""
    years = gen_years(vehicle.gen)
    start = vehicle.gen.start if vehicle.year == years[0] else f"{vehicle.year - 1}-09"
    end = vehicle.gen.end if vehicle.year == years[-1] else f"{vehicle.year}-08"
    return start, end


VEHICLE_SCHEMA = pa.schema(
    [
        ("vehicle_id", pa.string()),
        ("make", pa.string()),
        ("model", pa.string()),
        ("year", pa.int16()),
        ("manufacturer", pa.string()),
        ("series", pa.string()),
        ("engine", pa.string()),
        ("displacement_l", pa.float32()),
        ("fuel", pa.string()),
        ("transmission", pa.string()),
        ("drive", pa.string()),
        ("body", pa.string()),
        ("trim", pa.string()),
        ("market", pa.string()),
        ("produced_from", pa.string()),
        ("produced_to", pa.string()),
    ]
)


def vehicles_table(vehicles: list[Vehicle]) -> pa.Table:
    rows = []
    for v in vehicles:
        produced_from, produced_to = production(v)
        rows.append(
            {
                "vehicle_id": v.vehicle_id,
                "make": v.series.make,
                "model": v.series.model,
                "year": v.year,
                "manufacturer": v.series.manufacturer,
                "series": v.series.name,
                "engine": v.engine,
                "displacement_l": v.spec.displacement,
                "fuel": v.spec.fuel,
                "transmission": v.transmission,
                "drive": v.drive,
                "body": v.series.body,
                "trim": v.trim,
                "market": "CN",
                "produced_from": produced_from,
                "produced_to": produced_to,
            }
        )
    return pa.Table.from_pylist(rows, schema=VEHICLE_SCHEMA)


# --------------------------------------------------------------------------------------------
# Brands and part-number formats
# --------------------------------------------------------------------------------------------

CATEGORIES = (
    "oil filter",
    "air filter",
    "cabin filter",
    "fuel filter",
    "brake pads",
    "brake discs",
    "spark plugs",
    "ignition coil",
    "wiper blades",
    "battery",
    "tyres",
    "engine oil",
    "coolant",
    "transmission fluid",
    "timing kit",
    "water pump",
    "thermostat",
    "serpentine belt",
    "shock absorber",
    "control arm",
    "headlight bulb",
    "clutch kit",
    "brake fluid",
    "washer fluid",
    "accessory",
)

OE_BRANDS = {
    "大众": "Volkswagen",
    "丰田": "Toyota",
    "本田": "Honda",
    "日产": "Nissan",
    "比亚迪": "BYD",
    "吉利": "Geely",
    "长安": "Changan",
    "哈弗": "Haval",
    "别克": "Buick",
    "五菱": "Wuling",
    "宝马": "BMW",
    "奔驰": "Mercedes-Benz",
}

# Which aftermarket range a make draws on: European, Japanese, GM or Chinese brands.
REGIONS = {
    "大众": "eu",
    "宝马": "eu",
    "奔驰": "eu",
    "丰田": "jp",
    "本田": "jp",
    "日产": "jp",
    "别克": "gm",
    "五菱": "gm",
    "比亚迪": "cn",
    "吉利": "cn",
    "长安": "cn",
    "哈弗": "cn",
}


def everywhere(*brands: str) -> dict[str, tuple[str, ...]]:
    return dict.fromkeys(("eu", "jp", "gm", "cn"), brands)


FILTER_BRANDS = {
    "eu": ("Mann-Filter", "Mahle", "Bosch"),
    "jp": ("Mann-Filter", "Bosch"),
    "gm": ("ACDelco", "Mann-Filter"),
    "cn": ("Bosch", "Mann-Filter"),
}

AFTERMARKET = {
    "oil filter": FILTER_BRANDS,
    "air filter": FILTER_BRANDS,
    "fuel filter": FILTER_BRANDS,
    "brake pads": {
        "eu": ("Bosch", "TRW", "Brembo", "Ferodo"),
        "jp": ("Bosch", "Brembo", "TRW"),
        "gm": ("ACDelco", "Bosch", "TRW"),
        "cn": ("Bosch", "Brembo"),
    },
    "brake discs": {
        "eu": ("Brembo", "TRW", "Bosch"),
        "jp": ("Brembo", "Bosch"),
        "gm": ("Brembo", "TRW"),
        "cn": ("Bosch", "Brembo"),
    },
    "shock absorber": {
        "eu": ("Sachs", "KYB"),
        "jp": ("KYB", "Sachs"),
        "gm": ("KYB",),
        "cn": ("KYB",),
    },
    "control arm": {"eu": ("Lemförder", "TRW"), "jp": ("TRW",), "gm": ("TRW",), "cn": ("TRW",)},
    "ignition coil": everywhere("Bosch", "NGK"),
    "water pump": everywhere("Gates", "INA"),
    "thermostat": everywhere("Mahle", "Gates"),
}

CABIN_NAMES = {"std": "空调滤清器", "carbon": "活性炭空调滤清器"}
CABIN_BRANDS = {
    "eu": (
        ("Mann-Filter", "std"),
        ("Mann-Filter", "carbon"),
        ("Mahle", "std"),
        ("Mahle", "carbon"),
        ("Bosch", "std"),
    ),
    "jp": (("Mann-Filter", "carbon"), ("Bosch", "std")),
    "gm": (("ACDelco", "std"), ("Mann-Filter", "carbon")),
    "cn": (("Bosch", "std"), ("Mann-Filter", "carbon")),
}
TIMING_BRANDS = {"belt": ("Gates", "INA"), "chain": ("INA", "Febi")}
WIPER_BRANDS = ("Bosch", "Valeo")
CLUTCH_BRANDS = ("LuK", "Sachs", "Valeo")
TYRE_BRANDS = (
    ("Michelin", "Primacy 4"),
    ("Bridgestone", "Turanza T005"),
    ("Continental", "UltraContact UC6"),
)

# QC/T 265 main groups, which Chinese makers put in their part numbers.
QCT = {
    "oil filter": "1012",
    "air filter": "1109",
    "cabin filter": "8107",
    "fuel filter": "1117",
    "brake pads": {"front": "3501", "rear": "3502"},
    "brake discs": {"front": "3501", "rear": "3502"},
    "spark plugs": "3707",
    "ignition coil": "3705",
    "timing kit": "1006",
    "water pump": "1307",
    "thermostat": "1306",
    "serpentine belt": "1025",
    "shock absorber": {"front": "2905", "rear": "2915"},
    "control arm": "2904",
    "wiper blades": {"front": "5205", "rear": "6305"},
    "coolant": "1300",
    "transmission fluid": "1700",
    "battery": "3703",
}

# Printed formats: "#" a digit, "@" a capital letter, "{oe}" the maker's model or engine code,
# "{q}" the QC/T group. A dict picks by category, then by variant (position, filter kind ...).
TEMPLATES: dict[str, object] = {
    "Volkswagen": {
        "oil filter": "{oe} 115 ### @",
        "air filter": "{oe} 129 ### @",
        "cabin filter": "{oe} 819 ### @",
        "fuel filter": "{oe} 201 051 @",
        "brake pads": {"front": "{oe} 698 151 @", "rear": "{oe} 698 451 @"},
        "brake discs": {"front": "{oe} 615 301 @", "rear": "{oe} 615 601 @"},
        "spark plugs": "{oe} 905 6## @",
        "ignition coil": "{oe} 905 110 @",
        "timing kit": {"belt": "{oe} 198 119 @", "chain": "{oe} 109 158 @"},
        "water pump": "{oe} 121 0## @",
        "thermostat": "{oe} 121 113 @",
        "serpentine belt": "{oe} 903 137 @",
        "shock absorber": {"front": "{oe} 413 031 @", "rear": "{oe} 513 025 @"},
        "control arm": {"front left": "{oe} 407 151 @", "front right": "{oe} 407 152 @"},
        "wiper blades": {"front": "{oe} 955 4## @", "rear": "{oe} 955 427 @"},
    },
    "Toyota": {
        "oil filter": {"spin": "90915-YZZ@#", "cart": "04152-YZZA#"},
        "air filter": "17801-{oe}###",
        "cabin filter": "87139-{oe}###",
        "brake pads": {"front": "04465-{oe}###", "rear": "04466-{oe}###"},
        "brake discs": {"front": "43512-{oe}###", "rear": "42431-{oe}###"},
        "spark plugs": "90919-01###",
        "ignition coil": "90919-02###",
        "timing kit": {"chain": "13506-{oe}###"},
        "water pump": "16100-{oe}###",
        "thermostat": "90916-03###",
        "serpentine belt": "90916-02###",
        "shock absorber": {"front": "48510-{oe}###", "rear": "48530-{oe}###"},
        "control arm": {"front left": "48069-{oe}###", "front right": "48068-{oe}###"},
        "wiper blades": {"front": "85212-{oe}###", "rear": "85242-{oe}###"},
        "coolant": "08889-80###",
        "transmission fluid": "08886-0####",
        "battery": "28800-{oe}###",
    },
    "Honda": {
        "oil filter": "15400-{oe}-00#",
        "air filter": "17220-{oe}-@0#",
        "cabin filter": "80292-{oe}-@0#",
        "brake pads": {"front": "45022-{oe}-@0#", "rear": "43022-{oe}-@0#"},
        "brake discs": {"front": "45251-{oe}-@0#", "rear": "42510-{oe}-@0#"},
        "spark plugs": "12290-{oe}-00#",
        "ignition coil": "30520-{oe}-@0#",
        "timing kit": {"chain": "14401-{oe}-@0#"},
        "water pump": "19200-{oe}-@0#",
        "thermostat": "19301-{oe}-@0#",
        "serpentine belt": "31110-{oe}-@0#",
        "shock absorber": {"front": "51611-{oe}-@0#", "rear": "52611-{oe}-@0#"},
        "control arm": {"front left": "51360-{oe}-@0#", "front right": "51350-{oe}-@0#"},
        "wiper blades": {"front": "76620-{oe}-@0#", "rear": "76730-{oe}-@0#"},
        "coolant": "08CLA-G0#-#M0",
        "transmission fluid": "08200-@###",
    },
    "Nissan": {
        "oil filter": "15208-{oe}#@",
        "air filter": "16546-{oe}#@",
        "cabin filter": "27277-{oe}#@",
        "brake pads": {"front": "D1060-{oe}#@", "rear": "D4060-{oe}#@"},
        "brake discs": {"front": "40206-{oe}#@", "rear": "43206-{oe}#@"},
        "spark plugs": "22401-{oe}#@",
        "ignition coil": "22448-{oe}#@",
        "timing kit": {"chain": "13028-{oe}#@"},
        "water pump": "21010-{oe}#@",
        "thermostat": "21200-{oe}#@",
        "serpentine belt": "11720-{oe}#@",
        "shock absorber": {"front": "E4302-{oe}#@", "rear": "E6210-{oe}#@"},
        "control arm": {"front left": "54501-{oe}#@", "front right": "54500-{oe}#@"},
        "wiper blades": {"front": "28890-{oe}#@", "rear": "28780-{oe}#@"},
        "coolant": "KE902-#####",
        "transmission fluid": "KLE52-#####",
    },
    "BMW": {
        "oil filter": "11 42 # ### ###",
        "air filter": "13 71 # ### ###",
        "cabin filter": "64 11 # ### ###",
        "brake pads": {"front": "34 11 6 ### ###", "rear": "34 21 6 ### ###"},
        "brake discs": {"front": "34 11 6 ### ###", "rear": "34 21 6 ### ###"},
        "spark plugs": "12 12 0 ### ###",
        "ignition coil": "12 13 8 ### ###",
        "timing kit": {"chain": "11 31 8 ### ###"},
        "water pump": "11 51 8 ### ###",
        "thermostat": "11 53 8 ### ###",
        "serpentine belt": "11 28 7 ### ###",
        "shock absorber": {"front": "31 31 6 ### ###", "rear": "33 52 6 ### ###"},
        "control arm": "31 12 6 ### ###",
        "wiper blades": {"front": "61 61 7 ### ###", "rear": "61 62 7 ### ###"},
        "transmission fluid": "83 22 2 ### ###",
    },
    "Mercedes-Benz": {
        "oil filter": "A {oe} 180 ## 09",
        "air filter": "A {oe} 094 ## ##",
        "cabin filter": "A {oe} 835 ## ##",
        "brake pads": "A {oe} 420 ## ##",
        "brake discs": {"front": "A {oe} 421 ## ##", "rear": "A {oe} 423 ## ##"},
        "spark plugs": "A {oe} 159 ## ##",
        "ignition coil": "A {oe} 906 ## ##",
        "timing kit": "A {oe} 052 ## ##",
        "water pump": "A {oe} 200 ## ##",
        "thermostat": "A {oe} 203 ## ##",
        "serpentine belt": "A {oe} 997 ## ##",
        "shock absorber": "A {oe} 320 ## ##",
        "control arm": "A {oe} 330 ## ##",
        "wiper blades": "A {oe} 820 ## ##",
        "transmission fluid": "A 001 989 ## 03",
    },
    "Buick": "{oe}#######",
    "Wuling": "2{oe}######",
    "Geely": "{oe}#######",
    "BYD": "{oe}-{q}###",
    "Changan": "{oe}{q}###-0#",
    "Haval": "{q}###X{oe}@",
    "Mann-Filter": {
        "oil filter": {"spin": "W ###/##", "cart": "HU ###/# x"},
        "air filter": "C ## ###",
        "cabin filter": {"std": "CU ## ###", "carbon": "CUK ## ###"},
        "fuel filter": "WK ###/#",
    },
    "Mahle": {
        "oil filter": {"spin": "OC ###", "cart": "OX ###D"},
        "air filter": "LX ####",
        "cabin filter": {"std": "LA ###", "carbon": "LAK ###"},
        "fuel filter": "KL ###",
        "thermostat": "TX ### ##D",
    },
    "Bosch": {
        "oil filter": "F 026 407 ###",
        "air filter": "F 026 400 ###",
        "cabin filter": "1 987 435 ###",
        "fuel filter": "F 026 402 ###",
        "brake pads": "0 986 494 ###",
        "brake discs": "0 986 479 ###",
        "spark plugs": "0 242 2## ###",
        "ignition coil": "0 986 221 ###",
        "wiper blades": {"front": "3 397 008 ###", "rear": "3 397 011 ###"},
        "serpentine belt": "1 987 947 ###",
    },
    "ACDelco": {
        "oil filter": "PF####",
        "air filter": "A####C",
        "cabin filter": "CF####",
        "fuel filter": "GF###",
        "brake pads": "17D####CH",
        "spark plugs": "41-###",
    },
    "TRW": {"brake pads": "GDB####", "brake discs": "DF####", "control arm": "JTC####"},
    "Brembo": {"brake pads": "P ## ###", "brake discs": "09.@###.#1"},
    "Ferodo": {"brake pads": "FDB####"},
    "NGK": {"ignition coil": "U5###"},
    "Gates": {"timing kit": "K015###XS", "water pump": "WP####", "thermostat": "TH#####G1"},
    "INA": {
        "timing kit": {"belt": "530 0### 10", "chain": "559 0### 10"},
        "water pump": "538 0### 10",
    },
    "Febi": {"timing kit": "#####"},
    "KYB": {"shock absorber": {"front": "339###", "rear": "349###"}},
    "Sachs": {"shock absorber": "31# ###", "clutch kit": "3000 951 ###"},
    "Lemförder": {"control arm": "##### 0#"},
    "LuK": {"clutch kit": "623 3### 00"},
    "Valeo": {"wiper blades": "574###", "clutch kit": "826###"},
    "Michelin": "######",
    "Bridgestone": "#####",
    "Continental": "03#####",
    "Castrol": "15###@",
    "Mobil": "15####",
    "Shell": "550######",
}

# Real numbers (as far as the author knows) for (brand, category, group key, variant); their
# applications in this sample are approximate.
KNOWN_NUMBERS = {
    ("Volkswagen", "oil filter", "VW-03C", "spin"): "03C 115 561 H",
    ("Volkswagen", "oil filter", "VW-04E", "spin"): "04E 115 561 H",
    ("Volkswagen", "oil filter", "VW-06J", "spin"): "06J 115 403 Q",
    ("Volkswagen", "oil filter", "VW-06L", "cart"): "06L 115 562 B",
    ("Mann-Filter", "oil filter", "VW-03C", "spin"): "W 712/95",
    ("Mann-Filter", "oil filter", "VW-06J", "spin"): "W 719/45",
    ("Mann-Filter", "oil filter", "VW-06L", "cart"): "HU 7020 z",
    ("Mahle", "oil filter", "VW-03C", "spin"): "OC 593/4",
    ("Volkswagen", "cabin filter", "vw-mqb", "std"): "5Q0 819 653",
    ("Volkswagen", "cabin filter", "vw-pq", "std"): "1K1 819 653 B",
    ("Volkswagen", "brake pads", "vw-mqb-a|front", "front"): "5Q0 698 151 D",
    ("Volkswagen", "spark plugs", "EA888", None): "06H 905 601 A",
    ("Volkswagen", "ignition coil", "EA888", None): "07K 905 715 G",
    ("Volkswagen", "timing kit", "EA211", "belt"): "04E 198 119 A",
    ("Volkswagen", "coolant", "大众", None): "G 013 A8J M1",
    ("Toyota", "oil filter", "TY-ZR", "cart"): "04152-YZZA6",
    ("Toyota", "brake pads", "ty-xv50|front", "front"): "04465-33450",
    ("Honda", "oil filter", "HO-RTA", "spin"): "15400-RTA-003",
    ("Honda", "air filter", "ho-accord9|K", None): "17220-5A2-A00",
    ("Honda", "air filter", "ho-civic10|L15T", None): "17220-5AA-A00",
    ("Honda", "cabin filter", "ho-sdg", "std"): "80292-SDG-W01",
    ("Honda", "cabin filter", "ho-tba", "std"): "80292-TBA-A11",
    ("Nissan", "oil filter", "NI-65F0E", "spin"): "15208-65F0E",
    ("BMW", "oil filter", "BM-N20", "cart"): "11 42 7 953 125",
    ("BMW", "oil filter", "BM-B48", "cart"): "11 42 8 575 211",
    ("Mann-Filter", "oil filter", "BM-N20", "cart"): "HU 816 x",
    ("BMW", "ignition coil", "N20", None): "12 13 8 657 273",
    ("BMW", "ignition coil", "B48", None): "12 13 8 657 273",
    ("Bosch", "ignition coil", "N20", None): "0 221 504 800",
    ("Bosch", "ignition coil", "B48", None): "0 221 504 800",
    ("BMW", "coolant", "宝马", None): "83 19 2 211 191",
    ("Mercedes-Benz", "oil filter", "MB-271", "cart"): "A 271 180 01 09",
    ("Mercedes-Benz", "oil filter", "MB-274", "cart"): "A 270 180 01 09",
    ("Mercedes-Benz", "coolant", "奔驰", None): "A 000 989 08 25",
}

# --------------------------------------------------------------------------------------------
# Part specifications
# --------------------------------------------------------------------------------------------

OIL_FILTERS = {  # "spin": spin-on canister, "cart": element in a housing
    "VW-EA111": "spin",
    "VW-03C": "spin",
    "VW-04E": "spin",
    "VW-06J": "spin",
    "VW-06L": "cart",
    "TY-AR": "spin",
    "TY-TNGA": "spin",
    "TY-ZR": "cart",
    "TY-NR": "spin",
    "HO-RTA": "spin",
    "NI-65F0E": "spin",
    "NI-KR": "spin",
    "BYD-476": "spin",
    "BYD-472": "spin",
    "BYD-487": "spin",
    "GL-4G": "spin",
    "GL-4GTD": "spin",
    "GL-BHE": "spin",
    "CA-486": "spin",
    "CA-476": "spin",
    "GW-4G15": "spin",
    "GW-4D20": "spin",
    "GW-4B": "spin",
    "GM-ECO": "spin",
    "GM-SGE": "spin",
    "GM-LTG": "spin",
    "WL-LAR": "spin",
    "BM-N20": "cart",
    "BM-B48": "cart",
    "MB-271": "cart",
    "MB-274": "cart",
    "MB-264": "cart",
}

OILS = {  # grade key -> label printed on the pack
    "0W-20": "0W-20 SP",
    "5W-30": "5W-30 SP",
    "5W-40": "5W-40 A3/B4",
    "5W-30-C3": "5W-30 C3",
    "5W-30-dexos1": "5W-30 dexos1",
}
OIL_BRANDS = (("Castrol", "极护"), ("Mobil", "美孚1号"), ("Shell", "超凡喜力"))

COOLANTS = {  # make -> (OE coolant, Castrol line that suits it)
    "大众": ("冷却液 G13 浓缩液 1.5L", "Si-OAT"),
    "丰田": ("超长效冷却液 SLLC 粉红色 2L", "SF"),
    "本田": ("冷却液 Type 2 蓝色 1L", "SF"),
    "日产": ("冷却液 L255N 蓝色 2L", "SF"),
    "比亚迪": ("长效有机型冷却液 -40°C 4kg", "SF"),
    "吉利": ("长效冷却液 -40°C 4kg", "SF"),
    "长安": ("长效冷却液 -35°C 4kg", "SF"),
    "哈弗": ("长效冷却液 -40°C 4kg", "SF"),
    "别克": ("冷却液 Dexcool 橙色 2L", "SF"),
    "五菱": ("长效冷却液 -35°C 4kg", "SF"),
    "宝马": ("冷却液 浓缩液 1.5L", "NF"),
    "奔驰": ("冷却液 MB 325.0 浓缩液 1L", "NF"),
}

TYRES = {  # size -> load index and speed rating
    "175/65R15": "84H",
    "185/55R16": "83V",
    "185/70R14": "88H",
    "195/65R15": "91V",
    "205/55R16": "91V",
    "215/55R16": "93V",
    "215/60R16": "95V",
    "225/60R16": "98V",
    "215/50R17": "91W",
    "215/55R17": "94V",
    "215/65R17": "99V",
    "225/45R17": "94W",
    "225/50R17": "94W",
    "225/65R17": "102H",
    "235/65R17": "104H",
    "245/45R17": "95W",
    "225/45R18": "95W",
    "225/60R18": "100H",
    "235/45R18": "94W",
    "235/60R18": "103H",
    "245/45R18": "100W",
    "245/50R18": "100W",
    "225/55R19": "99V",
    "235/50R19": "99W",
    "235/55R19": "101W",
    "245/45R19": "98W",
    "245/55R19": "103V",
    "235/55R20": "102V",
}

# Group -> (name, note, [(brand, number or None to make one)]). Varta and Bosch codes are European
# article codes; JIS sizes (55B24LS) and the Camel and ACDelco labels are size designations.
BATTERIES = {
    "L2": (
        "蓄电池 12V 60Ah L2",
        None,
        (("Varta", "D24"), ("Bosch", "0 092 S40 050"), ("Camel", "6-QW-60"), ("ACDelco", "L2-400")),
    ),
    "L3": (
        "蓄电池 12V 74Ah L3",
        None,
        (("Varta", "E11"), ("Bosch", "0 092 S40 080"), ("Camel", "6-QW-74"), ("ACDelco", "L3-500")),
    ),
    "L2-EFB": (
        "EFB启停蓄电池 12V 60Ah L2",
        "带启停系统",
        (("Varta", "D54"), ("Bosch", "0 092 S4E 050"), ("Camel", "EFB-60")),
    ),
    "L3-AGM": (
        "AGM启停蓄电池 12V 70Ah L3",
        "带启停系统",
        (("Varta", "E39"), ("Bosch", "0 092 S5A 080"), ("Camel", "AGM-70")),
    ),
    "L4-AGM": (
        "AGM启停蓄电池 12V 80Ah L4",
        "带启停系统",
        (("Varta", "F21"), ("Bosch", "0 092 S5A 110")),
    ),
    "L5-AGM": (
        "AGM启停蓄电池 12V 95Ah L5",
        "带启停系统",
        (("Varta", "G14"), ("Bosch", "0 092 S5A 130")),
    ),
    "46B24L": (
        "蓄电池 12V 45Ah 46B24L",
        None,
        (("Varta", "46B24LS"), ("Bosch", "46B24LS-MF"), ("Camel", "46B24LS")),
    ),
    "55B24L": (
        "蓄电池 12V 45Ah 55B24L",
        None,
        (("Varta", "55B24LS"), ("Bosch", "55B24LS-MF"), ("Camel", "55B24LS")),
    ),
    "80D26L": (
        "蓄电池 12V 65Ah 80D26L",
        None,
        (("Varta", "80D26L"), ("Bosch", "80D26L-MF"), ("Camel", "80D26L")),
    ),
    "S46B24R": ("混动辅助蓄电池 12V AGM S46B24R", None, (("Toyota", None),)),
    "BYD-LFP": ("12V磷酸铁锂启动电池", None, (("BYD", None),)),
}

# Low-beam bulb -> (name, [(brand, number)]): Osram and Philips codes are real; the Hella
# numbers follow Hella's format but are not checked.
BULBS = {
    "H4": (
        "卤素大灯灯泡 H4 12V 60/55W",
        (("Osram", "64193"), ("Philips", "12342PRC1"), ("Hella", "8GJ 002 525-131")),
    ),
    "H7": (
        "卤素大灯灯泡 H7 12V 55W",
        (("Osram", "64210"), ("Philips", "12972PRC1"), ("Hella", "8GH 007 157-121")),
    ),
    "H11": (
        "卤素大灯灯泡 H11 12V 55W",
        (("Osram", "64211"), ("Philips", "12362PRC1"), ("Hella", "8GH 008 358-121")),
    ),
    "D1S": ("氙气大灯灯泡 D1S 35W", (("Osram", "66140"), ("Philips", "85415C1"))),
    "D3S": ("氙气大灯灯泡 D3S 35W", (("Osram", "66340"), ("Philips", "42403C1"))),
}

MANUAL = ("5MT", "6MT")
FLUID_NAMES = {
    "ATF": "自动变速箱油",
    "CVT": "CVT变速箱油",
    "DCT": "双离合变速箱油",
    "DQ200": "干式双离合变速箱齿轮油",
    "HYBRID": "混动变速箱油",
}
FLUIDS = {  # key -> (kind, OE number or None to make one, litres for a drain and fill)
    "VW-DQ200": ("DQ200", "G 052 512 A2", 2),
    "VW-DSG": ("DCT", "G 052 182 A2", 6),
    "VW-AT": ("ATF", "G 055 025 A2", 4),
    "TY-AT": ("ATF", "08886-02305", 4),
    "TY-CVT": ("CVT", "08886-02505", 4),
    "HO-CVT": ("CVT", "08200-HCF2", 4),
    "HO-AT": ("ATF", "08200-9008", 3),
    "NI-CVT": ("CVT", None, 4),
    "GM-AT": ("ATF", None, 4),
    "GM-CVT": ("CVT", None, 4),
    "BM-AT": ("ATF", "83 22 2 289 720", 5),
    "MB-7AT": ("ATF", "A 001 989 68 03", 5),
    "MB-9AT": ("ATF", None, 5),
    "BYD-DCT": ("DCT", None, 5),
    "BYD-EHS": ("HYBRID", None, 4),
    "GL-AT": ("ATF", None, 4),
    "GL-CVT": ("CVT", None, 4),
    "GL-DCT": ("DCT", None, 5),
    "CA-AT": ("ATF", None, 4),
    "GW-DCT": ("DCT", None, 5),
}
FLUID_BY_GEARBOX = {  # (make, transmission) -> key in FLUIDS; VW 7DCT depends on the engine
    ("大众", "6AT"): "VW-AT",
    ("丰田", "6AT"): "TY-AT",
    ("丰田", "E-CVT"): "TY-AT",
    ("丰田", "CVT"): "TY-CVT",
    ("本田", "CVT"): "HO-CVT",
    ("本田", "5AT"): "HO-AT",
    ("本田", "E-CVT"): "HO-AT",
    ("日产", "CVT"): "NI-CVT",
    ("别克", "6AT"): "GM-AT",
    ("别克", "9AT"): "GM-AT",
    ("别克", "CVT"): "GM-CVT",
    ("宝马", "8AT"): "BM-AT",
    ("奔驰", "7AT"): "MB-7AT",
    ("奔驰", "9AT"): "MB-9AT",
    ("比亚迪", "6DCT"): "BYD-DCT",
    ("比亚迪", "E-CVT"): "BYD-EHS",
    ("吉利", "6AT"): "GL-AT",
    ("吉利", "CVT"): "GL-CVT",
    ("吉利", "7DCT"): "GL-DCT",
    ("长安", "6AT"): "CA-AT",
    ("哈弗", "7DCT"): "GW-DCT",
}
AFTER_FLUIDS = {  # fluid kind -> aftermarket (brand, product line)
    "ATF": (("Castrol", "Transmax ATF"), ("Mobil", "Mobil ATF 3309")),
    "CVT": (("Castrol", "Transmax CVT"), ("Mobil", "Mobil CVTF")),
    "DCT": (("Castrol", "Transmax DCT"), ("Mobil", "Mobil 1 DCTF")),
}

# (category, brand, number, name): parts that fit every vehicle. The two brake fluids carry real
# numbers; the others are made up in the brand's style.
UNIVERSAL = (
    ("brake fluid", "Bosch", "1 987 479 107", "刹车油 DOT4 1L"),
    ("brake fluid", "ATE", "03.9901-6402.2", "刹车油 SL.6 DOT4 1L"),
    ("washer fluid", "Turtle Wax", "TC-2710", "玻璃水 -25°C 2L"),
    ("washer fluid", "3M", "PN7018", "玻璃水 -15°C 2L"),
    ("accessory", "Philips", "DLP2359", "车载充电器 12V 双USB"),
    ("accessory", "Hella", "8XX 002 095-001", "三角警示牌"),
)

# --------------------------------------------------------------------------------------------
# Catalogue: parts and fitment rows
# --------------------------------------------------------------------------------------------

LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O or Q, which part numbers avoid


def fill(template: str, seed: str) -> str:
    """Replace each ``#`` by a digit and each ``@`` by a letter drawn from a hash of ``seed``."""
    digest = hashlib.sha256(seed.encode()).digest()
    out, used = [], 0
    for char in template:
        if char in "#@":
            byte = digest[used]
            out.append(str(byte % 10) if char == "#" else LETTERS[byte % len(LETTERS)])
            used += 1
        else:
            out.append(char)
    return "".join(out)


def template_for(brand: str, category: str, variant: str | None) -> str:
    entry = TEMPLATES[brand]
    if isinstance(entry, dict):
        entry = entry[category]
    if isinstance(entry, dict):
        entry = entry[variant]
    if "{q}" not in entry:
        return entry
    group = QCT[category]
    return entry.replace("{q}", group[variant] if isinstance(group, dict) else group)


@dataclass(frozen=True)
class PartSpec:
    brand: str
    variant: str | None  # position, filter kind, pack size ...: picks the number format
    name: str
    number: str | None = None  # a known number; None makes one in the brand's format


@dataclass(frozen=True)
class App:
    """A make + model + year range (and an engine, or None for any) with the vehicles in it."""

    series: Series
    gen: Gen
    engine: str | None
    first: int
    last: int
    vehicle_ids: tuple[str, ...]


@dataclass(frozen=True)
class Fleet:
    vehicles: list[Vehicle]
    gen_apps: list[App]  # one per generation
    engine_apps: list[App]  # one per generation and engine


class Catalogue:
    """Collects parts (one SKU per brand + number) and their fitment rows."""

    def __init__(self) -> None:
        self.parts: list[dict] = []
        self.fitments: list[dict] = []
        self.covered: set[tuple[str, str]] = set()  # (vehicle_id, category) with a part
        self._by_number: dict[tuple[str, str], dict] = {}
        self._owners: dict[tuple[str, str], str] = {}
        self._counts = dict.fromkeys(CATEGORIES, 0)

    def make_number(self, brand: str, template: str, seed: str) -> str:
        """A number in ``template`` for ``seed``, unique within the brand."""
        for salt in range(1000):
            number = fill(template, f"{seed}#{salt}")
            if self._owners.setdefault((brand, number), seed) == seed:
                return number
        raise ValueError(f"template {template!r} of {brand} has too few free numbers")

    def part(self, spec: PartSpec, category: str, number: str, universal: bool = False) -> str:
        found = self._by_number.get((spec.brand, number))
        if found is not None:
            if found["category"] != category:
                raise ValueError(
                    f"{spec.brand} {number} is both {found['category']} and {category}"
                )
            return found["part_id"]
        self._counts[category] += 1
        code = CATEGORIES.index(category) + 1
        row = {
            "part_id": f"P{code:02d}{self._counts[category]:05d}",
            "brand": spec.brand,
            "part_number": number,
            "category": category,
            "name": spec.name,
            "universal": universal,
        }
        self.parts.append(row)
        self._by_number[(spec.brand, number)] = row
        return row["part_id"]

    def group(
        self, category: str, key: str, specs: Iterable[PartSpec], rows: list[dict], oe: str = ""
    ) -> None:
        """Add interchangeable parts ``specs`` and link each of them through ``rows``."""
        for spec in specs:
            number = spec.number or KNOWN_NUMBERS.get((spec.brand, category, key, spec.variant))
            if number is None:
                template = template_for(spec.brand, category, spec.variant).replace("{oe}", oe)
                seed = f"{spec.brand}|{category}|{key}|{spec.variant}"
                number = self.make_number(spec.brand, template, seed)
            part_id = self.part(spec, category, number)
            for row in rows:
                self.fitments.append({"part_id": part_id, **row})
                self.covered.update((vid, category) for vid in row["vehicle_ids"])


def range_row(
    app: App, position: str | None = None, qty: int | None = 1, note: str | None = None
) -> dict:
    return {
        "vehicle_id": None,
        "make": app.series.make,
        "model": app.series.model,
        "year_from": app.first,
        "year_to": app.last,
        "engine": app.engine,
        "position": position,
        "qty": qty,
        "note": note,
        "vehicle_ids": app.vehicle_ids,
    }


def vehicle_row(vehicle: Vehicle, qty: int = 1, note: str | None = None) -> dict:
    return {
        "vehicle_id": vehicle.vehicle_id,
        "make": None,
        "model": None,
        "year_from": None,
        "year_to": None,
        "engine": None,
        "position": None,
        "qty": qty,
        "note": note,
        "vehicle_ids": (vehicle.vehicle_id,),
    }


def grouped(items: Iterable[T], key: Callable[[T], object]) -> dict[object, list[T]]:
    """Items by key, in first-seen order; items whose key is None are left out."""
    out: dict[object, list[T]] = {}
    for item in items:
        value = key(item)
        if value is not None:
            out.setdefault(value, []).append(item)
    return out


def build_apps(vehicles: list[Vehicle], by_engine: bool) -> list[App]:
    apps = []
    for group in grouped(vehicles, lambda v: (v.gen.code, v.engine if by_engine else "")).values():
        first = group[0]
        years = [v.year for v in group]
        engine = first.engine if by_engine else None
        ids = tuple(v.vehicle_id for v in group)
        apps.append(App(first.series, first.gen, engine, min(years), max(years), ids))
    return apps


def oe_part(make: str, name: str, variant: str | None = None) -> PartSpec:
    return PartSpec(OE_BRANDS[make], variant, name)


def aftermarket(category: str, make: str, name: str, variant: str | None = None) -> list[PartSpec]:
    return [PartSpec(brand, variant, name) for brand in AFTERMARKET[category][REGIONS[make]]]


def engine_of(app: App) -> Engine:
    return ENGINES[app.engine]


def family_oe(app: App) -> str:
    return FAMILIES[engine_of(app).family].oe


# --------------------------------------------------------------------------------------------
# Parts by category; each function adds its parts and fitment rows to the catalogue
# --------------------------------------------------------------------------------------------


def add_oil_filters(cat: Catalogue, fleet: Fleet) -> None:
    for key, apps in grouped(fleet.engine_apps, lambda a: engine_of(a).oil_filter).items():
        make, kind = apps[0].series.make, OIL_FILTERS[key]
        name = "机油滤芯" if kind == "cart" else "机油滤清器"
        specs = [oe_part(make, name, kind), *aftermarket("oil filter", make, name, kind)]
        cat.group("oil filter", key, specs, [range_row(a) for a in apps], family_oe(apps[0]))


def add_air_filters(cat: Catalogue, fleet: Fleet) -> None:
    def key(app: App) -> str | None:
        family = engine_of(app).family
        return f"{app.gen.chassis}|{family}" if family else None

    for group_key, apps in grouped(fleet.engine_apps, key).items():
        make = apps[0].series.make
        specs = [oe_part(make, "空气滤清器"), *aftermarket("air filter", make, "空气滤清器")]
        cat.group("air filter", group_key, specs, [range_row(a) for a in apps], apps[0].gen.oe)


def add_cabin_filters(cat: Catalogue, fleet: Fleet) -> None:
    for key, apps in grouped(fleet.gen_apps, lambda a: a.gen.cabin).items():
        make = apps[0].series.make
        specs = [oe_part(make, CABIN_NAMES["std"], "std")]
        specs += [PartSpec(b, v, CABIN_NAMES[v]) for b, v in CABIN_BRANDS[REGIONS[make]]]
        cat.group("cabin filter", key, specs, [range_row(a) for a in apps], apps[0].gen.oe)


def add_fuel_filters(cat: Catalogue, fleet: Fleet) -> None:
    apps = [a for a in fleet.engine_apps if a.gen.fuel_filter]
    for key, group in grouped(apps, lambda a: f"{a.gen.chassis}|{engine_of(a).fuel}").items():
        make = group[0].series.make
        name = "柴油滤清器" if key.endswith("diesel") else "燃油滤清器"
        specs = [oe_part(make, name), *aftermarket("fuel filter", make, name)]
        cat.group("fuel filter", key, specs, [range_row(a) for a in group], group[0].gen.oe)


CHASSIS_PARTS = {  # category -> position -> (name, quantity per vehicle)
    "brake pads": {"front": ("前刹车片", 1), "rear": ("后刹车片", 1)},
    "brake discs": {"front": ("前刹车盘", 2), "rear": ("后刹车盘", 2)},
    "shock absorber": {"front": ("前减震器", 2), "rear": ("后减震器", 2)},
    "control arm": {"front left": ("左前下摆臂", 1), "front right": ("右前下摆臂", 1)},
}


def add_chassis_parts(cat: Catalogue, fleet: Fleet) -> None:
    """Brakes, shock absorbers and control arms, shared by the generations of one chassis."""
    chassis = grouped(fleet.gen_apps, lambda a: a.gen.chassis)
    for category, positions in CHASSIS_PARTS.items():
        for key, apps in chassis.items():
            make = apps[0].series.make
            for position, (name, qty) in positions.items():
                drums = position == "rear" and category.startswith("brake")
                fitting = [a for a in apps if not (drums and a.gen.rear_drum)]
                if not fitting:
                    continue
                specs = [
                    oe_part(make, name, position),
                    *aftermarket(category, make, name, position),
                ]
                rows = [range_row(a, position, qty) for a in fitting]
                cat.group(category, f"{key}|{position}", specs, rows, apps[0].gen.oe)


def plug_parts(make: str, family: Family) -> list[PartSpec]:
    specs = [oe_part(make, "火花塞"), PartSpec("NGK", None, "火花塞", family.ngk)]
    if family.denso:
        specs.append(PartSpec("Denso", None, "火花塞", family.denso))
    specs.append(PartSpec("Bosch", None, "火花塞"))
    if REGIONS[make] == "gm":
        specs.append(PartSpec("ACDelco", None, "火花塞"))
    return specs


def add_engine_parts(cat: Catalogue, fleet: Fleet) -> None:
    """Spark plugs, ignition coils, timing kits, water pumps and thermostats per family."""
    apps = [a for a in fleet.engine_apps if engine_of(a).family]
    for key, group in grouped(apps, lambda a: engine_of(a).family).items():
        family, make = FAMILIES[key], group[0].series.make
        if family.ngk:
            rows = [range_row(a, qty=engine_of(a).cylinders) for a in group]
            cat.group("spark plugs", key, plug_parts(make, family), rows, family.oe)
            coils = [oe_part(make, "点火线圈"), *aftermarket("ignition coil", make, "点火线圈")]
            cat.group("ignition coil", key, coils, rows, family.oe)
        rows = [range_row(a) for a in group]
        name = "正时皮带套件" if family.timing == "belt" else "正时链条套件"
        timing = [PartSpec(b, family.timing, name) for b in TIMING_BRANDS[family.timing]]
        cat.group("timing kit", key, [oe_part(make, name, family.timing), *timing], rows, family.oe)
        for category, name in (("water pump", "水泵总成"), ("thermostat", "节温器")):
            specs = [oe_part(make, name), *aftermarket(category, make, name)]
            cat.group(category, key, specs, rows, family.oe)


def add_belts(cat: Catalogue, fleet: Fleet) -> None:
    """Poly-V accessory belts: one aftermarket part per size, OE parts per make and size."""
    for size, apps in grouped(fleet.engine_apps, lambda a: engine_of(a).belt).items():
        name = f"发动机多楔带 {size}"
        specs = [
            PartSpec("Gates", None, name, size),
            PartSpec("Continental", None, name, size),
            PartSpec("Bosch", None, name),
        ]
        cat.group("serpentine belt", size, specs, [range_row(a) for a in apps])
        for make, own in grouped(apps, lambda a: a.series.make).items():
            cat.group(
                "serpentine belt",
                f"{make}|{size}",
                [oe_part(make, name)],
                [range_row(a) for a in own],
                family_oe(own[0]),
            )


def wiper_name(kind: str, length: int) -> str:
    inches = round(length / 25.4)
    prefix = "后雨刮片" if kind == "rear" else "无骨雨刮片"
    return f"{prefix} {inches}英寸 ({length}mm)"


def add_wipers(cat: Catalogue, fleet: Fleet) -> None:
    """Blades by length: aftermarket blades fit any make, OE blades their own make."""
    slots: dict[tuple[str, int], list[tuple[App, str]]] = {}
    for app in fleet.gen_apps:
        for position, length in zip(
            ("front left", "front right", "rear"), app.gen.wipers, strict=True
        ):
            if length:
                kind = "rear" if position == "rear" else "front"
                slots.setdefault((kind, length), []).append((app, position))
    for (kind, length), fits in slots.items():
        name = wiper_name(kind, length)
        specs = [PartSpec(brand, kind, name) for brand in WIPER_BRANDS]
        cat.group("wiper blades", f"{kind}|{length}", specs, [range_row(a, p) for a, p in fits])
        for make, own in grouped(fits, lambda fit: fit[0].series.make).items():
            rows = [range_row(a, p) for a, p in own]
            cat.group(
                "wiper blades",
                f"{make}|{kind}|{length}",
                [oe_part(make, name, kind)],
                rows,
                own[0][0].gen.oe,
            )


def add_bulbs(cat: Catalogue, fleet: Fleet) -> None:
    for bulb, apps in grouped(fleet.gen_apps, lambda a: a.gen.bulb).items():
        name, numbers = BULBS[bulb]
        specs = [PartSpec(brand, None, name, number) for brand, number in numbers]
        cat.group("headlight bulb", bulb, specs, [range_row(a, "front", 2, "近光灯") for a in apps])


def add_coolant(cat: Catalogue, fleet: Fleet) -> None:
    for make, apps in grouped(fleet.gen_apps, lambda a: a.series.make).items():
        oe_name, line = COOLANTS[make]
        rows = [range_row(a, qty=None) for a in apps]
        cat.group("coolant", make, [oe_part(make, oe_name)], rows, apps[0].gen.oe)
        castrol = PartSpec("Castrol", line, f"Radicool {line} 冷却液 -40°C 4L")
        cat.group("coolant", "Castrol", [castrol], rows)


def oil_row(app: App, pack: str) -> dict | None:
    """4 L pack once per change, plus 1 L packs for the rest of the fill."""
    capacity = engine_of(app).capacity
    note = f"加注量约{capacity:g}L"
    if pack == "4L":
        return range_row(app, note=note)
    extra = math.ceil(capacity - 4)
    return range_row(app, qty=extra, note=note) if extra > 0 else None


def add_engine_oil(cat: Catalogue, fleet: Fleet) -> None:
    for grade, apps in grouped(fleet.engine_apps, lambda a: engine_of(a).oil).items():
        for pack in ("4L", "1L"):
            rows = [row for row in (oil_row(a, pack) for a in apps) if row]
            specs = [
                PartSpec(brand, pack, f"{line} 全合成机油 {OILS[grade]} {pack}")
                for brand, line in OIL_BRANDS
            ]
            if rows:
                cat.group("engine oil", grade, specs, rows)


def battery_group(vehicle: Vehicle) -> str:
    if vehicle.spec.fuel == "hybrid" and vehicle.series.make == "丰田":
        return "S46B24R"
    return "L3" if vehicle.spec.fuel == "diesel" else vehicle.gen.battery


def add_batteries(cat: Catalogue, fleet: Fleet) -> None:
    for group, vehicles in grouped(fleet.vehicles, battery_group).items():
        name, note, numbers = BATTERIES[group]
        specs = [PartSpec(brand, None, name, number) for brand, number in numbers]
        rows = [vehicle_row(v, note=note) for v in vehicles]
        cat.group("battery", group, specs, rows, vehicles[0].gen.oe)


def add_tyres(cat: Catalogue, fleet: Fleet) -> None:
    for size, vehicles in grouped(fleet.vehicles, lambda v: v.tyre).items():
        rim = size.split("R")[1]
        specs = [
            PartSpec(brand, None, f"轮胎 {size} {TYRES[size]} {pattern}")
            for brand, pattern in TYRE_BRANDS
        ]
        rows = [vehicle_row(v, qty=4, note=f"{rim}英寸轮毂") for v in vehicles]
        cat.group("tyres", size, specs, rows)


def fluid_key(vehicle: Vehicle) -> str | None:
    if vehicle.transmission in MANUAL or vehicle.transmission == "1AT":
        return None
    if (vehicle.series.make, vehicle.transmission) == ("大众", "7DCT"):
        return "VW-DSG" if vehicle.engine == "EA888 2.0T" else "VW-DQ200"
    return FLUID_BY_GEARBOX[(vehicle.series.make, vehicle.transmission)]


def add_fluids(cat: Catalogue, fleet: Fleet) -> None:
    for key, vehicles in grouped(fleet.vehicles, fluid_key).items():
        kind, number, litres = FLUIDS[key]
        make = vehicles[0].series.make
        oe = PartSpec(OE_BRANDS[make], kind, f"{FLUID_NAMES[kind]} 1L", number)
        rows = [vehicle_row(v, qty=litres) for v in vehicles]
        cat.group("transmission fluid", key, [oe], rows, vehicles[0].gen.oe)
        for brand, line in AFTER_FLUIDS.get(kind, ()):
            spec = PartSpec(brand, kind, f"{line} {FLUID_NAMES[kind]} 1L")
            cat.group("transmission fluid", brand, [spec], rows)


def add_clutches(cat: Catalogue, fleet: Fleet) -> None:
    manual = [v for v in fleet.vehicles if v.transmission in MANUAL]
    for family, vehicles in grouped(manual, lambda v: v.spec.family).items():
        specs = [PartSpec(brand, None, "离合器三件套") for brand in CLUTCH_BRANDS]
        cat.group("clutch kit", family, specs, [vehicle_row(v) for v in vehicles])


def add_universal(cat: Catalogue) -> None:
    for category, brand, number, name in UNIVERSAL:
        cat.part(PartSpec(brand, None, name, number), category, number, universal=True)


CATEGORY_BUILDERS = (
    add_oil_filters,
    add_air_filters,
    add_cabin_filters,
    add_fuel_filters,
    add_chassis_parts,
    add_engine_parts,
    add_belts,
    add_wipers,
    add_bulbs,
    add_coolant,
    add_engine_oil,
    add_batteries,
    add_tyres,
    add_fluids,
    add_clutches,
)


def build_catalogue(fleet: Fleet) -> Catalogue:
    cat = Catalogue()
    for add in CATEGORY_BUILDERS:
        add(cat, fleet)
    add_universal(cat)
    return cat


PART_SCHEMA = pa.schema(
    [
        ("part_id", pa.string()),
        ("brand", pa.string()),
        ("part_number", pa.string()),
        ("category", pa.string()),
        ("name", pa.string()),
        ("universal", pa.bool_()),
    ]
)

FITMENT_SCHEMA = pa.schema(
    [
        ("part_id", pa.string()),
        ("vehicle_id", pa.string()),
        ("make", pa.string()),
        ("model", pa.string()),
        ("year_from", pa.int16()),
        ("year_to", pa.int16()),
        ("engine", pa.string()),
        ("position", pa.string()),
        ("qty", pa.int16()),
        ("note", pa.string()),
    ]
)


def parts_table(cat: Catalogue) -> pa.Table:
    rows = sorted(cat.parts, key=lambda row: row["part_id"])
    return pa.Table.from_pylist(rows, schema=PART_SCHEMA)


def fitments_table(cat: Catalogue) -> pa.Table:
    """Fitment rows ordered by part (stable, so a part's rows keep the order they were made)."""
    names = FITMENT_SCHEMA.names
    rows = [{n: row[n] for n in names} for row in sorted(cat.fitments, key=lambda r: r["part_id"])]
    seen: set[tuple] = set()
    for row in rows:
        values = tuple(row.values())
        if values in seen:
            raise ValueError(f"duplicate fitment row {row}")
        seen.add(values)
    return pa.Table.from_pylist(rows, schema=FITMENT_SCHEMA)


# --------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------

REQUEST_COUNT = 200
REQUEST_CATEGORIES = (
    None,
    "oil filter",
    "brake pads",
    "spark plugs",
    "tyres",
    "battery",
    None,
    "air filter",
    "cabin filter",
    "brake discs",
    "wiper blades",
    "engine oil",
    None,
    "shock absorber",
    "headlight bulb",
    "transmission fluid",
    "brake fluid",
)
UNKNOWN_REQUESTS = (  # vehicle ids that are not in vehicles.parquet
    ("V999999", None),
    ("V000000", "oil filter"),
    ("V990001", None),
    ("V010999", "brake pads"),
    ("V270000", None),
    ("P0100001", "tyres"),
)
EMPTY_PROBES = (  # categories some vehicles have no parts in (EVs, diesels, LED lights ...)
    "spark plugs",
    "oil filter",
    "clutch kit",
    "headlight bulb",
    "fuel filter",
    "serpentine belt",
)
REQUEST_SCHEMA = pa.schema(
    [
        ("request_id", pa.string()),
        ("vehicle_id", pa.string()),
        ("category", pa.string()),
    ]
)


def empty_requests(fleet: Fleet, cat: Catalogue) -> list[tuple[str, str]]:
    """Two (vehicle, category) pairs per probe in which the vehicle has no part."""
    pairs = []
    for category in EMPTY_PROBES:
        lacking = [
            v.vehicle_id for v in fleet.vehicles if (v.vehicle_id, category) not in cat.covered
        ]
        pairs += [(lacking[0], category), (lacking[len(lacking) // 2], category)]
    return pairs


def requests_table(fleet: Fleet, cat: Catalogue) -> pa.Table:
    """Requests spread over the fleet, with the special cases spaced evenly among them."""
    specials = [*UNKNOWN_REQUESTS, *empty_requests(fleet, cat)]
    step = REQUEST_COUNT // len(specials)
    special_at = {step // 2 + k * step: pair for k, pair in enumerate(specials)}
    vehicles, n = fleet.vehicles, len(fleet.vehicles)
    rows, normal = [], 0
    for i in range(REQUEST_COUNT):
        if i in special_at:
            vehicle_id, category = special_at[i]
        else:
            vehicle_id = vehicles[normal * 37 % n].vehicle_id
            category = REQUEST_CATEGORIES[normal % len(REQUEST_CATEGORIES)]
            normal += 1
        rows.append({"request_id": f"R{i + 1:04d}", "vehicle_id": vehicle_id, "category": category})
    return pa.Table.from_pylist(rows, schema=REQUEST_SCHEMA)


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def build_tables() -> dict[str, pa.Table]:
    vehicles = build_vehicles()
    fleet = Fleet(vehicles, build_apps(vehicles, False), build_apps(vehicles, True))
    cat = build_catalogue(fleet)
    return {
        "vehicles": vehicles_table(vehicles),
        "parts": parts_table(cat),
        "fitments": fitments_table(cat),
        "requests": requests_table(fleet, cat),
    }


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
