"""Support measures (what a policy pays or grants) and eligibility conditions (who may apply).

Measures: ``{kind, amount, amount_max, unit, ratio, ratio_max, cap, figure, object, text}``.
Amounts and caps are in 元 (``unit`` = "元", ``figure`` keeps them as written); ratios are
fractions (30% -> 0.3).  Conditions: ``{kind, min, max, value, unit, section, subject, applicant,
text}`` read from sections such as 申报条件 / 基本条件 / 专项指标 (or lists announced by 应具备以下条件);
``applicant`` is false when the sentence is about someone else (外方参与单位, 项目负责人, 评价机构).
Every item keeps the sentence it came from.  Patterns are data: ``kb/data/support.toml``.
"""
from __future__ import annotations

import bisect
import re
import tomllib
from functools import lru_cache
from importlib import resources

from kb import regions, rules
from kb.extract import text as _text
from kb.extract.dates import DATE_RX, cn_number, iso, parse_date
from kb.model import Section

_NUM = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"


@lru_cache(maxsize=None)
def data() -> dict:
    with resources.files("kb").joinpath("data/support.toml").open("rb") as f:
        return tomllib.load(f)


@lru_cache(maxsize=None)
def _units() -> tuple[str, str]:
    """Regex alternations of the money units, longest first (万元 before 元)."""
    money = "|".join(sorted(data()["figures"]["money_units"], key=len, reverse=True))
    bare = "|".join(sorted(data()["figures"]["bare_units"], key=len, reverse=True))
    return money, bare


def _amt() -> str:
    return rf"{_NUM}\s*(?:{_units()[0]})"


_PCT = rf"{_NUM}\s*(?:%|％)"


def _fill(pattern: str) -> str:
    dash = data()["figures"]["range_dash"]
    fig = rf"(?:{_NUM}\s*(?:%|％)?\s*(?:{dash}\s*{_NUM}\s*)?(?:%|％|{_units()[0]}))"
    return (pattern.replace("AMT", _amt()).replace("PCT", _PCT).replace("NUM", _NUM)
            .replace("DATE", DATE_RX).replace("FIG", fig))


@lru_cache(maxsize=None)
def _rx(pattern: str) -> re.Pattern:
    return re.compile(_fill(pattern))


@lru_cache(maxsize=None)
def _raw(pattern: str) -> re.Pattern:
    """A rule used as written (no placeholders), compiled once."""
    return re.compile(pattern)


@lru_cache(maxsize=None)
def _amount_rx() -> re.Pattern:
    money, bare = _units()
    return re.compile(rf"\s*({_NUM})\s*({money}|{bare})?\s*")


@lru_cache(maxsize=None)
def _figure_rx() -> re.Pattern:
    dash = data()["figures"]["range_dash"]
    return re.compile(rf"({_NUM})\s*(%|％)?\s*(?:{dash}\s*({_NUM})\s*)?(%|％|{_units()[0]})")


_CLAUSES = re.compile(r"[^，,；;。]+")
_SPACE = re.compile(r"\s")
_PCT_MARKS = re.compile(r"[%％\s]")


def number(s: str) -> float | None:
    s = s.strip()
    try:
        return float(s)
    except ValueError:
        pass
    if "千" in s:       # 五千 -> 5000; cn_number stops at the hundreds
        head, _, tail = s.partition("千")
        h = cn_number(head) if head else 1
        t = cn_number(tail) if tail else 0
        return float(h * 1000 + (t or 0)) if h is not None and t is not None else None
    n = cn_number(s)
    return float(n) if n is not None else None


def parse_amount(s: str) -> float | None:
    """'3万元' / '1.5亿元' / '2亿' / '5000万' / '500万元' / '200000' -> 元 (float); None if not money."""
    m = _amount_rx().fullmatch(str(s))
    if not m:
        return None
    n = number(m.group(1))
    if n is None:
        return None
    units = {**data()["figures"]["bare_units"], **data()["figures"]["money_units"]}
    return n * units.get(m.group(2) or "元", 1)


def _figures(s: str) -> dict:
    """The figure in ``s`` (one number or a range, money or percent) -> fields of a measure."""
    m = _figure_rx().search(s)
    if not m:
        return {}
    lo, hi, unit = number(m.group(1)), number(m.group(3)) if m.group(3) else None, m.group(4)
    if unit in ("%", "％"):
        return {"ratio": _frac(lo), "ratio_max": _frac(hi), "figure": m.group(0)}
    mult = data()["figures"]["money_units"][unit]
    return {"amount": lo * mult if lo is not None else None, "amount_max": hi * mult if hi is not None else None,
            "unit": "元", "figure": m.group(0)}


def _frac(v: float | None) -> float | None:
    return round(v / 100, 6) if v is not None else None


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; a sentence ends at 。；！？ or a line break."""
    return list(_text.spans(text))


def evidence(sent: str, start: int, end: int) -> str:
    """The sentence a finding was read from; of a sentence longer than ``text_max`` (a table or a
    blob without punctuation), the ``clause_max`` characters around the finding, so that the
    evidence of many findings in one sentence does not grow with its square."""
    cfg = data()["support"]
    if len(sent) <= cfg["text_max"]:
        return sent.strip()
    return sent[max(0, start - cfg["clause_max"]):end + cfg["clause_max"]].strip()


# ---- support measures ----------------------------------------------------------------------

def support(text: str) -> list[dict]:
    """Support measures of a document, in text order."""
    out = []
    any_measure = _any_measure()
    for _, sent in _text.spans(text):
        if any_measure.search(sent):     # most sentences grant nothing: one cheap search to know
            out.extend(_measures(sent))
    return out


@lru_cache(maxsize=None)
def _any_measure() -> re.Pattern:
    return re.compile(data()["support"]["prefilter"])


def _measures(sent: str) -> list[dict]:
    cfg = data()["support"]
    if not _any_measure().search(sent):     # most sentences grant nothing: one cheap search to know
        return []
    if _raw(cfg["negated_sentence"]).search(sent):
        return []
    found: list[tuple[int, int, str]] = []
    ends: dict[str, list[tuple[int, int]]] = {}     # kind -> its (start, end), by start
    for kind, pattern in cfg["kinds"]:
        earlier = sorted(ends.get(kind, ()))        # a kind named twice: its first pattern wins
        mine = ends.setdefault(kind, [])
        for m in _rx(pattern).finditer(sent):
            i = bisect.bisect_left(earlier, (m.end(), -1))
            if i and earlier[i - 1][1] > m.start():  # overlaps a match of the kind already found
                continue
            found.append((m.start(), m.end(), kind))
            mine.append((m.start(), m.end()))
    found.sort()
    starts = [s for s, _, _ in found]
    # a clause is cut at its punctuation, or at clause_max characters: the scans around a measure
    # stay short however long a sentence without punctuation is
    width = cfg["clause_max"]
    items, last_end, last_clause, taken = [], -10, -1, 0
    for n, (start, end, kind) in enumerate(found):
        lo = max(0, start - width)
        clause_start = max(lo, max(sent.rfind(c, lo, start) for c in "，,。；;：:") + 1)
        if _raw(cfg["negated_before"]).search(sent, clause_start, start) or _raw(cfg["noise"]).search(sent[start:end + 4]):
            continue
        if start - last_end <= cfg["merge_gap"]:    # 补助奖励: one measure
            last_end = max(last_end, end)
            continue
        last_end = end
        k = bisect.bisect_left(starts, end, n + 1)
        stop = starts[k] if k < len(starts) else len(sent)
        item = _measure(kind, sent, start, end, clause_start, stop, taken)
        taken = max(taken, item.pop("_end", 0))     # a figure belongs to one measure
        prev = items[-1] if items else None
        if prev and prev["kind"] == kind and _repeats(item, sent[clause_start:start], clause_start == last_clause):
            if item["cap"] is not None and prev["cap"] is None:
                prev["cap"], prev["unit"] = item["cap"], "元"
            continue
        items.append(item)
        last_clause = clause_start
    return items


def _repeats(item: dict, before: str, same_clause: bool) -> bool:
    """Whether a mention only restates the previous measure of its kind: no figure in the same
    clause (按…奖励2万元的标准给予增量奖励), or only a ceiling for no new beneficiary (单个项目奖励最高50万元)."""
    if item["figure"] is None and same_clause:
        return True
    cap_only = item["cap"] is not None and item["amount"] is None and item["ratio"] is None
    return cap_only and not _raw(data()["support"]["new_beneficiary"]).search(before)


def _measure(kind: str, sent: str, start: int, end: int, clause_start: int, stop: int, taken: int = 0) -> dict:
    """One measure: its figure is right after the instrument (奖励3万元) or right before it
    (按30-40%补贴); a ceiling is 最高…/不超过… before the figure or later up to the next measure."""
    cfg = data()["support"]
    item = {"kind": kind, "amount": None, "amount_max": None, "unit": None, "ratio": None, "ratio_max": None,
            "cap": None, "figure": None, "object": None, "text": evidence(sent, start, end)}
    hi = min(len(sent), end + cfg["clause_max"])
    clause_end = min([i for i in (sent.find(c, end, hi) for c in "，,。；;") if i >= 0] or [hi])
    fig_rx = _rx("FIG")
    fig = None
    after = _rx(cfg["gap_after"] + "(?P<fig>FIG)").match(sent, end, clause_end)
    if after:
        fig = fig_rx.match(sent, after.start("fig"), after.end("fig"))
    else:
        for m in fig_rx.finditer(sent, max(clause_start, taken), start):
            if _raw(cfg["gap_before"]).fullmatch(sent[m.end():start]):
                fig = m
    fig_end = end
    if fig:
        fig_end = max(end, fig.end())
        item["_end"] = fig.end()
        figures = _figures(fig.group(0))
        if _raw(cfg["cap"]).search(sent[clause_start:fig.start()]):
            item["figure"] = figures["figure"]
            if "amount" in figures:
                item["cap"], item["unit"] = figures["amount_max"] or figures["amount"], "元"
            else:
                item["ratio_max"] = figures["ratio_max"] or figures["ratio"]
        else:
            item.update(figures)
    if item["cap"] is None:     # a ceiling later on: 奖励3万元，最高不超过500万元
        for c in _CLAUSES.finditer(sent[fig_end:stop]):
            if c.start() and _raw(cfg["new_beneficiary"]).search(c.group(0)):
                break       # another clause for someone else: its ceiling is not ours
            cap = _rx(cfg["cap_later"]).search(c.group(0))
            if cap:
                item["cap"], item["unit"] = parse_amount(_SPACE.sub("", cap.group("cap"))), "元"
                break
    obj = kind in ("tax_relief", "fee_relief") and _rx(cfg["object"]).search(sent, max(0, start - 2), clause_end)
    if obj:
        item["object"] = obj.group("object")
    return item


# ---- eligibility conditions --------------------------------------------------------------------

def conditions(text: str, sections: list[Section]) -> list[dict]:
    """Eligibility conditions from the condition sections (or, without any, from sentences that
    say what an applicant must be)."""
    cfg = data()["conditions"]
    spans = _condition_spans(text, sections)
    fallback = _rx(cfg["fallback"])
    if not spans and (not rules.may_match(rules.requirements(fallback), text)
                      or rules.substring_safe(fallback) and not fallback.search(text)):
        return []       # no condition section and no sentence can say what an applicant must be
    fallback_needs = rules.requirements(fallback)
    kinds = _condition_kinds()
    out, seen = [], set()
    for off, sent in _text.spans(text):
        span = next(((s, subj) for s, subj in spans if s.start <= off < s.end), None)
        if span is None and (spans or not rules.may_match(fallback_needs, sent) or not fallback.search(sent)):
            continue
        subject = _subject(sent) or (span[1] if span else None)
        for kind, rx, need in kinds:
            if need and not rules.may_match(need, sent):      # the words it needs are missing
                continue
            for m in rx.finditer(sent):
                item = _condition(kind, m, sent, _innermost(sections, off))
                if item is None:
                    continue
                item["subject"] = subject
                item["applicant"] = not (subject and _raw(cfg["other_subjects"]).search(subject))
                qualitative = item["kind"] == "credit"
                key = (item["kind"], item["text"]) if qualitative else \
                    (item["kind"], item["min"], item["max"], item["value"], item["text"])
                if key not in seen:
                    seen.add(key)
                    out.append(item)
    return out


@lru_cache(maxsize=None)
def _condition_kinds() -> tuple[tuple[dict, re.Pattern, tuple], ...]:
    """(kind, its compiled pattern, the words every match of it holds: kb.rules.requirements)."""
    return tuple((kind, rx, rules.requirements(rx))
                 for kind in data()["conditions"]["kind"] for rx in [_rx(kind["pattern"])])


def _innermost(sections: list[Section], off: int) -> Section | None:
    return next((s for s in reversed(sections) if s.start <= off < s.end), None)


def _subject(sent: str) -> str | None:
    m = _rx(data()["conditions"]["subject"]).match(sent)
    return m.group("subject").strip() if m else None


def _condition_spans(text: str, sections: list[Section]) -> list[tuple[Section, str | None]]:
    """Outermost sections about eligibility, each with who its conditions are about."""
    cfg = data()["conditions"]
    head, intro = _raw(cfg["heading"]), _rx(cfg["intro"])
    # a text without the words of an announcement has none in its sections either
    intro_needs = rules.requirements(intro)
    announces = rules.may_match(intro_needs, text)
    spans: list[tuple[Section, str | None]] = []
    for i, s in enumerate(sections):
        if any(p.start <= s.start and s.end <= p.end for p, _ in spans):
            continue
        if not announces:
            if head.search(s.heading[:20]):
                spans.append((s, None))
            continue
        nxt = sections[i + 1] if i + 1 < len(sections) else None     # sections are in text order
        own = text[s.start:nxt.start] if nxt and nxt.path[:-1] == s.path else text[s.start:s.end]
        m = intro.search(own) if rules.may_match(intro_needs, own) else None
        announced = None
        if m:       # the sentence holding the announcement
            a = max(own.rfind(c, 0, m.start()) for c in "。；;！？\n") + 1
            announced = own[a:m.end()]
        if head.search(s.heading[:20]) or announced:
            spans.append((s, _subject(announced) if announced else None))
    return spans


def _condition(kind: dict, m: re.Match, sent: str, sec: Section | None) -> dict | None:
    g = {k: v for k, v in m.groupdict().items() if v}
    unit = kind.get("unit")
    item = {"kind": kind["name"], "min": None, "max": None, "value": g.get("value"), "unit": unit,
            "section": list(sec.path) if sec else [], "text": evidence(sent, m.start(), m.end())}
    for bound in ("min", "max"):
        raw = next((v for k, v in g.items() if k.startswith(bound)), None)
        item[bound] = _bound(raw, unit) if raw else None
    if "place" in g:
        item["value"] = _place(g["place"])
        if item["value"] is None:
            return None
    elif not (item["value"] or item["min"] is not None or item["max"] is not None):
        item["value"] = m.group(0)
    return item


def _bound(raw: str, unit: str | None):
    if unit == "元":
        return parse_amount(raw)
    if unit == "fraction":
        return _frac(number(_PCT_MARKS.sub("", raw)))
    if unit == "date":
        return iso(parse_date(raw))
    return number(raw)


def _place(place: str) -> str | None:
    """'中华人民共和国' -> '全国'; '山东省' -> '山东省'; None when it names no region."""
    if any(w in place for w in data()["regions"]["national"]):
        return "全国"
    reg = regions.resolve(place)
    return " ".join(x for x in (reg["province"], reg["city"], reg["county"]) if x) if reg else None
