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
LEAD_LEVELS = 3                # ancestors of the content element whose earlier siblings may hold the heading
LEAD_MAX_CHARS = 300           # a heading block (title, date, 来源) is short

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
    return read_page(html)[0]


def read_page(html: str) -> tuple[str, list[dict]]:
    """(text, metadata) of an HTML page.

    The text is the page's content without navigation and other chrome; the metadata is what
    the page says about itself outside that text, each item ``{"field", "value", "from"}``:
    the ``<title>`` (its site part removed), the first ``<h1>``, and ``<meta>`` tags
    (ArticleTitle, PubDate, ContentSource …, names in kb/data/rules.toml [page]).
    """
    soup = BeautifulSoup(html, PARSER)
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    meta = _page_meta(soup, title)
    for tag in soup.find_all(DROP_TAGS):
        if not tag.decomposed:
            tag.decompose()
    body = soup.body or soup
    _drop_chrome(body)
    main = _main_element(body)

    content = _tidy(_lead_lines(main, body) + _render(main))
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
    return "\n".join(_tidy(heading + info + content)), meta


def _page_meta(soup, title: str) -> list[dict]:
    from kb import rules
    names = {k.lower(): v for k, v in rules.get("page", "meta_names").items()}
    out = []
    if title:
        out.append({"field": "title", "value": _page_title(title), "from": "<title>", "raw": title})
    h1 = soup.find("h1")
    if h1 is not None and h1.get_text(strip=True):
        out.append({"field": "heading", "value": _HTML_SPACE.sub(" ", h1.get_text(" ", strip=True)), "from": "<h1>"})
    for tag in soup.find_all("meta"):
        key = str(tag.get("name") or tag.get("property") or "").lower()
        value = _HTML_SPACE.sub(" ", str(tag.get("content") or "")).strip()
        if key in names and value:
            out.append({"field": names[key], "value": value, "from": f'<meta name="{key}">'})
    return out


def _link_share(tag: Tag) -> float:
    total = _weight(tag)
    return sum(_weight(a) for a in tag.find_all("a")) / total if total else 1.0


def _lead_lines(main: Tag, body: Tag) -> list[str]:
    """The page's heading block above the content element: the title, date and 来源 lines that
    a content-management template puts in sibling elements before the text.  Only nearby, short,
    not mostly-link blocks count (a menu is mostly links)."""
    if main is body:
        return []
    lead: list[list[str]] = []
    node, levels = main, 0
    while node is not body and node.parent is not None and levels < LEAD_LEVELS:
        before = []
        for sib in node.previous_siblings:
            if not isinstance(sib, Tag):
                continue
            if sib.name == "table" or sib.find("table") is not None:
                continue        # tables outside the content are read as the info table
            if _weight(sib) > LEAD_MAX_CHARS or _link_share(sib) > 0.5:
                break
            before.insert(0, sib)
        for sib in reversed(before):
            lead.insert(0, _render(sib))
        node, levels = node.parent, levels + 1
    return [line for block in lead for line in block]


def _attr_text(tag: Tag) -> str:
    return " ".join([tag.get("id") or "", *tag.get("class", [])])


def _weight(tag: Tag) -> int:
    return len(_IDEOGRAPH.findall(tag.get_text()))


def _drop_chrome(body: Tag) -> None:
    total = _weight(body) or 1
    for tag in body.find_all(lambda t: t.name in CHROME_TAGS or bool(_CHROME.search(_attr_text(t)))):
        # a wrapper (ASP.NET's page-wide <form>, class="page has-sidebar") may hold the document: keep it
        if not tag.decomposed and tag.name not in ("body", "main", "article") \
                and _weight(tag) <= CHROME_MAX_SHARE * total and not _dateline(tag):
            tag.decompose()


_DATE_TEXT = re.compile(r"(?:19|20)\d{2}\s*(?:[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}|年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")


def _dateline(tag: Tag) -> bool:
    """A bar under the heading (class "menu", "toolbar" …) that shows the page's date: what a
    reader sees as the publication line, not navigation (a list of dated links is mostly links)."""
    return _weight(tag) <= LEAD_MAX_CHARS and _link_share(tag) < 0.5 and bool(_DATE_TEXT.search(tag.get_text(" ")))


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


class _Row:
    """A table row being rendered: its cells are rendered one after another (each into lines
    of its own), then the row's lines are written to the enclosing output."""

    def __init__(self, tr: Tag, out: _Lines):
        self.cells = tr.find_all(["td", "th"], recursive=False)
        self.out = out
        self.rendered: list[list[str]] = []
        self.cell: _Lines | None = None

    def next_cell(self) -> Tag | None:
        """Collect the cell just rendered; the next cell to render, or None when the row is done."""
        if self.cell is not None:
            self.cell.block()
            self.rendered.append([line for line in _tidy("\n".join(self.cell.lines).split("\n")) if line])
        if len(self.rendered) == len(self.cells):
            return None
        self.cell = _Lines()
        return self.cells[len(self.rendered)]

    def finish(self) -> None:
        for line in _row_layout(self.cells, self.rendered):
            self.out.text(line)
            self.out.newline()


def _walk(node: Tag, out: _Lines, pre: bool = False) -> None:
    """Render ``node``'s children into ``out``.  An explicit stack instead of recursion: pages
    nest elements (and tables in table cells) thousands deep, and depth must not matter."""
    # stack items: (iterator over children, pre, output), ("block", output) to end a block
    # element, or a _Row whose cells are rendered in turn
    stack: list = [(iter(node.children), pre, out)]
    while stack:
        top = stack[-1]
        if isinstance(top, _Row):
            cell = top.next_cell()
            if cell is None:
                stack.pop()
                top.finish()
            else:
                stack.append((iter(cell.children), False, top.cell))
            continue
        if top[0] == "block":
            stack.pop()
            top[1].block()
            continue
        children, pre, out = top
        child = next(children, None)
        if child is None:
            stack.pop()
            continue
        if isinstance(child, Tag):
            name = child.name
            if name == "br":
                out.newline()
            elif name == "tr":
                out.block()
                stack.append(_Row(child, out))
            elif name == "a" and _URL.fullmatch(child.get_text(strip=True)) \
                    and str(child.get("href", "")).startswith(("http://", "https://")):
                out.text(child["href"])  # the visible URL is often shortened with "…"
            elif name in BLOCK_TAGS:
                out.block()
                stack.append(("block", out))
                stack.append((iter(child.children), pre or name == "pre", out))
            else:
                stack.append((iter(child.children), pre, out))
        elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
            out.text(str(child) if pre else _HTML_SPACE.sub(" ", str(child)))


def _render(node: Tag) -> list[str]:
    out = _Lines()
    _walk(node, out)
    out.block()
    return "\n".join(out.lines).split("\n")


def _row_layout(cells: list[Tag], rendered: list[list[str]]) -> list[str]:
    """One table row's lines from its cells' lines."""
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
