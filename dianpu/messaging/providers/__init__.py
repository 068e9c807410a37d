"""SMS providers: the interface and the one chosen by setting (`SMS_PROVIDER`).

A provider sends one templated text message to one number and says whether the provider took it.
Implementations: `aliyun` (Alibaba Cloud SMS, its signed RPC request), `console` (writes to the log:
development and demos). Callers never wait on a provider inside a database transaction.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class SmsMessage:
    phone: str  # E.164, e.g. "+8613800138000"
    template_code: str  # the template approved at the provider (e.g. "SMS_123456789")
    params: dict  # the template's variables
    reference: str = ""  # our id for the message (idempotency, delivery receipts)


@dataclass(frozen=True)
class SmsResult:
    accepted: bool
    provider_id: str = ""  # the provider's id for the message (BizId)
    error_code: str = ""  # the provider's code when refused, or "timeout" / "unreachable"
    error_message: str = ""


class SmsProvider:
    code = ""

    def send(self, message: SmsMessage) -> SmsResult:  # pragma: no cover - interface
        raise NotImplementedError


def get_sms_provider() -> SmsProvider:
    code = getattr(settings, "SMS_PROVIDER", "console")
    if code == "aliyun":
        from .aliyun import AliyunSms

        return AliyunSms(
            access_key_id=settings.ALIYUN_SMS_ACCESS_KEY_ID,
            access_key_secret=settings.ALIYUN_SMS_ACCESS_KEY_SECRET,
            sign_name=settings.ALIYUN_SMS_SIGN_NAME,
            endpoint=settings.ALIYUN_SMS_ENDPOINT,
        )
    from .console import ConsoleSms

    return ConsoleSms()
