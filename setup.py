"""The metadata is in setup.cfg. This adds the optional C speed-up of the analyzer's per-word
loops (kb/search/_speedups.c): without a C compiler the install goes on, and the same loops
run in Python."""
from setuptools import Extension, setup

setup(ext_modules=[Extension("kb.search._speedups", ["kb/search/_speedups.c"], optional=True)])
