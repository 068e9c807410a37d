from django.db import models


class PageVersion(models.Model):
    """One counter that every change a cached storefront page shows moves: a product, a SKU or its
    price, an image, a category, a SKU going in or out of stock, a banner, a featured slot, a
    promotion, the shop's settings (not a sale's counters: migration 0004). Database triggers bump it in the same transaction as the change, whichever code made it
    (console, API, bulk import, worker), so a page cached under the old value is never served
    after the change commits (dianpu.storefront.page_cache)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "page version"
