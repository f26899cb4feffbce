import os
import tempfile
from pathlib import Path

import pytest

from kb import pipeline, store

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = Path(os.environ.get("KB_SHARED", ROOT.parent / "shared"))
GOLD = SHARED / "gold" / "seeds.jsonl"
NOISE = SHARED / "gold" / "noise.json"

# `kb build` writes the dictionary's word table to the user's cache for searches
# (kb/search/analyzer.py): here into a folder of this session, for every process it starts
_CACHE = tempfile.TemporaryDirectory(prefix="kb-cache-")
os.environ.setdefault("KB_CACHE_DIR", _CACHE.name)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The sample corpus built once for the whole session: (index dir, report)."""
    index = tmp_path_factory.mktemp("index")
    report = pipeline.build(CORPUS, index)
    return index, report


@pytest.fixture(scope="session")
def records(built):
    return store.load_records(built[0])


def doc(title: str, number: str, body: str = "现将有关事项通知如下。") -> str:
    """A small 公文 with a title, a number, an addressee, a body and a signature."""
    return f"{title}\n{number}\n各省、自治区、直辖市人民政府：\n{body}\n国务院\n2019年1月2日\n"


def corpus(tmp_path, files: dict, name="corpus"):
    """A corpus folder of ``files`` ({file name: text}) under tmp_path."""
    c = tmp_path / name
    c.mkdir()
    for fname, text in files.items():
        (c / fname).write_text(text, encoding="utf-8")
    return c
