"""Validity of a document on a date: in_force, not_yet, expired, repealed or unknown."""
from __future__ import annotations

from datetime import date

from kb.model import Record


def repeal_index(records: list[Record]) -> dict[str, list[dict]]:
    """number -> the documents that declare it repealed, with their sentence."""
    out: dict[str, list[dict]] = {}
    for r in records:
        for n in r.repeals:
            out.setdefault(n, []).append({"by": r.id, "by_number": r.doc_number, "by_title": r.title,
                                          "text": (r.evidence.get("repeals") or {}).get(n, ""),
                                          "from": r.effective_from})
    return out


def status(rec: Record, today: date, repeals: dict[str, list[dict]] | None = None) -> dict:
    """{'status', 'reason', 'evidence'} of one record on ``today``."""
    for by in (repeals or {}).get(rec.doc_number or "", []):
        start = by.get("from")
        if not start or date.fromisoformat(start) <= today:
            return {"status": "repealed",
                    "reason": f"declared repealed by {by['by_number'] or by['by_title'] or by['by']}",
                    "evidence": by["text"]}
    ev = rec.evidence
    if rec.effective_from and date.fromisoformat(rec.effective_from) > today:
        return {"status": "not_yet", "reason": f"effective from {rec.effective_from}",
                "evidence": ev.get("effective_from", "")}
    if rec.effective_until:
        if date.fromisoformat(rec.effective_until) < today:
            return {"status": "expired", "reason": f"valid until {rec.effective_until}",
                    "evidence": ev.get("effective_until", "")}
        return {"status": "in_force", "reason": f"valid until {rec.effective_until}",
                "evidence": ev.get("effective_until", "")}
    if rec.effective_from:
        return {"status": "in_force", "reason": f"effective since {rec.effective_from}, no end stated",
                "evidence": ev.get("effective_from", "")}
    return {"status": "unknown", "reason": "the text states no period of validity", "evidence": ""}
