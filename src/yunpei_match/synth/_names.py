"""Reference data of the synthetic catalogues: makes, brands, part types and their vocabularies.

Makes and aftermarket brands are written here as text and parsed at import; the ~500 part types
are read from ``yunpei_match/data/part_types.txt`` on first use.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import numpy as np

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
