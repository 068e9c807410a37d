"""Reads: the templates in force (edited or default), and a sample context for previews."""

from .domain.defaults import KIND_LABELS, KINDS, LANGUAGES, VARIABLES, default_template, normalize_language
from .models import NotificationTemplate


def get_template_text(kind: str, language: str) -> tuple[str, str, bool]:
    """(subject, body, edited) in force for a kind and language."""
    language = normalize_language(language)
    row = NotificationTemplate.objects.filter(kind=kind, language=language).first()
    if row is not None:
        return row.subject, row.body, True
    subject, body = default_template(kind, language)
    return subject, body, False


def list_templates(*, english: bool = False) -> list[dict]:
    rows = {(t.kind, t.language): t for t in NotificationTemplate.objects.select_related("updated_by")}
    out = []
    for kind in KINDS:
        for language in LANGUAGES:
            row = rows.get((kind, language))
            subject = row.subject if row else default_template(kind, language)[0]
            out.append(
                {
                    "kind": kind,
                    "label": KIND_LABELS[kind][1 if english else 0],
                    "language": language,
                    "subject": subject,
                    "edited": row is not None,
                    "updated_at": row.updated_at if row else None,
                    "updated_by": row.updated_by.get_username() if row and row.updated_by else "",
                }
            )
    return out


def preview_context(kind: str, language: str) -> dict:
    """Sample data with every variable a template of this kind may use."""
    english = normalize_language(language) == "en"
    context = {
        "order": {
            "number": "DP261123000123",
            "customer_name": "Li Lei" if english else "李雷",
            "subtotal": "118.00",
            "shipping_total": "10.00",
            "grand_total": "128.00",
            "lines": [
                {
                    "name": "Cotton T-shirt" if english else "纯棉T恤",
                    "variant": "M",
                    "quantity": 2,
                    "line_total": "118.00",
                }
            ],
        },
        "shop_name": "店铺 dianpu",
        "status_url": "https://shop.example.com/orders/status/?number=DP261123000123",
        "payment_instructions": "",
        "carrier_name": "",
        "tracking_number": "",
        "tracking_url": "",
        "return_number": "",
        "return_kind": "",
        "refund_amount": "",
    }
    samples = {
        "payment_instructions": "Transfer ¥128.00 …" if english else "请转账 ¥128.00 ……",
        "carrier_name": "SF Express" if english else "顺丰速运",
        "tracking_number": "SF1234567890123",
        "tracking_url": "https://www.sf-express.com/chn/sc/waybill/waybill-detail/SF1234567890123",
        "return_number": "RT261125000042",
        "return_kind": "Return and refund" if english else "退货退款",
        "refund_amount": "59.00",
    }
    for name in VARIABLES.get(kind, ()):
        context[name] = samples[name]
    return context
