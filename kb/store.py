"""SQLite store: one row per document plus tables for the list fields, queryable with plain SQL.

The whole record is kept as JSON (``record``) so that nothing extracted is lost; the columns and
side tables are there for SQL users and for fast lookups.
"""
from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path

from kb.errors import NoIndex
from kb.model import Record

DB_NAME = "kb.sqlite"
SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files (source TEXT PRIMARY KEY, sha256 TEXT, documents INTEGER, error TEXT);
CREATE TABLE documents (
  id TEXT PRIMARY KEY, source TEXT, title TEXT, doc_number TEXT, doc_number_raw TEXT,
  registration_number TEXT, issuers TEXT, date TEXT, published TEXT, recipients TEXT,
  category TEXT, newsletter_publisher TEXT, newsletter_issue TEXT, links TEXT,
  effective_from TEXT, effective_until TEXT, doc_type TEXT,
  province TEXT, city TEXT, county TEXT, text TEXT, record TEXT
);
CREATE INDEX documents_number ON documents(doc_number);
CREATE TABLE issuers (doc_id TEXT, position INTEGER, name TEXT);
CREATE TABLE deadlines (doc_id TEXT, position INTEGER, date TEXT, time TEXT, opens TEXT,
  recurring TEXT, month INTEGER, day INTEGER, text TEXT);
CREATE TABLE targets (doc_id TEXT, position INTEGER, year INTEGER, indicator TEXT, direction TEXT,
  value REAL, unit TEXT, baseline_year INTEGER, text TEXT);
CREATE TABLE citations (doc_id TEXT, number TEXT, kind TEXT);
CREATE INDEX citations_number ON citations(number);
CREATE TABLE responsible_units (doc_id TEXT, role TEXT, name TEXT);
CREATE TABLE sections (doc_id TEXT, id TEXT, level INTEGER, number TEXT, heading TEXT, path TEXT,
  start INTEGER, "end" INTEGER);
"""


def db_path(index_dir: str | os.PathLike) -> Path:
    return Path(index_dir) / DB_NAME


def write(index_dir: str | os.PathLike, records: list[Record], files: list[dict], meta: dict) -> Path:
    """Write a complete knowledge base to a temporary file, then swap it in atomically."""
    final = db_path(index_dir)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(final.name + f".tmp-{os.getpid()}")
    if tmp.exists():
        tmp.unlink()
    try:
        with closing(sqlite3.connect(tmp)) as db:
            db.executescript(SCHEMA)
            _fill(db, records, files, {**meta, "schema_version": SCHEMA_VERSION})
            db.commit()
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            tmp.unlink()
    return final


def _fill(db: sqlite3.Connection, records: list[Record], files: list[dict], meta: dict) -> None:
    db.executemany("INSERT INTO meta VALUES (?, ?)", [(k, json.dumps(v, ensure_ascii=False)) for k, v in meta.items()])
    db.executemany("INSERT INTO files VALUES (:source, :sha256, :documents, :error)", files)
    for r in records:
        d = r.to_dict()
        region = r.region or {}
        news = r.newsletter or {}
        db.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (r.id, r.source, r.title, r.doc_number, r.doc_number_raw, r.registration_number,
             _j(r.issuers), r.date, r.published, r.recipients, r.category, news.get("publisher"),
             news.get("issue"), _j(r.links), r.effective_from, r.effective_until, r.doc_type,
             region.get("province"), region.get("city"), region.get("county"), r.text, _j(d)))
        db.executemany("INSERT INTO issuers VALUES (?,?,?)", [(r.id, i, n) for i, n in enumerate(r.issuers)])
        db.executemany("INSERT INTO deadlines VALUES (?,?,?,?,?,?,?,?,?)",
                       [(r.id, i, x.date, x.time, x.opens, x.recurring, x.month, x.day, x.text)
                        for i, x in enumerate(r.deadlines)])
        db.executemany("INSERT INTO targets VALUES (?,?,?,?,?,?,?,?,?)",
                       [(r.id, i, x.year, x.indicator, x.direction, x.value, x.unit, x.baseline_year, x.text)
                        for i, x in enumerate(r.targets)])
        db.executemany("INSERT INTO citations VALUES (?,?,?)",
                       [(r.id, n, "cites") for n in r.cites] + [(r.id, n, "repeals") for n in r.repeals])
        db.executemany("INSERT INTO responsible_units VALUES (?,?,?)",
                       [(r.id, u["role"], u["name"]) for u in r.responsible_units])
        db.executemany("INSERT INTO sections VALUES (?,?,?,?,?,?,?,?)",
                       [(r.id, s.id, s.level, s.number, s.heading, _j(s.path), s.start, s.end) for s in r.sections])


def _j(v) -> str:
    return json.dumps(v, ensure_ascii=False)


def connect(index_dir: str | os.PathLike) -> sqlite3.Connection:
    path = db_path(index_dir)
    if not path.exists():
        raise NoIndex(f"no knowledge base at {path}: run `kb build` first")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    return db


def load_records(index_dir: str | os.PathLike) -> list[Record]:
    with closing(connect(index_dir)) as db:
        return [Record.from_dict(json.loads(row["record"]))
                for row in db.execute("SELECT record FROM documents ORDER BY id")]


def get(index_dir: str | os.PathLike, record_id: str) -> Record | None:
    with closing(connect(index_dir)) as db:
        row = db.execute("SELECT record FROM documents WHERE id = ?", (record_id,)).fetchone()
        return Record.from_dict(json.loads(row["record"])) if row else None


def by_number(index_dir: str | os.PathLike, number: str) -> list[Record]:
    with closing(connect(index_dir)) as db:
        rows = db.execute("SELECT record FROM documents WHERE doc_number = ? ORDER BY id", (number,))
        return [Record.from_dict(json.loads(r["record"])) for r in rows]


def numbers_like(index_dir: str | os.PathLike, prefix: str) -> list[tuple[str, str, str]]:
    """(number, id, title) of documents whose number starts with a (canonical) prefix."""
    with closing(connect(index_dir)) as db:
        rows = db.execute("SELECT doc_number, id, title FROM documents WHERE doc_number LIKE ? ESCAPE '\\' "
                          "ORDER BY doc_number", (prefix.replace("%", "\\%").replace("_", "\\_") + "%",))
        return [tuple(r) for r in rows]


def citing(index_dir: str | os.PathLike, number: str, kind: str | None = None) -> list[tuple[str, str, str]]:
    """(doc id, title, kind) of documents that cite or repeal a number."""
    with closing(connect(index_dir)) as db:
        sql = ("SELECT c.doc_id, d.title, c.kind FROM citations c JOIN documents d ON d.id = c.doc_id "
               "WHERE c.number = ?" + (" AND c.kind = ?" if kind else "") + " ORDER BY c.doc_id")
        return [tuple(r) for r in db.execute(sql, (number, kind) if kind else (number,))]


def files(index_dir: str | os.PathLike) -> list[dict]:
    with closing(connect(index_dir)) as db:
        return [dict(r) for r in db.execute("SELECT * FROM files ORDER BY source")]


def meta(index_dir: str | os.PathLike) -> dict:
    with closing(connect(index_dir)) as db:
        return {r["key"]: json.loads(r["value"]) for r in db.execute("SELECT key, value FROM meta")}


def get_many(index_dir: str | os.PathLike, ids: list[str]) -> dict[str, Record]:
    if not ids:
        return {}
    with closing(connect(index_dir)) as db:
        marks = ",".join("?" * len(ids))
        rows = db.execute(f"SELECT id, record FROM documents WHERE id IN ({marks})", ids)
        return {r["id"]: Record.from_dict(json.loads(r["record"])) for r in rows}


def repealed_numbers(index_dir: str | os.PathLike) -> list[str]:
    with closing(connect(index_dir)) as db:
        return [r[0] for r in db.execute("SELECT DISTINCT number FROM citations WHERE kind = 'repeals'")]


def previous_files(index_dir: str | os.PathLike) -> dict[str, dict]:
    """source -> {sha256, documents, error} of the files the current knowledge base was built from (empty if none)."""
    if not db_path(index_dir).exists():
        return {}
    try:
        with closing(connect(index_dir)) as db:
            return {r["source"]: dict(r) for r in db.execute("SELECT source, sha256, documents, error FROM files")}
    except sqlite3.DatabaseError:
        return {}


def records_of(index_dir: str | os.PathLike, sources: set[str]) -> list[Record]:
    if not sources:
        return []
    with closing(connect(index_dir)) as db:
        marks = ",".join("?" * len(sources))
        rows = db.execute(f"SELECT record FROM documents WHERE source IN ({marks}) ORDER BY id", sorted(sources))
        return [Record.from_dict(json.loads(r["record"])) for r in rows]


def cited_numbers_like(index_dir: str | os.PathLike, prefix: str) -> list[tuple[str, int]]:
    """(number, documents citing it) of cited numbers not in the knowledge base, by prefix."""
    with closing(connect(index_dir)) as db:
        rows = db.execute(
            "SELECT number, count(DISTINCT doc_id) FROM citations WHERE number LIKE ? ESCAPE '\\' "
            "AND number NOT IN (SELECT doc_number FROM documents WHERE doc_number IS NOT NULL) "
            "GROUP BY number ORDER BY number", (prefix.replace("%", "\\%").replace("_", "\\_") + "%",))
        return [tuple(r) for r in rows]
