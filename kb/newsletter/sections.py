"""Which section of an issue a document goes to, by the rules of kb/data/sections.toml."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from kb.errors import KbError
from kb.model import Record
from kb.newsletter.model import Issue


@dataclass
class Rule:
    section: str
    title: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    per_1000_chars: float = 0.0

    def matches(self, title: str, text: str) -> bool:
        if any(w in title for w in self.title):
            return True
        if self.text and self.per_1000_chars and text:
            hits = sum(text.count(w) for w in self.text)
            return hits * 1000 / len(text) >= self.per_1000_chars
        return False


@dataclass
class Rules:
    order: list[str]
    default: str
    rules: list[Rule]
    digest: dict = field(default_factory=dict)

    def section_for(self, title: str, text: str = "") -> str:
        for r in self.rules:
            if r.matches(title, text):
                return r.section
        return self.default


def _packaged() -> dict:
    return tomllib.loads(resources.files("kb").joinpath("data/sections.toml").read_text(encoding="utf-8"))


def load_rules(path: str | os.PathLike | None = None) -> Rules:
    """The section rules: ``path``, else $KB_SECTIONS, else the packaged kb/data/sections.toml.

    A custom file may leave out [digest]: the packaged settings fill in what it does not set."""
    path = path or os.environ.get("KB_SECTIONS")
    try:
        base = _packaged()
        data = tomllib.loads(Path(path).read_text(encoding="utf-8")) if path else base
        return Rules(order=list(data.get("order", [])), default=data.get("default", base["default"]),
                     rules=[Rule(**r) for r in data.get("rules", [])],
                     digest={**base["digest"], **data.get("digest", {})})
    except (OSError, tomllib.TOMLDecodeError, TypeError) as e:
        raise KbError(f"section rules {path or 'kb/data/sections.toml'}: {e}") from e


def section_of(record: Record, rules: Rules) -> str:
    """A record's own category wins (it was published under it); else the first matching rule."""
    if record.category:
        return record.category
    title = record.title or record.text.strip().split("\n", 1)[0]
    return rules.section_for(title, record.text)


def assign_sections(issue: Issue, records: dict[str, Record], rules: Rules) -> Issue:
    """Fill in the section of every item that has none (``records``: item ref -> record)."""
    for it in issue.items:
        if not it.section:
            it.section = section_of(records[it.ref], rules)
    if not issue.order:
        issue.order = list(rules.order)
    return issue
