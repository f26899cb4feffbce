# `make run` builds the knowledge base from corpus/ and shows it; `make test` runs the tests.
# Both create the virtual environment they need (.venv) on first use.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
# reinstalled when the package metadata or the C speed-up (compiled at install) changes
STAMP = $(VENV)/.installed-$(shell cat $(INSTALL_INPUTS) | cksum | cut -d' ' -f1)
INSTALL_INPUTS = setup.cfg setup.py pyproject.toml kb/search/_speedups.c

.PHONY: run test install clean

$(STAMP): $(INSTALL_INPUTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

run: $(STAMP)
	$(BIN)/kb build corpus --index index
	$(BIN)/kb stats --index index
	$(BIN)/kb records --index index
	$(BIN)/kb search 专精特新 小巨人 --index index --limit 3
	$(BIN)/kb site --index index --out site
	@echo "Site written to site/: preview it with $(BIN)/kb serve --dir site"

test: $(STAMP)
	$(BIN)/pytest -q

clean:
	rm -rf index site $(VENV)
