"""Hot loops in C (kb/search/_speedups.c), when setup.py could compile it at install.

``C`` is the compiled module, or None: then the Python versions of the same loops run (they
are the reference: the tests compare the two). KB_SPEEDUPS=0 in the environment turns C off.
Used by kb.search.analyzer (the build's per-word loops), kb.search.writer (its per-posting
loop) and kb.search.phrase (phrase checks).
"""
from __future__ import annotations

import os

try:
    from kb.search import _speedups as C
except ImportError:         # no C compiler at install time
    C = None
if os.environ.get("KB_SPEEDUPS") == "0":
    C = None
