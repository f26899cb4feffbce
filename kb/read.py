"""Read one corpus file into a RawDoc: detect the encoding, reject binaries, reduce HTML and .docx to text.

Nothing else is cleaned here (Markdown, letterheads, page numbers are the clean stage's job);
only line endings and control characters are normalised.
"""
from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import zipfile
from pathlib import Path

import docx
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString
from charset_normalizer import from_bytes
from docx.table import Table

from kb import rules
from kb.errors import ReadError
from kb.model import RawDoc

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".docx")
FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".docx": "docx"}

MB = 1024 * 1024
MAX_BYTES = 20 * MB            # larger files are refused (default of read_document's max_bytes)
SNIFF_BYTES = 64 * 1024        # prefix examined for binary and UTF-16 byte patterns
MAX_CONTROL_SHARE = 0.05       # more control bytes/chars than this share -> not text
UTF16_MIN_NUL_SHARE = 0.02     # share of code units with a NUL high byte (ASCII chars) marking BOM-less UTF-16
UTF16_MAX_OTHER_NULS = 0.25    # NULs on the other byte parity, relative to the first
MIN_CJK_SHARE = 0.8            # of the non-ASCII chars, for a GB/Big5 decode to count as Chinese
MIN_COMMON_SHARE = 0.9         # of the ideographs, in the encoding's common-character block
MAX_BAD_SHARE = 0.005          # undecodable chars tolerated in a damaged file (at least one)
LAYOUT_CELL_CHARS = 200        # a table cell with this much text is page layout, not data
LABEL_MAX_CHARS = 10           # "发文字号" | "国发〔2016〕74号": a label cell is short
MAIN_MIN_SHARE = 0.3           # the main-content element must hold this share of the page's text
CHROME_MAX_SHARE = 0.5         # never drop a "chrome" element that holds more than this share
INFO_MIN_LINES = 2             # label/value lines for a table outside the content to count as info table
HEADING_LOOKAHEAD = 5          # content lines searched for the page title before adding it

MAGIC = (
    (b"%PDF", "a PDF"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\xd0\xcf\x11\xe0", "an old Word/Office file (.doc/.xls)"),
    (b"\x7fELF", "an ELF executable"),
)
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Report every GB encoding as gb18030 and decode with it: it is a superset of gb2312 and gbk.
ENCODING_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5": "big5", "cp950": "big5"}
DECODE_WITH = {"big5": "cp950"}  # Microsoft's Big5 superset decodes more real-world files

DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "button", "input", "select",
             "nav", "header", "footer", "aside")
CHROME_TAGS = ("form",)  # dropped like class/id chrome: only when not wrapping the document
CHROME_NAMES = ("nav", "menu", "breadcrumb", "footer", "header", "sidebar", "share", "toolbar", "login",
                "search", "advert", "banner", "copyright", "related", "comment", "qrcode")
MAIN_HINTS = ("content", "article", "trs_editor", "zoom", "main-text", "text", "detail", "pages_content", "con")
BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd div dl dt figcaption figure h1 h2 h3 h4 h5 h6 "
    "hr li main ol p pre section table tbody td tfoot th thead ul".split())

_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
_CLEAN_MAP = {c: None for c in range(32) if c not in (9, 10)} | {0x0B: "\n", 0x0C: "\n", 0x2028: "\n", 0x2029: "\n"}
_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f\u3000-\u303f\uff00-\uffef\u2000-\u206f]")
_CHROME = re.compile("|".join(CHROME_NAMES) + r"|(?<![a-z])ads?(?![a-z])", re.I)  # "ad", "ads", "ad-box", "top_ad"
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_HTML_START = re.compile(r"\s*<(!doctype\s+html|html[\s>])", re.I)
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


class _Unreadable(Exception):
    """Internal: the reason a file is refused; read_document adds the path."""


# ---------------------------------------------------------------- corpus


def list_corpus(folder: str | os.PathLike) -> list[Path]:
    """Supported files under ``folder`` (recursively), sorted by relative path; hidden ones skipped."""
    root = Path(folder)
    if not root.is_dir():
        raise ReadError(str(root), "not a folder")
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel = os.path.relpath(dirpath, root)
        parts = () if rel == os.curdir else tuple(rel.split(os.sep))   # sort key: the relative path's parts
        for name in filenames:
            # "~$x.docx" are Office lock files, not documents
            if name.startswith((".", "~$")) or os.path.splitext(name)[1].lower() not in SUPPORTED:
                continue
            found.append((parts + (name,), dirpath, name))
    return [Path(dirpath, name) for _, dirpath, name in sorted(found)]


def read_document(path: str | os.PathLike, *, max_bytes: int = MAX_BYTES) -> RawDoc:
    """Read one file as text.  Raises ReadError with a short reason for anything unusable."""
    path = Path(path)
    try:
        return _read(path, max_bytes)
    except _Unreadable as e:
        raise ReadError(str(path), str(e)) from None


def _read(path: Path, max_bytes: int) -> RawDoc:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise _Unreadable(f"unsupported file type {path.suffix or '(no extension)'!r} "
                          f"(supported: {', '.join(SUPPORTED)})")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _Unreadable(f"file too large ({size / MB:.1f} MB > {max_bytes / MB:g} MB limit)")
        data = path.read_bytes()
    except OSError as e:
        raise _Unreadable(f"cannot read file: {e.strerror or e}") from None
    if not data:
        raise _Unreadable("empty file")
    sha = hashlib.sha256(data).hexdigest()

    if fmt == "docx":
        text, encoding = _docx_text(data), "utf-8"  # the XML inside a .docx is UTF-8
    else:
        _refuse_binary_magic(data)
        text, encoding = _decode(data)
        text = _normalise(text)
        if fmt == "txt" and _HTML_START.match(text):
            fmt = "html"
        if not text.strip():
            raise _Unreadable("empty file (only whitespace)")
        if fmt == "html":
            text = html_to_text(text)
            if not text.strip():
                raise _Unreadable("no text content in the HTML page")
    return RawDoc(path=str(path), source=path.name, text=text, format=fmt, encoding=encoding, sha256=sha)


# ---------------------------------------------------------------- bytes -> str


def _looks_like(data: bytes) -> str | None:
    head = data[:SNIFF_BYTES].lstrip(b" \t\r\n")
    for magic, what in MAGIC:
        if head.startswith(magic):
            if what == "a ZIP archive" and _is_docx_zip(data):
                return "a Word .docx document (rename it to .docx)"
            return what
    return None


def _is_docx_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def _refuse_binary_magic(data: bytes) -> None:
    what = _looks_like(data)
    if what:
        raise _Unreadable(f"binary file (looks like {what})")


def _control_share(text: str) -> float:
    return len(_CONTROL_CHARS.findall(text)) / max(len(text), 1)


def _decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name), trying the cheap certain cases before guessing."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec  # a BOM is proof enough; tolerate bad bytes

    sample = data[:SNIFF_BYTES]
    utf16 = _utf16_codec(sample)
    if utf16:
        text = data.decode(utf16, errors="replace")  # the NUL pattern is strong evidence: tolerate a cut end
        if _control_share(text[:SNIFF_BYTES]) <= MAX_CONTROL_SHARE:
            return text, utf16

    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls / len(sample) > MAX_CONTROL_SHARE:
        raise _Unreadable("binary file (many NUL/control bytes; not a text document)")

    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass

    chinese = (("gb18030", "gb18030", _in_gb2312), ("cp950", "big5", _in_big5_level1))
    # strong evidence of Chinese beats a <meta charset> (a GBK page declaring iso-8859-1 exists)
    for codec, name, common in chinese:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _is_chinese(text, common):
            return text, name

    declared = _declared_charset(data)
    # the declaration was found as ASCII bytes, so a UTF-16/32 one is wrong
    if declared and not declared.startswith(("utf-16", "utf-32")):
        try:
            return data.decode(DECODE_WITH.get(declared, declared)), declared
        except (UnicodeDecodeError, LookupError):  # LookupError: "base64" and other non-text codecs
            pass  # pages often declare the wrong charset: detect instead

    # damaged files (cut in the middle of a character, a stray byte): tolerate a few bad bytes
    for codec, name, common in (("utf-8", "utf-8", None), *chinese):
        text = data.decode(codec, errors="replace")
        if text.count("\ufffd") <= max(1, MAX_BAD_SHARE * len(text)) \
                and (common is None or _is_chinese(text, common)):
            return text, name

    best = from_bytes(data).best()
    name = _canonical(best.encoding) if best is not None else None
    if name:
        text = data.decode(DECODE_WITH.get(name, name), errors="replace")
        if _control_share(text[:SNIFF_BYTES]) <= MAX_CONTROL_SHARE:
            return text, name
    raise _Unreadable("not text: could not detect an encoding")


def _utf16_codec(sample: bytes) -> str | None:
    """BOM-less UTF-16: ASCII chars leave NUL high bytes on one parity only (odd for LE, even for BE)."""
    units = len(sample) // 2
    if units < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for nuls, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls >= UTF16_MIN_NUL_SHARE * units and other <= UTF16_MAX_OTHER_NULS * nuls:
            return codec
    return None


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:SNIFF_BYTES])
    return _canonical(m.group(1).decode("ascii")) if m else None


def _canonical(name: str) -> str | None:
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return None
    return ENCODING_ALIASES.get(name, name)


def _is_chinese(text: str, common) -> bool:
    """Mostly Chinese characters, and mostly everyday ones: GB and Big5 byte ranges overlap,
    and reading one as the other gives rare characters."""
    non_ascii = [c for c in text if ord(c) > 127]
    return (_share(non_ascii, _CJK.match) >= MIN_CJK_SHARE
            and _share(_IDEOGRAPH.findall(text), common) >= MIN_COMMON_SHARE)


def _share(chars, test) -> float:
    return sum(1 for c in chars if test(c)) / len(chars) if chars else 0.0


def _in_gb2312(c: str) -> bool:
    try:
        c.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _in_big5_level1(c: str) -> bool:
    try:
        return 0xA4 <= c.encode("cp950")[0] <= 0xC6  # Big5 lead bytes of the frequent characters
    except UnicodeEncodeError:
        return False


# str.translate is slow on CJK text: translate only the runs of characters it would change
_CLEAN_RUN = re.compile(rules.char_class(_CLEAN_MAP) + "+")


def _normalise(text: str) -> str:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return _CLEAN_RUN.sub(lambda m: m.group().translate(_CLEAN_MAP), text)


# ---------------------------------------------------------------- HTML


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
    return _cells_to_lines([" ".join(r) for r in rendered])


def _info_table_lines(table: Tag) -> list[str]:
    """The rows of a table made only of label/value rows, else nothing."""
    rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"], recursive=False)]
            for tr in table.find_all("tr")]
    pairs = [_label_pairs(r) for r in rows if any(r)]
    lines = [line for p in pairs for line in p] if all(pairs) else []
    return lines if len(lines) >= INFO_MIN_LINES else []  # one "首页 | 政务公开" row is a menu


def _cells_to_lines(cells: list[str]) -> list[str]:
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


# ---------------------------------------------------------------- .docx


def _docx_text(data: bytes) -> str:
    if not data.startswith(b"PK"):
        what = _looks_like(data)
        raise _Unreadable(f"not a valid .docx: {'looks like ' + what if what else 'not a ZIP package'}")
    try:
        document = docx.Document(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _Unreadable("not a valid .docx: damaged ZIP package") from None
    except Exception as e:  # python-docx raises many types (KeyError, XML errors ...) for broken packages
        detail = e.args[0] if isinstance(e, KeyError) and e.args else e  # str(KeyError) adds quotes
        raise _Unreadable(f"not a valid .docx: {detail}") from None
    lines: list[str] = []
    for block in document.iter_inner_content():  # document order: a table stays where it was
        if isinstance(block, Table):
            lines.extend(_docx_table_lines(block))
        else:
            lines.append(block.text)
    text = _normalise("\n".join(lines))
    if not text.strip():
        raise _Unreadable("empty .docx document (no text)")
    return text


def _docx_table_lines(table: Table) -> list[str]:
    lines = []
    for row in table.rows:
        cells, previous = [], None
        for cell in row.cells:
            if cell._tc is not previous:  # a merged cell is repeated once per grid column it spans
                cells.append(cell.text.replace("\n", " "))
            previous = cell._tc
        lines.extend(_cells_to_lines(cells))
    return lines
