from dianpu.customers.models import Customer
from dianpu.customers.services import adjust_points, issue_customer_token, sign_up

PASSWORD = "Lantern-Festival-2026"


def make_account(email="mei@example.com", *, name="王美", points=0, password=PASSWORD, verified=False) -> Customer:
    """A customer with an account (signed up through the service), optionally holding points."""
    customer = sign_up(email=email, password=password, name=name)
    if points:
        adjust_points(customer=customer, delta=points, reason="test")
    if verified:
        from dianpu.core import clock

        Customer.objects.filter(pk=customer.pk).update(email_verified_at=clock.now())
    return Customer.objects.get(pk=customer.pk)


def token_of(customer) -> str:
    return issue_customer_token(customer)
