"""Master data of the demo firms: registered names, short and English names, people, addresses.

A registered name reads region + trade name (字号) + industry word + legal form, the order the
name-registration rules prescribe: 常州恒锐智能装备有限公司, 江苏博岳新材料科技股份有限公司,
博岳（常州）光电科技有限公司 (an outside group's subsidiary). Trade names are two characters drawn
without replacement from a pool of about 100 characters common in trade names; pairs that are
well-known real trade names are excluded. About 1.5 % of firms deliberately share a trade name
with a firm of another industry (near duplicates, as search meets them). About 8 % were renamed
and keep a former name; about 40 % have an English name (pinyin of the trade name, or a coined
brand). Everything is drawn from ``child_rng(seed, "names")`` and does not touch the raw data.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

import numpy as np
import pandas as pd

from scoring.demo.model import INDUSTRIES, Firms, child_rng


def _items(text: str) -> tuple[str, ...]:
    """A Chinese enumeration (items separated by 、) as a tuple."""
    return tuple(text.split("、"))


# Characters common in trade names (字号), each followed by its pinyin.
_PINYIN = dict(
    re.findall(
        r"([^a-z ])([a-z]+)",
        "天tian 恒heng 瑞rui 华hua 盛sheng 鼎ding 泰tai 宏hong 达da 创chuang 信xin 德de 隆long "
        "安an 康kang 博bo 远yuan 嘉jia 和he 晶jing 星xing 辰chen 正zheng 东dong 方fang 金jin "
        "源yuan 汇hui 通tong 广guang 誉yu 鑫xin 锐rui 峰feng 海hai 腾teng 飞fei 立li 诚cheng "
        "永yong 昌chang 凯kai 祥xiang 润run 丰feng 佳jia 宇yu 森sen 航hang 越yue 顺shun 兴xing "
        "卓zhuo 思si 睿rui 欣xin 荣rong 振zhen 宁ning 亚ya 骏jun 耀yao 明ming 光guang 启qi 迪di "
        "伟wei 力li 晟sheng 智zhi 捷jie 精jing 美mei 臻zhen 奥ao 邦bang 驰chi 晨chen 成cheng "
        "富fu 高gao 冠guan 浩hao 弘hong 辉hui 坤kun 蓝lan 联lian 龙long 茂mao 铭ming 南nan "
        "鹏peng 普pu 沁qin 清qing 仁ren 赛sai 尚shang 拓tuo 万wan 威wei 维wei 旭xu 扬yang 亿yi "
        "优you 裕yu 元yuan 悦yue 云yun 泽ze 展zhan 中zhong 众zhong 久jiu 聚ju 迈mai 纳na 诺nuo "
        "勤qin 锦jin 煜yu 昊hao 琪qi 特te 微wei 芯xin 易yi 征zheng 岳yue",
    )
)
# Real, well-known trade names (many in Changzhou) that a made-up firm must not carry.
_TAKEN = set(
    _items(
        "天合、恒瑞、华为、中兴、东方、中天、星星、晶澳、隆基、今创、新誉、强力、天晟、亚邦、"
        "华润、中航、华达、金源、永安、南方、中车、万达"
    )
)
# Industry words: (in the name, in a short name, in English).
_WORDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "智能装备": (
        ("智能装备", "装备", "Intelligent Equipment"),
        ("精密机械", "精机", "Precision Machinery"),
        ("自动化设备", "自动化", "Automation Equipment"),
        ("机器人科技", "机器人", "Robotics Technology"),
        ("机电科技", "机电", "Electromechanical Technology"),
        ("数控机床", "数控", "CNC Machine Tool"),
    ),
    "新材料": (
        ("新材料科技", "新材", "New Material Technology"),
        ("材料科技", "材料", "Material Technology"),
        ("高分子材料", "高分子", "Polymer Material"),
        ("碳材料科技", "碳材", "Carbon Material Technology"),
    ),
    "电子信息": (
        ("电子科技", "电子", "Electronic Technology"),
        ("微电子", "微电子", "Microelectronics"),
        ("半导体科技", "半导体", "Semiconductor Technology"),
        ("传感技术", "传感", "Sensing Technology"),
        ("光电科技", "光电", "Optoelectronic Technology"),
    ),
    "软件": (
        ("软件技术", "软件", "Software Technology"),
        ("信息技术", "信息", "Information Technology"),
        ("网络科技", "网络", "Network Technology"),
        ("数据科技", "数据", "Data Technology"),
        ("智能技术", "智能", "Intelligent Technology"),
    ),
    "光伏": (
        ("光伏科技", "光伏", "Photovoltaic Technology"),
        ("新能源科技", "新能源", "New Energy Technology"),
        ("光电科技", "光电", "Optoelectronic Technology"),
        ("太阳能科技", "太阳能", "Solar Technology"),
    ),
    "新能源汽车零部件": (
        ("汽车部件", "汽车部件", "Auto Parts"),
        ("动力科技", "动力", "Power Technology"),
        ("电驱科技", "电驱", "Electric Drive Technology"),
        ("电池科技", "电池", "Battery Technology"),
    ),
    "生物医药": (
        ("生物医药", "医药", "Biopharmaceutical"),
        ("医药科技", "医药", "Pharmaceutical Technology"),
        ("生物科技", "生物", "Biotechnology"),
        ("制药", "制药", "Pharmaceutical"),
    ),
    "节能环保": (
        ("环保科技", "环保", "Environmental Protection Technology"),
        ("节能科技", "节能", "Energy Saving Technology"),
        ("环境工程", "环境", "Environmental Engineering"),
        ("水处理科技", "水处理", "Water Treatment Technology"),
    ),
    "医疗器械": (
        ("医疗器械", "医疗", "Medical Devices"),
        ("医疗科技", "医疗", "Medical Technology"),
        ("康复科技", "康复", "Rehabilitation Technology"),
    ),
    "轨道交通": (
        ("轨道交通设备", "轨交", "Rail Transit Equipment"),
        ("轨道交通科技", "轨交", "Rail Transit Technology"),
        ("交通装备", "交通装备", "Transportation Equipment"),
    ),
}
_PRODUCTS: dict[str, tuple[str, ...]] = {
    "智能装备": _items(
        "工业机器人、数控机床、自动化生产线、智能仓储设备、激光加工设备、精密减速器、"
        "伺服系统、工业视觉检测系统"
    ),
    "新材料": _items(
        "石墨烯材料、碳纤维复合材料、高性能工程塑料、特种涂料、电子化学品、光伏胶膜、"
        "锂电池隔膜、功能性薄膜"
    ),
    "电子信息": _items(
        "集成电路、传感器、印制电路板、功率半导体器件、光通信模块、电子连接器、显示模组、LED芯片"
    ),
    "软件": _items(
        "工业软件、ERP系统、智慧园区平台、数据分析平台、物联网平台、嵌入式软件、"
        "网络安全软件、云计算服务"
    ),
    "光伏": _items(
        "光伏组件、单晶硅电池片、光伏逆变器、光伏支架、光伏背板、储能系统、光伏接线盒、光伏焊带"
    ),
    "新能源汽车零部件": _items(
        "动力电池模组、电池管理系统、驱动电机、电机控制器、车载充电机、"
        "汽车线束、热管理系统、铝合金压铸件"
    ),
    "生物医药": _items(
        "原料药、化学制剂、生物制品、医药中间体、体外诊断试剂、多肽药物、抗体药物、中药饮片"
    ),
    "节能环保": _items(
        "污水处理设备、废气处理设备、固废处理设备、环境监测仪器、余热回收装置、"
        "除尘设备、膜分离设备、节能改造服务"
    ),
    "医疗器械": _items(
        "医用导管、骨科植入物、医用敷料、监护仪、康复器械、一次性输注器械、医用影像设备、手术器械"
    ),
    "轨道交通": _items(
        "轨道车辆配件、牵引变流器、制动系统、车门系统、轨道交通信号设备、减振降噪装置、"
        "受电弓、车辆空调"
    ),
}
# (in the name, in English, share); the last is a subsidiary: 字号（常州）…
_REGIONS = (
    ("常州", "Changzhou", 0.62),
    ("江苏", "Jiangsu", 0.22),
    ("常州市新北区", "Changzhou Xinbei", 0.06),
    ("（常州）", "(Changzhou)", 0.10),
)
_FORMS = _items("有限公司、有限责任公司、股份有限公司")
_OLD_WORDS = _items("科技、机电、电子、实业、工贸、贸易")
# Roads of 新北区, named after rivers and mountains.
_ROADS = _items(
    "太湖东路、太湖中路、通江中路、通江大道、河海东路、河海西路、华山中路、长江北路、"
    "黄河西路、黄河中路、汉江路、衡山路、泰山路、嵩山路、珠江路、辽河路、锦绣路、龙锦路、"
    "新竹路、云河路、秦岭路、天目山路、嫩江路、富春江路、岷江路、漓江路、红河路、庐山路"
)
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "蒋蔡余杜叶程苏魏吕丁沈姚卢姜陆汪范金钱顾严汤戴"
)
_GIVEN = (
    "伟芳敏静强磊军洋勇艳杰娟涛明超秀霞平刚建国华红文辉力斌宇浩凯鹏飞俊峰"
    "晨亮新波宁海林雪丽琳志永春东荣"
)
_BRAND_HEADS = ("Sino", "Nova", "Vita", "Lumi", "Astra", "Cora", "Apex", "Evo", "Hexa", "Omni")
_BRAND_TAILS = ("tech", "tron", "gen", "ix", "ora", "max", "lux", "wave", "core")


@cache
def _pool() -> tuple[str, ...]:
    chars = list(_PINYIN)
    return tuple(a + b for a in chars for b in chars if a != b and a + b not in _TAKEN)


def _trade_names(rng: np.random.Generator, n: int) -> list[str]:
    pool, chars = _pool(), list(_PINYIN)
    if n <= len(pool) // 2:
        return [pool[i] for i in rng.choice(len(pool), size=n, replace=False)]
    # A zone bigger than the pool: three-character trade names, still distinct.
    picks = rng.choice(len(pool) * len(chars), size=n, replace=False)
    return [pool[i // len(chars)] + chars[i % len(chars)] for i in picks]


def _pinyin(trade: str) -> str:
    return "".join(_PINYIN[c] for c in trade).capitalize()


def _full_name(region: str, trade: str, word: str, form: str) -> str:
    return trade + region + word + form if region.startswith("（") else region + trade + word + form


def _english(brand: str | None, region: int, trade: str, word_en: str) -> str:
    city = "Changzhou" if _REGIONS[region][0] == "（常州）" else _REGIONS[region][1]
    if brand:
        return f"{brand} {word_en} ({city}) Co., Ltd."
    return f"{city} {_pinyin(trade)} {word_en} Co., Ltd."


def _scope(industry: str, products: str) -> str:
    if industry == "软件":
        return (
            f"{products}的开发、销售与技术服务；信息系统集成服务；信息技术咨询服务；"
            "数据处理和存储支持服务。"
        )
    return (
        f"{products}的研发、生产和销售；技术开发、技术咨询、技术转让；"
        "自营和代理各类商品及技术的进出口业务。"
    )


class _Draws:
    """Every per-firm random choice, drawn up front in a few vectorized calls."""

    def __init__(self, rng: np.random.Generator, firms: Firms) -> None:
        n = firms.n
        self.word = rng.random(n)
        big = firms.stage[0] >= 2
        self.form = np.where(
            big, rng.choice(3, n, p=[0.5, 0.15, 0.35]), rng.choice(3, n, p=[0.75, 0.18, 0.07])
        )
        self.region = rng.choice(len(_REGIONS), n, p=[r[2] for r in _REGIONS])
        self.short = rng.random(n) < 0.6
        english = rng.random(n) < 0.4
        branded = rng.random(n) < 0.3
        heads = rng.choice(_BRAND_HEADS, n)
        tails = rng.choice(_BRAND_TAILS, n)
        self.english = [
            None if not e else (h + t if b else "")
            for e, b, h, t in zip(english, branded, heads, tails, strict=True)
        ]
        self.road = rng.choice(_ROADS, n)
        self.number = rng.integers(1, 400, n)
        self.surname = rng.choice(list(_SURNAMES), n)
        self.given = rng.choice(list(_GIVEN), (n, 2))
        self.one_char = rng.random(n) < 0.3
        self.code = rng.random(n)
        self.n_products = rng.choice([1, 2, 3], n, p=[0.3, 0.45, 0.25])
        self.products = rng.random((n, max(map(len, _PRODUCTS.values())))).argsort(axis=1)


def enterprise_profiles(
    firms: Firms, usccs: list[str], founded: list[dt.date], *, seed: int
) -> pd.DataFrame:
    """The master-data frame, indexed by USCC (columns as ``scoring.store.Enterprise``)."""
    rng = child_rng(seed, "names")
    n = firms.n
    trades = _trade_names(rng, n)
    # Near duplicates: a firm of another industry shares a trade name (allowed by the rules).
    for i, j in zip(
        rng.choice(n, size=round(0.015 * n), replace=False),
        rng.integers(0, n, round(0.015 * n)),
        strict=True,
    ):
        if firms.industry[i] != firms.industry[j]:
            trades[i] = trades[j]
    d = _Draws(rng, firms)
    rows, names = [], set()
    for i in range(n):
        industry = INDUSTRIES[firms.industry[i]]
        words = _WORDS[industry.name]
        word, short, word_en = words[int(d.word[i] * len(words))]
        region, form = int(d.region[i]), _FORMS[d.form[i]]
        name = _full_name(_REGIONS[region][0], trades[i], word, form)
        while name in names:  # same trade name, industry word and form: pick another form/region
            region, form = int(rng.integers(len(_REGIONS))), _FORMS[int(rng.integers(3))]
            name = _full_name(_REGIONS[region][0], trades[i], word, form)
        names.add(name)
        pool = _PRODUCTS[industry.name]
        picks = [k for k in d.products[i] if k < len(pool)][: d.n_products[i]]
        products = "、".join(pool[k] for k in sorted(picks))
        brand = d.english[i]
        rows.append(
            {
                "name": name,
                "short_name": trades[i] + short if d.short[i] else trades[i],
                "former_names": [],
                "english_name": None
                if brand is None
                else _english(brand, region, trades[i], word_en),
                "address": f"常州市新北区{d.road[i]}{d.number[i]}号",
                "legal_representative": str(d.surname[i])
                + "".join(d.given[i, : 1 if d.one_char[i] else 2]),
                "industry": industry.name,
                "industry_code": industry.codes[int(d.code[i] * len(industry.codes))],
                "products": products,
                "business_scope": _scope(industry.name, products),
                "founding_date": founded[i],
            }
        )
    for i in rng.choice(n, size=round(0.08 * n), replace=False):  # renamed firms
        trade = trades[i] if rng.random() < 0.75 else _trade_names(rng, 1)[0]
        old = _full_name(
            str(rng.choice(["常州", "常州市"])), trade, str(rng.choice(_OLD_WORDS)), "有限公司"
        )
        if old not in names:
            rows[i]["former_names"] = [old]
            names.add(old)
    return pd.DataFrame(rows, index=pd.Index(usccs, name="uscc"))
