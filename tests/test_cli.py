"""The `kb` command line through click's CliRunner, on the sample corpus."""
import csv
import io
import json

import pytest
from click.testing import CliRunner

from kb.cli import main

from conftest import CORPUS


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    idx = tmp_path_factory.mktemp("cli-index")
    result = CliRunner().invoke(main, ["build", str(CORPUS), "--index", str(idx)])
    assert result.exit_code == 0, result.output
    return idx


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_build_prints_a_summary(index):
    r = run("build", CORPUS, "--index", index)
    assert r.exit_code == 0
    assert "5 files, 13 documents" in r.output
    assert "doc_number 9" in r.output
    assert "failed" not in r.output


def test_build_json(index):
    r = run("build", CORPUS, "--index", index, "--json")
    report = json.loads(r.output)
    assert report["documents"] == 13 and report["failed"] == []
    assert report["fields"]["deadlines"] == 4


@pytest.mark.parametrize("ref", ["国发〔2016〕74号", "工信部联节(2018)247号", "工信部联节（2018）247号",
                                 "工信部联节[2018]247号", "工信部联节〔2018〕247 号", "工信部联节2018年247号"])
def test_show_by_any_number_variant(index, ref):
    r = run("show", ref, "--index", index, "--json")
    if ref.startswith("国发"):
        assert r.exit_code == 1
        assert "not in the knowledge base" in r.output and "cited by" in r.output
    else:
        assert r.exit_code == 0, r.output
        assert json.loads(r.output)["record"]["title"] == "关于推进金融支持县域工业绿色发展工作的通知"


def test_show_human_output_and_today(index):
    r = run("show", "国科发资〔2018〕264号", "--index", index, "--today", "2018-12-01")
    assert r.exit_code == 0
    assert "发文字号：国科发资〔2018〕264号" in r.output
    assert "2019-01-14 16:00 开始 2018-12-05T08:00" in r.output


def test_show_status_depends_on_today(index):
    rid = "002_7a7fb16a73060f53-04"
    early = json.loads(run("show", rid, "--index", index, "--json", "--today", "2018-12-01").output)
    late = json.loads(run("show", rid, "--index", index, "--json", "--today", "2026-11-21").output)
    assert early["status"]["status"] == "in_force"
    assert late["status"]["status"] == "expired"
    assert "有效期至" in late["status"]["evidence"]


def test_show_partial_number_lists_matches(index):
    r = run("show", "工信部联", "--index", index, "--json")
    numbers = [m["doc_number"] for m in json.loads(r.output)["matches"]]
    assert numbers == ["工信部联企业〔2018〕248号", "工信部联节〔2018〕247号"]


def test_show_unknown_exits_1(index):
    r = run("show", "京政发〔2099〕1号", "--index", index)
    assert r.exit_code == 1
    assert "京政发〔2099〕1号 is not in the knowledge base" in r.output


def test_records_formats(index):
    lines = run("records", "--index", index).output.strip().splitlines()
    assert len(lines) == 13
    data = json.loads(run("records", "--index", index, "--json").output)
    assert len(data) == 13 and {"id", "title", "doc_number", "evidence", "sections"} <= set(data[0])
    jl = run("records", "--index", index, "--jsonl").output.strip().splitlines()
    assert len(jl) == 13 and json.loads(jl[1])["doc_number"] == "鄂府发〔2018〕90号"
    rows = list(csv.DictReader(io.StringIO(run("records", "--index", index, "--csv").output)))
    assert len(rows) == 13 and rows[1]["issuers"] == "鄂尔多斯市人民政府"


def test_stats(index):
    s = json.loads(run("stats", "--index", index, "--json").output)
    assert s["documents"] == 13 and s["files"] == 5
    assert s["by_category"] == {"政策文件": 4, "绿色制造": 4, "项目申报": 1}
    assert s["by_issuer"]["工业和信息化部"] == 3
    human = run("stats", "--index", index).output
    assert "13 documents from 5 files" in human


def test_commands_without_a_knowledge_base(tmp_path):
    r = run("stats", "--index", tmp_path / "none")
    assert r.exit_code == 2
    assert "run `kb build` first" in r.output


def test_build_missing_corpus(tmp_path):
    r = run("build", tmp_path / "nope", "--index", tmp_path / "idx")
    assert r.exit_code == 1
    assert "corpus folder not found" in r.output


def test_show_deadlines_windows_and_openings(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text(
        "关于做好购房补贴申报工作的通知\n某住建〔2025〕3号\n各区住建局：\n申报受理时间自2025年4月21日至2025年7月31日止。"
        "线上申请平台拟于2025年4月30日开放。\n某市住房和城乡建设局\n2025年4月1日\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["build", str(tmp_path / "c"), "--index", str(tmp_path / "i"), "--quiet"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["show", "某住建〔2025〕3号", "--index", str(tmp_path / "i")])
    lines = [l for l in r.output.splitlines() if l.startswith("  2025-")]
    # the window on one line with its opening day; a channel opening alone on its own line
    assert lines[0].startswith("  2025-07-31") and "开始 2025-04-21" in lines[0]
    assert lines[1].startswith("  2025-04-30") and "开始 —" in lines[1] and len(lines) == 2
    r = CliRunner().invoke(main, ["show", "某住建〔2025〕3号", "--index", str(tmp_path / "i"), "--json"])
    got = [(d["date"], d["kind"], d["opens"]) for d in json.loads(r.output)["record"]["deadlines"]]
    assert got == [("2025-07-31", "due", "2025-04-21"), ("2025-04-21", "opens", None), ("2025-04-30", "opens", None)]
