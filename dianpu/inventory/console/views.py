"""Stock pages: what is running low, and every movement of one SKU (the ledger)."""

from django.http import Http404
from django.shortcuts import render

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.catalog.queries import get_variants_by_sku
from dianpu.inventory.queries import get_available_by_variant, get_on_hand_by_variant, list_low_stock, list_moves

LOW_STOCK_ROWS = 200
LEDGER_ROWS = 200


@staff_permission_required(roles.VIEW_STOCK)
def level_list(request):
    return render(request, "inventory/console/level_list.html", {"levels": list(list_low_stock(limit=LOW_STOCK_ROWS))})


@staff_permission_required(roles.VIEW_STOCK)
def move_list(request, sku):
    variant = get_variants_by_sku([sku]).get(sku)
    if variant is None:
        raise Http404(sku)
    moves = list(list_moves(variant.id, limit=LEDGER_ROWS))
    return render(request, "inventory/console/move_list.html", {
        "variant": variant, "moves": moves,
        "on_hand": get_on_hand_by_variant([variant.id]).get(variant.id, 0),
        "available": get_available_by_variant([variant.id]).get(variant.id, 0),
        "can_view_catalog": request.user.has_perm(roles.VIEW_CATALOG),
    })
