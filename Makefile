# Two commands on a fresh machine: `make run` (set up, migrate, demo, serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The PostgreSQL the second test run uses; unreachable means skipped (but CI fails instead).
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install run test test-sqlite test-postgres lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: install
	$(BIN)/qinglang migrate
	$(BIN)/qinglang demo --if-empty
	$(BIN)/qinglang serve --no-migrate

test: install test-sqlite test-postgres

test-sqlite: install
	QINGLANG_TEST_DATABASE_URL= $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	QINGLANG_TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests

bench: install
	$(BIN)/qinglang bench --help

clean:
	rm -rf $(VENV) var .pytest_cache
