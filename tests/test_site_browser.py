"""The static site in headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

The site is built from the sample corpus plus one hostile file (script tags, an onerror image,
javascript: links, template syntax) that also cites a sample document, served by http.server on
127.0.0.1.  Screenshots of the home page and a document page go to tests/output/.
"""
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote

import pytest

from kb import pipeline, site

from conftest import CORPUS

CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
OUTPUT = Path(__file__).resolve().parent / "output"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]

HOSTILE = """关于<script>window.pwned=1</script>开展<img src=x onerror="window.pwned=2">网页安全测试工作的通知

测试发〔2019〕1号

各有关单位：

根据《关于发布国家重点研发计划“战略性国际科技创新合作”重点专项2018年度联合研发与示范项目申报指南的通知》（国科发资〔2018〕264号）要求，现将{{ 7*7 }}有关事项通知如下。

一、总体要求

<script>window.pwned=3</script>正文中的脚本标签应当显示为文字。<a href="javascript:window.pwned=4">点击这里</a>

二、工作安排

{% raw %}模板语法{{ config }}应当原样显示。<svg onload="window.pwned=5"></svg><iframe src="javascript:window.top.pwned=6"></iframe>

测试办公室
2019年1月2日
"""


def _chromium_or_skip():
    if Path(CHROMIUM).exists():
        return
    reason = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to run the browser tests"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    _chromium_or_skip()
    pytest.importorskip("playwright.sync_api")
    tmp = tmp_path_factory.mktemp("browser")
    corpus = tmp / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "zz_hostile.txt").write_text(HOSTILE, encoding="utf-8")
    pipeline.build(corpus, tmp / "index")
    site.build(tmp / "index", tmp / "site")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp / "site")))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/", tmp / "site"
    srv.shutdown()


@pytest.fixture(scope="module")
def browser(served):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(params=[False], ids=["csp"])
def page(browser, request):
    # The site's Content-Security-Policy is on: its scripts are files, so they run under it.
    # The hostile-text test also runs with it off, to prove escaping alone stops the scripts.
    ctx = browser.new_context(viewport={"width": 1100, "height": 900}, bypass_csp=request.param)
    pg = ctx.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
    yield pg
    ctx.close()
    assert errors == []


def _search(page, base, text):
    page.goto(base + "search.html")
    page.fill("#q", text)
    page.wait_for_selector("#results[aria-busy=false] li.hit")
    return page


def test_keyword_search_puts_the_right_document_first(page, served):
    base, _ = served
    _search(page, base, "专精特新")
    first = page.locator("#results li.hit").first
    assert "工信厅企业函〔2018〕381号" in first.locator(".meta").inner_text()
    assert "专精特新" in first.locator(".snippet mark").first.inner_text()


@pytest.mark.parametrize("start, typed", [("search.html", "国科发资(2018)264号"),   # the search page
                                          ("index.html", "国科发资[2018]264号")])   # the home page's box
def test_a_document_number_in_any_variant_reaches_its_page(page, served, start, typed):
    base, _ = served
    page.goto(base + start)
    page.fill("#q", typed)
    page.press("#q", "Enter")
    page.wait_for_url(lambda u: "/doc/" in u)
    assert unquote(page.url).endswith("/doc/国科发资-2018-264.html")
    assert "国际科技创新合作" in page.locator("h1").inner_text()


def test_filter_by_category(page, served):
    base, _ = served
    page.goto(base + "search.html")
    page.click("#filters summary")
    page.select_option("select[name=category]", "项目申报")
    page.wait_for_selector("#results[aria-busy=false] li.hit")
    hits = page.locator("#results li.hit .meta").all_inner_texts()
    assert hits and "国科发资〔2018〕264号" in hits[0]
    assert all("国科发资" in h for h in hits)
    assert "category=" in page.url   # the filter is in the address, so results can be linked
    page.goto(page.url)               # …and a linked address shows the filter and its results
    page.wait_for_selector("#results[aria-busy=false] li.hit")
    assert page.locator("#filters").get_attribute("open") is not None
    assert page.locator("select[name=category]").input_value() == "项目申报"


def test_section_anchor_and_citation_link(page, served):
    base, out = served
    page.goto(base + "doc/测试发-2019-1.html")
    page.click("nav.toc a[href='#s2']")
    assert page.url.endswith("#s2")
    assert page.evaluate("document.querySelector(':target').id") == "s2"
    assert page.locator("#s2").is_visible()
    page.click("a.cite")      # 国科发资〔2018〕264号 in the text, a document of the knowledge base
    page.wait_for_url(lambda u: "264" in unquote(u))
    cited_by = page.locator("#cited-by + ul").inner_text()
    assert "网页安全测试" in cited_by          # the back-link
    OUTPUT.mkdir(exist_ok=True)
    page.goto(base + "doc/工信厅企业函-2018-381.html")
    page.screenshot(path=str(OUTPUT / "site-document.png"), full_page=True)


@pytest.mark.parametrize("page", [False, True], ids=["csp", "no-csp"], indirect=True)
def test_hostile_text_runs_no_script(page, served):
    base, _ = served
    page.goto(base + "doc/测试发-2019-1.html")
    text = page.locator("article.text").inner_text()
    for shown in ("<script>window.pwned=3</script>", '<a href="javascript:window.pwned=4">', "{{ config }}",
                  "{{ 7*7 }}", "{% raw %}", "<svg onload="):
        assert shown in text
    assert "<script>" in page.locator("h1").inner_text()   # the title, as extracted, shown as text
    for url in ("index.html", "search.html?q=脚本标签", "search.html?q=网页安全测试", "issuers.html",
                "issuer/测试办公室.html", "year/2019.html", "deadlines.html"):
        page.goto(base + url)
        if "q=" in url:
            page.wait_for_selector("#results[aria-busy=false] li.hit")
            assert "<script>" in page.locator("#results").inner_text()
        page.wait_for_load_state("load")
        assert page.evaluate("window.pwned") is None, url
        assert page.locator("main script, main img, main svg, main iframe").count() == 0, url


def test_home_page_screenshot_and_days_left(page, served):
    base, _ = served
    page.goto(base + "index.html")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("#counts ~ .counts h3").count() == 4
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "site-home.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})    # a phone: no horizontal scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible() and not page.locator("form.search").is_visible()


def test_javascript_number_rules_match_python(page, served):
    from kb.extract.numbers import normalize
    base, _ = served
    page.goto(base + "search.html")
    page.wait_for_function("!!window.kbSearch")
    refs = ["国发〔2016〕74号", "国发[2016]74号", "国发(2016)74 号", "国发2016年74号", "国发（２０１６）７４号",
            "工信部联节【2018】247号", "根据国发〔2016〕74号", "2018年第26号", "国发〔2016〕", "专精特新"]
    got = page.evaluate("async refs => Promise.all(refs.map(async r => (await kbSearch(r, {}, 'relevance', 1)).number))",
                        refs)
    assert got == [normalize(r) for r in refs]


PHONE_OVERFLOW = """() => {
  const w = window.innerWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > w + 0.5 || r.left < -0.5) && !el.closest('.skip') && getComputedStyle(el).position !== 'absolute')
      out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'auto')
      out.push('scrolls: ' + el.tagName + '.' + el.className + ' ' + el.scrollWidth);
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: w, out: out.slice(0, 10)};
}"""


def _biggest_document(folder):
    return max((folder / "doc").glob("*.html"), key=lambda p: p.stat().st_size).relative_to(folder).as_posix()


@pytest.mark.parametrize("width", [360, 390, 414])
def test_every_page_fits_a_phone(page, served, width):
    base, folder = served
    page.set_viewport_size({"width": width, "height": 844})
    OUTPUT.mkdir(exist_ok=True)
    pages = {"home": "index.html", "document": _biggest_document(folder), "guide": "doc/国科发资-2018-264.html",
             "deadlines": "deadlines.html",
             "issuers": "issuers.html", "search": "search.html"}
    for name, path in pages.items():
        page.goto(base + path)
        if name == "search":
            _search(page, base, "绿色制造")
            assert page.locator("li.hit").count() > 0
        fit = page.evaluate(PHONE_OVERFLOW)
        assert fit["scrollWidth"] <= fit["innerWidth"] and fit["out"] == [], (name, fit)
        if width == 390:
            page.screenshot(path=str(OUTPUT / f"phone-{name}.png"), full_page=True)
    # the metadata labels stay on one line (not 标/题, one character a line), above their values
    page.goto(base + pages["document"])
    label = page.locator("table.meta-table th").nth(1)
    line = float(page.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)", label.element_handle()))
    assert label.bounding_box()["height"] < 1.5 * line
    value = page.locator("table.meta-table td").nth(1).bounding_box()
    assert value["y"] >= label.bounding_box()["y"] + label.bounding_box()["height"] - 1
    # a deadline's 事项 gets the card's whole width, not a column of 1-2 characters
    page.goto(base + "deadlines.html")
    item = page.locator("table.deadlines td.card-text").first.bounding_box()
    assert item["width"] > 0.7 * width


def test_recurring_deadlines_of_an_ended_plan_are_past(page, served):
    """site.js recomputes a recurring deadline's next date in the browser; not after the day its
    document ends (data-until: the 长治 2024年行动计划 ends with 2024), as `kb deadlines` says."""
    from datetime import date
    base, _ = served
    page.goto(base + "deadlines.html")
    rows = page.evaluate("""() => [...document.querySelectorAll("tr[data-recur]")].map(r =>
        ({until: r.getAttribute("data-until"), past: r.classList.contains("past"),
          left: (r.querySelector(".left") || {}).textContent}))""")
    ended = [r for r in rows if r["until"] and r["until"] < date.today().isoformat()]
    assert ended and all(r["past"] and r["left"] in ("—", "已截止") for r in ended), rows
