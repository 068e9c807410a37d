"""International carriers."""

from .base import Carrier

UPS = Carrier(
    "ups", "UPS", "UPS", (r"1Z[0-9A-Z]{16}",), "https://www.ups.com/track?tracknum={number}", "1Z999AA10123456784"
)
FEDEX = Carrier(
    "fedex",
    "联邦快递 FedEx",
    "FedEx",
    (r"\d{12}", r"\d{15}", r"\d{20}"),
    "https://www.fedex.com/fedextrack/?trknbr={number}",
    "123456789012",
)
DHL = Carrier(
    "dhl",
    "DHL",
    "DHL Express",
    (r"\d{10}", r"[A-Z]{3}\d{7}"),
    "https://www.dhl.com/cn-zh/home/tracking.html?tracking-id={number}",
    "1234567890",
)

CARRIERS = (UPS, FEDEX, DHL)
