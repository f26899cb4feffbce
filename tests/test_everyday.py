"""Everyday commands on a large knowledge base (issue 15): they read what they need through SQL
and the indexes, not every record; `kb show` of partial and shared numbers; lazy imports."""
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kb import lookup, pipeline, store
from kb.cli import main
from kb.status import repeal_index

from conftest import ROOT


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def index(built):
    return str(built[0])


DOC = """{title}

晋政发〔2019〕7号

各市人民政府：

{body}

山西省人民政府
2019年3月1日
"""


@pytest.fixture(scope="module")
def twins(tmp_path_factory):
    """Two files bearing the same 发文字号 (a reprint, or a typo in one of them)."""
    corpus = tmp_path_factory.mktemp("twins")
    (corpus / "a.txt").write_text(DOC.format(title="山西省人民政府关于支持中小企业发展的意见",
                                             body="一、加大资金支持。"), encoding="utf-8")
    (corpus / "b.txt").write_text(DOC.format(title="山西省人民政府关于推进数字经济发展的意见",
                                             body="一、建设数据中心。"), encoding="utf-8")
    idx = tmp_path_factory.mktemp("twins-index")
    pipeline.build(corpus, idx)
    return str(idx)


def test_records_jsonl_streams_the_same_records(index):
    r = run("records", "--index", index, "--jsonl")
    assert r.exit_code == 0
    assert [json.loads(line) for line in r.output.splitlines()] == \
        [x.to_dict() for x in store.load_records(index)]
    # --json is the same list, written record by record
    assert json.loads(run("records", "--index", index, "--json").output) == \
        [x.to_dict() for x in store.load_records(index)]


def test_repeal_index_from_sql_equals_the_one_of_all_records(index, records):
    assert store.repeal_index(index) == repeal_index(records)
    n = next(iter(repeal_index(records)))
    assert store.repeal_index(index, [n]) == {n: repeal_index(records)[n]}


def test_show_does_not_load_every_record(index, monkeypatch):
    monkeypatch.setattr(store, "load_records", lambda *_: pytest.fail("kb show loaded every record"))
    r = run("show", "国科发资〔2018〕264号", "--index", index, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["record"]["doc_number"] == "国科发资〔2018〕264号"


def test_show_a_partial_number_lists_documents_and_cited_numbers(index):
    r = run("show", "国发〔2016〕", "--index", index)
    assert r.exit_code == 0, r.output
    assert "No document of the knowledge base matches 国发〔2016〕" in r.output
    assert "国发〔2016〕61号 (3)" in r.output and "国发〔2016〕74号 (1)" in r.output
    res = json.loads(run("show", "工信部联节", "--index", index, "--json").output)
    assert [m["doc_number"] for m in res["matches"]] == ["工信部联节〔2018〕247号"]


def test_show_a_number_borne_by_two_documents_names_the_other(twins):
    r = run("show", "晋政发〔2019〕7号", "--index", twins)
    assert r.exit_code == 0, r.output
    assert "标题：山西省人民政府关于支持中小企业发展的意见" in r.output
    assert "1 more documents bear 晋政发〔2019〕7号" in r.output
    assert "山西省人民政府关于推进数字经济发展的意见" in r.output
    res = json.loads(run("show", "晋政发〔2019〕7号", "--index", twins, "--json").output)
    assert [a["source"] for a in res["also"]] == ["b.txt"]


def test_stats_merges_issuer_aliases(index, records, monkeypatch):
    monkeypatch.setattr(store, "load_records", lambda *_: pytest.fail("kb stats loaded every record"))
    s = json.loads(run("stats", "--index", index, "--json").output)
    # 国家发展和改革委员会, 发展改革委 and 国家发展改革委 in the sample are one body
    assert s["by_issuer"]["国家发展和改革委员会"] == 3
    assert not {"发展改革委", "国家发展改革委", "科技部"} & set(s["by_issuer"])
    assert s["documents"] == 13 and s["deadlines"] == sum(len(r.deadlines) for r in records)
    assert s["citations"] == sum(len(r.cites) for r in records)
    assert s["by_year"] == lookup_by_year(records)


def lookup_by_year(records):
    from collections import Counter
    return dict(Counter((r.date or r.published or "")[:4] for r in records
                        if (r.date or r.published)).most_common())


def test_cli_imports_only_what_a_command_needs():
    code = ("import sys, kb.cli; kb.cli.main(['show', '--help'], standalone_mode=False);"
            "print(sorted(m for m in ('kb.site', 'kb.newsletter', 'kb.consult', 'kb.pipeline', 'whoosh', 'jieba')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("[]"), out.stdout


# ---- deadlines and match from the store's tables ---------------------------------------------------

def test_deadlines_and_match_read_no_record(index, records, monkeypatch):
    from datetime import date
    from kb import consult
    today = date(2018, 12, 1)
    full_dl = consult.deadline_items(records, today, open_only=True)
    full_match = consult.match_records(records, consult.load_profile(region="山西", size="中小企业"), today)
    monkeypatch.setattr(store, "load_records", lambda *_: pytest.fail("loaded every record"))
    monkeypatch.setattr(store, "_record", lambda *_: pytest.fail("parsed a record"))
    assert consult.deadlines(index, today, open_only=True) == full_dl
    assert consult.match(index, consult.load_profile(region="山西", size="中小企业"), today) == full_match


def test_match_leaves_out_plans_whose_period_has_ended(index):
    r = json.loads(run("match", "--region", "山西", "--index", index, "--today", "2026-12-07", "--json").output)
    titles = [m["title"] for m in r["matches"]]
    assert not [t for t in titles if t and ("十三五" in t or "2024年行动计划" in t)]
    reasons = {x["title"]: x["reason"] for x in r["excluded"]}
    assert reasons["山西省关于印发“十三五”控制温室气体排放实施方案的通知"].startswith("ended: the plan's period 2016–2020")
    assert "2024–2024" in reasons["长治市人民政府办公室关于印发长治市气候投融资试点工作2024年行动计划的通知"]
    # while the period runs, the plan applies
    r = json.loads(run("match", "--region", "山西", "--index", index, "--today", "2024-06-01", "--json").output)
    assert "长治市人民政府办公室关于印发长治市气候投融资试点工作2024年行动计划的通知" in [m["title"] for m in r["matches"]]


@pytest.mark.parametrize("title,period", [
    ("山东省人民政府关于印发山东省低碳发展工作方案（2017—2020年）的通知", (2017, 2020)),
    ("“十四五”工业绿色发展规划", (2021, 2025)), ("十五五规划纲要", (2026, 2030)),
    ("关于支持民营企业发展的二十五条措施", None), ("关于印发《促进大中小企业融通发展三年行动计划》的通知", None),
    ("2019年全省工业和信息化工作要点", (2019, 2019))])
def test_plan_period_of_a_title(title, period):
    from kb.consult import plan_period
    assert plan_period(title) == period


@pytest.mark.parametrize("option", ["--region", "--city"])
def test_match_refuses_an_unknown_region(index, option):
    r = run("match", option, "火星", "--index", index)
    assert r.exit_code == 1
    assert "unknown" in r.output and "'火星'" in r.output and "Traceback" not in r.output
