# OneWindow: `make run` starts the embedded platform, `make test` runs everything CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
ADDR ?= 127.0.0.1:8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install tools test-tools static messages compile-messages migrate demo run lint audit test test-pg pytest bench clean prod prod-stop load

help:
	@echo "make run    install everything, load the demo centre, serve http://$(ADDR)"
	@echo "make test   install everything and run linters, checks and the whole test suite"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages, installed when missing: gettext compiles and extracts translations; the
# tests also need poppler-utils (pdftotext reads the notices) and chromium (the browser tests
# drive Debian's chromium through Playwright, which never downloads a browser, and need a
# Chinese font to render the pages' text).
define need_debian
	@missing=""; for pair in $(1); do command -v $${pair%%:*} >/dev/null || \
		missing="$$missing $${pair##*:}"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
		apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; fi
endef

tools:
	$(call need_debian,msgfmt:gettext xgettext:gettext)

test-tools: tools
	$(call need_debian,pdftotext:poppler-utils chromium:chromium)
	@fc-list :lang=zh 2>/dev/null | grep -q . || { echo "installing: fonts-wqy-microhei"; \
		apt-get install -y -qq fonts-wqy-microhei >/dev/null; }

static: node_modules/.installed
	npm run --silent build

messages: tools $(VENV)/.installed
	cd onewindow && ../$(PY) -m django makemessages -l en --no-location --no-wrap \
		-i 'static/*' -i 'tests/*' -i 'demo/*' --settings=onewindow.settings

compile-messages: tools $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

install: $(VENV)/.installed static compile-messages

migrate: install
	$(PY) manage.py migrate --no-input -v0

demo: migrate
	@mkdir -p var
	@test -f var/.demo-loaded || { $(PY) manage.py seed_demo && touch var/.demo-loaded; }

run: demo
	$(BIN)/onewindow run $(ADDR)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy onewindow
	$(BIN)/djlint onewindow --lint
	ONEWINDOW_ENV=test $(PY) manage.py makemigrations --check --dry-run
	ONEWINDOW_ENV=test $(PY) manage.py check
	ONEWINDOW_ENV=test $(PY) scripts/check_translations.py

pytest: install test-tools
	ONEWINDOW_ENV=test $(BIN)/pytest -n 2 -q

# Known vulnerabilities in the pinned dependencies as installed: fails on a finding; an
# unreachable vulnerability service is reported and not a failure.
audit: $(VENV)/.installed
	$(PY) scripts/audit_dependencies.py

test: lint audit pytest

# The same suite against PostgreSQL (DATABASE_URL must name a server; .ci/run sets it).
test-pg: install test-tools
	ONEWINDOW_ENV=test $(BIN)/pytest -n 2 -q

bench: install
	ONEWINDOW_ENV=test $(PY) bench/catalog_search.py

# Production mode on this machine (docs/deploy.md): gunicorn + uvicorn workers, PostgreSQL,
# Redis, a Celery worker and beat; secrets generated into var/prod.env. DEMO=1 loads the demo.
prod: install
	$(PY) deploy/prod.py start $(if $(DEMO),--seed-demo)

prod-stop:
	$(PY) deploy/prod.py stop

# The load benchmark (bench/load/): minutes long, never part of `make test`.
load: install
	$(PY) bench/load/run.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) node_modules var onewindow/static/vendor
