"""System checks: a gateway configured so that it cannot work is reported at start-up."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def stripe_configuration(app_configs, **kwargs):
    if getattr(settings, "STRIPE_SECRET_KEY", "") and not getattr(settings, "STRIPE_WEBHOOK_SECRET", ""):
        return [Warning(
            "STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: Stripe is offered at checkout, "
            "but its payment notifications will be refused, so orders paid by card stay unpaid.",
            hint="Set STRIPE_WEBHOOK_SECRET to the signing secret of the endpoint "
                 "/api/v1/payments/stripe/webhook in Stripe's dashboard.",
            id="dianpu.payments.W001")]
    return []
