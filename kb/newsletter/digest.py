"""The digest of a document: sentences read from it, never written.

purpose   the sentence saying why the document exists (为… / 根据… … 制定 / 通知如下)
measures  the headings of its key measures (the sub-sections of 主要任务 …, else its chapters)
deadlines the extracted deadlines, their dates marked
amounts   clauses granting money (Record.support where there is one), the sums marked
targets   the extracted quantified targets

Marked text is a list of (text, marked) spans, so each output format marks it its own way and
HTML escaping stays with the template.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kb import rules
from kb.extract.dates import DATE_RX, TIME_RX
from kb.model import Record

Spans = list[tuple[str, bool]]


@dataclass
class Digest:
    purpose: str | None = None
    measures: list[str] = field(default_factory=list)
    measures_total: int = 0
    deadlines: list[Spans] = field(default_factory=list)
    amounts: list[Spans] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)


@lru_cache(maxsize=None)
def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def mark(text: str, *patterns: str | re.Pattern) -> Spans:
    """Split ``text`` into spans, marking every match of the patterns (the earliest, longest wins)."""
    hits = sorted(((m.start(), -m.end()) for p in patterns
                   for m in (_rx(p) if isinstance(p, str) else p).finditer(text) if m.end() > m.start()))
    spans: Spans = []
    pos = 0
    for start, neg_end in hits:
        if start < pos:
            continue
        if start > pos:
            spans.append((text[pos:start], False))
        spans.append((text[start:-neg_end], True))
        pos = -neg_end
    if pos < len(text):
        spans.append((text[pos:], False))
    return spans


def _clip(s: str, n: int) -> str:
    """At most n characters, cut after a sentence end when there is one, else with an ellipsis."""
    s = s.strip()
    if len(s) <= n:
        return s
    cut = max(s.rfind(c, 0, n) for c in "。；")
    return s[:cut + 1] if cut > n // 3 else s[:n].rstrip("，、,") + "…"


def purpose(rec: Record, conf: dict) -> str | None:
    """The purpose sentence: first match of the purpose pattern in the opening paragraphs."""
    rx = _rx(conf["purpose"])
    first_l1 = min((s.start for s in rec.sections if s.level == 1), default=len(rec.text))
    paras = [p.strip() for p in rec.text.split("\n") if p.strip()]
    head = [p for p in paras if p not in _furniture(rec)]
    opening = [p for p in head if rec.text.find(p) < first_l1] or head[:1]
    for p in opening + head[len(opening):len(opening) + 6]:
        m = rx.search(p)
        if m:
            start = m.start() + (1 if p[m.start()] in "。；" else 0)
            end = p.find("。", m.end())
            sentence = p[start:end + 1 if end >= 0 else len(p)].strip()
            sentence = re.sub(r"^第[一二三四五六七八九十]+条\s*", "", sentence)
            return _clip(sentence, conf["purpose_max_chars"])
    first = next((p for p in opening if len(p) >= 10), None)
    return _clip(first, conf["purpose_max_chars"]) if first else None


def _furniture(rec: Record) -> set[str]:
    """Lines that are not body: title, numbers, recipients, signature."""
    out = {x for x in (rec.title, rec.doc_number_raw, rec.doc_number, rec.registration_number) if x}
    if rec.recipients:
        out |= {rec.recipients + "：", rec.recipients + ":"}
    out |= set(rec.issuers)
    lines = [p.strip() for p in rec.text.split("\n") if p.strip()]
    out |= {p for p in lines[:12] if re.fullmatch(DATE_RX, p) or len(p) <= 2}
    if rec.title:  # a title set on two lines
        out |= {p for p in lines[:3] if len(p) >= 4 and p in rec.title}
    return out


def _heading(rec: Record, sec) -> str:
    line = rec.text[sec.start:sec.end].split("\n", 1)[0].strip()
    body = line[len(sec.number):].strip() if line.startswith(sec.number) else line
    return re.split(r"[。；：:]", body, maxsplit=1)[0] or sec.heading


def measures(rec: Record, conf: dict) -> tuple[list[str], int]:
    """Headings of the key measures and how many there are in all."""
    top = [s for s in rec.sections if s.level == 1]
    parent = _rx(conf["measures_parent"])
    skip = _rx(conf["measures_skip"])
    picked = []
    for s in top:  # the first parent with sub-sections
        if parent.search(s.heading):
            picked = [c for c in rec.sections if c.level == 2 and s.start <= c.start < s.end]
            if picked:
                break
    if not picked:
        picked = [s for s in top if not skip.search(s.heading)]
    heads = [_clip(_heading(rec, s), conf["measure_max_chars"]) for s in picked]
    return heads[:conf["measures_max"]], len(heads)


def deadlines(rec: Record) -> list[Spans]:
    """Deadline sentences with their dates (and recurring 每月25日前 …) marked."""
    when = [rf"{DATE_RX}(?:\s*{TIME_RX})?"] + [rules.rx("deadlines", k) for k in ("monthly", "yearly", "quarterly")]
    # (a window's opening day is an entry of its own with the window's sentence)
    return [mark(t, *when) for t in dict.fromkeys(d.text for d in rec.deadlines if d.text)]


def _sums(clause: str, conf: dict) -> list[str]:
    """Sums of money in a clause, less those right after 注册资金, 余额 … (conditions, figures)."""
    skip = _rx(conf["support_skip"])
    return [m.group(0) for m in _rx(conf["amount"]).finditer(clause)
            if not skip.search(clause[max(0, m.start() - 8):m.start()])]


def amounts(rec: Record, conf: dict) -> list[Spans]:
    """Clauses granting money (给予…万元奖励), the sums marked.

    The knowledge base's own support measures (Record.support, where the model has them) are
    used as read; otherwise a clause qualifies when it has a word of granting and a sum."""
    out: list[Spans] = []
    seen: set[str] = set()
    measures = getattr(rec, "support", None)
    if measures is not None:
        for m in measures:
            text = (m.get("text") or "").strip()
            figures = [m["figure"]] if m.get("figure") else []
            if text and text not in seen and (m.get("amount") or m.get("cap") or m.get("ratio")):
                seen.add(text)
                out.append(mark(text, *(re.escape(f) for f in figures + _sums(text, conf))))
        return out
    support = _rx(conf["support"])
    for clause in re.split(r"(?<=[。；;\n])", rec.text):
        c = clause.strip()
        sums = _sums(c, conf) if c and c not in seen and support.search(c) else []
        if sums:
            seen.add(c)
            out.append(mark(c, *(re.escape(f) for f in sums)))
    return out


def digest(rec: Record, conf: dict) -> Digest:
    heads, total = measures(rec, conf)
    targets = [f"{t.year}年：{t.text}" if t.year and f"{t.year}年" not in t.text else t.text for t in rec.targets]
    return Digest(purpose=purpose(rec, conf), measures=heads, measures_total=total,
                  deadlines=deadlines(rec), amounts=amounts(rec, conf),
                  targets=list(dict.fromkeys(targets))[:conf["targets_max"]])
