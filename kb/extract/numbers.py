"""发文字号 (document numbers): find, normalise, cite, repeal.

Canonical form: 机关代字 + 〔年份〕 + 序号 + 号, half-width digits, no spaces, whatever brackets
the source used: 工信部联节（2018）247号 -> 工信部联节〔2018〕247号.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kb import rules
from kb.extract import text as _text

_CJK = r"\u3400-\u9fff"


@lru_cache(maxsize=None)
def _rx() -> re.Pattern:
    """The part after the 机关代字: 〔年份〕序号号 or 年份年序号号.  The prefix is read backwards
    from where this matches, which is far faster than a regex that starts at every character."""
    o, c = rules.get("numbers", "open_brackets"), rules.get("numbers", "close_brackets")
    return re.compile(
        rf"\s*(?:[{o}]\s*(?P<year>(?:19|20)\d{{2}})\s*[{c}]|(?P<year2>(?:19|20)\d{{2}})\s*年)\s*"
        rf"(?P<di>第?)\s*(?P<num>\d{{1,5}})\s*号")


@lru_cache(maxsize=None)
def _prefix_rx() -> re.Pattern:
    return re.compile(rf"[{_CJK}]{{1,{rules.get('numbers', 'prefix_max')}}}$")


@dataclass
class DocNumber:
    canonical: str
    raw: str
    start: int
    end: int


@lru_cache(maxsize=None)
def _strip_words() -> tuple[tuple[str, ...], frozenset[str]]:
    words = rules.get("numbers", "prefix_strip")
    return tuple(sorted(words, key=len, reverse=True)), frozenset(words)


def _clean_prefix(prefix: str) -> str:
    """Drop words that precede a number without being part of its 机关代字 (根据国发… -> 国发)."""
    words = _strip_words()[0]
    changed = True
    while changed and prefix:
        changed = False
        for w in words:
            # only strip from the left, and keep at least one character
            if prefix.startswith(w) and len(prefix) > len(w):
                prefix = prefix[len(w):]
                changed = True
                break
    return prefix


_ANNOUNCEMENT = "公告"
_END = "号"      # every match of _rx() ends with it and holds it nowhere else


def _matches(rx: re.Pattern, text: str):
    """``rx.finditer(text)`` for the number regex, without running the regex over all the text.

    A match ends at a 号 and holds no other, so each 号 ends at most one match, found by a search
    from just after the previous 号.  A match holds at most ``solid_width`` characters other than
    whitespace, so that search can start where the walk back from the 号 has passed more of them:
    no match starts earlier.  The regex looks at nothing outside what it matches, so searching
    between these bounds finds what finditer finds.
    """
    width = rules.solid_width(rx)
    o, c = rules.get("numbers", "open_brackets"), rules.get("numbers", "close_brackets")
    if not rules.substring_safe(rx) or _END in o + c:
        yield from rx.finditer(text)
        return
    lo = 0
    h = text.find(_END)
    while h != -1:
        k = h
        if width is not None:
            solid = 0
            while k >= lo:
                if not text[k].isspace():
                    solid += 1
                    if solid > width:
                        break
                k -= 1
            start = k + 1
        else:
            start = lo
        m = rx.search(text, max(lo, start), h + 1)
        if m:
            yield m
        lo = h + 1
        h = text.find(_END, lo)


@lru_cache(maxsize=None)
def _fold_rules() -> tuple[re.Pattern, dict, re.Pattern, dict]:
    """(what fold looks for, its character table, a bracketed Chinese-numeral year, its digits)."""
    o, c = rules.get("numbers", "open_brackets"), rules.get("numbers", "close_brackets")
    src, dst = rules.get("numbers", "fold_from"), rules.get("numbers", "fold_to")
    digits = rules.get("numbers", "year_digits")
    cn = "".join(digits)
    year = re.compile(rf"(?<=[{o}])\s*[{cn}]{{4}}\s*(?=[{c}])")
    any_ = re.compile(rf"[{re.escape(src)}]|{year.pattern}")
    return any_, str.maketrans(src, dst), year, str.maketrans(digits)


@lru_cache(maxsize=32)     # extraction folds the same whole text for each of its number searches
def fold(text: str) -> str:
    """``text`` with the characters a number may be written in read as the canonical ones, one
    character for one (offsets stay valid): ２０１６ -> 2016, 號 -> 号, 〔二〇一六〕 -> 〔2016〕.
    The one normaliser of number characters: extraction (find_numbers) and look-ups (normalize,
    partial_key, so kb show and kb search) read numbers through it."""
    any_, table, year, digits = _fold_rules()
    if not any_.search(text):
        return text
    return year.sub(lambda m: m.group(0).translate(digits), text.translate(table))


def find_numbers(text: str) -> list[DocNumber]:
    out = []
    rx = _rx()
    original, text = text, fold(text)
    if not rules.may_match(rules.requirements(rx), text):     # no 号, no number
        return out
    prev_end = 0
    prefix_rx, prefix_max = _prefix_rx(), rules.get("numbers", "prefix_max")
    strip_words = _strip_words()[1]
    for m in _matches(rx, text):
        head = prefix_rx.search(text, max(prev_end, m.start() - prefix_max), m.start())
        prev_end = m.end()
        if not head:
            continue
        prefix = _clean_prefix(head.group(0))
        year = m.group("year") or m.group("year2")
        # "2018年第26号公告" has no 机关代字: an announcement number, not a 发文字号
        if not prefix or prefix.endswith(("年", "第")) or prefix in strip_words:
            continue
        start = head.start() + (len(head.group(0)) - len(prefix))
        if prefix.endswith(_ANNOUNCEMENT) and len(prefix) > len(_ANNOUNCEMENT):
            # a body's announcement (国家税务总局公告2024年第1号) is numbered by year, not 〔〕:
            # kept in that printed form, whichever way it is written
            canonical = f"{prefix}{year}年第{int(m.group('num'))}号"
        elif m.group("year2") and m.group("di"):
            continue
        else:
            canonical = f"{prefix}〔{year}〕{int(m.group('num'))}号"
        out.append(DocNumber(canonical, original[start:m.end()], start, m.end()))
    return out


def issuer_of(number: str) -> str | None:
    """The body a number's 机关代字 names on its own (国函〔2025〕86号 -> 国务院), or None."""
    code = number.split("〔", 1)[0]
    return rules.get("numbers", "issuer_codes").get(code) if code != number else None


def normalize(ref: str) -> str | None:
    """Any written variant of one number -> canonical form; None if it is not a number.  What
    wraps it (（…）, a full stop) is not part of it."""
    ref = fold(re.sub(r"\s+", "", ref).strip(rules.get("numbers", "wrappers")))
    found = find_numbers(ref)
    if len(found) == 1 and re.sub(r"\s", "", found[0].raw) == re.sub(r"\s", "", ref):
        return found[0].canonical
    return None


def partial_key(ref: str) -> str:
    """A partial number typed by a user ('国发〔2016〕', '工信部联', '国发[2016') -> canonical prefix."""
    o, c = rules.get("numbers", "open_brackets"), rules.get("numbers", "close_brackets")
    s = fold(re.sub(r"\s", "", ref))
    s = re.sub(rf"[{o}]", "〔", s)
    s = re.sub(rf"[{c}]", "〕", s)
    s = re.sub(r"公告〔(\d{4})〕?", r"公告\1年", s)       # an announcement's number keeps 年第
    s = re.sub(r"(?<!公告)(\d{4})年", r"〔\1〕", s)
    return s


def own_number(lines: list[str], max_lines: int = 12) -> DocNumber | None:
    """The document's own number: a line near the top that is a number and nothing more."""
    offset = 0
    for line in lines[:max_lines]:
        s = line.strip()
        found = find_numbers(s)
        # 上行文 print 签发人 on the number's line
        tail = re.sub(r"\s*签发人\s*[：:].*$", "", s[found[0].end:]) if found else ""
        # a number set alone, or in parentheses under the title: （珠府〔2023〕14号）
        if found and re.fullmatch(r"[\s（(【\[]*", s[:found[0].start]) and len(tail) <= 2:
            d = found[0]
            return DocNumber(d.canonical, d.raw, offset + line.find(s) + d.start, offset + line.find(s) + d.end)
        offset += len(line) + 1
    return None


def registration_number(text: str) -> str | None:
    rx = rules.raw("numbers", "registration")
    head = text[:2000]
    m = rx.search(head) if rules.may_match(rules.requirements(rx), head) else None
    return m.group(0) if m else None


def _sentences(text: str) -> list[str]:
    return [s for s in _text.pieces(text) if s.strip()]


def repealed_numbers(text: str) -> list[tuple[str, str]]:
    """Numbers a sentence declares repealed (…予以废止): [(canonical, sentence)]."""
    rx = rules.raw("numbers", "repeal")
    out = []
    if rules.substring_safe(rx) and not rx.search(text):     # no sentence repeals anything
        return out
    for sent in _sentences(text):
        m = rx.search(sent)
        if not m:
            continue
        for d in find_numbers(sent[:m.end()]):
            out.append((d.canonical, sent.strip()))
    return out
