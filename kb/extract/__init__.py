"""Extract: one clean document (a Part) -> a Record, each field with the text it came from."""
from __future__ import annotations

import re

from kb import regions
from kb.extract import bodies, dates, header, infotable, numbers, pagedates, promulgation, signers, titles
from kb.extract.deadlines import deadlines
from kb.extract.support import conditions, support
from kb.extract.targets import targets
from kb.model import Part, Record
from kb.structure import parse_sections


def extract(part: Part, source: str, record_id: str) -> Record:
    lines = part.text.split("\n")
    info, info_lines = infotable.parse(lines)
    body_lines = [l for i, l in enumerate(lines) if i not in info_lines]
    text = "\n".join(body_lines).strip() + "\n"
    lines = text.split("\n")
    rec = Record(id=record_id, source=source, text=text, category=part.category,
                 newsletter=_newsletter(part.newsletter), links=list(part.links), info=info)
    ev = rec.evidence

    head = header.find(lines)
    rec.page = list(part.meta or [])
    rec.title, ev["title"] = header.title(lines, head, rec.page, info)
    if not rec.title:
        rec.title, ev["title"] = titles.title(lines)
    rec.doc_type = titles.doc_type(rec.title)

    own = header.own_number(lines, head)
    if own:
        rec.doc_number, rec.doc_number_raw = own.canonical, own.raw
        ev["doc_number"] = own.raw
    elif rec.title and (number := numbers.normalize(rec.title)):
        # an announcement whose title is its number (国家能源局公告2025年第5号)
        rec.doc_number, rec.doc_number_raw = number, rec.title
        ev["doc_number"] = ev.get("title") or rec.title
    rec.registration_number = numbers.registration_number(text)
    if rec.registration_number:
        ev["registration_number"] = rec.registration_number

    _dates_and_issuers(rec, lines, head)
    if head.recipients is not None:
        rec.recipients, ev["recipients"] = bodies.recipients([lines[head.recipients]])
        if not rec.recipients:          # a person or a group the header addresses
            line = lines[head.recipients].strip()
            rec.recipients, ev["recipients"] = line.rstrip("：:").strip(), line

    cited = [d for d in numbers.find_numbers(text) if d.canonical != rec.doc_number]
    rec.cites = list(dict.fromkeys(d.canonical for d in cited))
    if cited:
        ev["cites"] = {d.canonical: _around(text, d.start, d.end) for d in cited}
    repealed = numbers.repealed_numbers(text)
    rec.repeals = list(dict.fromkeys(n for n, _ in repealed if n != rec.doc_number))
    if rec.repeals:
        ev["repeals"] = {n: s for n, s in repealed}

    eff = dates.effective(text)
    for key in ("effective_from", "effective_until"):
        if key in eff:
            setattr(rec, key, dates.iso(eff[key][0]))
            ev[key] = eff[key][1]

    rec.deadlines = deadlines(text)
    rec.targets = targets(text)
    rec.responsible_units = bodies.responsible_units(text)
    rec.region = regions.resolve(*rec.issuers, rec.title or "", (info.get("issuers") or ""))
    if rec.region:
        ev["region"] = rec.region.get("matched")
    rec.sections = parse_sections(text)
    rec.support = support(text)
    rec.conditions = conditions(text, rec.sections)
    _apply_info_table(rec, info)
    rec.evidence = {k: v for k, v in ev.items() if v}
    return rec


def _dates_and_issuers(rec: Record, lines: list[str], head: header.Header) -> None:
    """成文日期 and 发文机关, by the 公文's own landmarks first, then the page's metadata.

    Date: the date under a signature; a statute's latest adoption or amendment; the first bare
    date line.  Issuers: the 版头 (发文机关标志, full names), the signature, the body that
    adopted a statute or order, the issuer named before 关于 in the title.
    """
    ev = rec.evidence
    prom = promulgation.read(lines, head.end)
    found = dates.date_lines(lines)
    candidates = [(i, d, w, s) for i, d, w, s in found if w not in ("发布", "公布")]
    signed = next(((c, sig) for c in candidates for sig in [bodies.signature(lines, c[0])] if sig[0]), None)
    version = promulgation.version_date(prom)
    if signed:
        (i, d, _, s), (names, used) = signed
        rec.date, ev["date"] = d.isoformat(), s
        rec.issuers, ev["issuers"] = names, used
    elif version:
        rec.date, ev["date"] = version.date.isoformat(), version.line
    elif candidates:
        rec.date, ev["date"] = candidates[0][1].isoformat(), candidates[0][3]
    masthead = next(((n, l.strip()) for l in lines[:head.end] for n in [signers.masthead(l)] if n), None)
    if masthead:
        rec.issuers, ev["issuers"] = masthead
    if not rec.issuers and prom.body:
        rec.issuers, ev["issuers"] = [prom.body[0]], prom.body[1]
    published = next(((d, s) for _, d, w, s in found if w in ("发布", "公布")), None)
    pub_event = promulgation.published(prom)
    if pub_event:
        rec.published, ev["published"] = pub_event.date.isoformat(), pub_event.line
    elif published:
        rec.published, ev["published"] = published[0].isoformat(), published[1]
    if not rec.published:
        # the page's own date line near the heading, else its meta tags
        lead = max(head.end, _line_of(lines, ev.get("title")) + 3)
        found_pub = pagedates.from_lines(lines, min(lead, len(lines))) or pagedates.from_meta(rec.page)
        if found_pub:
            rec.published, ev["published"] = found_pub
    if prom.order and not rec.doc_number:
        rec.doc_number = rec.doc_number_raw = prom.order[0]
        ev["doc_number"] = prom.order[1]
    if not rec.issuers:
        rec.issuers = bodies.from_title(rec.title)
        if rec.issuers:
            ev["issuers"] = rec.title
    if not rec.issuers:
        # a 落款 whose date is missing or left blank (…局 / …局 / 2022年月日): the names that end the text
        names, used = bodies.undated_signature(lines)
        if names:
            rec.issuers, ev["issuers"] = names, used
    if not rec.issuers and rec.title:
        # no signature and no name in the title: a line of body names right above the title
        # (a 版头 without 文件, an export row's issuer cell: 央行、银保监会), as printed
        at = _line_of(lines, ev.get("title"))
        above = next((l.strip() for l in reversed(lines[max(0, at - 3):at]) if l.strip()), "") if at else ""
        names = bodies.names_line(above)
        if names:
            rec.issuers, ev["issuers"] = names, above
    if not rec.issuers and rec.doc_number:
        body = numbers.issuer_of(rec.doc_number)
        if body:
            rec.issuers, ev["issuers"] = [body], rec.doc_number_raw or rec.doc_number


def _line_of(lines: list[str], evidence: str | None) -> int:
    """Index of the line an evidence text starts with (0 if it is not a line of the text)."""
    first = (evidence or "").split("\n", 1)[0].strip()
    if first:
        for i, line in enumerate(lines):
            if line.strip() == first:
                return i
    return 0


def _apply_info_table(rec: Record, info: dict) -> None:
    """Fill fields from the page's info table; where the text says otherwise, keep a warning."""
    if not info:
        return
    checks = {
        "title": lambda v: titles.tidy(v),
        "doc_number": lambda v: numbers.normalize(v),
        "date": lambda v: dates.iso(dates.parse_date(v)) or _iso_dash(v),
        "published": lambda v: dates.iso(dates.parse_date(v)) or _iso_dash(v),
        "effective_from": lambda v: dates.iso(dates.parse_date(v)) or _iso_dash(v),
        "effective_until": lambda v: dates.iso(dates.parse_date(v)) or _iso_dash(v),
        "issuers": lambda v: [n for n in re.split(r"[\s、，,]+", v) if n],
    }
    for key, conv in checks.items():
        if key not in info:
            continue
        value = conv(info[key])
        if not value:
            continue
        current = getattr(rec, key)
        if current and current != value:
            rec.warnings.append(f"info table {key} {value!r} differs from the text {current!r}")
        if not current:
            setattr(rec, key, value)
            rec.evidence[key] = f"{key}（信息表）：{info[key]}"
            if key == "doc_number":
                rec.doc_number_raw = info[key]
            if key == "title":
                rec.doc_type = titles.doc_type(value)


def _iso_dash(v: str) -> str | None:
    m = re.search(r"((?:19|20)\d{2})[-./](\d{1,2})[-./](\d{1,2})", v)
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None


def _newsletter(n: dict | None) -> dict | None:
    return {"publisher": n.get("publisher"), "issue": n.get("issue")} if n else None


def _around(text: str, start: int, end: int, width: int = 40) -> str:
    return text[max(0, start - width):end + 10].replace("\n", " ")
