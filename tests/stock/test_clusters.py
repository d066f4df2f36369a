"""The spatial clusters that number warehouses (``stock.clusters``)."""

import numpy as np
import pytest

from yunpei_match.stock.clusters import WAREHOUSES_PER_CLUSTER, spatial_clusters, z_order


@pytest.mark.parametrize("n", [0, 1, 2, 9, 100])
def test_every_warehouse_gets_a_cluster_numbered_from_zero(n):
    rng = np.random.default_rng(n)
    lat, lon = rng.uniform(18, 50, n), rng.uniform(75, 130, n)
    cluster = spatial_clusters(lat, lon)
    assert cluster.dtype == np.int32 and len(cluster) == n
    used = np.unique(cluster)
    assert used.tolist() == list(range(len(used)))
    assert len(used) <= max(1, -(-n // WAREHOUSES_PER_CLUSTER))


def test_cities_far_apart_are_never_one_cluster_and_the_result_is_deterministic():
    rng = np.random.default_rng(7)
    centres = [(39.9, 116.4), (31.2, 121.5), (23.1, 113.3), (30.6, 104.1)]
    lat = np.concatenate([c[0] + rng.normal(0, 0.05, 8) for c in centres])
    lon = np.concatenate([c[1] + rng.normal(0, 0.05, 8) for c in centres])
    cluster = spatial_clusters(lat, lon)
    city = np.repeat(np.arange(len(centres)), 8)
    assert all(len(np.unique(city[cluster == c])) == 1 for c in np.unique(cluster))
    assert np.array_equal(cluster, spatial_clusters(lat, lon))


def test_z_order_keeps_neighbours_close_and_orders_the_corners():
    keys = z_order(np.array([-90.0, -90.0, 90.0, 90.0]), np.array([-180.0, 180.0, -180.0, 180.0]))
    assert keys.tolist() == sorted(keys.tolist())
    assert keys[0] == 0 and keys[-1] == (1 << 32) - 1
