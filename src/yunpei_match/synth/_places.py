"""Places of the synthetic warehouses and repair shops: Chinese cities and remote towns.

Coordinates are the usual published city centres (degrees, WGS 84, rounded); weights are
urban populations in millions, rounded, and only set how often a place is drawn. *Hubs* are the
regional logistics centres where distribution centres (中心仓) are drawn; every city gets front
warehouses (前置仓) and shops. Remote towns get shops only, 200 to 1,500 km from the nearest
city above, so that some orders fall in the slowest delivery tier.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pyarrow as pa

# name|province|lat|lon|weight|hub (1) or not (0)
_CITIES_TEXT = """
上海|上海|31.2304|121.4737|24.9|1
北京|北京|39.9042|116.4074|21.9|1
广州|广东|23.1291|113.2644|18.7|1
深圳|广东|22.5431|114.0579|17.6|1
成都|四川|30.5728|104.0668|16.0|1
重庆|重庆|29.5630|106.5516|16.0|1
天津|天津|39.3434|117.3616|13.9|1
武汉|湖北|30.5928|114.3055|12.3|1
西安|陕西|34.3416|108.9398|12.0|1
杭州|浙江|30.2741|120.1551|11.9|1
苏州|江苏|31.2990|120.5853|12.7|0
郑州|河南|34.7466|113.6254|12.6|1
南京|江苏|32.0603|118.7969|9.3|1
长沙|湖南|28.2282|112.9388|10.0|1
东莞|广东|23.0207|113.7518|10.5|0
沈阳|辽宁|41.8057|123.4315|9.1|1
青岛|山东|36.0671|120.3826|10.1|0
合肥|安徽|31.8206|117.2272|9.4|0
佛山|广东|23.0215|113.1214|9.5|0
济南|山东|36.6512|117.1201|9.2|1
宁波|浙江|29.8683|121.5440|9.4|0
昆明|云南|25.0389|102.7183|8.5|1
哈尔滨|黑龙江|45.8038|126.5349|10.0|1
大连|辽宁|38.9140|121.6147|7.5|0
福州|福建|26.0745|119.2965|8.3|0
厦门|福建|24.4798|118.0894|5.2|0
无锡|江苏|31.4912|120.3119|7.5|0
石家庄|河北|38.0428|114.5149|11.2|0
长春|吉林|43.8171|125.3235|9.1|0
南宁|广西|22.8170|108.3665|8.8|0
南昌|江西|28.6829|115.8582|6.4|0
贵阳|贵州|26.6470|106.6302|6.0|0
太原|山西|37.8706|112.5489|5.3|0
温州|浙江|27.9938|120.6994|9.6|0
泉州|福建|24.8741|118.6757|8.8|0
徐州|江苏|34.2044|117.2859|9.1|0
乌鲁木齐|新疆|43.8256|87.6168|4.1|1
兰州|甘肃|36.0611|103.8343|4.4|0
呼和浩特|内蒙古|40.8414|111.7519|3.4|0
海口|海南|20.0440|110.1999|2.9|0
银川|宁夏|38.4872|106.2309|2.9|0
西宁|青海|36.6171|101.7782|2.5|0
"""
# name|province|lat|lon|weight: towns far from every city above
_REMOTE_TEXT = """
喀什|新疆|39.4704|75.9898|0.7
伊宁|新疆|43.9168|81.3241|0.6
阿勒泰|新疆|47.8449|88.1412|0.2
格尔木|青海|36.4064|94.9033|0.3
拉萨|西藏|29.6500|91.1000|0.9
日喀则|西藏|29.2670|88.8806|0.2
漠河|黑龙江|52.9723|122.5387|0.1
满洲里|内蒙古|49.5978|117.3787|0.3
二连浩特|内蒙古|43.6532|111.9770|0.1
景洪|云南|22.0074|100.7977|0.5
三亚|海南|18.2528|109.5119|1.0
"""
_KM_PER_DEGREE = 6371.0088 * np.pi / 180  # along a meridian, on the mean-radius sphere


class _Places(NamedTuple):
    name: pa.Array
    province: pa.Array
    lat: np.ndarray
    lon: np.ndarray
    weight: np.ndarray
    hub: np.ndarray  # bool
    remote: np.ndarray  # bool


def _parse(text: str, remote: bool) -> list[tuple[str, str, float, float, float, bool, bool]]:
    rows = [line.split("|") for line in text.strip().splitlines()]
    hub = [not remote and r[5] == "1" for r in rows]
    return [
        (r[0], r[1], float(r[2]), float(r[3]), float(r[4]), h, remote)
        for r, h in zip(rows, hub, strict=True)
    ]


@lru_cache(maxsize=1)
def _places() -> _Places:
    """The cities, then the remote towns."""
    rows = _parse(_CITIES_TEXT, remote=False) + _parse(_REMOTE_TEXT, remote=True)
    name, province, lat, lon, weight, hub, remote = zip(*rows, strict=True)
    return _Places(
        name=pa.array(name, pa.string()),
        province=pa.array(province, pa.string()),
        lat=np.array(lat),
        lon=np.array(lon),
        weight=np.array(weight),
        hub=np.array(hub),
        remote=np.array(remote),
    )


def _scatter(
    lat: np.ndarray, lon: np.ndarray, sigma_km: float, max_km: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Points around the given centres: a round normal of ``sigma_km``, cut at ``max_km``."""
    n = len(lat)
    radius = np.minimum(sigma_km * np.sqrt(-2.0 * np.log1p(-rng.random(n))), max_km)
    angle = rng.random(n) * 2.0 * np.pi
    north, east = radius * np.cos(angle), radius * np.sin(angle)
    new_lat = lat + north / _KM_PER_DEGREE
    # degrees of longitude at the middle latitude: 30 km off, this errs by metres
    middle = np.radians(0.5 * (lat + new_lat))
    return new_lat, lon + east / (_KM_PER_DEGREE * np.cos(middle))
