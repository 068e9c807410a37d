from decimal import Decimal

from dianpu.catalog.tests.builders import make_product
from dianpu.customers.tests.builders import make_account
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order


def delivered_line(customer=None, *, sku="REV-TEE", name="纯棉T恤", deliver=True):
    """(customer, order line) of a delivered order of one product, bought by `customer`."""
    customer = customer or make_account("mei@example.com", name="王美")
    from dianpu.catalog.models import Variant

    if not Variant.objects.filter(sku=sku).exists():
        make_product(name=name, skus=[sku], price="59.00", stock=50)
    order = place_test_order({sku: 1}, email=customer.email)
    if order.held_at:  # the order review (审单) holds a buyer's many orders: an operator lets it go
        from dianpu.orders.services import release_order

        order = release_order(order=order, reason="test")
    order = transition_order(order=order, action="mark_paid")
    if deliver:
        order = transition_order(
            order=order, action="ship", carrier="sf", tracking_number="SF1234567890123", shipping_cost=Decimal("11.00")
        )
        order = transition_order(order=order, action="mark_delivered")
    return customer, order.lines.get()
