# Fupin: build, run and test. Every target is safe to run again.
#   make install        .venv + Python packages + front-end packages (fupin/static/vendor)
#   make run            development server on http://127.0.0.1:8000 with demo users
#   make test           whole suite on SQLite, then on PostgreSQL (needs root for apt/postgres)
#   make test-sqlite    one backend only; extra pytest arguments: PYTEST_ARGS="-k areas"
#   make test-postgres
#   make lint | messages | clean

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# Targets run one after another, in the order written, even under `make -j`.
.NOTPARALLEL:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
POSTGRES_URL := postgres://fupin:fupin@127.0.0.1:5432/fupin
# `fupin` needs a secret key or debug mode; the dev server and the message tools use debug mode.
DEV_ENV := FUPIN_DEBUG=1 FUPIN_VAR_DIR=$(CURDIR)/var

.PHONY: help install vendor system-deps postgres run test test-sqlite test-postgres lint \
	messages clean

help:
	@sed -n '2,8p' Makefile | sed 's/^# \{0,1\}//'

# --- install -----------------------------------------------------------------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet --upgrade pip

# Re-install only when pyproject.toml is newer than the stamp (or the venv is new).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(STAMP) vendor

vendor:
	bash scripts/vendor.sh

system-deps:
	bash scripts/system-deps.sh

postgres:
	bash scripts/postgres.sh

# --- run -----------------------------------------------------------------------------------
run: install
	$(DEV_ENV) $(BIN)/fupin migrate
	$(DEV_ENV) $(BIN)/fupin demo
	@echo
	@echo "登录：浏览器打开 http://127.0.0.1:8000 ，用户名 village_a，密码见上方。"
	@echo "Log in: open http://127.0.0.1:8000 as user village_a with the password printed above."
	@echo
	@# the background worker (large imports) runs beside the server and stops with it
	$(DEV_ENV) $(BIN)/fupin db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/fupin runserver 127.0.0.1:8000

# --- tests ---------------------------------------------------------------------------------
PYTEST_SQLITE := env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)
PYTEST_POSTGRES := env DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest $(PYTEST_ARGS)

# Both backends always run; the target fails if either does.
test: install system-deps postgres
	@sqlite=0; postgres=0; \
	echo "==> pytest on SQLite"; \
	$(PYTEST_SQLITE) || sqlite=$$?; \
	echo "==> pytest on PostgreSQL ($(POSTGRES_URL))"; \
	$(PYTEST_POSTGRES) || postgres=$$?; \
	echo "==> exit status: SQLite $$sqlite, PostgreSQL $$postgres"; \
	[ $$sqlite -eq 0 ] && [ $$postgres -eq 0 ]

test-sqlite: install system-deps
	@echo "==> pytest on SQLite"
	$(PYTEST_SQLITE)

test-postgres: install system-deps postgres
	@echo "==> pytest on PostgreSQL ($(POSTGRES_URL))"
	$(PYTEST_POSTGRES)

# --- housekeeping ----------------------------------------------------------------------------
lint: install
	$(BIN)/ruff check fupin tests

messages: install
	mkdir -p fupin/locale
	cd fupin && $(DEV_ENV) $(CURDIR)/$(BIN)/fupin makemessages -l en --no-obsolete --ignore=.venv \
		--ignore=node_modules
	cd fupin && $(DEV_ENV) $(CURDIR)/$(BIN)/fupin compilemessages

clean:
	rm -rf var fupin/static/vendor
