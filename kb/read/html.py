"""HTML page -> lines of text, without navigation and other page chrome."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

LAYOUT_CELL_CHARS = 200        # a table cell with this much text is page layout, not data
LABEL_MAX_CHARS = 10           # "发文字号" | "国发〔2016〕74号": a label cell is short
MAIN_MIN_SHARE = 0.3           # the main-content element must hold this share of the page's text
CHROME_MAX_SHARE = 0.5         # never drop a "chrome" element that holds more than this share
INFO_MIN_LINES = 2             # label/value lines for a table outside the content to count as info table
HEADING_LOOKAHEAD = 5          # content lines searched for the page title before adding it

DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "button", "input", "select",
             "nav", "header", "footer", "aside")
CHROME_TAGS = ("form",)  # dropped like class/id chrome: only when not wrapping the document
CHROME_NAMES = ("nav", "menu", "breadcrumb", "footer", "header", "sidebar", "share", "toolbar", "login",
                "search", "advert", "banner", "copyright", "related", "comment", "qrcode")
MAIN_HINTS = ("content", "article", "trs_editor", "zoom", "main-text", "text", "detail", "pages_content", "con")
BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd div dl dt figcaption figure h1 h2 h3 h4 h5 h6 "
    "hr li main ol p pre section table tbody td tfoot th thead ul".split())


_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_CHROME = re.compile("|".join(CHROME_NAMES) + r"|(?<![a-z])ads?(?![a-z])", re.I)  # "ad", "ads", "ad-box", "top_ad"
_HTML_SPACE = re.compile(r"[ \t\n\r\f\xa0]+")
_URL = re.compile(r"(https?://|www\.)\S+", re.I)
_HEADING = re.compile(r"h[1-6]")
_SENTENCE_PUNCT = re.compile(r"[，。；！？、,;!?]")
_TITLE_SEP = re.compile(r"\s*(?:_|\||｜|--|—{2}|(?<!\d)-(?!\d))\s*")  # not the "-" of "2017-2020"


try:
    import lxml  # noqa: F401  (only probing: bs4 needs it for the faster, more forgiving parser)
    PARSER = "lxml"
except ImportError:
    PARSER = "html.parser"


def html_to_text(html: str) -> str:
    """The content of an HTML page as lines of text, without navigation and other page chrome."""
    soup = BeautifulSoup(html, PARSER)
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup.find_all(DROP_TAGS):
        if not tag.decomposed:
            tag.decompose()
    body = soup.body or soup
    _drop_chrome(body)
    main = _main_element(body)

    content = _tidy(_render(main))
    info: list[str] = []
    if main is not body:
        # the info table (发文字号, 成文日期 ...) of government pages sits outside the content div
        info = [line for t in body.find_all("table")
                if not any(p is main for p in t.parents) and not any(p is t for p in main.parents)
                for line in _info_table_lines(t)]
    heading: list[str] = []
    if not main.find(_HEADING):
        h1 = body.find("h1")
        text = h1.get_text(" ", strip=True) if h1 else _page_title(title)
        if text and text not in "\n".join(content[:HEADING_LOOKAHEAD]):
            heading = [text]
    return "\n".join(_tidy(heading + info + content))


def _attr_text(tag: Tag) -> str:
    return " ".join([tag.get("id") or "", *tag.get("class", [])])


def _weight(tag: Tag) -> int:
    return len(_IDEOGRAPH.findall(tag.get_text()))


def _drop_chrome(body: Tag) -> None:
    total = _weight(body) or 1
    for tag in body.find_all(lambda t: t.name in CHROME_TAGS or bool(_CHROME.search(_attr_text(t)))):
        # a wrapper (ASP.NET's page-wide <form>, class="page has-sidebar") may hold the document: keep it
        if not tag.decomposed and tag.name not in ("body", "main", "article") \
                and _weight(tag) <= CHROME_MAX_SHARE * total:
            tag.decompose()


def _main_element(body: Tag) -> Tag:
    total = _weight(body)
    if not total:
        return body  # no Chinese text to rank by
    candidates = body.find_all(lambda t: t.name in ("article", "main")
                               or any(h in _attr_text(t).lower() for h in MAIN_HINTS))
    best = max(candidates, key=_weight, default=None)
    return best if best is not None and _weight(best) >= MAIN_MIN_SHARE * total else body


def _page_title(title: str) -> str:
    # "关于…的通知_中国政府网": the longest part is the document's title
    return max(_TITLE_SEP.split(title), key=len).strip() if title else ""


class _Lines:
    """Collects text into lines: block boundaries end a non-blank line, <br> always ends one."""

    def __init__(self):
        self.lines: list[str] = []
        self.cur: list[str] = []

    def text(self, s: str) -> None:
        self.cur.append(s)

    def newline(self) -> None:
        self.lines.append("".join(self.cur))
        self.cur = []

    def block(self) -> None:
        if "".join(self.cur).strip():
            self.newline()
        self.cur = []


def _walk(node: Tag, out: _Lines, pre: bool = False) -> None:
    for child in node.children:
        if isinstance(child, Tag):
            name = child.name
            if name == "br":
                out.newline()
            elif name == "tr":
                out.block()
                for line in _row_lines(child):
                    out.text(line)
                    out.newline()
            elif name == "a" and _URL.fullmatch(child.get_text(strip=True)) \
                    and str(child.get("href", "")).startswith(("http://", "https://")):
                out.text(child["href"])  # the visible URL is often shortened with "…"
            elif name in BLOCK_TAGS:
                out.block()
                _walk(child, out, pre or name == "pre")
                out.block()
            else:
                _walk(child, out, pre)
        elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
            out.text(str(child) if pre else _HTML_SPACE.sub(" ", str(child)))


def _render(node: Tag) -> list[str]:
    out = _Lines()
    _walk(node, out)
    out.block()
    return "\n".join(out.lines).split("\n")


def _row_lines(tr: Tag) -> list[str]:
    cells = tr.find_all(["td", "th"], recursive=False)
    rendered = [[line for line in _tidy(_render(c)) if line] for c in cells]
    if len(cells) == 1 or any(c.find("table") for c in cells) \
            or any(sum(map(len, r)) >= LAYOUT_CELL_CHARS for r in rendered):
        return [line for r in rendered for line in r]  # page layout, not data: keep each cell's lines
    return cells_to_lines([" ".join(r) for r in rendered])


def _info_table_lines(table: Tag) -> list[str]:
    """The rows of a table made only of label/value rows, else nothing."""
    rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"], recursive=False)]
            for tr in table.find_all("tr")]
    pairs = [_label_pairs(r) for r in rows if any(r)]
    lines = [line for p in pairs for line in p] if all(pairs) else []
    return lines if len(lines) >= INFO_MIN_LINES else []  # one "首页 | 政务公开" row is a menu


def cells_to_lines(cells: list[str]) -> list[str]:
    """One table row as text: label rows as "label：value", other rows as cells joined by tabs."""
    cells = [_HTML_SPACE.sub(" ", c).strip() for c in cells]
    if not any(cells):
        return []
    return _label_pairs(cells) or ["\t".join(cells).rstrip("\t")]


def _label_pairs(cells: list[str]) -> list[str]:
    if len(cells) == 2 and cells[1] and _is_label(cells[0]):
        return [f"{_label(cells[0])}：{cells[1]}"]
    # 索引号： | 000014349/2016-00217 | 主题分类： | 城乡建设  (four-cell rows need the colons)
    if len(cells) >= 4 and len(cells) % 2 == 0 and all(_is_label(c, colon=True) for c in cells[0::2]):
        return [f"{_label(k)}：{v}" for k, v in zip(cells[0::2], cells[1::2]) if v]
    return []


def _label(cell: str) -> str:
    return re.sub(r"\s+", "", cell).strip(":：")  # "发 文 字 号：" -> "发文字号"


def _is_label(cell: str, colon: bool = False) -> bool:
    if colon and not cell.rstrip().endswith((":", "：")):
        return False
    core = _label(cell)
    return 0 < len(core) <= LABEL_MAX_CHARS and bool(_IDEOGRAPH.search(core)) and not _SENTENCE_PUNCT.search(core)


def _tidy(lines: list[str]) -> list[str]:
    """Collapse spaces, trim lines, allow at most two empty lines in a row, none at the ends."""
    out: list[str] = []
    blanks = 0
    for line in lines:
        line = re.sub(r" {2,}", " ", line).strip(" \u3000")
        if not line.strip():
            blanks += 1
            if blanks > 2 or not out:
                continue
            line = ""
        else:
            blanks = 0
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out
