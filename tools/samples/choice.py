"""Choices that look random but are not: each is drawn from the SHA-256 hash of what is chosen.

The same key always gives the same choice, so the sample is the same on every run and machine,
and adding a row to one table does not reshuffle the choices made for the others.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def unit(*key: object) -> float:
    """A number in [0, 1) drawn from the hash of ``key`` (its parts joined by ``|``)."""
    digest = hashlib.sha256("|".join(map(str, key)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def pick(items: Sequence[T], *key: object) -> T:
    """One of ``items``, each as likely as the others."""
    return items[int(unit(*key) * len(items))]


def weighted(items: Sequence[T], weights: Sequence[float], *key: object) -> T:
    """One of ``items``, in proportion to ``weights``."""
    point = unit(*key) * sum(weights)
    for item, weight in zip(items, weights, strict=True):
        point -= weight
        if point < 0:
            return item
    return items[-1]
