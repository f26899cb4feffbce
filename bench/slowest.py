#!/usr/bin/env python
"""The slowest call of each extractor (and stage) on hostile inputs of a given size.

    python bench/slowest.py [--kb 100] [--only NAME,...] [--inputs NAME,...] [--files DIR] [--patterns]

Each public extractor of ``kb.extract`` and each stage (clean, split, sections, the whole
``process_text``) is called once on every hostile input: a run of digits without a unit, digits
and dots, digit runs broken by spaces, whitespace after a figure, a year run (到2020年 × n),
one huge line of Chinese, many short lines, bracket runs, repeated 发文字号 prefixes, numbering
markers, random printable text, and (with ``--files``) the files of a folder cut to the size.
Every input is ``--kb`` KB of characters (default 100, the size the issue names). Prints, per
extractor, the slowest call (seconds and input), then the 10 slowest calls of all, and writes
``bench/out/slowest.json``.  ``--patterns`` also times every pattern of ``kb/data/*.toml`` alone
(``pattern:FILE:KEY``), the audit for nested quantifiers and backtracking.  A call slower than 1 s is marked ``SLOW``; the script asserts
nothing.  To see growth, run it at two sizes (``--kb 10``, ``--kb 100``): a linear extractor
takes about 10× as long at 10× the size, a quadratic one about 100×.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from results import save  # noqa: E402
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kb import regions  # noqa: E402
from kb.clean import clean  # noqa: E402
from kb.extract import bodies, dates, infotable, numbers, titles  # noqa: E402
from kb.extract.deadlines import deadlines  # noqa: E402
from kb.extract.support import conditions, support  # noqa: E402
from kb.extract.targets import targets  # noqa: E402
from kb.pipeline import process_text  # noqa: E402
from kb.split import split  # noqa: E402
from kb.structure import parse_sections  # noqa: E402

SLOW = 1.0   # seconds: the bound for a 100 KB input


def _fill(unit: str, n: int) -> str:
    return (unit * (n // max(1, len(unit)) + 1))[:n]


def inputs(n: int, seed: int = 14) -> dict[str, str]:
    """Hostile texts of n characters each, by name."""
    rnd = random.Random(seed)
    alphabet = "0123456789.%年月日到至比第条章一二三四五六七八九十（）()〔〕[]【】号发国政办，。；：、\n 　-—~家个亿元万"
    return {
        "digits": _fill("7", n),
        "digits+dots": _fill("1.", n),
        "digits+spaces": _fill("1234567 ", n),
        "figure+spaces": "达到5" + " " * (n - 4) + "x",
        "figure+ideographic-spaces": "达到5" + "　" * (n - 4) + "x",
        "year+spaces": "2020年" + " " * (n - 6) + "x",
        "spaces+year": " " * (n - 5) + "2020年",
        "blank-run": "a" + " " * (n - 2) + "x",
        "verb+digits": "到2020年达到" + _fill("9", n - 9),
        "years": _fill("到2020年", n),
        "years+verbs": _fill("到2020年达到", n),
        "one-line-chinese": _fill("关于进一步加强节能降碳工作的通知", n),
        "short-lines": _fill("一、总则\n", n),
        "markers": _fill("（一）", n),
        "articles": _fill("第一条", n),
        "brackets-open": _fill("〔", n),
        "number-prefix": _fill("国发〔2016〕", n),
        "numbers": _fill("国发〔2016〕74号", n),
        "dates": _fill("2019年1月2日", n),
        "deadline-words": _fill("请于前报送截止", n),
        "support-words": _fill("给予补助奖励不超过万元", n),
        "percent-run": _fill("%", n),
        "random": "".join(rnd.choice(alphabet) for _ in range(n)),
    }


def extractors() -> dict[str, callable]:
    """Each public extractor as a function of one text."""
    lines = lambda t: t.split("\n")   # noqa: E731
    return {
        "clean": clean,
        "split": split,
        "process_text": lambda t: process_text(t, "x.txt"),
        "titles.title": lambda t: titles.title(lines(t)),
        "titles.doc_type": titles.doc_type,
        "numbers.find_numbers": numbers.find_numbers,
        "numbers.own_number": lambda t: numbers.own_number(lines(t)),
        "numbers.normalize": numbers.normalize,
        "numbers.partial_key": numbers.partial_key,
        "numbers.registration_number": numbers.registration_number,
        "numbers.repealed_numbers": numbers.repealed_numbers,
        "dates.find_dates": dates.find_dates,
        "dates.date_lines": lambda t: dates.date_lines(lines(t)),
        "dates.effective": dates.effective,
        "deadlines": deadlines,
        "targets": targets,
        "bodies.recipients": lambda t: bodies.recipients(lines(t)),
        "bodies.responsible_units": bodies.responsible_units,
        "infotable.parse": lambda t: infotable.parse(lines(t)),
        "regions.resolve": regions.resolve,
        "parse_sections": parse_sections,
        "support": support,
        "conditions": lambda t: conditions(t, parse_sections(t)),
    }


def patterns() -> dict[str, callable]:
    """Every string of kb/data/*.toml that compiles as a regex (placeholders filled as the
    extractors fill them), as ``pattern:FILE:KEY`` -> a function scanning a text with it."""
    import re
    import tomllib
    import importlib
    sup = importlib.import_module("kb.extract.support")   # kb.extract.support is also a function
    from kb.extract.dates import DATE_RX, TIME_RX

    def strings(obj, path):
        if isinstance(obj, dict):
            for k, v in obj.items():
                yield from strings(v, path + [str(k)])
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                yield from strings(v, path + [str(i)])
        elif isinstance(obj, str) and len(obj) > 1:
            yield ".".join(path), obj
    out = {}
    for f in sorted((ROOT / "kb" / "data").glob("*.toml")):
        for key, p in strings(tomllib.loads(f.read_text(encoding="utf-8")), []):
            p = sup._fill(p) if f.name == "support.toml" else p.replace("DATE", DATE_RX).replace("TIME", TIME_RX)
            try:
                rx = re.compile(p)
            except re.error:
                continue
            out[f"pattern:{f.stem}:{key}"] = lambda t, rx=rx: sum(1 for _ in rx.finditer(t))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kb", type=float, default=100, help="size of each input in KB of characters (default 100)")
    ap.add_argument("--only", help="comma-separated extractor names")
    ap.add_argument("--inputs", help="comma-separated input names")
    ap.add_argument("--files", help="also use the files of this folder (as text, cut to the size)")
    ap.add_argument("--patterns", action="store_true",
                    help="also time every pattern of kb/data/*.toml (finditer over each input)")
    args = ap.parse_args(argv)
    n = int(args.kb * 1000)
    texts = inputs(n)
    if args.inputs:
        texts = {k: v for k, v in texts.items() if k in args.inputs.split(",")}
    if args.files:
        for p in sorted(Path(args.files).rglob("*")):
            if p.is_file() and p.suffix in (".txt", ".md"):
                t = p.read_text(encoding="utf-8", errors="replace")
                texts[f"file:{p.name}"] = (t * (n // max(1, len(t)) + 1))[:n]
    fns = extractors()
    if args.patterns:
        fns.update(patterns())
    if args.only:
        fns = {k: v for k, v in fns.items() if k in args.only.split(",")}
    rows = []
    for name, fn in fns.items():
        worst = (0.0, None)
        for iname, text in texts.items():
            t0 = time.perf_counter()
            try:
                fn(text)
                err = None
            except Exception as e:          # a crash is a finding too: print it, go on
                err = f"{type(e).__name__}: {e}"[:200]
            dt = time.perf_counter() - t0
            rows.append({"extractor": name, "input": iname, "seconds": round(dt, 4), "error": err})
            if err:
                print(f"  ERROR {name} on {iname}: {err}", flush=True)
            worst = max(worst, (dt, iname), key=lambda x: x[0])
        flag = "  SLOW" if worst[0] > SLOW else ""
        print(f"{name:28s} slowest {worst[0]:8.3f} s on {worst[1]}{flag}", flush=True)
    print(f"\n10 slowest calls on {n:,}-character inputs:")
    for r in sorted(rows, key=lambda r: -r["seconds"])[:10]:
        print(f"  {r['seconds']:8.3f} s  {r['extractor']:28s} {r['input']}")
    slow = [r for r in rows if r["seconds"] > SLOW]
    print(f"{len(slow)} calls over {SLOW:g} s, {sum(1 for r in rows if r['error'])} errors")
    save({"chars": n, "calls": rows}, "slowest")
    return 0


if __name__ == "__main__":
    sys.exit(main())
