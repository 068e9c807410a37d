"""Account e-mails (verify the e-mail, reset the password, tier changed), in the customer's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Customer, MembershipTier


def _link(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(name, args=[token])


def account_email(customer: Customer, kind: str) -> tuple[str, str]:
    """(subject, body) of an account e-mail."""
    from .services import reset_token, verification_token

    shop = settings.SHOP_NAME
    greeting = _("%(name)s，您好：") % {"name": customer.name or customer.email}
    if kind == "verify":
        return (
            _("请验证您在%(shop)s的邮箱") % {"shop": shop},
            f"{greeting}\n\n"
            + _("请打开下面的链接完成邮箱验证（%(days)s 天内有效），验证后可在账户中看到此邮箱下过的全部订单：")
            % {"days": settings.CUSTOMER_LINK_DAYS}
            + f"\n{_link('storefront:account-verify', verification_token(customer))}\n",
        )
    if kind == "reset":
        return (
            _("重置您在%(shop)s的密码") % {"shop": shop},
            f"{greeting}\n\n"
            + _("请打开下面的链接设置新密码（24 小时内有效，只能使用一次）。如果不是您本人申请，请忽略本邮件。")
            + f"\n{_link('storefront:account-reset', reset_token(customer))}\n",
        )
    if kind == "birthday_coupon":
        coupon = customer.member_coupons.filter(source="birthday").order_by("-created_at").first()
        if coupon is None:
            return "", ""
        return (
            _("生日快乐！您的生日券已到账"),
            f"{greeting}\n\n"
            + _(
                "生日快乐！作为会员权益，我们送您一张 ¥%(amount)s 的生日券（满 ¥%(min)s 可用），券码：%(code)s，有效期至 %(until)s。"
            )
            % {
                "amount": coupon.amount,
                "min": coupon.min_spend,
                "code": coupon.code,
                "until": coupon.ends_at.date().isoformat(),
            }
            + f"\n{settings.SITE_URL}{reverse('storefront:account')}\n",
        )
    tier = MembershipTier.objects.filter(code=customer.tier).first()
    name = (tier.name_en if translation.get_language() == "en" else tier.name) if tier else _("普通会员")
    return (
        _("您的会员等级已变为：%(tier)s") % {"tier": name},
        f"{greeting}\n\n"
        + _("您的会员等级现在是 %(tier)s。在账户页面可以查看等级权益和积分。") % {"tier": name}
        + f"\n{settings.SITE_URL}{reverse('storefront:account')}\n",
    )


def send_account_email(customer_id: int, kind: str) -> None:
    customer = Customer.objects.filter(pk=customer_id, erased_at__isnull=True).first()
    if customer is None:
        return
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        subject, body = account_email(customer, kind)
    if not subject or not customer.has_email:
        return
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [customer.email])
