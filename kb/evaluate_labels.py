"""Evaluation against page labels (the devset format: ``file``, ``issuer``, ``publish_date``,
deadlines as sentences, ``title_in_text``), scored the way ``devset/tools/score_records.py``
scores them, so ``kb eval labels.jsonl`` prints the same per-field table.

A label row names its document by ``file``; a file split into several records is matched by
文号, then title, then the closest title.  A document not found gets every field wrong.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

_BR = str.maketrans({"（": "〔", "(": "〔", "[": "〔", "【": "〔", "［": "〔", "）": "〕", ")": "〕",
                     "]": "〕", "】": "〕", "］": "〕"})
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def is_page_labels(rows: list[dict]) -> bool:
    return bool(rows) and "file" in rows[0]


def _number(s):
    # as score_records.py: NFKC turns full-width brackets into ASCII ones, so translate again
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s).translate(_BR)).translate(_BR) if s else None


def _text(s):
    if s is None:
        return None
    if isinstance(s, list):
        s = "，".join(s)
    return re.sub(r"[\s\u3000]+", "", unicodedata.normalize("NFKC", s))


def _items(v) -> set:
    if not v:
        return set()
    return {x for x in re.split(r"[，、,；;]", _text(v)) if x}


def _base(p) -> str:
    return (p or "").replace("\\", "/").rsplit("/", 1)[-1]


def _match(row: dict, cands: list[dict]) -> dict | None:
    if len(cands) == 1:
        return cands[0]
    gn, gt = _number(row.get("doc_number")), _text(row.get("title"))
    for r in cands:
        if gn and _number(r.get("doc_number")) == gn:
            return r
    for r in cands:
        if gt and _text(r.get("title")) == gt:
            return r
    if gt and cands:
        best = max(cands, key=lambda r: len(set(_text(r.get("title")) or "") & set(gt)))
        if len(set(_text(best.get("title")) or "") & set(gt)) > 0.6 * len(set(gt)):
            return best
    return None


def score(rows: list[dict], records: list[dict]) -> dict:
    """{"per_field": {field: {"correct", "checked", "accuracy"}}, "fields_checked", "fields_correct",
    "accuracy", "failures": [...]}; fields in the order score_records.py prints them."""
    by_file = defaultdict(list)
    for r in records:
        by_file[_base(r.get("source"))].append(r)
    tally: dict[str, list[int]] = {}
    failures = []

    def add(field, ok, row, want=None, got=None):
        t = tally.setdefault(field, [0, 0])
        t[0] += bool(ok)
        t[1] += 1
        if not ok:
            failures.append({"file": row["file"], "field": field, "expected": want, "got": got})

    for g in rows:
        r = _match(g, by_file.get(_base(g["file"]), []))
        add("document found", r is not None, g)
        lost, r = r is None, r or {}
        if g.get("title") is not None and g.get("title_in_text", True):
            titles = {_text(t) for t in [g["title"], *(g.get("title_alt") or [])]}
            add("title", _text(r.get("title")) in titles, g, g["title"], r.get("title"))
        if "doc_number" in g:
            nums = {_number(n) for n in [g["doc_number"], *(g.get("doc_number_alt") or [])]}
            add("doc_number", not lost and _number(r.get("doc_number")) in nums, g, g["doc_number"], r.get("doc_number"))
        if g.get("issuer"):
            add("issuers", {_text(x) for x in r.get("issuers") or []} == {_text(x) for x in g["issuer"]},
                g, g["issuer"], r.get("issuers"))
        if "date" in g:
            add("date", not lost and (r.get("date") or None) == g["date"], g, g["date"], r.get("date"))
        if g.get("publish_date"):
            add("published", (r.get("published") or None) == g["publish_date"], g, g["publish_date"], r.get("published"))
        if g.get("recipients"):
            add("recipients", _items(r.get("recipients")) == _items(g["recipients"]), g, g["recipients"], r.get("recipients"))
        got = {str(d.get("date"))[:10] for d in r.get("deadlines") or [] if isinstance(d, dict) and d.get("date")}
        for sentence in g.get("deadlines") or []:
            if isinstance(sentence, str):
                for y, m, d in _DATE.findall(sentence):
                    day = f"{int(y):04d}-{int(m):02d}-{int(d):02d}"
                    add("deadlines (recall)", day in got, g, day, sorted(got))
    per = {f: {"correct": a, "checked": b, "accuracy": round(a / b, 3) if b else None} for f, (a, b) in tally.items()}
    ok, n = sum(a for a, _ in tally.values()), sum(b for _, b in tally.values())
    return {"fields_checked": n, "fields_correct": ok, "accuracy": round(ok / n, 3) if n else None,
            "per_field": per, "failures": failures}


def table(summary: dict) -> list[str]:
    """The lines score_records.py prints."""
    out = [f"{f:32s} {v['correct']:4d}/{v['checked']:<4d} {v['correct'] / v['checked']:6.1%}"
           for f, v in summary["per_field"].items()]
    if summary["fields_checked"]:
        out.append(f"{'OVERALL':32s} {summary['fields_correct']:4d}/{summary['fields_checked']:<4d} "
                   f"{summary['fields_correct'] / summary['fields_checked']:6.1%}")
    return out
