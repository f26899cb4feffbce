"""Each family of fields on literal strings."""
from kb.extract import bodies, dates, numbers, titles
from kb.extract.deadlines import deadlines
from kb.extract.targets import targets
from kb.model import Part
from kb.extract import extract
from kb.structure import parse_sections, section_at


def test_doc_number_variants_normalise():
    for v in ("国发〔2016〕74号", "国发[2016]74号", "国发(2016)74 号", "国发（2016）74号", "国发【2016】74号",
              "国发［2016］74号", "国发2016年74号", "国发〔２０１６〕７４号", "国 发〔2016〕74 号"):
        assert numbers.normalize(v) == "国发〔2016〕74号", v
    assert numbers.normalize("工信部联节（2018）247号") == "工信部联节〔2018〕247号"
    assert numbers.normalize("2018年第26号公告") is None
    assert numbers.normalize("专精特新") is None


def test_cited_numbers_lose_leading_words():
    text = "根据国发〔2016〕74号和按照内发改规范环资字〔2017〕1417号要求，（署税〔1999〕791号）及2012年第83号公告"
    assert [d.canonical for d in numbers.find_numbers(text)] == [
        "国发〔2016〕74号", "内发改规范环资字〔2017〕1417号", "署税〔1999〕791号"]


def test_repealed_numbers():
    text = "二、继续按照（财关税〔2017〕39号）执行。三、自2019年1月1日起，《关于…的通知》（财关税〔2017〕39号）予以废止。"
    assert [n for n, _ in numbers.repealed_numbers(text)] == ["财关税〔2017〕39号"]


def test_chinese_numeral_dates():
    assert dates.parse_date("二〇一八年十二月三日") .isoformat() == "2018-12-03"
    assert dates.parse_date("二〇二〇年一月三十一日").isoformat() == "2020-01-31"
    assert dates.parse_date("2018 年 11 月 19 日").isoformat() == "2018-11-19"
    assert dates.parse_date("2018年2月30日") is None


def test_effective_period():
    e = dates.effective("第二十七条 本细则自2018年11月9日起施行，有效期至2023年11月8日。")
    assert e["effective_from"][0].isoformat() == "2018-11-09"
    assert e["effective_until"][0].isoformat() == "2023-11-08"
    e = dates.effective("本办法自2020年1月1日起施行，有效期5年。")
    assert e["effective_until"][0].isoformat() == "2024-12-31"


def test_title_on_two_lines_and_no_title():
    assert titles.title(["山东省人民政府", "关于印发山东省低碳发展工作方案（2017—2020年）的通知", "鲁政发〔2017〕43号"])[0] \
        == "山东省人民政府关于印发山东省低碳发展工作方案（2017—2020年）的通知"
    assert titles.title(["附件：", "一、工作重点："])[0] is None
    assert titles.title(["关于调整重大技术装备进口税收政策有关 目录的通知"])[0] == "关于调整重大技术装备进口税收政策有关目录的通知"
    assert titles.doc_type("山西省绿色制造体系建设实施方案") == "方案"
    assert titles.doc_type("关于印发《促进大中小企业融通发展三年行动计划》的通知") == "通知"


def test_signature_with_joint_issuers():
    lines = ["请遵照执行。", "财政部 发展改革委 工业和信息化部", "", "海关总署 税务总局 能源局", "", "2018年11月14日"]
    names, _ = bodies.signature(lines, 5)
    assert names == ["财政部", "发展改革委", "工业和信息化部", "海关总署", "税务总局", "能源局"]


def test_recipients():
    lines = ["关于甲的通知", "国发〔2019〕1号", "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：", "正文。"]
    assert bodies.recipients(lines)[0] == "各省、自治区、直辖市人民政府，国务院各部委、各直属机构"
    assert bodies.recipients(["附件：", "一、工作重点：", "有关事项通知如下："])[0] is None


def test_responsible_units():
    text = "（牵头单位：市发展和改革委员会、经济和信息化委员会；配合单位：市科学技术局等有关部门）\n责任单位：人行长治市分行牵头，市金融办按职责分工负责。"
    units = {(u["role"], u["name"]) for u in bodies.responsible_units(text)}
    assert ("牵头单位", "市发展和改革委员会") in units
    assert ("配合单位", "市科学技术局") in units
    assert ("牵头单位", "人行长治市分行") in units
    assert ("责任单位", "市金融办") in units


def test_deadlines_shapes():
    text = ("项目申报单位网上填报预申报书的受理时间为：2018年12月5日8:00至2019年1月14日16:00。"
            "请各推荐单位于2019年1月16日前(以寄出时间为准)，将推荐函寄送中国科学技术信息研究所。"
            "项目牵头申报单位应为企业，注册时间为2017年9月30日前，有较强的科技研发能力。"
            "各单位每月25日前报送重点项目表。每年3月15日前将上一年度情况形成报告报省工信厅。"
            "按季度整理汇总，自季度终了十五日内上报省工信厅。")
    found = deadlines(text)
    got = [(d.date, d.time, d.opens, d.recurring, d.month, d.day) for d in found if d.kind == "due"]
    assert ("2019-01-14", "16:00", "2018-12-05T08:00", None, None, None) in got
    # the window's opening day is an entry of its own
    assert [(d.date, d.time, d.text) for d in found if d.kind == "opens"] == [("2018-12-05", "08:00", found[0].text)]
    assert ("2019-01-16", None, None, None, None, None) in got
    assert (None, None, None, "monthly", None, 25) in got
    assert (None, None, None, "yearly", 3, 15) in got
    assert (None, None, None, "quarterly", None, 15) in got
    assert not any(d == "2017-09-30" for d, *_ in got)
    assert len(got) == 5


def test_signing_date_is_not_a_deadline():
    assert deadlines("工业和信息化部办公厅\n2018年11月26日\n") == []


def test_targets():
    text = "（二）主要目标\n1.到2020年，全市万元GDP能耗比2015年下降15%，森林覆盖率提高到27.3%。\n2、2017年项目融资重点，是在城市基础设施。项目规划总额计划达到305亿元；"
    got = [(t.year, t.text, t.value, t.unit, t.baseline_year) for t in targets(text)]
    assert (2020, "全市万元GDP能耗比2015年下降15%", 15.0, "%", 2015) in got
    assert (2020, "森林覆盖率提高到27.3%", 27.3, "%", None) in got
    assert (2017, "项目规划总额计划达到305亿元", 305.0, "亿元", None) in got


def test_sections_with_heading_path():
    text = "通知正文\n一、总体要求\n（一）指导思想。全面贯彻。\n（二）主要目标\n1.到2020年，下降15%。\n二、重点任务\n第一条 为推动。\n"
    secs = parse_sections(text)
    assert [s.number for s in secs] == ["一、", "（一）", "（二）", "1.", "二、", "第一条"]
    assert [s.level for s in secs] == [1, 2, 2, 3, 1, 2]
    deepest = section_at(secs, text.index("下降15%"))
    assert deepest.path == ["总体要求", "主要目标", "到2020年，下降15%"]
    assert secs[0].end == secs[4].start


def test_info_table_fills_and_checks():
    text = ("标 题：关于甲的通知\n发 文 字 号：国发〔2019〕1号\n发布机构：国务院\n成文日期：2019-01-02\n发布日期：2019年1月5日\n"
            "关于甲的通知\n国发〔2019〕2号\n各省人民政府：\n正文。\n国务院\n2019年1月2日\n")
    rec = extract(Part(text=text), "x.html", "x")
    assert rec.title == "关于甲的通知"
    assert rec.doc_number == "国发〔2019〕2号"       # the text wins, the mismatch is reported
    assert any("doc_number" in w for w in rec.warnings)
    assert rec.published == "2019-01-05"
    assert rec.info["index_no"] if "index_no" in rec.info else True
    assert "标 题" not in rec.text


def test_signing_date_prefers_the_date_under_a_signature():
    text = ("关于甲的通知\n2019年3月5日\n国发〔2019〕1号\n各省、自治区、直辖市人民政府：\n现将有关事项通知如下。\n"
            "国务院\n2019年3月1日\n")
    rec = extract(Part(text=text), "x.html", "x")
    assert rec.date == "2019-03-01" and rec.issuers == ["国务院"]
    assert extract(Part(text="关于乙的通知\n正文。\n2019年4月2日\n"), "y.txt", "y").date == "2019-04-02"


def test_title_wrapped_over_three_lines():
    lines = ["国务院办公厅关于进一步优化营商环境更好服务市场主体", "的实施意见的补充说明以及相关配套政策措施落实工作", "的通知", "国办发〔2020〕24号"]
    assert titles.title(lines)[0] == "国务院办公厅关于进一步优化营商环境更好服务市场主体的实施意见的补充说明以及相关配套政策措施落实工作的通知"


def test_own_number_with_signer():
    assert numbers.own_number(["关于甲的请示", "晋政发〔2019〕5号      签发人：张三", "国务院："]).canonical == "晋政发〔2019〕5号"


# ---- the quick tests before costly regexes must never change a result ------------------------

def test_regex_requirements_hold_for_every_match():
    import random
    import re

    import importlib

    from kb import rules
    support_mod = importlib.import_module("kb.extract.support")
    patterns = [rules.rx("deadlines", k) for k in ("window", "due", "due_plain", "closing", "monthly",
                                                   "yearly", "quarterly")]
    patterns += [support_mod._rx(k["pattern"]) for k in support_mod.data()["conditions"]["kind"]]
    patterns += [rules.rx("targets", "due_year"), numbers._rx(), rules.raw("numbers", "registration")]
    rng = random.Random(5)
    samples = ["截至2018年12月20日前报送", "于二〇一八年十二月三日16:00前将推荐表报送", "每月25日前报送",
               "自季度终了十五日内报送", "营业收入在500万元以上", "注册资本不低于100万元", "国发〔2016〕 74 号",
               "具有3年以上工作经验", "SDPR-2018-0040006", "力争到2020年"]
    for rx in patterns:
        needs = rules.requirements(rx)
        chars = rules.required_chars(rx)
        for s in samples + ["".join(rng.choice(s) for _ in range(30)) for s in samples]:
            if rx.search(s):
                assert rules.may_match(needs, s), (rx.pattern, s)
                assert all(c in s for c in chars), (rx.pattern, s)
    # what the analysis cannot read gives no shortcut
    assert rules.requirements(re.compile("(?i)abc")) == ()
    assert rules.requirements(re.compile("a|b|")) == ()
    assert rules.requirements(re.compile("(?:具备|符合)(?:以下|下列)条件")) == (
        ("条件",), ("具备", "符合"), ("以下", "下列"))
    assert rules.end_class(re.compile(r"a[^x]$")) is None           # could end in a space
    assert rules.end_class(re.compile(r"(?m)a\d$")) is None
    assert rules.solid_width(re.compile(r"\d+")) is None
    assert rules.solid_width(re.compile(r"a\s*(?:bc|d)\s+e?")) == 4
    assert rules.substring_safe(re.compile("ab+c")) and not rules.substring_safe(re.compile(r"\bab"))


def test_number_search_around_hao_finds_what_finditer_finds():
    import random
    rx = numbers._rx()
    rng = random.Random(12)

    def ws():
        return rng.choice(["", "", " ", "  ", "\t", "\u3000", "\n", " \n  "]) * rng.randint(0, 3)

    def num():
        if rng.random() < .5:
            return (rng.choice("〔(（[【") + ws() + rng.choice(["2018", "1999", "2101"]) + ws() + rng.choice("〕)）]】")
                    + ws() + rng.choice(["", "第"]) + ws() + str(rng.randint(0, 123456)) + ws() + "号")
        return rng.choice(["2018", "1234"]) + ws() + "年" + ws() + rng.choice(["", "第"]) + ws() + str(rng.randint(0, 999999)) + ws() + "号"
    for _ in range(3000):
        text = "".join(rng.choice(["国发", "工信部联", "", "根据", "号", "年"]) + ws() + num() + ws()
                       for _ in range(rng.randint(1, 4)))
        assert [(m.span(), m.groupdict()) for m in numbers._matches(rx, text)] == \
            [(m.span(), m.groupdict()) for m in rx.finditer(text)], text


def test_record_to_dict_is_asdict():
    import dataclasses
    text = ("关于印发《测试办法》的通知\n国发〔2016〕74号\n各省：\n一、总体要求\n（一）到2020年，单位GDP能耗下降15%。\n"
            "申报单位应于2018年12月20日前将材料报送。\n二、支持措施\n对认定的企业给予奖励50万元。\n国务院\n2016年12月5日\n")
    rec = extract(Part(text=text), "x.txt", "x")
    assert rec.sections and rec.targets and rec.deadlines
    assert rec.to_dict() == dataclasses.asdict(rec)
    assert list(rec.to_dict()) == list(dataclasses.asdict(rec))
