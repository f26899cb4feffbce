"""kb newsletter: the 快讯 compiler.

The round trip renders the nine documents read from the sample issue and compares the table of
contents with the sample's own; the other tests cover the issue file, the section rules, the
digest and each output format (the HTML in headless Chromium, with a screenshot of its first
page in tests/output/newsletter.png).
"""
import os
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from docx import Document

from kb.cli import main  # first: kb.cli registers kb.cli_newsletter
import kb.newsletter as nl
from kb import split
from kb.clean import clean
from kb.errors import KbError, NotFound
from kb.extract.numbers import find_numbers
from kb.model import Record
from kb.pipeline import process_text
from kb.read import read_document

from conftest import CORPUS, ROOT

SAMPLE = CORPUS / "002_7a7fb16a73060f53.txt"
SAMPLE_REF = "002_7a7fb16a73060f53"
OUTPUT = ROOT / "tests" / "output"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CONTACT = "北京关键要素科技有限公司 电话：010-62227852"


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def need_chromium() -> str:
    """Chromium's path; in CI (CI=true) its absence fails the test instead of skipping it."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing in CI: install Debian's chromium")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")


def sample_toc() -> list[tuple[str, list[str]]]:
    """The sample issue's own table of contents: [(section, [titles])]."""
    toc = split.find_toc(clean(read_document(SAMPLE).text).split("\n"))
    out: list[tuple[str, list[str]]] = []
    for section, title in toc.entries:
        if not out or out[-1][0] != section:
            out.append((section, []))
        out[-1][1].append(_norm(title))
    return out


def html_toc(html: str) -> list[tuple[str, list[str]]]:
    nav = BeautifulSoup(html, "html.parser").select_one("nav.toc")
    return [(h.get_text(strip=True).strip("[]"), [_norm(a.get_text()) for a in h.find_next_sibling("ol").select("a")])
            for h in nav.select("h3")]


@pytest.fixture(scope="module")
def sample_issue(records):
    chosen = nl.select(records, include=[SAMPLE_REF])
    return nl.new_issue(chosen, nl.load_rules(), nl.Masthead(publisher="北京关键要素科技有限公司", date="2018-11-30",
                                                             issue="(2018) 1104 期", contact=CONTACT))


def _view(issue, records, full=False):
    return nl.build_view(issue, records, nl.load_rules(), full)


# ── the round trip ──────────────────────────────────────────────────────────────────────────

def test_round_trip_toc_matches_the_sample_issue(sample_issue, records):
    expected = sample_toc()
    assert [s for s, _ in expected] == ["政策文件", "项目申报", "绿色制造"]
    assert sum(len(t) for _, t in expected) == 9
    view = _view(sample_issue, records, full=True)
    html = nl.render_html(view)
    assert html_toc(html) == expected
    # the same 文号, as written in the sample issue, in the same places
    sample_numbers = {d.canonical for d in find_numbers(SAMPLE.read_text(encoding="utf-8"))}
    soup = BeautifulSoup(html, "html.parser")
    shown = [a.select_one(".doc-number") for a in soup.select("article.item")]
    by_title = {_norm(r.title): r for r in records if r.source == SAMPLE.name}
    for article, number in zip(soup.select("article.item"), shown):
        rec = by_title[_norm(article.select_one(".item-title").get_text())]
        assert (number.get_text() if number else None) == rec.doc_number
        assert rec.doc_number is None or rec.doc_number in sample_numbers
    assert sum(1 for n in shown if n) == 6
    # masthead and contact line of the sample
    assert soup.select_one(".masthead .publisher").get_text() == "北京关键要素科技有限公司"
    assert soup.select_one(".masthead .issue").get_text().startswith("(2018) 1104 期")
    assert soup.select_one("footer.contact").get_text() == CONTACT


def test_round_trip_in_markdown_and_docx(sample_issue, records, tmp_path):
    expected = [t for _, titles in sample_toc() for t in titles]
    view = _view(sample_issue, records)
    md = nl.render_markdown(view)
    toc = md.split("### 目 录", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"\*\*\[(.+?)\]\*\*", toc) == ["政策文件", "项目申报", "绿色制造"]
    assert [_norm(t) for t in re.findall(r"^\d+\. \[(.+?)\]\(#item-\d+\)", toc, re.M)] == expected
    doc = Document(nl.render_docx(view, tmp_path / "issue.docx"))
    heads = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert [_norm(t) for t in heads] == expected
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"][1:] == ["[政策文件]", "[项目申报]", "[绿色制造]"]


def test_section_rules_alone_reproduce_the_sample_sections(records):
    """Without the categories the sample was published under, the rules put each document where the team did."""
    rules = nl.load_rules()
    got = [(r.title, nl.section_of(Record(id=r.id, source=r.source, title=r.title, text=r.text), rules))
           for r in records if r.source == SAMPLE.name]
    assert [s for _, s in got] == [r.category for r in records if r.source == SAMPLE.name]


# ── section rules ───────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("title, section", [
    ("关于组织申报2019年度工业转型升级资金项目的通知", "项目申报"),
    ("国家重点研发计划“智能机器人”重点专项2019年度项目申报指南", "项目申报"),
    ("关于征集2019年中小企业公共服务示范平台的通知", "项目申报"),
    ("关于加快推进绿色制造体系建设的通知", "绿色制造"),
    ("关于印发“十四五”节能降碳行动方案的通知", "绿色制造"),
    ("某省控制温室气体排放工作方案", "绿色制造"),
    ("关于推进环保装备制造业高质量发展的指导意见", "绿色制造"),
    ("关于促进中小企业健康发展的指导意见", "政策文件"),
    ("关于调整进口税收政策的通知", "政策文件"),
])
def test_section_rules_on_titles(title, section):
    assert nl.load_rules().section_for(title, "正文。") == section


def test_section_rules_on_texts():
    rules = nl.load_rules()
    green = "推动工业低碳转型，发展绿色产业，实施节能改造。" * 5
    assert rules.section_for("关于印发某市工作方案的通知", green) == "绿色制造"
    passing = "加快发展先进制造业，提升产业链水平。" * 20 + "鼓励绿色发展。"
    assert rules.section_for("关于印发某市工作方案的通知", passing) == "政策文件"
    calls = "申报单位须在线填写申报书。申报材料一式两份。" * 5
    assert rules.section_for("关于某项工作的通知", calls) == "项目申报"


def test_a_documents_category_wins_over_the_rules():
    rec = Record(id="x", source="x.txt", title="关于绿色制造的通知", category="政策文件", text="绿色。")
    assert nl.section_of(rec, nl.load_rules()) == "政策文件"


def test_section_names_and_rules_are_configurable(tmp_path, monkeypatch):
    f = tmp_path / "sections.toml"
    f.write_text('order = ["要闻", "申报通知"]\ndefault = "要闻"\n'
                 '[[rules]]\nsection = "申报通知"\ntitle = ["申报"]\n', encoding="utf-8")
    rules = nl.load_rules(f)
    assert rules.order == ["要闻", "申报通知"]
    assert rules.section_for("关于组织申报的通知") == "申报通知"
    assert rules.section_for("关于绿色发展的意见") == "要闻"
    assert rules.digest["measures_max"] == 8          # digest settings fall back to the packaged file
    monkeypatch.setenv("KB_SECTIONS", str(f))
    assert nl.load_rules().order == ["要闻", "申报通知"]
    f.write_text("order = [", encoding="utf-8")
    with pytest.raises(KbError, match="section rules"):
        nl.load_rules(f)


# ── selection ───────────────────────────────────────────────────────────────────────────────

def test_select_by_date_range_ids_and_numbers(records):
    ids = lambda rs: [r.id for r in rs]
    in_nov = nl.select(records, date_from="2018-11-19", date_to="2018-11-30")
    assert ids(in_nov) == [f"{SAMPLE_REF}-{n:02d}" for n in (1, 2, 5, 8)]   # -05 by its 发布日期 2018-11-23
    assert ids(nl.select(records, date_from="2018-11-22", date_to="2018-11-23", on="published")) == [f"{SAMPLE_REF}-05"]
    assert ids(nl.select(records, date_from="2018-11-22", date_to="2018-11-23", on="date")) == []
    assert ids(nl.select(records, include=["工信部联节(2018)247号", "长政办发〔2024〕9号"])) == [
        f"{SAMPLE_REF}-08", "003_f3d4360a175c3323"]
    got = nl.select(records, date_from="2018-11-01", date_to="2018-11-30", include=["晋政发〔2017〕44号"],
                    exclude=["工信厅企业函〔2018〕381号", f"{SAMPLE_REF}-05"])
    assert ids(got) == [f"{SAMPLE_REF}-{n:02d}" for n in (1, 3, 8, 9)]
    assert len(nl.select(records, include=[SAMPLE_REF])) == 9
    assert len(nl.select(records)) == len(records)
    with pytest.raises(NotFound, match="国发〔2099〕1号"):
        nl.select(records, include=["国发〔2099〕1号"])


def test_masthead_is_the_users_not_the_source_newsletters(records, built, tmp_path):
    """Publisher and issue number are the user's (--publisher, --issue), never those of the
    newsletter the documents were read from (the sample compilation: 北京关键要素科技有限公司,
    (2018) 1104 期), even when every document comes from it."""
    chosen = nl.select(records, include=[SAMPLE_REF])
    assert {(r.newsletter or {}).get("issue") for r in chosen} == {"(2018) 1104 期"}
    head = nl.new_issue(chosen, nl.load_rules()).masthead
    assert (head.publisher, head.issue) == ("", "")
    head = nl.new_issue(chosen, nl.load_rules(), nl.Masthead(title="快讯", issue="(2026) 1 期")).masthead
    assert head.issue == "(2026) 1 期"
    run = lambda *a: CliRunner().invoke(main, [*a, "--index", str(built[0])])
    out = tmp_path / "issue.md"
    assert run("newsletter", "build", "--include", SAMPLE_REF, "--out", str(out)).exit_code == 0
    assert "1104" not in out.read_text(encoding="utf-8")
    assert run("newsletter", "build", "--include", SAMPLE_REF, "--issue", "(2026) 1 期", "--out", str(out)).exit_code == 0
    assert "(2026) 1 期" in out.read_text(encoding="utf-8")


# ── digest ──────────────────────────────────────────────────────────────────────────────────

def test_digest_is_read_from_the_document(records):
    conf = nl.load_rules().digest
    by_id = {r.id: r for r in records}
    guide = nl.digest(by_id[f"{SAMPLE_REF}-05"], conf)
    assert guide.purpose.startswith("根据国务院印发的") and guide.purpose in by_id[f"{SAMPLE_REF}-05"].text
    assert guide.measures == ["项目组织申报工作流程", "组织申报的推荐单位", "申报资格要求", "具体申报方式"]
    marked = [t for spans in guide.deadlines for t, m in spans if m]
    assert "2019年1月14日16:00" in marked and "2019年1月16日" in marked
    plan = nl.digest(by_id[f"{SAMPLE_REF}-07"], conf)
    assert plan.measures[0] == "推进国家级朔州区域工业绿色发展试点"       # sub-sections of 主要任务
    assert plan.measures_total == 6
    climate = nl.digest(by_id[f"{SAMPLE_REF}-09"], conf)
    assert climate.targets[0] == "2020年：单位地区生产总值二氧化碳排放比2015年下降18%"
    for r in records:                                                    # extracted, never invented
        d = nl.digest(r, conf)
        assert d.purpose is None or d.purpose.rstrip("…") in r.text


def test_support_amounts_are_marked():
    text = ("关于支持企业发展的通知\n对新认定的企业给予一次性奖励50万元。\n"
            "申报企业注册资金不低于200万元。\n对示范项目按投资额的10%给予补助，最高不超过1000万元。\n")
    rec = process_text(text, "x.txt")[0]
    marked = [[t for t, m in spans if m] for spans in nl.digest(rec, nl.load_rules().digest).amounts]
    assert len(marked) == 2 and "50万元" in marked[0] and "1000万元" in marked[1]
    assert "200万元" not in str(marked)


# ── the issue file ──────────────────────────────────────────────────────────────────────────

def test_issue_file_round_trips(sample_issue, records):
    text = nl.to_toml(sample_issue, {r.id: r for r in records})
    assert nl.from_toml(text) == sample_issue
    assert "# 关于发布国家重点研发计划" in text          # titles as comments


def test_issue_file_edit_and_render_cycle(built, tmp_path):
    index = str(built[0])
    run = lambda *a: CliRunner().invoke(main, [*a, "--index", index], catch_exceptions=False)
    issue = tmp_path / "issue.toml"
    r = run("newsletter", "init", "--include", SAMPLE_REF, "--date", "2018-11-30", "--contact", CONTACT,
            "--issue", "(2018) 1104 期", "--out", str(issue))
    assert r.exit_code == 0, r.output
    text = issue.read_text(encoding="utf-8")
    # the team's edits: sections reordered, one item moved, one noted, one dropped, one added by 文号
    text = text.replace('order = ["政策文件", "项目申报", "绿色制造"]', 'order = ["绿色制造", "项目申报", "政策文件"]')
    text = text.replace(f'ref = "{SAMPLE_REF}-02"\nsection = "政策文件"', f'ref = "{SAMPLE_REF}-02"\nsection = "项目申报"')
    text = text.replace(f'ref = "{SAMPLE_REF}-05"\nsection = "项目申报"\nnote = ""',
                        f'ref = "{SAMPLE_REF}-05"\nsection = "项目申报"\nnote = "<注意>预申报书1月14日截止"')
    text = re.sub(rf'\[\[items\]\]\nref = "{SAMPLE_REF}-03"\n.*?\n.*?\n', "", text)
    text = text.replace('issue = "(2018) 1104 期"', 'issue = "(2018) 1105 期"')
    text += '\n[[items]]\nref = "鄂府发[2018]90号"\ntitle = "鄂尔多斯市“十三五”节能降碳综合工作方案"\n'
    issue.write_text(text, encoding="utf-8")

    out = tmp_path / "issue.html"
    r = run("newsletter", "render", str(issue), "--out", str(out))
    assert r.exit_code == 0, r.output
    assert "9 documents in 3 sections (绿色制造 5, 项目申报 2, 政策文件 2)" in r.output
    html = out.read_text(encoding="utf-8")
    toc = html_toc(html)
    assert [s for s, _ in toc] == ["绿色制造", "项目申报", "政策文件"]
    assert toc[0][1][-1] == "鄂尔多斯市“十三五”节能降碳综合工作方案"     # no section: the rules chose
    assert _norm("工业和信息化部办公厅关于开展专精特新“小巨人”企业培育工作的通知") in toc[1][1]
    assert not any("重大技术装备" in t for _, ts in toc for t in ts)
    assert "&lt;注意&gt;预申报书1月14日截止" in html and "(2018) 1105 期" in html
    # deterministic: same knowledge base, same issue file -> same bytes
    for fmt in ("html", "md"):
        a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        for f in (a, b):
            assert run("newsletter", "render", str(issue), "--out", str(f)).exit_code == 0
        assert a.read_bytes() == b.read_bytes()


def test_issue_file_errors(tmp_path, built):
    with pytest.raises(KbError, match="not valid TOML"):
        nl.from_toml("order = [")
    with pytest.raises(KbError, match="no ref"):
        nl.from_toml("[[items]]\nnote = 'x'\n")
    with pytest.raises(KbError, match="unknown keys: sektion"):
        nl.from_toml("[[items]]\nref = 'a'\nsektion = 'x'\n")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[items]]\nref = "国发〔2099〕1号"\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["newsletter", "render", str(bad), "--index", str(built[0])])
    assert r.exit_code == 1 and "国发〔2099〕1号" in r.output


# ── formats and the command line ────────────────────────────────────────────────────────────

def test_html_escapes_document_text():
    rec = Record(id="x", source="x.txt", title="<script>alert(1)</script>关于测试的通知",
                 text="<script>alert(1)</script>关于测试的通知\n为测试<b>转义</b>，制定本办法。\n", links=["javascript:alert(1)"])
    issue = nl.Issue(nl.Masthead(publisher="A & B <公司>"), ["政策文件"], [nl.Item("x", note="<i>注</i>")])
    html = nl.render_html(nl.build_view(issue, [rec], nl.load_rules(), full=True))
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;转义&lt;/b&gt;" in html and "&lt;i&gt;注&lt;/i&gt;" in html and "A &amp; B &lt;公司&gt;" in html
    assert 'href="javascript' not in html


def test_full_text_only_with_full(sample_issue, records):
    short, full = (nl.render_html(_view(sample_issue, records, f)) for f in (False, True))
    sentence = "鼓励中小企业参与“一带一路”投资贸易合作"
    assert sentence not in short and sentence in full
    assert full.count('class="fulltext"') == 9


def test_cli_build_and_usage_errors(built, tmp_path):
    index = str(built[0])
    r = CliRunner().invoke(main, ["newsletter", "build", "--from", "2018-11-19", "--to", "2018-11-30",
                                  "--format", "md", "--date", "2018-12-01", "--index", index])
    assert r.exit_code == 0, r.output
    assert "关于推进金融支持县域工业绿色发展工作的通知" in r.output and "**[绿色制造]**" in r.output
    r = CliRunner().invoke(main, ["newsletter", "build", "--format", "docx", "--index", index])
    assert r.exit_code == 2 and "needs --out" in r.output
    r = CliRunner().invoke(main, ["newsletter", "build", "--from", "2030-01-01", "--index", index])
    assert r.exit_code == 1 and "no document selected" in r.output
    out = tmp_path / "i.toml"
    out.write_text("edited", encoding="utf-8")
    r = CliRunner().invoke(main, ["newsletter", "init", "--out", str(out), "--index", index])
    assert r.exit_code == 1 and "--force" in r.output and out.read_text(encoding="utf-8") == "edited"
    docx = tmp_path / "i.docx"
    r = CliRunner().invoke(main, ["newsletter", "build", "--include", SAMPLE_REF, "--out", str(docx), "--index", index])
    assert r.exit_code == 0 and "(docx)" in r.output
    assert any("山西省绿色制造体系建设实施方案" == p.text for p in Document(docx).paragraphs)


def test_docx_toc_links_to_bookmarks(sample_issue, records, tmp_path):
    doc = Document(nl.render_docx(_view(sample_issue, records), tmp_path / "i.docx"))
    body = doc.element.body
    anchors = [h.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}anchor")
               for h in body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}hyperlink")]
    marks = [b.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}name")
             for b in body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}bookmarkStart")]
    assert [a for a in anchors if a] == marks == [f"item_{n}" for n in range(1, 10)]
    assert doc.sections[0].footer.paragraphs[0].text == CONTACT


def test_pdf_through_chromium(sample_issue, records, tmp_path, monkeypatch):
    monkeypatch.setenv("KB_CHROMIUM", need_chromium())
    pdf = nl.render(sample_issue, records, "pdf", tmp_path / "issue.pdf")
    data = Path(pdf).read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 3


def test_pdf_without_chromium_says_so(sample_issue, records, tmp_path, monkeypatch):
    monkeypatch.delenv("KB_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(KbError, match="PDF needs Chromium"):
        nl.render(sample_issue, records, "pdf", tmp_path / "issue.pdf")


def test_html_renders_in_headless_chromium(sample_issue, records, tmp_path):
    exe = need_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("playwright is not installed")
    page_file = tmp_path / "issue.html"
    page_file.write_text(nl.render_html(_view(sample_issue, records, full=True)), encoding="utf-8")
    titles = [t for _, ts in sample_toc() for t in ts]
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 860, "height": 1180})
            page.goto(page_file.as_uri())
            toc = page.locator("nav.toc")
            assert toc.is_visible()
            assert toc.locator("h3").all_inner_texts() == ["[政策文件]", "[项目申报]", "[绿色制造]"]
            links = toc.locator("li a")
            assert [_norm(t) for t in links.all_inner_texts()] == titles
            assert all(links.nth(i).is_visible() for i in range(links.count()))
            page.screenshot(path=str(OUTPUT / "newsletter.png"))
            links.nth(8).click()                                  # the TOC jumps to the item
            page.wait_for_function("location.hash === '#item-9'")
            target = page.locator("#item-9 .item-title")
            assert target.is_visible() and _norm(target.inner_text()) == titles[8]
            assert page.evaluate("document.querySelector('#item-9').getBoundingClientRect().top") < 50
        finally:
            browser.close()
    assert (OUTPUT / "newsletter.png").stat().st_size > 10_000


def test_cli_out_txt_writes_text_and_an_unknown_suffix_is_refused(built, tmp_path, monkeypatch):
    index = str(built[0])
    txt = tmp_path / "issue.txt"
    r = CliRunner().invoke(main, ["newsletter", "build", "--include", SAMPLE_REF, "--out", str(txt), "--index", index])
    assert r.exit_code == 0, r.output
    text = txt.read_text(encoding="utf-8")
    assert "<html" not in text.lower() and "关于推进金融支持县域工业绿色发展工作的通知" in text
    odd = tmp_path / "issue.rtf"
    r = CliRunner().invoke(main, ["newsletter", "build", "--include", SAMPLE_REF, "--out", str(odd), "--index", index])
    assert r.exit_code == 2 and "cannot tell the format" in r.output and not odd.exists()
    # the default publisher is none (not the sample compilation's), or $KB_PUBLISHER
    r = CliRunner().invoke(main, ["newsletter", "build", "--include", SAMPLE_REF, "--format", "md", "--index", index])
    assert "北京关键要素科技有限公司" not in r.output.split("##")[0]
    monkeypatch.setenv("KB_PUBLISHER", "某某咨询公司")
    r = CliRunner().invoke(main, ["newsletter", "build", "--include", SAMPLE_REF, "--format", "md", "--index", index])
    assert "某某咨询公司" in r.output.split("##")[0]
