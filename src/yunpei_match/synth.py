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

import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["SCALES", "Scale", "generate", "write_parquet"]

_FIRST_YEAR, _LAST_YEAR = 2005, 2025


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

# -- reference data ------------------------------------------------------------------------------
# Three lines per make: make|OE brand|part-number formats|gearboxes, then models, then engines.
# Lists are ";"-separated. Engine labels end in the fuel unless it is petrol (see _fuel).
# Part-number formats: "#" is a digit, "@" a letter (no I, O or Q, as most makers do), "*"
# either, anything else literal. A brand's formats differ in length or in a literal, so numbers
# drawn distinct within each format are distinct within the brand.
_MAKES_TEXT = """
大众|Volkswagen|*#@ ### ### @;*#@ ### ###|5MT;6AT;7DCT
 朗逸;速腾;迈腾;帕萨特;宝来;高尔夫;途观L;探岳;桑塔纳;凌渡;Polo;途昂
 EA111 1.6L;EA211 1.4T;EA211 1.5L;EA888 1.8T;EA888 2.0T;EA189 2.0 TDI diesel
丰田|Toyota|#####-*****|5MT;4AT;CVT;8AT
 卡罗拉;凯美瑞;雷凌;汉兰达;RAV4荣放;威驰;亚洲龙;皇冠;普拉多;致炫
 1NZ-FE 1.5L;1ZR-FE 1.6L;2ZR-FE 1.8L;M20A 2.0L;A25A 2.5L;2ZR-FXE 1.8L HEV;8AR-FTS 2.0T
本田|Honda|#####-@*@-###|5MT;5AT;CVT
 雅阁;思域;飞度;CR-V;缤智;凌派;奥德赛;XR-V;锋范
 L15B 1.5L;L15B 1.5T;R18Z 1.8L;K20 2.0L;K24 2.4L;LFB 2.0L HEV
日产|Nissan|#####-##@#@|5MT;4AT;CVT
 轩逸;天籁;奇骏;逍客;骐达;阳光;楼兰
 HR15 1.5L;HR16 1.6L;MR20 2.0L;QR25 2.5L;VQ35 3.5L;KR15 1.5T
比亚迪|BYD|########-##|5MT;6DCT
 秦;宋;唐;汉;元;F3;海豚;海豹
 BYD473QE 1.5L;BYD476ZQA 1.5T;BYD487ZQA 2.0T;BYD472QA 1.5L DM-i;TZ200 EV
吉利|Geely|##########|5MT;6AT;7DCT
 帝豪;博越;星越L;缤越;远景;星瑞;帝豪GS
 JLC-4G15 1.5L;JLC-4G18 1.8L;JLH-3G15TD 1.5T;JLH-4G14T 1.4T;JLH-4G20TDB 2.0T;3G15TD 1.5T PHEV
长安|Changan|@######-####|5MT;6AT;7DCT
 逸动;CS35;CS55;CS75;悦翔;UNI-T;锐程CC
 JL473Q 1.6L;JL476ZQCF 1.5T;JL486ZQ4 2.0T;JL478QEE 1.6L;iDD 1.5T PHEV
哈弗|Haval|#######@@@##|6MT;6DCT;7DCT
 H6;H2;H9;M6;大狗;F7;赤兔
 GW4G15B 1.5T;GW4C20 2.0T;GW4B15A 1.5T;GW4D20 2.0T diesel
别克|Buick|########|5MT;6AT;9AT;CVT
 英朗;君威;君越;昂科威;凯越;GL8;昂科拉
 LDE 1.6L;LDK 2.0T;LFV 1.5T;LTG 2.0T;LIW 1.5L;LXT 1.3T
宝马|BMW|## ## # ### ###|6AT;8AT;7DCT
 3系;5系;X1;X3;X5;1系;7系
 N46 2.0L;N20 2.0T;B48 2.0T;B38 1.5T;N52 3.0L;B58 3.0T;B47 2.0T diesel
奔驰|Mercedes-Benz|@ ### ### ## ##|7AT;9AT;7DCT
 C级;E级;GLC;A级;S级;GLA;GLE
 M271 1.8T;M274 2.0T;M264 1.5T;M264 2.0T;M276 3.0T;OM651 2.1T diesel
奥迪|Audi|*#@ ### ### @;*#@ ### ###|6MT;7DCT;8AT;CVT
 A4L;A6L;Q5L;Q3;A3;Q7;A8L
 EA113 1.8T;EA888 1.8T;EA888 2.0T;EA211 1.4T;EA837 3.0T
现代|Hyundai|#####-*****|5MT;6AT;7DCT;CVT
 伊兰特;索纳塔;途胜;悦动;瑞纳;ix35;名图
 G4FA 1.4L;G4FC 1.6L;G4FL 1.5L;G4NA 2.0L;G4FJ 1.6T;G4KE 2.4L
起亚|Kia|#####-*****|5MT;6AT;7DCT;CVT
 K2;K3;K5;智跑;狮跑;福瑞迪;赛拉图
 G4FA 1.4L;G4FC 1.6L;G4NA 2.0L;G4FJ 1.6T;G4KE 2.4L
马自达|Mazda|@@##-##-###|5MT;6AT
 马自达2;马自达3;马自达6;昂克赛拉;阿特兹;CX-4;CX-5
 Z6 1.6L;LF 2.0L;PE 2.0L;PY 2.5L;L5 2.5L
福特|Ford|@@##-####-@@|5MT;6AT;6DCT;8AT
 福克斯;蒙迪欧;翼虎;福睿斯;嘉年华;锐界;探险者
 Duratec 1.6L;Duratec 2.0L;EcoBoost 1.0T;EcoBoost 1.5T;EcoBoost 2.0T;Duratorq 2.2T diesel
奇瑞|Chery|@##-#######|5MT;CVT;7DCT
 瑞虎8;瑞虎5x;瑞虎3;艾瑞泽5;艾瑞泽GX;QQ
 SQR477F 1.5L;SQRE4T15 1.5T;SQRF4J16 1.6T;SQRF4J20 2.0T;QQ EV
五菱|Wuling|#######-@##|5MT;CVT
 宏光;宏光MINI EV;五菱之光;荣光;五菱星辰;凯捷
 LJ465Q 1.0L;LAR 1.2L;LJ479QE 1.5L;LJO 1.5T;E50 EV
斯柯达|Skoda|*#@ ### ### @;*#@ ### ###|5MT;6AT;7DCT
 明锐;速派;柯迪亚克;昕锐;柯米克;晶锐
 EA111 1.6L;EA211 1.4T;EA211 1.5L;EA888 2.0T
特斯拉|Tesla|#######-##-@|1AT
 Model 3;Model Y
 Single Motor EV;Dual Motor EV
"""
# Aftermarket brands: name|part-number formats|systems they sell into ("*": all).
_AFTERMARKET_TEXT = """
Bosch|0 ### ### ###;F 00# ### ###|*
Febi Bilstein|######|*
Meyle|###-### ####|*
Mann-Filter|W ###/##;C ## ###/#;HU ###/# x;CUK ####|filters;hvac
Mahle|OC ####;LX ####;LA ####;KL ####|filters;engine;lubrication;cooling;hvac
Denso|###-####;@@##@@;###### ###|ignition;cooling;fuel;hvac;electrical;wipers;intake;hybrid
NGK|@@@#@-##;#####|ignition;exhaust
Elring|###.###|engine;lubrication;intake;exhaust
Gates|K0#####@@;#PK####;###-####|timing;accessory drive;cooling
Continental|CT####;0#######|timing;accessory drive;tyres
SKF|VKBA ####;VKMA #####;VKPC #####|wheels;timing;cooling;driveline
INA|### #### ##|timing;accessory drive;engine
LuK|### #### ##|clutch;engine;transmission
Sachs|#### ### ###;### ###|clutch;suspension
Valeo|######|clutch;electrical;lighting;wipers;hvac;cooling;hybrid
TRW|GDB####;JTE####;JBJ####|brakes;steering;suspension
Brembo|P ## ###;##.@###.##|brakes
ATE|##.####-####.#|brakes
Textar|#######|brakes
Monroe|G####;E####|suspension
KYB|######|suspension
Lemförder|##### ##|suspension;steering;driveline;engine
ZF|####.###.###|transmission;driveline;steering
Hella|#@@ ### ###-###|lighting;electrical;wipers;hvac;cooling
Osram|#####@@@|lighting
Philips|#####@@@#|lighting
Varta|### ### ###|battery
Michelin|######|tyres
Bridgestone|PSR#######|tyres
Castrol|#######|fluids
Mobil|######|fluids
Shell|550######|fluids
3M|PN#####|accessories;body;interior
TYC|##-####-##-#|lighting;body
"""
_SLOTS = {
    "#": np.frombuffer(b"0123456789", np.uint8),
    "@": np.frombuffer(b"ABCDEFGHJKLMNPRSTUVWXYZ", np.uint8),
    "*": np.frombuffer(b"0123456789ABCDEFGHJKLMNPRSTUVWXYZ", np.uint8),
}
_MAX_FORMATS = 8
_ROW_GROUP_ROWS = 2**22  # big, as each row group repeats the id dictionaries
_VARIANTS = ("", " 进口", " 旅行版", " 运动版")  # a model drawn again becomes a new family
_POSITIONS = (
    "front",
    "rear",
    "left",
    "right",
    "front left",
    "front right",
    "rear left",
    "rear right",
)
_KINDS = ("-", "axle", "side", "corner")
_KIND_FIRST = np.array([-1, 0, 2, 4])  # first position code of each kind
_KIND_CHOICES = np.array([1, 2, 2, 4])
_PARTNER = np.array([1, 0, 3, 2, 5, 4, 7, 6])  # the other axle, or the other side
_REACHES = ("normal", "wide", "universal")
_NOTES = (
    "with ABS",
    "without ABS",
    "for vehicles with sport suspension",
    "for vehicles with xenon headlights",
    "not for 4WD",
    "带自动启停",
    "国六排放车型",
)
# Systems whose parts often fit one engine only.
_ENGINE_SYSTEMS = (
    "engine", "timing", "lubrication", "ignition", "fuel", "intake", "exhaust", "filters",
    "clutch", "transmission",
)  # fmt: skip

_DROP_CONFIG = 0.15  # chance that a configuration skips a model-year
_PARETO_SHAPE = 1.3  # tail of run lengths: smaller is heavier
_WIDE_PULL = 8.0  # run-length factor of wear-part categories
_CATEGORY_SPREAD = 1.0  # sigma of the log-normal category sizes
_CATEGORY_FACTOR = np.array([1.0, 3.0, 0.3])  # by reach: wear parts are many, universal few
_STAY_IN_FAMILY = 0.8  # chance a normal part's run stops at its family's last year
_EXTRA_BRANDS = 0.8  # mean further parts (other brands) per application
_OE_SHARE = 0.35
_ENGINE_SPECIFIC = 0.5
_TWO_POSITIONS = 0.25
_NULL_QTY = 0.1
_NOTE_SHARE = 0.02


class _Make(NamedTuple):
    name: str
    brand: str
    formats: tuple[str, ...]
    gearboxes: tuple[str, ...]
    models: tuple[str, ...]
    engines: tuple[str, ...]


class _Brand(NamedTuple):
    name: str
    formats: tuple[str, ...]
    systems: tuple[str, ...]  # ("*",) for all


def _items(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(";"))


def _parse_makes(text: str) -> tuple[_Make, ...]:
    lines = text.strip().splitlines()
    makes = []
    for head, models, engines in zip(lines[0::3], lines[1::3], lines[2::3], strict=True):
        name, brand, formats, gearboxes = head.split("|")
        makes.append(
            _Make(name, brand, _items(formats), _items(gearboxes), _items(models), _items(engines))
        )
    return tuple(makes)


_MAKES = _parse_makes(_MAKES_TEXT)
_AFTERMARKET = [line.split("|") for line in _AFTERMARKET_TEXT.strip().splitlines()]
# OE brands come first, in make order, so that a make's index is its OE brand's index.
_BRANDS = tuple(_Brand(m.brand, m.formats, ()) for m in _MAKES) + tuple(
    _Brand(name, _items(formats), _items(systems)) for name, formats, systems in _AFTERMARKET
)


class _PartTypes(NamedTuple):
    names: tuple[str, ...]
    systems: tuple[str, ...]
    system: np.ndarray  # index into systems
    kind: np.ndarray  # index into _KINDS
    qty: np.ndarray
    reach: np.ndarray  # index into _REACHES


@lru_cache(maxsize=1)
def _part_types() -> _PartTypes:
    """The ~500 categories of data/part_types.txt."""
    path = resources.files("yunpei_match").joinpath("data").joinpath("part_types.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [[f.strip() for f in line.split("|")] for line in lines if line and line[0] != "#"]
    names, systems, kinds, qtys, reaches = zip(*rows, strict=True)
    system_names = tuple(dict.fromkeys(systems))
    return _PartTypes(
        names=names,
        systems=system_names,
        system=np.array([system_names.index(s) for s in systems]),
        kind=np.array([_KINDS.index(k) for k in kinds]),
        qty=np.array([int(q) for q in qtys], dtype=np.int16),
        reach=np.array([_REACHES.index(r) for r in reaches]),
    )


# -- public functions ----------------------------------------------------------------------------


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
    fleet = _fleet(resolved, rng)
    app_of_part, counts = _part_layout(resolved, rng)
    apps = _applications(counts, types, fleet, resolved, rng)
    parts = _parts_table(app_of_part, apps, types, fleet, rng)
    fitments = _fitments(parts, app_of_part, apps, fleet, resolved, rng)
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


# -- vehicles ------------------------------------------------------------------------------------


class _Fleet(NamedTuple):
    table: pa.Table
    family_make: np.ndarray  # make index of each family
    family_model: pa.Array  # model name of each family
    engines: pa.Array  # engine names, indexed by engine_code
    engine_code: np.ndarray  # per vehicle
    engine_cum: np.ndarray  # [e, v]: vehicles before v with engine e
    cell_start: np.ndarray  # first vehicle of each cell, then the vehicle count
    cell_family: np.ndarray
    cell_year: np.ndarray
    family_cell_end: np.ndarray  # one past the last cell of each family


def _fuel(engine: str) -> str:
    # "PHEV" before "HEV" before "EV": each label ends in the ones after it
    endings = (("PHEV", "plug-in hybrid"), ("DM-i", "plug-in hybrid"), ("HEV", "hybrid"))
    for ending, fuel in (*endings, ("EV", "electric"), ("diesel", "diesel")):
        if engine.endswith(ending):
            return fuel
    return "petrol"


def _gearboxes(make: _Make, engine: str) -> tuple[str, ...]:
    fuel = _fuel(engine)
    if fuel == "electric":
        return ("1AT",)
    return ("e-CVT",) if fuel.endswith("hybrid") else make.gearboxes


def _line_up(make: _Make, engines: list[str], scale: Scale, rng: np.random.Generator) -> list:
    """A generation's configurations: one to three engines with one or two gearboxes each."""
    configs = []
    n_engines = int(rng.integers(1, min(3, len(engines)) + 1))
    for e in rng.choice(len(engines), size=n_engines, replace=False):
        gearboxes = _gearboxes(make, engines[e])
        n_gearboxes = int(rng.integers(1, min(2, len(gearboxes)) + 1))
        picks = sorted(rng.choice(len(gearboxes), size=n_gearboxes, replace=False))
        configs.extend((engines[e], gearboxes[g]) for g in picks)
    return configs[: scale.max_configs]


def _family_rows(make: _Make, model: str, scale: Scale, rng: np.random.Generator) -> list:
    """Vehicles of one model family as (year, engine, gearbox), in year order."""
    engines = [e for e in make.engines if ("EV" in model) == (_fuel(e) == "electric")]
    lo, hi = scale.model_years
    span = int(rng.integers(lo, hi + 1))
    year = int(rng.integers(_FIRST_YEAR, _LAST_YEAR - span + 2))
    end, rows = year + span, []
    while year < end:
        # a new generation every 4-7 years brings a new line-up
        generation_end = min(end, year + int(rng.integers(4, 8)))
        configs = _line_up(make, engines or list(make.engines), scale, rng)
        for y in range(year, generation_end):
            kept = rng.random(len(configs)) >= _DROP_CONFIG
            kept[rng.integers(len(configs))] = True
            rows.extend((y, e, g) for (e, g), keep in zip(configs, kept, strict=True) if keep)
        year = generation_end
    return rows


def _draw_families(scale: Scale, rng: np.random.Generator) -> list[tuple[int, int, int, list]]:
    """(make, model, variant, vehicle rows) of families holding exactly n_vehicles."""
    pool = [(m, k) for m, make in enumerate(_MAKES) for k in range(len(make.models))]
    families: list[tuple[int, int, int, list]] = []
    total, variant = 0, 0
    while total < scale.n_vehicles:
        for i in rng.permutation(len(pool)):
            make, model = pool[i]
            name = _model_name(make, model, variant)
            rows = _family_rows(_MAKES[make], name, scale, rng)[: scale.n_vehicles - total]
            families.append((make, model, variant, rows))
            total += len(rows)
            if total == scale.n_vehicles:
                break
        variant += 1
    return families


def _model_name(make: int, model: int, variant: int) -> str:
    suffix = _VARIANTS[variant] if variant < len(_VARIANTS) else f" {variant}"
    return _MAKES[make].models[model] + suffix


def _fleet(scale: Scale, rng: np.random.Generator) -> _Fleet:
    # sorted by make then model, each family and each make is one run of vehicle codes
    families = sorted(_draw_families(scale, rng), key=lambda f: f[:3])
    family = np.repeat(np.arange(len(families)), [len(f[3]) for f in families])
    year, engine, gearbox = zip(*(row for f in families for row in f[3]), strict=True)
    year = np.array(year, dtype=np.int16)
    family_make = np.array([f[0] for f in families])
    family_model = pa.array([_model_name(*f[:3]) for f in families], pa.string())
    engines = sorted(set(engine))
    engine_code = np.searchsorted(engines, engine).astype(np.int16)
    table = pa.table(
        {
            "vehicle_id": _ids("SV", len(year), 6),
            "make": pa.array([m.name for m in _MAKES]).take(pa.array(family_make[family])),
            "model": family_model.take(pa.array(family)),
            "year": pa.array(year, pa.int16()),
            "engine": pa.array(engine, pa.string()),
            "transmission": pa.array(gearbox, pa.string()),
            "fuel": pa.array([_fuel(e) for e in engine], pa.string()),
        }
    )
    # engine_cum[e, v] counts the vehicles before v with engine e
    engine_cum = np.zeros((len(engines), len(year) + 1), dtype=np.int32)
    engine_cum[engine_code, np.arange(1, len(year) + 1)] = 1
    return _Fleet(
        table=table,
        family_make=family_make,
        family_model=family_model,
        engines=pa.array(engines, pa.string()),
        engine_code=engine_code,
        engine_cum=np.cumsum(engine_cum, axis=1, dtype=np.int32),
        **_cells(family, year, len(families)),
    )


def _cells(family: np.ndarray, year: np.ndarray, n_families: int) -> dict[str, np.ndarray]:
    """Bounds of the (family, year) runs of the sorted vehicles."""
    new_cell = np.ones(len(year), dtype=bool)
    new_cell[1:] = (family[1:] != family[:-1]) | (year[1:] != year[:-1])
    starts = np.flatnonzero(new_cell)
    cell_family = family[starts]
    return {
        "cell_start": np.append(starts, len(year)),
        "cell_family": cell_family,
        "cell_year": year[starts],
        "family_cell_end": np.searchsorted(cell_family, np.arange(n_families), side="right"),
    }


def _ids(prefix: str, n: int, width: int) -> pa.Array:
    """``prefix`` and 1..n zero-padded to ``width`` digits, with no Python string per id."""
    width = max(width, len(str(n)))
    chars = np.empty((n, len(prefix) + width), dtype=np.uint8)
    chars[:, : len(prefix)] = np.frombuffer(prefix.encode("ascii"), np.uint8)
    number = np.arange(1, n + 1)
    for j in range(width):
        chars[:, -1 - j] = ord("0") + number // 10**j % 10
    return _strings(chars)


def _strings(chars: np.ndarray) -> pa.Array:
    """Rows of an ASCII byte matrix as a string array."""
    return pa.array(chars.view(f"S{chars.shape[1]}").ravel()).cast(pa.string())


# -- applications --------------------------------------------------------------------------------


class _Apps(NamedTuple):
    category: np.ndarray
    c0: np.ndarray  # first cell of the run
    c1: np.ndarray  # one past its last cell
    engine: np.ndarray  # engine code the application is limited to, or -1
    pos_a: np.ndarray  # position code, or -1
    pos_b: np.ndarray  # second position code, or -1
    qty: np.ndarray  # -1 for null
    note: np.ndarray  # index into _NOTES, or -1


def _part_layout(scale: Scale, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Application of each part (-1 for universal parts) and the parts of each application."""
    n = scale.n_parts
    n_universal = min(max(1, round(scale.universal_share * n)), n - 1)
    n_fitting = n - n_universal if scale.universal_share else n
    counts = 1 + rng.poisson(_EXTRA_BRANDS, size=n_fitting)
    total = np.cumsum(counts)
    n_apps = int(np.searchsorted(total, n_fitting)) + 1
    counts = counts[:n_apps]
    counts[-1] -= total[n_apps - 1] - n_fitting
    universal = np.zeros(n, dtype=bool)
    universal[rng.choice(n, size=n - n_fitting, replace=False)] = True
    app_of_part = np.full(n, -1, dtype=np.int64)
    # shuffled, so that the parts of one application get unrelated ids
    app_of_part[~universal] = rng.permutation(np.repeat(np.arange(n_apps), counts))
    return app_of_part, counts


def _applications(
    counts: np.ndarray, types: _PartTypes, fleet: _Fleet, scale: Scale, rng: np.random.Generator
) -> _Apps:
    """Draw the applications and solve their run lengths for the scale's links per vehicle."""
    n, n_cells = len(counts), len(fleet.cell_year)
    size = rng.lognormal(0.0, _CATEGORY_SPREAD, len(types.names)) * _CATEGORY_FACTOR[types.reach]
    category = rng.choice(len(types.names), size=n, p=size / size.sum())
    normal = types.reach[category] == 0
    c0 = rng.integers(n_cells, size=n)
    pull = (rng.pareto(_PARETO_SHAPE, size=n) + 1.0) * np.where(normal, 1.0, _WIDE_PULL)
    engine = _engine_filter(category, c0, types, fleet, rng)
    # engine-specific runs stay in their family, other models having other engines
    in_family = (engine >= 0) | (normal & (rng.random(n) < _STAY_IN_FAMILY))
    limit = np.where(in_family, fleet.family_cell_end[fleet.cell_family[c0]], n_cells)
    pos_a, pos_b = _positions(types.kind[category], rng)
    target = scale.n_vehicles * scale.mean_parts_per_vehicle
    k = _solve_pull_scale(c0, pull, limit, engine, counts, fleet, target)
    qty = np.where(rng.random(n) < _NULL_QTY, -1, types.qty[category]).astype(np.int16)
    note = np.where(rng.random(n) < _NOTE_SHARE, rng.integers(len(_NOTES), size=n), -1)
    c1 = _run_end(c0, pull, limit, k)
    return _Apps(category, c0, c1, engine, pos_a, pos_b, qty, note.astype(np.int8))


def _engine_filter(
    category: np.ndarray, c0: np.ndarray, types: _PartTypes, fleet: _Fleet, rng: np.random.Generator
) -> np.ndarray:
    """Engine code per application, or -1; taken from a vehicle of the first cell, so it fits."""
    engine_system = np.isin(types.systems, _ENGINE_SYSTEMS)[types.system[category]]
    chosen = engine_system & (types.reach[category] == 0) & (rng.random(len(c0)) < _ENGINE_SPECIFIC)
    start = fleet.cell_start[c0]
    vehicle = start + (rng.random(len(c0)) * (fleet.cell_start[c0 + 1] - start)).astype(np.int64)
    return np.where(chosen, fleet.engine_code[vehicle], -1).astype(np.int16)


def _positions(kind: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n = len(kind)
    pick = (rng.random(n) * _KIND_CHOICES[kind]).astype(np.int64)
    pos_a = np.where(kind > 0, _KIND_FIRST[kind] + pick, -1)
    # a part sold for both sides (or both axles) fits twice, once per position
    both = (kind > 0) & (rng.random(n) < _TWO_POSITIONS)
    pos_b = np.where(both, _PARTNER[np.maximum(pos_a, 0)], -1)
    return pos_a.astype(np.int8), pos_b.astype(np.int8)


def _run_end(c0: np.ndarray, pull: np.ndarray, limit: np.ndarray, k: float) -> np.ndarray:
    cells = np.minimum(np.ceil(pull * k), limit - c0)
    return c0 + np.maximum(cells, 1).astype(np.int64)


def _link_counts(c0: np.ndarray, c1: np.ndarray, engine: np.ndarray, fleet: _Fleet) -> np.ndarray:
    """Vehicles each run of cells fits, in O(runs) through cumulative counts."""
    v0, v1 = fleet.cell_start[c0], fleet.cell_start[c1]
    counts = v1 - v0
    limited = np.flatnonzero(engine >= 0)
    e = engine[limited]
    counts[limited] = fleet.engine_cum[e, v1[limited]] - fleet.engine_cum[e, v0[limited]]
    return counts


def _solve_pull_scale(
    c0: np.ndarray,
    pull: np.ndarray,
    limit: np.ndarray,
    engine: np.ndarray,
    parts_per_app: np.ndarray,
    fleet: _Fleet,
    target: float,
) -> float:
    """The run-length multiplier whose links come closest to ``target``, by bisection."""

    def links(k: float) -> int:
        vehicles = _link_counts(c0, _run_end(c0, pull, limit, k), engine, fleet)
        return int(np.dot(parts_per_app, vehicles))

    lo, hi = 1e-9, float(len(fleet.cell_year))
    if links(hi) <= target:
        return hi
    # links(k) is a nondecreasing step function of k; 40 halvings of log(k) pin the step
    for _ in range(40):
        mid = math.sqrt(lo * hi)
        lo, hi = (mid, hi) if links(mid) < target else (lo, mid)
    return hi if abs(links(hi) - target) <= abs(links(lo) - target) else lo


# -- parts ---------------------------------------------------------------------------------------


def _parts_table(
    app_of_part: np.ndarray, apps: _Apps, types: _PartTypes, fleet: _Fleet, rng: np.random.Generator
) -> pa.Table:
    n, universal = len(app_of_part), app_of_part < 0
    app = np.maximum(app_of_part, 0)
    universal_types = np.flatnonzero(types.reach == _REACHES.index("universal"))
    drawn = universal_types[rng.integers(len(universal_types), size=n)]
    category = np.where(universal, drawn, apps.category[app])
    family = np.where(universal, -1, fleet.cell_family[apps.c0[app]])
    brand = _brands(category, family, types, fleet, rng)
    brand_column = pa.array([b.name for b in _BRANDS], pa.string()).take(pa.array(brand))
    category_column = pa.array(types.names, pa.string()).take(pa.array(category))
    return pa.table(
        {
            "part_id": _ids("SP", n, 7),
            "brand": brand_column,
            "part_number": _part_numbers(brand, rng),
            "category": category_column,
            "name": pc.binary_join_element_wise(brand_column, category_column, " "),
            "universal": pa.array(universal),
        }
    )


def _brands(
    category: np.ndarray,
    family: np.ndarray,
    types: _PartTypes,
    fleet: _Fleet,
    rng: np.random.Generator,
) -> np.ndarray:
    """The OE brand of the part's make, or an aftermarket brand selling into its system."""
    oe = (family >= 0) & (rng.random(len(category)) < _OE_SHARE)
    brand = np.where(oe, fleet.family_make[np.maximum(family, 0)], -1)
    system = types.system[category]
    for s, name in enumerate(types.systems):
        sellers = [i for i, b in enumerate(_BRANDS) if name in b.systems or "*" in b.systems]
        rows = np.flatnonzero(~oe & (system == s))
        brand[rows] = np.array(sellers)[rng.integers(len(sellers), size=len(rows))]
    return brand


def _part_numbers(brand: np.ndarray, rng: np.random.Generator) -> pa.Array:
    """A number per part in one of its brand's formats, distinct within the brand."""
    n_formats = np.array([len(b.formats) for b in _BRANDS])
    key = brand * _MAX_FORMATS + (rng.random(len(brand)) * n_formats[brand]).astype(np.int64)
    order = np.argsort(key, kind="stable")
    groups, starts = np.unique(key[order], return_index=True)
    sizes = np.diff(np.append(starts, len(key)))
    chunks = [
        _render(_BRANDS[g // _MAX_FORMATS], int(g % _MAX_FORMATS), int(size), rng)
        for g, size in zip(groups, sizes, strict=True)
    ]
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return pa.concat_arrays(chunks).take(pa.array(inverse))


def _render(brand: _Brand, which: int, n: int, rng: np.random.Generator) -> pa.Array:
    """``n`` distinct numbers in format ``which`` of ``brand``."""
    template = brand.formats[which]
    slots = [(j, _SLOTS[c]) for j, c in enumerate(template) if c in _SLOTS]
    capacity = math.prod(len(alphabet) for _, alphabet in slots)
    if n > capacity:
        raise ValueError(
            f"{brand.name} part-number format {template!r} holds {capacity:,} numbers but "
            f"{n:,} are needed: the scale is too large"
        )
    # distinct integers below the capacity, written in the mixed radix of the slots
    code = rng.choice(capacity, size=n, replace=False)
    chars = np.tile(np.frombuffer(template.encode("ascii"), np.uint8), (n, 1))
    for j, alphabet in reversed(slots):
        chars[:, j] = alphabet[code % len(alphabet)]
        code //= len(alphabet)
    return _strings(chars)


# -- fitments ------------------------------------------------------------------------------------

_FITMENT_COLUMNS = ("part_id", "vehicle_id", "make", "model", "year_from", "year_to", "engine")
_FITMENT_COLUMNS += ("position", "qty", "note")
_ENCODABLE = ("part_id", "vehicle_id", "position", "note")


def _fitments(
    parts: pa.Table,
    app_of_part: np.ndarray,
    apps: _Apps,
    fleet: _Fleet,
    scale: Scale,
    rng: np.random.Generator,
) -> pa.Table:
    """Vehicle-id rows, then range rows and duplicates where the scale asks, part by part."""
    fitting = np.flatnonzero(app_of_part >= 0)
    by_range = _range_form(app_of_part[fitting], apps, fleet, scale, rng)
    columns = _expand(*_units(fitting[~by_range], app_of_part, apps), apps, fleet)
    n_vehicle_rows = len(columns["part_id"])
    if by_range.any():
        ranges = _range_rows(*_units(fitting[by_range], app_of_part, apps), apps, fleet)
        columns = _stack(columns, ranges)
    n_rows = len(columns["part_id"])
    if n_rows > n_vehicle_rows or scale.n_duplicate_rows:
        n_copies = min(scale.n_duplicate_rows, n_vehicle_rows)
        order = np.append(np.arange(n_rows), rng.choice(n_vehicle_rows, n_copies, replace=False))
        # part by part, as catalogues list applications; a copy stays among its part's rows
        order = order[np.argsort(columns["part_id"][order], kind="stable")]
        columns = {name: codes[order] for name, codes in columns.items()}
    part_app = np.maximum(app_of_part, 0)
    columns["qty"] = apps.qty[part_app][columns["part_id"]]
    columns["note"] = apps.note[part_app][columns["part_id"]]
    dictionaries = {
        "part_id": parts.column("part_id").combine_chunks(),
        "vehicle_id": fleet.table.column("vehicle_id").combine_chunks(),
        "make": pa.array([m.name for m in _MAKES], pa.string()),
        "model": fleet.family_model,
        "engine": fleet.engines,
        "position": pa.array(_POSITIONS, pa.string()),
        "note": pa.array(_NOTES, pa.string()),
    }
    return _fitment_table(columns, dictionaries, scale.dictionary_encoded)


def _range_form(
    app: np.ndarray, apps: _Apps, fleet: _Fleet, scale: Scale, rng: np.random.Generator
) -> np.ndarray:
    """Which fitting parts to write as range rows, to give about ``range_row_share`` of rows."""
    share = scale.range_row_share
    if share == 0 or len(app) == 0:
        return np.zeros(len(app), dtype=bool)
    n_pos = 1 + (apps.pos_b[app] >= 0)
    c0, c1 = apps.c0[app], apps.c1[app]
    links = (n_pos * _link_counts(c0, c1, apps.engine[app], fleet)).mean()
    families = (n_pos * (fleet.cell_family[c1 - 1] - fleet.cell_family[c0] + 1)).mean()
    # a share p of parts by range makes p * families range rows for (1 - p) * links others
    p = share * links / (share * links + (1 - share) * families)
    return rng.random(len(app)) < p


def _units(
    parts: np.ndarray, app_of_part: np.ndarray, apps: _Apps
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(part, application, position) per unit: a part fitting two positions makes two units."""
    app = app_of_part[parts]
    which = np.repeat(np.arange(len(parts)), 1 + (apps.pos_b[app] >= 0))
    second = np.zeros(len(which), dtype=bool)
    second[1:] = which[1:] == which[:-1]
    unit_app = app[which]
    position = np.where(second, apps.pos_b[unit_app], apps.pos_a[unit_app])
    return parts[which].astype(np.int32), unit_app, position


def _expand(
    part: np.ndarray, app: np.ndarray, position: np.ndarray, apps: _Apps, fleet: _Fleet
) -> dict[str, np.ndarray]:
    """One row per vehicle of each unit's run, leaving out other engines where limited."""
    start = fleet.cell_start[apps.c0[app]]
    lens = fleet.cell_start[apps.c1[app]] - start
    total = int(lens.sum())
    if total >= 2**31:
        raise ValueError(f"{total:,} fitment rows exceed the int32 codes used for them")
    # row r of a unit whose rows begin at o and whose vehicles begin at s is vehicle s + r - o
    vehicle = np.arange(total, dtype=np.int32)
    vehicle += np.repeat((start - (np.cumsum(lens) - lens)).astype(np.int32), lens)
    rows = {"part_id": np.repeat(part, lens), "vehicle_id": vehicle}
    rows["position"] = np.repeat(position, lens)
    engine = apps.engine[app]
    if (engine >= 0).any():
        wanted = np.repeat(engine, lens)
        keep = (wanted < 0) | (fleet.engine_code[vehicle] == wanted)
        rows = {name: codes[keep] for name, codes in rows.items()}
    return rows


def _range_rows(
    part: np.ndarray, app: np.ndarray, position: np.ndarray, apps: _Apps, fleet: _Fleet
) -> dict[str, np.ndarray]:
    """One make/model/year-range row per unit and family its run of cells touches."""
    c0 = apps.c0[app]
    lens = apps.c1[app] - c0
    unit = np.repeat(np.arange(len(app)), lens)
    cell = np.arange(len(unit)) + np.repeat(c0 - (np.cumsum(lens) - lens), lens)
    family = fleet.cell_family[cell]
    first = np.ones(len(cell), dtype=bool)
    first[1:] = (unit[1:] != unit[:-1]) | (family[1:] != family[:-1])
    starts = np.flatnonzero(first)
    last = np.append(starts[1:], len(cell)) - 1
    u = unit[starts]
    return {
        "part_id": part[u],
        "make": fleet.family_make[family[starts]],
        "model": family[starts],
        "year_from": fleet.cell_year[cell[starts]],
        "year_to": fleet.cell_year[cell[last]],
        "engine": apps.engine[app[u]],
        "position": position[u],
    }


def _stack(first: dict[str, np.ndarray], second: dict[str, np.ndarray]) -> dict:
    """Rows of ``first`` then of ``second``; a column one side lacks is -1 (null) there."""
    sides = ((first, len(first["part_id"])), (second, len(second["part_id"])))
    stacked = {}
    for name in {**first, **second}:
        # fill in the other side's dtype, so that int32 and int8 codes stay so
        dtype = first.get(name, second.get(name)).dtype
        stacked[name] = np.concatenate([side.get(name, np.full(n, -1, dtype)) for side, n in sides])
    return stacked


def _fitment_table(columns: dict, dictionaries: dict, encoded: bool) -> pa.Table:
    """The fitments table from integer codes, -1 being null; absent columns are all null."""
    n = len(columns["part_id"])
    fields = {}
    for name in _FITMENT_COLUMNS:
        codes = columns.get(name)
        if codes is None:
            kind = pa.int16() if name.startswith("year") else pa.string()
            fields[name] = pa.nulls(n, kind)
        elif name in dictionaries:
            fields[name] = _strings_by_code(
                dictionaries[name], codes, encoded and name in _ENCODABLE
            )
        else:
            fields[name] = pa.array(codes.astype(np.int16, copy=False), pa.int16(), mask=codes < 0)
    return pa.table(fields)


def _strings_by_code(dictionary: pa.Array, codes: np.ndarray, encoded: bool) -> pa.Array:
    nulls = codes < 0
    indices = pa.array(codes, mask=nulls if nulls.any() else None)
    if encoded:
        return pa.DictionaryArray.from_arrays(indices, dictionary)
    return dictionary.take(indices)
