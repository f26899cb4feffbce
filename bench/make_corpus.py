#!/usr/bin/env python
"""Generate a synthetic corpus of Chinese policy documents for benchmarks.

    python bench/make_corpus.py N OUT_DIR [--seed S] [--mb TARGET]

N files (default 10,000) of about TARGET MB in all (default N x 10 KB, i.e. 100 MB for 10,000),
UTF-8, mostly .txt, some .md.  The same seed gives byte-identical output (for the same sample
corpus and the same kb.clean / kb.split: the paragraph pool is taken through them; the pool's
hash is printed and written to OUT_DIR/.make_corpus.json so a change is visible).

The paragraphs come from the sample corpus (corpus/, 13 documents in 5 files) after the
project's own cleaning and splitting; they are recombined under generated 公文 headers
(title, 发文字号, 主送机关), renumbered (一、 （一） 1. / 第X章 第X条), and completed with
generated deadline, target, citation and repeal sentences and a signature block.  About 5% of
the files are compilations (a 快讯 newsletter with a table of contents and 3-6 documents, each
followed by 相关链接 and a URL) like corpus/002.

Files are named NNNNN_<16 hex>.txt|.md; files of that pattern already in OUT_DIR are deleted
first (nothing else is touched).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kb.clean import clean  # noqa: E402
from kb.read import list_corpus, read_document  # noqa: E402
from kb.split import split  # noqa: E402

SAMPLE = ROOT / "corpus"
NAME_RX = re.compile(r"^\d{5}_[0-9a-f]{16}\.(txt|md)$")

# ------------------------------------------------------------------ numbers

_DIGITS = "零一二三四五六七八九"


def cn(n: int) -> str:
    """1..99 -> 一 .. 九十九 (as in 一、 第二十三条)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("十" if tens == 1 else _DIGITS[tens] + "十") + (_DIGITS[ones] if ones else "")


def cn_date(y: int, m: int, d: int) -> str:
    return f"{y}年{m}月{d}日"


# ------------------------------------------------------------------ issuers


@dataclass(frozen=True)
class Issuer:
    name: str
    codes: tuple[str, ...]     # 机关代字 used in its numbers
    level: str                 # "national" | "province" | "city"
    province: str = ""         # 山西省 …  (for place substitution and 全省/全市)
    city: str = ""
    short: str = ""            # how a place is called in the text: 山西 / 长治


ISSUERS = [
    Issuer("国务院", ("国发", "国函"), "national"),
    Issuer("国务院办公厅", ("国办发", "国办函"), "national"),
    Issuer("国家发展改革委", ("发改环资", "发改能源", "发改价格规", "发改高技"), "national"),
    Issuer("工业和信息化部", ("工信部节", "工信部企业", "工信部规"), "national"),
    Issuer("工业和信息化部办公厅", ("工信厅节", "工信厅企业函"), "national"),
    Issuer("财政部", ("财建", "财税", "财关税"), "national"),
    Issuer("科技部", ("国科发资", "国科发区", "国科发高"), "national"),
    Issuer("生态环境部", ("环气候", "环大气"), "national"),
    Issuer("国家能源局", ("国能发新能", "国能发科技"), "national"),
    Issuer("住房和城乡建设部", ("建科", "建标"), "national"),
    Issuer("自然资源部", ("自然资发",), "national"),
    Issuer("商务部", ("商资发",), "national"),
    Issuer("山西省人民政府", ("晋政发",), "province", "山西省", "", "山西"),
    Issuer("山西省人民政府办公厅", ("晋政办发",), "province", "山西省", "", "山西"),
    Issuer("山西省发展和改革委员会", ("晋发改环资发",), "province", "山西省", "", "山西"),
    Issuer("山东省人民政府", ("鲁政发",), "province", "山东省", "", "山东"),
    Issuer("山东省人民政府办公厅", ("鲁政办发",), "province", "山东省", "", "山东"),
    Issuer("山东省工业和信息化厅", ("鲁工信节",), "province", "山东省", "", "山东"),
    Issuer("内蒙古自治区人民政府", ("内政发",), "province", "内蒙古自治区", "", "内蒙古"),
    Issuer("内蒙古自治区人民政府办公厅", ("内政办发",), "province", "内蒙古自治区", "", "内蒙古"),
    Issuer("江苏省人民政府", ("苏政发",), "province", "江苏省", "", "江苏"),
    Issuer("浙江省人民政府", ("浙政发",), "province", "浙江省", "", "浙江"),
    Issuer("广东省人民政府", ("粤府",), "province", "广东省", "", "广东"),
    Issuer("河北省人民政府", ("冀政发",), "province", "河北省", "", "河北"),
    Issuer("河南省人民政府", ("豫政",), "province", "河南省", "", "河南"),
    Issuer("湖北省人民政府", ("鄂政发",), "province", "湖北省", "", "湖北"),
    Issuer("四川省人民政府", ("川府发",), "province", "四川省", "", "四川"),
    Issuer("陕西省人民政府", ("陕政发",), "province", "陕西省", "", "陕西"),
    Issuer("福建省人民政府", ("闽政",), "province", "福建省", "", "福建"),
    Issuer("北京市人民政府", ("京政发",), "province", "北京市", "", "北京"),
    Issuer("上海市人民政府", ("沪府发",), "province", "上海市", "", "上海"),
    Issuer("长治市人民政府", ("长政发",), "city", "山西省", "长治市", "长治"),
    Issuer("长治市人民政府办公室", ("长政办发",), "city", "山西省", "长治市", "长治"),
    Issuer("太原市人民政府", ("并政发",), "city", "山西省", "太原市", "太原"),
    Issuer("大同市人民政府", ("同政发",), "city", "山西省", "大同市", "大同"),
    Issuer("鄂尔多斯市人民政府", ("鄂府发",), "city", "内蒙古自治区", "鄂尔多斯市", "鄂尔多斯"),
    Issuer("鄂尔多斯市人民政府办公厅", ("鄂府办发",), "city", "内蒙古自治区", "鄂尔多斯市", "鄂尔多斯"),
    Issuer("呼和浩特市人民政府", ("呼政发",), "city", "内蒙古自治区", "呼和浩特市", "呼和浩特"),
    Issuer("包头市人民政府", ("包府发",), "city", "内蒙古自治区", "包头市", "包头"),
    Issuer("济南市人民政府", ("济政发",), "city", "山东省", "济南市", "济南"),
    Issuer("青岛市人民政府", ("青政发",), "city", "山东省", "青岛市", "青岛"),
    Issuer("苏州市人民政府", ("苏府",), "city", "江苏省", "苏州市", "苏州"),
    Issuer("杭州市人民政府", ("杭政",), "city", "浙江省", "杭州市", "杭州"),
    Issuer("成都市人民政府", ("成府发",), "city", "四川省", "成都市", "成都"),
]
BY_NAME = {i.name: i for i in ISSUERS}
NATIONAL = [i for i in ISSUERS if i.level == "national"]

# Joint documents: (机关代字, lead and co-issuers).
JOINT = [
    ("工信部联节", ("工业和信息化部", "国家发展改革委", "财政部")),
    ("工信部联节", ("工业和信息化部", "中国农业银行")),
    ("工信部联企业", ("工业和信息化部", "财政部", "国家发展和改革委员会", "国务院国有资产监督管理委员会")),
    ("发改环资", ("国家发展改革委", "国家能源局")),
    ("发改能源", ("国家发展改革委", "国家能源局", "生态环境部")),
    ("财建", ("财政部", "工业和信息化部", "科技部", "国家发展改革委")),
    ("国科发资", ("科技部", "财政部")),
    ("环气候", ("生态环境部", "国家发展改革委", "中国人民银行")),
]

# Places of the sample text, replaced by the issuer's own when it is a province or city (a
# provincial issuer's capital stands in for the sample's cities).
SAMPLE_PLACES = {"山西省": "province", "山东省": "province", "内蒙古自治区": "province",
                 "山西": "province_short", "山东": "province_short", "内蒙古": "province_short",
                 "鄂尔多斯市": "city", "长治市": "city", "朔州市": "city",
                 "鄂尔多斯": "city_short", "长治": "city_short", "朔州": "city_short"}
PLACE_RX = re.compile("|".join(sorted(SAMPLE_PLACES, key=len, reverse=True)))
CAPITALS = {"山西省": "太原市", "山东省": "济南市", "内蒙古自治区": "呼和浩特市", "江苏省": "南京市",
            "浙江省": "杭州市", "广东省": "广州市", "河北省": "石家庄市", "河南省": "郑州市", "湖北省": "武汉市",
            "四川省": "成都市", "陕西省": "西安市", "福建省": "福州市", "北京市": "北京市", "上海市": "上海市"}


def places_of(iss: Issuer) -> dict[str, str]:
    """Sample place name -> the issuer's counterpart."""
    city = iss.city or CAPITALS.get(iss.province, iss.province)
    short = iss.province.removesuffix("省").removesuffix("自治区").removesuffix("市")
    names = {"province": iss.province, "province_short": short,
             "city": city, "city_short": city.removesuffix("市")}
    return {k: names[v] for k, v in SAMPLE_PLACES.items()}

# ------------------------------------------------------------------ title subjects
# Cores of the sample titles (低碳, 节能降碳, 绿色制造 …), combined with plan types and periods.

TOPICS = [
    "节能降碳", "控制温室气体排放", "低碳发展", "绿色制造体系建设", "气候投融资试点",
    "大中小企业融通发展", "工业固体废物资源综合利用", "专精特新“小巨人”企业培育",
    "绿色发展价格机制", "金融支持县域工业绿色发展", "重大技术装备进口税收政策",
    "碳排放权交易市场建设", "新型城镇化建设", "工业绿色转型升级", "节能环保产业发展",
    "可再生能源发展", "光伏发电项目建设", "合同能源管理", "绿色建筑推广",
    "公共机构节能", "清洁取暖", "煤炭消费总量控制", "工业能效提升", "碳达峰",
    "循环经济发展", "中小企业创新发展", "制造业高质量发展", "绿色金融改革创新",
    "碳汇交易服务", "新能源汽车推广应用", "数据中心能效提升", "重点用能单位节能管理",
]
PLAN_TYPES = ["工作方案", "实施方案", "行动计划", "综合工作方案", "三年行动计划", "实施细则",
              "管理办法", "暂行办法", "工作要点", "专项规划"]
ARTICLE_TYPES = ("实施细则", "管理办法", "暂行办法")
PERIODS = ["“十三五”", "“十四五”", ""]

CATEGORIES = ["政策文件", "项目申报", "绿色制造", "节能环保", "资金支持"]
PUBLISHERS = ["北京关键要素科技有限公司", "华碳信息咨询中心", "绿色发展研究院信息部", "低碳产业服务平台"]
DOMAINS = ["www.miit.gov.cn", "www.ndrc.gov.cn", "www.most.gov.cn", "gss.mof.gov.cn", "www.mee.gov.cn",
           "www.shanxi.gov.cn", "www.shandong.gov.cn", "www.nmg.gov.cn", "www.changzhi.gov.cn",
           "www.ordos.gov.cn", "www.sdetn.gov.cn", "www.shanxieic.gov.cn", "www.nea.gov.cn"]

MATERIALS = ["推荐材料", "申报材料（纸质版一式三份）及电子版", "年度工作总结", "项目汇总表",
             "自评估报告", "工作进展情况", "推荐名单及相关材料", "试点工作总结和下一年度工作计划",
             "重点项目表", "统计报表"]
INDICATORS = [  # (indicator, direction, lo, hi, unit)
    ("万元GDP能耗比{base}年", "下降", 10, 18, "%"),
    ("单位地区生产总值二氧化碳排放比{base}年", "下降", 15, 22, "%"),
    ("规模以上工业单位增加值能耗比{base}年", "下降", 12, 20, "%"),
    ("非化石能源占一次能源消费比重", "提高到", 8, 25, "%"),
    ("森林覆盖率", "达到", 20, 40, "%"),
    ("工业固体废物综合利用率", "达到", 60, 80, "%"),
    ("能源消费总量", "控制在", 3000, 9000, "万吨标准煤以内"),
    ("培育专精特新“小巨人”企业", "达到", 50, 600, "家"),
    ("绿色工厂", "达到", 20, 200, "家"),
]
CONTACT_NAMES = ["王帅", "李明", "张华", "刘洋", "陈静", "杨帆", "赵磊", "周婷", "吴刚", "孙丽"]

# ------------------------------------------------------------------ sample pool

MARKERS = (
    ("chapter", re.compile(r"^第[一二三四五六七八九十]{1,3}章\s*")),
    ("article", re.compile(r"^第[一二三四五六七八九十百]{1,4}条\s*")),
    (1, re.compile(r"^[一二三四五六七八九十]{1,3}[、，]\s*")),
    (2, re.compile(r"^[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]\s*")),
    (3, re.compile(r"^\d{1,2}(?:[.．](?!\d)|、|\s)\s*")),
    (4, re.compile(r"^[（(]\d{1,2}[)）]\s*")),
    (4, re.compile(r"^[①-⑳]\s*")),
    ("action", re.compile(r"^行动[一二三四五六七八九十]{1,3}[：:]\s*")),
)
SKIP_RX = re.compile(
    r"^(?:附件|抄送|联系人|联系电话|电话|传真|邮箱|地址|\(此件|（此件)|https?://|www\.|SDPR|"
    r"^\d{4}年\d{1,2}月\d{1,2}日|[〔\[(（]\d{4}[〕\])）]\s*\d+\s*号|\.(?:pdf|doc|docx|wps|xls|xlsx)\b")
SENT_RX = re.compile(r"[^。；！？]*[。；！？]")
PUNCT_RX = re.compile(r"[，。；：、]")
YEAR_RX = re.compile(r"(?<![\d〔\[（(])(20[0-3]\d)(?=年|[-—–～至]20[0-3]\d年)")


@dataclass
class Pool:
    titles: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    headings: dict = field(default_factory=lambda: {1: [], 2: [], 3: []})   # short heading texts
    items: dict = field(default_factory=lambda: {2: [], 3: [], 4: []})      # (year, "heading。body")
    paras: list[tuple[int, str]] = field(default_factory=list)                # (source year, text)
    articles: list[tuple[int, str]] = field(default_factory=list)
    chapters: list[str] = field(default_factory=list)
    sentences: list[tuple[int, str]] = field(default_factory=list)

    def digest(self) -> str:
        blob = json.dumps([self.titles, self.recipients, self.headings, self.items, self.paras,
                           self.articles, self.chapters], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def counts(self) -> dict:
        return {"titles": len(self.titles), "recipients": len(self.recipients),
                "headings": sum(len(v) for v in self.headings.values()),
                "items": sum(len(v) for v in self.items.values()), "paragraphs": len(self.paras),
                "articles": len(self.articles), "sentences": len(self.sentences)}


def _doc_year(text: str) -> int:
    m = re.search(r"(20[0-3]\d)年\d{1,2}月\d{1,2}日", text)
    return int(m.group(1)) if m else 2018


def recipient_level(line: str) -> str:
    if "自治区、直辖市" in line:
        return "national"
    if re.search(r"省政府|省人民政府|省直", line):
        return "province"
    return "city"


def _add_unique(lst: list, value) -> None:
    if value not in lst:
        lst.append(value)


def build_pool(sample: Path = SAMPLE) -> Pool:
    pool = Pool()
    for path in list_corpus(sample):
        for part in split(clean(read_document(path).text)):
            lines = [l.strip() for l in part.text.split("\n") if l.strip()]
            if not lines:
                continue
            year = _doc_year(part.text)
            first = lines[0]
            if re.search(r"(通知|意见|方案|计划|细则|办法)$", first) and len(first) < 80:
                _add_unique(pool.titles, first)
            for line in lines[1:]:
                _classify(pool, line, year)
    for year, text in pool.paras + [(y, t.split("。", 1)[-1]) for lvl in (2, 3) for y, t in pool.items[lvl]]:
        for s in SENT_RX.findall(text):
            s = s.strip()
            if 12 <= len(s) <= 200 and not s.startswith(("其中", "同时", "此外")):
                pool.sentences.append((year, s))
    return pool


def _classify(pool: Pool, line: str, year: int) -> None:
    if SKIP_RX.search(line) or "http" in line:
        return
    if line.endswith(("：", ":")) and line.startswith("各") and len(line) < 120 and "。" not in line \
            and not re.search(r"要|如下|以下", line):
        _add_unique(pool.recipients, line.rstrip(":").rstrip("：") + "：")
        return
    for kind, rx in MARKERS:
        m = rx.match(line)
        if not m:
            continue
        rest = line[m.end():].strip()
        if not rest:
            return
        if kind == "chapter":
            _add_unique(pool.chapters, rest)
        elif kind == "article":
            if len(rest) >= 15:
                pool.articles.append((year, rest))
        elif kind == "action":
            _add_unique(pool.headings[1], rest)
        elif len(rest) <= 30 and not re.search(r"[。；;]$", rest) and not re.search(r"\d{4}年", rest):
            _add_unique(pool.headings[min(kind, 3)], rest.rstrip("：:"))
        elif kind in (2, 3, 4) and len(rest) >= 20:
            pool.items[kind].append((year, rest))
        elif len(rest) >= 20:
            pool.paras.append((year, rest))
        return
    if len(line) >= 30 and len(PUNCT_RX.findall(line)) >= 2:
        pool.paras.append((year, line))


# ------------------------------------------------------------------ documents


@dataclass
class Doc:
    title: str
    number: str | None
    issuers: tuple[str, ...]
    year: int
    date: tuple[int, int, int]
    lines: list[tuple[str, str]]     # (kind, text): kind = title|number|recipients|h1|h2|h3|p|sign|date|plan
    category: str | None = None


class Generator:
    def __init__(self, pool: Pool, seed: int):
        self.pool = pool
        self.rng = random.Random(seed)
        self.used_numbers: set[str] = set()
        self.prior: list[tuple[int, str, str, str]] = []   # (year, title, number, issuer)
        self.by_issuer: dict[str, list[int]] = {}
        # numbers of the sample, citable from the start
        for t, n, y in (("国务院关于印发“十三五”节能减排综合工作方案的通知", "国发〔2016〕74号", 2016),
                        ("国务院关于印发“十三五”控制温室气体排放工作方案的通知", "国发〔2016〕61号", 2016),
                        ("国务院关于深化中央财政科技计划（专项、基金等）管理改革的方案", "国发〔2014〕64号", 2014),
                        ("国务院关于推动创新创业高质量发展打造“双创”升级版的意见", "国发〔2018〕32号", 2018)):
            self.prior.append((y, t, n, "国务院"))
            self.used_numbers.add(n)

    # -------------------------------------------------------------- pieces

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def adapt(self, text: str, src_year: int, doc: "Ctx") -> str:
        """Move the sample's years and places to the generated document's."""
        delta = doc.year - src_year
        if delta:
            text = YEAR_RX.sub(lambda m: str(int(m.group(1)) + delta), text)
            if doc.year >= 2021:
                text = text.replace("十三五", "十四五" if doc.year < 2026 else "十五五")
        if doc.issuer.level != "national":
            text = PLACE_RX.sub(lambda m: doc.places[m.group(0)], text)
        return text

    def para(self, doc: "Ctx") -> str:
        if self.rng.random() < 0.5:
            y, t = self.pick(self.pool.paras)
            return self.adapt(t, y, doc)
        k = self.rng.randint(2, 5)
        out = []
        for _ in range(k):
            y, s = self.pick(self.pool.sentences)
            out.append(self.adapt(s, y, doc))
        text = "".join(out)
        return text[:-1] + "。" if text.endswith("；") else text

    def item(self, level: int, doc: "Ctx") -> str:
        items = self.pool.items[level] or self.pool.items[2]
        y, t = self.pick(items)
        return self.adapt(t, y, doc)

    def heading(self, level: int, doc: "Ctx") -> str:
        hs = self.pool.headings[level] or self.pool.headings[1]
        return self.adapt(self.pick(hs), doc.year, doc)

    def new_number(self, codes: tuple[str, ...], year: int) -> str:
        code = self.pick(codes)
        while True:
            n = f"{code}〔{year}〕{self.rng.randint(1, 320)}号"
            if n not in self.used_numbers:
                self.used_numbers.add(n)
                return n

    def written_number(self, number: str) -> str:
        """The number as a file writes it: mostly 〔〕, sometimes other brackets."""
        r = self.rng.random()
        if r < 0.85:
            return number
        m = re.match(r"(.+?)〔(\d{4})〕(\d+)号", number)
        code, y, n = m.groups()
        return self.pick([f"{code}({y}){n}号", f"{code}[{y}]{n}号", f"{code}（{y}）{n}号", f"{code}〔{y}〕 {n} 号"])

    def date_in(self, year: int) -> tuple[int, int, int]:
        return year, self.rng.randint(1, 12), self.rng.randint(1, 28)

    def citable(self, year: int, k: int) -> list[tuple[int, str, str, str]]:
        out = []
        for _ in range(k * 4):
            if len(out) >= k:
                break
            c = self.pick(self.prior)
            if c[0] <= year and c not in out:
                out.append(c)
        return out

    def place(self, iss: Issuer) -> str:
        return {"national": "全国", "province": "全省", "city": "全市"}[iss.level]

    def target_sentence(self, doc: "Ctx") -> str:
        ty = self.pick([y for y in (2020, 2022, 2025, 2027, 2030, 2035) if y > doc.year] or [doc.year + 5])
        base = self.pick([y for y in (2015, 2020, 2023, 2025) if y < ty and y <= doc.year] or [doc.year])
        parts = []
        for ind, direction, lo, hi, unit in self.rng.sample(INDICATORS, self.rng.randint(1, 3)):
            v = self.rng.randint(lo, hi) if unit != "%" or hi > 30 else round(self.rng.uniform(lo, hi), 1)
            v = int(v) if float(v).is_integer() else v
            parts.append(f"{self.place(doc.issuer)}{ind.format(base=base)}{direction}{v}{unit}")
        return f"到{ty}年，" + "，".join(parts) + "。"

    def deadline_sentence(self, doc: "Ctx") -> str:
        y, m, d = doc.date
        m2, y2 = m + self.rng.randint(1, 3), y
        if m2 > 12:
            m2, y2 = m2 - 12, y + 1
        unit = self.pick({"national": ["工业和信息化部（节能与综合利用司）", "国家发展改革委（环资司）", "科技部资源配置与管理司"],
                          "province": ["省工业和信息化厅", "省发展改革委", "省生态环境厅"],
                          "city": ["市发展改革委", "市工业和信息化局", "市生态环境局"]}[doc.issuer.level])
        what = self.pick(MATERIALS)
        r = self.rng.random()
        if r < 0.75:
            return f"请于{cn_date(y2, m2, self.rng.randint(1, 28))}前将{what}报送{unit}。"
        if r < 0.9:
            return f"各单位于每月{self.rng.randint(5, 28)}日前报送{what}。"
        return (f"申报时间为{cn_date(y2, m2, 1)}至{cn_date(y2, m2, self.rng.randint(15, 28))}，"
                f"逾期不予受理，请于截止日期前将{what}报送{unit}。")

    def citation_clause(self, doc: "Ctx") -> str:
        cites = self.citable(doc.year, self.rng.randint(1, 3))
        if not cites:
            return "为"
        return "为贯彻落实" + "、".join(f"《{t}》（{n}）" for _, t, n, _ in cites) + "精神，"

    def repeal_sentence(self, doc: "Ctx", kind: str) -> str | None:
        same = [i for i in self.by_issuer.get(doc.issuer.name, []) if self.prior[i][0] < doc.year]
        if not same:
            return None
        _, t, n, _ = self.prior[self.pick(same)]
        if self.rng.random() < 0.5:
            return f"本{kind}自印发之日起施行，《{t}》（{n}）同时废止。"
        return f"《{t}》（{n}）予以废止。"

    # -------------------------------------------------------------- bodies

    def sections(self, doc: "Ctx", budget: int, max_lines: int, min_lines: int = 8) -> list[tuple[str, str]]:
        """一、 / （一） / 1. sections with pool text, numbered in order, until ``budget`` bytes."""
        out: list[tuple[str, str]] = []
        size = 0

        def add(kind, text):
            nonlocal size
            out.append((kind, text))
            size += len(text.encode()) + 2

        def full():
            return len(out) >= max_lines or (size >= budget and len(out) >= min_lines)

        sec = 0
        while not full():
            sec += 1
            add("h1", f"{cn(sec)}、{self.heading(1, doc)}")
            if sec == 1 and doc.targets:
                add("p", self.target_sentence(doc))
            r = self.rng.random()
            if r < 0.3:
                for _ in range(self.rng.randint(1, 3)):
                    if full():
                        break
                    add("p", self.para(doc))
            elif r < 0.85:
                for sub in range(1, self.rng.randint(2, 6) + 1):
                    if full():
                        break
                    if self.rng.random() < 0.6:
                        add("h2", f"（{cn(sub)}）{self.item(2, doc)}")
                    else:
                        add("h2", f"（{cn(sub)}）{self.heading(2, doc)}")
                        add("p", self.para(doc))
                    if self.rng.random() < 0.25:
                        for k in range(1, self.rng.randint(2, 4) + 1):
                            if full():
                                break
                            add("h3", f"{k}.{self.item(3, doc)}")
            else:
                for k in range(1, self.rng.randint(2, 5) + 1):
                    if full():
                        break
                    add("h3", f"{k}.{self.item(3, doc)}")
        while out and out[-1][0] in ("h1", "h2") and len(out[-1][1]) < 34:
            out.pop()   # no dangling heading
        return out

    def articles(self, doc: "Ctx", budget: int, max_lines: int, kind: str, repeal: str | None) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        size = 0
        art = 0
        chapters = self.pool.chapters or ["总则"]
        n_chap = self.rng.randint(3, 6)
        names = [chapters[0]] + self.rng.sample(chapters[1:-1] or chapters, min(n_chap - 2, max(len(chapters) - 2, 1))) \
            + [chapters[-1]]
        for ci, name in enumerate(names, 1):
            out.append(("h1", f"第{cn(ci)}章 {name}"))
            last = ci == len(names)
            k = 2 if last else max(2, (max_lines - 2 * len(names)) // len(names))
            for _ in range(self.rng.randint(2, k)):
                if last:
                    break
                art += 1
                y, t = self.pick(self.pool.articles) if self.pool.articles and self.rng.random() < 0.6 \
                    else self.pick(self.pool.paras)
                text = f"第{cn(art)}条 {self.adapt(t, y, doc)}"
                out.append(("p", text))
                size += len(text.encode())
                if size >= budget and ci < len(names) - 1:
                    break
            if last:
                art += 1
                unit = doc.issuer.name if doc.issuer.level != "national" else doc.issuer.name
                out.append(("p", f"第{cn(art)}条 本{kind}由{unit}负责解释。"))
                y, m, d = doc.date
                eff = (y, m, min(d + self.rng.randint(1, 20), 28))
                txt = f"第{cn(art + 1)}条 本{kind}自{cn_date(*eff)}起施行"
                if self.rng.random() < 0.5:
                    txt += f"，有效期至{cn_date(eff[0] + 5, eff[1], eff[2])}"
                txt += "。"
                if repeal:
                    txt += repeal if repeal.startswith("《") else ""
                out.append(("p", txt))
        return out

    # -------------------------------------------------------------- one document

    def document(self, budget: int, category: str | None = None, year: int | None = None) -> Doc:
        rng = self.rng
        year = year or rng.randint(2015, 2025)
        joint = None
        if rng.random() < 0.12:
            code, names = self.pick(JOINT)
            joint = names
            issuer = BY_NAME.get(names[0]) or NATIONAL[0]
            codes = (code,)
        else:
            issuer = self.pick(ISSUERS) if rng.random() < 0.75 else self.pick(NATIONAL)
            codes = issuer.codes
        issuers = joint or (issuer.name,)
        doc = Ctx(issuer=issuer, year=year, date=self.date_in(year), targets=rng.random() < 0.45,
                  places=places_of(issuer) if issuer.level != "national" else {})
        topic = self.pick(TOPICS)
        period = self.pick(PERIODS) if year <= 2020 else self.pick(["“十四五”", "", f"{year}年"])
        if period == "“十三五”" and year > 2020:
            period = ""
        region = "" if issuer.level == "national" else (issuer.city or issuer.province)
        with_prefix = rng.random() < 0.6

        r = rng.random()
        if category == "项目申报":
            r = 0.6
        lines: list[tuple[str, str]] = []
        max_lines = 40
        if r < 0.45:            # 印发 notice with the plan attached
            ptype = self.pick(PLAN_TYPES)
            plan = f"{region}{period}{topic}{ptype}"
            if ptype in ("三年行动计划",) and period.startswith("“"):
                plan = f"{region}{topic}{ptype}"
            quoted = rng.random() < 0.3
            title = f"关于印发{'《' + plan + '》' if quoted else plan}的通知"
            if with_prefix:
                title = issuer.name + title
            number = self.new_number(codes, year) if rng.random() < 0.95 else None
            lines += self._head(title, number, doc, split_issuer=with_prefix and rng.random() < 0.15)
            notice = f"《{plan}》已经{issuer.name.replace('办公厅', '').replace('办公室', '')}同意，现印发给你们，请结合实际，认真贯彻落实。" \
                if rng.random() < 0.4 else f"现将《{plan}》印发给你们，请认真贯彻执行。"
            lines.append(("p", notice))
            rep = self.repeal_sentence(doc, "通知") if rng.random() < 0.15 else None
            if rep:
                lines.append(("p", rep))
            lines += self._signature(issuers, doc)
            lines.append(("plan", plan))
            kind = ptype[-2:]
            if ptype in ARTICLE_TYPES:
                lines.append(("p", self.citation_clause(doc) + f"规范{topic}管理，结合{region or '工作'}实际，制定本{kind}。"))
                body = self.articles(doc, budget, max_lines, kind, None)
            else:
                lines.append(("p", self.citation_clause(doc) + f"推进{topic}工作，制定本{kind}。"))
                lines.append(("p", self.para(doc)))
                body = self.sections(doc, budget, max_lines)
            lines += body
        elif r < 0.62:          # 意见
            verb = self.pick(["加快推进", "进一步加强", "创新和完善", "深入推进", "促进"])
            kind = self.pick(["意见", "实施意见", "指导意见"])
            title = f"关于{verb}{topic}的{kind}"
            if with_prefix:
                title = issuer.name + title
            number = self.new_number(codes, year)
            lines += self._head(title, number, doc)
            lines.append(("p", self.para(doc)))
            lines.append(("p", self.citation_clause(doc) + f"{verb}{topic}，现提出如下{kind[-2:]}。"))
            lines += self.sections(doc, budget, max_lines)
            if rng.random() < 0.1:
                rep = self.repeal_sentence(doc, "意见")
                if rep:
                    lines.append(("p", rep))
            lines += self._signature(issuers, doc)
        elif r < 0.9:           # 通知 with its own body (项目申报 …)
            if category == "项目申报" or rng.random() < 0.4:
                title = f"关于组织申报{year}年度{topic}项目的通知" if rng.random() < 0.5 \
                    else f"关于做好{year}年{topic}项目申报工作的通知"
            else:
                title = f"关于开展{topic}工作的通知"
            if with_prefix:
                title = issuer.name + title
            number = self.new_number(codes, year) if rng.random() < 0.9 else None
            lines += self._head(title, number, doc)
            lines.append(("p", self.citation_clause(doc) + f"做好{topic}工作，现将有关事项通知如下："))
            lines += self.sections(doc, budget, max_lines)
            if rng.random() < 0.7:
                lines.append(("p", self.deadline_sentence(doc)))
            if rng.random() < 0.5:
                who = self.pick(CONTACT_NAMES)
                lines.append(("p", f"联系人：{who}，电话：0{rng.randint(10, 999)}-{rng.randint(60000000, 89999999)}"))
            lines += self._signature(issuers, doc)
        else:                   # a plan published on its own, without header
            ptype = self.pick(["实施方案", "工作方案", "行动计划"])
            title = f"{region}{period}{topic}{ptype}"
            number = None
            lines.append(("title", title))
            lines.append(("p", self.citation_clause(doc) + f"加快推进{topic}，制定本方案。"))
            lines.append(("p", self.para(doc)))
            lines += self.sections(doc, budget, max_lines)
        if rng.random() < 0.08:
            lines.append(("p", f"抄送：{self.pick(['省委各部门，省人大常委会办公厅，省政协办公厅', '市委各部门，市人大常委会办公室，市政协办公室', '党中央各部门，全国人大常委会办公厅，全国政协办公厅'])}。"))
        if number:
            self.prior.append((year, title, number, issuer.name))
            self.by_issuer.setdefault(issuer.name, []).append(len(self.prior) - 1)
        return Doc(title, number, issuers, year, doc.date, lines, category)

    def _head(self, title: str, number: str | None, doc: "Ctx", split_issuer: bool = False) -> list[tuple[str, str]]:
        out = []
        if split_issuer and title.startswith(doc.issuer.name):
            out.append(("title", doc.issuer.name))
            out.append(("title", title[len(doc.issuer.name):]))
        else:
            out.append(("title", title))
        if number:
            out.append(("number", self.written_number(number)))
        out.append(("recipients", self.recipients(doc)))
        return out

    def recipients(self, doc: "Ctx") -> str:
        own = [r for r in self.pool.recipients if recipient_level(r) == doc.issuer.level]
        if own and self.rng.random() < 0.3:
            return self.adapt(self.pick(own), doc.year, doc)
        return self.pick({
            "national": ["各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
                         "各省、自治区、直辖市及计划单列市、新疆生产建设兵团工业和信息化主管部门：",
                         "各省、自治区、直辖市及计划单列市科技厅（委、局），新疆生产建设兵团科技局，国务院各有关部门：",
                         "各省、自治区、直辖市发展改革委、财政厅（局）："],
            "province": ["各市人民政府，各县（市、区）人民政府，省政府各部门、各直属机构：",
                         "各市、县人民政府，省人民政府各委、办、厅、局：",
                         "各市发展改革委，省直有关部门，各有关单位："],
            "city": ["各县（市、区）人民政府，市人民政府各部门，各直属单位：",
                     "各县、区人民政府，高新区、经开区管委会，市直各有关单位：",
                     "各旗区人民政府，市人民政府各部门，各直属单位，各大企事业单位："],
        }[doc.issuer.level])

    def _signature(self, issuers: tuple[str, ...], doc: "Ctx") -> list[tuple[str, str]]:
        out = []
        if len(issuers) > 1 and self.rng.random() < 0.4:
            out.append(("sign", "  ".join(issuers)))
        else:
            out += [("sign", n) for n in issuers]
        out.append(("date", cn_date(*doc.date)))
        if self.rng.random() < 0.15:
            out.append(("sign", "（此件公开发布）"))
        return out


@dataclass
class Ctx:
    issuer: Issuer
    year: int
    date: tuple[int, int, int]
    targets: bool = False
    places: dict = field(default_factory=dict)


# ------------------------------------------------------------------ rendering


def render_txt(doc: Doc, rng: random.Random) -> str:
    indent = "\u3000\u3000" if rng.random() < 0.3 else ""
    blank = rng.random() < 0.5
    wrap = rng.randint(34, 44) if rng.random() < 0.1 else 0
    out = []
    for kind, text in doc.lines:
        if kind in ("p", "h2", "h3") and indent:
            text = indent + text
        if wrap and kind in ("p", "h2", "h3") and len(text) > wrap:
            text = "\n".join(text[i:i + wrap] for i in range(0, len(text), wrap))
        out.append(text)
        if blank:
            out.append("")
    body = "\n".join(out)
    if wrap:  # page numbers of a converted PDF, every ~45 lines
        ls = body.split("\n")
        page, res = 1, []
        for i, l in enumerate(ls, 1):
            res.append(l)
            if i % 45 == 0:
                res.append(f"— {page} —")
                page += 1
        body = "\n".join(res)
    return body + "\n"


def render_md(doc: Doc, rng: random.Random, title_level: int = 1, heading_marks: bool = True) -> str:
    out = []
    for kind, text in doc.lines:
        if kind == "title":
            out.append("#" * title_level + " " + text)
        elif kind == "plan":
            out.append("#" * (title_level + 1) + " " + text)
        elif kind == "h1" and heading_marks:
            out.append("#" * (title_level + 2) + " " + text)
        elif kind == "h2" and heading_marks and len(text) <= 30:
            out.append("#" * (title_level + 3) + " " + text)
        elif kind == "sign":
            out.append(text + "  ")
        else:
            out.append(text)
        out.append("")
    return "\n".join(out) + "\n"


def render_compilation(gen: Generator, docs: list[Doc], issue_year: int, issue_no: int) -> str:
    rng = gen.rng
    publisher = gen.pick(PUBLISHERS)
    # table of contents grouped by category, page numbers increasing
    groups: list[tuple[str, list[Doc]]] = []
    for d in docs:
        if groups and groups[-1][0] == d.category:
            groups[-1][1].append(d)
        else:
            groups.append((d.category, [d]))
    page = 2
    toc = []
    for cat, ds in groups:
        toc.append(f"<b>[{cat}]</b> .....\t<b>{page}</b>")
        for d in ds:
            toc.append(f"{d.title} .....\t{page}")
            page += max(1, sum(len(t) for _, t in d.lines) // 1500)
    out = ["", "", f"# {publisher}", "", "## 快 讯", "", f"({issue_year}) {issue_no} 期", "", "### 目 录", ""]
    out += toc + ["", "", ""]
    for cat, ds in groups:
        out += [f"## [{cat}]", ""]
        for d in ds:
            out.append(render_md(d, rng, title_level=gen.pick([1, 1, 2]), heading_marks=rng.random() < 0.7))
            url = f"http://{gen.pick(DOMAINS)}/art/{d.year}/{d.date[1]}/{d.date[2]}/art_{rng.randint(1000, 99999)}_{rng.randint(100000, 9999999)}.html"
            style = rng.randrange(4)
            if style == 0:
                out += ["### 相关链接：", "", f"<{url}>", ""]
            elif style == 1:
                esc = url.replace("_", "\\\\_")
                out += ["相关链接：", "", f"[{esc}]({url})", ""]
            elif style == 2:
                out += ["**相关链接：**", "", f"<{url}>", ""]
            else:
                out += ["## 相关链接：", "", f"<{url}>", ""]
    out.append(f"更多最新消息，请登录{publisher}网站 [www.example-news.cn](http://www.example-news.cn) 或关注微信公众号。")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ main


def generate(n: int, out_dir: Path, seed: int = 42, mb: float | None = None, quiet: bool = False) -> dict:
    start = time.perf_counter()
    pool = build_pool()
    gen = Generator(pool, seed)
    rng = gen.rng
    total_target = int((mb if mb is not None else n * 0.01) * 1_000_000)
    out_dir.mkdir(parents=True, exist_ok=True)
    removed = 0
    for p in out_dir.iterdir():
        if NAME_RX.match(p.name):
            p.unlink()
            removed += 1
    written = documents = compilations = md = 0
    for i in range(n):
        remaining = max(total_target - written, 2000 * (n - i))
        avg = remaining / (n - i)
        budget = int(avg * min(3.0, max(0.35, rng.lognormvariate(0, 0.45))))
        if rng.random() < 0.05:
            k = rng.randint(3, 6)
            cats = sorted(rng.sample(CATEGORIES, rng.randint(1, 3)), key=CATEGORIES.index)
            doc_cats = sorted((gen.pick(cats) for _ in range(k)), key=CATEGORIES.index)
            issue_year = rng.randint(2016, 2025)
            docs = [gen.document(int(budget / k * 1.2), c, issue_year - (rng.random() < 0.3)) for c in doc_cats]
            text = render_compilation(gen, docs, issue_year, rng.randint(100, 1999))
            ext = ".txt" if rng.random() < 0.7 else ".md"
            documents += k
            compilations += 1
        else:
            d = gen.document(budget)
            if rng.random() < 0.15:
                text, ext = render_md(d, rng), ".md"
            else:
                text, ext = render_txt(d, rng), ".txt"
            documents += 1
        md += ext == ".md"
        data = text.encode("utf-8")
        name = f"{i:05d}_{rng.getrandbits(64):016x}{ext}"
        (out_dir / name).write_bytes(data)
        written += len(data)
    seconds = time.perf_counter() - start
    info = {"files": n, "documents": documents, "compilations": compilations, "md_files": md,
            "bytes": written, "mb": round(written / 1_000_000, 2), "seed": seed,
            "target_mb": round(total_target / 1_000_000, 2), "pool": pool.counts(),
            "pool_sha256": pool.digest()}
    # the manifest holds no timing, so the whole folder is byte-identical for a seed
    (out_dir / ".make_corpus.json").write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n")
    info.update(seconds=round(seconds, 2), removed_old=removed)
    if not quiet:
        print(f"wrote {n} files ({documents} documents, {compilations} compilations, {md} .md) "
              f"{written / 1_000_000:.1f} MB to {out_dir} in {seconds:.1f} s "
              f"(seed {seed}, pool {pool.digest()})")
    return info


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, nargs="?", default=10_000, help="number of files (default 10000)")
    ap.add_argument("out_dir", type=Path, nargs="?", default=ROOT / "bench" / "out" / "corpus-10000")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--mb", type=float, default=None, help="total size in MB (10^6 bytes); default N x 0.01")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    if a.n < 1:
        ap.error("N must be at least 1")
    generate(a.n, a.out_dir, a.seed, a.mb, a.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
