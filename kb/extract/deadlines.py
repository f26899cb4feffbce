"""Application and submission deadlines: dates before which something is handed in.

A date is a deadline only when a verb of submitting or applying follows it in the same
sentence (于2018年12月20日前将推荐表报送…); the date of signing, eligibility cut-offs (注册时间
为…前) and target years are not.  Windows (受理时间为…至…) and recurring deadlines (每月25日前,
每年3月15日前, 自季度终了十五日内) are read too.  A window's opening day, and a channel opening
on a date (拟于…开放), is an entry of kind "opens"; every other entry is "due".
"""
from __future__ import annotations

import re
from functools import lru_cache

from kb import rules
from kb.extract import text as _text
from kb.extract.dates import cn_number, iso, parse_date, parse_time
from kb.model import Deadline


_UP_TO_DAY = re.compile(r"^.*?日")
_KINDS = ("window", "period", "until", "due", "due_weekday", "due_plain", "closing", "extended", "due_lead",
          "purchase", "paid", "opening", "monthly", "yearly", "quarterly")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _verb_after(sentence: str, pos: int) -> bool:
    return bool(rules.rx("deadlines", "submit").search(sentence, pos))


def _datetime(s: str) -> tuple[str | None, str | None]:
    d = parse_date(s)
    t = parse_time(_UP_TO_DAY.sub("", s, count=1)) if d else None
    return iso(d), t


@lru_cache(maxsize=None)
def _patterns() -> dict[str, tuple[re.Pattern, tuple, frozenset[str]]]:
    """Each deadline shape with the words and the characters any match of it holds (quick tests
    before the regex, see kb.rules.requirements)."""
    return {k: (rx, rules.requirements(rx), rules.required_chars(rx))
            for k in _KINDS for rx in [rules.rx("deadlines", k)]}


def deadlines(text: str) -> list[Deadline]:
    out: list[Deadline] = []
    # the shapes this text can hold at all, and the characters a sentence needs for any of them
    shapes = {k: (rx, need) for k, (rx, need, _) in _patterns().items() if rules.may_match(need, text)}
    if not shapes:
        return []
    common = tuple(frozenset.intersection(*(_patterns()[k][2] for k in shapes)))
    first = common[0] if common else ""      # ("" is in every piece)
    rest = common[1:]
    no_match = ()
    for piece in _text.pieces(text):
        if first not in piece or (rest and not all(c in piece for c in rest)):
            continue        # (a piece lacking a character lacks it stripped too)
        sent = piece.strip()
        if not sent:
            continue
        used: list[tuple[int, int]] = []

        def free(m: re.Match) -> bool:
            return all(m.end() <= a or m.start() >= b for a, b in used)

        def matches(key: str):
            rx, need = shapes.get(key) or (None, None)
            if rx is None or not rules.may_match(need, sent):
                return no_match
            return rx.finditer(sent)

        for m in matches("window"):
            opens_d, opens_t = _datetime(m.group("open"))
            close_d, close_t = _datetime(m.group("close"))
            if close_d and not opens_d:       # 2月11日上午9点至2025年6月30日: the start takes the end's year
                opens_d = _with_year(close_d, m.group("open"))
                if opens_d and opens_d > close_d:
                    opens_d = None
                opens_t = parse_time(_UP_TO_DAY.sub("", m.group("open"), count=1)) if opens_d else None
            if close_d:
                opens = f"{opens_d}T{opens_t}" if opens_d and opens_t else opens_d
                out.append(Deadline(date=close_d, time=close_t, opens=opens, text=sent))
                used.append(m.span())
        for m in matches("period"):
            if not free(m):
                continue
            opens_d, opens_t = _datetime(m.group("open"))
            close_d, close_t = _datetime(m.group("close"))
            if opens_d and not close_d:       # 2025年5月1日至12月31日: the end takes the start's year
                close_d = _with_year(opens_d, m.group("close"))
            if close_d and (not opens_d or close_d >= opens_d):
                out.append(Deadline(date=close_d, time=close_t, opens=opens_d, text=sent))
                used.append(m.span())
        for m in matches("until"):
            if not free(m):
                continue
            d, t = _datetime(m.group("close"))
            opens = _datetime(m.group("open"))[0] if m.group("open") else None
            if d:
                out.append(Deadline(date=d, time=t, opens=opens, text=sent))
                used.append(m.span())
        for m in matches("opening"):
            if free(m):
                d, t = _datetime(m.group("open"))
                if d:
                    out.append(Deadline(date=d, time=t, kind="opens", text=sent))
                    used.append(m.span())
        for key in ("due", "due_weekday", "due_plain", "closing", "extended", "due_lead", "purchase", "paid"):
            for m in matches(key):
                if not free(m) or (key in ("due", "due_plain") and not _verb_after(sent, m.end())):
                    continue
                d, t = _datetime(m.group(0))
                if d:
                    out.append(Deadline(date=d, time=t, text=sent))
                    used.append(m.span())
        for key in ("monthly", "yearly", "quarterly"):
            for m in matches(key):
                if not free(m) or not _verb_after(sent, m.end()):
                    continue
                g = m.groupdict()
                kind = {"monthly": "monthly", "yearly": "yearly", "quarterly": "quarterly"}[key]
                out.append(Deadline(recurring=kind, month=int(g["month"]) if g.get("month") else None,
                                    day=cn_number(g["day"]), text=sent))
                if g.get("day2"):
                    out.append(Deadline(recurring=kind, month=int(g["month2"]), day=int(g["day2"]), text=sent))
                used.append(m.span())
    return _unique(_with_openings(out))


def _with_openings(items: list[Deadline]) -> list[Deadline]:
    """Each window's opening day is also an entry of its own (kind "opens"), after the window:
    the day a consultant's client may start is as much a date of the document as the close."""
    out = []
    for d in items:
        out.append(d)
        if d.opens and d.kind == "due":
            day, _, time = d.opens.partition("T")
            out.append(Deadline(date=day, time=time or None, kind="opens", text=d.text))
    return out


def _with_year(known: str, day_text: str) -> str | None:
    """The ISO date of a year-less ``day_text`` (12月31日) in the year of the ``known`` ISO date."""
    from datetime import date
    md = _MONTH_DAY.match(day_text)
    try:
        return date(int(known[:4]), int(md.group(1)), int(md.group(2))).isoformat() if md else None
    except ValueError:
        return None


def _unique(items: list[Deadline]) -> list[Deadline]:
    seen, out = set(), []
    for d in items:
        key = (d.date, d.time, d.opens, d.recurring, d.month, d.day, d.text, d.kind)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
