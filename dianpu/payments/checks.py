"""System checks: a gateway configured so that it cannot work is reported at start-up."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def stripe_configuration(app_configs, **kwargs):
    if getattr(settings, "STRIPE_SECRET_KEY", "") and not getattr(settings, "STRIPE_WEBHOOK_SECRET", ""):
        return [
            Warning(
                "STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: Stripe is offered at checkout, "
                "but its payment notifications will be refused, so orders paid by card stay unpaid.",
                hint="Set STRIPE_WEBHOOK_SECRET to the signing secret of the endpoint "
                "/api/v1/payments/stripe/webhook in Stripe's dashboard.",
                id="dianpu.payments.W001",
            )
        ]
    return []


@register()
def wechatpay_configuration(app_configs, **kwargs):
    """WeChat Pay half configured: offered nowhere, which is rarely what was meant."""
    from .gateways.wechatpay import WeChatPayGateway, apiv3_key

    if not getattr(settings, "WECHATPAY_MCHID", "") or WeChatPayGateway().is_enabled():
        return []
    missing = [name for name in ("WECHATPAY_APPID", "WECHATPAY_SERIAL_NO") if not getattr(settings, name, "")]
    if len(apiv3_key()) != 32:
        missing.append("WECHATPAY_APIV3_KEY (32 characters)")
    for name in ("WECHATPAY_PRIVATE_KEY", "WECHATPAY_PLATFORM_PUBLIC_KEY"):
        if not getattr(settings, name, "") and not getattr(settings, f"{name}_PATH", ""):
            missing.append(f"{name} or {name}_PATH")
    return [
        Warning(
            "WECHATPAY_MCHID is set but WeChat Pay is not offered: "
            + ", ".join(missing or ["a key file is unreadable"])
            + " missing.",
            hint="See docs/operations.md (WeChat Pay).",
            id="dianpu.payments.W002",
        )
    ]
