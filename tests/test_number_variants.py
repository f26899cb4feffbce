"""发文字号 variants (issue 14, row 9): ﹝﹞ 〖〗 brackets, 第 before the serial, Chinese-numeral years,
號, wrappers; one normaliser for kb show, kb search and extraction."""
import json

import pytest
from click.testing import CliRunner

from kb import pipeline, store
from kb.cli import main

from conftest import corpus, doc



@pytest.fixture(scope="module")
def numbered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("numbers")
    c = corpus(tmp, {"a.txt": doc("关于甲的通知", "国发〔2016〕74号"), "b.txt": doc("关于乙的通知", "某许可〔2023〕8号"),
                     "c.txt": doc("关于丙的通知", "湘政发〔二〇一九〕5號")})
    pipeline.build(c, tmp / "idx")
    return tmp / "idx"


@pytest.mark.parametrize("ref, number", [
    ("国发﹝2016﹞74号", "国发〔2016〕74号"), ("国发〖2016〗74号", "国发〔2016〕74号"),
    ("国发〔二〇一六〕74号", "国发〔2016〕74号"), ("国发〔二○一六〕74号", "国发〔2016〕74号"),
    ("国发〔2016〕74號", "国发〔2016〕74号"), ("国发〔2016〕74号)", "国发〔2016〕74号"),
    ("（国发〔2016〕74号）", "国发〔2016〕74号"), ("国发［２０１６］７４号。", "国发〔2016〕74号"),
    ("某许可〔2023〕第8号", "某许可〔2023〕8号"), ("湘政发〔2019〕5号", "湘政发〔2019〕5号"),
])
def test_show_finds_number_variants(numbered, ref, number):
    r = CliRunner().invoke(main, ["show", ref, "--index", str(numbered), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["record"]["doc_number"] == number
    from kb.search.query import search
    res = search(numbered, ref)
    assert res["mode"] == "number" and res["hits"][0]["doc_number"] == number


def test_extraction_reads_the_variants_too(numbered):
    rec = {r.source: r for r in store.load_records(numbered)}["c.txt"]
    assert (rec.doc_number, rec.doc_number_raw) == ("湘政发〔2019〕5号", "湘政发〔二〇一九〕5號")


def test_fold_keeps_offsets():
    from kb.extract.numbers import find_numbers, fold
    text = "根据国发〔二〇一六〕７４號和国发﹝2017﹞1号文件"
    assert len(fold(text)) == len(text)
    assert [(d.canonical, d.raw, text[d.start:d.end]) for d in find_numbers(text)] == [
        ("国发〔2016〕74号", "国发〔二〇一六〕７４號", "国发〔二〇一六〕７４號"),
        ("国发〔2017〕1号", "国发﹝2017﹞1号", "国发﹝2017﹞1号")]


def test_number_typed_with_words_around_it():
    # 文/文件 after the number, a place or body typed beside it: the number is still the query
    from kb.search.query import query_number
    assert query_number("甬建发〔2022〕56号文") == "甬建发〔2022〕56号"
    assert query_number("甬建发2022年56号文件") == "甬建发〔2022〕56号"
    assert query_number("宁波 甬建发〔2022〕56号") == "甬建发〔2022〕56号"
    assert query_number("国发 〔2016〕 74号") == "国发〔2016〕74号"           # spaces inside one number
    assert query_number("国发〔2016〕74号 国办发〔2017〕1号") is None         # two numbers: a word query
