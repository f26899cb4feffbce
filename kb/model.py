"""Plain records passed between the pipeline stages: read -> clean -> split -> extract -> store.

Every stage takes and returns these dataclasses (or plain strings), so each can be
tested on a literal value.  ``to_dict`` gives the JSON shape documented in the README.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any


@dataclass
class RawDoc:
    """A file as read from disk: decoded text, before any cleaning."""
    path: str          # full path, for messages
    source: str        # file name as given in the corpus (the record's ``source``)
    text: str          # decoded text (HTML already reduced to its content)
    format: str        # "txt" | "md" | "html" | "docx"
    encoding: str      # detected encoding ("utf-8", "utf-8-sig", "gb18030", "utf-16", ...)
    sha256: str = ""   # hash of the raw bytes, for incremental builds
    # what the page says about itself outside its text: [{"field", "value", "from"}]
    # (<title>, <h1>, <meta> tags); extraction weighs it against the 公文 text
    meta: list[dict] = field(default_factory=list)


@dataclass
class Part:
    """One document inside a file: the whole file, or one item of a compilation."""
    text: str                      # clean text of this document only
    index: int = 0                 # position in the file (0 when the file is one document)
    category: str | None = None    # section of a compilation, e.g. "政策文件"
    newsletter: dict | None = None  # {"publisher": ..., "issue": ...} of the compilation
    links: list[str] = field(default_factory=list)  # source addresses (相关链接)
    meta: list[dict] = field(default_factory=list)  # the page's metadata (RawDoc.meta)


@dataclass
class Deadline:
    date: str | None = None        # ISO date of the deadline (None for a recurring one)
    time: str | None = None        # "16:00" when a closing time is given
    opens: str | None = None       # ISO date or datetime when a window opens
    recurring: str | None = None   # None | "monthly" | "quarterly" | "yearly"
    month: int | None = None       # for yearly deadlines
    day: int | None = None         # for monthly/yearly deadlines (days after quarter end for quarterly)
    text: str = ""                 # the sentence it was read from
    kind: str = "due"              # "due" (a closing date) or "opens" (the day a window opens:
                                   # a window's entry holds it as ``opens`` too)


@dataclass
class Target:
    year: int | None = None        # the year the target is due
    text: str = ""                 # the clause holding the figure
    indicator: str | None = None   # what is measured ("森林覆盖率")
    direction: str | None = None   # "下降" / "提高到" / "达到" ...
    value: float | None = None
    unit: str | None = None        # "%", "亿元", "家" ...
    baseline_year: int | None = None  # "比2015年下降15%" -> 2015
    context: str = ""              # the whole sentence


@dataclass
class Section:
    id: str                 # stable anchor: "s3", "s3-2" ...
    level: int              # 1 = outermost numbering style found in the document
    number: str             # the marker as written: "一、", "（二）", "第三条" ...
    heading: str            # heading text without the marker (may be the first clause)
    path: list[str]         # headings from the root down to this one (inclusive)
    start: int              # character offsets of the section in Record.text
    end: int


@dataclass
class Record:
    id: str
    source: str
    title: str | None = None
    doc_number: str | None = None
    doc_number_raw: str | None = None
    registration_number: str | None = None
    issuers: list[str] = field(default_factory=list)
    date: str | None = None
    published: str | None = None
    recipients: str | None = None
    category: str | None = None
    newsletter: dict | None = None
    links: list[str] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)
    repeals: list[str] = field(default_factory=list)
    effective_from: str | None = None
    effective_until: str | None = None
    deadlines: list[Deadline] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    responsible_units: list[dict] = field(default_factory=list)  # {"role": "牵头单位", "name": ...}
    support: list[dict] = field(default_factory=list)     # what it pays or grants (kb.extract.support)
    conditions: list[dict] = field(default_factory=list)  # eligibility conditions (kb.extract.support)
    doc_type: str | None = None
    region: dict | None = None     # {"province": ..., "city": ..., "county": ...}
    info: dict = field(default_factory=dict)      # the page's info table, label -> value
    page: list[dict] = field(default_factory=list)  # page metadata read with the file (RawDoc.meta)
    warnings: list[str] = field(default_factory=list)  # e.g. info table disagrees with the text
    text: str = ""
    sections: list[Section] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)  # field -> text it was read from

    def to_dict(self) -> dict:
        """The record as plain dicts and lists (what ``dataclasses.asdict`` gives, several times faster)."""
        return _plain(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Record":
        d = dict(d)
        d["deadlines"] = [Deadline(**x) for x in d.get("deadlines") or []]
        d["targets"] = [Target(**x) for x in d.get("targets") or []]
        d["sections"] = [Section(**x) for x in d.get("sections") or []]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})


# ---- fast asdict ---------------------------------------------------------------------------------
# ``dataclasses.asdict`` copies every value through several generic checks and ``copy.deepcopy``;
# records hold only dataclasses, lists, dicts and scalars, which are converted here directly.
# The result is the same: new containers all the way down, scalars shared (they are immutable).

_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls))
    return names


def _plain(v):
    t = type(v)
    if t in _SCALARS:
        return v
    if t is list:
        return [x if type(x) in _SCALARS else _plain(x) for x in v]
    if t is dict:
        return {(k if type(k) in _SCALARS else _plain(k)): (x if type(x) in _SCALARS else _plain(x))
                for k, x in v.items()}
    names = _FIELDS.get(t)
    if names is not None or (is_dataclass(v) and not isinstance(v, type)):
        d = {}
        for name in names or _field_names(t):
            x = getattr(v, name)
            d[name] = x if type(x) in _SCALARS else _plain(x)
        return d
    # anything else as dataclasses.asdict treats it
    if isinstance(v, tuple) and hasattr(v, "_fields"):
        return t(*[_plain(x) for x in v])
    if isinstance(v, (list, tuple)):
        return t(_plain(x) for x in v)
    if isinstance(v, dict):
        return t((_plain(k), _plain(x)) for k, x in v.items())
    return copy.deepcopy(v)
