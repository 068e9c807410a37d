from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order

SF = {"carrier": "sf", "tracking_number": "SF1234567890123"}


def delivered_order(lines: dict[str, int], **kwargs):
    """An order placed, paid (bank transfer), shipped by SF and delivered."""
    order = place_test_order(lines, **kwargs)
    transition_order(order=order, action="mark_paid", reason="到账")
    transition_order(order=order, action="ship", **SF)
    return transition_order(order=order, action="mark_delivered")


def paid_order(lines: dict[str, int], **kwargs):
    order = place_test_order(lines, **kwargs)
    return transition_order(order=order, action="mark_paid", reason="到账")


def shipped_order(lines: dict[str, int], **kwargs):
    """An order placed, paid (bank transfer) and shipped by SF: the parcel is in transit."""
    order = paid_order(lines, **kwargs)
    return transition_order(order=order, action="ship", **SF)
