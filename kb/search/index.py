"""The Whoosh full-text index of the knowledge base.

Each build writes a new generation folder (index/search-<n>) and then points
index/search.current at it with an atomic rename; the previous generation is kept until
the next build, so a search that opened it while the build swapped still answers.
An incremental build starts from hard links to the previous generation's files (Whoosh
never rewrites a segment file) and only deletes and re-adds the changed documents.
"""
from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

from whoosh import fields, index as windex

from kb import aliases
from kb.model import Record
from kb.search import analyzer
from kb.search.analyzer import ChineseAnalyzer
from kb.search.writer import FastSegmentWriter

POINTER = "search.current"
PREFIX = "search-"


def schema() -> fields.Schema:
    ana = ChineseAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        source=fields.ID(stored=True),
        # a word typed without spaces that jieba cuts in several (工业和信息化部) is a phrase
        title=fields.TEXT(analyzer=ana, stored=True, field_boost=3.0, phrase=True, multitoken_query="phrase"),
        body=fields.TEXT(analyzer=ana, phrase=True, multitoken_query="phrase"),
        doc_number=fields.ID(stored=True),
        issuers=fields.KEYWORD(stored=True, commas=True, scorable=True),
        region=fields.KEYWORD(stored=True, commas=True),
        province=fields.ID(stored=True),
        category=fields.ID(stored=True),
        doc_type=fields.ID(stored=True),
        year=fields.NUMERIC(stored=True, sortable=True),
        date=fields.DATETIME(stored=True, sortable=True),
        published=fields.DATETIME(stored=True),
        effective_from=fields.DATETIME(stored=True),
        effective_until=fields.DATETIME(stored=True),
        deadlines=fields.KEYWORD(stored=True, commas=True),   # ISO dates, and "recurring"
        dated=fields.ID(),       # "yes" when a period of validity is stated: status filters are term queries
        numbered=fields.ID(),    # "yes" when the document has its own number: number queries skip those at once
    )


def _dt(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso) if iso else None


def document(rec: Record) -> dict:
    """A record -> the fields Whoosh stores and indexes."""
    region = rec.region or {}
    issuers = [aliases.canonical_body(n) for n in rec.issuers]
    day = rec.date or rec.published
    deadline_keys = sorted({d.date for d in rec.deadlines if d.date and d.kind != "opens"} |
                           ({"recurring"} if any(d.recurring for d in rec.deadlines) else set()))
    doc = {
        "id": rec.id, "source": rec.source, "title": rec.title or "", "body": rec.text,
        "doc_number": rec.doc_number, "issuers": ",".join(issuers),
        "region": ",".join(v for v in (region.get("province"), region.get("city"), region.get("county")) if v),
        "province": region.get("province"), "category": rec.category, "doc_type": rec.doc_type,
        "year": int(day[:4]) if day else None, "date": _dt(rec.date), "published": _dt(rec.published),
        "effective_from": _dt(rec.effective_from), "effective_until": _dt(rec.effective_until),
        "deadlines": ",".join(deadline_keys),
        "dated": "yes" if (rec.effective_from or rec.effective_until) else None,
        "numbered": "yes" if rec.doc_number else None,
    }
    return {k: v for k, v in doc.items() if v not in (None, "")}


def current(index_dir: str | os.PathLike) -> Path | None:
    """The generation folder searches should open, or None before the first build."""
    pointer = Path(index_dir) / POINTER
    if not pointer.exists():
        return None
    gen = Path(index_dir) / pointer.read_text().strip()
    return gen if gen.is_dir() else None


def _next_generation(index_dir: Path) -> Path:
    nums = [int(p.name[len(PREFIX):]) for p in index_dir.glob(PREFIX + "*") if p.name[len(PREFIX):].isdigit()]
    return index_dir / f"{PREFIX}{max(nums, default=0) + 1}"


def _link_copy(src: Path, dst: Path) -> None:
    dst.mkdir(parents=True)
    for f in src.iterdir():
        if f.is_file():
            try:
                os.link(f, dst / f.name)
            except OSError:
                shutil.copy2(f, dst / f.name)


class IndexWriter:
    """Writes a new index generation; ``commit`` points search.current at it.

    This writer holds the index lock and does the deletions; documents go into new segments
    through SegmentBuilders: its own (``add``) or those of the build's worker processes,
    whose segments are handed over with ``add_segments``. Incremental: the new generation
    starts as hard links to the current one's files and only the documents of changed and
    removed sources are deleted and re-added.
    """

    def __init__(self, index_dir: str | os.PathLike, incremental: bool = False):
        self.dir = Path(index_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.prev = current(self.dir)
        self.gen = _next_generation(self.dir)
        if incremental and self.prev is not None:
            _link_copy(self.prev, self.gen)
            self.ix = windex.open_dir(self.gen)
        else:
            self.gen.mkdir()
            self.ix = windex.create_in(self.gen, schema())
        self.writer = FastSegmentWriter(self.ix)
        self.builder = SegmentBuilder(self.gen, self.ix)
        self.segments: list = []

    def remove_sources(self, sources) -> None:
        for src in sources:
            self.writer.delete_by_term("source", src)

    def add(self, records: list[Record]) -> None:
        self.builder.add(records)

    def add_segments(self, segments: list) -> None:
        self.segments.extend(segments)

    def commit(self) -> Path:
        w = self.writer
        # as Whoosh's multi-process writer commits: small old segments may be merged, then
        # the new segments are listed beside them in one TOC
        final = w._merge_segments(None, None, None)
        final += self.segments + self.builder.finish()
        if w._added:
            final.append(w._finalize_segment())
        else:
            w._close_segment()
        w._commit_toc(final)
        w._finish()
        tmp = self.dir / (POINTER + f".tmp-{os.getpid()}")
        tmp.write_text(self.gen.name)
        os.replace(tmp, self.dir / POINTER)
        analyzer.write_word_table()          # once per dictionary: searches cut queries with it
        # keep the generation just replaced (a search may still read it), drop older ones
        for old in self.dir.glob(PREFIX + "*"):
            if old not in (self.gen, self.prev) and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
        return self.gen

    def abort(self) -> None:
        # best effort: the writers share a temporary folder, and the generation goes anyway
        for cancel in (self.builder.cancel, self.writer.cancel):
            try:
                cancel()
            except Exception:
                pass
        shutil.rmtree(self.gen, ignore_errors=True)


class SegmentBuilder:
    """Adds documents to new segments of an index generation, a new segment whenever one is
    full. Used in the build's worker processes (without the lock: the main IndexWriter holds
    it) and in-process; ``finish`` returns the segments for the main writer's commit."""

    def __init__(self, gen: Path, ix=None):
        self.ix = ix if ix is not None else windex.open_dir(gen)
        self.writer: FastSegmentWriter | None = None
        self.done: list = []

    def add(self, records: list[Record]) -> None:
        for rec in records:
            if self.writer is None:
                self.writer = FastSegmentWriter(self.ix, _lk=False)
            self.writer.add_document(**document(rec))
        if self.writer is not None and self.writer.full():
            self._close()

    def finish(self) -> list:
        if self.writer is not None:
            self._close()
        done, self.done = self.done, []
        return done

    def _close(self) -> None:
        self.done.append(self.writer.finish_segment())
        self.writer = None

    def cancel(self) -> None:
        if self.writer is not None:
            self.writer.cancel()
            self.writer = None


def open_index(index_dir: str | os.PathLike):
    from kb.errors import NoIndex
    gen = current(index_dir)
    if gen is None:
        raise NoIndex(f"no search index in {index_dir}: run `kb build` first")
    return windex.open_dir(gen)
