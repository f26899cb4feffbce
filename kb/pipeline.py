"""The build: read -> clean -> split -> extract -> store, one file at a time.

A bad file is reported with its name and reason and the build goes on; the store is written
to a temporary file and swapped in at the end, so an interrupted build loses nothing.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from kb import store
from kb.clean import clean
from kb.errors import KbError, ReadError
from kb.extract import extract
from kb.model import Record
from kb.read import list_corpus, read_document
from kb.split import split

# Fields counted in the build summary ("fields found").
SUMMARY_FIELDS = ("title", "doc_number", "issuers", "date", "published", "recipients", "category",
                  "links", "cites", "repeals", "effective_from", "effective_until", "deadlines",
                  "targets", "responsible_units", "doc_type", "region")


@dataclass
class BuildReport:
    corpus: str
    index: str
    files: int = 0
    documents: int = 0
    failed: list[dict] = field(default_factory=list)      # {"source", "reason"}
    fields: dict[str, int] = field(default_factory=dict)  # field -> documents that have it
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"corpus": self.corpus, "index": self.index, "files": self.files,
                "documents": self.documents, "failed": self.failed, "fields": self.fields,
                "seconds": round(self.seconds, 3)}


def record_id(source: str, index: int) -> str:
    """Stable ids: the file's path without extension; parts of a compilation get -01, -02 …"""
    stem = str(Path(source).with_suffix("")).replace("\\", "/").replace("/", "__")
    return f"{stem}-{index:02d}" if index else stem


def process_text(text: str, source: str) -> list[Record]:
    """Clean, split and extract one decoded text."""
    parts = split(clean(text))
    return [extract(p, source, record_id(source, p.index)) for p in parts if p.text.strip()]


def process_file(path: Path, corpus: Path) -> tuple[dict, list[Record]]:
    source = path.relative_to(corpus).as_posix() if path.is_relative_to(corpus) else path.name
    try:
        raw = read_document(path)
        records = process_text(raw.text, source)
        if not records:
            raise ReadError(str(path), "no document text after cleaning")
        return {"source": source, "sha256": raw.sha256, "documents": len(records), "error": None}, records
    except KbError as e:
        reason = getattr(e, "reason", str(e))
        return {"source": source, "sha256": None, "documents": 0, "error": reason}, []


def build(corpus: str | Path, index_dir: str | Path = "index",
          progress: Callable[[dict, int], None] | None = None) -> BuildReport:
    """Build the knowledge base of a corpus folder into ``index_dir``."""
    start = time.perf_counter()
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise KbError(f"corpus folder not found: {corpus}")
    paths = list_corpus(corpus)
    report = BuildReport(corpus=str(corpus), index=str(index_dir), files=len(paths))
    records: list[Record] = []
    files: list[dict] = []
    for path in paths:
        info, recs = process_file(path, corpus)
        files.append(info)
        records.extend(recs)
        if info["error"]:
            report.failed.append({"source": info["source"], "reason": info["error"]})
        if progress:
            progress(info, len(records))
    report.documents = len(records)
    report.fields = _field_counts(records)
    store.write(index_dir, records, files, {"corpus": str(corpus), "built": time.strftime("%Y-%m-%dT%H:%M:%S")})
    report.seconds = time.perf_counter() - start
    return report


def _field_counts(records: list[Record]) -> dict[str, int]:
    counts = Counter()
    for r in records:
        for f in SUMMARY_FIELDS:
            if getattr(r, f):
                counts[f] += 1
    return {f: counts.get(f, 0) for f in SUMMARY_FIELDS}
