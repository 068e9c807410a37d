"""WeChat Pay Native: the code_url is drawn as a QR code on the page itself (no outside service)."""


def test_the_qr_code_encodes_the_code_url():
    import segno

    from dianpu.payments.gateways.base import PaymentStart
    from dianpu.storefront.views import _qr_svg

    svg = _qr_svg(PaymentStart(gateway="wechatpay", client_data={"code_url": "weixin://wxpay/bizpayurl?pr=abc"}))
    expected = segno.make("weixin://wxpay/bizpayurl?pr=abc", error="m").svg_inline(
        scale=5, border=2, dark="#111", light="#fff"
    )
    assert svg == expected and svg.startswith("<svg")
