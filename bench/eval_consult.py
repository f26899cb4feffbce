#!/usr/bin/env python
"""Precision and recall of deadlines and support measures against the hand check.

    .venv/bin/python bench/eval_consult.py [--index DIR] [--check bench/hand_check.md] [--json]

The expected items are the rows of the tables under "## Deadlines" and "## Support measures" in
the hand check (a Markdown file a person can read and edit).  Without --index the sample corpus
(corpus/) is built into a temporary folder first.  An extracted item is correct when it is in the
same record, of the same kind, with the same date (or rule) or figure, and its sentence contains
the row's `contains` text; each expected row matches at most one extracted item.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kb import pipeline, store  # noqa: E402


def tables(md: str) -> dict[str, list[dict]]:
    """'## Heading' -> rows of the first table under it, as dicts keyed by the header cells."""
    out, heading, header = {}, None, None
    for line in md.splitlines():
        if line.startswith("## "):
            heading, header = line[3:].strip(), None
        elif heading and line.startswith("|"):
            cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])]
            if header is None:
                header = cells
            elif not set("".join(cells)) <= set("-: "):
                out.setdefault(heading, []).append(dict(zip(header, cells)))
    return out


# ---- how an extracted item is written in the tables --------------------------------------------

def deadline_key(d) -> tuple[str, str, str]:
    """(kind, when, opens) as in the Deadlines table."""
    if d.recurring:
        when = {"monthly": f"{d.day}", "quarterly": f"{d.day}", "yearly": f"{d.month}-{d.day}"}[d.recurring]
        return d.recurring, when, "-"
    when = d.date + (f" {d.time}" if d.time else "")
    return ("window" if d.opens else "deadline"), when, d.opens or "-"


def deadline_ok(row: dict, d) -> bool:
    kind, when, opens = deadline_key(d)
    want = row["when"]
    if want.endswith("-end"):        # 每年N月底前: any day from the 28th of that month
        same = kind == "yearly" and d.month == int(want[:-4]) and (d.day or 31) >= 28
    else:
        same = (kind, when, opens) == (row["kind"], want, row["opens"])
    return same and row["contains"] in d.text


def figure(m: dict) -> str:
    """A measure's figure as in the Support table: 0.3-0.5 (fractions), 30000元, cap 5000000元, or -."""
    parts = []
    if m["ratio"] is not None:
        parts.append(f"{m['ratio']:g}" + (f"-{m['ratio_max']:g}" if m["ratio_max"] is not None else ""))
    elif m["ratio_max"] is not None:
        parts.append(f"≤{m['ratio_max']:g}")
    if m["amount"] is not None:
        parts.append(f"{m['amount']:g}" + (f"-{m['amount_max']:g}" if m["amount_max"] is not None else "") + "元")
    if m["cap"] is not None:
        parts.append(f"cap {m['cap']:g}元")
    return " ".join(parts) or "-"


def support_ok(row: dict, m: dict) -> bool:
    return (m["kind"] in row["kind"].split("|") and figure(m) == row["figure"]
            and row["object"] in ("-", m["object"]) and row["contains"] in m["text"])


# ---- scoring -------------------------------------------------------------------------------------

def score(rows: list[dict], extracted: dict[str, list], ok, show) -> dict:
    """Greedy one-to-one matching of expected rows to extracted items of the same record."""
    used: set[tuple[str, int]] = set()
    missed = []
    for row in rows:
        hit = next((i for i, x in enumerate(extracted.get(row["record"], []))
                    if (row["record"], i) not in used and ok(row, x)), None)
        if hit is None:
            missed.append(row)
        else:
            used.add((row["record"], hit))
    wrong = [(rid, show(x)) for rid, xs in extracted.items() for i, x in enumerate(xs) if (rid, i) not in used]
    tp, n_pred = len(used), sum(len(xs) for xs in extracted.values())
    return {"expected": len(rows), "extracted": n_pred, "correct": tp,
            "precision": round(tp / n_pred, 3) if n_pred else 1.0,
            "recall": round(tp / len(rows), 3) if rows else 1.0,
            "missed": [f"#{r['#']} {r['record']} {r.get('kind')} {r.get('when') or r.get('figure')} «{r['contains']}»"
                       for r in missed],
            "wrong": [f"{rid} {s}" for rid, s in wrong]}


def evaluate(index_dir, check: Path) -> dict:
    expected = tables(check.read_text(encoding="utf-8"))
    records = store.load_records(index_dir)
    deadlines = {r.id: r.deadlines for r in records if r.deadlines}
    support = {r.id: r.support for r in records if r.support}
    return {
        "deadlines": score(expected["Deadlines"], deadlines, deadline_ok,
                           lambda d: f"{' '.join(deadline_key(d))} «{d.text[:40]}»"),
        "support": score(expected["Support measures"], support, support_ok,
                         lambda m: f"{m['kind']} {figure(m)} «{m['text'][:40]}»"),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--index", help="a knowledge base built from corpus/ (default: build one now)")
    ap.add_argument("--check", default=str(ROOT / "bench" / "hand_check.md"))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index or tmp
        if not args.index:
            pipeline.build(ROOT / "corpus", index)
        result = evaluate(index, Path(args.check))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for name, r in result.items():
        print(f"{name}: precision {r['precision']:.3f} ({r['correct']}/{r['extracted']}), "
              f"recall {r['recall']:.3f} ({r['correct']}/{r['expected']})")
        for m in r["missed"]:
            print(f"  missed: {m}")
        for w in r["wrong"]:
            print(f"  wrong:  {w}")


if __name__ == "__main__":
    main()
