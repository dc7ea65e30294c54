# Two commands for a newcomer: `make up` starts everything, `make test` runs every test.
# Both install what they need first, from this repository's own files, into ./.venv.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

# Test workers (pytest-xdist). The integration tests mostly wait on the broker and the services,
# so more workers than cores pay off; each worker starts its own broker. `make test TEST_WORKERS=0`
# runs everything in one process.
TEST_WORKERS ?= 6

# The PostgreSQL leg of the integration tests (skipped locally if unreachable, required in CI).
export GRIDLINE_TEST_DATABASE_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test

.PHONY: up test lint install clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Gridline needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(STAMP)

up: $(STAMP)
	$(BIN)/gridline up

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(TEST_WORKERS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
