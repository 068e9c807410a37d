"""An SMS "provider" that only logs: development, tests and the demo store."""

import logging

from . import SmsMessage, SmsProvider, SmsResult

log = logging.getLogger("dianpu.sms")


class ConsoleSms(SmsProvider):
    code = "console"

    def send(self, message: SmsMessage) -> SmsResult:
        log.info(
            "sms",
            extra={"phone": message.phone[-4:], "template": message.template_code, "reference": message.reference},
        )
        return SmsResult(accepted=True, provider_id=f"console-{message.reference}")
