"""Give lines back to texts that lost them: flattened dataset cells and one-fragment-per-line scrapes.

Two clean stages, each a function on a list of lines:

* ``unflatten``: a text whose line breaks were removed (title, 发文字号, 主送, body, signature and
  抄送 on one line) is cut at the landmarks of the 公文 format (GB/T 9704): the 版头 ending in
  文件, the number, the title ending in its document type, the addressee colon, sentence ends,
  the 附件/抄送/印发 blocks and the signature date.
* ``glue_fragments``: scraper output that puts each piece of a date or a number on its own line
  (2023 / 年 / 5 / 月 / 9 / 日) is glued back, never onto a signer line.

Patterns are in kb/data/rules.toml [flat] and [clean]; every scan is linear in the text.
"""
from __future__ import annotations

import re
from functools import lru_cache

from kb import rules

_CJK = r"\u3400-\u9fff"
_OPEN_Q, _CLOSE_Q = "《“‘「〈", "》”’」〉"
_RECIPIENT_START = re.compile(rf"^(?:各|有关|全国|国务院|中共|本|[{_CJK}]{{2,40}}(?:：|:)$)")
_LATIN = re.compile(r"[A-Za-z]{2}")
_BODY_AFTER_TYPE = set("局厅委办院部司处署")
_SENTENCE_START = ("为", "根据", "按照", "近日", "近年来", "经", "现", "你", "我", "今年", "在", "自", "依据", "《")


@lru_cache(maxsize=None)
def _breaks() -> re.Pattern:
    return re.compile("|".join(rules.get("flat", "breaks_before")))


@lru_cache(maxsize=None)
def _type_rx() -> re.Pattern:
    words = sorted(rules.get("doc", "types"), key=len, reverse=True)
    # a type word, then an optional short parenthetical: 办法（试行）, 的函（新乡）
    return re.compile("(?:" + "|".join(map(re.escape, words)) + r")(?:[（(][^（()）]{1,12}[）)])?")


@lru_cache(maxsize=None)
def _sign_date() -> re.Pattern:
    """``<names> <date>`` closing a line: the signature and 成文日期 run together."""
    from kb.extract.dates import DATE_RX
    return re.compile(rf"(?P<date>{DATE_RX})\s*(?P<tail>[（(]此件[^）)]{{0,80}}(?:[）)]|$))?\s*$")


def split_cells(lines: list[str]) -> list[str]:
    """A spreadsheet row exported as text (``date | issuer | title | text | url``): one cell per
    line.  The row opens the text; a cell may hold line breaks, so every separator after it
    is a cell boundary too."""
    sep = rules.get("flat", "cell_separator")
    first = next((l for l in lines if l.strip()), "")
    if first.count(sep) < rules.get("flat", "min_cells") - 1:
        return lines
    out: list[str] = []
    for line in lines:
        out.extend(c.strip() for c in line.split(sep)) if sep in line else out.append(line)
    return out


def is_flat(lines: list[str]) -> bool:
    """One line holds most of the text and many sentences, or a sentence and then a 公文 closing
    landmark (附件：, 抄送：, a 落款 date): the breaks were removed."""
    total = sum(len(l) for l in lines) or 1
    longest = max(lines, key=len, default="")
    if len(longest) < rules.get("flat", "min_chars") or len(longest) * 10 < total * 6:
        return False
    if longest.count("。") >= rules.get("flat", "min_sentences"):
        return True
    end = longest.find("。")
    return end >= 0 and bool(_closing_landmark().search(longest, end))


@lru_cache(maxsize=None)
def _closing_landmark() -> re.Pattern:
    return re.compile(rules.get("flat", "closing_landmark"))


def unflatten(lines: list[str]) -> list[str]:
    """Cut flattened lines at sentence ends and 公文 landmarks; give a first line that runs the
    title (or 版头 and number) into the body its own lines."""
    flat = is_flat(lines)
    out: list[str] = []
    first = True
    head_min, min_chars = rules.get("flat", "head_min_chars"), rules.get("flat", "min_chars")
    for line in lines:
        if first and line.strip():
            first = False
            if len(line) >= head_min:
                pieces = _cut(line) if flat else [line.strip()]
                pieces = head(pieces[0]) + pieces[1:]
                for p in pieces:
                    out.extend(split_signature(p, strict=not flat))
                continue
        # (an attachment list that runs on is a closing block run together, in any text)
        if len(line) < min_chars or not (flat or line.lstrip().startswith("附件")):
            if "日" in line:            # (split_signature's own first test, without the call)
                out.extend(split_signature(line, strict=True))
            else:
                out.append(line)
            continue
        for p in _cut(line):
            out.extend(split_signature(p))
    return out


def _cut(line: str) -> list[str]:
    pieces, last = [], 0
    for m in _breaks().finditer(line):
        if m.start() > last:
            pieces.append(line[last:m.start()])
            last = m.start()
    pieces.append(line[last:])
    return [p.strip() for p in pieces if p.strip()]


def _depth_map(s: str) -> list[int]:
    """Quote depth (《》“”) before each character: a type word inside a quoted title is not the end."""
    depth, out = 0, []
    for ch in s:
        out.append(depth)
        if ch in _OPEN_Q:
            depth += 1
        elif ch in _CLOSE_Q and depth:
            depth -= 1
    return out


def head(first: str) -> list[str]:
    """The first sentence of a flattened 公文 -> 版头 / 发文字号 / 标题 / 发文字号 / 主送 / the sentence.

    GB/T 9704 orders 版头 (…文件), number, title, addressee; datasets often put the number after
    the title.  Each landmark is cut off the front in turn; anything else is left as it was.
    """
    from kb.extract.numbers import find_numbers
    out: list[str] = []
    s = first.strip()
    nums = find_numbers(s[:400])
    # 版头: "…最高人民检察院文件环督察〔2022〕58号关于…"
    if nums:
        k = s.rfind("文件", 0, nums[0].end)
        if k > 0 and find_numbers(s[k + 2:nums[0].end]):
            out.append(s[:k + 2])
            s = s[k + 2:].strip()
    before_number = (list(out), s)
    s = _number_off(s, out, find_numbers)
    colon = min((i for i in (s.find("："), s.find(":")) if i >= 0), default=-1)
    prefix = s[:colon] if 0 <= colon <= 300 and "。" not in s[:colon] else None
    end = title_end(s, prefix)
    if not end and len(out) > len(before_number[0]) and not (prefix is not None and _addressee(prefix)):
        # a number that neither a title nor an addressee follows is the subject of a sentence
        # (…(中国人民银行公告〔2019〕第16号)自发布以来…), not a 发文字号 line
        out, s = before_number
        colon = min((i for i in (s.find("："), s.find(":")) if i >= 0), default=-1)
        prefix = s[:colon] if 0 <= colon <= 300 and "。" not in s[:colon] else None
    if end:
        out.append(s[:end])
        s = s[end:].strip()
        s = _number_off(s, out, find_numbers)
    elif not out and not (prefix and len(prefix) <= rules.get("header", "addressee_max_chars") and _addressee(prefix)):
        return [first]          # (a text may open with its addressee: 某某代表：您提出的…)
    colon = min((i for i in (s.find("："), s.find(":")) if i >= 0), default=-1)
    if 0 < colon <= 300 and _addressee(s[:colon]):
        out.append(s[:colon + 1])
        s = s[colon + 1:]
    return out + ([s.strip()] if s.strip() else [])


def _number_off(s: str, out: list[str], find_numbers) -> str:
    """A 发文字号 at the front of ``s`` goes onto its own line."""
    found = find_numbers(s[:60])
    if found and found[0].start == 0:
        out.append(s[:found[0].end])
        return s[found[0].end:].strip()
    return s


def title_end(s: str, prefix: str | None = None) -> int | None:
    """Where a title that opens ``s`` ends: after the first document-type word outside quotes
    that is followed by the addressee (when ``prefix``, the text before the first colon, is
    given), or by the start of a sentence; ``len(s)`` when ``s`` is a title."""
    depth = _depth_map(s)
    found = []
    # a title holds no comma or full stop of its own (GB/T 9704 titles use 、): a type word
    # after one is inside the first sentence (…计划单列市…, 现将有关事项公告如下)
    stop = next((i for i, ch in enumerate(s[:200]) if ch in "，,。；;" and not depth[i]), 200)
    for m in _type_rx().finditer(s[:stop]):
        if depth[m.start()] or m.end() < 6 or s[m.end():m.end() + 1] in _BODY_AFTER_TYPE:
            continue        # (规划局, 计划司: a body's name, not a title's end)
        found.append(m.end())
    if found and found[-1] == len(s) and stop == 200 and len(s) < 200 and not depth[-1]:
        # a line with no sentence punctuation that ends with a type word is a title as a whole:
        # a type word inside it (…走私、非法 / 经营…) does not end it
        return len(s)
    # the title ends where the addressee begins, else where a sentence begins
    # (a number may stand between: …的函国办函〔1999〕44号国家经济贸易委员会：)
    if prefix is not None:
        for end in found:
            if end <= len(prefix):
                after = _skip_number(prefix[end:])
                if not after or _addressee(after):
                    return end
    # a sentence's opening word is a surer end than an opening 《 (…标准《导则》的公告为贯彻…)
    for opens in (tuple(w for w in _SENTENCE_START if w not in _OPEN_Q), tuple(_OPEN_Q)):
        for end in found:
            if "。" in s[:end]:
                break
            rest = _skip_number(s[end:])
            if not rest or len(rest) < len(s) - end or rest.startswith(opens):
                return end
    return None


def _skip_number(s: str) -> str:
    from kb.extract.numbers import find_numbers
    found = find_numbers(s[:60])
    # a 机关代字 never holds 的: "有关问题的函国办函〔1999〕44号" is a title's end, then a number
    ok = found and found[0].start == 0 and "的" not in found[0].raw
    return s[found[0].end:] if ok else s


def _addressee(s: str) -> bool:
    from kb.extract import bodies
    s = s.strip()
    # names hold no 的, no sentence end and no Latin words (a URL's "http:" is not a colon of address)
    if not s or len(s) > 300 or "。" in s or "的" in s or _LATIN.search(s):
        return False
    return bool(_RECIPIENT_START.match(s + "：")) or "、" in s or "，" in s or \
        bodies.is_body_name(s) or s.endswith(("代表", "委员", "同志", "先生", "女士", "公司"))


def split_signature(line: str, strict: bool = False) -> list[str]:
    """``生态环境部2018年8月1日（此件社会公开）`` -> names / date / note, the way the page prints them.

    In a flattened text any short unpunctuated lead-in counts as the names; otherwise (``strict``)
    only a signature does: body names, or a person's office and name (总理 温家宝).  A person's
    signature may run on into the next text (部长 黄润秋2020年12月31日碳排放权交易管理办法…).
    """
    if "日" not in line:
        return [line]
    m = _person_date().match(line)
    if m:
        rest = line[m.end("date"):].strip()
        return [m.group("who").strip(), m.group("date")] + ([rest] if rest else [])
    m = _sign_date().search(line)
    if not m or m.start() == 0 or len(line) - m.start() > 80:
        return [line]
    before = line[:m.start()].rstrip()
    if strict:
        from kb.extract import signers
        if signers.line_names(before) is None:
            return [line]
    elif before.endswith(("。", "，", "；", "：", "于", "在", "至", "自", "从", "前", "年", "（", "(")) or len(before) > 200:
        return [line]
    out = [before, m.group("date")]
    if m.group("tail"):
        out.append(m.group("tail"))
    return out


@lru_cache(maxsize=None)
def _person_date() -> re.Pattern:
    from kb.extract.dates import DATE_RX
    offices = "|".join(r"[ \u3000]*".join(map(re.escape, w)) for w in rules.get("flat", "signer_offices"))
    return re.compile(rf"^(?P<who>(?:{offices})[ \u3000]*[\u4e00-\u9fff·]{{2,5}})[ \u3000]*(?P<date>{DATE_RX})")


# ---------------------------------------------------------------- fragments


def glue_fragments(lines: list[str]) -> list[str]:
    frag = rules.raw("clean", "fragment")
    opening = rules.raw("clean", "fragment_open")
    from kb.extract.bodies import is_body_line
    out: list[str] = []
    glue_next = False
    pending_blank = 0
    for line in lines:
        s = line.strip()
        if not s:
            pending_blank += 1
            continue
        is_frag = len(s) <= 4 and frag.match(s) is not None
        prev = out[-1].rstrip() if out else ""
        glue = (is_frag and prev and prev[-1] not in "。；！？" and not (_starts_date(s) and is_body_line(prev))) \
            or (glue_next is True) or (glue_next == "frag" and is_frag)
        if out and glue:
            # a year after a signer line starts the date line; anything else continues the piece
            out[-1] = prev + s
            glue_next = _opens(s, opening) if is_frag else False
            pending_blank = 0
            continue
        out.extend([""] * min(pending_blank, 1))
        pending_blank = 0
        out.append(line)
        glue_next = _opens(s, opening) if is_frag else False
    return out


def _opens(s: str, opening: re.Pattern):
    """What may follow a fragment: after a colon, a bracket, 年/月/第 anything; after bare digits
    only another fragment (a table of numbers one cell per line is not one piece)."""
    if not opening.match(s):
        return False
    return "frag" if s[0].isdigit() or s[0] in "〇○零一二三四五六七八九十〕﹞〗]】）)" else True


def _starts_date(s: str) -> bool:
    return len(s) == 4 and s.isdigit()
