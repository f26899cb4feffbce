#!/usr/bin/env python
"""Random queries against a knowledge base: any exception that is not a domain error is a bug.

    python bench/fuzz_queries.py --index DIR [-n 10000] [--seed 14]

Each query joins up to 8 pieces: filter keys, operators, quotes, brackets and parts of
发文字号, words, and random characters (any code point).  Every query goes through
kb.search.query.search; a KbError is a clear refusal (counted), anything else is printed with
its query.  Prints the counts and the slowest query; exits 1 if any query raised another error.
(tests/test_robust.py runs the same generator through hypothesis with bounded examples.)
"""
from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.errors import KbError  # noqa: E402
from kb.search.query import search  # noqa: E402

PIECES = ["year:", "status:", "issuer:", "region:", "type:", "open:", "category:", '"', "-", "NOT", "OR", "AND",
          "(", ")", "国发〔", "〕", "2016", "74号", "第", "号", "〔二〇一六〕", "﹝", "〖", "號", "通知", "专精特新", "：",
          ":", " ", "*", "?", "\\", "'", "99999999999999999999", "武汉生二孩买新房能补贴多少钱", "粤", "最新",
          "征求意见稿", "2023年12月", "二〇一〇年"]


def query(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(0, 8)):
        if rng.random() < 0.7:
            out.append(rng.choice(PIECES))
        else:
            out.append("".join(chr(rng.choice((rng.randint(32, 126), rng.randint(0x4e00, 0x9fff),
                                                rng.randint(0, 0x10ffff)))) for _ in range(rng.randint(1, 6))))
    return "".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--index", required=True)
    ap.add_argument("-n", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=14)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    refused = failed = 0
    slowest = (0.0, "")
    t0 = time.perf_counter()
    for _ in range(a.n):
        q = query(rng)
        t = time.perf_counter()
        try:
            search(a.index, q, limit=3)
        except KbError:
            refused += 1
        except Exception:       # noqa: BLE001 -- the point: report what is not a domain error
            failed += 1
            print(f"FAILED {q!r}\n{traceback.format_exc(limit=3)}")
        dt = time.perf_counter() - t
        slowest = max(slowest, (dt, q))
    total = time.perf_counter() - t0
    print(f"{a.n} queries in {total:.1f} s: {a.n - refused - failed} answered, {refused} refused (KbError), "
          f"{failed} other exceptions; slowest {slowest[0] * 1000:.0f} ms: {slowest[1]!r}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
