#!/usr/bin/env python
"""Everyday commands on a built knowledge base: wall time and peak memory of each, run from the shell.

    python bench/commands.py --index INDEX [--runs 3] [--no-site] [--only WORD] [--region 山西]

Runs, as a new user would from the shell (a new process each time, so start-up and imports
count): `kb --version` (the floor: Python and click), `kb show` of a full number and of a
partial one (taken from the knowledge base), `kb stats`, `kb records --jsonl`, `kb deadlines
--open`, `kb match --region …`, `kb search 专精特新` and `kb site` (into bench/out/site-<index>).
Output goes to /dev/null.  For each: the median wall time of ``--runs`` runs, and the peak
memory of the process tree (summed RSS and PSS polled from /proc, as bench/build.py does; the
largest run).  Prints a table and writes bench/out/commands.json and commands-<index>.json.

Build the knowledge base first, e.g.

    .venv/bin/python bench/make_corpus.py 300 bench/out/corpus-300
    .venv/bin/kb build bench/out/corpus-300 --index bench/out/index-300 --quiet
    .venv/bin/python bench/commands.py --index bench/out/index-300
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from build import KB, TreePoller, environment  # noqa: E402
from results import OUT, save  # noqa: E402


def numbers(index: Path) -> tuple[str | None, str | None]:
    """A full 发文字号 of the knowledge base (one borne by a repealed document if any) and a
    partial one (its 机关代字〔year〕)."""
    db = sqlite3.connect(f"file:{index / 'kb.sqlite'}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT doc_number FROM documents WHERE doc_number IN "
                         "(SELECT number FROM citations WHERE kind = 'repeals') ORDER BY id LIMIT 1").fetchone() \
            or db.execute("SELECT doc_number FROM documents WHERE doc_number IS NOT NULL ORDER BY id LIMIT 1").fetchone()
    finally:
        db.close()
    full = row[0] if row else None
    return full, (full[:full.index("〕") + 1] if full and "〕" in full else None)


def run(cmd: list[str]) -> dict:
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    poller = TreePoller(p.pid, interval=0.02, slow_interval=0.2)
    poller.start()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    poller.stop.set()
    poller.join()
    code = os.waitstatus_to_exitcode(status)
    return {"wall_s": wall, "exit": code, "max_rss_mb": ru.ru_maxrss / 1024, "tree_rss_mb": poller.peak_rss / 1024,
            "tree_pss_mb": poller.peak_pss / 1024, "stderr": err.decode("utf-8", "replace")[-500:]}


def commands(index: Path, region: str, site: bool) -> list[tuple[str, list[str]]]:
    full, partial = numbers(index)
    ix = ["--index", str(index)]
    out = [("kb --version", ["--version"])]
    if full:
        out.append((f"kb show {full}", ["show", full, *ix]))
    if partial:
        out.append((f"kb show {partial}", ["show", partial, *ix]))
    out += [("kb stats", ["stats", *ix]), ("kb records --jsonl", ["records", "--jsonl", *ix]),
            ("kb deadlines --open", ["deadlines", "--open", *ix]),
            (f"kb match --region {region}", ["match", "--region", region, "--size", "中小企业", *ix]),
            ("kb search 专精特新", ["search", "专精特新", *ix])]
    if site:
        out.append(("kb site", ["site", *ix, "--out", str(OUT / f"site-{index.name}"), "--quiet"]))
    return out


def table(rows: list[dict]) -> str:
    head = ("command", "wall s (median)", "min s", "max s", "max RSS MB", "tree RSS MB", "tree PSS MB")
    cells = [head] + [(r["command"], f"{r['wall_s']:.3f}", f"{r['min_s']:.3f}", f"{r['max_s']:.3f}",
                       f"{r['max_rss_mb']:.0f}", f"{r['tree_rss_mb']:.0f}", f"{r['tree_pss_mb']:.0f}") for r in rows]
    width = lambda s: sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)   # terminal columns
    widths = [max(width(c[i]) for c in cells) for i in range(len(head))]
    pad = lambda s, w, left: s + " " * (w - width(s)) if left else " " * (w - width(s)) + s
    lines = ["  ".join(pad(c[i], widths[i], i == 0) for i in range(len(head))) for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, required=True, help="a built knowledge base (kb build … --index)")
    ap.add_argument("--runs", type=int, default=3, help="runs of each command (default 3; kb site runs once)")
    ap.add_argument("--region", default="山西", help="--region of kb match (default 山西)")
    ap.add_argument("--no-site", action="store_true", help="leave kb site out")
    ap.add_argument("--only", help="only the commands whose name has this word (e.g. site, search)")
    a = ap.parse_args(argv)
    if not KB.exists():
        print(f"kb not found at {KB}: run `make install` first", file=sys.stderr)
        return 2
    if not (a.index / "kb.sqlite").exists():
        print(f"no knowledge base at {a.index}: run kb build first", file=sys.stderr)
        return 2
    rows = []
    for name, args in commands(a.index, a.region, not a.no_site):
        if a.only and a.only not in name:
            continue
        runs = [run([str(KB), *args]) for _ in range(1 if args[0] == "site" else a.runs)]
        if any(r["exit"] for r in runs):
            print(f"{name} failed (exit {runs[-1]['exit']}): {runs[-1]['stderr']}", file=sys.stderr)
            return 1
        walls = [r["wall_s"] for r in runs]
        rows.append({"command": name, "runs": len(runs), "wall_s": statistics.median(walls), "min_s": min(walls),
                     "max_s": max(walls), **{k: max(r[k] for r in runs) for k in ("max_rss_mb", "tree_rss_mb",
                                                                                     "tree_pss_mb")}})
        print(f"  {name}: {rows[-1]['wall_s']:.3f} s, {rows[-1]['tree_rss_mb']:.0f} MB", file=sys.stderr)
    with sqlite3.connect(f"file:{a.index / 'kb.sqlite'}?mode=ro", uri=True) as db:
        docs = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    print()
    print(f"{a.index}: {docs} documents")
    print(table(rows))
    paths = save({"env": environment(), "index": str(a.index), "documents": docs, "commands": rows},
                 "commands", f"commands-{a.index.name}")
    print("\nwritten: " + ", ".join(str(p.relative_to(HERE.parent)) for p in paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
