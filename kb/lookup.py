"""Look documents up by 发文字号 (any written variant), by id, or by a partial number."""
from __future__ import annotations

import functools
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
    others: list[Record] = field(default_factory=list)   # more documents bearing the same number
    cited: list[tuple[str, int]] = field(default_factory=list)  # partial: (number cited, not in the kb; citing docs)


def resolve(index_dir, ref: str) -> Resolved:
    """One document for a full number or an id; a list for a partial number.

    Raises NotFound (naming the documents that cite the number, if any) when nothing matches.
    """
    ref = ref.strip()
    number = normalize(ref)
    if number:
        found = store.by_number(index_dir, number)
        if found:
            return Resolved(record=found[0], number=number, others=found[1:])
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
        cited = store.cited_numbers_like(index_dir, key)
        if matches or cited:
            return Resolved(number=None, matches=matches, cited=cited)
    raise NotFound(f"no document matches {ref!r} (neither a 发文字号 nor a record id)")


def show(index_dir, ref: str, today: date) -> dict:
    """A record for display: the record, its status on ``today``, the documents citing it and the
    other documents bearing the same number (``also``).  For a partial number: ``matches`` (documents
    in the knowledge base) and ``cited`` (numbers only cited), no ``record``."""
    res = resolve(index_dir, ref)
    if res.record is None:
        return {"matches": [{"doc_number": n, "id": i, "title": t} for n, i, t in res.matches],
                "cited": [{"doc_number": n, "cited_by": k} for n, k in res.cited]}
    rec = res.record
    # only the documents repealing this number, not every record (a 10k knowledge base: 5 s -> ms)
    repeals = store.repeal_index(index_dir, [rec.doc_number]) if rec.doc_number else {}
    cited_by = store.citing(index_dir, rec.doc_number) if rec.doc_number else []
    return {"record": rec.to_dict(), "status": status(rec, today, repeals),
            "cited_by": [{"id": i, "title": t, "kind": k} for i, t, k in cited_by],
            "also": [{"id": o.id, "title": o.title, "source": o.source} for o in res.others]}


def stats(index_dir) -> dict:
    """Counts of the knowledge base, from its columns and side tables (no record is loaded).

    Issuers are counted by body: the aliases of one body (发展改革委, 国家发展改革委 …) are one
    value, named canonically, as in the search facets; a document counts once per body."""
    from kb import aliases
    c = store.counts(index_dir)
    count = lambda values: dict(Counter(v for v in values if v).most_common())
    canonical = functools.lru_cache(maxsize=None)(aliases.canonical_body)
    bodies = dict.fromkeys((doc_id, canonical(name)) for doc_id, name in c["issuers"])
    docs = c["documents"]
    return {
        "documents": len(docs),
        "files": c["files"],
        "failed_files": c["failed_files"],
        "with_doc_number": sum(1 for d in docs if d["doc_number"]),
        "deadlines": c["deadlines"],
        "targets": c["targets"],
        "citations": c["citations"],
        "by_issuer": count(body for _, body in bodies),
        "by_year": count((d["date"] or d["published"] or "")[:4] for d in docs),
        "by_category": count(d["category"] for d in docs),
        "by_type": count(d["doc_type"] for d in docs),
        "by_province": count(d["province"] for d in docs),
        "built": store.meta(index_dir).get("built"),
    }
