"""Application and submission deadlines: dates before which something is handed in.

A date is a deadline only when a verb of submitting or applying follows it in the same
sentence (于2018年12月20日前将推荐表报送…); the date of signing, eligibility cut-offs (注册时间
为…前) and target years are not.  Windows (受理时间为…至…) and recurring deadlines (每月25日前,
每年3月15日前, 自季度终了十五日内) are read too.
"""
from __future__ import annotations

import re

from kb import rules
from kb.extract.dates import cn_number, iso, parse_date, parse_time
from kb.model import Deadline


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[。；;！？\n])", text) if s.strip()]


def _verb_after(sentence: str, pos: int) -> bool:
    return bool(rules.rx("deadlines", "submit").search(sentence, pos))


def _datetime(s: str) -> tuple[str | None, str | None]:
    d = parse_date(s)
    t = parse_time(re.sub(r"^.*?日", "", s, count=1)) if d else None
    return iso(d), t


def deadlines(text: str) -> list[Deadline]:
    out: list[Deadline] = []
    for sent in _sentences(text):
        used: list[tuple[int, int]] = []

        def free(m: re.Match) -> bool:
            return all(m.end() <= a or m.start() >= b for a, b in used)

        for m in rules.rx("deadlines", "window").finditer(sent):
            opens_d, opens_t = _datetime(m.group("open"))
            close_d, close_t = _datetime(m.group("close"))
            if close_d:
                opens = f"{opens_d}T{opens_t}" if opens_d and opens_t else opens_d
                out.append(Deadline(date=close_d, time=close_t, opens=opens, text=sent))
                used.append(m.span())
        for key in ("due", "due_plain", "closing"):
            for m in rules.rx("deadlines", key).finditer(sent):
                if not free(m) or (key != "closing" and not _verb_after(sent, m.end())):
                    continue
                d, t = _datetime(m.group(0))
                if d:
                    out.append(Deadline(date=d, time=t, text=sent))
                    used.append(m.span())
        for key in ("monthly", "yearly", "quarterly"):
            for m in rules.rx("deadlines", key).finditer(sent):
                if not free(m) or not _verb_after(sent, m.end()):
                    continue
                g = m.groupdict()
                kind = {"monthly": "monthly", "yearly": "yearly", "quarterly": "quarterly"}[key]
                out.append(Deadline(recurring=kind, month=int(g["month"]) if g.get("month") else None,
                                    day=cn_number(g["day"]), text=sent))
                used.append(m.span())
    return _unique(out)


def _unique(items: list[Deadline]) -> list[Deadline]:
    seen, out = set(), []
    for d in items:
        key = (d.date, d.time, d.opens, d.recurring, d.month, d.day, d.text)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
