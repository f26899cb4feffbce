"""Access to the rule data in kb/data/rules.toml, loaded once and compiled."""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def rules() -> dict:
    with resources.files("kb").joinpath("data/rules.toml").open("rb") as f:
        return tomllib.load(f)


def get(section: str, key: str):
    return rules()[section][key]


@lru_cache(maxsize=None)
def rx(section: str, key: str, flags: int = 0) -> re.Pattern:
    """Compile a rule, filling in the DATE and TIME placeholders of kb.extract.dates."""
    from kb.extract.dates import DATE_RX, TIME_RX
    pattern = get(section, key)
    pattern = pattern.replace("DATE", DATE_RX).replace("TIME", TIME_RX)
    return re.compile(pattern, flags)


@lru_cache(maxsize=None)
def any_of(section: str, key: str) -> re.Pattern:
    """One regex matching any of a list of literal words (longest first)."""
    words = sorted(get(section, key), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))
