"""Delivery tiers: what a warehouse at some distance can promise a shop.

A tier is a name and a promise in hours ("1-3h" within three hours, "next-day", "2-3d"). The
rules that give them are checked in order, fastest first; the first rule that applies to a
warehouse (its kind), a distance and a part's category gives the tier. A rule with no kinds or no
categories applies to all. The defaults follow the pocket-parts-market model: a *front*
warehouse (前置仓) in the shop's city delivers wear parts in one to three hours; any warehouse
within a night's drive delivers the next day; anything else takes two to three days.

Because a rule's distance is a maximum, a warehouse's tier only gets slower as it gets farther:
the nearest warehouse of each kind is the fastest of that kind, which is what lets the kernels
rank by (tier, distance) in one pass.

Examples
--------
>>> from yunpei_match.stock.tiers import DeliveryTiers, TierRule
>>> tiers = DeliveryTiers.default()
>>> tiers.tier_of("front", 12.0), tiers.tier_of("central", 12.0), tiers.tier_of("front", 2000.0)
('1-3h', 'next-day', '2-3d')
>>> wear_only = DeliveryTiers([
...     TierRule("1-3h", 3, max_km=50, kinds=("front",), categories=("brake pads",)),
...     TierRule("next-day", 24, max_km=800),
... ])
>>> wear_only.tier_of("front", 10.0, "brake pads"), wear_only.tier_of("front", 10.0, "tyres")
('1-3h', 'next-day')
>>> wear_only.tier_of("central", 900.0) is None
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from .._base.labels import label_key
from ..errors import ColumnTypeError, DataError

__all__ = ["DeliveryTiers", "TierRule"]

MAX_RULES = 32  # one bit each in the kernels' per-line rule masks
MAX_KINDS = 8  # one bit each in a rule's kind mask
WAREHOUSE_KINDS = ("front", "central")  # same-city front warehouse, distribution centre


def _warehouse_kind(kind: str) -> str:
    """A kind as warehouses' ``kind`` is read: trimmed and case-folded, front or central."""
    folded = kind.strip().casefold()
    if folded not in WAREHOUSE_KINDS:
        raise DataError(
            f"TierRule.kinds must name {' or '.join(map(repr, WAREHOUSE_KINDS))}, got {kind!r}"
        )
    return folded


@dataclass(frozen=True)
class TierRule:
    """One delivery rule: the tier a warehouse gives when it applies.

    Parameters
    ----------
    tier : str
        The tier's name, e.g. ``"1-3h"``. Several rules may give the same tier.
    hours : float
        The promise: delivery within this many hours.
    max_km : float, default inf
        The rule applies to warehouses at most this far from the shop.
    kinds : tuple of str, optional
        Warehouse kinds it applies to (``"front"``, ``"central"``; trimmed and case-folded, as
        the warehouses' ``kind``); all when None.
    categories : tuple of str, optional
        Part categories it applies to; all when None. Matched as queries match categories
        (case, width and spacing ignored): ``"Brake Pads"`` covers ``"brake pads"``.

    Raises
    ------
    DataError
        For an empty name, a negative or NaN ``hours`` or ``max_km``, an empty kind or
        category list, or a kind other than ``"front"`` and ``"central"``.
    """

    tier: str
    hours: float
    max_km: float = math.inf
    kinds: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.tier, str) or not self.tier:
            raise DataError(f"TierRule.tier must be a non-empty string, got {self.tier!r}")
        for name in ("hours", "max_km"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise DataError(f"TierRule.{name} must be a number >= 0, got {value!r}")
        for name in ("kinds", "categories"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, str) or not all(isinstance(v, str) for v in value) or not value:
                raise DataError(
                    f"TierRule.{name} must be None or a non-empty tuple of strings, got {value!r}"
                )
            object.__setattr__(self, name, tuple(value))
        if self.kinds is not None:
            object.__setattr__(self, "kinds", tuple(map(_warehouse_kind, self.kinds)))

    def applies(self, kind: str, km: float, category: str | None) -> bool:
        """Whether the rule covers a warehouse of ``kind`` at ``km`` for ``category``."""
        return (
            km <= self.max_km
            and (self.kinds is None or kind in self.kinds)
            and (category is None or _covers(_category_keys(self), label_key(category)))
        )


def _category_keys(rule: TierRule) -> frozenset[str] | None:
    """A rule's categories by label key, as a query names them; None for every one."""
    return None if rule.categories is None else frozenset(map(label_key, rule.categories))


class DeliveryTiers:
    """An ordered rule set, fastest first; see the module docstring.

    Parameters
    ----------
    rules : sequence of TierRule
        At most 32 rules, in non-decreasing order of ``hours``.

    Raises
    ------
    DataError
        If there are no rules, more than 32, or a rule promises less than one before it.
    ColumnTypeError
        If a rule is not a TierRule.
    """

    def __init__(self, rules: Sequence[TierRule]) -> None:
        rules = tuple(rules)
        if not rules or len(rules) > MAX_RULES:
            raise DataError(f"DeliveryTiers needs 1 to {MAX_RULES} rules, got {len(rules)}")
        for i, rule in enumerate(rules):
            if not isinstance(rule, TierRule):
                raise ColumnTypeError(f"rule {i} must be a TierRule, got {type(rule).__name__}")
            if i and rule.hours < rules[i - 1].hours:
                raise DataError(
                    f"rules must be ordered fastest first: rule {i} ({rule.tier!r}, "
                    f"{rule.hours} h) comes after {rules[i - 1].tier!r} ({rules[i - 1].hours} h)"
                )
        self.rules = rules

    @classmethod
    def default(cls) -> DeliveryTiers:
        """Front warehouse within 50 km: "1-3h"; any within 800 km: "next-day"; else "2-3d"."""
        return cls(
            [
                TierRule("1-3h", 3, max_km=50, kinds=("front",)),
                TierRule("next-day", 24, max_km=800),
                TierRule("2-3d", 72),
            ]
        )

    def __repr__(self) -> str:
        return f"DeliveryTiers({list(self.rules)!r})"

    @property
    def names(self) -> list[str]:
        """Tier names, fastest first, each once."""
        return list(dict.fromkeys(rule.tier for rule in self.rules))

    def rank(self, tier: str) -> int:
        """Position of ``tier`` in :attr:`names` (0 = fastest); DataError if unknown."""
        if tier not in self.names:
            raise DataError(f"unknown tier {tier!r}; the tiers are {', '.join(self.names)}")
        return self.names.index(tier)

    def tier_of(self, kind: str, km: float, category: str | None = None) -> str | None:
        """The tier of a warehouse of ``kind`` at ``km`` for ``category``, or None."""
        return next((r.tier for r in self.rules if r.applies(kind, km, category)), None)

    def rule_tiers(self) -> tuple[list[str], list[float]]:
        """Tier name and promised hours of each rule, by rule position."""
        return [r.tier for r in self.rules], [float(r.hours) for r in self.rules]


def _covers(keys: frozenset[str] | None, key: str) -> bool:
    return keys is None or key in keys


def compile_rules(
    tiers: DeliveryTiers, kinds: Sequence[str], categories: Iterable[str]
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.float64], npt.NDArray[np.uint32]]:
    """The rule arrays the kernels read.

    Returns
    -------
    rule_kinds : uint8 array
        Per rule, a bit per kind code (position in ``kinds``) it applies to.
    rule_max_km : float64 array
    category_rules : uint32 array
        Per category code (position in ``categories``), a bit per rule covering it.
    """
    if len(kinds) > MAX_KINDS:
        raise DataError(f"at most {MAX_KINDS} warehouse kinds, got {len(kinds)}")
    categories = list(categories)
    rule_kinds = np.zeros(len(tiers.rules), np.uint8)
    category_rules = np.zeros(len(categories), np.uint32)
    category_keys = [label_key(category) for category in categories]
    for t, rule in enumerate(tiers.rules):
        for k, kind in enumerate(kinds):
            rule_kinds[t] |= (rule.kinds is None or kind in rule.kinds) << k
        covered = _category_keys(rule)
        for c, key in enumerate(category_keys):
            category_rules[c] |= _covers(covered, key) << t
    return rule_kinds, np.array([r.max_km for r in tiers.rules], np.float64), category_rules


def rule_ranks(tiers: DeliveryTiers) -> npt.NDArray[np.int32]:
    """Tier rank (position in ``tiers.names``, 0 = fastest) of each rule, by rule code."""
    names = tiers.names
    return np.array([names.index(rule.tier) for rule in tiers.rules], np.int32)


def tier_columns(tiers: DeliveryTiers, rule: np.ndarray) -> dict[str, pa.Array]:
    """``tier`` (dictionary) and ``hours`` columns of kernel rule codes (-1 = null)."""
    names, hours = tiers.rule_tiers()
    codes = pa.array(rule.astype(np.int32), mask=rule < 0)
    return {
        "tier": pa.DictionaryArray.from_arrays(codes, pa.array(names, pa.string())),
        "hours": pa.array(np.asarray([*hours, np.nan])[rule], mask=rule < 0),
    }
