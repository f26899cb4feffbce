"""Quantitative targets: 到2020年…比2015年下降15%, 2018年培育100家左右…

A target is a clause with a target verb and a figure with a unit, due in a year read from the
clause, else its sentence, else its paragraph (list items often state the year once).
"""
from __future__ import annotations

import re

from kb import rules
from kb.model import Target


def _due_years(s: str) -> list[tuple[int, int]]:
    """(position, year) of years a target is due by; baselines (比2015年) and full dates excluded."""
    base = [m.span() for m in rules.rx("targets", "baseline").finditer(s)]
    out = []
    for m in rules.rx("targets", "due_year").finditer(s):
        if any(a <= m.start("year") < b for a, b in base):
            continue
        if re.match(r"\s*\d{1,2}\s*月", s[m.end("year") + 1:]):
            continue
        out.append((m.start(), int(m.group("year"))))
    return out


def targets(text: str) -> list[Target]:
    out: list[Target] = []
    verb_rx = rules.rx("targets", "verbs")
    value_rx = rules.rx("targets", "value")
    base_rx = rules.rx("targets", "baseline")
    for para in text.split("\n"):
        if not value_rx.search(para):          # most paragraphs hold no figure at all
            continue
        para_years = None
        offset = 0
        for sent in re.split(r"(?<=[。；;])", para):
            sent_years = None
            clause_start = 0
            for clause in re.split(r"(?<=[，,])", sent):
                verb = verb_rx.search(clause)
                value = value_rx.search(clause, verb.end()) if verb else None
                if verb and value:
                    # years are looked up only for clauses that state a figure
                    if sent_years is None:
                        sent_years = _due_years(sent)
                    if para_years is None:
                        para_years = _due_years(para)
                    years = _due_years(clause)
                    pos = offset + clause_start
                    year = (years[0][1] if years else sent_years[0][1] if sent_years else
                            next((y for p, y in reversed(para_years) if p <= pos), None))
                    if year:
                        out.append(_target(clause, sent, year, verb, value, base_rx.search(clause)))
                clause_start += len(clause)
            offset += len(sent)
    return out


def _target(clause: str, sent: str, year: int, verb: re.Match, value: re.Match, base: re.Match | None) -> Target:
    indicator = clause[:verb.start()]
    if base and base.start() < verb.start():
        indicator = indicator[:base.start()]
    indicator = re.sub(rules.get("targets", "due_year"), "", indicator)
    indicator = re.sub(r"^[\d一二三四五六七八九十]+[、.．]|^[（(][^）)]*[）)]|[，,。；\s]", "", indicator)
    return Target(year=year, text=clause.strip("，,。；; "), indicator=indicator or None,
                  direction=verb.group(0), value=float(value.group("value")), unit=value.group("unit"),
                  baseline_year=int(base.group("year")) if base else None, context=sent.strip())
