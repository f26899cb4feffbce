"""Where the bench scripts write their figures: bench/out/<name>.json (git-ignored)."""
from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def save(data: dict, *names: str) -> list[Path]:
    """Write ``data`` as indented UTF-8 JSON to bench/out/<name>.json for each name."""
    OUT.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    paths = [OUT / f"{name}.json" for name in names]
    for path in paths:
        path.write_text(text)
    return paths
