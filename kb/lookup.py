"""Look documents up by 发文字号 (any written variant), by id, or by a partial number."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from kb import store
from kb.errors import NotFound
from kb.extract.numbers import normalize, partial_key
from kb.model import Record
from kb.status import repeal_index, status


@dataclass
class Resolved:
    record: Record | None = None
    number: str | None = None                      # canonical number asked for
    matches: list[tuple[str, str, str]] = field(default_factory=list)  # partial: (number, id, title)
    cited_by: list[tuple[str, str, str]] = field(default_factory=list)  # cited but missing


def resolve(index_dir, ref: str) -> Resolved:
    """One document for a full number or an id; a list for a partial number.

    Raises NotFound (naming the documents that cite the number, if any) when nothing matches.
    """
    ref = ref.strip()
    number = normalize(ref)
    if number:
        found = store.by_number(index_dir, number)
        if found:
            return Resolved(record=found[0], number=number)
        cited = store.citing(index_dir, number)
        msg = f"{number} is not in the knowledge base"
        if cited:
            msg += "; cited by: " + ", ".join(f"{i} ({t or 'untitled'})" for i, t, _ in cited)
        err = NotFound(msg)
        err.cited_by = cited
        raise err
    rec = store.get(index_dir, ref)
    if rec:
        return Resolved(record=rec)
    key = partial_key(ref)
    if key:
        matches = store.numbers_like(index_dir, key)
        if matches:
            return Resolved(number=None, matches=matches)
    raise NotFound(f"no document matches {ref!r} (neither a 发文字号 nor a record id)")


def show(index_dir, ref: str, today: date) -> dict:
    """A record for display: the record, its status on ``today`` and the documents citing it."""
    res = resolve(index_dir, ref)
    if res.record is None:
        return {"matches": [{"doc_number": n, "id": i, "title": t} for n, i, t in res.matches]}
    rec = res.record
    repeals = repeal_index(store.load_records(index_dir))
    cited_by = store.citing(index_dir, rec.doc_number) if rec.doc_number else []
    return {"record": rec.to_dict(), "status": status(rec, today, repeals),
            "cited_by": [{"id": i, "title": t, "kind": k} for i, t, k in cited_by]}


def stats(index_dir) -> dict:
    records = store.load_records(index_dir)
    files = store.files(index_dir)
    count = lambda values: dict(Counter(v for v in values if v).most_common())
    return {
        "documents": len(records),
        "files": len(files),
        "failed_files": [{"source": f["source"], "reason": f["error"]} for f in files if f["error"]],
        "with_doc_number": sum(1 for r in records if r.doc_number),
        "deadlines": sum(len(r.deadlines) for r in records),
        "targets": sum(len(r.targets) for r in records),
        "citations": sum(len(r.cites) for r in records),
        "by_issuer": count(i for r in records for i in r.issuers),
        "by_year": count((r.date or r.published or "")[:4] for r in records),
        "by_category": count(r.category for r in records),
        "by_type": count(r.doc_type for r in records),
        "by_province": count((r.region or {}).get("province") for r in records),
        "built": store.meta(index_dir).get("built"),
    }
