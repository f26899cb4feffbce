"""Alias tables for issuing bodies and policy terms (kb/data/aliases.json).

    canonical_body(name) -> str        工信部 -> 工业和信息化部; unknown: name without spaces
    canonical_term(term) -> str        新能源车 -> 新能源汽车; unknown: term without spaces
    expand(term) -> list[str]          term, its canonical form and all aliases (query expansion)
    is_alias(a, b) -> bool             same body or same term after canonicalisation

Bodies are resolved by, in order: the exact table; a leading 中华人民共和国;
place patterns (山西省发改委 -> 山西省发展和改革委员会); sub-units
(工信部办公厅 -> 工业和信息化部办公厅). Lookups ignore whitespace and Latin case,
and read ASCII parentheses as full-width ones.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

__all__ = ["canonical_body", "canonical_term", "expand", "is_alias"]

_SPACE = re.compile(r"\s+")


def _norm(s: str) -> str:
    return _SPACE.sub("", s)


_HALF_PARENS = str.maketrans("()", "（）")


def _key(s: str) -> str:
    # ASCII parentheses look up as full-width ones, so aliases never need them
    # (they would be grouping syntax once expand() output reaches a query parser).
    return _norm(s).translate(_HALF_PARENS).casefold()


@lru_cache(maxsize=1)
def _data() -> dict:
    raw = resources.files("kb").joinpath("data/aliases.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    data["body_index"] = _index(data["bodies"])
    data["term_index"] = _index(data["terms"])
    # Longest suffix first, so 政府办公厅 wins over 政府.
    data["place_patterns"].sort(key=lambda p: -len(p[0]))
    return data


def _index(table: dict[str, list[str]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for canon, aliases in table.items():
        for name in (canon, *aliases):
            k = _key(name)
            if index.setdefault(k, canon) != canon:
                raise ValueError(f"alias {name!r} given for both {index[k]!r} and {canon!r}")
    return index


def _place(rest: str, levels: list[str]) -> bool:
    """True if rest is '<something><level>', e.g. 山西省, 长治市."""
    return any(rest.endswith(lv) and len(rest) > len(lv) for lv in levels)


def canonical_body(name: str) -> str:
    """Canonical name of an issuing body, or the name without whitespace."""
    return _body(_norm(name)) or _norm(name)


@lru_cache(maxsize=4096)
def _body(name: str) -> str | None:
    d = _data()
    hit = d["body_index"].get(_key(name))
    if hit:
        return hit
    for prefix in d["body_prefixes"]:
        if name.startswith(prefix) and len(name) > len(prefix):
            hit = _body(name[len(prefix):])
            if hit:
                return hit
    for alias_suffix, canon_suffix in d["place_patterns"]:
        rest = name[: -len(alias_suffix)]
        if name.endswith(alias_suffix) and _place(rest, d["place_levels"]):
            return rest + canon_suffix
    for unit in d["sub_units"]:
        if name.endswith(unit) and len(name) > len(unit):
            head = _body(name[: -len(unit)])
            if head:
                return head + unit
    return None


def canonical_term(term: str) -> str:
    """Canonical form of a policy term, or the term without whitespace."""
    t = _norm(term)
    return _data()["term_index"].get(_key(t), t)


def _body_aliases(canon: str) -> list[str]:
    d = _data()
    if canon in d["bodies"]:  # listed bodies carry their full alias list
        return list(d["bodies"][canon])
    out = []
    for alias_suffix, canon_suffix in d["place_patterns"]:
        rest = canon[: -len(canon_suffix)]
        if canon.endswith(canon_suffix) and _place(rest, d["place_levels"]):
            out.append(rest + alias_suffix)
    for unit in d["sub_units"]:
        head = canon[: -len(unit)]
        if canon.endswith(unit) and head and (_body(head) or head) == head:
            out += [a + unit for a in _body_aliases(head)]
    return out


def expand(term: str) -> list[str]:
    """The term, its canonical form and every alias (bodies and terms), deduplicated."""
    t = _norm(term)
    out = [t]
    body = _body(t) or t  # a canonical place name is not in any table
    out += [body, *_body_aliases(body)]
    canon = _data()["term_index"].get(_key(t))
    if canon:
        out += [canon, *_data()["terms"][canon]]
    return list(dict.fromkeys(out))


def is_alias(a: str, b: str) -> bool:
    """True if a and b name the same body or the same term."""
    if canonical_body(a) == canonical_body(b):
        return True
    return canonical_term(a) == canonical_term(b)
