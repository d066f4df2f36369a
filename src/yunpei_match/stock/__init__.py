"""Stock: warehouses and what they hold, delivery tiers, reservations, order sourcing.

:class:`Inventory` is built over a catalogue and answers where a part ships from;
:class:`DeliveryTiers` says which promise a warehouse keeps; the ledger records reservations
so that stock is never oversold; ``sourcing`` plans multi-line orders with the fewest shipments.
"""

from .inventory import Inventory
from .ledger import Ledger, Reservation
from .sourcing import MAX_NODES as MAX_NODES
from .sourcing import SourcingPlan, source_order, source_orders
from .sourcing import check_max_shipments as check_max_shipments

# The package's interface to the layers above, beside its user API (__all__).
from .tables import (
    MAX_QTY as MAX_QTY,
)
from .tables import Offer
from .tables import (
    OrderLines as OrderLines,
)
from .tables import (
    check_max_km as check_max_km,
)
from .tables import (
    check_position as check_position,
)
from .tables import (
    check_qty as check_qty,
)
from .tiers import DeliveryTiers, TierRule
from .tiers import rule_ranks as rule_ranks
from .tiers import tier_columns as tier_columns

__all__ = [
    "DeliveryTiers",
    "Inventory",
    "Ledger",
    "Offer",
    "Reservation",
    "SourcingPlan",
    "TierRule",
    "source_order",
    "source_orders",
]
