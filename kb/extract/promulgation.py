"""Who adopted a statute or an order, and when: the history lines under a law's title and the
opening of a 令.

Laws, regulations and rules print their history instead of a signature::

    1994年7月5日 第八届全国人民代表大会常务委员会第八次会议通过
    2022年4月14日 国家市场监督管理总局令第56号公布

and an order (令) opens ``中华人民共和国国务院令第606号 《…》已经…国务院第173次常务会议通过，
现予公布`` and is signed by a person (总理 温家宝).  From these: the order's number (its 发文字号),
the adopting body (the session ordinal 第十届 and the meeting are not part of its name), the
date of the current version (the latest adoption or amendment) and the publication date.
Patterns are in kb/data/rules.toml [promulgation].
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from kb import rules
from kb.extract import bodies, dates

_SPACE = re.compile(r"[\s\u3000]+")


@dataclass
class Event:
    date: date
    what: str            # 通过 / 修正 / 修订 / 公布 / 发布
    body: str | None
    order: str | None    # 国务院令第262号, as printed without spaces
    line: str


@dataclass
class Promulgation:
    events: list[Event]
    order: tuple[str, str] | None = None       # (number, evidence)
    body: tuple[str, str] | None = None        # (name, evidence)


@lru_cache(maxsize=None)
def _rx(key: str) -> re.Pattern:
    return rules.rx("promulgation", key)


@lru_cache(maxsize=None)
def _events_split() -> re.Pattern:
    from kb.extract.dates import DATE_RX
    return re.compile(rf"(?<=通过|修正|修订|公布|发布|施行)\s*(?:根据\s*)?(?={DATE_RX})")


def _events(line: str) -> list[str]:
    """A header line cut into its events; a province's approval (…通过2020年6月3日河南省…批准的《…决定》
    修正) stays with the city's adoption it approves."""
    out: list[str] = []
    for p in _events_split().split(line):
        if out and "批准" in p:
            out[-1] += p
        elif p:
            out.append(p)
    return out


def _runs(text: str) -> list[str]:
    from kb.extract.dates import DATE_RX
    return [r for r in re.split(rf"{DATE_RX}|[\s，,。；、《》〈〉“”（）()]+", text) if r]


def _body(who: str) -> str | None:
    """The adopting body named in ``who`` (…第十届…常务委员会第八次会议 -> …常务委员会)."""
    for run in _runs(who):
        m = _rx("meeting").match(run)
        if not m:
            continue
        name = _rx("session").sub("", m.group("head") + (m.group("tail") or ""))
        for organ in rules.get("promulgation", "organs"):
            if name.endswith(organ) and len(name) > len(organ):
                name = name[: -len(organ)]
        name = _strip_state(name)
        if bodies.is_body_name(name):
            return name
    return None


def _strip_state(name: str) -> str:
    for prefix in rules.get("promulgation", "state_prefixes"):
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            return name[len(prefix):]
    return name


def _order(who: str) -> tuple[str, str | None] | None:
    """(number, issuing body) of an order named in ``who``: 国家市场监督管理总局令第56号."""
    m = _rx("order").search(who)
    if not m:
        return None
    number = _SPACE.sub("", m.group(0))
    body = _strip_state(_SPACE.sub("", m.group("body")))
    return number, (body if bodies.is_body_name(body) else None)


def read(lines: list[str], end: int) -> Promulgation:
    """History lines and the 令 opening in the header (``lines[:end]``, plus the first sentence)."""
    out = Promulgation(events=[])
    event_rx = _rx("event")
    # several events run together on one line (…第十八次会议修正  2006年3月31日…修订): one each
    span = [p for l in lines[: end + 2] if l.strip() for p in _events(l.strip())]
    for k, s in enumerate(span):
        m = event_rx.match(s)
        if not m and k + 1 < len(span) and _rx("starts_dated").match(s):
            # a history line wrapped by the converter: 2019年8月26日 …《关于修改〈…〉 / 〈…〉的决定》第三次修正
            m = event_rx.match(s + span[k + 1])
        if m:
            d = dates.parse_date(m.group("date"))
            who = m.group("who")
            order = _order(who)
            body = _body(who) or (order[1] if order else None)
            if d:
                out.events.append(Event(d, m.group("what"), body, order[0] if order else None, s))
                if order and not out.order:
                    out.order = (order[0], s)
                continue
        lead = _rx("order").match(s)
        if lead and not out.order:           # an order opens with its number (GB/T 9704 令)
            out.order = (_SPACE.sub("", lead.group(0)), s)
            if lead.end() == len(s):
                continue
        m = _rx("opening").match(s)
        if m:
            order = _order(m.group("order")) if m.group("order") else None
            if order and not out.order:
                out.order = (order[0], s)
            adopted = _body(m.group("rest") or "")
            name = adopted or (order[1] if order else None)
            if name and not out.body:
                out.body = (name, s)
    if not out.body:
        named = [e for e in out.events if e.body]
        if named:
            out.body = (named[-1].body, named[-1].line)
    return out


def version_date(p: Promulgation) -> Event | None:
    """The current version's date: the latest adoption, amendment or publication."""
    dated = [e for e in p.events if e.what != "施行"]
    return max(dated, key=lambda e: e.date) if dated else None


def published(p: Promulgation) -> Event | None:
    """The publication: the first line that says 公布 or 发布."""
    return next((e for e in p.events if e.what in ("公布", "发布")), None)
