"""Stock: warehouses and what they hold, delivery tiers, reservations, order sourcing.

:class:`Inventory` is built over a catalogue and answers where a part ships from;
:class:`DeliveryTiers` says which promise a warehouse keeps; the ledger records reservations
so that stock is never oversold; ``sourcing`` plans multi-line orders with the fewest shipments.
"""

from .inventory import Inventory, Offer
from .ledger import Ledger, Reservation
from .sourcing import MAX_NODES as MAX_NODES
from .sourcing import SourcingPlan, source_order, source_orders

# The package's interface to the layers above, beside its user API (__all__).
from .tables import (
    MAX_QTY as MAX_QTY,
)
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
