#!/usr/bin/env python
"""发布日期 of the devset's HTML pages: kb beside htmldate and trafilatura (when installed).

    python bench/page_dates.py RECORDS.json [--devset ../shared/devset]

RECORDS.json is `kb records --json` of a build of the devset.  The libraries are not
dependencies of kb: install them in another environment to run this (`pip install htmldate
trafilatura lxml_html_clean`); a library that is not importable is left out.  Prints, for each
labelled page, what each one finds, and the count of correct dates.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("records")
    ap.add_argument("--devset", default=str(Path(__file__).resolve().parents[2] / "shared" / "devset"))
    args = ap.parse_args()
    devset = Path(args.devset)
    finders = {"kb": None}
    try:
        from htmldate import find_date
        finders["htmldate"] = lambda html: find_date(html, outputformat="%Y-%m-%d")
    except ImportError:
        pass
    try:
        import trafilatura
        finders["trafilatura"] = lambda html: getattr(trafilatura.extract_metadata(html), "date", None)
    except ImportError:
        pass
    ours = {Path(r["source"]).name: r.get("published") for r in json.loads(Path(args.records).read_text("utf-8"))}
    right = dict.fromkeys(finders, 0)
    n = 0
    for line in (devset / "labels.jsonl").read_text("utf-8").splitlines():
        g = json.loads(line)
        name = Path(g["file"]).name
        if not name.endswith((".html", ".htm")) or not g.get("publish_date"):
            continue
        n += 1
        html = (devset / "docs" / name).read_text("utf-8", errors="replace")
        want = g["publish_date"][:10]
        got = {k: (ours.get(name) if f is None else f(html)) for k, f in finders.items()}
        for k, v in got.items():
            right[k] += v == want
        print(f"{name}  want {want}  " + "  ".join(f"{k} {v}" for k, v in got.items()))
    print(f"{n} labelled HTML pages: " + ", ".join(f"{k} {v}/{n}" for k, v in right.items()))


if __name__ == "__main__":
    main()
