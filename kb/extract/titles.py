"""Title and document type (公文种类)."""
from __future__ import annotations

import re
from functools import lru_cache

from kb import rules, structure
from kb.extract import bodies
from kb.extract.numbers import find_numbers

_CJK = r"\u3400-\u9fff"


@lru_cache(maxsize=None)
def _type_rx() -> re.Pattern:
    words = sorted(rules.get("doc", "types"), key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, words)) + r")(?=[”’》」]*(?:[（(][^（()）]*[）)])?$)")


def ends_with_type(s: str) -> bool:
    return bool(_type_rx().search(s.strip()))


def subject(title: str | None) -> str:
    """A title's 事由, the part that names the document wherever it is printed: without the
    issuers before 关于 and the ``的`` + document type after it (GB/T 9704: 发文机关 + 事由 + 文种).
    中国人民银行…关于调整差别化住房信贷政策有关问题的通知 -> 调整差别化住房信贷政策有关问题."""
    t = re.sub(r"[\s\u3000]+", "", title or "")
    k = t.find("关于")
    if 0 <= k <= 60:
        t = t[k + 2:]
    m = _type_rx().search(t)
    if m and m.start() >= 4:
        t = t[:m.start()]
        t = t[:-1] if t.endswith("的") else t
    return t


def doc_type(title: str | None) -> str | None:
    """The base type a title ends with: 实施方案 -> 方案, …的通知 -> 通知."""
    if not title:
        return None
    m = _type_rx().search(title.strip())
    if not m:
        return None
    word = m.group(0)
    base = [t for t in rules.get("doc", "types") if word.endswith(t)]
    # 实施方案 -> 方案, but 管理办法 -> 办法, not 法: a one-character base only when nothing longer fits
    long = [t for t in base if len(t) >= 2]
    return min(long or base, key=len)


def is_heading(line: str) -> bool:
    """A numbered line (一、 （二） 第三章) is a heading of the body: GB/T 9704 titles are not numbered."""
    return structure.marker(line) is not None


def _is_stop(line: str) -> bool:
    """Lines that follow a title: its number, the recipients, a date, the body's first sentence."""
    s = line.strip()
    return is_heading(s) or bool(find_numbers(s) and len(s) < 40) or s.endswith(("：", ":")) or bool(
        re.match(r"^\d{4}年", s)) or bool(re.search(r"[。；]", s))


def title(lines: list[str]) -> tuple[str | None, str | None]:
    """(title, evidence) from the first lines of a document.

    The title is the first line when it ends with a document type; a title set on two lines
    (the issuer, then 关于…的通知; or a long title wrapped) is joined.  A short unpunctuated first
    line that is not a title (a page's site name) is skipped once.  A document that opens with
    anything else (附件：, a heading) has no title line.
    """
    lines = [l.strip() for l in lines if l.strip()][:5]
    found = _title_at(lines)
    if found[0] is None and len(lines) > 1 and len(lines[0]) < 15 and not _is_stop(lines[0]) \
            and not re.search(r"[，。、：:]", lines[0]):
        found = _title_at(lines[1:])
    return found


def _title_at(lines: list[str]) -> tuple[str | None, str | None]:
    if not lines:
        return None, None
    first = lines[0]
    if ends_with_type(first) and not _is_stop(first):
        return tidy(first), first
    if len(lines) > 1 and not _is_stop(first) and not _is_stop(lines[1]) and len(first) <= 40:
        joined = first + lines[1]
        wrapped = len(first) >= 15 and not re.search(r"[，。、]", first)
        if ends_with_type(joined) and (bodies.is_body_line(first) or wrapped):
            return tidy(joined), first + "\n" + lines[1]
        # a long title a converter wrapped over three lines
        if wrapped and len(lines) > 2 and len(lines[1]) >= 15 and not _is_stop(lines[2]) \
                and not re.search(r"[，。、]", lines[1]) and ends_with_type(joined + lines[2]):
            return tidy(joined + lines[2]), "\n".join(lines[:3])
    return None, None


_TAG = re.compile(r"^【[^】]{1,8}】")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


def tidy(t: str) -> str:
    """Spaces inside a title are conversion artefacts, except between joint issuers' names and
    between Latin words (5G Network).  A scraper's leading tag (【全国】) and 《》 around the
    whole title are not part of it."""
    t = _TAG.sub("", t.strip()).strip()
    if t.startswith("《") and t.endswith("》") and t.count("《") == 1:
        t = t[1:-1]
    parts = t.split()
    out = parts[0] if parts else ""
    for p in parts[1:]:
        latin = _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(p[0])
        names = bodies.is_body_name(out.split(" ")[-1]) and bodies.is_body_name(p.split("关于")[0])
        out += (" " if latin or names else "") + p
    return out
