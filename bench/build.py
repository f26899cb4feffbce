#!/usr/bin/env python
"""Build benchmark: `kb build` time and peak memory, full and incremental.

    python bench/build.py [--docs N] [--corpus DIR] [--index DIR] [--seed S] [--no-sample]

(a) the sample corpus (corpus/): full build, median of --sample-runs fresh builds;
(b) a generated corpus (bench/out/corpus-N, made with bench/make_corpus.py when missing; or
    --corpus DIR): full build into a fresh index: wall time, CPU time, peak memory, docs/s, MB/s;
(c) a rebuild with nothing changed;
(c') a rebuild after only touching (mtime) 10 files;
(d) a rebuild after changing the content of 10 files, then one after restoring them (the
    corpus is left byte-identical to what make_corpus wrote).

Every build is `kb build CORPUS --index DIR --quiet --json` run as a subprocess (the venv's
`kb`), so the figures include interpreter start-up and imports, as a user sees them.
Memory: `max_rss_mb` is the largest single process of the build's tree (os.wait4's rusage of
that build: the process and the workers it waited for); `tree_rss_mb` / `tree_pss_mb` are the
peak of the sum over the process tree, polled from /proc (every 0.1 s, then 0.5 s after 3 s; RSS counts pages that
forked workers share once per process; PSS divides them among the sharers).

Prints a table and writes bench/out/build.json (the latest run) and bench/out/build-<name>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))   # bench/results.py, when imported from elsewhere
from results import OUT, save  # noqa: E402
KB = Path(sys.executable).with_name("kb")
if not KB.exists():
    KB = ROOT / ".venv" / "bin" / "kb"
SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".docx")
TOUCH = 10


# ------------------------------------------------------------------ process tree memory


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def _tree(pid: int) -> list[int]:
    kids = _children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def _rss_pss_kb(pid: int) -> tuple[int, int]:
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss = pss = int(line.split()[1])
        except OSError:
            pass
    return rss, pss


class TreePoller(threading.Thread):
    """Peak summed RSS/PSS of a process tree: every 0.1 s for the first 3 s, then every 0.5 s
    (reading smaps_rollup of large processes costs CPU that the build would otherwise get)."""

    def __init__(self, pid: int, interval: float = 0.1, slow_interval: float = 0.5, slow_after: float = 3.0):
        super().__init__(daemon=True)
        self.pid, self.interval, self.slow_interval, self.slow_after = pid, interval, slow_interval, slow_after
        self.peak_rss = self.peak_pss = self.peak_procs = 0
        self.stop = threading.Event()

    def run(self):
        start = time.monotonic()
        while not self.stop.is_set():
            pids = _tree(self.pid)
            rss = pss = 0
            for p in pids:
                r, s = _rss_pss_kb(p)
                rss += r
                pss += s
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.peak_procs = max(self.peak_procs, len(pids))
            self.stop.wait(self.interval if time.monotonic() - start < self.slow_after else self.slow_interval)


# ------------------------------------------------------------------ one build


def run_build(corpus: Path, index: Path, extra: list[str] | None = None) -> dict:
    cmd = [str(KB), "build", str(corpus), "--index", str(index), "--quiet", "--json", *(extra or [])]
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err)
        poller = TreePoller(p.pid)
        poller.start()
        out = p.stdout.read()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        poller.stop.set()
        poller.join()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if p.returncode != 0:
        raise SystemExit(f"kb build failed ({p.returncode}): {' '.join(cmd)}\n{stderr[-3000:]}")
    report = json.loads(out)
    return {
        "wall_s": round(wall, 3),
        "kb_seconds": report.get("seconds"),          # the build's own timer (no start-up)
        "cpu_s": round(ru.ru_utime + ru.ru_stime, 2),  # process and waited-for workers
        "max_rss_mb": round(ru.ru_maxrss / 1024, 1),
        "tree_rss_mb": round(poller.peak_rss / 1024, 1),
        "tree_pss_mb": round(poller.peak_pss / 1024, 1),
        "procs": poller.peak_procs,
        "files": report.get("files"), "documents": report.get("documents"),
        "changed": report.get("changed"), "removed": report.get("removed"),
        "failed": len(report.get("failed") or []),
    }


def corpus_bytes(corpus: Path) -> int:
    return sum(p.stat().st_size for p in corpus.rglob("*")
               if p.is_file() and p.suffix.lower() in SUPPORTED and not p.name.startswith("."))


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def fresh(index: Path) -> None:
    if index.exists():
        shutil.rmtree(index)


# ------------------------------------------------------------------ scenarios


def bench_sample(runs: int) -> dict:
    corpus = ROOT / "corpus"
    index = OUT / "index-sample"
    results = []
    for _ in range(runs):
        fresh(index)
        results.append(run_build(corpus, index))
    med = dict(results[0])
    for k in ("wall_s", "kb_seconds", "cpu_s", "max_rss_mb", "tree_rss_mb", "tree_pss_mb"):
        med[k] = round(statistics.median(r[k] for r in results), 3)
    nochange = run_build(corpus, index)
    size = corpus_bytes(corpus)
    return {"corpus": str(corpus), "index": str(index), "bytes": size, "runs": results, "full": med,
            "nochange": nochange, "index_mb": round(du(index) / 1e6, 2)}


def ensure_corpus(n: int, seed: int, corpus: Path) -> dict | None:
    manifest = corpus / ".make_corpus.json"
    if manifest.exists():
        info = json.loads(manifest.read_text())
        if info.get("files") == n and info.get("seed") == seed:
            return info
    import make_corpus
    print(f"generating {n} files into {corpus} …", flush=True)
    return make_corpus.generate(n, corpus, seed=seed)


def pick_files(corpus: Path, k: int) -> list[Path]:
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in (".txt", ".md")
                   and not p.name.startswith("."))
    if not files:
        return []
    step = max(1, len(files) // k)
    return files[step // 2::step][:k]


def change(data: bytes) -> bytes:
    """A small edit inside the body: one sentence added after the first 。 past the header."""
    text = data.decode("utf-8")
    i = text.find("。", len(text) // 3)
    i = i if i >= 0 else text.find("。")
    add = "本条款已根据工作实际予以修订完善。"
    return (text[:i + 1] + add + text[i + 1:]).encode("utf-8") if i >= 0 else data + add.encode()


def bench_generated(corpus: Path, index: Path, gen_info: dict | None) -> dict:
    size = corpus_bytes(corpus)
    print(f"full build of {corpus} ({size / 1e6:.1f} MB) into {index} …", flush=True)
    fresh(index)
    full = run_build(corpus, index)
    full["docs_per_s"] = round(full["documents"] / full["wall_s"], 1)
    full["files_per_s"] = round(full["files"] / full["wall_s"], 1)
    full["mb_per_s"] = round(size / 1e6 / full["wall_s"], 3)
    index_mb = round(du(index) / 1e6, 1)
    print("no-change rebuild …", flush=True)
    nochange = run_build(corpus, index)

    targets = pick_files(corpus, TOUCH)
    print(f"rebuild after touching (mtime only) {len(targets)} files …", flush=True)
    for p in targets:
        os.utime(p)
    touched = run_build(corpus, index)

    print(f"rebuild after changing {len(targets)} files …", flush=True)
    originals = {p: p.read_bytes() for p in targets}
    try:
        for p, data in originals.items():
            p.write_bytes(change(data))
        changed = run_build(corpus, index)
    finally:
        for p, data in originals.items():
            p.write_bytes(data)
    print(f"rebuild after restoring them …", flush=True)
    restored = run_build(corpus, index)
    return {"corpus": str(corpus), "index": str(index), "bytes": size, "generator": gen_info,
            "full": full, "index_mb": index_mb, "nochange": nochange, "touched_mtime": touched,
            "changed_10": changed, "restored_10": restored, "changed_files": [p.name for p in targets]}


# ------------------------------------------------------------------ output


def environment() -> dict:
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        except Exception:
            return None
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "machine": platform.machine(),
            "commit": git("rev-parse", "--short", "HEAD"), "dirty": bool(git("status", "--porcelain", "--", "kb")),
            "date": time.strftime("%Y-%m-%dT%H:%M:%S"), "kb": str(KB), "loadavg_start": os.getloadavg()}


def table(rows: list[tuple]) -> str:
    head = ("run", "wall s", "kb s", "cpu s", "max RSS MB", "tree RSS MB", "tree PSS MB", "files read", "docs")
    cells = [head] + [tuple("" if v is None else str(v) for v in r) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    lines = ["  ".join(c[i].ljust(widths[i]) if i == 0 else c[i].rjust(widths[i]) for i in range(len(head)))
             for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def row(name: str, r: dict) -> tuple:
    return (name, r["wall_s"], r["kb_seconds"], r["cpu_s"], r["max_rss_mb"], r["tree_rss_mb"], r["tree_pss_mb"],
            r["changed"], r["documents"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000, help="files of the generated corpus (default 1000)")
    ap.add_argument("--corpus", type=Path, help="use this corpus instead of a generated one")
    ap.add_argument("--index", type=Path, help="index folder for the big corpus (default bench/out/index-<name>)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--sample-runs", type=int, default=3)
    ap.add_argument("--no-sample", action="store_true", help="skip (a), the sample corpus")
    ap.add_argument("--sample-only", action="store_true", help="only (a)")
    a = ap.parse_args(argv)
    if not KB.exists():
        print(f"kb not found at {KB}: run `make install` first", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    result = {"env": environment()}
    rows = []
    if not a.no_sample:
        s = bench_sample(a.sample_runs)
        result["sample"] = s
        rows.append(row(f"(a) sample full (median of {a.sample_runs})", s["full"]))
        rows.append(row("(a) sample no-change", s["nochange"]))
    name = "sample"
    if not a.sample_only:
        if a.corpus:
            corpus, gen_info = a.corpus, None
            name = corpus.name
        else:
            corpus = OUT / f"corpus-{a.docs}"
            gen_info = ensure_corpus(a.docs, a.seed, corpus)
            name = corpus.name
        index = a.index or OUT / f"index-{name.removeprefix('corpus-')}"
        g = bench_generated(corpus, index, gen_info)
        result["generated"] = g
        rows += [row("(b) full build", g["full"]), row("(c) no-change rebuild", g["nochange"]),
                 row(f"(c') {TOUCH} files touched (mtime)", g["touched_mtime"]),
                 row(f"(d) {TOUCH} files changed", g["changed_10"]),
                 row(f"(d) {TOUCH} files restored", g["restored_10"])]
    print()
    print(table(rows))
    if "sample" in result:
        s = result["sample"]
        print(f"\nsample: {s['bytes'] / 1e3:.0f} KB, {s['full']['documents']} documents, index {s['index_mb']} MB")
    if "generated" in result:
        g = result["generated"]
        f = g["full"]
        print(f"{name}: {g['bytes'] / 1e6:.1f} MB, {f['files']} files, {f['documents']} documents, "
              f"{f['failed']} failed; full build {f['docs_per_s']} docs/s, {f['mb_per_s']} MB/s "
              f"(wall); index {g['index_mb']} MB")
    result["env"]["loadavg_end"] = os.getloadavg()
    print(f"load average {result['env']['loadavg_start'][0]:.2f} at start, {result['env']['loadavg_end'][0]:.2f} at end")
    paths = save(result, "build", f"build-{name}")
    print(f"\nwrote {paths[0]} and {paths[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
