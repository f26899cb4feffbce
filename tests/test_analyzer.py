import os
import pickle
import re
import shutil
import subprocess
import sys
from importlib import resources

import pytest
from whoosh import highlight
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.qparser import QueryParser

from kb.search import analyzer as A, speedups
from kb.search.analyzer import ChineseAnalyzer, load_user_dict, segmenter

SAMPLE = (
    "国务院关于印发《“十三五”国家战略性新兴产业发展规划》的通知（国发〔2016〕74号）"
    "支持专精特新“小巨人”企业参与全国碳排放权交易市场，推进碳达峰、发展气候投融资，"
    "２０２４年PM2.5浓度下降30%。  GB/T 1234-2020 Web"
)
FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}


def toks(text, mode, analyzer=None):
    ana = analyzer or ChineseAnalyzer()
    return [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in ana(text, positions=True, chars=True, mode=mode)
    ]


def texts(text, mode):
    return [t[0] for t in toks(text, mode)]


@pytest.mark.parametrize("mode", ["index", "query"])
def test_offsets_are_slices_of_the_original(mode):
    tokens = toks(SAMPLE, mode)
    assert len(tokens) > 30
    for text, _, start, end in tokens:
        assert SAMPLE[start:end].translate(FOLD).lower() == text


def test_digits_single_characters_and_latin_are_kept():
    assert texts("国发〔2024〕5号", "query") == ["国发", "2024", "5", "号"]
    words = texts(SAMPLE, "query")
    for w in ["的", "74", "号", "2024", "年", "pm2.5", "30%", "gb", "t", "1234", "2020", "web"]:
        assert w in words
    # full-width digits folded; punctuation and whitespace dropped
    assert "２０２４" not in words
    assert not [w for w in words if not re.search(r"\w", w)]


def test_positions_count_precise_words_and_skip_punctuation():
    tokens = toks("国发〔2016〕74号，碳排放权交易", "query")
    assert [(t, p) for t, p, _, _ in tokens] == [
        ("国发", 0), ("2016", 1), ("74", 2), ("号", 3), ("碳排放权交易", 4)
    ]


def test_query_mode_is_precise_and_index_mode_adds_subwords():
    query = texts(SAMPLE, "query")
    index = toks(SAMPLE, "index")
    precise = [t for t in index if t[0] in query]
    assert [t[0] for t in precise] == query  # precise words come first, in order
    assert [t[1] for t in precise] == list(range(len(query)))
    subwords = {"碳排放权", "碳排放", "排放", "交易", "新兴产业", "战略"}
    assert subwords <= {t[0] for t in index}
    assert not subwords & set(query)
    # each sub-word shares the position of the word it lies in
    spans = {t[1]: (t[2], t[3]) for t in precise}
    for text, pos, start, end in index:
        s, e = spans[pos]
        assert s <= start and end <= e, text


def test_subwords_cover_jieba_search_mode():
    text = "全国碳排放权交易市场建设，战略性新兴产业发展规划，中华人民共和国科学技术部"
    jieba_search = {
        w for w, _, _ in segmenter().tokenize(text, mode="search") if re.search(r"\w", w)
    }
    assert jieba_search <= set(texts(text, "index"))


def test_auto_mode_follows_whoosh_and_fixed_modes_do_not():
    auto = ChineseAnalyzer()
    assert "碳排放权" in [t.text for t in auto("碳排放权交易", mode="index")]
    assert [t.text for t in auto("碳排放权交易", mode="query")] == ["碳排放权交易"]
    forced = ChineseAnalyzer("index")
    assert "碳排放权" in [t.text for t in forced("碳排放权交易", mode="query")]
    plain = ChineseAnalyzer("query")
    assert [t.text for t in plain("碳排放权交易", mode="index")] == ["碳排放权交易"]
    with pytest.raises(ValueError):
        ChineseAnalyzer("search")


def test_user_dictionary_words_stay_whole():
    words = texts(SAMPLE, "query")
    for w in ["专精特新", "小巨人", "碳达峰", "气候投融资", "碳排放权交易", "十三五", "国发"]:
        assert w in words
    # and do not swallow neighbours
    assert texts("全国发展", "query") == ["全国", "发展"]
    assert texts("新能源车辆", "query") == ["新能源", "车辆"]


def _userdict_words():
    path = resources.files("kb").joinpath("data/userdict.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.split()[0] for ln in lines if ln.strip() and not ln.startswith("#")]


def test_package_userdict_entries_are_whole_and_matchable():
    words = _userdict_words()
    assert len(words) >= 300 and len(set(words)) == len(words)
    bad = [w for w in words if not re.fullmatch(r"[\u4e00-\u9fd5]+", w)]
    assert bad == []  # 〔〕《》“” etc. never match in jieba
    split = [w for w in words if texts(w, "query") != [w]]
    assert split == []


def test_load_user_dict(tmp_path):
    # in a subprocess: loading a dictionary changes the shared segmenter for good, and every later
    # test (the site's byte-identical build among them) must see the package dictionary only
    f = tmp_path / "extra.txt"
    f.write_text("# comment\n\n长治光伏走廊 50 nz\n", encoding="utf-8")
    code = f"""
from kb.search.analyzer import ChineseAnalyzer, load_user_dict
words = lambda: [t.text for t in ChineseAnalyzer(mode="query")("长治光伏走廊")]
assert words() != ["长治光伏走廊"], words()
assert load_user_dict({str(f)!r}) == 1
assert load_user_dict({str(f)!r}) == 0   # loaded once only
assert words() == ["长治光伏走廊"], words()
"""
    _run(code)


def _run(code, **env):
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, **env},
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def test_env_userdict_threads_and_no_leak_into_global_jieba(tmp_path):
    f = tmp_path / "env.txt"
    f.write_text("晋东南氢能走廊 50 nz\n", encoding="utf-8")
    code = """
import threading, jieba
from kb.search.analyzer import ChineseAnalyzer
ana = ChineseAnalyzer()
out = []
def work():
    out.append([t.text for t in ana("晋东南氢能走廊与专精特新", mode="query")])
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
assert len(out) == 8 and all(o == ["晋东南氢能走廊", "与", "专精特新"] for o in out), out
assert jieba.lcut("专精特新") != ["专精特新"], "user dictionary leaked into jieba's global tokenizer"
"""
    proc = _run(code, KB_USERDICT=str(f))
    assert proc.stderr == ""  # jieba's logging is silenced


def test_pickle_round_trip():
    for mode in ("auto", "index", "query"):
        ana = ChineseAnalyzer(mode)
        again = pickle.loads(pickle.dumps(ana))
        assert again == ana
        assert toks(SAMPLE, "index", again) == toks(SAMPLE, "index", ana)
    schema = Schema(content=TEXT(analyzer=ChineseAnalyzer(), phrase=True))
    blob = pickle.dumps(schema)
    # re-created by import path in a fresh interpreter, as multiprocessing writers do
    code = (
        "import pickle, sys\n"
        "schema = pickle.loads(sys.stdin.buffer.read())\n"
        "print([t.text for t in schema['content'].analyzer('专精特新“小巨人”', mode='index')])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], input=blob, capture_output=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().strip() == "['专精特新', '专精', '小巨人', '巨人']"


DOCS = {
    "market": "全国碳排放权交易市场建设方案",
    "register": "碳排放权登记管理规则（试行）",
    "apart": "碳排放权的交易和电力市场",
    "srdi": "关于支持专精特新“小巨人”企业高质量发展的通知",
    "plan": "国务院关于印发“十三五”国家战略性新兴产业发展规划的通知（国发〔2016〕74号）",
    "future": "国务院关于推动未来产业发展的意见（国发〔2024〕5号）",
    "electric": "新能源汽车产业发展规划",
}


@pytest.fixture(scope="module", params=[False, True], ids=["retokenize", "stored-chars"])
def index(request):
    schema = Schema(
        id=ID(stored=True),
        content=TEXT(analyzer=ChineseAnalyzer(), stored=True, phrase=True, chars=request.param),
    )
    ix = RamStorage().create_index(schema)
    with ix.writer() as w:
        for key, text in DOCS.items():
            w.add_document(id=key, content=text)
    return ix


def search(ix, q):
    with ix.searcher() as s:
        return sorted(hit["id"] for hit in s.search(QueryParser("content", ix.schema).parse(q), limit=None))


@pytest.mark.parametrize(
    "q, expected",
    [
        ('"碳排放权交易"', ["market"]),
        ('"全国碳排放权交易市场"', ["market"]),
        ('"碳排放权交易市场"', ["market"]),
        ("碳排放权", ["apart", "market", "register"]),
        ("碳排放权 交易", ["apart", "market"]),
        ("专精特新", ["srdi"]),
        ("小巨人", ["srdi"]),
        ("新能源汽车", ["electric"]),
        ("新能源", ["electric"]),
        ("国发", ["future", "plan"]),
        ("2016", ["plan"]),
        ("74", ["plan"]),
        ("5", ["future"]),
        ('"国发〔2016〕74号"', ["plan"]),
        ('"国发2016"', ["plan"]),
        ("国发〔2024〕5号", ["future"]),
        ('"国发〔2024〕74号"', []),
        ('"交易 碳排放权"', []),
        ("碳排*", ["apart", "market", "register"]),
    ],
)
def test_whoosh_queries(index, q, expected):
    assert search(index, q) == expected


def test_highlight_marks_the_right_characters(index):
    with index.searcher() as s:
        q = QueryParser("content", index.schema).parse("碳排放权")
        results = s.search(q, limit=None)
        results.fragmenter = highlight.WholeFragmenter()
        got = {
            hit["id"]: re.sub(r"<b [^>]*>(.*?)</b>", r"[\1]", hit.highlights("content"))
            for hit in results
        }
    assert got == {
        "market": "全国[碳排放权]交易市场建设方案",
        "register": "[碳排放权]登记管理规则（试行）",
        "apart": "[碳排放权]的交易和电力市场",
    }


@pytest.mark.parametrize(
    "q, doc, expected",
    [
        ("74", "plan", "国务院关于印发“十三五”国家战略性新兴产业发展规划的通知（国发〔2016〕[74]号）"),
        ("碳排放权 OR 排放", "market", "全国[碳排放权]交易市场建设方案"),  # overlap: longest wins
        ("小巨人", "srdi", "关于支持专精特新“[小巨人]”企业高质量发展的通知"),
    ],
)
def test_highlight_numbers_and_overlaps(index, q, doc, expected):
    with index.searcher() as s:
        results = s.search(QueryParser("content", index.schema).parse(q), limit=None)
        results.fragmenter = highlight.WholeFragmenter()
        hit = next(h for h in results if h["id"] == doc)
        assert re.sub(r"<b [^>]*>(.*?)</b>", r"[\1]", hit.highlights("content")) == expected


def test_fast_segmenter_gives_jiebas_tokens():
    """jieba-next is used for speed only because it segments exactly like jieba (user dictionary included)."""
    import glob
    import logging

    import jieba
    import pytest

    from kb.clean import clean

    if A.SEGMENTER == "jieba":
        pytest.skip("jieba-next is not installed on this platform: jieba itself is used")
    reference = jieba.Tokenizer()
    jieba.setLogLevel(logging.WARNING)
    reference.initialize()
    from importlib import resources
    for line in resources.files("kb").joinpath("data/userdict.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, freq, tag = A._USERDICT_LINE.match(line).groups()
            if freq is not None and int(freq) == 0:
                reference.FREQ[word] = 0
            else:
                reference.add_word(word, freq, tag)
    fast = A.segmenter()
    root = __import__("pathlib").Path(__file__).resolve().parent.parent / "corpus"
    text = "\n".join(clean(open(f, encoding="utf-8").read()) for f in sorted(glob.glob(str(root / "*"))))
    for mode in ("default", "search"):
        assert list(fast.tokenize(text, mode=mode)) == list(reference.tokenize(text, mode=mode))


def _chain_positions(text):
    """What Whoosh's Positions format makes of the chain's index-mode tokens."""
    out = {}
    for t in ChineseAnalyzer()(text, positions=True, mode="index"):
        out.setdefault(t.text, []).append(t.pos)
    return out


@pytest.fixture(params=["C", "Python"])
def loops(request, monkeypatch):
    """The per-word loops of index_positions and _cut in C (kb/search/_speedups.c, what the
    build runs wherever it was compiled) or in Python (the reference), with empty caches."""
    if request.param == "Python":
        monkeypatch.setattr(speedups, "C", None)
    elif os.environ.get("KB_SPEEDUPS") == "0":
        pytest.skip("KB_SPEEDUPS=0")
    elif speedups.C is None and not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("no C compiler: kb/search/_speedups.c cannot be built here")
    else:
        assert speedups.C is not None, "kb/search/_speedups.c was not compiled (pip install -e .)"
    A._TERMS.clear()
    A._UNKNOWN.clear()
    return request.param


def test_c_loops_reject_what_they_do_not_expect():
    if speedups.C is None:
        pytest.skip("not compiled")
    jb = segmenter()
    with pytest.raises(ValueError):
        speedups.C.walk("碳排放权", [9, 9, 9, 9, 0], jb.FREQ, {}, tuple, [])
    with pytest.raises(ValueError):
        speedups.C.walk("碳排放权", [0], jb.FREQ, {}, tuple, [])
    with pytest.raises(TypeError):
        speedups.C.group(["碳"], {"碳": 5}, str)
    with pytest.raises(ZeroDivisionError):      # an error of the callback goes through
        speedups.C.group(["碳"], {}, lambda w: 1 / 0)


@pytest.mark.parametrize("text", [SAMPLE, "", "   ", "ABC abc ＡＢＣ 国发〔2024〕5号", "碳排放权交易碳排放权交易，碳排放权",
                                  "GDP能耗下降，万元GDP能耗", "专精特新“小巨人”企业\n\n第一条　为了"])
def test_index_positions_equal_the_chain(text, loops):
    from kb.search.analyzer import index_positions
    assert index_positions(text) == _chain_positions(text)


def test_index_positions_equal_the_chain_on_the_corpus(loops):
    """The build indexes with the fast path: every corpus text gives the chain's terms and positions."""
    from pathlib import Path

    from kb.read import read_document
    from kb.search.analyzer import index_positions
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    files = sorted(p for p in corpus.iterdir() if p.is_file())
    assert files
    for path in files:
        text = read_document(path).text
        assert index_positions(text) == _chain_positions(text), path.name


def test_inlined_cut_is_jiebas_cut(loops):
    from pathlib import Path

    from kb.read import read_document
    from kb.search.analyzer import _cut
    jb = segmenter()
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    texts = [read_document(p).text for p in sorted(corpus.iterdir()) if p.is_file()]
    texts += [SAMPLE, "", "\r\n \t", "abc 12.5% C++ a.b_c #&", "龘龘龘嘿嘿哈哈 新冠肺炎疫情防控"]
    for text in texts:
        assert _cut(jb, text) == list(jb.cut(text, HMM=True))


def test_index_positions_skips_only_folds_that_change_nothing(loops):
    """index_positions folds full-width forms only when one that jieba keeps in words is
    there; every other full-width character must give the chain's tokens unfolded."""
    from kb.search.analyzer import index_positions
    for c in [*range(0xFF01, 0xFF5F), 0x3000]:
        for ctx in ("碳排放{}交易", "a{}b", "12{}5", "{}", "国发{}2016", "PM2{}5", " {} "):
            text = ctx.format(chr(c))
            assert index_positions(text) == _chain_positions(text), hex(c)


def test_word_table_cuts_as_the_whole_dictionary(tmp_path, monkeypatch, records):
    """A search cuts short texts with the entries of their substrings, read from the word table
    `kb build` writes, instead of loading the whole dictionary: the same words (precise, HMM or
    not) and the same sub-words, on the sample's titles and lines and on typed queries."""
    path = A.write_word_table(tmp_path)
    assert path.name == f"segdict-{A.dictionary_key()}.sqlite" and A.write_word_table(tmp_path) == path
    full = segmenter()
    lines = [ln for r in records for ln in [r.title or "", *r.text.splitlines()[:12]] if ln.strip()]
    texts = [*lines, SAMPLE.translate(FOLD), "武汉生二孩买新房能补贴多少钱", "5G Network 碳排放权交易市场",
             "晋政发〔2018〕20号", "魑魅魍魉瓅瓆扌", "专精特新 NOT 小巨人"]
    assert len(texts) > 100
    monkeypatch.setattr(A, "_ready", False)      # as in a fresh process: the whole one not loaded
    try:
        assert A.use_word_table(tmp_path)
        for t in texts:
            small = A.segmenter_for(t)
            assert small is not full and len(small.FREQ) < len(full.FREQ) // 10
            for hmm in (True, False):
                assert list(small.tokenize(t, HMM=hmm)) == list(full.tokenize(t, HMM=hmm)), t
            for w in {w for w, _, _ in full.tokenize(t) if len(w) >= 3}:
                assert A._subword_spans(w, small.FREQ) == A._subword_spans(w, full.FREQ), w
        assert A.segmenter_for("发" * (A.COVER_MAX + 1)) is full      # long texts: the whole one
    finally:
        A._reset_small()
    assert A.segmenter_for("专精特新") is full and not A.use_word_table(tmp_path / "none")
