"""The static site (kb/site.py, kb/site_index.py): URL safety, determinism, escaping, valid pages."""
import gzip
import json
import os
import re
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from kb import site, site_index, store
from kb.cli import main
from kb.errors import KbError
from kb.model import Deadline, Record, Section

TODAY = date(2019, 1, 1)
SAFE_NAME = re.compile(r"^[0-9A-Za-z_\u3400-\u9fff-]+(\.html|\.json\.gz|\.css|\.js)?$")


@pytest.fixture(scope="module")
def sample_site(built, tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    report = site.build(built[0], out, today=TODAY)
    return out, report


# ------------------------------------------------------------------ URLs


@pytest.mark.parametrize("text", ["国发〔2016〕74号", "工信部联节（2018）247号", "../../etc/passwd", "a/b c\\d", "..",
                                  "", "CON", "nul", "x" * 300, "国发[2016]74号", "Ａ１", "a:b*c?d\"e<f>g|h", "\u202e"])
def test_slugs_are_safe_file_names(text):
    s = site.slug(text)
    assert SAFE_NAME.match(s), s
    assert ".." not in s and "/" not in s and "〔" not in s and " " not in s
    assert len(s.encode()) <= 200
    assert s.lower() not in ("con", "nul")


def test_slugs_are_unique_also_without_case():
    out = site.unique_slugs([("国发〔2016〕74号", "a"), ("国发[2016]74号", "b"), ("ABC", "c"), ("abc", "d")])
    assert out[0] == "国发-2016-74"
    assert len({s.casefold() for s in out}) == 4
    # stable: the first holder keeps its slug, later ones get a suffix from their id
    assert site.unique_slugs([("ABC", "c"), ("abc", "d")])[1] == out[3]


def test_every_file_of_the_site_has_a_safe_path(sample_site):
    out, _ = sample_site
    for f in out.rglob("*"):
        for part in f.relative_to(out).parts:
            assert SAFE_NAME.match(part) or part == site.MARKER, f


def test_document_urls_come_from_the_number_or_the_id(sample_site, records):
    out, report = sample_site
    assert report["documents"] == len(records) == 13
    assert (out / "doc" / "工信厅企业函-2018-381.html").exists()
    assert (out / "doc" / "002_7a7fb16a73060f53-07.html").exists()   # no 发文字号: the id
    assert len(list((out / "doc").glob("*.html"))) == 13


# ------------------------------------------------------------------ determinism


def _tree(folder: Path) -> dict[str, bytes]:
    return {f.relative_to(folder).as_posix(): f.read_bytes() for f in sorted(folder.rglob("*")) if f.is_file()}


def test_same_knowledge_base_gives_a_byte_identical_site(built, sample_site, tmp_path):
    """A second build in another process, with another hash seed, writes the same bytes."""
    out, _ = sample_site
    again = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([str(Path(sys.executable).with_name("kb")), "site", "--index", str(built[0]), "--out", str(again),
                    "--today", TODAY.isoformat()], check=True, env=env, capture_output=True)
    a, b = _tree(out), _tree(again)
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


def test_site_from_light_records_equals_the_site_from_whole_records(built, sample_site):
    """kb site models the site from light records (no text, sections, targets …) and reads each
    whole record from the store when its page is rendered: the same files as from whole records."""
    light, whole = store.light_records(built[0]), store.load_records(built[0])
    assert [r.id for r in light] == sorted(r.id for r in whole)
    for lr, wr in zip(light, sorted(whole, key=lambda r: r.id)):
        assert lr.text == "" and lr.sections == lr.targets == lr.responsible_units == []
        kept = {k: v for k, v in wr.to_dict().items() if k not in ("text", *store.PAGE_ONLY)}
        assert {k: v for k, v in lr.to_dict().items() if k in kept} == kept
    assert any(r.sections for r in whole) and any(r.targets for r in whole)
    m = site.model(whole, TODAY)
    files = {path: data for path, data in site.render(m)}
    files.update(site_index.build(m.records, m.urls, m.statuses, index_dir=built[0]))
    assert files == {k: v for k, v in _tree(sample_site[0]).items() if k != site.MARKER}


def test_search_index_from_whoosh_equals_reanalysis(built, records):
    recs = sorted(records, key=lambda r: r.id)
    urls = [f"doc/{i}.html" for i in range(len(recs))]
    statuses = [{}] * len(recs)
    from_whoosh = dict(site_index.build(recs, urls, statuses, index_dir=built[0]))
    assert site_index._from_whoosh(built[0], recs, site_index._phrases()) is not None
    assert from_whoosh == dict(site_index.build(recs, urls, statuses, index_dir=None, procs=1))


def test_postings_reproduce_kb_search_scores(built, records):
    """BM25F from the site's files (as static/search.js computes it) equals Whoosh's score."""
    import math
    from kb.search.query import search
    recs = sorted(records, key=lambda r: r.id)
    files = dict(site_index.build(recs, [r.id for r in recs], [{}] * len(recs), index_dir=built[0]))
    cfg = json.loads(gzip.decompress(files["search/config.json.gz"]))
    docs = cfg["columns"]
    for term in ("专精特新", "申报", "企业"):
        flat = json.loads(gzip.decompress(files[f"search/p/{site_index.fnv(term) % cfg['shards']['p']}.json.gz"]))[term]
        post, i, d = [], 0, 0
        while i < len(flat):
            g = flat[i]
            d += g >> 1
            t = flat[i + 1] if g & 1 else 0
            i += 2 if g & 1 else 1
            post.append((d, t, flat[i]))
            i += 1
        scores: dict[int, float] = {}
        for field, col, k in (("title", "tl", 1), ("body", "bl", 2)):
            df = sum(1 for p in post if p[k])
            idf = math.log(cfg["documents"] / (df + 1)) + 1
            for p in post:
                if p[k]:
                    w, fl = p[k] * cfg["boost"][field], cfg["lengths"][docs[col][p[0]]]
                    scores[p[0]] = scores.get(p[0], 0) + idf * w * (cfg["k1"] + 1) / (
                        w + cfg["k1"] * (1 - cfg["b"] + cfg["b"] * fl / cfg["avgfl"][field]))
        hits = search(built[0], term, limit=5, snippets=False)["hits"]
        mine = sorted(scores.items(), key=lambda kv: -kv[1])[:5]
        assert [recs[d].id for d, _ in mine] == [h["id"] for h in hits]
        assert [round(s, 4) for _, s in mine] == [h["score"] for h in hits]


def test_fnv_matches_the_javascript_definition():
    # values printed by the same loop in JavaScript (node: Math.imul over UTF-16 code units)
    assert site_index.fnv("") == 0x811C9DC5
    assert site_index.fnv("a") == 0xE40C292C
    assert site_index.fnv("专精特新") == 0x786901A5


# ------------------------------------------------------------------ escaping

EVIL = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">{{ 7*7 }}{% raw %}${x}'


def _evil_records() -> list[Record]:
    text = f"{EVIL}\n\n一、{EVIL}\n\n正文（国发〔2016〕74号）。\n"
    return [
        Record(id="evil/../x", source="evil.txt", title=EVIL, doc_number="国发〔2016〕75号", issuers=[EVIL],
               links=["javascript:window.__xss=3", "http://example.org/\"><script>x</script>"],
               category=EVIL, doc_type="通知", date="2018-01-02", cites=["国发〔2016〕74号"],
               deadlines=[Deadline(date="2019-03-01", text=EVIL)],
               region={"province": EVIL}, text=text,
               sections=[Section(id="s1", level=1, number="一、", heading=EVIL, path=[EVIL],
                                 start=text.index("一、"), end=len(text))]),
        Record(id="ok", source="ok.txt", title="好", doc_number="国发〔2016〕74号", text="好\n", date="2017-01-01"),
    ]


def test_document_text_is_escaped_everywhere():
    m = site.model(_evil_records(), TODAY)
    pages = dict(site.render(m))
    html = "".join(v.decode() for k, v in pages.items() if k.endswith(".html"))
    assert "<script>window" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and "49" not in html          # template syntax in data stays text
    assert "javascript:" not in re.sub(r">[^<]*<", "><", html)  # never inside a tag (an href)
    assert 'href="http://example.org/&#34;&gt;&lt;script&gt;' in html


def test_only_http_links_become_links():
    doc = site.model(_evil_records(), TODAY).docs[0]
    assert [ln["safe"] for ln in doc["links"]] == [False, True]


# ------------------------------------------------------------------ pages


class _Checker(HTMLParser):
    """Well-formedness a validator would demand of these pages: every element closed in order,
    no duplicate id, no external resource (scripts, styles, images, fonts)."""
    VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr"}
    OPTIONAL_END = {"p", "li", "option", "tr", "td", "th", "thead", "tbody"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.ids, self.errors, self.doctype = [], set(), [], False

    def handle_decl(self, decl):
        self.doctype = decl.lower() == "doctype html"

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            if a["id"] in self.ids:
                self.errors.append(f"duplicate id {a['id']}")
            self.ids.add(a["id"])
        for key in ("src",) + (("href",) if tag == "link" else ()):
            if re.match(r"^(https?:)?//", a.get(key) or ""):
                self.errors.append(f"external resource {a[key]}")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        while self.stack and self.stack[-1] != tag and self.stack[-1] in self.OPTIONAL_END:
            self.stack.pop()
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()


def test_pages_are_well_formed_chinese_and_self_contained(sample_site):
    out, _ = sample_site
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        c = _Checker()
        c.feed(text)
        assert c.doctype and not c.stack and not c.errors, (page, c.errors, c.stack)
        assert '<html lang="zh-CN">' in text and 'name="viewport"' in text
        assert "Content-Security-Policy" in text
        # every local link points at a file of the site
        for href in re.findall(r'href="([^"]*)"', text):
            target = unquote(re.split(r"[?#]", href)[0])
            if target and ":" not in href.split("/")[0]:
                assert (page.parent / target).resolve().exists(), (page, href)
    css = (out / "static" / "site.css").read_text()
    assert "@media print" in css and "size: A4" in css and "@import" not in css and "url(" not in css
    assert "http" not in (out / "static" / "search.js").read_text().replace("HTTP ", "")


def test_document_page_has_metadata_sections_and_citations(sample_site):
    out, _ = sample_site
    page = (out / "doc" / "工信厅企业函-2018-381.html").read_text()
    for label in ("标题", "发文机关", "发文字号", "成文日期", "发布日期", "公文种类", "分类", "地区", "状态", "来源链接"):
        assert f'<th scope="row">{label}</th>' in page
    assert 'href="#s2-1"' in page and 'id="s2-1"' in page
    assert '<span class="cite-missing" title="本知识库未收录">工信部规〔2016〕223号</span>' in page
    assert "2018-12-20" in page and "培育600家左右" in page   # deadline and target tables


def test_home_page_lists_open_deadlines_soonest_first(sample_site):
    out, _ = sample_site
    home = (out / "index.html").read_text()
    opened = home.split('id="open"')[1].split('id="newest"')[0]
    dues = re.findall(r'data-due="([\d-]+)"', opened)
    assert dues and dues == sorted(dues) and all(d >= TODAY.isoformat() for d in dues)
    assert "剩 13 天" in opened   # 2019-01-14 (国科发资〔2018〕264号) from 2019-01-01
    for heading in ("发文机关", "地区", "年份", "分类"):
        assert f"<h3>{heading}</h3>" in home


def test_write_swaps_atomically_and_refuses_foreign_folders(tmp_path):
    out = tmp_path / "site"
    site.write([("a.html", b"1")], out)
    with pytest.raises(RuntimeError):
        site.write(((p, b"2") if p != "boom" else (_ for _ in ()).throw(RuntimeError()) for p in ["b.html", "boom"]),
                   out)
    assert (out / "a.html").read_bytes() == b"1" and not (out / "b.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]     # no temporary folder left
    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(KbError):
        site.write([("a.html", b"1")], foreign)
    assert (foreign / "notes.txt").exists()


def test_cli_site_and_serve(built, tmp_path):
    r = CliRunner().invoke(main, ["site", "--index", str(built[0]), "--out", str(tmp_path / "s"), "--json",
                                  "--today", "2019-01-01"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.output)
    assert report["documents"] == 13 and report["files"] > 50 and report["today"] == "2019-01-01"
    r = CliRunner().invoke(main, ["serve", "--dir", str(tmp_path / "nothing")])
    assert r.exit_code != 0 and "kb site" in r.output


def test_store_records_are_what_the_site_shows(built, sample_site):
    out, _ = sample_site
    ids = [r.id for r in store.load_records(built[0])]
    d0 = json.loads(gzip.decompress((out / "search" / "d" / "0.json.gz").read_bytes()))
    assert d0["u"].startswith("doc/") and sorted(ids)[0] in (out / d0["u"]).read_text()


def test_serve_previews_the_site_on_localhost(sample_site):
    import urllib.request
    out, _ = sample_site
    proc = subprocess.Popen([str(Path(sys.executable).with_name("kb")), "serve", "--dir", str(out), "--port", "0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        with urllib.request.urlopen(url + "index.html", timeout=10) as r:
            assert r.status == 200 and '<html lang="zh-CN">' in r.read().decode()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_recurring_deadlines_of_an_ended_plan_are_past_on_the_site(records):
    """The 长治 2024年行动计划's 每月25日前 row: open in 2024, past (no next date) once the plan's
    period is over, with the day it ends for site.js (data-until)."""
    def rows(today):
        m = site.model(records, today)
        return [d for d in m.deadlines if d["recurring"] == "每月25日"]
    assert [(d["due"], d["past"], d["until"]) for d in rows(date(2024, 6, 26))] == [("2024-07-25", False, "2024-12-31")]
    assert [(d["due"], d["past"]) for d in rows(date(2026, 12, 7))] == [("", True)]
    page = dict(site.render(site.model(records, date(2026, 12, 7))))["deadlines.html"].decode()
    assert 'data-until="2024-12-31"' in page
    assert [d for d in site.model(records, date(2026, 12, 7)).home["open"] if d["recurring"]] == []


def test_number_table_copies_and_named_documents():
    from kb.model import Record
    from kb.site_index import _numbers
    recs = [Record(id="a", source="a", title="某部关于调整某某信贷政策有关问题的通知", doc_number="某发〔2022〕15号"),
            Record(id="b", source="b", title="关于调整某某信贷政策有关问题的通知"),
            Record(id="c", source="c", title="某部关于优化住房套数认定标准的通知"),
            Record(id="d", source="d", title="落实通知", cites=["某房〔2023〕52号"],
                   text="按照《关于优化住房套数认定标准的通知》（某房〔2023〕52号）要求，现通知如下。")]
    got = _numbers(recs, ["a.html", "b.html", "c.html", "d.html"])
    assert got["某发〔2022〕15号"] == [["a.html", recs[0].title], ["b.html", recs[1].title, "copy"]]
    assert got["某房〔2023〕52号"] == {"cited": [["d.html", "落实通知"]], "count": 1, "named": [["c.html", recs[2].title]]}


def test_number_table_from_light_records_reads_the_citers_texts():
    """Light records have no text: the named documents come from the texts the function given
    reads (the store's, in kb site), only for the records citing numbers no document has."""
    from dataclasses import replace
    from kb.site_index import _numbers
    recs = [Record(id="c", source="c", title="某部关于优化住房套数认定标准的通知"),
            Record(id="d", source="d", title="落实通知", cites=["某房〔2023〕52号"],
                   text="按照《关于优化住房套数认定标准的通知》（某房〔2023〕52号）要求，现通知如下。"),
            Record(id="e", source="e", title="另一通知", doc_number="某发〔2022〕1号", text="无引用。")]
    urls = ["c.html", "d.html", "e.html"]
    asked = []

    def texts(some):
        asked.extend(r.id for r in some)
        return (next(x.text for x in recs if x.id == r.id) for r in some)
    light = [replace(r, text="") for r in recs]
    assert _numbers(light, urls, texts) == _numbers(recs, urls)
    assert _numbers(recs, urls)["某房〔2023〕52号"]["named"] == [["c.html", recs[0].title]] and asked == ["d"]
