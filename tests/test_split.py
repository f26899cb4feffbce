from kb.clean import clean
from kb.split import split

from conftest import CORPUS

NEWSLETTER = """北京某某咨询有限公司

快 讯

(2019) 12 期

目 录

[政策文件] ..... 2
关于甲的通知 ..... 2
[项目申报] ..... 5
乙市关于丙的实施方案 ..... 5

[政策文件]

关于甲的通知

国发〔2019〕1号

正文甲。

相关链接：

http://a.gov.cn/1.html

[项目申报]

乙市关于丙的实施方案

正文丙。

相关链接：

<http://b.gov.cn/2.html>

更多最新消息，请登录网站或拨打电话咨询。
"""


def test_newsletter_split_by_toc():
    parts = split(clean(NEWSLETTER))
    assert [p.category for p in parts] == ["政策文件", "项目申报"]
    assert [p.text.splitlines()[0] for p in parts] == ["关于甲的通知", "乙市关于丙的实施方案"]
    assert parts[0].links == ["http://a.gov.cn/1.html"]
    assert parts[1].links == ["http://b.gov.cn/2.html"]
    assert parts[0].newsletter["publisher"] == "北京某某咨询有限公司"
    assert parts[0].newsletter["issue"] == "(2019) 12 期"
    assert "目录" not in parts[0].text and "相关链接" not in parts[1].text
    assert "更多最新消息" not in parts[1].text


def test_compilation_without_toc_splits_on_links():
    text = "关于甲的通知\n正文甲。\n相关链接：\nhttp://a.gov.cn/1.html\n\n关于乙的意见\n正文乙。\n相关链接：http://b.gov.cn/2.html\n"
    parts = split(clean(text))
    assert [p.text.splitlines()[0] for p in parts] == ["关于甲的通知", "关于乙的意见"]
    assert [p.links for p in parts] == [["http://a.gov.cn/1.html"], ["http://b.gov.cn/2.html"]]


def test_single_document_is_one_part():
    parts = split(clean("关于甲的通知\n国发〔2019〕1号\n正文。\n"))
    assert len(parts) == 1 and parts[0].index == 0 and parts[0].category is None


def test_sample_newsletter_nine_documents_in_three_sections():
    text = clean((CORPUS / "002_7a7fb16a73060f53.txt").read_text(encoding="utf-8"))
    parts = split(text)
    assert len(parts) == 9
    assert [p.category for p in parts] == ["政策文件"] * 4 + ["项目申报"] + ["绿色制造"] * 4
    assert all(len(p.links) == 1 for p in parts)
