"""Spatial clusters of warehouses, and the Z-order that numbers them.

The stock kernel scans a popular part's rows one cluster at a time and skips a cluster whose
ball lies farther than the best warehouse found (see ``_kernels.pyx``). Warehouse codes are
therefore numbered by cluster, then along a Z-order: a part's rows, sorted by warehouse code,
form one run per cluster. The clustering only makes the scan fast; the kernel is exact for any.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["spatial_clusters", "unit_vectors", "z_order"]

WAREHOUSES_PER_CLUSTER = 8


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> npt.NDArray[np.float64]:
    """Positions in degrees as points of the unit sphere (n x 3)."""
    lat, lon = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)


def spatial_clusters(lat: np.ndarray, lon: np.ndarray) -> npt.NDArray[np.int32]:
    """Small clusters of nearby warehouses (about eight each), numbered along a Z-order.

    k-means on the unit sphere, seeded with farthest points so that it is deterministic; the
    stock kernel skips a popular part's rows cluster by cluster (see ``_kernels.pyx``), so tight
    clusters (a city's warehouses) make it fast, and any clustering keeps it exact.

    Parameters
    ----------
    lat, lon : numpy.ndarray
        Positions in degrees, checked finite and in range by the caller.

    Returns
    -------
    numpy.ndarray of int32
        Each position's cluster, from 0; the clusters' centres follow a Z-order.

    Examples
    --------
    Eight warehouses in Beijing and eight in Guangzhou make two clusters, the southern first:

    >>> import numpy as np
    >>> lat = np.r_[np.full(8, 39.9), np.full(8, 23.1)]
    >>> lon = np.r_[116.3 + np.arange(8) / 100, 113.2 + np.arange(8) / 100]
    >>> spatial_clusters(lat, lon).tolist()
    [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    """
    points = unit_vectors(lat, lon)
    n_clusters = max(1, -(-len(points) // WAREHOUSES_PER_CLUSTER))
    if len(points) <= 1:
        return np.zeros(len(points), np.int32)
    centres = [points[0]]
    gap = ((points - points[0]) ** 2).sum(1)
    for _ in range(n_clusters - 1):
        centres.append(points[int(np.argmax(gap))])
        gap = np.minimum(gap, ((points - centres[-1]) ** 2).sum(1))
    centre = np.array(centres)
    for _ in range(10):
        label = _nearest_centre(points, centre)
        for c in np.unique(label):
            centre[c] = points[label == c].mean(axis=0)
    label = _nearest_centre(points, centre)
    used = np.unique(label)
    norm = np.linalg.norm(centre[used], axis=1, keepdims=True)
    latlon = np.degrees(
        np.stack(
            [
                np.arcsin(np.clip(centre[used, 2:3] / np.maximum(norm, 1e-300), -1, 1))[:, 0],
                np.arctan2(centre[used, 1], centre[used, 0]),
            ]
        )
    )
    rank = np.empty(n_clusters, np.int32)
    rank[used] = np.argsort(np.argsort(z_order(latlon[0], latlon[1]), kind="stable"))
    return rank[label]


def _nearest_centre(points: np.ndarray, centre: np.ndarray) -> np.ndarray:
    distance = (points**2).sum(1)[:, None] - 2 * points @ centre.T + (centre**2).sum(1)[None]
    return np.argmin(distance, axis=1)


def z_order(lat: np.ndarray, lon: np.ndarray) -> npt.NDArray[np.uint64]:
    """Z-order (Morton) key of positions: nearby places get nearby keys, mostly.

    Warehouse codes follow it, so the stock rows of a part (sorted by warehouse code) run
    through space in order and a block of them fits in a small ball (see ``_kernels.pyx``).
    """
    keys = np.zeros(len(lat), np.uint64)
    y = ((lat + 90.0) / 180.0 * 65535).astype(np.uint64)
    x = ((lon + 180.0) / 360.0 * 65535).astype(np.uint64)
    for bit in range(16):
        keys |= ((x >> np.uint64(bit)) & np.uint64(1)) << np.uint64(2 * bit)
        keys |= ((y >> np.uint64(bit)) & np.uint64(1)) << np.uint64(2 * bit + 1)
    return keys
