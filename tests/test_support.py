"""Support measures and eligibility conditions (kb/extract/support.py), on literal 公文 sentences
and on the sample corpus."""
import sqlite3

import pytest

from kb import store
from kb.extract.support import conditions, parse_amount, support
from kb.structure import parse_sections


def one(text: str) -> dict:
    items = support(text)
    assert len(items) == 1, items
    return items[0]


def test_award_with_amount_and_cap():
    m = one("对认定的企业给予一次性奖励3万元，最高不超过500万元。")
    assert (m["kind"], m["amount"], m["unit"], m["cap"], m["figure"]) == ("award", 30000, "元", 5_000_000, "3万元")
    assert m["text"] == "对认定的企业给予一次性奖励3万元，最高不超过500万元。"


def test_ratios_are_fractions_and_ranges_keep_both_ends():
    m = one("按设备投资额的30-40%给予补贴。")
    assert (m["kind"], m["ratio"], m["ratio_max"], m["amount"]) == ("subsidy", 0.3, 0.4, None)
    m = one("补贴比例为25%。")
    assert (m["ratio"], m["ratio_max"]) == (0.25, None)


def test_ceiling_only():
    m = one("给予最高不超过500万元的资助。")
    assert (m["kind"], m["amount"], m["cap"]) == ("subsidy", None, 5_000_000)
    m = one("按照实际投资额的20%给予补助，单个项目最高500万元。")
    assert (m["ratio"], m["cap"]) == (0.2, 5_000_000)


def test_ceilings_belong_to_their_measure():
    items = support("对新增入规企业给予一次性奖励20万元，按照营业收入每增加5000万元奖励5万元的标准给予增量奖励，"
                    "每家企业最高奖励200万元。")
    assert [(m["amount"], m["cap"]) for m in items] == [(200_000, None), (50_000, 2_000_000)]
    items = support("对A类项目给予奖励10万元，对B类项目给予最高30万元奖励。")
    assert [(m["amount"], m["cap"]) for m in items] == [(100_000, None), (None, 300_000)]
    m = one("按投资额的10%给予补助，单个项目补助最高不超过300万元。")
    assert (m["ratio"], m["cap"]) == (0.1, 3_000_000)


def test_figure_before_the_instrument_and_chinese_numerals():
    assert one("对新认定的企业给予100万元奖励。")["amount"] == 1_000_000
    assert one("奖励五十万元。")["amount"] == 500_000
    assert one("亿元级项目给予1.5亿元补助。")["amount"] == 150_000_000


def test_interest_subsidy_tax_and_fee_relief():
    assert one("对符合条件的项目给予贷款贴息。")["kind"] == "interest_subsidy"
    m = one("免征房产税和城镇土地使用税。")
    assert (m["kind"], m["object"]) == ("tax_relief", "房产税和城镇土地使用税")
    assert one("减按15%的税率征收企业所得税。")["object"] == "企业所得税"
    m = one("大型设备在社会招标价格基础上降低采购费用30-50%。")
    assert (m["kind"], m["ratio"], m["ratio_max"]) == ("fee_relief", 0.3, 0.5)
    assert one("可给予联合体2%-3%的价格扣除。")["kind"] == "price_deduction"


def test_two_measures_in_one_sentence_and_one_for_adjacent_words():
    kinds = [m["kind"] for m in support("并同步建立精准补贴和节水奖励机制。")]
    assert kinds == ["subsidy", "award"]
    assert [m["kind"] for m in support("实施新一轮草原生态保护补助奖励。")] == ["subsidy"]


@pytest.mark.parametrize("text", [
    "规范并逐步取消不利于节能减碳的化石能源补贴。",        # taken away
    "全面清理取消对高耗能行业的优待类电价以及其他各种不合理价格优惠政策。",
    "自2019年1月1日起，取消百万千瓦级核电机组等装备的免税政策。",
    "对减免税额等进行整理汇总。",                            # a statistic
    "在节能评审、补助项目申报等具体工作中落实推广目录。",      # an application, not a grant
    "对于诺贝尔奖、图灵奖等国际大奖获得者，年龄可突破限制。",
    "力争到2020年，高端装备产业产值达到80亿元。",            # a target
    "享受进口税收优惠政策的下列项目，一律照章征收进口税收。",
])
def test_not_support(text):
    assert support(text) == []


def test_parse_amount():
    assert [parse_amount(s) for s in ("2亿", "5000万", "2亿元", "500万元", "3.5亿", "200000", "五十万元")] == \
        [2e8, 5e7, 2e8, 5e6, 3.5e8, 2e5, 5e5]
    assert parse_amount("很多") is None


CONDITIONS = """关于开展某项认定工作的通知

一、申报条件

申报企业应符合以下条件：

1. 在山西省境内注册、连续经营2年以上，具有独立法人资格的中小企业。

2. 上年度营业收入不低于5000万元，研发经费支出占营业收入比重不低于3%，拥有3项以上发明专利。

二、其他事项

请于2019年3月1日前报送。营业收入达到1亿元以上的企业可优先推荐。
"""


def test_conditions_from_a_condition_section():
    found = conditions(CONDITIONS, parse_sections(CONDITIONS))
    got = {c["kind"]: c for c in found}
    assert got["region"]["value"] == "山西省"
    assert got["operating_years"]["min"] == 2
    assert got["legal_person"]["value"] == "独立法人"
    assert got["size"]["value"] == "中小企业"
    assert (got["revenue"]["min"], got["revenue"]["max"], got["revenue"]["unit"]) == (5e7, None, "元")
    assert got["rd_share"]["min"] == 0.03
    assert got["patents"]["min"] == 3
    assert all(c["section"][0] == "申报条件" and c["applicant"] for c in found)
    # the revenue sentence under 其他事项 is not in a condition section
    assert [c["min"] for c in found if c["kind"] == "revenue"] == [5e7]


def by_id(records, rid):
    return next(r for r in records if r.id == rid)


def test_sample_revenue_band_and_indicators(records):
    rec = by_id(records, "002_7a7fb16a73060f53-02")      # 专精特新“小巨人”
    got = {c["kind"]: c for c in rec.conditions}
    band = got["revenue"]
    assert (band["min"], band["max"]) == (1e8, 4e8)
    assert "营业收入在1亿元至4亿元之间" in band["text"]
    assert band["section"] == ["培育条件", "专项指标", "经济效益"]
    assert got["operating_years"]["min"] == 3 and "连续经营3年以上" in got["operating_years"]["text"]
    assert got["legal_person"]["value"] == "独立法人"
    assert got["region"]["value"] == "全国"
    assert got["staff_share"]["min"] == 0.15
    assert got["debt_ratio"]["max"] == 0.7
    assert got["growth"]["min"] == 0.1
    assert got["rd_share"]["value"] == "名列前茅"
    assert [c["min"] for c in rec.conditions if c["kind"] == "patents"] == [5, 15]
    assert got["qualification"]["value"] == "专精特新"


def test_sample_conditions_about_someone_else(records):
    shandong = by_id(records, "002_7a7fb16a73060f53-04")  # conditions for 评价机构, not for applicants
    cap = next(c for c in shandong.conditions if c["kind"] == "registered_capital")
    assert cap["min"] == 2e6 and not cap["applicant"] and "评价机构" in cap["subject"]
    guide = by_id(records, "002_7a7fb16a73060f53-05")
    assert next(c for c in guide.conditions if c["kind"] == "registered_before")["max"] == "2017-09-30"
    foreign = [c for c in guide.conditions if c["subject"] == "外方参与单位"]
    assert foreign and not any(c["applicant"] for c in foreign)


def test_sample_support(records):
    hospital = by_id(records, "000_067a29e1cfddf497")
    assert [(m["kind"], m["ratio"], m["ratio_max"]) for m in hospital.support[:3]] == [
        ("fee_relief", 0.3, 0.5), ("fee_relief", 0.3, 0.4), ("subsidy", 0.3, 0.4)]
    tariff = by_id(records, "002_7a7fb16a73060f53-03")
    assert [(m["kind"], m["object"]) for m in tariff.support] == [("tax_relief", "关税和进口环节增值税")]
    assert [m["object"] for m in by_id(records, "002_7a7fb16a73060f53-04").support] == ["环境保护税", "增值税、所得税"]
    assert by_id(records, "004_14c3424cd19a7137").support == []   # only 取消…补贴
    assert all(m["text"] for r in records for m in r.support)


def test_store_tables(built):
    db = sqlite3.connect(store.db_path(built[0]))
    rows = db.execute("SELECT d.doc_number, c.min, c.max FROM conditions c JOIN documents d ON d.id = c.doc_id "
                      "WHERE c.kind = 'revenue'").fetchall()
    assert rows == [("工信厅企业函〔2018〕381号", 1e8, 4e8)]
    kinds = dict(db.execute("SELECT kind, count(*) FROM support GROUP BY kind").fetchall())
    assert kinds["tax_relief"] >= 5 and kinds["price_deduction"] == 1
    assert db.execute("SELECT max FROM conditions WHERE kind = 'registered_before'").fetchone() == ("2017-09-30",)
