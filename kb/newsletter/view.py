"""The rendering model: an Issue with its documents read and digested, shared by every format."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.errors import KbError
from kb.extract.dates import DATE_RX
from kb.model import Record
from kb.newsletter.digest import Digest, digest
from kb.newsletter.model import Issue, Item
from kb.newsletter.sections import Rules, assign_sections
from kb.newsletter.selection import find


@dataclass
class ItemView:
    anchor: str                 # "item-3": the TOC links here
    number: int                 # 1-based position in the issue
    id: str
    title: str
    doc_number: str | None      # canonical 发文字号
    registration: str | None    # 规范性文件登记号
    issuers: list[str]
    date: str | None            # 成文日期
    published: str | None       # 发布日期
    note: str
    digest: Digest
    links: list[str]
    blocks: list[tuple[str, str]] = field(default_factory=list)  # full text: (kind, text)


@dataclass
class SectionView:
    name: str
    anchor: str
    items: list[ItemView]


@dataclass
class IssueView:
    masthead: dict
    sections: list[SectionView]
    full: bool


def resolve(issue: Issue, records: list[Record]) -> dict[str, Record]:
    """item ref -> its record (a ref must name exactly one document)."""
    out = {}
    for it in issue.items:
        found = find(records, it.ref)
        if len(found) != 1:
            raise KbError(f"item {it.ref!r} names {len(found)} documents: use a record id")
        out[it.ref] = found[0]
    return out


def blocks(rec: Record) -> list[tuple[str, str]]:
    """The body as (kind, text): "h" heading, "r" recipients, "s" signature, "p" paragraph; without the title and
    number already shown above it (the recipients, signature and date stay, as in the sample)."""
    heads = {s.start for s in rec.sections if s.level <= 2}
    shown = {_norm(x) for x in (rec.title, rec.doc_number_raw, rec.doc_number, rec.registration_number) if x}
    signs = set(rec.issuers)
    out, pos, leading = [], 0, True
    for line in rec.text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        s = line.strip()
        if not s or (leading and (_norm(s) in shown or (len(s) >= 4 and _norm(s) in _norm(rec.title or "")))):
            continue
        leading = False
        if s in signs or re.fullmatch(DATE_RX, s):
            out.append(("s", s))
        elif rec.recipients and s.startswith(rec.recipients):
            out.append(("r", s))
        elif start + len(line) - len(line.lstrip()) in heads and len(s) <= 40 and not re.search(r"[。；]$", s):
            out.append(("h", s))
        else:
            out.append(("p", s))
    return out


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def build_view(issue: Issue, records: list[Record], rules: Rules, full: bool | None = None) -> IssueView:
    """Resolve, section and digest every item of the issue."""
    by_ref = resolve(issue, records)
    assign_sections(issue, by_ref, rules)
    full = issue.full if full is None else full
    sections, n = [], 0
    for k, sec in enumerate(issue.sections(), 1):
        views = []
        for it in sec.items:
            n += 1
            views.append(_item(it, by_ref[it.ref], n, rules, full))
        sections.append(SectionView(sec.name, f"section-{k}", views))
    return IssueView(masthead=vars(issue.masthead).copy(), sections=sections, full=full)


def _item(it: Item, rec: Record, n: int, rules: Rules, full: bool) -> ItemView:
    return ItemView(anchor=f"item-{n}", number=n, id=rec.id, title=it.title or rec.title or rec.id,
                    doc_number=rec.doc_number, registration=rec.registration_number, issuers=list(rec.issuers),
                    date=rec.date, published=rec.published, note=it.note, digest=digest(rec, rules.digest),
                    links=list(rec.links), blocks=blocks(rec) if full else [])
