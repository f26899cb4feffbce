"""The issue model: what an issue file holds, before any document is read.

An Issue is its masthead, the display order of its sections and its items in order; each item
names a document (record id or 发文字号) and may set its section, a shorter title and an
editor's note.  ``Issue.sections()`` groups the items for rendering.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Masthead:
    publisher: str = ""
    title: str = "快 讯"
    issue: str = ""          # "(2018) 1104 期"
    date: str = ""           # ISO date of the issue
    contact: str = ""        # the publisher's contact line at the foot


@dataclass
class Item:
    ref: str                       # record id or 发文字号 (any variant)
    section: str | None = None     # None: assigned by the section rules
    note: str = ""                 # editor's note, shown above the digest
    title: str | None = None       # display title instead of the document's


@dataclass
class Section:
    name: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Issue:
    masthead: Masthead = field(default_factory=Masthead)
    order: list[str] = field(default_factory=list)   # section display order
    items: list[Item] = field(default_factory=list)
    full: bool = False                               # include the full text of each document

    def sections(self) -> list[Section]:
        """Items grouped by section: sections in ``order`` first, then others as they appear."""
        names = list(self.order)
        for it in self.items:
            if it.section and it.section not in names:
                names.append(it.section)
        groups = {n: Section(n) for n in names}
        for it in self.items:
            if it.section is None:
                raise ValueError(f"item {it.ref} has no section: run assign_sections first")
            groups[it.section].items.append(it)
        return [s for s in groups.values() if s.items]
