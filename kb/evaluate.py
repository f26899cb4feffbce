"""Gold-set evaluation: compare extracted records with hand-read gold records, field by field.

Gold rows (JSON lines) name their document by ``source`` (and ``title`` inside a compilation).
A field the gold row leaves out is not checked.  List items with ``contains`` match an
extracted item whose text contains that string (whitespace ignored) and whose date/year agrees.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kb.errors import Damaged

from kb.model import Record
from kb.status import repeal_index, status

SKIP = {"source", "note"}
SCALARS = ("title", "doc_number", "date", "published", "recipients", "category",
           "effective_from", "effective_until", "registration_number", "doc_type")


@dataclass
class FieldResult:
    gold_row: int
    source: str
    field: str
    ok: bool
    expected: object
    got: object
    detail: str = ""


@dataclass
class Evaluation:
    results: list[FieldResult] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)   # gold rows with no record
    # precision of list fields: extracted items that no gold item explains (only where gold lists all)
    extra: dict[str, int] = field(default_factory=dict)

    def per_field(self) -> dict[str, dict]:
        out: dict[str, dict] = {}
        for r in self.results:
            f = out.setdefault(r.field, {"checked": 0, "correct": 0})
            f["checked"] += 1
            f["correct"] += r.ok
        for f in out.values():
            f["accuracy"] = round(f["correct"] / f["checked"], 3) if f["checked"] else None
        return dict(sorted(out.items()))

    def summary(self) -> dict:
        ok = sum(r.ok for r in self.results)
        return {"fields_checked": len(self.results), "fields_correct": ok,
                "accuracy": round(ok / len(self.results), 3) if self.results else None,
                "unmatched_gold_rows": len(self.unmatched), "per_field": self.per_field(),
                "failures": [r.__dict__ for r in self.results if not r.ok]}


def load_gold(path: str | Path) -> list[dict]:
    """The rows of a gold file (JSON lines): gold records (each with its ``source``) or page labels
    (each with its ``file``).  Damaged names the file and line of anything else."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise Damaged(f"{path}: cannot read it as UTF-8 JSON lines ({e})") from None
    rows, key = [], None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise Damaged(f"{path}, line {n}: not JSON ({e.msg}, column {e.colno})") from None
        if not isinstance(row, dict):
            raise Damaged(f"{path}, line {n}: a JSON object is expected, not {type(row).__name__}")
        key = key or ("file" if "file" in row else "source")
        if not isinstance(row.get(key), str):
            raise Damaged(f"{path}, line {n}: no {key!r} string (every row of a "
                          f"{'page-label' if key == 'file' else 'gold-record'} file names its {key})")
        rows.append(row)
    return rows


def _nows(s: str | None) -> str:
    return re.sub(r"\s+", "", s or "")


def match_record(gold: dict, records: list[Record]) -> Record | None:
    same = [r for r in records if r.source == gold["source"]]
    if len(same) == 1:
        return same[0]
    if gold.get("title"):
        for r in same:
            if _nows(r.title) == _nows(gold["title"]):
                return r
    return None


def _match_deadline(g: dict, items: list[dict]) -> bool:
    for d in items:
        if g.get("contains") and _nows(g["contains"]) not in _nows(d.get("text")):
            continue
        if all(d.get(k) == g[k] for k in ("date", "time", "opens", "recurring", "month", "day") if k in g):
            return True
    return False


def _match_target(g: dict, items: list[dict]) -> bool:
    return any(_nows(g["contains"]) in _nows(t.get("text")) and ("year" not in g or t.get("year") == g["year"])
               for t in items)


def compare(gold: dict, rec: Record, repeals: dict | None = None) -> list[tuple[str, bool, object, object, str]]:
    """[(field, ok, expected, got, detail)] for every field the gold row states."""
    d = rec.to_dict()
    out = []
    for key, want in gold.items():
        if key in SKIP:
            continue
        if key in SCALARS:
            out.append((key, d.get(key) == want, want, d.get(key), ""))
        elif key == "newsletter":
            got = {k: (d.get("newsletter") or {}).get(k) for k in want}
            out.append((key, got == want, want, got, ""))
        elif key in ("issuers", "links"):
            out.append((key, d.get(key) == want, want, d.get(key), ""))
        elif key in ("cites", "repeals"):
            got = d.get(key) or []
            out.append((key, sorted(got) == sorted(want), want, got, ""))
        elif key == "responsible_units_include":
            names = {u["name"] for u in d.get("responsible_units") or []}
            missing = [n for n in want if n not in names]
            out.append((key, not missing, want, sorted(names), f"missing {missing}" if missing else ""))
        elif key in ("deadlines", "targets"):
            got = d.get(key) or []
            matcher = _match_deadline if key == "deadlines" else _match_target
            missing = [g for g in want if not matcher(g, got)]
            ok = not missing and (bool(want) or not got)
            detail = f"missing {missing}" if missing else ("" if ok else f"{len(got)} extracted, none expected")
            out.append((key, ok, want, [x.get("text", "")[:60] for x in got], detail))
        elif key.startswith("status_on_"):
            day = date.fromisoformat(key[len("status_on_"):].replace("_", "-"))
            got = status(rec, day, repeals)["status"]
            out.append((key, got == want, want, got, ""))
        else:
            out.append((key, d.get(key) == want, want, d.get(key), "unknown gold field"))
    return out


def evaluate(gold_rows: list[dict], records: list[Record]) -> Evaluation:
    ev = Evaluation()
    repeals = repeal_index(records)
    for i, g in enumerate(gold_rows):
        rec = match_record(g, records)
        if rec is None:
            ev.unmatched.append(g)
            for key in g:
                if key not in SKIP:
                    ev.results.append(FieldResult(i, g["source"], key, False, g[key], None, "no matching record"))
            continue
        for key, ok, want, got, detail in compare(g, rec, repeals):
            ev.results.append(FieldResult(i, g["source"], key, ok, want, got, detail))
    return ev
