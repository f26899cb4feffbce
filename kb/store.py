"""SQLite store: one row per document plus tables for the list fields, queryable with plain SQL.

The whole record is kept as JSON (``record``) so that nothing extracted is lost; the columns and
side tables are there for SQL users and for fast lookups.
"""
from __future__ import annotations

import dataclasses
import json
import operator
import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from kb.errors import Damaged, NoIndex
from kb.model import Record

DB_NAME = "kb.sqlite"
SCHEMA_VERSION = 5   # also the search schema's: a change forces a full rebuild

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files (source TEXT PRIMARY KEY, sha256 TEXT, documents INTEGER, error TEXT);
CREATE TABLE documents (
  id TEXT PRIMARY KEY, source TEXT, title TEXT, doc_number TEXT, doc_number_raw TEXT,
  registration_number TEXT, issuers TEXT, date TEXT, published TEXT, recipients TEXT,
  category TEXT, newsletter_publisher TEXT, newsletter_issue TEXT, links TEXT,
  effective_from TEXT, effective_until TEXT, doc_type TEXT,
  province TEXT, city TEXT, county TEXT, text TEXT, record TEXT,
  policy TEXT  -- what `kb match` reads beside the columns (see _policy_json): no record JSON to parse
);
CREATE INDEX documents_number ON documents(doc_number);
CREATE INDEX documents_source ON documents(source);
CREATE TABLE issuers (doc_id TEXT, position INTEGER, name TEXT);
CREATE TABLE deadlines (doc_id TEXT, position INTEGER, date TEXT, time TEXT, opens TEXT,
  recurring TEXT, month INTEGER, day INTEGER, text TEXT, kind TEXT);
CREATE TABLE targets (doc_id TEXT, position INTEGER, year INTEGER, indicator TEXT, direction TEXT,
  value REAL, unit TEXT, baseline_year INTEGER, text TEXT);
CREATE TABLE citations (doc_id TEXT, number TEXT, kind TEXT);
CREATE INDEX citations_number ON citations(number);
CREATE TABLE responsible_units (doc_id TEXT, role TEXT, name TEXT);
CREATE TABLE sections (doc_id TEXT, id TEXT, level INTEGER, number TEXT, heading TEXT, path TEXT,
  start INTEGER, "end" INTEGER);
CREATE TABLE support (doc_id TEXT, position INTEGER, kind TEXT, amount REAL, amount_max REAL, unit TEXT,
  ratio REAL, ratio_max REAL, cap REAL, object TEXT, text TEXT);
CREATE TABLE conditions (doc_id TEXT, position INTEGER, kind TEXT, min NUMERIC, max NUMERIC, value TEXT, unit TEXT,
  subject TEXT, applicant INTEGER, section TEXT, text TEXT);
"""


def db_path(index_dir: str | os.PathLike) -> Path:
    return Path(index_dir) / DB_NAME


class StoreWriter:
    """Writes a knowledge base into a temporary copy and swaps it in on commit.

    An incremental build starts from a copy of the current database and replaces the rows of
    changed and removed files; records are inserted as they arrive, so a build never holds the
    whole corpus in memory.
    """

    def __init__(self, index_dir: str | os.PathLike, incremental: bool = False):
        self.final = db_path(index_dir)
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.final.with_name(self.final.name + f".tmp-{os.getpid()}")
        if self.tmp.exists():
            self.tmp.unlink()
        if incremental and self.final.exists():
            shutil.copyfile(self.final, self.tmp)
            self.db = sqlite3.connect(self.tmp)
        else:
            self.db = sqlite3.connect(self.tmp)
            self.db.executescript(SCHEMA)
        self.db.execute("PRAGMA synchronous = OFF")      # the swap, not fsync, makes the build atomic
        self.db.execute("PRAGMA journal_mode = OFF")

    def remove_sources(self, sources) -> None:
        sources = sorted(sources)
        if not sources:
            return
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS gone (id TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM gone")
        for chunk in _chunks(sources, 500):
            marks = ",".join("?" * len(chunk))
            self.db.execute(f"INSERT OR IGNORE INTO gone SELECT id FROM documents WHERE source IN ({marks})", chunk)
            self.db.execute(f"DELETE FROM files WHERE source IN ({marks})", chunk)
        for table in DOC_TABLES:
            self.db.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT id FROM gone)")
        self.db.execute("DELETE FROM documents WHERE id IN (SELECT id FROM gone)")

    def add_file(self, info: dict) -> None:
        self.db.execute("INSERT OR REPLACE INTO files VALUES (:source, :sha256, :documents, :error)", info)

    def add(self, records: list[Record]) -> None:
        self.add_rows(rows_of(records))

    def add_rows(self, rows: list[tuple[str, list]]) -> None:
        """Insert what ``rows_of`` made (in a build worker, say)."""
        for sql, values in rows:
            self.db.executemany(sql, values)

    def summary(self) -> tuple[int, list[dict], dict[str, int]]:
        """(documents, failed files, documents having each field) of what is written so far."""
        q = lambda sql: self.db.execute(sql).fetchone()[0]
        docs = q("SELECT count(*) FROM documents")
        failed = [{"source": s, "reason": e} for s, e in
                  self.db.execute("SELECT source, error FROM files WHERE error IS NOT NULL ORDER BY source")]
        fields = {}
        for name, sql in FIELD_SQL.items():
            fields[name] = q(sql)
        return docs, failed, fields

    def commit(self, meta: dict) -> Path:
        self.db.execute("DELETE FROM meta")
        self.db.executemany("INSERT INTO meta VALUES (?, ?)",
                   [(k, _j(v)) for k, v in {**meta, "schema_version": SCHEMA_VERSION}.items()])
        self.db.commit()
        self.db.close()
        os.replace(self.tmp, self.final)
        return self.final

    def abort(self) -> None:
        try:
            self.db.close()
        finally:
            if self.tmp.exists():
                self.tmp.unlink()


DOC_TABLES = ("issuers", "deadlines", "targets", "citations", "responsible_units", "sections", "support", "conditions")
_HAS = "SELECT count(*) FROM documents WHERE {0} IS NOT NULL AND {0} NOT IN ('', '[]')"
_IN = "SELECT count(DISTINCT doc_id) FROM {0}"
FIELD_SQL = {
    "title": _HAS.format("title"), "doc_number": _HAS.format("doc_number"), "issuers": _HAS.format("issuers"),
    "date": _HAS.format("date"), "published": _HAS.format("published"), "recipients": _HAS.format("recipients"),
    "category": _HAS.format("category"), "links": _HAS.format("links"),
    "cites": _IN.format("citations WHERE kind = 'cites'"), "repeals": _IN.format("citations WHERE kind = 'repeals'"),
    "effective_from": _HAS.format("effective_from"), "effective_until": _HAS.format("effective_until"),
    "deadlines": _IN.format("deadlines"), "targets": _IN.format("targets"),
    "responsible_units": _IN.format("responsible_units"), "doc_type": _HAS.format("doc_type"),
    "region": _HAS.format("province"), "support": _IN.format("support"), "conditions": _IN.format("conditions"),
}


def _chunks(items: list, n: int):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def write(index_dir: str | os.PathLike, records: list[Record], files: list[dict], meta: dict) -> Path:
    """Write a complete knowledge base at once (tests and small tools)."""
    w = StoreWriter(index_dir)
    try:
        for f in files:
            w.add_file(f)
        w.add(records)
        return w.commit(meta)
    except BaseException:
        w.abort()
        raise


def rows_of(records: list[Record]) -> list[tuple[str, list]]:
    """The (statement, rows) a StoreWriter inserts for these records: plain strings and numbers,
    so the build's workers make them and the main process only runs the inserts."""
    out: list[tuple[str, list]] = []
    for r in records:
        _rows(out.append, r)
    return out


def _rows(emit, r: Record) -> None:
    """One record: its row (the record as JSON, without the text kept in its own column) and side tables."""
    region = r.region or {}
    news = r.newsletter or {}
    rid = r.id
    paths = [_j_list(s.path) for s in r.sections]
    emit((
        "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(rid, r.source, r.title, r.doc_number, r.doc_number_raw, r.registration_number,
          _j_list(r.issuers), r.date, r.published, r.recipients, r.category, news.get("publisher"),
          news.get("issue"), _j_list(r.links), r.effective_from, r.effective_until, r.doc_type,
          region.get("province"), region.get("city"), region.get("county"), r.text, _record_json(r),
          _policy_json(r))]))
    # (a side table with no rows for this record is skipped)
    if r.issuers:
        emit(("INSERT INTO issuers VALUES (?,?,?)", [(rid, i, n) for i, n in enumerate(r.issuers)]))
    if r.deadlines:
        emit(("INSERT INTO deadlines VALUES (?,?,?,?,?,?,?,?,?,?)",
              [(rid, i, x.date, x.time, x.opens, x.recurring, x.month, x.day, x.text, x.kind)
               for i, x in enumerate(r.deadlines)]))
    if r.targets:
        emit(("INSERT INTO targets VALUES (?,?,?,?,?,?,?,?,?)",
              [(rid, i, x.year, x.indicator, x.direction, x.value, x.unit, x.baseline_year, x.text)
               for i, x in enumerate(r.targets)]))
    if r.cites or r.repeals:
        emit(("INSERT INTO citations VALUES (?,?,?)",
              [(rid, n, "cites") for n in r.cites] + [(rid, n, "repeals") for n in r.repeals]))
    if r.responsible_units:
        emit(("INSERT INTO responsible_units VALUES (?,?,?)",
              [(rid, u["role"], u["name"]) for u in r.responsible_units]))
    if r.sections:
        emit(("INSERT INTO sections VALUES (?,?,?,?,?,?,?,?)",
              [(rid, s.id, s.level, s.number, s.heading, path, s.start, s.end)
               for s, path in zip(r.sections, paths)]))
    if r.support:
        emit(("INSERT INTO support VALUES (?,?,?,?,?,?,?,?,?,?,?)",
              [(rid, i, x["kind"], x["amount"], x["amount_max"], x["unit"], x["ratio"], x["ratio_max"],
                x["cap"], x["object"], x["text"]) for i, x in enumerate(r.support)]))
    if r.conditions:
        emit(("INSERT INTO conditions VALUES (?,?,?,?,?,?,?,?,?,?,?)",
              [(rid, i, x["kind"], x["min"], x["max"], x["value"], x["unit"], x.get("subject"),
                int(x.get("applicant", True)), _j(x["section"]), x["text"])
               for i, x in enumerate(r.conditions)]))


# json.dumps(v, ensure_ascii=False) builds an encoder per call; these are built once (same output).
_ENCODER = json.JSONEncoder(ensure_ascii=False)
_encode_str = json.encoder.encode_basestring       # what that encoder writes a str with


def _j(v) -> str:
    return _ENCODER.encode(v)


def _j_list(v) -> str:
    """_j of a list, written directly when it holds only strings (issuers, links, section paths)."""
    if type(v) is list and all(type(x) is str for x in v):
        return "[" + ", ".join(map(_encode_str, v)) + "]"
    return _j(v)


def _dataclass_fields(o) -> dict:
    """A dataclass inside a record, as ``dataclasses.asdict`` would give it (JSON only)."""
    known = _FIELD_NAMES.get(type(o))
    if known is None:
        if not dataclasses.is_dataclass(o) or isinstance(o, type):
            raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")
        names = tuple(f.name for f in dataclasses.fields(o))
        get = operator.attrgetter(*names) if len(names) > 1 else (lambda x, n=names: tuple(getattr(x, k) for k in n))
        known = _FIELD_NAMES[type(o)] = (names, get)
    names, get = known
    return dict(zip(names, get(o)))


_FIELD_NAMES: dict[type, tuple] = {}
_RECORD_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_dataclass_fields)


def _record_json(r: Record) -> str:
    """``_j`` of ``r.to_dict()`` without its text, written straight from the record: JSON does not
    need the deep copy ``to_dict`` makes, only the same keys and values in the same order."""
    d = _dataclass_fields(r)
    del d["text"]
    return _RECORD_ENCODER.encode(d)


def _policy_json(r: Record) -> str | None:
    """The conditions, support and validity evidence of a record, or None when it has none: a
    small JSON that `kb match` reads for every document (parsing each record's JSON cost it 0.2 s
    per 10,000 documents)."""
    ev = {k: r.evidence[k] for k in ("effective_from", "effective_until") if r.evidence.get(k) is not None}
    if not (r.conditions or r.support or ev):
        return None
    return _RECORD_ENCODER.encode({"conditions": r.conditions, "support": r.support, "evidence": ev})


def connect(index_dir: str | os.PathLike) -> sqlite3.Connection:
    path = db_path(index_dir)
    if not path.exists():
        raise NoIndex(f"no knowledge base at {path}: run `kb build` first")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        db.execute("SELECT count(*) FROM meta").fetchone()     # reads the header: a damaged file fails here
    except sqlite3.DatabaseError as e:
        raise damaged(path, e) from None
    db.row_factory = sqlite3.Row
    return db


def damaged(path, e: Exception) -> Damaged:
    return Damaged(f"{path}: not a readable knowledge base ({e}); rebuild it with kb build --full")


def _record(row) -> Record:
    return Record.from_dict({**json.loads(row["record"]), "text": row["text"]})


def load_records(index_dir: str | os.PathLike) -> list[Record]:
    with closing(connect(index_dir)) as db:
        return [_record(row) for row in db.execute("SELECT record, text FROM documents ORDER BY id")]


def iter_records(index_dir: str | os.PathLike):
    """Every record, by id, one at a time (the cursor streams: memory does not grow with the corpus)."""
    with closing(connect(index_dir)) as db:
        for row in db.execute("SELECT record, text FROM documents ORDER BY id"):
            yield _record(row)


# what only a document's own page shows: kb.site reads the whole record when it renders that page
PAGE_ONLY = ("sections", "targets", "responsible_units", "support", "conditions", "info", "page", "warnings")


def light_records(index_dir: str | os.PathLike) -> list[Record]:
    """Every record, by id, without its text and the lists in PAGE_ONLY (SQLite drops them from
    the record JSON): what lists, groups, deadlines, statuses and search columns need, in a
    fraction of the memory (sections and targets are most of a record)."""
    drop = ", ".join(f"'$.{k}'" for k in PAGE_ONLY)
    with closing(connect(index_dir)) as db:
        return [Record.from_dict(json.loads(row[0]))
                for row in db.execute(f"SELECT json_remove(record, {drop}) FROM documents ORDER BY id")]


def texts(index_dir: str | os.PathLike, ids: list[str], chunk: int = 500):
    """The text of each record of ``ids``, in that order, a chunk at a time (not all in memory)."""
    with closing(connect(index_dir)) as db:
        for k in range(0, len(ids), chunk):
            part = ids[k:k + chunk]
            rows = dict(db.execute(f"SELECT id, text FROM documents WHERE id IN ({','.join('?' * len(part))})", part))
            yield from (rows.get(i) or "" for i in part)


def get(index_dir: str | os.PathLike, record_id: str) -> Record | None:
    with closing(connect(index_dir)) as db:
        row = db.execute("SELECT record, text FROM documents WHERE id = ?", (record_id,)).fetchone()
        return _record(row) if row else None


def by_number(index_dir: str | os.PathLike, number: str) -> list[Record]:
    with closing(connect(index_dir)) as db:
        rows = db.execute("SELECT record, text FROM documents WHERE doc_number = ? ORDER BY id", (number,))
        return [_record(r) for r in rows]


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
        rows = db.execute(f"SELECT id, record, text FROM documents WHERE id IN ({marks})", ids)
        return {r["id"]: _record(r) for r in rows}


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
        rows = db.execute(f"SELECT record, text FROM documents WHERE source IN ({marks}) ORDER BY id", sorted(sources))
        return [_record(r) for r in rows]


def cited_numbers_like(index_dir: str | os.PathLike, prefix: str) -> list[tuple[str, int]]:
    """(number, documents citing it) of cited numbers not in the knowledge base, by prefix."""
    with closing(connect(index_dir)) as db:
        rows = db.execute(
            "SELECT number, count(DISTINCT doc_id) FROM citations WHERE number LIKE ? ESCAPE '\\' "
            "AND number NOT IN (SELECT doc_number FROM documents WHERE doc_number IS NOT NULL) "
            "GROUP BY number ORDER BY number", (prefix.replace("%", "\\%").replace("_", "\\_") + "%",))
        return [tuple(r) for r in rows]


def repeal_index(index_dir: str | os.PathLike, numbers: list[str] | None = None) -> dict[str, list[dict]]:
    """number -> the documents declaring it repealed, as :func:`kb.status.repeal_index` gives it,
    read from the citations table and the repealing documents' evidence only (not every record)."""
    where = "c.kind = 'repeals'"
    args: list = []
    if numbers is not None:
        if not numbers:
            return {}
        where += f" AND c.number IN ({','.join('?' * len(numbers))})"
        args = list(numbers)
    out: dict[str, list[dict]] = {}
    with closing(connect(index_dir)) as db:
        rows = db.execute(
            "SELECT c.number, d.id, d.doc_number, d.title, d.effective_from, "
            "json_extract(d.record, '$.evidence.repeals') AS evidence "
            f"FROM citations c JOIN documents d ON d.id = c.doc_id WHERE {where} ORDER BY d.id, c.rowid", args)
        for r in rows:
            texts = json.loads(r["evidence"]) if r["evidence"] else {}
            out.setdefault(r["number"], []).append({
                "by": r["id"], "by_number": r["doc_number"], "by_title": r["title"],
                "text": texts.get(r["number"], "") if isinstance(texts, dict) else "", "from": r["effective_from"]})
    return out


def document_count(index_dir: str | os.PathLike) -> int:
    with closing(connect(index_dir)) as db:
        return db.execute("SELECT count(*) FROM documents").fetchone()[0]


def counts(index_dir: str | os.PathLike) -> dict:
    """What ``kb stats`` counts, read from the columns and side tables: the documents' short
    columns by id, (doc id, issuer) pairs in order, row counts and the failed files."""
    with closing(connect(index_dir)) as db:
        q = lambda sql: db.execute(sql).fetchone()[0]
        return {
            "documents": [dict(r) for r in db.execute(
                "SELECT id, doc_number, date, published, category, doc_type, province FROM documents ORDER BY id")],
            "issuers": [tuple(r) for r in db.execute("SELECT doc_id, name FROM issuers ORDER BY doc_id, position")],
            "files": q("SELECT count(*) FROM files"),
            "failed_files": [{"source": r[0], "reason": r[1]} for r in db.execute(
                "SELECT source, error FROM files WHERE error IS NOT NULL ORDER BY source")],
            "deadlines": q("SELECT count(*) FROM deadlines"),
            "targets": q("SELECT count(*) FROM targets"),
            "citations": q("SELECT count(*) FROM citations WHERE kind = 'cites'"),
        }


def deadline_records(index_dir: str | os.PathLike, since: str | None = None) -> list[Record]:
    """The documents having deadlines, with only what deadlines need (id, number, title, dates,
    validity, deadlines), from the columns and the deadlines table: no record JSON, no text.
    ``since`` (an ISO date): only the dated deadlines from that day on, and the recurring ones."""
    from kb.model import Deadline
    out: dict[str, Record] = {}
    where, args = ("WHERE x.recurring IS NOT NULL OR x.date >= ? ", [since]) if since else ("", [])
    with closing(connect(index_dir)) as db:
        rows = db.execute(
            "SELECT d.id, d.source, d.doc_number, d.title, d.date, d.effective_from, d.effective_until, "
            "x.date AS dl_date, x.time, x.opens, x.recurring, x.month, x.day, x.text, x.kind "
            f"FROM deadlines x JOIN documents d ON d.id = x.doc_id {where}ORDER BY d.id, x.position", args)
        for r in rows:
            rec = out.get(r["id"])
            if rec is None:
                rec = out[r["id"]] = Record(id=r["id"], source=r["source"], doc_number=r["doc_number"],
                                            title=r["title"], date=r["date"], effective_from=r["effective_from"],
                                            effective_until=r["effective_until"])
            rec.deadlines.append(Deadline(date=r["dl_date"], time=r["time"], opens=r["opens"], recurring=r["recurring"],
                                          month=r["month"], day=r["day"], text=r["text"], kind=r["kind"] or "due"))
    return list(out.values())


def policy_records(index_dir: str | os.PathLike) -> list[Record]:
    """Every document with what matching a client needs before its text (number, title, issuers,
    dates, validity and its evidence, region, conditions, support), from the columns and the small
    ``policy`` JSON: neither the record JSON nor the text is read."""
    with closing(connect(index_dir)) as db:
        rows = db.execute(
            "SELECT id, source, doc_number, title, issuers, date, effective_from, effective_until, "
            "province, city, county, policy FROM documents ORDER BY id")
        out = []
        loads = json.loads
        for (rid, source, number, title, issuers, day, start, until, province, city, county, policy) in rows:
            extra = loads(policy) if policy else {"conditions": [], "support": [], "evidence": {}}
            out.append(Record(id=rid, source=source, doc_number=number, title=title,
                              issuers=loads(issuers) if issuers and issuers != "[]" else [], date=day,
                              effective_from=start, effective_until=until,
                              region={"province": province, "city": city, "county": county} if province else None,
                              conditions=extra["conditions"], support=extra["support"], evidence=extra["evidence"]))
        return out


def mentions(index_dir: str | os.PathLike, ids: list[str], term: str) -> dict[str, int]:
    """id -> how many times ``term`` occurs in the text of each document of ``ids`` (counted by SQLite)."""
    if not ids or not term:
        return {}
    out: dict[str, int] = {}
    with closing(connect(index_dir)) as db:
        for chunk in _chunks(sorted(ids), 500):
            marks = ",".join("?" * len(chunk))
            for r in db.execute(f"SELECT id, (length(text) - length(replace(text, ?1, ''))) / length(?1) "
                                f"FROM documents WHERE id IN ({marks})", [term, *chunk]):
                if r[1]:
                    out[r[0]] = r[1]
    return out
