"""The demo's stock, kept as the ledger would: an opening receipt per SKU, a reservation per
order line, a sale when it ships, a release when it is cancelled, purchase receipts when a SKU
runs low, and at the end a count that leaves a few SKUs low or sold out.

The book works on SKU indexes and writes `StockMove` rows through the chunk writer. Whether an
order can be served is decided conservatively (units released by cancellations are not counted
until the end), so on-hand never falls below what is reserved at any moment of the history.
"""

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from dianpu.inventory.models import Reservation, StockMove

OPENING_REASON = "期初库存"
PURCHASE_REASON = "采购入库"
STOCKTAKE_REASON = "盘点差异"
SALE_REASON = "订单发货"  # what orders.services.transition_order writes on ship
CANCEL_REASON = "订单取消"
SHARE_OUT_OF_STOCK = 0.04
SHARE_LOW = 0.065


@dataclass(frozen=True)
class Move:
    sku: int
    kind: str
    on_hand_delta: int
    reserved_delta: int
    reference: str
    reason: str
    actor_id: int | None
    at: datetime


class StockBook:
    def __init__(self, rng: random.Random, *, daily_units: list[float], emit):
        """`daily_units[s]`: expected units per day of SKU s; `emit(Move)` writes a ledger row."""
        self.rng = rng
        self.emit = emit
        n = len(daily_units)
        self.batch = [max(12, 10 * math.ceil(u * 30 * rng.uniform(0.8, 1.4) / 10)) for u in daily_units]
        self.safety = [min(50, max(5, round(u * 7))) for u in daily_units]
        self.servable = [0] * n  # receipts minus everything ever reserved (a lower bound of available)
        self.on_hand = [0] * n
        self.reserved = [0] * n
        self.released = [0] * n
        self.purchase_orders = 0

    def receive(
        self, sku: int, quantity: int, at: datetime, reason: str, reference: str = "", actor_id: int | None = None
    ) -> None:
        self.servable[sku] += quantity
        self.on_hand[sku] += quantity
        self.emit(Move(sku, StockMove.Kind.RECEIPT, quantity, 0, reference, reason, actor_id, at))

    def open(self, sku: int, at: datetime, actor_id: int | None) -> None:
        """Opening stock, a month or two of expected sales."""
        quantity = self.batch[sku] + self.rng.randrange(0, self.batch[sku] + 1)
        self.receive(sku, quantity, at, OPENING_REASON, actor_id=actor_id)

    def ensure(self, sku: int, quantity: int, at: datetime, actor_id: int | None) -> None:
        """Before an order reserves `quantity`: if stock would not cover it, a purchase arrives."""
        if self.servable[sku] >= quantity:
            return
        arrived = at - timedelta(minutes=self.rng.randint(30, 600))
        self.purchase_orders += 1
        reference = f"PO{arrived:%y%m%d}{self.purchase_orders:05d}"
        need = quantity - self.servable[sku]
        self.receive(sku, max(self.batch[sku], need + self.safety[sku]), arrived, PURCHASE_REASON, reference, actor_id)

    def hold(
        self,
        sku: int,
        quantity: int,
        reference: str,
        placed_at: datetime,
        *,
        settled_at: datetime | None,
        state: str,
        actor_id: int | None,
        reason: str,
    ) -> None:
        """A reservation made at placing; `state` is where it ends up (consumed on ship, released on
        cancel, or still active), `settled_at` when that happened."""
        self.servable[sku] -= quantity
        self.emit(Move(sku, StockMove.Kind.RESERVE, 0, quantity, reference, "", None, placed_at))
        if state == Reservation.State.CONSUMED:
            self.on_hand[sku] -= quantity
            self.emit(
                Move(sku, StockMove.Kind.SALE, -quantity, -quantity, reference, SALE_REASON, actor_id, settled_at)
            )
        elif state == Reservation.State.RELEASED:
            self.released[sku] += quantity
            self.emit(
                Move(
                    sku, StockMove.Kind.RELEASE, 0, -quantity, reference, reason or CANCEL_REASON, actor_id, settled_at
                )
            )
        else:
            self.reserved[sku] += quantity

    def available(self, sku: int) -> int:
        return self.on_hand[sku] - self.reserved[sku]

    def settle(self, skus: list[int], *, counted_at: datetime, restocked_at: datetime, actor_id: int | None) -> None:
        """End of the story: the emptiest SKUs are counted down to sold out or low, the rest are
        topped up above their safety stock. `skus`: the SKUs that may be sold (drafts excluded)."""
        ranked = sorted(skus, key=lambda s: (self.available(s) / (self.safety[s] + 1), s))
        n_out = math.ceil(len(ranked) * SHARE_OUT_OF_STOCK) if ranked else 0
        n_low = math.ceil(len(ranked) * SHARE_LOW) if ranked else 0
        for rank, sku in enumerate(ranked):
            available = self.available(sku)
            if rank < n_out:
                target = 0
            elif rank < n_out + n_low:
                wanted = self.rng.randint(1, self.safety[sku])
                target = wanted if available == 0 else min(available, wanted)
            else:
                target = max(available, self.safety[sku] + self.rng.randint(5, self.batch[sku]))
            delta = target - available
            if delta < 0:
                self.on_hand[sku] += delta
                self.emit(Move(sku, StockMove.Kind.STOCKTAKE, delta, 0, "", STOCKTAKE_REASON, actor_id, counted_at))
            elif delta > 0:
                self.purchase_orders += 1
                self.receive(
                    sku,
                    delta,
                    restocked_at,
                    PURCHASE_REASON,
                    f"PO{restocked_at:%y%m%d}{self.purchase_orders:05d}",
                    actor_id,
                )
