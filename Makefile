# `make site` and `make test` each set up .venv from pyproject.toml on a fresh machine, then do their job.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: site test lint typecheck unit bench serve clean lock

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/handbook build --ledger examples/signoff-ledger.json

# The live preview: rebuilds on every save, and the open page reloads itself (http://127.0.0.1:8000/).
serve: $(STAMP)
	$(BIN)/handbook serve --ledger examples/signoff-ledger.json

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/ruff format --check generator tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy generator tests benchmarks

unit: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m benchmarks $(if $(SIZES),--sizes $(SIZES))

# The hash-locked dependencies the privileged workflow jobs install (tests/test_lock.py checks it matches).
lock: $(STAMP)
	cd requirements && ../$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --build-deps-for=wheel --output-file signoff.txt ../pyproject.toml

clean:
	rm -rf build $(VENV)
