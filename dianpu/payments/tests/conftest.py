from .fake_stripe import fake_stripe  # noqa: F401 (fixture)
from .fake_wechatpay import fake_wechatpay, wechatpay_keys  # noqa: F401 (fixtures)
