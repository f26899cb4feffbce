""".docx -> lines of text (paragraphs and tables in document order)."""
from __future__ import annotations

import io
import zipfile

import docx
from docx.table import Table

from kb.read.encoding import Unreadable, looks_like, normalise
from kb.read.html import cells_to_lines


def docx_text(data: bytes) -> str:
    if not data.startswith(b"PK"):
        what = looks_like(data)
        raise Unreadable(f"not a valid .docx: {'looks like ' + what if what else 'not a ZIP package'}")
    try:
        document = docx.Document(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise Unreadable("not a valid .docx: damaged ZIP package") from None
    except Exception as e:  # python-docx raises many types (KeyError, XML errors ...) for broken packages
        detail = e.args[0] if isinstance(e, KeyError) and e.args else e  # str(KeyError) adds quotes
        raise Unreadable(f"not a valid .docx: {detail}") from None
    lines: list[str] = []
    for block in document.iter_inner_content():  # document order: a table stays where it was
        if isinstance(block, Table):
            lines.extend(_docx_table_lines(block))
        else:
            lines.append(block.text)
    text = normalise("\n".join(lines))
    if not text.strip():
        raise Unreadable("empty .docx document (no text)")
    return text


def _docx_table_lines(table: Table) -> list[str]:
    lines = []
    for row in table.rows:
        cells, previous = [], None
        for cell in row.cells:
            if cell._tc is not previous:  # a merged cell is repeated once per grid column it spans
                cells.append(cell.text.replace("\n", " "))
            previous = cell._tc
        lines.extend(cells_to_lines(cells))
    return lines
