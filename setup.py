"""The metadata is in setup.cfg. This adds the optional C versions of the build's and the
phrase check's hot loops (kb/search/_speedups.c): without a C compiler the install goes on,
and the same loops run in Python (kb/search/speedups.py)."""
from setuptools import Extension, setup

setup(ext_modules=[Extension("kb.search._speedups", ["kb/search/_speedups.c"], optional=True)])
