"""The issue file: an Issue as TOML the newsletter team edits by hand.

Written by hand (tomllib only reads) with the document titles as comments, so the file reads
as the table of contents it will produce.
"""
from __future__ import annotations

import json
import tomllib
from dataclasses import fields

from kb.errors import KbError
from kb.model import Record
from kb.newsletter.model import Issue, Item, Masthead

HEADER = """\
# 快讯 issue file.  Render it with:  kb newsletter render THIS_FILE --format html --out issue.html
# Edit freely: the masthead; `order` (the sections, in display order); the items, in the order
# they appear within their section.  Per item: `ref` is a record id or a 发文字号; change
# `section` to move it (delete the line to let the section rules decide); `note` is an editor's
# note shown above the digest; `title = "..."` shows a shorter title.  Delete a block to drop it.
"""


def _s(v: str) -> str:
    """A TOML basic string (JSON escapes are valid TOML escapes for these characters)."""
    return json.dumps(v, ensure_ascii=False)


def to_toml(issue: Issue, records: dict[str, Record] | None = None) -> str:
    """The issue file text; ``records`` (ref -> record) adds each title and 文号 as a comment."""
    out = [HEADER, f"full = {'true' if issue.full else 'false'}",
           "order = [" + ", ".join(_s(n) for n in issue.order) + "]", "", "[masthead]"]
    out += [f"{f.name} = {_s(getattr(issue.masthead, f.name))}" for f in fields(Masthead)]
    for section in issue.sections():
        out += ["", f"# ── [{section.name}] " + "─" * 40]
        for it in section.items:
            rec = (records or {}).get(it.ref)
            out.append("")
            if rec:
                out.append("# " + " · ".join(x for x in (rec.title, rec.doc_number, rec.date) if x))
            out += ["[[items]]", f"ref = {_s(it.ref)}", f"section = {_s(it.section)}", f"note = {_s(it.note)}"]
            if it.title:
                out.append(f"title = {_s(it.title)}")
    return "\n".join(out) + "\n"


def from_toml(text: str, name: str = "issue file") -> Issue:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise KbError(f"{name}: not valid TOML: {e}") from e
    head = data.get("masthead", {})
    unknown = set(head) - {f.name for f in fields(Masthead)}
    if unknown:
        raise KbError(f"{name}: unknown masthead keys: {', '.join(sorted(unknown))}")
    items = []
    for n, it in enumerate(data.get("items", []), 1):
        if not isinstance(it, dict) or not str(it.get("ref", "")).strip():
            raise KbError(f"{name}: item {n} has no ref (a record id or 发文字号)")
        bad = set(it) - {"ref", "section", "note", "title"}
        if bad:
            raise KbError(f"{name}: item {n} ({it['ref']}): unknown keys: {', '.join(sorted(bad))}")
        items.append(Item(ref=str(it["ref"]).strip(), section=it.get("section") or None,
                          note=it.get("note", ""), title=it.get("title") or None))
    return Issue(masthead=Masthead(**{k: str(v) for k, v in head.items()}),
                 order=list(data.get("order", [])), items=items, full=bool(data.get("full", False)))
