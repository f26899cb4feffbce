"""Dates as 公文 write them: 2018年11月19日, 二〇一八年十二月三日, with times such as 16:00 or 16时."""
from __future__ import annotations

import re
from datetime import date

_CN_DIGIT = {"〇": 0, "○": 0, "Ｏ": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_YEAR = r"(?:(?:19|20)\d{2}|[〇○Ｏ零一二三四五六七八九]{4})"
_MD = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
# No named groups: rules combine DATE several times in one pattern.
DATE_RX = rf"{_YEAR}\s*年\s*{_MD}\s*月\s*{_MD}\s*日"
TIME_RX = r"(?:\d{1,2}\s*[:：]\s*\d{2}|[上下]?午?\s*\d{1,2}\s*[时点](?:\s*\d{1,2}\s*分)?(?![\d年月日]))"
_DATE = re.compile(rf"(?P<y>{_YEAR})\s*年\s*(?P<m>{_MD})\s*月\s*(?P<d>{_MD})\s*日")
_TIME = re.compile(r"(?P<pm>下午)?\s*(?P<h>\d{1,2})\s*(?:[:：]\s*(?P<m>\d{2})|[时点]\s*(?:(?P<m2>\d{1,2})\s*分)?)")


def cn_number(s: str) -> int | None:
    """Arabic or Chinese numerals up to the hundreds: '12', '十二', '三十一', '二〇一八' -> int."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    if not s or any(c not in _CN_DIGIT and c not in "十百" for c in s):
        return None
    if "十" not in s and "百" not in s:          # digit by digit, as years are written
        return int("".join(str(_CN_DIGIT[c]) for c in s))
    total, cur = 0, 0
    for c in s:
        if c == "百":
            total += (cur or 1) * 100
            cur = 0
        elif c == "十":
            total += (cur or 1) * 10
            cur = 0
        else:
            cur = _CN_DIGIT[c]
    return total + cur


def parse_date(s: str) -> date | None:
    m = _DATE.search(s)
    if not m:
        return None
    y, mo, d = (cn_number(m.group(k)) for k in ("y", "m", "d"))
    try:
        return date(y, mo, d)
    except (TypeError, ValueError):
        return None


def parse_time(s: str) -> str | None:
    """'16:00' / '16时' / '下午4时30分' -> 'HH:MM'."""
    m = _TIME.search(s)
    if not m:
        return None
    h = int(m.group("h"))
    minute = int(m.group("m") or m.group("m2") or 0)
    if m.group("pm") and h < 12:
        h += 12
    if h > 24 or minute > 59:
        return None
    return f"{h:02d}:{minute:02d}"


def find_dates(text: str) -> list[tuple[re.Match, date]]:
    out = []
    for m in _DATE.finditer(text):
        d = parse_date(m.group(0))
        if d:
            out.append((m, d))
    return out


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


# --- dates of a document -------------------------------------------------------------

def date_lines(lines: list[str]) -> list[tuple[int, date, str | None, str]]:
    """Lines that are a date and nothing more: (index, date, what happened: 签发/发布/…, line)."""
    from kb import rules
    rx = rules.rx("dates", "date_line")
    out = []
    for i, line in enumerate(lines):
        s = line.strip()
        m = rx.match(s)
        if m:
            d = parse_date(s)
            if d:
                out.append((i, d, m.group("what"), s))
    return out


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:                       # 29 February
        return d.replace(year=d.year + years, day=28)


def effective(text: str) -> dict:
    """effective_from / effective_until with the sentences they came from."""
    from datetime import timedelta

    from kb import rules
    out: dict = {}
    m = rules.rx("dates", "effective_from").search(text)
    if m:
        out["effective_from"] = (parse_date(m.group(0)), _sentence_around(text, m.start(), m.end()))
    m = rules.rx("dates", "effective_until").search(text)
    if m:
        out["effective_until"] = (parse_date(m.group(0)), _sentence_around(text, m.start(), m.end()))
    elif "effective_from" in out:
        m = rules.rx("dates", "effective_years").search(text)
        if m and cn_number(m.group("years")):
            start = out["effective_from"][0]
            until = _add_years(start, cn_number(m.group("years"))) - timedelta(days=1)
            out["effective_until"] = (until, _sentence_around(text, m.start(), m.end()))
    return out


def _sentence_around(text: str, start: int, end: int) -> str:
    a = max(text.rfind(c, 0, start) for c in "。；\n") + 1
    ends = [i for i in (text.find(c, end) for c in "。；\n") if i != -1]
    b = min(ends) + 1 if ends else len(text)
    return text[a:b].strip()
