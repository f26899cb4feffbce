"""A subsidy consultant's questions, answered from the knowledge base.

- ``deadlines``: application and submission deadlines, soonest first, recurring ones expanded;
  ``to_ics`` writes them as an iCalendar file.
- ``cites`` / ``cited_by`` / ``missing``: the citation graph between 发文字号.
- ``match``: the policies that apply to a client profile, each with why it matched and what the
  client must still check.

Every function returns plain dicts (JSON-ready); everything that depends on the date takes ``today``.
"""
from __future__ import annotations

import calendar
import functools
import hashlib
import re
import tomllib
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from importlib import resources

from kb import regions, store
from kb.errors import KbError, NotFound
from kb.extract.support import data as support_rules, parse_amount
from kb.extract.numbers import normalize
from kb.lookup import resolve
from kb.model import Record
from kb.status import repeal_index, status

OCCURRENCES = 3          # recurring monthly/quarterly deadlines: how many next dates to list
CLOSED = ("expired", "repealed")


# ---- deadlines ---------------------------------------------------------------------------------

def deadlines(index_dir, today: date, start: date | None = None, end: date | None = None,
              open_only: bool = False, occurrences: int = OCCURRENCES) -> list[dict]:
    """Deadlines of the whole knowledge base, soonest first (see :func:`deadline_items`); only the
    documents having deadlines are read, from the store's tables (not their records or texts)."""
    # what is closed on ``today`` (or before ``start``) is left in the store
    since = max(today, start or today) if open_only else start
    return deadline_items(store.deadline_records(index_dir, since and since.isoformat()), today, start, end, open_only,
                          occurrences, repeals=store.repeal_index(index_dir))


def deadline_items(records: list[Record], today: date, start: date | None = None, end: date | None = None,
                   open_only: bool = False, occurrences: int = OCCURRENCES, repeals: dict | None = None) -> list[dict]:
    """One item per deadline date: {id, doc_number, title, kind, date, time, opens, state, days_left,
    text, rule}.  ``kind`` is deadline | window | monthly | quarterly | yearly; ``state`` is open,
    opens_later (a window not open yet) or closed.  Documents issued after ``today`` are left out;
    recurring deadlines are expanded from ``today`` while their document is in force.  ``repeals``:
    the repeal index of the whole knowledge base, when ``records`` are not all of it."""
    if repeals is None:
        repeals = repeal_index(records)
    out = []
    for rec in records:
        if rec.date and date.fromisoformat(rec.date) > today:
            continue
        for d in rec.deadlines:
            if d.recurring:
                first, last = _validity(rec, today, repeals)
                for when in _occurrences(d, first, last, occurrences):
                    out.append(_item(rec, d.recurring, when, None, None, d.text, today, _rule(d)))
            elif d.date and d.kind != "opens":     # an opening day is the window's ``opens``
                kind = "window" if d.opens else "deadline"
                out.append(_item(rec, kind, date.fromisoformat(d.date), d.time, d.opens, d.text, today, None))
    out = [x for x in out if (not start or x["date"] >= start.isoformat()) and (not end or x["date"] <= end.isoformat())
           and (not open_only or x["state"] != "closed")]
    return sorted(out, key=lambda x: (x["date"], x["time"] or "24:00", x["id"]))


def _item(rec: Record, kind: str, when: date, time: str | None, opens: str | None, text: str, today: date,
          rule: str | None) -> dict:
    opens_day = date.fromisoformat(opens[:10]) if opens else None
    state = "closed" if when < today else "opens_later" if opens_day and opens_day > today else "open"
    return {"id": rec.id, "doc_number": rec.doc_number, "title": rec.title, "kind": kind,
            "date": when.isoformat(), "time": time, "opens": opens, "state": state,
            "days_left": (when - today).days, "opens_in": (opens_day - today).days if opens_day else None,
            "rule": rule, "text": text}


def _validity(rec: Record, today: date, repeals: dict) -> tuple[date, date | None]:
    """First and last day on which a recurring deadline of ``rec`` can fall (from ``today`` on):
    not after its validity, its repeal, or (stating no validity) the end of the plan period its
    title names (（2017—2020年）, 2024年行动计划, 十三五: kb/data/plans.toml, as in match)."""
    first = max(today, date.fromisoformat(rec.effective_from)) if rec.effective_from else today
    ends = [date.fromisoformat(rec.effective_until)] if rec.effective_until else []
    period = None if rec.effective_until else plan_period(rec.title)
    if period:
        ends.append(date(period[1], 12, 31))
    for by in repeals.get(rec.doc_number or "", []):
        ends.append(date.fromisoformat(by["from"]) - timedelta(days=1) if by.get("from") else first - timedelta(days=1))
    return first, min(ends) if ends else None


def recurring_until(rec: Record, repeals: dict) -> str | None:
    """The last day (ISO) a recurring deadline of ``rec`` can fall on, whatever the day (None:
    no end known; a repeal in force from no stated day ends it at once: 0001-01-01)."""
    _, last = _validity(rec, date.min + timedelta(days=1), repeals)
    return last.isoformat() if last else None


def _occurrences(d, first: date, last: date | None, n: int) -> list[date]:
    """Next dates of a recurring deadline on or after ``first``: n monthly or quarterly ones, the
    next yearly one; none after ``last``."""
    out: list[date] = []
    if d.recurring == "monthly" and d.day:
        k = first.year * 12 + first.month - 1               # months since year 0
        while len(out) < n:
            y, m = divmod(k, 12)
            x = date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))
            if x >= first:
                out.append(x)
            k += 1
    elif d.recurring == "yearly" and d.month and d.day:
        for y in (first.year, first.year + 1):
            x = date(y, d.month, min(d.day, calendar.monthrange(y, d.month)[1]))
            if x >= first:
                out.append(x)
                break
    elif d.recurring == "quarterly" and d.day is not None:
        k = first.year * 4 + (first.month - 1) // 3 - 1     # from the previous quarter: its report may still be due
        while len(out) < n:
            y, q = divmod(k, 4)
            x = date(y, 3 * q + 3, calendar.monthrange(y, 3 * q + 3)[1]) + timedelta(days=d.day)
            if x >= first:
                out.append(x)
            k += 1
    return [x for x in out if last is None or x <= last]


def _rule(d) -> str:
    return {"monthly": f"每月{d.day}日前", "yearly": f"每年{d.month}月{d.day}日前",
            "quarterly": f"季度终了{d.day}日内"}.get(d.recurring, d.recurring)


# ---- iCalendar -----------------------------------------------------------------------------------

BEIJING = timedelta(hours=8)      # China has one time zone and no daylight saving


def to_ics(items: list[dict], stamp: datetime | None = None) -> str:
    """An RFC 5545 calendar: one event per deadline (timed when a closing time is given, else all
    day) and one per window opening."""
    stamp = stamp or datetime.now(timezone.utc)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//kb//policy deadlines//ZH", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:政策申报截止"]
    for x in items:
        name = x["title"] or x["doc_number"] or x["id"]
        desc = "\n".join(v for v in (x["doc_number"], x["text"].strip(), x["id"]) if v)
        lines += _event(f"截止：{name}", desc, x["date"], x["time"], _uid(x, "due"), stamp)
        if x["opens"]:
            day, _, time = x["opens"].partition("T")
            lines += _event(f"开始受理：{name}", desc, day, time or None, _uid(x, "opens"), stamp)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _event(summary: str, desc: str, day: str, time: str | None, uid: str, stamp: datetime) -> list[str]:
    out = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp.strftime('%Y%m%dT%H%M%SZ')}"]
    d = date.fromisoformat(day)
    if time:
        h, m = (int(v) for v in time.split(":"))
        utc = datetime(d.year, d.month, d.day) + timedelta(hours=h, minutes=m) - BEIJING
        out.append(f"DTSTART:{utc.strftime('%Y%m%dT%H%M%SZ')}")
    else:
        out += [f"DTSTART;VALUE=DATE:{d.strftime('%Y%m%d')}",
                f"DTEND;VALUE=DATE:{(d + timedelta(days=1)).strftime('%Y%m%d')}"]
    out += [f"SUMMARY:{_esc(summary)}", f"DESCRIPTION:{_esc(desc)}", "TRANSP:TRANSPARENT", "END:VEVENT"]
    return out


def _uid(x: dict, what: str) -> str:
    key = "|".join(str(x[k]) for k in ("id", "date", "time", "kind", "text")) + "|" + what
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:24] + "@kb"


def _esc(s: str) -> str:
    return s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r", "").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold at 75 octets without cutting a UTF-8 character."""
    out, cur, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > (75 if not out else 74):
            out.append(cur)
            cur, size = "", 0
        cur += ch
        size += n
    out.append(cur)
    return "\r\n ".join(out)


# ---- citation graph ------------------------------------------------------------------------------

def cites(index_dir, ref: str) -> dict:
    """The numbers a document cites or repeals, each with whether the knowledge base has it."""
    rec = _one(index_dir, ref)
    have = {n: found[0] for n in rec.cites + rec.repeals if (found := store.by_number(index_dir, n))}
    rows = [(n, "cites") for n in rec.cites if n not in rec.repeals] + [(n, "repeals") for n in rec.repeals]
    return {"id": rec.id, "doc_number": rec.doc_number, "title": rec.title,
            "cites": [{"number": n, "kind": k, "in_kb": n in have, "id": have[n].id if n in have else None,
                       "title": have[n].title if n in have else None,
                       "text": (rec.evidence.get("cites") or {}).get(n) or (rec.evidence.get("repeals") or {}).get(n)}
                      for n, k in rows]}


def cited_by(index_dir, ref: str) -> dict:
    """The documents that cite or repeal a number (which need not be in the knowledge base)."""
    number = normalize(ref)
    rec = None
    if number:
        found = store.by_number(index_dir, number)
        rec = found[0] if found else None
    else:
        rec = _one(index_dir, ref)
        number = rec.doc_number
        if not number:
            raise NotFound(f"{rec.id} has no 发文字号, so no document can cite it by number")
    rows: dict[str, tuple[str, str]] = {}
    for i, t, k in store.citing(index_dir, number):     # one row per document; repealing beats citing
        rows[i] = (t, "repeals" if k == "repeals" or rows.get(i, ("", ""))[1] == "repeals" else k)
    recs = store.get_many(index_dir, list(rows))
    return {"number": number, "in_kb": rec is not None, "id": rec.id if rec else None,
            "title": rec.title if rec else None,
            "cited_by": [{"id": i, "doc_number": recs[i].doc_number if i in recs else None, "title": t, "kind": k}
                         for i, (t, k) in rows.items()]}


def missing(index_dir, limit: int | None = None) -> list[dict]:
    """Numbers cited but not in the knowledge base, most cited first: documents worth collecting."""
    with closing(store.connect(index_dir)) as db:
        rows = db.execute("SELECT DISTINCT number, doc_id FROM citations WHERE number NOT IN "
                          "(SELECT doc_number FROM documents WHERE doc_number IS NOT NULL) ORDER BY doc_id").fetchall()
    counts: dict[str, list[str]] = {}
    for number, doc_id in rows:
        counts.setdefault(number, []).append(doc_id)
    out = [{"number": n, "count": len(ids), "cited_by": ids} for n, ids in counts.items()]
    out.sort(key=lambda x: (-x["count"], x["number"]))
    return out[:limit] if limit else out


def _one(index_dir, ref: str) -> Record:
    res = resolve(index_dir, ref)
    if res.record is None:
        raise NotFound(f"{ref!r} matches {len(res.matches)} numbers: " + "、".join(n for n, _, _ in res.matches[:10]))
    return res.record


# ---- matching a client to policies -------------------------------------------------------------

@dataclass
class Profile:
    """A client: where it is, what it does and what it has.  Unknown fields are ``None``."""
    region: str | None = None          # province (山西, 山西省) or a city (长治)
    city: str | None = None
    industry: str | None = None        # 制造业 ...
    size: str | None = None            # 中小企业, 小型企业, 大型企业 ...
    revenue: float | None = None       # 元 (parse "2亿", "5000万" with parse_money)
    qualifications: list[str] = field(default_factory=list)   # 高新技术企业, 专精特新 ...
    years: float | None = None         # years in business
    registered_capital: float | None = None   # 元
    legal_person: bool | None = None   # independent legal person

    @property
    def province(self) -> str | None:
        for name in (self.region, self.city):
            if name and regions.province_of(name):
                return regions.province_of(name)
        return None

    @property
    def city_name(self) -> str | None:
        for name in (self.city, self.region):
            hit = regions.resolve(name) if name else None
            if hit and hit["city"]:
                return hit["city"]
        return None

    def to_dict(self) -> dict:
        return {**asdict(self), "province": self.province, "city_name": self.city_name}


def parse_money(value) -> float | None:
    """'2亿' / '5000万' / '2亿元' / '500万元' / 2e8 -> 元."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return float(value)
    amount = parse_amount(str(value).replace(",", "").replace("，", ""))
    if amount is None:
        raise KbError(f"not an amount of money: {value!r} (write 2亿, 5000万, 500万元 …)")
    return amount


PROFILE_KEYS = {"region", "city", "industry", "size", "revenue", "qualifications", "years",
                "registered_capital", "legal_person"}


def load_profile(path=None, **overrides) -> Profile:
    """A profile from a TOML file (keys as in :class:`Profile`), overridden by non-empty arguments."""
    d: dict = {}
    if path:
        try:
            with open(path, "rb") as f:
                d = tomllib.load(f)
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise KbError(f"cannot read profile {path}: {e}") from e
        d = d.get("profile", d)
        unknown = set(d) - PROFILE_KEYS
        if unknown:
            raise KbError(f"unknown profile keys in {path}: {', '.join(sorted(unknown))}")
    d.update({k: v for k, v in overrides.items() if v not in (None, (), [], "")})
    for k in ("revenue", "registered_capital"):
        d[k] = parse_money(d.get(k))
    if isinstance(d.get("qualifications"), str):
        d["qualifications"] = [d["qualifications"]]
    d["qualifications"] = list(d.get("qualifications") or [])
    for k in ("region", "city"):
        if d.get(k) and not regions.province_of(d[k]):
            raise KbError(f"unknown {k}: {d[k]!r} (give a province, 山西, or a city, 长治)")
    return Profile(**d)


def match(index_dir, profile: Profile, today: date, open_only: bool = False) -> dict:
    """Policies that apply to ``profile`` on ``today``, best first (see :func:`match_records`).

    Read from the store without the texts (``store.policy_records``); the profile's terms are
    counted by SQLite in the texts of the policies that pass the other tests only."""
    repeals = store.repeal_index(index_dir)
    open_dl = deadline_items(store.deadline_records(index_dir, today.isoformat()), today, open_only=True,
                             occurrences=1, repeals=repeals)
    return match_records(store.policy_records(index_dir), profile, today, open_only, repeals=repeals,
                         open_deadlines=open_dl, mentions=lambda ids, term: store.mentions(index_dir, ids, term))


def match_records(records: list[Record], profile: Profile, today: date, open_only: bool = False,
                  repeals: dict | None = None, open_deadlines: list[dict] | None = None, mentions=None) -> dict:
    """{profile, today, matches, excluded}.  A policy matches when its region includes the client's
    (national ones apply everywhere, a province's apply to its cities), it is not expired or
    repealed, its plan period (in the title) has not ended, it was issued by ``today`` and no
    extracted condition contradicts the profile.  Policies with an open deadline come first, then
    those with most reasons.  Each match lists ``why`` and ``check`` (what the client must still
    verify); each exclusion its ``reason``.  ``repeals``, ``open_deadlines`` and ``mentions(ids, term)
    -> {id: count}`` are given when ``records`` are not all of the knowledge base or lack their texts."""
    if repeals is None:
        repeals = repeal_index(records)
    if open_deadlines is None:
        open_deadlines = deadline_items(records, today, open_only=True, occurrences=1, repeals=repeals)
    open_dl: dict[str, list[dict]] = {}
    for x in open_deadlines:
        open_dl.setdefault(x["id"], []).append(x)
    terms = [t for t in dict.fromkeys([profile.size, profile.industry, *profile.qualifications]) if t]
    judged = [_judge(rec, profile, today, repeals, open_dl.get(rec.id, [])) for rec in records]
    if mentions is None:
        counts = {t: {r.id: r.text.count(t) for r, res in zip(records, judged) if res["ok"]} for t in terms}
    else:
        ok_ids = [res["id"] for res in judged if res["ok"]]
        counts = {t: mentions(ok_ids, t) for t in terms}
    matches, excluded = [], []
    for res in judged:
        at = res.pop("_mentions_at", None)
        if at is not None:      # the client's terms, counted for the matches only
            said = [(t, n) for t in terms if (n := counts[t].get(res["id"], 0))]
            res["why"][at:at] = [f"mentions {t} ({n}×)" for t, n in said]
            res["score"] += sum(min(n, 3) for _, n in said)
        (matches if res.pop("ok") else excluded).append(res)
    if open_only:
        matches = [m for m in matches if m["open_deadlines"]]
    matches.sort(key=lambda m: (not m["open_deadlines"], -m["score"], -(_ordinal(m["date"])), m["id"]))
    return {"profile": profile.to_dict(), "today": today.isoformat(), "matches": matches, "excluded": excluded}


@functools.lru_cache(maxsize=1)
def _plans() -> tuple:
    d = tomllib.loads(resources.files("kb").joinpath("data/plans.toml").read_text(encoding="utf-8"))
    return re.compile(d["span"]), re.compile(d["year"]), d["five_year"]


def plan_period(title: str | None) -> tuple[int, int] | None:
    """(first, last) year of the period a plan's title names (（2017—2020年）, 2024年行动计划,
    “十三五”), or None."""
    if not title:
        return None
    span, year, five_year = _plans()
    m = span.search(title)
    if m and int(m["first"]) <= int(m["last"]):
        return int(m["first"]), int(m["last"])
    m = year.search(title)
    if m:
        return int(m["year"]), int(m["year"])
    for name, (first, last) in five_year.items():
        i = title.find(name)
        if i >= 0 and not (i > 0 and title[i - 1] in "一二三四五六七八九十"):   # not inside a longer numeral
            return first, last
    return None


def _ordinal(day: str | None) -> int:
    return date.fromisoformat(day).toordinal() if day else 0


def _judge(rec: Record, p: Profile, today: date, repeals: dict, open_deadlines: list[dict]) -> dict:
    """The verdict on one record; a match's ``_mentions_at`` is where in ``why`` the mentions of the
    client's terms go (they are counted afterwards, in the matches' texts only)."""
    scope, place = _scope(rec)
    st = status(rec, today, repeals)
    res = {"id": rec.id, "doc_number": rec.doc_number, "title": rec.title, "date": rec.date,
           "scope": scope, "region": place, "status": st, "ok": False}
    why, check, score = [], [], 0
    verdict = _region_fit(rec, scope, place, p)
    if verdict[0] == "fail":
        return {**res, "reason": verdict[1]}
    if rec.date and date.fromisoformat(rec.date) > today:
        return {**res, "reason": f"issued {rec.date}, after {today.isoformat()}"}
    if st["status"] in CLOSED:
        return {**res, "reason": f"{st['status']}: {st['reason']}"}
    period = None if rec.effective_until else plan_period(rec.title)
    if period and period[1] < today.year:
        return {**res, "reason": f"ended: the plan's period {period[0]}–{period[1]} (in its title) is over"}
    (why if verdict[0] == "pass" else check).append(verdict[1])
    score += {"city": 3, "county": 3, "province": 2, "national": 1}.get(scope, 0) if verdict[0] == "pass" else 0
    conds = [dict(c, **dict(zip(("verdict", "why"), check_condition(c, p)))) for c in rec.conditions]
    failed = [c for c in conds if c["verdict"] == "fail"]
    if failed:
        return {**res, "reason": "; ".join(c["why"] for c in failed), "conditions": conds}
    for c in conds:
        if c["verdict"] == "pass":
            why.append(f"condition met: {c['why']}")
            score += 3
    by_sentence: dict[str, list[str]] = {}
    for c in conds:
        if c["verdict"] == "check":
            by_sentence.setdefault(c["text"], []).append(c["why"])
    check.extend(f"{'; '.join(dict.fromkeys(w))}：{t}" for t, w in by_sentence.items())
    mentions_at = len(why)
    if rec.support:
        why.append("support: " + "、".join(dict.fromkeys(_measure_label(s) for s in rec.support)))
        score += 1
    if open_deadlines:
        why.append("open deadline: " + "、".join(f"{x['date']} ({x['days_left']} days)" for x in open_deadlines))
    if st["status"] == "unknown":
        check.append("validity: the text states no period of validity")
    elif st["status"] == "not_yet":
        check.append(f"validity: {st['reason']}")
    if not rec.conditions:
        check.append("no eligibility conditions were extracted: read the document")
    return {**res, "ok": True, "score": score, "why": why, "check": check, "conditions": conds,
            "support": rec.support, "open_deadlines": open_deadlines, "_mentions_at": mentions_at}


def _measure_label(s: dict) -> str:
    fig = s["figure"] or ""
    return f"{s['kind']} {fig}".strip()


def _scope(rec: Record) -> tuple[str, str | None]:
    reg = rec.region
    if reg:
        level = "county" if reg.get("county") else "city" if reg.get("city") else "province"
        return level, " ".join(v for v in (reg.get("province"), reg.get("city"), reg.get("county")) if v)
    heads = [*rec.issuers, rec.title or ""]
    if any(h.strip().startswith(regions.NATIONAL_PREFIXES) for h in heads if h):
        return "national", "全国"
    return "unknown", None


def _region_fit(rec: Record, scope: str, place: str | None, p: Profile) -> tuple[str, str]:
    if scope == "national":
        return "pass", "national policy: applies everywhere"
    if scope == "unknown":
        return "fail", "region unknown: the issuer is neither national nor a known region"
    reg = rec.region
    prov, city = p.province, p.city_name
    if not prov:
        return "check", f"regional policy ({place}): give --region to check"
    if reg["province"] != prov:
        return "fail", f"region: a {place} policy, the client is in {prov}"
    if scope == "province":
        return "pass", f"{reg['province']} policy: applies in the client's province"
    if city is None:
        return "check", f"applies in {place} only: check the client is there"
    if reg["city"] != city:
        return "fail", f"region: a {place} policy, the client is in {prov} {city}"
    if scope == "county":
        return "check", f"applies in {place} only: check the client is there"
    return "pass", f"{place} policy: applies in the client's city"


def check_condition(c: dict, p: Profile) -> tuple[str, str]:
    """(pass | fail | check, explanation) of one extracted condition against a profile."""
    kind, label = c["kind"], _describe(c)
    if not c.get("applicant", True):
        return "check", f"{label} (about {c.get('subject') or 'someone else'}, not the applicant)"
    if kind in ("revenue", "registered_capital", "operating_years"):
        have = {"revenue": p.revenue, "registered_capital": p.registered_capital, "operating_years": p.years}[kind]
        if have is None:
            return "check", label
        shown = _money(have) if kind != "operating_years" else f"{have:g}年"
        ok = (c["min"] is None or have >= c["min"]) and (c["max"] is None or have <= c["max"])
        return ("pass" if ok else "fail"), f"{label}: the client has {shown}" + ("" if ok else " — condition fails")
    if kind == "size" and p.size:
        groups = support_rules()["sizes"]["groups"]
        admitted, client = set(groups.get(c["value"], [c["value"]])), set(groups.get(p.size, [p.size]))
        if p.size in admitted:
            return "pass", f"{label}: the client is {p.size}"
        if not admitted & client:
            return "fail", f"{label}: the client is {p.size} — condition fails"
        return "check", f"{label}: the client is {p.size}"
    if kind == "region" and p.province:
        if c["value"] == "全国" or c["value"].split()[0] == p.province:
            return "pass", f"{label}: the client is in {p.province}"
        return "fail", f"{label}: the client is in {p.province} — condition fails"
    if kind == "legal_person" and p.legal_person is not None:
        return ("pass", label) if p.legal_person else ("fail", f"{label} — condition fails")
    if kind == "qualification" and c["value"] in p.qualifications:
        return "pass", f"{label}: the client has it"
    if kind == "industry" and p.industry and (p.industry in c["value"] or c["value"] in p.industry):
        return "pass", f"{label}: the client is in {p.industry}"
    return "check", label


LABELS = {"revenue": "营业收入", "registered_capital": "注册资金", "operating_years": "经营年限",
          "field_years": "从业年限", "registered_before": "注册时间", "growth": "增长率", "debt_ratio": "资产负债率",
          "main_business_share": "主营业务收入占比", "rd_share": "研发经费占比", "staff_share": "人员占比",
          "staff_count": "人员数", "patents": "专利", "legal_person": "独立法人", "region": "注册地",
          "size": "企业规模", "qualification": "资质", "industry": "行业", "credit": "信用"}


def _describe(c: dict) -> str:
    name, lo, hi, unit = LABELS.get(c["kind"], c["kind"]), c.get("min"), c.get("max"), c.get("unit")
    fmt = _money if unit == "元" else (lambda v: f"{v * 100:g}%") if unit == "fraction" else \
        (lambda v: v) if unit == "date" else (lambda v: f"{v:g}{unit or ''}")
    if lo is not None and hi is not None:
        return f"{name} {fmt(lo)}–{fmt(hi)}"
    if lo is not None:
        return f"{name} ≥ {fmt(lo)}"
    if hi is not None:
        return f"{name} ≤ {fmt(hi)}" if unit != "date" else f"{name} before {hi}"
    value = c.get("value") or ""
    return name if value in ("", name) else f"{name} {value}"


def _money(v: float) -> str:
    if v >= 1e8:
        return f"{v / 1e8:g}亿元"
    if v >= 1e4:
        return f"{v / 1e4:g}万元"
    return f"{v:g}元"
