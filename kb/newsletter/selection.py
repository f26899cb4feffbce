"""Choosing the documents of an issue: by date range, by id or 发文字号, or by source file."""
from __future__ import annotations

from pathlib import PurePosixPath

from kb.errors import KbError, NotFound
from kb.extract.numbers import normalize
from kb.model import Record
from kb.newsletter.model import Issue, Item, Masthead
from kb.newsletter.sections import Rules, section_of

DATE_FIELDS = ("auto", "published", "date")


def find(records: list[Record], ref: str) -> list[Record]:
    """Records a reference names: an id; a source file (all its documents); a 发文字号."""
    ref = ref.strip()
    by_id = [r for r in records if r.id == ref]
    if by_id:
        return by_id
    by_source = [r for r in records if ref in (r.source, str(PurePosixPath(r.source).with_suffix("")))]
    if by_source:
        return by_source
    number = normalize(ref)
    by_number = [r for r in records if number and r.doc_number == number]
    if by_number:
        return by_number[:1]
    raise NotFound(f"no document matches {ref!r} (neither a record id, a source file nor a 发文字号 in the knowledge base)")


def issue_date(record: Record, on: str = "auto") -> str | None:
    """The date a range applies to: 发布日期 (published), 成文日期 (date), or auto = published else date."""
    if on == "published":
        return record.published
    if on == "date":
        return record.date
    return record.published or record.date


def select(records: list[Record], *, date_from: str | None = None, date_to: str | None = None,
           on: str = "auto", include: tuple[str, ...] | list[str] = (),
           exclude: tuple[str, ...] | list[str] = ()) -> list[Record]:
    """Documents in the date range (inclusive, ISO dates) plus the included ones, less the excluded.

    With neither a range nor an inclusion, every document.  Kept in knowledge-base order (id).
    """
    if on not in DATE_FIELDS:
        raise KbError(f"unknown date field {on!r}: one of {', '.join(DATE_FIELDS)}")
    chosen: dict[str, Record] = {}
    if date_from or date_to or not include:
        for r in records:
            d = issue_date(r, on)
            if date_from or date_to:
                if not d or (date_from and d < date_from) or (date_to and d > date_to):
                    continue
            chosen[r.id] = r
    for ref in include:
        for r in find(records, ref):
            chosen[r.id] = r
    for ref in exclude:
        for r in find(records, ref):
            chosen.pop(r.id, None)
    return sorted(chosen.values(), key=lambda r: r.id)


def new_issue(records: list[Record], rules: Rules, masthead: Masthead | None = None) -> Issue:
    """An issue of the selected documents, each in its section, in knowledge-base order.  The
    masthead is the given one: the issue is the user's publication, so neither its publisher nor
    its issue number is taken from a newsletter the documents were read from (a reprint of the
    sample compilation's documents is not its issue (2018) 1104 期)."""
    head = Masthead()
    for k, v in vars(masthead or Masthead(title="")).items():
        if v:
            setattr(head, k, v)
    items = [Item(ref=r.id, section=section_of(r, rules)) for r in records]
    return Issue(masthead=head, order=list(rules.order), items=items)
