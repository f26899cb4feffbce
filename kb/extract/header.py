"""The 公文 header found by its landmarks, not in fixed windows from the top.

A web page or a scrape puts a browser title, menus, an info table and a timestamp line above
the document; a dataset cell may hold the body only.  GB/T 9704 orders the header as 版头
(issuer + 文件), 发文字号, 标题, 主送机关, then the body.  So the header ends where the body
begins: the addressee line or the first sentence.  Every header search (title, number,
recipients) stops there, and numbers cited in the body are never taken for the document's own.

The title is chosen by weighing the page's own metadata (the ``<title>`` minus its site part,
``<h1>``, meta tags, the info table's 标题) against the title-shaped lines of the header.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from kb import rules
from kb.extract import bodies, infotable, numbers, titles
from kb.extract.numbers import find_numbers

_SENTENCE = re.compile(r"[。！？]")
_COMMAS = re.compile(r"[，,；;]")
# a line that opens with a full date (a timestamp, a dateline); "2023年济南市…规则" is a title
_DATEISH = re.compile(r"^(?:(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月)")
_ANNOUNCE_NO = re.compile(r"^(?:19|20)\d{2}\s*年\s*第\s*\d{1,4}\s*号$")
_SPACE = re.compile(r"\s+")
_ATTACHMENT_FILE = re.compile(r"\.(?:pdf|docx?|wps|ofd|xlsx?)$", re.I)
_STATUTE = re.compile(r"^第[一二三四五六七八九十百零〇]+[章条]")
_BROWSER_SEP = re.compile(r"\s*(?:_|\||｜|--|——|\s-\s)\s*")
_NOISE = re.compile(r"[\s\u3000　《》“”\"'‘’()（）〔〕\[\]【】<>〈〉·・:：,，.。、]")


def norm(s: str | None) -> str:
    """Compare titles as a reader would: without spaces, brackets, quotes and width differences."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", s or ""))


@dataclass
class Header:
    end: int                        # index of the first body line (header lines are before it)
    recipients: int | None = None   # index of the addressee line, if any


def _is_sentence(s: str) -> bool:
    if _STATUTE.match(s):
        return True
    if s.endswith(("：", ":")):
        return False
    if _SENTENCE.search(s):
        # "关于…的通知。" is rare; a title with a full stop inside quotes is rarer still
        return not (len(s) <= 60 and titles.ends_with_type(s.rstrip("。")))
    return len(s) >= 60 and len(_COMMAS.findall(s)) >= 2


def find(lines: list[str], limit: int = 80) -> Header:
    """Where the header ends: the addressee line (主送) or the first body sentence."""
    seen = False            # a title or number line stands above: the addressee may follow
    first = True
    for i, line in enumerate(lines[:limit]):
        s = line.strip()
        if not s:
            continue
        if is_metadata(s):
            continue
        # a letter (建议答复) may open with its addressee: 某某代表：
        addressed = seen or (first and s.rstrip("：:").endswith(tuple(rules.get("header", "person_addressee"))))
        if s.endswith(("：", ":")) and (bodies.recipients([s])[0] or (addressed and _person_or_unit(s))):
            return Header(end=i + 1, recipients=i)
        first = False
        if _is_sentence(s):
            return Header(end=i)
        seen = seen or titles.ends_with_type(_strip_number(s)) or bool(find_numbers(s))
    return Header(end=min(len(lines), limit))


def _person_or_unit(s: str) -> bool:
    """主送 to a person or a group (唐兴旺：, 住房公积金缴存职工及有关单位：) under the title."""
    from kb import segment
    from kb.structure import marker
    body = s.rstrip("：:").strip()
    return len(body) <= rules.get("header", "addressee_max_chars") and not marker(body) \
        and not body.startswith(("附件", "根据", "为", "现", "经", "联系")) and "如下" not in body \
        and segment._addressee(body)


def is_metadata(s: str) -> bool:
    """A line of page furniture around the header: label：value, a timestamp, a widget."""
    return bool(infotable.pairs(s)) or bool(_DATEISH.match(s) and len(s) <= 40)


# ---------------------------------------------------------------- title


def page_titles(meta: list[dict], info: dict) -> list[tuple[str, str]]:
    """(title, where) candidates from the page itself, most trusted first."""
    out = []
    if info.get("title"):
        out.append((info["title"], f"{info.get('_labels', {}).get('title', '标题')}（信息表）"))
    for m in meta:
        if m["field"] in ("heading", "title") and m.get("value"):
            out.append((m["value"], m["from"]))
    return out


def _title_blocks(lines: list[str], end: int) -> list[tuple[int, int, str, list[tuple[int, str]]]]:
    """Title-shaped blocks of the header: (first line, last line, joined text, variants).

    A block is a line ending with a document type (or a number in parentheses after one),
    extended upwards over the lines a long title was wrapped onto and over the issuer's name
    printed above 关于….  ``variants`` are the block with 0, 1, … of those lines, for matching
    against the page's own title.
    """
    out = []
    idx = [i for i in range(min(end, len(lines))) if lines[i].strip()]
    for k, i in enumerate(idx):
        s = lines[i].strip()
        if is_metadata(s) or _SENTENCE.search(s.rstrip("。")) or len(s) > 150 or titles.is_heading(s):
            continue
        core = _strip_number(s)
        if not titles.ends_with_type(core):
            continue
        first, text = i, core
        variants = [(i, core)]
        after_body = False
        j = k - 1
        while j >= 0 and i - idx[j] <= 4:
            p = lines[idx[j]].strip()
            if is_metadata(p) or _SENTENCE.search(p) or p.endswith(("，", "、", "：", ":", "；", ",")) \
                    or find_numbers(p) or _BROWSER_SEP.search(p) or _DATED.match(p):
                break       # (a line opening with a date is a statute's history line, not a title's part)
            body = bodies.is_body_line(p)
            # a wrapped title's first part is long (a converter wraps at the line width) or
            # opens with 关于; joint issuers stand one per line above it
            wrapped = not after_body and not text.startswith("关于") and not titles.ends_with_type(p) \
                and (len(p) >= rules.get("header", "wrap_min_chars") or p.startswith("关于"))
            if body or wrapped:
                text = p + (" " if body else "") + text
                first = idx[j]
                variants.append((first, text))
                after_body = after_body or body
                j -= 1
                continue
            break
        # 公告 are numbered by year: 国家能源局公告 / 2025年 第5号
        if k + 1 < len(idx) and _ANNOUNCE_NO.match(lines[idx[k + 1]].strip()):
            last = idx[k + 1]
            no = " " + _SPACE.sub("", lines[last].strip())
            out.append((first, last, text + no, [(f, t + no) for f, t in variants]))
            continue
        out.append((first, i, text, variants))
    return out


_DATED = re.compile(r"[（(]?\s*(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


def _above(lines: list[str], first: int, text: str, wanted: list) -> list[tuple[int, str]]:
    """The block extended over up to 3 lines above it while it stays the end of a title the
    page shows (a title printed on two lines whose first part is short:
    国务院关于实施《中华人民共和国公司法》 / 注册资本登记管理制度的规定)."""
    ends = [w for w, _, _ in wanted]
    out, j = [], first - 1
    while j >= 0 and first - j <= 4 and len(out) < 3:
        p = lines[j].strip()
        j -= 1
        if not p:
            continue
        if is_metadata(p) or _SENTENCE.search(p) or _DATED.match(p):
            break
        text = p + text
        n = norm(text)
        if not any(w.endswith(n) for w in ends):
            break
        out.append((j + 1, text))
    return out


_SEPARATORS = re.compile(r"[\s\u3000、]")


def _strip_number(s: str) -> str:
    """A title line that carries its number: 关于…的通知(珠府〔2023〕14号) -> 关于…的通知."""
    nums = find_numbers(s)
    if nums:
        n = nums[-1]
        tail = s[n.end:].strip()
        head = s[:n.start].rstrip()
        if len(tail) <= 1 and head.endswith(("（", "(")):
            return head[:-1].rstrip()
    return s


def title(lines: list[str], header: Header, meta: list[dict], info: dict) -> tuple[str | None, str | None]:
    """(title, evidence).  Evidence names where it came from: the text lines, or the page element."""
    blocks = _title_blocks(lines, header.end)
    cands = page_titles(meta, info)
    wanted = [(norm(t), t, where) for t, where in cands if norm(t)]
    # 1. a header block the page's metadata confirms (the <title> may add 栏目/站点 parts);
    #    the longest confirmed form of the block wins (issuer line above 关于… included)
    for first, last, text, variants in blocks:
        best = None
        for vfirst, vtext in variants + _above(lines, first, text, wanted):
            n = norm(vtext)
            for w, t, where in wanted:
                if n and (n == w or (len(n) >= 8 and n in w)):
                    # the same title but for the separators between joint issuers (最高人民法院
                    # 最高人民检察院 / 最高人民法院、最高人民检察院): as the page shows it
                    best = (vfirst, t if _SEPARATORS.sub("", vtext) == _SEPARATORS.sub("", t) else vtext)
        if best:
            return titles.tidy(best[1]), "\n".join(l.strip() for l in lines[best[0]:last + 1])
    # 2. the title-shaped block nearest above the body
    if blocks:
        first, last, text, _ = blocks[-1]
        if _good(text):
            return titles.tidy(text), "\n".join(l.strip() for l in lines[first:last + 1])
    # 3. a covering text that publishes an enclosed document: 《X》已经…同意，现印发给你们
    found = _enclosed(lines, header)
    if found:
        return found
    # 4. the page's own title when the text prints none
    for w, t, where in wanted:
        t = _strip_site(t)
        if titles.ends_with_type(t) or len(norm(t)) >= 8:
            return titles.tidy(t), where
    return None, None


def _enclosed(lines: list[str], header: Header) -> tuple[str, str] | None:
    for line in lines[header.end:header.end + 3]:
        m = next((m for rx in _enclosed_rx() for m in [rx.match(line.strip())] if m), None)
        if m:
            # inside 《》 a quoted title is written 〈〉; standing alone it is 《》 again
            t = m.group("title").translate(_INNER_QUOTES)
            if titles.ends_with_type(t) or titles.ends_with_type(re.sub(r"[（(][^（()）]*[）)]$", "", t)):
                return titles.tidy(t), line.strip()
    return None


_INNER_QUOTES = str.maketrans("〈〉", "《》")


@lru_cache(maxsize=None)
def _enclosed_rx() -> list[re.Pattern]:
    return [re.compile(p) for p in rules.get("header", "enclosed")]


def _good(text: str) -> bool:
    n = norm(text)
    return len(n) >= 6 and not n.startswith(("附件", "抄送"))


def _strip_site(t: str) -> str:
    parts = [p for p in _BROWSER_SEP.split(t) if p.strip()]
    if len(parts) > 1:
        typed = [p for p in parts if titles.ends_with_type(p)]
        return (typed or [max(parts, key=len)])[0].strip()
    return t.strip()


# ---------------------------------------------------------------- 发文字号


def own_number(lines: list[str], header: Header, meta: list[dict] | None = None):
    """The document's own number, searched in the header only (numbers in the body are cited).

    GB/T 9704 sets it alone on a line under the 版头 (with 签发人 for 上行文); pages and
    databases also print it in parentheses under or after the title, or in the page title.
    """
    span = lines[:min(len(lines), header.end + 1)]
    d = numbers.own_number(span, max_lines=len(span))
    if d:
        return d
    for line in span:
        s = line.strip()
        if titles.ends_with_type(_strip_number(s)) and _strip_number(s) != s:
            return find_numbers(s)[-1]
    # a page whose text is an attachment link: …的通知（湘监能市场〔2025〕58号）.pdf
    for line in lines:
        s = line.strip()
        if _ATTACHMENT_FILE.search(s):
            for n in find_numbers(s):
                if s[:n.start].rstrip().endswith(("（", "(")) and titles.ends_with_type(s[:n.start].rstrip()[:-1]):
                    return n
    for m in meta or []:
        if m["field"] in ("title", "heading"):
            v = m["value"]
            for n in find_numbers(v):
                before = v[:n.start].rstrip()
                if before.endswith(("（", "(", "[", "【")):
                    return n
    return None
