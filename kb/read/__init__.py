"""Read one corpus file into a RawDoc: detect the encoding, reject binaries, reduce HTML and .docx to text.

Nothing else is cleaned here (Markdown, letterheads, page numbers are the clean stage's job);
only line endings and control characters are normalised.  One module per concern:
``encoding`` (bytes -> text), ``html`` (pages), ``word`` (.docx).
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from kb.errors import ReadError
from kb.model import RawDoc
from kb.read.encoding import Unreadable, decode, normalise, refuse_binary_magic
from kb.read.html import read_page
from kb.read.word import docx_text

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".docx")
FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".docx": "docx"}

MB = 1024 * 1024
MAX_BYTES = 20 * MB            # larger files are refused (default of read_document's max_bytes)

_HTML_START = re.compile(r"\s*<(!doctype\s+html|html[\s>])", re.I)


# ---------------------------------------------------------------- corpus


def list_corpus(folder: str | os.PathLike, errors: list[tuple[str, str]] | None = None) -> list[Path]:
    """Supported files under ``folder`` (recursively), sorted by relative path; hidden ones skipped.
    A subfolder that cannot be listed is appended to ``errors`` as ("its/relative/path/", reason)."""
    root = Path(folder)
    if not root.is_dir():
        raise ReadError(str(root), "not a folder")
    found = []

    def unlistable(e: OSError) -> None:
        if errors is not None:
            rel = os.path.relpath(e.filename, root).replace(os.sep, "/") if e.filename else "."
            errors.append((rel.rstrip("/") + "/", f"cannot read folder: {e.strerror or e}"))
    for dirpath, dirnames, filenames in os.walk(root, onerror=unlistable):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel = os.path.relpath(dirpath, root)
        parts = () if rel == os.curdir else tuple(rel.split(os.sep))   # sort key: the relative path's parts
        for name in filenames:
            # "~$x.docx" are Office lock files, not documents
            if name.startswith((".", "~$")) or os.path.splitext(name)[1].lower() not in SUPPORTED:
                continue
            found.append((parts + (name,), dirpath, name))
    return [Path(dirpath, name) for _, dirpath, name in sorted(found)]


def read_document(path: str | os.PathLike, *, max_bytes: int = MAX_BYTES) -> RawDoc:
    """Read one file as text.  Raises ReadError with a short reason for anything unusable."""
    path = Path(path)
    try:
        return _read(path, max_bytes)
    except Unreadable as e:
        raise ReadError(str(path), str(e)) from None


_MD_H1 = re.compile(r"#[ \t]+(?P<value>[^\n#][^\n]*?)[ \t#]*$")


def _markdown_heading(text: str, lines: int = 20) -> list[dict]:
    """The page's title a Markdown file shows: its first level-1 heading (``# 标题``), when it
    comes before any other heading in the first lines, as page metadata."""
    for line in text.split("\n", lines)[:lines]:
        s = line.strip()
        if s.startswith("#"):
            m = _MD_H1.fullmatch(s)
            return [{"field": "heading", "value": m["value"].strip(), "from": "# （Markdown）"}] if m else []
    return []


def _read(path: Path, max_bytes: int) -> RawDoc:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise Unreadable(f"unsupported file type {path.suffix or '(no extension)'!r} "
                          f"(supported: {', '.join(SUPPORTED)})")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise Unreadable(f"file too large ({size / MB:.1f} MB > {max_bytes / MB:g} MB limit)")
        data = path.read_bytes()
    except OSError as e:
        raise Unreadable(f"cannot read file: {e.strerror or e}") from None
    if not data:
        raise Unreadable("empty file")
    sha = hashlib.sha256(data).hexdigest()
    meta: list[dict] = []

    if fmt == "docx":
        text, encoding = docx_text(data), "utf-8"  # the XML inside a .docx is UTF-8
    else:
        refuse_binary_magic(data)
        text, encoding = decode(data)
        text = normalise(text)
        if fmt == "txt" and _HTML_START.match(text):
            fmt = "html"
        if not text.strip():
            raise Unreadable("empty file (only whitespace)")
        if fmt == "html":
            text, meta = read_page(text)
            if not text.strip():
                raise Unreadable("no text content in the HTML page")
        elif fmt == "md":
            meta = _markdown_heading(text)
    return RawDoc(path=str(path), source=path.name, text=text, format=fmt, encoding=encoding, sha256=sha,
                  meta=meta)
