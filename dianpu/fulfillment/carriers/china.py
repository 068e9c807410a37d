"""Carriers within mainland China."""

from .base import Carrier

SF_EXPRESS = Carrier(
    "sf",
    "顺丰速运",
    "SF Express",
    (r"SF\d{12,13}", r"\d{12}"),
    "https://www.sf-express.com/chn/sc/waybill/waybill-detail/{number}",
    "SF1234567890123",
)
JD_LOGISTICS = Carrier(
    "jd",
    "京东物流",
    "JD Logistics",
    (r"JD[A-Z0-9]{11,16}", r"JDV\d{12}"),
    "https://www.jdl.com/orderSearch/?waybillCodes={number}",
    "JDVA12345678901",
)
ZTO = Carrier(
    "zto", "中通快递", "ZTO Express", (r"(7[3-9]|6[2-8])\d{10}",), "https://www.zto.com/?num={number}", "731234567890"
)
YTO = Carrier(
    "yto",
    "圆通速递",
    "YTO Express",
    (r"YT\d{13}",),
    "https://www.yto.net.cn/gw/index/index.html?mailNo={number}",
    "YT1234567890123",
)
STO = Carrier(
    "sto",
    "申通快递",
    "STO Express",
    (r"77\d{11}",),
    "https://www.sto.cn/pc/service-page/waybill?billno={number}",
    "7712345678901",
)
YUNDA = Carrier(
    "yunda",
    "韵达快递",
    "Yunda Express",
    (r"(43|46|31)\d{13}",),
    "https://www.yundaex.com/cn/index.php?number={number}",
    "431234567890123",
)
EMS = Carrier(
    "ems",
    "中国邮政 EMS",
    "China EMS",
    (r"E[A-Z]\d{9}CN", r"1\d{12}"),
    "https://www.ems.com.cn/queryList?mailNum={number}",
    "EA123456789CN",
)
CHINA_POST = Carrier(
    "chinapost",
    "中国邮政",
    "China Post",
    (r"[A-Z]{2}\d{9}CN", r"9\d{12}"),
    "https://yjcx.ems.com.cn/qps/yjcx?mailNum={number}",
    "RR123456789CN",
)

CARRIERS = (SF_EXPRESS, JD_LOGISTICS, ZTO, YTO, STO, YUNDA, EMS, CHINA_POST)
