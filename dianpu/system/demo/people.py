"""Demo customers: Chinese names (with pinyin for e-mail addresses), mobile numbers and
addresses across provinces and cities. Every draw comes from the `random.Random` passed in."""

import random
from dataclasses import dataclass

# Surnames by frequency: (hanzi, pinyin, weight).
SURNAMES = (
    ("王", "wang", 7.2),
    ("李", "li", 7.0),
    ("张", "zhang", 6.8),
    ("刘", "liu", 5.4),
    ("陈", "chen", 4.5),
    ("杨", "yang", 3.1),
    ("黄", "huang", 2.5),
    ("赵", "zhao", 2.3),
    ("吴", "wu", 2.0),
    ("周", "zhou", 1.9),
    ("徐", "xu", 1.4),
    ("孙", "sun", 1.3),
    ("马", "ma", 1.2),
    ("朱", "zhu", 1.2),
    ("胡", "hu", 1.1),
    ("郭", "guo", 1.1),
    ("何", "he", 0.9),
    ("林", "lin", 0.9),
    ("高", "gao", 0.9),
    ("罗", "luo", 0.8),
    ("郑", "zheng", 0.8),
    ("梁", "liang", 0.7),
    ("谢", "xie", 0.6),
    ("宋", "song", 0.6),
    ("唐", "tang", 0.6),
    ("许", "xu", 0.5),
    ("韩", "han", 0.5),
    ("冯", "feng", 0.5),
    ("邓", "deng", 0.5),
    ("曹", "cao", 0.5),
    ("彭", "peng", 0.4),
    ("曾", "zeng", 0.4),
    ("肖", "xiao", 0.4),
    ("田", "tian", 0.4),
    ("董", "dong", 0.4),
    ("潘", "pan", 0.3),
    ("袁", "yuan", 0.3),
    ("蒋", "jiang", 0.3),
    ("蔡", "cai", 0.3),
    ("余", "yu", 0.3),
    ("杜", "du", 0.3),
    ("叶", "ye", 0.3),
    ("程", "cheng", 0.3),
    ("魏", "wei", 0.3),
    ("苏", "su", 0.3),
    ("吕", "lyu", 0.3),
    ("丁", "ding", 0.3),
    ("沈", "shen", 0.3),
    ("任", "ren", 0.2),
    ("姚", "yao", 0.2),
    ("卢", "lu", 0.2),
    ("钟", "zhong", 0.2),
    ("姜", "jiang", 0.2),
    ("崔", "cui", 0.2),
    ("谭", "tan", 0.2),
    ("欧阳", "ouyang", 0.05),
    ("司马", "sima", 0.02),
)
# Characters of given names: (hanzi, pinyin).
GIVEN = (
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀", "xiu"),
    ("霞", "xia"),
    ("平", "ping"),
    ("刚", "gang"),
    ("桂", "gui"),
    ("英", "ying"),
    ("华", "hua"),
    ("玉", "yu"),
    ("兰", "lan"),
    ("萍", "ping"),
    ("红", "hong"),
    ("婷", "ting"),
    ("雪", "xue"),
    ("琳", "lin"),
    ("晨", "chen"),
    ("宇", "yu"),
    ("浩", "hao"),
    ("然", "ran"),
    ("子", "zi"),
    ("涵", "han"),
    ("欣", "xin"),
    ("怡", "yi"),
    ("梓", "zi"),
    ("萱", "xuan"),
    ("博", "bo"),
    ("文", "wen"),
    ("思", "si"),
    ("雨", "yu"),
    ("嘉", "jia"),
    ("佳", "jia"),
    ("一", "yi"),
    ("诺", "nuo"),
    ("晓", "xiao"),
    ("俊", "jun"),
    ("凯", "kai"),
    ("鑫", "xin"),
    ("颖", "ying"),
    ("倩", "qian"),
    ("鹏", "peng"),
    ("飞", "fei"),
    ("健", "jian"),
    ("辉", "hui"),
    ("阳", "yang"),
    ("帆", "fan"),
    ("悦", "yue"),
    ("瑶", "yao"),
    ("璐", "lu"),
    ("琪", "qi"),
    ("昊", "hao"),
    ("轩", "xuan"),
    ("泽", "ze"),
    ("航", "hang"),
    ("铭", "ming"),
    ("安", "an"),
)
EMAIL_DOMAINS = (
    ("qq.com", 36),
    ("163.com", 20),
    ("126.com", 8),
    ("foxmail.com", 5),
    ("gmail.com", 8),
    ("outlook.com", 7),
    ("sina.com", 4),
    ("icloud.com", 6),
    ("yeah.net", 2),
    ("hotmail.com", 4),
)
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)

# (province, weight, ((city, postcode, (districts...)), ...)); weight ~ online shoppers.
PROVINCES = (
    (
        "广东省",
        13,
        (
            ("广州市", "510000", ("天河区", "越秀区", "海珠区", "番禺区", "白云区")),
            ("深圳市", "518000", ("南山区", "福田区", "宝安区", "龙岗区", "罗湖区")),
            ("东莞市", "523000", ("南城街道", "东城街道", "松山湖")),
            ("佛山市", "528000", ("禅城区", "南海区", "顺德区")),
        ),
    ),
    (
        "浙江省",
        10,
        (
            ("杭州市", "310000", ("西湖区", "余杭区", "滨江区", "拱墅区", "上城区")),
            ("宁波市", "315000", ("鄞州区", "海曙区", "江北区")),
            ("温州市", "325000", ("鹿城区", "瓯海区")),
        ),
    ),
    (
        "江苏省",
        10,
        (
            ("南京市", "210000", ("鼓楼区", "玄武区", "江宁区", "建邺区")),
            ("苏州市", "215000", ("姑苏区", "工业园区", "吴中区", "相城区")),
            ("无锡市", "214000", ("梁溪区", "滨湖区", "新吴区")),
        ),
    ),
    ("上海市", 8, (("上海市", "200000", ("浦东新区", "徐汇区", "静安区", "闵行区", "杨浦区", "长宁区", "黄浦区")),)),
    ("北京市", 7, (("北京市", "100000", ("朝阳区", "海淀区", "东城区", "西城区", "丰台区", "通州区")),)),
    (
        "山东省",
        6,
        (("济南市", "250000", ("历下区", "市中区", "槐荫区")), ("青岛市", "266000", ("市南区", "崂山区", "黄岛区"))),
    ),
    ("四川省", 5, (("成都市", "610000", ("武侯区", "锦江区", "青羊区", "成华区", "双流区")),)),
    ("湖北省", 4, (("武汉市", "430000", ("武昌区", "洪山区", "江汉区", "江岸区")),)),
    (
        "福建省",
        4,
        (("厦门市", "361000", ("思明区", "湖里区", "集美区")), ("福州市", "350000", ("鼓楼区", "台江区", "仓山区"))),
    ),
    ("河南省", 4, (("郑州市", "450000", ("金水区", "二七区", "中原区", "管城回族区")),)),
    ("湖南省", 3, (("长沙市", "410000", ("岳麓区", "天心区", "芙蓉区", "开福区")),)),
    ("陕西省", 3, (("西安市", "710000", ("雁塔区", "碑林区", "未央区", "长安区")),)),
    ("重庆市", 3, (("重庆市", "400000", ("渝中区", "江北区", "南岸区", "渝北区", "沙坪坝区")),)),
    ("天津市", 2, (("天津市", "300000", ("和平区", "南开区", "河西区")),)),
    ("安徽省", 3, (("合肥市", "230000", ("蜀山区", "包河区", "政务区")),)),
    ("辽宁省", 2, (("沈阳市", "110000", ("和平区", "沈河区", "浑南区")), ("大连市", "116000", ("中山区", "沙河口区")))),
    ("河北省", 2, (("石家庄市", "050000", ("长安区", "桥西区", "裕华区")),)),
    ("江西省", 2, (("南昌市", "330000", ("东湖区", "红谷滩区", "青山湖区")),)),
    ("云南省", 2, (("昆明市", "650000", ("五华区", "盘龙区", "官渡区")),)),
    ("广西壮族自治区", 2, (("南宁市", "530000", ("青秀区", "兴宁区", "西乡塘区")),)),
    ("黑龙江省", 1, (("哈尔滨市", "150000", ("南岗区", "道里区", "香坊区")),)),
    ("吉林省", 1, (("长春市", "130000", ("朝阳区", "南关区", "净月区")),)),
    ("山西省", 1, (("太原市", "030000", ("小店区", "迎泽区", "杏花岭区")),)),
    ("贵州省", 1, (("贵阳市", "550000", ("南明区", "观山湖区", "云岩区")),)),
    ("海南省", 1, (("海口市", "570000", ("龙华区", "美兰区")),)),
    ("内蒙古自治区", 1, (("呼和浩特市", "010000", ("新城区", "赛罕区")),)),
    ("新疆维吾尔自治区", 1, (("乌鲁木齐市", "830000", ("天山区", "沙依巴克区")),)),
)
# Provinces whose parcels take a day or two longer.
REMOTE_PROVINCES = (
    "黑龙江省",
    "吉林省",
    "云南省",
    "贵州省",
    "海南省",
    "内蒙古自治区",
    "新疆维吾尔自治区",
    "广西壮族自治区",
)
STREETS = (
    "人民路",
    "解放路",
    "中山路",
    "建设路",
    "和平路",
    "文化路",
    "长江路",
    "黄河路",
    "新华路",
    "科技路",
    "学府路",
    "滨江路",
    "东风路",
    "朝阳路",
    "幸福路",
    "光明路",
    "青年路",
    "胜利路",
    "迎宾大道",
    "湖滨路",
    "花园路",
    "振兴路",
    "友谊路",
    "园区大道",
    "金融街",
)
COMPOUNDS = (
    "阳光花园",
    "锦绣家园",
    "翠苑小区",
    "万科城",
    "保利花园",
    "碧桂园",
    "金色家园",
    "世纪城",
    "绿城桂花园",
    "龙湖春江郦城",
    "华润城",
    "幸福里",
    "滨江一号",
    "中海国际社区",
    "东方明珠苑",
)
TOWERS = ("国际大厦", "科技园", "创业中心", "金融中心", "时代广场", "软件园")


@dataclass(frozen=True)
class Address:
    province: str
    city: str
    district: str
    line1: str
    postcode: str
    remote: bool


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    phone: str
    language: str
    addresses: tuple[Address, ...]


def _cumulative(weights) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


_SURNAME_CUM = _cumulative(w for _, _, w in SURNAMES)
_DOMAIN_CUM = _cumulative(w for _, w in EMAIL_DOMAINS)
_PROVINCE_CUM = _cumulative(w for _, w, _ in PROVINCES)


class PeopleFactory:
    """Draws names, phones, addresses and (unique) e-mail addresses."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.emails_taken: set[str] = set()

    def name(self) -> tuple[str, str, str]:
        """(full name in hanzi, surname pinyin, given-name pinyin)."""
        rng = self.rng
        surname, sur_py, _w = rng.choices(SURNAMES, cum_weights=_SURNAME_CUM)[0]
        count = 1 if rng.random() < 0.3 else 2
        chars = [rng.choice(GIVEN) for _ in range(count)]
        return surname + "".join(c for c, _ in chars), sur_py, "".join(p for _, p in chars)

    def phone(self) -> str:
        rng = self.rng
        return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"

    def address(self) -> Address:
        rng = self.rng
        province, _w, cities = rng.choices(PROVINCES, cum_weights=_PROVINCE_CUM)[0]
        city, postcode, districts = rng.choice(cities)
        street = rng.choice(STREETS)
        if rng.random() < 0.8:
            line1 = (
                f"{street}{rng.randint(1, 999)}号{rng.choice(COMPOUNDS)}{rng.randint(1, 32)}栋"
                f"{rng.randint(1, 4)}单元{rng.randint(1, 33)}{rng.randint(1, 4):02d}室"
            )
        else:
            line1 = f"{street}{rng.randint(1, 999)}号{rng.choice(TOWERS)}{rng.randint(2, 38)}层"
        return Address(
            province,
            city,
            rng.choice(districts),
            line1,
            postcode[:4] + f"{rng.randrange(40):02d}",
            province in REMOTE_PROVINCES,
        )

    def email(self, sur_py: str, given_py: str) -> str:
        rng = self.rng
        domain = rng.choices(EMAIL_DOMAINS, cum_weights=_DOMAIN_CUM)[0][0]
        for attempt in range(50):
            style = rng.randrange(5)
            if style == 0:
                local = sur_py + given_py
            elif style == 1:
                local = f"{given_py}.{sur_py}"
            elif style == 2:
                local = f"{sur_py}{given_py}{rng.choice((rng.randint(1970, 2006), rng.randint(1, 99)))}"
            elif style == 3:
                local = f"{sur_py[0]}{given_py}_{rng.randint(1, 999)}"
            else:
                local = f"{given_py}{sur_py}{rng.randint(10, 9999)}"
            if attempt > 5:
                local += str(rng.randint(1, 99999))
            address = f"{local}@{domain}"
            if address not in self.emails_taken:
                self.emails_taken.add(address)
                return address
        raise RuntimeError("could not find a free e-mail address")  # pragma: no cover

    def customer(self) -> Person:
        name, sur_py, given_py = self.name()
        english = self.rng.random() < 0.08
        if english:  # English-speaking customers write their name given-name first
            name = f"{given_py.capitalize()} {sur_py.capitalize()}"
        addresses = tuple(self.address() for _ in range(1 if self.rng.random() < 0.75 else 2))
        return Person(name, self.email(sur_py, given_py), self.phone(), "en" if english else "zh-hans", addresses)

    def guest(self) -> Person:
        """A one-off buyer: numeric QQ mail (customers never get one, so no clash)."""
        name, _sur, _given = self.name()
        qq = f"{self.rng.randint(10**7, 3 * 10**9)}@qq.com"
        return Person(name, qq, self.phone(), "zh-hans", (self.address(),))

    def recipient_name(self) -> str:
        """Someone else the parcel goes to (a parent, a friend)."""
        return self.name()[0]
