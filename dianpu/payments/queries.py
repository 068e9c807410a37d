from django.utils.translation import get_language

from .gateways import list_gateways


def list_payment_methods() -> list[dict]:
    english = (get_language() or "").startswith("en")
    return [
        {"code": g.code, "name": g.name_en if english else g.name,
         "description": g.description_en if english else g.description, "pays_on_delivery": g.pays_on_delivery}
        for g in list_gateways()
    ]
