#!/usr/bin/env python
"""Query benchmark: latency of `kb.search.query.search` over 50 fixed queries.

    python bench/query.py [--index DIR] [--rounds R] [--limit K]

In-process: the index is opened by the first call (the search module keeps it open), then one
warm-up pass over all queries, then R timed passes (default 5); p50 / p95 / max in ms over all
timed calls, overall and by kind of query, with snippets and (when search() has a `snippets`
flag) without.  The first call, which opens the index and loads the jieba dictionary, is
reported separately as `cold_first_ms`.

The queries: Chinese keywords, two-word queries, quoted phrases, 发文字号 in bracket variants
(numbers of the sample, cited by generated documents, plus one number read from the index and
written in four variants), partial numbers, and filters (issuer, year, category,
region, type, status, open deadlines, date sort, facets).  `today` is fixed (2020-01-01) so
status and open-deadline filters give the same answers every day.

Default index: the largest of bench/out/index-10000, index-1000, index-sample that exists
(bench/build.py makes them).  Writes bench/out/query.json and bench/out/query-<index>.json.
"""
from __future__ import annotations

import argparse
import inspect
import json
import os
import sqlite3
import statistics
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))   # bench/results.py, when imported from elsewhere
from results import OUT, save  # noqa: E402
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TODAY = date(2020, 1, 1)

# (kind, query, keyword arguments)
QUERIES: list[tuple[str, str, dict]] = [
    # single keywords
    ("word", "碳排放权交易", {}),
    ("word", "专精特新", {}),
    ("word", "节能降碳", {}),
    ("word", "绿色制造", {}),
    ("word", "气候投融资", {}),
    ("word", "光伏发电", {}),
    ("word", "合同能源管理", {}),
    ("word", "温室气体", {}),
    ("word", "工业固体废物", {}),
    ("word", "碳汇", {}),
    ("word", "海绵城市", {}),
    ("word", "循环经济", {}),
    ("word", "清洁取暖", {}),
    ("word", "绿色金融", {}),
    # two words
    ("two_words", "节能 改造", {}),
    ("two_words", "碳排放 强度", {}),
    ("two_words", "中小企业 融资", {}),
    ("two_words", "绿色 工厂", {}),
    ("two_words", "煤炭 消费总量", {}),
    ("two_words", "污水处理 收费", {}),
    ("two_words", "能源 审计", {}),
    ("two_words", "新能源汽车 推广", {}),
    # quoted phrases
    ("phrase", '"碳排放权交易"', {}),
    ("phrase", '"大中小企业融通发展"', {}),
    ("phrase", '"万元GDP能耗"', {}),
    ("phrase", '"绿色制造体系"', {}),
    ("phrase", '"单位地区生产总值二氧化碳排放"', {}),
    # document numbers (sample numbers: cited in generated corpora, in the sample index)
    ("number", "国发〔2016〕74号", {}),
    ("number", "国发[2016]74号", {}),
    ("number", "国发(2016)74 号", {}),
    ("number", "国发2016年74号", {}),
    ("number", "工信部联节〔2018〕247号", {}),
    ("partial_number", "工信部联节", {}),
    ("partial_number", "国发〔2018〕", {}),
    # filters
    ("filter", "节能", {"issuer": "科技部"}),
    ("filter", "中小企业", {"issuer": "工信部"}),
    ("filter", "申报", {"year": 2018}),
    ("filter", "项目", {"category": "项目申报"}),
    ("filter", "", {"category": "项目申报", "sort": "date"}),
    ("filter", "低碳", {"region": "山西"}),
    ("filter", "绿色发展", {"doc_type": "意见"}),
    ("filter", "碳达峰", {"status": "in_force"}),
    ("filter", "申报", {"open_only": True}),
    ("filter", "节能降碳", {"sort": "date"}),
    ("filter", "绿色发展", {"facets": True}),
    ("filter", "year:2020 节能", {}),
]
N_FROM_INDEX = 1   # a number read from the index, in four variants: 46 + 4 = 50 queries


def numbers_from_index(index_dir: Path, k: int) -> list[str]:
    db = index_dir / "kb.sqlite"
    if not db.exists():
        return []
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT doc_number FROM documents WHERE doc_number LIKE '%〔%〕%号' "
                           "ORDER BY id").fetchall()
    finally:
        con.close()
    nums = [r[0] for r in rows]
    if not nums:
        return []
    step = max(1, len(nums) // k)
    return nums[step // 2::step][:k]


def variants(number: str) -> list[str]:
    code, rest = number.split("〔", 1)
    year, rest = rest.split("〕", 1)
    n = rest.removesuffix("号")
    return [number, f"{code}[{year}]{n}号", f"{code}({year}){n} 号", f"{code}{year}年{n}号"]


def query_list(index_dir: Path) -> list[tuple[str, str, dict]]:
    qs = list(QUERIES)
    found = numbers_from_index(index_dir, N_FROM_INDEX)
    return qs + [("number", v, {}) for num in found for v in variants(num)]


def pct(values: list[float], p: float) -> float:
    v = sorted(values)
    if not v:
        return float("nan")
    k = (len(v) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def summary(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": round(pct(ms, 50), 2), "p95_ms": round(pct(ms, 95), 2),
            "max_ms": round(max(ms), 2), "mean_ms": round(statistics.fmean(ms), 2)}


def default_index() -> Path | None:
    for name in ("index-10000", "index-1000", "index-sample"):
        p = OUT / name
        if (p / "kb.sqlite").exists():
            return p
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, help="knowledge base folder (default: see --help text)")
    ap.add_argument("--rounds", type=int, default=5, help="timed passes over the queries (default 5)")
    ap.add_argument("--limit", type=int, default=10)
    a = ap.parse_args(argv)

    try:
        from kb.search.query import search
    except ImportError as e:
        print(f"bench/query.py: the search API is not available yet (from kb.search.query import search: {e}).\n"
              "Nothing measured.", file=sys.stderr)
        return 2
    index = a.index or default_index()
    if index is None or not (index / "kb.sqlite").exists():
        print(f"no knowledge base at {index or OUT / 'index-*'}: run bench/build.py (or kb build) first",
              file=sys.stderr)
        return 2
    has_snippets = "snippets" in inspect.signature(search).parameters
    queries = query_list(index)
    cpu_ms: list[float] = []
    load_start = os.getloadavg()

    def call(q, kw, snippets=True):
        kw = dict(kw)
        kw.setdefault("limit", a.limit)
        if has_snippets:
            kw["snippets"] = snippets
        t, c = time.perf_counter(), time.process_time()
        res = search(str(index), q, today=TODAY, **kw)
        cpu_ms.append((time.process_time() - c) * 1000)
        return (time.perf_counter() - t) * 1000, res

    print(f"index {index}: {len(queries)} queries, 1 warm-up + {a.rounds} timed rounds"
          + ("" if has_snippets else " (search() has no snippets flag: with snippets only)"), flush=True)
    cold_ms, _ = call(*queries[0][1:])
    per_query = []
    for kind, q, kw in queries:          # warm-up, and the answers for the report
        _, res = call(q, kw)
        per_query.append({"kind": kind, "query": q, "args": kw, "mode": res.get("mode"),
                          "total": res.get("total"), "hits": len(res.get("hits") or []),
                          "fallback": res.get("fallback"), "missing": res.get("missing"),
                          "numbers": len(res.get("numbers") or []),
                          "cited_by": len(res.get("cited_by") or [])})
    modes = {"with_snippets": True} | ({"without_snippets": False} if has_snippets else {})
    results: dict = {}
    for mode, snip in modes.items():
        times = [[] for _ in queries]
        del cpu_ms[:]
        for _ in range(a.rounds):
            for i, (kind, q, kw) in enumerate(queries):
                ms, _ = call(q, kw, snip)
                times[i].append(ms)
        flat = [t for ts in times for t in ts]
        by_kind = {}
        for kind in dict.fromkeys(k for k, _, _ in queries):
            by_kind[kind] = summary([t for (k, _, _), ts in zip(queries, times) if k == kind for t in ts])
        results[mode] = {"all": summary(flat), "by_kind": by_kind, "cpu": summary(cpu_ms)}
        for pq, ts in zip(per_query, times):
            pq[f"median_ms_{mode}"] = round(statistics.median(ts), 2)

    docs = None
    try:
        con = sqlite3.connect(f"file:{index / 'kb.sqlite'}?mode=ro", uri=True)
        docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        con.close()
    except sqlite3.Error:
        pass

    # report
    print(f"\n{docs} documents; cold first query {cold_ms:.0f} ms (opens the index, loads jieba)\n")
    head = f"{'queries':16s} {'n':>4s}" + "".join(f"  {m + ' p50/p95/max ms':>34s}" for m in modes)
    print(head)
    print("-" * len(head))
    kinds = ["all"] + list(results["with_snippets"]["by_kind"])
    for kind in kinds:
        line = ""
        n = None
        for mode in modes:
            s = results[mode]["all"] if kind == "all" else results[mode]["by_kind"][kind]
            n = s["n"]
            line += f"  {s['p50_ms']:>10.1f} {s['p95_ms']:>10.1f} {s['max_ms']:>10.1f}  "
        print(f"{kind:16s} {n:>4d}{line}")
    line = "".join(f"  {results[m]['cpu']['p50_ms']:>10.1f} {results[m]['cpu']['p95_ms']:>10.1f} "
                   f"{results[m]['cpu']['max_ms']:>10.1f}  " for m in modes)
    print(f"{'all, CPU time':16s} {results['with_snippets']['cpu']['n']:>4d}{line}")
    load_end = os.getloadavg()
    print(f"(load average {load_start[0]:.2f} at start, {load_end[0]:.2f} at end: "
          f"on a busy machine, wall times exceed CPU times)")
    print("\nslowest queries (median ms, with snippets):")
    for pq in sorted(per_query, key=lambda p: -p["median_ms_with_snippets"])[:8]:
        args = " ".join(f"--{k} {v}" for k, v in pq["args"].items())
        print(f"  {pq['median_ms_with_snippets']:8.1f}  {pq['query'] or '(empty)'} {args}  -> {pq['total']} hits")
    zero = [pq for pq in per_query if not pq["total"] and not pq["numbers"] and not pq["cited_by"]]
    missing = [pq for pq in per_query if pq["missing"]]
    if missing:
        print("\nnumbers not in the knowledge base (answered with the documents citing them): " + ", ".join(
            f"{pq['query']} ({pq['cited_by']} citing)" for pq in missing))
    if zero:
        print("\nqueries with no hit: " + ", ".join(
            (pq["query"] or "(empty)") + (" " + json.dumps(pq["args"], ensure_ascii=False) if pq["args"] else "")
            for pq in zero))

    out = {"index": str(index), "documents": docs, "rounds": a.rounds, "limit": a.limit,
           "today": TODAY.isoformat(), "loadavg_start": load_start, "loadavg_end": load_end,
           "has_snippets_flag": has_snippets, "cold_first_ms": round(cold_ms, 1),
           "results": results, "queries": per_query, "date": time.strftime("%Y-%m-%dT%H:%M:%S")}
    paths = save(out, "query", f"query-{index.name}")
    print(f"\nwrote {paths[0]} and {paths[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
