import codecs
import hashlib
import io
import random
import zipfile

import docx
import pytest

from kb.errors import ReadError
from kb.read import MB, SUPPORTED, list_corpus, read_document

ZH = (
    "国务院关于印发“十三五”节能减排综合工作方案的通知\n"
    "国发〔2016〕74号\n"
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
    "现将《“十三五”节能减排综合工作方案》印发给你们，请结合本地区、本部门实际，认真贯彻执行。\n"
    "一、总体要求和目标\n"
    "（一）指导思想。全面贯彻党的十八大和十八届三中、四中、五中、六中全会精神，"
    "落实节约资源和保护环境基本国策，以提高能源利用效率和改善生态环境质量为目标。\n"
    "（二）主要目标。到2020年，全国万元国内生产总值能耗比2015年下降15%，能源消费总量控制在50亿吨标准煤以内。\n"
)
TW = (
    "國務院關於印發節能減排綜合工作方案的通知\n"
    "各省、自治區、直轄市人民政府，國務院各部委、各直屬機構：\n"
    "現將《節能減排綜合工作方案》印發給你們，請結合本地區、本部門實際，認真貫徹執行。\n"
    "一、總體要求和目標\n"
    "全面貫徹黨的十八大精神，落實節約資源和保護環境基本國策，以提高能源利用效率和改善生態環境質量為目標。\n"
)


def write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return p


def reason_of(path, **kw):
    with pytest.raises(ReadError) as e:
        read_document(path, **kw)
    assert e.value.path == str(path)
    return e.value.reason


# ---------------------------------------------------------------- encodings

@pytest.mark.parametrize("data, encoding", [
    (ZH.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + ZH.encode("utf-8"), "utf-8-sig"),
    (ZH.encode("gbk"), "gb18030"),
    (ZH.encode("gb2312"), "gb18030"),
    (ZH.encode("utf-16"), "utf-16"),  # with a BOM (little-endian here)
    (codecs.BOM_UTF16_BE + ZH.encode("utf-16-be"), "utf-16"),
    (ZH.encode("utf-16-le"), "utf-16-le"),
    (ZH.encode("utf-16-be"), "utf-16-be"),
])
def test_encodings_decode_to_the_same_text(tmp_path, data, encoding):
    doc = read_document(write(tmp_path, "doc.txt", data))
    assert doc.text == ZH
    assert doc.encoding == encoding
    assert doc.format == "txt"
    assert doc.source == "doc.txt"
    assert doc.sha256 == hashlib.sha256(data).hexdigest()


def test_gb18030_only_characters(tmp_path):
    text = ZH + "吉林省𠮷林市关于€计价的说明\n"  # 𠮷 (U+20BB7) and € are not in GBK
    doc = read_document(write(tmp_path, "gb.txt", text.encode("gb18030")))
    assert doc.encoding == "gb18030"
    assert doc.text == text


def test_short_gbk_text(tmp_path):
    text = "国务院关于印发节能减排综合工作方案的通知"
    assert len(text) == 20
    doc = read_document(write(tmp_path, "short.txt", text.encode("gbk")))
    assert (doc.text, doc.encoding) == (text, "gb18030")


def test_big5(tmp_path):
    doc = read_document(write(tmp_path, "tw.txt", TW.encode("big5")))
    assert (doc.text, doc.encoding) == (TW, "big5")


def test_damaged_files_are_read_with_few_replacements(tmp_path):
    cut = read_document(write(tmp_path, "cut.txt", (ZH * 3).encode("utf-8")[:-2]))  # ends inside "。"
    assert cut.encoding == "utf-8"
    assert cut.text.startswith(ZH * 2) and cut.text.endswith("以内\ufffd")
    gbk = (ZH * 5).encode("gbk")
    stray = read_document(write(tmp_path, "stray.txt", gbk[:101] + b"\xff" + gbk[101:]))
    assert stray.encoding == "gb18030"
    assert stray.text.count("\ufffd") <= 3 and stray.text.endswith(ZH * 4)


def test_line_endings_and_control_characters(tmp_path):
    raw = ZH.replace("\n", "\r\n") + "第一行\r第二行\x00\x07结束\x0c下一页\t制表\n"
    doc = read_document(write(tmp_path, "crlf.txt", raw))
    assert doc.text == ZH + "第一行\n第二行结束\n下一页\t制表\n"
    assert "\r" not in doc.text


def test_markdown_is_kept_as_is(tmp_path):
    md = "# 标题\n\n## 快 讯\n\n<b>[政策文件]</b> .....\t**2**\n" + ZH
    doc = read_document(write(tmp_path, "a.markdown", md))
    assert (doc.text, doc.format) == (md, "md")


# ---------------------------------------------------------------- refused input

def test_empty_file(tmp_path):
    assert reason_of(write(tmp_path, "empty.txt", b"")) == "empty file"
    assert "empty" in reason_of(write(tmp_path, "blank.txt", b" \r\n\t\n"))


@pytest.mark.parametrize("data, word", [
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
    (b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(100), "JPEG"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), ".doc"),
    (b"\x7fELF\x02\x01\x01" + bytes(100), "executable"),
])
def test_binary_magic_numbers(tmp_path, data, word):
    reason = reason_of(write(tmp_path, "renamed.txt", data))
    assert reason.startswith("binary file (looks like")
    assert word in reason


def test_zip_renamed_txt(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", ZH)
    reason = reason_of(write(tmp_path, "archive.txt", buf.getvalue()))
    assert reason == "binary file (looks like a ZIP archive)"


def test_docx_renamed_txt_says_so(tmp_path):
    d = docx.Document()
    d.add_paragraph(ZH)
    d.save(tmp_path / "real.docx")
    txt = write(tmp_path, "renamed.txt", (tmp_path / "real.docx").read_bytes())
    assert ".docx" in reason_of(txt)


def test_random_bytes(tmp_path):
    data = random.Random(0).randbytes(8192)
    reason = reason_of(write(tmp_path, "noise.txt", data))
    assert reason.startswith(("binary file", "not text"))


def test_undecodable_text(tmp_path):
    # no NULs, few control bytes, but no encoding makes text of it
    rng = random.Random(1)
    data = bytes(rng.randrange(0x80, 0x100) for _ in range(4000))
    assert reason_of(write(tmp_path, "junk.txt", data)) == "not text: could not detect an encoding"


def test_file_too_large(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(30 * MB)  # sparse: instant, and the size check must refuse it before reading
    assert reason_of(big) == "file too large (30.0 MB > 20 MB limit)"
    small = write(tmp_path, "small.txt", ZH)
    assert "too large" in reason_of(small, max_bytes=100)
    assert read_document(small, max_bytes=10_000).text == ZH


def test_unsupported_and_missing(tmp_path):
    assert "unsupported file type '.pdf'" in reason_of(write(tmp_path, "a.pdf", ZH))
    assert reason_of(tmp_path / "missing.txt").startswith("cannot read file")


def test_odd_file_name(tmp_path):
    p = write(tmp_path, "政策 文件 (1).txt", ZH.encode("gbk"))
    doc = read_document(str(p))
    assert doc.source == "政策 文件 (1).txt"
    assert doc.path == str(p)
    assert doc.text == ZH


# ---------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>节能减排方案_中国政府网</title>
<style>.x{color:red}</style><script>var tracker = "TRACKING-CODE";</script></head>
<body>
<div class="top-nav"><a href="/">首页</a><a href="/zc">政策栏目导航</a></div>
<div id="menu"><ul><li>菜单一</li><li>菜单二</li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 政策</div>
<div class="ad-box">广告：招商加盟热线</div>
<div class="wrap">
  <div class="sidebar"><h3>热点专题</h3><p>侧栏推荐内容</p></div>
  <div class="article">
    <h1>国务院关于印发“十三五”节能减排综合工作方案的通知</h1>
    <p>国发〔2016〕74号</p>
    <p>各省、自治区、直辖市人民政府：</p>
    <p>　　现将《“十三五”节能减排综合工作方案》印发给你们，
       请认真贯彻执行。</p>
    <p>第一行<br>第二行</p>
    <p>原文链接：<a href="https://www.gov.cn/zhengce/content/2017-01/05/content_5156789.htm">https://www.gov.cn/zhengce/content/2017-01/0…</a></p>
    <ul><li>目标一</li><li>目标二</li></ul>
    <div class="share">分享到：微信 微博</div>
  </div>
  <div class="related">相关稿件：另一份文件的标题</div>
</div>
<div class="footer">版权所有：中国政府网 京ICP备05070218号</div>
<script>document.write("LATE-SCRIPT")</script>
</body></html>"""


def test_html_keeps_article_and_drops_chrome(tmp_path):
    doc = read_document(write(tmp_path, "page.html", PAGE))
    assert doc.format == "html"
    assert doc.encoding == "utf-8"
    lines = doc.text.split("\n")
    assert lines[:4] == [
        "国务院关于印发“十三五”节能减排综合工作方案的通知",
        "国发〔2016〕74号",
        "各省、自治区、直辖市人民政府：",
        "现将《“十三五”节能减排综合工作方案》印发给你们， 请认真贯彻执行。",
    ]
    assert "第一行\n第二行" in doc.text
    assert "原文链接：https://www.gov.cn/zhengce/content/2017-01/05/content_5156789.htm" in lines
    assert "目标一\n目标二" in doc.text
    for chrome in ("首页", "导航", "菜单", "当前位置", "广告", "侧栏", "热点专题", "分享",
                   "相关稿件", "版权所有", "TRACKING", "LATE-SCRIPT", "color", "中国政府网"):
        assert chrome not in doc.text, chrome


def test_html_page_wide_form_is_not_dropped(tmp_path):
    # ASP.NET pages wrap the whole body in a <form>; only small forms (search boxes) are chrome
    page = ("<html><body><form id='form1' action='x.aspx'>"
            "<form class='s'><input name='q'><button>搜索</button></form>"
            "<div class='zw'><p>各区县人民政府：</p><p>现将节能减排综合工作方案印发给你们，请认真贯彻执行。</p></div>"
            "</form></body></html>")
    doc = read_document(write(tmp_path, "form.aspx.html", page))
    assert doc.text == "各区县人民政府：\n现将节能减排综合工作方案印发给你们，请认真贯彻执行。"


def test_html_info_table_becomes_label_lines(tmp_path):
    page = """<html><head><title>国务院关于印发“十三五”节能减排综合工作方案的通知_政府信息公开专栏</title></head><body>
    <table class="bd1">
      <tr><td>索 引 号：</td><td>000014349/2016-00217</td><td>主题分类：</td><td>节能与资源综合利用</td></tr>
      <tr><td>发布机构</td><td>国务院</td></tr>
      <tr><td>发文字号</td><td>国发〔2016〕74号</td></tr>
      <tr><th>成文日期：</th><td>2016年12月20日</td></tr>
    </table>
    <div class="pages_content" id="UCAP-CONTENT">
      <p>国务院关于印发“十三五”节能减排综合工作方案的通知</p>
      <p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：现将方案印发给你们。</p>
      <table><tr><th>地区</th><th>目标</th><th>备注</th></tr>
             <tr><td>北京</td><td>17%</td><td></td></tr>
             <tr><td><p>天津</p><p>河北</p></td><td>16%<br>（暂定）</td><td>完成</td></tr></table>
    </div></body></html>"""
    lines = read_document(write(tmp_path, "info.htm", page)).text.split("\n")
    assert lines[:6] == [
        "索引号：000014349/2016-00217",
        "主题分类：节能与资源综合利用",
        "发布机构：国务院",
        "发文字号：国发〔2016〕74号",
        "成文日期：2016年12月20日",
        "国务院关于印发“十三五”节能减排综合工作方案的通知",  # the <title> is not repeated
    ]
    assert "地区\t目标\t备注" in lines
    assert "北京\t17%" in lines
    assert "天津 河北\t16% （暂定）\t完成" in lines  # lines inside a data cell stay in its row


def test_html_without_heading_gets_its_title(tmp_path):
    page = ("<html><head><title>关于开展节能监察工作的通知_政策文件_某市人民政府</title></head><body>"
            "<div id='zoom'><p>各区县：</p><p>现就开展节能监察工作通知如下。</p></div></body></html>")
    doc = read_document(write(tmp_path, "t.html", page))
    assert doc.text == "关于开展节能监察工作的通知\n各区县：\n现就开展节能监察工作通知如下。"


def test_html_layout_table_page(tmp_path):
    # old government sites lay the page out with tables: cells with paragraphs keep their lines
    page = """<html><head><title>关于开展2024年节能监察的通知-某市工信局</title></head><body>
    <table width="100%"><tr><td><table class="dh"><tr><td>首页</td><td>政务公开</td></tr></table></td></tr>
    <tr><td class="bt">关于开展2024年节能监察的通知</td></tr>
    <tr><td id="zoom"><p>各县区工信局：</p><p>现就开展2024年节能监察工作通知如下：</p>
    <p>一、监察对象</p><p>年综合能耗5000吨标准煤以上企业。</p></td></tr>
    </table></body></html>"""
    assert read_document(write(tmp_path, "old.html", page)).text.split("\n") == [
        "关于开展2024年节能监察的通知",
        "各县区工信局：",
        "现就开展2024年节能监察工作通知如下：",
        "一、监察对象",
        "年综合能耗5000吨标准煤以上企业。",
    ]


def test_truncated_html(tmp_path):
    page = ("<!DOCTYPE html><html><head><title>x</title></head><body><div class='content'>"
            "<h2>节能减排综合工作方案</h2><p>各省、自治区、直辖市人民政府：</p>"
            "<p>现将方案印发给你们，请认真贯彻执行。</p><p>到2020年，能耗下降15%</p><p class=\"no")
    doc = read_document(write(tmp_path, "cut.html", page))
    assert doc.text.split("\n") == [
        "节能减排综合工作方案",
        "各省、自治区、直辖市人民政府：",
        "现将方案印发给你们，请认真贯彻执行。",
        "到2020年，能耗下降15%",
    ]


def test_gbk_html_with_meta_charset(tmp_path):
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            "<title>通知</title></head><body><div class='TRS_Editor'><h1>节能减排</h1>"
            + "".join(f"<p>{line}</p>" for line in ZH.splitlines()) + "</div></body></html>")
    doc = read_document(write(tmp_path, "gbk.html", page.encode("gbk")))
    assert doc.encoding == "gb18030"
    assert doc.text == "节能减排\n" + ZH.rstrip("\n")
    # a page that declares the wrong charset is still decoded by detection
    wrong = page.replace("charset=gb2312", "charset=utf-8").encode("gbk")
    assert read_document(write(tmp_path, "wrong.html", wrong)).text == doc.text


def test_html_declared_charset_is_used_when_detection_has_no_evidence(tmp_path):
    page = ('<html><head><meta charset="windows-1252"></head><body>'
            "<p>Caf\u00e9 \u2013 r\u00e9sum\u00e9 na\u00efve</p></body></html>")
    doc = read_document(write(tmp_path, "latin.html", page.encode("cp1252")))
    assert (doc.encoding, doc.text) == ("cp1252", "Caf\u00e9 \u2013 r\u00e9sum\u00e9 na\u00efve")


def test_txt_holding_an_html_page_is_read_as_html(tmp_path):
    page = "\n<!doctype html><html><body><p>第一段</p><script>x=1</script><p>第二段</p></body></html>"
    doc = read_document(write(tmp_path, "saved.txt", page))
    assert (doc.format, doc.text) == ("html", "第一段\n第二段")


def test_html_without_text(tmp_path):
    page = "<html><body><script>var a = 1;</script><nav>首页</nav></body></html>"
    assert "no text" in reason_of(write(tmp_path, "blank.html", page))


# ---------------------------------------------------------------- .docx

def test_docx_paragraphs_and_table(tmp_path):
    d = docx.Document()
    d.add_paragraph("国务院关于印发“十三五”节能减排综合工作方案的通知")
    d.add_paragraph("国发〔2016〕74号")
    table = d.add_table(rows=3, cols=2)
    for row, (a, b) in zip(table.rows, [("发文字号", "国发〔2016〕74号"), ("指标", "目标值"), ("能耗", "下降15%")]):
        row.cells[0].text, row.cells[1].text = a, b
    wide = d.add_table(rows=1, cols=3)
    for cell, value in zip(wide.rows[0].cells, ["北京", "17%", "完成"]):
        cell.text = value
    d.add_paragraph("各省、自治区、直辖市人民政府：")
    path = tmp_path / "方案 (定稿).docx"
    d.save(path)
    doc = read_document(path)
    assert (doc.format, doc.source) == ("docx", "方案 (定稿).docx")
    assert doc.text.split("\n") == [
        "国务院关于印发“十三五”节能减排综合工作方案的通知",
        "国发〔2016〕74号",
        "发文字号：国发〔2016〕74号",
        "指标：目标值",
        "能耗：下降15%",
        "北京\t17%\t完成",
        "各省、自治区、直辖市人民政府：",
    ]
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_corrupt_docx(tmp_path):
    d = docx.Document()
    d.add_paragraph("正文")
    d.save(tmp_path / "ok.docx")
    cut = write(tmp_path, "cut.docx", (tmp_path / "ok.docx").read_bytes()[:400])
    assert reason_of(cut).startswith("not a valid .docx:")
    assert reason_of(write(tmp_path, "text.docx", ZH)).startswith("not a valid .docx:")
    old = write(tmp_path, "old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert reason_of(old).startswith("not a valid .docx: looks like an old Word")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "x")
    assert reason_of(write(tmp_path, "zip.docx", buf.getvalue())) == (
        "not a valid .docx: There is no item named '[Content_Types].xml' in the archive")


# ---------------------------------------------------------------- corpus listing

def test_list_corpus(tmp_path):
    for name in ["b.txt", "a.md", "sub/c.html", "sub/deeper/d.docx", "sub/e.HTM", "z.markdown",
                 ".hidden.txt", ".git/x.txt", "sub/.cache/y.md", "~$lock.docx",
                 "notes.pdf", "image.png", "README"]:
        p = tmp_path / "corpus" / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    found = list_corpus(tmp_path / "corpus")
    assert [p.relative_to(tmp_path / "corpus").as_posix() for p in found] == [
        "a.md", "b.txt", "sub/c.html", "sub/deeper/d.docx", "sub/e.HTM", "z.markdown"]
    assert all(p.suffix.lower() in SUPPORTED for p in found)


def test_list_corpus_not_a_folder(tmp_path):
    with pytest.raises(ReadError):
        list_corpus(tmp_path / "nope")


def test_control_characters_are_normalised_as_by_translate():
    from kb.read import encoding
    text = "".join(chr(c) for c in range(0, 0x80)) + "\u2028正文\u2029\x0b\x0c尾"
    expected = text.replace("\r\n", "\n").replace("\r", "\n").translate(encoding._CLEAN_MAP)
    assert encoding.normalise(text) == expected
