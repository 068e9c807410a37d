from django.db import IntegrityError, transaction

from dianpu.core import clock

from .models import Customer


def get_or_create_customer(*, email: str, name: str = "", phone: str = "", language: str = "zh-hans") -> Customer:
    """The customer with this e-mail (case-insensitive), created on first purchase."""
    email = email.strip().lower()
    customer = Customer.objects.filter(email=email).first()
    if customer:
        return customer
    try:
        with transaction.atomic():
            return Customer.objects.create(email=email, name=name, phone=phone, language=language,
                                           created_at=clock.now())
    except IntegrityError:  # created by a concurrent checkout
        return Customer.objects.get(email=email)
