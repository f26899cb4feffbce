"""Full-text search on the sample corpus: ranking, phrases, numbers, filters, facets, incremental builds."""
import json
import shutil
import threading

import pytest
from click.testing import CliRunner

from whoosh import query as WQ, sorting

from kb import pipeline
from kb.cli import main
from kb.search import engine, facets as sfacets, index as sindex, postings
from kb.search.phrase import deltas, fast_phrases
from kb.search.query import search, split_filters

from conftest import CORPUS

# Relevance set: query -> the document that must rank first.
RELEVANCE = [
    ("专精特新 小巨人", "工信厅企业函〔2018〕381号"),
    ("专精特新“小巨人”企业培育", "工信厅企业函〔2018〕381号"),
    ("大中小企业融通发展", "工信部联企业〔2018〕248号"),
    ("重大技术装备 进口税收", None),   # the 财关税 notice has no number: checked by title below
    ("战略性国际科技创新合作 申报指南", "国科发资〔2018〕264号"),
    ("绿色发展价格机制", "发改价格规〔2018〕943号"),
    ("金融支持县域工业绿色发展", "工信部联节〔2018〕247号"),
    ("山西 控制温室气体排放", "晋政发〔2017〕44号"),
    ("气候投融资试点", "长政办发〔2024〕9号"),
    ("山东 低碳发展工作方案", "鲁政发〔2017〕43号"),
    ("鄂尔多斯 节能降碳", "鄂府发〔2018〕90号"),
    ("工业固体废物资源综合利用评价", None),
    ("绿色制造体系建设", None),
]
TITLES = {"重大技术装备 进口税收": "关于调整重大技术装备进口税收政策有关目录的通知",
          "工业固体废物资源综合利用评价": "关于印发山东省工业固体废物资源综合利用评价管理实施细则的通知",
          "绿色制造体系建设": "山西省绿色制造体系建设实施方案"}


@pytest.fixture(scope="module")
def idx(built):
    return built[0]


@pytest.mark.parametrize("query,number", RELEVANCE, ids=[q for q, _ in RELEVANCE])
def test_relevance_first_hit(idx, query, number):
    hits = search(idx, query)["hits"]
    assert hits, query
    if number:
        assert hits[0]["doc_number"] == number
    else:
        assert hits[0]["title"] == TITLES[query]


def test_phrase_finds_every_document_mentioning_it(idx, records):
    want = {r.id for r in records if "碳排放权交易" in r.text}
    got = {h["id"] for h in search(idx, '"碳排放权交易"', limit=None)["hits"]}
    assert want and got == want


def test_subwords_match_inside_longer_words(idx, records):
    # 碳排放权 also finds documents that only say 碳排放权交易
    got = {h["id"] for h in search(idx, "碳排放权", limit=None)["hits"]}
    assert {r.id for r in records if "碳排放权" in r.text} <= got


@pytest.mark.parametrize("ref", ["国科发资〔2018〕264号", "国科发资[2018]264号", "国科发资(2018)264 号", "国科发资2018年264号"])
def test_number_query_goes_straight_to_the_document(idx, ref):
    res = search(idx, ref)
    assert res["mode"] == "number"
    assert [h["doc_number"] for h in res["hits"]] == ["国科发资〔2018〕264号"]


def test_cited_missing_number_names_its_citers(idx):
    res = search(idx, "国发〔2016〕61号")
    citers = {"001_d5620ddd8ce5e838", "002_7a7fb16a73060f53-09", "004_14c3424cd19a7137"}
    assert res["missing"] == "国发〔2016〕61号"
    assert {c["id"] for c in res["cited_by"]} == citers
    # the citers are the hits, marked as citing, the number marked in their snippets
    assert {h["id"] for h in res["hits"]} == citers and all(h["citing"] for h in res["hits"])
    assert all("«" in h["snippet"] and "61" in h["snippet"] for h in res["hits"])


def test_number_tiers_copies_and_the_document_its_citers_name(tmp_path):
    corpus, index = tmp_path / "c", tmp_path / "i"
    corpus.mkdir()
    (corpus / "a.txt").write_text("某部关于调整某某住房信贷政策有关问题的通知\n某发〔2022〕15号\n各分行：\n"
                                  "现就调整某某住房信贷政策有关问题通知如下。\n某部\n2022年5月15日\n", encoding="utf-8")
    (corpus / "b.txt").write_text("关于调整某某住房信贷政策有关问题的通知\n各分行：\n现就调整某某住房信贷政策有关问题"
                                  "通知如下。\n", encoding="utf-8")     # the same document, no number printed
    # the bearer prints neither title nor number; two documents cite it by title and number
    (corpus / "c.txt").write_text("各省住房城乡建设厅：\n为优化住房套数认定标准，现就有关事项通知如下：\n"
                                  "一、居民家庭申请贷款购买商品住房。\n某部\n2023年8月18日\n", encoding="utf-8")
    for n in ("d", "e"):
        (corpus / f"{n}.txt").write_text(f"关于落实住房政策的通知{n}\n各区：\n按照《关于优化住房套数认定标准的通知》"
                                         "（某房〔2023〕52号）要求，现通知如下。\n", encoding="utf-8")
    pipeline.build(corpus, index)
    res = search(index, "某发(2022)15号")
    assert [(h["id"], h["via"]) for h in res["hits"]] == [("a", "own"), ("b", "copy")]
    res = search(index, "某房〔2023〕52号")
    assert [h["via"] for h in res["hits"]] == ["named", "cites", "cites"] and res["hits"][0]["id"] == "c"
    assert not res.get("missing")
    r = CliRunner().invoke(main, ["search", "某房〔2023〕52号", "--index", str(index)])
    assert r.exit_code == 0 and "the document its citers name" in r.output.splitlines()[1]


def test_partial_numbers(idx):
    res = search(idx, "国发〔2016〕")
    assert res["mode"] == "partial_number"
    assert [m["doc_number"] for m in res["cited_numbers"]] == ["国发〔2016〕61号", "国发〔2016〕74号"]
    res = search(idx, "工信部联")
    assert [m["doc_number"] for m in res["numbers"]] == ["工信部联企业〔2018〕248号", "工信部联节〔2018〕247号"]


def test_disjunctive_with_coordination(idx, records):
    # no document has both words: documents with either are found, nothing is required
    res = search(idx, "专精特新 鄂尔多斯", limit=None)
    either = {r.id for r in records if "专精特新" in r.text + (r.title or "") or "鄂尔多斯" in r.text + (r.title or "")}
    assert {h["id"] for h in res["hits"]} == either and len(either) >= 2
    # a document with more of the query's words ranks above those with fewer
    hits = search(idx, "专精特新 小巨人 培育 企业 不存在的词")["hits"]
    assert hits[0]["doc_number"] == "工信厅企业函〔2018〕381号"


def test_snippet_has_highlight_and_heading_path(idx):
    hit = search(idx, "专精特新 小巨人")["hits"][0]
    assert "«专精特新»" in hit["snippet"]
    assert hit["section"] == ["工作目标"]


def test_filters_as_options_and_syntax(idx):
    a = {h["id"] for h in search(idx, "企业", issuer="科技部")["hits"]}
    b = {h["id"] for h in search(idx, "企业 issuer:科学技术部")["hits"]}
    assert a == b == {"002_7a7fb16a73060f53-05"}
    assert {h["doc_number"] for h in search(idx, "低碳", region="山西")["hits"]} >= {"晋政发〔2017〕44号"}
    assert all(h["category"] == "项目申报" for h in search(idx, "申报", category="项目申报")["hits"])
    assert {h["date"][:4] for h in search(idx, "发展", year=2017, limit=None)["hits"]} == {"2017"}
    assert {h["id"] for h in search(idx, "发展", doc_type="意见", limit=None)["hits"]} == {"002_7a7fb16a73060f53-06"}


def test_issuer_alias_filter(idx):
    hits = search(idx, "发展", issuer="发改委", limit=None)["hits"]
    assert {h["doc_number"] for h in hits} == {"发改价格规〔2018〕943号", "工信部联企业〔2018〕248号", None}


def test_open_and_status_filters(idx):
    from datetime import date
    open_ids = {h["id"] for h in search(idx, "", open_only=True, today=date(2018, 12, 1), limit=None)["hits"]}
    assert {"002_7a7fb16a73060f53-02", "002_7a7fb16a73060f53-05"} <= open_ids
    late = {h["id"] for h in search(idx, "", open_only=True, today=date(2026, 11, 21), limit=None)["hits"]}
    assert "002_7a7fb16a73060f53-02" not in late
    expired = {h["id"] for h in search(idx, "", status="expired", today=date(2026, 11, 21), limit=None)["hits"]}
    assert expired == {"002_7a7fb16a73060f53-04"}
    in_force = {h["id"] for h in search(idx, "", status="in_force", today=date(2018, 12, 1), limit=None)["hits"]}
    assert "002_7a7fb16a73060f53-04" in in_force


def test_sort_by_date(idx):
    dates = [h["date"] for h in search(idx, "发展", sort="date", limit=None)["hits"] if h["date"]]
    assert dates == sorted(dates, reverse=True)


def test_facets(idx):
    f = search(idx, "", facets=True, limit=None)["facets"]
    assert f["category"] == {"政策文件": 4, "绿色制造": 4, "项目申报": 1}
    assert f["issuer"]["工业和信息化部"] == 3
    assert f["region"]["山西省"] == 3
    assert None not in f["issuer"]


def test_split_filters():
    assert split_filters('碳达峰 issuer:工信部 year:2018 "碳排放权交易"') == (
        '碳达峰 "碳排放权交易"', {"issuer": "工信部", "year": "2018"})


def test_cli_search_json_and_text(idx):
    r = CliRunner().invoke(main, ["search", "专精特新", "小巨人", "--index", str(idx), "--json"])
    res = json.loads(r.output)
    hits = res["hits"]
    assert hits[0]["doc_number"] == "工信厅企业函〔2018〕381号"
    assert res["mode"] == "words" and res["query"] == "专精特新 小巨人" and res["filters"] == {}
    assert {"id", "title", "doc_number", "issuers", "date", "published", "category", "score", "snippet", "section",
            "citing", "via"} == set(hits[0])
    # one shape whatever the query: words, filters, a number cited but not collected, a partial number, facets
    shapes = {}
    for args in (["专精特新", "year:2018"], ["国发〔2016〕74号"], ["国发〔2016〕"], ["发展", "--facets"], ["无此词汇"]):
        r = CliRunner().invoke(main, ["search", *args, "--index", str(idx), "--json"])
        res = json.loads(r.output)
        assert {"query", "filters", "mode", "total", "total_exact", "hits"} <= set(res), args
        shapes[args[0]] = (r.exit_code, res)
    assert shapes["专精特新"][1]["filters"] == {"year": 2018} and shapes["专精特新"][1]["hits"]
    code, res = shapes["国发〔2016〕74号"]
    assert code == 1 and res["mode"] == "number" and res["missing"] == "国发〔2016〕74号"
    assert res["hits"] and all(h["citing"] for h in res["hits"]) and res["cited_by"]
    code, res = shapes["国发〔2016〕"]
    assert code == 0 and res["mode"] == "partial_number" and res["cited_numbers"]
    assert set(shapes["发展"][1]["facets"]) == {"issuer", "year", "category", "region"}
    assert shapes["无此词汇"][1]["hits"] == [] and shapes["无此词汇"][1]["total"] == 0
    r = CliRunner().invoke(main, ["search", "工信部联节(2018)247号", "--index", str(idx)])
    assert r.exit_code == 0 and "关于推进金融支持县域工业绿色发展工作的通知" in r.output
    r = CliRunner().invoke(main, ["search", "发展", "--facets", "--index", str(idx)])
    assert "category:" in r.output
    r = CliRunner().invoke(main, ["search", "国发〔2016〕74号", "--index", str(idx)])
    assert r.exit_code == 1 and "not in the knowledge base" in r.output


def test_incremental_build(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    idx = tmp_path / "idx"
    first = pipeline.build(corpus, idx)
    assert first.changed == 5
    again = pipeline.build(corpus, idx)
    assert again.changed == 0 and again.documents == 13
    # change one file, remove another
    p = corpus / "003_f3d4360a175c3323.txt"
    p.write_text(p.read_text(encoding="utf-8").replace("气候投融资试点", "气候投融资先行区"), encoding="utf-8")
    (corpus / "000_067a29e1cfddf497.txt").unlink()
    third = pipeline.build(corpus, idx)
    assert (third.changed, third.removed, third.documents) == (1, 1, 12)
    assert search(idx, "气候投融资先行区")["hits"][0]["doc_number"] == "长政办发〔2024〕9号"
    assert all(h["id"] != "000_067a29e1cfddf497" for h in search(idx, "碳汇交易", limit=None)["hits"])
    assert len(list(idx.glob("search-*"))) <= 2


def test_search_during_a_swap_still_answers(tmp_path):
    idx = tmp_path / "idx"
    pipeline.build(CORPUS, idx)
    errors, answers = [], []

    def searcher():
        for _ in range(30):
            try:
                answers.append(search(idx, "专精特新")["total"])
            except Exception as e:      # noqa: BLE001 - any failure is the finding
                errors.append(e)
    t = threading.Thread(target=searcher)
    t.start()
    for _ in range(3):
        pipeline.build(CORPUS, idx, full=True)
    t.join()
    assert not errors and all(a == answers[0] for a in answers)


def test_facets_respect_the_limit(idx):
    res = search(idx, "", facets=True, limit=3)
    assert len(res["hits"]) == 3 and res["total"] == 13


# --- the fast paths (kb.search.engine, phrase, facets) give Whoosh's own answers ---------------

WORDS = ["绿色", "发展", "节能", "改造", "碳排放", "交易", "碳排放权交易", "工业", "固体废物", "中小企业",
         "融资", "项目", "申报", "企业", "资金", "管理"]


@pytest.fixture(scope="module", params=["whoosh", "kb"])
def synthetic(tmp_path_factory, request):
    """A searcher of a Whoosh index with the knowledge base's schema and enough documents for
    several blocks per word, three segments and deletions; its segments written by Whoosh's
    own writer (blocks pickled with protocol 2) or by the build's (protocol 4)."""
    import random
    from whoosh import index as windex
    from kb.search.writer import FastSegmentWriter
    rnd = random.Random(7)
    ix = windex.create_in(tmp_path_factory.mktemp("synthetic"), sindex.schema())
    for batch in range(3):
        w = ix.writer() if request.param == "whoosh" else FastSegmentWriter(ix)
        for n in range(220):
            body = " ".join(rnd.choice(WORDS[:rnd.randint(4, len(WORDS))]) for _ in range(rnd.randint(5, 120)))
            w.add_document(id=f"d{batch}-{n}", title=" ".join(rnd.sample(WORDS, 3)), body=body,
                           issuers=",".join(rnd.sample(["工业和信息化部", "科学技术部", "财政部"], rnd.randint(1, 2))),
                           category=rnd.choice(["政策文件", "项目申报"]), year=rnd.choice([2017, 2018, 2019]),
                           province=rnd.choice(["山西省", "山东省"]))
        w.commit(merge=False)
    w = ix.writer()
    for n in range(0, 220, 9):
        w.delete_by_term("id", f"d1-{n}")
    w.commit(merge=False)
    s = ix.searcher()
    assert len(s.leaf_searchers()) == 3 and s.doc_count() < s.doc_count_all()
    yield s
    s.close()


SYNTHETIC_QUERIES = ["绿色", "绿色 发展", "绿色发展", '"节能 改造 项目"', "碳排放权交易 融资", "碳排放交易",
                     '"碳排放 交易"', "固体废物 OR 中小企业", "title:申报 资金"]


def _parse(s, text, fast=True):
    """The query search() runs; with fast=False, with Whoosh's own Phrase."""
    from whoosh.qparser import MultifieldParser
    from kb.search.query import AndGroup, _expand_aliases
    q = MultifieldParser(["title", "body"], s.schema, group=AndGroup).parse(_expand_aliases(text))
    return fast_phrases(q) if fast else q


def _whoosh_scores(s, q, **kw) -> dict:
    return {h.docnum: h.score for h in s.search(q, limit=None, **kw)}


@pytest.mark.parametrize("text", SYNTHETIC_QUERIES)
def test_engine_scores_are_whooshs(synthetic, text):
    s = synthetic
    want = _whoosh_scores(s, _parse(s, text, fast=False))       # Whoosh's Phrase and collectors
    assert want, text
    ev = engine.Evaluation(s, _parse(s, text))
    assert ev.scores() == want                                   # same documents, same floats
    for k in (1, 3, 10):
        hits, total, exact = engine.Evaluation(s, _parse(s, text)).top(k)
        assert hits == engine.best(want, k)
        assert (total == len(want)) if exact else (total >= len(want))


@pytest.mark.parametrize("text", SYNTHETIC_QUERIES)
def test_fast_phrase_matcher_in_whooshs_collectors(synthetic, text):
    # the doc-at-a-time PhraseMatcher (used when Whoosh itself searches) matches and scores as Phrase
    s = synthetic
    assert _whoosh_scores(s, _parse(s, text)) == _whoosh_scores(s, _parse(s, text, fast=False))
    # top-k with block-quality skipping: the same as Whoosh's (not always the true best, see
    # test_engine_top_k_is_exhaustive)
    top = [(h.docnum, h.score) for h in s.search(_parse(s, text), limit=5)]
    assert top == [(h.docnum, h.score) for h in s.search(_parse(s, text, fast=False), limit=5)]


def test_engine_top_k_is_exhaustive(synthetic):
    # Whoosh's TopCollector (limit=5) misses the best documents of later segments for this
    # query (its matchers' quality bounds are too low); the engine's top-k is the true best
    s = synthetic
    every = _whoosh_scores(s, _parse(s, "碳排放权交易 融资", fast=False))
    assert engine.Evaluation(s, _parse(s, "碳排放权交易 融资")).top(5)[0] == engine.best(every, 5)


def test_engine_filters_and_facets_are_whooshs(synthetic):
    s = synthetic
    flt = WQ.And([WQ.Term("issuers", "财政部"), WQ.NumericRange("year", 2018, 2018)])
    allow = sfacets.filter_docs(s, "test", lambda: flt)
    for text in SYNTHETIC_QUERIES:
        want = _whoosh_scores(s, _parse(s, text, fast=False), filter=flt)
        assert engine.Evaluation(s, _parse(s, text), allow).scores() == want
    defs = {"issuer": sorting.FieldFacet("issuers", allow_overlap=True), "year": sorting.FieldFacet("year"),
            "category": sorting.FieldFacet("category"), "region": sorting.FieldFacet("province")}
    q = _parse(s, "绿色发展")
    r = s.search(_parse(s, "绿色发展", fast=False), limit=None, groupedby=defs, maptype=sorting.Count)
    assert sfacets.counts(s, engine.Evaluation(s, q).scores(), defs) == {n: r.groups(n) for n in defs}


def test_date_sort_keys_are_whooshs(synthetic):
    s = synthetic
    facet = sorting.FieldFacet("year", reverse=True)
    keys = sfacets.sort_keys(s, facet)
    q = _parse(s, "节能 改造")
    docs = sorted(engine.Evaluation(s, q).scores(), key=lambda d: (keys[d], d))
    assert docs == [h.docnum for h in s.search(q, limit=None, sortedby=facet)]


def test_position_gaps_cut_from_blocks(synthetic, request):
    # positions cut out of a block's pickle (a few documents) or unpickled (most) are Whoosh's
    from itertools import accumulate
    s = synthetic
    sub = s.leaf_searchers()[0][0]
    ev = engine.Evaluation(s, _parse(s, '"绿色 发展"'))
    leaf = ev._leaves[(0, "body", "发展".encode())][0][1]
    m = sub.reader().postings("body", "发展")
    want = dict(m.items_as("positions"))
    for docs in (list(want)[::17], list(want)):
        leaf.read()                 # fresh blocks: cut, then unpickled whole
        assert len(leaf.blocks) > 1
        protocol = leaf.blocks[0][2][1]     # Whoosh's writer: 2; the build's: 4
        assert protocol == {"whoosh": 2, "kb": 4}[request.node.callspec.params["synthetic"]]
        assert {d: list(accumulate(g)) for d, g in leaf.gaps(docs).items()} == {d: want[d] for d in docs}


def test_search_facets_equal_groupedby(idx):
    from kb.search.query import FACETS, _facet, _searcher
    s = _searcher(idx)
    defs = {name: sorting.FieldFacet(field, allow_overlap=(field == "issuers")) for name, field in FACETS.items()}
    for text in ("", "发展", "绿色发展"):
        res = search(idx, text, facets=True, limit=3)
        # the documents the query finds (all of them, limit=None), counted by Whoosh
        ids = [h["id"] for h in search(idx, text, limit=None, snippets=False)["hits"]]
        q = WQ.Or([WQ.Term("id", i) for i in ids]) if text else WQ.Every()
        r = s.search(q, limit=None, groupedby=defs, maptype=sorting.Count)
        assert res["facets"] == {n: _facet(r.groups(n)) for n in FACETS}
        assert res["total"] == len(r) and res["total_exact"]


@pytest.mark.parametrize("weights", [None, "tuple"])
def test_positions_cut_from_values_written_twice(weights):
    # a value that is the same object as an earlier one is pickled as a reference to it
    import pickle
    from whoosh.formats import Positions
    values = [Positions().encode([i, i + 3, 200 + 7 * i]) for i in range(120)]
    values[50] = values[51] = values[7]
    values[119] = values[3]
    ids = list(range(0, 240, 2))
    raw = pickle.dumps((tuple(ids), tuple(map(float, ids)) if weights else None, tuple(values)), 2)
    docs = ids[::3] + [ids[50], ids[51], ids[119]]
    got = postings._block_gaps(ids, [0, len(ids), raw, None, None], sorted(set(docs)))
    assert got == {d: deltas(values[ids.index(d)]) for d in docs}


def test_snippet_line_is_the_first_best(records):
    # the lines scored are those with a word; the choice is the one of scoring every line
    import re
    from kb.search.query import _best_line

    def every_line(text, words):
        best, best_score, offset, pos = "", -1, 0, 0
        for line in text.split("\n"):
            score = sum(1 for w in words if w in line) * 10 + sum(line.count(w) for w in words)
            if score > best_score and line.strip():
                best, best_score, offset = line, score, pos
            pos += len(line) + 1
        return best, offset

    for words in (["发展"], ["绿色", "发展", "绿色发展"], ["碳排放权交易", "碳排放", "交易"], ["没有这个词"],
                  ["项目", "申报"]):
        rx = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
        for rec in records:
            for text in (rec.text, "\n\n" + rec.text[:200], "  \n"):
                assert _best_line(text, words, rx) == every_line(text, words), (rec.id, words)


def test_filter_that_filters_nothing(idx):
    # open:0 is a filter key whose value asks for no filter
    assert search(idx, "发展 open:0", limit=None)["total"] == search(idx, "发展", limit=None)["total"]


def test_queries_the_engine_leaves_to_whoosh(idx, records):
    # NOT is not evaluated by kb.search.engine: Whoosh's collectors answer, facets and all
    from kb.search.query import AndGroup, _searcher, _text_query
    q, _ = _text_query(_searcher(idx).schema, "发展 NOT 绿色", AndGroup)
    with pytest.raises(engine.Unsupported):
        engine.Evaluation(_searcher(idx), q)
    res = search(idx, "发展 NOT 绿色", facets=True, limit=None)
    got = {h["id"] for h in res["hits"]}
    assert got and not any("绿色" in r.text for r in records if r.id in got)
    assert res["total"] == len(got) == sum(res["facets"]["category"].values())


@pytest.mark.parametrize("ids", [(0, 5, 300, 70000), (17192, 17192, 5), (0,) + (17192,) * 5, (0,) + (17192,) * 12])
@pytest.mark.parametrize("weights", [None, 2.5, "tuple"])
def test_docnums_and_weights_of_protocol_4_blocks(ids, weights):
    # the values start at the first MARK + bytes after which the pickle holds n docnums; a
    # docnum gap of 17192 is written M ( C, a false start that must be skipped (or, past a few
    # of them, the block is unpickled whole)
    import pickle
    weights = tuple(float(i) for i in range(len(ids))) if weights == "tuple" else weights
    raw = pickle.dumps((ids, weights, tuple(b"v%d" % i for i in range(len(ids)))), 4)
    got = postings._ids_weights4(raw, len(ids), None)
    if len(ids) <= 3 or ids.count(17192) > 8:
        assert got[0] is None
    else:
        assert got[:2] == (ids, weights)


def test_phrase_checks_in_c_are_pythons(monkeypatch):
    # kb.search.phrase.consecutive: the C merge of position lists gives the Python check's answer
    import random
    from kb.search import phrase, speedups
    if speedups.C is None:
        pytest.skip("kb/search/_speedups.c not compiled")
    rnd = random.Random(3)
    cases = [[[5], [1]], [[5], [6]], [[0, 1], [1]], [[3], [0]], [[], [1]], [[2, 2, 2], [3, 1, 5], [4, 1]]]
    for _ in range(3000):
        k = rnd.randint(1, 5)
        cases.append([[rnd.randint(0, 9)] + [rnd.randint(1, 6) for _ in range(rnd.randint(0, 12))] for _ in range(k)])
    c = [phrase.consecutive(g) for g in cases]
    monkeypatch.setattr(speedups, "C", None)
    assert c == [phrase.consecutive(g) for g in cases]
    assert c.count(True) > 300 and c.count(False) > 300
    # gaps it does not take (a repeated position, not ints) are left to Python: None
    monkeypatch.undo()
    assert speedups.C.consecutive([[1, 0], [2]]) is None and speedups.C.consecutive([[1.5], [2]]) is None


def test_ranking_dict_arithmetic_in_c_is_pythons(monkeypatch):
    # kb.search.speedups.bm25 / add_into / max_into: the C loops give the Python reference's
    # values exactly (same IEEE operations in the same order), other numbers included
    import random
    from kb.search import speedups
    if speedups.C is None:
        pytest.skip("kb/search/_speedups.c not compiled")
    rnd = random.Random(5)
    norms = [rnd.uniform(0.1, 3.0) for _ in range(500)]
    ids = sorted(rnd.sample(range(500), 200))
    ws = [float(rnd.randint(1, 9)) for _ in ids]
    dicts = [{d: rnd.uniform(-1, 5) for d in rnd.sample(range(300), 120)} for _ in range(6)]
    dicts.append({1: 2, 2: 0, 7: 3.5})            # ints: Python's + and > in C as well

    def run():
        out = [speedups.bm25(ids, ws, 1.7, 2.2, norms)]
        for how in (speedups.add_into, speedups.max_into):
            acc: dict = {}
            for d in dicts:
                how(acc, d)
            out.append(acc)
        return out
    c = run()
    monkeypatch.setattr(speedups, "C", None)
    assert c == run()
    assert all(type(v) is type(w) for a, b in zip(c, run()) for v, w in zip(a.values(), b.values()))
    assert any(v <= 0 for v in dicts[0].values()) and all(v > 0 for v in c[2].values())
    monkeypatch.undo()
    with pytest.raises(IndexError):                 # a docnum outside the norms: the reference decides
        speedups.C.bm25([600], [1.0], 1.0, 2.2, norms)
    assert speedups.bm25([0, 3], [1.0, 2.0], 1.0, 2.2, [0.5, None, None, 1.0]) == \
        {0: 2.2 / 1.5, 3: 4.4 / 3.0}


def test_query_with_nothing_to_search_finds_nothing_quickly(idx):
    # a bare wildcard or question word is not Whoosh query syntax over every word
    for q in ("*", "?", "吗", "\udcff"):     # (a lone surrogate: an undecodable byte of argv)
        res = search(idx, q)
        assert res["hits"] == [] and res["total"] == 0
    assert search(idx, "2018年")["total"] > 0      # a date alone is still a query


def test_cold_search_uses_the_word_table_and_finds_the_same(idx):
    """A search from a fresh process (the shell's `kb search`) cuts the query with the index's
    word table, without loading jieba's whole dictionary, and finds exactly what this process
    (whole dictionary loaded by the build) finds."""
    import subprocess
    import sys
    queries = ["专精特新 小巨人", "武汉生二孩买新房能补贴多少钱", "碳排放权交易 NOT 碳达峰", '"绿色制造" 工信部',
               "国发〔2016〕", "工信部联节(2018)247号", "中小企业 year:2018", "５Ｇ 新能源汽车推广应用"]
    code = f"""
import json, sys
from kb.search import analyzer
from kb.search.query import search
out = [search({str(idx)!r}, q, limit=20) for q in {queries!r}]
assert not analyzer._ready, "the whole dictionary was loaded"
assert analyzer.SEGMENTER != "jieba_next" or "jieba" not in sys.modules
print(json.dumps(out, ensure_ascii=False, default=str))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    cold = json.loads(proc.stdout)
    here = json.loads(json.dumps([search(idx, q, limit=20) for q in queries], ensure_ascii=False, default=str))
    assert cold == here and sum(bool(r["hits"]) for r in here) >= 6


def test_length_bytes_and_number_prefixes_read_at_once_equal_whoosh(idx):
    """The cold-search short cuts: every document's length byte read from the lengths column at
    once gives the norms doc_field_length gives document by document; a number prefix without
    Latin letters is found by one seek, as by the sorted lexicon."""
    from kb.search.query import _may_be_number, _searcher
    s = _searcher(idx)
    for i, (sub, _) in enumerate(s.leaf_searchers()):
        for field in ("title", "body"):
            raw = engine._length_bytes(sub, field)
            assert raw is not None and len(raw) == sub.doc_count_all()
            slow = [sub.doc_field_length(d, field, 1) for d in range(sub.doc_count_all())]
            assert any(slow)
            fast = engine._norms(sub, i, field, 1.2, 0.75, 50.0, {})
            assert fast == [None if fl is None else 1.2 * (0.25 + 0.75 * fl / 50.0) for fl in slow]
    numbers = sorted(t.decode() for t in s.lexicon("doc_number"))
    for prefix in ("工信", "国发〔2016〕", "发改", "专精", "晋政发〔2017〕44号", "鲁政"):
        assert _may_be_number(s, prefix) == any(n.startswith(prefix) for n in numbers), prefix
    assert _may_be_number(s, "工信") and not _may_be_number(s, "专精")
