# Two commands do everything: `make demo` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# numba compiles the composition search once and keeps it here, outside the checkout, so a fresh clone, a CI run that
# keeps ~/.cache, or a deployment that keeps this directory does not compile it again. Every target uses it: `install`
# fills it, so that no composition (and no test) pays for compiling the search inside its time limit.
export NUMBA_CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(if $(HOME),$(HOME)/.cache,$(CURDIR)/.venv))/actionset/numba

.PHONY: demo test lint typecheck install serve worker scheduler clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)
	$(BIN)/python -m actionset.composition warm

## Run the app with demo data on SQLite at http://127.0.0.1:8000
demo: install
	DEBUG=1 $(BIN)/python manage.py migrate --verbosity 0
	DEBUG=1 $(BIN)/python manage.py demo_seed
	@echo "\nServing on http://127.0.0.1:8000 with a background worker — stop with Ctrl-C\n"
	DEBUG=1 $(BIN)/python manage.py db_worker --interval 0.5 --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 DEMO_MODE=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

## Process background tasks (composing sets, reminders, every email) — what production runs beside the web processes
worker: install
	$(BIN)/python manage.py db_worker

## Queue the periodic jobs (reminders, survey notices, offers, pruning, stalled compositions) for the worker
scheduler: install
	$(BIN)/python manage.py scheduler

## Run as production does: gunicorn, a worker and the scheduler, on DATABASE_URL with DEBUG off, on $$PORT (8000).
## Needs SECRET_KEY (and DATABASE_URL for PostgreSQL) in the environment; stop with Ctrl-C.
serve: install
	$(BIN)/python manage.py migrate --verbosity 0
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	$(BIN)/python manage.py scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	PORT=$${PORT:-8000} $(BIN)/gunicorn -c python:actionset.gunicorn_conf actionset.wsgi

## Run the whole test suite, one worker per core (set DATABASE_URL to run it on PostgreSQL; PYTEST_ARGS to add options)
# Each worker has its own test database; worksteal lets an idle worker take tests queued for a busy one, as the
# browser tests take far longer than the rest. Compiled files are kept (.gitignore leaves them out) even where the
# environment says not to write them: otherwise every worker of every run compiles our modules and rewrites every
# test module's asserts again, about 4 CPU-seconds each.
# Then the few tests marked `alone`, which assert how fast a change reaches every device of a live meeting (issue #17:
# within a second), run in one process with the machine to themselves, as such a figure is only true of a machine
# not also running the rest of the suite; pytest's "no tests ran" (5) is not a failure there (PYTEST_ARGS may select none).
test: install
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n auto --dist worksteal -m "not alone" $(PYTEST_ARGS)
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -p no:xdist -m alone $(PYTEST_ARGS); \
	status=$$?; [ $$status -eq 0 ] || [ $$status -eq 5 ]

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .mypy_cache .ruff_cache
