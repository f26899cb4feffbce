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

from kb import rules
from kb.extract import bodies, titles
from kb.extract.numbers import find_numbers

_SENTENCE = re.compile(r"[。！？]")
_COMMAS = re.compile(r"[，,；;]")
_LABEL = re.compile(r"^[\u4e00-\u9fff \u3000]{2,8}[：:]")
_DATEISH = re.compile(r"^(?:(?:19|20)\d{2}\s*(?:[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|年)|[〇○零一二三四五六七八九]{4}年)")
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
    for i, line in enumerate(lines[:limit]):
        s = line.strip()
        if not s:
            continue
        if is_metadata(s):
            continue
        if s.endswith(("：", ":")) and bodies.recipients([s])[0]:
            return Header(end=i + 1, recipients=i)
        if _is_sentence(s):
            return Header(end=i)
    return Header(end=min(len(lines), limit))


def is_metadata(s: str) -> bool:
    """A line of page furniture around the header: label：value, a timestamp, a widget."""
    from kb.extract.infotable import pairs
    return bool(pairs(s)) or bool(_DATEISH.match(s) and len(s) <= 40)


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


def _title_blocks(lines: list[str], end: int) -> list[tuple[int, int, str]]:
    """Title-shaped blocks of the header: (first line, last line, joined text).

    A block is a line ending with a document type (or a number in parentheses after one),
    extended upwards over the lines a long title was wrapped onto and over the issuer's name
    printed above 关于….
    """
    out = []
    idx = [i for i in range(min(end, len(lines))) if lines[i].strip()]
    for k, i in enumerate(idx):
        s = lines[i].strip()
        if is_metadata(s) or _SENTENCE.search(s.rstrip("。")) or len(s) > 150:
            continue
        core = _strip_number(s)
        if not titles.ends_with_type(core):
            continue
        first, text = i, core
        j = k - 1
        while j >= 0 and i - idx[j] <= 4:
            p = lines[idx[j]].strip()
            if is_metadata(p) or _SENTENCE.search(p) or p.endswith(("，", "、", "：", ":", "；")) \
                    or find_numbers(p) or _BROWSER_SEP.search(p):
                break
            starts_about = text.startswith("关于")
            if bodies.is_body_line(p) or (not starts_about and len(p) >= 6 and not titles.ends_with_type(p)):
                text = p + (" " if bodies.is_body_line(p) and " " in p else "") + text
                first = idx[j]
                j -= 1
                if bodies.is_body_line(p):
                    break
                continue
            break
        out.append((first, i, text))
    return out


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
    # 1. a header block the page's metadata confirms (the <title> may add 栏目/站点 parts)
    for first, last, text in blocks:
        n = norm(text)
        for w, t, where in wanted:
            if n and (n == w or (len(n) >= 8 and n in w)):
                return titles.tidy(text), "\n".join(l.strip() for l in lines[first:last + 1])
    # 2. the title-shaped block nearest above the body
    if blocks:
        first, last, text = blocks[-1]
        if _good(text):
            return titles.tidy(text), "\n".join(l.strip() for l in lines[first:last + 1])
    # 3. the page's own title when the text prints none
    for w, t, where in wanted:
        t = _strip_site(t)
        if titles.ends_with_type(t) or len(norm(t)) >= 8:
            return titles.tidy(t), where
    return None, None


def _good(text: str) -> bool:
    n = norm(text)
    return len(n) >= 6 and not n.startswith(("附件", "抄送"))


def _strip_site(t: str) -> str:
    parts = [p for p in _BROWSER_SEP.split(t) if p.strip()]
    if len(parts) > 1:
        typed = [p for p in parts if titles.ends_with_type(p)]
        return (typed or [max(parts, key=len)])[0].strip()
    return t.strip()
