"""Benchmark jieba and its drop-in forks on the sample corpus.

Not a test. For each of jieba, jieba_fast and jieba_next that imports, measures
MB/s (10^6 bytes of UTF-8 text) of lcut, lcut_for_search and
tokenize(mode="search") over corpus/*.txt repeated to about --mb megabytes,
one call per document, and checks that each fork gives token-for-token the
same output as jieba on the corpus. If kb's analyzer imports too, its index
and query modes are timed as well. Missing segmenters are skipped.

The forks should not go into the project's venv; use a throwaway one:
    python -m venv /tmp/segbench
    /tmp/segbench/bin/pip install jieba==0.42.1 jieba-fast jieba-next
    /tmp/segbench/bin/python bench/segmenters.py
"""

from __future__ import annotations

import argparse
import collections
import glob
import importlib
from importlib import metadata
import logging
import os
import statistics
import sys
import time
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEGMENTERS = ["jieba", "jieba_fast", "jieba_next"]
FUNCS = {
    "lcut": lambda dt, s: dt.lcut(s),
    "lcut_for_search": lambda dt, s: dt.lcut_for_search(s),
    "tokenize(search)": lambda dt, s: list(dt.tokenize(s, mode="search")),
}


def load_docs(pattern: str) -> list[str]:
    docs = [open(p, encoding="utf-8").read() for p in sorted(glob.glob(pattern))]
    if not docs:
        sys.exit(f"no files match {pattern}")
    return docs


def repeat_to(docs: list[str], mb: float) -> list[str]:
    out, size = [], 0
    while size < mb * 1e6:
        for d in docs:
            out.append(d)
            size += len(d.encode("utf-8"))
    return out


def mbps(fn, docs: list[str], runs: int) -> float:
    size = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for d in docs:
            fn(d)
        times.append(time.perf_counter() - t0)
    return size / statistics.median(times)


def load_segmenter(name: str):
    """The module's default Tokenizer, initialised, and the load time; None if missing."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # old sources warn when byte-compiled
            mod = importlib.import_module(name)
    except ImportError as e:
        print(f"skip {name}: not installed ({e})")
        return None
    (getattr(mod, "set_log_level", None) or mod.setLogLevel)(logging.WARNING)
    t0 = time.perf_counter()
    mod.dt.initialize()
    try:  # jieba_fast's __version__ is stale (says 0.39 in 0.53)
        version = metadata.version(name.replace("_", "-"))
    except metadata.PackageNotFoundError:
        version = getattr(mod, "__version__", "?")
    return mod.dt, version, time.perf_counter() - t0


def identity(dt, ref, docs: list[str]) -> str:
    """'yes' or where the first difference is, comparing with jieba on every document."""
    for fname, fn in FUNCS.items():
        for i, d in enumerate(docs):
            a, b = fn(ref, d), fn(dt, d)
            if a != b:
                k = next((j for j, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
                return f"no: {fname} doc {i} token {k}: {a[k:k+3]} vs {b[k:k+3]}"
    return "yes"


def bench_kb(docs: list[str], runs: int) -> list[tuple[str, float]]:
    try:
        sys.path.insert(0, ROOT)
        from kb.search.analyzer import ChineseAnalyzer, segmenter
    except ImportError as e:
        print(f"skip kb analyzer: {e}")
        return []
    segmenter()
    ana = ChineseAnalyzer()

    def run(mode):
        return lambda d: collections.deque(ana(d, positions=True, chars=True, mode=mode), 0)

    return [(f"kb ChineseAnalyzer mode={m}", mbps(run(m), docs, runs)) for m in ("index", "query")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=os.path.join(ROOT, "corpus", "*.txt"))
    ap.add_argument("--mb", type=float, default=10.0, help="text size to time, MB")
    ap.add_argument("--runs", type=int, default=1, help="runs per measurement (median)")
    args = ap.parse_args()

    docs = load_docs(args.corpus)
    big = repeat_to(docs, args.mb)
    size = sum(len(d.encode("utf-8")) for d in big) / 1e6
    print(f"python {sys.version.split()[0]}; corpus {len(docs)} files, "
          f"{sum(len(d.encode('utf-8')) for d in docs) / 1e6:.2f} MB; timing on {size:.1f} MB, "
          f"median of {args.runs} run(s), one core")

    loaded = {n: s for n in SEGMENTERS if (s := load_segmenter(n))}
    ref = loaded.get("jieba", (None,))[0]
    rows = []
    for name, (dt, version, load_s) in loaded.items():
        speeds = [mbps(lambda d, f=f: f(dt, d), big, args.runs) for f in FUNCS.values()]
        same = "reference" if dt is ref else identity(dt, ref, docs) if ref else "no jieba to compare"
        rows.append((f"{name} {version}", f"{load_s:.2f}", *(f"{v:.2f}" for v in speeds), same))

    head = ("segmenter", "load s", *(f"{f} MB/s" for f in FUNCS), "same tokens as jieba")
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, tuple("-" * w for w in widths), *rows]:
        print(" | ".join(str(c).ljust(w) for c, w in zip(r, widths)))

    kb_rows = bench_kb(big, args.runs)
    for label, v in kb_rows:
        print(f"{label}: {v:.2f} MB/s (tokens with positions and offsets)")


if __name__ == "__main__":
    main()
