"""The demo catalogue's words, in Chinese and English: the category tree, what each category
sells (item, adjectives, materials), its options, price band, weight, brands and tags.

Product names are built as adjective + material + item in both languages, e.g.
"加厚" + "纯棉" + "T恤" / "Thick" + "Cotton" + "T-Shirt". Plain data, no logic.
"""

from dataclasses import dataclass

W = tuple[str, str]  # (zh-Hans, en)


@dataclass(frozen=True)
class OptionValue:
    zh: str
    code: str  # goes into the SKU
    price_step: int = 0  # yuan added to the product's base price
    weight_step: int = 0  # grams added
    price_factor: float = 1.0  # multiplies the base price (sizes of food, capacity)
    popularity: float = 1.0


@dataclass(frozen=True)
class OptionAxis:
    name: str  # zh-Hans key stored in Variant.options, e.g. "颜色"
    values: tuple[OptionValue, ...]
    pick: tuple[int, int]  # how many values a product offers (min, max)
    contiguous: bool = False  # sizes: a run of neighbours, colours: any


@dataclass(frozen=True)
class Leaf:
    """A subcategory and what it sells."""

    slug: str
    name: W
    code: str  # SKU prefix
    items: tuple[W, ...]
    adjectives: tuple[W, ...]
    materials: tuple[W, ...]
    axes: tuple[OptionAxis, ...]
    price: tuple[int, int]  # yuan, base price band
    weight: tuple[int, int]  # grams
    shape: str  # what images.py draws
    tags: tuple[str, ...]
    # Demand by month (Jan..Dec), 1.0 = average.
    season: tuple[float, ...] = (1.0,) * 12
    quantity: tuple[float, ...] = (0.86, 0.11, 0.03)  # P(1), P(2), P(3) units per line


@dataclass(frozen=True)
class Root:
    slug: str
    name: W
    brands: tuple[W, ...]
    colour: tuple[int, int, int]  # image background family
    facts: tuple[tuple[W, W], ...]  # ((label zh, label en), (value zh, value en)) in descriptions
    pitch: tuple[W, ...]  # a sentence about the product in descriptions
    leaves: tuple[Leaf, ...]


def _v(zh, code, **kw) -> OptionValue:
    return OptionValue(zh, code, **kw)


APPAREL_COLOURS = OptionAxis(
    "颜色",
    (
        _v("黑色", "BK", popularity=1.4),
        _v("白色", "WH", popularity=1.3),
        _v("灰色", "GY"),
        _v("藏青", "NV"),
        _v("卡其", "KH", popularity=0.8),
        _v("米白", "IV", popularity=0.9),
        _v("酒红", "BG", popularity=0.6),
        _v("雾霾蓝", "HB", popularity=0.7),
        _v("豆沙粉", "DP", popularity=0.7),
        _v("燕麦色", "OT", popularity=0.8),
    ),
    pick=(2, 4),
)
CLOTHING_SIZES = OptionAxis(
    "尺码",
    (
        _v("S", "S", popularity=0.6),
        _v("M", "M", popularity=1.2),
        _v("L", "L", popularity=1.2),
        _v("XL", "XL", popularity=0.8),
        _v("XXL", "XXL", price_step=10, popularity=0.35),
    ),
    pick=(3, 5),
    contiguous=True,
)
SHOE_SIZES = OptionAxis(
    "尺码",
    tuple(
        _v(str(n), str(n), popularity=p)
        for n, p in (
            (35, 0.4),
            (36, 0.8),
            (37, 1.0),
            (38, 1.0),
            (39, 1.0),
            (40, 1.1),
            (41, 1.2),
            (42, 1.1),
            (43, 0.7),
            (44, 0.4),
        )
    ),
    pick=(4, 6),
    contiguous=True,
)
GADGET_COLOURS = OptionAxis(
    "颜色",
    (
        _v("曜石黑", "BK", popularity=1.4),
        _v("珍珠白", "WH", popularity=1.3),
        _v("远峰蓝", "BL", popularity=0.8),
        _v("樱花粉", "PK", popularity=0.7),
        _v("薄荷绿", "GN", popularity=0.6),
    ),
    pick=(1, 3),
)
PHONE_MODELS = OptionAxis(
    "型号",
    (
        _v("iPhone 15", "IP15", popularity=1.2),
        _v("iPhone 15 Pro", "IP15P", popularity=1.0),
        _v("iPhone 16", "IP16", popularity=1.3),
        _v("iPhone 16 Pro", "IP16P", popularity=1.1),
        _v("华为 Mate 60", "M60", popularity=0.9),
        _v("华为 Pura 70", "P70", popularity=0.7),
        _v("小米 14", "MI14", popularity=0.7),
        _v("OPPO Find X7", "FX7", popularity=0.4),
    ),
    pick=(3, 5),
)
CHARGER_POWER = OptionAxis(
    "功率",
    (
        _v("20W", "20W", popularity=1.2),
        _v("30W", "30W", price_step=15, popularity=1.0),
        _v("65W", "65W", price_step=50, weight_step=60, popularity=0.7),
        _v("100W", "100W", price_step=90, weight_step=110, popularity=0.3),
    ),
    pick=(2, 3),
    contiguous=True,
)
POWER_CAPACITY = OptionAxis(
    "容量",
    (
        _v("5000mAh", "5K", price_factor=0.75, weight_step=-80, popularity=0.6),
        _v("10000mAh", "10K", popularity=1.3),
        _v("20000mAh", "20K", price_factor=1.45, weight_step=160, popularity=0.8),
    ),
    pick=(2, 3),
    contiguous=True,
)
CUP_VOLUME = OptionAxis(
    "容量",
    (
        _v("350ml", "350", popularity=1.0),
        _v("500ml", "500", price_step=10, weight_step=60, popularity=1.1),
        _v("750ml", "750", price_step=25, weight_step=140, popularity=0.5),
    ),
    pick=(1, 2),
    contiguous=True,
)
HOME_COLOURS = OptionAxis(
    "颜色",
    (
        _v("奶白", "WH", popularity=1.3),
        _v("浅灰", "LG"),
        _v("燕麦色", "OT"),
        _v("雾霾蓝", "HB", popularity=0.8),
        _v("墨绿", "FG", popularity=0.6),
        _v("樱花粉", "PK", popularity=0.6),
    ),
    pick=(1, 3),
)
BED_SIZES = OptionAxis(
    "尺寸",
    (
        _v("1.2m床", "120", price_factor=0.8, weight_step=-300, popularity=0.5),
        _v("1.5m床", "150", popularity=1.0),
        _v("1.8m床", "180", price_factor=1.2, weight_step=400, popularity=1.1),
    ),
    pick=(2, 3),
    contiguous=True,
)
STORAGE_SIZES = OptionAxis(
    "规格",
    (
        _v("小号", "S", price_factor=0.7, weight_step=-200, popularity=0.8),
        _v("中号", "M", popularity=1.2),
        _v("大号", "L", price_factor=1.4, weight_step=350, popularity=0.9),
    ),
    pick=(2, 3),
    contiguous=True,
)
SCENT_SIZES = OptionAxis(
    "规格",
    (
        _v("100g", "100G", popularity=1.0),
        _v("200g", "200G", price_factor=1.6, weight_step=120, popularity=0.8),
    ),
    pick=(1, 2),
    contiguous=True,
)
TEA_WEIGHTS = OptionAxis(
    "重量",
    (
        _v("50g", "50G", price_factor=0.45, weight_step=-60, popularity=0.6),
        _v("100g", "100G", popularity=1.1),
        _v("250g", "250G", price_factor=2.2, weight_step=180, popularity=0.8),
        _v("500g", "500G", price_factor=4.0, weight_step=430, popularity=0.3),
    ),
    pick=(2, 3),
    contiguous=True,
)
SNACK_FLAVOURS = OptionAxis(
    "口味",
    (
        _v("原味", "OR", popularity=1.3),
        _v("香辣", "SP", popularity=1.1),
        _v("五香", "FS", popularity=0.7),
        _v("蜂蜜黄油", "HB", popularity=0.6),
        _v("海盐", "SS", popularity=0.7),
    ),
    pick=(1, 3),
)
SNACK_PACKS = OptionAxis(
    "规格",
    (
        _v("单袋", "1P", popularity=1.0),
        _v("3袋装", "3P", price_factor=2.6, weight_step=300, popularity=0.7),
    ),
    pick=(1, 2),
    contiguous=True,
)
COFFEE_PACKS = OptionAxis(
    "规格",
    (
        _v("尝鲜装", "TRY", price_factor=0.45, weight_step=-60, popularity=0.7),
        _v("标准装", "STD", popularity=1.2),
        _v("家庭装", "FAM", price_factor=2.1, weight_step=250, popularity=0.6),
    ),
    pick=(2, 3),
    contiguous=True,
)

SUMMER = (0.5, 0.5, 0.7, 1.0, 1.4, 1.7, 1.8, 1.6, 1.1, 0.8, 0.55, 0.5)
WINTER = (1.8, 1.4, 1.0, 0.6, 0.35, 0.25, 0.25, 0.35, 0.8, 1.3, 1.9, 2.0)
NEW_YEAR = (1.6, 1.4, 0.9, 0.85, 0.85, 0.8, 0.8, 0.85, 0.95, 1.0, 1.1, 1.3)
SPRING_TEA = (0.9, 1.0, 1.5, 1.6, 1.1, 0.9, 0.8, 0.8, 1.0, 1.0, 1.1, 1.2)
FOOD_QUANTITY = (0.62, 0.26, 0.12)

CATEGORY_TREE: tuple[Root, ...] = (
    Root(
        slug="apparel",
        name=("服装", "Apparel"),
        brands=(("棉町", "Mianting"), ("素野", "Suye"), ("南山里", "Nanshanli")),
        colour=(232, 108, 86),
        facts=(
            (("产地", "Made in"), ("中国 广东", "Guangdong, China")),
            (("洗涤", "Care"), ("30°C 以下机洗，勿漂白", "Machine wash below 30°C, do not bleach")),
        ),
        pitch=(
            (
                "版型经过多次试穿调整，日常通勤与周末出游都合适。",
                "The fit was adjusted over many fittings; right for the office and for weekends.",
            ),
            ("面料亲肤透气，洗后不易变形。", "Soft, breathable fabric that keeps its shape after washing."),
        ),
        leaves=(
            Leaf(
                "t-shirts",
                ("T恤", "T-Shirts"),
                "TS",
                items=(("T恤", "T-Shirt"), ("Polo衫", "Polo Shirt"), ("长袖T恤", "Long-Sleeve Tee")),
                adjectives=(
                    ("加厚", "Thick"),
                    ("宽松", "Loose-Fit"),
                    ("修身", "Slim-Fit"),
                    ("复古", "Vintage"),
                    ("简约", "Minimalist"),
                    ("重磅", "Heavyweight"),
                    ("圆领", "Crew-Neck"),
                    ("情侣款", "Matching"),
                ),
                materials=(
                    ("纯棉", "Cotton"),
                    ("莫代尔", "Modal"),
                    ("精梳棉", "Combed Cotton"),
                    ("新疆长绒棉", "Xinjiang Long-Staple Cotton"),
                    ("冰丝", "Ice Silk"),
                ),
                axes=(APPAREL_COLOURS, CLOTHING_SIZES),
                price=(39, 169),
                weight=(160, 320),
                shape="shirt",
                tags=("纯棉", "夏季新款", "百搭", "基础款"),
                season=SUMMER,
            ),
            Leaf(
                "dresses",
                ("连衣裙", "Dresses"),
                "DR",
                items=(("连衣裙", "Dress"), ("吊带裙", "Slip Dress"), ("衬衫裙", "Shirt Dress")),
                adjectives=(
                    ("法式", "French-Style"),
                    ("碎花", "Floral"),
                    ("收腰", "Fitted-Waist"),
                    ("长款", "Maxi"),
                    ("优雅", "Elegant"),
                    ("度假风", "Resort"),
                ),
                materials=(("雪纺", "Chiffon"), ("真丝", "Silk"), ("棉麻", "Cotton-Linen"), ("针织", "Knit")),
                axes=(APPAREL_COLOURS, CLOTHING_SIZES),
                price=(129, 599),
                weight=(220, 480),
                shape="dress",
                tags=("显瘦", "约会", "夏季新款", "通勤"),
                season=SUMMER,
            ),
            Leaf(
                "shoes",
                ("鞋靴", "Shoes"),
                "SH",
                items=(
                    ("运动鞋", "Sneakers"),
                    ("帆布鞋", "Canvas Shoes"),
                    ("乐福鞋", "Loafers"),
                    ("马丁靴", "Chelsea Boots"),
                    ("跑步鞋", "Running Shoes"),
                ),
                adjectives=(
                    ("轻便", "Lightweight"),
                    ("透气", "Breathable"),
                    ("厚底", "Platform"),
                    ("防滑", "Non-Slip"),
                    ("经典", "Classic"),
                ),
                materials=(("真皮", "Leather"), ("网面", "Mesh"), ("帆布", "Canvas"), ("麂皮", "Suede")),
                axes=(APPAREL_COLOURS, SHOE_SIZES),
                price=(159, 899),
                weight=(600, 1200),
                shape="shoe",
                tags=("舒适", "百搭", "运动", "送礼"),
            ),
            Leaf(
                "outerwear",
                ("外套卫衣", "Jackets & Hoodies"),
                "OW",
                items=(
                    ("连帽卫衣", "Hoodie"),
                    ("羽绒服", "Down Jacket"),
                    ("冲锋衣", "Shell Jacket"),
                    ("针织开衫", "Cardigan"),
                ),
                adjectives=(
                    ("保暖", "Warm"),
                    ("加绒", "Fleece-Lined"),
                    ("宽松", "Oversized"),
                    ("防风", "Windproof"),
                    ("轻薄", "Light"),
                ),
                materials=(
                    ("纯棉", "Cotton"),
                    ("白鸭绒", "White Duck Down"),
                    ("羊毛", "Wool"),
                    ("摇粒绒", "Polar Fleece"),
                ),
                axes=(APPAREL_COLOURS, CLOTHING_SIZES),
                price=(129, 899),
                weight=(400, 1300),
                shape="shirt",
                tags=("保暖", "秋冬新款", "百搭"),
                season=WINTER,
            ),
        ),
    ),
    Root(
        slug="electronics",
        name=("数码", "Electronics"),
        brands=(("声点", "Soundot"), ("极充", "Jichong"), ("壳守", "Keshou")),
        colour=(70, 110, 200),
        facts=(
            (("保修", "Warranty"), ("一年质保，30 天无理由换新", "One-year warranty, 30-day replacement")),
            (("认证", "Certified"), ("3C 认证", "CCC certified")),
        ),
        pitch=(
            ("经过 1000 次插拔与跌落测试，耐用可靠。", "Tested through 1,000 plug cycles and drop tests."),
            ("小巧便携，出差旅行随身带。", "Small enough to carry on every trip."),
        ),
        leaves=(
            Leaf(
                "earphones",
                ("耳机", "Earphones"),
                "EP",
                items=(
                    ("真无线耳机", "True Wireless Earbuds"),
                    ("头戴式耳机", "Over-Ear Headphones"),
                    ("挂脖式耳机", "Neckband Earphones"),
                    ("耳夹式耳机", "Clip-On Earphones"),
                ),
                adjectives=(
                    ("主动降噪", "Noise-Cancelling"),
                    ("长续航", "Long-Battery"),
                    ("低延迟", "Low-Latency"),
                    ("运动", "Sports"),
                    ("轻量", "Featherweight"),
                ),
                materials=(
                    ("蓝牙5.3", "Bluetooth 5.3"),
                    ("高清通话", "HD-Call"),
                    ("触控", "Touch-Control"),
                    ("无损音质", "Hi-Res"),
                ),
                axes=(GADGET_COLOURS,),
                price=(69, 699),
                weight=(45, 280),
                shape="earphones",
                tags=("降噪", "蓝牙", "运动", "送礼"),
            ),
            Leaf(
                "chargers",
                ("充电器", "Chargers & Cables"),
                "CH",
                items=(("快充充电器", "Fast Charger"), ("充电头", "Charging Brick"), ("车载充电器", "Car Charger")),
                adjectives=(("氮化镓", "GaN"), ("多口", "Multi-Port"), ("迷你", "Mini"), ("折叠插脚", "Foldable-Plug")),
                materials=(("PD", "PD"), ("Type-C", "USB-C"), ("双协议", "Dual-Protocol")),
                axes=(CHARGER_POWER,),
                price=(29, 159),
                weight=(40, 160),
                shape="charger",
                tags=("快充", "氮化镓", "出差必备"),
            ),
            Leaf(
                "phone-cases",
                ("手机壳", "Phone Cases"),
                "PC",
                items=(("手机壳", "Phone Case"), ("磁吸手机壳", "Magnetic Phone Case")),
                adjectives=(
                    ("防摔", "Shockproof"),
                    ("超薄", "Ultra-Thin"),
                    ("透明", "Clear"),
                    ("磨砂", "Matte"),
                    ("全包", "Full-Cover"),
                ),
                materials=(
                    ("液态硅胶", "Liquid Silicone"),
                    ("TPU", "TPU"),
                    ("皮革", "Leather"),
                    ("芳纶纤维", "Aramid Fibre"),
                ),
                axes=(PHONE_MODELS, GADGET_COLOURS),
                price=(29, 129),
                weight=(25, 60),
                shape="phone",
                tags=("防摔", "手机配件", "新品"),
            ),
            Leaf(
                "power-banks",
                ("移动电源", "Power Banks"),
                "PB",
                items=(("充电宝", "Power Bank"), ("磁吸充电宝", "Magnetic Power Bank")),
                adjectives=(
                    ("大容量", "High-Capacity"),
                    ("轻薄", "Slim"),
                    ("自带线", "Built-In-Cable"),
                    ("快充", "Fast-Charging"),
                ),
                materials=(("22.5W", "22.5W"), ("PD快充", "PD"), ("双向快充", "Two-Way")),
                axes=(POWER_CAPACITY, GADGET_COLOURS),
                price=(79, 299),
                weight=(150, 420),
                shape="phone",
                tags=("快充", "出差必备", "可上飞机"),
                season=(0.8, 1.1, 0.9, 0.9, 1.0, 1.1, 1.3, 1.3, 1.0, 1.2, 0.9, 0.8),
            ),
        ),
    ),
    Root(
        slug="home",
        name=("家居", "Home"),
        brands=(("木语", "Muyu"), ("拾光", "Shiguang"), ("栖居", "Qiju")),
        colour=(96, 160, 120),
        facts=(
            (("产地", "Made in"), ("中国 浙江", "Zhejiang, China")),
            (("包装", "Packaging"), ("环保纸盒，可回收", "Recyclable paper box")),
        ),
        pitch=(
            ("简洁的设计，放在哪里都好看。", "A plain design that looks right anywhere."),
            ("细节经过反复打磨，用得久、用得顺手。", "Details refined again and again, made to last."),
        ),
        leaves=(
            Leaf(
                "cups",
                ("杯具", "Cups & Mugs"),
                "CU",
                items=(
                    ("马克杯", "Mug"),
                    ("保温杯", "Insulated Bottle"),
                    ("玻璃杯", "Glass Tumbler"),
                    ("咖啡杯", "Coffee Cup"),
                ),
                adjectives=(
                    ("北欧风", "Nordic"),
                    ("日式", "Japanese-Style"),
                    ("简约", "Minimalist"),
                    ("便携", "Portable"),
                    ("手绘", "Hand-Painted"),
                ),
                materials=(
                    ("陶瓷", "Ceramic"),
                    ("316不锈钢", "316 Stainless Steel"),
                    ("高硼硅玻璃", "Borosilicate Glass"),
                    ("骨瓷", "Bone China"),
                ),
                axes=(CUP_VOLUME, HOME_COLOURS),
                price=(29, 199),
                weight=(250, 520),
                shape="cup",
                tags=("送礼", "办公室", "大容量"),
                quantity=(0.78, 0.17, 0.05),
            ),
            Leaf(
                "bedding",
                ("床品", "Bedding"),
                "BD",
                items=(
                    ("四件套", "4-Piece Bedding Set"),
                    ("夏凉被", "Summer Quilt"),
                    ("蚕丝被", "Silk Duvet"),
                    ("床笠", "Fitted Sheet"),
                    ("枕头", "Pillow"),
                ),
                adjectives=(
                    ("水洗", "Washed"),
                    ("柔软", "Soft"),
                    ("抗菌", "Antibacterial"),
                    ("亲肤", "Skin-Friendly"),
                    ("简约", "Minimalist"),
                ),
                materials=(
                    ("全棉", "Cotton"),
                    ("天丝", "Tencel"),
                    ("长绒棉", "Long-Staple Cotton"),
                    ("亚麻", "Linen"),
                    ("桑蚕丝", "Mulberry Silk"),
                ),
                axes=(BED_SIZES, HOME_COLOURS),
                price=(99, 899),
                weight=(900, 2600),
                shape="bed",
                tags=("全棉", "宿舍必备", "乔迁"),
                season=(1.2, 1.0, 1.0, 0.9, 1.0, 1.1, 1.0, 1.1, 1.2, 1.0, 1.1, 1.2),
            ),
            Leaf(
                "storage",
                ("收纳", "Storage"),
                "ST",
                items=(
                    ("收纳箱", "Storage Box"),
                    ("收纳盒", "Organizer"),
                    ("置物架", "Shelf"),
                    ("脏衣篮", "Laundry Basket"),
                ),
                adjectives=(
                    ("可折叠", "Foldable"),
                    ("防尘", "Dustproof"),
                    ("多层", "Multi-Tier"),
                    ("透明", "Clear"),
                    ("加厚", "Sturdy"),
                ),
                materials=(("PP塑料", "Plastic"), ("竹制", "Bamboo"), ("布艺", "Fabric"), ("铁艺", "Metal")),
                axes=(STORAGE_SIZES,),
                price=(29, 259),
                weight=(300, 2200),
                shape="box",
                tags=("宿舍必备", "收纳神器", "乔迁"),
                quantity=(0.7, 0.2, 0.1),
            ),
            Leaf(
                "aroma",
                ("香薰", "Candles & Aroma"),
                "AR",
                items=(("香薰蜡烛", "Scented Candle"), ("无火香薰", "Reed Diffuser")),
                adjectives=(("助眠", "Sleep"), ("清新", "Fresh"), ("北欧", "Nordic"), ("持久留香", "Long-Lasting")),
                materials=(
                    ("白茶", "White Tea"),
                    ("雪松", "Cedarwood"),
                    ("玫瑰", "Rose"),
                    ("柑橘", "Citrus"),
                    ("檀香", "Sandalwood"),
                ),
                axes=(SCENT_SIZES,),
                price=(49, 259),
                weight=(150, 400),
                shape="candle",
                tags=("送礼", "助眠", "卧室"),
            ),
        ),
    ),
    Root(
        slug="food",
        name=("食品", "Food"),
        brands=(("山茶间", "Shanchajian"), ("小馋猫", "Xiaochanmao"), ("豆语", "Douyu")),
        colour=(200, 150, 60),
        facts=(
            (("保质期", "Best before"), ("12 个月，阴凉干燥处保存", "12 months; keep cool and dry")),
            (("产地", "Origin"), ("中国", "China")),
        ),
        pitch=(
            ("小批量生产，每一批都经过品控抽检。", "Made in small batches, every batch checked."),
            ("独立小包装，办公室、旅途随时来一份。", "Individually packed for the office or the road."),
        ),
        leaves=(
            Leaf(
                "tea",
                ("茶叶", "Tea"),
                "TE",
                items=(
                    ("绿茶", "Green Tea"),
                    ("乌龙茶", "Oolong Tea"),
                    ("红茶", "Black Tea"),
                    ("白茶", "White Tea"),
                    ("普洱茶", "Pu'er Tea"),
                ),
                adjectives=(
                    ("明前", "Pre-Qingming"),
                    ("特级", "Premium"),
                    ("高山", "High-Mountain"),
                    ("古树", "Old-Tree"),
                    ("浓香型", "Rich-Aroma"),
                    ("清香型", "Light-Aroma"),
                ),
                materials=(
                    ("杭州", "Hangzhou"),
                    ("安溪", "Anxi"),
                    ("武夷山", "Wuyishan"),
                    ("福鼎", "Fuding"),
                    ("云南", "Yunnan"),
                ),
                axes=(TEA_WEIGHTS,),
                price=(39, 399),
                weight=(120, 180),
                shape="leaf",
                tags=("送礼", "新茶", "口粮茶"),
                season=SPRING_TEA,
                quantity=FOOD_QUANTITY,
            ),
            Leaf(
                "snacks",
                ("零食", "Snacks"),
                "SN",
                items=(
                    ("坚果礼盒", "Nut Gift Box"),
                    ("牛肉干", "Beef Jerky"),
                    ("芒果干", "Dried Mango"),
                    ("海苔", "Seaweed Snack"),
                    ("曲奇饼干", "Cookies"),
                    ("辣条", "Spicy Gluten Strips"),
                ),
                adjectives=(
                    ("每日", "Daily"),
                    ("手撕", "Hand-Torn"),
                    ("低糖", "Low-Sugar"),
                    ("网红", "Trending"),
                    ("儿时", "Old-School"),
                ),
                materials=(
                    ("内蒙古", "Inner Mongolia"),
                    ("泰国", "Thai"),
                    ("新疆", "Xinjiang"),
                    ("云南", "Yunnan"),
                    ("丹麦风味", "Danish-Style"),
                ),
                axes=(SNACK_FLAVOURS, SNACK_PACKS),
                price=(19, 129),
                weight=(80, 400),
                shape="bag",
                tags=("年货", "办公室零食", "追剧"),
                season=NEW_YEAR,
                quantity=FOOD_QUANTITY,
            ),
            Leaf(
                "coffee",
                ("咖啡", "Coffee"),
                "CF",
                items=(
                    ("咖啡豆", "Coffee Beans"),
                    ("挂耳咖啡", "Drip Bag Coffee"),
                    ("冻干咖啡", "Freeze-Dried Coffee"),
                    ("冷萃咖啡液", "Cold Brew Concentrate"),
                ),
                adjectives=(
                    ("深烘", "Dark-Roast"),
                    ("中烘", "Medium-Roast"),
                    ("精品", "Specialty"),
                    ("意式", "Espresso"),
                ),
                materials=(
                    ("云南", "Yunnan"),
                    ("埃塞俄比亚", "Ethiopian"),
                    ("哥伦比亚", "Colombian"),
                    ("巴西", "Brazilian"),
                ),
                axes=(COFFEE_PACKS,),
                price=(39, 259),
                weight=(120, 300),
                shape="bean",
                tags=("提神", "办公室", "手冲"),
                season=(1.1, 1.0, 1.0, 1.0, 0.95, 0.9, 0.9, 0.95, 1.0, 1.05, 1.1, 1.1),
                quantity=FOOD_QUANTITY,
            ),
        ),
    ),
)

# Tags any product may get, besides its category's.
GENERAL_TAGS = ("热卖", "新品", "包邮", "店长推荐", "618爆款", "双十一", "限时特惠")

# Buyer notes (zh-Hans, en), for a few orders.
ORDER_NOTES: tuple[W, ...] = (
    ("请尽快发货，谢谢！", "Please ship soon, thanks!"),
    ("周末在家，工作日请放快递柜", "Home at weekends; weekdays please use the parcel locker"),
    ("送人的，请不要放价格单", "It's a gift, please leave out the receipt"),
    ("麻烦包装仔细一点", "Please pack carefully"),
    ("需要开发票，抬头见留言", "Need an invoice, details to follow"),
    ("不要放驿站，直接送上门", "Deliver to the door, not the pickup station"),
    ("颜色拿不准，可以先联系我吗", "Not sure about the colour, can you call me first?"),
)
