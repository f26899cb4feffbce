"""Administrative regions of China and a resolver telling which province / city /
county a policy document belongs to, from its issuing body or title.

Data: ``kb/data/regions.json`` (34 province-level divisions, all prefecture-level
divisions, counties for some provinces). A region is a tuple
``(province, city, county)`` of full names, more specific parts ``None``.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

Region = tuple  # (province, city | None, county | None)

# Short names that are also ordinary words or names (中山大学, 朝阳产业, 阿里巴巴,
# 日照时数, 文山会海, 白山黑水 ...): only their full or alias form counts.
AMBIGUOUS_SHORT = frozenset(
    "中山 朝阳 阿里 白银 来宾 日照 海口 北海 红河 文山 玉树 海西 海北 海东 安康 大庆 白山 兴安".split()
)

# A short name inside a text only names a region when a body or place follows
# ("长治高新区", "山西银保监局", "太原海关"); bare "长治" also occurs in "长治久安".
SHORT_SUFFIXES = tuple(
    "人民政府 政府 人大 政协 高新区 高新技术产业开发区 经开区 经济技术开发区 经济开发区 开发区 新区 "
    "综改区 综改示范区 综合改革示范区 自贸区 自由贸易试验区 综合保税区 综保区 示范区 试验区 地区 "
    "监管 银保监 证监局 调查队 调查总队 海关 中心支行 分行 支行 分公司 分局 日报".split()
)

# Characters after which a new issuer name starts; a short name there counts
# without suffix ("内蒙古电力", "北京关键要素科技有限公司").
NAME_STARTS = " \t\r\n\u3000;；/|（(《【“\""

# Texts starting with these are national bodies unless a region follows in the
# issuer part ("中国农业银行山西分行", "国家税务总局山西省税务局").
NATIONAL_PREFIXES = tuple(
    "国务院 中共中央 中央 全国 国家 中国 中华人民共和国 最高人民 工业和信息化部 工信部 科学技术部 科技部 "
    "财政部 商务部 教育部 公安部 民政部 司法部 外交部 国防部 人力资源社会保障部 人力资源和社会保障部 人社部 "
    "自然资源部 生态环境部 环境保护部 住房城乡建设部 住房和城乡建设部 交通运输部 水利部 农业农村部 农业部 "
    "文化和旅游部 应急管理部 退役军人事务部 审计署 海关总署 市场监管总局 银保监会 证监会 国资委".split()
)
# Where the issuer part of a title ends and its subject begins.
SUBJECT_MARKER = re.compile("关于|印发|转发|批转|批复|公布|发布|通知")

# County names that are generic words or clash with common text ("老城区",
# "城市南区", "东方市场"): they only count right after their city.
GENERIC_COUNTIES = frozenset("城区 矿区 郊区 新城区 市中区 市南区 市北区 东方市 新星市".split())


@lru_cache(maxsize=None)
def load() -> dict:
    """The parsed ``kb/data/regions.json``."""
    path = resources.files("kb").joinpath("data", "regions.json")
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _index():
    """(full name -> [regions], short name -> region, province by full/short name, longest name)."""
    full: dict[str, list[Region]] = {}
    short: dict[str, Region] = {}
    provs: dict[str, dict] = {}

    def put(name: str, reg: Region):
        if reg not in full.setdefault(name, []):
            full[name].append(reg)

    data = load()["provinces"]
    for p in data:
        prov = p["name"]
        for n in [prov, *p.get("alias", [])]:
            put(n, (prov, None, None))
        for x in p.get("counties", []):
            put(x, (prov, None, x))
        for c in p["cities"]:
            for n in [c["name"], *c.get("alias", [])]:
                put(n, (prov, c["name"], None))
            for x in c.get("counties", []):
                put(x, (prov, c["name"], x))
    # Provinces first, so that the shared short names 吉林 and 海南 stay provinces.
    for p in data:
        for n in [p["name"], *p["short"]]:
            provs.setdefault(n, p)
            short.setdefault(n, (p["name"], None, None))
    for p in data:
        for c in p["cities"]:
            for n in c["short"]:
                short.setdefault(n, (p["name"], c["name"], None))
    maxlen = max(map(len, [*full, *short]))
    return full, short, provs, maxlen


def _inside(reg: Region, parent: Region) -> bool:
    return reg != parent and all(a is None or a == b for a, b in zip(parent, reg))


def _match_at(text: str, i: int, parent: Region | None = None):
    """Longest acceptable name starting at ``i`` -> (end, region), or None.

    With ``parent``, only names of regions inside it count (chained names such as
    "山西省长治市沁县"), which also admits short or ambiguous county names."""
    full, short, _, maxlen = _index()
    at_start = i == 0 or text[i - 1] in NAME_STARTS
    for j in range(min(len(text), i + maxlen), i, -1):
        s = text[i:j]
        regs = full.get(s)
        if regs and not (s.endswith("区") and text[j:j + 1] == "域"):  # 海南区域 is not 海南区
            if parent:
                regs = [r for r in regs if _inside(r, parent)]
                if len(regs) == 1:
                    return j, regs[0]
            elif len(regs) == 1 and (regs[0][2] is None or (len(s) > 2 and s not in GENERIC_COUNTIES)):
                return j, regs[0]
        reg = short.get(s)
        if (reg and s not in AMBIGUOUS_SHORT and (parent is None or _inside(reg, parent))
                and (at_start or text.startswith(SHORT_SUFFIXES, j))):
            return j, reg
    return None


def _find(text: str):
    """First region named in ``text``, refined by names chained right after it
    -> (start, end, region), or None."""
    for i in range(len(text)):
        m = _match_at(text, i)
        if m:
            end, reg = m
            while (m := _match_at(text, end, reg)):
                end, reg = m
            return i, end, reg
    return None


def _is_national(text: str, hit) -> bool:
    if not text.lstrip().startswith(NATIONAL_PREFIXES):
        return False
    # A region in the issuer part makes it a local branch; one in the subject does not.
    return hit is None or SUBJECT_MARKER.search(text, 0, hit[0]) is not None


def resolve(*texts: str) -> dict | None:
    """Region of the first text naming one, e.g. issuer names, then the title.

    Returns {"province", "city", "county", "matched"} (full names, ``None`` when
    not known) or ``None`` when no text names a region or a text before the one
    that does is a national body (国务院, 工业和信息化部, 国家发展改革委 ...)."""
    for text in texts:
        if not text:
            continue
        hit = _find(text)
        if _is_national(text, hit):
            return None
        if hit:
            start, end, (province, city, county) = hit
            return {"province": province, "city": city, "county": county, "matched": text[start:end]}
    return None


def province_of(name: str) -> str | None:
    """Province full name for a province, city or county name (full or short):
    "长治" -> "山西省", "山西" -> "山西省"; falls back to :func:`resolve`."""
    full, short, _, _ = _index()
    name = name.strip()
    regs = full.get(name) or ([short[name]] if name in short else [])
    if len({r[0] for r in regs}) == 1:
        return regs[0][0]
    hit = resolve(name)
    return hit["province"] if hit else None


def provinces() -> list[str]:
    """Full names of the 34 province-level divisions."""
    return [p["name"] for p in load()["provinces"]]


def cities(province: str) -> list[str]:
    """Full names of the prefecture-level divisions of a province (full or short
    name); empty for municipalities, SARs and unknown names."""
    p = _index()[2].get(province.strip())
    return [c["name"] for c in p["cities"]] if p else []
