"""The build: read -> clean -> split -> extract -> store, one file at a time.

A bad file is reported with its name and reason and the build goes on; the store is written
to a temporary file and swapped in at the end, so an interrupted build loses nothing.
"""
from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import queue
import signal
import threading
import time
import shutil
import tomllib
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable

from kb import buildlock, store
from kb.clean import clean
from kb.errors import KbError, ReadError
from kb.extract import extract
from kb.model import Record
from kb.search import index as search_index
from kb.read import list_corpus, read_document
from kb.split import split

PARALLEL_MIN = 64   # below this many files, one process is faster than starting a pool
@dataclass
class BuildReport:
    corpus: str
    index: str
    files: int = 0
    documents: int = 0
    failed: list[dict] = field(default_factory=list)      # {"source", "reason"}
    fields: dict[str, int] = field(default_factory=dict)  # field -> documents that have it
    seconds: float = 0.0
    changed: int = 0        # files read and extracted (new or changed since the last build)
    removed: int = 0        # files gone since the last build

    def to_dict(self) -> dict:
        return {"corpus": self.corpus, "index": self.index, "files": self.files,
                "documents": self.documents, "changed": self.changed, "removed": self.removed, "failed": self.failed, "fields": self.fields,
                "seconds": round(self.seconds, 3)}


def record_id(source: str, index: int) -> str:
    """Stable ids: the file's path without extension; parts of a compilation get -01, -02 …"""
    stem = str(Path(source).with_suffix("")).replace("\\", "/").replace("/", "__")
    return f"{stem}-{index:02d}" if index else stem


def process_text(text: str, source: str, meta: list[dict] | None = None) -> list[Record]:
    """Clean, split and extract one decoded text; ``meta`` is the page's own metadata
    (RawDoc.meta), which belongs to the file's document when the file holds one."""
    parts = split(clean(text))
    if len(parts) == 1 and meta:
        parts[0].meta = list(meta)
    return [extract(p, source, record_id(source, p.index)) for p in parts if p.text.strip()]


@lru_cache(maxsize=None)
def limits() -> dict:
    """The build's limits (kb/data/build.toml)."""
    with resources.files("kb").joinpath("data/build.toml").open("rb") as f:
        return tomllib.load(f)


class OverBudget(BaseException):
    """Raised in a file's processing when its time budget is spent.  A BaseException, so that
    no ``except Exception`` on the way swallows it."""


@contextmanager
def time_budget(seconds: float):
    """Raise OverBudget in the block after ``seconds`` (SIGALRM: it also interrupts a regex
    search).  Only where signals can be used: the main thread of a process on POSIX."""
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise OverBudget
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def process_file(path: Path, corpus: Path, budget: float | None = None) -> tuple[dict, list[Record]]:
    """(files-table row, records) of one corpus file; a file that cannot be read or processed
    gets its reason in the row instead, and the build goes on.  ``budget``: seconds the file
    may take (default: kb/data/build.toml's file_seconds)."""
    source = _source(path, corpus)
    budget = limits()["file_seconds"] if budget is None else budget
    try:
        with time_budget(budget):
            raw = read_document(path)
            records = process_text(raw.text, source, raw.meta)
        if not records:
            raise ReadError(str(path), "no document text after cleaning")
        return {"source": source, "sha256": raw.sha256, "documents": len(records), "error": None}, records
    except KbError as e:
        reason = getattr(e, "reason", str(e))
    except OverBudget:
        reason = f"took longer than {budget:g} s to read and extract (the limit of kb/data/build.toml): skipped"
    except RecursionError:
        reason = "nested too deeply to read (recursion limit reached)"
    except Exception as e:      # a bug met on this file: name it, keep the build going
        reason = f"internal error while reading: {type(e).__name__}: {e}"[:300]
    return {"source": source, "sha256": _sha256(path), "documents": 0, "error": reason}, []


def _source(path: Path, corpus: Path) -> str:
    # string prefix, not Path.relative_to: this runs for every file of the corpus on every
    # build, and pathlib's version costs ~50 µs a call (1.5 s of a 10,000-file rebuild)
    p, c = str(path), str(corpus)
    if p.startswith(c + os.sep) or p.startswith(c + "/"):
        return p[len(c) + 1:].replace(os.sep, "/")
    return path.relative_to(corpus).as_posix() if path.is_relative_to(corpus) else path.name


def _sha256(path: Path) -> str | None:
    try:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except OSError:
        return None


def build(corpus: str | Path, index_dir: str | Path = "index",
          progress: Callable[[dict, int], None] | None = None, full: bool = False,
          workers: int | None = None, phases: Callable[..., None] | None = None,
          allow_empty: bool = False, wait: bool = False,
          waiting: Callable[[int | None], None] | None = None) -> BuildReport:
    """Build the knowledge base of a corpus folder into ``index_dir``.

    Unless ``full``, files whose content hash is unchanged since the last build are not read
    again: their records come from the previous knowledge base and the search index is only
    updated for changed and removed files.  ``phases(phase, done, total, final=False)`` is told
    the progress of each phase: listing, hashing, extracting, indexing, writing (kb.progress).

    One build at a time per ``index_dir`` (kb.buildlock): raises Busy if another holds it, or
    with ``wait`` waits for it (``waiting(pid)`` is told first).  A corpus giving no document
    does not replace a knowledge base that has some, unless ``allow_empty``.
    """
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise KbError(f"corpus folder not found: {corpus}")
    with buildlock.build_lock(index_dir, wait=wait, waiting=waiting):
        for p in buildlock.stale_temporaries(index_dir):    # left by a build that was killed
            _remove(p)
        return _build(corpus, index_dir, progress, full, workers, phases or _no_phases, allow_empty)


def _remove(p: Path) -> None:
    try:
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    except OSError:
        pass


def _build(corpus: Path, index_dir, progress, full: bool, workers, phases, allow_empty: bool) -> BuildReport:
    start = time.perf_counter()
    phases("listing", 0)
    unreadable: list[tuple[str, str]] = []        # (folder, reason)
    paths = list_corpus(corpus, errors=unreadable)
    phases("listing", len(paths), final=True)
    report = BuildReport(corpus=str(corpus), index=str(index_dir), files=len(paths))
    before = _documents(index_dir)
    prev = {} if full or not _reusable(index_dir) else store.previous_files(index_dir)
    sources = {p: _source(p, corpus) for p in paths}
    # hashes only to compare with a previous build (reading a file records its own hash)
    hashes = {}
    for k, p in enumerate(paths if prev else [], 1):
        hashes[sources[p]] = _sha256(p)
        phases("hashing", k, len(paths))
    unchanged = {s for s, h in hashes.items() if h and prev.get(s, {}).get("sha256") == h}
    # a folder that cannot be listed is a row of its own ("sub/"), rewritten by every build
    folders = {folder: reason for folder, reason in unreadable}
    removed = set(prev) - set(sources.values()) - set(folders)
    todo = [p for p in paths if sources[p] not in unchanged]
    report.changed, report.removed = len(todo), len(removed)
    if prev and not todo and not removed and all(prev.get(f, {}).get("error") == r for f, r in folders.items()):
        return _unchanged(report, index_dir, start)

    incremental = bool(prev)
    gone = {sources[p] for p in todo} | removed | (set(folders) & set(prev)) if incremental else set()
    # the search index is committed first: the SQLite swap at the end makes the build visible
    idx = search_index.IndexWriter(index_dir, incremental=incremental)
    db = store.StoreWriter(index_dir, incremental=incremental)
    try:
        idx.remove_sources(gone)
        db.remove_sources(gone)
        documents = 0
        phases("extracting", 0, len(todo))
        for k, (info, n, rows) in enumerate(_map(todo, corpus, workers, idx), 1):
            db.add_file(info)
            db.add_rows(rows)
            documents += n
            if progress:
                progress(info, documents)
            phases("extracting", k, len(todo))
        for folder, reason in folders.items():
            db.add_file({"source": folder, "sha256": None, "documents": 0, "error": reason})
        report.documents, report.failed, report.fields = db.summary()
        if before and not report.documents and not allow_empty:
            raise KbError(f"{corpus} gives no document ({len(paths)} files"
                          + (f", {len(report.failed)} failed" if report.failed else "")
                          + f"): the knowledge base in {index_dir} ({before} documents) is left as it was; "
                          "kb build --allow-empty replaces it with an empty one")
        phases("indexing", 0)
        idx.commit()
        phases("indexing", 0, final=True)
        phases("writing", 0)
        db.commit({"corpus": str(corpus), "built": time.strftime("%Y-%m-%dT%H:%M:%S"), "fields": report.fields})
        phases("writing", report.documents, final=True)
    except BaseException:
        db.abort()
        idx.abort()
        raise
    report.seconds = time.perf_counter() - start
    return report


def _no_phases(phase, done, total=None, final=False) -> None:
    pass


def _documents(index_dir) -> int:
    """Documents of the current knowledge base (0 when there is none or it cannot be read)."""
    if not store.db_path(index_dir).exists():
        return 0
    try:
        return store.document_count(index_dir)
    except Exception:                      # a damaged database holds nothing to keep
        return 0


def _reusable(index_dir) -> bool:
    """A previous knowledge base an incremental build can start from (same schema, index present)."""
    if search_index.current(index_dir) is None or not store.db_path(index_dir).exists():
        return False
    try:
        return store.meta(index_dir).get("schema_version") == store.SCHEMA_VERSION
    except Exception:                      # a damaged database: rebuild it all
        return False


def _unchanged(report: BuildReport, index_dir, start: float) -> BuildReport:
    files = store.files(index_dir)
    report.failed = [{"source": f["source"], "reason": f["error"]} for f in files if f["error"]]
    report.documents = sum(f["documents"] or 0 for f in files)
    report.fields = store.meta(index_dir).get("fields", {})
    report.seconds = time.perf_counter() - start
    return report


def _workers(workers: int | None, n: int) -> int:
    if workers is not None:
        return max(1, workers)
    return min(os.cpu_count() or 1, 4) if n >= PARALLEL_MIN else 1


def _map(paths: list[Path], corpus: Path, workers: int | None, idx):
    """(info, documents, store rows) of each file, in order. In-process for few files;
    otherwise worker processes read, extract, index (each into its own Whoosh segments,
    handed to ``idx`` at the end) and make the store's rows; the main process only inserts.
    The workers load jieba's dictionary themselves, while the main process lists the files."""
    n = _workers(workers, len(paths))
    if n == 1:
        for p in paths:
            info, recs = process_file(p, corpus)
            idx.add(recs)
            yield info, len(recs), store.rows_of(recs)
        return
    ctx = multiprocessing.get_context("fork")
    jobs, results = ctx.Queue(), ctx.Queue()
    chunks = [paths[i:i + CHUNK] for i in range(0, len(paths), CHUNK)]
    for k, chunk in enumerate(chunks):
        jobs.put((k, chunk))
    procs = [ctx.Process(target=_worker, args=(jobs, results, corpus, idx.gen, os.getpid()), daemon=True)
             for _ in range(n)]
    for _ in procs:
        jobs.put(None)
    for p in procs:
        p.start()
    try:
        waiting: dict[int, list] = {}    # chunks that arrived before an earlier one
        following, finished = 0, 0
        while finished < n:
            try:
                kind, k, payload = results.get(timeout=1)
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in procs):
                    raise KbError("a build worker died (out of memory?): the knowledge base is unchanged")
                continue
            if kind == "error":
                raise KbError(f"a build worker failed:\n{payload}")
            if kind == "segments":
                idx.add_segments(payload)
                finished += 1
                continue
            waiting[k] = payload
            while following in waiting:
                yield from waiting.pop(following)
                following += 1
        for p in procs:
            p.join()
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()


CHUNK = 16   # files per job: small enough to balance the workers, large enough to batch
GC_THRESHOLD = (50_000, 20, 20)


PR_SET_PDEATHSIG = 1      # linux/prctl.h
WATCH_SECONDS = 1.0       # how often a worker without prctl looks whether its parent is gone


def die_with_parent(parent: int) -> None:
    """End this process when the process ``parent`` ends, however it ends (SIGKILL, out of
    memory): daemonic workers are only stopped by a parent that lives to stop them.  Linux:
    the kernel sends SIGKILL (prctl PR_SET_PDEATHSIG); elsewhere a thread watches getppid()."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent:      # the parent died before prctl took effect
                os._exit(1)
            return
    except (OSError, AttributeError):       # no libc to load, or no prctl in it
        pass

    def watch():
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(1)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _worker(jobs, results, corpus: Path, gen: Path, parent: int) -> None:
    """A build worker: files -> records -> its own index segments; records go back in order."""
    die_with_parent(parent)
    builder = None
    # The worker makes millions of small objects and few reference cycles: fewer, cheaper
    # collections (what was there at fork is frozen out of them) save ~2% of its time.
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        builder = search_index.SegmentBuilder(gen)
        while (job := jobs.get()) is not None:
            k, chunk = job
            out = []
            for path in chunk:
                info, recs = process_file(path, corpus)
                builder.add(recs)
                out.append((info, len(recs), store.rows_of(recs)))
            results.put(("files", k, out))
        results.put(("segments", None, builder.finish()))
    except BaseException:
        if builder is not None:
            builder.cancel()
        results.put(("error", None, traceback.format_exc()))
