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
