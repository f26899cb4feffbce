"""Consultant tools (kb/consult.py, kb/cli_consult.py): deadlines and their calendar, validity,
the citation graph and matching a client to policies, on the sample corpus and a small corpus
in which one document repeals another."""
import json
from datetime import date

import icalendar
import pytest
from click.testing import CliRunner

from kb import consult, pipeline
from kb.cli import main
from kb.model import Deadline, Record
from kb.status import repeal_index, status

TODAY = date(2018, 12, 1)
GUIDE = "国科发资〔2018〕264号"        # 国家重点研发计划 申报指南: a window and two submissions
GIANTS = "工信厅企业函〔2018〕381号"   # 专精特新“小巨人”: deadline 2018-12-20, revenue band 1亿–4亿
SHANDONG = "002_7a7fb16a73060f53-04"  # 山东 实施细则: 2018-11-09 – 2023-11-08, quarterly and yearly reports
CHANGZHI = "003_f3d4360a175c3323"     # 长治市 2024 plan: monthly deadline


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def index(built):
    return str(built[0])


# ---- deadlines -----------------------------------------------------------------------------------

def test_window_and_submissions_of_the_guide(records):
    items = [x for x in consult.deadline_items(records, TODAY) if x["doc_number"] == GUIDE]
    window = items[0]
    assert (window["kind"], window["opens"], window["date"], window["time"]) == \
        ("window", "2018-12-05T08:00", "2019-01-14", "16:00")
    assert (window["state"], window["opens_in"], window["days_left"]) == ("opens_later", 4, 44)
    assert [(x["kind"], x["date"]) for x in items[1:]] == [("deadline", "2019-01-16")] * 2
    assert "推荐函" in items[1]["text"] and "预申报书" in items[2]["text"]


def test_days_left_and_order(records):
    items = consult.deadline_items(records, TODAY)
    first = items[0]
    assert (first["doc_number"], first["date"], first["days_left"], first["state"]) == (GIANTS, "2018-12-20", 19, "open")
    assert "推荐表" in first["text"]
    assert [x["date"] for x in items] == sorted(x["date"] for x in items)


def test_recurring_deadlines_expanded(records):
    items = consult.deadline_items(records, TODAY)
    shandong = [(x["kind"], x["date"]) for x in items if x["id"] == SHANDONG]
    assert shandong == [("quarterly", "2019-01-15"), ("yearly", "2019-03-15"), ("quarterly", "2019-04-15"),
                        ("quarterly", "2019-07-15")]
    # the 长治 plan was issued in 2024: not a deadline yet in 2018; in 2024 its next three months
    assert not [x for x in items if x["id"] == CHANGZHI]
    later = consult.deadline_items(records, date(2024, 6, 26))
    assert [x["date"] for x in later if x["id"] == CHANGZHI] == ["2024-07-25", "2024-08-25", "2024-09-25"]
    assert all(x["rule"] == "每月25日前" for x in later if x["id"] == CHANGZHI)


def test_recurring_deadlines_stop_when_the_document_expires(records):
    # valid until 2023-11-08: no report dates after that
    items = consult.deadline_items(records, date(2023, 9, 1))
    assert [x["date"] for x in items if x["id"] == SHANDONG] == ["2023-10-15"]
    assert not [x for x in consult.deadline_items(records, date(2026, 11, 21)) if x["id"] == SHANDONG]


def test_recurring_deadlines_stop_when_the_plan_period_ends(records, index):
    """A plan stating no validity ends with the period its title names, as kb match says: the
    长治 2024年行动计划's monthly reports stop after 2024; a （2017—2020年） plan or a 十三五 one
    shows no open deadline in 2026."""
    late = consult.deadline_items(records, date(2024, 10, 26))
    assert [x["date"] for x in late if x["id"] == CHANGZHI] == ["2024-11-25", "2024-12-25"]
    r = run("deadlines", "--index", index, "--today", "2026-12-07", "--open", "--json")
    assert r.exit_code == 0 and json.loads(r.output) == []
    monthly = [Deadline(recurring="monthly", day=10, text="每月10日前报送")]
    plans = [Record(id=f"p{i}", source="x", title=t, deadlines=monthly) for i, t in enumerate(
        ["山西省节能减排实施方案（2017—2020年）", "“十三五”节能减排综合工作方案", "绿色制造工程实施指南（2016-2020年）"])]
    assert consult.deadline_items(plans, date(2026, 12, 7), open_only=True) == []
    assert [x["date"] for x in consult.deadline_items(plans[:1], date(2020, 11, 1))] == ["2020-11-10", "2020-12-10"]
    # a validity the text states wins over the title's period
    plans[0].effective_until = "2027-06-30"
    assert len(consult.deadline_items(plans[:1], date(2026, 12, 7), open_only=True)) == 3


@pytest.mark.parametrize("rule, first, expected", [
    (Deadline(recurring="monthly", day=31), date(2019, 1, 31), ["2019-01-31", "2019-02-28", "2019-03-31"]),
    (Deadline(recurring="monthly", day=25), date(2019, 12, 26), ["2020-01-25", "2020-02-25", "2020-03-25"]),
    (Deadline(recurring="quarterly", day=15), date(2019, 4, 3), ["2019-04-15", "2019-07-15", "2019-10-15"]),
    (Deadline(recurring="quarterly", day=15), date(2019, 10, 16), ["2020-01-15", "2020-04-15", "2020-07-15"]),
    (Deadline(recurring="yearly", month=3, day=15), date(2019, 3, 16), ["2020-03-15"]),
    (Deadline(recurring="yearly", month=2, day=29), date(2019, 1, 1), ["2019-02-28"]),
])
def test_occurrences(rule, first, expected):
    assert [d.isoformat() for d in consult._occurrences(rule, first, None, 3)] == expected


def test_from_to_and_open(records):
    items = consult.deadline_items(records, TODAY, start=date(2019, 1, 1), end=date(2019, 1, 31))
    assert {x["date"] for x in items} == {"2019-01-14", "2019-01-15", "2019-01-16"}
    late = consult.deadline_items(records, date(2019, 1, 15))
    assert {x["date"]: x["state"] for x in late if x["doc_number"] == GUIDE} == {"2019-01-14": "closed",
                                                                                 "2019-01-16": "open"}
    assert [x["date"] for x in consult.deadline_items(records, date(2019, 1, 15), open_only=True)
            if x["doc_number"] in (GUIDE, GIANTS)] == ["2019-01-16", "2019-01-16"]


def test_cli_deadlines_json_text_and_ics(index, tmp_path):
    ics = tmp_path / "d.ics"
    r = run("deadlines", "--index", index, "--today", "2018-12-01", "--open", "--json", "--ics", ics)
    assert r.exit_code == 0, r.output
    items = json.loads(r.output)
    assert items[0]["doc_number"] == GIANTS and items[0]["days_left"] == 19
    cal = icalendar.Calendar.from_ical(ics.read_bytes())
    events = [e for e in cal.walk("VEVENT")]
    assert len(events) == len(items) + 1          # one more: the window's opening
    by_summary = {}
    for e in events:
        by_summary.setdefault(str(e["SUMMARY"]), []).append(e.decoded("DTSTART"))
    guide_title = items[1]["title"]
    assert by_summary[f"截止：{guide_title}"][0].isoformat() == "2019-01-14T08:00:00+00:00"   # 16:00 Beijing
    assert by_summary[f"开始受理：{guide_title}"][0].isoformat() == "2018-12-05T00:00:00+00:00"
    giants = next(e for e in events if GIANTS in str(e["DESCRIPTION"]))
    assert giants.decoded("DTSTART") == date(2018, 12, 20) and giants.decoded("DTEND") == date(2018, 12, 21)
    assert "推荐表" in str(giants["DESCRIPTION"])
    assert len({str(e["UID"]) for e in events}) == len(events)

    text = run("deadlines", "--index", index, "--today", "2018-12-01", "--to", "2019-01-14")
    assert "2018-12-20  19 days left  工信厅企业函〔2018〕381号" in text.output
    assert "window opens 2018-12-05 08:00, 44 days left" in text.output


def test_ics_folds_long_lines():
    item = {"id": "x", "doc_number": None, "title": "很长的标题" * 30, "date": "2019-01-01", "time": None,
            "opens": None, "kind": "deadline", "text": "逗号，分号；反斜杠\\ 和换行\n" * 5}
    out = consult.to_ics([item])
    assert all(len(line.encode("utf-8")) <= 75 for line in out.split("\r\n"))
    ev = next(iter(icalendar.Calendar.from_ical(out).walk("VEVENT")))
    assert str(ev["SUMMARY"]) == "截止：" + "很长的标题" * 30
    assert str(ev["DESCRIPTION"]) == ("逗号，分号；反斜杠\\ 和换行\n" * 5).strip() + "\nx"


# ---- validity ------------------------------------------------------------------------------------

def test_shandong_rules_in_force_then_expired(records):
    rec = next(r for r in records if r.id == SHANDONG)
    assert status(rec, TODAY, repeal_index(records))["status"] == "in_force"
    late = status(rec, date(2026, 11, 21), repeal_index(records))
    assert late["status"] == "expired" and "有效期至2023年11月8日" in late["evidence"]


OLD = """山西省人民政府关于印发山西省中小企业发展专项资金管理办法的通知

晋政发〔2015〕10号

各市人民政府，省人民政府各委、厅，各直属机构：

现将《山西省中小企业发展专项资金管理办法》印发给你们，请认真贯彻执行。对新认定的企业给予一次性奖励10万元。企业应于每年4月30日前报送年度报告。

山西省人民政府
2015年3月1日
"""

NEW = """山西省人民政府关于印发山西省中小企业发展专项资金管理办法（修订）的通知

晋政发〔2018〕20号

各市人民政府，省人民政府各委、厅，各直属机构：

现将修订后的《山西省中小企业发展专项资金管理办法》印发给你们，请认真贯彻执行。本办法自2018年6月1日起施行，《山西省人民政府关于印发山西省中小企业发展专项资金管理办法的通知》（晋政发〔2015〕10号）同时废止。

山西省人民政府
2018年5月1日
"""


@pytest.fixture(scope="module")
def repeal_index_dir(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("repeal-corpus")
    (corpus / "old.txt").write_text(OLD, encoding="utf-8")
    (corpus / "new.txt").write_text(NEW, encoding="utf-8")
    index = tmp_path_factory.mktemp("repeal-index")
    pipeline.build(corpus, index)
    return str(index)


def test_repealed_by_another_document(repeal_index_dir):
    r = run("show", "晋政发[2015]10号", "--index", repeal_index_dir, "--json", "--today", "2018-12-01")
    st = json.loads(r.output)["status"]
    assert st["status"] == "repealed"
    assert "晋政发〔2018〕20号" in st["reason"] and "同时废止" in st["evidence"]
    # before the repealing document takes effect, the old one is not repealed yet
    early = json.loads(run("show", "晋政发〔2015〕10号", "--index", repeal_index_dir, "--json",
                           "--today", "2018-05-01").output)["status"]
    assert early["status"] != "repealed"
    hits = json.loads(run("search", "中小企业", "--status", "repealed", "--index", repeal_index_dir,
                          "--today", "2018-12-01", "--json").output)["hits"]
    assert [h["doc_number"] for h in hits] == ["晋政发〔2015〕10号"]
    in_force = json.loads(run("search", "中小企业", "--status", "in_force", "--index", repeal_index_dir,
                              "--today", "2018-12-01", "--json").output)["hits"]
    assert [h["doc_number"] for h in in_force] == ["晋政发〔2018〕20号"]


def test_repeal_stops_recurring_deadlines_and_matches(repeal_index_dir):
    before = consult.deadlines(repeal_index_dir, date(2018, 1, 1))
    assert [(x["doc_number"], x["date"]) for x in before] == [("晋政发〔2015〕10号", "2018-04-30")]
    assert consult.deadlines(repeal_index_dir, date(2018, 12, 1)) == []
    res = consult.match(repeal_index_dir, consult.load_profile(region="山西"), date(2018, 12, 1))
    assert [m["doc_number"] for m in res["matches"]] == ["晋政发〔2018〕20号"]
    assert res["excluded"][0]["reason"].startswith("repealed: declared repealed by 晋政发〔2018〕20号")


def test_cited_by_in_the_knowledge_base(repeal_index_dir):
    res = consult.cited_by(repeal_index_dir, "晋政发〔2015〕10号")
    assert res["in_kb"] and res["cited_by"] == [{"id": "new", "doc_number": "晋政发〔2018〕20号",
                                                "title": "山西省人民政府关于印发山西省中小企业发展专项资金管理办法（修订）的通知",
                                                "kind": "repeals"}]
    cites = consult.cites(repeal_index_dir, "new")["cites"]
    assert [(c["number"], c["kind"], c["in_kb"], c["id"]) for c in cites] == [("晋政发〔2015〕10号", "repeals", True, "old")]


# ---- region --------------------------------------------------------------------------------------

def test_region_of_every_document(records):
    regions = {r.id: r.region and (r.region["province"], r.region["city"]) for r in records}
    assert regions[CHANGZHI] == ("山西省", "长治市")
    assert regions["001_d5620ddd8ce5e838"] == ("内蒙古自治区", "鄂尔多斯市")
    assert regions[SHANDONG] == ("山东省", None)
    scopes = {r.id: consult._scope(r)[0] for r in records}
    assert scopes["002_7a7fb16a73060f53-05"] == scopes["002_7a7fb16a73060f53-03"] == "national"


# ---- citation graph ------------------------------------------------------------------------------

def test_cites_cited_by_missing(index):
    res = consult.cites(index, "鄂府发[2018]90号")
    assert [c["number"] for c in res["cites"]][:2] == ["国发〔2016〕74号", "国发〔2016〕61号"]
    assert not any(c["in_kb"] for c in res["cites"]) and "国发〔2016〕74号" in res["cites"][0]["text"]
    by = consult.cited_by(index, "国发〔2016〕61号")
    assert not by["in_kb"] and {c["id"] for c in by["cited_by"]} == {
        "001_d5620ddd8ce5e838", "002_7a7fb16a73060f53-09", "004_14c3424cd19a7137"}
    top = consult.missing(index)[0]
    assert (top["number"], top["count"]) == ("国发〔2016〕61号", 3)
    assert "财关税〔2017〕39号" in {m["number"] for m in consult.missing(index)}


def test_cli_citation_commands(index):
    r = run("cited-by", "财关税[2017]39号", "--index", index)
    assert r.exit_code == 0 and "not in the knowledge base" in r.output and "[repeals]" in r.output
    r = run("cites", "002_7a7fb16a73060f53-03", "--index", index, "--json")
    assert {c["number"]: c["kind"] for c in json.loads(r.output)["cites"]}["财关税〔2017〕39号"] == "repeals"
    r = run("missing", "--index", index, "--limit", "1", "--json")
    assert json.loads(r.output) == [{"number": "国发〔2016〕61号", "count": 3, "cited_by": [
        "001_d5620ddd8ce5e838", "002_7a7fb16a73060f53-09", "004_14c3424cd19a7137"]}]
    r = run("cites", "工信部联", "--index", index)
    assert r.exit_code == 1 and "matches 2 numbers" in r.output


# ---- matching ------------------------------------------------------------------------------------

SHANXI = {"002_7a7fb16a73060f53-07", "002_7a7fb16a73060f53-09"}
NATIONAL = {"002_7a7fb16a73060f53-0" + n for n in "123568"}


def test_match_shanxi_sme(index):
    r = run("match", "--index", index, "--today", "2018-12-01", "--region", "山西", "--size", "中小企业", "--json")
    assert r.exit_code == 0, r.output
    res = json.loads(r.output)
    ids = [m["id"] for m in res["matches"]]
    assert set(ids) == SHANXI | NATIONAL
    reasons = {x["id"]: x["reason"] for x in res["excluded"]}
    assert reasons["001_d5620ddd8ce5e838"].startswith("region: a 内蒙古自治区 鄂尔多斯市 policy")
    assert reasons["004_14c3424cd19a7137"].startswith("region: a 山东省 policy")
    assert reasons[SHANDONG].startswith("region: a 山东省 policy")
    assert reasons[CHANGZHI] == "issued 2024-03-26, after 2018-12-01"
    # open calls first, and each match says why and what to check
    assert ids[:2] == ["002_7a7fb16a73060f53-02", "002_7a7fb16a73060f53-05"]
    giants = res["matches"][0]
    assert "condition met: 企业规模 中小企业: the client is 中小企业" in giants["why"]
    assert any("营业收入 1亿元–4亿元" in c and "1亿元至4亿元之间" in c for c in giants["check"])
    assert giants["open_deadlines"][0]["date"] == "2018-12-20"


def test_revenue_outside_the_band_fails(index):
    res = json.loads(run("match", "--index", index, "--today", "2018-12-01", "--region", "山西",
                         "--size", "中小企业", "--revenue", "5亿", "--json").output)
    assert "002_7a7fb16a73060f53-02" not in {m["id"] for m in res["matches"]}
    giants = next(x for x in res["excluded"] if x["id"] == "002_7a7fb16a73060f53-02")
    assert giants["reason"] == "营业收入 1亿元–4亿元: the client has 5亿元 — condition fails"
    failed = [c for c in giants["conditions"] if c["verdict"] == "fail"]
    assert [(c["kind"], c["min"], c["max"]) for c in failed] == [("revenue", 1e8, 4e8)]
    text = run("match", "--index", index, "--today", "2018-12-01", "--region", "山西", "--revenue", "5亿")
    assert "Not matched because a condition fails:" in text.output and "5亿元 — condition fails" in text.output

    ok = consult.match(index, consult.load_profile(region="山西", revenue="2亿元"), TODAY)
    giants = next(m for m in ok["matches"] if m["id"] == "002_7a7fb16a73060f53-02")
    assert "condition met: 营业收入 1亿元–4亿元: the client has 2亿元" in giants["why"]


def test_size_that_contradicts(index):
    res = consult.match(index, consult.load_profile(region="山西", size="大型企业"), TODAY)
    giants = next(x for x in res["excluded"] if x["id"] == "002_7a7fb16a73060f53-02")
    assert "企业规模 中小企业: the client is 大型企业 — condition fails" in giants["reason"]


def test_city_policies(index):
    day = date(2024, 6, 1)
    same = consult.match(index, consult.load_profile(region="山西", city="长治"), day)
    changzhi = next(m for m in same["matches"] if m["id"] == CHANGZHI)
    assert changzhi["why"][0] == "山西省 长治市 policy: applies in the client's city"
    assert changzhi["open_deadlines"][0]["date"] == "2024-06-25"
    other = consult.match(index, consult.load_profile(region="山西", city="太原"), day)
    assert next(x for x in other["excluded"] if x["id"] == CHANGZHI)["reason"].startswith("region: a 山西省 长治市 policy")
    unknown_city = consult.match(index, consult.load_profile(region="山西"), day)
    assert "applies in 山西省 长治市 only: check the client is there" in \
        next(m for m in unknown_city["matches"] if m["id"] == CHANGZHI)["check"]
    # a city alone is enough to place the client
    assert CHANGZHI in {m["id"] for m in consult.match(index, consult.load_profile(region="长治"), day)["matches"]}


def test_open_only_and_profile_file(index, tmp_path):
    profile = tmp_path / "client.toml"
    profile.write_text('region = "山西"\nsize = "小型企业"\nrevenue = "5000万"\nqualifications = ["高新技术企业"]\n',
                       encoding="utf-8")
    r = run("match", "--index", index, "--today", "2018-12-01", "--profile", profile, "--open", "--json")
    res = json.loads(r.output)
    assert res["profile"]["revenue"] == 5e7 and res["profile"]["province"] == "山西省"
    assert [m["id"] for m in res["matches"]] == ["002_7a7fb16a73060f53-05"]   # 5000万 < 1亿: 小巨人 fails
    bad = tmp_path / "bad.toml"
    bad.write_text('region = "山西"\nturnover = 1\n', encoding="utf-8")
    r = run("match", "--index", index, "--profile", bad)
    assert r.exit_code == 1 and "unknown profile keys" in r.output
    r = run("match", "--index", index, "--revenue", "很多")
    assert r.exit_code == 1 and "not an amount of money" in r.output


def test_parse_money():
    assert [consult.parse_money(v) for v in ("2亿", "5000万", "2亿元", "500万元", 1200, None)] == \
        [2e8, 5e7, 2e8, 5e6, 1200.0, None]


def test_industry_and_qualification(index):
    res = consult.match(index, consult.load_profile(region="山西", industry="制造业", qualifications=["专精特新"]), TODAY)
    giants = next(m for m in res["matches"] if m["id"] == "002_7a7fb16a73060f53-02")
    assert "condition met: 行业 制造业: the client is in 制造业" in giants["why"]
    assert "condition met: 资质 专精特新: the client has it" in giants["why"]
    assert any(w.startswith("mentions 专精特新") for w in giants["why"])


@pytest.mark.parametrize("today", [date(2018, 12, 1), date(2019, 1, 15), date(2024, 6, 1)])
def test_store_reads_give_what_the_full_records_give(index, records, today):
    """`kb match` and `kb deadlines` read light records (columns, the small policy JSON, only the
    deadlines not closed): their answers equal those computed from the complete records."""
    profile = consult.load_profile(region="山西", size="中小企业", qualifications=["高新技术企业"])
    full = consult.match_records(records, profile, today)
    assert consult.match(index, profile, today) == full
    assert full["matches"] and any(m["conditions"] for m in full["matches"])
    assert consult.deadlines(index, today, open_only=True) == consult.deadline_items(records, today, open_only=True)
    start = date(2019, 1, 1)
    assert consult.deadlines(index, today, start=start) == consult.deadline_items(records, today, start=start)
