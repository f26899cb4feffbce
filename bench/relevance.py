#!/usr/bin/env python3
"""Search relevance on graded queries, kb and the character-bigram BM25 baseline in one run.

Builds a knowledge base of the devset's documents once (in a temporary folder), runs every query
through kb.search.query.search in-process and through the baseline of the devset's own
tools/eval_search.py (imported, so both are scored by the same metrics), and prints nDCG@10,
recall@10 and MRR overall and by query type.  About 10 s on the 102 devset documents.

usage: python bench/relevance.py [--devset ../shared/devset] [--index DIR] [--per-query] [--json]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb import pipeline, store                  # noqa: E402
from kb.search.query import search              # noqa: E402


def load_eval(devset: Path):
    """The devset's eval_search module (metrics, BM25 baseline, document reading)."""
    path = devset / "tools" / "eval_search.py"
    spec = importlib.util.spec_from_file_location("eval_search", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def kb_ranker(index, by_base):
    src = {r.id: Path(r.source).name for r in store.load_records(index)}

    def rank(q, k=10):
        out = []
        for h in search(index, q, limit=k, snippets=False)["hits"]:
            key = by_base.get(src.get(h["id"], ""))
            if key and key not in out:
                out.append(key)
        return out
    return rank


def run(devset: Path, index: Path | None = None, per_query: bool = False) -> dict:
    ev = load_eval(devset)
    docs_dir = (devset / "docs").resolve()
    docs = {f"{docs_dir.parent.name}/{docs_dir.name}/{p.name}": ev.plain(p) for p in sorted(docs_dir.iterdir()) if p.is_file()}
    by_base = {k.rsplit("/", 1)[1]: k for k in docs}
    qs = [json.loads(line) for line in open(devset / "queries.jsonl", encoding="utf-8") if line.strip()]
    tmp = None
    if index is None:
        tmp = tempfile.TemporaryDirectory()
        index = Path(tmp.name)
    pipeline.build(docs_dir, index, full=True)
    rankers = {"bm25-bigram": ev.BM25(docs).search, "kb": kb_ranker(index, by_base)}
    result = {}
    for name, rank in rankers.items():
        per, by_type = [], {}
        for q in qs:
            grades = {(k if k in docs else by_base.get(k.rsplit("/", 1)[-1], k)): v
                      for k, v in (q.get("grades") or {r: 1 for r in q["relevant"]}).items()}
            m = ev.metrics(rank(q["query"]), grades)
            per.append({"id": q["id"], "type": q.get("type", "?"), "query": q["query"], "ndcg": m[0], "recall": m[1], "rr": m[2]})
            by_type.setdefault(q.get("type", "?"), []).append(m[0])
        n = len(per)
        result[name] = {"ndcg": sum(p["ndcg"] for p in per) / n, "recall": sum(p["recall"] for p in per) / n,
                        "mrr": sum(p["rr"] for p in per) / n,
                        "by_type": {t: sum(v) / len(v) for t, v in sorted(by_type.items())},
                        "queries": per, "n": n, "docs": len(docs)}
    if tmp is not None:
        tmp.cleanup()
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--devset", default=str(ROOT.parent / "shared" / "devset"))
    ap.add_argument("--index", help="build the knowledge base here (default: a temporary folder)")
    ap.add_argument("--per-query", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    res = run(Path(a.devset), Path(a.index) if a.index else None)
    if a.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return
    for name, r in res.items():
        if a.per_query:
            for p in r["queries"]:
                print(f"  {name} {p['id']:5s} nDCG {p['ndcg']:.3f} R {p['recall']:.2f} RR {p['rr']:.2f}  {p['query']}")
        print(f"{name:12s} nDCG@10 {r['ndcg']:.3f}  recall@10 {r['recall']:.3f}  MRR {r['mrr']:.3f}  ({r['n']} queries, {r['docs']} docs)")
        print("             by type: " + ", ".join(f"{t} {v:.3f}" for t, v in r["by_type"].items()))


if __name__ == "__main__":
    main()
