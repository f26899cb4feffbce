"""Quantitative targets: 到2020年…比2015年下降15%, 2018年培育100家左右…

A target is a clause with a target verb and a figure with a unit, due in a year read from the
clause, else its sentence, else its paragraph (list items often state the year once).
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

from kb import rules
from kb.extract.text import cut_after
from kb.model import Target


_MONTH_NEXT = re.compile(r"\s*\d{1,2}\s*月")
_SENTENCE_END = "。；;"      # a sentence ends after one of these, a clause after _CLAUSE_END
_CLAUSE_END = "，,"


@lru_cache(maxsize=None)
def _year_rules() -> tuple[re.Pattern, re.Pattern, tuple[str, ...]]:
    due = rules.rx("targets", "due_year")
    return rules.rx("targets", "baseline"), due, rules.requirements(due)


def _due_years(s: str) -> list[tuple[int, int]]:
    """(position, year) of years a target is due by; baselines (比2015年) and full dates excluded."""
    baseline, due, need = _year_rules()
    if not rules.may_match(need, s):          # no year written at all
        return []
    base = [m.span() for m in baseline.finditer(s)]     # in order, not overlapping
    out = []
    for m in due.finditer(s):
        i = bisect.bisect_right(base, (m.start("year"), float("inf")))
        if i and m.start("year") < base[i - 1][1]:      # inside a baseline
            continue
        if _MONTH_NEXT.match(s, m.end("year") + 1):
            continue
        out.append((m.start(), int(m.group("year"))))
    return out


def targets(text: str) -> list[Target]:
    out: list[Target] = []
    verb_rx = rules.rx("targets", "verbs")
    value_rx = rules.rx("targets", "value")
    base_rx = rules.rx("targets", "baseline")
    years_of: dict[str, list[tuple[int, int]]] = {}     # a clause is often its whole sentence or paragraph

    def due_years(s: str) -> list[tuple[int, int]]:
        found = years_of.get(s)
        if found is None:
            found = years_of[s] = _due_years(s)
        return found
    for para in text.split("\n"):
        if not value_rx.search(para):          # most paragraphs hold no figure at all
            continue
        para_years = None
        offset = 0
        for sent in cut_after(para, _SENTENCE_END):
            sent_years = None
            clause_start = 0
            for clause in cut_after(sent, _CLAUSE_END):
                verb = verb_rx.search(clause)
                value = value_rx.search(clause, verb.end()) if verb else None
                if verb and value:
                    # years are looked up only for clauses that state a figure
                    if sent_years is None:
                        sent_years = due_years(sent)
                    if para_years is None:
                        para_years = due_years(para)
                    years = due_years(clause)
                    pos = offset + clause_start
                    year = (years[0][1] if years else sent_years[0][1] if sent_years else
                            _last_before(para_years, pos))
                    if year:
                        out.append(_target(clause, sent, year, verb, value, base_rx.search(clause)))
                clause_start += len(clause)
            offset += len(sent)
    return out


def _last_before(years: list[tuple[int, int]], pos: int) -> int | None:
    """The year of the last (position, year) at or before ``pos`` (positions ascend)."""
    i = bisect.bisect_right(years, (pos, float("inf")))
    return years[i - 1][1] if i else None


_INDICATOR_NOISE = re.compile(r"^[\d一二三四五六七八九十]+[、.．]|^[（(][^）)]*[）)]|[，,。；\s]")


def _target(clause: str, sent: str, year: int, verb: re.Match, value: re.Match, base: re.Match | None) -> Target:
    indicator = clause[:verb.start()]
    if base and base.start() < verb.start():
        indicator = indicator[:base.start()]
    indicator = rules.raw("targets", "due_year").sub("", indicator)
    indicator = _INDICATOR_NOISE.sub("", indicator)
    return Target(year=year, text=clause.strip("，,。；; "), indicator=indicator or None,
                  direction=verb.group(0), value=float(value.group("value")), unit=value.group("unit"),
                  baseline_year=int(base.group("year")) if base else None, context=sent.strip())
